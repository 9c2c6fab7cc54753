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
 * (m = `cellsPerCutoff`, 1, 2 or 3). The grid is padded with m layers of
 * periodic image cells (copies of the atoms, shifted), so a neighbouring cell
 * at raw offset o in [-m, m]^d is a plain index offset, and a stencil row
 * along x is one contiguous range of the cell-sorted arrays (`binAtoms`,
 * `findPairs`). Cells that cannot hold a pair within r_list are dropped from
 * the stencil (with m = 3 the scanned volume is close to the list sphere).
 * Distinct offsets give distinct (cell, image) pairs, and since r_list is
 * below half the smallest perpendicular width at most one image of any atom
 * is within r_list; together these mean that no pair is missed or counted
 * twice even when a direction has fewer than 2m+1 cells (small boxes), so no
 * separate small-box path is needed. The half list visits half of the offsets
 * (first non-zero component positive) plus the home cell with j after i;
 * each pair is found once, and a full list is its mirror.
 *
 * Rows come out sorted by neighbour index (a counting sort over the pairs,
 * O(pairs)): the list is a function of the set of pairs, independent of the
 * cell traversal, so force sums taken in row order do not depend on when the
 * list was built (checkpoint resumes are bit-identical).
 */
import type { Box } from '../system/box.ts';
import type { System } from '../system/system.ts';
import type { NeighborList } from './types.ts';
import { cellGeometry, maxListRadius, wrappedFractional, type CellGeometry } from './cell-geometry.ts';
import { wasmNeighborRows, type ListTarget } from './wasm/pair-search.ts';

export interface NeighborListOptions {
  /** interaction cutoff (largest over type pairs), length units */
  cutoff: number;
  /** Verlet skin added to the cutoff (LJ units: 0.3 sigma is typical; metal: 1.0 Angstrom) */
  skin: number;
  /** 'half': each pair once, in the row of the smaller index; 'full': each pair in both rows */
  kind: 'half' | 'full';
  /**
   * Smallest row stride. Default: the longest row. Rows are never truncated:
   * when a row holds more than `maxNeighbors`, the stride grows to 1.25x the
   * longest row (logged through `log`, counted in `overflowGrowths`), so that
   * a manager passing its last stride back keeps a stable layout.
   */
  maxNeighbors?: number;
  /**
   * Per-type-pair cutoffs (a pair potential's `cutoff(ti, tj)` over types
   * 1..ntypes): the list then holds the pairs closer than
   * cutoff(t_i, t_j) + skin only (LAMMPS `cutneighsq` per type pair), e.g.
   * 16% fewer entries for Kob-Andersen. Every value must be <= `cutoff`.
   */
  typeCutoffs?: TypeCutoffs;
  /**
   * Two atoms closer than this are reported as overlapping (an Error naming
   * both atom ids). Default 1e-6 x cutoff.
   */
  overlapDistance?: number;
  /** number of cell slabs per list radius (1, 2 or 3); default 3 (fewest distance checks: ~8% faster than 2 for KA, measured) */
  cellsPerCutoff?: 1 | 2 | 3;
  /**
   * Which row of a half list holds a pair (a < b): 'lower' (default) row a,
   * so every stored j > i; 'balanced' row a when a + b is even, else row b,
   * so that every row holds about half of its atom's partners whatever the
   * atom order (the threaded force loop splits rows into equal index ranges).
   */
  halfRows?: 'lower' | 'balanced';
  /** called with a message when the stride grows after an overflow */
  log?: (message: string) => void;
  /**
   * The cell search: 'wasm' (default; ./wasm/pair-search.as.ts, where
   * WebAssembly loads) or 'js' (`findPairs` here, the reference). Both
   * find the same pairs in the same order, so the list is the same.
   */
  kernels?: 'wasm' | 'js';
  /**
   * With kernels 'wasm': the memory to build in, asked at each build with
   * the atom count (src/core/wasm/force-runtime.ts `WasmForceWorkspace`, or
   * the shared memory of src/core/wasm/force-threads.ts `WasmForcePool`,
   * whose threads then build it together; the kernels read the rows where
   * they lie). The list's `neighbors` and `counts` are then views of that
   * memory, overwritten by the next build into it: such a list is valid
   * until the next rebuild (copy it to keep it).
   */
  listTarget?: (n: number) => ListTarget | null;
}

