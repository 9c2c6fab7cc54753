/**
 * Seeded, reproducible pseudo-random numbers for the MD engine.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 47, 36 (2021)), 128-bit state,
 * period 2^128 - 1, written with 32-bit integer operations (Math.imul) so it
 * gives the same stream on every JS engine.
 * Seeding: the four state words are drawn from a SplitMix32 sequence (Weyl
 * increment 0x9e3779b9 + the murmur3 fmix32 finaliser) started from the seed,
 * so that nearby seeds give unrelated streams and the state is never all zero.
 *
 * Normal deviates: Box-Muller (polar-free form), pairs are produced and the
 * second one is kept in the state (`spare`) so the state round-trips exactly
 * through checkpoints.
 */
import { cos, log, sin } from './portable-math.ts';

/** Serialisable generator state: restore it with `Rng.fromState`. */
export interface RngState {
  /** the four xoshiro128** state words (unsigned 32-bit) */
  s: [number, number, number, number];
  /** cached second normal deviate of the last Box-Muller pair, or null */
  spare: number | null;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  /**
   * @param seed any safe integer (negative allowed); equal seeds give equal
   *   streams.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new Error(`md/random: seed must be a safe integer, got ${seed}`);
    }
    // split the seed into two 32-bit halves so seeds above 2^32 stay distinct
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    let w = (lo ^ Math.imul(hi, 0x632be5ab)) >>> 0;
    const next = (): number => {
      w = (w + 0x9e3779b9) >>> 0;
      let z = w;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Generator continuing exactly from a saved state. */
  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    const [a, b, c, d] = state.s;
    for (const v of state.s) {
      if (!Number.isInteger(v) || v < 0 || v >= TWO_POW_32) {
        throw new Error(`md/random: RngState word ${v} is not an unsigned 32-bit integer`);
      }
    }
    if ((a | b | c | d) === 0) throw new Error('md/random: RngState is all zero, which xoshiro128** never reaches');
    r.s0 = a; r.s1 = b; r.s2 = c; r.s3 = d;
    r.spare = state.spare;
    return r;
  }

  /** Snapshot of the state (a copy). */
  getState(): RngState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spare };
  }

  /** Next unsigned 32-bit integer (xoshiro128** output). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /** Standard normal deviate N(0, 1) (Box-Muller). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    // 1 - u lies in (0, 1], so the log is finite
    // the portable log, sin and cos: the same draws on every JavaScript engine (./portable-math.ts)
    const r = Math.sqrt(-2 * log(1 - this.uniform()));
    const phi = 2 * Math.PI * this.uniform();
    this.spare = r * sin(phi);
    return r * cos(phi);
  }
}
