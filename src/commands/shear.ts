/**
 * `glasslab shear FILE --model ipl2d --strain-step 1e-4 --max-events N --out events.csv`:
 * athermal quasistatic simple shear (src/minimize/aqs.ts) until N
 * irreversible plastic events, located at the particle with the largest
 * non-affine displacement (src/analysis/plastic-events.ts).
 *
 * events.csv: event,strain,stress_before,stress_after,energy_drop,x,y[,z],atom_id
 * - strain: the strain of the first minimum after the drop (the instability
 *   lies within one strain step below it);
 * - stress_*: sigma_xy = -W_xy / V at the minima before and after the drop
 *   (energy/length^dim, positive when the solid resists the shear);
 * - energy_drop: U(before) - U(after), total potential energy;
 * - x,y[,z]: the located particle's position in the unsheared input
 *   (relaxed at strain 0), the frame of the soft-spot maps; atom_id its id.
 * --stress-strain FILE writes step,strain,stress,energy,event per step
 * (event: the ordinal of the event observed at that step, else 0).
 */
import { createForceProvider } from '../core/force-provider.ts';
import { writeTextAtomic } from '../io/files.ts';
import { aqsShearAsync, makeAqsResult, type AqsResult } from '../protocols/aqs.ts';
import { tableCsv } from '../plot/result.ts';
import { baseName as basename, makeTempDir, remove } from '../platform/index.ts';
import { writeShearJobFolder } from '../engine/lammps-job.ts';
import { lammpsAqs, type AqsJob } from '../engine/lammps-shear.ts';
import { getUnits } from '../util/units.ts';
import { defineCommand, UsageError } from './registry.ts';
import { engineOptions, finishJobFolder, ftolOption, jobFolder, jobFolderSettings, lammpsLaunch, loadModel, modelOptions, num, outputOption, readInput, slurmOptions, writeOnlyOption } from './common.ts';
import { Outputs } from './outputs.ts';

