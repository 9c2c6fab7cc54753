/**
 * `glasslab softness TRAJ|FILE --temp T --calibration c0,c1 --out softness.csv`:
 * the local softness of the mean-field caging potential of Sharma, Nandi &
 * Bhattacharyya, PRE 105, 044604 (2022), per particle and frame.
 *
 * Pass 1 accumulates the histogram partial g_uv(r) over the frames and takes
 * the Appendix B integration limits from it (lower: where g_uv vanishes;
 * upper: its first minimum). Pass 2 computes per centre particle (A by
 * default) the Gaussian-smoothed local g_i(r) (Eq. 8, --delta), the local
 * depth beta Phi_r(0) (Eqs. 5-6) and S = 1/(c0 + c1 beta Phi_r(0)) (Eq. 7).
 *
 * c0, c1 are properties of the model, fitted across temperatures on the
 * mean-field values: `--mean-field` prints S^av (harmonic fit of Eq. 3 on the
 * direct S(q) of the cell's wave vectors up to --qmax), beta Phi_q^av(0)
 * (Eq. 4) and beta Phi_r^av(0) (Eq. 5 with the same limits) of the input;
 * run it at several temperatures and fit 1/S^av = c0 + c1 beta Phi_r^av(0)
 * (fitSoftnessCalibration in glasslab/analysis). Conventions: see
 * src/analysis/caging-potential.ts and local-softness.ts.
 *
 * Output columns: id,type,frame,t,phi_r0,S (t: timestep * --dt, else the
 * dump's ITEM: TIME, else frame * --stride * --frame-dt, --frame-dt being the
 * time between consecutive frames of the file as in `glasslab vdos`, else the
 * timestep).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MeanFieldSoftness, SoftnessCalibration } from '../analysis/softness/caging-potential.ts';
import { DEFAULT_SOFTNESS_DELTA, integrationLimitsFromRdf, LocalSoftnessAccumulator, softnessCalibrationPoint, type LocalSoftnessResult } from '../analysis/softness/local-softness.ts';
import { PartialRdfAccumulator, speciesName, speciesPairIndex, type PartialRdf, type PartialStructureFactor } from '../analysis/structure/structure.ts';
import type { IntegrationLimits } from '../analysis/softness/caging-potential.ts';
import { formatFromName } from '../io/index.ts';
import { writeTextAtomic } from '../io/files.ts';
import type { PlotlyFigure } from '../plot/figure.ts';
import type { PairPotential } from '../potential/types.ts';
import type { System } from '../system/system.ts';
import { arrayFrames, type FrameSource } from '../system/frame-source.ts';
import { Trajectory } from '../io/trajectory.ts';
import { defineCommand, UsageError } from './registry.ts';
import { frameOptions, loadModel, modelOptions, num, outputOption, outputPath, readInput, temperatureOption, trajectoryRenames } from './common.ts';

export interface SoftnessCommandResult {
  /** histogram partial g_uv(r) of the input (figure data) */
  rdf: PartialRdf;
  /** Appendix B limits used */
  limits: IntegrationLimits;
  /** with --mean-field: the direct S_uv(q) and the mean-field values */
  structureFactor?: PartialStructureFactor;
  meanField?: MeanFieldSoftness & { phiR0: number };
  /** with --calibration: per-particle per-frame values */
  softness?: LocalSoftnessResult;
  calibration?: Pick<SoftnessCalibration, 'c0' | 'c1'>;
  out?: string;
  /** P(S) with --calibration, else the partial g(r) */
  figure(): PlotlyFigure;
  summary(): string;
}

const MISSING_CALIBRATION =
  'softness: --calibration c0,c1 is missing. Eq. 7 of Sharma et al. maps the local depth beta Phi_r(0) to the softness,\n' +
  '1/S = c0 + c1 beta Phi_r(0), with c0, c1 fitted across temperatures on the mean-field values. To get them, run\n' +
  '  glasslab softness TRAJ_T --temp T --mean-field\n' +
  'on equilibrated trajectories at several temperatures (e.g. T = 0.8, 0.7, 0.6, 0.52 for KA), then fit the printed\n' +
  'S_av and phi_r_av: 1/S_av = c0 + c1 phi_r_av (softnessCalibrationPoint, fitSoftnessCalibration in glasslab/analysis).\n' +
  'For KA at rho 1.2 with the defaults we measured c0 = 216, c1 = -14.0 (N = 1000, T = 0.8-0.52; src/analysis/caging-potential.ts).';

