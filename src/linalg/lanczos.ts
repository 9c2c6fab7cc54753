/**
 * Lowest eigenpairs of a large symmetric operator given only by its
 * matrix-vector product: Lanczos with full reorthogonalisation.
 *
 * Algorithm (Golub & Van Loan, Matrix Computations, 4th ed., §10.1;
 * Parlett, The Symmetric Eigenvalue Problem, ch. 13):
 *   beta_0 q_1 = random start, projected off the `deflate` vectors;
 *   w = A q_j - beta_{j-1} q_{j-1};  alpha_j = q_j . w;  w -= alpha_j q_j;
 *   w is then orthogonalised (classical Gram-Schmidt, repeated once when the
 *   DGKS test says so: Daniel, Gragg, Kaufman & Stewart, Math. Comp. 30, 772
 *   (1976)) against the `deflate` vectors and every previous q (full
 *   reorthogonalisation, so no ghost eigenvalues); beta_j = |w|,
 *   q_{j+1} = w / beta_j.
 * Every max(checkEvery, j/8) steps the Ritz values of the tridiagonal T_j
 * are computed (tridiagonalQL, values only) and, for the k lowest, the last
 * component s_i[j] of T's eigenvector (inverse iteration): Ritz pair i has
 * residual |A x_i - theta_i x_i| = beta_j |s_i[j]|. The Ritz vectors are
 * formed once at the end (tridiagonalEigenDC). It stops when the
 * k lowest residuals are below tol * |theta|_max (|theta|_max estimates
 * ||A||). On a breakdown (beta_j tiny: an invariant subspace was found) it
 * continues from a fresh random vector orthogonal to all previous ones.
 *
 * Options for saddle searches (ARTn): `start` gives the first Krylov vector
 * (the previous eigenvector), `valueTol` stops when the lowest Ritz values
 * change by less than a relative amount between checks, and `residuals:
 * false` skips the final products.
 *
 * The `deflate` vectors (orthonormal, e.g. the rigid translations of a
 * Hessian) are projected out of every Krylov vector, so the method works in
 * their orthogonal complement and returns the lowest eigenpairs there.
 *
 * Cost: j matrix-vector products plus O(j^2 n) for the reorthogonalisation
 * and j * n doubles of memory for the Krylov basis. Convergence to the lowest
 * eigenvalues goes with their relative gap to the spectrum width; for the
 * lowest modes of large glasses shift-invert is the better transform.
 */
import { tridiagonalEigenDC } from './tridiagonal-dc.ts';
import { tridiagonalQL } from './tridiagonal-ql.ts';
import { Rng } from '../util/random.ts';

/** y = A x for vectors of length n (y is preallocated and must be overwritten). */
export type MatVec = (x: Float64Array, y: Float64Array) => void;

export interface LanczosOptions {
  /** number of lowest eigenpairs wanted (in the complement of `deflate`) */
  k: number;
  /** orthonormal vectors (length n each) to project out, e.g. rigid translations */
  deflate?: readonly Float64Array[];
  /** residual tolerance relative to the largest |Ritz value| (default 1e-9) */
  tol?: number;
  /** largest Krylov dimension (default min(n - deflate.length, max(40 k, 400))); the basis (j x n doubles) grows by doubling */
  maxIter?: number;
  /** smallest number of steps between convergence checks (default 10; the interval grows as j/8) */
  checkEvery?: number;
  /** seed of the random start vector (default 1) */
  seed?: number;
  /**
   * start vector (length n, any norm; projected off `deflate` and normalised)
   * instead of a random one: e.g. the previous eigenvector when the operator
   * changed little (ARTn, src/protocols/artn.ts)
   */
  start?: Float64Array;
  /**
   * Stop instead when the k lowest Ritz values changed by at most
   * valueTol * |theta| between two checks (the rule of the ARTn codes, which
   * need the lowest eigenvalue, not a small residual); `tol` is then unused.
   * Use checkEvery 1 so that each check costs one more product only.
   */
  valueTol?: number;
  /** recompute |A x_i - theta_i x_i| with one more product per pair (default true; false gives NaN residuals) */
  residuals?: boolean;
}

