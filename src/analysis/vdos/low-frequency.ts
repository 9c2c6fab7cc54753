/**
 * The low-frequency density of states of an ensemble of glasses and its
 * exponent, D(omega) ~ omega^beta, with the plane waves a periodic box
 * allows marked: the test of the omega^4 law of quasilocalized modes
 * (Lerner, During & Bouchbinder, PRL 117, 035501 (2016); Kapteijns,
 * Bouchbinder & Lerner, PRL 121, 055501 (2018) in 2D) on which Zylberg et
 * al., PNAS 114, 7289 (2017), Eq. 6 builds p(E) ~ E^-9/4.
 *
 * Cumulative count. The frequencies of all glasses are pooled and sorted;
 * N(omega) = (modes with omega_i <= omega) / glasses, the mean number of
 * modes per glass up to omega (no bins). D(omega) ~ omega^beta makes
 * N(omega) ~ omega^(beta + 1).
 *
 * Exponent by maximum likelihood. Below a cut omega_c the n pooled
 * frequencies are, if D ~ omega^beta there, draws from the density
 * (beta + 1) omega^beta / omega_c^(beta + 1) on (0, omega_c]; the MLE is
 *   beta + 1 = n / sum_i ln(omega_c / omega_i)
 * (the Hill estimator of Clauset et al., SIAM Rev. 51, 661 (2009), Eq. 3.1,
 * read at the lower end; `powerLawWindowFit` of statistics/fit.ts, which
 * also takes omegaMin > 0), with asymptotic error (beta + 1) / sqrt(n). The
 * glasses are independent but the modes of one glass are not (they repel),
 * so the bootstrap resamples whole glasses (Efron 1979; `bootstrap` of
 * statistics/descriptive.ts). Only modes above `omegaMin` enter (default 0:
 * all positive frequencies; the translations are not among the inputs of
 * normalModeAnalysis). The fit range is the caller's decision: below the
 * lowest plane wave of the box the modes are the quasilocalized ones
 * (Lerner et al. 2016), above it they hybridise with plane waves.
 *
 * Plane waves. In a periodic box of side lengths L_a the wave vectors are
 * k = 2 pi (n_1 / L_1, ..., n_d / L_d) with integer n, and a wave of speed c
 * has omega = c |k|. Each shell of equal |k| holds (vectors of the shell)
 * modes per polarisation (k and -k give the cosine and the sine wave), with
 * d - 1 transverse polarisations and one longitudinal. In an elastic
 * continuum c_T = sqrt(G / rho) with G the shear modulus and rho the mass
 * density (Landau & Lifshitz, Theory of Elasticity, Sec. 22).
 * Units: frequencies angular, in the inverse time unit of the input
 * (reduced LJ units: tau^-1); lengths and speeds in the box's units.
 */
import { bootstrap } from '../statistics/descriptive.ts';
import { powerLawWindowFit } from '../statistics/fit.ts';

export interface LowFrequencyDos {
  /** glasses pooled */
  readonly glasses: number;
  /** pooled positive frequencies above omegaMin, ascending [1/time] */
  readonly omega: Float64Array;
  /** N(omega[k]) = (k + 1) / glasses: modes per glass up to omega[k] */
  readonly cumulative: Float64Array;
  /** the fit range (omegaMin, omegaMax] [1/time] */
  readonly omegaMin: number;
  readonly omegaMax: number;
  /** modes in the fit range (all glasses) */
  readonly nFit: number;
  /** the MLE of beta, D(omega) ~ omega^beta in the fit range */
  readonly beta: number;
  /** asymptotic error (beta + 1) / sqrt(nFit) (with omegaMin > 0: the Fisher error of the window fit) */
  readonly betaError: number;
  /** standard deviation of beta over resamples of whole glasses (NaN if bootstrap = 0) */
  readonly betaBootstrapStd: number;
}

export interface LowFrequencyDosOptions {
  /** upper end of the fit range [1/time] (e.g. below the lowest plane wave of the box) */
  omegaMax: number;
  /** lower end (default 0) [1/time] */
  omegaMin?: number;
  /** resamples of the glasses (default 200; 0: none) */
  bootstrap?: number;
  seed?: number;
}

