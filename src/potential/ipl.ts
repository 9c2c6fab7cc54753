/**
 * Binary inverse-power-law (IPL) glass formers with a smooth polynomial
 * cutoff, the "2DIPL" and "3DIPL" models of Zylberg, Lerner, Bar-Sinai &
 * Bouchbinder, PNAS 114, 7289 (2017) (their ref. 34: Lerner, Düring &
 * Bouchbinder, PRL 117, 035501 (2016)).
 *
 * Pair potential, x = r / lambda_ij:
 *
 *   phi_ij(r) = eps [ x^-n + sum_{l=0}^{q} c_{2l} x^{2l} ]   for x < x_c,
 *   phi_ij(r) = 0                                            for x >= x_c,
 *
 * with the q+1 coefficients c_{2l} fixed so that phi and its first q
 * derivatives vanish at x = x_c; they are solved here from that (q+1)x(q+1)
 * linear system (`smoothingCoefficients`), not typed in. The c_{2l} are
 * dimensionless and the same for every type pair (only lambda_ij scales r).
 *
 * Parameters and where they come from:
 * - n = 10, 50:50 binary mixture of "small" and "large" particles of equal
 *   mass m = 1, energy unit eps, length unit lambda: Zylberg et al. 2017 main
 *   text ("binary system ... inverse power law purely repulsive pairwise
 *   potentials in 2D (2DIPL) and 3D (3DIPL) (34)") and Lerner et al. 2016.
 * - lambda_ss = 1.0, lambda_sl = 1.18, lambda_ll = 1.4 (units of lambda): as
 *   given in the brief and in Lerner et al. 2016 / later Lerner-Bouchbinder
 *   papers using the same model.
 * - q = 3 (phi smooth to third order at the cutoff, needed by the LTE
 *   expansion, which uses phi''' ) and x_c = 1.48: INFERRED. The PNAS SI
 *   (which states them) is not among the paper texts we work from and could not be
 *   retrieved here; 1.48 and q = 3 are the values of the 3D IPL model in
 *   Lerner & Bouchbinder's follow-up papers as recalled, and the same x_c is
 *   assumed in 2D. Both can be overridden (`createIpl({ xc, q })`).
 * - Number densities N/V = 0.82 lambda^-3 (3D) and 0.86 lambda^-2 (2D):
 *   INFERRED likewise (recalled from Lerner et al. 2016 and Kapteijns,
 *   Bouchbinder & Lerner, PRL 121, 055501 (2018)); see `IPL_DEFAULTS`.
 *
 * Types: 1 = small, 2 = large. Units: `lj` (eps, lambda, m = 1).
 */
import type { ModelDefaults } from './model-defaults.ts';
import { RadialPairPotential, type RadialFunction } from './radial.ts';
import { D2PHI, D3PHI, DPHI, PHI, type PairPotential } from './types.ts';

export interface IplOptions {
  dim: 2 | 3;
  /** exponent of the repulsion, default 10 */
  n?: number;
  /** dimensionless cutoff x_c = r_c / lambda_ij, default 1.48 */
  xc?: number;
  /** number of derivatives that vanish at x_c, default 3 */
  q?: number;
  /** energy scale, default 1 */
  epsilon?: number;
  /** lambda_ij for [ss, sl, ll], default [1, 1.18, 1.4] */
  lambdas?: readonly [number, number, number];
}

export const IPL_DEFAULT_N = 10;
export const IPL_DEFAULT_XC = 1.48;
export const IPL_DEFAULT_Q = 3;
export const IPL_DEFAULT_LAMBDAS = [1.0, 1.18, 1.4] as const;

/** a (a-1) ... (a-k+1), the falling factorial; 1 for k = 0. */
function fallingFactorial(a: number, k: number): number {
  let p = 1;
  for (let i = 0; i < k; i++) p *= a - i;
  return p;
}