/** Frames of the input as a FrameSource (read twice): a dump is streamed, other files hold one frame. */
async function frameSource(file: string, abs: string, range: { start?: number; stop?: number; stride?: number }, model: ReturnType<typeof loadModel>, cwd: string): Promise<FrameSource> {
  if (formatFromName(file) === 'lammps-dump') {
    return new Trajectory(abs, { start: range.start, stop: range.stop, step: range.stride, typeMasses: model.potential.typeMasses });
  }
  if (range.start !== undefined || range.stop !== undefined || range.stride !== undefined) {
    throw new UsageError(`softness: --start/--stop/--stride select frames of a dump; ${file} holds one configuration`, 'softness');
  }
  return arrayFrames([await readInput(file, model, cwd)], { label: file });
}

export const softnessCommand = defineCommand({
  name: 'softness',
  summary: 'local softness of the mean-field caging potential per particle and frame (Sharma et al. 2022)',
  description: 'Writes id,type,frame,t,phi_r0,S for every particle of --species (default A) in every frame:\n' +
    'phi_r0 = beta Phi_r(0) from the Gaussian-smoothed local g(r) (width --delta) and the HNC c(r), integrated between\n' +
    'where the histogram g(r) vanishes and its first minimum; S = 1/(c0 + c1 phi_r0) with --calibration c0,c1.\n' +
    '--mean-field prints the mean-field S_av, phi_q_av(0) and phi_r_av(0) of the input, the data of the calibration.\n' +
    '--temp is the temperature of the input: beta U = U / (k_B T) enters the HNC c(r).',
  positionals: [{ name: 'input', summary: 'LAMMPS dump (frames streamed), data file or extended XYZ of an equilibrated liquid' }],
  renamed: { ...trajectoryRenames, temperature: 'temp', normalisation: 'normalization' },
  options: {
    ...modelOptions,
    temp: { ...temperatureOption, exclusiveMin: true, required: true },
    delta: { type: 'number', min: 0, exclusiveMin: true, default: DEFAULT_SOFTNESS_DELTA, unit: 'length', summary: 'width (standard deviation) of the Gaussians of the local g(r), Eq. 8' },
    calibration: { type: 'string', metavar: 'C0,C1', summary: 'c0,c1 of Eq. 7: 1/S = c0 + c1 beta Phi_r(0) (from --mean-field runs at several T)' },
    meanField: { type: 'boolean', summary: 'print S_av, phi_q_av(0), phi_r_av(0) of the input (data for the calibration)' },
    qmax: { type: 'number', min: 0, exclusiveMin: true, default: 30, unit: '1/length', summary: 'largest |q| of the S(q) integral of Eq. 3 (S_av depends on it)' },
    sqFrames: { type: 'integer', min: 1, default: 4, summary: 'frames (the last ones) used for the direct S(q) of --mean-field' },
    species: { type: 'string', default: '1', metavar: 'T[,T]', summary: "types of the central particles ('1' = A as in the paper, '1,2' or 'all')" },
    normalization: { type: 'enum', choices: ['partial', 'total'], default: 'partial', summary: 'density in Eq. 8: partial (N_v - delta_uv)/V, the local g(r) averaging to g_uv(r); total N/V as printed' },
    dr: { type: 'number', min: 0, exclusiveMin: true, default: 0.005, unit: 'length', summary: 'bin width of the local r integral' },
    rdfDr: { type: 'number', min: 0, exclusiveMin: true, default: 0.01, unit: 'length', summary: 'bin width of the histogram g(r) that sets the integration limits' },
    ...frameOptions,
    out: { ...outputOption('per-particle CSV, with --calibration'), required: false },
  },
  examples: [
    'liquid_T0.6.dump --temp 0.6 --mean-field',
    'prod.dump --temp 0.47 --calibration 216,-14.0 --out softness.csv',
  ],
  async run(args, ctx): Promise<SoftnessCommandResult> {
    const calibration = args.calibration === undefined ? undefined : parseCalibration(args.calibration);
    if (calibration === undefined && !args.meanField) throw new UsageError(MISSING_CALIBRATION, 'softness');
    if (calibration !== undefined && args.out === undefined) throw new UsageError('softness: --out FILE is required with --calibration (the per-particle CSV)', 'softness');
    if (calibration === undefined && args.out !== undefined) throw new UsageError(MISSING_CALIBRATION, 'softness');
    if (args.frameDt !== undefined && args.dt !== undefined) throw new UsageError('softness: give --frame-dt or --dt, not both', 'softness');
    const model = loadModel(args.model, args.potential, ctx.cwd);
    if (model.potential.kind !== 'pair') throw new UsageError(`softness: the HNC closure needs a pair potential; model '${args.model}' is ${model.potential.kind}`, 'softness');
    const pot: PairPotential = model.potential;
    const abs = resolve(ctx.cwd, args.input);
    if (!existsSync(abs)) throw new Error(`${args.input}: no such file`);
    const out = args.out === undefined ? undefined : outputPath(args.out, ctx.cwd, [args.input]);
    const frames = await frameSource(args.input, abs, args, model, ctx.cwd);
    const T = args.temp;

    // pass 1: histogram g(r) -> Appendix B limits (and the last frames for S(q))
    // two atoms at one place (a merged or doubly written file) are refused, as energy/minimize/md do
    const acc = new PartialRdfAccumulator({ dr: args.rdfDr, ntypes: pot.ntypes, source: args.input, overlapDistance: OVERLAP_DISTANCE });
    const lastFrames: System[] = [];
    let nFrames = 0;
    const p1 = ctx.progress('softness: g(r) and integration limits', 1, 'frames');
    try {
      for await (const f of frames) {
        acc.add(f);
        nFrames++;
        if (args.meanField) { lastFrames.push(f); if (lastFrames.length > args.sqFrames) lastFrames.shift(); }
        p1.update(nFrames, nFrames + 1);
        if (ctx.signal.aborted) throw new Error('softness: interrupted');
      }
    } finally {
      p1.finish();
    }
    if (nFrames === 0) throw new Error(`${args.input}: no frames selected`);
    const rdf = acc.result();
    let limits: IntegrationLimits;
    try {
      limits = integrationLimitsFromRdf(rdf);
    } catch (e) {
      throw new Error(`${args.input}: ${(e as Error).message}`);
    }
    const species = parseSpecies(args.species, rdf.ntypes);
    const limitLines: string[] = [];
    for (const u of species) {
      const parts = [];
      for (let v = 1; v <= rdf.ntypes; v++) {
        const p = speciesPairIndex(u, v, rdf.ntypes);
        parts.push(`${speciesName(u)}${speciesName(v)} [${num(round(limits.lower[p]))}, ${num(round(limits.upper[p]))}]`);
      }
      limitLines.push(`limits ${parts.join(' ')}`);
      ctx.print(limitLines[limitLines.length - 1]);
    }
    const summaryLines: string[] = [...limitLines];
    const result: SoftnessCommandResult = {
      rdf, limits,
      figure: () => (result.softness ? result.softness.figure() : rdf.figure()),
      summary: () => summaryLines.join('\n'),
    };
    const say = (line: string) => { summaryLines.push(line); ctx.print(line); };

    if (args.meanField) {
      const p2 = ctx.progress('softness: direct S(q) for the mean-field softness', 1, 'stages');
      try {
        const point = softnessCalibrationPoint(rdf, lastFrames, pot, { temperature: T, qMax: args.qmax, limits });
        const sq = point.structureFactor, mf = point.meanField, phiR0 = point.phiR0;
        p2.update(1);
        result.structureFactor = sq;
        result.meanField = { ...mf, phiR0 };
        say(`frames ${nFrames} (S(q) from the last ${lastFrames.length}, q_max ${num(args.qmax)})`);
        say(`S_av ${num(mf.softness)}`);
        say(`inverse_S_av ${num(1 / mf.softness)}`);
        say(`phi_q_av ${num(mf.phiQ0)}`);
        say(`phi_r_av ${num(phiR0)}`);
      } finally {
        p2.finish();
      }
    }

    if (calibration !== undefined && out !== undefined) {
      checkBinWidth(args.dr, limits, species, rdf.ntypes);
      const normalisation = args.normalization === 'total' ? 'total' : 'partial';
      const loc = new LocalSoftnessAccumulator(pot, { temperature: T, limits, delta: args.delta, dr: args.dr, species, calibration, normalisation });
      const times: number[] = [];
      let usedTimestep = false;
      const p3 = ctx.progress('softness: local softness', nFrames, 'frames');
      try {
        let k = 0;
        for await (const f of frames) {
          loc.add(f);
          const t = frameTime(f, k, args);
          if (t.fromTimestep) usedTimestep = true;
          times.push(t.t);
          k++;
          p3.update(k);
          if (ctx.signal.aborted) throw new Error('softness: interrupted');
        }
      } finally {
        p3.finish();
      }
      if (usedTimestep) ctx.note('softness: t is the dump timestep (give --dt or --frame-dt for times in model units)');
      const res = loc.result();
      const lines = ['id,type,frame,t,phi_r0,S'];
      for (let r = 0; r < res.phi.length; r++) {
        lines.push(`${res.id[r]},${res.type[r]},${res.frame[r]},${num(times[res.frame[r]])},${num(res.phi[r])},${Number.isFinite(res.softness[r]) ? num(res.softness[r]) : 'nan'}`);
      }
      await writeTextAtomic(out, lines.join('\n') + '\n');
      let bad = 0, m = 0, c = 0;
      for (const s of res.softness) { if (Number.isFinite(s)) { m += s; c++; } else bad++; }
      if (bad > 0) ctx.note(`softness: ${bad} of ${res.softness.length} values have c0 + c1 phi_r0 <= 0 (written as nan): check the calibration against this model, delta and limits`);
      say(`particles ${res.perFrame} x frames ${res.frames}`);
      say(`mean_S ${num(c > 0 ? m / c : NaN)}`);
      result.softness = res;
      result.calibration = calibration;
      result.out = out;
    }
    return result;
  },
});

