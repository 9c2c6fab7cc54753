import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/random.ts';
import { symmetricEigen } from '../../src/linalg/dense-eigen.ts';
import { csrMatVec, csrToDense, type SymmetricCsr } from '../../src/linalg/sparse-matrix.ts';
import { ldltFactor, ldltSolve, ldltSymbolic } from '../../src/linalg/sparse-ldlt.ts';
import { selectedEntry, selectedInverse } from '../../src/linalg/selected-inverse.ts';

/** Random sparse symmetric matrix, about `perRow` off-diagonal entries per row; diagonally dominant (SPD) unless `shift` makes it indefinite. */
function randomSparseSymmetric(n: number, perRow: number, seed: number, shift = 0): SymmetricCsr {
  const rng = new Rng(seed);
  const rows: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < perRow / 2; t++) {
      const j = Math.floor(rng.uniform() * n);
      if (j === i) continue;
      const v = rng.uniform() - 0.5;
      rows[i].set(j, v); rows[j].set(i, v);
    }
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const v of rows[i].values()) s += Math.abs(v);
    rows[i].set(i, s + 0.1 + rng.uniform() - shift);
  }
  const rowPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowPtr[i + 1] = rowPtr[i] + rows[i].size;
  const colIdx = new Int32Array(rowPtr[n]), values = new Float64Array(rowPtr[n]);
  for (let i = 0; i < n; i++) { let o = rowPtr[i]; for (const [j, v] of rows[i]) { colIdx[o] = j; values[o++] = v; } }
  return { n, rowPtr, colIdx, values };
}

function randomPermutation(n: number, seed: number): Int32Array {
  const rng = new Rng(seed), p = Int32Array.from({ length: n }, (_, k) => k);
  for (let k = n - 1; k > 0; k--) { const r = Math.floor(rng.uniform() * (k + 1)); const t = p[k]; p[k] = p[r]; p[r] = t; }
  return p;
}

/** Dense inverse by literal Gauss-Jordan elimination with partial pivoting (independent reference). */
function gaussJordanInverse(A: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(A), inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[piv * n + c])) piv = r;
    for (let k = 0; k < n; k++) {
      let t = a[c * n + k]; a[c * n + k] = a[piv * n + k]; a[piv * n + k] = t;
      t = inv[c * n + k]; inv[c * n + k] = inv[piv * n + k]; inv[piv * n + k] = t;
    }
    const f = 1 / a[c * n + c];
    for (let k = 0; k < n; k++) { a[c * n + k] *= f; inv[c * n + k] *= f; }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const g = a[r * n + c];
      if (g === 0) continue;
      for (let k = 0; k < n; k++) { a[r * n + k] -= g * a[c * n + k]; inv[r * n + k] -= g * inv[c * n + k]; }
    }
  }
  return inv;
}

/** Boolean Gaussian elimination on the permuted pattern: strictly-lower nonzeros of L per column (literal fill simulation). */
function denseFillCounts(A: SymmetricCsr, perm: Int32Array): Int32Array {
  const n = A.n, pinv = new Int32Array(n);
  for (let k = 0; k < n; k++) pinv[perm[k]] = k;
  const nz: boolean[][] = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  for (let i = 0; i < n; i++) for (let p = A.rowPtr[i]; p < A.rowPtr[i + 1]; p++) nz[pinv[i]][pinv[A.colIdx[p]]] = true;
  const counts = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const below: number[] = [];
    for (let i = k + 1; i < n; i++) if (nz[i][k]) below.push(i);
    counts[k] = below.length;
    for (const i of below) for (const j of below) nz[i][j] = true;
  }
  return counts;
}

