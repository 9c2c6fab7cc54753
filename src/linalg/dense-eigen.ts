/**
 * Dense symmetric eigensolver, f64, all eigenvalues and (optionally) all
 * eigenvectors: A = V^T diag(lambda) V with the eigenvectors as the ROWS of V.
 *
 * Three stages (Golub & Van Loan, Matrix Computations, 4th ed., §8.3):
 * 1. Householder reduction to tridiagonal form, T = Q^T A Q with
 *    Q = H_0 H_1 ... H_{n-3}, H_k = I - tau_k v_k v_k^T (LAPACK `dsytd2`,
 *    lower). Only the lower triangle is read and updated. The symmetric
 *    rank-2 update of step k is fused with the symmetric matrix-vector
 *    product of step k+1, so each step streams the trailing triangle once
 *    (row by row, contiguous): about 4/3 n^3 flops.
 * 2. Q^T formed explicitly from the reflectors (LAPACK `dorgtr` idea,
 *    backward accumulation), reflectors applied in panels of PANEL to one
 *    row at a time so the row stays in L1 and the panel in L2.
 * 3. Eigenvectors of T: divide and conquer (default; tridiagonal-dc.ts),
 *    then back-transformation Z^T Q^T by applying the reflectors to the rows
 *    of Z^T in panels (2 n^3 flops); or (method 'ql') implicit QL with
 *    Wilkinson shifts, its rotations applied to the rows of an explicit Q^T
 *    formed after stage 1 (tridiagonal-ql.ts; about 8 n^3 flops).
 *
 * Kernels (option `kernel`): 'wasm' (default) runs stage 1 and the matrix
 * products of stage 3 in WebAssembly f64x2 SIMD (src/linalg/wasm/: the
 * AssemblyScript source eigen-kernels.as.ts, the runtime wasm-runtime.ts),
 * with fused multiply-adds where the engine has relaxed SIMD, and shares
 * them between `threads` worker threads on one shared memory:
 * - stage 1 blocked as LAPACK dsytrd/dlatrd: panels of 32 columns whose
 *   y = A v products read the trailing matrix (4 rows per pass, split by
 *   rows between two threads), then a rank-64 update by gemm, so half of
 *   the 4/3 n^3 flops are level 3; the last 128 columns by the fused pass;
 * - stage 3: the divide-and-conquer merges' products and the compact-WY
 *   back-transformation (panels of 64, T from the Gram matrix V^T V) by a
 *   packed, register-blocked (4 x 4 tile) gemm, rows of C split between
 *   threads; the merges' secular equations and Gu-Eisenstat vectors in
 *   f64x2 (one thread), their work arrays on a stack in the wasm heap.
 * 'js' is the scalar TypeScript path (tridiagonalize below, gemm.ts); it is
 * also used when the wasm module cannot load or the problem exceeds the
 * 4 GiB wasm32 memory (about n > 11000). Both give the same eigenpairs to
 * rounding (test/linalg/dense-eigen-wasm.test.ts).
 *
 * Storage: A is n x n row-major (Float64Array). Only its lower triangle is
 * used; the input is checked for symmetry. Eigenvector k is
 * vectors[k*n .. k*n + n - 1] (contiguous), eigenvalues ascending.
 * Memory (8 n^2 bytes per n x n array: n = 3000 -> 72 MB, n = 12000 ->
 * 1.15 GB): 'dc' peaks at about 4-5 such arrays besides A (the work copy of
 * A, the divide-and-conquer merge; measured +163 MB at n = 2000), 'ql' at
 * one (none more with `overwrite`). With 'wasm' the work copy of A and Z
 * live in the WebAssembly memory, which cannot shrink: it is kept between
 * calls up to 512 MiB and dropped (workers stopped) after larger calls.
 *
 * Speed: bench/RESULTS.md, "Dense symmetric eigensolver against numpy
 * `eigh`" (cost grows as n^3; the 'js' kernels need about 4x longer).
 * Limits: the f64x2 gemm reaches 15-17 GFlop/s per core (128-bit vectors,
 * FMA only through relaxed SIMD) against ~40 for OpenBLAS's AVX2 kernels,
 * and the y = A v half of the reduction is memory-bound as in LAPACK.
 */
