/**
 * Extended XYZ files (the ASE / OVITO / QUIP convention), multi-frame.
 *
 *   3
 *   Lattice="10 0 0 0 10 0 0 0 10" Properties=species:S:1:pos:R:3:velo:R:3 pbc="T T T" Time=0.5
 *   A 0.1 0.2 0.3 0 0 0
 *   ...
 *
 * - `Lattice` holds the cell vectors a, b, c (rows, 9 numbers). A cell that
 *   is not already in the LAMMPS restricted form a = (lx,0,0),
 *   b = (xy,ly,0), c = (xz,yz,lz) is rotated into it (positions, velocities
 *   and 3-component vector properties rotated with it) using the LAMMPS
 *   formulas (manual, Howto triclinic): lx = |a|, xy = b.a^, ly = |a^ x b|,
 *   xz = c.a^, yz = (b.c - xy xz)/ly, lz = sqrt(|c|^2 - xz^2 - yz^2).
 *   `Origin="x y z"` (OVITO) sets the lower corner; default 0.
 * - `Properties=name:T:m:...` with T in S (string), R (real), I (integer),
 *   L (logical T/F). Recognised: species (-> types), pos, velo / vel /
 *   velocities, id, mass / masses. Other R/I/L columns become per-atom props
 *   (`name` for m = 1, `name_0`, `name_1`, ... otherwise); `forces` maps to
 *   fx, fy, fz. Other string columns are skipped.
 * - `pbc="T T F"` sets periodicity (default all periodic).
 *
 * Species -> LAMMPS type mapping (option `typeMap` overrides it): decided
 * from the species of the first frame read:
 *   all integers ("1", "2")        -> that integer;
 *   all single capital letters     -> alphabet position, A = 1, B = 2, ...
 *                                    (the KA convention and this writer's default);
 *   otherwise (element names ...)  -> rank in alphabetical order (Cu = 1, Zr = 2).
 * A species absent from the first frame is an error that asks for `typeMap`.
 * The writer uses `typeNames[t-1]` for type t, default 'A', 'B', ... .
 */
import { Box, type Dim } from '../system/box.ts';
import { createSystem, type System } from '../system/system.ts';
import { AtomicTextOutput, holdInput, readTextChunks } from './files.ts';
import { parseNumber, where } from './text-scan.ts';

export interface XyzReadOptions {
  /** 2: keep only x, y (cell from a, b; c ignored). Default 3, or 2 when pos has 2 components. */
  dim?: Dim;
  /** species name -> LAMMPS type (1-based) */
  typeMap?: Record<string, number>;
  /** masses by type (index 0 unused) when the file has no mass column */
  typeMasses?: ArrayLike<number>;
}

export interface XyzWriteOptions {
  /** typeNames[t-1] is the species written for type t (default 'A', 'B', ...) */
  typeNames?: string[];
  /** write velocities (default: when present) */
  velocities?: boolean;
  /** extra per-atom props to write as R:1 columns */
  props?: string[];
}

/** One extended-XYZ frame: a System plus the species names and comment-line keys. */
export interface XyzFrame extends System {
  /** species name of each type: typeNames[t] (index 0 unused) */
  typeNames: string[];
  /** all key=value pairs of the comment line */
  info: Record<string, string>;
  frameIndex: number;
}

/** Parse `key=value key="quoted value" flag` pairs of an extended-XYZ comment line. */
export function parseXyzComment(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([^\s=]+)(?:\s*=\s*(?:"([^"]*)"|\{([^}]*)\}|(\S+)))?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    if (m[0].trim().length === 0) break;
    out[m[1]] = m[2] ?? m[3] ?? m[4] ?? 'T';
  }
  return out;
}

interface PropertySpec {
  name: string;
  kind: 'S' | 'R' | 'I' | 'L';
  count: number;
  /** first field index on an atom line */
  at: number;
}