/** Per-type-pair cutoffs for option `typeCutoffs` (structurally any pair potential). */
export interface TypeCutoffs {
  readonly ntypes: number;
  cutoff(ti: number, tj: number): number;
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
  /**
   * With option `typeCutoffs`: the squared list radius (cutoff(ti, tj) + skin)^2
   * per type pair, flat [ti * (ntypes + 1) + tj]; pairs beyond it are not listed.
   */
  readonly listRadiiSquared?: Float64Array;
  /** with `listRadiiSquared`: the atom types at build time (copy), since the listed pairs depend on them */
  readonly refTypes?: Int32Array;
}

/**
 * Build a neighbour list of all pairs closer than cutoff + skin (see module
 * doc), or closer than cutoff(t_i, t_j) + skin with option `typeCutoffs`.
 *
 * Rows are sorted by neighbour index, so the list (and every sum a force
 * loop takes over it in row order) depends on the set of listed pairs only,
 * not on the cell traversal: pairs found by two builds at different times
 * contribute in the same order (bit-identical MD after a checkpoint resume).
 */
export function buildNeighborList(sys: System, opts: NeighborListOptions): VerletList {
  const { cutoff, skin, kind } = opts;
  if (!(cutoff > 0) || !Number.isFinite(cutoff)) throw new Error(`buildNeighborList: option cutoff must be a positive finite number, got ${cutoff}`);
  if (!(skin >= 0) || !Number.isFinite(skin)) throw new Error(`buildNeighborList: option skin must be a non-negative finite number, got ${skin}`);
  if (kind !== 'half' && kind !== 'full') throw new Error(`buildNeighborList: option kind must be 'half' or 'full', got ${String(kind)}`);
  const m = opts.cellsPerCutoff ?? 3;
  if (opts.halfRows !== undefined && opts.halfRows !== 'lower' && opts.halfRows !== 'balanced') {
    throw new Error(`buildNeighborList: option halfRows must be 'lower' or 'balanced', got ${String(opts.halfRows)}`);
  }
  if (m !== 1 && m !== 2 && m !== 3) throw new Error(`buildNeighborList: option cellsPerCutoff must be 1, 2 or 3, got ${m}`);
  const rlist = cutoff + skin;
  const g = cellGeometry(sys.box);
  checkListRadius(g, cutoff, skin, 'buildNeighborList');
  const overlap = opts.overlapDistance ?? 1e-6 * cutoff;
  const radii = listRadiiSquared(sys, cutoff, skin, opts.typeCutoffs);

  const n = sys.n;
  const s = wrappedFractional(sys, undefined, 'buildNeighborList');
  const grid = cellGrid(s, n, g, rlist, m);
  const balanced = kind === 'half' && opts.halfRows === 'balanced';
  let growths = 0;
  /** the row stride for a longest row of maxCount (grown past maxNeighbors when needed) */
  const strideFor = (maxCount: number): number => {
    const stride = Math.max(1, Math.floor(opts.maxNeighbors ?? maxCount));
    if (maxCount <= stride) return stride;
    const grown = Math.ceil(maxCount * 1.25) + 4;
    opts.log?.(`neighbor list: a row holds ${maxCount} neighbours, more than maxNeighbors = ${stride}; growing the stride to ${grown}`);
    growths++;
    return grown;
  };
  const list = (stride: number, neighbors: Int32Array, counts: Int32Array, pairCount: number): VerletList => ({
    kind, n, stride, neighbors, counts, cutoff, skin,
    ...(radii.perType ? { listRadiiSquared: radii.r2, refTypes: Int32Array.from(sys.types) } : {}),
    refPositions: sys.positions.slice(), refFractional: s, box: sys.box, overflowGrowths: growths, entries: pairCount * (kind === 'half' ? 1 : 2),
  });
  // the wasm build (./wasm/pair-search.as.ts) gives the same list; on an overlap the TypeScript
  // search below runs and reports it
  if (opts.kernels !== 'js') {
    const full = 2 * estimatePairs(sys, rlist) / Math.max(1, n); // partners per atom, with room
    const longest = Math.ceil((balanced ? 0.65 : 1.3) * full) + 8; // a row or column of the lower triangle can hold them all
    const w = wasmNeighborRows({
      n, s, types: sys.types, cell: [g.lx, g.ly, g.lz, g.xy, g.xz, g.yz], dim: g.dim, grid, r2: radii.r2, tstride: radii.tstride,
      rows: stencilRows(grid, g, m, Math.sqrt(radii.r2max)), ov2: overlap * overlap, mode: kind === 'full' ? 2 : balanced ? 1 : 0,
      columns: longest, stride: opts.maxNeighbors !== undefined ? Math.max(1, Math.floor(opts.maxNeighbors)) : longest,
    }, strideFor, opts.listTarget?.(n));
    if (w && !('overlap' in w)) return list(w.stride, w.neighbors, w.counts, w.pairs);
  }
  const bins = binAtoms(s, sys.types, n, g, grid);
  const pairs = findPairs(sys, g, grid, bins, radii, overlap, m, estimatePairs(sys, rlist));
  if (balanced) balanceRows(pairs);
  const { counts, deg, maxCount } = rowAndColumnCounts(pairs, n, kind);
  const stride = strideFor(maxCount);
  return list(stride, sortedRows(pairs, n, kind, stride, counts, deg), counts, pairs.count);
}

