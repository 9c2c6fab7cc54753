/**
 * EAM from a DYNAMO "setfl" file in the LAMMPS `eam/fs` or `eam/alloy`
 * layout, evaluated exactly as LAMMPS `pair_style eam/fs` / `eam/alloy`
 * (29 Sep 2021, src/MANYBODY/pair_eam_fs.cpp, pair_eam_alloy.cpp +
 * pair_eam.cpp) does:
 *
 *   E_i = F_{t_i}(rho_i) + 1/2 sum_j phi_{t_i t_j}(r_ij),
 *   rho_i = sum_j rho_{t_j -> t_i}(r_ij).
 *
 * File layout (LAMMPS `pair_style eam/fs` doc): 3 comment lines; a line
 * "N el_1 ... el_N"; a line "Nrho drho Nr dr cutoff"; then per element I a
 * line "Z mass a0 lattice", F_I(rho) (Nrho values), and N density blocks
 * rho_{I,J}(r) (Nr values each), the density that an atom of element I
 * contributes at an atom of element J; finally r*phi_{IJ}(r) (Nr values) for
 * I = 1..N, J = 1..I. Grids: rho = (m-1) drho, r = (m-1) dr, m = 1..N.
 * Like LAMMPS, each block starts on a new line, '#' starts a comment, and
 * values after the end of a block on its last line are ignored.
 *
 * The `eam/alloy` layout (LAMMPS `pair_style eam/alloy` doc) is the same but
 * with ONE density block rho_I(r) per element, contributed at an atom of any
 * element: it is read into the same FsFile with rho_{I,J} = rho_I for all J,
 * so one evaluator serves both layouts.
 *
 * Interpolation: LAMMPS's cubic spline (./lammps-spline.ts) of F, rho and
 * z2r = r phi (not phi). phi = z2r/r and its derivatives follow from those of
 * z2r. Embedding beyond the table (rho > rhomax = (Nrho-1) drho): LAMMPS
 * keeps F' = F'(rhomax) and adds F'(rhomax) (rho - rhomax) to the energy, a
 * linear extrapolation (F'' = F''' = 0 there). Pair functions are zero for
 * r >= cutoff (the file's cutoff, one for all pairs).
 *
 * Derivatives are those of the interpolants: the first derivative is
 * continuous, the second is piecewise linear and jumps at grid points, the
 * third is piecewise constant (see ./lammps-spline.ts).
 *
 * Units: metal (eV, Angstrom, g/mol masses from the file).
 */
import { readText } from '../platform/index.ts';
import { evalLammpsSpline, lammpsSpline, type LammpsSpline } from './lammps-spline.ts';
import type { EamPotential } from './types.ts';

/** Layout of a setfl file: `fs` (a density block per element pair) or `alloy` (one per element). */
export type SetflFormat = 'fs' | 'alloy';

