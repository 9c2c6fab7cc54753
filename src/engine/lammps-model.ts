/**
 * A glasslab model as LAMMPS input: the `units`, `pair_style`, `pair_coeff`
 * and `mass` lines that make LAMMPS compute the same energies and forces as
 * our potential, and any file those lines read.
 *
 * - LJ mixtures (`ka`, `ka-sf`): the exact pair styles. Truncated and
 *   shifted is `lj/cut` with per-pair cutoffs and `pair_modify shift yes`;
 *   shifted force is `lj/smooth/linear` (E = phi(r) - phi(rc) - (r - rc)
 *   phi'(rc), LAMMPS manual, pair_style lj/smooth/linear). epsilon and sigma
 *   are recovered from the pair table: sigma^6 = lj1/lj2, eps = lj2^2/(4 lj1).
 * - EAM setfl files (`cuzr`, `eam`): `eam/fs` or `eam/alloy` with the same
 *   file and the element of each type (`pair_coeff * * FILE el1 el2 ...`).
 * - Any other pair potential (`ipl2d`, `ipl3d`): `pair_style table linear`
 *   over a table file written from our radial function (energy and force
 *   -dphi/dr, exact at the tabulated distances; LAMMPS manual, pair_style
 *   table). Between the points LAMMPS interpolates linearly in r^2 over
 *   `tablePoints` points, so energies and forces agree to that accuracy
 *   (test/engine/lammps-table.test.ts measures it). The table starts where
 *   phi reaches TABLE_INNER_ENERGY (unreachable in a simulation); LAMMPS
 *   stops with "Pair distance < table inner cutoff" below it.
 */
import { pairTableOf } from '../potential/pair-table.ts';
import type { Potential, PairPotential } from '../potential/types.ts';
import { DPHI, PHI } from '../potential/types.ts';
import type { EamFsPotential } from '../potential/eam-fs.ts';

/** One file an input deck reads, by its name relative to the deck. */
export interface DeckFile {
  name: string;
  text: string;
}

/** The LAMMPS lines of a model and the files they read. */
export interface LammpsModel {
  /** `pair_style`, `pair_coeff`, `pair_modify` lines (after read_data) */
  pairLines: string[];
  files: DeckFile[];
}

export interface LammpsModelOptions {
  /** points of each pair table (file and interpolation), default 10000 */
  tablePoints?: number;
  /** file name of the pair table, default 'pair.table' */
  tableFile?: string;
}

/** Energy (model unit) at the inner end of a pair table: no pair gets this close in a simulation. */
export const TABLE_INNER_ENERGY = 1e3;
const DEFAULT_TABLE_POINTS = 10000;

/** A number as LAMMPS reads it back to the same double. */
const g = (x: number): string => String(x);

/** The pair lines (and files) that make LAMMPS evaluate `pot`. */
export function lammpsModel(pot: Potential, opts: LammpsModelOptions = {}): LammpsModel {
  if (pot.kind === 'eam') return eamLines(pot);
  const table = pairTableOf(pot);
  if (table?.kind === 'lj') {
    const lines: string[] = [];
    let rcMax = 0;
    for (let a = 1; a <= table.ntypes; a++) {
      for (let b = a; b <= table.ntypes; b++) {
        const k = a * table.stride + b;
        const sigma = (table.lj1[k] / table.lj2[k]) ** (1 / 6);
        const eps = (table.lj2[k] * table.lj2[k]) / (4 * table.lj1[k]);
        rcMax = Math.max(rcMax, table.rc[k]);
        lines.push(`pair_coeff ${a} ${b} ${g(eps)} ${g(sigma)} ${g(table.rc[k])}`);
      }
    }
    if (table.scheme === 'shift') return { pairLines: [`pair_style lj/cut ${g(rcMax)}`, ...lines, 'pair_modify shift yes'], files: [] };
    return { pairLines: [`pair_style lj/smooth/linear ${g(rcMax)}`, ...lines], files: [] };
  }
  return tableLines(pot, opts);
}