function parseProperties(spec: string, ctx: string): PropertySpec[] {
  const parts = spec.split(':');
  if (parts.length % 3 !== 0) throw new Error(`${ctx}: Properties='${spec}' is not a list of name:type:count triples`);
  const out: PropertySpec[] = [];
  let at = 0;
  for (let k = 0; k < parts.length; k += 3) {
    const kind = parts[k + 1].toUpperCase();
    const count = Number(parts[k + 2]);
    if (!['S', 'R', 'I', 'L'].includes(kind) || !Number.isInteger(count) || count < 1) {
      throw new Error(`${ctx}: bad property '${parts.slice(k, k + 3).join(':')}' in Properties; expected name:S|R|I|L:count`);
    }
    out.push({ name: parts[k], kind: kind as PropertySpec['kind'], count, at });
    at += count;
  }
  return out;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Build the default species -> type map from the species of a first frame (see module doc). */
export function defaultTypeMap(species: Iterable<string>): Record<string, number> {
  const names = [...new Set(species)];
  const map: Record<string, number> = {};
  if (names.every((s) => /^[0-9]+$/.test(s) && Number(s) >= 1)) names.forEach((s) => { map[s] = Number(s); });
  else if (names.every((s) => /^[A-Z]$/.test(s))) names.forEach((s) => { map[s] = LETTERS.indexOf(s) + 1; });
  else [...names].sort().forEach((s, k) => { map[s] = k + 1; });
  return map;
}

/** Line-by-line reader over the chunks of a (possibly gzipped) file. */
async function* textLines(path: string): AsyncGenerator<string> {
  let rest = '';
  for await (const c of readTextChunks(path)) {
    const text = rest + c.text;
    let pos = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', pos)) {
      yield text.slice(pos, nl);
      pos = nl + 1;
    }
    rest = text.slice(pos);
  }
  if (rest.length > 0) yield rest;
}

/** Stream the frames of an extended-XYZ file. */
export async function* readXyzFrames(path: string, opts: XyzReadOptions = {}): AsyncGenerator<XyzFrame> {
  const release = holdInput(path);
  let typeMap = opts.typeMap;
  let lineNo = 0;
  let frameIndex = 0;
  let state: 'count' | 'comment' | 'atoms' = 'count';
  let n = 0;
  let frameLine = 0;
  let info: Record<string, string> = {};
  let atomLines: string[] = [];
  try {
    for await (const raw of textLines(path)) {
      lineNo++;
      const line = raw.trim();
      if (state === 'count') {
        if (line.length === 0) continue;
        n = Number(line);
        if (!Number.isInteger(n) || n < 0) throw new Error(`${where(path, lineNo)}: expected the atom count of frame ${frameIndex}, found '${line.slice(0, 60)}'`);
        frameLine = lineNo;
        state = 'comment';
      } else if (state === 'comment') {
        info = parseXyzComment(line);
        atomLines = [];
        state = n > 0 ? 'atoms' : 'count';
        if (n === 0) throw new Error(`${where(path, frameLine)}: frame ${frameIndex} has 0 atoms`);
      } else {
        if (line.length === 0) throw new Error(`${where(path, lineNo)}: blank line inside frame ${frameIndex}; expected ${n} atom lines after line ${frameLine + 1}, found ${atomLines.length}`);
        atomLines.push(line);
        if (atomLines.length === n) {
          const frame = buildFrame(path, frameLine, frameIndex, info, atomLines, opts, typeMap);
          typeMap ??= frame.typeMap;
          yield frame.frame;
          frameIndex++;
          state = 'count';
        }
      }
    }
    if (state !== 'count') {
      throw new Error(`${where(path, lineNo)}: file ends inside frame ${frameIndex} (line ${frameLine}); truncated file? expected ${n} atom lines, found ${state === 'atoms' ? atomLines.length : 0}`);
    }
  } finally {
    release();
  }
}

