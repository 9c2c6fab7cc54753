/**
 * LAMMPS restart files as checkpoints (`md --engine lammps --checkpoint`,
 * continued with `--resume`): recognising one, reading the head of its
 * header, and the state it holds as a System (a probe run of LAMMPS that
 * reads it and dumps it).
 *
 * The header (LAMMPS 29 Sep 2021, write_restart.cpp: magic_string,
 * endian, version_numeric, header): the magic string "LammpS RestartT" and
 * its NUL, two ints (endianness, format revision), then (flag, value) pairs
 * in native byte order: VERSION (0, string), SMALLINT (1), IMAGEINT (48),
 * TAGINT (2), BIGINT (3) (ints), UNITS (4, string), NTIMESTEP (5, int64),
 * DIMENSION (6, int), ... A string is its length (with the NUL) and bytes.
 * We read up to DIMENSION.
 */
import { joinPath as join, latin1, readHead } from '../platform/index.ts';
import { readDumpFrame } from '../io/index.ts';
import type { Potential } from '../potential/types.ts';
import type { System } from '../system/system.ts';
import { lammpsPath, writeDeck } from './lammps-deck.ts';
import { lammpsModel } from './lammps-model.ts';
import { runLammpsDeck, type LammpsLaunch } from './lammps-process.ts';

export const RESTART_MAGIC = 'LammpS RestartT';

export interface RestartHeader {
  /** the LAMMPS version that wrote it */
  version: string;
  units: string;
  /** the step it was written at */
  timestep: number;
  dim: 2 | 3;
}


/** True when `path` starts with LAMMPS's restart magic string. */
export function isLammpsRestart(path: string): boolean {
  return latin1(readHead(path, RESTART_MAGIC.length)) === RESTART_MAGIC;
}

/** The units, step and dimension of a restart file; one-line errors name the file. */
export function readRestartHeader(path: string): RestartHeader {
  const b = readHead(path, 4096);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const bad = (why: string) => new Error(`${path}: not a LAMMPS restart file this version reads (${why})`);
  if (latin1(b.subarray(0, RESTART_MAGIC.length)) !== RESTART_MAGIC) throw bad('no "LammpS RestartT" at its start');
  let at = RESTART_MAGIC.length + 1;
  const need = (n: number) => { if (at + n > b.length) throw bad('header cut short'); };
  const int = () => { need(4); const v = view.getInt32(at, true); at += 4; return v; };
  const str = () => { const n = int(); need(n); const s = latin1(b.subarray(at, at + n - 1)); at += n; return s; };
  if (int() !== 1) throw bad('written on a machine of another byte order');
  int(); // format revision
  const h: Partial<RestartHeader> = {};
  for (let k = 0; k < 12 && h.dim === undefined; k++) {
    const flag = int();
    if (flag === 0) h.version = str();
    else if (flag === 4) h.units = str();
    else if (flag === 5) { need(8); h.timestep = Number(view.getBigInt64(at, true)); at += 8; }
    else if (flag === 6) { const d = int(); if (d !== 2 && d !== 3) throw bad(`dimension ${d}`); h.dim = d; }
    else if (flag === 1 || flag === 2 || flag === 3 || flag === 48) int();
    else throw bad(`unexpected header flag ${flag}`);
  }
  if (h.version === undefined || h.units === undefined || h.timestep === undefined || h.dim === undefined) throw bad('no units, step or dimension in its header');
  return h as RestartHeader;
}

/**
 * The state a restart file holds (box, ids, types, positions, velocities,
 * its step), read by a LAMMPS probe run in `dir`: read_restart, the model's
 * pair lines (a pair table's coefficients are not in a restart file), and
 * write_dump of every atom at full precision, read back with the model's
 * masses.
 */
export async function readRestartState(path: string, potential: Potential, launch: LammpsLaunch, dir: string): Promise<System> {
  const h = readRestartHeader(path);
  if (h.units !== potential.units) throw new Error(`${path}: the restart file is in ${h.units} units but model '${potential.name}' uses ${potential.units}`);
  const model = lammpsModel(potential);
  const cols = ['id', 'type', 'xu', 'yu', ...(h.dim === 3 ? ['zu'] : []), 'vx', 'vy', ...(h.dim === 3 ? ['vz'] : [])];
  const deck = [
    `# glasslab: the state of ${path}`,
    `read_restart ${lammpsPath(path, 'restart file')}`,
    ...model.pairLines,
    `write_dump all custom probe.dump ${cols.join(' ')} modify sort id format float %.17g`,
  ].join('\n') + '\n';
  writeDeck(dir, 'in.probe.lmp', deck, model.files);
  await runLammpsDeck(dir, 'in.probe.lmp', { ...launch, mpi: undefined, launcher: undefined });
  const sys = await readDumpFrame(join(dir, 'probe.dump'), 0, { dim: h.dim, typeMasses: potential.typeMasses });
  sys.timestep = h.timestep;
  return sys;
}
