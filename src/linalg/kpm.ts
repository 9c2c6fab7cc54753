/**
 * Density of states of a large symmetric operator without diagonalisation:
 * the kernel polynomial method (Weisse, Wellein, Alvermann & Fehske, Rev.
 * Mod. Phys. 78, 275 (2006), §II; Silver & Roeder, Int. J. Mod. Phys. C 5,
 * 735 (1994)).
 *
 * With the spectrum mapped into (-1, 1), x = (lambda - center) / halfWidth:
 *   mu_m = (1/n) Tr T_m(X) ~ (1/R) sum_r (1/n) <r| T_m(X) |r>   (Eq. 12, 78)
 * for R random vectors r with +-1 entries (stochastic trace; error ~ 1/sqrt(R n)),
 * computed with the doubling relations (Eq. 82)
 *   mu_{2m} = 2 <a_m|a_m> - mu_0,  mu_{2m+1} = 2 <a_{m+1}|a_m> - mu_1,
 * a_m = T_m(X) r, so M moments cost M/2 products per vector. The Jackson
 * kernel g_m (Eq. 71) damps the Gibbs oscillations; the density is
 *   rho(x) = [g_0 mu_0 + 2 sum_{m>=1} g_m mu_m T_m(x)] / (pi sqrt(1 - x^2)),
 * and its integral from -1 (theta = arccos x):
 *   F(x) = g_0 mu_0 (pi - theta)/pi - (2/pi) sum_{m>=1} g_m mu_m sin(m theta)/m.
 * Bins are filled with differences of F, so the result integrates exactly.
 *
 * `deflate` vectors (e.g. the rigid translations) are projected out of every
 * random vector: the DOS is then that of the operator on their complement,
 * normalised by n - deflate.length.
 */
import { spectralUpperBound, type MatVec } from './lanczos.ts';
import { Rng } from '../util/random.ts';

export interface KpmOptions {
  /** number of Chebyshev moments M (default 256; resolution ~ pi halfWidth / M) */
  moments?: number;
  /** number of random vectors R (default 16) */
  vectors?: number;
  seed?: number;
  /**
   * spectral bounds [lo, hi] enclosing every eigenvalue (after deflation);
   * default: lo = 0 (a minimum: no negative eigenvalues), hi from 40 Lanczos
   * steps on -A plus a 3% margin
   */
  bounds?: readonly [number, number];
  /** orthonormal vectors to project out (e.g. translationModes) */
  deflate?: readonly Float64Array[];
}

export interface KpmMoments {
  /** Jackson-damped moments g_m mu_m, m = 0..M-1 */
  readonly damped: Float64Array;
  /** raw stochastic moments mu_m */
  readonly moments: Float64Array;
  readonly center: number;
  readonly halfWidth: number;
  /** dimension the DOS is normalised over (n - deflate.length) */
  readonly dimension: number;
}

