/**
 * Pieces shared by the commands: the model options, loading the potential,
 * reading and checking the input configuration (outputs: outputs.ts).
 */
import { readDir as readdirSync, relativePath as relative, resolvePath as resolve, stat } from '../platform/index.ts';
import { checkInputAgainstModel, modelDimension, planarSystem, zSpread } from '../core/check-configuration.ts';
import { createForceProvider } from '../core/force-provider.ts';
import { readSystem } from '../io/index.ts';
import { maxAtomForce } from '../minimize/common.ts';
import { getPotential, modelDefaults, potentialNames } from '../potential/registry.ts';
import type { ModelDefaults } from '../potential/model-defaults.ts';
import type { Potential } from '../potential/types.ts';
import type { System } from '../system/system.ts';
import type { FrameSource } from '../system/frame-source.ts';
import type { VoronoiOptions } from '../analysis/structure/voronoi.ts';
import { lammpsArgv, splitCommandLine, type LammpsLaunch } from '../engine/lammps-process.ts';
import { checkSlurmOptions, JOB_SCRIPT, submitSlurm, writeSlurmScript, type JobManifest, type SlurmOptions } from '../engine/lammps-job.ts';
import { UsageError, type BooleanOption, type EnumOption, type IntegerOption, type NumberOption, type StringOption } from './registry.ts';

/** `--model` and `--potential`, the same for every command that computes forces. */
export const modelOptions = {
  model: {
    type: 'enum', choices: potentialNames(), default: 'ka',
    summary: 'interaction model (see the potential registry)',
  } satisfies EnumOption,
  potential: {
    type: 'string', metavar: 'PATH',
    summary: 'tabulated potential file, or a directory holding it (tabulated models such as cuzr; the file itself for --model eam); default: $LAMMPS_POTENTIALS, then /usr/share/lammps/potentials',
  } satisfies StringOption,
  elements: {
    type: 'string', metavar: 'LIST',
    summary: 'comma-separated element names of atom types 1, 2, ... for --model eam',
  } satisfies StringOption,
};

/** `--engine` and how LAMMPS is started, the same for md and minimize (src/engine). */
export const engineOptions = {
  engine: {
    type: 'enum', choices: ['glasslab', 'lammps'], default: 'glasslab',
    summary: 'who computes: glasslab (embedded) or lammps (one input deck written from these options, run by lmp; the same output files)',
  } satisfies EnumOption,
  mpi: { type: 'integer', min: 1, summary: 'lammps engine: MPI ranks (mpirun -np N, which is allowed to run as root when glasslab does)' } satisfies IntegerOption,
  launcher: { type: 'string', metavar: 'CMD', summary: 'lammps engine: command line put before lmp, e.g. "srun -n 128" (instead of --mpi)' } satisfies StringOption,
  lmp: { type: 'string', metavar: 'PATH', summary: 'lammps engine: the LAMMPS binary; default $GLASSLAB_LMP, then lmp on the PATH' } satisfies StringOption,
};

/**
 * How to start LAMMPS from `engineOptions`, checked: the options need
 * --engine lammps, --mpi and --launcher exclude each other, the launcher
 * splits into words.
 */
export function lammpsLaunch(args: { engine: string; mpi?: number; launcher?: string; lmp?: string }, command: string): LammpsLaunch {
  if (args.engine !== 'lammps') {
    for (const [v, o] of [[args.mpi, '--mpi'], [args.launcher, '--launcher'], [args.lmp, '--lmp']] as const) {
      if (v !== undefined) throw new UsageError(`${command}: ${o} applies to --engine lammps`, command);
    }
  }
  if (args.mpi !== undefined && args.launcher !== undefined) {
    throw new UsageError(`${command}: give either --mpi N or --launcher CMD (e.g. --launcher "mpirun -np 4"), not both`, command);
  }
  if (args.launcher !== undefined) {
    try {
      if (splitCommandLine(args.launcher).length === 0) throw new Error('it is empty');
    } catch (e) {
      throw new UsageError(`${command}: --launcher ${JSON.stringify(args.launcher)}: ${(e as Error).message.replace(/^launcher '.*': /, '')}; give a command line such as "srun -n 128"`, command);
    }
  }
  return { lmp: args.lmp, mpi: args.mpi, launcher: args.launcher };
}

/**
 * A cluster job instead of a run (md --write-only DIR): `--submit slurm`
 * adds a Slurm batch script to the job folder (src/engine/lammps-job.ts)
 * with these sbatch settings, and submits it when sbatch is on the PATH.
 */