/** Read one frame (default the first). */
export async function readXyz(path: string, frame = 0, opts: XyzReadOptions = {}): Promise<XyzFrame> {
  let k = 0;
  for await (const f of readXyzFrames(path, opts)) if (k++ === frame) return f;
  throw new Error(`${path}: has no frame ${frame} (it has ${k}; frames are numbered from 0)`);
}

function buildFrame(
  file: string, frameLine: number, frameIndex: number, info: Record<string, string>, lines: string[],
  opts: XyzReadOptions, typeMapIn: Record<string, number> | undefined,
): { frame: XyzFrame; typeMap: Record<string, number> } {
  const ctx = where(file, frameLine + 1);
  const props = parseProperties(info.Properties ?? info.properties ?? 'species:S:1:pos:R:3', ctx);
  const find = (...names: string[]) => props.find((p) => names.includes(p.name));
  const pos = find('pos');
  if (!pos || pos.kind !== 'R' || (pos.count !== 3 && pos.count !== 2)) throw new Error(`${ctx}: Properties needs pos:R:3 (or pos:R:2 for 2D)`);
  const dim: Dim = opts.dim ?? (pos.count === 2 ? 2 : 3);
  const species = find('species', 'element', 'type_name');
  const nfields = props.reduce((s, p) => s + p.count, 0);
  const n = lines.length;

  // split all atom lines
  const fields: string[][] = lines.map((l, r) => {
    const w = l.split(/\s+/);
    if (w.length !== nfields) throw new Error(`${where(file, frameLine + 2 + r)}: expected ${nfields} fields (Properties=${info.Properties ?? 'species:S:1:pos:R:3'}), found ${w.length}`);
    return w;
  });
  const real = (r: number, f: number, what: string): number => {
    const t = fields[r][f];
    const v = parseNumber(t, 0, t.length);
    if (!Number.isFinite(v)) throw new Error(`${where(file, frameLine + 2 + r)}: non-numeric or non-finite ${what} '${t}'`);
    return v;
  };

  // species -> types
  let typeMap = typeMapIn;
  const types = new Int32Array(n);
  if (species) {
    typeMap ??= defaultTypeMap(fields.map((w) => w[species.at]));
    for (let r = 0; r < n; r++) {
      const s = fields[r][species.at];
      const t = typeMap[s];
      if (t === undefined) throw new Error(`${where(file, frameLine + 2 + r)}: species '${s}' is not in the species -> type map (${JSON.stringify(typeMap)}); pass the typeMap option`);
      types[r] = t;
    }
  } else {
    typeMap ??= {};
    types.fill(1);
  }
  const typeNames: string[] = [];
  for (const [s, t] of Object.entries(typeMap)) typeNames[t] = s;

  // cell
  const lattice = info.Lattice ?? info.lattice;
  if (!lattice) throw new Error(`${ctx}: no Lattice="..." in the comment line; glasslab needs the periodic cell`);
  const L = lattice.trim().split(/\s+/).map(Number);
  if (L.length !== 9 || !L.every(Number.isFinite)) throw new Error(`${ctx}: Lattice must hold 9 numbers (cell vectors a, b, c), found '${lattice}'`);
  const origin = (info.Origin ?? info.origin ?? '0 0 0').trim().split(/\s+/).map(Number);
  const pbcText = (info.pbc ?? 'T T T').trim().split(/\s+/);
  const periodic = pbcText.map((s) => /^(T|True|1)$/i.test(s));
  const cell = restrictedCell(L, dim, ctx);
  const box = new Box({ dim, lo: origin.slice(0, dim), lengths: cell.lengths, tilt: cell.tilt, periodic: periodic.slice(0, dim) });

  const vec = (p: PropertySpec, what: string): Float64Array => {
    const out = new Float64Array(n * dim);
    const tmp = [0, 0, 0];
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < p.count; k++) tmp[k] = real(r, p.at + k, `${what} ${'xyz'[k]}`);
      cell.apply(tmp, p === pos ? origin : null, out, r * dim);
    }
    return out;
  };
  const positions = vec(pos, 'coordinate');
  const velo = find('velo', 'vel', 'velocities');
  const velocities = velo ? vec(velo, 'velocity') : undefined;
  const idp = find('id');
  const ids = idp ? Int32Array.from({ length: n }, (_, r) => real(r, idp.at, 'id')) : undefined;
  const massp = find('mass', 'masses');
  const masses = massp ? Float64Array.from({ length: n }, (_, r) => real(r, massp.at, 'mass')) : undefined;

  const extra = new Map<string, Float64Array>();
  for (const p of props) {
    if (p === pos || p === velo || p === idp || p === massp || p === species || p.kind === 'S') continue;
    if (p.name === 'forces' && p.count === 3) {
      const f = vec(p, 'force');
      for (let k = 0; k < dim; k++) extra.set('f' + 'xyz'[k], Float64Array.from({ length: n }, (_, r) => f[r * dim + k]));
      continue;
    }
    for (let k = 0; k < p.count; k++) {
      const name = p.count === 1 ? p.name : `${p.name}_${k}`;
      extra.set(name, Float64Array.from({ length: n }, (_, r) => {
        if (p.kind === 'L') return /^(T|True|1)$/i.test(fields[r][p.at + k]) ? 1 : 0;
        return real(r, p.at + k, p.name);
      }));
    }
  }
  const timeText = info.Time ?? info.time;
  const stepText = info.Timestep ?? info.timestep ?? info.step;
  const sys = createSystem({
    box, positions, types, ids, masses, velocities, props: extra,
    typeMasses: masses ? undefined : opts.typeMasses,
    time: timeText !== undefined ? Number(timeText) : undefined,
    timestep: stepText !== undefined ? Number(stepText) : undefined,
  });
  const frame = sys as XyzFrame;
  frame.typeNames = typeNames;
  frame.info = info;
  frame.frameIndex = frameIndex;
  return { frame, typeMap };
}

