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
 */
import { WasmFile } from '../../platform/index.ts';

interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }

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
    pRlo: number, pRhi: number, pHit: number, cs: number, pClen: number, pCol: number): number;
  sweepRows(n: number, cs: number, pClen: number, pCol: number, stride: number, pLen: number, pNbr: number): number;
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
}

/** The build instantiated on `memory` (pair-search-import.wasm), or null where it does not load. */
function loadOn(memory: WasmMemory): SearchExports | null {
  let e = onMemory.get(memory);
  if (e === undefined) {
    const ex = IMPORT_FILE.instantiate({ env: { memory } }) as Omit<SearchExports, 'memory'> | null;
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
  let p = target ? (target.listBase(n) + 63) & ~63 : BASE;
  const take = (bytes: number) => { const o = p; p = (p + bytes + 63) & ~63; return o; };
  const room = () => { const have = mem.buffer.byteLength; if (p > have) mem.grow(Math.ceil((p - have) / PAGE)); };
  const pS = take(24 * n), pTypes = take(4 * n), pCell = take(12 * n);
  const pStart = take(4 * (ncell + 1)), pFill = take(4 * ncell), pR2 = take(8 * inp.r2.length);
  const pOy = take(4 * rows), pOz = take(4 * rows), pWx = take(4 * rows), pRlo = take(4 * rows), pRhi = take(4 * rows);
  const pClen = take(4 * n), pLen = take(4 * n);
  room();
  let buf = mem.buffer;
  new Float64Array(buf, pS, 3 * n).set(inp.s.subarray(0, 3 * n));
  new Int32Array(buf, pTypes, n).set(inp.types.subarray(0, n));
  new Float64Array(buf, pR2, inp.r2.length).set(inp.r2);
  new Int32Array(buf, pOy, rows).set(inp.rows.oy.subarray(0, rows));
  new Int32Array(buf, pOz, rows).set(inp.rows.oz.subarray(0, rows));
  new Int32Array(buf, pWx, rows).set(inp.rows.wx.subarray(0, rows));
  const slots = e.binCells(n, pS, lo[0], lo[1], lo[2], inv[0], inv[1], inv[2], nc[0], nc[1], nc[2], pad[0], pad[1], pad[2], pCell, pStart);
  const pAtom = take(4 * slots), pType = take(4 * slots), pXyz = take(24 * slots), pHit = take(4 * slots);
  const colsAt = p;
  room();
  const [lx, ly, lz, xy, xz, yz] = inp.cell;
  e.binFill(n, pS, pTypes, lx, ly, lz, xy, xz, yz, inp.dim === 3 ? 1 : 0, nc[0], nc[1], nc[2], pad[0], pad[1], pad[2],
    pCell, pStart, pFill, pAtom, pType, pXyz);
  let cs = Math.max(1, inp.columns), pCol: number;
  for (;;) {
    p = colsAt;
    take(4); // the word before the columns: the writes that do not count
    pCol = take(4 * n * cs);
    room();
    const longest = e.searchHalf(n, inp.mode, nc[0], nc[1], nc[2], pad[0], pad[1], pad[2], ext[0], ext[1], ext[2],
      pStart, pAtom, pType, pXyz, pR2, inp.tstride, rows, pOy, pOz, pWx, inp.rows.homeWx, inp.ov2, pRlo, pRhi, pHit, cs, pClen, pCol);
    if (longest === -2) return { overlap: [e.overlapI.value, e.overlapJ.value] };
    if (longest <= cs) break;
    cs = longest; // a column did not fit: search again
  }
  const rowsAt = p;
  let stride = Math.max(1, inp.stride);
  let want = 0;
  for (;;) {
    p = rowsAt;
    take(4); // the word before the rows, likewise
    const pNbr = take(4 * n * stride);
    room();
    const longest = e.sweepRows(n, cs, pClen, pCol, stride, pLen, pNbr);
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
