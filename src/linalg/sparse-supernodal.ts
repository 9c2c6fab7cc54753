/**
 * Supernodal sparse LDL^T and selected inversion (f64): the fast path for
 * Hessians, whose factors are made of dense blocks (the d unknowns of an
 * atom, and the separators of the nested dissection, share one pattern).
 *
 * A supernode is a run of columns f .. l-1 of L that is a chain of the
 * elimination tree (parent[j] = j+1), stored as one dense |R_s| x w block,
 * row-major, with rows R_s = [f .. l-1, B_s], B_s = pattern of column l-1
 * below l-1 (which contains the patterns of the other columns below l-1).
 * Fundamental supernodes (colcount[j] = colcount[j+1] + 1: identical
 * patterns) store no zeros; relaxed ones (Ashcraft & Grimes 1989
 * "amalgamation") accept some explicit zeros for wider blocks, which pays
 * off for Hessians whose atoms have 3 columns each. Ashcraft & Grimes, ACM TOMS 15,
 * 291 (1989); Ng & Peyton, SIAM J. Sci. Comput. 14, 1034 (1993).
 *
 * Factorization, right-looking (supernode fan-out): dense LDL^T of the
 * diagonal block and the panel below it, then the update L21 D L21^T is
 * computed by gemm and subtracted from the ancestor supernodes that own the
 * columns B_s (B_s is a subset of their structures).
 *
 * Selected inversion (Lin, Yang, Meza, Lu, Ying & E, ACM TOMS 37, 40 (2011),
 * "SelInv"), backwards over supernodes, with Lhat = L21 L11^{-1}:
 *   Z_{B s}  = - Z_{B B} Lhat
 *   Z_{s s}  = L11^{-T} D^{-1} L11^{-1} - Lhat^T Z_{B s}
 * where Z_{B B} is gathered from the ancestors (B_s is a clique of the filled
 * graph, so every entry is stored). This is the block form of the Takahashi
 * recursion of selected-inverse.ts, which is the scalar reference.
 *
 * Kernels. Nearly all flops are dense block products (the Schur-complement
 * updates, the panel's trailing updates, the triangular inverse and the
 * selected-inversion products Lhat = L21 Li, Z_Bs, Z11). With kernel 'wasm'
 * (default) those of at least WASM_MIN_MADDS multiply-adds run in the
 * WebAssembly f64x2 SIMD GEMM of wasm/wasm-runtime.ts on `threads` threads
 * (rows of C split between the threads); each supernode's block and the
 * work arrays are then placed in the wasm memory so the products copy
 * nothing. Kernel 'js' (or a module that does not load) uses the TypeScript
 * gemm. Same results to rounding (FMA and summation order differ).
 * Speed: bench/RESULTS.md, "Sparse LDL^T and selected inversion of the KA
 * Hessian" (CPU time grows about as N^1.7 for 3D KA glasses).
 * The root supernode (the top separator: two faces of the periodic box,
 * one interaction range thick) holds about half of the flops; its size is
 * set by the interaction range, not by the ordering (leaf size and
 * amalgamation change the flop count by < 2%).
 */
import { cpuCount, envVar } from '../platform/index.ts';
import { gemm, type GemmFn, type MatrixView } from './gemm.ts';
import { ldltSymbolic, type LdltOptions } from './sparse-ldlt.ts';
import { disposeKernels, gemmHeap, heapAlloc, heapBytes, heapMark, heapRelease, loadKernels, setThreads } from './wasm/wasm-runtime.ts';
import type { SymmetricCsr } from './sparse-matrix.ts';

