/**
 * Mean-field caging potential of Sharma, Nandi & Bhattacharyya, PRE 105,
 * 044604 (2022), Sec. IV (and Nandi & Bhattacharyya, PRL 126, 208001 (2021)).
 *
 *   beta Phi_q^av(dr) = -(1/rho) int dq/(2 pi)^3 sum_uv C_uv(q) sqrt(x_u x_v) [S_uv(q) - delta_uv] exp(-q^2 dr^2 / 6)   (Eq. 3)
 *   beta Phi_q^av(0)  = the same at dr = 0                                                                            (Eq. 4)
 *   beta Phi_q^av(dr) ~ beta Phi_q^av(0) + dr^2 / (2 S^av)   near dr = 0: S^av the softness (length^2)
 *   beta Phi_r^av(0)  = -rho sum_uv sqrt(x_u x_v) int_{r_lo}^{r_hi} 4 pi r^2 C_uv(r) g_uv(r) dr                        (Eq. 5)
 *   C_uv(r)           = -beta U_uv(r) + [g_uv(r) - 1] - ln g_uv(r)       (HNC without bridge function, Eq. 6)
 *   1/S^av            = c0 + c1 beta Phi_r^av(0)     across temperatures (Eq. 7)
 *
 * Conventions decided here (the paper is ambiguous; documented so the numbers
 * can be compared):
 * - C(q) = 1 - S^-1(q) is dimensionless (rho-scaled, structure.ts), so the
 *   integrand of Eq. 3 as printed has units of length^-3. We divide by rho
 *   (the option `rhoFactor: false` removes it) so that beta Phi is a pure
 *   number: for one species C (S - 1) / rho = rho c(q)^2 S(q), exactly
 *   Schweizer's dynamic free energy (J. Chem. Phys. 123, 244501 (2005)),
 *   which the paper cites as the same formalism. In LJ units at rho = 1.2 the
 *   choice only rescales Phi_q and 1/S^av by 1.2.
 * - Phi is reported as beta Phi (dimensionless, units of k_B T); S^av in
 *   length^2 (sigma^2).
 * - Eq. 5 is integrated in 3D (d r = 4 pi r^2 dr). Where g = 0 the integrand
 *   C g is taken as its limit 0 (-beta U g -> 0 since g ~ exp(-beta U), and
 *   g ln g -> 0), so the HNC c(r) is never evaluated where it is undefined.
 * - The q integral of Eq. 3 is cut at the largest q given: the curvature
 *   (1/S^av) involves int q^4 C (S - 1) dq, which converges slowly, so
 *   always report q_max with S^av (we use q_max = 30 / sigma: S^av of KA at
 *   T = 0.8 is 1.49e-3 / 1.22e-3 / 1.13e-3 at q_max = 20 / 30 / 40).
 * - Use the direct S(q) of the cell's wave vectors (structureFactorDirect)
 *   for Eqs. 3-4: C = 1 - S^-1 amplifies the errors of S where S is small
 *   (q < 5), and the Fourier transform of a g(r) truncated at half the box is
 *   poor there (KA N = 1000, T = 0.7: beta Phi_q^av(0) = -87 from the
 *   transform against -65 direct; the two agree for q > 5).
 * - Eq. 5 for the calibration is the literal sum over all four species pairs,
 *   each integrated between its Appendix B limits (integrationLimitsFromRdf),
 *   with the histogram g(r). Its sign is that of the printed equation:
 *   beta Phi_r(0) < 0 and more negative (deeper) at lower T; the paper's
 *   Fig. 2(a) "shifts to higher values" reads as the depth |beta Phi_r(0)|.
 *   Hence c1 < 0 in 1/S = c0 + c1 beta Phi_r(0).
 *
 * Check against the paper's numbers (KA N = 1000, rho 1.2, LAMMPS NVT,
 * 20 frames per T; S^av from the last 4 frames, q_max 30; bench notes in the
 * report): T = 0.8 / 0.7 / 0.6 / 0.52 give S^av = 1.39 / 1.26 / 1.11 / 1.01
 * x 1e-3 sigma^2, beta Phi_q^av(0) = -59 / -65 / -74 / -79, beta Phi_r^av(0)
 * = -36.2 / -40.9 / -47.7 / -55.8; the fit of Eq. 7 is linear (r^2 = 0.993)
 * with c0 = 216 +- 39, c1 = -14.0 +- 0.9, and the local S of A particles
 * (delta 0.09) spans 1.7-3.2e-3 at T = 0.8 and 1.3-2.4e-3 at T = 0.52
 * (5-95%), moving down and narrowing on cooling: the range (1-3 x 1e-3) and
 * the trends of the paper's Figs. 2(b), 3, 5. Without the 1/rho of Eq. 3
 * every S^av is 1.2x smaller; the paper's numbers cannot tell the two apart,
 * so the dimensionally consistent form is kept.
 */
