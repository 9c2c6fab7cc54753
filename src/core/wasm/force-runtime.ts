/**
 * Loader and memory layout of the WebAssembly force kernels
 * (force-kernels.as.ts, AssemblyScript; binary force-kernels.wasm, rebuilt
 * by `npm run build:wasm`). src/core/forces-f64.ts drives them through a
 * `WasmForceWorkspace` and keeps its TypeScript loops as the reference and
 * the fallback.
 *
 * Each workspace owns one instance with its own (non-shared) linear memory,
 * laid out as
 *   [geometry 9 f64 | virial 6 f64 | potential table | types n i32 |
 *    counts n i32 | s 3n f64 | f 3n f64 | rho n | F' n | pe n | pv 6n | neighbours n*stride i32 |
 *    EAM only: compacted rows n*stride i32 | their counts n i32 | row scratch]
 * (byte offsets 16-aligned; see force-kernels.as.ts, EAM section). The potential table is written when the
 * potential changes, the half neighbour list (counts and rows) only when
 * the list object changes, that is after a rebuild. Per force call the
 * host writes the wrapped fractional coordinates straight into `s`
 * (src/neighbor/cell-geometry.ts `wrappedFractional`, as the TypeScript path
 * does into its own buffer), copies the atom types (4n bytes) and the cell
 * geometry, and reads the forces back from `f` (the copy into the
 * ForceResult that the TypeScript path also makes). Nothing else crosses.
 * For the LJ and IPL tables the list can also be built in this memory
 * (`listTarget`, src/neighbor/wasm/pair-search.ts): it then sits past the
 * layout above (no neighbour region there) and the kernels read it where
 * it lies, so not even the per-rebuild copy is made.
 *
 * Loading fails soft: `wasmForcesAvailable()` is false (and
 * `wasmForceLoadError()` says why) where WebAssembly SIMD is missing; the
 * force loops then run in TypeScript.
 */
import { WasmFile } from '../../platform/index.ts';
import type { NeighborList } from '../../neighbor/types.ts';
import type { ListTarget } from '../../neighbor/wasm/pair-search.ts';

/** The part of the WebAssembly JS API used here (the project's lib setting has no WebAssembly types). */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }

export interface ForceExports {
  readonly memory: WasmMemory;
  ljForces(i0: number, i1: number, pT: number, pN: number, pC: number, stride: number, pG: number,
    tstride: number, pK: number, shiftedForce: number, pS: number, pF: number): number;
  iplForces(i0: number, i1: number, pT: number, pN: number, pC: number, stride: number, pG: number,
    tstride: number, pK: number, eps: number, h: number, pCoef: number, q: number,
    pS: number, pF: number, pVir: number, pPe: number, pPv: number): number;
  eamDensities(i0: number, i1: number, n: number, pT: number, pN: number, pC: number, stride: number, pG: number,
    tstride: number, pD: number, nr: number, rdr: number, cutoff: number, pS: number, pRhoOut: number,
    pE: number, pEC: number, pW: number): void;
  eamForces(i0: number, i1: number, pT: number, pN: number, pC: number, stride: number, pG: number,
    tstride: number, pP: number, nr: number, rdr: number, cutoff: number, pFp: number,
    pS: number, pF: number, pVir: number, pPe: number, pPv: number, pE: number, pEC: number, pW: number): number;
}

/**
 * A potential in the form the kernels read, written into linear memory as
 * `data` (bytes) at the table offset; pointers inside it are relative to
 * that offset and rebased by the workspace.
 * - 'lj': packed LJ table (src/core/lj-kernel.ts `packLjTable`), tstride.
 * - 'ipl': [cutsq, 1/lambda^2] per type pair, then c_0..c_q; exponent n = 2 h.
 * - 'eam': the spline coefficients (7 per interval, src/potential/lammps-spline.ts)
 *   of rho[kk] and z2r[kk] (kk = a*tstride + b) as f64x2 lane pairs, one
 *   64-byte line per pair of splines and interval, each spline stored once
 *   (`eamLayout`; the layout in force-kernels.as.ts, EAM section).
 */
