/**
 * Scoring a per-particle indicator against a binary target (who rearranges
 * next): the receiver operating characteristic (ROC), its area (AUC) and
 * the fraction of targets among the top x% of the indicator, the measures
 * with which Richard et al., Phys. Rev. Materials 4, 113609 (2020) compare
 * structural indicators of plasticity.
 *
 * Convention: a larger indicator value predicts the target. Particle i is
 * called positive at threshold t when s_i >= t.
 *
 * - ROC (Fawcett, Pattern Recogn. Lett. 27, 861 (2006), Algorithm 1): the
 *   points (FPR(t), TPR(t)), TPR = #{targets with s >= t} / P, FPR =
 *   #{others with s >= t} / N, for t running down through the distinct
 *   values of s, starting at (0, 0) (t = +Infinity). Tied values enter
 *   together: a tie makes one diagonal step, not a staircase whose shape
 *   would depend on the order of the particles.
 * - AUC: the trapezoidal area under those points, which equals the
 *   Mann-Whitney statistic (Hanley & McNeil, Radiology 143, 29 (1982),
 *   Eq. 1): the probability that a random target has a larger value than a
 *   random other particle, ties counting 1/2. 0.5 is a useless indicator,
 *   1 a perfect one, below 0.5 an indicator that points the wrong way. The
 *   AUC only depends on the ranking, so any increasing function of an
 *   indicator (S and 1/(c0 + c1 beta Phi) in Sharma et al.'s Eq. 7, say)
 *   has the same AUC.
 * - Its standard error: Hanley & McNeil's Eq. 2 with their Q1 = A/(2 - A),
 *   Q2 = 2A^2/(1 + A). It treats particles as independent; neighbours in
 *   one glass are not, so read it as a lower bound.
 * - Hit rate at the top fraction x: the fraction of targets among the
 *   k = x n particles of largest value (k real: the k-th place may be
 *   shared). A tie across the cut counts with the target fraction of the
 *   tied group for the places it fills, i.e. the expectation over a random
 *   order of the tied particles. Its ratio to the base rate P / n is the
 *   enrichment.
 *
 * Values that are not finite are an error, unless a `valid` mask leaves
 * them out; a target with no positive or no negative particle has no ROC
 * and is an error too.
 */
import { dashTraces, lineFigure, type PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';

export interface RocOptions {
  /** particles to score (truthy); default all */
  valid?: ArrayLike<boolean | number>;
}

export interface RocCurve {
  /** false and true positive rates, one point per distinct value plus (0, 0), ascending */
  fpr: Float64Array;
  tpr: Float64Array;
  /** the threshold of each point (+Infinity for the first) */
  thresholds: Float64Array;
  /** area under the curve (Mann-Whitney, ties 1/2) */
  auc: number;
  /** its standard error (Hanley & McNeil Eq. 2) */
  aucError: number;
  /** targets and others among the scored particles */
  positives: number;
  negatives: number;
}

interface Ranked {
  /** scored values, descending */
  values: Float64Array;
  /** 1 for a target, in the same order */
  hits: Uint8Array;
  positives: number;
}

/** The scored particles sorted by descending value (checks lengths and finiteness). */
function ranked(scores: ArrayLike<number>, target: ArrayLike<boolean | number>, opts: RocOptions, who: string): Ranked {
  const n = scores.length;
  if (target.length !== n) throw new Error(`${who}: ${n} indicator values but ${target.length} target flags; give one flag per particle`);
  if (opts.valid && opts.valid.length !== n) throw new Error(`${who}: the valid mask has ${opts.valid.length} entries for ${n} values`);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    if (opts.valid && !opts.valid[i]) continue;
    if (!Number.isFinite(scores[i])) throw new Error(`${who}: value ${scores[i]} at particle ${i} is not finite; leave it out with the valid mask`);
    idx.push(i);
  }
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  const values = Float64Array.from(idx, (i) => scores[i]);
  const hits = Uint8Array.from(idx, (i) => (target[i] ? 1 : 0));
  let positives = 0;
  for (const h of hits) positives += h;
  if (positives === 0 || positives === idx.length) {
    throw new Error(`${who}: ${positives} of the ${idx.length} scored particles are targets; a score needs both targets and others`);
  }
  return { values, hits, positives };
}

