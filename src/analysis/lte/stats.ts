/**
 * Statistics of the local thermal energy (Zylberg et al., PNAS 114, 7289
 * (2017), Fig. 2 and Eq. 6: p(E_alpha) ~ E_alpha^-9/4 at large E_alpha):
 * a log-binned histogram and the tail exponent by maximum likelihood.
 *
 * Tail fit (Clauset, Shalizi & Newman, SIAM Rev. 51, 661 (2009), Eqs. 3.1,
 * 3.5 and Sec. 3.3): for x >= xmin, p(x) = ((a - 1) / xmin) (x / xmin)^-a,
 *   a_hat = 1 + n / sum_i ln(x_i / xmin)       (Hill estimator, the MLE),
 * standard error (a_hat - 1) / sqrt(n); xmin is the candidate that minimises
 * the Kolmogorov-Smirnov distance between the tail's empirical CDF and the
 * fitted one. The uncertainty also comes from a nonparametric bootstrap
 * (resample all values, redo the xmin choice and the fit). The exponent of
 * p(E) is -a_hat (the paper: -9/4).
 * Whether a power law is plausible at all (Clauset et al. Sec. 4.1): the
 * goodness-of-fit p-value is the fraction of synthetic data sets, drawn from
 * the fitted model (with probability nTail / n a value of the power law above
 * xmin, else one of the observed values below xmin), whose own fit (xmin
 * chosen again) has a KS distance at least the observed one; p <= 0.1 rules
 * the power law out (e.g. a tail cut off at a largest value, as in small
 * glasses, where the fitted exponent steepens as xmin grows).
 * The paper plots p(E_alpha) of E_alpha > 0 and |E_alpha| alike; the
 * functions take whatever values they are given (use |E| or E > 0).
 */
import { Rng } from '../../util/random.ts';
import { powerLawWindowFit } from '../statistics/fit.ts';
import { blockBootstrap, bootstrap } from '../statistics/descriptive.ts';

export interface LteLogHistogram {
  /** geometric bin centres */
  readonly centers: Float64Array;
  readonly edges: Float64Array;
  readonly counts: Float64Array;
  /** probability density: counts / (total count incl. values outside the range / non-positive) / width */
  readonly density: Float64Array;
}

/** Histogram of the positive values on `bins` logarithmic bins between min and max (default: the data range). */
export function lteLogHistogram(values: ArrayLike<number>, opts: { bins?: number; min?: number; max?: number } = {}): LteLogHistogram {
  const bins = opts.bins ?? 40;
  let lo = opts.min ?? Infinity, hi = opts.max ?? -Infinity;
  if (opts.min === undefined || opts.max === undefined) {
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (v > 0) { if (opts.min === undefined) lo = Math.min(lo, v); if (opts.max === undefined) hi = Math.max(hi, v); }
    }
  }
  if (!(lo > 0 && hi > lo && Number.isInteger(bins) && bins >= 1)) throw new Error(`lteLogHistogram: need positive values spanning a range and bins >= 1 (min ${lo}, max ${hi}, bins ${bins})`);
  const edges = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) edges[b] = lo * Math.pow(hi / lo, b / bins);
  const counts = new Float64Array(bins);
  const l0 = Math.log(lo), dl = Math.log(hi / lo) / bins;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(v >= lo && v <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor((Math.log(v) - l0) / dl))]++;
  }
  const n = values.length;
  const centers = new Float64Array(bins), density = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    centers[b] = Math.sqrt(edges[b] * edges[b + 1]);
    density[b] = counts[b] / (n * (edges[b + 1] - edges[b]));
  }
  return { centers, edges, counts, density };
}

export interface LteTailFitResult {
  /** a_hat, p(x) ~ x^-a for x >= xmin */
  readonly alpha: number;
  /** -alpha: the slope of log p against log x (paper: -9/4) */
  readonly exponent: number;
  readonly xmin: number;
  /** values in the tail */
  readonly nTail: number;
  /** KS distance of the tail fit */
  readonly ks: number;
  /** asymptotic standard error (alpha - 1) / sqrt(nTail) */
  readonly stdError: number;
  /** bootstrap standard deviation of alpha (NaN if bootstrap = 0) */
  readonly bootstrapStd: number;
  /** bootstrap standard deviation of xmin (NaN if bootstrap = 0 or xmin is fixed) */
  readonly xminBootstrapStd: number;
  /** goodness-of-fit p-value (module doc; NaN if goodnessOfFit = 0) */
  readonly pValue: number;
}

