/**
 * Sparse LDL^T factorization P A P^T = L D L^T of a symmetric matrix (f64),
 * up-looking, after T. A. Davis, "Algorithm 849: A concise sparse Cholesky
 * factorization package", ACM TOMS 31, 587 (2005) (the LDL package):
 *
 * - symbolic: elimination tree (parent[k] = min{i > k : L_ik != 0}) and the
 *   column counts of L, by walking, for every row k, from each nonzero A_ki
 *   (i < k) up the tree until a node already flagged for row k (Davis,
 *   Direct Methods for Sparse Linear Systems, SIAM 2006, Sec. 4.1-4.4);
 * - numeric: row k of L is the solution of the sparse triangular system
 *   L_{0:k,0:k} D y = A_{0:k,k}, whose pattern is the union of those tree
 *   paths (the row subtree); d_k = A_kk - sum_i L_ki^2 d_i.
 *
 * L is unit lower triangular in compressed-column form with the row indices
 * of each column in ascending order (rows are appended as k grows), which the
 * selected inversion (selected-inverse.ts) relies on. No pivoting: the
 * matrix must be strongly regular in the chosen order (true for symmetric
 * positive definite matrices, e.g. a Hessian with its zero modes pinned).
 */
import type { SymmetricCsr } from './sparse-matrix.ts';

export interface LdltSymbolic {
  readonly n: number;
  /** perm[k] = original row eliminated k-th */
  readonly perm: Int32Array;
  /** inverse permutation: pinv[perm[k]] = k */
  readonly pinv: Int32Array;
  /** elimination tree of P A P^T (-1 for roots) */
  readonly parent: Int32Array;
  /** column pointers of L, length n+1 (colPtr[n] = nnz(L), strictly lower part) */
  readonly colPtr: Int32Array;
}

export interface LdltFactor extends LdltSymbolic {
  /** row indices of L (permuted numbering), ascending within each column */
  readonly rowIdx: Int32Array;
  /** values of the strictly lower part of L (unit diagonal implied) */
  readonly values: Float64Array;
  /** D, length n */
  readonly d: Float64Array;
  /** number of negative pivots (the inertia: negative eigenvalues of A) */
  readonly negativePivots: number;
}

export interface LdltOptions {
  /**
   * a pivot |d_k| <= pivotTol * max_i |A_ii| is treated as zero and the
   * factorization stops with an error (default 1e-13)
   */
  pivotTol?: number;
}

function checkPerm(n: number, perm: Int32Array | undefined, where: string): { perm: Int32Array; pinv: Int32Array } {
  const p = perm ?? Int32Array.from({ length: n }, (_, k) => k);
  if (p.length !== n) throw new Error(`${where}: permutation has length ${p.length}, expected n = ${n}`);
  const pinv = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    const v = p[k];
    if (!(v >= 0 && v < n) || pinv[v] !== -1) throw new Error(`${where}: perm is not a permutation of 0..${n - 1} (entry ${k} = ${v})`);
    pinv[v] = k;
  }
  return { perm: p, pinv };
}

/** Elimination tree and column counts of L for P A P^T (perm: elimination order, default natural). */
export function ldltSymbolic(A: SymmetricCsr, perm?: Int32Array): LdltSymbolic {
  const n = A.n;
  const { perm: P, pinv } = checkPerm(n, perm, 'ldltSymbolic');
  const parent = new Int32Array(n), flag = new Int32Array(n), count = new Int32Array(n);
  const { rowPtr, colIdx } = A;
  for (let k = 0; k < n; k++) {
    parent[k] = -1;
    flag[k] = k;
    const kk = P[k];
    for (let p = rowPtr[kk]; p < rowPtr[kk + 1]; p++) {
      let i = pinv[colIdx[p]];
      if (i >= k) continue;
      for (; flag[i] !== k; i = parent[i]) {
        if (parent[i] === -1) parent[i] = k;
        count[i]++;
        flag[i] = k;
      }
    }
  }
  const colPtr = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) colPtr[k + 1] = colPtr[k] + count[k];
  return { n, perm: P, pinv, parent, colPtr };
}