export const slurmOptions = {
  submit: { type: 'enum', choices: ['slurm'], summary: 'with --write-only DIR: also write DIR/job.slurm (sbatch settings below, srun lmp in each run folder) and submit it when sbatch is on the PATH; else print how' } satisfies EnumOption,
  nodes: { type: 'integer', min: 1, summary: 'slurm: nodes of each run (#SBATCH --nodes)' } satisfies IntegerOption,
  ntasks: { type: 'integer', min: 1, summary: 'slurm: MPI ranks of each run (#SBATCH --ntasks; srun starts them)' } satisfies IntegerOption,
  time: { type: 'string', metavar: 'LIMIT', summary: 'slurm: wall-clock limit of each run (#SBATCH --time, e.g. 24:00:00 or 2-00:00:00)' } satisfies StringOption,
  partition: { type: 'string', metavar: 'NAME', summary: 'slurm: partition (#SBATCH --partition)' } satisfies StringOption,
  account: { type: 'string', metavar: 'NAME', summary: 'slurm: account charged (#SBATCH --account)' } satisfies StringOption,
};

/** `--write-only DIR`: a LAMMPS job folder instead of a run (md, minimize, shear). */
export const writeOnlyOption = {
  type: 'string', metavar: 'DIR',
  summary: 'lammps engine: write a job folder DIR (new or empty): the input deck, the start data, any pair table and job.json, and stop; run it there with lmp -in DECK -log log.lammps (or sbatch with --submit slurm), then glasslab collect DIR',
} satisfies StringOption;

/**
 * The job-folder options checked (`--write-only`, `--submit` and the sbatch
 * settings): --write-only needs --engine lammps, --submit and the settings
 * need --write-only, and --mpi is refused with --submit (srun starts the
 * ranks). Returns the sbatch settings, undefined without --submit.
 */
export function jobFolderSettings(
  args: { engine: string; mpi?: number; writeOnly?: string; submit?: string; nodes?: number; ntasks?: number; time?: string; partition?: string; account?: string },
  command: string,
): SlurmOptions | undefined {
  if (args.engine !== 'lammps' && args.writeOnly !== undefined) throw new UsageError(`${command}: --write-only applies to --engine lammps`, command);
  const slurm = slurmSettings(args, command);
  if (args.writeOnly === undefined && args.submit !== undefined) {
    throw new UsageError(`${command}: --submit writes a job folder: add --engine lammps --write-only DIR`, command);
  }
  if (args.submit !== undefined && args.mpi !== undefined) {
    throw new UsageError(`${command}: --mpi starts mpirun here; in a Slurm job srun starts the ranks: give --ntasks N instead`, command);
  }
  return slurm;
}

/** The folder of `--write-only DIR`, refused in one line when it exists and is not an empty folder. */
export function jobFolder(writeOnly: string, cwd: string, command: string): string {
  const dir = resolve(cwd, writeOnly);
  const st = stat(dir);
  if (st && (!st.isDirectory || readdirSync(dir).length > 0)) {
    throw new UsageError(`${command}: --write-only ${writeOnly} exists and is not an empty folder; give a new or empty folder`, command);
  }
  return dir;
}

/**
 * The end of `--write-only` for every command: without --submit, how to run
 * the folder; with it, the Slurm script (srun lmp in each run folder, or the
 * --launcher) written and submitted when sbatch is on the PATH. Returns the
 * Slurm job id when submitted.
 */
export function finishJobFolder(
  ctx: { cwd: string; print(line: string): void }, command: string, dir: string, manifest: JobManifest,
  launch: LammpsLaunch, slurm: SlurmOptions | undefined, what: string,
): string | undefined {
  const shown = relative(ctx.cwd, dir) || '.';
  const count = manifest.members.length;
  const head = `# glasslab ${command} --engine lammps: wrote ${shown}/ (${what}`;
  if (slurm === undefined) {
    const where = count > 1 ? `each of ${shown}/member-000 .. member-${String(count - 1).padStart(3, '0')}` : shown;
    ctx.print(`${head}${count > 1 ? `, ${count} members` : ''}); run it in ${where} with: ${lammpsArgv(launch, manifest.deck).join(' ')}; then: glasslab collect ${shown}`);
    return undefined;
  }
  const argv = lammpsArgv({ ...launch, launcher: launch.launcher ?? 'srun' }, manifest.deck);
  writeSlurmScript(dir, manifest, argv, slurm);
  ctx.print(`${head}${count > 1 ? `, a Slurm array of ${count} members` : ''}) and ${shown}/${JOB_SCRIPT}`);
  const id = submitSlurm(dir);
  if (id === undefined) ctx.print(`# sbatch is not on the PATH: on the cluster, run: cd ${shown} && sbatch ${JOB_SCRIPT}; when it has run: glasslab collect ${shown}`);
  else ctx.print(`submitted job ${id}; when it has run: glasslab collect ${shown}`);
  return id;
}

