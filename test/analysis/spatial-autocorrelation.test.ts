import { describe, expect, it } from 'vitest';
import { fitCorrelationLength, spatialAutocorrelation } from '../../src/analysis/statistics/spatial.ts';
import { cellGeometry, maxListRadius } from '../../src/neighbor/cell-geometry.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { mulberry32, poissonSystem } from '../support/random.ts';

const poisson = poissonSystem;

/** The literal version: every pair, every image in -1..1 along each edge vector, nearest image kept. */
function literalC(sys: System, f: ArrayLike<number>, rMax: number, dr: number) {
  const n = sys.n, L = sys.box.lengths, p = sys.positions;
  const a = [L[0], 0, 0], b = [sys.box.xy, L[1], 0], c = [sys.box.xz, sys.box.yz, L[2]];
  const mean = Array.from(f).reduce((s, v) => s + v, 0) / n;
  const var_ = Array.from(f).reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  const nb = Math.ceil(rMax / dr), sum = new Array(nb).fill(0), count = new Array(nb).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let best = Infinity;
      for (let u = -1; u <= 1; u++) for (let v = -1; v <= 1; v++) for (let w = -1; w <= 1; w++) {
        const d = [0, 1, 2].map((k) => p[3 * j + k] - p[3 * i + k] + u * a[k] + v * b[k] + w * c[k]);
        best = Math.min(best, Math.hypot(d[0], d[1], d[2]));
      }
      if (best >= rMax) continue;
      const k = Math.floor(best / dr);
      sum[k] += (f[i] - mean) * (f[j] - mean);
      count[k]++;
    }
  }
  return { C: sum.map((s, k) => (count[k] > 0 ? s / count[k] / var_ : NaN)), count };
}

