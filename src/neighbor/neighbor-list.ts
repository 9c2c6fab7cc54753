/**
 * Cell-list construction of Verlet neighbour lists (Allen & Tildesley,
 * "Computer Simulation of Liquids", 2nd ed., sections 5.3-5.4), for 2D/3D,
 * orthorhombic and triclinic cells, and a manager that rebuilds the list when
 * an atom moved more than skin/2 (less when the cell also deformed, see
 * `needsRebuild`).
 *
 * Binning is done in fractional coordinates: along each periodic direction k
 * the unit interval is cut into n_k = floor(m w_k / r_list) slabs, w_k the
 * perpendicular width of the cell, so that a slab is at least r_list/m thick
 * and every neighbour within r_list = cutoff + skin lies within m slabs
 * (m = `cellsPerCutoff`, 1 or 2). Neighbouring cells are visited by raw offset
 * o in [-m, m]^d, each offset with the Cartesian image shift it implies.
 * Distinct offsets give distinct (cell, image) pairs, and since r_list is
 * below half the smallest perpendicular width at most one image of any atom
 * is within r_list; together these mean that no pair is missed or counted
 * twice even when a direction has fewer than 2m+1 cells (small boxes), so no
 * separate small-box path is needed. The half list visits half of the offsets
 * (first non-zero component positive) plus the home cell with j after i.
 */
import type { Box } from '../system/box.ts';
import type { System } from '../system/system.ts';
import type { NeighborList } from './types.ts';
import { cellGeometry, maxListRadius, wrappedFractional, type CellGeometry } from './cell-geometry.ts';

export interface NeighborListOptions {
  /** interaction cutoff (largest over type pairs), length units */
  cutoff: number;
  /** Verlet skin added to the cutoff (LJ units: 0.3 sigma is typical; metal: 1.0 Angstrom) */
  skin: number;
  /** 'half': each pair once, in the row of the smaller index; 'full': each pair in both rows */
  kind: 'half' | 'full';
  /**
   * Initial row stride. Default: estimated from the number density (1.3x the
   * mean count within cutoff+skin, plus 16). When a row overflows, the stride
   * grows and the list is rebuilt (counted in `overflowGrowths`); nothing is
   * ever truncated.
   */
  maxNeighbors?: number;
  /**
   * Two atoms closer than this are reported as overlapping (an Error naming
   * both atom ids). Default 1e-6 x cutoff.
   */
  overlapDistance?: number;
  /** number of cell slabs per list radius (1 or 2); default 2 (fewer distance checks) */
  cellsPerCutoff?: 1 | 2;
  /** called with a message when the stride grows after an overflow */
  log?: (message: string) => void;
}

/** A neighbour list plus what is needed to decide when it is stale. */
export interface VerletList extends NeighborList {
  /** positions at build time (copy, n*dim) */
  readonly refPositions: Float64Array;
  /** wrapped fractional coordinates at build time (stride 3, see cell-geometry.ts) */
  readonly refFractional: Float64Array;
  /** cell at build time */
  readonly box: Box;
  /** number of times the row stride had to grow while building this list */
  readonly overflowGrowths: number;
  /** total number of stored entries (sum of counts) */
  readonly entries: number;
}

