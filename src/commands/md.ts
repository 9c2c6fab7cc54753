/**
 * `glasslab md`: molecular dynamics of a model glass former with the built-in
 * engine (velocity Verlet; Nose-Hoover chains for NVT/NPT, as LAMMPS
 * `fix nve|nvt|npt`). Options are engine-neutral (ARCHITECTURE.md, "How data flows") so
 * that a LAMMPS engine can later run the same command.
 *
 * Without --init the start is a random non-overlapping configuration of the
 * model's composition at the requested density (src/system/random-config.ts)
 * with Maxwell-Boltzmann velocities at --temp. With --init the file's
 * velocities are used when it has them, otherwise they are drawn at --temp.
 * --resume continues a checkpointed run (pass the same ensemble options;
 * runMd checks that the integrator parameters match the checkpoint, and the
 * command that the model does); --steps then counts the steps still to run,
 * and --dump continues the earlier run's dump (continueDump).
 *
 * Every input and output is checked before work starts (readInput,
 * Outputs.plan, the memory estimate of a random start); outputs are staged
 * and committed together at the end (an interrupted run keeps its dump and
 * thermo CSV up to the stop). A blow-up is reported as one, with --dt/--temp.
 *
 * stdout: thermo lines (full double precision); stderr: progress.
 */
import { DEFAULT_SKIN_LJ, DEFAULT_SKIN_METAL } from '../core/force-provider.ts';
import { estimateMdMemory } from '../md/memory.ts';
import { formatBytes } from '../analysis/dynamics/frames.ts';
import { yieldToHost, baseName as basename, dirName as dirname, exists as existsSync, joinPath as join, makeTempDir, relativePath as relative, remove, totalMemory } from '../platform/index.ts';
import type { MdEngineResult, MdJob } from '../engine/engine.ts';
import { DECK, LammpsEngine, lammpsMdDeck } from '../engine/lammps-md.ts';
import { GlasslabEngine, type GlasslabMdJob, type GlasslabMdResult } from '../engine/glasslab-engine.ts';
import type { LammpsLaunch } from '../engine/lammps-process.ts';
import { isLammpsRestart, readRestartState } from '../engine/lammps-restart.ts';
import { memberFolder, writeMdJobFolder } from '../engine/lammps-job.ts';
import { DumpWriter } from '../io/lammps-dump.ts';
import { Trajectory } from '../io/trajectory.ts';
import { writeTextAtomic } from '../io/files.ts';
import { writeSystem } from '../io/index.ts';
import { loadCheckpoint } from '../md/checkpoint.ts';
import type { Integrator } from '../md/integrator.ts';
import { npt, nvt } from '../md/nose-hoover-integrator.ts';
import { nve } from '../md/nve.ts';
import type { ThermoRow } from '../md/observers.ts';
import { thermoColumns, thermoCsv as formatThermoCsv, thermoValues } from '../md/thermo-table.ts';
import { MdBlowUpError } from '../md/run.ts';
import type { MdState, ModelIdentity } from '../md/state.ts';
import { potentialFingerprint } from '../potential/fingerprint.ts';
import { getUnits, type Units } from '../util/units.ts';
import { initVelocities } from '../md/velocities.ts';
import type { System } from '../system/system.ts';
import { randomConfiguration } from '../system/random-config.ts';
import { defineCommand, onRunEnd, UsageError, type ParsedArgs, type RunContext } from './registry.ts';
import { dimensionOption, engineOptions, finishJobFolder, jobFolder, jobFolderSettings, slurmOptions, writeOnlyOption, frameOptions, inputFile, lammpsLaunch, loadModel, modelOptions, num, readInput, runOptions, temperatureOption, type LoadedModel } from './common.ts';
import { Outputs, staleOutputs } from './outputs.ts';

