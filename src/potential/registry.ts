/**
 * Named potentials: `getPotential('ka')`, `potentialNames()`. Adding a model
 * is one entry here plus its module and tests.
 */
import { loadEam, loadEamFs } from './eam-fs.ts';
import { createIpl, IPL_DEFAULTS } from './ipl.ts';
import { createKobAndersen, KA_DEFAULTS } from './ka.ts';
import type { ModelDefaults } from './model-defaults.ts';
import { isDirectory, isFile } from '../platform/index.ts';
import { findPotentialFile } from './potential-file.ts';
import type { Potential } from './types.ts';

export interface GetPotentialOptions {
  /** file or directory for tabulated potentials (the `--potential PATH` option) */
  potentialPath?: string;
  /** element of each atom type 1, 2, ... (the `--elements` option; `eam` only) */
  elements?: readonly string[];
}

interface RegistryEntry {
  readonly description: string;
  readonly defaults?: ModelDefaults;
  readonly create: (opts: GetPotentialOptions) => Potential;
}

/** File of the `cuzr` model as shipped with LAMMPS (header: M. I. Mendelev, 2007; Wei et al. 2019 cite Mendelev et al., Philos. Mag. 89, 109 (2009)). */
export const CUZR_FILE = 'CuZr_mm.eam.fs';

/**
 * Cu50Zr50 glass as in Wei et al., Phys. Rev. B (2019), "Revisiting the structure-property
 * relationship of metallic glasses":
 * 19 652 atoms in about 70 x 70 x 70 A^3 -> N/V ~= 0.0573 A^-3 (inferred from
 * the quoted box size), quenched from the liquid at 2000 K.
 */
const CUZR_DEFAULTS: ModelDefaults = {
  dim: 3, numberDensity: 0.0573, composition: [0, 0.5, 0.5], temperatureUnit: 'K',
  referenceTemperatures: { liquid: 2000 },
  source: 'Wei et al., Phys. Rev. B (2019), who cite Mendelev et al., Philos. Mag. 89, 109 (2009); the file shipped with LAMMPS is Mendelev 2007 (its header)',
  inferred: 'number density from the approximate box size (~70 A) quoted by Wei et al.',
};

const REGISTRY: Readonly<Record<string, RegistryEntry>> = {
  ka: {
    description: 'Kob-Andersen 80:20 binary LJ, truncated and shifted at 2.5 sigma_ab (LAMMPS lj/cut + shift yes)',
    defaults: KA_DEFAULTS,
    create: () => createKobAndersen('shift'),
  },
  'ka-sf': {
    description: 'Kob-Andersen 80:20 binary LJ, shifted force at 2.5 sigma_ab (LAMMPS lj/smooth/linear)',
    defaults: KA_DEFAULTS,
    create: () => createKobAndersen('shifted-force'),
  },
  ipl2d: {
    description: '2D 50:50 binary r^-10 inverse power law, smooth to 3rd order at x_c = 1.48 (Zylberg et al. PNAS 2017)',
    defaults: IPL_DEFAULTS.ipl2d,
    create: () => createIpl({ dim: 2 }),
  },
  ipl3d: {
    description: '3D 50:50 binary r^-10 inverse power law, smooth to 3rd order at x_c = 1.48 (Zylberg et al. PNAS 2017)',
    defaults: IPL_DEFAULTS.ipl3d,
    create: () => createIpl({ dim: 3 }),
  },
  cuzr: {
    description: `Cu-Zr Finnis-Sinclair EAM (Mendelev 2007, ${CUZR_FILE}; types 1=Cu 2=Zr; metal units)`,
    defaults: CUZR_DEFAULTS,
    create: (opts) => loadEamFs(findPotentialFile(CUZR_FILE, opts), { name: 'cuzr' }),
  },
  eam: {
    description: 'any LAMMPS EAM setfl file, eam/alloy or eam/fs (--potential FILE, --elements of types 1, 2, ...; metal units)',
    create: createEam,
  },
};

/** The generic `eam` model: the file's layout from its name (.eam.alloy, .eam.fs) or content. */
function createEam(opts: GetPotentialOptions): Potential {
  const path = opts.potentialPath;
  if (path === undefined) throw new Error("model 'eam' needs --potential FILE (a LAMMPS eam/alloy or eam/fs setfl file)");
  if (isDirectory(path)) throw new Error(`model 'eam': --potential ${path} is a folder; give the setfl file itself`);
  if (!isFile(path)) throw new Error(`model 'eam': potential file not found at --potential ${path}`);
  const elements = opts.elements;
  if (elements === undefined || elements.length === 0) {
    throw new Error("model 'eam' needs --elements EL1,EL2,... (the element of atom types 1, 2, ...)");
  }
  const empty = elements.findIndex((e) => e.trim() === '');
  if (empty >= 0) throw new Error(`--elements: type ${empty + 1} has no element name (got '${elements.join(',')}')`);
  return loadEam(path, { name: 'eam', typeElements: elements.map((e) => e.trim()) });
}

/** Registered potential names. */
export function potentialNames(): string[] {
  return Object.keys(REGISTRY);
}

/** One-line description of a registered potential. */
export function describePotential(name: string): string {
  return entry(name).description;
}

/** Usual glass-making state (density, composition, temperatures) of each registered model. */
export const modelDefaults: Readonly<Record<string, ModelDefaults>> = Object.freeze(
  Object.fromEntries(Object.entries(REGISTRY).flatMap(([k, v]) => (v.defaults ? [[k, v.defaults]] : []))),
);

/** Build a registered potential by name. */
export function getPotential(name: string, opts: GetPotentialOptions = {}): Potential {
  return entry(name).create(opts);
}

function entry(name: string): RegistryEntry {
  const e = Object.hasOwn(REGISTRY, name) ? REGISTRY[name] : undefined;
  if (!e) {
    const list = Object.entries(REGISTRY).map(([k, v]) => `  ${k}: ${v.description}`).join('\n');
    throw new Error(`unknown potential '${name}'; known potentials:\n${list}`);
  }
  return e;
}
