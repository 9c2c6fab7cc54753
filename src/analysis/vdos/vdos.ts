/**
 * Per-atom vibrational density of states from MD velocities and the VDOS
 * softness of Fan et al., "Reversible motions and disordered structure of
 * soft particles in amorphous solids", PRB 105, 104112 (2022), Sec. II-III.
 *
 *   const r = await vdosFromDump('run.dump', { frameDt: 0.02, bands: [[0, 0.6], [11, 12]] });
 *   r.omega, r.total, r.byType      // MD-VDOS, sum of the per-atom D_i
 *   r.softness[0]                   // S(i) on [0, 0.6)
 *   vdosSoftness(r, [0, 0.3])       // any band inside the kept frequencies
 *
 * D_i(omega) is the Fourier transform of the per-atom velocity autocorrelation
 * C_i(t) with time-origin averaging, computed by Wiener-Khinchin from the
 * zero-padded velocity series (formulas, normalisations and the sum rule
 * int_0^inf D_i d omega = pi C_i(0) in vdos-spectra.ts). The total VDOS is
 * sum_i D_i, the per-type VDOS the same sum over the atoms of one type.
 *
 * Frequencies are ANGULAR by default (rad per model time unit: tau in LJ
 * units), the unit in which the paper's numbers read (omega_c = 0.6, peak
 * band 11 < omega < 12; a KA glass at T = 0.3 peaks at omega = 11.8). With
 * units 'cyclic' frequencies are nu = omega / 2 pi and densities 2 pi D so that
 * areas are unchanged; bands are then given in cyclic units too.
 *
 * Softness (their Eq. for S): S(i) = sum_{omega_k in band} D_i(omega_k) / sum_j D_j(omega_k),
 * a sum over the frequency grid; bands are half open, lo <= omega_k < hi, so
 * [0, omega_c) is their "omega < omega_c" and includes omega = 0 (D_i(0) holds the
 * atom's diffusion). Read literally, S depends on the grid: sum_i S(i) is the
 * number of grid bins in the band, so S scales with the trajectory length and
 * the zero padding. The paper shows S "scaled using the system average"
 * (Fig. 2c) and quotes S > 20 for the softest particles (Fig. 3d), which only
 * the scaled form can reach (raw S of one atom among N = 8000 on ~100 bins is
 * ~0.01); scale 'mean' gives S(i) / mean_j S(j), grid independent. The raw form
 * is the default of the API (the formula), the CLI writes the one asked for.
 */
import { toFrameSource, type AnalysisFrameSource } from '../../system/frame-source.ts';
import { dumpVelocitySource, frameVelocitySource, arrayVelocitySource, type ArrayVelocityOptions, type DumpVelocityOptions, type VdosProgress, type VelocitySource } from './stream.ts';
import { VdosAccumulator, vdosFrequencies, type VdosNormalization, type VdosTransformSpec, type VdosWindow } from './spectra.ts';
import { nextPowerOfTwo } from '../../numeric/fft.ts';
import { Trajectory } from '../../io/trajectory.ts';

export type VdosUnits = 'angular' | 'cyclic';
/** A frequency band [lo, hi) in the result's units. */
export type VdosBand = readonly [number, number];

export interface MdVdosOptions {
  /** time between consecutive frames (model time units, e.g. tau); required */
  frameDt: number;
  /** taper of each velocity series (default 'none', the paper's estimator) */
  window?: VdosWindow;
  /** zero padding: transform length L = nextPowerOfTwo(pad * F) (default 2, the full autocorrelation without wrap-around; 1: no more than the power of two) */
  pad?: number;
  /** per-atom normalisation (default 'atom': C_i(0) = 1 as in the paper) */
  normalization?: VdosNormalization;
  /** frequency units of the result and of the bands (default 'angular') */
  units?: VdosUnits;
  /** bands whose softness is computed (their per-atom values are kept) */
  bands?: readonly VdosBand[];
  /** also keep exact per-atom spectra on every frequency below this (for vdosSoftness on other bands, e.g. an omega_c scan) */
  keepBelow?: number;
  /** coarse per-atom spectra for plots: number of bins (default 256, 0: none) over [0, max) (default the Nyquist frequency) */
  atomSpectra?: { bins?: number; max?: number };
  onProgress?: VdosProgress;
}

