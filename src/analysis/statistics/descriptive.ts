/**
 * Descriptive statistics of per-particle fields: means, spreads, quantiles,
 * the top of a field, the bootstrap and the block bootstrap over frames.
 * Plain functions on arrays, used by the notebooks' tables (mean +-
 * standard error of a group, the softest few percent, a bootstrap error of
 * any statistic).
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
  return summariseResamples(statistic(data), stats, level);
}

/** The Bootstrap of a statistic's value and its resampled values at a level. */
function summariseResamples(value: number, stats: ArrayLike<number>, level: number): Bootstrap {
  return {
    value, mean: mean(stats), std: standardDeviation(stats),
    low: quantile(stats, (1 - level) / 2), high: quantile(stats, (1 + level) / 2), samples: stats.length,
  };
}

/** Options of blockBootstrap. */
export interface BlockBootstrapOptions {
  /**
   * consecutive frames per block (default 10), or one block length per group;
   * one frame gives the ordinary bootstrap over frames. Take blocks at least
   * as long as the correlation time of what the statistic averages.
   */
  block?: number | readonly number[];
  /** resamples (default 200) */
  samples?: number;
  /** seed of the xoshiro128** stream (default 1; equal seeds, equal numbers) */
  seed?: number;
  /** central percentile interval (default 0.68) */
  level?: number;
}

/** A block bootstrap: the Bootstrap over the resamples whose statistic was finite, and how many were not. */
export interface BlockBootstrap extends Bootstrap {
  /** resamples whose statistic was not finite (left out of mean, std, low, high and samples) */
  dropped: number;
}

/**
 * The frames drawn for one block-bootstrap resample of nFrames frames: the
 * frames are cut into nb = ceil(nFrames / block) blocks of `block`
 * consecutive frames (the last one may be short), and nb blocks are drawn
 * with replacement (one `rng.uniform()` each), their frames listed in the
 * order drawn. blockBootstrap uses it; exported for the tests and for
 * statistics built by hand.
 */
export function blockResample(nFrames: number, block: number, rng: Rng): Int32Array {
  const nb = Math.ceil(nFrames / block), out: number[] = [];
  for (let b = 0; b < nb; b++) {
    const start = Math.min(nb - 1, Math.floor(rng.uniform() * nb)) * block;
    for (let f = start; f < Math.min(nFrames, start + block); f++) out.push(f);
  }
  return Int32Array.from(out);
}

/**
 * Block bootstrap over the frames of a time series (Kunsch, Ann. Stat. 17,
 * 1217 (1989); here non-overlapping blocks, Carlstein, Ann. Stat. 14, 1171
 * (1986)): frames closer than the correlation time are not independent, so
 * whole blocks of consecutive frames are resampled. `frames[g]` is the number
 * of frames of group g (e.g. one run per temperature); each resample draws
 * every group's frames independently (blockResample, groups in order from
 * one seeded stream) and `statistic` gets the drawn frame lists, one per
 * group. Its value on the data is statistic of the identity lists. Resamples
 * whose statistic is not finite (a fit that fails on an unlucky resample)
 * are dropped and counted.
 */
export function blockBootstrap(frames: readonly number[], statistic: (drawn: Int32Array[]) => number,
  opts: BlockBootstrapOptions = {}): BlockBootstrap {
  const B = opts.samples ?? 200, level = opts.level ?? 0.68, block0 = opts.block ?? 10;
  if (!(B >= 2)) throw new Error(`blockBootstrap: samples must be at least 2, got ${B}`);
  if (!(level > 0 && level < 1)) throw new Error(`blockBootstrap: level must be in (0, 1), got ${level}`);
  if (frames.length === 0 || frames.some((F) => !(Number.isInteger(F) && F >= 1))) {
    throw new Error(`blockBootstrap: give at least one group with a whole number >= 1 of frames, got [${frames.join(', ')}]`);
  }
  const blocks = typeof block0 === 'number' ? frames.map(() => block0) : Array.from(block0);
  if (blocks.length !== frames.length) throw new Error(`blockBootstrap: ${frames.length} groups but ${blocks.length} block lengths; give one per group or one number`);
  if (blocks.some((b) => !(Number.isInteger(b) && b >= 1))) throw new Error(`blockBootstrap: block must be a whole number of frames >= 1, got ${blocks.join(', ')}`);
  const rng = new Rng(opts.seed ?? 1);
  const stats: number[] = [];
  for (let b = 0; b < B; b++) {
    const v = statistic(frames.map((F, g) => blockResample(F, blocks[g], rng)));
    if (Number.isFinite(v)) stats.push(v);
  }
  const identity = frames.map((F) => Int32Array.from({ length: F }, (_, f) => f));
  return { ...summariseResamples(statistic(identity), stats, level), dropped: B - stats.length };
}
