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
 *   two matrix products (gemm.ts, or the WebAssembly product passed by dense-eigen.ts), one per half of the columns, using only
 *   the old vectors that are non-zero there.
 * Small blocks (<= BASE) use implicit QL (tridiagonal-ql.ts).
 *
 * Cost: about (4/3) n^3 flops in the products when little deflates, plus
 * O(n^2) for the secular equations. Memory: 3 n^2 doubles at the top merge
 * (old vectors, new vectors, U); the rows of the old vectors are permuted in
 * place so both products read them (and U) as strided views, no copies.
 * Eigenvectors are ROWS of the result (row k belongs to values[k]).
 */
import { gemm, type GemmFn } from './gemm.ts';
import { sortEigenpairs, tridiagonalQL } from './tridiagonal-ql.ts';

const BASE = 32;
const EPS = 2 ** -52;

export interface TridiagonalEigen {
  /** eigenvalues, ascending */
  values: Float64Array;
  /** (released to an empty array by the merge that consumes it) */
  /** eigenvectors as rows, n x n */
  vectors: Float64Array;
}

/**
 * d[0..n-1] diagonal, e[i] = T[i+1, i]; neither is modified. `product` does
 * the merges' matrix products (default: gemm.ts; dense-eigen.ts passes the
 * WebAssembly one).
 */
export function tridiagonalEigenDC(d: Float64Array, e: Float64Array, n: number, product: GemmFn = gemm): TridiagonalEigen {
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(d[i]) || (i < n - 1 && !Number.isFinite(e[i]))) {
      throw new Error(`tridiagonalEigenDC: non-finite entry at index ${i} (d = ${d[i]}, e = ${e[i]}); check the input matrix for NaN/Infinity`);
    }
  }
  return solve(Float64Array.from(d.subarray(0, n)), e.subarray(0, Math.max(0, n - 1)), n, product);
}

/** Solve the block (d owned and modifiable, e read-only, length m-1). */
function solve(d: Float64Array, e: Float64Array, m: number, product: GemmFn): TridiagonalEigen {
  if (m <= BASE) {
    const ee = new Float64Array(m);
    ee.set(e.subarray(0, m - 1));
    const W = new Float64Array(m * m);
    for (let i = 0; i < m; i++) W[i * m + i] = 1;
    tridiagonalQL(d, ee, m, W);
    return { values: d, vectors: W };
  }
  const n1 = m >> 1, n2 = m - n1;
  const beta = e[n1 - 1];
  const rho = Math.abs(beta), sgn = beta < 0 ? -1 : 1;
  const d1 = d.slice(0, n1), d2 = d.slice(n1);
  d1[n1 - 1] -= rho;
  d2[0] -= rho;
  const left = solve(d1, e.subarray(0, n1 - 1), n1, product);
  const right = solve(d2, e.subarray(n1), n2, product);
  return merge(left, right, n1, n2, rho, sgn, product);
}

function merge(left: TridiagonalEigen, right: TridiagonalEigen, n1: number, n2: number, rho: number, sgn: number, product: GemmFn): TridiagonalEigen {
  const m = n1 + n2;
  // old eigenvectors of diag(T1, T2) as full rows; z = Qt v; side: 1 left, 2 right, 3 both
  const Q = new Float64Array(m * m);
  const D = new Float64Array(m), z = new Float64Array(m);
  const side = new Uint8Array(m);
  for (let j = 0; j < n1; j++) {
    Q.set(left.vectors.subarray(j * n1, j * n1 + n1), j * m);
    D[j] = left.values[j];
    z[j] = left.vectors[j * n1 + n1 - 1];
    side[j] = 1;
  }
  for (let j = 0; j < n2; j++) {
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

  const origin = new Int32Array(K), tau = new Float64Array(K);
  const dK = Float64Array.from(keep, (j) => D[j]);
  const w = Float64Array.from(keep, (j) => r * z[j] * z[j]);
  const delta = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    secularRoot(dK, w, K, i, delta, origin, tau);
    values[i] = dK[origin[i]] + tau[i];
  }
  const colPos = Int32Array.from(keep, (j) => pos[j]);
  const U = secularVectors(dK, K, r, keep, z, origin, tau, colPos);

  // rows 0..K-1: new_i = sum_j U[i][j] Q[j] over the kept rows (two products, one per column half);
  // rows K..m-1: the deflated rows as they are
  const out = new Float64Array(m * m);
  const k1 = g1.length + g3.length, k2 = g3.length + g2.length;
  if (K > 0 && k1 > 0) product(K, n1, k1, { data: U, offset: 0, stride: K }, { data: Q, offset: 0, stride: m }, { data: out, offset: 0, stride: m });
  if (K > 0 && k2 > 0) product(K, n2, k2, { data: U, offset: g1.length, stride: K }, { data: Q, offset: g1.length * m + n1, stride: m }, { data: out, offset: n1, stride: m });
  out.set(Q.subarray(K * m), K * m);
  sortEigenpairs(values, m, out);
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
    for (let j = 0; j <= i; j++) { const den = delta[j] - t, x = w[j] / den; psi += x; dpsi += x / den; }
    for (let j = i + 1; j < K; j++) { const den = delta[j] - t, x = w[j] / den; phi += x; dphi += x / den; }
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
 * sign of z_j; then u_i[j] = zhat_j / (d_j - lambda_i), normalised.
 * Differences d_j - lambda_i = (d_j - d_origin(i)) - tau_i. Returns U (K x K),
 * eigenvector i as row i, its component j stored in column col[j].
 */
function secularVectors(dK: Float64Array, K: number, r: number, keep: number[], z: Float64Array, origin: Int32Array, tau: Float64Array, col: Int32Array): Float64Array {
  const U = new Float64Array(K * K); // first U[i*K + col[j]] = d_j - lambda_i
  for (let i = 0; i < K; i++) {
    const base = dK[origin[i]], ti = tau[i], o = i * K;
    for (let j = 0; j < K; j++) U[o + col[j]] = dK[j] - base - ti;
  }
  const zhat = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    const cj = col[j];
    let prod = -U[(K - 1) * K + cj] / r; // (lambda_{K-1} - d_j) / r
    for (let i = 0; i < j; i++) prod *= -U[i * K + cj] / (dK[i] - dK[j]);
    for (let i = j; i < K - 1; i++) prod *= -U[i * K + cj] / (dK[i + 1] - dK[j]);
    const zj = z[keep[j]];
    zhat[j] = (zj < 0 ? -1 : 1) * Math.sqrt(Math.max(0, prod));
  }
  for (let i = 0; i < K; i++) {
    const o = i * K;
    let nrm = 0;
    for (let j = 0; j < K; j++) { const c = o + col[j], v = zhat[j] / U[c]; U[c] = v; nrm += v * v; }
    const inv = 1 / Math.sqrt(nrm);
    for (let j = 0; j < K; j++) U[o + j] *= inv;
  }
  return U;
}
