/**
 * Coarse-grained softness field of the local thermal energy and its soft
 * spots (Zylberg et al., PNAS 114, 7289 (2017), text around Fig. 3 and
 * Fig. 4: "discretizing space into bins containing at least two bonds each,
 * assigning a bin with softness obtained by averaging the values of |E_alpha|
 * of bonds belonging to it, and finally, averaging the bin's value with the
 * values of all bins in the first layer of neighboring bins").
 *
 * Decisions where the main text leaves details to its SI (not available):
 * - Bins are a regular grid of the (possibly tilted) periodic cell, n_k =
 *   floor(L_k / binSize) along each cell vector. A bond belongs to the bin of
 *   its midpoint (minimum image).
 * - binSize by default is the smallest side, from the mean interparticle
 *   distance (V/N)^(1/d) upwards in steps of 2%, for which every bin holds at
 *   least two bonds (the paper's criterion); an explicit binSize whose grid
 *   leaves a bin with fewer than two bonds is refused.
 * - The smoothing is the plain mean over the bin and its first layer of
 *   neighbours (3^d bins, periodic; each distinct bin once on grids < 3 wide).
 * - Soft spots are the local maxima of the smoothed field (larger than every
 *   first-layer neighbour; ties go to the lower bin index), located at their
 *   bin centre; a spot's degree of softness is the smoothed field there (the
 *   mean |E_alpha| in its near vicinity), and Delta-epsilon = (largest spot
 *   softness of the configuration) / (spot softness), 1 for the softest spot.
 */
import { cellGeometry, pairDelta, wrappedFractional } from '../../neighbor/cell-geometry.ts';
import type { System } from '../../system/system.ts';
import type { LteResult } from './lte.ts';

export interface LteFieldOptions {
  /** bin side (length); default: automatic (module doc) */
  binSize?: number;
}

export interface LteSoftSpot {
  /** flat bin index */
  readonly bin: number;
  /** Cartesian position of the bin centre (dim numbers) */
  readonly position: Float64Array;
  /** smoothed mean |E_alpha| at the spot */
  readonly softness: number;
  /** max softness / softness (>= 1) */
  readonly deltaEpsilon: number;
}

export interface LteField {
  readonly dim: 2 | 3;
  /** bins along the cell vectors a, b (, c) */
  readonly shape: readonly number[];
  /** the bin side used (the nominal binSize; actual sides are L_k / n_k) */
  readonly binSize: number;
  /** bonds per bin; flat index ((iz * ny) + iy) * nx + ix */
  readonly counts: Int32Array;
  /** mean |E_alpha| per bin */
  readonly binMean: Float64Array;
  /** the softness field: binMean averaged with the first layer of neighbours */
  readonly field: Float64Array;
  /** Cartesian bin centres, stride dim */
  readonly centers: Float64Array;
  /** soft spots, softest first */
  readonly spots: readonly LteSoftSpot[];
}

/** Fractional coordinates (stride 3, in [0, 1)) of every bond's midpoint. */
function bondMidpoints(sys: System, lte: LteResult): Float64Array {
  const s = wrappedFractional(sys, undefined, 'lteSoftnessField');
  const g = cellGeometry(sys.box), v = new Float64Array(3);
  const m = lte.bonds.count, mid = new Float64Array(3 * m);
  for (let a = 0; a < m; a++) {
    const i = lte.bonds.i[a], j = lte.bonds.j[a];
    pairDelta(g, s, i, j, v); // x_i - x_j, Cartesian
    // fractional of v: inverse of the upper-triangular cell matrix
    const fz = g.dim === 3 ? v[2] / g.lz : 0;
    const fy = (v[1] - g.yz * fz) / g.ly;
    const fx = (v[0] - g.xy * fy - g.xz * fz) / g.lx;
    const f = [fx, fy, fz];
    for (let k = 0; k < 3; k++) {
      let t = s[3 * j + k] + 0.5 * f[k];
      if (k < g.dim) t -= Math.floor(t);
      mid[3 * a + k] = t;
    }
  }
  return mid;
}

function gridShape(sys: System, binSize: number): number[] {
  const g = cellGeometry(sys.box);
  return Array.from({ length: sys.dim }, (_, k) => Math.max(1, Math.floor(g.widths[k] / binSize)));
}

function binCounts(mid: Float64Array, shape: readonly number[], m: number, binOf: Int32Array): Int32Array {
  const nx = shape[0], ny = shape[1], nz = shape[2] ?? 1;
  const counts = new Int32Array(nx * ny * nz);
  for (let a = 0; a < m; a++) {
    const ix = Math.min(nx - 1, Math.floor(mid[3 * a] * nx)), iy = Math.min(ny - 1, Math.floor(mid[3 * a + 1] * ny));
    const iz = Math.min(nz - 1, Math.floor(mid[3 * a + 2] * nz));
    const b = (iz * ny + iy) * nx + ix;
    binOf[a] = b;
    counts[b]++;
  }
  return counts;
}