export type WasmPotentialTable =
  | { readonly kind: 'lj'; readonly tstride: number; readonly coef: Float64Array; readonly shiftedForce: boolean }
  | { readonly kind: 'ipl'; readonly tstride: number; readonly pairs: Float64Array; readonly c: Float64Array; readonly epsilon: number; readonly h: number }
  | { readonly kind: 'eam'; readonly tstride: number; readonly nr: number; readonly rdr: number; readonly cutoff: number;
      readonly rhor: readonly Float64Array[]; readonly z2r: readonly Float64Array[] };

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit
const BASE = 4096; // below: left to the module (no static data with --runtime stub)
const GEOM = BASE;
const VIR = BASE + 128;
const TABLE = BASE + 256;

const FILE = new WasmFile(new URL('./force-kernels.wasm', import.meta.url), 'using the TypeScript loops');

/** True when the force kernels load here (WebAssembly with SIMD). */
export function wasmForcesAvailable(): boolean { return FILE.available; }

/** Why the kernels did not load ('' if they did or were never tried). */
export function wasmForceLoadError(): string { return FILE.error; }

function align16(b: number): number { return (b + 15) & ~15; }

/** Views of one workspace's atom arrays in linear memory (valid until the next `bind`). */
export interface WasmAtomViews {
  /** wrapped fractional coordinates, stride 3 */
  readonly s: Float64Array;
  /** forces, stride 3 (zeroed by bind) */
  readonly f3: Float64Array;
  /** EAM host densities and F'(rho) */
  readonly rho: Float64Array;
  readonly fp: Float64Array;
  /** per-atom energies and virials (6 per atom), zeroed by bind when per-atom terms are asked for */
  readonly pe: Float64Array;
  readonly pv6: Float64Array;
}

/** One instance of the force kernels with its memory; keep one per force provider. */
export class WasmForceWorkspace {
  private readonly exp: ForceExports;
  private table: WasmPotentialTable | null = null;
  private tableBytes = 0;
  private nl: NeighborList | null = null;
  private n = -1;
  private stride = -1;
  // byte offsets
  /** byte offsets of the types, counts and rows (read by writeListAndTypes) */
  pT = 0; pC = 0; private pS = 0; private pF = 0; private pRho = 0; private pFp = 0;
  private pPe = 0; private pPv = 0; pN = 0;
  /** EAM: compacted rows, their counts, the row scratch (0 for other tables) */
  private pE = 0; private pEC = 0; private pW = 0;
  /** neighbour lists taken in so far (one per rebuild): copied, or built in this memory (`listTarget`) */
  listCopies = 0;
  /** first byte past the layout */
  private end = 0;
  /** the layout holds no neighbour rows: the list is built in this memory past `end` */
  private inPlace = false;

  /** A workspace, or null when the kernels do not load here. */
  static create(): WasmForceWorkspace | null {
    const exp = FILE.instantiate();
    return exp ? new WasmForceWorkspace(exp as unknown as ForceExports) : null;
  }

  private constructor(exp: ForceExports) { this.exp = exp; }

