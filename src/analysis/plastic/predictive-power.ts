/**
 * Predictive power of a soft-spot map for plastic events: F_n(Delta-epsilon)
 * and the ratio delta F_n of two maps (Zylberg, Lerner, Bar-Sinai &
 * Bouchbinder, PNAS 114, 7289 (2017), Fig. 4 and the text around it).
 *
 * Definition (their text, read literally): in each glass realization the
 * soft spots of the unsheared glass carry Delta-epsilon = (largest degree of
 * softness in that realization) / (the spot's degree of softness), so the
 * softest spot has Delta-epsilon = 1. The plastic event of ordinal number n
 * of a realization "is associated with the soft spot that is closest to it
 * in space" (minimum-image distance, spots not updated between events).
 *
 *   F_n(De) = #{realizations whose n-th event's closest spot has Delta-epsilon <= De}
 *             / #{realizations with at least n events},
 *
 * "the fraction of plastic events of ordinal number n being closest to soft
 * spots characterized by a value equal to or smaller than De". It is an
 * empirical CDF: F_n(1) is the fraction of n-th events nearest the softest
 * spot (about 20% for n = 1 in the paper), F_n(2) about 70%.
 *
 *   delta F_n(De) = F_n^LTE(De) / F_n^NM(De)
 *
 * compares the LTE map with the normal-mode map (sum of |Psi|^2 over the
 * first 30 non-zero modes, the same spot procedure): up to 1.85 for n = 1
 * and 3.3 for n = 3 in the paper. NaN where F_n^NM = 0.
 *
 * Spot extraction (coarse graining, Delta-epsilon) is src/analysis/lte-field.ts;
 * events come from src/minimize/aqs.ts (positions in the unsheared frame).
 */
