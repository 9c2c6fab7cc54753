/**
 * Loader of the WebAssembly cell search and row sort of the neighbour-list
 * build (pair-search.as.ts, AssemblyScript; binary pair-search.wasm,
 * rebuilt by `npm run build:wasm`). src/neighbor/neighbor-list.ts calls
 * `wasmNeighborRows` from `buildNeighborList` and keeps its TypeScript
 * `findPairs`, `rowAndColumnCounts` and `sortedRows` as the reference and
 * the fallback.
 *
 * One instance with its own (non-shared) memory serves every build (builds
 * are synchronous; the memory keeps the size of the largest build). Per
 * build it copies in the binned slots (cell starts, atom, type and the
 * Cartesian coordinates of every slot, image copies included), the list
 * radii and the stencil rows, and copies the rows and counts out; the pairs
 * are found in the TypeScript search's order, so the rows are the same.
 */
import { WasmFile } from '../../platform/index.ts';

interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }

interface SearchExports {
  readonly memory: WasmMemory;
  readonly overlapI: { value: number };
  readonly overlapJ: { value: number };
  findPairs(ncx: number, ncy: number, ncz: number, padx: number, pady: number, padz: number, nx: number, ny: number, nz: number,
    pStart: number, pAtom: number, pType: number, pXyz: number, pR2: number, tstride: number,
    rows: number, pOy: number, pOz: number, pWx: number, homeWx: number, ov2: number,
    pRlo: number, pRhi: number, pA: number, pB: number, cap: number): number;
  rowCounts(n: number, full: number, balanced: number, pA: number, pB: number, np: number, pCounts: number, pDeg: number): number;
  sortRows(n: number, full: number, stride: number, pA: number, pB: number, np: number, pCounts: number, pDeg: number,
    pFill: number, pPartner: number, pLen: number, pNbr: number): number;
}

/** The inputs of one search, as neighbor-list.ts holds them (see PaddedBins, ListRadii, StencilRows there). */
export interface SearchInput {
  readonly nc: Int32Array; readonly pad: Int32Array; readonly ext: Int32Array;
  readonly start: Int32Array; readonly atom: Int32Array; readonly type: Int32Array; readonly xyz: Float64Array;
  readonly r2: Float64Array; readonly tstride: number;
  readonly rows: { readonly count: number; readonly oy: Int32Array; readonly oz: Int32Array; readonly wx: Int32Array; readonly homeWx: number };
  /** squared overlap distance */
  readonly ov2: number;
}

/** The rows of the list (as neighbor-list.ts builds them) and its pair count, or the two atoms of an overlap. */
export type RowsResult =
  | { readonly neighbors: Int32Array; readonly counts: Int32Array; readonly stride: number; readonly pairs: number }
  | { readonly overlap: readonly [number, number] };

const PAGE = 65536;
const BASE = 4096;
const FILE = new WasmFile(new URL('./pair-search.wasm', import.meta.url), 'using the TypeScript search');
let instance: SearchExports | null | undefined;

function load(): SearchExports | null {
  if (instance === undefined) instance = FILE.instantiate() as SearchExports | null;
  return instance;
}

/** True when the wasm pair search loads here. */
export function wasmPairSearchAvailable(): boolean { return load() !== null; }
/** Why it did not load ('' if it did or was never tried). */
export function wasmPairSearchLoadError(): string { return FILE.error; }

/**
 * The list of `buildNeighborList` in wasm: the cell search of `findPairs`
 * (room for `guess` pairs at first, more on demand), the row counts (with
 * the 'balanced' row choice when asked) and the row sort; `strideFor` turns
 * the longest row into the row stride. Only the rows and counts are copied
 * out. Null when the module does not load here.
 */
export function wasmNeighborRows(inp: SearchInput, guess: number, n: number, full: boolean, balanced: boolean,
  strideFor: (maxCount: number) => number): RowsResult | null {
  const e = load();
  if (!e) return null;
  const slots = inp.atom.length, rows = inp.rows.count;
  let cap = Math.max(1024, Math.ceil(1.2 * guess));
  let p = BASE;
  const take = (bytes: number) => { const o = p; p = (p + bytes + 15) & ~15; return o; };
  const room = (end: number) => { const have = e.memory.buffer.byteLength; if (end > have) e.memory.grow(Math.ceil((end - have) / PAGE)); };
  const pStart = take(4 * inp.start.length), pAtom = take(4 * slots), pType = take(4 * slots), pXyz = take(8 * inp.xyz.length);
  const pR2 = take(8 * inp.r2.length), pOy = take(4 * rows), pOz = take(4 * rows), pWx = take(4 * rows);
  const pRlo = take(4 * rows), pRhi = take(4 * rows), pCounts = take(4 * n), pDeg = take(4 * (n + 1)), pFill = take(4 * n), pLen = take(4 * n);
  const pairsAt = p;
  room(p);
  let buf = e.memory.buffer;
  new Int32Array(buf, pStart, inp.start.length).set(inp.start);
  new Int32Array(buf, pAtom, slots).set(inp.atom);
  new Int32Array(buf, pType, slots).set(inp.type);
  new Float64Array(buf, pXyz, inp.xyz.length).set(inp.xyz);
  new Float64Array(buf, pR2, inp.r2.length).set(inp.r2);
  new Int32Array(buf, pOy, rows).set(inp.rows.oy.subarray(0, rows));
  new Int32Array(buf, pOz, rows).set(inp.rows.oz.subarray(0, rows));
  new Int32Array(buf, pWx, rows).set(inp.rows.wx.subarray(0, rows));
  let np: number, pA: number, pB: number;
  for (;;) {
    p = pairsAt;
    pA = take(4 * cap); pB = take(4 * cap);
    room(p);
    np = e.findPairs(inp.nc[0], inp.nc[1], inp.nc[2], inp.pad[0], inp.pad[1], inp.pad[2], inp.ext[0], inp.ext[1], inp.ext[2],
      pStart, pAtom, pType, pXyz, pR2, inp.tstride, rows, pOy, pOz, pWx, inp.rows.homeWx, inp.ov2, pRlo, pRhi, pA, pB, cap);
    if (np === -2) return { overlap: [e.overlapI.value, e.overlapJ.value] };
    if (np !== -1) break;
    cap *= 2;
  }
  const maxCount = e.rowCounts(n, full ? 1 : 0, balanced ? 1 : 0, pA, pB, np, pCounts, pDeg);
  const stride = strideFor(maxCount);
  const entries = full ? 2 * np : np;
  const pPartner = take(4 * entries), pNbr = take(4 * n * stride);
  room(p);
  const bad = e.sortRows(n, full ? 1 : 0, stride, pA, pB, np, pCounts, pDeg, pFill, pPartner, pLen, pNbr);
  if (bad >= 0) throw new Error(`neighbor list: internal error in the wasm row sort, row ${bad} has the wrong length`);
  buf = e.memory.buffer;
  return { neighbors: new Int32Array(buf, pNbr, n * stride).slice(), counts: new Int32Array(buf, pCounts, n).slice(), stride, pairs: np };
}