export interface LanczosResult {
  readonly n: number;
  /** the k lowest Ritz values, ascending */
  readonly values: Float64Array;
  /** Ritz vectors as rows (k x n), orthonormal: vectors[i*n + c] */
  readonly vectors: Float64Array;
  /** |A x_i - theta_i x_i|, recomputed with one product each (NaN with option residuals: false) */
  readonly residuals: Float64Array;
  /** Krylov dimension used */
  readonly iterations: number;
  readonly converged: boolean;
}

/** The k lowest eigenpairs of the symmetric operator `matvec` on R^n (module doc). */
export function lanczosLowest(n: number, matvec: MatVec, opts: LanczosOptions): LanczosResult {
  const deflate = opts.deflate ?? [];
  const k = opts.k;
  const room = n - deflate.length;
  if (!Number.isInteger(k) || k < 1) throw new Error(`lanczosLowest: option k must be a positive integer, got ${k}`);
  if (k > room) throw new Error(`lanczosLowest: k = ${k} exceeds the ${room} dimensions left after deflating ${deflate.length} vectors from n = ${n}`);
  for (const [i, u] of deflate.entries()) if (u.length !== n) throw new Error(`lanczosLowest: deflate[${i}] has length ${u.length}, expected n = ${n}`);
  const tol = opts.tol ?? 1e-9;
  const maxIter = Math.min(room, opts.maxIter ?? Math.max(40 * k, 400));
  if (maxIter < k) throw new Error(`lanczosLowest: maxIter = ${maxIter} is below k = ${k}`);
  const checkEvery = Math.max(1, opts.checkEvery ?? 10);
  const rng = new Rng(opts.seed ?? 1);
  const valueTol = opts.valueTol;
  if (valueTol !== undefined && !(valueTol >= 0)) throw new Error(`lanczosLowest: option valueTol must be >= 0, got ${valueTol}`);
  if (opts.start && opts.start.length !== n) throw new Error(`lanczosLowest: option start has length ${opts.start.length}, expected n = ${n}`);

  // Krylov basis, rows q_0, q_1, ...; grown by doubling up to maxIter rows
  let capacity = Math.min(maxIter, Math.max(2 * k + 20, 64));
  let Q = new Float64Array(capacity * n);
  const alpha = new Float64Array(maxIter), beta = new Float64Array(maxIter);
  const w = new Float64Array(n);
  const coef = new Float64Array(maxIter + deflate.length);
  let scale = 0; // running estimate of ||A||
  let converged = false;
  const work = new TridiagonalWork(maxIter);

  if (!givenStart(Q, n, deflate, opts.start, w, coef) && !startVector(Q, 0, n, deflate, rng, w, coef)) {
    throw new Error('lanczosLowest: could not build a start vector outside the deflated space');
  }
  let previous: Float64Array | null = null; // the k lowest Ritz values at the last check (valueTol)
  let j = 0;
  let nextCheck = Math.max(k, checkEvery);
  for (;;) {
    const qj = Q.subarray(j * n, (j + 1) * n);
    matvec(qj, w);
    if (j > 0) {
      const b = beta[j - 1], qp = (j - 1) * n;
      for (let c = 0; c < n; c++) w[c] -= b * Q[qp + c];
    }
    let a = 0;
    for (let c = 0; c < n; c++) a += qj[c] * w[c];
    alpha[j] = a;
    for (let c = 0; c < n; c++) w[c] -= a * qj[c];
    // full reorthogonalisation, classical Gram-Schmidt with the DGKS criterion:
    // a second pass only when the first removed most of w (|w| fell below |w_before| / sqrt 2)
    const before = dot(w, w, n);
    orthogonalize(w, Q, j + 1, n, deflate, coef);
    let b2 = dot(w, w, n);
    if (b2 < 0.5 * before) {
      orthogonalize(w, Q, j + 1, n, deflate, coef);
      b2 = dot(w, w, n);
    }
    const b = Math.sqrt(b2);
    scale = Math.max(scale, Math.abs(a) + b + (j > 0 ? beta[j - 1] : 0));
    beta[j] = b; // coupling of q_j and q_{j+1}
    j++;
    const last = j === maxIter;
    if (j >= k && (j >= nextCheck || last)) {
      nextCheck = j + Math.max(checkEvery, Math.floor(j / 8));
      if (valueTol === undefined) {
        converged = lowestConverged(alpha, beta, j, b, k, tol * Math.max(scale, Number.MIN_VALUE), work);
      } else {
        const now = lowestRitzValues(alpha, beta, j, k, work);
        converged = previous !== null && now.every((t, i) => Math.abs(t - previous![i]) <= valueTol * Math.abs(t));
        previous = now;
      }
      if (converged || last) break;
    }
    if (j === capacity) {
      capacity = Math.min(maxIter, 2 * capacity);
      const grown = new Float64Array(capacity * n);
      grown.set(Q);
      Q = grown;
    }
    if (b <= 1e-12 * scale) {
      // invariant subspace found: T decouples here; continue from a fresh direction
      beta[j - 1] = 0;
      if (!startVector(Q, j, n, deflate, rng, w, coef)) {
        converged = true; // the Krylov basis spans the whole complement: the Ritz pairs are exact
        break;
      }
      continue;
    }
    const inv = 1 / b, qo = j * n;
    for (let c = 0; c < n; c++) Q[qo + c] = w[c] * inv;
  }
  return assemble(n, k, Q, ritzPairs(alpha, beta, j), opts.residuals === false ? null : matvec, converged);
}

