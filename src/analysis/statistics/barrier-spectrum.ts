/**
 * The shape of an activation-energy spectrum: Wei et al., PRB 99, 014115
 * (2019), Sec. IV A, Figs. 1(c)-(e), decompose the histograms of Delta-Q
 * (all atoms, Cu, Zr) into "an exponential decaying mode at low activation
 * energies and a Rayleigh mode in the medium to high activation energy
 * regime" (after Fan, Iwashita & Egami, Nat. Commun. 5, 5083 (2014)). The
 * paper shows the two modes but gives neither their formulas nor how they
 * were fitted. Our reading, a two-component mixture density on E >= 0:
 *
 *   p(E) = w (1/lambda) exp(-E/lambda) + (1 - w) (E/s^2) exp(-E^2 / (2 s^2)),
 *
 * w the weight of the exponential mode, lambda its mean (energy), s the
 * Rayleigh scale (its mode; its mean is s sqrt(pi/2)). Fitted by maximum
 * likelihood on the individual barriers (no binning), by expectation-
 * maximisation: each barrier's responsibility r_i of the exponential mode
 * from the current parameters, then the closed-form updates
 * w = <r>, lambda = sum r E / sum r, s^2 = sum (1 - r) E^2 / (2 sum (1 - r)).
 * EM never lowers the likelihood; it stops when the log-likelihood changes
 * by less than `tol` (absolute, per barrier) or after `maxIter` iterations.
 * Start: w = 1/2, lambda = mean/2, s = mean / sqrt(pi/2), so that the
 * exponential starts as the low-energy mode.
 *
 *   const fit = exponentialRayleighFit(dq);       // dq in eV
 *   fit.weightExp; fit.lambda; fit.sigma; barrierSpectrumFigure(dq, fit)
 */
import { lineFigure, type PlotlyFigure } from '../../plot/figure.ts';
import { histogramDensity, uniformBins } from './histogram.ts';

export interface ExponentialRayleighOptions {
  /** stop when the log-likelihood per barrier changes by less than this (default 1e-10) */
  tol?: number;
  /** most EM iterations (default 5000) */
  maxIter?: number;
}

export interface ExponentialRayleighFit {
  /** barriers fitted */
  n: number;
  /** weight of the exponential mode, in [0, 1] */
  weightExp: number;
  /** mean of the exponential mode (energy units) */
  lambda: number;
  /** scale (mode) of the Rayleigh mode (energy units); its mean is sigma sqrt(pi / 2) */
  sigma: number;
  /** log-likelihood of the barriers (sum over barriers) */
  logLikelihood: number;
  iterations: number;
  converged: boolean;
}

/** The fitted density at E (per energy unit): total, exponential and Rayleigh parts. */
export function exponentialRayleighDensity(fit: Pick<ExponentialRayleighFit, 'weightExp' | 'lambda' | 'sigma'>, e: number): { total: number; exp: number; rayleigh: number } {
  const exp = e < 0 ? 0 : (fit.weightExp / fit.lambda) * Math.exp(-e / fit.lambda);
  const s2 = fit.sigma * fit.sigma;
  const rayleigh = e < 0 ? 0 : ((1 - fit.weightExp) * e / s2) * Math.exp(-(e * e) / (2 * s2));
  return { total: exp + rayleigh, exp, rayleigh };
}