/** Build a neighbour list of all pairs closer than cutoff + skin (see module doc). */
export function buildNeighborList(sys: System, opts: NeighborListOptions): VerletList {
  const { cutoff, skin, kind } = opts;
  if (!(cutoff > 0) || !Number.isFinite(cutoff)) throw new Error(`buildNeighborList: option cutoff must be a positive finite number, got ${cutoff}`);
  if (!(skin >= 0) || !Number.isFinite(skin)) throw new Error(`buildNeighborList: option skin must be a non-negative finite number, got ${skin}`);
  if (kind !== 'half' && kind !== 'full') throw new Error(`buildNeighborList: option kind must be 'half' or 'full', got ${String(kind)}`);
  const m = opts.cellsPerCutoff ?? 2;
  if (m !== 1 && m !== 2) throw new Error(`buildNeighborList: option cellsPerCutoff must be 1 or 2, got ${m}`);
  const rlist = cutoff + skin;
  const g = cellGeometry(sys.box);
  checkListRadius(g, cutoff, skin, 'buildNeighborList');
  const overlap = opts.overlapDistance ?? 1e-6 * cutoff;

  const n = sys.n;
  const s = wrappedFractional(sys, undefined, 'buildNeighborList');
  let stride = Math.max(1, Math.floor(opts.maxNeighbors ?? estimateMaxNeighbors(sys, rlist)));
  let growths = 0;
  const counts = new Int32Array(n);
  const bins = binAtoms(s, n, g, rlist, m);
  for (;;) {
    const neighbors = new Int32Array(n * stride);
    counts.fill(0);
    fillFromCells(sys, g, bins, rlist, overlap, kind, stride, neighbors, counts, m);
    let maxCount = 0, entries = 0;
    for (let i = 0; i < n; i++) {
      const c = counts[i];
      entries += c;
      if (c > maxCount) maxCount = c;
    }
    if (maxCount <= stride) {
      return {
        kind, n, stride, neighbors, counts, cutoff, skin,
        refPositions: sys.positions.slice(), refFractional: s, box: sys.box, overflowGrowths: growths, entries,
      };
    }
    const grown = Math.ceil(maxCount * 1.25) + 4;
    opts.log?.(`neighbor list: a row holds ${maxCount} neighbours, more than maxNeighbors = ${stride}; growing the stride to ${grown} and rebuilding`);
    stride = grown;
    growths++;
  }
}

/** Throw unless cutoff + skin is below half the smallest perpendicular width. */
export function checkListRadius(g: CellGeometry, cutoff: number, skin: number, where: string): void {
  const half = maxListRadius(g);
  const rlist = cutoff + skin;
  if (rlist >= half) {
    const hint = cutoff < half
      ? `a skin below ${(half - cutoff).toPrecision(4)} would fit, or`
      : 'the cutoff alone does not fit:';
    throw new Error(
      `${where}: the box is too small for the cutoff: cutoff + skin = ${cutoff} + ${skin} = ${rlist} is not below half the smallest ` +
      `perpendicular box width (${(2 * half).toPrecision(6)} / 2 = ${half.toPrecision(6)}), so the minimum-image convention ` +
      `would miss or double-count pairs; ${hint} replicate the box to a larger system.`);
  }
}

/** Default row stride: 1.3 x (number density x volume of the list sphere) + 16. */
function estimateMaxNeighbors(sys: System, rlist: number): number {
  const rho = sys.n / sys.box.volume;
  const ball = sys.dim === 3 ? (4 / 3) * Math.PI * rlist ** 3 : Math.PI * rlist ** 2;
  return Math.ceil(1.3 * rho * ball) + 16;
}

interface Bins {
  /** cells per direction (z = 1 in 2D) */
  nc: Int32Array;
  /** lower fractional bound and inverse slab thickness per direction */
  lo: Float64Array;
  inv: Float64Array;
  /** atoms sorted by cell: start offsets (ncell + 1), atom index, Cartesian coordinates of the wrapped position */
  start: Int32Array;
  atom: Int32Array;
  xyz: Float64Array;
}

function binAtoms(s: Float64Array, n: number, g: CellGeometry, rlist: number, m: number): Bins {
  const periodic = [g.px, g.py, g.pz];
  const nc = new Int32Array(3);
  const lo = new Float64Array(3);
  const span = new Float64Array(3);
  const inv = new Float64Array(3);
  for (let k = 0; k < 3; k++) {
    if (k === 2 && g.dim === 2) { nc[k] = 1; continue; }
    // periodic: the unit interval; non-periodic: the range the atoms occupy
    let a = 0, b = 1;
    if (!periodic[k]) {
      a = Infinity; b = -Infinity;
      for (let i = 0; i < n; i++) { const v = s[3 * i + k]; if (v < a) a = v; if (v > b) b = v; }
      if (!(b > a)) { a = n > 0 ? a : 0; b = a + 1e-12; }
    }
    lo[k] = a;
    span[k] = b - a;
    nc[k] = Math.max(1, Math.floor((m * g.widths[k] * span[k]) / rlist));
  }
  // cap the number of cells for dilute systems: coarser cells stay correct
  const cap = Math.max(64, 4 * n);
  while (nc[0] * nc[1] * nc[2] > cap) {
    for (let k = 0; k < 3; k++) nc[k] = Math.max(1, Math.floor(nc[k] / 2));
  }
  for (let k = 0; k < 3; k++) if (span[k] > 0) inv[k] = nc[k] / span[k];
  const ncell = nc[0] * nc[1] * nc[2];
  const cellOf = new Int32Array(n);
  const start = new Int32Array(ncell + 1);
  for (let i = 0; i < n; i++) {
    const c = cellIndex(s, i, nc, lo, inv);
    cellOf[i] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < ncell; c++) start[c + 1] += start[c];
  const fill = start.slice(0, ncell);
  const atom = new Int32Array(n);
  const xyz = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const p = fill[cellOf[i]]++;
    atom[p] = i;
    const sx = s[3 * i], sy = s[3 * i + 1], sz = s[3 * i + 2];
    xyz[3 * p] = g.lx * sx + g.xy * sy + g.xz * sz;
    xyz[3 * p + 1] = g.ly * sy + g.yz * sz;
    xyz[3 * p + 2] = g.dim === 3 ? g.lz * sz : 0;
  }
  return { nc, lo, inv, start, atom, xyz };
}