/** The sbatch settings of `slurmOptions`, checked (they need --submit slurm; one-line errors name the option). */
export function slurmSettings(args: { submit?: string; nodes?: number; ntasks?: number; time?: string; partition?: string; account?: string }, command: string): SlurmOptions | undefined {
  const given = [[args.nodes, '--nodes'], [args.ntasks, '--ntasks'], [args.time, '--time'], [args.partition, '--partition'], [args.account, '--account']] as const;
  if (args.submit === undefined) {
    for (const [v, o] of given) if (v !== undefined) throw new UsageError(`${command}: ${o} applies to --submit slurm`, command);
    return undefined;
  }
  const s: SlurmOptions = { nodes: args.nodes, ntasks: args.ntasks, time: args.time, partition: args.partition, account: args.account };
  try {
    checkSlurmOptions(s);
  } catch (e) {
    const msg = (e as Error).message;
    const opt = msg.startsWith('time') ? '--time' : msg.startsWith('partition') ? '--partition' : msg.startsWith('account') ? '--account' : '';
    throw new UsageError(`${command}: ${opt}${opt ? ' ' : ''}${msg.replace(/^(time|partition|account) /, '')}`, command);
  }
  return s;
}

export interface LoadedModel {
  name: string;
  potential: Potential;
  defaults: ModelDefaults | undefined;
}

/** The potential of `--model`, `--potential` and `--elements` (`elements`: only for --model eam). */
export function loadModel(name: string, potentialPath: string | undefined, cwd: string, elements?: string): LoadedModel {
  if (elements !== undefined && name !== 'eam') throw new Error(`--elements applies only to --model eam (got --model ${name})`);
  const potential = getPotential(name, {
    potentialPath: potentialPath === undefined ? undefined : resolve(cwd, potentialPath),
    elements: elements === undefined ? undefined : elements.split(','),
  });
  return { name, potential, defaults: modelDefaults[name] };
}

/**
 * Absolute path of an input file, checked: it exists and is a file (not a
 * folder). `option` names where it came from in the message, e.g. '--init'.
 */
export function inputFile(path: string, cwd: string, option?: string): string {
  const abs = resolve(cwd, path);
  const label = option === undefined ? path : `${option} ${path}`;
  const st = stat(abs);
  if (!st) throw new Error(`${path}: no such file`);
  if (st.isDirectory) throw new Error(`${label}: is a folder; give a file`);
  return abs;
}

/** Masses by type for reading files without masses: the model's, then 1 for types the model lacks (checkInputAgainstModel reports those). */
export function readerMasses(model: LoadedModel): Float64Array {
  const tm = model.potential.typeMasses;
  const m = new Float64Array(Math.max(4096, tm.length)).fill(1);
  for (let t = 1; t < tm.length; t++) m[t] = tm[t];
  return m;
}

/**
 * Read the input configuration and check it against the model before any
 * work (checkInputAgainstModel): dimension, atom types, atoms far outside the
 * box. A file read as 3D whose atoms all lie in one plane is read as 2D for a
 * 2D model. Files without masses (dumps, xyz) get the model's masses.
 */
export async function readInput(path: string, model: LoadedModel, cwd: string, option?: string): Promise<System> {
  const abs = inputFile(path, cwd, option);
  const typeMasses = readerMasses(model);
  let sys = await readSystem(abs, { typeMasses });
  if (modelDimension(model.potential) === 2 && sys.dim === 3 && zSpread(sys) === 0) {
    sys = await readSystem(abs, { dim: 2, typeMasses });
  }
  checkInputAgainstModel(sys, model.potential, { file: path, model: model.name });
  return sys;
}

/**
 * A frame source whose frames are each checked against the model, as
 * readInput checks a single configuration (streamed dumps); under a 2D
 * model, planar frames read as 3D (a LAMMPS 2D dump has a z column) are made
 * 2D (planarSystem).
 */
export function checkedFrames(source: FrameSource, file: string, model: LoadedModel): FrameSource {
  const planar = modelDimension(model.potential) === 2;
  return {
    label: source.label,
    count: () => source.count(),
    times: () => source.times(),
    async *[Symbol.asyncIterator]() {
      for await (const f of source) {
        const g = planar && f.dim === 3 && zSpread(f) === 0 ? planarSystem(f) : f;
        checkInputAgainstModel(g, model.potential, { file, model: model.name });
        yield g;
      }
    },
  };
}