/** Numeric factorization (computes the symbolic part unless given; it must come from the same pattern and perm). */
export function ldltFactor(A: SymmetricCsr, perm?: Int32Array, opts: LdltOptions = {}, symbolic?: LdltSymbolic): LdltFactor {
  const sym = symbolic ?? ldltSymbolic(A, perm);
  const { n, perm: P, pinv, parent, colPtr } = sym;
  if (A.n !== n) throw new Error(`ldltFactor: matrix has n = ${A.n} but the symbolic factor n = ${n}`);
  const nnz = colPtr[n];
  const rowIdx = new Int32Array(nnz), values = new Float64Array(nnz), d = new Float64Array(n);
  const y = new Float64Array(n), pattern = new Int32Array(n), flag = new Int32Array(n), fill = new Int32Array(n);
  const { rowPtr, colIdx, values: ax } = A;
  let diagMax = 0;
  for (let i = 0; i < n; i++) for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) if (colIdx[p] === i) diagMax = Math.max(diagMax, Math.abs(ax[p]));
  const tiny = (opts.pivotTol ?? 1e-13) * diagMax;
  let negative = 0;
  for (let k = 0; k < n; k++) {
    // y = A(0:k, k) scattered; pattern = nonzero rows of L(k, 0:k) in topological order
    let top = n;
    flag[k] = k;
    const kk = P[k];
    for (let p = rowPtr[kk]; p < rowPtr[kk + 1]; p++) {
      let i = pinv[colIdx[p]];
      if (i > k) continue;
      y[i] += ax[p];
      let len = 0;
      for (; flag[i] !== k; i = parent[i]) { pattern[len++] = i; flag[i] = k; }
      while (len > 0) pattern[--top] = pattern[--len];
    }
    let dk = y[k];
    y[k] = 0;
    for (; top < n; top++) {
      const i = pattern[top], yi = y[i];
      y[i] = 0;
      const end = colPtr[i] + fill[i];
      for (let p = colPtr[i]; p < end; p++) y[rowIdx[p]] -= values[p] * yi;
      const lki = yi / d[i];
      dk -= lki * yi;
      rowIdx[end] = k;
      values[end] = lki;
      fill[i]++;
    }
    if (!(Math.abs(dk) > tiny)) {
      throw new Error(`ldltFactor: zero pivot d = ${dk} at elimination step ${k} (original row ${kk}); the matrix is singular in this order. For a Hessian, pin one atom per rigid body (factorHessian does) and check for rattlers or unminimized configurations`);
    }
    if (dk < 0) negative++;
    d[k] = dk;
  }
  return { ...sym, rowIdx, values, d, negativePivots: negative };
}

/** x = A^{-1} b in the original numbering (x allocated if not given; may alias b). */
export function ldltSolve(F: LdltFactor, b: Float64Array, x?: Float64Array): Float64Array {
  const n = F.n;
  if (b.length !== n) throw new Error(`ldltSolve: b has length ${b.length}, expected n = ${n}`);
  const { perm, colPtr, rowIdx, values, d } = F;
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) w[k] = b[perm[k]];
  for (let j = 0; j < n; j++) { const wj = w[j]; for (let p = colPtr[j]; p < colPtr[j + 1]; p++) w[rowIdx[p]] -= values[p] * wj; }
  for (let j = 0; j < n; j++) w[j] /= d[j];
  for (let j = n - 1; j >= 0; j--) { let s = w[j]; for (let p = colPtr[j]; p < colPtr[j + 1]; p++) s -= values[p] * w[rowIdx[p]]; w[j] = s; }
  const out = x ?? new Float64Array(n);
  for (let k = 0; k < n; k++) out[perm[k]] = w[k];
  return out;
}
