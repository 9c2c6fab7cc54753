/**
 * Per-atom velocity autocorrelation functions with time-origin averaging,
 * Fan et al., PRB 105, 104112 (2022), Sec. II, first equation:
 *
 *   C_i(t_m) = sum_{t0=0}^{F-1-m} v_i(t0+m).v_i(t0) / sum_{t0=0}^{F-1} v_i(t0).v_i(t0)
 *
 * (normalisation 'atom'; 'none' divides the numerator by F instead, 'mass'
 * multiplies that by m_i: vdos-spectra.ts). Computed by Wiener-Khinchin: the
 * power spectrum of the series zero padded to L >= 2F - 1 transformed back
 * gives every lag sum at once without wrap-around. The VDOS (vdos.ts) is the
 * cosine transform of exactly this C_i.
 */
import { FftPlan, RealFftPlan, nextPowerOfTwo } from '../../numeric/fft.ts';
import { arrayVelocitySource, type ArrayVelocityOptions, type VelocitySource } from './stream.ts';
import type { VdosNormalization } from './spectra.ts';

export interface VacfOptions {
  /** time between frames (model time units) */
  frameDt: number;
  /** largest lag in frames (default F - 1) */
  maxLag?: number;
  /** default 'atom': C_i(0) = 1 */
  normalization?: VdosNormalization;
  /** also return every atom's C_i (n x (maxLag + 1) values) */
  perAtom?: boolean;
}

export interface VacfResult {
  /** lag times m dt, m = 0..maxLag */
  t: Float64Array;
  /** mean over atoms of C_i(t) */
  mean: Float64Array;
  /** perAtom[i * (maxLag + 1) + m] = C_i(t_m), when asked for */
  perAtom?: Float64Array;
}

/** Per-atom VACFs from any VelocitySource (module doc). */
export async function vacfFromSource(src: VelocitySource, opts: VacfOptions): Promise<VacfResult> {
  const F = src.frames, dim = src.dim;
  if (!(opts.frameDt > 0)) throw new Error(`vacf: frameDt must be > 0, got ${opts.frameDt}`);
  const maxLag = opts.maxLag ?? F - 1;
  if (!Number.isInteger(maxLag) || maxLag < 0 || maxLag > F - 1) throw new Error(`vacf: maxLag must be an integer in [0, ${F - 1}], got ${maxLag}`);
  const norm = opts.normalization ?? 'atom';
  const L = nextPowerOfTwo(Math.max(2, 2 * F - 1));
  const rfft = new RealFftPlan(L), cfft = new FftPlan(L);
  const h = L >> 1, lags = maxLag + 1;
  const power = new Float64Array(h + 1), re = new Float64Array(L), im = new Float64Array(L);
  const mean = new Float64Array(lags);
  const perAtom = opts.perAtom ? new Float64Array(src.n * lags) : undefined;
  await src.forEachAtom((i, series) => {
    power.fill(0);
    for (let c = 0; c < dim; c++) rfft.accumulatePower(series, c * F, F, power, 0, 1);
    for (let k = 0; k <= h; k++) re[k] = power[k];
    for (let k = 1; k < h; k++) re[L - k] = power[k];
    im.fill(0);
    cfft.inverse(re, im);
    const scale = norm === 'atom' ? (re[0] > 0 ? 1 / re[0] : 0) : (norm === 'mass' ? src.masses[i] : 1) / F;
    for (let m = 0; m < lags; m++) {
      const c = re[m] * scale;
      mean[m] += c / src.n;
      if (perAtom) perAtom[i * lags + m] = c;
    }
  });
  return { t: Float64Array.from({ length: lags }, (_, m) => m * opts.frameDt), mean, ...(perAtom ? { perAtom } : {}) };
}

/** Per-atom VACFs from velocities in memory (velocities[t]: frame t, atom-major). */
export async function vacfFromVelocities(velocities: readonly ArrayLike<number>[], atoms: ArrayVelocityOptions, opts: VacfOptions): Promise<VacfResult> {
  return vacfFromSource(arrayVelocitySource(velocities, atoms), opts);
}
