/**
 * LAMMPS data files, `atom_style atomic` (LAMMPS manual, `read_data`).
 *
 *   <title line>
 *   <blank>
 *   4000 atoms
 *   2 atom types
 *   0 15.0 xlo xhi
 *   0 15.0 ylo yhi
 *   0 15.0 zlo zhi
 *   0.5 0 0 xy xz yz          (triclinic only)
 *
 *   Masses
 *
 *   1 1.0
 *
 *   Atoms # atomic
 *
 *   id type x y z [ix iy iz]
 *
 *   Velocities
 *
 *   id vx vy vz
 *
 * Other sections (Pair Coeffs, ...) are skipped. Comments start with '#'.
 * The box in a data file is given by true lo/hi bounds (no bounding-box
 * conversion). 2D systems: LAMMPS still writes z bounds and z coordinates;
 * read with `dim: 2` to drop them. Every error names file and line.
 */
import { Box, type Dim } from '../system/box.ts';
import { createSystem, type System } from '../system/system.ts';
import { readTextWhole, writeTextAtomic } from './files.ts';
import { boxFromHeader, headerRows, type LammpsBoxHeader } from './lammps-box.ts';
import { parseNumber, where } from './text-scan.ts';

export interface DataReadOptions {
  /** 2 to read a 2D system (z bounds and z coordinates ignored); default 3 */
  dim?: Dim;
  /** reorder atoms by ascending id (default true) */
  sortById?: boolean;
}

export interface DataWriteOptions {
  /** title line (first line of the file) */
  title?: string;
  /** write the Velocities section when the system has velocities (default true) */
  velocities?: boolean;
  /** write image flags ix iy iz after the coordinates (default: when the system has images) */
  images?: boolean;
}

/** Section keywords of read_data; any of them starts a new section. */
const SECTIONS = new Set([
  'Atoms', 'Velocities', 'Masses', 'Ellipsoids', 'Lines', 'Triangles', 'Bodies',
  'Bonds', 'Angles', 'Dihedrals', 'Impropers',
  'Pair Coeffs', 'PairIJ Coeffs', 'Bond Coeffs', 'Angle Coeffs', 'Dihedral Coeffs', 'Improper Coeffs',
  'BondBond Coeffs', 'BondAngle Coeffs', 'MiddleBondTorsion Coeffs', 'EndBondTorsion Coeffs',
  'AngleTorsion Coeffs', 'AngleAngleTorsion Coeffs', 'BondBond13 Coeffs', 'AngleAngle Coeffs',
]);

/** Header counts that imply topology an atomic reader cannot represent. */
const TOPOLOGY = ['bonds', 'angles', 'dihedrals', 'impropers', 'ellipsoids', 'lines', 'triangles', 'bodies'];

/** Read a data file (plain or gzip). */
export async function readLammpsData(path: string, opts: DataReadOptions = {}): Promise<System> {
  return parseLammpsData(await readTextWhole(path), path, opts);
}