export const mdOptions = {
  ...modelOptions,
  init: { type: 'string', metavar: 'FILE', summary: 'start from this configuration (data, dump or xyz) instead of a random one' },
  resume: { type: 'string', metavar: 'FILE', summary: 'continue the run saved in this checkpoint (pass the same model and ensemble options; with --engine lammps a LAMMPS restart file); --steps then counts the steps still to run from it; --dump continues the earlier dump' },
  n: runOptions.n, // default 4000 (in startingSystem): absent means not given, refused with --init/--resume
  density: { type: 'number', min: 0, exclusiveMin: true, unit: 'length^-dim', summary: "number density of a random start; default: the model's usual (1.2 for ka)" },
  dim: dimensionOption,
  seed: runOptions.seed,
  ensemble: { type: 'enum', choices: ['nve', 'nvt', 'npt'], default: 'nvt', summary: 'ensemble' },
  temp: temperatureOption,
  tempFinal: { type: 'number', min: 0, unit: 'eps/kB or K', summary: 'thermostat target at the end of the run (linear ramp, LAMMPS Tstop); md default: --temp' },
  pressure: { type: 'number', unit: 'eps/sigma^d (lj) or bar (metal)', summary: 'barostat target (npt)' },
  pressureFinal: { type: 'number', unit: 'eps/sigma^d or bar', summary: 'barostat target at the end (npt ramp); default --pressure' },
  tdamp: { type: 'number', min: 0, exclusiveMin: true, unit: 'time', summary: 'thermostat damping time; default 100 dt' },
  pdamp: { type: 'number', min: 0, exclusiveMin: true, unit: 'time', summary: 'barostat damping time; default 1000 dt' },
  barostat: {
    type: 'enum', choices: ['iso', 'aniso', 'tri'],
    summary: 'cell components the barostat drives (LAMMPS fix npt iso|aniso|tri): iso the volume; aniso each edge by its diagonal pressure; tri also the tilts (with flips); md default iso',
  },
  dt: frameOptions.dt,
  steps: { ...runOptions.steps, default: 10000 },
  skin: { type: 'number', min: 0, unit: 'length', summary: 'Verlet-list skin; default 0.3 (lj), 1.0 (metal)' },
  threads: {
    type: 'integer', min: 1,
    summary: 'glasslab engine: threads of the force loop (and, for ka and other LJ models and ipl, the neighbour-list build); default 2 from 2000 atoms on for LJ models where 2 cores are free, else 1; the same run to round-off whatever the count (bit-identical resumes need the same count)',
  },
  dump: { type: 'string', metavar: 'FILE', summary: 'LAMMPS dump of the trajectory (id type xu yu zu; .gz compresses)' },
  every: { type: 'integer', min: 1, default: 100, summary: 'MD steps between dumped frames (the frames of the file are every x dt apart: their --frame-dt)' },
  velocities: { type: 'boolean', summary: 'also dump velocities (vx vy vz)' },
  final: { type: 'string', metavar: 'FILE', summary: 'write the final configuration (data file with velocities, or by extension)' },
  thermo: { type: 'integer', min: 0, default: 1000, summary: 'steps between thermo lines on stdout (0: first and last only)' },
  thermoCsv: { type: 'string', metavar: 'FILE', summary: 'also write the thermo rows to this CSV' },
  checkpoint: { type: 'string', metavar: 'FILE', summary: 'write a checkpoint here (every --checkpoint-every steps, on interrupt and at the end)' },
  checkpointEvery: { type: 'integer', min: 1, default: 10000, summary: 'steps between checkpoints' },
  ...engineOptions,
  writeOnly: writeOnlyOption,
  members: { type: 'integer', min: 1, summary: 'with --write-only: an ensemble of K runs in DIR/member-000 ...; member k draws its velocities (without --init also its random start) with --seed + k, so with --init the members start from the same positions (isoconfigurational)' },
  ...slurmOptions,
} as const;

const mdPositionals = [] as const;

export type MdArgs = ParsedArgs<typeof mdOptions, typeof mdPositionals>;

export interface MdResult {
  /** final step number */
  step: number;
  stepsDone: number;
  aborted: boolean;
  wallSeconds: number;
  stepsPerSecond: number;
  thermo: ThermoRow[];
  /** which engine ran */
  engine: 'glasslab' | 'lammps';
  /** the final state of the embedded engine (positions, velocities, forces, thermostat chains); undefined for LAMMPS */
  state?: MdState;
  /** the final configuration with velocities (either engine) */
  final: System;
  /** --write-only: the deck written (the first member's), nothing run */
  deck?: string;
  /** --write-only: the job folder (collect reads it back) */
  job?: string;
  /** --submit slurm: the Slurm job id, when sbatch was on the PATH */
  jobId?: string;
}