function cellIndex(s: Float64Array, i: number, nc: Int32Array, lo: Float64Array, inv: Float64Array): number {
  let c = 0;
  for (let k = 2; k >= 0; k--) {
    let b = Math.floor((s[3 * i + k] - lo[k]) * inv[k]);
    if (b < 0) b = 0; else if (b >= nc[k]) b = nc[k] - 1;
    c = c * nc[k] + b;
  }
  return c; // c = (bz * ny + by) * nx + bx
}

/** Stencil offsets, flat (ox, oy, oz) triples: all of [-m, m]^d for a full list, the positive half (first non-zero component > 0, plus 0) for a half list. */
function stencil(dim: number, m: number, half: boolean): Int32Array {
  const out: number[] = [];
  const zr = dim === 3 ? m : 0;
  for (let oz = -zr; oz <= zr; oz++) {
    for (let oy = -m; oy <= m; oy++) {
      for (let ox = -m; ox <= m; ox++) {
        if (half) {
          const first = oz !== 0 ? oz : oy !== 0 ? oy : ox;
          if (first < 0) continue;
        }
        out.push(ox, oy, oz);
      }
    }
  }
  return Int32Array.from(out);
}

/** Wrap a cell coordinate t into [0, n): returns the image count, writes the wrapped index to w[k]. */
function wrapCell(t: number, n: number, w: Int32Array, k: number): number {
  const f = Math.floor(t / n);
  w[k] = t - f * n;
  return f;
}

/**
 * For each home cell, gather the candidates of all stencil cells (shifted to
 * the right image) into one scratch buffer, home cell first, then scan it
 * once per home atom: long inner loops, no per-offset overhead.
 */
