import { describe, expect, it } from 'vitest';
import { assembleHessian } from '../../src/core/hessian.ts';
import { kpmCumulative, kpmDensity, kpmMoments } from '../../src/linalg/kpm.ts';
import { vdosHistogram } from '../../src/linalg/mode-analysis.ts';
import { allModes, kpmVdos } from '../../src/linalg/normal-modes.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { kaGlass } from './fixtures.ts';

describe('kernel polynomial method', () => {
  it('diagonal operator with known spectrum: stochastic moments match the exact Chebyshev moments', () => {
    const n = 400;
    const lam = Float64Array.from({ length: n }, (_, i) => 3 * Math.sin((i * 1.3) % Math.PI) ** 2); // in [0, 3]
    const km = kpmMoments(n, (x, y) => { for (let i = 0; i < n; i++) y[i] = lam[i] * x[i]; }, { moments: 40, vectors: 30, bounds: [-0.1, 3.1] });
    for (let m = 0; m < 40; m++) {
      let exact = 0;
      for (const l of lam) exact += Math.cos(m * Math.acos((l - km.center) / km.halfWidth));
      exact /= n;
      expect(Math.abs(km.moments[m] - exact)).toBeLessThan(0.03); // stochastic error ~ 1/sqrt(R n) = 0.009
    }
    expect(km.moments[0]).toBeCloseTo(1, 12); // +-1 vectors: <r|r> = n exactly
  });

  it('density integrates to 1 and is the derivative of the cumulative', () => {
    const n = 200;
    const km = kpmMoments(n, (x, y) => { for (let i = 0; i < n; i++) y[i] = (i / n) * x[i]; }, { moments: 64, vectors: 4, bounds: [-0.05, 1.05] });
    let integral = 0;
    const steps = 4000, lo = -0.05, hi = 1.05, h = (hi - lo) / steps;
    for (let s = 0; s < steps; s++) integral += kpmDensity(km, lo + (s + 0.5) * h) * h;
    expect(integral).toBeCloseTo(1, 3);
    for (const l of [0.2, 0.5, 0.8]) {
      const fd = (kpmCumulative(km, l + 1e-5) - kpmCumulative(km, l - 1e-5)) / 2e-5;
      expect(fd).toBeCloseTo(kpmDensity(km, l), 4);
    }
    expect(kpmCumulative(km, 2)).toBe(1);
    expect(kpmCumulative(km, -1)).toBe(0);
  });

  it('bounds that cut the spectrum are reported, not turned into garbage', () => {
    const n = 50;
    expect(() => kpmMoments(n, (x, y) => { for (let i = 0; i < n; i++) y[i] = i * x[i]; }, { bounds: [0, 10], moments: 40 }))
      .toThrow(/spectrum leaves the bounds \[0, 10\]; pass option bounds/);
  });

  it('KA glass (N = 216): KPM VDOS converges to the exact DM-VDOS histogram (cumulative within 0.02)', () => {
    const glass = kaGlass(216, 3, [0, 1, 0.6]);
    const H = assembleHessian(glass, getPotential('ka'), { massWeighted: true });
    const exact = allModes(H, { masses: glass.masses });
    const k = kpmVdos(H, { masses: glass.masses, bins: 25, maxFrequency: 50, moments: 128, vectors: 20 });
    const h = vdosHistogram(exact.frequencies, { bins: 25, max: 50 });
    let ck = 0, ce = 0, worst = 0;
    for (let b = 0; b < 25; b++) {
      ck += k.density[b] * 2; ce += h.density[b] * 2;
      worst = Math.max(worst, Math.abs(ck - ce));
    }
    expect(worst).toBeLessThan(0.02);
    expect(ck).toBeCloseTo(1, 2);
    // the upper spectral bound encloses the largest eigenvalue
    expect(k.moments.center + k.moments.halfWidth).toBeGreaterThan(exact.eigenvalues[exact.count - 1]);
  });
});