export interface SupernodalFactor {
  readonly n: number;
  /** perm[k] = original row eliminated k-th; pinv its inverse */
  readonly perm: Int32Array;
  readonly pinv: Int32Array;
  /** supernode s has columns superStart[s] .. superStart[s+1]-1 (length ns+1) */
  readonly superStart: Int32Array;
  /** supernode of each column */
  readonly superOf: Int32Array;
  /** rows of supernode s: rows[rowStart[s] .. rowStart[s+1]) ascending, beginning with its own columns */
  readonly rowStart: Int32Array;
  readonly rows: Int32Array;
  /** offset of supernode s's dense |R_s| x w block (row-major) in `values` */
  readonly valStart: Float64Array;
  /** blocks: strictly lower part of L (unit diagonal implied); the strict upper part of the diagonal block is unused */
  readonly values: Float64Array;
  readonly d: Float64Array;
  /** number of negative pivots (inertia) */
  readonly negativePivots: number;
  /** nnz of the strictly lower part of L (scalar count) */
  readonly nnzL: number;
}

/** Dense kernels of the supernode block products (module doc, "Kernels"). */
export interface DenseKernelOptions {
  /**
   * 'wasm': products of at least WASM_MIN_MADDS multiply-adds run in the
   * WebAssembly f64x2 SIMD GEMM (src/linalg/wasm/wasm-runtime.ts), the
   * smaller ones in TypeScript; 'js': all in the TypeScript gemm. Default
   * from GLASSLAB_SPARSE_KERNEL, else 'wasm'; 'wasm' silently becomes 'js'
   * when the module cannot load. Same results up to rounding.
   */
  kernel?: 'wasm' | 'js';
  /** threads of the wasm products (default from GLASSLAB_SPARSE_THREADS, else min(2, available cores)) */
  threads?: number;
}

export interface SupernodalOptions extends LdltOptions, DenseKernelOptions {
  /**
   * relaxed supernodes: a column joins the supernode of its etree child (a
   * chain) when the merged block stores at most this fraction of explicit
   * zeros (default 0.2) ...
   */
  relaxedZeros?: number;
  /** ... or when the merged width is at most this (default 16) */
  relaxedWidth?: number;
}

