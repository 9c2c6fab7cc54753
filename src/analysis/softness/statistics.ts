/**
 * Structure-dynamics statistics of a per-particle indicator X (the local
 * softness S, or beta Phi_r(0)) against rearrangement flags R (p_hop > p_c,
 * computed elsewhere), Sharma, Nandi & Bhattacharyya, PRE 105, 044604 (2022),
 * Sec. V, Figs. 4-5 and 13-15:
 *
 *   P(X)      histogram density of X over all particles and frames
 *   P(X|R)    the same over the rearranging ones
 *   fraction  of the rearranging particles with X above (below) the peak of P(X)
 *             (the paper: 75% above at T = 0.47 for S; 62% below for beta Phi_r(0))
 *   P_R(X)    = N_R(X) / N(X), the fraction of particles in bin X that rearrange
 *   Arrhenius P_R(X) = P_0(X) exp(-Delta E(X) / T) per bin across temperatures:
 *             ln P_R = ln P_0 - Delta E / T fitted by least squares in 1/T
 *             (the paper plots log10; Delta E is the same, in energy units);
 *             the extrapolated lines cross near the onset temperature
 *             (the paper: T = 0.801 for S, 0.80 for beta Phi_r(0)).
 *
 * The inputs are flat arrays of equal length (one entry per particle and
 * frame); flags are a Uint8Array (non-zero = rearranging) or booleans.
 * Values that are not finite (e.g. S where the calibration denominator is
 * not positive) are skipped and counted.
 */