/** Parse data-file text; `file` is used in error messages. */
export function parseLammpsData(text: string, file: string, opts: DataReadOptions = {}): System {
  const dim: Dim = opts.dim ?? 3;
  const lines = text.split('\n');
  const at = (i: number) => where(file, i + 1);
  const fail = (i: number, msg: string): never => { throw new Error(`${at(i)}: ${msg}`); };
  const strip = (s: string) => { const h = s.indexOf('#'); return (h >= 0 ? s.slice(0, h) : s).trim(); };
  const nums = (i: number, s: string, count: number, what: string): number[] => {
    const w = s.split(/\s+/);
    if (w.length < count) fail(i, `expected ${count} numbers (${what}), found ${w.length}: '${s}'`);
    const v = w.slice(0, count).map((t) => parseNumber(t, 0, t.length));
    v.forEach((x, k) => { if (!Number.isFinite(x)) fail(i, `non-numeric or non-finite value '${w[k]}' in ${what}`); });
    return v;
  };

  // ---- header
  let natoms = -1;
  let ntypes = -1;
  const lo = [0, 0, -0.5], hi = [0, 0, 0.5];
  const seenBounds = [false, false, false];
  let tilt: number[] | null = null;
  let i = 1; // line 0 is the title
  for (; i < lines.length; i++) {
    const s = strip(lines[i]);
    if (s.length === 0) continue;
    if (SECTIONS.has(s)) break;
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+atoms$/.exec(s))) natoms = nums(i, m[1], 1, 'atom count')[0];
    else if ((m = /^(\S+)\s+atom types$/.exec(s))) ntypes = nums(i, m[1], 1, 'atom type count')[0];
    else if ((m = /^(\S+)\s+(\S+)\s+([xyz])lo\s+[xyz]hi$/.exec(s))) {
      const k = 'xyz'.indexOf(m[3]);
      [lo[k], hi[k]] = nums(i, `${m[1]} ${m[2]}`, 2, `${m[3]}lo ${m[3]}hi`);
      seenBounds[k] = true;
    } else if ((m = /^(\S+)\s+(\S+)\s+(\S+)\s+xy\s+xz\s+yz$/.exec(s))) tilt = nums(i, `${m[1]} ${m[2]} ${m[3]}`, 3, 'xy xz yz');
    else if ((m = /^(\S+)\s+(\S+)$/.exec(s)) && TOPOLOGY.includes(m[2])) {
      if (Number(m[1]) !== 0) fail(i, `the file declares ${m[1]} ${m[2]}; only atom_style atomic is supported (no topology)`);
    } else if (/^\S+\s+(bond|angle|dihedral|improper) types$/.test(s) || /^\S+\s+extra .* per atom$/.test(s)) {
      // topology type counts: irrelevant for atom_style atomic
    } else {
      fail(i, `unrecognised header line '${s}'; expected e.g. 'N atoms', 'N atom types', 'xlo xhi', 'xy xz yz' or a section name`);
    }
  }
  if (natoms < 0 || !Number.isInteger(natoms)) fail(Math.min(i, lines.length - 1), `missing or invalid 'N atoms' header line`);
  for (let k = 0; k < dim; k++) if (!seenBounds[k]) fail(Math.min(i, lines.length - 1), `missing '${'xyz'[k]}lo ${'xyz'[k]}hi' header line`);
  const header: LammpsBoxHeader = {
    lo: lo as [number, number, number], hi: hi as [number, number, number],
    xy: tilt?.[0] ?? 0, xz: tilt?.[1] ?? 0, yz: tilt?.[2] ?? 0,
    triclinic: tilt !== null, periodic: [true, true, true],
  };
  const box: Box = boxFromHeader(header, dim, `${file} (box header)`);

  // ---- sections
  const typeMasses: number[] = [];
  let atomRows: { line: number; v: number[] }[] | null = null;
  let velRows: { line: number; v: number[] }[] | null = null;
  let hasImages = false;
  while (i < lines.length) {
    const name = strip(lines[i]);
    if (name.length === 0) { i++; continue; }
    const sectionLine = i;
    const section = name;
    if (!SECTIONS.has(section)) fail(i, `expected a section name (Atoms, Velocities, Masses, ...), found '${lines[i].trim()}'`);
    const style = (lines[i].split('#')[1] ?? '').trim();
    if (section === 'Atoms' && style && style !== 'atomic') {
      fail(i, `Atoms section has style '${style}'; only atom_style atomic is supported`);
    }
    // rows: non-blank lines until the next section keyword (blank line after the keyword is optional)
    i++;
    const rows: { line: number; s: string }[] = [];
    for (; i < lines.length; i++) {
      const s = strip(lines[i]);
      if (s.length === 0) continue;
      if (SECTIONS.has(s)) break;
      rows.push({ line: i, s });
    }
    if (section === 'Masses') {
      for (const r of rows) {
        const [t, m] = nums(r.line, r.s, 2, 'type mass');
        if (!Number.isInteger(t) || t < 1) fail(r.line, `atom type must be a positive integer, found ${t}`);
        if (!(m > 0)) fail(r.line, `mass must be positive, found ${m}`);
        typeMasses[t] = m;
      }
    } else if (section === 'Atoms') {
      if (rows.length !== natoms) fail(sectionLine, `Atoms section has ${rows.length} lines but the header declares ${natoms} atoms`);
      atomRows = rows.map((r) => {
        const nf = r.s.split(/\s+/).length;
        if (nf !== 5 && nf !== 8) fail(r.line, `expected 5 fields (id type x y z) or 8 (id type x y z ix iy iz) for atom_style atomic, found ${nf}`);
        if (nf === 8) hasImages = true;
        return { line: r.line, v: nums(r.line, r.s, nf, nf === 8 ? 'id type x y z ix iy iz' : 'id type x y z') };
      });
    } else if (section === 'Velocities') {
      if (rows.length !== natoms) fail(sectionLine, `Velocities section has ${rows.length} lines but the header declares ${natoms} atoms`);
      velRows = rows.map((r) => {
        const nf = r.s.split(/\s+/).length;
        if (nf !== 4) fail(r.line, `expected 4 fields (id vx vy vz), found ${nf}`);
        return { line: r.line, v: nums(r.line, r.s, 4, 'id vx vy vz') };
      });
    }
  }
  if (!atomRows) {
    if (natoms === 0) atomRows = [];
    else fail(lines.length - 1, `no Atoms section; the header declares ${natoms} atoms`);
  }
  const rowsA = atomRows!;

  // ---- assemble, ordered by id
  const order = rowsA.map((_, r) => r);
  if (opts.sortById !== false) order.sort((a, b) => rowsA[a].v[0] - rowsA[b].v[0]);
  const n = natoms;
  const ids = new Int32Array(n), types = new Int32Array(n);
  const positions = new Float64Array(n * dim);
  const images = hasImages ? new Int32Array(n * dim) : undefined;
  const slot = new Map<number, number>();
  for (let a = 0; a < n; a++) {
    const { line, v } = rowsA[order[a]];
    const [id, type] = v;
    if (!Number.isInteger(id) || id < 0) fail(line, `atom id must be a non-negative integer, found ${id}`);
    if (!Number.isInteger(type) || type < 1 || (ntypes > 0 && type > ntypes)) {
      fail(line, `atom type must be an integer in 1..${ntypes > 0 ? ntypes : 'N'}, found ${type}`);
    }
    if (slot.has(id)) fail(line, `duplicate atom id ${id}`);
    slot.set(id, a);
    ids[a] = id;
    types[a] = type;
    for (let k = 0; k < dim; k++) positions[a * dim + k] = v[2 + k];
    if (images) {
      for (let k = 0; k < dim; k++) {
        const f = v[5 + k];
        if (!Number.isInteger(f)) fail(line, `image flag ${'xyz'[k]} must be an integer, found ${f}`);
        images[a * dim + k] = f;
      }
    }
  }
  let velocities: Float64Array | undefined;
  if (velRows) {
    velocities = new Float64Array(n * dim);
    for (const { line, v } of velRows) {
      const a = slot.get(v[0]);
      if (a === undefined) fail(line, `velocity given for atom id ${v[0]}, which is not in the Atoms section`);
      for (let k = 0; k < dim; k++) velocities[a! * dim + k] = v[1 + k];
    }
  }
  for (let t = 1; t <= Math.max(ntypes, 0); t++) {
    if (typeMasses.length > 0 && typeMasses[t] === undefined) throw new Error(`${file}: Masses section gives no mass for atom type ${t}`);
  }
  return createSystem({
    box, positions, ids, types, images, velocities,
    typeMasses: typeMasses.length > 0 ? typeMasses : undefined,
  });
}