export const mdCommand = defineCommand({
  name: 'md',
  summary: 'molecular dynamics (NVE, NVT, NPT) of a model glass former',
  description: 'Velocity Verlet with Nose-Hoover chains (LAMMPS fix nve/nvt/npt conventions). Without --init,\n' +
    "starts from a random non-overlapping configuration of the model's composition (ka 80:20, ipl 50:50) of --n atoms\n" +
    '(default 4000). With --resume, --steps counts the steps still to run from the checkpoint.\n' +
    'Thermo lines go to stdout, progress to stderr. Output files appear only when complete.\n' +
    'With --engine lammps the same options become one LAMMPS input deck (the model by its LAMMPS pair style, ipl\n' +
    'through a pair table), run by lmp, under --mpi N or a --launcher; its thermo streams to the same columns and the\n' +
    'same files are written. --write-only DIR writes a job folder (the deck, its data, job.json) without running;\n' +
    '--members K makes it an ensemble (one run folder per member), --submit slurm adds a batch script (a job array for\n' +
    'an ensemble) and submits it when sbatch is found; glasslab collect DIR reads the finished job back.',
  positionals: mdPositionals,
  options: mdOptions,
  examples: [
    '--model ka --n 4000 --density 1.2 --temp 0.8 --steps 10000 --dump traj.dump --every 100',
    '--init liquid.data --ensemble nvt --temp 0.8 --temp-final 0.3 --steps 100000 --final glass.data',
    '--init glass.data --ensemble npt --temp 0.3 --pressure 0 --barostat aniso --steps 100000 --thermo-csv cell.csv',
    '--model ka --n 32000 --temp 0.8 --steps 100000 --dump traj.dump.gz --engine lammps --mpi 2',
    '--init glass.data --temp 0.45 --steps 1000000 --dump traj.dump --engine lammps --write-only job/',
    '--init glass.data --temp 0.44 --steps 200000 --dump traj.dump --engine lammps --write-only iso/ --members 30 --submit slurm --ntasks 32 --time 12:00:00',
  ],
  interruptible: true,
  run: runMdCommand,
});

/**
 * One thermo line on stdout, for reading: right-aligned columns, 10
 * significant digits (as LAMMPS' thermo output, which is also rounded).
 * `--thermo-csv` keeps every value at full double precision.
 */
function thermoLine(cells: readonly (string | number)[]): string {
  return cells.map((c, k) => {
    const text = typeof c === 'string' ? c : k === 0 ? String(c) : String(Number(c.toPrecision(10)));
    return text.padStart(k === 0 ? 8 : 17);
  }).join(' ');
}

