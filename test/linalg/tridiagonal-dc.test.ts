import { describe, expect, it } from 'vitest';
import { gemm } from '../../src/linalg/gemm.ts';
import { symmetricEigen } from '../../src/linalg/dense-eigen.ts';
import { tridiagonalEigenDC } from '../../src/linalg/tridiagonal-dc.ts';
import { tridiagonalQL } from '../../src/linalg/tridiagonal-ql.ts';
import { Rng } from '../../src/util/random.ts';
import { randomSymmetric } from './fixtures.ts';

/** max |T u - lambda u| / ||T|| and max |U U^T - I| for eigenvectors as rows */
function tridiagonalChecks(d: Float64Array, e: Float64Array, n: number, values: Float64Array, V: Float64Array): { residual: number; orthogonality: number } {
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(d[i]) + Math.abs(e[i] ?? 0) + (i > 0 ? Math.abs(e[i - 1]) : 0));
  let residual = 0, orthogonality = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let s = d[i] * V[k * n + i];
      if (i > 0) s += e[i - 1] * V[k * n + i - 1];
      if (i < n - 1) s += e[i] * V[k * n + i + 1];
      residual = Math.max(residual, Math.abs(s - values[k] * V[k * n + i]) / Math.max(scale, Number.MIN_VALUE));
    }
    for (let l = 0; l <= k; l++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += V[k * n + j] * V[l * n + j];
      orthogonality = Math.max(orthogonality, Math.abs(s - (k === l ? 1 : 0)));
    }
  }
  return { residual, orthogonality };
}

const cases: Record<string, (n: number, rng: Rng) => [Float64Array, Float64Array]> = {
  'random entries': (n, rng) => [Float64Array.from({ length: n }, () => rng.uniform() - 0.5), Float64Array.from({ length: n }, () => rng.uniform() - 0.5)],
  '1D Laplacian (close eigenvalues)': (n) => [new Float64Array(n).fill(2), new Float64Array(n).fill(-1)],
  'Wilkinson W+ (pairs equal to many digits)': (n) => [Float64Array.from({ length: n }, (_, i) => Math.abs(i - (n - 1) / 2)), new Float64Array(n).fill(1)],
  'diagonal (everything deflates)': (n, rng) => [Float64Array.from({ length: n }, () => Math.floor(4 * rng.uniform())), new Float64Array(n)],
  'weakly glued blocks with repeated diagonals': (n) => [Float64Array.from({ length: n }, (_, i) => i % 7), new Float64Array(n).fill(1e-10)],
  'graded (entries over 12 decades)': (n) => [Float64Array.from({ length: n }, (_, i) => 10 ** (-12 * i / n)), Float64Array.from({ length: n }, (_, i) => 0.3 * 10 ** (-12 * i / n))],
};

describe('tridiagonalEigenDC (divide and conquer)', () => {
  for (const [name, make] of Object.entries(cases)) {
    for (const n of [5, 77, 200]) {
      it(`${name}, n = ${n}: eigenvalues equal implicit QL; T U = U Lambda; U orthonormal`, () => {
        const [d, e] = make(n, new Rng(n));
        const r = tridiagonalEigenDC(d, e, n);
        const dq = d.slice(), eq = e.slice();
        tridiagonalQL(dq, eq, n);
        let scale = 0;
        for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(dq[i]));
        for (let k = 0; k < n; k++) expect(Math.abs(r.values[k] - dq[k])).toBeLessThan(1e-13 * Math.max(scale, 1e-300) * Math.sqrt(n));
        const c = tridiagonalChecks(d, e, n, r.values, r.vectors);
        expect(c.residual).toBeLessThan(1e-14 * n);
        expect(c.orthogonality).toBeLessThan(1e-14 * n);
      });
    }
  }

  it('symmetricEigen with method dc and method ql agree on a random matrix (n = 150)', () => {
    const n = 150;
    const A = randomSymmetric(n, 31);
    const a = symmetricEigen(A, n, { method: 'dc' }), b = symmetricEigen(A, n, { method: 'ql' });
    for (let k = 0; k < n; k++) expect(a.values[k]).toBeCloseTo(b.values[k], 12);
    // eigenvectors equal up to sign (random spectra are simple)
    for (let k = 0; k < n; k += 7) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a.vectors![k * n + j] * b.vectors![k * n + j];
      expect(Math.abs(s)).toBeCloseTo(1, 10);
    }
    expect(() => symmetricEigen(A, n, { method: 'qr' as 'ql' })).toThrow(/option method must be 'dc' or 'ql'/);
  });
});

describe('gemm', () => {
  it('equals the literal triple loop for odd sizes, strided views, and the subtracting form', () => {
    const rng = new Rng(5);
    for (const [M, N, K] of [[1, 1, 1], [5, 7, 3], [9, 13, 300], [130, 6, 260]]) {
      const A = Float64Array.from({ length: M * (K + 2) }, () => rng.uniform() - 0.5); // stride K + 2, offset 1
      const B = Float64Array.from({ length: K * N }, () => rng.uniform() - 0.5);
      const C0 = Float64Array.from({ length: M * (N + 3) }, () => rng.uniform());
      const C = C0.slice();
      gemm(M, N, K, { data: A, offset: 1, stride: K + 2 }, { data: B, offset: 0, stride: N }, { data: C, offset: 2, stride: N + 3 }, true);
      const D = new Float64Array(M * N);
      gemm(M, N, K, { data: A, offset: 1, stride: K + 2 }, { data: B, offset: 0, stride: N }, { data: D, offset: 0, stride: N });
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let p = 0; p < K; p++) s += A[1 + i * (K + 2) + p] * B[p * N + j];
          expect(D[i * N + j]).toBeCloseTo(s, 12);
          expect(C[2 + i * (N + 3) + j]).toBeCloseTo(C0[2 + i * (N + 3) + j] - s, 12);
        }
        // entries outside the view are untouched
        expect(C[i * (N + 3)]).toBe(C0[i * (N + 3)]);
      }
    }
  });
});
