import { describe, expect, it } from 'vitest';
import {
  arrheniusAnalysis, arrheniusCrossingBootstrap, fractionAbovePeakBootstrap, frameBinCounts, pooledFrameStatistics,
  rearrangementFlagsForRows, rearrangementStatistics, uniformBins,
} from '../../src/analysis/softness/statistics.ts';
import { binomialError } from '../../src/analysis/statistics/descriptive.ts';
import { mulberry32 } from '../support/random.ts';

const rnd = mulberry32(9);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());

describe('P(S), P(S|R), P_R(S)', () => {
  it('match literal counting on random data, and P_R recovers the rearrangement probability', () => {
    const n = 60000;
    const S = Float64Array.from({ length: n }, () => 2e-3 + 4e-4 * gauss());
    // probability of rearranging grows with S: P_R(S) = 0.02 exp((S - 2e-3) / 2e-4)
    const truth = (s: number) => Math.min(1, 0.02 * Math.exp((s - 2e-3) / 2e-4));
    const flags = Uint8Array.from(S, (s) => (rnd() < truth(s) ? 1 : 0));
    S[5] = NaN;
    const bins = uniformBins(1e-3, 3e-3, 20);
    const st = rearrangementStatistics(S, flags, { binning: bins });
    // literal
    let nR = 0, above = 0;
    const cnt = new Float64Array(20), cntR = new Float64Array(20);
    for (let k = 0; k < n; k++) {
      if (!Number.isFinite(S[k])) continue;
      const b = Math.floor((S[k] - 1e-3) / 1e-4);
      if (b >= 0 && b < 20) { cnt[b]++; if (flags[k]) cntR[b]++; }
      if (flags[k]) { nR++; if (S[k] > st.peak) above++; }
    }
    expect(Array.from(st.count)).toEqual(Array.from(cnt));
    expect(Array.from(st.countRearranging)).toEqual(Array.from(cntR));
    expect(st.fractionAbovePeak).toBeCloseTo(above / nR, 12);
    expect(st.skipped).toBe(1);
    expect(Math.abs(st.peak - 2e-3)).toBeLessThan(1.5e-4);
    // densities integrate to the binned fraction
    expect(st.pAll.reduce((a, p) => a + p * 1e-4, 0)).toBeCloseTo(1, 10);
    // P_R(S) within binomial noise of the truth where the bins are populated
    st.x.forEach((x, b) => {
      if (cnt[b] < 2000) return;
      const p = truth(x), sd = Math.sqrt(p * (1 - p) / cnt[b]);
      expect(Math.abs(st.pR[b] - p)).toBeLessThan(4 * sd + 0.1 * p); // 0.1 p: P_R varies across the bin
    });
    expect(st.fractionAbovePeak).toBeGreaterThan(0.6);
    expect(() => rearrangementStatistics(S, flags.subarray(1))).toThrow(/one flag per particle/);
  });
});

describe('flags from p_hop', () => {
  it('align rows (frame, id) with p_hop[frame * n + i], skipping undefined values', () => {
    const phop = { n: 3, ids: Int32Array.of(10, 20, 30), values: Float64Array.of(NaN, 0.5, 0.01, 0.3, 0.02, NaN) };
    const rows = { frame: Int32Array.of(0, 0, 1, 1, 1, 0), id: Int32Array.of(20, 30, 10, 30, 99, 10) };
    const r = rearrangementFlagsForRows(rows, phop, 0.1);
    expect(Array.from(r.flags)).toEqual([1, 0, 1, 0, 0, 0]);
    expect(Array.from(r.valid)).toEqual([1, 1, 1, 0, 0, 0]);
    // looking one frame ahead
    expect(Array.from(rearrangementFlagsForRows(rows, phop, 0.1, 1).flags)).toEqual([0, 0, 0, 0, 0, 1]);
    const st = rearrangementStatistics(Float64Array.of(1, 2, 3, 4, 5, 6), r.flags, { valid: r.valid, binning: uniformBins(0, 7, 7) });
    expect(st.skipped).toBe(3);
    expect(st.count.reduce((a, b) => a + b)).toBe(3);
  });
});

