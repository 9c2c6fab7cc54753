/**
 * The per-atom spectral engine behind `vdos` (vdos.ts): from each atom's
 * velocity time series to its VDOS D_i(omega) by Wiener-Khinchin, and the
 * accumulation of everything kept from it (total and per-type spectra, exact
 * per-atom values on chosen bins, coarse per-atom spectra).
 *
 * Formulas (Fan et al., PRB 105, 104112 (2022), Sec. II; frames t_n = n dt,
 * n = 0..F-1, velocities u_i(n) after the optional taper below):
 *
 *   C_i(t_m) = sum_{t0=0}^{F-1-m} u_i(t0+m).u_i(t0) / sum_{t0=0}^{F-1} u_i(t0).u_i(t0)
 *
 * (their Eq. for C_i read literally: each sum runs over the time origins
 * available, so C_i(0) = 1), and
 *
 *   D_i(omega) = int C_i(t) e^{j omega t} dt = dt sum_{m=-(F-1)}^{F-1} C_i(|m|) cos(omega t_m)
 *              = dt sum_a |U_i^a(omega)|^2 / sum_{n,a} u_i^a(n)^2,
 *
 * U^a(omega) = sum_n u^a(n) e^{-j omega t_n}: the convolution theorem of their
 * third equation, exact at every omega (no wrap-around): zero padding the
 * series to L samples only samples D on the finer grid omega_k = 2 pi k / (L dt),
 * k = 0..L/2. D_i >= 0 at every omega (a periodogram), which the softness
 * ratios need.
 *
 * Normalisation (`normalization`):
 *  - 'atom' (default, the paper's C_i(0) = 1): int_0^{omega_Nyquist} D_i = pi
 *    for every atom (trapezoid rule on the grid, exact by Parseval), so the
 *    total VDOS has area N pi;
 *  - 'none': C_i(t) = (1/F) sum_{t0} u_i(t0+t).u_i(t0), area pi <|u_i|^2>;
 *  - 'mass': m_i times 'none', area pi m_i <|u_i|^2> = 2 pi <K_i>, which is
 *    pi d k_B T per atom at equipartition (d the dimension).
 *
 * Taper (`window`): u_i(n) = w_n v_i(n) / sqrt(mean_n w_n^2) (power preserving,
 * symmetric windows over the F frames); 'none' is the paper's estimator.
 */
import { RealFftPlan } from '../../numeric/fft.ts';

/** Taper applied to each velocity series before the transform. */
export type VdosWindow = 'none' | 'hann' | 'hamming' | 'blackman';
/** How each atom's spectrum is normalised (module doc). */
export type VdosNormalization = 'atom' | 'none' | 'mass';

export const VDOS_WINDOWS: readonly VdosWindow[] = ['none', 'hann', 'hamming', 'blackman'];
export const VDOS_NORMALIZATIONS: readonly VdosNormalization[] = ['atom', 'none', 'mass'];

/** Power-preserving taper w_n / sqrt(mean w^2) of length F, or null for 'none'. */
export function vdosTaper(window: VdosWindow, frames: number): Float64Array | null {
  if (window === 'none') return null;
  const w = new Float64Array(frames);
  const d = Math.max(1, frames - 1);
  for (let n = 0; n < frames; n++) {
    const x = (2 * Math.PI * n) / d;
    w[n] = window === 'hann' ? 0.5 - 0.5 * Math.cos(x)
      : window === 'hamming' ? 0.54 - 0.46 * Math.cos(x)
      : window === 'blackman' ? 0.42 - 0.5 * Math.cos(x) + 0.08 * Math.cos(2 * x)
      : NaN;
    if (Number.isNaN(w[n])) throw new Error(`vdos: unknown window '${window}'; use one of ${VDOS_WINDOWS.join(', ')}`);
  }
  let s = 0;
  for (let n = 0; n < frames; n++) s += w[n] * w[n];
  const k = 1 / Math.sqrt(s / frames);
  for (let n = 0; n < frames; n++) w[n] *= k;
  return w;
}

/** Angular frequency grid omega_k = 2 pi k / (L dt), k = 0..L/2 (rad per time unit). */
export function vdosFrequencies(paddedLength: number, frameDt: number): Float64Array {
  const h = paddedLength >> 1;
  const dw = (2 * Math.PI) / (paddedLength * frameDt);
  return Float64Array.from({ length: h + 1 }, (_, k) => k * dw);
}

/**
 * Trapezoid integral of a spectrum sampled on a uniform grid of spacing dw
 * starting at 0: the quantity the sum rules of the module doc refer to.
 */
export function spectrumArea(values: ArrayLike<number>, dw: number): number {
  const m = values.length;
  if (m < 2) return 0;
  let s = 0.5 * (values[0] + values[m - 1]);
  for (let k = 1; k < m - 1; k++) s += values[k];
  return s * dw;
}


/** The series and transform a VDOS is computed on (shared by the accumulator's spec and the result). */
export interface VdosTransformSpec {
  n: number;
  dim: number;
  /** F, frames in each series */
  frames: number;
  /** time between frames (model time units) */
  frameDt: number;
  /** L, the power-of-two transform length (>= F) */
  paddedLength: number;
  window: VdosWindow;
  normalization: VdosNormalization;
}