function frameTime(f: System & { timestep?: number; time?: number }, k: number, args: { dt?: number; frameDt?: number; stride?: number }): { t: number; fromTimestep: boolean } {
  if (args.dt !== undefined && f.timestep !== undefined) return { t: f.timestep * args.dt, fromTimestep: false };
  if (f.time !== undefined) return { t: f.time, fromTimestep: false };
  // --frame-dt is the spacing of the file's frames; the k-th frame used is k * stride frames into the selection
  if (args.frameDt !== undefined) return { t: k * (args.stride ?? 1) * args.frameDt, fromTimestep: false };
  return { t: f.timestep ?? k, fromTimestep: true };
}

function parseCalibration(s: string): { c0: number; c1: number } {
  const parts = s.split(',').map((x) => x.trim());
  const v = parts.map(Number);
  // Number('') is 0: an empty c0 or c1 must not pass as 0
  if (parts.length !== 2 || parts.some((p) => p === '') || !v.every(Number.isFinite)) throw new UsageError(`softness: --calibration takes two numbers c0,c1 (e.g. 216,-14.0), got '${s}'`, 'softness');
  if (v[0] === 0 && v[1] === 0) throw new UsageError(`softness: --calibration 0,0 makes 1/S = c0 + c1 phi_r0 zero for every particle; give the fitted c0,c1 (e.g. 216,-14.0 for KA)`, 'softness');
  return { c0: v[0], c1: v[1] };
}

