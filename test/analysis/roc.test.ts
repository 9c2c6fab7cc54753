/**
 * ROC, AUC and top-fraction hit rates (src/analysis/statistics/roc.ts)
 * against slow literal implementations of their definitions: the AUC as
 * the Mann-Whitney pair count (ties 1/2), the ROC points as the rates at
 * every threshold, and the hit rate with ties as the average over every
 * order of the tied particles.
 */
import { describe, expect, it } from 'vitest';
import { indicatorScores, rocCurve, topFractionHitRate } from '../../src/analysis/statistics/roc.ts';
import { mulberry32 } from '../support/random.ts';

/** P(s_pos > s_neg) + P(s_pos = s_neg) / 2 over all pairs. */
function literalAuc(s: number[], y: boolean[]): number {
  let sum = 0, pairs = 0;
  for (let i = 0; i < s.length; i++) {
    if (!y[i]) continue;
    for (let j = 0; j < s.length; j++) {
      if (y[j]) continue;
      pairs++;
      sum += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return sum / pairs;
}

/** Every permutation of 0..n-1. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

/** The fraction of targets in the first k of the order by descending value, averaged over every order of the tied particles (k integer). */
function literalHitRate(s: number[], y: boolean[], k: number): number {
  let total = 0, count = 0;
  for (const perm of permutations(s.length)) {
    // perm[i] is particle i's place in the tie order
    const order = s.map((_, i) => i).sort((a, b) => s[b] - s[a] || perm[a] - perm[b]);
    total += order.slice(0, k).filter((i) => y[i]).length / k;
    count++;
  }
  return total / count;
}

/** Data with many ties: values on a coarse grid. */
function tiedData(n: number, seed: number, levels: number) {
  const rnd = mulberry32(seed);
  const s = Array.from({ length: n }, () => Math.floor(rnd() * levels));
  const y = s.map((v) => rnd() < 0.2 + 0.6 * (v / levels));
  if (!y.some(Boolean)) y[0] = true;
  if (y.every(Boolean)) y[0] = false;
  return { s, y };
}

describe('rocCurve', () => {
  it('gives the Mann-Whitney AUC, with and without ties, on random data', () => {
    for (const [seed, levels] of [[1, 1e9], [2, 5], [3, 2], [4, 30]]) {
      const { s, y } = tiedData(300, seed, levels);
      const r = rocCurve(s, y);
      expect(r.auc).toBeCloseTo(literalAuc(s, y), 12);
      expect(r.positives + r.negatives).toBe(300);
    }
  });

  it('has one point per distinct value: the rates of the particles at or above it', () => {
    const { s, y } = tiedData(120, 7, 8);
    const r = rocCurve(s, y);
    const P = y.filter(Boolean).length, N = y.length - P;
    const distinct = [...new Set(s)].sort((a, b) => b - a);
    expect(Array.from(r.thresholds)).toEqual([Infinity, ...distinct]);
    distinct.forEach((t, k) => {
      expect(r.tpr[k + 1]).toBeCloseTo(s.filter((v, i) => v >= t && y[i]).length / P, 14);
      expect(r.fpr[k + 1]).toBeCloseTo(s.filter((v, i) => v >= t && !y[i]).length / N, 14);
    });
    expect([r.fpr.at(-1), r.tpr.at(-1)]).toEqual([1, 1]);
  });

  it('is 1 for a perfect indicator, 0 for a reversed one, 0.5 for a constant one; invariant under increasing maps', () => {
    const s = [1, 2, 3, 4, 5, 6], y = [false, false, false, true, true, true];
    expect(rocCurve(s, y).auc).toBe(1);
    expect(rocCurve(s.map((v) => -v), y).auc).toBe(0);
    expect(rocCurve(s.map(() => 3), y).auc).toBe(0.5);
    const { s: t, y: z } = tiedData(200, 9, 12);
    expect(rocCurve(t.map((v) => Math.exp(v / 3) - 7), z).auc).toBeCloseTo(rocCurve(t, z).auc, 14);
  });

  it('gives a standard error (Hanley & McNeil Eq. 2) within 10% of the spread of the AUC over repeated samples', () => {
    // binormal data with AUC 0.9: shift d with Phi(d / sqrt 2) = 0.9, 50 targets and 50 others per sample
    const rnd = mulberry32(5), d = 1.8124;
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const y = Array.from({ length: 100 }, (_, i) => i < 50);
    const aucs: number[] = [], errors: number[] = [];
    for (let k = 0; k < 1000; k++) {
      const r = rocCurve(y.map((t) => (t ? d : 0) + gauss()), y);
      aucs.push(r.auc); errors.push(r.aucError);
    }
    const m = aucs.reduce((a, v) => a + v, 0) / aucs.length;
    const sd = Math.sqrt(aucs.reduce((a, v) => a + (v - m) ** 2, 0) / (aucs.length - 1));
    const se = errors.reduce((a, v) => a + v, 0) / errors.length;
    expect(m).toBeCloseTo(0.9, 2);
    expect(se / sd).toBeGreaterThan(0.9);
    expect(se / sd).toBeLessThan(1.1);
  });

  it('leaves out what the valid mask excludes, and refuses bad input with a message', () => {
    const s = [0.1, NaN, 0.7, 0.3], y = [0, 1, 1, 0];
    const r = rocCurve(s, y, { valid: [1, 0, 1, 1] });
    expect(r.auc).toBe(1);
    expect(r.positives).toBe(1);
    expect(() => rocCurve(s, y)).toThrow(/value NaN at particle 1 is not finite; leave it out with the valid mask/);
    expect(() => rocCurve([1, 2], [1])).toThrow(/2 indicator values but 1 target flags/);
    expect(() => rocCurve([1, 2, 3], [0, 0, 0])).toThrow(/0 of the 3 scored particles are targets/);
  });
});

describe('topFractionHitRate', () => {
  it('equals the average over every order of tied particles (literal, small n)', () => {
    for (const seed of [11, 12, 13, 14, 15]) {
      const { s, y } = tiedData(7, seed, 3);
      for (let k = 1; k <= 7; k++) expect(topFractionHitRate(s, y, k / 7)).toBeCloseTo(literalHitRate(s, y, k), 12);
    }
  });

  it('counts the top k without ties, and the base rate at fraction 1', () => {
    const rnd = mulberry32(21);
    const s = Array.from({ length: 400 }, () => rnd()), y = s.map((v) => rnd() < v);
    const order = s.map((_, i) => i).sort((a, b) => s[b] - s[a]);
    expect(topFractionHitRate(s, y, 0.1)).toBeCloseTo(order.slice(0, 40).filter((i) => y[i]).length / 40, 14);
    expect(topFractionHitRate(s, y, 1)).toBeCloseTo(y.filter(Boolean).length / 400, 14);
    expect(() => topFractionHitRate(s, y, 0)).toThrow(/top fraction must be in \(0, 1\], got 0/);
  });
});

describe('indicatorScores', () => {
  it('scores every indicator on the same particles: table, summary, figures and a JSON round trip', async () => {
    const rnd = mulberry32(31);
    const y = Array.from({ length: 500 }, () => rnd() < 0.3);
    const good = y.map((t) => (t ? 1 : 0) + rnd()), noise = y.map(() => rnd());
    const r = indicatorScores({ good, noise }, y, { targetName: 'rearrangers', fractions: [0.1, 0.2] });
    expect(r.get('good').roc.auc).toBeCloseTo(literalAuc(good, y), 12);
    expect(r.get('good').hitRate[0]).toBeCloseTo(topFractionHitRate(good, y, 0.1), 14);
    expect(r.baseRate).toBeCloseTo(y.filter(Boolean).length / 500, 14);
    const t = r.table();
    expect(t.columns).toEqual(['indicator', 'AUC', 'AUC s.e.', 'rearrangers in top 10%', 'rearrangers in top 20%', 'enrichment at 10%', 'enrichment at 20%']);
    expect(t.rows[0][0]).toBe('good');
    expect(t.rows[0][5]).toBeCloseTo(r.get('good').hitRate[0] / r.baseRate, 12);
    expect(r.summary().split('\n')[0]).toMatch(/^2 indicator\(s\) scored against rearrangers: \d+ of 500 particles/);
    expect(r.figure()).toHaveLength(2);
    expect(() => r.get('bad')).toThrow(/no indicator 'bad' \(have good, noise\)/);
    const { loadResult } = await import('../../src/protocols/results.ts');
    const back = loadResult(JSON.parse(JSON.stringify(r)));
    expect(back.table()).toEqual(t);
  });
});