import { cpuCount, envVar } from '../platform/index.ts';
import { gemm, type GemmFn } from './gemm.ts';
import { tridiagonalEigenDC } from './tridiagonal-dc.ts';
import { tridiagonalQL } from './tridiagonal-ql.ts';
import { dcKernelsHeap, disposeKernels, gemmHeap, heapAlloc, heapBytes, heapMark, heapRelease, kernelLoadError, loadKernels, setThreads, tridiagonalizeHeap } from './wasm/wasm-runtime.ts';

export type EigenKernel = 'wasm' | 'js';

export interface SymmetricEigenOptions {
  /** compute eigenvectors (default true) */
  vectors?: boolean;
  /** use A itself as the work array (A is destroyed; with method 'ql' it becomes `vectors`); the 'wasm' kernels copy A and leave it intact */
  overwrite?: boolean;
  /**
   * tridiagonal eigensolver: 'dc' divide and conquer (default, tridiagonal-dc.ts;
   * the eigenvectors of T are then back-transformed, 2 n^3 flops) or 'ql'
   * implicit QL with the rotations applied to Q^T (tridiagonal-ql.ts; about
   * 3x slower for n >= 500, less memory; always on the 'js' kernels)
   */
  method?: 'dc' | 'ql';
  /**
   * relative tolerance of the symmetry check |A_ij - A_ji| <= tol * max|A|
   * (default 1e-10); Infinity skips the check
   */
  symmetryTol?: number;
  /**
   * kernels: 'wasm' (default when the WebAssembly SIMD module loads; f64x2
   * kernels in src/linalg/wasm/, 4 GiB linear-memory limit, so about
   * n <= 10000) or 'js' (the scalar TypeScript kernels). Default from the
   * environment variable GLASSLAB_EIGEN_KERNEL, else 'wasm'. 'wasm' silently
   * becomes 'js' when the module cannot load or n is too large for it.
   */
  kernel?: EigenKernel;
  /**
   * threads with kernel 'wasm' (worker_threads on one shared memory; default
   * from GLASSLAB_EIGEN_THREADS, else min(2, available cores)): the matrix
   * products split the rows of C between all of them, the y = A v products
   * of the reduction between two.
   */
  threads?: number;
}

export interface SymmetricEigenResult {
  readonly n: number;
  /** eigenvalues, ascending */
  readonly values: Float64Array;
  /** eigenvectors as rows, orthonormal: vectors[k*n + i] = component i of eigenvector k (absent if vectors: false) */
  readonly vectors?: Float64Array;
}

/** Reflectors per panel in the formation of Q^T (JS). */
const PANEL = 32;
/** Reflectors per compact-WY panel in the back-transformation (wider with the wasm products: less traffic on Z). */
const WY_PANEL_JS = 32;
const WY_PANEL_WASM = 64;
/** Linear memory kept between calls; above it the wasm memory (and workers) are dropped after the call. */
const RETAIN_BYTES = 512 * 2 ** 20;
/** wasm linear-memory need of the 'dc' path, in n^2 doubles (a, Z, and the top merge's copies) */
const WASM_N2_ARRAYS = 5;

/** The kernel symmetricEigen will use for these options ('wasm' only if the module loads). */
export function resolveEigenKernel(opts: SymmetricEigenOptions = {}, n = 0): EigenKernel {
  const env = envVar('GLASSLAB_EIGEN_KERNEL');
  const want = opts.kernel ?? (env === 'js' || env === 'wasm' ? env : 'wasm');
  if (want !== 'wasm' && want !== 'js') throw new Error(`symmetricEigen: option kernel must be 'wasm' or 'js', got '${String(want)}'`);
  if (want === 'js') return 'js';
  if (WASM_N2_ARRAYS * 8 * n * n > 3.9 * 2 ** 30) return 'js';
  return loadKernels() ? 'wasm' : 'js';
}