export interface LteTailFitOptions {
  /** fixed xmin (default: chosen by minimum KS distance) */
  xmin?: number;
  /** least number of values kept in the tail when choosing xmin (default 50) */
  minTail?: number;
  /** at most this many xmin candidates, spread evenly in rank (default 200) */
  candidates?: number;
  /** bootstrap resamples (default 200; 0: none) */
  bootstrap?: number;
  /** synthetic data sets of the goodness-of-fit test (default 0: no test; Clauset et al. use 2500 for p to +-0.01, 100 give +-0.05) */
  goodnessOfFit?: number;
  seed?: number;
}

/** MLE of the tail exponent for sorted ascending positive x, tail from index k (x[k] = xmin). */
function hillFromSorted(x: Float64Array, k: number, xmin = x[k]): { alpha: number; ks: number } {
  const n = x.length - k;
  let s = 0;
  for (let q = k; q < x.length; q++) s += Math.log(x[q] / xmin);
  const alpha = 1 + n / s;
  let ks = 0;
  for (let q = k; q < x.length; q++) {
    const model = 1 - Math.pow(x[q] / xmin, 1 - alpha); // fitted CDF
    ks = Math.max(ks, Math.abs((q - k) / n - model), Math.abs((q - k + 1) / n - model));
  }
  return { alpha, ks };
}

function fitSorted(x: Float64Array, opts: LteTailFitOptions): { alpha: number; ks: number; k: number } {
  const n = x.length;
  if (opts.xmin !== undefined) {
    let k = 0;
    while (k < n && x[k] < opts.xmin) k++;
    if (n - k < 2) throw new Error(`lteTailFit: fewer than 2 values at or above xmin = ${opts.xmin}`);
    return { ...hillFromSorted(x, k, opts.xmin), k };
  }
  const minTail = opts.minTail ?? 50, nc = opts.candidates ?? 200;
  const last = n - minTail;
  if (last < 0) throw new Error(`lteTailFit: ${n} positive values are fewer than minTail = ${minTail}; give more data (more glasses) or a smaller minTail`);
  let best = { alpha: NaN, ks: Infinity, k: 0 };
  const step = Math.max(1, Math.floor(last / nc));
  for (let k = 0; k <= last; k += step) {
    if (k > 0 && x[k] === x[k - 1]) continue;
    const f = hillFromSorted(x, k);
    if (f.ks < best.ks) best = { ...f, k };
  }
  return best;
}

/** Power-law tail of the positive values (module doc). */
export function lteTailFit(values: ArrayLike<number>, opts: LteTailFitOptions = {}): LteTailFitResult {
  const x = Float64Array.from(Array.from(values).filter((v) => v > 0)).sort();
  const f = fitSorted(x, opts);
  const nTail = x.length - f.k;
  const xmin = opts.xmin ?? x[f.k];
  // the refits of the bootstrap scan at most 50 xmin candidates
  const refit = { ...opts, candidates: Math.min(opts.candidates ?? 200, 50) };
  const rng = new Rng(opts.seed ?? 1);
  const y = new Float64Array(x.length);
  const B = opts.bootstrap ?? 200;
  let bootstrapStd = NaN, xminBootstrapStd = NaN;
  if (B > 0) {
    let s = 0, s2 = 0, m = 0, m2 = 0;
    for (let b = 0; b < B; b++) {
      for (let q = 0; q < y.length; q++) y[q] = x[Math.min(x.length - 1, Math.floor(rng.uniform() * x.length))];
      y.sort();
      const r = fitSorted(y, refit);
      const xm = opts.xmin ?? y[r.k];
      s += r.alpha; s2 += r.alpha * r.alpha; m += xm; m2 += xm * xm;
    }
    bootstrapStd = Math.sqrt(Math.max(0, s2 / B - (s / B) ** 2) * (B / (B - 1)));
    if (opts.xmin === undefined) xminBootstrapStd = Math.sqrt(Math.max(0, m2 / B - (m / B) ** 2) * (B / (B - 1)));
  }
  const G = opts.goodnessOfFit ?? 0;
  let pValue = NaN;
  if (G > 0) {
    // Clauset et al. Sec. 4.1: synthetic sets from the fitted model, each fitted as the data were
    let worse = 0;
    for (let g = 0; g < G; g++) {
      for (let q = 0; q < y.length; q++) {
        y[q] = rng.uniform() * x.length < nTail || f.k === 0
          ? xmin * Math.pow(1 - rng.uniform(), -1 / (f.alpha - 1))
          : x[Math.min(f.k - 1, Math.floor(rng.uniform() * f.k))];
      }
      y.sort();
      if (fitSorted(y, opts).ks >= f.ks) worse++; // the same xmin scan as the data's: a coarser one would inflate the synthetic KS
    }
    pValue = worse / G;
  }
  return { alpha: f.alpha, exponent: -f.alpha, xmin, nTail, ks: f.ks, stdError: (f.alpha - 1) / Math.sqrt(nTail), bootstrapStd, xminBootstrapStd, pValue };
}