/**
 * The coefficients c_0, c_2, ..., c_{2q} such that f(x) = x^-n + sum c_{2l} x^{2l}
 * has f^(k)(x_c) = 0 for k = 0..q. Solved by Gaussian elimination with
 * partial pivoting on the (q+1)x(q+1) system
 *   sum_l (2l)_k x_c^{2l-k} c_{2l} = -(-n)_k x_c^{-n-k},
 * where (a)_k is the falling factorial.
 */
export function smoothingCoefficients(n: number, xc: number, q: number): Float64Array {
  if (!(n > 0) || !(xc > 0) || !Number.isInteger(q) || q < 0) {
    throw new Error(`IPL smoothing: need n > 0, x_c > 0 and integer q >= 0; got n=${n}, x_c=${xc}, q=${q}`);
  }
  const m = q + 1;
  const a: number[][] = [];
  for (let k = 0; k < m; k++) {
    const row: number[] = [];
    for (let l = 0; l < m; l++) {
      const ff = fallingFactorial(2 * l, k);
      row.push(ff === 0 ? 0 : ff * xc ** (2 * l - k));
    }
    row.push(-fallingFactorial(-n, k) * xc ** (-n - k));
    a.push(row);
  }
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
    if (a[piv][col] === 0) throw new Error(`IPL smoothing: singular system for n=${n}, x_c=${xc}, q=${q}`);
    [a[col], a[piv]] = [a[piv], a[col]];
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      if (f === 0) continue;
      for (let c = col; c <= m; c++) a[r][c] -= f * a[col][c];
    }
  }
  const c = new Float64Array(m);
  for (let l = 0; l < m; l++) c[l] = a[l][m] / a[l][l];
  return c;
}

/**
 * Smoothed IPL radial function for one type pair (cutoff included: zeros for
 * r >= x_c lambda). `coeffs` from `smoothingCoefficients(n, xc, q)`.
 */
export function iplRadial(epsilon: number, lambda: number, n: number, xc: number, coeffs: Float64Array): RadialFunction {
  const rc = xc * lambda;
  const il = 1 / lambda;
  const m = coeffs.length;
  // polynomial derivative coefficients: d^k/dx^k c x^{2l} = c (2l)_k x^{2l-k}
  const d0 = Float64Array.from(coeffs);
  const d1 = coeffs.map((c, l) => c * fallingFactorial(2 * l, 1));
  const d2 = coeffs.map((c, l) => c * fallingFactorial(2 * l, 2));
  const d3 = coeffs.map((c, l) => c * fallingFactorial(2 * l, 3));
  const n1 = -n, n2 = n * (n + 1), n3 = -n * (n + 1) * (n + 2);
  return (r, out) => {
    if (r >= rc) {
      out[PHI] = 0; out[DPHI] = 0; out[D2PHI] = 0; out[D3PHI] = 0;
      return;
    }
    const x = r * il;
    const ix = 1 / x;
    const u = x ** -n;
    let p0 = 0, p1 = 0, p2 = 0, p3 = 0, x2l = 1;
    const x2 = x * x;
    for (let l = 0; l < m; l++) {
      p0 += d0[l] * x2l; p1 += d1[l] * x2l; p2 += d2[l] * x2l; p3 += d3[l] * x2l;
      x2l *= x2;
    }
    out[PHI] = epsilon * (u + p0);
    out[DPHI] = epsilon * (n1 * u + p1) * ix * il;
    out[D2PHI] = epsilon * (n2 * u + p2) * ix * ix * il * il;
    out[D3PHI] = epsilon * (n3 * u + p3) * ix * ix * ix * il * il * il;
  };
}

/**
 * Per-type-pair data of a smoothed IPL model for a force loop that inlines
 * the arithmetic. Index k = ti*stride + tj (1-based types, stride = ntypes+1).
 * With s = r^2 * invLambda2[k] (no square root needed), for r^2 < cutsq[k]:
 *   phi(r)       = epsilon [ s^(-n/2) + sum_l c[l] s^l ]
 *   -phi'(r) / r = epsilon invLambda2[k] [ n s^(-n/2-1) - sum_{l>=1} 2 l c[l] s^(l-1) ]
 * (the force on i from j is (-phi'(r)/r) (r_i - r_j)); zero otherwise.
 */