/** Distinct first-layer neighbours (and the bin itself) of every bin, periodic. */
export function lteBinNeighbourhoods(shape: readonly number[]): Int32Array[] {
  const nx = shape[0], ny = shape[1], nz = shape[2] ?? 1, dz = shape.length === 3 ? 1 : 0;
  const out: Int32Array[] = [];
  for (let iz = 0; iz < nz; iz++) for (let iy = 0; iy < ny; iy++) for (let ix = 0; ix < nx; ix++) {
    const set = new Set<number>();
    for (let cz = -dz; cz <= dz; cz++) for (let cy = -1; cy <= 1; cy++) for (let cx = -1; cx <= 1; cx++) {
      const jx = (ix + cx + nx) % nx, jy = (iy + cy + ny) % ny, jz = (iz + cz + nz) % nz;
      set.add((jz * ny + jy) * nx + jx);
    }
    out.push(Int32Array.from(set));
  }
  return out;
}

/** The softness field and soft spots of one configuration (module doc). */
export function lteSoftnessField(sys: System, lte: LteResult, opts: LteFieldOptions = {}): LteField {
  const m = lte.bonds.count;
  if (m < 2) throw new Error(`lteSoftnessField: ${m} bond(s); need at least two`);
  const mid = bondMidpoints(sys, lte);
  const binOf = new Int32Array(m);
  let binSize: number, shape: number[], counts: Int32Array;
  if (opts.binSize !== undefined) {
    if (!(opts.binSize > 0)) throw new Error(`lteSoftnessField: option binSize must be > 0, got ${opts.binSize}`);
    binSize = opts.binSize;
    shape = gridShape(sys, binSize);
    counts = binCounts(mid, shape, m, binOf);
    const low = counts.reduce((c, v) => c + (v < 2 ? 1 : 0), 0);
    if (low > 0) throw new Error(`lteSoftnessField: binSize ${binSize} leaves ${low} bin(s) with fewer than two bonds (the paper's criterion); use a larger bin or leave binSize out for the automatic choice`);
  } else {
    binSize = Math.pow(sys.box.volume / sys.n, 1 / sys.dim);
    for (;;) {
      shape = gridShape(sys, binSize);
      counts = binCounts(mid, shape, m, binOf);
      if (counts.every((c) => c >= 2) || shape.every((s) => s === 1)) break;
      binSize *= 1.02;
    }
  }
  const nbins = counts.length;
  const binMean = new Float64Array(nbins);
  for (let a = 0; a < m; a++) binMean[binOf[a]] += Math.abs(lte.lte[a]);
  for (let b = 0; b < nbins; b++) binMean[b] /= counts[b];
  const hoods = lteBinNeighbourhoods(shape);
  const field = new Float64Array(nbins);
  for (let b = 0; b < nbins; b++) {
    let s = 0;
    for (const c of hoods[b]) s += binMean[c];
    field[b] = s / hoods[b].length;
  }
  const g = cellGeometry(sys.box), dim = sys.dim, nx = shape[0], ny = shape[1], nz = shape[2] ?? 1;
  const centers = new Float64Array(nbins * dim);
  for (let b = 0; b < nbins; b++) {
    const ix = b % nx, iy = Math.floor(b / nx) % ny, iz = Math.floor(b / (nx * ny));
    const fx = (ix + 0.5) / nx, fy = (iy + 0.5) / ny, fz = dim === 3 ? (iz + 0.5) / nz : 0;
    centers[b * dim] = sys.box.lo[0] + g.lx * fx + g.xy * fy + g.xz * fz;
    centers[b * dim + 1] = sys.box.lo[1] + g.ly * fy + g.yz * fz;
    if (dim === 3) centers[b * dim + 2] = sys.box.lo[2] + g.lz * fz;
  }
  const peaks: number[] = [];
  for (let b = 0; b < nbins; b++) {
    let isMax = true;
    for (const c of hoods[b]) if (c !== b && (field[c] > field[b] || (field[c] === field[b] && c < b))) { isMax = false; break; }
    if (isMax) peaks.push(b);
  }
  peaks.sort((p, q) => field[q] - field[p]);
  const top = peaks.length > 0 ? field[peaks[0]] : NaN;
  const spots = peaks.map((b) => ({ bin: b, position: centers.slice(b * dim, (b + 1) * dim), softness: field[b], deltaEpsilon: top / field[b] }));
  return { dim, shape, binSize, counts, binMean, field, centers, spots };
}

/**
 * The LTE of each particle: the mean |E_alpha| over the bonds alpha it takes
 * part in (0 for a particle without bonds), in the input order of `lte`.
 * Zylberg et al. coarse-grain |E_alpha| on bins of space (lteSoftnessField);
 * this is the same average on the smallest neighbourhood, the bonds of one
 * particle, so that the LTE can be compared particle by particle with other
 * per-particle indicators (a decision of ours: the paper gives no
 * per-particle form). Dimensionless, like E_alpha.
 */
export function ltePerParticle(lte: Pick<LteResult, 'n' | 'bonds' | 'lte'>): Float64Array {
  const sum = new Float64Array(lte.n), count = new Int32Array(lte.n);
  for (let a = 0; a < lte.bonds.count; a++) {
    const e = Math.abs(lte.lte[a]);
    sum[lte.bonds.i[a]] += e; count[lte.bonds.i[a]]++;
    sum[lte.bonds.j[a]] += e; count[lte.bonds.j[a]]++;
  }
  return sum.map((s, i) => (count[i] > 0 ? s / count[i] : 0));
}