export interface LteDistribution {
  /** bonds pooled */
  readonly count: number;
  /** p(E) of the positive E_alpha (normalised by all bonds) */
  readonly positive: LteLogHistogram;
  /** p(|E|) of all bonds */
  readonly absolute: LteLogHistogram;
  /** tail fit of the positive E_alpha (paper: exponent -9/4) */
  readonly positiveFit: LteTailFitResult;
  /** tail fit of |E_alpha| */
  readonly absoluteFit: LteTailFitResult;
}

/** Pool E_alpha of many glasses (one array per glass) into p(E) and the tail fits (Fig. 2). */
export function lteDistribution(perGlass: readonly ArrayLike<number>[], opts: { bins?: number; fit?: LteTailFitOptions } = {}): LteDistribution {
  let count = 0;
  for (const g of perGlass) count += g.length;
  const all = new Float64Array(count), abs = new Float64Array(count);
  let o = 0;
  for (const g of perGlass) for (let k = 0; k < g.length; k++, o++) { all[o] = g[k]; abs[o] = Math.abs(g[k]); }
  return {
    count,
    positive: lteLogHistogram(all, { bins: opts.bins }),
    absolute: lteLogHistogram(abs, { bins: opts.bins }),
    positiveFit: lteTailFit(all, opts.fit),
    absoluteFit: lteTailFit(abs, opts.fit),
  };
}

/** One fit of the tail exponent in a window of E (`lteTailScan`). */
export interface LteTailScanRow {
  readonly xmin: number;
  /** upper cut (Infinity: none) */
  readonly xmax: number;
  /** values in [xmin, xmax] */
  readonly nTail: number;
  /** slope of log p against log E in the window (paper: -9/4) */
  readonly exponent: number;
  /** asymptotic (Fisher) error */
  readonly stdError: number;
  /** standard deviation over resamples of the window's values (NaN if bootstrap = 0) */
  readonly bootstrapStd: number;
}

/**
 * The tail exponent against the fit range: for each xmin (and each xmax,
 * default none) the maximum-likelihood exponent of the positive values in
 * [xmin, xmax] (`powerLawWindowFit` of statistics/fit.ts: the Hill
 * estimator without an upper cut, the truncated power law with one), its
 * asymptotic error and a bootstrap of the window's values. A true power law
 * gives the same exponent for every window within the errors; a tail that
 * steepens with xmin, or flattens when the largest values are cut away, is
 * curved, and the exponent of one window says little. Windows with fewer
 * than `minTail` values (default 20) are left out.
 */
export function lteTailScan(values: ArrayLike<number>, opts: { xmins: readonly number[]; xmaxs?: readonly number[]; bootstrap?: number; minTail?: number; seed?: number }): LteTailScanRow[] {
  const x = Float64Array.from(Array.from(values).filter((v) => v > 0)).sort();
  const B = opts.bootstrap ?? 100, minTail = opts.minTail ?? 20;
  let seed = opts.seed ?? 1;   // one seed per window
  const rows: LteTailScanRow[] = [];
  for (const xmin of opts.xmins) {
    for (const xmax of opts.xmaxs ?? [Infinity]) {
      if (!(xmax > xmin)) continue;
      let a = 0;
      while (a < x.length && x[a] < xmin) a++;
      let b = a;
      while (b < x.length && x[b] <= xmax) b++;
      if (b - a < minTail) continue;
      const tail = x.subarray(a, b), window = { lo: xmin, hi: xmax };
      const f = powerLawWindowFit(tail, window);
      const bootstrapStd = B >= 2 ? bootstrap(tail, (y) => powerLawWindowFit(y, window).exponent, { samples: B, seed: seed++ }).std : NaN;
      rows.push({ xmin, xmax, nTail: f.n, exponent: f.exponent, stdError: f.error, bootstrapStd });
    }
  }
  return rows;
}