/** Supernodal LDL^T of P A P^T (perm: elimination order, default natural). */
export function supernodalFactor(A: SymmetricCsr, perm?: Int32Array, opts: SupernodalOptions = {}): SupernodalFactor {
  const sym = ldltSymbolic(A, perm);
  const { n, perm: P, pinv, parent, colPtr } = sym;
  const count = (j: number) => colPtr[j + 1] - colPtr[j];
  // supernode partition: fundamental supernodes, then relaxed along etree chains (module doc)
  const relax = opts.relaxedZeros ?? 0.2, relaxWidth = opts.relaxedWidth ?? 16;
  if (!(relax >= 0 && relax < 1)) throw new Error(`supernodalFactor: option relaxedZeros must be in [0, 1), got ${relax}`);
  if (!(Number.isInteger(relaxWidth) && relaxWidth >= 1)) throw new Error(`supernodalFactor: option relaxedWidth must be an integer >= 1, got ${relaxWidth}`);
  const starts: number[] = [];
  let groupStart = 0, groupTrue = 0;
  for (let j = 0; j < n; j++) {
    if (j > 0 && parent[j - 1] === j) {
      // merging column j into the group [groupStart, j): stored rows of every column become (l - 1 - c) + count(l - 1)
      const w = j + 1 - groupStart, below = count(j);
      const stored = (w * (w - 1)) / 2 + w * below, truth = groupTrue + count(j);
      const fundamental = count(j - 1) === count(j) + 1;
      if (fundamental || w <= relaxWidth || stored - truth <= relax * stored) { groupTrue = truth; continue; }
    }
    starts.push(j);
    groupStart = j; groupTrue = count(j);
  }
  starts.push(n);
  const ns = starts.length - 1;
  const superStart = Int32Array.from(starts);
  const superOf = new Int32Array(n);
  for (let s = 0; s < ns; s++) for (let j = superStart[s]; j < superStart[s + 1]; j++) superOf[j] = s;
  // row structures: own columns, then (A entries of its columns below l) U (children's rows below l)
  const rowStart = new Int32Array(ns + 1);
  for (let s = 0; s < ns; s++) rowStart[s + 1] = rowStart[s] + (superStart[s + 1] - superStart[s]) + count(superStart[s + 1] - 1);
  const rows = new Int32Array(rowStart[ns]);
  const mark = new Int32Array(n).fill(-1);
  const childHead = new Int32Array(ns).fill(-1), childNext = new Int32Array(ns).fill(-1);
  for (let s = 0; s < ns; s++) {
    const f = superStart[s], l = superStart[s + 1];
    let o = rowStart[s];
    for (let j = f; j < l; j++) rows[o++] = j;
    const below = o;
    const add = (r: number) => { if (r >= l && mark[r] !== s) { mark[r] = s; rows[o++] = r; } };
    for (let j = f; j < l; j++) { const kk = P[j]; for (let p = A.rowPtr[kk]; p < A.rowPtr[kk + 1]; p++) add(pinv[A.colIdx[p]]); }
    for (let t = childHead[s]; t !== -1; t = childNext[t]) for (let p = rowStart[t] + (superStart[t + 1] - superStart[t]); p < rowStart[t + 1]; p++) add(rows[p]);
    if (o !== rowStart[s + 1]) throw new Error(`supernodalFactor: row structure of supernode ${s} has ${o - rowStart[s]} rows, column counts say ${rowStart[s + 1] - rowStart[s]} (internal error)`);
    rows.subarray(below, o).sort();
    const pl = parent[l - 1];
    if (pl !== -1) { const ps = superOf[pl]; childNext[s] = childHead[ps]; childHead[ps] = s; }
  }
  const valStart = new Float64Array(ns + 1);
  for (let s = 0; s < ns; s++) valStart[s + 1] = valStart[s] + (rowStart[s + 1] - rowStart[s]) * (superStart[s + 1] - superStart[s]);
  const values = new Float64Array(valStart[ns]);
  const d = new Float64Array(n);
  let diagMax = 0;
  for (let i = 0; i < n; i++) for (let p = A.rowPtr[i]; p < A.rowPtr[i + 1]; p++) if (A.colIdx[p] === i) diagMax = Math.max(diagMax, Math.abs(A.values[p]));
  const tiny = (opts.pivotTol ?? 1e-13) * diagMax;
  const pos = new Int32Array(n).fill(-1);
  let negative = 0;
  const kern = denseKernel(opts, 'supernodalFactor');
  const { mm } = kern;
  try {
    for (let s = 0; s < ns; s++) {
      const f = superStart[s], w = superStart[s + 1] - f, r0 = rowStart[s], m = rowStart[s + 1] - r0, v0 = valStart[s];
      for (let q = 0; q < m; q++) pos[rows[r0 + q]] = q;
      for (let c = 0; c < w; c++) {
        const kk = P[f + c];
        for (let p = A.rowPtr[kk]; p < A.rowPtr[kk + 1]; p++) { const r = pinv[A.colIdx[p]]; if (r >= f + c) values[v0 + pos[r] * w + c] += A.values[p]; }
      }
      for (let q = 0; q < m; q++) pos[rows[r0 + q]] = -1;
      // the block is factored in the wasm memory when the products run there (no copies per product)
      const mark0 = kern.mark();
      const blk = kern.heap ? kern.alloc(m * w) : values, bo = kern.heap ? 0 : v0;
      if (kern.heap) blk.set(values.subarray(v0, v0 + m * w));
      negative += panelLdlt(blk, bo, m, w, d, f, tiny, P, kern);
      if (kern.heap) values.set(blk.subarray(0, m * w), v0);
      const b = m - w;
      if (b === 0) { kern.unmark(mark0); continue; }
      // update ancestors: U = L21 D L21^T, by runs of B rows owned by one ancestor supernode
      const Wm = kern.alloc(b * w), Lt = kern.alloc(w * b);
      for (let i = 0; i < b; i++) { const src = bo + (w + i) * w; for (let k = 0; k < w; k++) Wm[i * w + k] = blk[src + k] * d[f + k]; }
      transposeInto(blk, bo + w * w, w, b, w, Lt, 0, b);
      for (let a = 0; a < b;) {
        const u = superOf[rows[r0 + w + a]], fu = superStart[u], wu = superStart[u + 1] - fu;
        let e = a + 1;
        while (e < b && rows[r0 + w + e] < fu + wu) e++;
        const M = b - a, N = e - a;
        const mark1 = kern.mark();
        const C = kern.alloc(M * N);
        mm(M, N, w, { data: Wm, offset: a * w, stride: w }, { data: Lt, offset: a, stride: b }, { data: C, offset: 0, stride: N });
        // merge-walk the rows of u to find each B row's position
        const ru0 = rowStart[u], vu = valStart[u];
        let pu = ru0;
        for (let ii = a; ii < b; ii++) {
          const row = rows[r0 + w + ii];
          while (rows[pu] !== row) pu++;
          const o = vu + (pu - ru0) * wu, co = (ii - a) * N;
          const jEnd = ii < e ? ii + 1 : e;
          for (let jj = a; jj < jEnd; jj++) values[o + rows[r0 + w + jj] - fu] -= C[co + jj - a];
        }
        kern.unmark(mark1);
        a = e;
      }
      kern.unmark(mark0);
    }
  } finally { kern.release(); }
  return { n, perm: P, pinv, superStart, superOf, rowStart, rows, valStart, values, d, negativePivots: negative, nnzL: colPtr[n] };
}