/**
 * Squared list radius per type pair, flat [ti * (ntypes + 1) + tj] (types
 * 1..ntypes), and the largest one. Without `typeCutoffs` all pairs share
 * (cutoff + skin)^2.
 */
interface ListRadii {
  readonly perType: boolean;
  readonly tstride: number;
  readonly r2: Float64Array;
  readonly r2max: number;
}

function listRadiiSquared(sys: System, cutoff: number, skin: number, tc: TypeCutoffs | undefined): ListRadii {
  const rl = cutoff + skin;
  if (!tc) {
    // one entry per type value present, so the hot loop needs no branch
    let tmax = 0;
    for (let i = 0; i < sys.n; i++) {
      const t = sys.types[i];
      if (!(t >= 0)) throw new Error(`buildNeighborList: atom id ${sys.ids[i]} has type ${t}; atom types must be non-negative integers`);
      if (t > tmax) tmax = t;
    }
    const ts = tmax + 1;
    return { perType: false, tstride: ts, r2: new Float64Array(ts * ts).fill(rl * rl), r2max: rl * rl };
  }
  const nt = tc.ntypes;
  for (let i = 0; i < sys.n; i++) {
    const t = sys.types[i];
    if (!(t >= 1 && t <= nt)) {
      throw new Error(`buildNeighborList: atom id ${sys.ids[i]} has type ${t}, but option typeCutoffs defines types 1..${nt}; give a cutoff for every type in the system`);
    }
  }
  const ts = nt + 1;
  const r2 = new Float64Array(ts * ts);
  let r2max = 0;
  for (let a = 1; a <= nt; a++) {
    for (let b = 1; b <= nt; b++) {
      const c = tc.cutoff(a, b);
      if (!(c >= 0) || c > cutoff * (1 + 1e-12)) {
        throw new Error(`buildNeighborList: typeCutoffs.cutoff(${a}, ${b}) = ${c} must lie in [0, cutoff = ${cutoff}] (cutoff is the largest over type pairs)`);
      }
      r2[a * ts + b] = (Math.min(c, cutoff) + skin) ** 2;
      if (r2[a * ts + b] > r2max) r2max = r2[a * ts + b];
    }
  }
  return { perType: true, tstride: ts, r2, r2max };
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
      `would miss or double-count pairs; ${hint} replicate the box to a larger system.` + flatBoxHint(g));
  }
}

