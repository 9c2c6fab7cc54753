/**
 * DM-VDOS of an inherent structure, to overlay on the MD-VDOS (Fan et al.,
 * PRB 105, 104112 (2022), Fig. 1), and the spectral shape tools of their
 * Fig. 2: reduced VDOS D(omega)/omega^2 and the boson peak at its maximum.
 *
 * The DM-VDOS is the density of the angular eigenfrequencies omega = sqrt(lambda)
 * of the dynamical matrix M^-1/2 H M^-1/2 (translations removed), normalised
 * to unit area: exactly by dense diagonalisation (allModes + vdosHistogram)
 * or by the kernel polynomial method on the sparse Hessian (kpmVdos) for
 * large systems. Frequencies are in rad per model time unit (1 / sqrt(mvv2e)
 * converts the eigenvalue units of metal models).
 *
 * The MD-VDOS of a harmonic solid at temperature T with normalisation 'mass'
 * is pi k_B T times the number of modes times this unit-area density, so the
 * two coincide after `spectrumUnitArea` (or after scaling both to unit maximum, as the
 * paper plots them).
 */
import { assembleHessian, factoredHessian } from '../../core/hessian.ts';
import { allModes, kpmVdos, vdosHistogram, type NormalModes } from '../../linalg/index.ts';
import { getUnits } from '../../util/units.ts';
import type { Potential } from '../../potential/types.ts';
import type { System } from '../../system/system.ts';
import { spectrumArea } from './spectra.ts';

export interface DmVdosOptions {
  /** dense diagonalisation, KPM, or auto (dense up to 3000 degrees of freedom) */
  method?: 'auto' | 'dense' | 'kpm';
  /** number of frequency bins (default 100) */
  bins?: number;
  /** upper edge of the frequency range (default: the largest frequency) */
  omegaMax?: number;
  /** KPM moments and random vectors (kpm.ts defaults) */
  moments?: number;
  vectors?: number;
  seed?: number;
}

export interface DmVdos {
  method: 'dense' | 'kpm';
  /** bin centers (rad per time unit) */
  omega: Float64Array;
  /** density, unit area over the bins */
  density: Float64Array;
  /** all non-trivial angular frequencies (dense only) */
  frequencies?: Float64Array;
  /** the normal modes themselves (dense only; eigenvectors of the dynamical matrix) */
  modes?: NormalModes;
}

/** DM-VDOS of a configuration at a minimum (module doc). */
export function dmVdos(sys: System, potential: Potential, opts: DmVdosOptions = {}): DmVdos {
  const toAngular = 1 / Math.sqrt(getUnits(potential.units).mvv2e);
  const dof = sys.n * sys.dim;
  const method = opts.method === undefined || opts.method === 'auto' ? (dof <= 3000 ? 'dense' : 'kpm') : opts.method;
  if (method === 'dense') {
    const modes = allModes(assembleHessian(sys, potential, { massWeighted: true }), { masses: sys.masses });
    const frequencies = modes.frequencies.map((w) => w * toAngular);
    const hist = vdosHistogram(frequencies, { bins: opts.bins, min: 0, max: opts.omegaMax });
    return { method, omega: hist.centers, density: hist.density, frequencies, modes };
  }
  // KPM needs products only: the unassembled Hessian (core/hessian.ts factoredHessian)
  const hist = kpmVdos(factoredHessian(sys, potential, { massWeighted: true }), {
    masses: sys.masses, bins: opts.bins, moments: opts.moments, vectors: opts.vectors, seed: opts.seed,
    maxFrequency: opts.omegaMax === undefined ? undefined : opts.omegaMax / toAngular,
  });
  const omega = hist.centers.map((w) => w * toAngular);
  const density = hist.density.map((d) => d / toAngular);
  return { method, omega, density };
}

/** Reduced VDOS D(omega) / omega^2 (NaN at omega = 0). */
export function reducedVdos(omega: ArrayLike<number>, density: ArrayLike<number>): Float64Array {
  return Float64Array.from(density, (d, k) => (omega[k] > 0 ? d / (omega[k] * omega[k]) : NaN));
}

/**
 * Boson peak: the maximum of D(omega)/omega^2 for omega in [omegaMin, omegaMax]
 * after a centred moving average over `smooth` points (default 1: none).
 * omegaMin (default: the first nonzero grid point) must exclude the low-frequency
 * end where D/omega^2 diverges (the MD-VDOS of a glass with relaxations, their
 * Fig. 2b inset), or the "peak" is that divergence.
 */
export function bosonPeak(omega: ArrayLike<number>, density: ArrayLike<number>, opts: { omegaMin?: number; omegaMax?: number; smooth?: number } = {}):
  { omega: number; height: number; index: number } {
  const red = reducedVdos(omega, density);
  const w = Math.max(1, Math.floor(opts.smooth ?? 1)), h = Math.floor(w / 2);
  let best = -1, bestVal = -Infinity;
  for (let k = 0; k < red.length; k++) {
    if (!(omega[k] > 0) || (opts.omegaMin !== undefined && omega[k] < opts.omegaMin) || (opts.omegaMax !== undefined && omega[k] > opts.omegaMax)) continue;
    let s = 0, c = 0;
    for (let q = Math.max(0, k - h); q <= Math.min(red.length - 1, k + h); q++) if (Number.isFinite(red[q])) { s += red[q]; c++; }
    const v = c > 0 ? s / c : NaN;
    if (v > bestVal) { bestVal = v; best = k; }
  }
  if (best < 0) throw new Error(`bosonPeak: no frequency in [${opts.omegaMin ?? 0}, ${opts.omegaMax ?? Infinity}]`);
  return { omega: omega[best], height: bestVal, index: best };
}

/** Spectrum scaled to unit area (trapezoid on a uniform grid starting at omega_0 = 0, or bin sums for histograms). */
export function spectrumUnitArea(omega: ArrayLike<number>, density: ArrayLike<number>): Float64Array {
  const dw = omega.length > 1 ? omega[1] - omega[0] : 1;
  let sum = 0;
  for (let k = 0; k < density.length; k++) sum += density[k];
  const area = omega[0] === 0 ? spectrumArea(density, dw) : sum * dw;
  if (!(area > 0)) throw new Error('spectrumUnitArea: the spectrum has no positive area');
  return Float64Array.from(density, (d) => d / area);
}

/** Spectrum scaled so that its maximum is 1 (how the paper plots VDOSs, Fig. 1). */
export function spectrumUnitMax(density: ArrayLike<number>): Float64Array {
  let m = 0;
  for (let k = 0; k < density.length; k++) m = Math.max(m, density[k]);
  if (!(m > 0)) throw new Error('spectrumUnitMax: the spectrum has no positive value');
  return Float64Array.from(density, (d) => d / m);
}