/** Products below this many multiply-adds stay in TypeScript (the wasm call copies its operands in). */
const WASM_MIN_MADDS = 24 * 24 * 24;
/** wasm linear memory kept after a factorization / selected inversion; above it the memory (and workers) are dropped. */
const RETAIN_BYTES = 512 * 2 ** 20;

/** The block product and the work arrays of one factorization / selected inversion. */
interface DenseKernel {
  /** the block product */
  readonly mm: GemmFn;
  /** true when work arrays live in the wasm memory (alloc then avoids the product's copies) */
  readonly heap: boolean;
  /** a work array of `length` doubles (not zeroed in the wasm memory), valid until `unmark` of an earlier mark */
  alloc(length: number): Float64Array;
  mark(): number;
  unmark(mark: number): void;
  /** call once when the computation is done */
  release(): void;
}

/**
 * The product used for the supernode blocks under these options, and a
 * `release` to call when the computation is done (drops an oversized wasm
 * memory). A wasm product whose operands do not fit the 4 GiB wasm32 memory
 * runs in TypeScript instead.
 */
function denseKernel(opts: DenseKernelOptions, caller: string): DenseKernel {
  const env = envVar('GLASSLAB_SPARSE_KERNEL');
  const want = opts.kernel ?? (env === 'js' || env === 'wasm' ? env : 'wasm');
  if (want !== 'wasm' && want !== 'js') throw new Error(`${caller}: option kernel must be 'wasm' or 'js', got '${String(want)}'`);
  const envThreads = Number(envVar('GLASSLAB_SPARSE_THREADS') ?? '');
  const threads = opts.threads ?? (envThreads > 0 ? envThreads : Math.min(2, cpuCount()));
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`${caller}: option threads must be a positive integer, got ${threads}`);
  const js: DenseKernel = { mm: gemm, heap: false, alloc: (length) => new Float64Array(length), mark: () => 0, unmark: () => {}, release: () => {} };
  if (want === 'js') return js;
  const kernels = loadKernels();
  if (!kernels) return js;
  setThreads(threads); // also lowers the thread count left by an earlier caller
  const mm: GemmFn = (M: number, N: number, K: number, A: MatrixView, B: MatrixView, C: MatrixView, subtract = false) => {
    if (M * N * K < WASM_MIN_MADDS) { gemm(M, N, K, A, B, C, subtract); return; }
    const mark = heapMark();
    try {
      gemmHeap(M, N, K, A, B, C, subtract);
    } catch (err) {
      heapRelease(mark);
      if (!(err instanceof RangeError || /linear memory/.test((err as Error).message))) throw err;
      gemm(M, N, K, A, B, C, subtract); // operands too large for wasm32: C is untouched until the product runs
    }
  };
  const start = heapMark();
  return {
    mm, heap: true, alloc: heapAlloc, mark: heapMark, unmark: heapRelease,
    release: () => { heapRelease(start); if (heapBytes() > RETAIN_BYTES) disposeKernels(); },
  };
}