/**
 * A 3D box whose periodic z width is far below its x and y widths is most often
 * a 2D configuration read as 3D: LAMMPS data files do not state the dimension.
 */
function flatBoxHint(g: CellGeometry): string {
  if (g.dim !== 3 || !g.pz || g.widths[2] * 4 > Math.min(g.widths[0], g.widths[1])) return '';
  return ` The box is flat (z width ${g.widths[2].toPrecision(4)} against ${g.widths[0].toPrecision(4)} x ${g.widths[1].toPrecision(4)}): ` +
    'if this is a 2D configuration, read it with { dim: 2 } (readSystem(path, { dim: 2 })) or use a 2D model (--model ipl2d).';
}

/** Expected number of pairs within rlist (ideal gas), used to size the pair buffer (it grows if short). */
function estimatePairs(sys: System, rlist: number): number {
  const rho = sys.n / sys.box.volume;
  const ball = sys.dim === 3 ? (4 / 3) * Math.PI * rlist ** 3 : Math.PI * rlist ** 2;
  return Math.ceil(0.5 * sys.n * rho * ball * 1.15) + 64;
}

/**
 * Atoms binned into a cell grid padded with periodic images: along each
 * periodic direction k the n_k real cells get `pad` = m image cells on each
 * side, each holding a shifted copy of the atoms of real cell
 * (e - pad) mod n_k (image (e - pad) div n_k; several images when n_k < m).
 * Cells are stored x fastest, so the 2m+1 cells of a stencil row along x are
 * one contiguous range of the sorted arrays: the pair search walks ranges,
 * with no per-cell wrapping and no copying.
 */
interface PaddedBins {
  /** start offsets into the sorted arrays per padded cell (ncell + 1) */
  start: Int32Array;
  /** per slot: atom index, Cartesian coordinates of the (shifted) copy, type */
  atom: Int32Array;
  xyz: Float64Array;
  type: Int32Array;
}

/**
 * The cell grid of a build: real cells nc_k per direction (at least r_list/m
 * thick; fewer for dilute systems), the padding and padded extents, and the
 * map s -> cell index floor((s_k - lo_k) inv_k) (clamped to [0, nc_k)).
 */
interface CellGrid {
  nc: Int32Array;
  pad: Int32Array;
  ext: Int32Array;
  lo: Float64Array;
  inv: Float64Array;
}

function cellGrid(s: Float64Array, n: number, g: CellGeometry, rlist: number, m: number): CellGrid {
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
  const pad = Int32Array.of(g.px ? m : 0, g.py ? m : 0, g.pz ? m : 0);
  const ext = Int32Array.of(nc[0] + 2 * pad[0], nc[1] + 2 * pad[1], nc[2] + 2 * pad[2]);
  return { nc, pad, ext, lo, inv };
}

function binAtoms(s: Float64Array, types: Int32Array, n: number, g: CellGeometry, grid: CellGrid): PaddedBins {
  const { nc, pad, ext, lo, inv } = grid;
  const ncell = ext[0] * ext[1] * ext[2];
  // real cell of each atom, then the padded cells holding a copy of it
  const cell = new Int32Array(3 * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      let b = Math.floor((s[3 * i + k] - lo[k]) * inv[k]);
      if (b < 0) b = 0; else if (b >= nc[k]) b = nc[k] - 1;
      cell[3 * i + k] = b;
    }
  }
  const start = new Int32Array(ncell + 1);
  forEachCopy(n, cell, nc, pad, ext, (_i, c) => { start[c + 1]++; });
  for (let c = 0; c < ncell; c++) start[c + 1] += start[c];
  const total = start[ncell];
  const fill = start.slice(0, ncell);
  const atom = new Int32Array(total);
  const xyz = new Float64Array(3 * total);
  const type = new Int32Array(total);
  forEachCopy(n, cell, nc, pad, ext, (i, c, ex, ey, ez) => {
    const q = fill[c]++;
    // image counts of this copy along x, y, z
    const fx = Math.floor((ex - pad[0]) / nc[0]), fy = Math.floor((ey - pad[1]) / nc[1]), fz = Math.floor((ez - pad[2]) / nc[2]);
    const sx = s[3 * i] + fx, sy = s[3 * i + 1] + fy, sz = s[3 * i + 2] + fz;
    atom[q] = i;
    type[q] = types[i];
    xyz[3 * q] = g.lx * sx + g.xy * sy + g.xz * sz;
    xyz[3 * q + 1] = g.ly * sy + g.yz * sz;
    xyz[3 * q + 2] = g.dim === 3 ? g.lz * sz : 0;
  });
  return { start, atom, xyz, type };
}

