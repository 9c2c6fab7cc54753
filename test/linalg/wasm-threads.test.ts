import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/linalg/dense-eigen.ts';
import { loadKernels, setThreads, startThreads } from '../../src/linalg/wasm/wasm-runtime.ts';
import { randomSymmetric } from './fixtures.ts';

describe('wasm worker threads started without blocking', () => {
  it('startThreads(2) readies the worker; the synchronous path and the eigensolver then use it', async () => {
    expect(loadKernels()).not.toBeNull();
    const threads = await startThreads(2);
    expect(threads).toBe(2);
    expect(loadKernels()!.threads).toBe(2);
    // the synchronous path finds the worker ready (no second start)
    expect(setThreads(2)).toBe(2);
    const n = 300, A = randomSymmetric(n, 5);
    const r2 = symmetricEigen(A, n, { kernel: 'wasm', threads: 2 });
    const r1 = symmetricEigen(A, n, { kernel: 'wasm', threads: 1 });
    for (let k = 0; k < n; k++) expect(Math.abs(r2.values[k] - r1.values[k])).toBeLessThan(1e-12);
  });
});
