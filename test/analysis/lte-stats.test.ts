/**
 * LTE statistics: the Hill/Clauset tail fit recovers the exponent of Pareto
 * samples (with a non-power-law body below xmin) within its errors, equals a
 * literal grid maximisation of the power-law log-likelihood, and the log
 * histogram is a normalised density.
 */
import { describe, expect, it } from 'vitest';
import { lteDistribution, lteLogHistogram, lteTailFit } from '../../src/analysis/lte/stats.ts';
import { mulberry32 } from '../support/random.ts';

function sample(n: number, alpha: number, xmin: number, seed: number): number[] {
  const u = mulberry32(seed);
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(xmin * Math.pow(1 - u(), -1 / (alpha - 1))); // Pareto tail
  for (let k = 0; k < n; k++) out.push(xmin * u()); // a flat body below xmin
  return out;
}

describe('LTE tail statistics', () => {
  it('pools glasses: the positive histogram leaves out E <= 0, the absolute one does not', () => {
    const a = sample(300, 2.25, 1, 1), b = sample(300, 2.25, 1, 2).map((v) => -v);
    const d = lteDistribution([a, b], { bins: 20, fit: { bootstrap: 0, minTail: 20 } });
    expect(d.count).toBe(1200);
    const mass = (h: typeof d.positive) => h.density.reduce((s, p, k) => s + p * (h.edges[k + 1] - h.edges[k]), 0);
    expect(mass(d.positive)).toBeCloseTo(0.5, 10);
    expect(mass(d.absolute)).toBeCloseTo(1, 10);
    expect(d.absoluteFit.nTail).toBeGreaterThan(d.positiveFit.nTail);
  });

  it('recovers alpha = 9/4 and xmin from a Pareto tail above a flat body', () => {
    const x = sample(3000, 2.25, 2, 7);
    const f = lteTailFit(x, { bootstrap: 30, seed: 2 });
    expect(f.exponent).toBeCloseTo(-f.alpha, 15);
    expect(Math.abs(f.alpha - 2.25)).toBeLessThan(3 * f.stdError);
    expect(f.xmin).toBeGreaterThan(1.6);
    expect(f.xmin).toBeLessThan(10); // KS may keep a shorter tail than the true one
    expect(f.bootstrapStd).toBeGreaterThan(0.3 * f.stdError);
    expect(f.bootstrapStd).toBeLessThan(5 * f.stdError);
  });

  it('goodness of fit: a power law passes, the same tail cut off at 10 xmin fails', () => {
    const pure = sample(1000, 2.25, 1, 11);
    const ok = lteTailFit(pure, { bootstrap: 20, goodnessOfFit: 50, seed: 4 });
    expect(Math.abs(ok.alpha - 2.25)).toBeLessThan(3 * ok.stdError);
    expect(ok.pValue).toBeGreaterThan(0.1);
    expect(ok.xminBootstrapStd).toBeGreaterThan(0);
    // the same tail with every value above 10 xmin left out (a largest E, as in small glasses)
    const cut = pure.filter((v) => v < 10);
    const bad = lteTailFit(cut, { bootstrap: 0, goodnessOfFit: 50, seed: 4 });
    expect(bad.pValue).toBeLessThanOrEqual(0.1);
    expect(bad.alpha).toBeGreaterThan(ok.alpha); // the cut-off tail fits steeper
    expect(Number.isNaN(lteTailFit(pure, { bootstrap: 0 }).pValue)).toBe(true);
    expect(Number.isNaN(lteTailFit(pure, { xmin: 1, bootstrap: 10 }).xminBootstrapStd)).toBe(true);
  });

  it('the estimator is the maximum of the literal log-likelihood', () => {
    const x = sample(500, 2.5, 1, 3).filter((v) => v >= 1);
    const f = lteTailFit(x, { xmin: 1, bootstrap: 0 });
    const sumLog = x.reduce((s, v) => s + Math.log(v / 1), 0);
    const logL = (a: number) => x.length * Math.log((a - 1) / 1) - a * sumLog; // sum_i ln p(x_i), p = ((a-1)/xmin)(x/xmin)^-a
    let best = 0, bestL = -Infinity;
    for (let a = 1.01; a < 5; a += 1e-4) { const L = logL(a); if (L > bestL) { bestL = L; best = a; } }
    expect(f.alpha).toBeCloseTo(best, 3);
    expect(f.nTail).toBe(x.length);
  });

  it('log histogram integrates to the fraction of values in range', () => {
    const x = sample(1000, 2.25, 1, 9);
    const h = lteLogHistogram(x, { bins: 30 });
    let integral = 0;
    for (let b = 0; b < 30; b++) integral += h.density[b] * (h.edges[b + 1] - h.edges[b]);
    expect(integral).toBeCloseTo(1, 12);
    expect(h.edges[1] / h.edges[0]).toBeCloseTo(h.edges[30] / h.edges[29], 10);
  });
});