/**
 * Call `visit(i, paddedCell, ex, ey, ez)` for every copy of every atom: the
 * real cell (b + pad) and each padding cell b + pad + t n_k (t != 0) inside
 * the padded extent, per direction. Atoms are visited in index order, so a
 * cell's slots are in increasing atom index (copies of one atom adjacent).
 */
function forEachCopy(
  n: number, cell: Int32Array, nc: Int32Array, pad: Int32Array, ext: Int32Array,
  visit: (i: number, c: number, ex: number, ey: number, ez: number) => void,
): void {
  const nx = ext[0], ny = ext[1];
  for (let i = 0; i < n; i++) {
    const bx = cell[3 * i] + pad[0], by = cell[3 * i + 1] + pad[1], bz = cell[3 * i + 2] + pad[2];
    if (pad[0] === 0 && pad[1] === 0 && pad[2] === 0) { visit(i, (bz * ny + by) * nx + bx, bx, by, bz); continue; }
    for (let ez = bz - Math.floor(bz / nc[2]) * nc[2]; ez < ext[2]; ez += nc[2]) {
      if (pad[2] === 0 && ez !== bz) continue;
      for (let ey = by - Math.floor(by / nc[1]) * nc[1]; ey < ny; ey += nc[1]) {
        if (pad[1] === 0 && ey !== by) continue;
        for (let ex = bx - Math.floor(bx / nc[0]) * nc[0]; ex < nx; ex += nc[0]) {
          if (pad[0] === 0 && ex !== bx) continue;
          visit(i, (ez * ny + ey) * nx + ex, ex, ey, ez);
        }
      }
    }
  }
}

/**
 * The x-rows of the half stencil: offsets (oy, oz) with oz > 0, or oz = 0 and
 * oy > 0, each with the largest |ox| = wx whose cell can hold a point within
 * r_list of the home cell, and the same bound for the home row (ox >= 0).
 * Two cells o slabs apart along k are at least (|o_k| - 1) h_k apart
 * (h_k = w_k / n_k, the slab thickness); in an orthogonal cell these bounds
 * add in quadrature, in a tilted one only their maximum is a bound. Rows
 * (and row ends) that cannot hold a pair are dropped: with m = 3 this keeps
 * the candidate volume near the list sphere.
 */
interface StencilRows {
  count: number;
  oy: Int32Array;
  oz: Int32Array;
  wx: Int32Array;
  homeWx: number;
}

function stencilRows(grid: CellGrid, g: CellGeometry, m: number, rlist: number): StencilRows {
  const { nc } = grid;
  const h = [g.widths[0] / nc[0], g.widths[1] / nc[1], g.dim === 3 ? g.widths[2] / nc[2] : 0];
  const orthogonal = g.xy === 0 && g.xz === 0 && g.yz === 0;
  const gap = (o: number, k: number) => Math.max(0, Math.abs(o) - 1) * h[k];
  const reach = (ox: number, oy: number, oz: number) => {
    const a = gap(ox, 0), b = gap(oy, 1), c = gap(oz, 2);
    return orthogonal ? Math.sqrt(a * a + b * b + c * c) : Math.max(a, b, c);
  };
  const mz = grid.ext[2] > 1 ? m : 0;
  const oy: number[] = [], oz: number[] = [], wx: number[] = [];
  const widest = (y: number, z: number) => {
    let w = -1;
    for (let ox = 0; ox <= m; ox++) if (reach(ox, y, z) < rlist) w = ox;
    return w;
  };
  for (let z = 0; z <= mz; z++) {
    for (let y = z === 0 ? 1 : -m; y <= m; y++) {
      const w = widest(y, z);
      if (w >= 0) { oy.push(y); oz.push(z); wx.push(w); }
    }
  }
  return { count: oy.length, oy: Int32Array.from(oy), oz: Int32Array.from(oz), wx: Int32Array.from(wx), homeWx: Math.max(0, widest(0, 0)) };
}