/** Column block width of the blocked dense kernels (panel LDL^T, triangular inverse). */
const NB = 48;
/** Block size of the symmetric (lower-blocks-only) products. */
const BS = 4 * NB;

/**
 * Dense LDL^T (no pivoting) of the m x w panel at a[o ..] (row-major, stride
 * w): the top w x w block becomes unit-lower L11 (strict lower part) with the
 * pivots in d[f ..]; the rows below become L21. Blocked right-looking: each
 * NB-column block is factored with rank-1 updates inside the block, then the
 * trailing columns get one gemm update (which also writes the unused strict
 * upper part of the diagonal block). Returns the number of negative pivots.
 */
function panelLdlt(a: Float64Array, o: number, m: number, w: number, d: Float64Array, f: number, tiny: number, P: Int32Array, kern: DenseKernel): number {
  let negative = 0;
  // W[k*NB + j] = d_k l_jk (j > k) of the current column block, as the right-looking sweep of the diagonal block saw it
  const W = new Float64Array(NB * NB);
  for (let kb = 0; kb < w; kb += NB) {
    const ke = Math.min(kb + NB, w), nb = ke - kb;
    // diagonal block: right-looking rank-1 sweep over its nb rows
    for (let k = 0; k < nb; k++) {
      const dk = a[o + (kb + k) * w + kb + k];
      if (!(Math.abs(dk) > tiny)) {
        throw new Error(`supernodalFactor: zero pivot d = ${dk} at elimination step ${f + kb + k} (original row ${P[f + kb + k]}); the matrix is singular in this order. For a Hessian, pin one atom per rigid body (factorHessian does) and check for rattlers or unminimized configurations`);
      }
      if (dk < 0) negative++;
      d[f + kb + k] = dk;
      for (let j = k + 1; j < nb; j++) W[k * NB + j] = a[o + (kb + j) * w + kb + k]; // d_k l_jk (not yet divided)
      for (let i = k + 1; i < nb; i++) {
        const oi = o + (kb + i) * w + kb;
        const lik = a[oi + k] / dk;
        a[oi + k] = lik;
        for (let j = k + 1; j <= i; j++) a[oi + j] -= lik * W[k * NB + j];
      }
    }
    // rows below the diagonal block, one pass each (the same operations in the same order as a column sweep)
    for (let i = ke; i < m; i++) {
      const oi = o + i * w + kb;
      for (let k = 0; k < nb; k++) {
        const lik = a[oi + k] / d[f + kb + k];
        a[oi + k] = lik;
        const wk = k * NB;
        for (let j = k + 1; j < nb; j++) a[oi + j] -= lik * W[wk + j];
      }
    }
    if (ke === w) break;
    // trailing update: a[i][j] -= sum_{k in block} l_ik d_k l_jk, rows i >= ke, columns ke <= j < w
    const nt = w - ke, mark = kern.mark();
    const Wt = kern.alloc(nb * nt);
    for (let j = 0; j < nt; j++) { const src = o + (ke + j) * w + kb; for (let k = 0; k < nb; k++) Wt[k * nt + j] = a[src + k] * d[f + kb + k]; }
    // by column chunks, rows from the chunk's first column down (skips most of the unused upper triangle)
    for (let J0 = ke; J0 < w; J0 += 4 * NB) {
      const nc = Math.min(4 * NB, w - J0);
      kern.mm(m - J0, nc, nb, { data: a, offset: o + J0 * w + kb, stride: w }, { data: Wt, offset: J0 - ke, stride: nt }, { data: a, offset: o + J0 * w + J0, stride: w }, true);
    }
    kern.unmark(mark);
  }
  return negative;
}

