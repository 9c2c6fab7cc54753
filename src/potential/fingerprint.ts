/**
 * A short identity of a potential's functions: a 64-bit FNV-1a hash of its
 * name, units, dimension, type count and cutoffs, and of its values at a grid
 * of distances (pair terms; EAM densities and embedding energies too). Two
 * potentials with the same fingerprint compute the same forces up to the
 * sampled detail, so a checkpoint can tell whether it is continued with the
 * potential that made it (a different parameter or tabulated file changes it).
 */
import type { Potential } from './types.ts';

const SAMPLES = 16;

export function potentialFingerprint(pot: Potential): string {
  const h = new Fnv64();
  h.text(`${pot.kind}|${pot.name}|${pot.units}|${pot.kind === 'pair' ? pot.dim ?? 'any' : 3}|${pot.ntypes}`);
  h.num(pot.maxCutoff);
  const out = new Float64Array(4);
  for (let a = 1; a <= pot.ntypes; a++) {
    for (let b = 1; b <= pot.ntypes; b++) {
      const rc = pot.cutoff(a, b);
      h.num(rc);
      for (let k = 1; k <= SAMPLES; k++) {
        const r = (rc * k) / SAMPLES;
        if (pot.kind === 'pair') pot.radial(a, b, r, out);
        else pot.pair(a, b, r, out);
        h.num(out[0]);
        h.num(out[1]);
        if (pot.kind === 'eam') {
          pot.density(a, b, r, out);
          h.num(out[0]);
        }
      }
    }
    if (pot.kind === 'eam') {
      for (let k = 1; k <= SAMPLES; k++) {
        pot.embed(a, k / 4, out);
        h.num(out[0]);
      }
    }
  }
  return h.hex();
}

/** 64-bit FNV-1a over bytes, in two 32-bit halves (no BigInt in the loop). */
class Fnv64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;
  private readonly buf = new DataView(new ArrayBuffer(8));

  byte(b: number): void {
    this.lo ^= b & 0xff;
    // multiply by the FNV prime 2^40 + 0x1b3
    const lo = this.lo, hi = this.hi;
    const pLo = lo * 0x1b3;
    const carry = Math.floor(pLo / 0x100000000);
    this.lo = pLo >>> 0;
    this.hi = (hi * 0x1b3 + carry + ((lo << 8) >>> 0)) >>> 0;
  }

  text(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      this.byte(c);
      this.byte(c >>> 8);
    }
  }

  num(x: number): void {
    this.buf.setFloat64(0, x, true);
    for (let i = 0; i < 8; i++) this.byte(this.buf.getUint8(i));
  }

  hex(): string {
    return (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0');
  }
}
