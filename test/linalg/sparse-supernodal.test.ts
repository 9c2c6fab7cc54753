import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/random.ts';
import { symmetricEigen } from '../../src/linalg/dense-eigen.ts';
import { csrMatVec, csrToDense, type SymmetricCsr } from '../../src/linalg/sparse-matrix.ts';
import { ldltFactor } from '../../src/linalg/sparse-ldlt.ts';
import { selectedEntry, selectedInverse } from '../../src/linalg/selected-inverse.ts';
import { supernodalEntry, supernodalFactor, supernodalSelectedInverse, supernodalSolve } from '../../src/linalg/sparse-supernodal.ts';

/**
 * Random symmetric matrix with d x d blocks on a random sparse block pattern
 * (so that the factor has supernodes of width >= d); diagonally dominant
 * (SPD) unless `shift` > 0.
 */
function randomBlockSymmetric(nb: number, d: number, perRow: number, seed: number, shift = 0): SymmetricCsr {
  const rng = new Rng(seed), n = nb * d;
  const rows: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (let I = 0; I < nb; I++) for (let t = 0; t < perRow / 2; t++) {
    const J = Math.floor(rng.uniform() * nb);
    if (J === I) continue;
    for (let x = 0; x < d; x++) for (let y = 0; y < d; y++) { const v = rng.uniform() - 0.5; rows[I * d + x].set(J * d + y, v); rows[J * d + y].set(I * d + x, v); }
  }
  for (let I = 0; I < nb; I++) for (let x = 0; x < d; x++) for (let y = 0; y < x; y++) { const v = 0.3 * (rng.uniform() - 0.5); rows[I * d + x].set(I * d + y, v); rows[I * d + y].set(I * d + x, v); }
  for (let i = 0; i < n; i++) { let s = 0; for (const [j, v] of rows[i]) if (j !== i) s += Math.abs(v); rows[i].set(i, s + 0.1 + rng.uniform() - shift); }
  const rowPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowPtr[i + 1] = rowPtr[i] + rows[i].size;
  const colIdx = new Int32Array(rowPtr[n]), values = new Float64Array(rowPtr[n]);
  for (let i = 0; i < n; i++) { let o = rowPtr[i]; for (const [j, v] of rows[i]) { colIdx[o] = j; values[o++] = v; } }
  return { n, rowPtr, colIdx, values };
}

function blockPermutation(nb: number, d: number, seed: number): Int32Array {
  const rng = new Rng(seed), p = Int32Array.from({ length: nb }, (_, k) => k);
  for (let k = nb - 1; k > 0; k--) { const r = Math.floor(rng.uniform() * (k + 1)); const t = p[k]; p[k] = p[r]; p[r] = t; }
  const out = new Int32Array(nb * d);
  for (let k = 0; k < nb; k++) for (let x = 0; x < d; x++) out[k * d + x] = p[k] * d + x;
  return out;
}

