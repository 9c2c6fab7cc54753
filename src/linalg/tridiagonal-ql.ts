/**
 * Eigenvalues (and optionally eigenvectors) of a real symmetric tridiagonal
 * matrix by the implicit QL algorithm with Wilkinson-type shifts.
 *
 * The iteration is EISPACK `tql2` (Bowdler, Martin, Reinsch & Wilkinson,
 * Numer. Math. 11, 293 (1968); Wilkinson & Reinsch, Handbook for Automatic
 * Computation II/3), in the form used by JAMA, with one change for speed:
 * the Givens rotations of a sweep are recorded and then applied to the
 * eigenvector rows in column chunks (one read and one write of each row per
 * sweep, with the travelling row kept in a small buffer), instead of one
 * rotation at a time over whole rows.
 *
 * Storage convention: eigenvectors are ROWS of `W` (row-major, n x n):
 * W[k*n + i] is component i of eigenvector k. Rotations therefore act on
 * pairs of contiguous rows.
 */

/** Column chunk (doubles) of the deferred rotation application: 2 KiB rows stay in L1. */
const CHUNK = 256;

/** Iteration cap per eigenvalue; EISPACK uses 30, the shifts converge cubically. */
const MAX_ITER_PER_EIGENVALUE = 60;

/**
 * In place: on entry `d[0..n-1]` is the diagonal and `e[i] = T[i+1, i]`
 * (i < n-1; `e[n-1]` ignored); on exit `d` holds the eigenvalues in
 * ascending order and `e` is destroyed. If `W` is given (n x n row-major,
 * usually the identity or the transpose Q^T of the reduction to tridiagonal
 * form, A = Q T Q^T), its rows are rotated so that on exit row k is the
 * eigenvector (of A) belonging to d[k].
 *
 * Accuracy: eigenvalues to about n * 2^-52 * ||T|| absolute (the `tql2`
 * convergence test); eigenvectors orthonormal to working precision.
 * Throws if an eigenvalue fails to converge in 60 iterations (does not
 * happen for finite input; NaN/Infinity in T is reported first).
 */
export function tridiagonalQL(d: Float64Array, e: Float64Array, n: number, W?: Float64Array): void {
  if (d.length < n || e.length < n) throw new Error(`tridiagonalQL: d and e need length >= n = ${n} (got ${d.length}, ${e.length})`);
  if (W && W.length < n * n) throw new Error(`tridiagonalQL: W needs n*n = ${n * n} entries, got ${W.length}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(d[i]) || (i < n - 1 && !Number.isFinite(e[i]))) {
      throw new Error(`tridiagonalQL: non-finite entry at index ${i} (d = ${d[i]}, e = ${e[i]}); check the input matrix for NaN/Infinity`);
    }
  }
  if (n === 0) return;
  e[n - 1] = 0;
  const cs = new Float64Array(n), sn = new Float64Array(n);
  const carry = W ? new Float64Array(Math.min(CHUNK, n)) : cs;
  const eps = 2 ** -52;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > MAX_ITER_PER_EIGENVALUE) {
          throw new Error(`tridiagonalQL: eigenvalue ${l} did not converge in ${MAX_ITER_PER_EIGENVALUE} QL iterations (matrix order ${n})`);
        }
        // Wilkinson shift from the leading 2x2 block
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // implicit QL sweep from m-1 down to l
        p = d[m];
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2; c2 = c; s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          cs[i] = c; sn[i] = s;
        }
        if (W) applyRotationChain(W, n, l, m, cs, sn, carry);
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  sortEigenpairs(d, n, W);
}

/**
 * Apply the rotations i = m-1 .. l of one sweep to rows (i, i+1) of W:
 *   W[i+1] <- s_i W[i] + c_i W[i+1],  W[i] <- c_i W[i] - s_i W[i+1],
 * column chunk by column chunk; `carry` holds the row that travels down.
 */
function applyRotationChain(W: Float64Array, n: number, l: number, m: number, cs: Float64Array, sn: Float64Array, carry: Float64Array): void {
  for (let c0 = 0; c0 < n; c0 += CHUNK) {
    const len = Math.min(CHUNK, n - c0);
    let src = m * n + c0;
    for (let q = 0; q < len; q++) carry[q] = W[src + q];
    for (let i = m - 1; i >= l; i--) {
      const c = cs[i], s = sn[i];
      const ri = i * n + c0, r1 = ri + n;
      for (let q = 0; q < len; q++) {
        const h = carry[q], x = W[ri + q];
        W[r1 + q] = s * x + c * h;
        carry[q] = c * x - s * h;
      }
    }
    src = l * n + c0;
    for (let q = 0; q < len; q++) W[src + q] = carry[q];
  }
}

/** Sort d ascending and permute the n x n rows of W alongside (in place, cycle by cycle, one row of scratch). */
export function sortEigenpairs(d: Float64Array, n: number, W?: Float64Array): void {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[a] - d[b]);
  const sorted = Float64Array.from(order, (i) => d[i]);
  d.set(sorted);
  if (!W) return;
  // row k of the result is old row order[k]; follow the cycles of the permutation
  const done = new Uint8Array(n);
  const tmp = new Float64Array(n);
  for (let start = 0; start < n; start++) {
    if (done[start] || order[start] === start) { done[start] = 1; continue; }
    tmp.set(W.subarray(start * n, start * n + n));
    let k = start;
    for (;;) {
      done[k] = 1;
      const from = order[k];
      if (from === start) { W.set(tmp, k * n); break; }
      W.copyWithin(k * n, from * n, from * n + n);
      k = from;
    }
  }
}