import { lineFigure, type PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';
import { linearLeastSquares } from './caging-potential.ts';
import { binCentres, binIndex, binsForValues, histogramCounts, histogramDensity, type Binning } from '../statistics/histogram.ts';
import { blockBootstrap, type BlockBootstrap, type BlockBootstrapOptions } from '../statistics/descriptive.ts';

export { binCentres, binsForValues, histogramCounts, histogramDensity, uniformBins, type Binning } from '../statistics/histogram.ts';

export interface RearrangementStatistics extends AnalysisResult<'rearrangement-statistics'> {
  /** name of X (figure, table) */
  name: string;
  /** bin centres */
  x: Float64Array;
  edges: Float64Array;
  /** P(X) over all, density */
  pAll: Float64Array;
  /** P(X | R), density over the rearranging */
  pRearranging: Float64Array;
  /** P_R(X) = N_R / N per bin (NaN where the bin is empty) */
  pR: Float64Array;
  /** N(X) and N_R(X) per bin */
  count: Float64Array;
  countRearranging: Float64Array;
  /** position of the peak (mode) of P(X) */
  peak: number;
  /** fraction of the rearranging with X > peak, and with X < peak */
  fractionAbovePeak: number;
  fractionBelowPeak: number;
  /** overall fraction of rearranging entries */
  rearrangingFraction: number;
  /** entries skipped for non-finite X */
  skipped: number;
  /** P(X) and P(X|R) */
  figure(): PlotlyFigure;
  /** per bin: X, P(X), P(X|R), P_R(X), N, N_R */
  table(): TableData;
}

type RearrangementFields = Omit<RearrangementStatistics, 'kind' | 'figure' | 'table' | 'summary' | 'toJSON'>;
type ArrheniusFields = Omit<ArrheniusAnalysis, 'kind' | 'figure' | 'table' | 'summary' | 'toJSON'>;
const STATISTICS_VERSION = 1;

/** Rearrangement statistics from their fields (rearrangementStatistics, loadResult). */
export function makeRearrangementStatistics(d: RearrangementFields): RearrangementStatistics {
  const { name, x } = d;
  return {
    kind: 'rearrangement-statistics', ...d,
    figure: () => lineFigure([{ name: `P(${name})`, x, y: d.pAll }, { name: `P(${name}|R)`, x, y: d.pRearranging }], { xTitle: name, yTitle: 'probability density' }),
    summary: () => `P(${name}) on ${x.length} bins: rearranging fraction ${d.rearrangingFraction}; peak of P(${name}) at ${d.peak}, ` +
      `rearranging above it ${d.fractionAbovePeak}, below ${d.fractionBelowPeak}${d.skipped > 0 ? `; ${d.skipped} entries skipped` : ''}`,
    table: () => ({
      columns: [name, `P(${name})`, `P(${name}|R)`, `P_R(${name})`, 'N', 'N_R'],
      rows: Array.from(x, (v, k) => [v, d.pAll[k], d.pRearranging[k], d.pR[k], d.count[k], d.countRearranging[k]]),
    }),
    toJSON: () => resultJSON('rearrangement-statistics', STATISTICS_VERSION, d),
  };
}

export function loadRearrangementStatistics(json: unknown): RearrangementStatistics {
  return makeRearrangementStatistics(resultData<RearrangementFields>(json, 'rearrangement-statistics', STATISTICS_VERSION));
}

/** An Arrhenius analysis from its fields (arrheniusAnalysis, loadResult). */
export function makeArrheniusAnalysis(d: ArrheniusFields): ArrheniusAnalysis {
  const { lines } = d;
  return {
    kind: 'arrhenius', ...d,
    figure: () => lineFigure([{ name: 'Delta E', x: lines.map((l) => l.x), y: lines.map((l) => l.barrier), mode: 'lines+markers' }], { xTitle: 'S', yTitle: 'Delta E' }),
    summary: () => `Arrhenius lines of ${lines.length} bins fitted on T = ${d.fittedTemperatures.join(', ')}; they cross at T = ${d.crossingTemperature} ` +
      `(median of ${d.pairCrossings.length} pairwise crossings${d.extrapolated ? ', extrapolated above the fitted temperatures' : ''})`,
    table: () => ({
      columns: ['x', 'barrier', 'barrier_error', 'prefactor', 'points'],
      rows: lines.map((l) => [l.x, l.barrier, l.barrierError, l.prefactor, l.points]),
    }),
    toJSON: () => resultJSON('arrhenius', STATISTICS_VERSION, d),
  };
}

export function loadArrheniusAnalysis(json: unknown): ArrheniusAnalysis {
  return makeArrheniusAnalysis(resultData<ArrheniusFields>(json, 'arrhenius', STATISTICS_VERSION));
}

function flagArray(flags: ArrayLike<number | boolean>, n: number): Uint8Array {
  if (flags.length !== n) throw new Error(`rearrangementStatistics: ${n} values but ${flags.length} rearrangement flags; give one flag per particle and frame`);
  return Uint8Array.from({ length: n }, (_, k) => (flags[k] ? 1 : 0));
}

/**
 * P(X), P(X|R), P_R(X) and the fraction of rearranging particles above the
 * peak of P(X). Entries marked invalid are skipped like non-finite values.
 */
export interface RearrangementStatisticsOptions {
  /** bins of X; default 40 uniform bins over the finite values (give the same bins at every T for arrheniusAnalysis) */
  binning?: Binning;
  /** name of X in the figure, default 'S' */
  name?: string;
  /** entries to use (non-zero), e.g. `valid` of rearrangementFlagsForRows; default all */
  valid?: ArrayLike<number | boolean>;
}

export function rearrangementStatistics(valuesIn: ArrayLike<number>, flags: ArrayLike<number | boolean>, opts: RearrangementStatisticsOptions = {}): RearrangementStatistics {
  const n = valuesIn.length;
  const f = flagArray(flags, n);
  if (opts.valid !== undefined && opts.valid.length !== n) throw new Error(`rearrangementStatistics: ${n} values but ${opts.valid.length} valid flags`);
  const valid = opts.valid;
  const values = valid === undefined ? valuesIn : Float64Array.from({ length: n }, (_, k) => (valid[k] ? valuesIn[k] : NaN));
  const name = opts.name ?? 'S';
  const bins = opts.binning ?? binsForValues(values);
  const count = histogramCounts(values, bins);
  const countR = histogramCounts(values, bins, f);
  const all = histogramDensity(values, bins), rr = histogramDensity(values, bins, f);
  let peakBin = 0;
  for (let k = 1; k < count.length; k++) if (count[k] > count[peakBin]) peakBin = k;
  const x = binCentres(bins);
  const peak = x[peakBin];
  let above = 0, below = 0, nR = 0, skipped = 0, finite = 0;
  for (let k = 0; k < n; k++) {
    const v = values[k];
    if (!Number.isFinite(v)) { skipped++; continue; }
    finite++;
    if (!f[k]) continue;
    nR++;
    if (v > peak) above++; else if (v < peak) below++;
  }
  const pR = Float64Array.from(count, (c, k) => (c > 0 ? countR[k] / c : NaN));
  return makeRearrangementStatistics({
    name, x, edges: bins.edges, pAll: all.p, pRearranging: rr.p, pR, count, countRearranging: countR, peak,
    fractionAbovePeak: nR > 0 ? above / nR : NaN, fractionBelowPeak: nR > 0 ? below / nR : NaN,
    rearrangingFraction: finite > 0 ? nR / finite : NaN, skipped,
  });
}

/** One Arrhenius line ln P_R = ln P_0 - Delta E / T of one bin. */
export interface ArrheniusLine {
  /** bin centre */
  x: number;
  /** Delta E (energy units) and its standard error */
  barrier: number;
  barrierError: number;
  /** P_0 (prefactor) */
  prefactor: number;
  /** temperatures used (where P_R > 0) */
  points: number;
}

export interface ArrheniusAnalysis extends AnalysisResult<'arrhenius'> {
  lines: ArrheniusLine[];
  /** temperature where the extrapolated lines cross: median of the pairwise crossings (NaN with < 2 lines) */
  crossingTemperature: number;
  /** the temperatures the lines were fitted on (those <= maxTemperature), in the order given */
  fittedTemperatures: number[];
  /** the crossing lies above every fitted temperature: found by extrapolation, not inside or at the edge of the data */
  extrapolated: boolean;
  /** all pairwise crossings (temperatures; lines of equal slope skipped) */
  pairCrossings: Float64Array;
  /** collapse data: per line and fitted temperature, Delta E / T and P_R / P_0 (the paper's inset of Fig. 5b) */
  collapse: { x: number; barrierOverT: number; ratio: number; temperature: number }[];
  /** Delta E against the bin centre */
  figure(): PlotlyFigure;
  /** per line: x,barrier,barrier_error,prefactor,points */
  table(): TableData;
}

export interface ArrheniusOptions {
  /** least temperatures with P_R > 0 for a bin to get a line (default: all of them) */
  minTemperatures?: number;
  /** least particles in a bin at every used temperature (default 10) */
  minCount?: number;
  /**
   * fit only the temperatures T <= maxTemperature (default: all). Sharma et
   * al. call the crossing at T = 0.801 one of "extrapolated lines" and tie
   * it to the onset temperature, where the S dependence of P_R vanishes; a
   * fit that includes T ~ 0.8 pins the crossing to the edge of its own data.
   * Fitting strictly below the onset (e.g. T <= 0.7 for KA) makes a
   * crossing near 0.8 a prediction (`extrapolated`).
   */
  maxTemperature?: number;
}

/**
 * Arrhenius fits of P_R(X) across temperatures on a common binning (pass the
 * same `binning` to rearrangementStatistics at each T). stats[t] belongs to
 * temperatures[t]. Bins are fitted where each fitted temperature (all, or
 * those <= maxTemperature) has at least minCount particles and P_R > 0.
 */
export function arrheniusAnalysis(temperatures: ArrayLike<number>, stats: readonly Pick<RearrangementStatistics, 'x' | 'pR' | 'count'>[], opts: ArrheniusOptions = {}): ArrheniusAnalysis {
  const nT = temperatures.length;
  if (stats.length !== nT) throw new Error(`arrheniusAnalysis: ${nT} temperatures but ${stats.length} statistics`);
  if (nT < 2) throw new Error('arrheniusAnalysis: need at least 2 temperatures');
  const nb = stats[0].x.length;
  for (const s of stats) if (s.x.length !== nb) throw new Error('arrheniusAnalysis: all temperatures must use the same binning');
  const maxT = opts.maxTemperature ?? Infinity;
  const used = Array.from({ length: nT }, (_, t) => t).filter((t) => temperatures[t] <= maxT);
  if (used.length < 2) {
    throw new Error(`arrheniusAnalysis: maxTemperature ${maxT} leaves ${used.length} of the temperatures [${Array.from(temperatures).join(', ')}]; it must keep at least 2`);
  }
  const fittedTemperatures = used.map((t) => temperatures[t]);
  const minT = opts.minTemperatures ?? used.length, minCount = opts.minCount ?? 10;
  const lines: ArrheniusLine[] = [];
  const intercepts: number[] = [];
  for (let b = 0; b < nb; b++) {
    const xs: number[] = [], ys: number[] = [];
    for (const t of used) {
      const p = stats[t].pR[b];
      if (stats[t].count[b] >= minCount && p > 0) { xs.push(1 / temperatures[t]); ys.push(Math.log(p)); }
    }
    if (xs.length < Math.max(2, minT)) continue;
    const fit = linearLeastSquares(xs, ys);
    lines.push({ x: stats[0].x[b], barrier: -fit.slope, barrierError: fit.slopeError, prefactor: Math.exp(fit.intercept), points: xs.length });
    intercepts.push(fit.intercept);
  }
  const cross: number[] = [];
  for (let a = 0; a < lines.length; a++) {
    for (let c = a + 1; c < lines.length; c++) {
      const dE = lines[a].barrier - lines[c].barrier;
      if (dE === 0) continue;
      // ln P0a - Ea/T = ln P0c - Ec/T  ->  1/T = (ln P0a - ln P0c) / (Ea - Ec)
      const invT = (intercepts[a] - intercepts[c]) / dE;
      cross.push(1 / invT);
    }
  }
  const sorted = [...cross].sort((p, q) => p - q);
  const crossingTemperature = sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : 0.5 * (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]);
  const collapse: ArrheniusAnalysis['collapse'] = [];
  for (const line of lines) {
    const b = stats[0].x.indexOf(line.x);
    for (const t of used) {
      const p = stats[t].pR[b];
      if (p > 0) collapse.push({ x: line.x, barrierOverT: line.barrier / temperatures[t], ratio: p / line.prefactor, temperature: temperatures[t] });
    }
  }
  const extrapolated = crossingTemperature > Math.max(...fittedTemperatures);
  return makeArrheniusAnalysis({ lines, crossingTemperature, fittedTemperatures, extrapolated, pairCrossings: Float64Array.from(cross), collapse });
}