/** The `md` command's work, shared with `demo`. */
export async function runMdCommand(args: MdArgs, ctx: RunContext): Promise<MdResult> {
  const model = loadModel(args.model, args.potential, ctx.cwd, args.elements);
  const units = getUnits(model.potential.units);
  if (args.init !== undefined && args.resume !== undefined) {
    throw new UsageError('md: give either --init or --resume, not both', 'md');
  }
  if (args.resume !== undefined) {
    for (const [v, o] of [[args.n, '--n'], [args.density, '--density'], [args.dim, '--dim']] as const) {
      if (v !== undefined) throw new UsageError(`md: ${o} applies to a random start; it cannot be combined with --resume`, 'md');
    }
  }
  checkEngineOptions(args);
  // --write-only writes a folder of LAMMPS input; the outputs are then LAMMPS's to write
  const files = Outputs.plan(ctx, 'md', [args.init, args.resume], args.writeOnly !== undefined ? {} : {
    '--dump': { path: args.dump, kind: 'dump' },
    '--final': { path: args.final, kind: 'configuration' },
    '--thermo-csv': { path: args.thermoCsv, kind: 'csv' },
    // written in place (it must survive a crash); it may overwrite the checkpoint it resumed from
    '--checkpoint': { path: args.checkpoint, kind: 'checkpoint', direct: true, mayReplace: [args.resume] },
  });
  const outs = {
    dump: files.path('--dump'), final: files.path('--final'), thermoCsv: files.path('--thermo-csv'), checkpoint: files.path('--checkpoint'),
  };

  // cheap checks first: the checkpoint (for its dt) and the integrator options, then the start
  const restart = args.resume === undefined ? undefined : inputFile(args.resume, ctx.cwd, '--resume');
  if (restart !== undefined && isLammpsRestart(restart) !== (args.engine === 'lammps')) {
    throw new UsageError(args.engine === 'lammps'
      ? `md: --resume ${args.resume} is a glasslab checkpoint: continue it with the embedded engine (without --engine lammps)`
      : `md: --resume ${args.resume} is a LAMMPS restart file: continue it with --engine lammps`, 'md');
  }
  if (restart !== undefined && args.engine === 'lammps') return resumeWithLammps(args, ctx, { model, units, restart, files });
  const resumed = restart === undefined ? undefined : loadCheckpoint(restart);
  const identity: ModelIdentity = { name: model.name, potential: potentialFingerprint(model.potential) };
  if (resumed) checkResumedModel(resumed, identity, args.resume!, ctx);
  if (resumed && resumed.units.name !== units.name) {
    throw new Error(`--resume ${args.resume}: the checkpoint is in ${resumed.units.name} units but model '${model.name}' uses ${units.name}`);
  }
  if (resumed?.integrator === 'npt' && args.ensemble === 'npt') {
    const was = resumed.params.barostat ?? 'iso';
    if (was !== (args.barostat ?? 'iso')) throw new UsageError(`md: --resume ${args.resume} was run with --barostat ${was}; pass --barostat ${was}`, 'md');
  }
  const dt = args.dt ?? resumed?.dt ?? units.defaultDt;
  const integrator = makeIntegrator(args, dt);
  const sys = resumed ? resumed.sys : await startingSystem(args, model, units, ctx);
  if (args.ensemble === 'npt' && !sys.box.periodic.every(Boolean)) {
    throw new UsageError(`md: --ensemble npt (--barostat ${args.barostat ?? 'iso'}) needs a box periodic in every direction; ` +
      `${args.resume ?? args.init} has periodic = ${sys.box.periodic.map((p) => (p ? 'p' : 'f')).join(' ')}: use nvt, or a periodic configuration`, 'md');
  }
  // the setup of a large system takes a while: let a Ctrl-C given meanwhile stop here
  // (a timer, then an immediate: passes through the timers and the poll phase, where signals arrive, whichever phase this is)
  await new Promise<void>((r) => setTimeout(r, 0));
  await yieldToHost();
  if (ctx.signal.aborted) throw new Error('stopped during setup, before the first step; no file written');
  if (args.engine === 'lammps') return runWithLammps(args, ctx, { model, units, dt, integrator, sys, files });
  const columns = thermoColumns(args.barostat, sys.dim);
  const job: GlasslabMdJob = {
    potential: model.potential, units, start: sys, integrator, dt, steps: args.steps, thermoEvery: args.thermo, skin: args.skin,
    threads: args.threads, resume: resumed, model: identity,
    dump: outs.dump === undefined ? undefined : { path: outs.dump, every: args.every, velocities: args.velocities },
    checkpoint: outs.checkpoint === undefined ? undefined : { path: outs.checkpoint, every: args.checkpointEvery },
    beforeDump: resumed && ((writer) => continueDump(writer, files.final('--dump')!, resumed, args.velocities === true, ctx)),
  };
  ctx.print(`# glasslab md: ${sys.n} atoms, model ${model.name} (${units.name} units), ${integrator.name}, dt ${num(dt)}, ${args.steps} steps`);
  ctx.print(thermoLine(columns));
  const progress = ctx.progress('md', args.steps, 'steps');
  let result: GlasslabMdResult;
  try {
    result = await new GlasslabEngine().md(job, {
      signal: ctx.signal,
      onThermo: (row) => ctx.print(thermoLine(thermoValues(row, columns))),
      onProgress: (done, total) => progress.update(done, total),
    });
  } catch (e) {
    if (e instanceof MdBlowUpError) {
      throw new Error(`the run blew up at step ${e.step}: reduce --dt (now ${num(dt)}) or check --temp` +
        `${args.temp === undefined ? '' : ` (${num(args.temp)})`}; ${e.reason}`);
    }
    throw e;
  } finally {
    progress.finish();
  }
  const sps = await finishRun(args, ctx, files, columns, result, ' (continue with --resume)');
  return {
    step: result.step, stepsDone: result.stepsDone, aborted: result.aborted, wallSeconds: result.wallSeconds,
    stepsPerSecond: sps, thermo: result.thermo, engine: 'glasslab', state: result.state, final: result.state.sys,
  };
}

/**
 * The end of a run, either engine: the thermo CSV (the rows up to a stop
 * included), the final configuration (a completed run only), the speed
 * note; a stopped run keeps its outputs and fails with where it stopped.
 * Returns steps per second.
 */
async function finishRun(
  args: MdArgs, ctx: RunContext, files: Outputs, columns: readonly string[],
  r: { thermo: ThermoRow[]; final?: System; step: number; stepsDone: number; aborted: boolean; wallSeconds: number },
  checkpointHint: string,
): Promise<number> {
  const thermoCsv = files.path('--thermo-csv'), final = files.path('--final');
  if (thermoCsv !== undefined) {
    await writeTextAtomic(thermoCsv, formatThermoCsv(r.thermo, columns));
  }
  if (final !== undefined && !r.aborted && r.final) await writeSystem(final, r.final, { velocities: true });
  const sps = r.wallSeconds > 0 ? r.stepsDone / r.wallSeconds : 0;
  ctx.note(`md: ${r.stepsDone} steps in ${r.wallSeconds.toFixed(2)} s (${sps.toFixed(1)} steps/s)`);
  if (r.aborted) {
    await files.commit(); // the frames and thermo rows up to the stop are kept
    throw new Error(`stopped at step ${r.step}${args.dump ? `; the dump holds the frames up to there` : ''}${args.checkpoint ? `; checkpoint written to ${args.checkpoint}${checkpointHint}` : ''}`);
  }
  return sps;
}

