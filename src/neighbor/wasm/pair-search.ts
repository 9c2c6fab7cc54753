/**
 * Loader and driver of the WebAssembly neighbour-list build
 * (pair-search.as.ts, AssemblyScript; binary pair-search.wasm, rebuilt by
 * `npm run build:wasm`): binning, the half-stencil cell search and the
 * transpose that leaves every row sorted. src/neighbor/neighbor-list.ts
 * calls `wasmNeighborRows` from `buildNeighborList` and keeps its
 * TypeScript `binAtoms`, `findPairs`, `rowAndColumnCounts` and
 * `sortedRows` as the reference and the fallback.
 *
 * One instance with its own (non-shared) memory serves every build (builds
 * are synchronous; the memory keeps the size of the largest build). Per
 * build it copies in the wrapped fractional coordinates, the types, the
 * list radii and the stencil rows, and copies the rows and counts out; the
 * list is a function of the set of pairs, so it equals the TypeScript one
 * entry for entry. With a `ListTarget` (the memory of the force kernels,
 * src/core/wasm/force-runtime.ts) the same code, built to import its
 * memory (pair-search-import.wasm), builds in that memory instead and the
 * rows and counts stay there: the list's arrays are views of it, read by
 * the force kernels in place (no copy out, no copy in, no allocation).
 * A target on a shared memory with `ListThreads` (the force threads of
 * src/core/wasm/force-threads.ts) takes the shared build
 * (pair-search-shared.wasm): binning stays on the calling thread, the cell
 * search and the row sweep run on all threads (`runListJob`: thread t
 * searches a range of home cells holding about n/T atoms, keeping its
 * column lists apart by the thread that owns each pair's row, then sweeps
 * the rows [n t / T, n (t+1) / T) from every thread's lists in thread
 * order), and the list is the same, entry for entry.
 */
import { WasmFile } from '../../platform/index.ts';

interface WasmMemory { readonly buffer: ArrayBuffer | SharedArrayBuffer; grow(pages: number): number }

interface SearchExports {
  readonly memory: WasmMemory;
  readonly overlapI: { value: number };
  readonly overlapJ: { value: number };
  binCells(n: number, pS: number, lo0: number, lo1: number, lo2: number, inv0: number, inv1: number, inv2: number,
    nc0: number, nc1: number, nc2: number, pad0: number, pad1: number, pad2: number, pCell: number, pStart: number): number;
  binFill(n: number, pS: number, pTypes: number, lx: number, ly: number, lz: number, xy: number, xz: number, yz: number, dim3: number,
    nc0: number, nc1: number, nc2: number, pad0: number, pad1: number, pad2: number, pCell: number, pStart: number, pFill: number,
    pAtom: number, pType: number, pXyz: number): void;
  searchHalf(n: number, mode: number, ncx: number, ncy: number, ncz: number, padx: number, pady: number, padz: number, nx: number, ny: number, nz: number,
    pStart: number, pAtom: number, pType: number, pXyz: number, pR2: number, tstride: number,
    rows: number, pOy: number, pOz: number, pWx: number, homeWx: number, ov2: number,
    pRlo: number, pRhi: number, pHit: number, cs: number, pClen: number, pCol: number, k0: number, k1: number, owners: number, pBounds: number): number;
  sweepRows(n: number, cs: number, pClen: number, pCol: number, sets: number, step: number,
    stride: number, pLen: number, pNbr: number, r0: number, r1: number): number;
}

/** The inputs of one build, as neighbor-list.ts holds them (see CellGrid, ListRadii, StencilRows there). */
export interface BuildInput {
  readonly n: number;
  /** wrapped fractional coordinates (stride 3) and atom types */
  readonly s: Float64Array;
  readonly types: Int32Array;
  /** cell matrix lx, ly, lz, xy, xz, yz and the dimension */
  readonly cell: readonly [number, number, number, number, number, number];
  readonly dim: 2 | 3;
  /** real cells, padding and padded extents per direction; the map s -> cell floor((s - lo) inv) */
  readonly grid: { readonly nc: Int32Array; readonly pad: Int32Array; readonly ext: Int32Array; readonly lo: Float64Array; readonly inv: Float64Array };
  /** squared list radius per type pair [ti * tstride + tj] */
  readonly r2: Float64Array;
  readonly tstride: number;
  /** the x-rows of the half stencil and the half-width of the home row */
  readonly rows: { readonly count: number; readonly oy: Int32Array; readonly oz: Int32Array; readonly wx: Int32Array; readonly homeWx: number };
  /** squared overlap distance */
  readonly ov2: number;
  /** 0: half list (row of the smaller index), 1: half 'balanced', 2: full */
  readonly mode: 0 | 1 | 2;
  /** column-list length to try first (the search runs again with a longer one when a column is longer) */
  readonly columns: number;
  /** row stride to try first (the rows are swept again when strideFor asks another) */
  readonly stride: number;
}