/** Rows of a per-particle per-frame table (e.g. LocalSoftnessResult): frame number and atom id. */
export interface ParticleFrameRows {
  frame: ArrayLike<number>;
  id: ArrayLike<number>;
}

/** p_hop values laid out [frame * n + atom] with the atom ids of that layout (PhopResult of phop.ts). */
export interface ParticleFrameValues {
  n: number;
  ids: ArrayLike<number>;
  values: ArrayLike<number>;
}

/**
 * Rearrangement flags of each row: p_hop(id, frame + frameOffset) > pc
 * (frameOffset > 0 looks ahead: "particles about to rearrange"). `valid` is 0
 * where p_hop is undefined (NaN at the window edges, frame out of range, id
 * missing); pass it to rearrangementStatistics.
 */
export function rearrangementFlagsForRows(rows: ParticleFrameRows, phop: ParticleFrameValues, pc: number, frameOffset = 0): { flags: Uint8Array; valid: Uint8Array } {
  const col = new Map<number, number>();
  for (let i = 0; i < phop.n; i++) col.set(phop.ids[i], i);
  const nFrames = Math.floor(phop.values.length / phop.n);
  const m = rows.frame.length;
  const flags = new Uint8Array(m), valid = new Uint8Array(m);
  for (let r = 0; r < m; r++) {
    const i = col.get(rows.id[r]);
    const f = rows.frame[r] + frameOffset;
    if (i === undefined || f < 0 || f >= nFrames) continue;
    const p = phop.values[f * phop.n + i];
    if (Number.isNaN(p)) continue;
    valid[r] = 1;
    flags[r] = p > pc ? 1 : 0;
  }
  return { flags, valid };
}

