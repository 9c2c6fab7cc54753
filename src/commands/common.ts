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
import type { EnumOption, StringOption } from './registry.ts';

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
  const maxForce = maxAtomForce(createForceProvider(pot, { skin: 0 }).compute(sys).forces, sys.dim);
  if (maxForce > tol) {
    warn.note(`${warn.command}: warning: ${warn.file} is not at a minimum (max |F| = ${maxForce.toExponential(3)} > ${tol.toExponential()}); ` +
      `${warn.consequence} Run \`glasslab minimize\` first.`);
  }
  return maxForce;
}