/** Maximum-likelihood fit of the exponential + Rayleigh mixture to barriers (module doc). */
export function exponentialRayleighFit(values: ArrayLike<number>, opts: ExponentialRayleighOptions = {}): ExponentialRayleighFit {
  const where = 'exponentialRayleighFit';
  const tol = opts.tol ?? 1e-10, maxIter = opts.maxIter ?? 5000;
  if (!(tol > 0)) throw new Error(`${where}: option tol must be positive, got ${tol}`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new Error(`${where}: option maxIter must be a positive integer, got ${maxIter}`);
  const n = values.length;
  if (n < 3) throw new Error(`${where}: need at least 3 barriers, got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`${where}: barrier ${i} is ${v}; barriers must be finite and >= 0`);
    mean += v;
  }
  mean /= n;
  if (!(mean > 0)) throw new Error(`${where}: all barriers are 0; the spectrum has no shape to fit`);
  let w = 0.5, lambda = mean / 2, sigma = mean / Math.sqrt(Math.PI / 2);
  const r = new Float64Array(n);
  let ll = -Infinity, iterations = 0, converged = false;
  for (; iterations < maxIter; iterations++) {
    // E-step, with the log-likelihood of the current parameters
    let llNew = 0;
    for (let i = 0; i < n; i++) {
      const d = exponentialRayleighDensity({ weightExp: w, lambda, sigma }, values[i]);
      r[i] = d.total > 0 ? d.exp / d.total : 1;
      llNew += Math.log(Math.max(d.total, Number.MIN_VALUE));
    }
    if (Math.abs(llNew - ll) < tol * n) { ll = llNew; converged = true; break; }
    ll = llNew;
    // M-step
    let sr = 0, sre = 0, sq = 0, sqe2 = 0;
    for (let i = 0; i < n; i++) { const e = values[i]; sr += r[i]; sre += r[i] * e; sq += 1 - r[i]; sqe2 += (1 - r[i]) * e * e; }
    w = sr / n;
    if (sr > 0 && sre > 0) lambda = sre / sr;
    if (sq > 0 && sqe2 > 0) sigma = Math.sqrt(sqe2 / (2 * sq));
  }
  return { n, weightExp: w, lambda, sigma, logLikelihood: ll, iterations, converged };
}

export interface BarrierSpectrumFigureOptions {
  /** histogram bin width (energy units); default: range / max(5, sqrt(n)) */
  binWidth?: number;
  title?: string;
  /** energy unit for the axis, e.g. 'eV' */
  units?: string;
}

/** Histogram of the barriers as a density, with the fitted mixture and its two modes. */
export function barrierSpectrumFigure(values: ArrayLike<number>, fit: ExponentialRayleighFit | null, opts: BarrierSpectrumFigureOptions = {}): PlotlyFigure {
  const n = values.length;
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, values[i]);
  const width = opts.binWidth ?? Math.max(top, 1e-12) / Math.max(5, Math.round(Math.sqrt(n)));
  if (!(width > 0)) throw new Error(`barrierSpectrumFigure: option binWidth must be positive, got ${width}`);
  const bins = Math.max(1, Math.ceil(top / width + 1e-12));
  const { x, p: y } = histogramDensity(values, uniformBins(0, bins * width, bins), undefined, { total: n });
  const unit = opts.units ? ` [${opts.units}]` : '';
  const fig = lineFigure([], { title: opts.title, xTitle: `Delta-Q${unit}`, yTitle: `probability density${opts.units ? ` [1/${opts.units}]` : ''}` });
  fig.data.push({ type: 'bar', name: `barriers (${n})`, x: Array.from(x), y: Array.from(y), width, opacity: 0.6 });
  if (fit) {
    const e = Float64Array.from({ length: 200 }, (_, k) => (k * bins * width) / 199);
    const d = Array.from(e, (v) => exponentialRayleighDensity(fit, v));
    fig.data.push(
      { type: 'scatter', mode: 'lines', name: 'exponential + Rayleigh', x: Array.from(e), y: d.map((v) => v.total) },
      { type: 'scatter', mode: 'lines', name: `exponential (w ${fit.weightExp.toFixed(2)}, lambda ${fit.lambda.toPrecision(3)})`, x: Array.from(e), y: d.map((v) => v.exp), line: { dash: 'dash' } },
      { type: 'scatter', mode: 'lines', name: `Rayleigh (s ${fit.sigma.toPrecision(3)})`, x: Array.from(e), y: d.map((v) => v.rayleigh), line: { dash: 'dot' } },
    );
  }
  fig.layout.showlegend = true;
  return fig;
}