/** Options of the LAMMPS engine are refused without it, and what it cannot do is said at once. */
function checkEngineOptions(args: MdArgs): void {
  if (args.engine === 'lammps' && args.threads !== undefined) throw new UsageError('md: --threads applies to --engine glasslab; LAMMPS runs on --mpi N ranks', 'md');
  lammpsLaunch(args, 'md');
  jobFolderSettings(args, 'md');
  if (args.writeOnly === undefined && args.members !== undefined) throw new UsageError('md: --members writes a job folder: add --engine lammps --write-only DIR', 'md');
  if (args.engine !== 'lammps') return;
  if (args.resume !== undefined && args.writeOnly !== undefined) {
    throw new UsageError('md: --resume runs here; a job folder (--write-only) starts from --init (use the final data file collect wrote)', 'md');
  }
  if (args.members !== undefined && args.members > 1 && args.temp === undefined) {
    throw new UsageError('md: --members draws each member\'s velocities: give --temp', 'md');
  }
}

/**
 * `--engine lammps --resume FILE.restart`: LAMMPS continues its own
 * checkpoint (read_restart: atoms, velocities, step and the Nose-Hoover
 * state of fix md; pass the same ensemble options, as with a glasslab
 * checkpoint); --steps counts the steps still to run. The state it holds is
 * read by a LAMMPS probe (readRestartState); with --dump the new dump starts
 * with the earlier run's frames up to the restart's step (continueDump) and
 * LAMMPS appends the later ones.
 */
async function resumeWithLammps(args: MdArgs, ctx: RunContext, p: { model: LoadedModel; units: Units; restart: string; files: Outputs }): Promise<MdResult> {
  const { model, units, restart, files } = p;
  const launch = lammpsLaunch(args, 'md');
  const probe = makeTempDir('.glasslab-lammps-', ctx.cwd);
  let sys: System;
  try {
    sys = await readRestartState(restart, model.potential, launch, probe);
  } catch (e) {
    throw new UsageError(`md: --resume ${args.resume}: ${(e as Error).message.replace(`${restart}: `, '')}`, 'md');
  }
  remove(probe, { recursive: true });
  const dt = args.dt ?? units.defaultDt;
  const dump = files.path('--dump');
  if (dump !== undefined) {
    const writer = new DumpWriter(dump, { velocities: args.velocities, time: true });
    await continueDump(writer, files.final('--dump')!, { step: sys.timestep ?? 0, sys }, args.velocities === true, ctx);
    await writer.close();
  }
  return runWithLammps(args, ctx, { model, units, dt, integrator: makeIntegrator(args, dt), sys, files, restart });
}

/**
 * `--engine lammps`: the same job through LAMMPS (src/engine). The run
 * folder (deck, start data, pair tables, log) is made next to the working
 * directory's files (`.glasslab-lammps-*`, on the same file system as the
 * outputs, as a cluster job needs); it is removed after a completed or
 * stopped run and kept after a failure, whose message names its deck.
 */
