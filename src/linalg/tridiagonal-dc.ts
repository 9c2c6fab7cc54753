/**
 * Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by
 * divide and conquer (Cuppen, Numer. Math. 36, 177 (1981)), with the
 * deflation of LAPACK `dlaed2` and the eigenvectors of Gu & Eisenstat
 * (SIAM J. Matrix Anal. Appl. 16, 172 (1995)), which keeps them orthogonal
 * without extra precision.
 *
 * Split T = diag(T1, T2) + rho v v^T at the middle (v = e_{n1-1} + sign(beta) e_{n1},
 * rho = |beta|, the two touching diagonals lowered by rho), solve T1, T2
 * recursively, then the rank-one update D + rho z z^T:
 * - deflation: components with rho |z_j| <= tol, and pairs of nearly equal
 *   d_j (removed by a Givens rotation) keep their old eigenpair;
 * - the K remaining eigenvalues are the roots of the secular equation
 *   f(lambda) = 1 + rho sum_j z_j^2 / (d_j - lambda), one in each interval
 *   (d_i, d_{i+1}) and the last in (d_K, d_K + rho |z|^2), found relative to
 *   the nearer pole by a two-pole rational model ("middle way", R.-C. Li,
 *   LAPACK Working Note 89) safeguarded by bisection;
 * - z is recomputed from the roots (Gu-Eisenstat, Loewner), the eigenvectors
 *   u_i = (D - lambda_i)^-1 z_hat are normalised, and the merged vectors are
 *   two matrix products, one per half of the columns, using only the old
 *   vectors that are non-zero there.
 * Small blocks (<= BASE) use implicit QL (tridiagonal-ql.ts).
 *
 * Kernels (DcKernels): the TypeScript ones (gemm.ts, secularRoot /
 * secularVectors, ordinary arrays) by default; dense-eigen.ts passes the
 * WebAssembly ones (wasm-runtime.ts dcKernelsHeap: the secular equations and
 * the Gu-Eisenstat vectors in f64x2, every work array on a stack in the wasm
 * heap, so the products read U and the old vectors in place, no copies).
 *
 * Cost: about (4/3) n^3 flops in the products when little deflates, plus
 * O(n^2) for the secular equations. Memory: 3 n^2 doubles at the top
 * merge (new vectors over the children's, old vectors Q, U); the rows of Q
 * are permuted in place so both products read them (and U) as strided
 * views, which write the new vectors at the block's start; the merges leave
 * their eigenpairs unsorted (deflation sorts the poles), only the final
 * ones are sorted.
 * Eigenvectors are ROWS of the result (row k belongs to values[k]).
 */
import { gemm, type GemmFn } from './gemm.ts';
import { sortEigenpairs, tridiagonalQL } from './tridiagonal-ql.ts';

const BASE = 32;
const EPS = 2 ** -52;

export interface TridiagonalEigen {
  /** eigenvalues, ascending */
  values: Float64Array;
  /** eigenvectors as rows, n x n (released to an empty array by the merge that consumes it) */
  vectors: Float64Array;
}

/**
 * The kernels and storage of the merges. `secular` solves the secular
 * equation of a merge: the K roots of 1 + sum_j w_j / (dK_j - lambda)
 * (dK ascending, w_j = r zhat_j^2 > 0) into values[0..K-1], and returns the
 * K x K matrix U of the normalised Gu-Eisenstat vectors (row i = eigenvector
 * i, its component j at column col[j]; zsign_j is the sign of z_j), made by
 * `alloc`. `alloc` gives the n x n work arrays (not necessarily zeroed);
 * with a stack allocator (`mark`/`release`, as the WebAssembly heap of
 * wasm-runtime.ts dcKernelsHeap) every block's vectors end at the position
 * its solve started from, so the work arrays of the merges never pile up and
 * the products read their operands in place.
 */
export interface DcKernels {
  product: GemmFn;
  secular(dK: Float64Array, w: Float64Array, K: number, r: number, zsign: Float64Array, col: Int32Array, values: Float64Array): Float64Array;
  alloc(length: number): Float64Array;
  mark(): number;
  release(mark: number): void;
}

/** The TypeScript kernels: gemm.ts, secularRoot / secularVectors below, ordinary (garbage-collected) arrays. */
export const dcKernelsJs: DcKernels = {
  product: gemm,
  secular(dK, w, K, r, zsign, col, values) {
    const origin = new Int32Array(K), tau = new Float64Array(K), delta = new Float64Array(K);
    for (let i = 0; i < K; i++) {
      secularRoot(dK, w, K, i, delta, origin, tau);
      values[i] = dK[origin[i]] + tau[i];
    }
    return secularVectors(dK, K, r, zsign, origin, tau, col);
  },
  alloc: (length) => new Float64Array(length),
  mark: () => 0,
  release: () => {},
};

