/**
 * Binned structure-property correlation (Wei et al., PRB 99, 014115 (2019),
 * Fig. 4): atoms are sorted by a descriptor x, grouped into bins of ~binSize
 * atoms (the paper uses ~200), and Pearson's coefficient is taken between the
 * bin means of x and of the property y. Binning averages out the per-atom
 * noise, so the binned coefficient is larger than the per-atom one, which is
 * returned beside it with Spearman's.
 *
 * Bins: with N atoms, nBins = max(2, round(N / binSize)) and bin k holds the
 * sorted atoms floor(k N / nBins) .. floor((k + 1) N / nBins) - 1, so the
 * remainder is spread over the bins: every bin holds floor(N / nBins) or
 * ceil(N / nBins) atoms (none is dropped, no short last bin). Ties in x are
 * broken by atom index (a stable sort), so the bins are reproducible.
 *
 *   const r = binnedCorrelation(vMsd, barrier, { binSize: 200 });
 *   r.binnedPearson; r.pearson; r.spearman; r.table() // bin,count,x_mean,y_mean
 */
import { pearsonCorrelation, spearmanCorrelation } from '../../numeric/correlation.ts';
import { lineFigure, type PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';

export interface BinnedCorrelationOptions {
  /** atoms per bin (approximately; see the module doc); default 200 */
  binSize?: number;
  /** names of the two fields for the table header and figure; default 'x', 'y' */
  xName?: string;
  yName?: string;
}

/** What a BinnedCorrelation is built from (and saved as). */
export interface BinnedCorrelationData {
  n: number;
  binSize: number;
  xName: string;
  yName: string;
  /** atoms in each bin */
  binCounts: Int32Array;
  /** mean of x and y in each bin, bins in increasing x */
  xMean: Float64Array;
  yMean: Float64Array;
  /** Pearson of the bin means */
  binnedPearson: number;
  /** per-atom Pearson and Spearman */
  pearson: number;
  spearman: number;
}

export interface BinnedCorrelation extends AnalysisResult<'binned-correlation'>, BinnedCorrelationData {
  /** bin,count,<x>_mean,<y>_mean */
  table(): TableData;
  /** y-mean against x-mean */
  figure(): PlotlyFigure;
}

const VERSION = 1;

/** Sorted-atom ranges of the bins: start of bin k is bounds[k], end bounds[k + 1]. */
export function binBounds(n: number, binSize: number): Int32Array {
  const nb = Math.max(2, Math.round(n / binSize));
  return Int32Array.from({ length: nb + 1 }, (_, k) => Math.floor((k * n) / nb));
}

/** Binned and per-atom correlation of two per-atom fields (see module doc). */
export function binnedCorrelation(x: ArrayLike<number>, y: ArrayLike<number>, opts: BinnedCorrelationOptions = {}): BinnedCorrelation {
  const binSize = opts.binSize ?? 200;
  if (!(binSize >= 1) || !Number.isFinite(binSize)) throw new Error(`binnedCorrelation: option binSize must be a number >= 1, got ${binSize}`);
  const pearson = pearsonCorrelation(x, y); // checks lengths and finiteness
  const spearman = spearmanCorrelation(x, y);
  const n = x.length;
  if (n < 4) throw new Error(`binnedCorrelation: need at least 4 atoms (2 bins of 2), got ${n}`);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => x[i] - x[j] || i - j);
  const bounds = binBounds(n, Math.min(binSize, n / 2));
  const nb = bounds.length - 1;
  const binCounts = new Int32Array(nb), xMean = new Float64Array(nb), yMean = new Float64Array(nb);
  for (let k = 0; k < nb; k++) {
    let sx = 0, sy = 0;
    for (let q = bounds[k]; q < bounds[k + 1]; q++) { sx += x[order[q]]; sy += y[order[q]]; }
    const c = bounds[k + 1] - bounds[k];
    binCounts[k] = c;
    xMean[k] = sx / c;
    yMean[k] = sy / c;
  }
  return makeBinnedCorrelation({
    n, binSize, xName: opts.xName ?? 'x', yName: opts.yName ?? 'y', binCounts, xMean, yMean,
    binnedPearson: pearsonCorrelation(xMean, yMean), pearson, spearman,
  });
}

export function loadBinnedCorrelation(json: unknown): BinnedCorrelation {
  return makeBinnedCorrelation(resultData<BinnedCorrelationData>(json, 'binned-correlation', VERSION));
}

function makeBinnedCorrelation(d: BinnedCorrelationData): BinnedCorrelation {
  return {
    kind: 'binned-correlation', ...d,
    summary: () => [
      `binned_pearson ${d.binnedPearson} (${d.binCounts.length} bins of ~${d.binSize} atoms, ${d.n} atoms)`,
      `pearson ${d.pearson}`,
      `spearman ${d.spearman}`,
    ].join('\n'),
    table: () => ({
      columns: ['bin', 'count', `${d.xName}_mean`, `${d.yName}_mean`],
      rows: Array.from(d.binCounts, (c, k) => [k, c, d.xMean[k], d.yMean[k]]),
    }),
    figure: () => lineFigure([{ name: `bins (r_p = ${d.binnedPearson.toFixed(3)})`, x: d.xMean, y: d.yMean, mode: 'markers' }],
      { xTitle: `${d.xName} (bin mean)`, yTitle: `${d.yName} (bin mean)` }),
    toJSON: () => resultJSON('binned-correlation', VERSION, d),
  };
}