/** What a VdosAccumulator is built for. */
export interface VdosAccumulatorSpec extends VdosTransformSpec {
  /** 1-based type of each atom */
  types: ArrayLike<number>;
  /** per-atom masses, required for normalization 'mass' */
  masses?: ArrayLike<number>;
  /** grid bins whose exact per-atom values are kept (ascending, distinct) */
  keptBins: Int32Array;
  /** number of coarse per-atom spectrum bins over [0, coarseMax) (0: none) */
  coarseBins: number;
  coarseMax: number;
}

/**
 * Accumulates per-atom spectra one atom at a time (module doc for the
 * formulas). Owns its FFT plan and scratch: nothing is allocated per atom.
 */
export class VdosAccumulator {
  readonly spec: VdosAccumulatorSpec;
  readonly bins: number;
  readonly total: Float64Array;
  /** byType[t]: sum of D_i over the atoms of type t (index 0 unused) */
  readonly byType: Float64Array[];
  /** kept[i * K + q] = D_i(omega_{keptBins[q]}) */
  readonly kept: Float64Array;
  /** coarse[i * B + b]: mean of D_i over the grid bins of coarse bin b */
  readonly coarse: Float32Array;
  readonly coarseBins: number;
  readonly coarseWidth: number;
  /** atoms whose series was identically zero (their D_i is set to 0) */
  zeroAtoms = 0;
  private readonly plan: RealFftPlan;
  private readonly power: Float64Array;
  private readonly taper: Float64Array | null;
  private readonly coarseOf: Int32Array;
  private readonly coarseInv: Float64Array;
  private readonly coarseSums: Float64Array;
  private readonly dw: number;

  constructor(spec: VdosAccumulatorSpec) {
    this.spec = spec;
    const { n, frames, paddedLength: L } = spec;
    if (L < frames) throw new Error(`vdos: padded length ${L} is shorter than the ${frames} frames`);
    if (spec.normalization === 'mass' && !spec.masses) throw new Error("vdos: normalization 'mass' needs per-atom masses");
    this.plan = new RealFftPlan(Math.max(2, L));
    this.bins = (L >> 1) + 1;
    this.total = new Float64Array(this.bins);
    let maxType = 0;
    for (let i = 0; i < n; i++) maxType = Math.max(maxType, spec.types[i]);
    this.byType = Array.from({ length: maxType + 1 }, () => new Float64Array(this.bins));
    this.kept = new Float64Array(n * spec.keptBins.length);
    this.power = new Float64Array(this.bins);
    this.taper = vdosTaper(spec.window, frames);
    this.dw = (2 * Math.PI) / (L * spec.frameDt);
    const below = Math.min(this.bins, Math.ceil(spec.coarseMax / this.dw));
    this.coarseBins = Math.max(0, Math.min(spec.coarseBins, below));
    this.coarseWidth = this.coarseBins > 0 ? spec.coarseMax / this.coarseBins : 0;
    this.coarseOf = new Int32Array(this.bins).fill(-1);
    const counts = new Float64Array(this.coarseBins);
    for (let k = 0; k < this.bins && this.coarseBins > 0; k++) {
      const b = Math.floor((k * this.dw) / this.coarseWidth);
      if (b < this.coarseBins) {
        this.coarseOf[k] = b;
        counts[b]++;
      }
    }
    this.coarseInv = counts.map((c) => (c > 0 ? 1 / c : 0));
    this.coarse = new Float32Array(n * this.coarseBins);
    this.coarseSums = new Float64Array(this.coarseBins);
  }

  /**
   * Add atom i from its series laid out [component][frame] at
   * series[0 .. dim * F); the series is tapered in place when a window is set.
   */
  addAtom(i: number, series: Float64Array): void {
    const { dim, frames: F, frameDt, normalization, keptBins } = this.spec;
    const power = this.power, taper = this.taper;
    power.fill(0);
    let sumsq = 0;
    for (let c = 0; c < dim; c++) {
      const o = c * F;
      if (taper) for (let t = 0; t < F; t++) series[o + t] *= taper[t];
      for (let t = 0; t < F; t++) sumsq += series[o + t] * series[o + t];
      this.plan.accumulatePower(series, o, F, power, 0, 1);
    }
    let scale: number;
    if (normalization === 'atom') {
      if (sumsq === 0) {
        this.zeroAtoms++;
        scale = 0;
      } else scale = frameDt / sumsq;
    } else scale = (frameDt / F) * (normalization === 'mass' ? this.spec.masses![i] : 1);
    const total = this.total, typed = this.byType[this.spec.types[i]];
    const B = this.coarseBins, sums = this.coarseSums, coarseOf = this.coarseOf;
    sums.fill(0);
    for (let k = 0; k < this.bins; k++) {
      const d = scale * power[k];
      total[k] += d;
      typed[k] += d;
      const b = coarseOf[k];
      if (b >= 0) sums[b] += d;
    }
    for (let b = 0; b < B; b++) this.coarse[i * B + b] = sums[b] * this.coarseInv[b];
    const K = keptBins.length, kept = this.kept;
    for (let q = 0; q < K; q++) kept[i * K + q] = scale * power[keptBins[q]];
  }
}
