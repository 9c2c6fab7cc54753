import { describe, expect, it } from 'vitest';
import {
  cagingDepthQ, cagingDepthR, cagingPotentialQ, fitSoftnessCalibration, harmonicSoftnessFit, hncDirectCorrelation,
  inverseSoftnessFromCurvature, linearLeastSquares, meanFieldSoftness, softnessFromDepth,
} from '../../src/analysis/softness/caging-potential.ts';
import { makePartialRdf, makePartialStructureFactor, type PartialStructureFactor } from '../../src/analysis/structure/structure.ts';
import { PHI } from '../../src/potential/types.ts';
import { mulberry32 } from '../support/random.ts';
import { KA } from './structure.fixtures.ts';

/** A smooth model S(q) of one species (a main peak at q = 7, S(0) = 0.05 ...), perturbation gone by q = 12. */
function modelS(q: number): number {
  return 1 + 1.6 * Math.exp(-((q - 7) ** 2)) - 0.95 * Math.exp(-q * q / 2) + 0.3 * Math.exp(-2 * (q - 10) ** 2);
}

function structureFactor(q: Float64Array, S: Float64Array[], fractions: number[], density: number): PartialStructureFactor {
  const ntypes = fractions.length;
  return makePartialStructureFactor({ ntypes, q, S, fractions: Float64Array.from(fractions), density });
}

describe('Eq. 3-4: the q-space caging potential', () => {
  const q = Float64Array.from({ length: 2400 }, (_, k) => (k + 1) * 0.005);
  const one = structureFactor(q, [Float64Array.from(q, modelS)], [1], 1.2);

  it('equals a literal Cartesian sum over q vectors of -(1/rho) (2 pi)^-3 C (S - 1) exp(-q^2 dr^2 / 6)', () => {
    const h = 0.2, M = 60; // grid [-12, 12]^3
    for (const dr of [0, 0.1]) {
      let sum = 0;
      for (let a = -M; a <= M; a++) for (let b = -M; b <= M; b++) for (let c = -M; c <= M; c++) {
        const qq = h * Math.hypot(a, b, c);
        if (qq === 0 || qq > 12) continue;
        const S = modelS(qq), C = 1 - 1 / S;
        sum += C * (S - 1) * Math.exp(-qq * qq * dr * dr / 6);
      }
      const literal = -(h ** 3 / (2 * Math.PI) ** 3) * sum / 1.2;
      expect(cagingPotentialQ(one, [dr])[0]).toBeCloseTo(literal, 3);
    }
    expect(cagingDepthQ(one, { rhoFactor: false })).toBeCloseTo(1.2 * cagingDepthQ(one), 10);
  });

  it('a binary mixture of two identical uncorrelated copies gives the one-species potential', () => {
    const S = Float64Array.from(q, modelS);
    const two = structureFactor(q, [S, new Float64Array(q.length), new Float64Array(q.length), S], [0.8, 0.2], 1.2);
    expect(cagingDepthQ(two)).toBeCloseTo(cagingDepthQ(one), 10);
  });

  it('the harmonic fit near dr = 0 gives the softness of the exact curvature', () => {
    const mf = meanFieldSoftness(one, { fitMax: 0.02 });
    expect(mf.softness * mf.inverseSoftnessCurvature).toBeCloseTo(1, 2); // the quartic term of exp(-q^2 dr^2/6)
    expect(mf.softness).toBeGreaterThan(0);
    expect(inverseSoftnessFromCurvature(one)).toBeCloseTo(mf.inverseSoftnessCurvature, 12);
    // the potential is a minimum at 0 and rises
    const phi = cagingPotentialQ(one, [0, 0.05, 0.1, 0.2]);
    for (let k = 1; k < 4; k++) expect(phi[k]).toBeGreaterThan(phi[k - 1]);
  });

  it('harmonicSoftnessFit recovers an exact parabola', () => {
    const dr = [0, 0.01, 0.02, 0.03, 0.04];
    const fit = harmonicSoftnessFit(dr, dr.map((x) => -40 + x * x / (2 * 1.5e-3)), 0.05);
    expect(fit.phi0).toBeCloseTo(-40, 10);
    expect(fit.softness).toBeCloseTo(1.5e-3, 12);
  });
});

