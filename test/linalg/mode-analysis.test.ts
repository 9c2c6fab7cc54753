import { describe, expect, it } from 'vitest';
import { modeCountForFraction, participationFraction, participationRatio, vdosHistogram, type ModeSet } from '../../src/linalg/mode-analysis.ts';
import { Rng } from '../../src/util/random.ts';

/** random unit-norm modes as rows */
function randomModes(nAtoms: number, dim: 2 | 3, count: number, seed: number): ModeSet {
  const rng = new Rng(seed);
  const nd = nAtoms * dim;
  const vectors = new Float64Array(count * nd);
  for (let m = 0; m < count; m++) {
    let s = 0;
    for (let q = 0; q < nd; q++) { const v = rng.normal() * (1 + 5 * (q % 7 === 0 ? 1 : 0)); vectors[m * nd + q] = v; s += v * v; }
    for (let q = 0; q < nd; q++) vectors[m * nd + q] /= Math.sqrt(s);
  }
  return { nAtoms, dim, count, vectors };
}

/** atom i's squared amplitude in mode m, literally */
function amp2(M: ModeSet, m: number, i: number): number {
  let s = 0;
  for (let x = 0; x < M.dim; x++) s += M.vectors[m * M.nAtoms * M.dim + i * M.dim + x] ** 2;
  return s;
}

describe('participation ratio', () => {
  it('equals the literal formula on random modes (2D and 3D)', () => {
    for (const dim of [2, 3] as const) {
      const M = randomModes(37, dim, 5, dim);
      const pr = participationRatio(M);
      for (let m = 0; m < M.count; m++) {
        let num = 0, den = 0;
        for (let i = 0; i < M.nAtoms; i++) { num += amp2(M, m, i); den += amp2(M, m, i) ** 2; }
        expect(pr[m]).toBeCloseTo((num * num) / (M.nAtoms * den), 13);
      }
    }
  });

  it('is 1 for an evenly spread mode and 1/N for a mode on one atom', () => {
    const N = 20, nd = N * 3;
    const vectors = new Float64Array(2 * nd);
    for (let i = 0; i < N; i++) vectors[i * 3 + 1] = 1 / Math.sqrt(N);
    vectors[nd + 7 * 3 + 2] = 1;
    const pr = participationRatio({ nAtoms: N, dim: 3, count: 2, vectors });
    expect(pr[0]).toBeCloseTo(1, 14);
    expect(pr[1]).toBeCloseTo(1 / N, 14);
  });
});

describe('participation fraction (Wei et al. 2019 Eq. 4)', () => {
  it('equals the literal sum over the chosen lowest modes; sums to the number of modes', () => {
    const M = randomModes(30, 3, 6, 8);
    const p = participationFraction(M, 4);
    let total = 0;
    for (let i = 0; i < M.nAtoms; i++) {
      let ref = 0;
      for (let m = 0; m < 4; m++) ref += amp2(M, m, i);
      expect(p[i]).toBeCloseTo(ref, 14);
      total += p[i];
    }
    expect(total).toBeCloseTo(4, 12);
    expect(participationFraction(M).reduce((a, b) => a + b, 0)).toBeCloseTo(6, 12);
  });

  it('mode counts for a fraction, and errors for bad counts', () => {
    expect(modeCountForFraction(3 * 4000 - 3, 0.0025)).toBe(30);
    expect(modeCountForFraction(100, 0.001)).toBe(1);
    expect(() => modeCountForFraction(100, 0)).toThrow(/fraction must lie in \(0, 1\]/);
    expect(() => participationFraction(randomModes(4, 2, 2, 1), 3)).toThrow(/modeCount must be an integer in \[1, 2\]/);
  });
});

describe('DM-VDOS histogram', () => {
  it('counts equal a literal binning, density integrates to 1, the maximum falls in the last bin', () => {
    const rng = new Rng(3);
    const f = Float64Array.from({ length: 1000 }, () => 20 * rng.uniform());
    const h = vdosHistogram(f, { bins: 40 });
    const top = Math.max(...f);
    const width = top / 40;
    const ref = new Array(40).fill(0);
    for (const x of f) ref[Math.min(39, Math.floor(x / width))]++;
    expect(Array.from(h.counts)).toEqual(ref);
    expect(h.outside).toBe(0);
    expect(h.density.reduce((a, b) => a + b, 0) * width).toBeCloseTo(1, 12);
    expect(h.edges[40]).toBe(top);
  });

  it('samples outside [min, max] are counted as outside, not binned', () => {
    const h = vdosHistogram([-1, 0.5, 1.5, 2.5], { bins: 2, min: 0, max: 2 });
    expect(Array.from(h.counts)).toEqual([1, 1]);
    expect(h.outside).toBe(2);
    expect(() => vdosHistogram([], {})).toThrow(/no frequencies given/);
  });
});