/** The rows of the list (as neighbor-list.ts builds them) and its pair count, or the two atoms of an overlap. */
export type RowsResult =
  | { readonly neighbors: Int32Array; readonly counts: Int32Array; readonly stride: number; readonly pairs: number }
  | { readonly overlap: readonly [number, number] };

const PAGE = 65536;
const BASE = 4096;
const FILE = new WasmFile(new URL('./pair-search.wasm', import.meta.url), 'using the TypeScript search');
const IMPORT_FILE = new WasmFile(new URL('./pair-search-import.wasm', import.meta.url), 'copying the list');
const SHARED_FILE = new WasmFile(new URL('./pair-search-shared.wasm', import.meta.url), 'copying the list');
let instance: SearchExports | null | undefined;
const onMemory = new WeakMap<object, SearchExports | null>();

/**
 * A memory the build may use past `listBase(n)` (its bins, column lists and
 * the rows; the rows and counts stay there until the next build into it).
 */
export interface ListTarget {
  readonly memory: WasmMemory;
  /** first byte the build of an n-atom list may use (may grow the memory) */
  listBase(n: number): number;
  /**
   * Threads sharing `memory` (a shared one) that take the search and the
   * row sweep in parts (src/core/wasm/force-threads.ts `WasmForcePool`);
   * absent or null: the build runs on the calling thread.
   */
  readonly threads?: ListThreads | null;
}

/**
 * Threads that run `runListJob` over one shared memory: thread t of
 * `threads` (the caller is thread 0) runs
 * `runListJob(exports, memory.buffer, argsAt, t)`, each on its own instance
 * of `sharedPairSearchModule()`, and `run` returns when all are done.
 */
export interface ListThreads {
  readonly threads: number;
  run(argsAt: number): void;
}

/** The compiled shared-memory build (pair-search-shared.wasm) for `ListThreads` workers, or null where it does not load. */
export function sharedPairSearchModule(): object | null { return SHARED_FILE.compiled; }

/** f64 words of a list job's arguments (`runListJob`) */
export const LIST_JOB_WORDS = 48;

/**
 * Thread t's part of a list job whose arguments (f64) are at byte argsAt
 * of `buf` (written by `wasmNeighborRows`): a[0] = 1 searches the home
 * cells [kb[t], kb[t+1]) into thread t's column sets, a[0] = 2 sweeps the
 * rows [rb[t], rb[t+1]) from the sets of every thread; the result (the
 * longest column or row, or -2 on an overlap) goes to the f64 at
 * a[3] + 8 t. Self-contained (workers run its source).
 */
export function runListJob(sx: Omit<SearchExports, 'memory'>, buf: ArrayBufferLike, argsAt: number, t: number): void {
  const a = new Float64Array(buf, argsAt, 48);
  const T = a[1], pB = a[2], pRes = a[3], n = a[4], cs = a[5], step = a[6], region = a[7];
  const oRlo = a[8], oRhi = a[9], oHit = a[10], oLen = a[11], oCol = a[12];
  const bounds = new Int32Array(buf, pB, 2 * T + 2); // row bounds (T + 1), then home-cell bounds (T + 1)
  const res = new Float64Array(buf, pRes, T);
  if (a[0] === 1) {
    const r = region + t * step;
    res[t] = sx.searchHalf(n, a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22],
      a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31], a[32], a[33], a[34],
      r + oRlo, r + oRhi, r + oHit, cs, r + oLen, r + oCol, bounds[T + 1 + t], bounds[T + 2 + t], T, pB);
  } else {
    res[t] = sx.sweepRows(n, cs, region + oLen + 4 * t * n, region + oCol + 4 * t * n * cs, T, step,
      a[35], a[36], a[37], bounds[t], bounds[t + 1]);
  }
}