export const shearCommand = defineCommand({
  name: 'shear',
  summary: 'athermal quasistatic simple shear: stress-strain curve and located plastic events',
  description: 'Shears the cell in the xy plane by --strain-step per step, minimising to --ftol at each step,\n' +
    'until --max-events irreversible plastic events (stress drops with a non-affine rearrangement) or\n' +
    '--max-strain. Writes event,strain,stress_before,stress_after,energy_drop,x,y[,z],atom_id with the\n' +
    'position of the particle with the largest non-affine displacement in the unsheared input.\n' +
    'An interrupt (Ctrl-C, kernel interrupt) stops it after the current strain step and writes the events up to there.\n' +
    'With --engine lammps, LAMMPS relaxes the steps (change_box xy delta + CG, in batches of 50 steps) and the events\n' +
    'are found on its minima; each drop is sheared back by one more LAMMPS run (the reversibility check).\n' +
    '--write-only DIR writes a job folder instead (one deck of every step to --max-strain, each drop sheared back in the\n' +
    'deck; --submit slurm adds a batch script); glasslab collect DIR finds the events on its minima and writes the\n' +
    '--out and --stress-strain CSVs under their file names in DIR.',
  positionals: [{ name: 'file', summary: 'configuration (ideally an inherent structure): LAMMPS data, dump (first frame) or extended XYZ' }],
  renamed: { events: 'max-events' },
  options: {
    ...modelOptions,
    strainStep: { type: 'number', min: 0, exclusiveMin: true, default: 1e-4, summary: 'shear strain increment per step' },
    maxEvents: { type: 'integer', min: 1, default: 1, metavar: 'N', summary: 'stop after N irreversible plastic events' },
    maxStrain: { type: 'number', min: 0, exclusiveMin: true, default: 1, summary: 'stop at this strain even with fewer events' },
    ftol: ftolOption,
    minDisplacement: { type: 'number', min: 0, exclusiveMin: true, unit: 'length', summary: 'smallest rearrangement counted as an event (default 0.05 (V/N)^(1/d))' },
    solver: { type: 'enum', choices: ['chord', 'minimize'], default: 'chord', summary: 'per-step relaxation: chord-Newton with the sparse Hessian (FIRE+CG fallback at events), or FIRE+CG only' },
    reversibilityCheck: { type: 'boolean', default: true, summary: 'shear each drop back one step and count it only if it does not return' },
    out: outputOption('events CSV'),
    stressStrain: { type: 'string', metavar: 'FILE', summary: 'also write step,strain,stress,energy,event per step to this CSV' },
    ...engineOptions,
    writeOnly: writeOnlyOption,
    ...slurmOptions,
  },
  examples: [
    'glass.data --model ipl2d --strain-step 1e-4 --max-events 3 --out events.csv',
    'glass.data --model ipl2d --max-events 5 --out events.csv --stress-strain curve.csv',
    'glass.data --model cuzr --strain-step 1e-4 --max-strain 0.1 --out events.csv --engine lammps --mpi 2',
    'glass.data --model cuzr --strain-step 1e-4 --max-strain 0.1 --out events.csv --stress-strain curve.csv --engine lammps --write-only job/ --submit slurm --ntasks 64',
  ],
  interruptible: true,
  result: { from: 'protocols', name: 'AqsResult' },
  async run(args, ctx): Promise<AqsResult> {
    const model = loadModel(args.model, args.potential, ctx.cwd, args.elements);
    const writeOnly = args.writeOnly !== undefined;
    // --write-only: the outputs are file names in the job folder, written by collect
    const outs = Outputs.plan(ctx, 'shear', [args.file], writeOnly ? {} : { '--out': { path: args.out, kind: 'csv' }, '--stress-strain': { path: args.stressStrain, kind: 'csv' } });
    if (args.strainStep >= args.maxStrain) throw new UsageError(`shear: --strain-step ${args.strainStep} must be below --max-strain ${args.maxStrain}`, 'shear');
    const launch = lammpsLaunch(args, 'shear');
    const slurm = jobFolderSettings(args, 'shear');
    const sys = await readInput(args.file, model, ctx.cwd);
    const aqsJob: AqsJob = {
      potential: model.potential, units: getUnits(model.potential.units), start: sys, strainStep: args.strainStep, maxStrain: args.maxStrain,
      maxEvents: args.maxEvents, ftol: args.ftol, checkReversibility: args.reversibilityCheck, ...(args.minDisplacement !== undefined ? { detection: { minDisplacement: args.minDisplacement } } : {}),
    };
    if (writeOnly) {
      const dir = jobFolder(args.writeOnly!, ctx.cwd, 'shear');
      const what = `${sys.n} atoms, model ${model.name}, ${Math.round(args.maxStrain / args.strainStep)} strain steps of ${args.strainStep}`;
      const manifest = writeShearJobFolder(dir, aqsJob, {
        title: `glasslab shear --engine lammps: ${what}, up to ${args.maxEvents} events`, events: basename(args.out), ...(args.stressStrain !== undefined ? { stressStrain: basename(args.stressStrain) } : {}),
      });
      finishJobFolder(ctx, 'shear', dir, manifest, launch, slurm, what);
      // nothing ran: no steps (collect gives the result)
      return makeAqsResult({ dim: sys.dim, n: sys.n, strainStep: args.strainStep, steps: [], events: [], reversibleDrops: [], start: sys, final: sys, stopReason: 'maxStrain', flips: 0, iterations: 0, elapsedMs: 0 });
    }
    const out = outs.path('--out')!;
    const curveOut = outs.path('--stress-strain');
    const totalSteps = Math.round(args.maxStrain / args.strainStep);
    const progress = ctx.progress(`shear (up to ${args.maxEvents} events)`, totalSteps, 'steps');
    let result: AqsResult;
    try {
      if (args.engine === 'lammps') {
        // the run folders (decks, data, logs) sit in the working directory; kept when LAMMPS fails (its message names the deck)
        const dir = makeTempDir('.glasslab-lammps-', ctx.cwd);
        result = await lammpsAqs(aqsJob, launch, dir, { signal: ctx.signal, onStep: (s) => progress.update(s.step) });
        remove(dir, { recursive: true });
      } else {
        result = await aqsShearAsync(sys, createForceProvider(model.potential), {
          strainStep: args.strainStep, maxEvents: args.maxEvents, maxStrain: args.maxStrain, ftol: args.ftol,
          checkReversibility: args.reversibilityCheck, solver: args.solver, signal: ctx.signal,
          ...(args.minDisplacement !== undefined ? { minDisplacement: args.minDisplacement } : {}),
          onStep: (s) => progress.update(s.step),
        });
      }
    } finally {
      progress.finish();
    }
    await writeTextAtomic(out, tableCsv(result.table()));
    if (curveOut !== undefined) await writeTextAtomic(curveOut, tableCsv(result.stepsTable()));
    const last = result.steps.at(-1)!;
    if (result.stopReason === 'aborted') {
      await outs.commit(); // the steps and events up to the stop are kept
      throw new Error(`stopped at strain ${num(last.strain)} (step ${last.step}) with ${result.events.length} of ${args.maxEvents} events; the steps and events up to there were written to ${args.out}${curveOut !== undefined ? ` and ${args.stressStrain}` : ''}`);
    }
    for (const line of result.summary().split('\n')) ctx.print(line);
    if (result.stopReason === 'maxStrain' && result.events.length < args.maxEvents) {
      ctx.note(`shear: warning: reached --max-strain ${args.maxStrain} with ${result.events.length} of ${args.maxEvents} events`);
    }
    return result;
  },
});