/**
 * The LAMMPS restricted form of a cell given by rows a, b, c, and the linear
 * map that carries vectors of the original cell into it.
 */
function restrictedCell(L: number[], dim: Dim, ctx: string) {
  const a = L.slice(0, 3), b = L.slice(3, 6), c = dim === 3 ? L.slice(6, 9) : [0, 0, 1];
  const dot = (u: number[], v: number[]) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
  const lx = Math.hypot(a[0], a[1], a[2]);
  const ah = a.map((v) => v / lx);
  const xy = dot(b, ah);
  const ly = Math.sqrt(Math.max(0, dot(b, b) - xy * xy));
  const xz = dot(c, ah);
  const yz = (dot(b, c) - xy * xz) / ly;
  const lz = Math.sqrt(Math.max(0, dot(c, c) - xz * xz - yz * yz));
  const det = a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
  if (!(det > 0)) throw new Error(`${ctx}: Lattice vectors must be right-handed and non-degenerate (det = ${det})`);
  const restricted = a[1] === 0 && a[2] === 0 && b[2] === 0;
  if (dim === 2 && (a[2] !== 0 || b[2] !== 0)) throw new Error(`${ctx}: a 2D read needs cell vectors a, b in the xy plane`);
  const lengths = dim === 3 ? [lx, ly, lz] : [lx, ly];
  const tilt = dim === 3 ? { xy, xz, yz } : { xy };
  if (restricted) {
    // already restricted: keep the file's numbers exactly
    const exact = dim === 3 ? [a[0], b[1], c[2]] : [a[0], b[1]];
    const exactTilt = dim === 3 ? { xy: b[0], xz: c[0], yz: c[1] } : { xy: b[0] };
    return {
      lengths: exact, tilt: exactTilt,
      apply(v: number[], origin: number[] | null, out: Float64Array, o: number) {
        for (let k = 0; k < dim; k++) out[o + k] = v[k];
        void origin;
      },
    };
  }
  // rotation R = M' M^-1 with M = [a b c] (columns), M' the restricted cell
  const M = [[a[0], b[0], c[0]], [a[1], b[1], c[1]], [a[2], b[2], c[2]]];
  const Mp = [[lx, xy, xz], [0, ly, yz], [0, 0, lz]];
  const inv = invert3(M);
  const R = Mp.map((row) => [0, 1, 2].map((j) => row[0] * inv[0][j] + row[1] * inv[1][j] + row[2] * inv[2][j]));
  return {
    lengths, tilt,
    apply(v: number[], origin: number[] | null, out: Float64Array, o: number) {
      const o0 = origin ?? [0, 0, 0];
      const d0 = v[0] - (origin ? o0[0] : 0), d1 = v[1] - (origin ? o0[1] : 0), d2 = (v[2] ?? 0) - (origin ? o0[2] : 0);
      for (let k = 0; k < dim; k++) out[o + k] = (origin ? o0[k] : 0) + R[k][0] * d0 + R[k][1] * d1 + R[k][2] * d2;
    },
  };
}