/**
 * d[0..n-1] diagonal, e[i] = T[i+1, i]; neither is modified. `kernels` do
 * the merges' matrix products and secular equations and provide their
 * storage (default: dcKernelsJs; dense-eigen.ts passes the WebAssembly ones,
 * and then `vectors` is a view of the WebAssembly heap, valid until the
 * caller releases it).
 */
export function tridiagonalEigenDC(d: Float64Array, e: Float64Array, n: number, kernels: DcKernels = dcKernelsJs): TridiagonalEigen {
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(d[i]) || (i < n - 1 && !Number.isFinite(e[i]))) {
      throw new Error(`tridiagonalEigenDC: non-finite entry at index ${i} (d = ${d[i]}, e = ${e[i]}); check the input matrix for NaN/Infinity`);
    }
  }
  const r = solve(Float64Array.from(d.subarray(0, n)), e.subarray(0, Math.max(0, n - 1)), n, kernels);
  sortEigenpairs(r.values, n, r.vectors);
  return r;
}

/**
 * Solve the block (d owned and modifiable, e read-only, length m-1); its
 * vectors are allocated at kernels.mark() on entry. The eigenpairs come in
 * no particular order (the merges sort the poles themselves; the caller
 * sorts the final ones).
 */
function solve(d: Float64Array, e: Float64Array, m: number, kernels: DcKernels): TridiagonalEigen {
  if (m <= BASE) {
    const ee = new Float64Array(m);
    ee.set(e.subarray(0, m - 1));
    const W = kernels.alloc(m * m).fill(0);
    for (let i = 0; i < m; i++) W[i * m + i] = 1;
    tridiagonalQL(d, ee, m, W);
    return { values: d, vectors: W };
  }
  const start = kernels.mark();
  const n1 = m >> 1, n2 = m - n1;
  const beta = e[n1 - 1];
  const rho = Math.abs(beta), sgn = beta < 0 ? -1 : 1;
  const d1 = d.slice(0, n1), d2 = d.slice(n1);
  d1[n1 - 1] -= rho;
  d2[0] -= rho;
  const left = solve(d1, e.subarray(0, n1 - 1), n1, kernels);
  const right = solve(d2, e.subarray(n1), n2, kernels);
  return merge(left, right, n1, n2, rho, sgn, kernels, start);
}

function merge(left: TridiagonalEigen, right: TridiagonalEigen, n1: number, n2: number, rho: number, sgn: number, kernels: DcKernels, start: number): TridiagonalEigen {
  const m = n1 + n2;
  // the new vectors `out` go to the block's start (over the children, which are first copied into Q above it)
  kernels.release(start);
  const out = kernels.alloc(m * m);
  const afterOut = kernels.mark();
  // old eigenvectors of diag(T1, T2) as full rows; z = Qt v; side: 1 left, 2 right, 3 both
  const Q = kernels.alloc(m * m);
  const D = new Float64Array(m), z = new Float64Array(m);
  const side = new Uint8Array(m);
  for (let j = 0; j < n1; j++) {
    Q.set(left.vectors.subarray(j * n1, j * n1 + n1), j * m);
    Q.fill(0, j * m + n1, j * m + m);
    D[j] = left.values[j];
    z[j] = left.vectors[j * n1 + n1 - 1];
    side[j] = 1;
  }
  for (let j = 0; j < n2; j++) {
    Q.fill(0, (n1 + j) * m, (n1 + j) * m + n1);
    Q.set(right.vectors.subarray(j * n2, j * n2 + n2), (n1 + j) * m + n1);
    D[n1 + j] = right.values[j];
    z[n1 + j] = sgn * right.vectors[j * n2];
    side[n1 + j] = 2;
  }
  left.vectors = right.vectors = new Float64Array(0); // let the children go before the products
  let zz = 0;
  for (let j = 0; j < m; j++) zz += z[j] * z[j];
  const r = rho * zz; // D + r zhat zhat^T with |zhat| = 1
  const zn = 1 / Math.sqrt(zz);
  for (let j = 0; j < m; j++) z[j] *= zn;

  const { keep, deflated } = deflate(D, z, Q, side, m, r);
  const K = keep.length;
  // row order of Q for the products: kept rows on the left half only, on both halves, on the right only; then deflated
  const g1 = keep.filter((j) => side[j] === 1), g3 = keep.filter((j) => side[j] === 3), g2 = keep.filter((j) => side[j] === 2);
  const rowOrder = [...g1, ...g3, ...g2, ...deflated];
  const pos = new Int32Array(m);
  rowOrder.forEach((j, p) => { pos[j] = p; });
  const values = new Float64Array(m);
  for (let p = K; p < m; p++) values[p] = D[rowOrder[p]];
  permuteRows(Q, m, rowOrder);

  const dK = Float64Array.from(keep, (j) => D[j]);
  const w = Float64Array.from(keep, (j) => r * z[j] * z[j]);
  const zsign = Float64Array.from(keep, (j) => (z[j] < 0 ? -1 : 1));
  const colPos = Int32Array.from(keep, (j) => pos[j]);
  const U = K > 0 ? kernels.secular(dK, w, K, r, zsign, colPos, values) : new Float64Array(0);

  // rows 0..K-1: new_i = sum_j U[i][j] Q[j] over the kept rows (two products, one per column half);
  // rows K..m-1: the deflated rows as they are
  const k1 = g1.length + g3.length, k2 = g3.length + g2.length;
  const { product } = kernels;
  if (K > 0 && k1 > 0) product(K, n1, k1, { data: U, offset: 0, stride: K }, { data: Q, offset: 0, stride: m }, { data: out, offset: 0, stride: m });
  else for (let i = 0; i < K; i++) out.fill(0, i * m, i * m + n1);
  if (K > 0 && k2 > 0) product(K, n2, k2, { data: U, offset: g1.length, stride: K }, { data: Q, offset: g1.length * m + n1, stride: m }, { data: out, offset: n1, stride: m });
  else for (let i = 0; i < K; i++) out.fill(0, i * m + n1, i * m + m);
  out.set(Q.subarray(K * m), K * m);
  kernels.release(afterOut);
  return { values, vectors: out };
}

