/**
 * Per-atom field correlations (src/analysis/correlation.ts): Pearson against
 * the formula of Fan et al. Fig. 2(b) written literally, invariance under
 * affine maps, the limits +-1, a large common offset (two-pass stability),
 * Spearman on ranks with ties, and clear errors.
 */
import { describe, expect, it } from 'vitest';
import { fieldRanks, maskField, pearsonCorrelation, spearmanCorrelation } from '../../src/numeric/correlation.ts';
import { mulberry32 } from '../support/random.ts';

function literalPearson(A: number[], B: number[]): number {
  const ma = A.reduce((s, x) => s + x, 0) / A.length, mb = B.reduce((s, x) => s + x, 0) / B.length;
  const num = A.reduce((s, a, i) => s + (a - ma) * (B[i] - mb), 0);
  return num / (Math.sqrt(A.reduce((s, a) => s + (a - ma) ** 2, 0)) * Math.sqrt(B.reduce((s, b) => s + (b - mb) ** 2, 0)));
}

describe('pearsonCorrelation', () => {
  it('equals the literal formula on random fields and is invariant under positive affine maps', () => {
    const rnd = mulberry32(9);
    const A = Array.from({ length: 200 }, () => rnd());
    const B = A.map((a) => a + 0.5 * rnd());
    expect(pearsonCorrelation(A, B)).toBeCloseTo(literalPearson(A, B), 14);
    expect(pearsonCorrelation(A.map((a) => 3 * a + 1e8), B)).toBeCloseTo(literalPearson(A, B), 9);
    expect(pearsonCorrelation(A, A.map((a) => -2 * a + 1))).toBeCloseTo(-1, 14);
    expect(pearsonCorrelation(A, A)).toBeCloseTo(1, 14);
    expect(pearsonCorrelation([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it('refuses fields of different lengths or with non-finite values', () => {
    expect(() => pearsonCorrelation([1, 2], [1, 2, 3])).toThrow(/2 and 3 values/);
    expect(() => pearsonCorrelation([1, NaN, 3], [1, 2, 3])).toThrow(/value 1 is not finite/);
  });
});

describe('spearmanCorrelation', () => {
  it('ranks with ties and is 1 for any increasing map', () => {
    expect(Array.from(fieldRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    const x = [0.1, 0.5, 0.2, 3, 2];
    expect(spearmanCorrelation(x, x.map((v) => Math.exp(5 * v)))).toBeCloseTo(1, 14);
    expect(Array.from(maskField([1, 2, 3], [true, false, true]))).toEqual([1, 3]);
  });
});
