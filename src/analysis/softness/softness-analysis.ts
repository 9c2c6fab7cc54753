/**
 * The local softness workflow of Sharma, Nandi & Bhattacharyya, PRE 105,
 * 044604 (2022), over the frames of a trajectory, as one result (the
 * `softness` command and `%softness` return it).
 *
 * Pass 1 accumulates the histogram partial g_uv(r) over the frames and takes
 * the Appendix B integration limits from it (lower: where g_uv vanishes;
 * upper: its first minimum). With `meanField`, the direct S(q) of the last
 * `sqFrames` frames gives S^av (Eq. 3), beta Phi_q^av(0) (Eq. 4) and
 * beta Phi_r^av(0) (Eq. 5 with the same limits): the data of the calibration
 * 1/S^av = c0 + c1 beta Phi_r^av(0) across temperatures. With a
 * `calibration`, pass 2 computes per centre particle the Gaussian-smoothed
 * local g_i(r) (Eq. 8, `delta`), the local depth beta Phi_r(0) (Eqs. 5-6)
 * and S = 1/(c0 + c1 beta Phi_r(0)) (Eq. 7).
 *
 *   const r = await cagingSoftnessAnalysis(() => traj.frames(), pot, { temperature: 0.47, calibration: { c0: 216, c1: -14 } });
 *   r.limits; r.softness.softness; r.table() // id,type,frame,t,phi_r0,S
 *
 * Frame times t: timestep * dt, else the frame's time (a dump's ITEM: TIME),
 * else k * step * frameDt (frameDt the time between consecutive frames of the
 * file), else the timestep (then `timesFromTimestep`).
 */