/** The build instantiated on `memory` (pair-search-shared.wasm on a shared memory, else pair-search-import.wasm), or null where it does not load. */
function loadOn(memory: WasmMemory): SearchExports | null {
  let e = onMemory.get(memory);
  if (e === undefined) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const ex = (shared ? SHARED_FILE : IMPORT_FILE).instantiate({ env: { memory } }) as Omit<SearchExports, 'memory'> | null;
    e = ex ? { ...bindExports(ex), memory } : null;
    onMemory.set(memory, e);
  }
  return e;
}

/** The exported functions and globals of an instance, as a plain object. */
function bindExports(ex: Omit<SearchExports, 'memory'>): Omit<SearchExports, 'memory'> {
  return {
    overlapI: ex.overlapI, overlapJ: ex.overlapJ,
    binCells: ex.binCells, binFill: ex.binFill, searchHalf: ex.searchHalf, sweepRows: ex.sweepRows,
  };
}

function load(): SearchExports | null {
  if (instance === undefined) instance = FILE.instantiate() as SearchExports | null;
  return instance;
}

/** True when the wasm list build loads here. */
export function wasmPairSearchAvailable(): boolean { return load() !== null; }
/** Why it did not load ('' if it did or was never tried). */
export function wasmPairSearchLoadError(): string { return FILE.error; }

/**
 * The list of `buildNeighborList` in wasm (see the module doc), or null
 * when the module does not load here. `strideFor` turns the longest row
 * into the row stride, as the TypeScript build does (asked once: it logs a
 * growth). With `target` the build runs in the target's memory and the
 * returned rows and counts are views of it (valid until the next build
 * into it or a growth of that memory).
 */