/** dst = src^T: src rows x cols at so (row stride ss) into dst cols x rows at dOff (row stride ds), by tiles. */
function transposeInto(src: Float64Array, so: number, ss: number, rows: number, cols: number, dst: Float64Array, dOff: number, ds: number): void {
  const TB = 32;
  for (let R0 = 0; R0 < rows; R0 += TB) {
    const R1 = Math.min(rows, R0 + TB);
    for (let C0 = 0; C0 < cols; C0 += TB) {
      const C1 = Math.min(cols, C0 + TB);
      for (let r = R0; r < R1; r++) { const sr = so + r * ss; for (let c = C0; c < C1; c++) dst[dOff + c * ds + r] = src[sr + c]; }
    }
  }
}

/**
 * Inverse of the w x w unit lower triangular matrix (strict lower part at
 * a[o ..], stride as) into x[ox ..] (stride xs; lower part incl. the unit
 * diagonal written, upper part zero), recursively:
 * [A 0; C B]^{-1} = [A^{-1} 0; -B^{-1} C A^{-1}  B^{-1}], the products by gemm.
 */
function unitLowerInverse(a: Float64Array, o: number, w: number, x: Float64Array, ox: number, as: number, xs: number, kern: DenseKernel): void {
  if (w <= NB) {
    for (let i = 0; i < w; i++) {
      const xi = ox + i * xs;
      for (let c = 0; c < w; c++) x[xi + c] = c === i ? 1 : 0;
      for (let k = 0; k < i; k++) {
        const lik = a[o + i * as + k];
        if (lik === 0) continue;
        const xk = ox + k * xs;
        for (let c = 0; c <= k; c++) x[xi + c] -= lik * x[xk + c];
      }
    }
    return;
  }
  const h = w >> 1, r = w - h;
  unitLowerInverse(a, o, h, x, ox, as, xs, kern);
  unitLowerInverse(a, o + h * as + h, r, x, ox + h * xs + h, as, xs, kern);
  for (let i = 0; i < h; i++) x.fill(0, ox + i * xs + h, ox + i * xs + w);
  // T = C A^{-1} (r x h); lower-left = -B^{-1} T
  const mark = kern.mark();
  const T = kern.alloc(r * h), mm = kern.mm;
  mm(r, h, h, { data: a, offset: o + h * as, stride: as }, { data: x, offset: ox, stride: xs }, { data: T, offset: 0, stride: h });
  mm(r, h, r, { data: x, offset: ox + h * xs + h, stride: xs }, { data: T, offset: 0, stride: h }, { data: x, offset: ox + h * xs, stride: xs });
  for (let i = 0; i < r; i++) { const xi = ox + (h + i) * xs; for (let c = 0; c < h; c++) x[xi + c] = -x[xi + c]; }
  kern.unmark(mark);
}

