/**
 * `glasslab quench --model cuzr --n 2000 --rate 1e13 --out glass.data`: a
 * metallic glass by melt-quench (src/protocols/quench.ts, the protocol of Wei
 * et al., PRB 99, 014115 (2019), Sec. II A): NPT at --pressure, --melt-time
 * ps at --temp (default 2000 K), a linear ramp to --temp-final (default 1 K) at
 * --rate K/s, an optional --anneal TEMP:TIME hold on the way down, then FIRE+CG
 * to the inherent structure at fixed box. Writes the inherent structure;
 * prints the density at 300 K (read off the quench) and the troughs of the
 * total g(r).
 *
 * Potential: the default `--model cuzr` is Debian's
 * /usr/share/lammps/potentials/CuZr_mm.eam.fs, Mendelev et al., J. Appl.
 * Phys. 102, 043501 (2007). Wei et al. cite the Mendelev et al. 2009
 * potential (Philos. Mag. 89, 109), which Debian does not ship: with that
 * file, `--model eam --potential FILE --elements Cu,Zr --density 0.0573`
 * runs the paper's potential.
 *
 * Units: metal only (K, ps, bar, A); --rate in K/s (1e13 K/s = 10 K/ps).
 */
import { createForceProvider } from '../core/force-provider.ts';
import { writeTextAtomic } from '../io/files.ts';
import { writeSystem } from '../io/index.ts';
import { tableCsv } from '../plot/result.ts';
import { quenchGlass, type QuenchResult } from '../protocols/quench.ts';
import { randomConfiguration } from '../system/random-config.ts';
import type { System } from '../system/system.ts';
import { defineCommand, UsageError, type ParsedArgs, type RunContext } from './registry.ts';
import { frameOptions, ftolOption, loadModel, modelOptions, num, outputOption, readInput, runOptions, temperatureOption, type LoadedModel } from './common.ts';
import { mdOptions } from './md.ts';
import { Outputs } from './outputs.ts';

const quenchOptions = {
  ...modelOptions,
  model: { ...modelOptions.model, default: 'cuzr' },
  init: mdOptions.init,
  n: { ...runOptions.n, default: 2000 },
  density: mdOptions.density,
  composition: { type: 'number', min: 0, max: 1, summary: "fraction of atom type 1 (Cu for cuzr) of a random binary start; default: the model's (0.5 for cuzr)" },
  seed: runOptions.seed,
  temp: { ...temperatureOption, default: 2000 },
  tempFinal: { ...mdOptions.tempFinal, default: 1 },
  rate: { type: 'number', min: 0, exclusiveMin: true, default: 1e13, unit: 'K/s', summary: 'cooling rate of the quench (Wei et al. 2019: 1e10 K/s)' },
  meltTime: { type: 'number', min: 0, default: 20, unit: 'ps', summary: 'time at --temp before the quench' },
  anneal: { type: 'string', metavar: 'TEMP:TIME', summary: 'hold at TEMP (K) for TIME (ps) on the way down, e.g. 700:100 (Wei et al.: 700 K for 60 ns)' },
  pressure: { ...mdOptions.pressure, default: 0 },
  barostat: { ...mdOptions.barostat, default: 'tri' },
  tdamp: mdOptions.tdamp,
  pdamp: mdOptions.pdamp,
  dt: { ...frameOptions.dt, default: 0.002 },
  skin: mdOptions.skin,
  ftol: { ...ftolOption, default: 1e-6 },
  out: outputOption('inherent structure of the glass (LAMMPS data, or by extension)'),
  thermoCsv: mdOptions.thermoCsv,
  historyEvery: { type: 'integer', min: 1, default: 100, summary: 'MD steps between rows of the thermo history (--thermo-csv and the figures)' },
} as const;

const quenchPositionals = [] as const;
type QuenchArgs = ParsedArgs<typeof quenchOptions, typeof quenchPositionals>;

export const quenchCommand = defineCommand({
  name: 'quench',
  summary: 'make a metallic glass: melt, quench at a set rate (NPT), optional anneal, minimise (metal units)',
  description: 'Melt at --temp for --melt-time, ramp to --temp-final at --rate (K/s), optionally hold at --anneal TEMP:TIME\n' +
    'on the way down, all Nose-Hoover NPT at --pressure; then FIRE+CG to the inherent structure at fixed box.\n' +
    'Writes the inherent structure; prints the density at 300 K and the troughs of the total g(r).\n' +
    '--model cuzr is Mendelev 2007 (CuZr_mm.eam.fs, Debian lammps-data); Wei et al. 2019 used Mendelev 2009:\n' +
    'with that file use --model eam --potential FILE --elements Cu,Zr --density 0.0573.',
  positionals: quenchPositionals,
  options: quenchOptions,
  examples: [
    '--model cuzr --n 2000 --composition 0.5 --rate 1e13 --out glass.data',
    '--n 2000 --rate 1e12 --anneal 700:100 --out glass.data --thermo-csv quench.csv',
  ],
  interruptible: true,
  result: { from: 'protocols', name: 'QuenchResult' },
  async run(args, ctx): Promise<QuenchResult> {
    return runQuench(args, ctx);
  },
});

