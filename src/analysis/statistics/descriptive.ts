/**
 * Descriptive statistics of per-particle fields: means, spreads, quantiles,
 * the top of a field, and the bootstrap. Plain functions on arrays, used by
 * the notebooks' tables (mean +- standard error of a group, the softest
 * few percent, a bootstrap error of any statistic).
 */
import { Rng } from '../../util/random.ts';

/** Arithmetic mean; with `finite`, of the finite values only (NaN when there are none). */
export function mean(values: ArrayLike<number>, opts: { finite?: boolean } = {}): number {
  let s = 0, c = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (opts.finite && !Number.isFinite(v)) continue;
    s += v; c++;
  }
  return c > 0 ? s / c : NaN;
}

/**
 * Standard deviation, sqrt(sum (v - mean)^2 / (n - ddof)): `ddof` 1 (the
 * default) for the sample estimate, 0 for the population one; with `finite`,
 * over the finite values only.
 */
export function standardDeviation(values: ArrayLike<number>, opts: { ddof?: number; finite?: boolean } = {}): number {
  const m = mean(values, opts);
  let s = 0, c = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (opts.finite && !Number.isFinite(v)) continue;
    s += (v - m) ** 2; c++;
  }
  const ddof = opts.ddof ?? 1;
  return c > ddof ? Math.sqrt(s / (c - ddof)) : NaN;
}

/** Standard error of the mean: sample standard deviation / sqrt(n). */
export function standardError(values: ArrayLike<number>, opts: { finite?: boolean } = {}): number {
  const n = opts.finite ? Array.prototype.filter.call(values, Number.isFinite).length : values.length;
  return standardDeviation(values, opts) / Math.sqrt(n);
}

/** Binomial standard error of a fraction p observed in n trials, sqrt(p (1 - p) / n). */
export function binomialError(p: number, n: number): number {
  return Math.sqrt(Math.max(p * (1 - p), 0) / Math.max(n, 1));
}

/** p-quantile (0..1) of the finite values, linear interpolation between order statistics (numpy's default); NaN when none. */
export function quantile(values: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`quantile: p must be in [0, 1], got ${p}`);
  const v = Array.prototype.filter.call(values, Number.isFinite).sort((a: number, b: number) => a - b) as number[];
  if (v.length === 0) return NaN;
  const x = p * (v.length - 1), k = Math.floor(x);
  return k + 1 < v.length ? v[k] + (x - k) * (v[k + 1] - v[k]) : v[k];
}

/** The value of a tabulated curve y(grid) at the grid point nearest to x (the first of two equally near). */
export function valueAtNearest(grid: ArrayLike<number>, y: ArrayLike<number>, x: number): number {
  if (grid.length !== y.length || grid.length === 0) throw new Error(`valueAtNearest: ${grid.length} grid points and ${y.length} values; give one value per grid point`);
  let b = 0;
  for (let k = 0; k < grid.length; k++) if (Math.abs(grid[k] - x) < Math.abs(grid[b] - x)) b = k;
  return y[b];
}

/** values[indices[k]] for each k (a group's values). */
export function gather(values: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  return Float64Array.from(indices as ArrayLike<number>, (i) => values[i]);
}

/** Indices of the k largest values, largest first (ties by index; NaN never among them). */
export function topIndices(values: ArrayLike<number>, k: number): Int32Array {
  const idx = Array.from({ length: values.length }, (_, i) => i).filter((i) => !Number.isNaN(values[i]));
  idx.sort((i, j) => values[j] - values[i] || i - j);
  return Int32Array.from(idx.slice(0, Math.max(0, Math.floor(k))));
}

/** The bootstrap of a statistic: its value, and mean, standard deviation and percentile interval over resamples. */
export interface Bootstrap {
  /** the statistic of the data */
  value: number;
  /** mean and standard deviation over the resamples (the bootstrap error) */
  mean: number;
  std: number;
  /** percentile interval of the resamples at the requested level */
  low: number;
  high: number;
  samples: number;
}

/**
 * Bootstrap (Efron 1979) of `statistic` over the entries of `values`:
 * `samples` resamples of the same size drawn with replacement by a seeded
 * xoshiro128** stream (equal seeds, equal numbers); `level` sets the
 * central percentile interval (default 0.68, one standard deviation of a
 * normal).
 */
export function bootstrap(values: ArrayLike<number>, statistic: (sample: Float64Array) => number,
  opts: { samples?: number; seed?: number; level?: number } = {}): Bootstrap {
  const B = opts.samples ?? 1000, level = opts.level ?? 0.68;
  if (!(B >= 2)) throw new Error(`bootstrap: samples must be at least 2, got ${B}`);
  if (!(level > 0 && level < 1)) throw new Error(`bootstrap: level must be in (0, 1), got ${level}`);
  const n = values.length;
  if (n === 0) throw new Error('bootstrap: no values');
  const rng = new Rng(opts.seed ?? 1);
  const data = Float64Array.from(values as ArrayLike<number>);
  const sample = new Float64Array(n), stats = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < n; k++) sample[k] = data[Math.min(n - 1, Math.floor(rng.uniform() * n))];
    stats[b] = statistic(sample);
  }
  return {
    value: statistic(data), mean: mean(stats), std: standardDeviation(stats),
    low: quantile(stats, (1 - level) / 2), high: quantile(stats, (1 + level) / 2), samples: B,
  };
}
