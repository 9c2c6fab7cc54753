import { describe, expect, it } from 'vitest';
import { binnedCorrelation } from '../../src/analysis/statistics/binned.ts';
import { mulberry32 } from '../support/random.ts';

/** The literal version: sort, cut into round(N / b) bins of equal share, loop. */
function literalBinnedPearson(x: number[], y: number[], b: number): number {
  const idx = x.map((_, i) => i).sort((i, j) => x[i] - x[j] || i - j);
  const nb = Math.max(2, Math.round(x.length / b));
  const mx: number[] = [], my: number[] = [];
  for (let k = 0; k < nb; k++) {
    const lo = Math.floor((k * x.length) / nb), hi = Math.floor(((k + 1) * x.length) / nb);
    let sx = 0, sy = 0;
    for (let q = lo; q < hi; q++) { sx += x[idx[q]]; sy += y[idx[q]]; }
    mx.push(sx / (hi - lo));
    my.push(sy / (hi - lo));
  }
  const ax = mx.reduce((a, v) => a + v, 0) / nb, ay = my.reduce((a, v) => a + v, 0) / nb;
  let sxy = 0, sxx = 0, syy = 0;
  for (let k = 0; k < nb; k++) {
    sxy += (mx[k] - ax) * (my[k] - ay);
    sxx += (mx[k] - ax) ** 2;
    syy += (my[k] - ay) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('binnedCorrelation', () => {
  const rnd = mulberry32(5);
  const x = Array.from({ length: 2117 }, () => rnd());
  const y = x.map((v) => v + 2 * (rnd() - 0.5));

  it('equals the literal loop, and binning raises the coefficient above the per-atom one', () => {
    for (const b of [200, 37, 1000]) {
      const r = binnedCorrelation(x, y, { binSize: b });
      expect(r.binnedPearson).toBeCloseTo(literalBinnedPearson(x, y, b), 12);
    }
    const r = binnedCorrelation(x, y);
    expect(r.binCounts.length).toBe(11); // round(2117 / 200)
    expect(Math.max(...r.binCounts) - Math.min(...r.binCounts)).toBeLessThanOrEqual(1);
    expect(r.binCounts.reduce((a, c) => a + c, 0)).toBe(2117);
    expect(r.binnedPearson).toBeGreaterThan(0.95);
    expect(r.pearson).toBeGreaterThan(0.3);
    expect(r.pearson).toBeLessThan(0.6);
    expect(r.spearman).toBeGreaterThan(0.3);
    expect(r.summary()).toMatch(/^binned_pearson /);
  });

  it('rejects bad input', () => {
    expect(() => binnedCorrelation([1, 2, 3], [1, 2], {})).toThrow(/3 and 2 values/);
    expect(() => binnedCorrelation(x, y, { binSize: 0 })).toThrow(/binSize/);
  });
});