/** Chebyshev moments of the spectral density of `matvec` on R^n (module doc). */
export function kpmMoments(n: number, matvec: MatVec, opts: KpmOptions = {}): KpmMoments {
  const M = opts.moments ?? 256, R = opts.vectors ?? 16;
  if (!Number.isInteger(M) || M < 2) throw new Error(`kpmMoments: option moments must be an integer >= 2, got ${M}`);
  if (!Number.isInteger(R) || R < 1) throw new Error(`kpmMoments: option vectors must be a positive integer, got ${R}`);
  const deflate = opts.deflate ?? [];
  const [lo, hi] = opts.bounds ?? defaultBounds(n, matvec, deflate, opts.seed ?? 1);
  if (!(hi > lo)) throw new Error(`kpmMoments: option bounds must satisfy lo < hi, got [${lo}, ${hi}]`);
  const center = 0.5 * (hi + lo), halfWidth = 0.5 * (hi - lo);
  const rng = new Rng(opts.seed ?? 1);
  const mu = new Float64Array(M);
  let a0 = new Float64Array(n), a1 = new Float64Array(n), a2 = new Float64Array(n);
  const tmp = new Float64Array(n);
  const dimension = n - deflate.length;
  // X a = (A a - center a) / halfWidth
  const applyX = (x: Float64Array, y: Float64Array) => {
    matvec(x, tmp);
    for (let c = 0; c < n; c++) y[c] = (tmp[c] - center * x[c]) / halfWidth;
  };
  const half = Math.ceil(M / 2);
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < n; c++) a0[c] = rng.uniform() < 0.5 ? -1 : 1;
    for (const u of deflate) {
      let s = 0;
      for (let c = 0; c < n; c++) s += u[c] * a0[c];
      for (let c = 0; c < n; c++) a0[c] -= s * u[c];
    }
    applyX(a0, a1);
    const m0 = dot(a0, a0, n), m1 = dot(a1, a0, n);
    mu[0] += m0;
    mu[1] += m1;
    for (let m = 1; m < half; m++) {
      // a_m in a1, a_{m-1} in a0
      if (2 * m < M) mu[2 * m] += 2 * dot(a1, a1, n) - m0;
      applyX(a1, a2);
      for (let c = 0; c < n; c++) a2[c] = 2 * a2[c] - a0[c];
      if (2 * m + 1 < M) mu[2 * m + 1] += 2 * dot(a2, a1, n) - m1;
      const t = a0; a0 = a1; a1 = a2; a2 = t;
    }
  }
  const norm = 1 / (R * dimension);
  for (let m = 0; m < M; m++) {
    mu[m] *= norm;
    if (!(Math.abs(mu[m]) <= 1.05)) {
      throw new Error(`kpmMoments: moment ${m} = ${mu[m]} exceeds 1: the spectrum leaves the bounds [${lo}, ${hi}]; pass option bounds enclosing all eigenvalues (negative ones too, for an unstable configuration)`);
    }
  }
  const damped = mu.map((v, m) => v * jackson(m, M));
  return { damped, moments: mu, center, halfWidth, dimension };
}

/** Jackson kernel g_m for M moments (Weisse et al. Eq. 71). */
export function jackson(m: number, M: number): number {
  const q = Math.PI / (M + 1);
  return ((M - m + 1) * Math.cos(m * q) + Math.sin(m * q) / Math.tan(q)) / (M + 1);
}

/** Fraction of eigenvalues <= lambda (the integrated KPM density). */
export function kpmCumulative(km: KpmMoments, lambda: number): number {
  const x = (lambda - km.center) / km.halfWidth;
  if (x <= -1) return 0;
  if (x >= 1) return 1;
  const th = Math.acos(x);
  let F = (km.damped[0] * (Math.PI - th)) / Math.PI;
  for (let m = 1; m < km.damped.length; m++) F -= (2 / Math.PI) * km.damped[m] * Math.sin(m * th) / m;
  return F;
}

/** Density per unit lambda at lambda (integrates to 1). */
export function kpmDensity(km: KpmMoments, lambda: number): number {
  const x = (lambda - km.center) / km.halfWidth;
  if (x <= -1 || x >= 1) return 0;
  let t0 = 1, t1 = x, s = km.damped[0];
  for (let m = 1; m < km.damped.length; m++) {
    s += 2 * km.damped[m] * t1;
    const t2 = 2 * x * t1 - t0; t0 = t1; t1 = t2;
  }
  return s / (Math.PI * Math.sqrt(1 - x * x) * km.halfWidth);
}

function dot(x: Float64Array, y: Float64Array, n: number): number {
  let s = 0;
  for (let c = 0; c < n; c++) s += x[c] * y[c];
  return s;
}

function defaultBounds(n: number, matvec: MatVec, deflate: readonly Float64Array[], seed: number): [number, number] {
  return [0, spectralUpperBound(n, matvec, deflate, seed)];
}