function relativeResidual(A: SymmetricCsr, x: Float64Array, b: Float64Array): number {
  const r = csrMatVec(A, x);
  let num = 0, den = 0;
  for (let i = 0; i < A.n; i++) { num += (r[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

describe('supernodal LDL^T and selected inversion', () => {
  const nb = 120, d = 3, A = randomBlockSymmetric(nb, d, 5, 1), perm = blockPermutation(nb, d, 2);
  const S = supernodalFactor(A, perm);
  const ref = ldltFactor(A, perm);

  it('has supernodes wider than one column, the same nnz(L) and the same pivots D as the scalar factor', () => {
    const ns = S.superStart.length - 1;
    expect(ns).toBeLessThan(A.n / 2);
    expect(S.nnzL).toBe(ref.colPtr[A.n]);
    let err = 0;
    for (let k = 0; k < A.n; k++) err = Math.max(err, Math.abs(S.d[k] - ref.d[k]) / Math.abs(ref.d[k]));
    expect(err).toBeLessThan(1e-12);
  });

  it('fundamental supernodes only (no relaxation) store exactly nnz(L) + the dense diagonal blocks, and give the same pivots', () => {
    const Fu = supernodalFactor(A, perm, { relaxedZeros: 0, relaxedWidth: 1 });
    let diagBlocks = 0;
    for (let s = 0; s + 1 < Fu.superStart.length; s++) { const w = Fu.superStart[s + 1] - Fu.superStart[s]; diagBlocks += (w * (w + 1)) / 2; }
    expect(Fu.values.length).toBe(Fu.nnzL + diagBlocks);
    expect(S.values.length).toBeGreaterThan(Fu.values.length);
    for (let k = 0; k < A.n; k++) expect(Math.abs(Fu.d[k] - S.d[k])).toBeLessThan(1e-12 * Math.abs(S.d[k]));
    expect(() => supernodalFactor(A, perm, { relaxedZeros: 1 })).toThrow(/relaxedZeros/);
  });

  it('solves A x = b to 1e-10 relative', () => {
    const rng = new Rng(3), b = Float64Array.from({ length: A.n }, () => rng.uniform() - 0.5);
    expect(relativeResidual(A, supernodalSolve(S, b), b)).toBeLessThan(1e-10);
  });

  it('selected inverse equals the scalar Takahashi result on the whole pattern of L, and the dense inverse', () => {
    const Z = supernodalSelectedInverse(S), R = selectedInverse(ref);
    const inv = symmetricEigen(csrToDense(A), A.n);
    // dense inverse from the eigen decomposition (independent of both factorizations)
    const n = A.n, V = inv.vectors!, Dinv = new Float64Array(n * n);
    for (let k = 0; k < n; k++) { const l = 1 / inv.values[k]; for (let i = 0; i < n; i++) { const vi = V[k * n + i] * l; for (let j = 0; j < n; j++) Dinv[i * n + j] += vi * V[k * n + j]; } }
    let scale = 0;
    for (let q = 0; q < n * n; q++) scale = Math.max(scale, Math.abs(Dinv[q]));
    let errScalar = 0, errDense = 0, checked = 0;
    for (let j = 0; j < n; j++) {
      const oj = ref.perm[j];
      errScalar = Math.max(errScalar, Math.abs(supernodalEntry(S, Z, oj, oj) - selectedEntry(R, oj, oj)));
      for (let p = ref.colPtr[j]; p < ref.colPtr[j + 1]; p++) {
        const oi = ref.perm[ref.rowIdx[p]];
        const z = supernodalEntry(S, Z, oi, oj);
        errScalar = Math.max(errScalar, Math.abs(z - R.values[p]));
        errDense = Math.max(errDense, Math.abs(z - Dinv[oi * n + oj]));
        checked++;
      }
    }
    expect(checked).toBe(S.nnzL);
    expect(errScalar).toBeLessThan(1e-12 * scale);
    expect(errDense).toBeLessThan(1e-10 * scale);
  });

  it('indefinite: negative pivots equal the negative eigenvalues (Sylvester), and the solve still holds', () => {
    const B = randomBlockSymmetric(60, 3, 4, 4, 3.0), p = blockPermutation(60, 3, 5);
    const F = supernodalFactor(B, p);
    const neg = symmetricEigen(csrToDense(B), B.n, { vectors: false }).values.filter((v) => v < 0).length;
    expect(neg).toBeGreaterThan(0);
    expect(F.negativePivots).toBe(neg);
    const rng = new Rng(6), b = Float64Array.from({ length: B.n }, () => rng.uniform() - 0.5);
    expect(relativeResidual(B, supernodalSolve(F, b), b)).toBeLessThan(1e-10);
  });

  it('one wide supernode (dense 260 x 260 SPD, beyond the blocked kernels\' block sizes): solve and full inverse match the dense eigen-decomposition', () => {
    const n = 260, rowPtr = new Int32Array(n + 1), colIdx = new Int32Array(n * n), values = new Float64Array(n * n);
    const rng = new Rng(7);
    const M = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { const v = i === j ? 8 + rng.uniform() : (rng.uniform() - 0.5) / Math.sqrt(1 + Math.abs(i - j)); M[i * n + j] = v; M[j * n + i] = v; }
    for (let i = 0; i < n; i++) { rowPtr[i + 1] = (i + 1) * n; for (let j = 0; j < n; j++) { colIdx[i * n + j] = j; values[i * n + j] = M[i * n + j]; } }
    const A: SymmetricCsr = { n, rowPtr, colIdx, values };
    const perm = Int32Array.from({ length: n }, (_, k) => (k * 7) % n);
    const F = supernodalFactor(A, perm);
    expect(F.superStart.length - 1).toBe(1);
    const b = Float64Array.from({ length: n }, () => rng.uniform() - 0.5);
    expect(relativeResidual(A, supernodalSolve(F, b), b)).toBeLessThan(1e-12);
    const { values: lam, vectors } = symmetricEigen(M, n);
    const V = vectors!, Z = supernodalSelectedInverse(F);
    let err = 0, scale = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let ref = 0;
      for (let k = 0; k < n; k++) ref += (V[k * n + i] * V[k * n + j]) / lam[k];
      err = Math.max(err, Math.abs(supernodalEntry(F, Z, i, j) - ref));
      scale = Math.max(scale, Math.abs(ref));
    }
    expect(err).toBeLessThan(1e-12 * scale);
  });

  it('the wasm block products (1 and 2 threads) and the TypeScript ones give the same factor and inverse to rounding', () => {
    const F = supernodalFactor(A, perm, { kernel: 'js' }), Zj = supernodalSelectedInverse(F, { kernel: 'js' });
    let widest = 0;
    for (let s = 0; s + 1 < F.superStart.length; s++) widest = Math.max(widest, F.superStart[s + 1] - F.superStart[s]);
    expect(widest).toBeGreaterThanOrEqual(48); // products large enough to go to wasm
    let scale = 0;
    for (const z of Zj) scale = Math.max(scale, Math.abs(z));
    for (const threads of [1, 2]) {
      const W = supernodalFactor(A, perm, { kernel: 'wasm', threads }), Zw = supernodalSelectedInverse(W, { kernel: 'wasm', threads });
      let errD = 0, errZ = 0;
      for (let k = 0; k < A.n; k++) errD = Math.max(errD, Math.abs(W.d[k] - F.d[k]) / Math.abs(F.d[k]));
      for (let q = 0; q < Zj.length; q++) errZ = Math.max(errZ, Math.abs(Zw[q] - Zj[q]));
      expect(errD).toBeLessThan(1e-12);
      expect(errZ).toBeLessThan(1e-12 * scale);
    }
    expect(() => supernodalFactor(A, perm, { kernel: 'gpu' as 'js' })).toThrow(/option kernel must be 'wasm' or 'js'/);
    expect(() => supernodalSelectedInverse(F, { threads: 0 })).toThrow(/option threads must be a positive integer/);
  });

  it('stops at a zero pivot with an error that names the step', () => {
    const n = 6, rowPtr = new Int32Array(n + 1), colIdx = new Int32Array(3 * n), values = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) { rowPtr[i + 1] = 3 * (i + 1); colIdx.set([(i + n - 1) % n, i, (i + 1) % n], 3 * i); values.set([-1, 2, -1], 3 * i); }
    expect(() => supernodalFactor({ n, rowPtr, colIdx, values })).toThrow(/zero pivot .* step 5/);
  });
});
