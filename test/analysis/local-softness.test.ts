import { describe, expect, it } from 'vitest';
import {
  averageLocalRdf, integrationLimitsFromRdf, localCagingDepth, localRdf, localSoftness,
} from '../../src/analysis/softness/local-softness.ts';
import { makePartialRdf, partialRdf } from '../../src/analysis/structure/structure.ts';
import { PHI } from '../../src/potential/types.ts';
import type { System } from '../../src/system/system.ts';
import { latticeSystem } from '../md/fixtures.ts';
import { KA, literalDistance } from './structure.fixtures.ts';

/** A disordered KA-like configuration: bcc 5^3 (N = 250, rho = 1.2) jiggled by up to +-0.3 sigma. */
const disordered = (seed: number): System => latticeSystem(3, 5, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.6, seed });

const LIMITS = { ntypes: 2, lower: Float64Array.of(0.8, 0.7, 0.7, 0.75), upper: Float64Array.of(1.45, 1.3, 1.3, 1.9) };

/**
 * Eq. 8 literally: every other atom, every bin, no truncation; the density is
 * N/V ('total', as printed) or that of the other atoms of species v ('partial').
 */
function literalLocalG(sys: System, i: number, v: number, r: number, delta: number, norm: 'total' | 'partial' = 'partial'): number {
  let nv = 0;
  for (let j = 0; j < sys.n; j++) if (norm === 'total' || (sys.types[j] === v && j !== i)) nv++;
  let s = 0;
  for (let j = 0; j < sys.n; j++) {
    if (j === i || sys.types[j] !== v) continue;
    const rij = literalDistance(sys, i, j);
    s += Math.exp(-((r - rij) ** 2) / (2 * delta * delta)) / Math.sqrt(2 * Math.PI * delta * delta);
  }
  return s / (4 * Math.PI * (nv / sys.box.volume) * r * r);
}

describe('local g_i(r) (Eq. 8)', () => {
  it('equals the literal sum of Gaussians over all atoms, both normalisations', () => {
    const sys = disordered(2);
    for (const normalisation of ['total', 'partial'] as const) {
      const loc = localRdf(sys, 17, { delta: 0.09, dr: 0.02, rMax: 2.4, normalisation });
      for (let v = 1; v <= 2; v++) {
        for (let k = 0; k < loc.r.length; k += 3) {
          expect(loc.g[v - 1][k]).toBeCloseTo(literalLocalG(sys, 17, v, loc.r[k], 0.09, normalisation), 7);
        }
      }
    }
  });

  it('averaged over particles tends to the histogram g(r) as delta -> 0 (Eq. B2, Fig. 8)', () => {
    const frames = [disordered(3), disordered(4)];
    const hist = partialRdf(frames, { rMax: 2.4, dr: 0.05 });
    const errors: number[] = [];
    for (const delta of [0.0005, 0.03, 0.09]) {
      const fine = delta < 0.001 ? 0.0002 : 0.001;
      const avg = averageLocalRdf(frames, { delta, dr: fine, rMax: 2.4 });
      // integrate the averaged local g over each histogram shell: the same pair count as the histogram
      let l1 = 0;
      for (const p of [0, 1, 3]) {
        for (let b = 2; b < hist.r.length - 2; b++) {
          const lo = b * 0.05, hi = lo + 0.05;
          let s = 0;
          avg.r.forEach((x, k) => { if (x >= lo && x < hi) s += x * x * avg.g[p][k] * fine; });
          l1 += Math.abs(s / ((hi ** 3 - lo ** 3) / 3) - hist.g[p][b]) * 0.05;
        }
      }
      errors.push(l1);
    }
    // with the printed density N/V the average is x_v g_uv
    const tot = averageLocalRdf(frames, { delta: 0.03, dr: 0.01, rMax: 2.4, normalisation: 'total' });
    const par = averageLocalRdf(frames, { delta: 0.03, dr: 0.01, rMax: 2.4 });
    const nA = 200, N = 250;
    for (let k = 50; k < par.r.length; k += 20) {
      expect(tot.pair(1, 1)[k]).toBeCloseTo(par.pair(1, 1)[k] * (N / (nA - 1)) ** -1, 10);
      expect(tot.pair(2, 1)[k]).toBeCloseTo(par.pair(2, 1)[k] * nA / N, 10);
    }
    // pairs within a few delta of a shell edge spill over it: the error vanishes with delta
    expect(errors[0]).toBeLessThan(0.05);
    expect(errors[0]).toBeLessThan(errors[2] / 10);
    expect(errors[1]).toBeGreaterThan(errors[0]);
    expect(errors[2]).toBeGreaterThan(errors[1]);
  });
});