/** Store pair (a < b) in row b instead of row a when a + b is odd (option halfRows 'balanced'): pairs.a becomes the row, pairs.b the column. */
function balanceRows(pairs: PairBuffer): void {
  const { a, b, count } = pairs;
  for (let p = 0; p < count; p++) {
    const x = a[p], y = b[p];
    if ((x + y) & 1) { a[p] = y; b[p] = x; }
  }
}

/** Pairs (a < b) found by the cell search, in traversal order; `a`, `b` may be longer than `count`. */
interface PairBuffer {
  a: Int32Array;
  b: Int32Array;
  count: number;
}

/**
 * Every pair within its list radius, once. For each real home cell the half
 * stencil is a set of x-rows of 2m+1 padded cells (rows (oy, oz) with oz > 0,
 * or oz = 0 and oy > 0), each one contiguous range of slots, plus the home
 * row from the home atom's own slot to the end of cell cx + m. Distinct
 * (cell, image) pairs are distinct stencil offsets, and r_list is below half
 * the smallest perpendicular width, so each pair is found exactly once even
 * when a direction has fewer than 2m+1 cells.
 */
function findPairs(sys: System, g: CellGeometry, grid: CellGrid, bins: PaddedBins, radii: ListRadii, overlap: number, m: number, guess: number): PairBuffer {
  const { nc, pad, ext } = grid;
  const { start, atom, xyz, type } = bins;
  const { r2: rl2, tstride } = radii;
  const ov2 = overlap * overlap;
  const nx = ext[0], ny = ext[1], nz = ext[2];
  const rows = stencilRows(grid, g, m, Math.sqrt(radii.r2max));
  // row ranges of the half stencil for the current home cell: [lo, hi) slots
  const rlo = new Int32Array(rows.count), rhi = new Int32Array(rows.count);
  let pa: Int32Array = new Int32Array(guess), pb: Int32Array = new Int32Array(guess);
  let np = 0;
  for (let cz = pad[2]; cz < pad[2] + nc[2]; cz++) for (let cy = pad[1]; cy < pad[1] + nc[1]; cy++) for (let cx = pad[0]; cx < pad[0] + nc[0]; cx++) {
    const home = (cz * ny + cy) * nx + cx;
    const p0 = start[home], p1 = start[home + 1];
    if (p0 === p1) continue;
    let nrow = 0, room = 0;
    for (let t = 0; t < rows.count; t++) {
      const z = cz + rows.oz[t], y = cy + rows.oy[t];
      if (z >= nz || y < 0 || y >= ny) continue;
      const w = rows.wx[t];
      const rowBase = (z * ny + y) * nx;
      const lo = start[rowBase + Math.max(0, cx - w)], hi = start[rowBase + Math.min(nx - 1, cx + w) + 1];
      if (lo === hi) continue;
      rlo[nrow] = lo; rhi[nrow] = hi; nrow++;
      room += hi - lo;
    }
    const x1 = Math.min(nx - 1, cx + rows.homeWx);
    const homeEnd = start[(cz * ny + cy) * nx + x1 + 1];
    room += homeEnd - p0;
    if (np + room * (p1 - p0) > pa.length) {
      const c2 = Math.max(2 * pa.length, np + room * (p1 - p0));
      pa = growI(pa, c2); pb = growI(pb, c2);
    }
    for (let p = p0; p < p1; p++) {
      const i = atom[p], row = type[p] * tstride;
      const xi = xyz[3 * p], yi = xyz[3 * p + 1], zi = xyz[3 * p + 2];
      np = scanRange(bins, radii, row, i, xi, yi, zi, p + 1, homeEnd, pa, pb, np, ov2, sys, overlap);
      for (let r = 0; r < nrow; r++) np = scanRange(bins, radii, row, i, xi, yi, zi, rlo[r], rhi[r], pa, pb, np, ov2, sys, overlap);
    }
  }
  return { a: pa, b: pb, count: np };
}