async function runWithLammps(
  args: MdArgs, ctx: RunContext,
  p: { model: LoadedModel; units: Units; dt: number; integrator: Integrator; sys: System; files: Outputs; restart?: string },
): Promise<MdResult> {
  const { model, units, dt, integrator, sys, files } = p;
  const launch = lammpsLaunch(args, 'md');
  const job: MdJob = {
    potential: model.potential, units, start: sys, integrator, dt, steps: args.steps, thermoEvery: args.thermo, skin: args.skin,
    ...(p.restart !== undefined ? { restart: p.restart } : {}),
  };
  const what = `${sys.n} atoms, model ${model.name} (${units.name} units), ${integrator.name}, dt ${num(dt)}, ${args.steps} steps`;
  if (args.writeOnly !== undefined) return writeJobFolder(args, ctx, { ...p, launch, job, what });
  const dump = files.path('--dump'), checkpoint = files.path('--checkpoint');
  if (dump !== undefined) job.dump = { path: dump, every: args.every, velocities: args.velocities };
  if (checkpoint !== undefined) job.checkpoint = { path: checkpoint, every: args.checkpointEvery };
  lammpsPathsOrUsage(() => lammpsMdDeck(job));
  const dir = makeTempDir('.glasslab-lammps-', ctx.cwd);
  ctx.print(`# glasslab md --engine lammps: ${what}${args.mpi ? `, ${args.mpi} MPI ranks` : ''}${args.launcher ? `, launcher ${args.launcher}` : ''}`);
  const columns = thermoColumns(args.barostat, sys.dim);
  ctx.print(thermoLine(columns));
  const progress = ctx.progress('md (lammps)', args.steps, 'steps');
  let r: MdEngineResult;
  try {
    r = await new LammpsEngine(launch, dir).md(job, {
      signal: ctx.signal,
      onThermo: (row) => ctx.print(thermoLine(thermoValues(row, columns))),
      onProgress: (done, total) => progress.update(done, total),
    });
  } finally {
    progress.finish();
  }
  remove(dir, { recursive: true });
  if (r.final) r.final.timestep = r.step;
  const stepsDone = r.step - (sys.timestep ?? 0);
  const sps = await finishRun(args, ctx, files, columns, { ...r, stepsDone }, ' (a LAMMPS restart file: continue in LAMMPS with read_restart)');
  return {
    step: r.step, stepsDone, aborted: r.aborted, wallSeconds: r.wallSeconds, stepsPerSecond: sps, thermo: r.thermo, engine: 'lammps', final: r.final!,
  };
}

/**
 * `--write-only DIR` (with `--members K`, `--submit slurm`): a job folder
 * (src/engine/lammps-job.ts) holding one deck, or one per member, and the
 * manifest `collect` reads; the outputs are file names in each run folder
 * (--dump, --checkpoint written by LAMMPS; --final and --thermo-csv, default
 * final.data and thermo.csv, written by `glasslab collect DIR`).
 */
async function writeJobFolder(
  args: MdArgs, ctx: RunContext,
  p: { model: LoadedModel; units: Units; sys: System; launch: LammpsLaunch; job: MdJob; what: string },
): Promise<MdResult> {
  const { sys, job, what } = p;
  const dir = jobFolder(args.writeOnly!, ctx.cwd, 'md');
  const count = args.members ?? 1;
  if (args.dump !== undefined) job.dump = { path: basename(args.dump), every: args.every, velocities: args.velocities };
  if (args.checkpoint !== undefined) job.checkpoint = { path: basename(args.checkpoint), every: args.checkpointEvery };
  const jobs: MdJob[] = [job];
  for (let k = 1; k < count; k++) {
    const start = await startingSystem({ ...args, seed: args.seed + k }, p.model, p.units, Object.assign(Object.create(ctx) as RunContext, { note: () => {} }));
    initVelocities(start, args.temp!, args.seed + k, p.units);
    jobs.push({ ...job, start });
  }
  if (count > 1) initVelocities(sys, args.temp!, args.seed, p.units);
  const title = `glasslab md --engine lammps: ${what}${count > 1 ? `; ${count} members, member k with seed ${args.seed} + k` : ''}`;
  const manifest = lammpsPathsOrUsage(() => writeMdJobFolder(dir, jobs, {
    title, columns: thermoColumns(args.barostat, sys.dim),
    thermoCsv: basename(args.thermoCsv ?? 'thermo.csv'), final: basename(args.final ?? 'final.data'),
    deckTitle: (k) => (count > 1 ? `${title}: member ${k}` : title),
  }));
  const deck = join(dir, memberFolder(0, count), DECK);
  const jobId = finishJobFolder(ctx, 'md', dir, manifest, p.launch, jobFolderSettings(args, 'md'), what);
  return { step: sys.timestep ?? 0, stepsDone: 0, aborted: false, wallSeconds: 0, stepsPerSecond: 0, thermo: [], engine: 'lammps', final: sys, deck, job: dir, ...(jobId !== undefined ? { jobId } : {}) };
}

/** A path LAMMPS cannot take (lammpsPath) is the user's option to change: a one-line usage error. */
function lammpsPathsOrUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && e.message.includes('LAMMPS cannot take a path')) throw new UsageError(`md: ${e.message}`, 'md');
    throw e;
  }
}

/**
 * `--resume` with `--dump`: the new dump starts with the frames up to the
 * checkpoint's step of the dump the run wrote before, so that it holds the
 * whole run. Those frames come from the file at the --dump path (a run
 * stopped with Ctrl-C) or, when there is none, from the unfinished dump of a
 * killed run in a staging folder next to it (outputs.ts); a truncated last
 * frame ends the copy. A file of another system (atom count) is not
 * continued: it is replaced, with a note.
 */