describe('Eq. 5-6: HNC c(r) and the r-space depth', () => {
  const T = 0.8;
  const r = Float64Array.from({ length: 2200 }, (_, k) => 0.7 + (k + 0.5) * 0.001);
  const buf = new Float64Array(4);
  const betaU = (u: number, v: number, x: number) => { KA.radial(u, v, x, buf); return buf[PHI] / T; };

  it('low-density limit: with g = exp(-beta U) the HNC c(r) is the Mayer function exp(-beta U) - 1', () => {
    for (const [u, v] of [[1, 1], [1, 2], [2, 2]]) {
      const g = Float64Array.from(r, (x) => Math.exp(-betaU(u, v, x)));
      const c = hncDirectCorrelation(r, g, KA, u, v, T);
      let worst = 0;
      r.forEach((x, k) => { worst = Math.max(worst, Math.abs(c[k] - (Math.exp(-betaU(u, v, x)) - 1))); });
      expect(worst).toBeLessThan(1e-10);
    }
    // undefined where g = 0
    expect(Number.isNaN(hncDirectCorrelation([1], [0], KA, 1, 1, T)[0])).toBe(true);
  });

  it('beta Phi_r(0) = -rho sum_uv sqrt(x_u x_v) int 4 pi r^2 c g dr for the low-density g, within limits', () => {
    const dr = 0.001, nb = 2900;
    const rr = Float64Array.from({ length: nb }, (_, k) => (k + 0.5) * dr);
    const g = [[1, 1], [1, 2], [2, 1], [2, 2]].map(([u, v]) => Float64Array.from(rr, (x) => Math.exp(-betaU(u, v, x))));
    const rdf = makePartialRdf({ dim: 3, ntypes: 2, dr, r: rr, g, density: 0.01, fractions: Float64Array.of(0.8, 0.2), counts: Float64Array.of(8, 2), frames: 1 });
    const limits = { ntypes: 2, lower: Float64Array.of(0.8, 0.7, 0.7, 0.75), upper: Float64Array.of(1.45, 1.3, 1.3, 1.9) };
    // independent: Simpson's rule of the Mayer integrand on each pair's own interval
    let expected = 0;
    [[1, 1], [1, 2], [2, 1], [2, 2]].forEach(([u, v], p) => {
      const a = limits.lower[p], b = limits.upper[p], m = 2000, h = (b - a) / m;
      let s = 0;
      for (let k = 0; k <= m; k++) {
        const x = a + k * h, e = Math.exp(-betaU(u, v, x));
        s += (k === 0 || k === m ? 1 : k % 2 ? 4 : 2) * 4 * Math.PI * x * x * (e - 1) * e;
      }
      expected += Math.sqrt([0.8, 0.2][u - 1] * [0.8, 0.2][v - 1]) * s * h / 3;
    });
    expected *= -0.01;
    expect(cagingDepthR(rdf, KA, { temperature: T, limits }) / expected).toBeCloseTo(1, 3);
  });
});

describe('Eq. 7 calibration and least squares', () => {
  it('recovers c0, c1 from exact data and gives honest errors on noisy data', () => {
    const phi = [-36, -41, -45, -50];
    const exact = fitSoftnessCalibration(phi.map((p) => 1 / (-2000 - 79 * p)), phi);
    expect(exact.c0).toBeCloseTo(-2000, 6);
    expect(exact.c1).toBeCloseTo(-79, 8);
    expect(exact.c1Error).toBeLessThan(1e-8);
    expect(exact.r2).toBeCloseTo(1, 12);
    expect(softnessFromDepth(-40, exact)).toBeCloseTo(1 / 1160, 12);
    expect(Number.isNaN(softnessFromDepth(-10, exact))).toBe(true);

    // many noisy lines: the reported slope error matches the scatter of the slopes
    const rnd = mulberry32(3);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const x = Array.from({ length: 12 }, (_, k) => k);
    const slopes: number[] = [], errs: number[] = [];
    for (let t = 0; t < 400; t++) {
      const f = linearLeastSquares(x, x.map((v) => 1 + 2 * v + 0.5 * gauss()));
      slopes.push(f.slope); errs.push(f.slopeError);
    }
    const m = slopes.reduce((a, b) => a + b) / slopes.length;
    const sd = Math.sqrt(slopes.reduce((a, b) => a + (b - m) ** 2, 0) / (slopes.length - 1));
    const meanErr = errs.reduce((a, b) => a + b) / errs.length;
    expect(Math.abs(m - 2)).toBeLessThan(0.01);
    expect(meanErr / sd).toBeGreaterThan(0.85);
    expect(meanErr / sd).toBeLessThan(1.15);
    expect(() => fitSoftnessCalibration([1e-3], [-40])).toThrow(/at least 2/);
  });
});