/** Test the slots [q0, q1) against atom i at (xi, yi, zi); append hits (min, max index) to pa, pb from np; returns the new count. */
function scanRange(
  bins: PaddedBins, radii: ListRadii, row: number, i: number, xi: number, yi: number, zi: number, q0: number, q1: number,
  pa: Int32Array, pb: Int32Array, np: number, ov2: number, sys: System, overlap: number,
): number {
  const { xyz, type, atom } = bins;
  const rl2 = radii.r2;
  for (let q = q0; q < q1; q++) {
    const dx = xyz[3 * q] - xi, dy = xyz[3 * q + 1] - yi, dz = xyz[3 * q + 2] - zi;
    const r2 = dx * dx + dy * dy + dz * dz;
    if (r2 >= rl2[row + type[q]]) continue;
    const j = atom[q];
    if (r2 < ov2) throwOverlap(sys, i, j, Math.sqrt(r2), overlap);
    if (i < j) { pa[np] = i; pb[np] = j; } else { pa[np] = j; pb[np] = i; }
    np++;
  }
  return np;
}

/**
 * Dense rows sorted by neighbour index (counts[i] entries each, row stride
 * `stride`): pair p goes to row a[p] as column b[p] (and, for a full list,
 * also to row b[p] as column a[p]); bucket the pairs by column (a counting
 * sort), then walk the columns upwards appending each to its rows, so every
 * row comes out in increasing order. O(pairs).
 */
/**
 * Row lengths (pair p in row a[p]; for a full list also in row b[p]) and the
 * column offsets for `sortedRows` (deg[c] .. deg[c + 1]: the entries with
 * column c), in one pass over the pairs.
 */
function rowAndColumnCounts(pairs: PairBuffer, n: number, kind: 'half' | 'full'): { counts: Int32Array; deg: Int32Array; maxCount: number } {
  const { a, b, count } = pairs;
  const counts = new Int32Array(n);
  const deg = new Int32Array(n + 1);
  if (kind === 'full') {
    for (let p = 0; p < count; p++) { counts[a[p]]++; counts[b[p]]++; }
    for (let c = 0; c < n; c++) deg[c + 1] = counts[c];
  } else {
    for (let p = 0; p < count; p++) { counts[a[p]]++; deg[b[p] + 1]++; }
  }
  let maxCount = 0;
  for (let i = 0; i < n; i++) if (counts[i] > maxCount) maxCount = counts[i];
  for (let c = 0; c < n; c++) deg[c + 1] += deg[c];
  return { counts, deg, maxCount };
}

function sortedRows(pairs: PairBuffer, n: number, kind: 'half' | 'full', stride: number, counts: Int32Array, deg: Int32Array): Int32Array {
  const { a, b, count } = pairs;
  const full = kind === 'full';
  const fill = deg.slice(0, n);
  const partner = new Int32Array(deg[n]);
  for (let p = 0; p < count; p++) {
    partner[fill[b[p]]++] = a[p];
    if (full) partner[fill[a[p]]++] = b[p];
  }
  const neighbors = new Int32Array(n * stride);
  const len = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    for (let q = deg[c], qe = deg[c + 1]; q < qe; q++) {
      const r = partner[q];
      neighbors[r * stride + len[r]++] = c;
    }
  }
  for (let i = 0; i < n; i++) {
    if (len[i] !== counts[i]) throw new Error(`neighbor list: internal error, row ${i} has ${len[i]} entries, expected ${counts[i]}`);
  }
  return neighbors;
}

