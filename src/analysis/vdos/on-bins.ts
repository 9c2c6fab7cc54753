/**
 * MD- and DM-VDOS on common bins, to compare them on one plot or bin by bin
 * (Fan et al., PRE 106, 024607 (2022), Figs. 1-2: the MD-VDOS from the
 * velocity spectra and the DM-VDOS from the dynamical matrix of the
 * inherent structure), and the top of a spectrum that is a plateau rather
 * than a peak.
 */
import { binnedMeans, histogramDensity, uniformBins, type Binning } from '../statistics/histogram.ts';
import type { DmVdos } from './dynamical-matrix.ts';

/** Trapezoid integral of y over x (x increasing, any spacing). */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`trapezoid: ${x.length} x values but ${y.length} y values`);
  let s = 0;
  for (let k = 1; k < x.length; k++) s += 0.5 * (y[k] + y[k - 1]) * (x[k] - x[k - 1]);
  return s;
}

/**
 * A spectrum D(omega) on the bins, normalised to unit area over its whole
 * grid (not only the binned part): the bin means of D divided by the
 * trapezoid area of D. Empty bins are NaN.
 */
export function spectrumOnBins(omega: ArrayLike<number>, density: ArrayLike<number>, bins: Binning): Float64Array {
  const area = trapezoid(omega, density);
  if (!(area > 0)) throw new Error('spectrumOnBins: the spectrum has no positive area');
  return binnedMeans(omega, density, bins).map((v) => v / area);
}

/**
 * The DM-VDOS on the bins, unit area over all modes: the exact histogram of
 * the dense frequencies (a mode outside the bins still counts in the
 * normalisation), or the bin means of the KPM density.
 */
export function dmVdosOnBins(dm: DmVdos, bins: Binning): Float64Array {
  return dm.frequencies ? histogramDensity(dm.frequencies, bins, undefined, { total: dm.frequencies.length }).p : binnedMeans(dm.omega, dm.density, bins);
}

/** The top of a spectrum: the band around its maximum and the centroid of the near-maximal bins. */
export interface SpectrumTop {
  /** the band [lo, hi] (edges of the coarse bins) where the spectrum stays >= level x its maximum, contiguous around the maximum */
  lo: number;
  hi: number;
  /** (lo + hi) / 2 */
  centre: number;
  /** the centroid of the coarse bins at >= 90% of the maximum, weighted by the spectrum */
  centroid: number;
}

/**
 * Where a spectrum peaks when its top is flat: the KA MD-VDOS stays within
 * a few per cent of its maximum over several rad/tau, so its argmax is
 * noise. The spectrum is averaged on bins of `binWidth` over [0, max]; the
 * band is where the bin means stay >= `level` (0.95) of the largest,
 * contiguous around it, and the centroid is that of the bins >= 90% of it.
 */
export function spectrumTop(omega: ArrayLike<number>, density: ArrayLike<number>, opts: { level?: number; max?: number; binWidth?: number } = {}): SpectrumTop {
  const level = opts.level ?? 0.95, max = opts.max ?? 40, width = opts.binWidth ?? 1;
  const bins = uniformBins(0, max, Math.round(max / width));
  const e = bins.edges, m = binnedMeans(omega, density, bins);
  let b = 0;
  m.forEach((v, k) => { if (v > m[b]) b = k; });
  let l = b, h = b;
  while (l > 0 && m[l - 1] >= level * m[b]) l--;
  while (h < m.length - 1 && m[h + 1] >= level * m[b]) h++;
  let s = 0, w = 0;
  m.forEach((v, k) => { if (v >= 0.9 * m[b]) { s += v * 0.5 * (e[k] + e[k + 1]); w += v; } });
  return { lo: e[l], hi: e[h + 1], centre: 0.5 * (e[l] + e[h + 1]), centroid: s / w };
}
