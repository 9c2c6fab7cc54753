/**
 * `glasslab minimize FILE --model ka --out min.data`: energy minimisation to
 * the inherent structure (FIRE, conjugate gradient, or FIRE then CG;
 * src/minimize). Converged means max_i |F_i| < ftol at the returned
 * configuration. The progress bar shows log10 progress of the largest force
 * from its start value towards ftol.
 */
import { createForceProvider } from '../core/force-provider.ts';
import { writeSystem } from '../io/index.ts';
import { minimizeAsync, type MinimizeResult } from '../minimize/minimize.ts';
import { getUnits } from '../util/units.ts';
import { baseName as basename, makeTempDir, remove } from '../platform/index.ts';
import { writeMinimizeJobFolder } from '../engine/lammps-job.ts';
import { lammpsMinimize, type MinimizeJob } from '../engine/lammps-minimize.ts';
import { defineCommand } from './registry.ts';
import { engineOptions, finishJobFolder, ftolOption, jobFolder, jobFolderSettings, lammpsLaunch, loadModel, modelOptions, num, outputOption, readInput, slurmOptions, writeOnlyOption } from './common.ts';
import { Outputs } from './outputs.ts';

export const minimizeCommand = defineCommand({
  name: 'minimize',
  summary: 'relax a configuration to its inherent structure (FIRE / conjugate gradient)',
  description: 'Writes the relaxed configuration (format by extension: .data, .dump, .xyz) and prints the\n' +
    'energy, the largest remaining force and the iteration count. Exit code 1 when not converged\n' +
    '(the last configuration is still written), also when interrupted (Ctrl-C, kernel interrupt).\n' +
    'With --engine lammps, LAMMPS minimises (min_style fire and/or cg, min_modify norm max: the same\n' +
    'max-force tolerance); an interrupted LAMMPS run writes nothing. --write-only DIR writes a job folder (the deck,\n' +
    'its data, job.json; --submit slurm adds a batch script) without running; glasslab collect DIR then reads the\n' +
    'inherent structure back and writes it under the --out file name in DIR.',
  positionals: [{ name: 'file', summary: 'configuration: LAMMPS data, dump (first frame) or extended XYZ' }],
  options: {
    ...modelOptions,
    method: { type: 'enum', choices: ['fire', 'cg', 'fire+cg'], default: 'fire+cg', summary: 'minimiser: FIRE 2.0, Polak-Ribiere CG, or FIRE then CG' },
    ftol: ftolOption,
    maxIter: { type: 'integer', min: 1, default: 100000, summary: 'iteration budget (FIRE steps + CG line searches)' },
    out: outputOption('relaxed configuration'),
    ...engineOptions,
    writeOnly: writeOnlyOption,
    ...slurmOptions,
  },
  examples: [
    'liquid.data --model ka --ftol 1e-10 --out min.data', 'liquid.data --model cuzr --ftol 1e-8 --out min.data --engine lammps --mpi 2',
    'liquid.data --model cuzr --ftol 1e-8 --out min.data --engine lammps --write-only job/ --submit slurm --ntasks 64 --time 1:00:00',
  ],
  interruptible: true,
  result: { from: 'minimize', name: 'MinimizeResult' },
  async run(args, ctx): Promise<MinimizeResult> {
    const model = loadModel(args.model, args.potential, ctx.cwd, args.elements);
    const launch = lammpsLaunch(args, 'minimize');
    const slurm = jobFolderSettings(args, 'minimize');
    // --write-only: the output is a file name in the job folder, written by collect
    const outs = Outputs.plan(ctx, 'minimize', [args.file], args.writeOnly !== undefined ? {} : { '--out': { path: args.out, kind: 'configuration' } });
    const sys = await readInput(args.file, model, ctx.cwd);
    const units = getUnits(model.potential.units);
    const job: MinimizeJob = { potential: model.potential, units, start: sys, method: args.method, ftol: args.ftol, maxIter: args.maxIter };
    if (args.writeOnly !== undefined) {
      const dir = jobFolder(args.writeOnly, ctx.cwd, 'minimize');
      const manifest = writeMinimizeJobFolder(dir, job, { title: `glasslab minimize --engine lammps: ${sys.n} atoms, model ${model.name}, ${args.method} to max force ${args.ftol}`, final: basename(args.out) });
      finishJobFolder(ctx, 'minimize', dir, manifest, launch, slurm, `${sys.n} atoms, model ${model.name}, ${args.method}`);
      // nothing ran: the start, not relaxed (collect gives the result)
      return {
        system: sys, energy: NaN, peratomEnergy: new Float64Array(sys.n), forces: new Float64Array(sys.n * sys.dim), maxForce: NaN, iterations: 0, forceCalls: 0,
        converged: false, reason: `not run: job folder ${args.writeOnly} written; glasslab collect ${args.writeOnly} reads the result back`, aborted: false, stages: [],
      };
    }
    const out = outs.path('--out')!;
    // done = percentage of the way from log10 F0 down to log10 ftol
    const progress = ctx.progress('minimize (max force, log scale)', 100, '%');
    let f0: number | undefined;
    const span = (f: number) => Math.log10(f0! / args.ftol);
    let result: MinimizeResult;
    try {
      const onProgress = (p: { maxForce: number }) => {
        f0 ??= p.maxForce;
        const frac = f0 > args.ftol ? 1 - Math.log10(p.maxForce / args.ftol) / span(f0) : 1;
        progress.update(Math.floor(100 * Math.min(1, Math.max(0, frac))));
      };
      if (args.engine === 'lammps') {
        // the run folder (deck, data, log) sits in the working directory; kept when LAMMPS fails (its message names the deck)
        const dir = makeTempDir('.glasslab-lammps-', ctx.cwd);
        result = await lammpsMinimize(job, launch, dir, { signal: ctx.signal, onProgress });
        remove(dir, { recursive: true });
        if (result.aborted) throw new Error(`stopped after ${result.iterations} iterations (LAMMPS was stopped); nothing written`);
      } else {
        result = await minimizeAsync(sys, createForceProvider(model.potential), {
          method: args.method, ftol: args.ftol, maxIter: args.maxIter, signal: ctx.signal, onProgress,
        });
      }
      // the minimiser reports progress every few iterations, not at the one
      // that converged: the bar would end below 100% and read as stopped
      if (result.converged) progress.update(100);
    } finally {
      progress.finish();
    }
    await writeSystem(out, result.system);
    const e = getUnits(model.potential.units).label.energy;
    ctx.print(`pe ${num(result.energy)} ${e}`);
    ctx.print(`pe/atom ${num(result.energy / result.system.n)} ${e}`);
    ctx.print(`max_force ${num(result.maxForce)}`);
    ctx.print(`iterations ${result.iterations} (force calls ${result.forceCalls})`);
    // an interrupted or unconverged run keeps the configuration reached: it is where to continue from
    if (result.aborted || !result.converged) await outs.commit();
    if (result.aborted) {
      throw new Error(`stopped after ${result.iterations} iterations (max force ${result.maxForce.toExponential(3)} > ftol ${args.ftol}); the configuration reached was written to ${args.out}`);
    }
    if (!result.converged) {
      throw new Error(`not converged (${result.reason ?? 'unknown reason'}): max force ${result.maxForce.toExponential(3)} > ftol ${args.ftol}; the last configuration was written to ${args.out}`);
    }
    return result;
  },
});