/**
 * The tail exponent above each xmin of the values of many glasses pooled
 * (the Hill estimator, `powerLawWindowFit`), with a bootstrap that
 * resamples whole glasses. The bonds of one glass are not independent:
 * its softest mode gives many of them a large E at once (Zylberg et al.
 * Eq. 5), so resampling bonds (`lteTailScan`, `lteTailFit`) understates
 * the error when a few glasses hold the tail; resampling glasses keeps
 * that spread. Resamples with fewer than 2 values above xmin are skipped.
 */
export function lteTailByGlass(perGlass: readonly ArrayLike<number>[], opts: { xmins: readonly number[]; bootstrap?: number; seed?: number }): LteTailScanRow[] {
  const lo = Math.min(...opts.xmins);
  const tails = perGlass.map((g) => Array.from(g).filter((v) => v >= lo && v > 0));
  const B = opts.bootstrap ?? 200;
  return opts.xmins.map((xmin, k) => {
    const f = powerLawWindowFit(tails.flat(), { lo: xmin });
    /** the exponent of the glasses drawn (NaN with fewer than 2 values above xmin: blockBootstrap drops it) */
    const ofGlasses = ([drawn]: Int32Array[]) => {
      const pool = Array.from(drawn).flatMap((g) => tails[g].filter((v) => v >= xmin));
      return pool.length < 2 ? NaN : powerLawWindowFit(pool, { lo: xmin }).exponent;
    };
    // whole glasses resampled: the block bootstrap with blocks of one glass
    const b = B >= 2 ? blockBootstrap([tails.length], ofGlasses, { block: 1, samples: B, seed: (opts.seed ?? 1) + k }) : null;
    const bootstrapStd = b && b.samples > 1 ? b.std : NaN;
    return { xmin, xmax: Infinity, nTail: f.n, exponent: f.exponent, stdError: f.error, bootstrapStd };
  });
}

/**
 * Where the far tail comes from: for each threshold, how many values of all
 * glasses exceed it and how many distinct glasses hold them. A tail whose
 * largest values sit in a few glasses is the softest mode of those few
 * glasses (Zylberg et al. Eq. 5: one quasilocalized mode makes the large E
 * of its bonds), so its shape is set by glass-to-glass statistics of that
 * mode, not by many independent bonds.
 */
export function lteTailGlasses(perGlass: readonly ArrayLike<number>[], thresholds: readonly number[]): { threshold: number; values: number; glasses: number }[] {
  return thresholds.map((t) => {
    let values = 0, glasses = 0;
    for (const g of perGlass) {
      let here = 0;
      for (let k = 0; k < g.length; k++) if (g[k] > t) here++;
      values += here;
      if (here > 0) glasses++;
    }
    return { threshold: t, values, glasses };
  });
}

/**
 * The tail exponent of p(E) that a density of states D(omega) ~ omega^beta
 * and E ~ omega^-alpha predict (Zylberg et al. Eq. 6 generalised):
 * p(E) = D(omega(E)) |d omega / dE| ~ E^-beta/alpha E^-(1 + 1/alpha), so
 *   exponent = -(1 + (beta + 1) / alpha),
 * -9/4 for beta = alpha = 4; with its error propagated from those of beta
 * and alpha (independent).
 */
export function lteTailExponentFromDos(beta: number, opts: { alpha?: number; betaError?: number; alphaError?: number } = {}): { exponent: number; error: number } {
  const alpha = opts.alpha ?? 4, db = opts.betaError ?? 0, da = opts.alphaError ?? 0;
  if (!(alpha > 0)) throw new Error(`lteTailExponentFromDos: alpha (E ~ omega^-alpha) must be positive, got ${alpha}`);
  const exponent = -(1 + (beta + 1) / alpha);
  const error = Math.hypot(db / alpha, ((beta + 1) / (alpha * alpha)) * da);
  return { exponent, error };
}
