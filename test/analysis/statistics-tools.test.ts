import { describe, expect, it } from 'vitest';
import {
  binCentres, binnedMeans, blockBootstrap, blockResample, bootstrap, gather, histogramCounts, histogramDensity, logBins, logLogSlope, mean, neighbourMean,
  quantile, standardDeviation, standardError, topIndices, uniformBins, unitMax, valueAtNearest, weightedLinearFit, linearLeastSquares,
} from '../../src/analysis/index.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { Rng } from '../../src/util/random.ts';

const rng = new Rng(5);
const data = Float64Array.from({ length: 2000 }, () => Math.exp(3 * rng.uniform() - 1));

/** literal: the bin of v by a linear scan, [e_k, e_k+1), the last bin closed */
function scanBin(e: ArrayLike<number>, v: number): number {
  for (let k = 0; k < e.length - 1; k++) if (v >= e[k] && (v < e[k + 1] || (k === e.length - 2 && v === e[k + 1]))) return k;
  return -1;
}

describe('histograms and binned means', () => {
  it('log bins have equal log widths and geometric centres', () => {
    const b = logBins(0.1, 40, 50);
    expect(b.edges.length).toBe(51);
    for (let k = 1; k < 50; k++) expect(Math.log(b.edges[k + 1] / b.edges[k])).toBeCloseTo(Math.log(b.edges[1] / b.edges[0]), 12);
    const c = binCentres(b);
    expect(c[7]).toBeCloseTo(Math.sqrt(b.edges[7] * b.edges[8]), 12);
    expect(binCentres(uniformBins(0, 1, 4))[1]).toBeCloseTo(0.375, 14);
    expect(() => logBins(0, 1, 3)).toThrow(/0 < lo < hi/);
  });

  it('counts and densities agree with a linear scan, on linear and log bins', () => {
    for (const b of [uniformBins(0.5, 10, 17), logBins(0.6, 5, 23)]) {
      const counts = histogramCounts(data, b);
      const want = new Float64Array(counts.length);
      for (const v of data) { const k = scanBin(b.edges, v); if (k >= 0) want[k]++; }
      expect(Array.from(counts)).toEqual(Array.from(want));
      const binned = want.reduce((a, x) => a + x, 0);
      expect(binned).toBeLessThan(data.length); // some values fall outside
      const d = histogramDensity(data, b);
      let area = 0;
      d.p.forEach((p, k) => { area += p * (b.edges[k + 1] - b.edges[k]); });
      expect(area).toBeCloseTo(1, 12);
      const all = histogramDensity(data, b, undefined, { total: data.length });
      all.p.forEach((p, k) => expect(p).toBeCloseTo(want[k] / (data.length * (b.edges[k + 1] - b.edges[k])), 12));
    }
  });

  it('binned means are the mean of y over each bin, NaN where empty', () => {
    const x = Float64Array.from(data), y = Float64Array.from(data, (v) => v * v + 1);
    const b = uniformBins(0, 30, 60);
    const m = binnedMeans(x, y, b);
    for (let k = 0; k < 60; k++) {
      const ys = Array.from(y).filter((_, i) => scanBin(b.edges, x[i]) === k);
      if (ys.length === 0) expect(m[k]).toBeNaN();
      else expect(m[k]).toBeCloseTo(ys.reduce((a, v) => a + v, 0) / ys.length, 10);
    }
    expect(Number.isNaN(m[59])).toBe(true); // data < e^2
  });

  it('unitMax scales the largest finite value to 1', () => {
    const u = unitMax([1, NaN, 4, 2]);
    expect(Array.from(u).filter(Number.isFinite)).toEqual([0.25, 1, 0.5]);
    expect(() => unitMax([0, -1])).toThrow(/no positive finite maximum/);
  });
});