export function wasmNeighborRows(inp: BuildInput, strideFor: (maxCount: number) => number, target?: ListTarget | null): RowsResult | null {
  const e = target ? loadOn(target.memory) : load();
  if (!e) return null;
  const { n, grid } = inp;
  const { nc, pad, ext, lo, inv } = grid;
  const ncell = ext[0] * ext[1] * ext[2];
  const rows = inp.rows.count;
  const mem = e.memory;
  const threads = target?.threads && target.threads.threads > 1 ? target.threads : null;
  const T = threads ? threads.threads : 1;
  let p = target ? (target.listBase(n) + 63) & ~63 : BASE;
  const take = (bytes: number) => { const o = p; p = (p + bytes + 63) & ~63; return o; };
  const room = () => { const have = mem.buffer.byteLength; if (p > have) mem.grow(Math.ceil((p - have) / PAGE)); };
  const pS = take(24 * n), pTypes = take(4 * n), pCell = take(12 * n);
  const pStart = take(4 * (ncell + 1)), pFill = take(4 * ncell), pR2 = take(8 * inp.r2.length);
  const pOy = take(4 * rows), pOz = take(4 * rows), pWx = take(4 * rows);
  const pLen = take(4 * n), pB = take(4 * (2 * T + 2)), pArgs = take(8 * LIST_JOB_WORDS), pRes = take(8 * T);
  room();
  let buf = mem.buffer;
  new Float64Array(buf, pS, 3 * n).set(inp.s.subarray(0, 3 * n));
  new Int32Array(buf, pTypes, n).set(inp.types.subarray(0, n));
  new Float64Array(buf, pR2, inp.r2.length).set(inp.r2);
  new Int32Array(buf, pOy, rows).set(inp.rows.oy.subarray(0, rows));
  new Int32Array(buf, pOz, rows).set(inp.rows.oz.subarray(0, rows));
  new Int32Array(buf, pWx, rows).set(inp.rows.wx.subarray(0, rows));
  const slots = e.binCells(n, pS, lo[0], lo[1], lo[2], inv[0], inv[1], inv[2], nc[0], nc[1], nc[2], pad[0], pad[1], pad[2], pCell, pStart);
  const pAtom = take(4 * slots), pType = take(4 * slots), pXyz = take(24 * slots);
  const regionsAt = p;
  room();
  buf = mem.buffer;
  const homeCells = nc[0] * nc[1] * nc[2];
  splitWork(new Int32Array(buf, pB, 2 * T + 2), n, T, homeCells, new Int32Array(buf, pStart, ncell + 1), nc, pad, ext);
  const [lx, ly, lz, xy, xz, yz] = inp.cell;
  e.binFill(n, pS, pTypes, lx, ly, lz, xy, xz, yz, inp.dim === 3 ? 1 : 0, nc[0], nc[1], nc[2], pad[0], pad[1], pad[2],
    pCell, pStart, pFill, pAtom, pType, pXyz);
  // per thread a region: row-range scratch, the hits of one atom, then T sets of column lengths and columns
  const a64 = (b: number) => (b + 63) & ~63;
  const oRlo = 0, oRhi = a64(4 * rows), oHit = oRhi + a64(4 * rows), oLen = oHit + a64(4 * slots), oCol = oLen + a64(4 * T * n) + 64;
  /** run job a[0] on every thread (or here, on one) and return the largest result, or -2 */
  const job = (kind: 1 | 2, cs: number, step: number, tail: readonly number[]): number => {
    const a = new Float64Array(mem.buffer, pArgs, LIST_JOB_WORDS);
    a.set([kind, T, pB, pRes, n, cs, step, regionsAt, oRlo, oRhi, oHit, oLen, oCol, inp.mode, ...tail]);
    if (threads) threads.run(pArgs);
    else runListJob(e, mem.buffer, pArgs, 0);
    const res = new Float64Array(mem.buffer, pRes, T);
    let most = 0;
    for (let t = 0; t < T; t++) { if (res[t] === -2) return -2; most = Math.max(most, res[t]); }
    return most;
  };
  let cs = Math.max(1, inp.columns), step = 0;
  for (;;) {
    step = a64(oCol + 4 * T * n * cs);
    p = regionsAt + T * step;
    room();
    const longest = job(1, cs, step, [nc[0], nc[1], nc[2], pad[0], pad[1], pad[2], ext[0], ext[1], ext[2],
      pStart, pAtom, pType, pXyz, pR2, inp.tstride, rows, pOy, pOz, pWx, inp.rows.homeWx, inp.ov2]);
    if (longest === -2) return { overlap: threads ? [-1, -1] : [e.overlapI.value, e.overlapJ.value] };
    if (longest <= cs) break;
    cs = longest; // a column did not fit: search again
  }
  const rowsAt = p;
  let stride = Math.max(1, inp.stride);
  let want = 0;
  for (;;) {
    p = rowsAt;
    take(4); // the word before the rows: the writes that do not count
    const pNbr = take(4 * n * stride);
    room();
    const longest = job(2, cs, step, [...new Array<number>(35 - 14).fill(0), stride, pLen, pNbr]);
    if (want === 0) want = strideFor(longest);
    if (want !== stride) { stride = want; continue; }
    buf = mem.buffer;
    const counts = new Int32Array(buf, pLen, n), neighbors = new Int32Array(buf, pNbr, n * stride);
    let entries = 0;
    for (let i = 0; i < n; i++) entries += counts[i];
    const pairs = inp.mode === 2 ? entries / 2 : entries;
    return target ? { neighbors, counts, stride, pairs } : { neighbors: neighbors.slice(), counts: counts.slice(), stride, pairs };
  }
}

/**
 * The work of T threads (into b: 2 T + 2 i32): rows [b[t], b[t+1]) to
 * sweep, floor(n t / T) as the force loop splits them; home cells
 * [b[T+1+t], b[T+2+t]) to search, cut where the atoms counted so far (in
 * the traversal order of searchHalf, from the cell starts `start`) pass
 * n t / T, so each thread searches about as many atoms.
 */
function splitWork(b: Int32Array, n: number, T: number, homeCells: number, start: Int32Array,
  nc: Int32Array, pad: Int32Array, ext: Int32Array): void {
  for (let t = 0; t <= T; t++) b[t] = Math.floor((n * t) / T);
  const kb = T + 1;
  b[kb] = 0;
  b[kb + T] = homeCells;
  if (T === 1) return;
  let t = 1, seen = 0;
  for (let k = 0; k < homeCells && t < T; k++) {
    const cx = pad[0] + (k % nc[0]), cy = pad[1] + (Math.floor(k / nc[0]) % nc[1]), cz = pad[2] + Math.floor(k / (nc[0] * nc[1]));
    const home = (cz * ext[1] + cy) * ext[0] + cx;
    seen += start[home + 1] - start[home];
    while (t < T && seen >= (n * t) / T) b[kb + t++] = k + 1;
  }
  while (t < T) b[kb + t++] = homeCells;
}