/** Why the wasm kernels are unavailable ('' if they loaded). */
export function eigenKernelError(): string { return kernelLoadError(); }

/** All eigenvalues and eigenvectors of the symmetric n x n row-major matrix A (module doc). */
export function symmetricEigen(A: Float64Array, n: number, opts: SymmetricEigenOptions = {}): SymmetricEigenResult {
  if (!Number.isInteger(n) || n < 0) throw new Error(`symmetricEigen: n must be a non-negative integer, got ${n}`);
  if (A.length !== n * n) throw new Error(`symmetricEigen: A has ${A.length} entries, expected n*n = ${n * n} (row-major n x n)`);
  checkSymmetric(A, n, opts.symmetryTol ?? 1e-10);
  const method = opts.method ?? 'dc';
  if (method !== 'dc' && method !== 'ql') throw new Error(`symmetricEigen: option method must be 'dc' or 'ql', got '${String(method)}'`);
  const kernel = resolveEigenKernel(opts, n);
  if (kernel === 'wasm' && !(method === 'ql' && (opts.vectors ?? true))) return symmetricEigenWasm(A, n, opts);
  const wantVectors = opts.vectors ?? true;
  const a = opts.overwrite ? A : Float64Array.from(A);
  const d = new Float64Array(n), e = new Float64Array(n), tau = new Float64Array(n);
  tridiagonalize(a, n, d, e, tau);
  if (!wantVectors) {
    tridiagonalQL(d, e, n);
    return { n, values: d };
  }
  if (method === 'ql') {
    formQTranspose(a, n, tau);
    tridiagonalQL(d, e, n, a);
    return { n, values: d, vectors: a };
  }
  const t = tridiagonalEigenDC(d, e, n);
  applyQTransposeRight(t.vectors, n, a, tau, gemm, (len) => new Float64Array(len), WY_PANEL_JS);
  return { n, values: t.values, vectors: t.vectors };
}

/**
 * The 'dc' path on the WebAssembly kernels: the work copy of A, the
 * reflectors, the divide-and-conquer work arrays and Z live in the shared
 * linear memory; the divide and conquer's control flow (deflation,
 * permutations) runs in TS, its secular equations and products in wasm,
 * and its result is back-transformed where it lies.
 */
function symmetricEigenWasm(A: Float64Array, n: number, opts: SymmetricEigenOptions): SymmetricEigenResult {
  const envThreads = Number(envVar('GLASSLAB_EIGEN_THREADS'));
  const threads = opts.threads ?? (envThreads > 0 ? envThreads : Math.min(2, cpuCount()));
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`symmetricEigen: option threads must be a positive integer, got ${threads}`);
  const kernels = loadKernels()!;
  if (setThreads(threads) !== threads) kernels.threads = Math.min(kernels.threads, threads);
  const mark = heapMark();
  try {
    const a = heapAlloc(n * n);
    a.set(A);
    const d = heapAlloc(n), e = heapAlloc(n), tau = heapAlloc(n);
    tridiagonalizeHeap(a, n, d, e, tau);
    const dJ = d.slice(), eJ = e.slice(), tauJ = tau.slice();
    if (!(opts.vectors ?? true)) {
      tridiagonalQL(dJ, eJ, n);
      return { n, values: dJ };
    }
    const t = tridiagonalEigenDC(dJ, eJ, n, dcKernelsHeap); // t.vectors: in the heap, back-transformed there
    applyQTransposeRight(t.vectors, n, a, tauJ, gemmHeap, heapAlloc, WY_PANEL_WASM, heapMark, heapRelease);
    return { n, values: t.values, vectors: t.vectors.slice() };
  } finally {
    heapRelease(mark);
    if (heapBytes() > RETAIN_BYTES) disposeKernels();
  }
}