/** Pooled cumulative count and the MLE exponent of D(omega) of glasses given as one frequency array each (module doc). */
export function lowFrequencyDos(perGlass: readonly ArrayLike<number>[], opts: LowFrequencyDosOptions): LowFrequencyDos {
  const G = perGlass.length;
  const omegaMin = opts.omegaMin ?? 0, omegaMax = opts.omegaMax;
  if (G === 0) throw new Error('lowFrequencyDos: no glasses; give one array of frequencies per glass');
  if (!(omegaMax > omegaMin && omegaMin >= 0)) throw new Error(`lowFrequencyDos: the fit range needs 0 <= omegaMin < omegaMax (got ${omegaMin}, ${omegaMax})`);
  const all: number[] = [];
  for (const g of perGlass) for (let k = 0; k < g.length; k++) if (g[k] > omegaMin) all.push(g[k]);
  const omega = Float64Array.from(all).sort();
  const cumulative = Float64Array.from(omega, (_, k) => (k + 1) / G);
  const window = { lo: omegaMin, hi: omegaMax };
  let inWindow = 0;
  for (const w of omega) if (w <= omegaMax) inWindow++;
  if (inWindow < 2) throw new Error(`lowFrequencyDos: ${inWindow} mode(s) in (${omegaMin}, ${omegaMax}]; widen the range or pool more glasses`);
  const fit = powerLawWindowFit(omega, window);
  const B = opts.bootstrap ?? 200;
  let betaBootstrapStd = NaN;
  if (B > 0) {
    const idx = Float64Array.from({ length: G }, (_, k) => k);
    betaBootstrapStd = bootstrap(idx, (sample) => {
      const w: number[] = [];
      for (const g of sample) { const f = perGlass[g]; for (let k = 0; k < f.length; k++) w.push(f[k]); }
      return powerLawWindowFit(w.filter((x) => x > omegaMin), window).exponent;
    }, { samples: B, seed: opts.seed ?? 1 }).std;
  }
  return { glasses: G, omega, cumulative, omegaMin, omegaMax, nFit: fit.n, beta: fit.exponent, betaError: fit.error, betaBootstrapStd };
}

/** One shell of plane waves of a periodic box: its frequency and the number of modes in it. */
export interface PlaneWaveShell {
  /** |k| [1/length] */
  readonly k: number;
  /** c |k| [1/time] */
  readonly omega: number;
  /** modes of this polarisation in the shell (number of wave vectors of that length) times polarisations */
  readonly modes: number;
}

/**
 * The lowest `shells` shells of plane waves of speed `speed` in a periodic
 * box of side lengths `lengths` (module doc), each with its modes for
 * `polarisations` polarisations (d - 1 transverse, 1 longitudinal).
 */
export function planeWaveShells(lengths: readonly number[], speed: number, opts: { shells?: number; polarisations?: number } = {}): PlaneWaveShell[] {
  const d = lengths.length, want = opts.shells ?? 3, pol = opts.polarisations ?? d - 1;
  if (!(d === 2 || d === 3) || lengths.some((L) => !(L > 0))) throw new Error(`planeWaveShells: box lengths must be 2 or 3 positive numbers (got ${lengths.join(', ')})`);
  if (!(speed > 0)) throw new Error(`planeWaveShells: the sound speed must be positive (got ${speed})`);
  // the want-th shell is no farther than n = want along the longest side, so |n_a| <= want covers it
  const nmax = want;
  const found = new Map<string, { k: number; count: number }>();
  const idx = (a: number) => Array.from({ length: 2 * a + 1 }, (_, q) => q - a);
  const zs = d === 3 ? idx(nmax) : [0];
  for (const i of idx(nmax)) for (const j of idx(nmax)) for (const l of zs) {
    if (i === 0 && j === 0 && l === 0) continue;
    const k2 = (i / lengths[0]) ** 2 + (j / lengths[1]) ** 2 + (d === 3 ? (l / lengths[2]) ** 2 : 0);
    const k = 2 * Math.PI * Math.sqrt(k2);
    const key = k.toPrecision(10);
    const e = found.get(key);
    if (e) e.count++; else found.set(key, { k, count: 1 });
  }
  return [...found.values()].sort((a, b) => a.k - b.k).slice(0, want).map((s) => ({ k: s.k, omega: speed * s.k, modes: s.count * pol }));
}
