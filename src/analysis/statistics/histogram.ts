/**
 * Bins, histograms and binned means on linear or logarithmic bins: the
 * pieces every notebook figure of a distribution or a spectrum is made of.
 *
 * A bin holds [edges[b], edges[b + 1]); the last bin also holds its upper
 * edge. Values outside the edges, or not finite, fall in no bin.
 */

export interface Binning {
  /** bin edges, bins + 1 strictly increasing values */
  edges: Float64Array;
  /** logarithmic bins: their centres are geometric means (binCentres) */
  log?: boolean;
}

/** Uniform bins over [lo, hi]. */
export function uniformBins(lo: number, hi: number, bins: number): Binning {
  if (!(hi > lo) || !(bins >= 1)) throw new Error(`uniformBins: need lo < hi and bins >= 1, got [${lo}, ${hi}], ${bins}`);
  return { edges: Float64Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins) };
}

/** Logarithmic bins over [lo, hi] (0 < lo < hi): edges lo (hi/lo)^(k/bins), equal widths on a log axis. */
export function logBins(lo: number, hi: number, bins: number): Binning {
  if (!(lo > 0) || !(hi > lo) || !(bins >= 1)) throw new Error(`logBins: need 0 < lo < hi and bins >= 1, got [${lo}, ${hi}], ${bins}`);
  return { edges: Float64Array.from({ length: bins + 1 }, (_, k) => lo * (hi / lo) ** (k / bins)), log: true };
}

/** Uniform bins over the finite range of the values (the common default). */
export function binsForValues(values: ArrayLike<number>, bins = 40): Binning {
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < values.length; k++) { const v = values[k]; if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } }
  if (!(hi > lo)) throw new Error('binsForValues: need at least two distinct finite values');
  const pad = (hi - lo) * 1e-9;
  return uniformBins(lo - pad, hi + pad, bins);
}

/** Bin index of v (edges ascending; the last bin includes its upper edge), -1 outside or not finite. */
export function binIndex(edges: ArrayLike<number>, v: number): number {
  const nb = edges.length - 1;
  if (!(v >= edges[0] && v <= edges[nb])) return -1;
  let lo = 0, hi = nb;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (v >= edges[mid]) lo = mid; else hi = mid; }
  return lo;
}

/** Bin centres: arithmetic means of the edges, geometric means for log bins. */
export function binCentres(b: Binning): Float64Array {
  const e = b.edges;
  return Float64Array.from({ length: e.length - 1 }, (_, k) => (b.log ? Math.sqrt(e[k] * e[k + 1]) : 0.5 * (e[k] + e[k + 1])));
}

/** Counts per bin (values outside the edges or not finite are dropped; `mask` keeps entries where it is truthy). */
export function histogramCounts(values: ArrayLike<number>, binning: Binning, mask?: ArrayLike<number | boolean>): Float64Array {
  const c = new Float64Array(binning.edges.length - 1);
  for (let k = 0; k < values.length; k++) {
    if (mask && !mask[k]) continue;
    const b = binIndex(binning.edges, values[k]);
    if (b >= 0) c[b]++;
  }
  return c;
}

/**
 * Probability density of the values on the bins: count / (total x width).
 * `total` defaults to the binned count, so the density integrates to 1 over
 * the bins; give `opts.total` (e.g. values.length) to normalise by all
 * values, outside the bins too (a spectrum cut at some frequency keeps the
 * weight of the rest).
 */
export function histogramDensity(values: ArrayLike<number>, binning: Binning, mask?: ArrayLike<number | boolean>, opts: { total?: number } = {}): { x: Float64Array; p: Float64Array; total: number } {
  const c = histogramCounts(values, binning, mask);
  const e = binning.edges;
  let total = 0;
  for (const v of c) total += v;
  const norm = opts.total ?? total;
  const p = Float64Array.from(c, (v, k) => (norm > 0 ? v / (norm * (e[k + 1] - e[k])) : 0));
  return { x: binCentres(binning), p, total };
}

/** Mean of y over the entries whose x falls in each bin; NaN for an empty bin. */
export function binnedMeans(x: ArrayLike<number>, y: ArrayLike<number>, binning: Binning): Float64Array {
  if (x.length !== y.length) throw new Error(`binnedMeans: ${x.length} x values but ${y.length} y values`);
  const nb = binning.edges.length - 1;
  const s = new Float64Array(nb), c = new Float64Array(nb);
  for (let k = 0; k < x.length; k++) {
    const b = binIndex(binning.edges, x[k]);
    if (b >= 0) { s[b] += y[k]; c[b]++; }
  }
  return s.map((v, b) => (c[b] > 0 ? v / c[b] : NaN));
}

/** The values divided by their largest finite value (how spectra are compared on one plot); NaN stays NaN. */
export function unitMax(values: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let k = 0; k < values.length; k++) if (values[k] > m) m = values[k];
  if (!(m > 0) || !Number.isFinite(m)) throw new Error('unitMax: the values have no positive finite maximum');
  return Float64Array.from(values, (v) => v / m);
}
