/**
 * firstShellCutoffs on real Kob-Andersen glasses (80:20, rho 1.2): the rare
 * B-B pair, whose highest g_BB peak is the second shell, gets its first
 * minimum inside the first shell (0.9-1.3; the main-peak rule alone gave
 * 1.805 and 1.815 for these two glasses) and B-centred shells of 7-11 atoms;
 * A-A and A-B keep exactly the Appendix B main-peak rule, written literally
 * here from the paper's description. On Poisson-sampled model partials
 * (a weak, noisy first B-B peak) the first minimum is found within a few
 * bins of the model's, and a well-sampled pair keeps the main-peak rule.
 */
import { describe, expect, it } from 'vitest';
import { firstShellCutoff, firstShellCutoffs } from '../../src/analysis/structure/first-shell.ts';
import { integrationLimitsFromRdf } from '../../src/analysis/softness/local-softness.ts';
import { makePartialRdf, partialRdf, speciesPairIndex } from '../../src/analysis/structure/structure.ts';
import { mulberry32 } from '../support/random.ts';
import type { System } from '../../src/system/system.ts';
import { kaGlass } from '../linalg/fixtures.ts';

/** The Appendix B rule as it stood: first minimum after the highest point of the 5-bin moving average. */
function mainPeakRule(r: Float64Array, g: Float64Array): number {
  const sm = Array.from(g, (_, k) => {
    const win: number[] = [];
    for (let m = k - 2; m <= k + 2; m++) if (m >= 0 && m < g.length) win.push(g[m]);
    return win.reduce((a, b) => a + b, 0) / win.length;
  });
  const first = sm.findIndex((_, k) => g[k] > 0);
  let peak = first;
  for (let k = first; k < sm.length; k++) if (sm[k] > sm[peak]) peak = k;
  let below = peak;
  while (sm[below] >= 1) below++;
  let above = below;
  while (sm[above] < 1) above++;
  let kmin = below;
  for (let k = below; k < above; k++) if (sm[k] < sm[kmin]) kmin = k;
  return r[kmin];
}

/** Mean and extremes of the number of first-shell neighbours of the B atoms, by brute force over all pairs. */
function bShellSizes(sys: System, cutoff: (a: number, b: number) => number): { mean: number; min: number; max: number } {
  const sizes: number[] = [];
  const d = new Float64Array(3);
  for (let i = 0; i < sys.n; i++) {
    if (sys.types[i] !== 2) continue;
    let c = 0;
    for (let j = 0; j < sys.n; j++) {
      if (j === i) continue;
      for (let k = 0; k < 3; k++) d[k] = sys.positions[3 * j + k] - sys.positions[3 * i + k];
      sys.box.minimumImage(d);
      if (Math.hypot(d[0], d[1], d[2]) < cutoff(2, sys.types[j])) c++;
    }
    sizes.push(c);
  }
  return { mean: sizes.reduce((a, b) => a + b, 0) / sizes.length, min: Math.min(...sizes), max: Math.max(...sizes) };
}

describe('firstShellCutoffs on Kob-Andersen glasses', () => {
  for (const [n, seed] of [[250, 2], [500, 1]] as const) {
    it(`N = ${n} (seed ${seed}): B-B inside the first shell, B shells of 7-11 atoms, A-A and A-B unchanged`, () => {
      const sys = kaGlass(n, seed);
      const c = firstShellCutoffs(sys);
      const rdf = partialRdf(sys);
      // the bug: the main-peak rule puts g_BB's first minimum past the second shell
      expect(mainPeakRule(rdf.r, rdf.pair(2, 2))).toBeGreaterThan(1.7);
      const bb = firstShellCutoff(c, 2, 2);
      expect(bb).toBeGreaterThan(0.9);
      expect(bb).toBeLessThan(1.3);
      expect(c.rules![speciesPairIndex(2, 2, 2)]).toBe('first-shell-window');
      for (const [a, b] of [[1, 1], [1, 2], [2, 1]]) {
        expect(c.rules![speciesPairIndex(a, b, 2)]).toBe('main-peak');
        expect(firstShellCutoff(c, a, b)).toBe(mainPeakRule(rdf.r, rdf.pair(a, b)));
      }
      const shells = bShellSizes(sys, (a, b) => firstShellCutoff(c, a, b));
      expect(shells.mean).toBeGreaterThan(7);
      expect(shells.mean).toBeLessThan(11);
      // with the old B-B cutoff the shells were far too big
      const old = bShellSizes(sys, (a, b) => (a === 2 && b === 2 ? mainPeakRule(rdf.r, rdf.pair(2, 2)) : firstShellCutoff(c, a, b)));
      expect(old.mean).toBeGreaterThan(shells.mean + 2);
      expect(shells.min).toBeGreaterThanOrEqual(6);
      expect(shells.max).toBeLessThanOrEqual(12);
    });
  }
});

