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
