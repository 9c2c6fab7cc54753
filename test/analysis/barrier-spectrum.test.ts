import { describe, expect, it } from 'vitest';
import { barrierSpectrumFigure, exponentialRayleighDensity, exponentialRayleighFit } from '../../src/analysis/statistics/barrier-spectrum.ts';
import { mulberry32 } from '../support/random.ts';

/** n barriers from the mixture: exponential (mean lambda) with probability w, else Rayleigh (scale s), by inversion. */
function sample(n: number, w: number, lambda: number, s: number, seed: number): Float64Array {
  const rnd = mulberry32(seed);
  return Float64Array.from({ length: n }, () => {
    const u = 1 - rnd();
    return rnd() < w ? -lambda * Math.log(u) : s * Math.sqrt(-2 * Math.log(u));
  });
}

describe('exponentialRayleighFit', () => {
  it('recovers the parameters of a known mixture', () => {
    const fit = exponentialRayleighFit(sample(40_000, 0.3, 0.2, 1.0, 7));
    expect(fit.converged).toBe(true);
    expect(fit.weightExp).toBeCloseTo(0.3, 1);
    expect(Math.abs(fit.lambda / 0.2 - 1)).toBeLessThan(0.08);
    expect(Math.abs(fit.sigma / 1.0 - 1)).toBeLessThan(0.03);
  });

  it('gives a small exponential weight to a pure Rayleigh sample, and a likelihood no EM step lowers', () => {
    const e = sample(8000, 0, 1, 0.8, 3);
    const fit = exponentialRayleighFit(e);
    expect(fit.weightExp).toBeLessThan(0.05);
    expect(Math.abs(fit.sigma / 0.8 - 1)).toBeLessThan(0.03);
    const short = exponentialRayleighFit(e, { maxIter: 3 });
    expect(short.converged).toBe(false);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(short.logLikelihood);
  });

  it('has a density that integrates to 1', () => {
    const fit = { weightExp: 0.4, lambda: 0.3, sigma: 1.2 };
    let s = 0;
    const h = 1e-3;
    for (let e = h / 2; e < 20; e += h) s += exponentialRayleighDensity(fit, e).total * h;
    expect(s).toBeCloseTo(1, 5);
  });

  it('refuses negative, non-finite or too few barriers', () => {
    expect(() => exponentialRayleighFit([0.1, -0.2, 0.3])).toThrow(/barrier 1 is -0.2/);
    expect(() => exponentialRayleighFit([0.1, NaN, 0.3])).toThrow(/barrier 1 is NaN/);
    expect(() => exponentialRayleighFit([0.1, 0.2])).toThrow(/at least 3/);
  });

  it('draws the histogram as a density with the two modes', () => {
    const e = sample(500, 0.3, 0.2, 1.0, 1);
    const fig = barrierSpectrumFigure(e, exponentialRayleighFit(e), { binWidth: 0.1, units: 'eV' });
    const bar = fig.data[0];
    expect(bar.type).toBe('bar');
    const area = (bar.y as number[]).reduce((a, v) => a + v * 0.1, 0);
    expect(area).toBeCloseTo(1, 10);
    expect(fig.data.map((t) => t.name?.split(' ')[0])).toEqual(['barriers', 'exponential', 'exponential', 'Rayleigh']);
  });
});