/** The start vector `start` projected off the deflate vectors and normalised, as Q row 0; false when absent or (nearly) in the deflated space. */
function givenStart(Q: Float64Array, n: number, deflate: readonly Float64Array[], start: Float64Array | undefined, w: Float64Array, coef: Float64Array): boolean {
  if (!start) return false;
  w.set(start);
  const before = Math.sqrt(dot(w, w, n));
  orthogonalize(w, Q, 0, n, deflate, coef);
  const nrm = Math.sqrt(dot(w, w, n));
  if (!(nrm > 1e-8 * before)) return false;
  for (let c = 0; c < n; c++) Q[c] = w[c] / nrm;
  return true;
}

/** The k lowest eigenvalues of the m x m Lanczos tridiagonal (implicit QL, values only), ascending. */
function lowestRitzValues(alpha: Float64Array, beta: Float64Array, m: number, k: number, w: TridiagonalWork): Float64Array {
  const theta = w.theta;
  theta.set(alpha.subarray(0, m));
  w.e.set(beta.subarray(0, m - 1));
  tridiagonalQL(theta, w.e, m);
  return theta.slice(0, Math.min(k, m)).sort();
}

function dot(x: Float64Array, y: Float64Array, n: number): number {
  let s = 0;
  for (let c = 0; c < n; c++) s += x[c] * y[c];
  return s;
}

/**
 * One classical Gram-Schmidt pass of w against the deflate vectors and Q rows
 * 0..m-1: coef = Q w, then w -= Q^T coef. Rows go four at a time, so each
 * element of w is loaded once per four rows and the four sums are
 * independent (the pass streams Q from memory twice).
 */
function orthogonalize(w: Float64Array, Q: Float64Array, m: number, n: number, deflate: readonly Float64Array[], coef: Float64Array): void {
  for (const u of deflate) {
    const s = dot(u, w, n);
    for (let c = 0; c < n; c++) w[c] -= s * u[c];
  }
  const m4 = m & ~3;
  for (let r = 0; r < m4; r += 4) {
    const o0 = r * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let c = 0; c < n; c++) {
      const x = w[c];
      s0 += Q[o0 + c] * x; s1 += Q[o1 + c] * x; s2 += Q[o2 + c] * x; s3 += Q[o3 + c] * x;
    }
    coef[r] = s0; coef[r + 1] = s1; coef[r + 2] = s2; coef[r + 3] = s3;
  }
  for (let r = m4; r < m; r++) {
    const o = r * n;
    let s = 0;
    for (let c = 0; c < n; c++) s += Q[o + c] * w[c];
    coef[r] = s;
  }
  for (let r = 0; r < m4; r += 4) {
    const o0 = r * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
    const s0 = coef[r], s1 = coef[r + 1], s2 = coef[r + 2], s3 = coef[r + 3];
    for (let c = 0; c < n; c++) w[c] -= s0 * Q[o0 + c] + s1 * Q[o1 + c] + s2 * Q[o2 + c] + s3 * Q[o3 + c];
  }
  for (let r = m4; r < m; r++) {
    const s = coef[r], o = r * n;
    for (let c = 0; c < n; c++) w[c] -= s * Q[o + c];
  }
}

