import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleHessian, toDense } from '../../src/core/hessian.ts';
import { symmetricEigen, resolveEigenKernel, type SymmetricEigenOptions } from '../../src/linalg/dense-eigen.ts';
import { buildKernels, KERNEL_BUILDS } from '../../src/linalg/wasm/build-kernels.ts';
import { kernelVariant, preferPlainSimd } from '../../src/linalg/wasm/wasm-runtime.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { eigenChecks, jacobiEigenvalues, kaGlass, randomSymmetric } from './fixtures.ts';

const wasm1: SymmetricEigenOptions = { kernel: 'wasm', threads: 1 };
const wasm2: SymmetricEigenOptions = { kernel: 'wasm', threads: 2 };

/** max over k of 1 - |u_k . v_k| (eigenvectors as rows; equal up to sign when the spectrum is simple) */
function vectorMismatch(U: Float64Array, V: Float64Array, n: number): number {
  let worst = 0;
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += U[k * n + j] * V[k * n + j];
    worst = Math.max(worst, 1 - Math.abs(s));
  }
  return worst;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('symmetricEigen with the WebAssembly SIMD kernels', () => {
  it('the wasm kernels load here and are the default; kernel js and GLASSLAB_EIGEN_KERNEL=js select the TypeScript path', () => {
    expect(resolveEigenKernel({}, 100)).toBe('wasm');
    expect(resolveEigenKernel({ kernel: 'js' }, 100)).toBe('js');
    expect(resolveEigenKernel({}, 20000)).toBe('js'); // beyond the 4 GiB wasm32 memory
    const old = process.env.GLASSLAB_EIGEN_KERNEL;
    process.env.GLASSLAB_EIGEN_KERNEL = 'js';
    try { expect(resolveEigenKernel({}, 100)).toBe('js'); } finally {
      if (old === undefined) delete process.env.GLASSLAB_EIGEN_KERNEL; else process.env.GLASSLAB_EIGEN_KERNEL = old;
    }
    expect(() => symmetricEigen(new Float64Array(1), 1, { kernel: 'gpu' as never })).toThrow(/kernel must be 'wasm' or 'js'/);
    expect(() => symmetricEigen(new Float64Array(1), 1, { kernel: 'wasm', threads: 0 })).toThrow(/threads must be a positive integer/);
  });

  for (const n of [1, 2, 3, 63, 65]) {
    it(`n = ${n}: eigenvalues equal the literal Jacobi reference and the js kernel; A V = V Lambda, V V^T = I`, () => {
      const A = randomSymmetric(n, 500 + n);
      const r = symmetricEigen(A, n, wasm1);
      const ref = jacobiEigenvalues(A, n);
      for (let k = 0; k < n; k++) expect(Math.abs(r.values[k] - ref[k])).toBeLessThan(1e-13 * Math.max(1, n));
      const js = symmetricEigen(A, n, { kernel: 'js' });
      expect(maxDiff(r.values, js.values)).toBeLessThan(1e-13 * Math.max(1, n));
      const c = eigenChecks(A, n, r.values, r.vectors!);
      expect(c.residual).toBeLessThan(1e-14 * Math.max(4, n));
      expect(c.orthogonality).toBeLessThan(1e-14 * Math.max(4, n));
    });
  }

  it('n = 257 and 450 (blocked reduction with a fused tail, several back-transformation panels): wasm 1 thread = wasm 2 threads = js', () => {
    for (const n of [257, 450]) {
      const A = randomSymmetric(n, 77 + n);
      const r1 = symmetricEigen(A, n, wasm1);
      const r2 = symmetricEigen(A, n, wasm2);
      const js = symmetricEigen(A, n, { kernel: 'js' });
      for (const r of [r1, r2]) {
        const c = eigenChecks(A, n, r.values, r.vectors!, 60);
        expect(c.residual).toBeLessThan(2e-14 * Math.sqrt(n));
        expect(c.orthogonality).toBeLessThan(2e-14 * Math.sqrt(n));
        expect(maxDiff(r.values, js.values)).toBeLessThan(1e-12);
        expect(vectorMismatch(r.vectors!, js.vectors!, n)).toBeLessThan(1e-9);
      }
      // eigenvalues only (no vectors) take the same reduction
      const v2 = symmetricEigen(A, n, { ...wasm2, vectors: false });
      expect(v2.vectors).toBeUndefined();
      expect(maxDiff(v2.values, js.values)).toBeLessThan(1e-12);
    }
  });

  it('degenerate spectrum (multiplicity 12, blocked path, 2 threads): eigenvalues exact, orthonormal eigenbasis', () => {
    const n = 180;
    const Q = symmetricEigen(randomSymmetric(n, 4), n, wasm1).vectors!;
    const lam = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 12) - 7);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { let s = 0; for (let k = 0; k < n; k++) s += Q[k * n + i] * lam[k] * Q[k * n + j]; A[i * n + j] = s; A[j * n + i] = s; }
    const r = symmetricEigen(A, n, wasm2);
    for (let k = 0; k < n; k++) expect(Math.abs(r.values[k] - lam[k])).toBeLessThan(1e-12);
    const c = eigenChecks(A, n, r.values, r.vectors!);
    expect(c.residual).toBeLessThan(1e-12);
    expect(c.orthogonality).toBeLessThan(1e-12);
  });

  it('real KA glass Hessian (N = 216, n = 648): 2 threads = 1 thread, 3 zero translational modes, A V = V Lambda', () => {
    const sys = kaGlass(216, 3, [0, 1, 0.6]);
    const A = toDense(assembleHessian(sys, getPotential('ka')));
    const n = 648;
    const r = symmetricEigen(A, n, wasm2);
    const r1 = symmetricEigen(A, n, wasm1);
    const scale = Math.max(Math.abs(r.values[0]), Math.abs(r.values[n - 1]));
    expect(maxDiff(r.values, r1.values)).toBeLessThan(1e-13 * scale);
    for (let k = 0; k < 3; k++) expect(Math.abs(r.values[k])).toBeLessThan(1e-10 * scale);
    expect(r.values[3]).toBeGreaterThan(1e-6 * scale);
    const c = eigenChecks(A, n, r.values, r.vectors!, 40);
    expect(c.residual).toBeLessThan(1e-13 * scale);
    expect(c.orthogonality).toBeLessThan(1e-12);
  });

  it('the plain SIMD build (no fused multiply-add, used where relaxed SIMD is missing) gives the same eigenpairs', () => {
    const n = 200;
    const A = randomSymmetric(n, 3);
    const ref = symmetricEigen(A, n, wasm2);
    preferPlainSimd(true);
    try {
      const r = symmetricEigen(A, n, wasm2);
      expect(kernelVariant()).toBe('simd');
      const c = eigenChecks(A, n, r.values, r.vectors!, 30);
      expect(c.residual).toBeLessThan(1e-13);
      expect(c.orthogonality).toBeLessThan(1e-13);
      expect(maxDiff(r.values, ref.values)).toBeLessThan(1e-13);
    } finally { preferPlainSimd(false); }
    symmetricEigen(A, n, wasm1);
    expect(['simd+fma', 'simd']).toContain(kernelVariant());
  });

  it('the checked-in .wasm binaries equal a fresh build of eigen-kernels.as.ts (npm run build:wasm)', async () => {
    const built = await buildKernels();
    for (const b of KERNEL_BUILDS.filter((k) => k.file.startsWith('linalg/'))) {
      const checkedIn = readFileSync(new URL(`../../src/${b.file}`, import.meta.url));
      expect(Buffer.from(built.get(b.file)!).equals(checkedIn), `${b.file} is stale: run npm run build:wasm`).toBe(true);
    }
  }, 120_000);
});