/** Atom indices ordered by atom id: the row order of per-atom outputs. */
export function idOrder(sys: System): number[] {
  return Array.from({ length: sys.n }, (_, i) => i).sort((a, b) => sys.ids[a] - sys.ids[b]);
}

/**
 * Numbers in text outputs: the shortest decimal that reads back as the same
 * double (ECMAScript Number::toString), i.e. full double precision, the same
 * convention as the dump and data writers of src/io.
 */
export function num(x: number): string {
  return String(x);
}

/**
 * Largest per-atom force of `sys` (energy/length) under `pot`; when it exceeds
 * `tol` (the configuration is not a minimum), a warning naming the command,
 * the file and `consequence` goes to ctx.note. Normal modes and the local
 * thermal energy are expansions about a minimum, so both commands use it.
 */
export function maxForceWithWarning(
  sys: System, pot: Potential, tol: number,
  warn: { command: string; file: string; consequence: string; note: (msg: string) => void },
): number {
  return warnIfNotMinimum(maxAtomForce(createForceProvider(pot, { skin: 0 }).compute(sys).forces, sys.dim), tol, warn);
}

/** The warning of maxForceWithWarning for a largest force already computed (a library result's maxForce); returns it. */
export function warnIfNotMinimum(maxForce: number, tol: number, warn: { command: string; file: string; consequence: string; note: (msg: string) => void }): number {
  if (maxForce > tol) {
    warn.note(`${warn.command}: warning: ${warn.file} is not at a minimum (max |F| = ${maxForce.toExponential(3)} > ${tol.toExponential()}); ` +
      `${warn.consequence} Run \`glasslab minimize\` first.`);
  }
  return maxForce;
}

// ---------------------------------------------------------------------------
// The option vocabulary (test/cli/vocabulary.test.ts): one name, one meaning.
//   --every N      steps between dumped frames (md only)
//   --stride K     use every K-th frame of a trajectory file (every trajectory analysis)
//   --frame-dt T   time between consecutive frames IN THE FILE
//   --dt T         the MD timestep
//   --temp T       temperature, in the model's units
// Commands spread these specs and may add a default or `required`; the type,
// unit and summary stay the ones here.

/** The frame range of a trajectory file and the times of its frames. */
export const frameOptions = {
  frameDt: {
    type: 'number', min: 0, exclusiveMin: true, unit: 'time',
    summary: 'time between consecutive frames IN THE FILE (equally spaced frames; with --stride k the frames used are k x this apart)',
  } satisfies NumberOption,
  dt: {
    type: 'number', min: 0, exclusiveMin: true, unit: 'time',
    summary: "MD timestep (md default: 0.005 tau (lj), 0.001 ps (metal) or the checkpoint's; for a dump: frame time = timestep x dt)",
  } satisfies NumberOption,
  start: { type: 'integer', min: 0, summary: 'first frame of the file to use (0-based)' } satisfies IntegerOption,
  stop: { type: 'integer', min: 1, summary: 'use the frames of the file below this index' } satisfies IntegerOption,
  stride: { type: 'integer', min: 1, summary: 'use every k-th frame of the file (k x --frame-dt apart)' } satisfies IntegerOption,
};

/** `--temp`: the one temperature option. */
export const temperatureOption = {
  type: 'number', min: 0, unit: 'eps/kB (lj) or K (metal)',
  summary: "temperature in the model's units: the run's (md: initial velocities, thermostat target) or the input's (softness)",
} satisfies NumberOption;

/** `--ftol`: the minimiser's stopping force. */
export const ftolOption = {
  type: 'number', min: 0, exclusiveMin: true, default: 1e-10, unit: 'energy/length',
  summary: 'minimise until the largest per-atom force is below this',
} satisfies NumberOption;

/** `--dim`: the dimension, of a random start (md) or of the input read (voronoi, which has no model to say it). */
export const dimensionOption = {
  type: 'integer', min: 2, max: 3,
  summary: "dimension: md, of a random start (default: the model's); voronoi, of the input (2 reads x and y only; default 3)",
} satisfies IntegerOption;

/** `--frame`: one configuration of a multi-frame file (%load, view). */
export const frameOption = { type: 'integer', default: 0, summary: 'frame of a multi-frame file; negative counts from the end (dumps)' } satisfies IntegerOption;