/** Hanley & McNeil's standard error of an AUC from P positives and N negatives. */
function aucStandardError(A: number, P: number, N: number): number {
  const q1 = A / (2 - A), q2 = (2 * A * A) / (1 + A);
  return Math.sqrt(Math.max(0, A * (1 - A) + (P - 1) * (q1 - A * A) + (N - 1) * (q2 - A * A)) / (P * N));
}

/** The ROC curve and its AUC of `scores` against `target` (module doc). */
export function rocCurve(scores: ArrayLike<number>, target: ArrayLike<boolean | number>, opts: RocOptions = {}): RocCurve {
  const r = ranked(scores, target, opts, 'rocCurve');
  const n = r.values.length, P = r.positives, N = n - P;
  const fpr = [0], tpr = [0], thresholds = [Infinity];
  let tp = 0, fp = 0, area = 0;
  for (let s = 0; s < n;) {
    let e = s;
    while (e < n && r.values[e] === r.values[s]) { if (r.hits[e]) tp++; else fp++; e++; }
    const x = fp / N, y = tp / P;
    area += 0.5 * (x - fpr[fpr.length - 1]) * (y + tpr[tpr.length - 1]);
    fpr.push(x); tpr.push(y); thresholds.push(r.values[s]);
    s = e;
  }
  return {
    fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr), thresholds: Float64Array.from(thresholds),
    auc: area, aucError: aucStandardError(area, P, N), positives: P, negatives: N,
  };
}

/** Hit rate at each top fraction from one ranking (ties across the cut shared; module doc). */
function hitRates(r: Ranked, fractions: readonly number[], who: string): Float64Array {
  const n = r.values.length;
  return Float64Array.from(fractions, (x) => {
    if (!(x > 0 && x <= 1)) throw new Error(`${who}: a top fraction must be in (0, 1], got ${x}`);
    const k = x * n;
    let taken = 0, hits = 0;
    for (let s = 0; s < n && taken < k;) {
      let e = s, h = 0;
      while (e < n && r.values[e] === r.values[s]) h += r.hits[e++];
      const size = e - s, use = Math.min(size, k - taken);
      hits += (use * h) / size;
      taken += use;
      s = e;
    }
    return hits / k;
  });
}

/** Fraction of targets among the top `fraction` (0..1] of the particles by value (module doc: ties, k real). */
export function topFractionHitRate(scores: ArrayLike<number>, target: ArrayLike<boolean | number>, fraction: number, opts: RocOptions = {}): number {
  return hitRates(ranked(scores, target, opts, 'topFractionHitRate'), [fraction], 'topFractionHitRate')[0];
}

// ---------------------------------------------------------------------------
// Several indicators scored against one target: a result

export interface IndicatorScoresOptions extends RocOptions {
  /** top fractions of the table (default 0.05, 0.1, 0.2) */
  fractions?: readonly number[];
  /** what the target is, for the summary and figures (default 'target') */
  targetName?: string;
}

/** One indicator's scores. */
export interface IndicatorScore {
  name: string;
  roc: RocCurve;
  /** hit rate at each of `fractions` */
  hitRate: Float64Array;
  /** hit rate on the grid `curveFractions` (the figure) */
  hitCurve: Float64Array;
}

/** What IndicatorScores is built from (and saved as). */
export interface IndicatorScoresData {
  targetName: string;
  /** scored particles, and targets among them */
  n: number;
  positives: number;
  fractions: Float64Array;
  curveFractions: Float64Array;
  scores: IndicatorScore[];
}

export interface IndicatorScores extends AnalysisResult<'indicator-scores'>, IndicatorScoresData {
  /** the target fraction P / n (the hit rate of a random pick) */
  baseRate: number;
  /** the score of one indicator by name */
  get(name: string): IndicatorScore;
  /** indicator, AUC, its s.e., hit rate and enrichment at each top fraction */
  table(): TableData;
  /** the ROC curves, and the hit rate against the top fraction */
  figure(): PlotlyFigure[];
}

