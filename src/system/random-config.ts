/**
 * Random starting configurations without overlaps, for `glasslab md` without
 * `--init` and for tests that need a fresh glass-former configuration.
 *
 * Method: a lattice with at least N sites (face-centred cubic in 3D, square
 * in 2D) filling a cube/square of the requested number density, N of its
 * sites chosen at random, atom types assigned by a random permutation of the
 * exact composition counts, and each atom displaced uniformly by up to
 * `jitter` times the nearest-neighbour distance along each axis. The smallest
 * pair distance is therefore at least (1 - 2 sqrt(d) jitter) times the lattice
 * nearest-neighbour distance a_nn, where
 *   FCC:    a_nn = a / sqrt(2),  a = (4 / rho_sites)^(1/3)
 *   square: a_nn = a,            a = rho_sites^(-1/2)
 * (rho_sites = M / V >= rho for M >= N sites). Random sequential addition
 * with a minimum distance would jam below the densities of dense liquids
 * (KA at rho = 1.2 is at packing fraction ~0.6), hence the lattice.
 *
 * A lattice start melts within a few tau at liquid temperatures; for a glass
 * run, equilibrate the liquid first (`glasslab md` at high T) and quench.
 */
import { Box, type Dim } from './box.ts';
import { createSystem, type System } from './system.ts';
import { Rng } from '../util/random.ts';

export interface RandomConfigOptions {
  /** number of atoms */
  n: number;
  /** number density N/V in length^-dim */
  density: number;
  dim: Dim;
  /** fraction of each type, index 0 unused (e.g. [0, 0.8, 0.2] for KA) */
  composition: readonly number[];
  /** per-type masses, index 0 unused */
  typeMasses: readonly number[];
  seed: number;
  /** uniform displacement amplitude per axis, as a fraction of a_nn (default 0.1) */
  jitter?: number;
}

/**
 * Number of atoms of each type for a composition: largest-remainder rounding
 * so the counts sum exactly to n. Index 0 unused.
 */
export function compositionCounts(n: number, composition: readonly number[]): number[] {
  const fr = composition.slice(1);
  const sum = fr.reduce((a, b) => a + b, 0);
  if (fr.length === 0 || fr.some((f) => !(f >= 0)) || !(Math.abs(sum - 1) < 1e-9)) {
    throw new Error(`composition ${JSON.stringify(composition)} must list non-negative type fractions (index 0 unused) summing to 1`);
  }
  const raw = fr.map((f) => f * n);
  const counts = raw.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, k) => [r - Math.floor(r), k] as const).sort((a, b) => b[0] - a[0]);
  for (const [, k] of order) {
    if (left === 0) break;
    counts[k]++;
    left--;
  }
  return [0, ...counts];
}

/** Lattice nearest-neighbour distance for M sites in the box (see module doc). */
function latticeSpacing(dim: Dim, cellsPerSide: number, L: number): { a: number; ann: number } {
  const a = L / cellsPerSide;
  return { a, ann: dim === 3 ? a / Math.SQRT2 : a };
}

/** A random non-overlapping configuration at the given density and composition. */
export function randomConfiguration(opts: RandomConfigOptions): System {
  const { n, density, dim, seed } = opts;
  const jitter = opts.jitter ?? 0.1;
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`randomConfiguration: n must be a positive integer, got ${n}`);
  if (!(density > 0) || !Number.isFinite(density)) throw new Error(`randomConfiguration: density must be positive, got ${density}`);
  if (!(jitter >= 0 && jitter < 0.5 / Math.sqrt(dim))) {
    throw new Error(`randomConfiguration: jitter ${jitter} must lie in [0, ${(0.5 / Math.sqrt(dim)).toFixed(3)}) to keep atoms apart`);
  }
  const counts = compositionCounts(n, opts.composition);
  const L = Math.pow(n / density, 1 / dim);
  const basis = dim === 3 ? [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]] : [[0, 0]];
  const k = Math.ceil(Math.pow(n / basis.length, 1 / dim) - 1e-9);
  const sites = basis.length * k ** dim;
  const { a, ann } = latticeSpacing(dim, k, L);
  const rng = new Rng(seed);

  // choose n of the sites: partial Fisher-Yates over site indices
  const siteIdx = Int32Array.from({ length: sites }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng.uniform() * (sites - i));
    const t = siteIdx[i]; siteIdx[i] = siteIdx[j]; siteIdx[j] = t;
  }
  // types: exact counts, randomly permuted
  const types = new Int32Array(n);
  let p = 0;
  for (let t = 1; t < counts.length; t++) for (let c = 0; c < counts[t]; c++) types[p++] = t;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = types[i]; types[i] = types[j]; types[j] = t;
  }

  const positions = new Float64Array(n * dim);
  const amp = jitter * ann;
  for (let i = 0; i < n; i++) {
    let s = siteIdx[i];
    const b = s % basis.length;
    s = (s - b) / basis.length;
    for (let d = 0; d < dim; d++) {
      const cell = s % k;
      s = (s - cell) / k;
      let x = (cell + basis[b][d] + 0.25) * a + amp * (2 * rng.uniform() - 1);
      if (x >= L) x -= L;
      if (x < 0) x += L;
      positions[i * dim + d] = x;
    }
  }
  return createSystem({ box: Box.cube(dim, L), positions, types, typeMasses: opts.typeMasses });
}