/** Random unit vector orthogonal to the deflate vectors and Q rows 0..row-1, stored as Q row `row`. */
function startVector(Q: Float64Array, row: number, n: number, deflate: readonly Float64Array[], rng: Rng, w: Float64Array, coef: Float64Array): boolean {
  for (let attempt = 0; attempt < 5; attempt++) {
    for (let c = 0; c < n; c++) w[c] = rng.normal();
    const before = Math.sqrt(dot(w, w, n));
    orthogonalize(w, Q, row, n, deflate, coef);
    orthogonalize(w, Q, row, n, deflate, coef);
    const nrm = Math.sqrt(dot(w, w, n));
    if (nrm > 1e-8 * before) {
      const inv = 1 / nrm;
      for (let c = 0; c < n; c++) Q[row * n + c] = w[c] * inv;
      return true;
    }
  }
  return false;
}

/** Eigen-decomposition of the m x m Lanczos tridiagonal (divide and conquer): values ascending, eigenvectors as rows of S. */
function ritzPairs(alpha: Float64Array, beta: Float64Array, m: number): { values: Float64Array; S: Float64Array; m: number } {
  const r = tridiagonalEigenDC(alpha, beta, m);
  return { values: r.values, S: r.vectors, m };
}

/**
 * Convergence test without the eigenvectors of T: Ritz values by implicit QL
 * (values only, O(m^2)); for each of the k lowest, the last component s of
 * T's unit eigenvector by two steps of inverse iteration (tridiagonal LU
 * with partial pivoting, LAPACK dgttrf/dgtts2); converged if every
 * beta_m |s| <= tolAbs.
 */
function lowestConverged(alpha: Float64Array, beta: Float64Array, m: number, bLast: number, k: number, tolAbs: number, w: TridiagonalWork): boolean {
  const theta = w.theta;
  theta.set(alpha.subarray(0, m));
  w.e.set(beta.subarray(0, m - 1));
  tridiagonalQL(theta, w.e, m);
  let tnorm = 0;
  for (let i = 0; i < m; i++) tnorm = Math.max(tnorm, Math.abs(alpha[i]) + (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < m - 1 ? Math.abs(beta[i]) : 0));
  for (let i = 0; i < k; i++) {
    const s = lastComponent(alpha, beta, m, theta[i], tnorm, w);
    if (Math.abs(bLast * s) > tolAbs) return false;
  }
  return true;
}

/** Scratch for lowestConverged (sized for the largest Krylov dimension). */
class TridiagonalWork {
  readonly theta: Float64Array; readonly e: Float64Array;
  readonly dl: Float64Array; readonly d: Float64Array; readonly du: Float64Array; readonly du2: Float64Array;
  readonly swap: Uint8Array; readonly x: Float64Array;
  constructor(m: number) {
    this.theta = new Float64Array(m); this.e = new Float64Array(m);
    this.dl = new Float64Array(m); this.d = new Float64Array(m); this.du = new Float64Array(m); this.du2 = new Float64Array(m);
    this.swap = new Uint8Array(m); this.x = new Float64Array(m);
  }
}