export interface MdVdosResult extends VdosTransformSpec {
  units: VdosUnits;
  /** frequency grid k * 2 pi / (L dt) (angular) or k / (L dt) (cyclic), k = 0..L/2 */
  omega: Float64Array;
  /** grid spacing */
  dOmega: number;
  /** total VDOS sum_i D_i on the grid */
  total: Float64Array;
  /** per-type VDOS, ascending type */
  byType: { type: number; spectrum: Float64Array }[];
  ids: Int32Array;
  types: Int32Array;
  /** grid bins with exact per-atom values, and kept[i * K + q] = D_i at bin keptBins[q] */
  keptBins: Int32Array;
  kept: Float64Array;
  /** coarse per-atom spectra: atomSpectra.values[i * B + b] = mean of D_i over [b w, (b+1) w) */
  atomSpectra: { centers: Float64Array; width: number; values: Float32Array };
  bands: VdosBand[];
  /** softness[b][i] (raw, the paper's formula) for bands[b] */
  softness: Float64Array[];
  /** atoms with identically zero velocity over the run (D_i = 0) */
  zeroAtoms: number;
}

/** Column-friendly name of a band: S_0_0.6 for [0, 0.6). */
export function bandLabel(band: VdosBand): string {
  return `S_${band[0]}_${band[1]}`;
}

function checkBand(band: VdosBand, where: string): void {
  const [lo, hi] = band;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && hi > lo)) {
    throw new Error(`${where}: band [${lo}, ${hi}) must have 0 <= lo < hi`);
  }
}

/** Per-atom VDOS from velocities already in memory (velocities[t]: frame t, atom-major like System.velocities). */
export async function vdosFromVelocities(velocities: readonly ArrayLike<number>[], atoms: ArrayVelocityOptions, opts: MdVdosOptions): Promise<MdVdosResult> {
  return vdosFromSource(arrayVelocitySource(velocities, atoms), opts);
}

/** Per-atom VDOS streamed from a LAMMPS dump with vx vy vz columns, in bounded memory (vdos-stream.ts). */
export async function vdosFromDump(path: string, opts: MdVdosOptions & Omit<DumpVelocityOptions, 'onProgress'>): Promise<MdVdosResult> {
  checkOptions(opts);
  // refuse bands between grid frequencies before the (long) read: a header scan gives F
  const F = await new Trajectory(path, { start: opts.start, stop: opts.stop, step: opts.step }).count();
  if (F >= 2) checkBandsOnGrid(frequencyGrid(F, opts), opts.bands ?? [], opts.units ?? 'angular');
  const src = await dumpVelocitySource(path, { ...opts, onProgress: opts.onProgress });
  try {
    return await vdosFromSource(src, opts);
  } finally {
    await src.close();
  }
}

/**
 * Per-atom VDOS streamed from any FrameSource whose frames carry velocities
 * (a Trajectory, `arrayFrames` of an MD run's Systems), in bounded memory.
 * `frameDt` is the time between the source's consecutive frames.
 */
export async function vdosFromFrames(source: AnalysisFrameSource, opts: MdVdosOptions & Pick<DumpVelocityOptions, 'memoryBudget' | 'tmpDir'>): Promise<MdVdosResult> {
  checkOptions(opts);
  const F = await toFrameSource(source).count();
  if (F !== undefined && F >= 2) checkBandsOnGrid(frequencyGrid(F, opts), opts.bands ?? [], opts.units ?? 'angular');
  const src = await frameVelocitySource(source, { memoryBudget: opts.memoryBudget, tmpDir: opts.tmpDir, onProgress: opts.onProgress });
  try {
    return await vdosFromSource(src, opts);
  } finally {
    await src.close();
  }
}

