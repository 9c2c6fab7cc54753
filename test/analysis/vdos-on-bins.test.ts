import { describe, expect, it } from 'vitest';
import { dmVdosOnBins, spectrumOnBins, spectrumTop, trapezoid } from '../../src/analysis/vdos/on-bins.ts';
import { logBins, uniformBins } from '../../src/analysis/statistics/histogram.ts';

describe('VDOS on common bins', () => {
  const omega = Float64Array.from({ length: 401 }, (_, k) => k * 0.1); // 0 .. 40

  it('trapezoid is exact for a straight line on any grid', () => {
    const x = [0, 0.5, 2, 2.1, 5];
    expect(trapezoid(x, x.map((v) => 3 * v + 1))).toBeCloseTo(1.5 * 25 + 5, 12);
  });

  it('an MD spectrum on bins has unit area over its whole grid', () => {
    const flat = spectrumOnBins(omega, omega.map(() => 2), uniformBins(0, 10, 5));
    flat.forEach((v) => expect(v).toBeCloseTo(1 / 40, 12)); // D = 1/40 everywhere once normalised
    const d = Float64Array.from(omega, (w) => w * w * Math.exp(-w / 4));
    const b = logBins(0.1, 40, 30);
    const on = spectrumOnBins(omega, d, b);
    const area = trapezoid(omega, d);
    // a bin's value is the mean of D / area over the grid points inside it
    const k = 20, inside = Array.from(omega.keys()).filter((i) => omega[i] >= b.edges[k] && omega[i] < b.edges[k + 1]);
    expect(on[k]).toBeCloseTo(inside.reduce((s, i) => s + d[i], 0) / inside.length / area, 12);
  });

  it('a dense DM-VDOS is the histogram of its frequencies over all modes; KPM densities are bin means', () => {
    const frequencies = Float64Array.of(0.5, 1.5, 1.6, 2.5, 50); // one mode beyond the bins
    const dense = dmVdosOnBins({ method: 'dense', omega: new Float64Array(0), density: new Float64Array(0), frequencies }, uniformBins(0, 3, 3));
    expect(Array.from(dense)).toEqual([1 / 5, 2 / 5, 1 / 5]);
    const kpm = dmVdosOnBins({ method: 'kpm', omega: Float64Array.of(0.5, 0.7, 1.5), density: Float64Array.of(1, 3, 5) }, uniformBins(0, 2, 2));
    expect(Array.from(kpm)).toEqual([2, 5]);
  });

  it('spectrumTop finds the band of a plateau and its centroid', () => {
    // a flat top from 11 to 13 (value 1), 0.9 on [10, 11) and [13, 14), low elsewhere
    const d = Float64Array.from(omega, (w) => (w >= 11 && w < 13 ? 1 : (w >= 10 && w < 14 ? 0.9 : 0.2)));
    const t = spectrumTop(omega, d);
    expect([t.lo, t.hi, t.centre]).toEqual([11, 13, 12]);
    expect(t.centroid).toBeCloseTo((0.9 * 10.5 + 11.5 + 12.5 + 0.9 * 13.5) / 3.8, 12);
  });
});