import type { Box } from '../../system/box.ts';
import { lineFigure, type PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';

/** Soft spots and plastic events of one glass realization. */
export interface SpotEventRealization {
  /** periodic cell of the unsheared glass (minimum-image distances) */
  box: Box;
  /** soft-spot centres, flat nSpots*dim */
  spotPositions: ArrayLike<number>;
  /** Delta-epsilon of each spot (>= 1, the softest = 1) */
  spotDeltaEpsilon: ArrayLike<number>;
  /** plastic-event locations in order of occurrence (n = 1 first), flat nEvents*dim, unsheared frame */
  eventPositions: ArrayLike<number>;
}

/** The spot closest (minimum image) to a point, its distance and Delta-epsilon. */
export interface ClosestSpot {
  spot: number;
  distance: number;
  deltaEpsilon: number;
}

/** Closest soft spot to the point p (length dim) in one realization. */
export function closestSpot(r: Pick<SpotEventRealization, 'box' | 'spotPositions' | 'spotDeltaEpsilon'>, p: ArrayLike<number>, po = 0): ClosestSpot {
  const d = r.box.dim;
  const ns = r.spotDeltaEpsilon.length;
  if (ns === 0) throw new Error('predictive power: a realization has no soft spots; every realization needs at least one');
  if (r.spotPositions.length !== ns * d) {
    throw new Error(`predictive power: spotPositions has ${r.spotPositions.length} values for ${ns} spots in ${d}D (expected ${ns * d})`);
  }
  const v = new Float64Array(d);
  let best = -1, b2 = Infinity;
  for (let s = 0; s < ns; s++) {
    for (let k = 0; k < d; k++) v[k] = r.spotPositions[s * d + k] - p[po + k];
    r.box.minimumImage(v, 0);
    let q = 0;
    for (let k = 0; k < d; k++) q += v[k] * v[k];
    if (q < b2) { b2 = q; best = s; }
  }
  return { spot: best, distance: Math.sqrt(b2), deltaEpsilon: r.spotDeltaEpsilon[best] };
}

export interface PredictivePowerOptions {
  /** event ordinals n (default [1, 2, 3]) */
  orders?: readonly number[];
  /** Delta-epsilon values at which F_n is evaluated (default 1 to 5 in steps of 0.05) */
  grid?: ArrayLike<number>;
}

export interface PredictivePowerResult extends AnalysisResult<'predictive-power'> {
  orders: number[];
  grid: Float64Array;
  /** F_n on the grid, one array per order (NaN everywhere when no realization has an n-th event) */
  F: Float64Array[];
  /** per order: Delta-epsilon of the closest spot of each realization's n-th event, ascending */
  closest: Float64Array[];
  /** per order: number of realizations with an n-th event */
  counts: number[];
  /** Delta-epsilon, then F_n per order */
  table(): TableData;
  /** F_n(Delta-epsilon) (predictivePowerFigure) */
  figure(): PlotlyFigure;
}

type PredictivePowerFields = Pick<PredictivePowerResult, 'orders' | 'grid' | 'F' | 'closest' | 'counts'>;
const PREDICTIVE_VERSION = 1;

/** F_n from its fields (predictivePower, loadResult). */
export function makePredictivePowerResult(d: PredictivePowerFields): PredictivePowerResult {
  const r: PredictivePowerResult = {
    kind: 'predictive-power', ...d,
    summary: () => `predictive power F_n for n = ${d.orders.join(', ')} (realizations with an n-th event: ${d.counts.join(', ')}) on ${d.grid.length} Delta-epsilon values`,
    table: () => ({ columns: ['delta_epsilon', ...d.orders.map((n) => `F_${n}`)], rows: Array.from(d.grid, (x, g) => [x, ...d.F.map((f) => f[g])]) }),
    figure: () => predictivePowerFigure(r),
    toJSON: () => resultJSON('predictive-power', PREDICTIVE_VERSION, d),
  };
  return r;
}

export function loadPredictivePowerResult(json: unknown): PredictivePowerResult {
  return makePredictivePowerResult(resultData<PredictivePowerFields>(json, 'predictive-power', PREDICTIVE_VERSION));
}

/** Default Delta-epsilon grid: 1 to 5 in steps of 0.05 (the range of the paper's Fig. 4). */
export function defaultDeltaEpsilonGrid(): Float64Array {
  return Float64Array.from({ length: 81 }, (_, k) => 1 + 0.05 * k);
}

/** Empirical CDF of `sorted` (ascending) at x: fraction of values <= x. */
export function empiricalCdfAt(sorted: Float64Array, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1; else hi = mid;
  }
  return lo / sorted.length;
}

/** F_n(Delta-epsilon) over realizations (module doc). */
export function predictivePower(realizations: readonly SpotEventRealization[], opts: PredictivePowerOptions = {}): PredictivePowerResult {
  const orders = [...(opts.orders ?? [1, 2, 3])];
  for (const n of orders) if (!(Number.isInteger(n) && n >= 1)) throw new Error(`predictivePower: option orders must hold integers >= 1, got ${n}`);
  const grid = Float64Array.from(opts.grid ?? defaultDeltaEpsilonGrid());
  const closest: Float64Array[] = [], F: Float64Array[] = [], counts: number[] = [];
  for (const n of orders) {
    const values: number[] = [];
    realizations.forEach((r, idx) => {
      const d = r.box.dim;
      if (r.eventPositions.length % d !== 0) throw new Error(`predictivePower: realization ${idx}: eventPositions length ${r.eventPositions.length} is not a multiple of dim ${d}`);
      if (r.eventPositions.length / d < n) return;
      values.push(closestSpot(r, r.eventPositions, (n - 1) * d).deltaEpsilon);
    });
    const sorted = Float64Array.from(values).sort();
    closest.push(sorted);
    counts.push(sorted.length);
    F.push(grid.map((x) => (sorted.length ? empiricalCdfAt(sorted, x) : NaN)));
  }
  return makePredictivePowerResult({ orders, grid, F, closest, counts });
}

