/**
 * Block-sparse symmetric matrices with dim x dim blocks (the layout of a
 * Hessian of n atoms in d dimensions; src/core/hessian.ts assembles them):
 * block-CSR structure, products, a dense copy for small systems, and
 * iteration over the stored blocks. Pure numerics: no System, no potential.
 */
import { factoredMatVec, type FactoredHessian } from './factored-hessian.ts';

/** Block-CSR symmetric matrix (both triangles stored), e.g. a Hessian. */
export interface SparseHessian {
  readonly n: number;
  readonly dim: 2 | 3;
  /** block-row pointers, length n+1 */
  readonly rowPtr: Int32Array;
  /** block column indices, length nnzb, sorted within each row */
  readonly colIdx: Int32Array;
  /** block values, nnzb * dim * dim, row-major within a block */
  readonly values: Float64Array;
  readonly massWeighted: boolean;
}

/** Index of block (row, col); throws if the pattern lacks it (a bug, not a user error). */
export function blockIndex(H: SparseHessian, row: number, col: number): number {
  let lo = H.rowPtr[row], hi = H.rowPtr[row + 1] - 1;
  const c = H.colIdx;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = c[mid];
    if (v === col) return mid;
    if (v < col) lo = mid + 1; else hi = mid - 1;
  }
  throw new Error(`hessian: block (${row}, ${col}) missing from the sparsity pattern`);
}

/**
 * A Hessian that products can be taken with: assembled (block CSR) or kept
 * as its pair and embedding terms (factored-hessian.ts).
 */
export type HessianOperator = SparseHessian | FactoredHessian;

/** y = H x for vectors of length n*dim (y allocated if not given). */
export function hessianMatVec(H: HessianOperator, x: Float64Array, y?: Float64Array): Float64Array {
  if (!('rowPtr' in H)) return factoredMatVec(H, x, y);
  const dim = H.dim, dd = dim * dim, nd = H.n * dim;
  if (x.length !== nd) throw new Error(`hessianMatVec: x has length ${x.length}, expected n*dim = ${nd}`);
  const out = y ?? new Float64Array(nd);
  const { rowPtr, colIdx, values } = H;
  for (let i = 0; i < H.n; i++) {
    let y0 = 0, y1 = 0, y2 = 0;
    for (let bk = rowPtr[i]; bk < rowPtr[i + 1]; bk++) {
      const jo = colIdx[bk] * dim, o = bk * dd;
      if (dim === 3) {
        const x0 = x[jo], x1 = x[jo + 1], x2 = x[jo + 2];
        y0 += values[o] * x0 + values[o + 1] * x1 + values[o + 2] * x2;
        y1 += values[o + 3] * x0 + values[o + 4] * x1 + values[o + 5] * x2;
        y2 += values[o + 6] * x0 + values[o + 7] * x1 + values[o + 8] * x2;
      } else {
        const x0 = x[jo], x1 = x[jo + 1];
        y0 += values[o] * x0 + values[o + 1] * x1;
        y1 += values[o + 2] * x0 + values[o + 3] * x1;
      }
    }
    out[i * dim] = y0;
    out[i * dim + 1] = y1;
    if (dim === 3) out[i * dim + 2] = y2;
  }
  return out;
}

/**
 * Dense (n*dim) x (n*dim) row-major copy, for small systems and tests.
 * Refuses more than `maxDof` degrees of freedom (default 6000, 288 MB).
 */
export function toDense(H: SparseHessian, maxDof = 6000): Float64Array {
  const dim = H.dim, dd = dim * dim, nd = H.n * dim;
  if (nd > maxDof) throw new Error(`toDense: ${nd} degrees of freedom exceed maxDof = ${maxDof}; use hessianMatVec or raise maxDof`);
  const A = new Float64Array(nd * nd);
  for (let i = 0; i < H.n; i++) {
    for (let bk = H.rowPtr[i]; bk < H.rowPtr[i + 1]; bk++) {
      const j = H.colIdx[bk];
      for (let x = 0; x < dim; x++) for (let y = 0; y < dim; y++) A[(i * dim + x) * nd + j * dim + y] = H.values[bk * dd + x * dim + y];
    }
  }
  return A;
}

/** One stored block: rows of atom i, columns of atom j, `block` a dim x dim row-major view into H.values. */
export interface HessianBlock {
  i: number;
  j: number;
  block: Float64Array;
}

/**
 * Iterate over the stored blocks with j > i (each off-diagonal pair once;
 * block (j, i) is its transpose), plus the diagonal blocks (i, i) when
 * `diagonal` is true. Blocks are views: writing to them changes H.
 */
export function* hessianPairs(H: SparseHessian, opts: { diagonal?: boolean } = {}): Generator<HessianBlock> {
  const dd = H.dim * H.dim;
  for (let i = 0; i < H.n; i++) {
    for (let bk = H.rowPtr[i]; bk < H.rowPtr[i + 1]; bk++) {
      const j = H.colIdx[bk];
      if (j < i || (j === i && !opts.diagonal)) continue;
      yield { i, j, block: H.values.subarray(bk * dd, (bk + 1) * dd) };
    }
  }
}
