import { describe, expect, it } from 'vitest';
import { createIpl, IPL_DEFAULTS, smoothingCoefficients } from '../../src/potential/ipl.ts';
import { pairTableOf } from '../../src/potential/pair-table.ts';
import { fdCheck, grid } from './helpers.ts';

const PAIRS = [[1, 1], [1, 2], [2, 1], [2, 2]] as const;
const LAMBDA: Record<string, number> = { '1,1': 1.0, '1,2': 1.18, '2,1': 1.18, '2,2': 1.4 };

/** k-th derivative of f(x) = x^-n + sum_l c_l x^{2l}, written out literally */
function fDeriv(n: number, c: Float64Array, x: number, k: number): number {
  let ff = 1;
  for (let i = 0; i < k; i++) ff *= -n - i;
  let s = ff * Math.pow(x, -n - k);
  c.forEach((cl, l) => {
    let g = 1;
    for (let i = 0; i < k; i++) g *= 2 * l - i;
    if (g !== 0) s += cl * g * Math.pow(x, 2 * l - k);
  });
  return s;
}

describe('IPL smoothing coefficients', () => {
  it.each([[10, 1.48, 3], [10, 1.385, 3], [12, 1.5, 2], [10, 1.48, 5]])('n=%d x_c=%d q=%d: f and its first q derivatives vanish at x_c', (n, xc, q) => {
    const c = smoothingCoefficients(n, xc, q);
    expect(c.length).toBe(q + 1);
    for (let k = 0; k <= q; k++) {
      const scale = Math.abs(fDeriv(n, new Float64Array(0), xc, k)); // size of the x^-n term alone
      expect(Math.abs(fDeriv(n, c, xc, k))).toBeLessThan(1e-12 * scale);
    }
    // and the next derivative does not vanish (the system is not trivially degenerate)
    expect(Math.abs(fDeriv(n, c, xc, q + 1))).toBeGreaterThan(1e-3);
  });

  it('rejects invalid inputs with a message', () => {
    expect(() => smoothingCoefficients(10, -1, 3)).toThrow(/x_c > 0/);
    expect(() => smoothingCoefficients(10, 1.48, 1.5)).toThrow(/integer q/);
  });
});

describe.each([2, 3] as const)('ipl%dd', (dim) => {
  const pot = createIpl({ dim });
  const out = new Float64Array(4);

  it('has name, dimension, types, masses and cutoffs x_c lambda_ij', () => {
    expect(pot.name).toBe(`ipl${dim}d`);
    expect(pot.dim).toBe(dim);
    expect(pot.ntypes).toBe(2);
    expect(pot.typeMasses).toEqual([0, 1, 1]);
    expect(pot.q).toBe(3);
    expect(pot.n).toBe(10);
    for (const [a, b] of PAIRS) expect(pot.cutoff(a, b)).toBeCloseTo(1.48 * LAMBDA[`${a},${b}`], 14);
    expect(pot.maxCutoff).toBeCloseTo(1.48 * 1.4, 14);
  });

  it.each(PAIRS)('pair (%i,%i): equals eps[(lambda/r)^10 + sum c_2l (r/lambda)^2l]', (a, b) => {
    const lam = LAMBDA[`${a},${b}`];
    for (const r of grid(0.8 * lam, 1.47 * lam, 23)) {
      pot.radial(a, b, r, out);
      for (let k = 0; k <= 3; k++) {
        const want = fDeriv(10, pot.coefficients, r / lam, k) / lam ** k;
        expect(Math.abs(out[k] - want)).toBeLessThan(1e-11 * (1 + Math.abs(want)));
      }
    }
  });

  it.each(PAIRS)('pair (%i,%i): derivatives match finite differences', (a, b) => {
    const lam = LAMBDA[`${a},${b}`];
    // Near the cutoff phi ~ (x_c - x)^4, so the step must be small against x_c - x
    // (truncation ~ (h / (x_c - x))^4), and phi^(k) is a small difference of
    // O(3 * 10^k) terms, so round-off sets an absolute floor ~ 1e-16 * 3 * 10^k / h.
    const atol = [1e-11, 1e-10, 1e-9].map((t) => t / lam);
    const fails = fdCheck((r, o) => pot.radial(a, b, r, o), grid(0.8 * lam, 1.47 * lam, 40), (x) => 1e-4 * x, 1e-7, atol);
    expect(fails).toEqual([]);
  });

  it.each(PAIRS)('pair (%i,%i): phi^(k) vanishes at the cutoff like (rc - r)^(4-k), k = 0..3', (a, b) => {
    const rc = pot.cutoff(a, b);
    const d = 1e-3 * rc;
    const at = new Float64Array(4), half = new Float64Array(4);
    pot.radial(a, b, rc - d, at);
    pot.radial(a, b, rc - d / 2, half);
    for (let k = 0; k <= 3; k++) {
      // halving the distance to the cutoff divides phi^(k) by 2^(4-k) (up to O(d) corrections)
      expect(at[k] / half[k]).toBeCloseTo(2 ** (4 - k), 1);
    }
    pot.radial(a, b, rc * (1 - 1e-9), out);
    // limited by round-off: phi is a sum of terms of size ~3 that cancel
    expect(Math.abs(out[0])).toBeLessThan(1e-14);
    expect(Math.abs(out[1])).toBeLessThan(1e-12);
    expect(Math.abs(out[2])).toBeLessThan(1e-9);
    expect(Math.abs(out[3])).toBeLessThan(1e-6);
    for (const r of [rc, rc + 1e-12, 3]) { pot.radial(a, b, r, out); expect([...out]).toEqual([0, 0, 0, 0]); }
  });

  it('pairTable reproduces radial() through its documented formula (no square root)', () => {
    const t = pairTableOf(pot);
    if (t?.kind !== 'ipl') throw new Error('expected an IPL pair table');
    expect(t.n).toBe(10);
    for (const [a, b] of PAIRS) {
      const k = a * t.stride + b;
      for (const r of grid(0.8, 2.2, 50)) {
        const r2 = r * r;
        let e = 0, fOverR = 0;
        if (r2 < t.cutsq[k]) {
          const s = r2 * t.invLambda2[k];
          e = s ** (-t.n / 2);
          fOverR = t.n * s ** (-t.n / 2 - 1);
          for (let l = 0; l < t.c.length; l++) {
            e += t.c[l] * s ** l;
            if (l >= 1) fOverR -= 2 * l * t.c[l] * s ** (l - 1);
          }
          e *= t.epsilon;
          fOverR *= t.epsilon * t.invLambda2[k];
        }
        pot.radial(a, b, r, out);
        expect(Math.abs(e - out[0])).toBeLessThan(1e-13 * (1 + Math.abs(out[0])));
        expect(Math.abs(fOverR + out[1] / r)).toBeLessThan(1e-12 * (1 + Math.abs(out[1])));
      }
    }
  });

  it('documents its glass-making state', () => {
    const d = IPL_DEFAULTS[`ipl${dim}d`];
    expect(d.dim).toBe(dim);
    expect(d.composition).toEqual([0, 0.5, 0.5]);
    expect(d.numberDensity).toBe(dim === 2 ? 0.86 : 0.82);
    expect(d.inferred).toMatch(/x_c/);
  });
});