const VERSION = 1;
const CURVE_FRACTIONS = Float64Array.from({ length: 50 }, (_, k) => (k + 1) / 50);

/**
 * Every indicator of `indicators` (name -> one value per particle, larger =
 * predicts the target) scored against `target` on the same particles: ROC,
 * AUC and hit rates at the top fractions (module doc).
 */
export function indicatorScores(indicators: Record<string, ArrayLike<number>>, target: ArrayLike<boolean | number>, opts: IndicatorScoresOptions = {}): IndicatorScores {
  const names = Object.keys(indicators);
  if (names.length === 0) throw new Error('indicatorScores: no indicator given; pass { name: values, ... }');
  const fractions = Float64Array.from(opts.fractions ?? [0.05, 0.1, 0.2]);
  let n = 0, positives = 0;
  const scores = names.map((name) => {
    const r = ranked(indicators[name], target, opts, `indicatorScores (${name})`);
    n = r.values.length; positives = r.positives;
    return {
      name, roc: rocCurve(indicators[name], target, opts),
      hitRate: hitRates(r, Array.from(fractions), 'indicatorScores'), hitCurve: hitRates(r, Array.from(CURVE_FRACTIONS), 'indicatorScores'),
    };
  });
  return makeIndicatorScores({ targetName: opts.targetName ?? 'target', n, positives, fractions, curveFractions: CURVE_FRACTIONS, scores });
}

export function loadIndicatorScores(json: unknown): IndicatorScores {
  return makeIndicatorScores(resultData<IndicatorScoresData>(json, 'indicator-scores', VERSION));
}

const pct = (x: number) => `${+(100 * x).toFixed(1)}%`;

export function makeIndicatorScores(d: IndicatorScoresData): IndicatorScores {
  const baseRate = d.positives / d.n;
  const get = (name: string) => {
    const s = d.scores.find((x) => x.name === name);
    if (!s) throw new Error(`indicatorScores: no indicator '${name}' (have ${d.scores.map((x) => x.name).join(', ')})`);
    return s;
  };
  return {
    kind: 'indicator-scores', ...d, baseRate, get,
    summary: () => [
      `${d.scores.length} indicator(s) scored against ${d.targetName}: ${d.positives} of ${d.n} particles (base rate ${pct(baseRate)})`,
      ...d.scores.map((s) => `${s.name}: AUC ${s.roc.auc.toFixed(3)} +- ${s.roc.aucError.toFixed(3)}; `
        + Array.from(d.fractions, (x, k) => `top ${pct(x)}: ${pct(s.hitRate[k])}`).join(', ')),
    ].join('\n'),
    table: () => ({
      columns: ['indicator', 'AUC', 'AUC s.e.', ...Array.from(d.fractions, (x) => `${d.targetName} in top ${pct(x)}`),
        ...Array.from(d.fractions, (x) => `enrichment at ${pct(x)}`)],
      rows: d.scores.map((s) => [s.name, s.roc.auc, s.roc.aucError, ...Array.from(s.hitRate), ...Array.from(s.hitRate, (h) => h / baseRate)]),
    }),
    figure: () => [
      dashTraces(lineFigure([
        ...d.scores.map((s) => ({ name: `${s.name} (AUC ${s.roc.auc.toFixed(2)})`, x: s.roc.fpr, y: s.roc.tpr })),
        { name: 'random guess', x: [0, 1], y: [0, 1] },
      ], { title: `ROC against ${d.targetName}`, xTitle: 'false positive rate', yTitle: 'true positive rate' }), ['random guess']),
      dashTraces(lineFigure([
        ...d.scores.map((s) => ({ name: s.name, x: Array.from(d.curveFractions, (x) => 100 * x), y: Array.from(s.hitCurve, (h) => 100 * h) })),
        { name: 'random pick (base rate)', x: [0, 100], y: [100 * baseRate, 100 * baseRate] },
      ], { title: `${d.targetName} among the top x% of each indicator`, xTitle: 'top fraction x [%]', yTitle: `${d.targetName} [%]` }), ['random pick (base rate)']),
    ],
    toJSON: () => resultJSON('indicator-scores', VERSION, d),
  };
}