/**
 * A per-particle indicator with its rearrangement flags on F frames of
 * `perFrame` particles each, laid out frame-major: row f * perFrame + i
 * (the rows of a LocalSoftnessResult: `softness` or `phi`, with the flags
 * and `valid` of rearrangementFlagsForRows).
 */
export interface FrameRows {
  values: ArrayLike<number>;
  flags: ArrayLike<number | boolean>;
  /** rows to use (non-zero); default all */
  valid?: ArrayLike<number | boolean>;
  perFrame: number;
}

/**
 * The counts behind rearrangementStatistics per frame, so that a statistic
 * of any multiset of frames (a bootstrap resample) is a sum over frames
 * instead of a pass over the rows. Laid out [f * bins + b].
 */
export interface FrameBinCounts {
  frames: number;
  x: Float64Array;
  /** N(X) and N_R(X) of each frame and bin (finite, valid rows inside the bins) */
  count: Float64Array;
  countRearranging: Float64Array;
  /** rearranging finite valid rows with X above, and below, the centre of bin b (rows outside the bins included) */
  rearrangingAbove: Float64Array;
  rearrangingBelow: Float64Array;
  /** finite valid rows and rearranging ones of each frame */
  finite: Float64Array;
  rearranging: Float64Array;
}

/** Per-frame counts of FrameRows on a binning (see FrameBinCounts). */
export function frameBinCounts(rows: FrameRows, binning: Binning): FrameBinCounts {
  const { values, flags, valid, perFrame } = rows;
  const n = values.length;
  if (!(Number.isInteger(perFrame) && perFrame >= 1) || n % perFrame !== 0) {
    throw new Error(`frameBinCounts: ${n} rows are not whole frames of perFrame = ${perFrame} rows; give the frame-major rows of one run`);
  }
  if (flags.length !== n) throw new Error(`frameBinCounts: ${n} values but ${flags.length} rearrangement flags; give one flag per row`);
  if (valid !== undefined && valid.length !== n) throw new Error(`frameBinCounts: ${n} values but ${valid.length} valid flags`);
  const F = n / perFrame, x = binCentres(binning), B = x.length;
  const out: FrameBinCounts = {
    frames: F, x, count: new Float64Array(F * B), countRearranging: new Float64Array(F * B),
    rearrangingAbove: new Float64Array(F * B), rearrangingBelow: new Float64Array(F * B),
    finite: new Float64Array(F), rearranging: new Float64Array(F),
  };
  for (let f = 0; f < F; f++) {
    for (let r = f * perFrame; r < (f + 1) * perFrame; r++) {
      const v = values[r];
      if (!Number.isFinite(v) || (valid !== undefined && !valid[r])) continue;
      out.finite[f]++;
      const inBin = binIndex(binning.edges, v);
      if (inBin >= 0) out.count[f * B + inBin]++;
      if (!flags[r]) continue;
      out.rearranging[f]++;
      if (inBin >= 0) out.countRearranging[f * B + inBin]++;
      for (let b = 0; b < B; b++) {
        if (v > x[b]) out.rearrangingAbove[f * B + b]++; else if (v < x[b]) out.rearrangingBelow[f * B + b]++;
      }
    }
  }
  return out;
}