function checkSymmetric(A: Float64Array, n: number, tol: number): void {
  let scale = 0;
  for (let q = 0; q < n * n; q++) {
    const v = A[q];
    if (!Number.isFinite(v)) throw new Error(`symmetricEigen: A[${Math.floor(q / n)}, ${q % n}] = ${v} is not finite`);
    const x = Math.abs(v);
    if (x > scale) scale = x;
  }
  if (!Number.isFinite(tol)) return;
  const lim = tol * scale;
  // B x B tiles, so the transposed reads A[j, i] stay in cache
  const B = 32;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j0 = 0; j0 <= i0; j0 += B) {
      for (let i = i0; i < i1; i++) {
        const j1 = Math.min(i, j0 + B);
        for (let j = j0; j < j1; j++) {
          if (Math.abs(A[i * n + j] - A[j * n + i]) > lim) {
            throw new Error(`symmetricEigen: A is not symmetric: A[${i}, ${j}] = ${A[i * n + j]} but A[${j}, ${i}] = ${A[j * n + i]} (tolerance ${lim}); symmetrize it or pass symmetryTol`);
          }
        }
      }
    }
  }
}

/**
 * Householder reduction of the lower triangle of `a` (row-major n x n) to
 * tridiagonal form. On exit d[k] = T[k,k], e[k] = T[k+1,k], and reflector k
 * (k = 0..n-3) is H_k = I - tau[k] v v^T with v_j = a[k*n + j] for
 * j = k+1..n-1 (stored in the unused upper triangle, v_{k+1} = 1).
 *
 * Step k: the update A <- A - v w^T - w v^T of step k-1 is "pending"; it is
 * applied to column k first (to build reflector k), then to the trailing
 * triangle in the same pass that accumulates y = A_trailing v_k. The pass
 * takes two rows at a time so each v, w, y element loaded serves both.
 */
export function tridiagonalize(a: Float64Array, n: number, d: Float64Array, e: Float64Array, tau: Float64Array): void {
  // current / pending reflector (global indices); w = 0 means no pending update
  let v = new Float64Array(n), vp = new Float64Array(n);
  const w = new Float64Array(n), y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // 1. bring column k (rows k..n-1) up to date
    const wk = w[k], vk = vp[k];
    for (let i = k; i < n; i++) a[i * n + k] -= vp[i] * wk + w[i] * vk;
    d[k] = a[k * n + k];
    if (k === n - 1) break;
    // 2. reflector annihilating a[k+2.., k] (LAPACK dlarfg)
    const k1 = k + 1;
    const alpha = a[k1 * n + k];
    let xnorm2 = 0;
    for (let i = k1 + 1; i < n; i++) { const x = a[i * n + k]; xnorm2 += x * x; }
    let t = 0, beta = alpha;
    v.fill(0);
    v[k1] = 1;
    if (xnorm2 > 0) {
      beta = -Math.sign(alpha || 1) * Math.sqrt(alpha * alpha + xnorm2);
      t = (beta - alpha) / beta;
      const sc = 1 / (alpha - beta);
      for (let i = k1 + 1; i < n; i++) v[i] = a[i * n + k] * sc;
    }
    tau[k] = t;
    e[k] = beta;
    for (let j = k1; j < n; j++) a[k * n + j] = v[j]; // store v in the upper triangle of row k
    // 3. fused pass over the trailing lower triangle, two rows at a time:
    //    a -= vp w^T + w vp^T (pending), then y += a v (a symmetric, lower half stored)
    y.fill(0, k1, n);
    let i = k1;
    for (; i + 1 < n; i += 2) {
      const r0 = i * n, r1 = r0 + n;
      const vi0 = v[i], vi1 = v[i + 1];
      const p0 = vp[i], q0 = w[i], p1 = vp[i + 1], q1 = w[i + 1];
      let s0 = 0, s1 = 0;
      for (let j = k1; j < i; j++) {
        const wj = w[j], pj = vp[j], vj = v[j];
        const x0 = a[r0 + j] - (p0 * wj + q0 * pj);
        const x1 = a[r1 + j] - (p1 * wj + q1 * pj);
        a[r0 + j] = x0;
        a[r1 + j] = x1;
        s0 += x0 * vj;
        s1 += x1 * vj;
        y[j] += x0 * vi0 + x1 * vi1;
      }
      const x0 = a[r0 + i] - 2 * p0 * q0; // (i, i)
      const x1 = a[r1 + i] - (p1 * q0 + q1 * p0); // (i+1, i)
      const x2 = a[r1 + i + 1] - 2 * p1 * q1; // (i+1, i+1)
      a[r0 + i] = x0; a[r1 + i] = x1; a[r1 + i + 1] = x2;
      y[i] += s0 + x0 * vi0 + x1 * vi1;
      y[i + 1] += s1 + x1 * vi0 + x2 * vi1;
    }
    if (i < n) {
      const r0 = i * n, vi0 = v[i], p0 = vp[i], q0 = w[i];
      let s0 = 0;
      for (let j = k1; j < i; j++) {
        const x0 = a[r0 + j] - (p0 * w[j] + q0 * vp[j]);
        a[r0 + j] = x0;
        s0 += x0 * v[j];
        y[j] += x0 * vi0;
      }
      const x0 = a[r0 + i] - 2 * p0 * q0;
      a[r0 + i] = x0;
      y[i] += s0 + x0 * vi0;
    }
    // 4. w = tau y - (tau^2/2)(y.v) v  (p = tau y; w = p - tau/2 (p.v) v)
    let yv = 0;
    for (let q = k1; q < n; q++) yv += y[q] * v[q];
    const half = 0.5 * t * t * yv;
    w.fill(0);
    for (let q = k1; q < n; q++) w[q] = t * y[q] - half * v[q];
    const sw = vp; vp = v; v = sw;
  }
}