export interface PredictivePowerRatio {
  orders: number[];
  grid: Float64Array;
  /** delta F_n = F_n(a) / F_n(b) per order (NaN where F_n(b) = 0) */
  ratio: Float64Array[];
}

/**
 * delta F_n(De) = F_n^a(De) / F_n^b(De) (a: LTE map, b: normal-mode map), on
 * the grid of `a`; both must hold the same orders. F^b is re-evaluated on
 * a's grid from its closest-spot values, so the two grids need not agree.
 */
export function predictivePowerRatio(a: PredictivePowerFields, b: PredictivePowerFields): PredictivePowerRatio {
  const ratio = a.orders.map((n, k) => {
    const kb = b.orders.indexOf(n);
    if (kb < 0) throw new Error(`predictivePowerRatio: order n = ${n} is in the first result but not in the second`);
    const sb = b.closest[kb];
    return a.grid.map((x, g) => {
      const fb = sb.length ? empiricalCdfAt(sb, x) : NaN;
      return fb > 0 ? a.F[k][g] / fb : NaN;
    });
  });
  return { orders: [...a.orders], grid: a.grid, ratio };
}

/** F_n(Delta-epsilon) curves (closed: first map; open: optional second), as in Fig. 4 left. */
export function predictivePowerFigure(a: PredictivePowerFields, b?: PredictivePowerFields, names: [string, string] = ['LTE', 'NM']): PlotlyFigure {
  const series = a.orders.map((n, k) => ({ name: `${names[0]} n=${n}`, x: a.grid, y: a.F[k], mode: 'lines+markers' as const }));
  if (b) b.orders.forEach((n, k) => series.push({ name: `${names[1]} n=${n}`, x: b.grid, y: b.F[k], mode: 'lines+markers' as const }));
  return lineFigure(series, { title: 'Predictive power', xTitle: 'Delta epsilon', yTitle: 'F_n(Delta epsilon)' });
}

/** delta F_n(Delta-epsilon) curves, as in Fig. 4 right. */
export function predictivePowerRatioFigure(r: PredictivePowerRatio): PlotlyFigure {
  return lineFigure(r.orders.map((n, k) => ({ name: `n=${n}`, x: r.grid, y: r.ratio[k], mode: 'lines+markers' as const })),
    { title: 'LTE over normal modes', xTitle: 'Delta epsilon', yTitle: 'delta F_n' });
}

/** Event positions (unsheared frame) of an AQS result, flat nEvents*dim, for `SpotEventRealization.eventPositions`. */
export function eventPositionsOf(events: readonly { position: ArrayLike<number> }[], dim: number): Float64Array {
  const out = new Float64Array(events.length * dim);
  events.forEach((e, k) => { for (let a = 0; a < dim; a++) out[k * dim + a] = e.position[a]; });
  return out;
}

/**
 * The chance level of F_n: in each realization, the fraction of places
 * (the centres of its softness field's bins, flat nBins*dim) whose closest
 * soft spot has Delta-epsilon <= x, averaged over realizations, on the grid
 * of x values. An indicator predicts better than chance where F_n lies
 * above this curve (events at random places would follow it).
 */
export function randomPlacementBaseline(places: readonly ArrayLike<number>[], reals: readonly Pick<SpotEventRealization, 'box' | 'spotPositions' | 'spotDeltaEpsilon'>[], grid: ArrayLike<number>): Float64Array {
  if (places.length !== reals.length) throw new Error(`randomPlacementBaseline: ${places.length} sets of places for ${reals.length} realizations; give one per realization`);
  const out = new Float64Array(grid.length);
  places.forEach((centres, k) => {
    const d = reals[k].box.dim, nb = centres.length / d;
    const de = Float64Array.from({ length: nb }, (_, b) => closestSpot(reals[k], centres, d * b).deltaEpsilon);
    for (let g = 0; g < grid.length; g++) {
      let c = 0;
      for (const v of de) if (v <= grid[g]) c++;
      out[g] += c / nb / places.length;
    }
  });
  return out;
}