import type { PairPotential } from '../../potential/types.ts';
import { PHI } from '../../potential/types.ts';
import { directCorrelationMatrix, speciesPairIndex, type PartialRdf, type PartialStructureFactor } from '../structure/structure.ts';
import { linearLeastSquares } from '../statistics/fit.ts';

export { linearLeastSquares, type LinearFit } from '../statistics/fit.ts';

export interface CagingOptions {
  /** divide the q integral by rho so beta Phi is dimensionless (default true; see module doc) */
  rhoFactor?: boolean;
}

/**
 * Integrand weight of Eq. 3 per q point: w(q) = -(q^2 / 2 pi^2) sum_uv C_uv sqrt(x_u x_v) (S_uv - d_uv) [/ rho],
 * so that beta Phi(dr) = int w(q) exp(-q^2 dr^2/6) dq.
 */
function cagingWeights(sq: PartialStructureFactor, opts: CagingOptions): Float64Array {
  const C = directCorrelationMatrix(sq);
  const nt = sq.ntypes, nq = sq.q.length;
  const w = new Float64Array(nq);
  const scale = (opts.rhoFactor ?? true) ? 1 / sq.density : 1;
  for (let k = 0; k < nq; k++) {
    let s = 0;
    for (let u = 0; u < nt; u++) {
      for (let v = 0; v < nt; v++) {
        const p = u * nt + v;
        s += C.C[p][k] * Math.sqrt(sq.fractions[u] * sq.fractions[v]) * (sq.S[p][k] - (u === v ? 1 : 0));
      }
    }
    const q = sq.q[k];
    w[k] = -(q * q / (2 * Math.PI * Math.PI)) * s * scale;
  }
  return w;
}

/** Trapezoid integral of f over the (possibly non-uniform) grid x, from 0 (f(0) = 0 assumed for q integrands). */
function trapezoidFromZero(x: Float64Array, f: Float64Array): number {
  let acc = x.length > 0 ? 0.5 * x[0] * f[0] : 0;
  for (let k = 1; k < x.length; k++) acc += 0.5 * (x[k] - x[k - 1]) * (f[k] + f[k - 1]);
  return acc;
}

/** beta Phi_q^av(dr) of Eq. 3 at each displacement dr (length), from partial S(q) (any |q| grid). */
export function cagingPotentialQ(sq: PartialStructureFactor, dr: ArrayLike<number>, opts: CagingOptions = {}): Float64Array {
  const w = cagingWeights(sq, opts);
  const out = new Float64Array(dr.length);
  const f = new Float64Array(w.length);
  for (let m = 0; m < dr.length; m++) {
    const d2 = dr[m] * dr[m];
    for (let k = 0; k < w.length; k++) f[k] = w[k] * Math.exp(-sq.q[k] * sq.q[k] * d2 / 6);
    out[m] = trapezoidFromZero(sq.q, f);
  }
  return out;
}

/** beta Phi_q^av(0) of Eq. 4. */
export function cagingDepthQ(sq: PartialStructureFactor, opts: CagingOptions = {}): number {
  return cagingPotentialQ(sq, [0], opts)[0];
}