describe('spatialAutocorrelation', () => {
  it('equals the literal all-pairs, all-images loop in a tilted cell, by cell list and by all pairs', () => {
    const sys = poisson(400, 8, { xy: 2.5, xz: -1.5, yz: 1 }, 3);
    const rnd = mulberry32(9), f = Float64Array.from({ length: sys.n }, (_, i) => Math.sin(sys.positions[3 * i]) + rnd());
    const lit = literalC(sys, f, 3.2, 0.4);
    const fast = spatialAutocorrelation(sys, f, { rMax: 3.2, dr: 0.4 });
    expect(fast.method).toBe('cell-list');
    expect(Array.from(fast.count)).toEqual(lit.count);
    fast.C.forEach((v, k) => expect(v).toBeCloseTo(lit.C[k], 12));
    // past half the smallest width of this cell: the all-pairs path
    const half = maxListRadius(cellGeometry(sys.box));
    expect(half).toBeGreaterThan(3.2);
    const all = spatialAutocorrelation(sys, f, { rMax: 0.4 * Math.ceil(half / 0.4 + 1e-9), dr: 0.4 });
    expect(all.method).toBe('all-pairs');
    expect(Array.from(all.count.subarray(0, 8))).toEqual(lit.count);
    all.C.subarray(0, 8).forEach((v, k) => expect(v).toBeCloseTo(lit.C[k], 12));
  });

  // Expected error of C at a shell with M pairs among N atoms: the pair noise
  // ~ 1/sqrt(M) plus the terms that every pair of one atom shares (the mean,
  // the variance, the cos(k.(r_i + r_j)) part of the plane wave) ~ 1/sqrt(N).
  // Over 6 seeds the largest |C - sinc| / (1/sqrt(N) + 1/sqrt(M)) was 1.15; we allow 3.
  it('of a plane wave cos(k.r) on random points is sin(kr)/(kr) in 3D', () => {
    const N = 3000, L = 14.4, sys = poisson(N, L, { xy: 0, xz: 0, yz: 0 }, 1);
    const kx = (2 * Math.PI / L) * 3;
    const f = Float64Array.from({ length: N }, (_, i) => Math.cos(kx * sys.positions[3 * i]));
    const c = spatialAutocorrelation(sys, f, { rMax: 6, dr: 0.25 });
    c.r.forEach((r, k) => {
      const sigma = 1 / Math.sqrt(N) + 1 / Math.sqrt(c.count[k]);
      expect(Math.abs(c.C[k] - Math.sin(kx * r) / (kx * r))).toBeLessThan(3 * sigma);
    });
  });

  // White noise: C(r > 0) is a mean of M products of independent unit-variance
  // deviates, so sd(C) = 1/sqrt(M). Over 24 shells the largest |C| sqrt(M)
  // was 1.7 to 2.5 over 6 seeds; the bound 4 fails by chance with p ~ 24 x 6e-5.
  it('of white noise is 0 within 4/sqrt(pairs in the shell)', () => {
    const N = 3000, sys = poisson(N, 14.4, { xy: 1, xz: 0, yz: -2 }, 2), rnd = mulberry32(4);
    const c = spatialAutocorrelation(sys, Float64Array.from({ length: N }, () => rnd() - 0.5), { rMax: 6, dr: 0.25 });
    c.C.forEach((v, k) => expect(Math.abs(v)).toBeLessThan(4 / Math.sqrt(c.count[k])));
  });

  it('recovers xi from C = exp(-r/xi) by the log-linear fit, whatever the prefactor', () => {
    const r = Float64Array.from({ length: 40 }, (_, k) => 0.1 + 0.2 * k);
    const fit = fitCorrelationLength(r, Float64Array.from(r, (x) => 0.3 * Math.exp(-x / 2.2)), [0, 10]);
    expect(fit.xi).toBeCloseTo(2.2, 10);
    expect(fit.amplitude).toBeCloseTo(0.3, 10);
    expect(fit.points).toBe(40);
    // negative and zero values are left out of the log fit
    const noisy = Float64Array.from(r, (x, k) => (k % 7 === 6 ? -0.01 : Math.exp(-x / 1.3)));
    expect(fitCorrelationLength(r, noisy, [0, 10]).xi).toBeCloseTo(1.3, 10);
    expect(fitCorrelationLength(r, noisy, [0, 10]).points).toBe(35);
    expect(fitCorrelationLength(r, noisy, [1, 2]).rFrom).toBeCloseTo(1.1, 12);
  });

  it('recovers xi of a field built from exponential kernels, and a reference shell only rescales C', () => {
    // F_i = sum_j exp(-|r_i - c_j| / a) over random centres: C(r) is the kernel's self-convolution,
    // not a pure exponential, so only the order of xi is checked (a = 0.8 gives xi = 1.50 on [0.5, 3])
    const N = 2000, L = 12.6, sys = poisson(N, L, { xy: 0, xz: 0, yz: 0 }, 5), rnd = mulberry32(6);
    const centres = Array.from({ length: 60 }, () => [L * rnd(), L * rnd(), L * rnd()]);
    const half = L / 2, a = 0.8;
    const f = Float64Array.from({ length: N }, (_, i) => centres.reduce((s, c) => {
      const d = [0, 1, 2].map((k) => { let x = sys.positions[3 * i + k] - c[k]; x -= L * Math.round(x / L); return Math.abs(x) > half ? L - Math.abs(x) : x; });
      return s + Math.exp(-Math.hypot(d[0], d[1], d[2]) / a);
    }, 0));
    const plain = spatialAutocorrelation(sys, f, { rMax: 5, dr: 0.25, fitRange: [0.5, 3] });
    expect(plain.xi).toBeGreaterThan(0.5 * a);
    expect(plain.xi).toBeLessThan(4 * a);
    expect(plain.C[0]).toBeGreaterThan(0.8);
    const ref = spatialAutocorrelation(sys, f, { rMax: 5, dr: 0.25, reference: 0.5, fitRange: [0.5, 3] });
    expect(ref.C[2]).toBe(1);
    ref.C.forEach((v, k) => expect(v * plain.C[2]).toBeCloseTo(plain.C[k], 12));
    expect(ref.xi).toBeCloseTo(plain.xi, 10);
    expect(ref.summary()).toMatch(/^xi /);
  });

  it('fits by default from the first shell with C > 0 (a checkerboard: C = -1 at the nearest neighbours, +1 at the second)', () => {
    const m = 6, pos: number[] = [], f: number[] = [];
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) { pos.push(i, j, k); f.push((i + j + k) % 2 ? 1 : -1); }
    const c = spatialAutocorrelation(createSystem({ box: Box.cube(3, m), positions: pos }), f, { rMax: 2.5, dr: 0.1 });
    expect(c.C[10]).toBeCloseTo(-1, 12); // r = 1
    expect(c.C[14]).toBeCloseTo(1, 12); // r = sqrt(2)
    expect([c.rFrom, c.rTo, c.points]).toEqual([c.r[14], c.r[14], 1]);
  });

  it('rejects bad input', () => {
    const sys = poisson(50, 5, { xy: 0, xz: 0, yz: 0 }, 1);
    expect(() => spatialAutocorrelation(sys, new Float64Array(49), { rMax: 2, dr: 0.1 })).toThrow(/49 values for 50 atoms/);
    expect(() => spatialAutocorrelation(sys, new Float64Array(50), { rMax: 2, dr: 0.1 })).toThrow(/constant/);
    expect(() => spatialAutocorrelation(sys, Float64Array.from({ length: 50 }, (_, i) => i), { rMax: 2, dr: 0 })).toThrow(/dr/);
    expect(() => spatialAutocorrelation(sys, Float64Array.from({ length: 50 }, (_, i) => i), { rMax: 2, dr: 0.01, reference: 0.001 })).toThrow(/reference shell/);
  });
});