/** In place: row p of the n x n matrix W becomes old row order[p] (cycle by cycle, one row of scratch). */
function permuteRows(W: Float64Array, n: number, order: readonly number[]): void {
  const done = new Uint8Array(n);
  const tmp = new Float64Array(n);
  for (let start = 0; start < n; start++) {
    if (done[start]) continue;
    if (order[start] === start) { done[start] = 1; continue; }
    tmp.set(W.subarray(start * n, start * n + n));
    let p = start;
    for (;;) {
      done[p] = 1;
      const from = order[p];
      if (from === start) { W.set(tmp, p * n); break; }
      W.copyWithin(p * n, from * n, from * n + n);
      p = from;
    }
  }
}

/**
 * Deflation (LAPACK dlaed2): returns the kept indices in ascending D order
 * and the deflated ones. Rotations of nearly equal pairs change D, z, the
 * rows of Q and their `side`.
 */
function deflate(D: Float64Array, z: Float64Array, Q: Float64Array, side: Uint8Array, m: number, r: number): { keep: number[]; deflated: number[] } {
  const order = Array.from({ length: m }, (_, j) => j).sort((a, b) => D[a] - D[b]);
  let dmax = 0, zmax = 0;
  for (let j = 0; j < m; j++) { dmax = Math.max(dmax, Math.abs(D[j])); zmax = Math.max(zmax, Math.abs(z[j])); }
  const tol = 8 * EPS * Math.max(dmax, r * zmax);
  const keep: number[] = [], deflated: number[] = [];
  let pj = -1;
  for (const j of order) {
    if (r * Math.abs(z[j]) <= tol) { deflated.push(j); continue; }
    if (pj < 0) { pj = j; continue; }
    const t = Math.hypot(z[pj], z[j]);
    const c = z[pj] / t, s = z[j] / t;
    if (Math.abs((D[j] - D[pj]) * c * s) <= tol) {
      // new q_j = c q_pj + s q_j (carries all of z), new q_pj = s q_pj - c q_j (z = 0: deflated)
      const po = pj * m, jo = j * m;
      for (let q = 0; q < m; q++) {
        const x = Q[po + q], y = Q[jo + q];
        Q[jo + q] = c * x + s * y;
        Q[po + q] = s * x - c * y;
      }
      const dp = D[pj], dj = D[j];
      D[j] = c * c * dp + s * s * dj;
      D[pj] = s * s * dp + c * c * dj;
      z[j] = t; z[pj] = 0;
      side[j] = side[pj] = side[j] | side[pj];
      deflated.push(pj);
    } else keep.push(pj);
    pj = j;
  }
  if (pj >= 0) keep.push(pj);
  return { keep, deflated };
}

/**
 * Root i of f(t) = 1 + sum_j w_j / (dK_j - t) (dK ascending, w > 0), stored
 * as origin[i] (index of the nearer pole) and tau[i] = lambda_i - dK[origin].
 * `delta` is scratch (dK_j - dK[origin]).
 */