describe('descriptive statistics and the bootstrap', () => {
  it('mean, standard deviation, standard error and quantiles', () => {
    const v = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(v)).toBe(5);
    expect(standardDeviation(v, { ddof: 0 })).toBe(2);
    expect(standardDeviation(v)).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(standardError(v)).toBeCloseTo(Math.sqrt(32 / 7) / Math.sqrt(8), 14);
    expect(mean([1, NaN, 3], { finite: true })).toBe(2);
    expect(mean([1, NaN, 3])).toBeNaN();
    expect(quantile([3, 1, 2, NaN, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20], 0.25)).toBe(12.5);
  });

  it('topIndices and gather pick a group', () => {
    const v = [0.5, 3, NaN, 3, 1];
    expect(Array.from(topIndices(v, 3))).toEqual([1, 3, 4]);
    expect(Array.from(gather(v, [4, 0]))).toEqual([1, 0.5]);
  });

  it('the bootstrap error of a mean is the standard error', () => {
    const b = bootstrap(data, (s) => mean(s), { samples: 2000, seed: 3 });
    expect(b.value).toBeCloseTo(mean(data), 14);
    expect(Math.abs(b.std / standardError(data) - 1)).toBeLessThan(0.08);
    expect(b.low).toBeLessThan(b.value);
    expect(b.high).toBeGreaterThan(b.value);
    expect(bootstrap(data, (s) => mean(s), { samples: 50, seed: 3 }).std).toBe(bootstrap(data, (s) => mean(s), { samples: 50, seed: 3 }).std);
  });
});

describe('block bootstrap over frames', () => {
  /** literal: draw each block's index, then list its frames, every group from one stream */
  function literalDraws(frames: number[], blockOf: number | number[], samples: number, seed: number): number[][][] {
    const r = new Rng(seed), all: number[][][] = [];
    for (let s = 0; s < samples; s++) {
      const groups: number[][] = [];
      for (const [g, F] of frames.entries()) {
        const block = typeof blockOf === 'number' ? blockOf : blockOf[g];
        const blocks = Math.ceil(F / block), list: number[] = [];
        for (let k = 0; k < blocks; k++) {
          const j = Math.floor(r.uniform() * blocks);
          for (let f = j * block; f < (j + 1) * block; f++) if (f < F) list.push(f);
        }
        groups.push(list);
      }
      all.push(groups);
    }
    return all;
  }

  it('draws the literal blocks, and resamples each group on its own', () => {
    const seen: number[][][] = [];
    const b = blockBootstrap([23, 7], (d) => { seen.push(d.map((g) => Array.from(g))); return d[0].length + d[1].length; }, { block: 5, samples: 40, seed: 11 });
    // the last call is the identity (the value on the data)
    expect(seen.pop()).toEqual([Array.from({ length: 23 }, (_, f) => f), Array.from({ length: 7 }, (_, f) => f)]);
    expect(seen).toEqual(literalDraws([23, 7], 5, 40, 11));
    expect(b.value).toBe(30);
    expect(b.samples + b.dropped).toBe(40);
    expect(Array.from(blockResample(9, 3, new Rng(4)))).toEqual(literalDraws([9], 3, 1, 4)[0][0]);
    // one block length per group
    const per: number[][][] = [];
    blockBootstrap([23, 7], (d) => { per.push(d.map((g) => Array.from(g))); return 0; }, { block: [4, 2], samples: 30, seed: 12 });
    per.pop();
    expect(per).toEqual(literalDraws([23, 7], [4, 2], 30, 12));
  });

  it('of independent frames gives the standard error; correlated frames need blocks', () => {
    // 400 frames of 50 iid values: the bootstrap error of the mean is the standard error
    const F = 400, per = 50, r = new Rng(8);
    const v = Float64Array.from({ length: F * per }, () => r.normal());
    const frameMean = (d: Int32Array[]) => { let s = 0; for (const f of d[0]) for (let i = 0; i < per; i++) s += v[f * per + i]; return s / (d[0].length * per); };
    const iid = blockBootstrap([F], frameMean, { block: 1, samples: 1000, seed: 2 });
    expect(Math.abs(iid.std / (1 / Math.sqrt(F * per)) - 1)).toBeLessThan(0.1);
    expect(iid.value).toBeCloseTo(mean(v), 12);
    // frames that repeat in runs of 20 (a correlation time of 20 frames): blocks of 20 see the true error
    const w = Float64Array.from({ length: F * per }, (_, k) => v[(Math.floor(Math.floor(k / per) / 20) * 20) * per + (k % per)]);
    const wMean = (d: Int32Array[]) => { let s = 0; for (const f of d[0]) for (let i = 0; i < per; i++) s += w[f * per + i]; return s / (d[0].length * per); };
    const truth = 1 / Math.sqrt((F / 20) * per);
    expect(blockBootstrap([F], wMean, { block: 1, samples: 400, seed: 2 }).std / truth).toBeLessThan(0.4);
    expect(Math.abs(blockBootstrap([F], wMean, { block: 20, samples: 1000, seed: 2 }).std / truth - 1)).toBeLessThan(0.15);
  });

  it('drops resamples whose statistic is not finite, and checks its options', () => {
    let k = 0;
    const b = blockBootstrap([10], () => (k++ % 2 ? 1 : NaN), { samples: 10 });
    expect(b.dropped).toBe(5);
    expect(b.samples).toBe(5);
    expect(() => blockBootstrap([10], () => 1, { block: 0 })).toThrow(/block must be/);
    expect(() => blockBootstrap([10, 5], () => 1, { block: [3] })).toThrow(/2 groups but 1 block lengths/);
    expect(() => blockBootstrap([0], () => 1)).toThrow(/at least one group/);
  });
});

