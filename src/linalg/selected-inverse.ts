/**
 * Selected inversion: the entries of Z = A^{-1} on the pattern of the factor
 * L (plus the diagonal) from a sparse LDL^T factorization, without forming
 * the dense inverse. Takahashi, Fagan & Chen (1973); Erisman & Tinney,
 * Comm. ACM 18, 177 (1975); Lin et al., ACM TOMS 37, 40 (2011) (SelInv).
 *
 * From Z = L^{-T} D^{-1} L^{-1}, i.e. Z = D^{-1} L^{-1} + (I - L^T) Z, for
 * columns j = n-1 down to 0, with S_j the row pattern of column j of L:
 *   Z_ij = - sum_{k in S_j} Z_ik L_kj          (i in S_j)
 *   Z_jj = 1/d_j - sum_{k in S_j} L_kj Z_kj
 * Every Z_ik needed (i, k in S_j) lies in the pattern of L + L^T, because
 * S_j is a clique of the filled graph; so the recursion is closed on the
 * pattern of L. Cost: of the order of the numeric factorization.
 */
import type { LdltFactor } from './sparse-ldlt.ts';

export interface SelectedInverse {
  readonly factor: LdltFactor;
  /** Z_jj in the permuted numbering (entry k: original row factor.perm[k]) */
  readonly diag: Float64Array;
  /** Z_ij on the pattern of L (same indexing as factor.values, permuted numbering) */
  readonly values: Float64Array;
}

/** Entries of A^{-1} on the pattern of L (module doc). */
export function selectedInverse(F: LdltFactor): SelectedInverse {
  const { n, colPtr, rowIdx, values: L, d } = F;
  const Z = new Float64Array(L.length), diag = new Float64Array(n);
  const pos = new Int32Array(n).fill(-1);
  const z = new Float64Array(n);
  for (let j = n - 1; j >= 0; j--) {
    const c0 = colPtr[j], c1 = colPtr[j + 1];
    for (let q = c0; q < c1; q++) { pos[rowIdx[q]] = q; z[q - c0] = 0; }
    for (let q = c0; q < c1; q++) {
      const k = rowIdx[q], lkj = L[q];
      let zk = z[q - c0] - diag[k] * lkj;
      // rows i > k of column k of Z that are also in S_j: Z_ik L_kj to row i, Z_ki L_ij to row k
      for (let r = colPtr[k]; r < colPtr[k + 1]; r++) {
        const pi = pos[rowIdx[r]];
        if (pi < 0) continue;
        const zik = Z[r];
        z[pi - c0] -= zik * lkj;
        zk -= zik * L[pi];
      }
      z[q - c0] = zk;
    }
    let zjj = 1 / d[j];
    for (let q = c0; q < c1; q++) {
      Z[q] = z[q - c0];
      zjj -= L[q] * Z[q];
      pos[rowIdx[q]] = -1;
    }
    diag[j] = zjj;
  }
  return { factor: F, diag, values: Z };
}

/**
 * Entry (i, j) of A^{-1}, i and j in the original numbering; throws if the
 * entry is outside the pattern of L + L^T (not computed by the selected
 * inversion).
 */
export function selectedEntry(S: SelectedInverse, i: number, j: number): number {
  const F = S.factor;
  const pi = F.pinv[i], pj = F.pinv[j];
  if (pi === pj) return S.diag[pi];
  const col = Math.min(pi, pj), row = Math.max(pi, pj);
  let lo = F.colPtr[col], hi = F.colPtr[col + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1, r = F.rowIdx[mid];
    if (r === row) return S.values[mid];
    if (r < row) lo = mid + 1; else hi = mid - 1;
  }
  throw new Error(`selectedEntry: entry (${i}, ${j}) is not in the pattern of the factor, so the selected inversion did not compute it; only entries where A (or the fill of L) is nonzero are available`);
}