function secularRoot(dK: Float64Array, w: Float64Array, K: number, i: number, delta: Float64Array, origin: Int32Array, tau: Float64Array): void {
  const last = i === K - 1;
  let o: number, lo: number, hi: number;
  if (last) {
    o = i; lo = 0; hi = 0;
    for (let j = 0; j < K; j++) hi += w[j];
  } else {
    const gap = dK[i + 1] - dK[i], mid = 0.5 * gap;
    let fm = 1;
    for (let j = 0; j < K; j++) fm += w[j] / (dK[j] - dK[i] - mid);
    if (fm >= 0) { o = i; lo = 0; hi = mid; } else { o = i + 1; lo = -mid; hi = 0; }
  }
  const base = dK[o];
  for (let j = 0; j < K; j++) delta[j] = dK[j] - base;
  const p = delta[i], q = last ? 0 : delta[i + 1];
  let t = 0.5 * (lo + hi);
  for (let it = 0; it < 200; it++) {
    let psi = 0, dpsi = 0, phi = 0, dphi = 0;
    for (let j = 0; j <= i; j++) { const inv = 1 / (delta[j] - t), x = w[j] * inv; psi += x; dpsi += x * inv; }
    for (let j = i + 1; j < K; j++) { const inv = 1 / (delta[j] - t), x = w[j] * inv; phi += x; dphi += x * inv; }
    const f = 1 + psi + phi;
    if (f === 0) break;
    if (f < 0) lo = t; else hi = t;
    const erretm = 8 * (1 + Math.abs(psi) + Math.abs(phi)) + Math.abs(t) * (dpsi + dphi);
    if (Math.abs(f) <= EPS * erretm || hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
    // two-pole rational model c + s/(p - x) + S/(q - x) matching f, f' at t
    const dl = p - t, s = dl * dl * dpsi;
    let next: number;
    if (last) {
      const c = f - s / dl;
      next = c > 0 ? p + s / c : NaN;
    } else {
      const dr = q - t, S = dr * dr * dphi;
      const c = f - s / dl - S / dr;
      next = quadraticRootIn(c, -(c * (p + q) + s + S), c * p * q + s * q + S * p, lo, hi);
    }
    t = next > lo && next < hi ? next : 0.5 * (lo + hi);
  }
  origin[i] = o;
  tau[i] = t;
}

/** The root of A x^2 + B x + C inside (lo, hi), or NaN. */
function quadraticRootIn(A: number, B: number, C: number, lo: number, hi: number): number {
  if (Math.abs(A) <= EPS * (Math.abs(B) + Math.abs(C))) return B !== 0 ? -C / B : NaN;
  const disc = Math.max(0, B * B - 4 * A * C);
  const qq = -0.5 * (B + (B >= 0 ? 1 : -1) * Math.sqrt(disc));
  const r1 = qq / A, r2 = qq !== 0 ? C / qq : NaN;
  if (r1 > lo && r1 < hi) return r1;
  if (r2 > lo && r2 < hi) return r2;
  return NaN;
}

/**
 * Gu-Eisenstat: zhat_j^2 = prod_i (lambda_i - d_j) / (r prod_{i != j} (d_i - d_j)),
 * sign zsign_j; then u_i[j] = zhat_j / (d_j - lambda_i), normalised.
 * Differences d_j - lambda_i = (d_j - d_origin(i)) - tau_i. Returns U (K x K),
 * eigenvector i as row i, its component j stored in column col[j].
 */
function secularVectors(dK: Float64Array, K: number, r: number, zsign: Float64Array, origin: Int32Array, tau: Float64Array, col: Int32Array): Float64Array {
  const U = new Float64Array(K * K); // first U[i*K + col[j]] = d_j - lambda_i
  for (let i = 0; i < K; i++) {
    const base = dK[origin[i]], ti = tau[i], o = i * K;
    for (let j = 0; j < K; j++) U[o + col[j]] = dK[j] - base - ti;
  }
  // zhat_j^2 accumulated row by row of U (contiguous reads): row K-1 gives (lambda_{K-1} - d_j) / r,
  // row i < K-1 the factor (lambda_i - d_j) / (d_i - d_j) for i < j, (lambda_i - d_j) / (d_{i+1} - d_j) for i >= j
  const zhat = new Float64Array(K);
  const last = (K - 1) * K;
  for (let j = 0; j < K; j++) zhat[j] = -U[last + col[j]] / r;
  for (let i = 0; i < K - 1; i++) {
    const o = i * K, di = dK[i], di1 = dK[i + 1];
    for (let j = 0; j <= i; j++) zhat[j] *= -U[o + col[j]] / (di1 - dK[j]);
    for (let j = i + 1; j < K; j++) zhat[j] *= -U[o + col[j]] / (di - dK[j]);
  }
  for (let j = 0; j < K; j++) zhat[j] = zsign[j] * Math.sqrt(Math.max(0, zhat[j]));
  for (let i = 0; i < K; i++) {
    const o = i * K;
    let nrm = 0;
    for (let j = 0; j < K; j++) { const c = o + col[j], v = zhat[j] / U[c]; U[c] = v; nrm += v * v; }
    const inv = 1 / Math.sqrt(nrm);
    for (let j = 0; j < K; j++) U[o + j] *= inv;
  }
  return U;
}