describe('Arrhenius fits', () => {
  it('recover Delta E(S), P_0(S) and the crossing temperature of synthetic data', () => {
    const temps = [0.47, 0.53, 0.58, 0.7];
    const x = Float64Array.from({ length: 6 }, (_, k) => 1e-3 + k * 3e-4);
    const E = (s: number) => 2.9 - 1.7 * (s - 1e-3) / 1.5e-3; // 2.9 .. 1.2
    // all lines cross at T* = 0.801: ln P0 = ln Pc + E / T*
    const Tstar = 0.801, lnPc = Math.log(0.3);
    const P0 = (s: number) => Math.exp(lnPc + E(s) / Tstar);
    const stats = temps.map((T) => ({ x, count: new Float64Array(6).fill(500), pR: Float64Array.from(x, (s) => P0(s) * Math.exp(-E(s) / T)) }));
    const a = arrheniusAnalysis(temps, stats);
    expect(a.lines.length).toBe(6);
    a.lines.forEach((l, k) => {
      expect(l.barrier).toBeCloseTo(E(x[k]), 10);
      expect(l.prefactor / P0(x[k])).toBeCloseTo(1, 10);
    });
    expect(a.crossingTemperature).toBeCloseTo(Tstar, 10);
    // collapse: P_R / P_0 = exp(-Delta E / T) for every point
    for (const c of a.collapse) expect(c.ratio).toBeCloseTo(Math.exp(-c.barrierOverT), 10);

    // bins with too few particles at some temperature are left out
    stats[0].count[2] = 3;
    expect(arrheniusAnalysis(temps, stats).lines.map((l) => l.x)).not.toContain(x[2]);
    expect(() => arrheniusAnalysis([0.5], [stats[0]])).toThrow(/at least 2 temperatures/);
  });
});

describe('Arrhenius fits below the onset', () => {
  const x = Float64Array.from({ length: 6 }, (_, k) => 1e-3 + k * 3e-4);
  const E = (s: number) => 2.9 - 1.7 * (s - 1e-3) / 1.5e-3;
  const Tstar = 0.801, P0 = (s: number) => Math.exp(Math.log(0.3) + E(s) / Tstar);
  const temps = [0.8, 0.7, 0.6, 0.55, 0.5];
  const exact = temps.map((T) => ({ x, count: new Float64Array(6).fill(500), pR: Float64Array.from(x, (s) => P0(s) * Math.exp(-E(s) / T)) }));

  it('fit only T <= maxTemperature, as a fit of that subset, and say when the crossing is extrapolated', () => {
    // noisy P_R so that the fits depend on which temperatures enter
    const noisy = exact.map((st, t) => ({ ...st, pR: st.pR.map((p, b) => p * (1 + 0.05 * Math.sin(7 * t + 3 * b))) }));
    const below = arrheniusAnalysis(temps, noisy, { maxTemperature: 0.7 });
    const literal = arrheniusAnalysis(temps.slice(1), noisy.slice(1));
    expect(below.fittedTemperatures).toEqual([0.7, 0.6, 0.55, 0.5]);
    expect(below.lines).toEqual(literal.lines);
    expect(below.crossingTemperature).toBe(literal.crossingTemperature);
    expect(below.collapse).toEqual(literal.collapse);
    // exact Arrhenius data: the lines fitted on 0.5-0.7 cross at T* = 0.801 above the fitted range
    const a = arrheniusAnalysis(temps, exact, { maxTemperature: 0.7 });
    expect(a.crossingTemperature).toBeCloseTo(Tstar, 10);
    expect(a.extrapolated).toBe(true);
    // with T = 0.9 among the fitted temperatures the crossing is inside the data
    const withHot = arrheniusAnalysis([0.9, ...temps], [{ ...exact[0], pR: Float64Array.from(x, (s) => P0(s) * Math.exp(-E(s) / 0.9)) }, ...exact]);
    expect(withHot.crossingTemperature).toBeCloseTo(Tstar, 10);
    expect(withHot.extrapolated).toBe(false);
    expect(() => arrheniusAnalysis(temps, exact, { maxTemperature: 0.52 })).toThrow(/maxTemperature 0.52 leaves 1 .* at least 2/);
  });
});