/** Raw contents of a setfl file (either layout). Element indices are 0-based here. */
export interface FsFile {
  readonly path: string;
  readonly format: SetflFormat;
  readonly comments: readonly string[];
  readonly elements: readonly string[];
  readonly atomicNumbers: readonly number[];
  readonly masses: readonly number[];
  readonly nrho: number;
  readonly drho: number;
  readonly nr: number;
  readonly dr: number;
  readonly cutoff: number;
  /** F_I(rho) at rho = m drho, m = 0..nrho-1 */
  readonly frho: readonly Float64Array[];
  /** rhor[I][J]: density contributed by an I atom at a J atom, at r = m dr (alloy: the same array for every J) */
  readonly rhor: readonly (readonly Float64Array[])[];
  /** z2r[I][J] = r phi_IJ(r) at r = m dr, symmetric (the file stores J <= I) */
  readonly z2r: readonly (readonly Float64Array[])[];
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Line-oriented reader with file:line errors, following LAMMPS's PotentialFileReader. */
class SetflReader {
  private readonly lines: string[];
  private next = 0;
  constructor(readonly path: string, text: string) {
    this.lines = text.split(/\r?\n/);
  }
  /** 1-based number of the line last read */
  get lineNo(): number { return this.next; }
  fail(msg: string, line = this.next): never {
    throw new Error(`${this.path}:${line}: ${msg}`);
  }
  rawLine(what: string): string {
    if (this.next >= this.lines.length) this.fail(`unexpected end of file while reading ${what}`, this.lines.length);
    return this.lines[this.next++];
  }
  /** words of the next line with at least `min` words (comments stripped, blank lines skipped) */
  words(min: number, what: string): string[] {
    for (;;) {
      const w = this.rawLine(what).replace(/#.*/, '').trim().split(/\s+/).filter((s) => s.length > 0);
      if (w.length === 0) continue;
      if (w.length < min) this.fail(`expected at least ${min} values for ${what}, found ${w.length}`);
      return w;
    }
  }
  number(word: string, what: string): number {
    if (!NUMBER.test(word)) this.fail(`'${word}' is not a number (${what})`);
    return Number(word);
  }
  integer(word: string, what: string): number {
    const v = this.number(word, what);
    if (!Number.isInteger(v)) this.fail(`'${word}' is not an integer (${what})`);
    return v;
  }
  /** whether only blank or comment lines remain */
  atEnd(): boolean {
    for (let k = this.next; k < this.lines.length; k++) if (this.lines[k].replace(/#.*/, '').trim() !== '') return false;
    return true;
  }
  /** n numbers starting on a new line, spanning as many lines as needed */
  vector(n: number, what: string): Float64Array {
    const out = new Float64Array(n);
    let i = 0;
    while (i < n) {
      if (this.next >= this.lines.length) {
        this.fail(`unexpected end of file: ${what} needs ${n} values, got ${i}`, this.lines.length);
      }
      const w = this.lines[this.next++].replace(/#.*/, '').trim().split(/\s+/).filter((s) => s.length > 0);
      for (let k = 0; k < w.length && i < n; k++) out[i++] = this.number(w[k], `${what}, value ${i + 1} of ${n}`);
    }
    return out;
  }
}

/**
 * Layout of a setfl file: from the name (`*.eam.fs`, `*.eam.alloy`), else
 * from the content: read as `alloy`, it is `alloy` if nothing but blank or
 * comment lines is left over (an `fs` file with N >= 2 elements has
 * (N-1) N Nr more density values, and with N = 1 both layouts coincide).
 */
export function setflFormat(path: string, text: string): SetflFormat {
  if (/\.fs$/i.test(path)) return 'fs';
  if (/\.alloy$/i.test(path)) return 'alloy';
  try {
    readSetfl(new SetflReader(path, text), 'alloy', true);
    return 'alloy';
  } catch {
    return 'fs';
  }
}

/** Parse a Finnis-Sinclair (`eam/fs`) setfl file (text given, or read from `path`). */
export function parseFsFile(path: string, text?: string): FsFile {
  return parseSetfl(path, text, 'fs');
}

/**
 * Parse a setfl file of either layout (text given, or read from `path`);
 * `format` defaults to setflFormat's guess from the name or content.
 */
export function parseSetfl(path: string, text?: string, format?: SetflFormat): FsFile {
  const t = text ?? readText(path);
  return readSetfl(new SetflReader(path, t), format ?? setflFormat(path, t), false);
}

function readSetfl(rd: SetflReader, format: SetflFormat, requireEnd: boolean): FsFile {
  const path = rd.path;
  const comments = [rd.rawLine('comment line 1'), rd.rawLine('comment line 2'), rd.rawLine('comment line 3')];
  const head = rd.words(2, 'the element line "N el_1 ... el_N"');
  const ne = rd.integer(head[0], 'number of elements');
  if (ne < 1) rd.fail(`number of elements must be >= 1, got ${ne}`);
  if (head.length !== ne + 1) rd.fail(`element line declares ${ne} elements but names ${head.length - 1}`);
  const elements = head.slice(1);
  const g = rd.words(5, 'the grid line "Nrho drho Nr dr cutoff"');
  const nrho = rd.integer(g[0], 'Nrho'), drho = rd.number(g[1], 'drho');
  const nr = rd.integer(g[2], 'Nr'), dr = rd.number(g[3], 'dr'), cutoff = rd.number(g[4], 'cutoff');
  if (nrho < 5 || nr < 5 || !(drho > 0) || !(dr > 0) || !(cutoff > 0)) {
    rd.fail(`invalid grid: need Nrho, Nr >= 5 and drho, dr, cutoff > 0; got Nrho=${nrho} drho=${drho} Nr=${nr} dr=${dr} cutoff=${cutoff}`);
  }
  const atomicNumbers: number[] = [], masses: number[] = [], frho: Float64Array[] = [], rhor: Float64Array[][] = [];
  for (let i = 0; i < ne; i++) {
    const h = rd.words(2, `the header line of element ${elements[i]} ("Z mass a0 lattice")`);
    atomicNumbers.push(rd.integer(h[0], `atomic number of ${elements[i]}`));
    const mass = rd.number(h[1], `mass of ${elements[i]}`);
    if (!(mass > 0)) rd.fail(`mass of ${elements[i]} must be positive, got ${mass}`);
    masses.push(mass);
    frho.push(rd.vector(nrho, `F(rho) of ${elements[i]}`));
    if (format === 'alloy') {
      const rho = rd.vector(nr, `density of ${elements[i]}`);
      rhor.push(elements.map(() => rho));
    } else {
      const row: Float64Array[] = [];
      for (let j = 0; j < ne; j++) row.push(rd.vector(nr, `density of ${elements[i]} at ${elements[j]}`));
      rhor.push(row);
    }
  }
  const z2r: Float64Array[][] = Array.from({ length: ne }, () => new Array<Float64Array>(ne));
  for (let i = 0; i < ne; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rd.vector(nr, `r*phi of ${elements[i]}-${elements[j]}`);
      z2r[i][j] = v;
      z2r[j][i] = v;
    }
  }
  if (requireEnd && !rd.atEnd()) rd.fail('values left over after the last r*phi block');
  return { path, format, comments, elements, atomicNumbers, masses, nrho, drho, nr, dr, cutoff, frho, rhor, z2r };
}

/**
 * Flat spline tables for a force loop that inlines the evaluation (types are
 * 1-based, stride = ntypes+1; see ./lammps-spline.ts for the 7-coefficient
 * layout and evaluation rule):
 * - frho[t]: embedding F_t; evaluate with p = rho*rdrho + 1,
 *   m = max(1, min(trunc(p), nrho-1)), p -= m, p = min(p, 1), and add
 *   F'(rho - rhomax) to the energy when rho > rhomax;
 * - rhor[at*stride + from]: density contributed by a `from` atom at an `at` atom;
 * - z2r[ti*stride + tj]: r*phi; evaluate r-functions with p = r*rdr + 1,
 *   m = min(trunc(p), nr-1), p -= m, p = min(p, 1), only for r^2 < cutsq.
 */
export interface EamTable {
  readonly kind: 'eam';
  readonly ntypes: number;
  readonly stride: number;
  readonly nr: number;
  readonly dr: number;
  readonly rdr: number;
  readonly nrho: number;
  readonly drho: number;
  readonly rdrho: number;
  readonly rhomax: number;
  readonly cutoff: number;
  readonly cutsq: number;
  readonly frho: readonly Float64Array[];
  readonly rhor: readonly Float64Array[];
  readonly z2r: readonly Float64Array[];
}

export interface EamFsOptions {
  /** registry name, default 'eam/fs' or 'eam/alloy' (the file's layout) */
  name?: string;
  /** element of each atom type (type t -> typeElements[t-1]); default: the file's order */
  typeElements?: readonly string[];
}

/** EAM potential evaluated like LAMMPS `pair_style eam/fs` (or `eam/alloy`, for a file of that layout). */
export class EamFsPotential implements EamPotential {
  readonly kind = 'eam' as const;
  readonly name: string;
  readonly ntypes: number;
  readonly maxCutoff: number;
  readonly typeMasses: readonly number[];
  readonly units = 'metal' as const;
  readonly elements: readonly string[];
  readonly file: FsFile;
  private readonly stride: number;
  private readonly rdr: number;
  private readonly rdrho: number;
  private readonly rhomax: number;
  private readonly frhoS: LammpsSpline[];
  private readonly rhorS: LammpsSpline[];
  private readonly z2rS: LammpsSpline[];
  private readonly tmp = new Float64Array(4);

  constructor(file: FsFile, opts: EamFsOptions = {}) {
    const names = opts.typeElements ?? file.elements;
    const map = names.map((el, k) => {
      const i = file.elements.indexOf(el);
      if (i < 0) throw new Error(`${file.path}: element '${el}' (type ${k + 1}) is not in the file; it has ${file.elements.join(', ')}`);
      return i;
    });
    this.file = file;
    this.name = opts.name ?? `eam/${file.format}`;
    this.ntypes = names.length;
    this.stride = this.ntypes + 1;
    this.elements = Object.freeze(['', ...names]);
    this.typeMasses = Object.freeze([0, ...map.map((i) => file.masses[i])]);
    this.maxCutoff = file.cutoff;
    this.rdr = 1.0 / file.dr;
    this.rdrho = 1.0 / file.drho;
    this.rhomax = (file.nrho - 1) * file.drho;
    // splines per element (pair), shared between types mapped to the same element
    const fS = file.frho.map((f) => lammpsSpline(f, file.drho));
    const rS = file.rhor.map((row) => row.map((f) => lammpsSpline(f, file.dr)));
    const zS = file.z2r.map((row) => row.map((f) => lammpsSpline(f, file.dr)));
    const size = this.stride * this.stride;
    this.frhoS = new Array<LammpsSpline>(this.stride);
    this.rhorS = new Array<LammpsSpline>(size);
    this.z2rS = new Array<LammpsSpline>(size);
    for (let a = 1; a <= this.ntypes; a++) {
      this.frhoS[a] = fS[map[a - 1]];
      for (let b = 1; b <= this.ntypes; b++) {
        // density at an `a` atom from a `b` atom = file block rho_{b, a}
        this.rhorS[a * this.stride + b] = rS[map[b - 1]][map[a - 1]];
        this.z2rS[a * this.stride + b] = zS[map[a - 1]][map[b - 1]];
      }
    }
  }

  cutoff(ti: number, tj: number): number {
    this.checkTypes(ti, tj);
    return this.maxCutoff;
  }

  /** phi(r) from z2r = r phi: phi = z2/r, phi' = (z2' - phi)/r, phi'' = (z2'' - 2 phi')/r, phi''' = (z2''' - 3 phi'')/r */
  pair(ti: number, tj: number, r: number, out: Float64Array): void {
    const s = this.z2rS[ti * this.stride + tj];
    if (s === undefined) this.checkTypes(ti, tj);
    if (r >= this.maxCutoff) { out[0] = 0; out[1] = 0; out[2] = 0; out[3] = 0; return; }
    const z = this.tmp;
    evalLammpsSpline(s, this.rdr, r, 0, z);
    const recip = 1.0 / r;
    const phi = z[0] * recip;
    const phip = z[1] * recip - phi * recip;
    const phipp = (z[2] - 2 * phip) * recip;
    out[0] = phi;
    out[1] = phip;
    out[2] = phipp;
    out[3] = (z[3] - 3 * phipp) * recip;
  }

  density(at: number, from: number, r: number, out: Float64Array): void {
    const s = this.rhorS[at * this.stride + from];
    if (s === undefined) this.checkTypes(at, from);
    if (r >= this.maxCutoff) { out[0] = 0; out[1] = 0; out[2] = 0; out[3] = 0; return; }
    evalLammpsSpline(s, this.rdr, r, 0, out);
  }

  embed(t: number, rho: number, out: Float64Array): void {
    const s = this.frhoS[t];
    if (s === undefined || t < 1) this.checkTypes(t, t);
    evalLammpsSpline(s, this.rdrho, rho, 1, out);
    if (rho > this.rhomax) out[0] += out[1] * (rho - this.rhomax);
  }

  /** Plain-data spline tables for inlined force loops (copies of the coefficient arrays are NOT made: treat as read-only). */
  eamTable(): EamTable {
    const pick = (arr: LammpsSpline[]) => Array.from(arr, (s) => (s === undefined ? new Float64Array(0) : s.coeff));
    return {
      kind: 'eam', ntypes: this.ntypes, stride: this.stride,
      nr: this.file.nr, dr: this.file.dr, rdr: this.rdr,
      nrho: this.file.nrho, drho: this.file.drho, rdrho: this.rdrho, rhomax: this.rhomax,
      cutoff: this.maxCutoff, cutsq: this.maxCutoff * this.maxCutoff,
      frho: pick(this.frhoS), rhor: pick(this.rhorS), z2r: pick(this.z2rS),
    };
  }

  private checkTypes(ti: number, tj: number): void {
    const ok = (t: number) => Number.isInteger(t) && t >= 1 && t <= this.ntypes;
    if (!ok(ti) || !ok(tj)) {
      throw new RangeError(`potential '${this.name}' defines atom types 1..${this.ntypes} (${this.elements.slice(1).join(', ')}); got type pair (${ti}, ${tj})`);
    }
  }
}

/** Read a Finnis-Sinclair (`eam/fs`) setfl file and build the potential. */
export function loadEamFs(path: string, opts: EamFsOptions = {}): EamFsPotential {
  return new EamFsPotential(parseFsFile(path), opts);
}

/** Read a setfl file of either layout (`format`, default: from the name or content; see setflFormat) and build the potential. */
export function loadEam(path: string, opts: EamFsOptions & { format?: SetflFormat } = {}): EamFsPotential {
  return new EamFsPotential(parseSetfl(path, undefined, opts.format), opts);
}
