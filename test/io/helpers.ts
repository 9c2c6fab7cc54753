/** Shared fixtures for the I/O tests: seeded random systems and temp dirs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Box, type Dim } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';

/** Deterministic uniform [0,1) generator (mulberry32). */
export const rng = mulberry32;

export interface RandomSystemOptions {
  dim?: Dim;
  n?: number;
  triclinic?: boolean;
  /** spread positions over this many cells (unwrapped) */
  spread?: number;
  velocities?: boolean;
  props?: string[];
  seed?: number;
}

/** A random system with awkward (non-round) numbers: random lo, lengths, tilts, positions. */
export function randomSystem(o: RandomSystemOptions = {}): System {
  const r = rng(o.seed ?? 1);
  const dim = o.dim ?? 3;
  const n = o.n ?? 50;
  const lo = Array.from({ length: dim }, () => (r() - 0.5) * 7.3);
  const lengths = Array.from({ length: dim }, () => 3 + r() * 5.1);
  const tilt = o.triclinic
    ? { xy: (r() - 0.5) * lengths[0], ...(dim === 3 ? { xz: (r() - 0.5) * lengths[0], yz: (r() - 0.5) * lengths[1] } : {}) }
    : undefined;
  const box = new Box({ dim, lo, lengths, tilt });
  const spread = o.spread ?? 1;
  const s = new Float64Array(n * dim).map(() => (r() - 0.5) * spread + 0.5);
  const positions = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) box.fromFractional(s, i * dim, positions, i * dim);
  const types = Int32Array.from({ length: n }, () => 1 + Math.floor(r() * 2));
  const props = new Map<string, Float64Array>();
  for (const p of o.props ?? []) props.set(p, new Float64Array(n).map(() => (r() - 0.5) * 1e3 * r()));
  return createSystem({
    box, positions, types,
    typeMasses: [0, 1, 0.5 + r()],
    velocities: o.velocities ? new Float64Array(n * dim).map(() => r() - 0.5) : undefined,
    props,
    timestep: 1000,
  });
}

/** A fresh temporary directory and a cleanup function. */
export function tempDir(): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'glasslab-io-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Bitwise equality of two float arrays (distinguishes -0 and 0, equal NaNs). */
export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Largest absolute difference between two arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Distance in units in the last place between two doubles of the same sign. */
export function ulps(a: number, b: number): number {
  const f = new Float64Array([a, b]);
  const i = new BigInt64Array(f.buffer);
  const d = i[0] - i[1];
  return Number(d < 0n ? -d : d);
}

/**
 * The LAMMPS headers store lo/hi (or bounding-box bounds), the Box stores lo
 * and L = hi - lo; no choice of printed hi always gives back L to the bit
 * (hi - lo is a multiple of ulp(lo) with a fixed parity), so box lengths
 * round-trip within a couple of ulps. Tilts are stored as such and are exact;
 * lo is exact unless a triclinic dump's bounding-box offset is subtracted.
 */
export function boxRoundTripError(a: Box, b: Box, loExact: boolean): string | null {
  if (a.dim !== b.dim) return `dim ${a.dim} vs ${b.dim}`;
  if (a.xy !== b.xy || a.xz !== b.xz || a.yz !== b.yz) return 'tilts differ';
  for (let k = 0; k < a.dim; k++) {
    if (ulps(a.lengths[k], b.lengths[k]) > 2) return `length ${k}: ${a.lengths[k]} vs ${b.lengths[k]}`;
    if (loExact ? !Object.is(a.lo[k], b.lo[k]) : ulps(a.lo[k], b.lo[k]) > 8) return `lo ${k}: ${a.lo[k]} vs ${b.lo[k]}`;
  }
  return null;
}