/**
 * Overwrite `a` (holding the reflectors from `tridiagonalize` in its upper
 * triangle) with Q^T = H_{n-3} ... H_1 H_0, built as I H_{n-3} ... H_0 by
 * right-multiplication. Reflector k acts on columns k+1..n-1 and, at the
 * time it is applied, only rows k+1..n-1 are non-trivial there. Panels of
 * PANEL reflectors (descending k) are copied to a buffer and applied to one
 * row at a time.
 */
function formQTranspose(a: Float64Array, n: number, tau: Float64Array): void {
  const nref = n - 2; // reflectors 0..n-3
  const panel = new Float64Array(PANEL * n);
  let formed = n; // rows/cols >= formed already hold their final identity-initialized block
  for (let k1 = nref - 1; k1 >= 0; k1 -= PANEL) {
    const k0 = Math.max(0, k1 - PANEL + 1);
    for (let k = k0; k <= k1; k++) panel.set(a.subarray(k * n + k + 1, k * n + n), (k - k0) * n + k + 1);
    // identity on the newly active rows/columns k0+1 .. formed-1
    for (let r = k0 + 1; r < formed; r++) {
      a.fill(0, r * n + k0 + 1, r * n + n);
      a[r * n + r] = 1;
    }
    for (let r = formed; r < n; r++) a.fill(0, r * n + k0 + 1, r * n + formed);
    formed = k0 + 1;
    for (let r = k0 + 1; r < n; r++) {
      const ro = r * n;
      for (let k = Math.min(k1, r - 1); k >= k0; k--) {
        const t = tau[k];
        if (t === 0) continue;
        const po = (k - k0) * n;
        let s = 0;
        for (let j = k + 1; j < n; j++) s += a[ro + j] * panel[po + j];
        s *= t;
        for (let j = k + 1; j < n; j++) a[ro + j] -= s * panel[po + j];
      }
    }
  }
  // rows/cols not touched by any reflector: identity
  for (let r = 0; r < formed; r++) {
    a.fill(0, r * n, r * n + n);
    a[r * n + r] = 1;
  }
  for (let r = formed; r < n; r++) a.fill(0, r * n, r * n + formed);
}

