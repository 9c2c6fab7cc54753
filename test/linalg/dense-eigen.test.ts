import { describe, expect, it } from 'vitest';
import { symmetricEigen, tridiagonalize } from '../../src/linalg/dense-eigen.ts';
import { tridiagonalQL } from '../../src/linalg/tridiagonal-ql.ts';
import { eigenChecks, jacobiEigenvalues, randomSymmetric } from './fixtures.ts';

describe('symmetricEigen (Householder + divide and conquer / implicit QL)', () => {
  for (const [n, method] of [[1, 'dc'], [2, 'dc'], [3, 'ql'], [4, 'dc'], [7, 'ql'], [33, 'dc'], [70, 'ql'], [90, 'dc']] as const) {
    it(`n = ${n}, method ${method}: eigenvalues equal the literal Jacobi reference; A V = V Lambda, V V^T = I`, () => {
      const A = randomSymmetric(n, 100 + n);
      const r = symmetricEigen(A, n, { method });
      const ref = jacobiEigenvalues(A, n);
      for (let k = 0; k < n; k++) expect(Math.abs(r.values[k] - ref[k])).toBeLessThan(1e-12 * Math.max(1, n));
      for (let k = 1; k < n; k++) expect(r.values[k]).toBeGreaterThanOrEqual(r.values[k - 1]);
      const c = eigenChecks(A, n, r.values, r.vectors!);
      expect(c.residual).toBeLessThan(1e-13 * n);
      expect(c.orthogonality).toBeLessThan(1e-13 * n);
    });
  }

  it('n = 300 (several reflector panels, several divide-and-conquer levels): residual and orthogonality at working precision', () => {
    const n = 300;
    const A = randomSymmetric(n, 9);
    const r = symmetricEigen(A, n);
    const c = eigenChecks(A, n, r.values, r.vectors!);
    expect(c.residual).toBeLessThan(1e-12);
    expect(c.orthogonality).toBeLessThan(1e-12);
    // trace and Frobenius norm are invariants
    let tr = 0, fro = 0, sv = 0, sv2 = 0;
    for (let i = 0; i < n; i++) tr += A[i * n + i];
    for (const x of A) fro += x * x;
    for (const l of r.values) { sv += l; sv2 += l * l; }
    expect(sv).toBeCloseTo(tr, 10);
    expect(sv2).toBeCloseTo(fro, 9);
  });

  it('values-only mode gives the same eigenvalues; the input is not modified unless overwrite', () => {
    const n = 50;
    const A = randomSymmetric(n, 3);
    const copy = A.slice();
    const all = symmetricEigen(A, n);
    const vals = symmetricEigen(A, n, { vectors: false });
    expect(vals.vectors).toBeUndefined();
    for (let k = 0; k < n; k++) expect(vals.values[k]).toBeCloseTo(all.values[k], 13);
    expect(A).toEqual(copy);
    const overDc = symmetricEigen(A.slice(), n, { overwrite: true });
    for (let k = 0; k < n; k++) expect(overDc.values[k]).toBeCloseTo(all.values[k], 13);
    const over = symmetricEigen(A, n, { overwrite: true, method: 'ql' });
    expect(over.vectors).toBe(A); // 'ql' needs no second n x n array
  });

  it('degenerate spectrum (known eigenvalues, multiplicity 5): orthonormal eigenbasis of each eigenspace', () => {
    // A = Q diag(lambda) Q^T with a random orthogonal Q (from a previous solve) and repeated lambda
    const n = 40;
    const Q = symmetricEigen(randomSymmetric(n, 4), n).vectors!;
    const lam = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 5) - 3);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += Q[k * n + i] * lam[k] * Q[k * n + j]; A[i * n + j] = s; }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[j * n + i] = A[i * n + j];
    const r = symmetricEigen(A, n);
    for (let k = 0; k < n; k++) expect(Math.abs(r.values[k] - lam[k])).toBeLessThan(1e-13);
    const c = eigenChecks(A, n, r.values, r.vectors!);
    expect(c.residual).toBeLessThan(1e-13);
    expect(c.orthogonality).toBeLessThan(1e-13);
  });

  it('tridiagonalize: Q^T A Q is the tridiagonal T it reports (checked through the eigenvalues of T)', () => {
    const n = 25;
    const A = randomSymmetric(n, 12);
    const d = new Float64Array(n), e = new Float64Array(n);
    tridiagonalize(A.slice(), n, d, e, new Float64Array(n));
    const T = new Float64Array(n * n);
    for (let i = 0; i < n; i++) { T[i * n + i] = d[i]; if (i < n - 1) { T[(i + 1) * n + i] = e[i]; T[i * n + i + 1] = e[i]; } }
    const refA = jacobiEigenvalues(A, n), refT = jacobiEigenvalues(T, n);
    for (let k = 0; k < n; k++) expect(refT[k]).toBeCloseTo(refA[k], 12);
  });

  it('tridiagonalQL on the 1D Laplacian tridiag(-1, 2, -1): lambda_k = 2 - 2 cos(k pi / (n + 1))', () => {
    const n = 64;
    const d = new Float64Array(n).fill(2), e = new Float64Array(n).fill(-1);
    tridiagonalQL(d, e, n);
    for (let k = 1; k <= n; k++) expect(d[k - 1]).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / (n + 1)), 13);
  });

  it('errors name the problem: wrong size, asymmetric input, NaN', () => {
    expect(() => symmetricEigen(new Float64Array(5), 2)).toThrow(/expected n\*n = 4/);
    const A = randomSymmetric(4, 1);
    A[1 * 4 + 3] += 1e-3;
    expect(() => symmetricEigen(A, 4)).toThrow(/not symmetric: A\[3, 1\]/);
    const B = randomSymmetric(3, 1);
    B[4] = NaN;
    expect(() => symmetricEigen(B, 3)).toThrow(/A\[1, 1\] = NaN is not finite/);
  });
});