/**
 * rearrangementStatistics' counts, P_R, peak and fractions of the rows of
 * the frames listed (with repeats, as a bootstrap resample draws them), from
 * FrameBinCounts: equal to rearrangementStatistics on those rows gathered
 * (the peak is the first bin of largest N).
 */
export function pooledFrameStatistics(fc: FrameBinCounts, frames: ArrayLike<number>): Pick<RearrangementStatistics, 'x' | 'count' | 'countRearranging' | 'pR' | 'peak' | 'fractionAbovePeak' | 'fractionBelowPeak' | 'rearrangingFraction'> {
  const B = fc.x.length;
  const count = new Float64Array(B), countR = new Float64Array(B), above = new Float64Array(B), below = new Float64Array(B);
  let finite = 0, nR = 0;
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k];
    if (!(f >= 0 && f < fc.frames)) throw new Error(`pooledFrameStatistics: frame ${f} outside 0..${fc.frames - 1}`);
    finite += fc.finite[f]; nR += fc.rearranging[f];
    for (let b = 0; b < B; b++) {
      count[b] += fc.count[f * B + b]; countR[b] += fc.countRearranging[f * B + b];
      above[b] += fc.rearrangingAbove[f * B + b]; below[b] += fc.rearrangingBelow[f * B + b];
    }
  }
  let peakBin = 0;
  for (let b = 1; b < B; b++) if (count[b] > count[peakBin]) peakBin = b;
  return {
    x: fc.x, count, countRearranging: countR, pR: Float64Array.from(count, (c, b) => (c > 0 ? countR[b] / c : NaN)), peak: fc.x[peakBin],
    fractionAbovePeak: nR > 0 ? above[peakBin] / nR : NaN, fractionBelowPeak: nR > 0 ? below[peakBin] / nR : NaN,
    rearrangingFraction: finite > 0 ? nR / finite : NaN,
  };
}