function invert3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}

/** Extended-XYZ text of one frame. */
export function formatXyzFrame(sys: System, opts: XyzWriteOptions = {}): string {
  const d = sys.dim;
  const box = sys.box;
  const name = (t: number) => opts.typeNames?.[t - 1] ?? (t <= 26 ? LETTERS[t - 1] : String(t));
  const a = [box.lengths[0], 0, 0];
  const b = [box.xy, box.lengths[1], 0];
  const c = d === 3 ? [box.xz, box.yz, box.lengths[2]] : [0, 0, 1];
  const withVel = sys.velocities !== undefined && opts.velocities !== false;
  const idsPlain = sys.ids.every((id, i) => id === i + 1);
  const massNotOne = sys.masses.some((m) => m !== 1);
  const extra = opts.props ?? [];
  for (const p of extra) if (!sys.props.has(p)) throw new Error(`formatXyzFrame: no per-atom property '${p}' (props: ${[...sys.props.keys()].join(', ') || 'none'})`);
  let props = `species:S:1:pos:R:${d}`;
  if (withVel) props += `:velo:R:${d}`;
  if (!idsPlain) props += ':id:I:1';
  if (massNotOne) props += ':masses:R:1';
  for (const p of extra) props += `:${p}:R:1`;
  const pbc = [0, 1, 2].map((k) => (k < d && box.periodic[k] ? 'T' : 'F')).join(' ');
  let head = `Lattice="${[...a, ...b, ...c].join(' ')}" Origin="${[...box.lo, ...(d === 2 ? [0] : [])].join(' ')}" Properties=${props} pbc="${pbc}"`;
  if (sys.time !== undefined) head += ` Time=${sys.time}`;
  if (sys.timestep !== undefined) head += ` Timestep=${sys.timestep}`;
  const out: string[] = [String(sys.n), head];
  for (let i = 0; i < sys.n; i++) {
    let s = name(sys.types[i]);
    for (let k = 0; k < d; k++) s += ' ' + sys.positions[i * d + k];
    if (withVel) for (let k = 0; k < d; k++) s += ' ' + sys.velocities![i * d + k];
    if (!idsPlain) s += ' ' + sys.ids[i];
    if (massNotOne) s += ' ' + sys.masses[i];
    for (const p of extra) s += ' ' + sys.props.get(p)![i];
    out.push(s);
  }
  return out.join('\n') + '\n';
}

/** Write frames to an extended-XYZ file atomically (gzip if the name ends in .gz). */
export async function writeXyz(path: string, frames: System | Iterable<System> | AsyncIterable<System>, opts: XyzWriteOptions = {}): Promise<void> {
  const out = new AtomicTextOutput(path);
  const list = isSystem(frames) ? [frames] : frames;
  try {
    for await (const f of list) await out.write(formatXyzFrame(f, opts));
    await out.close();
  } catch (e) {
    await out.abort();
    throw e;
  }
}

function isSystem(x: unknown): x is System {
  return typeof x === 'object' && x !== null && 'positions' in x && 'box' in x;
}