describe('fits', () => {
  it('logLogSlope recovers a power law and its error shrinks with the noise', () => {
    const x = Array.from({ length: 40 }, (_, k) => 0.1 * 1.2 ** k);
    const exact = logLogSlope(x, x.map((v) => 3 * v ** 2), { xmax: 1 });
    expect(exact.slope).toBeCloseTo(2, 12);
    expect(exact.intercept).toBeCloseTo(Math.log(3), 12);
    expect(exact.points).toBe(x.filter((v) => v < 1).length);
    const r = new Rng(9);
    const noisy = logLogSlope(x, x.map((v) => 3 * v ** 2 * Math.exp(0.1 * r.normal())));
    expect(Math.abs(noisy.slope - 2)).toBeLessThan(4 * noisy.slopeError);
    expect(noisy.slopeError).toBeGreaterThan(0);
    expect(() => logLogSlope([1, 2], [0, -1])).toThrow(/0 positive point/);
  });

  it('weightedLinearFit: equal weights give the ordinary fit; errors from the sigmas', () => {
    const x = [0.005, 0.01, 0.02], y = [1.2, 1.5, 1.9];
    const w = weightedLinearFit(x, y, [0.1, 0.1, 0.1]);
    const o = linearLeastSquares(x, y);
    expect(w.slope).toBeCloseTo(o.slope, 10);
    expect(w.intercept).toBeCloseTo(o.intercept, 10);
    // sigma_a^2 = Sxx / D with w = 100
    const S = 300, Sx = 100 * 0.035, Sxx = 100 * (0.005 ** 2 + 0.01 ** 2 + 0.02 ** 2);
    expect(w.interceptError).toBeCloseTo(Math.sqrt(Sxx / (S * Sxx - Sx * Sx)), 12);
    // a point with a large error barely moves the line
    const far = weightedLinearFit([0, 1, 2, 3], [0, 1, 2, 30], [1, 1, 1, 1e6]);
    expect(far.slope).toBeCloseTo(1, 6);
  });
});

describe('neighbourMean', () => {
  it('equals the mean over all atoms within the cutoff (O(N^2) minimum image)', () => {
    const sys = randomConfiguration({ n: 150, density: 1.0, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 4 });
    const field = Float64Array.from({ length: sys.n }, (_, i) => Math.sin(i));
    const got = neighbourMean(sys, field, 1.5);
    const d = new Float64Array(3);
    for (let i = 0; i < sys.n; i += 7) {
      let s = 0, c = 0;
      for (let j = 0; j < sys.n; j++) {
        if (j === i) continue;
        for (let a = 0; a < 3; a++) d[a] = sys.positions[3 * j + a] - sys.positions[3 * i + a];
        sys.box.minimumImage(d);
        if (Math.hypot(d[0], d[1], d[2]) < 1.5) { s += field[j]; c++; }
      }
      if (c === 0) expect(got[i]).toBeNaN();
      else expect(got[i]).toBeCloseTo(s / c, 12);
    }
  });
});

describe('valueAtNearest', () => {
  it('reads a tabulated curve at the nearest grid point', () => {
    expect(valueAtNearest([0, 1, 2, 3], [10, 11, 12, 13], 1.4)).toBe(11);
    expect(valueAtNearest([0, 1, 2, 3], [10, 11, 12, 13], 1.5)).toBe(11); // a tie goes to the first
    expect(valueAtNearest([0, 1], [5, 6], 99)).toBe(6);
    expect(() => valueAtNearest([0, 1], [5], 0)).toThrow(/2 grid points and 1 values/);
  });
});
