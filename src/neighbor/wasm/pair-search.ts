/**
 * Loader of the WebAssembly cell search of the neighbour-list build
 * (pair-search.as.ts, AssemblyScript; binary pair-search.wasm, rebuilt by
 * `npm run build:wasm`). src/neighbor/neighbor-list.ts calls
 * `wasmFindPairs` from its `findPairs` and keeps the TypeScript search as
 * the reference and the fallback.
 *
 * One instance with its own (non-shared) memory serves every build (builds
 * are synchronous). Per build it copies in the binned slots (cell starts,
 * atom, type and the Cartesian coordinates of every slot, image copies
 * included), the list radii and the stencil rows, and copies the pairs out;
 * the pair buffer is the TypeScript search's, pair for pair.
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

/** Pairs (a < b) in traversal order, or the two atoms of an overlap. */
export type SearchResult = { readonly a: Int32Array; readonly b: Int32Array; readonly count: number } | { readonly overlap: readonly [number, number] };

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
 * The cell search of `findPairs` in wasm, with room for `guess` pairs at
 * first (more on demand); null when the module does not load here.
 */
export function wasmFindPairs(inp: SearchInput, guess: number): SearchResult | null {
  const e = load();
  if (!e) return null;
  const slots = inp.atom.length, rows = inp.rows.count;
  let cap = Math.max(1024, Math.ceil(1.2 * guess));
  for (;;) {
    let p = BASE;
    const take = (bytes: number) => { const o = p; p = (p + bytes + 15) & ~15; return o; };
    const pStart = take(4 * inp.start.length), pAtom = take(4 * slots), pType = take(4 * slots), pXyz = take(8 * inp.xyz.length);
    const pR2 = take(8 * inp.r2.length), pOy = take(4 * rows), pOz = take(4 * rows), pWx = take(4 * rows);
    const pRlo = take(4 * rows), pRhi = take(4 * rows), pA = take(4 * cap), pB = take(4 * cap);
    const have = e.memory.buffer.byteLength;
    if (p > have) e.memory.grow(Math.ceil((p - have) / PAGE));
    const buf = e.memory.buffer;
    new Int32Array(buf, pStart, inp.start.length).set(inp.start);
    new Int32Array(buf, pAtom, slots).set(inp.atom);
    new Int32Array(buf, pType, slots).set(inp.type);
    new Float64Array(buf, pXyz, inp.xyz.length).set(inp.xyz);
    new Float64Array(buf, pR2, inp.r2.length).set(inp.r2);
    new Int32Array(buf, pOy, rows).set(inp.rows.oy.subarray(0, rows));
    new Int32Array(buf, pOz, rows).set(inp.rows.oz.subarray(0, rows));
    new Int32Array(buf, pWx, rows).set(inp.rows.wx.subarray(0, rows));
    const np = e.findPairs(inp.nc[0], inp.nc[1], inp.nc[2], inp.pad[0], inp.pad[1], inp.pad[2], inp.ext[0], inp.ext[1], inp.ext[2],
      pStart, pAtom, pType, pXyz, pR2, inp.tstride, rows, pOy, pOz, pWx, inp.rows.homeWx, inp.ov2, pRlo, pRhi, pA, pB, cap);
    if (np === -2) return { overlap: [e.overlapI.value, e.overlapJ.value] };
    if (np === -1) { cap *= 2; continue; }
    return { a: new Int32Array(buf, pA, np).slice(), b: new Int32Array(buf, pB, np).slice(), count: np };
  }
}
