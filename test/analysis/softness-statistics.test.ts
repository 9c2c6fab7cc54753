import { describe, expect, it } from 'vitest';
import { arrheniusAnalysis, rearrangementFlagsForRows, rearrangementStatistics, uniformBins } from '../../src/analysis/softness/statistics.ts';
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
