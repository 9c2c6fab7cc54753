/**
 * Pieces shared by the commands: the model options, loading the potential,
 * reading the input configuration, and output-path checks.
 */
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { createForceProvider } from '../core/force-provider.ts';
import { readSystem } from '../io/index.ts';
import { maxAtomForce } from '../minimize/common.ts';
import { getPotential, modelDefaults, potentialNames } from '../potential/registry.ts';
import type { ModelDefaults } from '../potential/model-defaults.ts';
import type { Potential } from '../potential/types.ts';
import type { System } from '../system/system.ts';
import { typeCount } from '../system/system.ts';
import type { EnumOption, IntegerOption, NumberOption, StringOption } from './registry.ts';

/** `--model` and `--potential`, the same for every command that computes forces. */
export const modelOptions = {
  model: {
    type: 'enum', choices: potentialNames(), default: 'ka',
    summary: 'interaction model (see the potential registry)',
  } satisfies EnumOption,
  potential: {
    type: 'string', metavar: 'PATH',
    summary: 'tabulated potential file, or a directory holding it (tabulated models such as cuzr); default: $LAMMPS_POTENTIALS, then /usr/share/lammps/potentials',
  } satisfies StringOption,
};

export interface LoadedModel {
  name: string;
  potential: Potential;
  defaults: ModelDefaults | undefined;
}

export function loadModel(name: string, potentialPath: string | undefined, cwd: string): LoadedModel {
  const potential = getPotential(name, { potentialPath: potentialPath === undefined ? undefined : resolve(cwd, potentialPath) });
  return { name, potential, defaults: modelDefaults[name] };
}

/**
 * Read the input configuration and check it against the model: atom types
 * within the model's types, dimension matching a model defined for one.
 * Files without masses (dumps, xyz) get the model's masses.
 */
export async function readInput(path: string, model: LoadedModel, cwd: string): Promise<System> {
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) throw new Error(`${path}: no such file`);
  const dim = model.potential.kind === 'pair' ? model.potential.dim : 3;
  const sys = await readSystem(abs, { dim, typeMasses: model.potential.typeMasses });
  const nt = typeCount(sys);
  if (nt > model.potential.ntypes) {
    throw new Error(`${path}: has atom type ${nt} but model '${model.name}' defines types 1..${model.potential.ntypes}`);
  }
  return sys;
}

/** Absolute output path; refuses to overwrite any of the inputs. */
export function outputPath(out: string, cwd: string, inputs: readonly (string | undefined)[], option = '--out'): string {
  const abs = resolve(cwd, out);
  const canon = canonical(abs);
  for (const input of inputs) {
    if (input !== undefined && canonical(resolve(cwd, input)) === canon) {
      throw new Error(`${option} ${out} is the input file; choose another output name (inputs are never overwritten)`);
    }
  }
  return abs;
}

function canonical(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
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

/** `--seed`, `--n`, `--steps` of a run from a random start (md, demo). */
export const runOptions = {
  n: { type: 'integer', min: 2, summary: 'number of atoms of a random start' } satisfies IntegerOption,
  steps: { type: 'integer', min: 0, summary: 'number of MD steps' } satisfies IntegerOption,
  seed: { type: 'integer', default: 1, summary: 'random seed (configuration and velocities)' } satisfies IntegerOption,
};

/** What every main output file promises (outputPath refuses the inputs; files appear only when complete). */
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