async function runQuench(args: QuenchArgs, ctx: RunContext): Promise<QuenchResult> {
  const model = loadModel(args.model, args.potential, ctx.cwd, args.elements);
  if (model.potential.units !== 'metal') {
    throw new UsageError(`quench: --model ${args.model} uses ${model.potential.units} units; the quench protocol is in metal units (K, ps, bar): use --model cuzr or --model eam`, 'quench');
  }
  const anneal = args.anneal === undefined ? undefined : parseAnneal(args.anneal);
  const files = Outputs.plan(ctx, 'quench', [args.init], {
    '--out': { path: args.out, kind: 'configuration' },
    '--thermo-csv': { path: args.thermoCsv, kind: 'csv' },
  });
  const out = files.path('--out')!;
  const csv = files.path('--thermo-csv');
  const sys = await startingSystem(args, model, ctx);
  const provider = createForceProvider(model.potential, args.skin === undefined ? {} : { skin: args.skin });
  // the bar starts with the first step, so that an option the protocol refuses is not preceded by one
  let progress: ReturnType<RunContext['progress']> | undefined;
  let result: QuenchResult;
  try {
    result = await quenchGlass(sys, provider, {
      tHigh: args.temp, tLow: args.tempFinal, rate: args.rate * 1e-12, equilibrateTime: args.meltTime,
      ...(anneal ? { anneal } : {}), pressure: args.pressure, barostat: args.barostat, dt: args.dt,
      ...(args.tdamp !== undefined ? { tdamp: args.tdamp } : {}), ...(args.pdamp !== undefined ? { pdamp: args.pdamp } : {}),
      seed: args.seed, sampleEvery: args.historyEvery, ftol: args.ftol, signal: ctx.signal,
      onProgress: (p) => (progress ??= ctx.progress('quench (MD steps)', 100, '%')).update(Math.floor(100 * p.fraction)),
    });
  } finally {
    progress?.finish();
  }
  if (csv !== undefined) await writeTextAtomic(csv, tableCsv(result.table(), (v) => (typeof v === 'number' ? num(v) : String(v))));
  if (result.aborted) {
    await files.commit(); // the history up to the stop is kept
    throw new Error(`stopped after ${result.mdSteps} MD steps${result.iterations > 0 ? ` and ${result.iterations} minimiser iterations` : ''}; ` +
      `${csv !== undefined ? `the history up to there is in ${args.thermoCsv}; ` : ''}no glass written`);
  }
  await writeSystem(out, result.system);
  for (const line of result.summary().split('\n')) ctx.print(line);
  if (!result.converged) {
    await files.commit();
    throw new Error(`the inherent structure did not reach --ftol ${args.ftol} (max force ${result.maxForce.toExponential(3)} eV/A); the configuration reached was written to ${args.out}`);
  }
  return result;
}

/** `--anneal TEMP:TIME` (K, ps), both positive. */
function parseAnneal(text: string): { temp: number; time: number } {
  const m = /^([^:]+):([^:]+)$/.exec(text.trim());
  const temp = m ? Number(m[1]) : NaN, time = m ? Number(m[2]) : NaN;
  if (!(temp > 0 && time > 0 && Number.isFinite(temp) && Number.isFinite(time))) {
    throw new UsageError(`quench: --anneal must be TEMP:TIME with a positive temperature (K) and time (ps), e.g. 700:100; got '${text}'`, 'quench');
  }
  return { temp, time };
}

/** The start: --init's configuration, or a random one of --n atoms at --density and --composition (velocities: quenchGlass draws them at --temp). */
async function startingSystem(args: QuenchArgs, model: LoadedModel, ctx: RunContext): Promise<System> {
  const given = ([[args.density, '--density'], [args.composition, '--composition']] as const).filter(([v]) => v !== undefined);
  if (args.init !== undefined) {
    if (given.length > 0) throw new UsageError(`quench: ${given[0][1]} applies to a random start; it cannot be combined with --init`, 'quench');
    return readInput(args.init, model, ctx.cwd, '--init');
  }
  const density = args.density ?? model.defaults?.numberDensity;
  if (density === undefined) {
    throw new UsageError(`quench: --model ${args.model} has no usual density; give --density (A^-3; Cu50Zr50 glass: 0.0573) or --init`, 'quench');
  }
  const types = model.potential.typeMasses.length - 1;
  let composition = model.defaults?.composition;
  if (args.composition !== undefined) {
    if (types !== 2) throw new UsageError(`quench: --composition sets a binary alloy, but --model ${args.model} has ${types} atom types`, 'quench');
    composition = [0, args.composition, 1 - args.composition];
  }
  if (composition === undefined) {
    throw new UsageError(`quench: --model ${args.model} has no usual composition; give --composition (fraction of type 1) or --init`, 'quench');
  }
  return randomConfiguration({ n: args.n, density, dim: 3, composition, typeMasses: model.potential.typeMasses, seed: args.seed });
}