/** x = A^{-1} b in the original numbering (x allocated if not given; may alias b). */
export function supernodalSolve(F: SupernodalFactor, b: Float64Array, x?: Float64Array): Float64Array {
  const { n, perm, superStart, rowStart, rows, valStart, values, d } = F;
  if (b.length !== n) throw new Error(`supernodalSolve: b has length ${b.length}, expected n = ${n}`);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) y[k] = b[perm[k]];
  const ns = superStart.length - 1;
  for (let s = 0; s < ns; s++) {
    const f = superStart[s], w = superStart[s + 1] - f, r0 = rowStart[s], m = rowStart[s + 1] - r0, v0 = valStart[s];
    for (let i = 0; i < w; i++) { let t = y[f + i]; for (let k = 0; k < i; k++) t -= values[v0 + i * w + k] * y[f + k]; y[f + i] = t; }
    for (let i = w; i < m; i++) { let t = 0; for (let k = 0; k < w; k++) t += values[v0 + i * w + k] * y[f + k]; y[rows[r0 + i]] -= t; }
  }
  for (let k = 0; k < n; k++) y[k] /= d[k];
  for (let s = ns - 1; s >= 0; s--) {
    const f = superStart[s], w = superStart[s + 1] - f, r0 = rowStart[s], m = rowStart[s + 1] - r0, v0 = valStart[s];
    for (let i = w; i < m; i++) { const yi = y[rows[r0 + i]]; if (yi !== 0) for (let k = 0; k < w; k++) y[f + k] -= values[v0 + i * w + k] * yi; }
    for (let i = w - 1; i >= 0; i--) { const yi = y[f + i]; for (let k = 0; k < i; k++) y[f + k] -= values[v0 + i * w + k] * yi; }
  }
  const out = x ?? new Float64Array(n);
  for (let k = 0; k < n; k++) out[perm[k]] = y[k];
  return out;
}

/**
 * Entries of A^{-1} on the supernodal pattern (module doc), in the layout of
 * F.values: block s holds Z_{R_s, s}; its top w x w part is full (both triangles).
 */
export function supernodalSelectedInverse(F: SupernodalFactor, opts: DenseKernelOptions = {}): Float64Array {
  const { superStart, rowStart, rows, valStart, values, d, superOf } = F;
  const ns = superStart.length - 1;
  const Z = new Float64Array(values.length);
  const kern = denseKernel(opts, 'supernodalSelectedInverse');
  const { mm } = kern;
  try {
    for (let s = ns - 1; s >= 0; s--) {
      const f = superStart[s], w = superStart[s + 1] - f, r0 = rowStart[s], m = rowStart[s + 1] - r0, v0 = valStart[s], b = m - w;
      const mark0 = kern.mark();
      // the L block (in the wasm memory when the products run there)
      const Lb = kern.heap ? kern.alloc(m * w) : values, lo = kern.heap ? 0 : v0;
      if (kern.heap) Lb.set(values.subarray(v0, v0 + m * w));
      // inverse of the unit lower L11 (row-major)
      const Li = kern.alloc(w * w);
      unitLowerInverse(Lb, lo, w, Li, 0, w, w, kern);
      // X1 = Li^T D^{-1} Li
      const Lit = kern.alloc(w * w), DLi = kern.alloc(w * w);
      for (let i = 0; i < w; i++) { const id = 1 / d[f + i]; for (let c = 0; c < w; c++) DLi[i * w + c] = Li[i * w + c] * id; }
      transposeInto(Li, 0, w, w, w, Lit, 0, w);
      const Z11 = kern.alloc(w * w);
      // lower blocks only, and only k >= the block row's start (Li is lower triangular): w^3/6 multiply-adds
      for (let I0 = 0; I0 < w; I0 += BS) {
        const mI = Math.min(BS, w - I0);
        for (let J0 = 0; J0 <= I0; J0 += BS) {
          mm(mI, Math.min(BS, w - J0), w - I0, { data: Lit, offset: I0 * w + I0, stride: w }, { data: DLi, offset: I0 * w + J0, stride: w }, { data: Z11, offset: I0 * w + J0, stride: w });
        }
      }
      if (b > 0) {
        // Lhat = L21 Li (b x w)
        const Lh = kern.alloc(b * w);
        mm(b, w, w, { data: Lb, offset: lo + w * w, stride: w }, { data: Li, offset: 0, stride: w }, { data: Lh, offset: 0, stride: w });
        // gather Z_BB (b x b) from the ancestors: for each run of rows owned by one ancestor, its columns
        // from the run down (its diagonal block is stored full); the upper part is then mirrored
        const ZB = kern.alloc(b * b);
        for (let a = 0; a < b;) {
          const u = superOf[rows[r0 + w + a]], fu = superStart[u], wu = superStart[u + 1] - fu;
          let e = a + 1;
          while (e < b && rows[r0 + w + e] < fu + wu) e++;
          const ru0 = rowStart[u], vu = valStart[u];
          let pu = ru0;
          for (let ii = a; ii < b; ii++) {
            const row = rows[r0 + w + ii];
            while (rows[pu] !== row) pu++;
            const o = vu + (pu - ru0) * wu - fu, zo = ii * b;
            for (let jj = a; jj < e; jj++) ZB[zo + jj] = Z[o + rows[r0 + w + jj]];
          }
          a = e;
        }
        mirrorLower(ZB, b);
        // Z_Bs = -Z_BB Lhat, written into Z's block rows w..m-1
        const ZBs = kern.alloc(b * w);
        mm(b, w, b, { data: ZB, offset: 0, stride: b }, { data: Lh, offset: 0, stride: w }, { data: ZBs, offset: 0, stride: w });
        const zo = v0 + w * w;
        for (let q = 0; q < b * w; q++) Z[zo + q] = -ZBs[q];
        // Z11 -= Lhat^T Z_Bs  (Z_Bs = -ZBs): symmetric product, lower blocks only
        const Lht = kern.alloc(w * b);
        transposeInto(Lh, 0, w, b, w, Lht, 0, b);
        const T = kern.alloc(w * w);
        for (let I0 = 0; I0 < w; I0 += BS) {
          const mI = Math.min(BS, w - I0);
          for (let J0 = 0; J0 <= I0; J0 += BS) mm(mI, Math.min(BS, w - J0), b, { data: Lht, offset: I0 * b, stride: b }, { data: ZBs, offset: J0, stride: w }, { data: T, offset: I0 * w + J0, stride: w });
        }
        for (let i = 0; i < w; i++) for (let c = 0; c <= i; c++) Z11[i * w + c] += T[i * w + c];
      }
      mirrorLower(Z11, w);
      Z.set(Z11.subarray(0, w * w), v0);
      kern.unmark(mark0);
    }
  } finally { kern.release(); }
  return Z;
}