function fillFromCells(
  sys: System, g: CellGeometry, bins: Bins, rlist: number, overlap: number,
  kind: 'half' | 'full', stride: number, neighbors: Int32Array, counts: Int32Array, m: number,
): void {
  const half = kind === 'half';
  const offsets = stencil(g.dim, m, half);
  const nOff = offsets.length / 3;
  const { nc, start, atom, xyz } = bins;
  const r2max = rlist * rlist;
  const ov2 = overlap * overlap;
  const nx = nc[0], ny = nc[1], nz = nc[2];
  const w = new Int32Array(3);
  let cap = 64;
  let bx = new Float64Array(cap), by = new Float64Array(cap), bz = new Float64Array(cap);
  let bj = new Int32Array(cap);
  for (let cz = 0; cz < nz; cz++) for (let cy = 0; cy < ny; cy++) for (let cx = 0; cx < nx; cx++) {
    const home = (cz * ny + cy) * nx + cx;
    const p0 = start[home], p1 = start[home + 1];
    if (p0 === p1) continue;
    // gather: offsets[0..] starts with the home cell only if we put it first
    let nb = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let io = 0; io < nOff; io++) {
        const ox = offsets[3 * io], oy = offsets[3 * io + 1], oz = offsets[3 * io + 2];
        const self = ox === 0 && oy === 0 && oz === 0;
        if (self !== (pass === 0)) continue; // pass 0: home cell, pass 1: the others
        const fx = wrapCell(cx + ox, nx, w, 0);
        const fy = wrapCell(cy + oy, ny, w, 1);
        const fz = wrapCell(cz + oz, nz, w, 2);
        if ((fx !== 0 && !g.px) || (fy !== 0 && !g.py) || (fz !== 0 && !g.pz)) continue;
        const other = (w[2] * ny + w[1]) * nx + w[0];
        const q0 = start[other], q1 = start[other + 1];
        if (q0 === q1) continue;
        if (nb + (q1 - q0) > cap) {
          cap = 2 * (nb + (q1 - q0));
          bx = grow(bx, cap); by = grow(by, cap); bz = grow(bz, cap);
          const nj = new Int32Array(cap); nj.set(bj); bj = nj;
        }
        // Cartesian shift of the periodic image of the target cell
        const shx = fx * g.lx + fy * g.xy + fz * g.xz;
        const shy = fy * g.ly + fz * g.yz;
        const shz = g.dim === 3 ? fz * g.lz : 0;
        for (let q = q0; q < q1; q++) {
          bx[nb] = xyz[3 * q] + shx; by[nb] = xyz[3 * q + 1] + shy; bz[nb] = xyz[3 * q + 2] + shz;
          bj[nb] = atom[q];
          nb++;
        }
      }
    }
    for (let p = p0; p < p1; p++) {
      const local = p - p0; // position of atom p in the buffer (home cell first)
      // half: only candidates after p; full: all but p itself (two ranges)
      if (!half) scanCandidates(sys, xyz, p, atom[p], bx, by, bz, bj, 0, local, r2max, ov2, overlap, false, stride, neighbors, counts);
      scanCandidates(sys, xyz, p, atom[p], bx, by, bz, bj, local + 1, nb, r2max, ov2, overlap, half, stride, neighbors, counts);
    }
  }
}

/** Test candidates b in [b0, b1) of the scratch buffer against atom i (sorted slot p) and store the hits. */
function scanCandidates(
  sys: System, xyz: Float64Array, p: number, i: number,
  bx: Float64Array, by: Float64Array, bz: Float64Array, bj: Int32Array, b0: number, b1: number,
  r2max: number, ov2: number, overlap: number, half: boolean, stride: number, neighbors: Int32Array, counts: Int32Array,
): void {
  const xi = xyz[3 * p], yi = xyz[3 * p + 1], zi = xyz[3 * p + 2];
  for (let b = b0; b < b1; b++) {
    const dx = bx[b] - xi, dy = by[b] - yi, dz = bz[b] - zi;
    const r2 = dx * dx + dy * dy + dz * dz;
    if (r2 >= r2max) continue;
    const j = bj[b];
    if (r2 < ov2) throwOverlap(sys, i, j, Math.sqrt(r2), overlap);
    let row = i, col = j;
    if (half && j < i) { row = j; col = i; }
    const c = counts[row]++;
    if (c < stride) neighbors[row * stride + c] = col;
  }
}

