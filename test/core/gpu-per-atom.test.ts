/**
 * Per-atom f32 kernels (src/core/gpu-per-atom.ts) on every available
 * backend against literal f64 loops. Tolerances follow the f32 rounding of
 * the inputs (see the module comment): squared displacement within
 * 4 |dr| ulp(max|x|) + 4 ulp(|dr|^2); kinetic energy within 1e-6 relative
 * (a product and a sum of three squares: < 8 f32 roundings of 6e-8).
 */
import { describe, expect, it } from 'vitest';
import { availableBackends } from '../../src/core/backend.ts';
import { kineticEnergies, perAtomKernel, squaredDisplacements } from '../../src/core/gpu-per-atom.ts';

const backends = (await availableBackends()).filter((p) => p.available && p.name !== 'webgpu').map((p) => p.name);

function ulp32(x: number): number {
  return x > 0 ? 2 ** (Math.floor(Math.log2(x)) - 23) : 2 ** -149;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

describe.each(backends)('backend %s', (backend) => {
  it.each([2, 3] as const)('squared displacements, %iD, unwrapped coordinates up to |x| ~ 60', (dim) => {
    const rnd = lcg(7 + dim);
    const n = 1001;
    const ref = new Float64Array(n * dim), pos = new Float64Array(n * dim);
    for (let i = 0; i < n * dim; i++) {
      ref[i] = (rnd() - 0.5) * 40;
      pos[i] = ref[i] + (rnd() - 0.5) * (i % 7 === 0 ? 30 : 0.2);
    }
    const got = squaredDisplacements(backend, dim, pos, ref);
    for (let i = 0; i < n; i++) {
      let want = 0, xmax = 0;
      for (let k = 0; k < dim; k++) {
        const d = pos[i * dim + k] - ref[i * dim + k];
        want += d * d;
        xmax = Math.max(xmax, Math.abs(pos[i * dim + k]), Math.abs(ref[i * dim + k]));
      }
      const tol = 4 * Math.sqrt(want) * ulp32(xmax) * dim + 4 * ulp32(want);
      expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(tol);
    }
  });

  it('kinetic energies 1/2 m v^2 with per-atom masses', () => {
    const rnd = lcg(3);
    const n = 777, dim = 3;
    const v = Float64Array.from({ length: n * dim }, () => (rnd() - 0.5) * 4);
    const m = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 63.546 : 1 + rnd()));
    const out = new Float64Array(n);
    expect(kineticEnergies(backend, dim, v, m, out)).toBe(out);
    for (let i = 0; i < n; i++) {
      const want = 0.5 * m[i] * (v[i * 3] ** 2 + v[i * 3 + 1] ** 2 + v[i * 3 + 2] ** 2);
      expect(Math.abs(out[i] - want)).toBeLessThanOrEqual(1e-6 * want + 1e-30);
    }
  });

  it('perAtomKernel runs any per-atom body; zero atoms give an empty result', () => {
    const x = Float64Array.from([1, -2, 3.5]);
    const got = perAtomKernel(backend, 'function (a, s) { return a[this.thread.x] * s; }', 3, [x, 2]);
    expect(Array.from(got)).toEqual([2, -4, 7]);
    expect(perAtomKernel(backend, 'function (a) { return a[this.thread.x]; }', 0, [x]).length).toBe(0);
  });
});

describe('argument checks', () => {
  it('names the mismatched array', () => {
    expect(() => squaredDisplacements('cpu', 3, new Float64Array(6), new Float64Array(5))).toThrow(/reference has length 5/);
    expect(() => kineticEnergies('cpu', 2, new Float64Array(5), new Float64Array(3))).toThrow(/velocities has length 5/);
  });
});