/** Options of the block bootstraps of the softness statistics. */
export interface RearrangementBootstrapOptions extends BlockBootstrapOptions {
  /** the bins of X (the same at every temperature for the crossing) */
  binning: Binning;
}

/**
 * Block bootstrap (blockBootstrap: blocks of consecutive frames, default
 * 10, 200 resamples, 16-84% interval) of the fraction of rearranging
 * particles with X above the peak of P(X) (Sharma et al., Fig. 4: 65% at
 * T = 0.7, 69% at 0.58, 75% at 0.47). The peak is found again in each
 * resample. With `below`, the fraction below the peak (Fig. 15(a), the depth).
 */
export function fractionAbovePeakBootstrap(rows: FrameRows, opts: RearrangementBootstrapOptions & { below?: boolean }): BlockBootstrap {
  const fc = frameBinCounts(rows, opts.binning);
  const pick = (p: ReturnType<typeof pooledFrameStatistics>) => (opts.below ? p.fractionBelowPeak : p.fractionAbovePeak);
  return blockBootstrap([fc.frames], (drawn) => pick(pooledFrameStatistics(fc, drawn[0])), opts);
}

/**
 * Block bootstrap of the Arrhenius crossing temperature (arrheniusAnalysis
 * with `minCount` and `maxTemperature`): every temperature's frames are
 * resampled in blocks, independently, and the lines refitted. Resamples
 * where fewer than two lines survive are dropped (`dropped`).
 */
export function arrheniusCrossingBootstrap(temperatures: ArrayLike<number>, rows: readonly FrameRows[],
  opts: RearrangementBootstrapOptions & Pick<ArrheniusOptions, 'minCount' | 'maxTemperature' | 'minTemperatures'>): BlockBootstrap {
  if (rows.length !== temperatures.length) throw new Error(`arrheniusCrossingBootstrap: ${temperatures.length} temperatures but ${rows.length} row sets`);
  const fcs = rows.map((r) => frameBinCounts(r, opts.binning));
  const fit = { minCount: opts.minCount, maxTemperature: opts.maxTemperature, minTemperatures: opts.minTemperatures };
  return blockBootstrap(fcs.map((fc) => fc.frames),
    (drawn) => arrheniusAnalysis(temperatures, drawn.map((d, t) => pooledFrameStatistics(fcs[t], d)), fit).crossingTemperature, opts);
}
