/**
 * Pieces every LAMMPS deck of glasslab shares: the setup (units, dimension,
 * boundary, the start configuration written by our data writer, the model's
 * pair lines, the neighbour list as ours: `neighbor SKIN bin`,
 * `neigh_modify every 1 delay 0 check yes`), writing a deck folder, and
 * reading thermo blocks out of LAMMPS's screen output.
 */
import { joinPath as join, makeDir, writeFileAtomic } from '../platform/index.ts';
import { DEFAULT_SKIN_LJ, DEFAULT_SKIN_METAL } from '../core/force-provider.ts';
import { formatLammpsData } from '../io/index.ts';
import type { Potential } from '../potential/types.ts';
import type { System } from '../system/system.ts';
import type { Units } from '../util/units.ts';
import { lammpsModel, type DeckFile } from './lammps-model.ts';

/** The start configuration's file name inside a deck folder. */
export const START_DATA = 'start.data';

/** A path as a LAMMPS argument; refused when LAMMPS would misread it. */
export function lammpsPath(path: string, what: string): string {
  if (/[\s"'$#&]/.test(path)) {
    throw new Error(`${what} ${path}: LAMMPS cannot take a path with spaces, quotes, '$', '&' or '#'; choose a plain path`);
  }
  return path;
}

/** A number as LAMMPS reads it back to the same double. */
export const lmpNum = (x: number | string): string => String(x);

export interface DeckSetup {
  potential: Potential;
  units: Units;
  /** the start configuration (written to start.data, with velocities when it has them) */
  start: System;
  /** Verlet-list skin (length unit); default 0.3 (lj), 1.0 (metal) */
  skin?: number;
  /** first line of the deck (a comment) */
  title: string;
  /** continue from this LAMMPS restart file (read_restart: units, dimension, box, atoms, velocities, step and the fixes' state) instead of writing `start` */
  restart?: string;
}

/** The deck's opening lines up to the neighbour list, and the files they read. */
export function deckSetup(s: DeckSetup): { lines: string[]; files: DeckFile[] } {
  const sys = s.start;
  if (s.potential.units !== s.units.name) throw new Error(`model '${s.potential.name}' uses ${s.potential.units} units, the job ${s.units.name}`);
  const model = lammpsModel(s.potential);
  const skin = s.skin ?? (s.units.name === 'metal' ? DEFAULT_SKIN_METAL : DEFAULT_SKIN_LJ);
  if (s.restart !== undefined) {
    // read_restart sets units, dimension, boundary, box and atoms; pair coefficients of tables and EAM files are not in it
    const lines = [`# ${s.title}`, `read_restart ${lammpsPath(s.restart, 'restart file')}`, ...model.pairLines, `neighbor ${lmpNum(skin)} bin`, 'neigh_modify every 1 delay 0 check yes'];
    return { lines, files: model.files };
  }
  const dim = sys.dim;
  const boundary = [0, 1, 2].map((k) => (k < dim ? (sys.box.periodic[k] ? 'p' : 'f') : 'p')).join(' ');
  const lines = [
    `# ${s.title}`,
    `units ${s.units.name}`,
    `dimension ${dim}`,
    'atom_style atomic',
    `boundary ${boundary}`,
    ...(sys.box.triclinic ? ['box tilt large'] : []),
    `read_data ${START_DATA}`,
    ...(sys.timestep ? [`reset_timestep ${sys.timestep}`] : []),
    ...model.pairLines,
    `neighbor ${lmpNum(skin)} bin`,
    'neigh_modify every 1 delay 0 check yes',
  ];
  const data = formatLammpsData(sys, { title: `start configuration (${s.title})`, velocities: true });
  return { lines, files: [{ name: START_DATA, text: data }, ...model.files] };
}

/** The mass of each atom type of `sys` (index = type), the potential's where `sys` has no atom of it: what reading a dump back needs. */
export function typeMassesOf(potential: Potential, sys: System): number[] {
  const m: number[] = [...potential.typeMasses];
  for (let i = 0; i < sys.n; i++) m[sys.types[i]] = sys.masses[i];
  return m;
}

/** Write a deck and its files into `dir` (created); returns the deck's path. */
export function writeDeck(dir: string, name: string, deck: string, files: readonly DeckFile[]): string {
  makeDir(dir);
  for (const f of files) writeFileAtomic(join(dir, f.name), new TextEncoder().encode(f.text));
  writeFileAtomic(join(dir, name), new TextEncoder().encode(deck));
  return join(dir, name);
}

/**
 * Reads thermo rows out of LAMMPS screen lines: a header line starting with
 * `Step` opens a block; a line of as many numbers is a row, keyed by the
 * header's names (`Step`, `PotEng`, ...); `Loop time` closes the block.
 * Other lines (warnings) are skipped.
 */
export class ThermoBlockReader {
  private header: string[] | undefined;

  /** The row of this line, or undefined when the line is not a thermo row. */
  feed(line: string): Record<string, number> | undefined {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'Step') { this.header = f; return undefined; }
    if (f[0] === 'Loop') { this.header = undefined; return undefined; }
    const h = this.header;
    if (!h || f.length !== h.length) return undefined;
    const v = f.map(Number);
    if (!v.every(Number.isFinite)) return undefined;
    return Object.fromEntries(h.map((name, k) => [name, v[k]]));
  }
}