  /**
   * Make the memory hold `table`, the atom arrays of `n` atoms, the half
   * list `nl` (copied when it is a different list than last time) and the
   * atom types; write the cell geometry `geom` (9 f64, see the module doc
   * of force-kernels.as.ts); zero the forces, the virial and, if `peratom`,
   * the per-atom sums. Returns the atom-array views.
   */
  bind(table: WasmPotentialTable, nl: NeighborList, types: Int32Array, geom: Float64Array, peratom: boolean): WasmAtomViews {
    const n = nl.n;
    if (nl.neighbors.buffer === this.exp.memory.buffer) {
      // built here by listTarget: read where it lies
      if (!this.inPlace || table !== this.table || n !== this.n) {
        throw new Error('WasmForceWorkspace.bind: the neighbour list was built in this memory for another layout; build it through listTarget(table) of this table and atom count');
      }
      this.pN = nl.neighbors.byteOffset; this.pC = nl.counts.byteOffset; this.stride = nl.stride;
      if (nl !== this.nl) { this.nl = nl; this.listCopies++; }
      writeListAndTypes(this.exp.memory.buffer, this, null, types, n);
    } else {
      let relaid = false;
      if (table !== this.table || n !== this.n || nl.stride !== this.stride || this.inPlace) {
        this.layout(table, n, nl.stride);
        relaid = true;
      }
      if (writeListAndTypes(this.exp.memory.buffer, this, relaid || nl !== this.nl ? nl : null, types, n)) {
        this.nl = nl;
        this.listCopies++;
      }
    }
    const buf = this.exp.memory.buffer;
    new Float64Array(buf, GEOM, 9).set(geom);
    new Float64Array(buf, VIR, 6).fill(0);
    const f3 = new Float64Array(buf, this.pF, 3 * n);
    f3.fill(0);
    const pe = new Float64Array(buf, this.pPe, n), pv6 = new Float64Array(buf, this.pPv, 6 * n);
    if (peratom) { pe.fill(0); pv6.fill(0); }
    return {
      s: new Float64Array(buf, this.pS, 3 * n), f3,
      rho: new Float64Array(buf, this.pRho, n), fp: new Float64Array(buf, this.pFp, n), pe, pv6,
    };
  }

  /**
   * Where the neighbour list of `table`'s potential may be built in this
   * memory (src/neighbor/wasm/pair-search.ts `ListTarget`): past a layout
   * for n atoms without neighbour rows. Not for EAM tables (their row
   * scratch depends on the stride).
   */
  listTarget(table: WasmPotentialTable): ListTarget {
    if (table.kind === 'eam') throw new Error('WasmForceWorkspace.listTarget: EAM tables take the list by copy');
    const memory = this.exp.memory;
    return {
      memory,
      listBase: (n: number) => {
        if (!this.inPlace || table !== this.table || n !== this.n) this.layout(table, n, 0, true);
        return this.end;
      },
    };
  }