/**
 * Curvature of Eq. 3 at dr = 0: 1/S^av = d^2 beta Phi / d dr^2 = -(1/3) int w(q) q^2 dq
 * (the exact limit of the paper's harmonic fit as the fit range goes to 0).
 */
export function inverseSoftnessFromCurvature(sq: PartialStructureFactor, opts: CagingOptions = {}): number {
  const w = cagingWeights(sq, opts);
  const f = Float64Array.from(w, (wk, k) => -wk * sq.q[k] * sq.q[k] / 3);
  return trapezoidFromZero(sq.q, f);
}

export interface HarmonicFit {
  /** beta Phi(0) of the fit */
  phi0: number;
  /** softness S (length^2): beta Phi = phi0 + dr^2 / (2 S) */
  softness: number;
  /** displacements used (dr <= fitMax) */
  points: number;
}

/**
 * Least-squares fit of beta Phi(dr) = phi0 + dr^2 / (2 S) over dr <= fitMax
 * (the paper's "fit the potential near dr = 0 to a harmonic form").
 */
export function harmonicSoftnessFit(dr: ArrayLike<number>, phi: ArrayLike<number>, fitMax: number): HarmonicFit {
  const x: number[] = [], y: number[] = [];
  for (let k = 0; k < dr.length; k++) if (Math.abs(dr[k]) <= fitMax) { x.push(dr[k] * dr[k] / 2); y.push(phi[k]); }
  if (x.length < 3) throw new Error(`harmonicSoftnessFit: need at least 3 displacements within fitMax = ${fitMax}, got ${x.length}`);
  const fit = linearLeastSquares(x, y);
  return { phi0: fit.intercept, softness: 1 / fit.slope, points: x.length };
}

export interface MeanFieldSoftnessOptions extends CagingOptions {
  /** largest displacement of the harmonic fit (length), default 0.05 sigma */
  fitMax?: number;
  /** displacements sampled for the fit, default 11 */
  fitPoints?: number;
}

export interface MeanFieldSoftness {
  /** beta Phi_q^av(0), Eq. 4 */
  phiQ0: number;
  /** S^av from the harmonic fit of Eq. 3 (length^2) */
  softness: number;
  /** 1/S^av from the exact curvature at 0 (length^-2), for comparison with the fit */
  inverseSoftnessCurvature: number;
  /** largest q of the integral (inverse length): S^av depends on it */
  qMax: number;
  /** the displacements and beta Phi_q^av(dr) used for the fit (figure data) */
  dr: Float64Array;
  phi: Float64Array;
}

/** S^av and beta Phi_q^av(0) of Eqs. 3-4 from partial S(q). */
export function meanFieldSoftness(sq: PartialStructureFactor, opts: MeanFieldSoftnessOptions = {}): MeanFieldSoftness {
  const fitMax = opts.fitMax ?? 0.05, np = opts.fitPoints ?? 11;
  const dr = Float64Array.from({ length: np }, (_, k) => (k * fitMax) / (np - 1));
  const phi = cagingPotentialQ(sq, dr, opts);
  const fit = harmonicSoftnessFit(dr, phi, fitMax);
  return {
    phiQ0: phi[0], softness: fit.softness, inverseSoftnessCurvature: inverseSoftnessFromCurvature(sq, opts),
    qMax: sq.q[sq.q.length - 1], dr, phi,
  };
}

/**
 * HNC direct correlation function of Eq. 6, c(r) = -beta U(r) + g(r) - 1 - ln g(r),
 * on the grid r (length) with U the pair potential of species (u, v) at
 * temperature T (energy units, k_B = 1). Where g(r) <= 0 it is undefined: NaN.
 */
