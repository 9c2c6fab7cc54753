/**
 * FFT plans against the literal DFT X_k = sum_n x_n exp(-2 pi i k n / L) on
 * random data, for every power-of-two length up to 512 (odd and even log2,
 * so both the radix-4-only and the radix-4 + radix-2 paths), the inverse
 * round trip, the real transform with zero padding (numpy.fft.rfft(x, L)
 * semantics) and the accumulated power spectrum.
 */
import { describe, expect, it } from 'vitest';
import { FftPlan, RealFftPlan, nextPowerOfTwo } from '../../src/numeric/fft.ts';
import { mulberry32 } from '../support/random.ts';

function literalDft(re: ArrayLike<number>, im: ArrayLike<number>, L: number): { re: Float64Array; im: Float64Array } {
  const outRe = new Float64Array(L), outIm = new Float64Array(L);
  for (let k = 0; k < L; k++) {
    let sr = 0, si = 0;
    for (let n = 0; n < re.length; n++) {
      const a = (-2 * Math.PI * ((k * n) % L)) / L;
      sr += re[n] * Math.cos(a) - im[n] * Math.sin(a);
      si += re[n] * Math.sin(a) + im[n] * Math.cos(a);
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return { re: outRe, im: outIm };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe('FftPlan', () => {
  it('equals the literal DFT for L = 1 .. 512', () => {
    const rnd = mulberry32(1);
    for (let L = 1; L <= 512; L *= 2) {
      const re = Float64Array.from({ length: L }, () => rnd() - 0.5);
      const im = Float64Array.from({ length: L }, () => rnd() - 0.5);
      const ref = literalDft(re, im, L);
      const plan = new FftPlan(L);
      const r = re.slice(), i = im.slice();
      plan.transform(r, i);
      const scale = maxAbs(ref.re) + 1;
      for (let k = 0; k < L; k++) {
        expect(Math.abs(r[k] - ref.re[k]) / scale).toBeLessThan(1e-13);
        expect(Math.abs(i[k] - ref.im[k]) / scale).toBeLessThan(1e-13);
      }
      plan.inverse(r, i);
      for (let k = 0; k < L; k++) {
        expect(Math.abs(r[k] - re[k])).toBeLessThan(1e-14);
        expect(Math.abs(i[k] - im[k])).toBeLessThan(1e-14);
      }
    }
  });

  it('refuses lengths that are not powers of two, naming the padded length', () => {
    expect(() => new FftPlan(12)).toThrow(/power of two.*nextPowerOfTwo\(12\)/);
    expect(nextPowerOfTwo(12)).toBe(16);
    expect(nextPowerOfTwo(16)).toBe(16);
    expect(nextPowerOfTwo(1)).toBe(1);
  });
});

describe('RealFftPlan', () => {
  it('equals the literal DFT of the zero-padded real signal, odd and even lengths', () => {
    const rnd = mulberry32(2);
    for (const [len, L] of [[2, 2], [3, 4], [5, 8], [8, 8], [13, 32], [100, 128], [100, 256], [257, 512]]) {
      const x = Float64Array.from({ length: len }, () => rnd() - 0.5);
      const ref = literalDft(x, new Float64Array(len), L);
      const plan = new RealFftPlan(L);
      expect(plan.bins).toBe(L / 2 + 1);
      const re = new Float64Array(plan.bins), im = new Float64Array(plan.bins);
      plan.forward(x, re, im);
      const power = new Float64Array(plan.bins + 2).fill(1);
      plan.accumulatePower(x, 0, len, power, 1, 2);
      const scale = maxAbs(ref.re) + 1;
      for (let k = 0; k <= L / 2; k++) {
        expect(Math.abs(re[k] - ref.re[k]) / scale).toBeLessThan(1e-13);
        expect(Math.abs(im[k] - ref.im[k]) / scale).toBeLessThan(1e-13);
        const p = ref.re[k] ** 2 + ref.im[k] ** 2;
        expect(Math.abs(power[k + 1] - (1 + 2 * p)) / (scale * scale)).toBeLessThan(1e-12);
      }
      expect(power[0]).toBe(1);
      expect(power[plan.bins + 1]).toBe(1);
    }
  });

  it('reads a signal at an offset inside a larger array (batched use)', () => {
    const rnd = mulberry32(3);
    const block = Float64Array.from({ length: 3 * 50 }, () => rnd() - 0.5);
    const plan = new RealFftPlan(128);
    const re = new Float64Array(65), im = new Float64Array(65);
    plan.forward(block, re, im, 50, 50);
    const ref = literalDft(block.subarray(50, 100), new Float64Array(50), 128);
    for (let k = 0; k <= 64; k++) expect(Math.abs(re[k] - ref.re[k])).toBeLessThan(1e-12);
  });
});