function checkOptions(opts: MdVdosOptions): void {
  if (!(opts.frameDt > 0 && Number.isFinite(opts.frameDt))) throw new Error(`vdos: frameDt (time between frames) must be > 0, got ${opts.frameDt}`);
  const pad = opts.pad ?? 2;
  if (!(pad >= 1 && Number.isFinite(pad))) throw new Error(`vdos: pad must be >= 1, got ${pad}`);
  for (const b of opts.bands ?? []) checkBand(b, 'vdos');
}

/** The result's frequency grid for F frames (in the units asked for). */
function frequencyGrid(F: number, opts: MdVdosOptions): Float64Array {
  const L = nextPowerOfTwo(Math.ceil((opts.pad ?? 2) * F));
  const toUnits = (opts.units ?? 'angular') === 'cyclic' ? 1 / (2 * Math.PI) : 1;
  return vdosFrequencies(L, opts.frameDt).map((w) => w * toUnits);
}

function checkBandsOnGrid(grid: Float64Array, bands: readonly VdosBand[], units: VdosUnits): void {
  for (const [lo, hi] of bands) {
    if (!grid.some((w) => w >= lo && w < hi)) {
      throw new Error(`vdos: no frequency of the grid lies in the band [${lo}, ${hi}) (spacing ${grid[1]}, Nyquist ${grid[grid.length - 1]} ${units === 'angular' ? 'rad' : 'cycles'} per time unit); ` +
        'widen the band, or use more frames, more padding or a smaller frame interval');
    }
  }
}

/** Per-atom VDOS from any VelocitySource. */
export async function vdosFromSource(src: VelocitySource, opts: MdVdosOptions): Promise<MdVdosResult> {
  checkOptions(opts);
  const F = src.frames, dt = opts.frameDt;
  const L = nextPowerOfTwo(Math.ceil((opts.pad ?? 2) * F));
  const units = opts.units ?? 'angular';
  const toUnits = units === 'cyclic' ? 1 / (2 * Math.PI) : 1;
  const grid = frequencyGrid(F, opts);
  const bands = (opts.bands ?? []).map((b) => [b[0], b[1]] as const);
  checkBandsOnGrid(grid, bands, units);
  const keep = new Set<number>();
  for (let k = 0; k < grid.length; k++) {
    if (opts.keepBelow !== undefined && grid[k] < opts.keepBelow) keep.add(k);
    for (const [lo, hi] of bands) if (grid[k] >= lo && grid[k] < hi) keep.add(k);
  }
  const keptBins = Int32Array.from([...keep].sort((a, b) => a - b));
  const nyquist = grid[grid.length - 1];
  const coarseMax = (opts.atomSpectra?.max ?? nyquist) / toUnits;
  const acc = new VdosAccumulator({
    n: src.n, dim: src.dim, frames: F, frameDt: dt, paddedLength: L,
    window: opts.window ?? 'none', normalization: opts.normalization ?? 'atom',
    types: src.types, masses: src.masses, keptBins,
    coarseBins: opts.atomSpectra?.bins ?? 256, coarseMax,
  });
  await src.forEachAtom((i, series) => acc.addAtom(i, series), (done) => opts.onProgress?.('spectra', done, src.n));

  // cyclic units: density per unit nu is 2 pi times the density per unit omega
  const dens = 1 / toUnits;
  const scaleAll = (a: Float64Array | Float32Array) => {
    if (dens !== 1) for (let k = 0; k < a.length; k++) a[k] *= dens;
  };
  scaleAll(acc.total);
  acc.byType.forEach(scaleAll);
  scaleAll(acc.kept);
  scaleAll(acc.coarse);
  const byType = acc.byType.map((spectrum, type) => ({ type, spectrum })).filter(({ type }) => type > 0 && src.types.includes(type));
  const width = acc.coarseWidth * toUnits;
  const result: MdVdosResult = {
    n: src.n, dim: src.dim, frames: F, frameDt: dt, paddedLength: L,
    window: opts.window ?? 'none', normalization: opts.normalization ?? 'atom', units,
    omega: grid, dOmega: grid.length > 1 ? grid[1] : 0, total: acc.total, byType,
    ids: src.ids, types: src.types, keptBins, kept: acc.kept,
    atomSpectra: { centers: Float64Array.from({ length: acc.coarseBins }, (_, b) => (b + 0.5) * width), width, values: acc.coarse },
    bands: bands.map((b) => [b[0], b[1]] as VdosBand), softness: [], zeroAtoms: acc.zeroAtoms,
  };
  result.softness = result.bands.map((b) => vdosSoftness(result, b));
  return result;
}