describe('Appendix B limits', () => {
  it('lower where the histogram vanishes, upper at the first minimum after the first peak', () => {
    const dr = 0.01, r = Float64Array.from({ length: 300 }, (_, k) => (k + 0.5) * dr);
    const shape = (x: number) => (x < 0.9 ? 0 : 1 + 2 * Math.exp(-((x - 1.1) ** 2) / 0.01) - 0.8 * Math.exp(-((x - 1.5) ** 2) / 0.02) + 0.4 * Math.exp(-((x - 2.1) ** 2) / 0.03));
    const g = [Float64Array.from(r, shape)];
    const lim = integrationLimitsFromRdf(makePartialRdf({ dim: 3, ntypes: 1, dr, r, g, density: 1, fractions: Float64Array.of(1), counts: Float64Array.of(100), frames: 1 }));
    expect(lim.lower[0]).toBeCloseTo(0.9, 9);
    expect(Math.abs(lim.upper[0] - 1.5)).toBeLessThan(0.03);
  });
});

describe('local beta Phi_r(0) and S', () => {
  it('fast (neighbour list, truncated Gaussians) equals the literal formula, A and B centres', () => {
    const sys = disordered(5);
    const T = 0.7, delta = 0.09, dr = 0.01;
    const fast = localCagingDepth(sys, KA, { temperature: T, limits: LIMITS, delta, dr, species: [1, 2] });
    const N = sys.n, x = [0, 0];
    for (let i = 0; i < N; i++) x[sys.types[i] - 1] += 1 / N;
    const rho = N / sys.box.volume, buf = new Float64Array(4);
    expect(fast.index.length).toBe(N);
    for (let c = 0; c < N; c += 7) {
      const i = fast.index[c], u = sys.types[i];
      let acc = 0;
      for (let v = 1; v <= 2; v++) {
        const p = (u - 1) * 2 + (v - 1);
        for (let k = 0; (k + 0.5) * dr <= LIMITS.upper[p]; k++) {
          const r = (k + 0.5) * dr;
          if (r < LIMITS.lower[p]) continue;
          const g = literalLocalG(sys, i, v, r, delta);
          KA.radial(u, v, r, buf);
          const cg = g > 0 ? g * (-buf[PHI] / T + g - 1 - Math.log(g)) : 0;
          acc += Math.sqrt(x[u - 1] * x[v - 1]) * 4 * Math.PI * r * r * cg * dr;
        }
      }
      expect(fast.phi[c]).toBeCloseTo(-rho * acc, 6);
    }
  });

  it('localSoftness applies Eq. 7 per particle and frame (A only by default)', () => {
    const frames = [disordered(6), disordered(7)];
    const cal = { c0: 200, c1: -20 };
    const res = localSoftness(frames, KA, { temperature: 0.7, limits: LIMITS, calibration: cal });
    expect(res.frames).toBe(2);
    expect(res.perFrame).toBe(200);
    expect(res.phi.length).toBe(400);
    for (let k = 0; k < res.phi.length; k += 13) {
      expect(res.type[k]).toBe(1);
      const d = cal.c0 + cal.c1 * res.phi[k];
      if (d > 0) expect(res.softness[k]).toBeCloseTo(1 / d, 15); else expect(Number.isNaN(res.softness[k])).toBe(true);
    }
    expect(res.figure().data.length).toBe(1);
  });

  it('reports limits that do not fit the cell, and bad species', () => {
    const sys = disordered(8);
    const wide = { ntypes: 2, lower: Float64Array.of(0.8, 0.7, 0.7, 0.7), upper: Float64Array.of(2.8, 2.8, 2.8, 2.8) };
    expect(() => localCagingDepth(sys, KA, { temperature: 1, limits: wide })).toThrow(/half the smallest cell width/);
    expect(() => localCagingDepth(sys, KA, { temperature: 1, limits: LIMITS, species: [3] })).toThrow(/species 3/);
  });
});