function eamLines(pot: Potential & { kind: 'eam' }): LammpsModel {
  const file = (pot as Partial<EamFsPotential>).file;
  if (file === undefined) throw new Error(`potential '${pot.name}': an EAM potential without a setfl file cannot be written for LAMMPS`);
  if (/[\s"'$#]/.test(file.path)) {
    throw new Error(`potential file ${file.path}: LAMMPS cannot read a path with spaces, quotes, '$' or '#'; copy the file to a plain path and pass --potential`);
  }
  return {
    pairLines: [`pair_style eam/${file.format}`, `pair_coeff * * ${file.path} ${pot.elements.slice(1).join(' ')}`],
    files: [],
  };
}

/** Section keyword of the pair (a, b) in the table file. */
const sectionName = (a: number, b: number): string => `PAIR_${a}_${b}`;

function tableLines(pot: PairPotential, opts: LammpsModelOptions): LammpsModel {
  const n = opts.tablePoints ?? DEFAULT_TABLE_POINTS;
  const name = opts.tableFile ?? 'pair.table';
  const parts: string[] = [`# pair table of glasslab model '${pot.name}': r, energy, force = -dphi/dr (written by glasslab)`];
  const coeffs: string[] = [];
  for (let a = 1; a <= pot.ntypes; a++) {
    for (let b = a; b <= pot.ntypes; b++) {
      const t = pairTable(pot, a, b, n);
      parts.push('', sectionName(a, b), `N ${n} R ${g(t.rlo)} ${g(t.rc)}`, '');
      for (let i = 0; i < n; i++) parts.push(`${i + 1} ${g(t.r[i])} ${g(t.e[i])} ${g(t.f[i])}`);
      coeffs.push(`pair_coeff ${a} ${b} ${name} ${sectionName(a, b)} ${g(t.rc)}`);
    }
  }
  return { pairLines: [`pair_style table linear ${n}`, ...coeffs], files: [{ name, text: parts.join('\n') + '\n' }] };
}

/** Tabulated pair (a, b): n distances from the inner cutoff to the cutoff, energy phi and force -dphi/dr at each. */
export function pairTable(pot: PairPotential, a: number, b: number, n: number): { rlo: number; rc: number; r: Float64Array; e: Float64Array; f: Float64Array } {
  if (!Number.isInteger(n) || n < 2) throw new Error(`pair table: need at least 2 points, got ${n}`);
  const rc = pot.cutoff(a, b);
  const rlo = innerCutoff(pot, a, b, rc);
  const r = new Float64Array(n), e = new Float64Array(n), f = new Float64Array(n);
  const out = new Float64Array(4);
  for (let i = 0; i < n; i++) {
    // the last point is the cutoff itself, where our radial functions are already zero
    const x = i === n - 1 ? rc : rlo + ((rc - rlo) * i) / (n - 1);
    pot.radial(a, b, x, out);
    r[i] = x;
    e[i] = out[PHI];
    f[i] = -out[DPHI];
  }
  return { rlo, rc, r, e, f };
}

/** Largest r < rc (to 1e-3 rc) with phi(r) >= TABLE_INNER_ENERGY, found by bisection from 0.01 rc. */
function innerCutoff(pot: PairPotential, a: number, b: number, rc: number): number {
  const out = new Float64Array(4);
  const phi = (r: number) => { pot.radial(a, b, r, out); return out[PHI]; };
  let lo = 0.01 * rc, hi = rc;
  if (!(phi(lo) >= TABLE_INNER_ENERGY)) {
    throw new Error(`potential '${pot.name}': pair (${a},${b}) stays below ${TABLE_INNER_ENERGY} at r = ${g(lo)}; it cannot be tabulated for LAMMPS`);
  }
  while (hi - lo > 1e-3 * rc) {
    const mid = 0.5 * (lo + hi);
    if (phi(mid) >= TABLE_INNER_ENERGY) lo = mid;
    else hi = mid;
  }
  return lo;
}