import type { PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';
import type { PairPotential } from '../../potential/types.ts';
import type { System } from '../../system/system.ts';
import { toFrameSource, type AnalysisFrameSource } from '../../system/frame-source.ts';
import { makePartialRdf, makePartialStructureFactor, PartialRdfAccumulator, speciesName, speciesPairIndex, type PartialRdf, type PartialStructureFactor } from '../structure/structure.ts';
import type { IntegrationLimits, MeanFieldSoftness, SoftnessCalibration } from './caging-potential.ts';
import { DEFAULT_SOFTNESS_DELTA, integrationLimitsFromRdf, LocalSoftnessAccumulator, makeLocalSoftnessResult, softnessCalibrationPoint, type LocalSoftnessResult } from './local-softness.ts';
import { stopRequested } from '../../platform/index.ts';

/** A frame with the time stamps a dump may give. */
export type TimedFrame = System & { timestep?: number; time?: number };

export interface CagingSoftnessOptions {
  /** k_B T of the input: beta U enters the HNC c(r) */
  temperature: number;
  /** c0, c1 of Eq. 7: the per-particle softness is computed with it */
  calibration?: Pick<SoftnessCalibration, 'c0' | 'c1'>;
  /** also the mean-field S^av, beta Phi_q^av(0), beta Phi_r^av(0) */
  meanField?: boolean;
  /** largest |q| of the direct S(q) of the mean-field values (default 30) */
  qMax?: number;
  /** frames (the last ones) of the direct S(q) (default 4) */
  sqFrames?: number;
  /** types of the centre particles (default [1], A as in the paper), or 'all' */
  species?: readonly number[] | 'all';
  /** density in Eq. 8 (default 'partial') */
  normalisation?: 'partial' | 'total';
  /** Gaussian width of the local g(r) (default DEFAULT_SOFTNESS_DELTA) */
  delta?: number;
  /** bin width of the local r integral (default 0.005) */
  dr?: number;
  /** bin width of the histogram g(r) that sets the limits (default 0.01) */
  rdfDr?: number;
  /** frame times (module comment); step: the stride of the selection over the file's frames */
  dt?: number;
  frameDt?: number;
  step?: number;
  /** the input's name in messages (default the frame source's label) */
  source?: string;
  /** refuse two atoms closer than this in the g(r) pass (the same atom written twice); default 0: no check */
  overlapDistance?: number;
  onProgress?: (stage: 'rdf' | 'mean-field' | 'local', done: number, total: number) => void;
  signal?: AbortSignal;
}

/** What a CagingSoftnessResult is built from (and saved as). */
export interface CagingSoftnessData {
  temperature: number;
  /** frames of the input */
  frames: number;
  /** centre species */
  species: number[];
  /** histogram partial g_uv(r) of the input */
  rdf: PartialRdf;
  /** Appendix B limits used */
  limits: IntegrationLimits;
  /** with meanField: the direct S_uv(q), the frames and q_max it used, and the mean-field values */
  structureFactor?: PartialStructureFactor;
  sqFramesUsed?: number;
  qMax?: number;
  meanField?: MeanFieldSoftness & { phiR0: number };
  /** with a calibration: per-particle per-frame values, and the time of each frame */
  softness?: LocalSoftnessResult;
  calibration?: Pick<SoftnessCalibration, 'c0' | 'c1'>;
  times?: Float64Array;
  /** the times are dump timesteps (no dt, frame time or frameDt) */
  timesFromTimestep?: boolean;
}

export interface CagingSoftnessResult extends AnalysisResult<'caging-softness'>, CagingSoftnessData {
  /** values of S that are not finite (c0 + c1 phi_r0 <= 0) */
  invalid: number;
  /** P(S) with a calibration, else the partial g(r) */
  figure(): PlotlyFigure;
  /** id,type,frame,t,phi_r0,S with a calibration; else one row S_av,inverse_S_av,phi_q_av,phi_r_av */
  table(): TableData;
}

const VERSION = 1;

/**
 * The softness workflow of the module comment on the frames (a FrameSource
 * such as a Trajectory, or an array of Systems; read twice with a calibration).
 */
export async function cagingSoftnessAnalysis(input: AnalysisFrameSource, pot: PairPotential, opts: CagingSoftnessOptions): Promise<CagingSoftnessResult> {
  if (opts.calibration === undefined && !opts.meanField) throw new Error('softness: give a calibration (c0, c1 of Eq. 7) or ask for the mean-field values');
  const T = opts.temperature;
  const frames = toFrameSource(input, opts.source ?? 'softness');
  const src = opts.source ?? frames.label;
  const sqFrames = opts.sqFrames ?? 4;
  const progress = opts.onProgress ?? (() => {});
  const stop = () => { if (stopRequested(opts.signal)) throw new Error('softness: interrupted'); };

  // pass 1: histogram g(r) -> Appendix B limits (and the last frames for S(q))
  const acc = new PartialRdfAccumulator({ dr: opts.rdfDr ?? 0.01, ntypes: pot.ntypes, source: src, overlapDistance: opts.overlapDistance });
  const lastFrames: System[] = [];
  let nFrames = 0;
  for await (const f of frames) {
    acc.add(f);
    nFrames++;
    if (opts.meanField) { lastFrames.push(f); if (lastFrames.length > sqFrames) lastFrames.shift(); }
    progress('rdf', nFrames, nFrames + 1);
    stop();
  }
  if (nFrames === 0) throw new Error(`${src}: no frames selected`);
  const rdf = acc.result();
  let limits: IntegrationLimits;
  try {
    limits = integrationLimitsFromRdf(rdf);
  } catch (e) {
    throw new Error(`${src}: ${(e as Error).message}`);
  }
  const species = opts.species === undefined ? [1] : opts.species === 'all' ? Array.from({ length: rdf.ntypes }, (_, k) => k + 1) : [...opts.species];
  for (const t of species) {
    if (!(Number.isInteger(t) && t >= 1 && t <= rdf.ntypes)) throw new Error(`softness: centre species take types in 1..${rdf.ntypes}; got ${species.join(',')}`);
  }
  const data: CagingSoftnessData = { temperature: T, frames: nFrames, species, rdf, limits };

  if (opts.meanField) {
    progress('mean-field', 0, 1);
    const qMax = opts.qMax ?? 30;
    const point = softnessCalibrationPoint(rdf, lastFrames, pot, { temperature: T, qMax, limits });
    progress('mean-field', 1, 1);
    Object.assign(data, { structureFactor: point.structureFactor, sqFramesUsed: lastFrames.length, qMax, meanField: { ...point.meanField, phiR0: point.phiR0 } });
  }

  if (opts.calibration !== undefined) {
    const dr = opts.dr ?? 0.005;
    checkBinWidth(dr, limits, species, rdf.ntypes);
    const loc = new LocalSoftnessAccumulator(pot, {
      temperature: T, limits, delta: opts.delta ?? DEFAULT_SOFTNESS_DELTA, dr, species,
      calibration: opts.calibration, normalisation: opts.normalisation ?? 'partial',
    });
    const times: number[] = [];
    let fromTimestep = false;
    let k = 0;
    for await (const f of frames as AsyncIterable<TimedFrame>) {
      loc.add(f);
      const t = frameTime(f, k, opts);
      if (t.fromTimestep) fromTimestep = true;
      times.push(t.t);
      k++;
      progress('local', k, nFrames);
      stop();
    }
    Object.assign(data, { softness: loc.result(), calibration: opts.calibration, times: Float64Array.from(times), timesFromTimestep: fromTimestep });
  }
  return makeCagingSoftnessResult(data);
}

/** The local r integral needs bins inside every integration window [lower, upper] of the centre species. */
function checkBinWidth(dr: number, limits: IntegrationLimits, species: number[], ntypes: number): void {
  for (const u of species) {
    for (let v = 1; v <= ntypes; v++) {
      const p = speciesPairIndex(u, v, ntypes);
      const width = limits.upper[p] - limits.lower[p];
      if (dr >= width) {
        throw new Error(`softness: dr ${dr} is not narrower than the integration window of ${speciesName(u)}${speciesName(v)}, ` +
          `[${round(limits.lower[p])}, ${round(limits.upper[p])}] (width ${round(width)}); give dr well below it (default 0.005)`);
      }
    }
  }
}

function frameTime(f: TimedFrame, k: number, opts: { dt?: number; frameDt?: number; step?: number }): { t: number; fromTimestep: boolean } {
  if (opts.dt !== undefined && f.timestep !== undefined) return { t: f.timestep * opts.dt, fromTimestep: false };
  if (f.time !== undefined) return { t: f.time, fromTimestep: false };
  // frameDt is the spacing of the file's frames; the k-th frame used is k * step frames into the selection
  if (opts.frameDt !== undefined) return { t: k * (opts.step ?? 1) * opts.frameDt, fromTimestep: false };
  return { t: f.timestep ?? k, fromTimestep: true };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The result from its data (cagingSoftnessAnalysis, loadResult). */
export function makeCagingSoftnessResult(d: CagingSoftnessData): CagingSoftnessResult {
  const { rdf, limits, softness: res, meanField: mf } = d;
  const lines: string[] = [];
  for (const u of d.species) {
    const parts = [];
    for (let v = 1; v <= rdf.ntypes; v++) {
      const p = speciesPairIndex(u, v, rdf.ntypes);
      parts.push(`${speciesName(u)}${speciesName(v)} [${round(limits.lower[p])}, ${round(limits.upper[p])}]`);
    }
    lines.push(`limits ${parts.join(' ')}`);
  }
  if (mf) {
    lines.push(`frames ${d.frames} (S(q) from the last ${d.sqFramesUsed}, q_max ${d.qMax})`);
    lines.push(`S_av ${mf.softness}`, `inverse_S_av ${1 / mf.softness}`, `phi_q_av ${mf.phiQ0}`, `phi_r_av ${mf.phiR0}`);
  }
  let invalid = 0;
  if (res) {
    let m = 0, c = 0;
    for (const s of res.softness) { if (Number.isFinite(s)) { m += s; c++; } else invalid++; }
    lines.push(`particles ${res.perFrame} x frames ${res.frames}`, `mean_S ${c > 0 ? m / c : NaN}`);
  }
  return {
    kind: 'caging-softness', ...d, invalid,
    figure: () => (res ? res.figure() : rdf.figure()),
    summary: () => lines.join('\n'),
    table: () => {
      if (res) {
        const times = d.times!;
        return {
          columns: ['id', 'type', 'frame', 't', 'phi_r0', 'S'],
          rows: Array.from(res.phi, (phi, r) => [res.id[r], res.type[r], res.frame[r], times[res.frame[r]], phi, res.softness[r]]),
        };
      }
      return {
        columns: ['S_av', 'inverse_S_av', 'phi_q_av', 'phi_r_av'],
        rows: mf ? [[mf.softness, 1 / mf.softness, mf.phiQ0, mf.phiR0]] : [],
      };
    },
    toJSON: () => resultJSON('caging-softness', VERSION, d),
  };
}

/** A saved CagingSoftnessResult (toJSON) -> the result. */
export function loadCagingSoftnessResult(json: unknown): CagingSoftnessResult {
  const d = resultData<CagingSoftnessData>(json, 'caging-softness', VERSION);
  return makeCagingSoftnessResult({
    ...d,
    rdf: makePartialRdf(d.rdf),
    ...(d.structureFactor ? { structureFactor: makePartialStructureFactor(d.structureFactor) } : {}),
    ...(d.softness ? { softness: makeLocalSoftnessResult(d.softness) } : {}),
  });
}