describe('integrationLimitsFromRdf on Poisson-sampled model partials', () => {
  // a liquid-like g with first peak at 1.0 (A-A) / 0.88 (A-B); g_BB with a weak first shell at 0.95 and its main peak at 1.6
  const bump = (r: number, c: number, s: number) => Math.exp(-(((r - c) / s) ** 2));
  const onset = (r: number, r0: number) => (r < r0 ? 0 : 1 - Math.exp(-(r - r0) / 0.02));
  const liquid = (r: number, r0: number, peak: number) => onset(r, r0) * (1 + 2 * bump(r, peak, 0.1) - 0.6 * bump(r, 1.45 * peak, 0.15) + 0.3 * bump(r, 1.9 * peak, 0.2));
  const gBB = (r: number) => onset(r, 0.84) * (0.35 + 0.7 * bump(r, 0.95, 0.06) + 1.4 * bump(r, 1.6, 0.18) + 0.6 * (r > 2 ? 1 : 0));
  const dr = 0.01, nb = 300, counts = Float64Array.of(800, 200), density = 1.2, N = 1000;
  const r = Float64Array.from({ length: nb }, (_, k) => (k + 0.5) * dr);
  /** Poisson counts of a g over `frames` frames of the 80:20 system, back to g */
  function sample(model: (r: number) => number, u: number, v: number, frames: number, rnd: () => number): Float64Array {
    const pairsPerVolume = frames * counts[u] * (counts[v] - (u === v ? 1 : 0)) * density / N;
    return Float64Array.from(r, (x) => {
      const m = pairsPerVolume * (4 * Math.PI / 3) * ((x + dr / 2) ** 3 - (x - dr / 2) ** 3);
      const mean = m * model(x);
      const uu = rnd();
      if (mean > 50) { // normal approximation (Box-Muller)
        const z = Math.sqrt(-2 * Math.log(1 - uu)) * Math.cos(2 * Math.PI * rnd());
        return Math.max(0, Math.round(mean + Math.sqrt(mean) * z)) / m;
      }
      // Poisson by inversion
      let k = 0, p = Math.exp(-mean), cdf = p;
      while (uu > cdf && k < 200) { k++; p *= mean / k; cdf += p; }
      return k / m;
    });
  }
  let trueMin = 1.0;
  for (let x = 1.0; x < 1.5; x += 1e-4) if (gBB(x) < gBB(trueMin)) trueMin = x;

  it('finds the first minimum of a weak first B-B shell (one and four frames) and keeps A-A, A-B on the main-peak rule', () => {
    for (const frames of [1, 4]) {
      for (let seed = 1; seed <= 6; seed++) {
        const rnd = mulberry32(seed);
        const aa = sample((x) => liquid(x, 0.92, 1.05), 0, 0, frames, rnd);
        const ab = sample((x) => liquid(x, 0.76, 0.88), 0, 1, frames, rnd);
        const bb = sample(gBB, 1, 1, frames, rnd);
        const rdf = makePartialRdf({ dim: 3, ntypes: 2, dr, r, g: [aa, ab, ab, bb], density, fractions: Float64Array.of(0.8, 0.2), counts, frames });
        const lim = integrationLimitsFromRdf(rdf);
        expect(lim.rules).toEqual(['main-peak', 'main-peak', 'main-peak', 'first-shell-window']);
        expect(lim.upper[0]).toBe(mainPeakRule(r, aa));
        expect(lim.upper[1]).toBe(mainPeakRule(r, ab));
        // the trough is flat: within 0.1 of the model's minimum, where the model g is close to its lowest value
        const found = lim.upper[3];
        expect(Math.abs(found - trueMin)).toBeLessThan(0.1);
        expect(gBB(found) - gBB(trueMin)).toBeLessThan((frames === 1 ? 0.25 : 0.15) * (gBB(0.95) - gBB(trueMin)));
        expect(lim.dipSignificance[3]).toBeGreaterThan(frames === 1 ? 3 : 5);
      }
    }
  });
});