function grow(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

function throwOverlap(sys: System, i: number, j: number, r: number, overlap: number): never {
  throw new Error(
    `neighbor list: atoms id ${sys.ids[i]} and id ${sys.ids[j]} (indices ${i}, ${j}) overlap: their distance ${r.toExponential(3)} ` +
    `is below the overlap threshold ${overlap.toExponential(3)} (option overlapDistance, default 1e-6 x cutoff); ` +
    'remove duplicated atoms (e.g. from a merged or badly written file) before computing forces.');
}

/**
 * Keeps one neighbour list valid for a changing configuration: `update(sys)`
 * returns the current list, rebuilding it when `needsRebuild` says so: an
 * atom moved more than skin/2, or less when the cell was also deformed (NPT,
 * shear), so small cell changes do not force a rebuild every step.
 */
export class NeighborListManager {
  readonly options: NeighborListOptions;
  /** number of builds so far (including the first) */
  rebuildCount = 0;
  /** number of stride growths after overflows, over all builds */
  overflowGrowths = 0;
  private current: VerletList | null = null;
  private stride: number | undefined;

  constructor(options: NeighborListOptions) {
    this.options = { ...options };
    this.stride = options.maxNeighbors;
  }

  /** The current list, or null before the first update. */
  get list(): VerletList | null {
    return this.current;
  }

  /** Return a list valid for `sys`, rebuilding if needed. */
  update(sys: System): VerletList {
    if (this.current && !needsRebuild(this.current, sys)) return this.current;
    const opts: NeighborListOptions = { ...this.options };
    if (this.stride !== undefined) opts.maxNeighbors = this.stride;
    const nl = buildNeighborList(sys, opts);
    this.current = nl;
    this.stride = nl.stride;
    this.rebuildCount++;
    this.overflowGrowths += nl.overflowGrowths;
    return nl;
  }

  /** Forget the list: the next update rebuilds. */
  invalidate(): void {
    this.current = null;
  }
}

/**
 * True when `sys` is not covered by `nl`. The list holds every pair closer
 * than r_list = cutoff + skin at build time. With F = H H_ref^-1 the cell
 * deformation since then and Delta_i = H (s_i - s_i,ref) the non-affine
 * displacement of atom i (fractional coordinates s, minimum image), a pair
 * vector became r_ij = F r_ij,ref + Delta_i - Delta_j, so a pair that was not
 * listed (|r_ij,ref| >= r_list) is still beyond the cutoff while
 *   (1 - ||F - I||_F) r_list - 2 max_i |Delta_i| >= cutoff
 * (1 - ||F - I||_F bounds the smallest singular value of F). For a fixed
 * cell this is the usual "no atom moved more than skin/2". The list is also
 * stale when the atom count or periodicity changed, or the cutoff no longer
 * fits the (deformed) cell.
 */
export function needsRebuild(nl: VerletList, sys: System): boolean {
  if (sys.n !== nl.n || sys.positions.length !== nl.refPositions.length) return true;
  const box = sys.box, ref = nl.box;
  if (box.dim !== ref.dim) return true;
  for (let k = 0; k < box.dim; k++) if (box.periodic[k] !== ref.periodic[k]) return true;
  const g = cellGeometry(box);
  if (nl.cutoff >= maxListRadius(g)) return true; // the rebuild reports the too-small cell
  const strain = box === ref ? 0 : deformationNorm(ref, box);
  const margin = (1 - strain) * (nl.cutoff + nl.skin) - nl.cutoff;
  if (!(margin > 0)) return true;
  const lim2 = (margin / 2) ** 2;
  const s = wrappedFractional(sys, undefined, 'neighbor list');
  const r = nl.refFractional;
  const px = g.wrap[0], py = g.wrap[1], pz = g.wrap[2];
  for (let i = 0; i < sys.n; i++) {
    let sx = s[3 * i] - r[3 * i], sy = s[3 * i + 1] - r[3 * i + 1], sz = s[3 * i + 2] - r[3 * i + 2];
    sx -= px * Math.floor(sx + 0.5);
    sy -= py * Math.floor(sy + 0.5);
    sz -= pz * Math.floor(sz + 0.5);
    const cx = g.lx * sx + g.xy * sy + g.xz * sz;
    const cy = g.ly * sy + g.yz * sz;
    const cz = g.lz * sz;
    if (!(cx * cx + cy * cy + cz * cz <= lim2)) return true;
  }
  return false;
}

/** ||F - I||_F for F = H H_ref^-1, H the upper-triangular cell matrices (2D: z row/column identity). */
export function deformationNorm(ref: Box, box: Box): number {
  const h = cellGeometry(box), h0 = cellGeometry(ref);
  const H = [[h.lx, h.xy, h.xz], [0, h.ly, h.yz], [0, 0, h.lz]];
  const inv = [
    [1 / h0.lx, -h0.xy / (h0.lx * h0.ly), (h0.xy * h0.yz - h0.xz * h0.ly) / (h0.lx * h0.ly * h0.lz)],
    [0, 1 / h0.ly, -h0.yz / (h0.ly * h0.lz)],
    [0, 0, 1 / h0.lz],
  ];
  let sum = 0;
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      let f = 0;
      for (let k = 0; k < 3; k++) f += H[a][k] * inv[k][b];
      sum += (f - (a === b ? 1 : 0)) ** 2;
    }
  }
  return Math.sqrt(sum);
}