export interface IplPairTable {
  readonly kind: 'ipl';
  readonly ntypes: number;
  readonly stride: number;
  readonly epsilon: number;
  readonly n: number;
  /** c_0, c_2, ..., c_{2q} (dimensionless, shared by all pairs) */
  readonly c: Float64Array;
  readonly invLambda2: Float64Array;
  readonly cutsq: Float64Array;
}

export interface IplPotential extends PairPotential {
  readonly coefficients: Float64Array;
  readonly xc: number;
  readonly q: number;
  readonly n: number;
  /** flat per-type-pair data, see `IplPairTable` (a fresh copy each call) */
  pairTable(): IplPairTable;
}

/** A smoothed binary IPL model (types 1 = small, 2 = large, masses 1). */
export function createIpl(opts: IplOptions): IplPotential {
  const n = opts.n ?? IPL_DEFAULT_N;
  const xc = opts.xc ?? IPL_DEFAULT_XC;
  const q = opts.q ?? IPL_DEFAULT_Q;
  const eps = opts.epsilon ?? 1;
  const lam = opts.lambdas ?? IPL_DEFAULT_LAMBDAS;
  const coeffs = smoothingCoefficients(n, xc, q);
  const lambda = (a: number, b: number) => (a === 1 && b === 1 ? lam[0] : a === 2 && b === 2 ? lam[2] : lam[1]);
  const pot = new RadialPairPotential({
    name: `ipl${opts.dim}d`,
    ntypes: 2,
    dim: opts.dim,
    units: 'lj',
    typeMasses: [0, 1, 1],
    pair: (a, b) => ({ fn: iplRadial(eps, lambda(a, b), n, xc, coeffs), cutoff: xc * lambda(a, b) }),
  });
  const pairTable = (): IplPairTable => {
    const stride = 3;
    const invLambda2 = new Float64Array(stride * stride), cutsq = new Float64Array(stride * stride);
    for (let a = 1; a <= 2; a++) {
      for (let b = 1; b <= 2; b++) {
        const l = lambda(a, b);
        invLambda2[a * stride + b] = 1 / (l * l);
        cutsq[a * stride + b] = (xc * l) ** 2;
      }
    }
    return { kind: 'ipl', ntypes: 2, stride, epsilon: eps, n, c: coeffs.slice(), invLambda2, cutsq };
  };
  return Object.assign(pot, { coefficients: coeffs, xc, q, n, pairTable });
}

const IPL_INFERRED =
  'x_c = 1.48, q = 3 and the number density are recalled from Lerner et al. PRL 117, 035501 (2016) and ' +
  'Kapteijns et al. PRL 121, 055501 (2018), not read from the Zylberg et al. SI (not available here); ' +
  'the 2D x_c is assumed equal to the 3D one. No reference temperature is given: the papers quench from ' +
  'liquid states above their computer glass transition, which is not stated in the available text.';

/** Glass-making state of the IPL models (see the module comment for sources). */
export const IPL_DEFAULTS: Readonly<Record<'ipl2d' | 'ipl3d', ModelDefaults>> = {
  ipl2d: {
    dim: 2, numberDensity: 0.86, composition: [0, 0.5, 0.5], temperatureUnit: 'eps/k_B',
    referenceTemperatures: {},
    source: 'Zylberg et al., PNAS 114, 7289 (2017); Lerner, Düring & Bouchbinder, PRL 117, 035501 (2016)',
    inferred: IPL_INFERRED,
  },
  ipl3d: {
    dim: 3, numberDensity: 0.82, composition: [0, 0.5, 0.5], temperatureUnit: 'eps/k_B',
    referenceTemperatures: {},
    source: 'Zylberg et al., PNAS 114, 7289 (2017); Lerner, Düring & Bouchbinder, PRL 117, 035501 (2016)',
    inferred: IPL_INFERRED,
  },
};