async function continueDump(writer: DumpWriter, final: string, resumed: Pick<MdState, 'step' | 'sys'>, velocities: boolean, ctx: RunContext): Promise<void> {
  let source: string | undefined;
  let killed = false;
  if (existsSync(final)) source = final;
  else {
    const name = basename(final);
    for (const stale of staleOutputs(dirname(final))) {
      const f = stale.files.find((x) => x === name || x.startsWith(`${name}.tmp-`));
      if (f !== undefined) { source = join(stale.dir, f); killed = true; break; }
    }
  }
  if (source === undefined) return;
  const shown = relative(ctx.cwd, source) || source;
  const upTo = resumed.step;
  let copied = 0, first: number | undefined, last: number | undefined, stop = '';
  try {
    for await (const f of new Trajectory(source).frames()) {
      if ((f.timestep ?? 0) > upTo) break;
      if (f.n !== resumed.sys.n || f.dim !== resumed.sys.dim) {
        if (copied === 0) {
          ctx.note(`md: note: ${shown} holds another system (${f.n} atoms, ${f.dim}D; the checkpoint has ${resumed.sys.n}): not continued, the new dump replaces it`);
          return;
        }
        stop = `; frame at step ${f.timestep} has ${f.n} atoms, copy stopped there`;
        break;
      }
      if (velocities && !f.velocities) {
        if (copied === 0) {
          ctx.note(`md: note: ${shown} has no velocities but --velocities asks for them: not continued, the new dump replaces it`);
          return;
        }
        break;
      }
      await writer.write(f);
      copied++;
      first ??= f.timestep;
      last = f.timestep;
    }
  } catch (e) {
    // an unfinished dump of a killed run ends inside a frame
    stop = `; the copy stopped at an unreadable frame (${e instanceof Error ? e.message.replace(source, shown) : String(e)})`;
  }
  const gap = stop !== '' && (last ?? -1) < upTo ? `; frames after step ${last ?? 'none'} up to step ${upTo} are missing (lost with the run)` : '';
  // the killed run's unfinished dump has been taken over: it goes when this run completes
  const orphan = source;
  const takenOver = killed && copied > 0 && onRunEnd(ctx, async (ok) => {
    if (!ok) return;
    remove(orphan);
    try { remove(dirname(orphan)); } catch { /* other unfinished files stay, and are reported */ }
  });
  ctx.note(`md: continuing the dump: ${copied} frame(s)${copied > 0 ? ` (steps ${first}..${last})` : ''} copied from ` +
    `${killed ? `the unfinished dump of a killed run, ${shown}` : shown}, up to the checkpoint's step ${upTo}${gap}${stop}` +
    `${takenOver ? `; ${shown} is removed when this run completes` : ''}`);
}

/**
 * A checkpoint continues only with the model that made it: the same name and
 * the same potential (fingerprint: another parameter set or tabulated file
 * differs). Checkpoints of older versions record no model: a note asks to
 * check --model.
 */
function checkResumedModel(resumed: MdState, identity: ModelIdentity, file: string, ctx: RunContext): void {
  const was = resumed.model;
  if (!was) {
    ctx.note(`md: note: ${file} does not record its model (written by an older glasslab); make sure --model ${identity.name} is the model it was run with`);
    return;
  }
  if (was.name !== identity.name) {
    throw new UsageError(`md: --resume ${file} was run with model ${was.name}, not ${identity.name}; pass --model ${was.name}`, 'md');
  }
  if (was.potential !== identity.potential) {
    throw new UsageError(`md: --resume ${file} was run with another ${was.name} potential (fingerprint ${was.potential}, now ${identity.potential}: ` +
      'a different parameter set or potential file); pass the --potential it was run with', 'md');
  }
}

function makeIntegrator(args: MdArgs, dt: number): Integrator {
  const need = (v: number | undefined, opt: string): number => {
    if (v === undefined) throw new UsageError(`md: --ensemble ${args.ensemble} needs ${opt}`, 'md');
    return v;
  };
  switch (args.ensemble) {
    case 'nve':
      for (const [v, o] of [[args.tempFinal, '--temp-final'], [args.pressure, '--pressure'], [args.tdamp, '--tdamp'], [args.pdamp, '--pdamp'], [args.barostat, '--barostat']] as const) {
        if (v !== undefined) throw new UsageError(`md: ${o} has no effect with --ensemble nve; use nvt or npt`, 'md');
      }
      return nve();
    case 'nvt': {
      if (args.pressure !== undefined || args.pdamp !== undefined || args.barostat !== undefined) {
        throw new UsageError('md: --pressure/--pdamp/--barostat need --ensemble npt', 'md');
      }
      const T = need(args.temp, '--temp');
      thermostatTemps(args);
      return nvt({ Tstart: T, Tstop: args.tempFinal ?? T, Tdamp: args.tdamp ?? 100 * dt });
    }
    case 'npt': {
      const T = need(args.temp, '--temp');
      thermostatTemps(args);
      const P = need(args.pressure, '--pressure');
      return npt({
        Tstart: T, Tstop: args.tempFinal ?? T, Tdamp: args.tdamp ?? 100 * dt,
        Pstart: P, Pstop: args.pressureFinal ?? P, Pdamp: args.pdamp ?? 1000 * dt, barostat: args.barostat ?? 'iso',
      });
    }
  }
}

