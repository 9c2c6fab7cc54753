import { describe, expect, it } from 'vitest';
import { cursor, isNanLiteral, parseFieldAt, parseNumber } from '../../src/io/text-scan.ts';
import { rng } from './helpers.ts';

/** parseNumber must equal the engine's correctly rounded Number() bit for bit. */
function check(t: string): void {
  const got = parseNumber(t, 0, t.length);
  const want = Number(t);
  if (!Object.is(got, want)) throw new Error(`parseNumber('${t}') = ${got}, Number() = ${want}`);
}

describe('parseNumber is correctly rounded (reference: Number())', () => {
  const r = rng(2024);
  const randomDouble = () => {
    const e = Math.floor(r() * 60) - 30;
    return (r() - 0.5) * 2 * 10 ** e;
  };

  it('shortest round-trip strings (String(x)) and %.17g-style strings', () => {
    for (let k = 0; k < 100000; k++) {
      const x = randomDouble();
      check(String(x));
      check(x.toPrecision(17));
      check(x.toExponential(16));
      check(x.toPrecision(1 + Math.floor(r() * 21)));
    }
  });

  it('random digit strings of 1..22 significant digits, including near-halfway cases', () => {
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
    for (let k = 0; k < 100000; k++) {
      const nInt = Math.floor(r() * 4);
      const nFrac = Math.floor(r() * 20);
      let t = `${r() < 0.5 ? '-' : ''}${digits(nInt)}${nFrac > 0 || nInt === 0 ? '.' + digits(Math.max(nFrac, 1)) : ''}`;
      if (r() < 0.3) t += `e${Math.floor(r() * 40) - 20}`;
      check(t);
    }
    // decimal midpoints between adjacent doubles: x + ulp/2 written exactly with 17+ digits
    for (let k = 0; k < 20000; k++) {
      const x = 1 + r() * 8;
      const mid = (BigInt(Math.round(x * 2 ** 50)) * 2n + 1n) * 5n ** 51n; // (2m+1) / 2^51 as a decimal
      const s = mid.toString();
      const t = `${s.slice(0, s.length - 51)}.${s.slice(s.length - 51)}`.slice(0, 19);
      check(t);
    }
  });

  it('special spellings', () => {
    for (const t of ['0', '-0', '+1', '.5', '5.', '1e5', '1E+05', '-2.5e-3', '123456789012345678901234', '1e-320', '1e400']) check(t);
    expect(parseNumber('inf', 0, 3)).toBe(Infinity);
    expect(parseNumber('-inf', 0, 4)).toBe(-Infinity);
    expect(parseNumber('nan', 0, 3)).toBeNaN();
    expect(isNanLiteral('-nan', 0, 4)).toBe(true);
    for (const bad of ['', '-', '.', 'e5', '1e', '1.2.3', '1x', 'abc', '--1']) {
      expect(parseNumber(bad, 0, bad.length), bad).toBeNaN();
      expect(isNanLiteral(bad, 0, bad.length)).toBe(false);
    }
  });

  it('parseFieldAt walks the fields of a line', () => {
    const line = '  12 -3.5e2\t0.1  nan 7x ';
    const out: [number, string][] = [];
    let i = 0;
    for (;;) {
      const v = parseFieldAt(line, i, line.length);
      if (cursor.start >= line.length) break;
      out.push([v, line.slice(cursor.start, cursor.end)]);
      i = cursor.end;
    }
    expect(out.map((o) => o[1])).toEqual(['12', '-3.5e2', '0.1', 'nan', '7x']);
    expect(out.slice(0, 3).map((o) => o[0])).toEqual([12, -350, 0.1]);
    expect(out[3][0]).toBeNaN();
    expect(out[4][0]).toBeNaN();
  });
});