  private layout(table: WasmPotentialTable, n: number, stride: number, inPlace = false): void {
    const tb = tableSize(table);
    let p = align16(TABLE + tb);
    const take = (bytes: number) => { const o = p; p = align16(p + bytes); return o; };
    this.pT = take(4 * n); this.pC = take(4 * n); this.pS = take(24 * n); this.pF = take(24 * n);
    this.pRho = take(8 * n); this.pFp = take(8 * n); this.pPe = take(8 * n); this.pPv = take(48 * n);
    this.pN = take(4 * n * stride);
    this.inPlace = inPlace;
    if (table.kind === 'eam') { this.pE = take(4 * n * stride); this.pEC = take(4 * n); this.pW = take(eamScratchBytes(stride)); }
    const mem = this.exp.memory, have = mem.buffer.byteLength;
    if (p > have) {
      const pages = Math.ceil((p - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) throw new Error(`wasm force kernels: ${(p / 2 ** 30).toFixed(2)} GiB of linear memory needed for ${n} atoms, the wasm32 limit is 4 GiB; use kernels 'js'`);
      mem.grow(pages);
    }
    writeTable(table, new DataView(mem.buffer), TABLE);
    this.end = p;
    this.table = table;
    this.tableBytes = tb;
    this.n = n;
    this.stride = stride;
    this.nl = null;
  }

  /** LJ-table forces into the bound f; returns the pair energy. */
  ljForces(): number {
    const t = this.table;
    if (t?.kind !== 'lj') throw new Error('WasmForceWorkspace.ljForces: bound table is not an LJ table');
    return this.exp.ljForces(0, this.n, this.pT, this.pN, this.pC, this.stride, GEOM, t.tstride, TABLE, t.shiftedForce ? 1 : 0, this.pS, this.pF);
  }

  /** IPL forces, virial into `vir` (6), per-atom terms if `peratom`; returns the pair energy. */
  iplForces(vir: Float64Array, peratom: boolean): number {
    const t = this.table;
    if (t?.kind !== 'ipl') throw new Error('WasmForceWorkspace.iplForces: bound table is not an IPL table');
    const pCoef = TABLE + iplCoefficientsAt(t);
    const e = this.exp.iplForces(0, this.n, this.pT, this.pN, this.pC, this.stride, GEOM, t.tstride, TABLE, t.epsilon, t.h, pCoef, t.c.length - 1,
      this.pS, this.pF, VIR, peratom ? this.pPe : 0, this.pPv);
    this.addVirial(vir);
    return e;
  }

  /** EAM pass 1: host densities into the bound rho. */
  eamDensities(): void {
    const t = this.table;
    if (t?.kind !== 'eam') throw new Error('WasmForceWorkspace.eamDensities: bound table is not an EAM table');
    this.exp.eamDensities(0, this.n, this.n, this.pT, this.pN, this.pC, this.stride, GEOM, t.tstride, TABLE, t.nr, t.rdr, t.cutoff, this.pS, this.pRho,
      this.pE, this.pEC, this.pW);
  }

  /**
   * EAM pass 2 with F' in the bound fp: forces, virial into `vir` (6), per-atom pair terms if `peratom`;
   * returns the pair energy. Walks the in-cutoff entries that the last `eamDensities` kept: call it right after.
   */
  eamForces(vir: Float64Array, peratom: boolean): number {
    const t = this.table;
    if (t?.kind !== 'eam') throw new Error('WasmForceWorkspace.eamForces: bound table is not an EAM table');
    const e = this.exp.eamForces(0, this.n, this.pT, this.pN, this.pC, this.stride, GEOM, t.tstride, TABLE, t.nr, t.rdr, t.cutoff,
      this.pFp, this.pS, this.pF, VIR, peratom ? this.pPe : 0, this.pPv, this.pE, this.pEC, this.pW);
    this.addVirial(vir);
    return e;
  }

  private addVirial(vir: Float64Array): void {
    const w = new Float64Array(this.exp.memory.buffer, VIR, 6);
    for (let k = 0; k < 6; k++) vir[k] += w[k];
  }

  /** Bytes of linear memory this workspace holds. */
  get memoryBytes(): number { return this.exp.memory.buffer.byteLength; }
  /** Bytes of the bound potential table. */
  get tableByteLength(): number { return this.tableBytes; }
}

/**
 * Copy the atom types (n i32) to byte offset at.pT and, when `nl` is given,
 * its counts and rows to at.pC and at.pN; true when the list was copied.
 */
export function writeListAndTypes(buf: ArrayBufferLike, at: { readonly pT: number; readonly pC: number; readonly pN: number },
  nl: NeighborList | null, types: Int32Array, n: number): boolean {
  if (nl) {
    new Int32Array(buf, at.pC, n).set(nl.counts.subarray(0, n));
    new Int32Array(buf, at.pN, n * nl.stride).set(nl.neighbors.subarray(0, n * nl.stride));
  }
  new Int32Array(buf, at.pT, n).set(types.subarray(0, n));
  return nl !== null;
}

/** Byte offset, from the table's start, of an IPL table's coefficients c_0..c_q (after its per-pair [cutsq, 1/lambda^2]; `writeTable`). */
export function iplCoefficientsAt(t: { readonly pairs: Float64Array }): number {
  return 8 * t.pairs.length;
}

/** Bytes `writeTable` writes for `t`. */
export function tableSize(t: WasmPotentialTable): number {
  if (t.kind === 'lj') return 8 * t.coef.length;
  if (t.kind === 'ipl') return 8 * (t.pairs.length + t.c.length);
  const l = eamLayout(t.tstride);
  return l.headerBytes + 64 * (l.n1 + l.n2) * (t.nr + 1);
}

/**
 * Bytes of the EAM kernels' row scratch for a list of row stride `stride`
 * (one per thread; force-kernels.as.ts: 144 bytes of geometry splats, then
 * f64 and i32 columns of stride + 1 entries rounded up to even, 7 f64 columns' worth).
 */
export function eamScratchBytes(stride: number): number {
  return 144 + 7 * 8 * ((stride + 2) & ~1);
}

/**
 * Where each spline of an EAM table goes (types 1..T, tstride = T + 1; the
 * kernels' view in force-kernels.as.ts, EAM section). Lines of 64 bytes
 * (4 f64x2 lane pairs), per interval m a pass-1 row of n1 lines and a
 * pass-2 row of n2 lines:
 * - pass-1 "density slots": for each a < b the values of [rho_ab, rho_ba];
 *   for the like pairs, two types per line, [rho_aa, rho_a'a'] (a' = a + 1;
 *   an odd last type alone);
 * - pass 2: for each a <= b the value and slope of z2r_ab (symmetric), then
 *   the slopes of the density slots, in the same order.
 * Per ordered pair kk = a*tstride + b: the byte offsets of its density slot
 * in a pass-1 row (slot1), of its z2r and density-slope lines in a pass-2
 * row (z2, rho2), and the lanes holding rho_ab (at the `a` atom) and
 * rho_ba (at the `b` atom): laneI, laneJ.
 */
export interface EamLayout {
  readonly n1: number;
  readonly n2: number;
  /** bytes of the header (counts, offsets and the per-pair descriptors, a multiple of 64) */
  readonly headerBytes: number;
  readonly slot1: Int32Array; readonly z2: Int32Array; readonly rho2: Int32Array;
  readonly laneI: Int32Array; readonly laneJ: Int32Array;
  /** the two splines of density slot s: [target, source] types of lane 0 and lane 1 (rho_ab: at a from b) */
  readonly slots: readonly (readonly [readonly [number, number], readonly [number, number]])[];
  /** z2r line of each a <= b: [a, b] */
  readonly zPairs: readonly (readonly [number, number])[];
}

/** The EAM table layout for `tstride` (types 1..tstride-1); see EamLayout. */
export function eamLayout(tstride: number): EamLayout {
  const T = tstride - 1, kk = tstride * tstride;
  const slot1 = new Int32Array(kk), z2 = new Int32Array(kk), rho2 = new Int32Array(kk);
  const laneI = new Int32Array(kk), laneJ = new Int32Array(kk);
  const slots: [[number, number], [number, number]][] = [];
  const zPairs: [number, number][] = [];
  for (let a = 1; a <= T; a++) {
    for (let b = a; b <= T; b++) {
      zPairs.push([a, b]);
      z2[a * tstride + b] = z2[b * tstride + a] = 64 * (zPairs.length - 1);
    }
  }
  const slot = (a: number, b: number, s: number, li: number, lj: number) => {
    slot1[a * tstride + b] = 64 * s; rho2[a * tstride + b] = 64 * (zPairs.length + s);
    laneI[a * tstride + b] = li; laneJ[a * tstride + b] = lj;
  };
  for (let a = 1; a <= T; a++) {
    for (let b = a + 1; b <= T; b++) {
      slot(a, b, slots.length, 0, 1);
      slot(b, a, slots.length, 1, 0);
      slots.push([[a, b], [b, a]]);
    }
  }
  for (let a = 1; a <= T; a += 2) {
    const a2 = a + 1 <= T ? a + 1 : a;
    slot(a, a, slots.length, 0, 0);
    if (a2 !== a) slot(a2, a2, slots.length, 1, 1);
    slots.push([[a, a], [a2, a2]]);
  }
  const n1 = slots.length, n2 = zPairs.length + slots.length;
  return { n1, n2, headerBytes: (64 + 32 * kk + 63) & ~63, slot1, z2, rho2, laneI, laneJ, slots, zPairs };
}

/** Write `t` at byte offset `at` (layout in WasmPotentialTable's doc). */
export function writeTable(t: WasmPotentialTable, view: DataView, at: number): void {
  const f64 = (o: number, a: Float64Array) => new Float64Array(view.buffer, o, a.length).set(a);
  if (t.kind === 'lj') { f64(at, t.coef); return; }
  if (t.kind === 'ipl') { f64(at, t.pairs); f64(at + iplCoefficientsAt(t), t.c); return; }
  writeEamTable(t, view, at);
}

/**
 * The EAM table at byte offset `at` (64-aligned), as force-kernels.as.ts
 * reads it: header [n1, n2, pass-1 offset, pass-2 offset (i32)], at +64 one
 * 32-byte descriptor per ordered type pair kk [slot1, z2, rho2 (i32), pad,
 * then the i8x16.swizzle pattern that puts rho_ab in lane 0 and rho_ba in
 * lane 1]; then the pass-1 rows, then the pass-2 rows (EamLayout).
 */
function writeEamTable(t: Extract<WasmPotentialTable, { kind: 'eam' }>, view: DataView, at: number): void {
  const ts = t.tstride, blocks = t.nr + 1, l = eamLayout(ts);
  const off1 = l.headerBytes, off2 = off1 + 64 * l.n1 * blocks;
  const hdr = new Int32Array(view.buffer, at, l.headerBytes / 4);
  hdr.fill(0);
  hdr.set([l.n1, l.n2, off1, off2]);
  const pattern = new Uint8Array(view.buffer, at, l.headerBytes);
  for (let kk = 0; kk < ts * ts; kk++) {
    const d = 16 + 8 * kk; // i32 index of the descriptor
    hdr[d] = l.slot1[kk]; hdr[d + 1] = l.z2[kk]; hdr[d + 2] = l.rho2[kk];
    for (let u = 0; u < 8; u++) { pattern[4 * (d + 4) + u] = 8 * l.laneI[kk] + u; pattern[4 * (d + 4) + 8 + u] = 8 * l.laneJ[kk] + u; }
  }
  const d1 = new Float64Array(view.buffer, at + off1, 8 * l.n1 * blocks);
  const d2 = new Float64Array(view.buffer, at + off2, 8 * l.n2 * blocks);
  const none = new Float64Array(7 * blocks); // unused types (no splines): zeros
  const rho = (a: number, b: number) => (t.rhor[a * ts + b].length ? t.rhor[a * ts + b] : none);
  const nz = l.zPairs.length;
  for (let m = 0; m < blocks; m++) {
    const c = 7 * m;
    l.zPairs.forEach(([a, b], s) => {
      const z = t.z2r[a * ts + b].length ? t.z2r[a * ts + b] : none, o = 8 * (m * l.n2 + s);
      for (let u = 0; u < 4; u++) { d2[o + 2 * u] = z[c + 3 + u]; d2[o + 2 * u + 1] = u === 0 ? 0 : z[c + u - 1]; } // value, slope
    });
    l.slots.forEach(([[a0, b0], [a1, b1]], s) => {
      const f0 = rho(a0, b0), f1 = rho(a1, b1), o = 8 * (m * l.n1 + s), q = 8 * (m * l.n2 + nz + s);
      for (let u = 0; u < 4; u++) {
        d1[o + 2 * u] = f0[c + 3 + u]; d1[o + 2 * u + 1] = f1[c + 3 + u]; // values
        d2[q + 2 * u] = u === 0 ? 0 : f0[c + u - 1]; d2[q + 2 * u + 1] = u === 0 ? 0 : f1[c + u - 1]; // slopes
      }
    });
  }
}