/**
 * Softness of every atom on a band [lo, hi) (module doc): the paper's
 * S(i) = sum_{omega_k in band} D_i / sum_j D_j (scale 'none', default) or
 * S(i) / mean_j S(j) (scale 'mean', their "scaled using the system average").
 * Grid bins where the total VDOS vanishes contribute nothing. The band must
 * lie inside the frequencies kept per atom (options bands / keepBelow).
 */
export function vdosSoftness(r: MdVdosResult, band: VdosBand, opts: { scale?: 'none' | 'mean' } = {}): Float64Array {
  checkBand(band, 'vdosSoftness');
  const [lo, hi] = band;
  const K = r.keptBins.length, pos = new Map<number, number>();
  r.keptBins.forEach((k, q) => pos.set(k, q));
  const S = new Float64Array(r.n);
  let used = 0;
  for (let k = 0; k < r.omega.length; k++) {
    if (!(r.omega[k] >= lo && r.omega[k] < hi)) continue;
    const q = pos.get(k);
    if (q === undefined) {
      throw new Error(`vdosSoftness: the band [${lo}, ${hi}) was not kept per atom (frequency ${r.omega[k]} missing); ` +
        'pass it in the bands option, or keepBelow >= its upper edge');
    }
    const tot = r.total[k];
    if (!(tot > 0)) continue;
    used++;
    const inv = 1 / tot;
    for (let i = 0; i < r.n; i++) S[i] += r.kept[i * K + q] * inv;
  }
  if (used === 0 && !r.omega.some((w) => w >= lo && w < hi)) {
    throw new Error(`vdosSoftness: no grid frequency in [${lo}, ${hi}) (grid spacing ${r.dOmega}, Nyquist ${r.omega[r.omega.length - 1]}); widen the band or use a longer trajectory / more padding`);
  }
  if (opts.scale === 'mean') {
    let m = 0;
    for (let i = 0; i < r.n; i++) m += S[i];
    m /= r.n;
    if (m > 0) for (let i = 0; i < r.n; i++) S[i] /= m;
  }
  return S;
}

/** D_i on the full grid is not kept; this returns atom i's exact values on the kept bins as [omega, D] pairs. */
export function keptAtomSpectrum(r: MdVdosResult, i: number): { omega: Float64Array; density: Float64Array } {
  const K = r.keptBins.length;
  return {
    omega: Float64Array.from(r.keptBins, (k) => r.omega[k]),
    density: r.kept.slice(i * K, (i + 1) * K),
  };
}

/**
 * Mean coarse spectrum of a group of atoms (indices into the result's atom
 * order), e.g. the top 0.5% soft, diffusive or hard particles of their Fig. 3(b).
 */
export function vdosGroupSpectrum(r: MdVdosResult, atoms: ArrayLike<number>): { omega: Float64Array; density: Float64Array } {
  const B = r.atomSpectra.centers.length;
  if (atoms.length === 0) throw new Error('vdosGroupSpectrum: the group holds no atoms');
  const density = new Float64Array(B);
  for (let q = 0; q < atoms.length; q++) {
    const i = atoms[q];
    if (!(Number.isInteger(i) && i >= 0 && i < r.n)) throw new Error(`vdosGroupSpectrum: atom index ${i} outside 0..${r.n - 1}`);
    for (let b = 0; b < B; b++) density[b] += r.atomSpectra.values[i * B + b] / atoms.length;
  }
  return { omega: r.atomSpectra.centers.slice(), density };
}