/** Last component of the unit eigenvector of the m x m tridiagonal (alpha, beta) for eigenvalue sigma (inverse iteration). */
function lastComponent(alpha: Float64Array, beta: Float64Array, m: number, sigma: number, tnorm: number, w: TridiagonalWork): number {
  if (m === 1) return 1;
  const { dl, d, du, du2, swap, x } = w;
  const tiny = 2 ** -52 * Math.max(tnorm, Number.MIN_VALUE);
  for (let i = 0; i < m; i++) { d[i] = alpha[i] - sigma; if (i < m - 1) { dl[i] = beta[i]; du[i] = beta[i]; } du2[i] = 0; swap[i] = 0; }
  // LU with partial pivoting of T - sigma I (dgttrf)
  for (let i = 0; i < m - 1; i++) {
    if (Math.abs(d[i]) >= Math.abs(dl[i])) {
      if (d[i] === 0) d[i] = tiny;
      const f = dl[i] / d[i];
      dl[i] = f;
      d[i + 1] -= f * du[i];
    } else {
      const f = d[i] / dl[i];
      d[i] = dl[i];
      dl[i] = f;
      const t = du[i];
      du[i] = d[i + 1];
      d[i + 1] = t - f * d[i + 1];
      if (i < m - 2) { du2[i] = du[i + 1]; du[i + 1] = -f * du[i + 1]; }
      swap[i] = 1;
    }
  }
  if (d[m - 1] === 0) d[m - 1] = tiny;
  x.fill(1, 0, m);
  let nrm = 1;
  for (let step = 0; step < 3; step++) {
    for (let i = 0; i < m - 1; i++) { // L
      if (swap[i]) { const t = x[i]; x[i] = x[i + 1]; x[i + 1] = t - dl[i] * x[i]; } else x[i + 1] -= dl[i] * x[i];
    }
    x[m - 1] /= d[m - 1]; // U
    x[m - 2] = (x[m - 2] - du[m - 2] * x[m - 1]) / d[m - 2];
    for (let i = m - 3; i >= 0; i--) x[i] = (x[i] - du[i] * x[i + 1] - du2[i] * x[i + 2]) / d[i];
    nrm = 0;
    for (let i = 0; i < m; i++) nrm += x[i] * x[i];
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < m; i++) x[i] /= nrm;
  }
  return x[m - 1];
}

/** Ritz vectors x_i = sum_j S[i][j] q_j for the k lowest, with recomputed residuals. */
function assemble(n: number, k: number, Q: Float64Array, ritz: { values: Float64Array; S: Float64Array; m: number }, matvec: MatVec | null, converged: boolean): LanczosResult {
  const m = ritz.m, kk = Math.min(k, m);
  const vectors = new Float64Array(kk * n);
  for (let i = 0; i < kk; i++) {
    const xo = i * n;
    for (let j = 0; j < m; j++) {
      const s = ritz.S[i * m + j], qo = j * n;
      if (s === 0) continue;
      for (let c = 0; c < n; c++) vectors[xo + c] += s * Q[qo + c];
    }
  }
  const residuals = new Float64Array(kk).fill(NaN);
  const y = new Float64Array(n);
  for (let i = 0; matvec && i < kk; i++) {
    const x = vectors.subarray(i * n, (i + 1) * n);
    matvec(x, y);
    const th = ritz.values[i];
    let s = 0;
    for (let c = 0; c < n; c++) { const r = y[c] - th * x[c]; s += r * r; }
    residuals[i] = Math.sqrt(s);
  }
  return { n, values: ritz.values.slice(0, kk), vectors, residuals, iterations: m, converged };
}

/**
 * Upper bound on the spectrum (in the complement of `deflate`): the largest
 * Ritz value of 40 Lanczos steps on -A plus its residual, times 1.03. Ritz
 * values converge fastest at the ends of the spectrum; the margin covers the
 * rest (kpmMoments checks the bound and says so when it is too tight).
 */
export function spectralUpperBound(n: number, matvec: MatVec, deflate: readonly Float64Array[] = [], seed = 1): number {
  const neg = new Float64Array(n);
  const r = lanczosLowest(n, (x, y) => { matvec(x, neg); for (let c = 0; c < n; c++) y[c] = -neg[c]; },
    { k: 1, deflate, maxIter: Math.min(40, n - deflate.length), tol: 1e-3, seed });
  return (-r.values[0] + r.residuals[0]) * 1.03;
}