/** The slab of a per-atom map (correlate --slab, view): its normal, mid-plane and thickness, and the units of the mapped column. */
export const slabOptions = {
  axis: { type: 'enum', choices: ['x', 'y', 'z'], default: 'z', summary: 'normal of the slab (the cell faces spanned by the other two edges)' },
  center: { type: 'number', unit: 'length', summary: "position of the slab's mid-plane along its normal; default the middle of the cell" },
  thickness: { type: 'number', min: 0, exclusiveMin: true, unit: 'length', summary: 'slab thickness (3.9 A in Wei et al.)' },
  fieldUnits: { type: 'string', metavar: 'UNITS', summary: 'units of the column, for the colour bar and summary (e.g. eV)' },
} as const;

/** `--dr`: the width of radial bins (softness: the local r integral; correlate: the shells of C(r)). */
export const radialBinOption = {
  type: 'number', min: 0, exclusiveMin: true, unit: 'length',
  summary: 'bin width in r (radial bins or shells)',
} satisfies NumberOption;

/** `--seed`, `--n`, `--steps` of a run from a random start (md, demo). */
export const runOptions = {
  n: { type: 'integer', min: 2, summary: 'number of atoms of a random start' } satisfies IntegerOption,
  steps: { type: 'integer', min: 0, summary: 'number of MD steps' } satisfies IntegerOption,
  seed: { type: 'integer', default: 1, summary: 'random seed (configuration and velocities)' } satisfies IntegerOption,
};

/** `--radical`, `--radii`, `--face-threshold`: the tessellation of the Voronoi-based commands (voronoi, descriptors). */
export const voronoiOptions = {
  radical: { type: 'boolean', summary: 'radical (Laguerre) tessellation with the radii of --radii' } satisfies BooleanOption,
  radii: { type: 'string', summary: 'radius per atom type, comma separated (type 1 first), length units' } satisfies StringOption,
  'face-threshold': { type: 'number', min: 0, max: 1, default: 0.01, summary: 'smallest counted face, as a fraction of the cell surface' } satisfies NumberOption,
};

/**
 * The tessellation of `voronoiOptions`, checked before any file is read:
 * --radical and --radii go together, the radii are non-negative numbers.
 */
export function parseVoronoiOptions(args: { radical?: boolean; radii?: string; 'face-threshold': number }): VoronoiOptions {
  if (args.radical === true && args.radii === undefined) throw new UsageError('--radical needs --radii (one radius per atom type, e.g. --radii 1.28,1.60)');
  if (args.radii !== undefined && args.radical !== true) throw new UsageError('--radii is used by --radical only; add --radical or drop --radii');
  const radii = args.radii === undefined ? undefined : args.radii.split(',').map((s) => Number(s.trim()));
  if (radii && radii.some((r) => !(r >= 0) || !Number.isFinite(r))) throw new UsageError(`--radii ${args.radii}: expected non-negative numbers separated by commas`);
  return { radii, faceAreaFraction: args['face-threshold'] };
}

/**
 * Checks that the configuration read from `file` can be tessellated with
 * `opts`: a radius for each of its atom types and, unless `anyBox` (the
 * tessellation itself takes 2D and walls), 3D and periodic.
 */
export function checkVoronoiInput(sys: System, opts: VoronoiOptions, file: string, command: string, anyBox = false): void {
  if (!anyBox && sys.dim !== 3) throw new UsageError(`${file}: ${command} needs a 3D configuration`);
  if (!anyBox && !sys.box.periodic.every((p) => p)) throw new UsageError(`${file}: ${command} needs a box periodic in x, y and z`);
  if (opts.radii) {
    let maxType = 0;
    for (const t of sys.types) maxType = Math.max(maxType, t);
    if (opts.radii.length < maxType) throw new UsageError(`--radii gives ${opts.radii.length} radii but ${file} has atom type ${maxType}`);
  }
}

/** What every main output file promises (Outputs.plan in outputs.ts refuses the inputs; files appear only when complete). */
export const OUTPUT_PROMISE = '(written atomically; never the input)';

/** `-o, --out FILE`, the main output of a command: `what` it holds, then OUTPUT_PROMISE. */
export function outputOption<const W extends string>(what: W) {
  return { type: 'string', short: 'o', metavar: 'FILE', required: true, summary: `${what} ${OUTPUT_PROMISE}` } as const satisfies StringOption;
}

/**
 * Options renamed when the vocabulary was unified: the old spelling fails
 * with the usual unknown-option error, which names the new one (see
 * `Command.renamed` in registry.ts).
 */
export const trajectoryRenames = { every: 'stride', step: 'stride' } as const;