/** Data-file text for a system (atom_style atomic; masses per type from the first atom of each type). */
export function formatLammpsData(sys: System, opts: DataWriteOptions = {}): string {
  const d = sys.dim;
  const ntypes = sys.types.reduce((m, t) => Math.max(m, t), 0);
  const typeMass: number[] = [];
  for (let i = 0; i < sys.n; i++) {
    const t = sys.types[i];
    if (typeMass[t] === undefined) typeMass[t] = sys.masses[i];
    else if (typeMass[t] !== sys.masses[i]) {
      throw new Error(`formatLammpsData: atoms of type ${t} have different masses (${typeMass[t]} and ${sys.masses[i]}); atom_style atomic stores one mass per type`);
    }
  }
  const box = sys.box;
  const rows = headerRows(box, false);
  const out: string[] = [];
  out.push(`${opts.title ?? 'LAMMPS data file written by glasslab'}`, '');
  out.push(`${sys.n} atoms`, `${ntypes} atom types`, '');
  out.push(`${rows[0][0]} ${rows[0][1]} xlo xhi`, `${rows[1][0]} ${rows[1][1]} ylo yhi`, `${rows[2][0]} ${rows[2][1]} zlo zhi`);
  if (box.triclinic) out.push(`${box.xy} ${box.xz} ${box.yz} xy xz yz`);
  out.push('', 'Masses', '');
  for (let t = 1; t <= ntypes; t++) out.push(`${t} ${typeMass[t] ?? 1}`);
  const images = opts.images ?? sys.images !== undefined;
  out.push('', 'Atoms # atomic', '');
  for (let i = 0; i < sys.n; i++) {
    let s = `${sys.ids[i]} ${sys.types[i]}`;
    for (let k = 0; k < 3; k++) s += ' ' + (k < d ? sys.positions[i * d + k] : 0);
    if (images) for (let k = 0; k < 3; k++) s += ' ' + (k < d && sys.images ? sys.images[i * d + k] : 0);
    out.push(s);
  }
  if (sys.velocities && opts.velocities !== false) {
    out.push('', 'Velocities', '');
    for (let i = 0; i < sys.n; i++) {
      let s = `${sys.ids[i]}`;
      for (let k = 0; k < 3; k++) s += ' ' + (k < d ? sys.velocities[i * d + k] : 0);
      out.push(s);
    }
  }
  out.push('');
  return out.join('\n');
}

/** Write a data file atomically (tmp + rename; gzip if the name ends in .gz). */
export async function writeLammpsData(path: string, sys: System, opts: DataWriteOptions = {}): Promise<void> {
  await writeTextAtomic(path, formatLammpsData(sys, opts));
}