function relativeResidual(A: SymmetricCsr, x: Float64Array, b: Float64Array): number {
  const r = csrMatVec(A, x);
  let num = 0, den = 0;
  for (let i = 0; i < A.n; i++) { num += (r[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

describe('sparse LDL^T (up-looking, Davis LDL) on random sparse symmetric matrices', () => {
  it('column counts of the symbolic factor equal a literal boolean elimination, natural and permuted', () => {
    const A = randomSparseSymmetric(120, 4, 1);
    for (const perm of [undefined, randomPermutation(120, 2)]) {
      const sym = ldltSymbolic(A, perm);
      const ref = denseFillCounts(A, perm ?? Int32Array.from({ length: 120 }, (_, k) => k));
      const counts = Array.from({ length: 120 }, (_, k) => sym.colPtr[k + 1] - sym.colPtr[k]);
      expect(counts).toEqual(Array.from(ref));
    }
  });

  it('SPD: solves A x = b to 1e-10 relative, L D L^T = P A P^T, no negative pivots', () => {
    const n = 400, A = randomSparseSymmetric(n, 6, 3);
    const F = ldltFactor(A, randomPermutation(n, 4));
    expect(F.negativePivots).toBe(0);
    const rng = new Rng(5), b = Float64Array.from({ length: n }, () => rng.uniform() - 0.5);
    expect(relativeResidual(A, ldltSolve(F, b), b)).toBeLessThan(1e-10);
    // reconstruct P A P^T from the factor, compare densely
    const Ad = csrToDense(A), LDLt = new Float64Array(n * n);
    const Ld = new Float64Array(n * n);
    for (let j = 0; j < n; j++) { Ld[j * n + j] = 1; for (let p = F.colPtr[j]; p < F.colPtr[j + 1]; p++) Ld[F.rowIdx[p] * n + j] = F.values[p]; }
    for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) {
      if (Ld[i * n + k] === 0) continue;
      const lik = Ld[i * n + k] * F.d[k];
      for (let j = 0; j < n; j++) LDLt[i * n + j] += lik * Ld[j * n + k];
    }
    let err = 0, scale = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      err = Math.max(err, Math.abs(LDLt[i * n + j] - Ad[F.perm[i] * n + F.perm[j]]));
      scale = Math.max(scale, Math.abs(Ad[i * n + j]));
    }
    expect(err).toBeLessThan(1e-12 * scale);
  });

  it('symmetric indefinite (strongly regular): solves, and the negative pivot count equals the number of negative eigenvalues', () => {
    const n = 150, A = randomSparseSymmetric(n, 4, 6, 1.2);
    const F = ldltFactor(A, randomPermutation(n, 7));
    const rng = new Rng(8), b = Float64Array.from({ length: n }, () => rng.uniform() - 0.5);
    expect(relativeResidual(A, ldltSolve(F, b), b)).toBeLessThan(1e-10);
    // Sylvester's law of inertia: the pivots of P A P^T = L D L^T have the signs of A's eigenvalues (independent dense eigensolver)
    const values = symmetricEigen(csrToDense(A), n, { vectors: false }).values;
    const negative = values.filter((v) => v < 0).length;
    expect(negative).toBeGreaterThan(0);
    expect(F.negativePivots).toBe(negative);
  });

  it('zero pivot: a singular matrix stops with an error naming the step and the cure', () => {
    // 1D periodic Laplacian: singular (constant null vector), exact integers so the last pivot is exactly 0
    const n = 10, rowPtr = new Int32Array(n + 1), colIdx = new Int32Array(3 * n), values = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      rowPtr[i + 1] = 3 * (i + 1);
      colIdx.set([(i + n - 1) % n, i, (i + 1) % n], 3 * i);
      values.set([-1, 2, -1], 3 * i);
    }
    expect(() => ldltFactor({ n, rowPtr, colIdx, values })).toThrow(/zero pivot .* step 9.*pin one atom/);
  });

  it('selected inversion: every entry on the pattern of L (and the diagonal) equals the dense inverse', () => {
    const n = 200, A = randomSparseSymmetric(n, 5, 9);
    const F = ldltFactor(A, randomPermutation(n, 10));
    const S = selectedInverse(F);
    const inv = gaussJordanInverse(csrToDense(A), n);
    let scale = 0;
    for (let q = 0; q < n * n; q++) scale = Math.max(scale, Math.abs(inv[q]));
    let err = 0, checked = 0;
    for (let j = 0; j < n; j++) {
      const oj = F.perm[j];
      err = Math.max(err, Math.abs(selectedEntry(S, oj, oj) - inv[oj * n + oj]));
      for (let p = F.colPtr[j]; p < F.colPtr[j + 1]; p++) {
        const oi = F.perm[F.rowIdx[p]];
        err = Math.max(err, Math.abs(S.values[p] - inv[oi * n + oj]), Math.abs(selectedEntry(S, oj, oi) - inv[oj * n + oi]));
        checked++;
      }
    }
    expect(checked).toBe(F.colPtr[n]);
    expect(checked).toBeGreaterThan(2 * n);
    expect(err).toBeLessThan(1e-12 * scale);
  });

  it('selectedEntry refuses entries outside the factor pattern', () => {
    // diagonal matrix: L has no off-diagonal entries
    const n = 4, A: SymmetricCsr = { n, rowPtr: Int32Array.of(0, 1, 2, 3, 4), colIdx: Int32Array.of(0, 1, 2, 3), values: Float64Array.of(1, 2, 3, 4) };
    const S = selectedInverse(ldltFactor(A));
    expect(selectedEntry(S, 2, 2)).toBeCloseTo(1 / 3, 15);
    expect(() => selectedEntry(S, 0, 3)).toThrow(/not in the pattern/);
  });

  it('rejects a non-permutation', () => {
    const A = randomSparseSymmetric(5, 2, 11);
    expect(() => ldltSymbolic(A, Int32Array.of(0, 1, 1, 3, 4))).toThrow(/not a permutation/);
  });
});