/**
 * Z <- Z Q^T = Z H_{n-3} ... H_0 for the n x n row-major Z (rows are vectors
 * in the tridiagonal basis), with the reflectors stored by `tridiagonalize`
 * in the upper triangle of `a`. Panels of nb = PANEL reflectors k0..k1 in
 * compact WY form (Schreiber & Van Loan, SIAM J. Sci. Stat. Comput. 10, 53
 * (1989); LAPACK dlarft): H_{k0} ... H_{k1} = I - V T V^T with T upper
 * triangular, so H_{k1} ... H_{k0} = I - V T^T V^T and
 *   Z[:, k0+1:] <- Z[:, k0+1:] - (Z[:, k0+1:] V) (T^T V^T),
 * two large matrix products (gemm.ts) per panel: 2 n^3 flops in all.
 */
function applyQTransposeRight(Z: Float64Array, n: number, a: Float64Array, tau: Float64Array, product: GemmFn,
  alloc: (length: number) => Float64Array, panel: number, mark: () => number = () => 0, release: (m: number) => void = () => {}): void {
  const Tm = new Float64Array(panel * panel);
  const tmp = new Float64Array(panel);
  for (let k1 = n - 3; k1 >= 0; k1 -= panel) {
    const k0 = Math.max(0, k1 - panel + 1), nb = k1 - k0 + 1, c0 = k0 + 1, m = n - c0;
    const top = mark();
    // Vt (nb x m): row q = v_{k0+q} on columns c0..n-1 (zero left of its leading 1); V = Vt^T (m x nb)
    const Vt = alloc(nb * m), V = alloc(m * nb), G = alloc(nb * nb), Tt = alloc(nb * nb), Y = alloc(n * nb), TVt = alloc(nb * m);
    Vt.fill(0); V.fill(0);
    for (let q = 0; q < nb; q++) {
      const k = k0 + q;
      for (let j = k + 1; j < n; j++) { const x = a[k * n + j]; Vt[q * m + j - c0] = x; V[(j - c0) * nb + q] = x; }
    }
    // G = Vt V (Gram matrix of the reflectors); T: T[i][i] = tau_i, T[0:i, i] = -tau_i T[0:i, 0:i] G[0:i, i]
    product(nb, nb, m, { data: Vt, offset: 0, stride: m }, { data: V, offset: 0, stride: nb }, { data: G, offset: 0, stride: nb });
    Tm.fill(0);
    for (let i = 0; i < nb; i++) {
      const ti = tau[k0 + i];
      for (let q = 0; q < i; q++) tmp[q] = -ti * G[q * nb + i];
      for (let r = 0; r < i; r++) {
        let s = 0;
        for (let q = r; q < i; q++) s += Tm[r * nb + q] * tmp[q];
        Tm[r * nb + i] = s;
      }
      Tm[i * nb + i] = ti;
    }
    for (let r = 0; r < nb; r++) for (let c = 0; c < nb; c++) Tt[r * nb + c] = Tm[c * nb + r];
    // TVt = T^T Vt (nb x m; cheaper than Y T^T, n x nb, as m <= n), Y = Z[:, c0:] V (n x nb), Z[:, c0:] -= Y TVt
    product(nb, m, nb, { data: Tt, offset: 0, stride: nb }, { data: Vt, offset: 0, stride: m }, { data: TVt, offset: 0, stride: m });
    product(n, nb, m, { data: Z, offset: c0, stride: n }, { data: V, offset: 0, stride: nb }, { data: Y, offset: 0, stride: nb });
    product(n, m, nb, { data: Y, offset: 0, stride: nb }, { data: TVt, offset: 0, stride: m }, { data: Z, offset: c0, stride: n }, true);
    release(top);
  }
}
