/**
 * src/util/portable-math.ts against the engine's Math: within 1 ulp on
 * many arguments of each range the MD path uses, exact at the special
 * values, and (its point) the same bits on every engine: test/web runs the
 * notebooks in Chromium and Node and compares them.
 */
import { describe, expect, it } from 'vitest';
import { cos, exp, log, sin } from '../../src/util/portable-math.ts';
import { Rng } from '../../src/util/random.ts';

/** |a - b| in units of the last place of b */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const ulp = Math.abs(b) > 0 ? 2 ** (Math.floor(Math.log2(Math.abs(b))) - 52) : Number.MIN_VALUE;
  return Math.abs(a - b) / ulp;
}

describe('portable exp, log, sin, cos (fdlibm)', () => {
  const rng = new Rng(7);
  const worst = (f: (x: number) => number, g: (x: number) => number, xs: number[]) => Math.max(...xs.map((x) => ulps(f(x), g(x))));
  it('exp within 1 ulp of Math.exp from -745 to 709, and at its edges', () => {
    const xs = [...Array.from({ length: 20000 }, () => (rng.uniform() - 0.5) * 40), ...Array.from({ length: 2000 }, () => (rng.uniform() - 0.5) * 1400), 1e-300, -1e-20, 0.3, 0.5, 1, 700];
    expect(worst(exp, Math.exp, xs)).toBeLessThanOrEqual(1);
    expect([exp(0), exp(-Infinity), exp(Infinity), exp(800), exp(-800)]).toEqual([1, 0, Infinity, Infinity, 0]);
    expect(Number.isNaN(exp(NaN))).toBe(true);
  });
  it('log within 1 ulp of Math.log from subnormals to 1e300', () => {
    const xs = [...Array.from({ length: 20000 }, () => rng.uniform()), ...Array.from({ length: 5000 }, () => 10 ** ((rng.uniform() - 0.5) * 600)), 1 + 1e-10, 1 - 1e-10, 2, 5e-324, 0.7];
    expect(worst(log, Math.log, xs)).toBeLessThanOrEqual(1);
    expect([log(1), log(0), log(Infinity)]).toEqual([0, -Infinity, Infinity]);
    expect(Number.isNaN(log(-1))).toBe(true);
  });
  it('sin and cos within 1 ulp of Math on [-1000, 1000], Box-Muller angles included', () => {
    const xs = [...Array.from({ length: 20000 }, () => 2 * Math.PI * rng.uniform()), ...Array.from({ length: 5000 }, () => (rng.uniform() - 0.5) * 2000), 1e-9, Math.PI / 4, 3 * Math.PI / 2];
    // near a zero of the function the absolute error is what counts
    const near = (f: (x: number) => number, g: (x: number) => number) => Math.max(...xs.map((x) => Math.abs(g(x)) < 1e-3 ? Math.abs(f(x) - g(x)) / 2 ** -52 * 1e-3 : ulps(f(x), g(x))));
    expect(near(sin, Math.sin)).toBeLessThanOrEqual(1);
    expect(near(cos, Math.cos)).toBeLessThanOrEqual(1);
    expect(() => sin(1e10)).toThrow(/beyond 2\^20 pi\/2/);
  });
  it('on Node 20 the same bits as Math (so Node runs are unchanged by them)', () => {
    const xs = Array.from({ length: 20000 }, () => rng.uniform());
    for (const [f, g, scale] of [[exp, Math.exp, 40], [log, Math.log, 1], [sin, Math.sin, 2 * Math.PI], [cos, Math.cos, 2 * Math.PI]] as const) {
      expect(xs.filter((u) => f((scale === 40 ? u - 0.5 : u) * scale) !== g((scale === 40 ? u - 0.5 : u) * scale)).length).toBe(0);
    }
  });
});