function growI(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a.subarray(0, Math.min(a.length, cap)));
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

  /** True when the next `update(sys)` rebuilds. */
  isStale(sys: System): boolean {
    return !this.current || needsRebuild(this.current, sys);
  }

  /** Return a list valid for `sys`, rebuilding if needed (`stale`: the answer of `isStale(sys)`, when just asked). */
  update(sys: System, stale = this.isStale(sys)): VerletList {
    if (!stale && this.current) return this.current;
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
 * stale when the atom count or periodicity changed, the cutoff no longer
 * fits the (deformed) cell, or (a list with per-type radii) a type changed.
 */
export function needsRebuild(nl: VerletList, sys: System): boolean {
  if (sys.n !== nl.n || sys.positions.length !== nl.refPositions.length) return true;
  const box = sys.box, ref = nl.box;
  if (box.dim !== ref.dim) return true;
  for (let k = 0; k < box.dim; k++) if (box.periodic[k] !== ref.periodic[k]) return true;
  if (nl.refTypes) {
    const t = sys.types, rt = nl.refTypes;
    for (let i = 0; i < rt.length; i++) if (t[i] !== rt[i]) return true;
  }
  const g = cellGeometry(box);
  if (nl.cutoff >= maxListRadius(g)) return true; // the rebuild reports the too-small cell
  const strain = box === ref ? 0 : deformationNorm(ref, box);
  const margin = (1 - strain) * (nl.cutoff + nl.skin) - nl.cutoff;
  if (!(margin > 0)) return true;
  const lim2 = (margin / 2) ** 2;
  return maxDisplacementExceeds(sys, nl.refFractional, g, lim2);
}

/**
 * True when some atom's minimum-image displacement since the reference
 * (wrapped fractional coordinates `ref`, stride 3), measured in the current
 * cell g, is not within sqrt(lim2). Runs every MD step, so it stores
 * nothing and divides nothing: s = G (x - lo) with G = H^-1 precomputed,
 * ds = s - s_ref reduced to the minimum image (wrapping s into [0, 1) first,
 * as `wrappedFractional` does, would only shift ds by whole cells), then
 * H ds. Equal to the displacement from `wrappedFractional` up to round-off
 * (~1e-16 relative). A non-finite position fails the test, and the rebuild
 * that follows reports the atom.
 */
function maxDisplacementExceeds(sys: System, ref: Float64Array, g: CellGeometry, lim2: number): boolean {
  const n = sys.n, d = sys.dim, x = sys.positions, box = sys.box;
  const three = d === 3;
  const lo0 = box.lo[0], lo1 = box.lo[1], lo2 = three ? box.lo[2] : 0;
  const lx = g.lx, ly = g.ly, lz = g.lz, xy = g.xy, xz = g.xz, yz = g.yz;
  // G = H^-1 for H = [[lx, xy, xz], [0, ly, yz], [0, 0, lz]] (2D: lz = 1, xz = yz = 0)
  const gxx = 1 / lx, gyy = 1 / ly, gzz = 1 / lz;
  const gxy = -xy / (lx * ly), gyz = -yz / (ly * lz), gxz = (xy * yz - xz * ly) / (lx * ly * lz);
  const px = g.wrap[0], py = g.wrap[1], pz = g.wrap[2];
  for (let i = 0; i < n; i++) {
    const o = i * d;
    const rx = x[o] - lo0, ry = x[o + 1] - lo1, rz = three ? x[o + 2] - lo2 : 0;
    let sx = gxx * rx + gxy * ry + gxz * rz - ref[3 * i];
    let sy = gyy * ry + gyz * rz - ref[3 * i + 1];
    let sz = gzz * rz - ref[3 * i + 2];
    sx -= px * Math.floor(sx + 0.5);
    sy -= py * Math.floor(sy + 0.5);
    sz -= pz * Math.floor(sz + 0.5);
    const cx = lx * sx + xy * sy + xz * sz;
    const cy = ly * sy + yz * sz;
    const cz = lz * sz;
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