describe('statistics of frames and their block bootstrap', () => {
  /** random frame-major rows: S with a rearranging probability growing with S, some NaN, some invalid */
  function rows(F: number, per: number, seed: number, pR: (s: number) => number) {
    const r = mulberry32(seed), g = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const values = Float64Array.from({ length: F * per }, () => 2e-3 + 4e-4 * g());
    const flags = Uint8Array.from(values, (s) => (r() < pR(s) ? 1 : 0));
    const valid = Uint8Array.from(values, () => (r() < 0.97 ? 1 : 0));
    values[3] = NaN;
    return { values, flags, valid, perFrame: per };
  }
  const bins = uniformBins(1.2e-3, 2.8e-3, 24);   // some values fall outside
  const pR = (s: number) => Math.min(1, 0.05 * Math.exp((s - 2e-3) / 3e-4));

  it('pooled per-frame counts equal rearrangementStatistics of the gathered rows (frames repeated)', () => {
    const d = rows(30, 97, 4, pR);
    const fc = frameBinCounts(d, bins);
    const pick = [3, 3, 17, 0, 29, 3, 12];
    // literal: gather the rows of the listed frames and count them again
    const idx = pick.flatMap((f) => Array.from({ length: 97 }, (_, i) => f * 97 + i));
    const lit = rearrangementStatistics(idx.map((k) => d.values[k]), idx.map((k) => d.flags[k]), { binning: bins, valid: idx.map((k) => d.valid[k]) });
    const fast = pooledFrameStatistics(fc, pick);
    expect(Array.from(fast.count)).toEqual(Array.from(lit.count));
    expect(Array.from(fast.countRearranging)).toEqual(Array.from(lit.countRearranging));
    expect(Array.from(fast.pR)).toEqual(Array.from(lit.pR));
    expect(fast.peak).toBe(lit.peak);
    expect(fast.fractionAbovePeak).toBeCloseTo(lit.fractionAbovePeak, 14);
    expect(fast.fractionBelowPeak).toBeCloseTo(lit.fractionBelowPeak, 14);
    expect(fast.rearrangingFraction).toBeCloseTo(lit.rearrangingFraction, 14);
    expect(() => frameBinCounts({ ...d, perFrame: 96 }, bins)).toThrow(/not whole frames of perFrame = 96/);
    expect(() => pooledFrameStatistics(fc, [30])).toThrow(/frame 30 outside 0..29/);
  });

  it('the bootstrap error of the fraction above the peak is binomial for independent frames', () => {
    const d = rows(200, 400, 6, pR);
    // 9 bins, one centred on the mode: the peak bin stays put between resamples
    const coarse = uniformBins(1.2e-3, 2.8e-3, 9);
    const b = fractionAbovePeakBootstrap(d, { binning: coarse, block: 1, samples: 400, seed: 3 });
    const all = rearrangementStatistics(d.values, d.flags, { binning: coarse, valid: d.valid });
    expect(b.value).toBeCloseTo(all.fractionAbovePeak, 14);
    expect(b.value).toBeGreaterThan(0.6);
    let nR = 0;
    for (let k = 0; k < d.values.length; k++) if (d.flags[k] && d.valid[k] && Number.isFinite(d.values[k])) nR++;
    expect(b.std / binomialError(b.value, nR)).toBeGreaterThan(0.85);
    expect(b.std / binomialError(b.value, nR)).toBeLessThan(1.2);
    expect(fractionAbovePeakBootstrap(d, { binning: coarse, block: 1, samples: 20, seed: 3, below: true }).value).toBeCloseTo(all.fractionBelowPeak, 14);
    // on 24 bins the flat top of P(S) lets the peak move by a bin between resamples: the error
    // of the fraction is then mostly that of the peak's position, several times the binomial one
    const fine = fractionAbovePeakBootstrap(d, { binning: bins, block: 1, samples: 200, seed: 3 });
    expect(fine.std / binomialError(fine.value, nR)).toBeGreaterThan(2);
  });

  it('the crossing bootstrap brackets the crossing of sampled Arrhenius data, extrapolated from below', () => {
    const E = (s: number) => 2.9 - 1.7 * (s - 1.2e-3) / 1.6e-3, Tstar = 0.8;
    const P = (T: number) => (s: number) => Math.min(1, 0.3 * Math.exp(E(s) / Tstar - E(s) / T));
    const temps = [0.8, 0.7, 0.62, 0.56, 0.5];
    const data = temps.map((T, t) => rows(60, 800, 20 + t, P(T)));
    const b = arrheniusCrossingBootstrap(temps, data, { binning: bins, minCount: 50, maxTemperature: 0.7, samples: 60, seed: 5 });
    expect(b.dropped).toBe(0);
    expect(b.low).toBeLessThan(b.high);
    expect(Math.abs(b.value - Tstar)).toBeLessThan(3 * b.std + 0.01);
    expect(b.low).toBeGreaterThan(0.7);
    // the value is the crossing of arrheniusAnalysis on all the rows
    const st = data.map((d) => rearrangementStatistics(d.values, d.flags, { binning: bins, valid: d.valid }));
    expect(b.value).toBe(arrheniusAnalysis(temps, st, { minCount: 50, maxTemperature: 0.7 }).crossingTemperature);
  });
});
