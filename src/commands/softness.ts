/**
 * `glasslab softness TRAJ|FILE --temp T --calibration c0,c1 --out softness.csv`:
 * the local softness of the mean-field caging potential of Sharma, Nandi &
 * Bhattacharyya, PRE 105, 044604 (2022), per particle and frame.
 *
 * The workflow (g(r) and limits, mean-field values, local softness per
 * frame) is cagingSoftnessAnalysis of src/analysis/softness/softness-analysis.ts;
 * this command reads the frames, calls it and writes its table.
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
import { resolvePath as resolve } from '../platform/index.ts';
import { DEFAULT_SOFTNESS_DELTA } from '../analysis/softness/local-softness.ts';
import { cagingSoftnessAnalysis, type CagingSoftnessResult } from '../analysis/softness/softness-analysis.ts';
import { formatFromName } from '../io/index.ts';
import { writeTextAtomic } from '../io/files.ts';
import { tableCsv } from '../plot/result.ts';
import type { PairPotential } from '../potential/types.ts';
import { arrayFrames, type FrameSource } from '../system/frame-source.ts';
import { Trajectory } from '../io/trajectory.ts';
import type { ProgressReporter } from '../display/progress.ts';
import { defineCommand, UsageError } from './registry.ts';
import { checkedFrames, frameOptions, inputFile, loadModel, modelOptions, outputOption, radialBinOption, readerMasses, readInput, temperatureOption, trajectoryRenames } from './common.ts';
import { Outputs } from './outputs.ts';

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
    return checkedFrames(new Trajectory(abs, { start: range.start, stop: range.stop, step: range.stride, typeMasses: readerMasses(model) }), file, model);
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
    dr: { ...radialBinOption, default: 0.005 },
    rdfDr: { type: 'number', min: 0, exclusiveMin: true, default: 0.01, unit: 'length', summary: 'bin width of the histogram g(r) that sets the integration limits' },
    ...frameOptions,
    out: { ...outputOption('per-particle CSV, with --calibration'), required: false },
  },
  examples: [
    'liquid_T0.6.dump --temp 0.6 --mean-field',
    'prod.dump --temp 0.47 --calibration 216,-14.0 --out softness.csv',
  ],
  result: { from: 'analysis', name: 'CagingSoftnessResult' },
  async run(args, ctx): Promise<CagingSoftnessResult> {
    const calibration = args.calibration === undefined ? undefined : parseCalibration(args.calibration);
    if (calibration === undefined && !args.meanField) throw new UsageError(MISSING_CALIBRATION, 'softness');
    if (calibration !== undefined && args.out === undefined) throw new UsageError('softness: --out FILE is required with --calibration (the per-particle CSV)', 'softness');
    if (calibration === undefined && args.out !== undefined) throw new UsageError(MISSING_CALIBRATION, 'softness');
    if (args.frameDt !== undefined && args.dt !== undefined) throw new UsageError('softness: give --frame-dt or --dt, not both', 'softness');
    const model = loadModel(args.model, args.potential, ctx.cwd, args.elements);
    if (model.potential.kind !== 'pair') throw new UsageError(`softness: the HNC closure needs a pair potential; model '${args.model}' is ${model.potential.kind}`, 'softness');
    const pot: PairPotential = model.potential;
    const abs = resolve(ctx.cwd, args.input);
    inputFile(args.input, ctx.cwd);
    const outs = Outputs.plan(ctx, 'softness', [args.input], { '--out': { path: args.out, kind: 'csv' } });
    const out = outs.path('--out');
    const species = parseSpecies(args.species);

    let bar: ProgressReporter | undefined, stage = '';
    const labels = { rdf: ['softness: g(r) and integration limits', 'frames'], 'mean-field': ['softness: direct S(q) for the mean-field softness', 'stages'], local: ['softness: local softness', 'frames'] };
    let r: CagingSoftnessResult;
    try {
      r = await cagingSoftnessAnalysis(await frameSource(args.input, abs, args, model, ctx.cwd), pot, {
        temperature: args.temp, calibration, meanField: args.meanField, qMax: args.qmax, sqFrames: args.sqFrames,
        species, normalisation: args.normalization === 'total' ? 'total' : 'partial', delta: args.delta, dr: args.dr, rdfDr: args.rdfDr,
        dt: args.dt, frameDt: args.frameDt, step: args.stride, source: args.input, signal: ctx.signal,
        // two atoms at one place (a merged or doubly written file) are refused, as energy/minimize/md do
        overlapDistance: OVERLAP_DISTANCE,
        onProgress: (s, done, total) => {
          if (s !== stage) {
            bar?.finish();
            stage = s;
            bar = ctx.progress(labels[s][0], total, labels[s][1]);
          }
          bar!.update(done, total);
        },
      });
    } catch (e) {
      // a --dr too wide for the integration windows is a usage mistake
      if (e instanceof Error && e.message.startsWith('softness: dr ')) throw new UsageError(e.message.replace('softness: dr ', 'softness: --dr ').replace('give dr ', 'give --dr '), 'softness');
      throw e;
    } finally {
      bar?.finish();
    }
    if (r.timesFromTimestep) ctx.note('softness: t is the dump timestep (give --dt or --frame-dt for times in model units)');
    if (out !== undefined && r.softness) {
      const t = r.table(), sCol = t.columns.indexOf('S');
      // S is undefined where c0 + c1 phi_r0 <= 0: written as nan
      await writeTextAtomic(out, tableCsv({ ...t, rows: t.rows.map((row) => row.map((v, c) => (c === sCol && !Number.isFinite(v) ? 'nan' : v))) }));
      if (r.invalid > 0) ctx.note(`softness: ${r.invalid} of ${r.softness.softness.length} values have c0 + c1 phi_r0 <= 0 (written as nan): check the calibration against this model, delta and limits`);
    }
    for (const line of r.summary().split('\n')) ctx.print(line);
    return r;
  },
});

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

function parseSpecies(s: string): number[] | 'all' {
  if (s === 'all') return 'all';
  const v = s.split(',').map((x) => Number(x.trim()));
  for (const t of v) {
    if (!(Number.isInteger(t) && t >= 1)) throw new UsageError(`softness: --species takes types 1, 2, ... separated by commas, or 'all'; got '${s}'`, 'softness');
  }
  return v;
}