/** Smallest distance between two atoms: closer ones are the same atom written twice. */
const OVERLAP_DISTANCE = 1e-6;

/** The local r integral needs bins inside every integration window [lower, upper] of the central species. */
function checkBinWidth(dr: number, limits: IntegrationLimits, species: number[], ntypes: number): void {
  for (const u of species) {
    for (let v = 1; v <= ntypes; v++) {
      const p = speciesPairIndex(u, v, ntypes);
      const width = limits.upper[p] - limits.lower[p];
      if (dr >= width) {
        throw new UsageError(`softness: --dr ${dr} is not narrower than the integration window of ${speciesName(u)}${speciesName(v)}, ` +
          `[${num(round(limits.lower[p]))}, ${num(round(limits.upper[p]))}] (width ${num(round(width))}); give --dr well below it (default 0.005)`, 'softness');
      }
    }
  }
}

function parseSpecies(s: string, ntypes: number): number[] {
  if (s === 'all') return Array.from({ length: ntypes }, (_, k) => k + 1);
  const v = s.split(',').map((x) => Number(x.trim()));
  for (const t of v) {
    if (!(Number.isInteger(t) && t >= 1 && t <= ntypes)) throw new UsageError(`softness: --species takes types in 1..${ntypes} separated by commas, or 'all'; got '${s}'`, 'softness');
  }
  return v;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