export function hncDirectCorrelation(r: ArrayLike<number>, g: ArrayLike<number>, pot: PairPotential, u: number, v: number, T: number): Float64Array {
  const out = new Float64Array(r.length);
  const buf = new Float64Array(4);
  for (let k = 0; k < r.length; k++) {
    pot.radial(u, v, r[k], buf);
    out[k] = g[k] > 0 ? -buf[PHI] / T + g[k] - 1 - Math.log(g[k]) : NaN;
  }
  return out;
}

/**
 * The integrand C(r) g(r) of Eq. 5 with C from Eq. 6, taking its limit 0 where
 * g = 0: g (-beta U + g - 1 - ln g). `betaU` is beta U at the same r.
 */
export function hncProduct(g: number, betaU: number): number {
  return g > 0 ? g * (-betaU + g - 1 - Math.log(g)) : 0;
}

/** Integration limits per species pair (length), flat [speciesPairIndex(u, v)]. */
export interface IntegrationLimits {
  readonly ntypes: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

export interface CagingDepthROptions {
  /** temperature (energy units, k_B = 1) */
  temperature: number;
  /** limits of the r integral per pair; default 0 .. r_max of the g(r) */
  limits?: IntegrationLimits;
}

/**
 * beta Phi_r^av(0) of Eq. 5 (dimensionless) from the histogram partial g_uv(r)
 * and the pair potential, with the HNC C(r) of Eq. 6, midpoint rule on the
 * g(r) bins whose centre lies in [lower, upper].
 */
export function cagingDepthR(rdf: PartialRdf, pot: PairPotential, opts: CagingDepthROptions): number {
  const T = opts.temperature;
  if (!(T > 0)) throw new Error(`cagingDepthR: temperature must be positive, got ${T}`);
  const nt = rdf.ntypes;
  if (pot.ntypes < nt) throw new Error(`cagingDepthR: the g(r) has ${nt} species but potential '${pot.name}' defines ${pot.ntypes}`);
  const buf = new Float64Array(4);
  let total = 0;
  for (let u = 1; u <= nt; u++) {
    for (let v = 1; v <= nt; v++) {
      const p = speciesPairIndex(u, v, nt);
      const lo = opts.limits ? opts.limits.lower[p] : 0, hi = opts.limits ? opts.limits.upper[p] : Infinity;
      const g = rdf.g[p];
      let acc = 0;
      for (let b = 0; b < g.length; b++) {
        const r = rdf.r[b];
        if (r < lo || r > hi) continue;
        pot.radial(u, v, r, buf);
        acc += 4 * Math.PI * r * r * rdf.dr * hncProduct(g[b], buf[PHI] / T);
      }
      total += Math.sqrt(rdf.fractions[u - 1] * rdf.fractions[v - 1]) * acc;
    }
  }
  return -rdf.density * total;
}

/** The calibration of Eq. 7, 1/S = c0 + c1 beta Phi_r(0). */
export interface SoftnessCalibration {
  c0: number;
  c1: number;
  c0Error: number;
  c1Error: number;
  r2: number;
}

/**
 * Fit Eq. 7 across state points: 1/S^av = c0 + c1 beta Phi_r^av(0), from the
 * mean-field softness and depth at each temperature (at least 2).
 */
export function fitSoftnessCalibration(softness: ArrayLike<number>, phiR0: ArrayLike<number>): SoftnessCalibration {
  const inv = Float64Array.from(softness, (s) => {
    if (!(s > 0)) throw new Error(`fitSoftnessCalibration: softness values must be positive, got ${s}`);
    return 1 / s;
  });
  const f = linearLeastSquares(phiR0, inv);
  return { c0: f.intercept, c1: f.slope, c0Error: f.interceptError, c1Error: f.slopeError, r2: f.r2 };
}

/** S = 1 / (c0 + c1 beta Phi_r(0)) (Eq. 7 applied locally); NaN where the denominator is not positive. */
export function softnessFromDepth(phiR0: number, cal: Pick<SoftnessCalibration, 'c0' | 'c1'>): number {
  const d = cal.c0 + cal.c1 * phiR0;
  return d > 0 ? 1 / d : NaN;
}