/**
 * Refuse a random start the machine cannot hold, before allocating it
 * (estimateMdMemory against the physical or container memory); note the
 * estimate of runs above 1 GB.
 */
function checkMemory(n: number, dim: 2 | 3, density: number, model: LoadedModel, args: MdArgs, ctx: RunContext, what = `--n ${n}`): void {
  const skin = args.skin ?? (model.potential.units === 'metal' ? DEFAULT_SKIN_METAL : DEFAULT_SKIN_LJ);
  const est = estimateMdMemory({ n, dim, density, listRadius: model.potential.maxCutoff + skin, dump: args.dump !== undefined });
  const avail = totalMemory();
  const gb = formatBytes;
  if (est.bytes > 0.8 * avail) {
    throw new UsageError(`md: ${what} needs about ${gb(est.bytes)} of memory (${Math.round(est.bytesPerAtom)} bytes per atom, ` +
      `~${Math.round(est.neighbors)} neighbours each); this machine has ${gb(avail)}: use ${Math.floor((0.8 * avail) / est.bytesPerAtom)} atoms or fewer`, 'md');
  }
  if (est.bytes > 2 ** 30) ctx.note(`md: note: ${n} atoms need about ${gb(est.bytes)} of memory (this machine has ${gb(avail)})`);
}

/** A Nose-Hoover thermostat needs positive targets: say so at the option, not deep in the integrator. */
function thermostatTemps(args: MdArgs): void {
  for (const [v, o] of [[args.temp, '--temp'], [args.tempFinal, '--temp-final']] as const) {
    if (v !== undefined && !(v > 0)) {
      throw new UsageError(`md: ${o} ${v}: a thermostat (--ensemble ${args.ensemble}) needs a positive temperature; ` +
        'to start at rest use --ensemble nve --temp 0, to quench use `glasslab minimize`', 'md');
    }
  }
}

async function startingSystem(args: MdArgs, model: LoadedModel, units: Units, ctx: RunContext): Promise<System> {
  let sys: System;
  if (args.init !== undefined) {
    for (const [v, o] of [[args.n, '--n'], [args.density, '--density'], [args.dim, '--dim']] as const) {
      if (v !== undefined) throw new UsageError(`md: ${o} applies to a random start; it cannot be combined with --init`, 'md');
    }
    sys = await readInput(args.init, model, ctx.cwd);
    // the file is in memory; the run's arrays and neighbour list are not yet
    checkMemory(sys.n, sys.dim, sys.n / sys.box.volume, model, args, ctx, `--init ${args.init} (${sys.n} atoms)`);
    if (sys.velocities) {
      ctx.note(`md: using the velocities stored in ${args.init}`);
      return sys;
    }
  } else {
    const defaults = model.defaults;
    const density = args.density ?? defaults?.numberDensity;
    const dim = args.dim ?? defaults?.dim ?? (model.potential.kind === 'pair' ? model.potential.dim : 3) ?? 3;
    if (density === undefined || !defaults) {
      throw new UsageError(`md: model '${model.name}' has no usual composition/density; start from a file with --init`, 'md');
    }
    const modelDim = model.potential.kind === 'pair' ? model.potential.dim : 3;
    if (modelDim !== undefined && dim !== modelDim) {
      throw new UsageError(`md: model '${model.name}' is defined in ${modelDim}D; --dim ${dim} does not fit`, 'md');
    }
    checkMemory(args.n ?? 4000, dim as 2 | 3, density, model, args, ctx);
    sys = randomConfiguration({
      n: args.n ?? 4000, density, dim: dim as 2 | 3, composition: defaults.composition,
      typeMasses: model.potential.typeMasses, seed: args.seed,
    });
  }
  if (args.temp === undefined) {
    throw new UsageError('md: --temp is needed to draw the initial velocities', 'md');
  }
  initVelocities(sys, args.temp, args.seed, units);
  return sys;
}