/** Copy the strict lower triangle of the n x n row-major matrix x onto its upper triangle (by tiles, for the cache). */
function mirrorLower(x: Float64Array, n: number): void {
  const TB = 64;
  for (let I0 = 0; I0 < n; I0 += TB) {
    const I1 = Math.min(n, I0 + TB);
    for (let J0 = 0; J0 <= I0; J0 += TB) {
      for (let i = I0; i < I1; i++) {
        const J1 = Math.min(i, J0 + TB);
        for (let j = J0; j < J1; j++) x[j * n + i] = x[i * n + j];
      }
    }
  }
}

/** Entry (i, j) of A^{-1} (original numbering) from `supernodalSelectedInverse`; throws outside the factor's pattern. */
export function supernodalEntry(F: SupernodalFactor, Z: Float64Array, i: number, j: number): number {
  const pi = F.pinv[i], pj = F.pinv[j];
  const col = pi < pj ? pi : pj, row = pi < pj ? pj : pi;
  const s = F.superOf[col], f = F.superStart[s], w = F.superStart[s + 1] - f;
  let lo = F.rowStart[s], hi = F.rowStart[s + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1, r = F.rows[mid];
    if (r === row) return Z[F.valStart[s] + (mid - F.rowStart[s]) * w + col - f];
    if (r < row) lo = mid + 1; else hi = mid - 1;
  }
  throw new Error(`supernodalEntry: entry (${i}, ${j}) is not in the pattern of the factor, so the selected inversion did not compute it; only entries where A (or the fill of L) is nonzero are available`);
}
