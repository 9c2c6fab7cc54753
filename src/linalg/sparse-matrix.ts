/**
 * Scalar compressed sparse row (CSR) storage of a symmetric matrix, the input
 * of the sparse LDL^T factorization (sparse-ldlt.ts), and its conversion from
 * the block-CSR Hessian of core/hessian.ts.
 *
 * Full symmetric storage: both (i, j) and (j, i) are stored; column indices
 * need not be sorted. For a symmetric matrix CSR and CSC coincide, so row i
 * is also column i (the LDL^T code reads it as a column).
 */
import type { SparseHessian } from './block-sparse.ts';

export interface SymmetricCsr {
  readonly n: number;
  /** row pointers, length n+1 */
  readonly rowPtr: Int32Array;
  /** column indices of the stored entries, length nnz */
  readonly colIdx: Int32Array;
  /** values, length nnz */
  readonly values: Float64Array;
}

/** y = A x (y allocated if not given). */
export function csrMatVec(A: SymmetricCsr, x: Float64Array, y?: Float64Array): Float64Array {
  if (x.length !== A.n) throw new Error(`csrMatVec: x has length ${x.length}, expected n = ${A.n}`);
  const out = y ?? new Float64Array(A.n);
  const { rowPtr, colIdx, values } = A;
  for (let i = 0; i < A.n; i++) {
    let s = 0;
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) s += values[p] * x[colIdx[p]];
    out[i] = s;
  }
  return out;
}

/** Dense row-major n x n copy (tests and small systems). */
export function csrToDense(A: SymmetricCsr): Float64Array {
  const n = A.n, D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let p = A.rowPtr[i]; p < A.rowPtr[i + 1]; p++) D[i * n + A.colIdx[p]] += A.values[p];
  return D;
}

/**
 * Scalar CSR of the (n*dim) x (n*dim) Hessian, unknown (a, alpha) at row
 * a*dim + alpha. With `dropAtom` = p the dim rows and columns of atom p are
 * removed (the "pinned" Hessian: atom p held fixed) and atoms a > p move down
 * by one: unknown (a, alpha) is then at row (a - [a > p])*dim + alpha.
 */
export function hessianToCsr(H: SparseHessian, dropAtom = -1): SymmetricCsr {
  const { n, dim, rowPtr: bp, colIdx: bc, values: bv } = H;
  if (dropAtom !== -1 && !(Number.isInteger(dropAtom) && dropAtom >= 0 && dropAtom < n)) {
    throw new Error(`hessianToCsr: dropAtom must be an atom index in [0, ${n}) or -1, got ${dropAtom}`);
  }
  const dd = dim * dim;
  const red = (a: number) => (dropAtom >= 0 && a > dropAtom ? a - 1 : a);
  const nAtoms = dropAtom >= 0 ? n - 1 : n;
  const rowPtr = new Int32Array(nAtoms * dim + 1);
  let nnz = 0;
  for (let a = 0; a < n; a++) {
    if (a === dropAtom) continue;
    let blocks = 0;
    for (let b = bp[a]; b < bp[a + 1]; b++) if (bc[b] !== dropAtom) blocks++;
    for (let x = 0; x < dim; x++) { nnz += blocks * dim; rowPtr[red(a) * dim + x + 1] = nnz; }
  }
  const colIdx = new Int32Array(nnz), values = new Float64Array(nnz);
  for (let a = 0; a < n; a++) {
    if (a === dropAtom) continue;
    for (let x = 0; x < dim; x++) {
      let o = rowPtr[red(a) * dim + x];
      for (let b = bp[a]; b < bp[a + 1]; b++) {
        const c = bc[b];
        if (c === dropAtom) continue;
        for (let y = 0; y < dim; y++) { colIdx[o] = red(c) * dim + y; values[o] = bv[b * dd + x * dim + y]; o++; }
      }
    }
  }
  return { n: nAtoms * dim, rowPtr, colIdx, values };
}
