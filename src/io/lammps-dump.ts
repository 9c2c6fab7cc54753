/**
 * LAMMPS dump files (`dump custom` and `dump atom`), streamed frame by frame.
 *
 * Format (LAMMPS manual, `dump` command), one snapshot:
 *   ITEM: UNITS              (optional, dump_modify units yes)
 *   lj
 *   ITEM: TIME               (optional, dump_modify time yes)
 *   0.5
 *   ITEM: TIMESTEP
 *   100
 *   ITEM: NUMBER OF ATOMS
 *   4000
 *   ITEM: BOX BOUNDS [xy xz yz] pp pp pp
 *   xlo_bound xhi_bound [xy]
 *   ylo_bound yhi_bound [xz]
 *   zlo_bound zhi_bound [yz]
 *   ITEM: ATOMS id type xu yu zu ...
 *   <one line per atom>
 *
 * Reading never holds more than the current chunk (1 MiB) plus the frame
 * being parsed; unwanted frames are skipped without parsing numbers. Files
 * may be gzip-compressed (detected by magic bytes). Every error names the
 * file, the line and what was expected.
 */
import type { Dim } from '../system/box.ts';
import { createSystem, unwrappedPositions, type System } from '../system/system.ts';
import { axisColumns, defaultColumns, planColumns, type ColumnPlan } from './dump-columns.ts';
import { AtomicTextOutput, holdInput, readTextChunks, type TextChunk } from './files.ts';
import { boundsToLoHi, boxFromHeader, flagPair, headerRows, type LammpsBoxHeader } from './lammps-box.ts';
import { cursor, isNanLiteral, parseFieldAt, parseNumber, tokens, where } from './text-scan.ts';

export interface DumpReadOptions {
  /** Force the dimension; default: 3 if any z position column exists, else 2. */
  dim?: Dim;
  /**
   * Reorder atoms by ascending id (default true), so that atom i is the same
   * particle in every frame even when LAMMPS wrote them unsorted (several
   * MPI ranks, no `dump_modify sort id`). Duplicate ids are an error.
   */
  sortById?: boolean;
  /** Masses by type (index 0 unused) when the dump has no `mass` column; default 1. */
  typeMasses?: ArrayLike<number>;
  /**
   * Accept frames without position columns (default false: refused, naming
   * the columns to dump). Such frames have all positions 0 and
   * `hasPositions` false; for readers that need only velocities (VDOS).
   */
  positionsOptional?: boolean;
}

/** Which frames to read: indices start, start+step, ... below stop (0-based). */
export interface FrameRange {
  start?: number;
  stop?: number;
  step?: number;
}

/** Where a frame begins in its file, as recorded by a header scan. */
export interface FrameLocation {
  /** 0-based frame index */
  index: number;
  /** byte offset of the frame's first line (uncompressed stream) */
  offset: number;
  /** 1-based line number of the frame's first line */
  line: number;
  timestep: number;
  /** ITEM: TIME of the frame, if the dump has it */
  time?: number;
  natoms: number;
}

/** One snapshot: a System plus where it came from. */
export interface DumpFrame extends System {
  timestep: number;
  frameIndex: number;
  /** the ITEM: ATOMS column names as written */
  columns: readonly string[];
  /** ITEM: UNITS value, if the dump has one */
  units?: string;
  /** 1-based line of the frame's first line in its file */
  line: number;
  /** false when the dump has no position columns (read with `positionsOptional`; positions are then 0) */
  hasPositions: boolean;
}

/** Longest line accepted (bytes): guards against reading a binary file into memory. */
const MAX_LINE = 1 << 24;

const enum State {
  Between,
  UnitsValue,
  TimeValue,
  TimestepValue,
  NatomsItem,
  NatomsValue,
  BoxItem,
  BoxLine,
  AtomsItem,
  AtomLines,
}

const EXPECTED: Record<State, string> = {
  [State.Between]: 'ITEM: TIMESTEP',
  [State.UnitsValue]: 'the units name after ITEM: UNITS',
  [State.TimeValue]: 'the time value after ITEM: TIME',
  [State.TimestepValue]: 'the timestep after ITEM: TIMESTEP',
  [State.NatomsItem]: 'ITEM: NUMBER OF ATOMS',
  [State.NatomsValue]: 'the atom count after ITEM: NUMBER OF ATOMS',
  [State.BoxItem]: 'ITEM: BOX BOUNDS',
  [State.BoxLine]: 'a box bounds line',
  [State.AtomsItem]: 'ITEM: ATOMS',
  [State.AtomLines]: 'atom lines',
};

interface ParserHooks {
  /** parse this frame fully? (false: skip its atom lines) */
  want(index: number): boolean;
  onFrame(frame: DumpFrame): void;
  onHeader?(loc: FrameLocation): void;
  /** stop after the frame with this index (inclusive) */
  lastIndex?: number;
  /** continue numbering from a known frame location (random access) */
  startLine?: number;
  startIndex?: number;
}

/**
 * Incremental dump parser: feed it text chunks in order, then call finish().
 * Completed frames go to hooks.onFrame. After an error, `error` is set and
 * no more input is consumed (frames completed before it are still delivered).
 */
export class DumpParser {
  readonly file: string;
  private readonly opts: DumpReadOptions;
  private readonly hooks: ParserHooks;
  private state = State.Between;
  private lineNo: number;
  private index: number;
  private rest = '';
  stopped = false;
  error: Error | undefined;

  // current frame
  private inFrame = false;
  private wanted = false;
  private frameLine = 0;
  private frameOffset = 0;
  private units: string | undefined;
  private time: number | undefined;
  private timestep = 0;
  private natoms = 0;
  private triclinic = false;
  private periodic: [boolean, boolean, boolean] = [true, true, true];
  private boxRow = 0;
  private lo = [0, 0, 0];
  private hi = [0, 0, 0];
  private tilt = [0, 0, 0];
  private atomsLine = 0;
  private remaining = 0;
  private columnsHeader = '';
  private columns: string[] = [];
  private plan: ColumnPlan | null = null;
  private planFor = '';
  private data: Float64Array = new Float64Array(0);
  /** byte offset just past the last chunk fed */
  private end = 0;

  constructor(file: string, opts: DumpReadOptions, hooks: ParserHooks) {
    this.file = file;
    this.opts = opts;
    this.hooks = hooks;
    this.lineNo = hooks.startLine !== undefined ? hooks.startLine - 1 : 0;
    this.index = hooks.startIndex ?? 0;
  }

  /** Number of complete frames seen so far (including skipped ones). */
  get framesSeen(): number {
    return this.index;
  }

  feed(chunk: TextChunk): void {
    if (this.stopped) return;
    const text = this.rest.length > 0 ? this.rest + chunk.text : chunk.text;
    const base = chunk.offset - this.rest.length;
    this.end = chunk.offset + chunk.text.length;
    let pos = 0;
    try {
      while (!this.stopped) {
        if (this.state === State.AtomLines) {
          pos = this.wanted ? this.parseAtoms(text, pos) : this.skipAtoms(text, pos);
          if (this.remaining > 0) break; // need more text
          this.completeFrame();
          continue;
        }
        const nl = text.indexOf('\n', pos);
        if (nl < 0) break;
        this.lineNo++;
        this.headerLine(text.slice(pos, nl), base + pos);
        pos = nl + 1;
      }
    } catch (e) {
      this.error = e as Error;
      this.stopped = true;
    }
    this.rest = this.stopped ? '' : text.slice(pos);
    if (this.rest.length > MAX_LINE) {
      this.error = new Error(`${where(this.file, this.lineNo + 1)}: line longer than ${MAX_LINE} bytes; is this a text LAMMPS dump file?`);
      this.stopped = true;
      this.rest = '';
    }
  }

  /** Call at end of input: handles a last line without newline, detects truncation. */
  finish(): void {
    if (this.stopped) return;
    try {
      if (this.rest.trim().length > 0) {
        // LAMMPS ends every line with a newline: an unterminated last line means the
        // file was cut, possibly inside a number that would still parse
        throw new Error(`${where(this.file, this.lineNo + 1)}: the last line '${clip(this.rest)}' has no newline; truncated file? (frame ${this.index} starting at line ${this.frameLine})`);
      }
      if (this.state !== State.Between || this.inFrame) {
        const got = this.state === State.AtomLines
          ? `${this.natoms} atom lines after ITEM: ATOMS at line ${this.atomsLine}, found ${this.natoms - this.remaining}`
          : EXPECTED[this.state];
        throw new Error(`${where(this.file, this.lineNo)}: file ends inside frame ${this.index} (starting at line ${this.frameLine}); truncated file? expected ${got}`);
      }
    } catch (e) {
      this.error = e as Error;
      this.stopped = true;
    }
  }

  private fail(msg: string, line = this.lineNo): never {
    throw new Error(`${where(this.file, line)}: ${msg}`);
  }

  private startFrame(offset: number): void {
    if (this.inFrame) return;
    this.inFrame = true;
    this.frameLine = this.lineNo;
    this.frameOffset = offset;
    this.units = undefined;
    this.time = undefined;
    this.wanted = this.hooks.want(this.index);
  }

  private headerLine(raw: string, offset: number): void {
    const line = raw.trim();
    switch (this.state) {
      case State.Between: {
        if (line.length === 0 && !this.inFrame) return; // blank lines between frames
        if (line === 'ITEM: UNITS') { this.startFrame(offset); this.state = State.UnitsValue; return; }
        if (line === 'ITEM: TIME') { this.startFrame(offset); this.state = State.TimeValue; return; }
        if (line === 'ITEM: TIMESTEP') { this.startFrame(offset); this.state = State.TimestepValue; return; }
        const hint = this.index > 0 && !line.startsWith('ITEM:')
          ? ` (an atom line? frame ${this.index - 1} may have more atom lines than its NUMBER OF ATOMS)`
          : '';
        return this.fail(`expected ITEM: TIMESTEP at the start of a frame, found '${clip(line)}'${hint}`);
      }
      case State.UnitsValue:
        this.units = line;
        this.state = State.Between;
        return;
      case State.TimeValue:
        this.time = this.number(line, 'the simulation time after ITEM: TIME');
        this.state = State.Between;
        return;
      case State.TimestepValue: {
        const t = this.number(line, 'an integer timestep after ITEM: TIMESTEP');
        if (!Number.isInteger(t)) this.fail(`expected an integer timestep after ITEM: TIMESTEP, found '${clip(line)}'`);
        this.timestep = t;
        this.state = State.NatomsItem;
        return;
      }
      case State.NatomsItem:
        this.expectItem(line, 'ITEM: NUMBER OF ATOMS');
        this.state = State.NatomsValue;
        return;
      case State.NatomsValue: {
        const n = this.number(line, 'a non-negative integer atom count after ITEM: NUMBER OF ATOMS');
        if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) {
          this.fail(`expected a non-negative integer atom count after ITEM: NUMBER OF ATOMS, found '${clip(line)}'`);
        }
        this.natoms = n;
        this.state = State.BoxItem;
        return;
      }
      case State.BoxItem:
        this.boxItem(line);
        return;
      case State.BoxLine:
        this.boxLine(line);
        return;
      case State.AtomsItem:
        this.atomsItem(line);
        return;
      case State.AtomLines:
        throw new Error('unreachable: atom lines are handled in feed()');
    }
  }

  private expectItem(line: string, item: string): void {
    if (line !== item) this.fail(`expected '${item}', found '${clip(line)}'`);
  }

  private number(text: string, what: string): number {
    const v = text.length > 0 ? parseNumber(text, 0, text.length) : NaN;
    if (!Number.isFinite(v) || tokens(text).length !== 1) this.fail(`expected ${what}, found '${clip(text)}'`);
    return v;
  }

  private boxItem(line: string): void {
    if (!line.startsWith('ITEM: BOX BOUNDS')) this.fail(`expected 'ITEM: BOX BOUNDS ...', found '${clip(line)}'`);
    const words = tokens(line.slice('ITEM: BOX BOUNDS'.length));
    if (words.includes('abc')) {
      this.fail(`general triclinic boxes ('ITEM: BOX BOUNDS abc origin') are not supported; write the dump with the default restricted triclinic format (dump_modify triclinic/general no)`);
    }
    this.triclinic = words.includes('xy');
    const flags = words.filter((w) => w !== 'xy' && w !== 'xz' && w !== 'yz');
    if (flags.length !== 0 && flags.length !== 3) {
      this.fail(`expected three boundary flags (e.g. 'pp pp pp') in ITEM: BOX BOUNDS, found '${clip(line)}'`);
    }
    this.periodic = [0, 1, 2].map((k) => (flags.length === 0 ? true : flags[k] === 'pp')) as [boolean, boolean, boolean];
    this.boxRow = 0;
    this.state = State.BoxLine;
  }

  private boxLine(line: string): void {
    const want = this.triclinic ? 3 : 2;
    const w = tokens(line);
    const k = this.boxRow;
    const label = `${'xyz'[k]}lo ${'xyz'[k]}hi${this.triclinic ? ` ${['xy', 'xz', 'yz'][k]}` : ''}`;
    if (w.length !== want) this.fail(`expected ${want} numbers (${label}) on box bounds line ${k + 1}, found ${w.length}: '${clip(line)}'`);
    const v = w.map((s) => parseNumber(s, 0, s.length));
    if (!v.every(Number.isFinite)) this.fail(`expected finite numbers (${label}) on box bounds line ${k + 1}, found '${clip(line)}'`);
    this.lo[k] = v[0];
    this.hi[k] = v[1];
    this.tilt[k] = this.triclinic ? v[2] : 0;
    if (++this.boxRow === 3) {
      if (this.triclinic) {
        const c = boundsToLoHi(this.lo, this.hi, this.tilt[0], this.tilt[1], this.tilt[2]);
        this.lo = c.lo;
        this.hi = c.hi;
      }
      this.state = State.AtomsItem;
    }
  }

  private atomsItem(line: string): void {
    if (!line.startsWith('ITEM: ATOMS')) this.fail(`expected 'ITEM: ATOMS <columns>', found '${clip(line)}'`);
    this.atomsLine = this.lineNo;
    if (line !== this.columnsHeader) {
      this.columnsHeader = line;
      this.columns = tokens(line.slice('ITEM: ATOMS'.length));
      if (this.columns.length === 0) this.fail(`ITEM: ATOMS lists no columns; write the dump with 'dump custom' and name the columns`);
    }
    this.hooks.onHeader?.({
      index: this.index, offset: this.frameOffset, line: this.frameLine, timestep: this.timestep, natoms: this.natoms,
      ...(this.time !== undefined ? { time: this.time } : {}),
    });
    if (this.wanted) {
      if (this.planFor !== line) {
        this.plan = planColumns(this.columns, this.opts.dim, where(this.file, this.lineNo), !this.opts.positionsOptional);
        this.planFor = line;
      }
      this.data = new Float64Array(this.columns.length * this.natoms);
    }
    this.remaining = this.natoms;
    this.state = State.AtomLines;
  }

  /** Skip atom lines of an unwanted frame, checking only that none is an ITEM line. */
  private skipAtoms(text: string, pos: number): number {
    while (this.remaining > 0) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break;
      this.lineNo++;
      if (text.charCodeAt(pos) === 73 /* I */ && text.startsWith('ITEM:', pos)) this.tooFewAtoms();
      this.remaining--;
      pos = nl + 1;
    }
    return pos;
  }

  private tooFewAtoms(): never {
    return this.fail(`frame ${this.index} (timestep ${this.timestep}) declares ${this.natoms} atoms but has only ${this.natoms - this.remaining} atom lines after ITEM: ATOMS at line ${this.atomsLine}`);
  }

  /** Parse atom lines of a wanted frame into the column-major data buffer. */
  private parseAtoms(text: string, pos: number): number {
    const ncol = this.columns.length;
    const n = this.natoms;
    const data = this.data;
    while (this.remaining > 0) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break;
      this.lineNo++;
      const row = n - this.remaining;
      let i = pos;
      for (let col = 0; col < ncol; col++) {
        const v = parseFieldAt(text, i, nl);
        const a = cursor.start;
        i = cursor.end;
        if (v !== v) {
          if (a >= nl) {
            if (col === 0) this.fail(`blank line inside the atom lines of frame ${this.index}; expected ${n} atom lines with ${ncol} fields`);
            this.fail(`expected ${ncol} fields (${this.columns.join(' ')}), found ${col}`);
          }
          if (!isNanLiteral(text, a, i)) {
            if (col === 0 && text.startsWith('ITEM:', a)) this.tooFewAtoms();
            this.fail(`non-numeric value '${clip(text.slice(a, i))}' in column ${col + 1} ('${this.columns[col]}'); expected a number`);
          }
        }
        data[col * n + row] = v;
      }
      parseFieldAt(text, i, nl);
      if (cursor.start < nl) {
        const extra = tokens(text.slice(cursor.start, nl)).length;
        this.fail(`expected ${ncol} fields (${this.columns.join(' ')}), found ${ncol + extra}`);
      }
      this.remaining--;
      pos = nl + 1;
    }
    return pos;
  }

  private completeFrame(): void {
    if (this.wanted) {
      this.hooks.onFrame(this.buildFrame());
      this.data = new Float64Array(0);
    }
    this.inFrame = false;
    this.state = State.Between;
    const done = this.index;
    this.index++;
    if (this.hooks.lastIndex !== undefined && done >= this.hooks.lastIndex) this.stopped = true;
  }

  private buildFrame(): DumpFrame {
    const plan = this.plan!;
    const n = this.natoms;
    const d = plan.dim;
    const data = this.data;
    const at = (row: number) => this.atomsLine + 1 + row;
    const header: LammpsBoxHeader = {
      lo: this.lo as [number, number, number],
      hi: this.hi as [number, number, number],
      xy: this.tilt[0], xz: this.tilt[1], yz: this.tilt[2],
      triclinic: this.triclinic,
      periodic: this.periodic,
    };
    const box = boxFromHeader(header, d, `${where(this.file, this.atomsLine - 4)} (ITEM: BOX BOUNDS)`);

    // integer columns (id, type) and the id ordering
    const intColumn = (col: number, what: string, min: number): Int32Array => {
      const out = new Int32Array(n);
      for (let r = 0; r < n; r++) {
        const v = data[col * n + r];
        if (!Number.isInteger(v) || v < min || v > 2 ** 31 - 1) {
          this.fail(`${what} must be an integer >= ${min}, found ${v}`, at(r));
        }
        out[r] = v;
      }
      return out;
    };
    const rawIds = intColumn(plan.id, 'atom id', 0);
    const order = this.opts.sortById === false ? null : idOrder(rawIds, (r, id) => this.fail(`duplicate atom id ${id}`, at(r)));
    const rowOf = (i: number) => (order ? order[i] : i);

    const ids = new Int32Array(n);
    const rawTypes = intColumn(plan.type, 'atom type', 1);
    const types = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      ids[i] = rawIds[rowOf(i)];
      types[i] = rawTypes[rowOf(i)];
    }

    /** gather dim columns into a flat [n*dim] array, checking finiteness */
    const gather = (cols: number[], what: string): Float64Array => {
      const out = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        const r = rowOf(i);
        for (let k = 0; k < d; k++) {
          const v = data[cols[k] * n + r];
          if (!Number.isFinite(v)) this.fail(`atom id ${rawIds[r]} has a non-finite ${what} ${plan.names[cols[k]]} = ${v}`, at(r));
          out[i * d + k] = v;
        }
      }
      return out;
    };
    let positions = plan.positionKind === 'none' ? new Float64Array(n * d) : gather(plan.position, 'coordinate');
    if (plan.positionKind === 'scaled' || plan.positionKind === 'scaled-unwrapped') {
      const s = positions;
      positions = new Float64Array(n * d);
      for (let i = 0; i < n; i++) box.fromFractional(s, i * d, positions, i * d);
    }
    let images: Int32Array | undefined;
    if (plan.image) {
      const f = gather(plan.image, 'image flag');
      images = new Int32Array(n * d);
      for (let j = 0; j < f.length; j++) {
        if (!Number.isInteger(f[j])) this.fail(`image flag ${plan.names[plan.image[j % d]]} must be an integer, found ${f[j]}`, at(rowOf(Math.floor(j / d))));
        images[j] = f[j];
      }
    }
    const velocities = plan.velocity ? gather(plan.velocity, 'velocity') : undefined;

    let masses: Float64Array | undefined;
    if (plan.mass >= 0) {
      masses = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const m = data[plan.mass * n + rowOf(i)];
        if (!(m > 0) || !Number.isFinite(m)) this.fail(`mass must be positive and finite, found ${m}`, at(rowOf(i)));
        masses[i] = m;
      }
    } else if (this.opts.typeMasses) {
      const tm = this.opts.typeMasses;
      masses = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const m = tm[types[i]];
        if (!(m > 0)) throw new Error(`${where(this.file, at(rowOf(i)))}: no positive mass for type ${types[i]} in the typeMasses option`);
        masses[i] = m;
      }
    }

    const props = new Map<string, Float64Array>();
    for (const [name, col] of plan.props) {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = data[col * n + rowOf(i)];
      props.set(name, v);
    }

    const sys = createSystem({ box, positions, types, ids, masses, velocities, images, props, timestep: this.timestep, time: this.time });
    const frame = sys as DumpFrame;
    frame.timestep = this.timestep;
    frame.frameIndex = this.index;
    frame.columns = this.columns;
    frame.line = this.frameLine;
    frame.hasPositions = plan.positionKind !== 'none';
    if (this.units !== undefined) frame.units = this.units;
    return frame;
  }
}

/** Permutation sorting rows by id (null if already strictly ascending); reports duplicates. */
function idOrder(ids: Int32Array, duplicate: (row: number, id: number) => never): Int32Array | null {
  let sorted = true;
  for (let r = 1; r < ids.length; r++) {
    if (ids[r] <= ids[r - 1]) {
      if (ids[r] === ids[r - 1]) duplicate(r, ids[r]);
      sorted = false;
      break;
    }
  }
  if (sorted) return null;
  const order = Int32Array.from({ length: ids.length }, (_, r) => r);
  order.sort((a, b) => ids[a] - ids[b]);
  for (let i = 1; i < order.length; i++) if (ids[order[i]] === ids[order[i - 1]]) duplicate(order[i], ids[order[i]]);
  return order;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

// ---- reading API -------------------------------------------------------------

/** Normalised frame range; stop may be Infinity. */
export function normalizeRange(r: FrameRange = {}): Required<FrameRange> {
  const start = r.start ?? 0;
  const stop = r.stop ?? Infinity;
  const step = r.step ?? 1;
  if (!Number.isInteger(start) || start < 0) throw new Error(`frame range: start must be a non-negative integer, got ${start}`);
  if (!(stop === Infinity || Number.isInteger(stop)) || stop < 0) throw new Error(`frame range: stop must be a non-negative integer, got ${stop}`);
  if (!Number.isInteger(step) || step < 1) throw new Error(`frame range: step must be a positive integer, got ${step}`);
  return { start, stop, step };
}

/** Start reading at a known frame location (byte offset; plain files only). */
export interface SeekTo {
  offset: number;
  line: number;
  index: number;
}

/**
 * Stream the frames of a dump file. Only frames in `range` are parsed; the
 * others are skipped line by line. Memory stays bounded by one chunk and
 * one frame whatever the file size.
 */
export async function* readDumpFrames(
  path: string,
  opts: DumpReadOptions & FrameRange & { seek?: SeekTo } = {},
): AsyncGenerator<DumpFrame> {
  const { start, stop, step } = normalizeRange(opts);
  if (stop <= start) return;
  const release = holdInput(path);
  const queue: DumpFrame[] = [];
  const parser = new DumpParser(path, opts, {
    want: (i) => i >= start && i < stop && (i - start) % step === 0,
    onFrame: (f) => queue.push(f),
    lastIndex: stop === Infinity ? undefined : stop - 1,
    startLine: opts.seek?.line,
    startIndex: opts.seek?.index,
  });
  try {
    for await (const chunk of readTextChunks(path, opts.seek?.offset ?? 0)) {
      parser.feed(chunk);
      while (queue.length > 0) yield queue.shift()!;
      if (parser.stopped) break;
    }
    parser.finish();
    while (queue.length > 0) yield queue.shift()!;
    if (parser.error) throw parser.error;
  } finally {
    release();
  }
}

/**
 * One pass over the file reading headers only (atom lines are counted, not
 * parsed): the location of every frame. `onFrame` sees each as it is found.
 * With `maxFrames` the scan stops after that many frame headers (the rest
 * of the file is not read or checked).
 */
export async function scanDump(path: string, onFrame?: (loc: FrameLocation) => void, maxFrames = Infinity): Promise<FrameLocation[]> {
  const found: FrameLocation[] = [];
  const release = holdInput(path);
  const parser = new DumpParser(path, {}, {
    want: () => false,
    onFrame: () => {},
    onHeader: (loc) => { found.push(loc); onFrame?.(loc); },
  });
  try {
    for await (const chunk of readTextChunks(path)) {
      parser.feed(chunk);
      if (parser.stopped || found.length >= maxFrames) break;
    }
    if (found.length >= maxFrames) return found.slice(0, maxFrames);
    parser.finish();
    if (parser.error) throw parser.error;
  } finally {
    release();
  }
  return found;
}

/** Read one frame (default the first). Errors if the file has fewer frames. */
export async function readDumpFrame(path: string, frame = 0, opts: DumpReadOptions = {}): Promise<DumpFrame> {
  for await (const f of readDumpFrames(path, { ...opts, start: frame, stop: frame + 1 })) return f;
  throw new Error(`${path}: has no frame ${frame} (frames are numbered from 0)`);
}

// ---- writing -----------------------------------------------------------------

export interface DumpWriteOptions {
  /**
   * Explicit column list (LAMMPS names). Default `id type xu yu zu` (2D:
   * `id type xu yu`), extended by the flags below. Position columns may be
   * xu.. (unwrapped), x.. with ix.. (wrapped + image flags), xs.., xsu..;
   * vx.. velocities; any other name is taken from System.props.
   */
  columns?: string[];
  /** add vx vy [vz] to the default columns */
  velocities?: boolean;
  /** add fx fy [fz] (taken from props 'fx', 'fy', 'fz') to the default columns */
  forces?: boolean;
  /** add these per-atom props to the default columns */
  props?: string[];
  /** write ITEM: UNITS with this value in every frame */
  units?: string;
  /** write ITEM: TIME from System.time when it is set */
  time?: boolean;
}

/**
 * Appends frames to a LAMMPS dump file. Numbers are written in the shortest
 * form that reads back as the same double (String(x)), so write -> read is
 * bit-exact. The file appears under its name only on close() (written to
 * `<name>.tmp-<pid>` and renamed); gzip when the name ends in `.gz`.
 */
export class DumpWriter {
  readonly path: string;
  private readonly opts: DumpWriteOptions;
  private readonly out: AtomicTextOutput;
  private frames = 0;
  private dim: Dim | undefined;

  constructor(path: string, opts: DumpWriteOptions = {}) {
    this.path = path;
    this.opts = opts;
    this.out = new AtomicTextOutput(path);
  }

  /** Columns written for a system of this dimension. */
  columnsFor(dim: Dim): string[] {
    if (this.opts.columns) return this.opts.columns;
    const cols = defaultColumns(dim);
    if (this.opts.velocities) cols.push(...axisColumns('v', dim));
    if (this.opts.forces) cols.push(...axisColumns('f', dim));
    if (this.opts.props) cols.push(...this.opts.props);
    return cols;
  }

  /** Append one frame; `timestep` defaults to System.timestep, else the frame count. */
  async write(sys: System, timestep?: number): Promise<void> {
    if (this.dim !== undefined && sys.dim !== this.dim) {
      throw new Error(`${this.path}: frame ${this.frames} is ${sys.dim}D but earlier frames are ${this.dim}D`);
    }
    this.dim = sys.dim;
    const ts = timestep ?? sys.timestep ?? this.frames;
    const columns = this.columnsFor(sys.dim);
    const values = columnSources(sys, columns, `${this.path}: frame ${this.frames}`);
    let head = '';
    if (this.opts.units !== undefined) head += `ITEM: UNITS\n${this.opts.units}\n`;
    if (this.opts.time && sys.time !== undefined) head += `ITEM: TIME\n${sys.time}\n`;
    head += `ITEM: TIMESTEP\n${ts}\nITEM: NUMBER OF ATOMS\n${sys.n}\n`;
    const box = sys.box;
    const flags = [0, 1, 2].map((k) => flagPair(box.periodic[k] ?? true)).join(' ');
    const rows = headerRows(box, true);
    const tilt = [box.xy, box.xz, box.yz];
    head += box.triclinic ? `ITEM: BOX BOUNDS xy xz yz ${flags}\n` : `ITEM: BOX BOUNDS ${flags}\n`;
    for (let k = 0; k < 3; k++) head += box.triclinic ? `${rows[k][0]} ${rows[k][1]} ${tilt[k]}\n` : `${rows[k][0]} ${rows[k][1]}\n`;
    head += `ITEM: ATOMS ${columns.join(' ')}\n`;
    await this.out.write(head);
    // atom lines in blocks of bounded size
    const BLOCK = 2048;
    for (let i0 = 0; i0 < sys.n; i0 += BLOCK) {
      let s = '';
      const i1 = Math.min(sys.n, i0 + BLOCK);
      for (let i = i0; i < i1; i++) {
        s += values[0](i);
        for (let c = 1; c < values.length; c++) s += ' ' + values[c](i);
        s += '\n';
      }
      await this.out.write(s);
    }
    this.frames++;
  }

  /** Finish the file (rename into place). */
  async close(): Promise<void> {
    await this.out.close();
  }

  /** Give up: delete the temporary file. */
  async abort(): Promise<void> {
    await this.out.abort();
  }
}

/** Per-column value getters (atom index -> number) for writing. */
function columnSources(sys: System, columns: string[], ctx: string): ((i: number) => number)[] {
  const d = sys.dim;
  let unwrapped: Float64Array | undefined;
  let wrapped: { pos: Float64Array; img: Int32Array } | undefined;
  const getUnwrapped = () => (unwrapped ??= unwrappedPositions(sys));
  const getWrapped = () => {
    if (!wrapped) {
      const pos = sys.positions.slice();
      const img = sys.images ? sys.images.slice() : new Int32Array(sys.n * d);
      sys.box.wrap(pos, img);
      wrapped = { pos, img };
    }
    return wrapped;
  };
  const fractional = (src: () => Float64Array) => {
    let f: Float64Array | undefined;
    return () => {
      if (!f) {
        const x = src();
        f = new Float64Array(x.length);
        for (let i = 0; i < sys.n; i++) sys.box.toFractional(x, i * d, f, i * d);
      }
      return f;
    };
  };
  const fracWrapped = fractional(() => getWrapped().pos);
  const fracUnwrapped = fractional(getUnwrapped);

  return columns.map((name) => {
    const axis = (c: string) => {
      const k = 'xyz'.indexOf(c);
      if (k >= d) throw new Error(`${ctx}: column '${name}' needs a z coordinate but the system is 2D`);
      return k;
    };
    if (name === 'id') return (i) => sys.ids[i];
    if (name === 'type') return (i) => sys.types[i];
    if (name === 'mass') return (i) => sys.masses[i];
    let m = /^([xyz])(u|s|su)?$/.exec(name);
    if (m) {
      const k = axis(m[1]);
      const kind = m[2] ?? '';
      if (kind === 'u') { const a = getUnwrapped(); return (i) => a[i * d + k]; }
      if (kind === '') { const a = getWrapped().pos; return (i) => a[i * d + k]; }
      if (kind === 's') { const a = fracWrapped(); return (i) => a[i * d + k]; }
      const a = fracUnwrapped();
      return (i) => a[i * d + k];
    }
    m = /^i([xyz])$/.exec(name);
    if (m) { const k = axis(m[1]); const a = getWrapped().img; return (i) => a[i * d + k]; }
    m = /^v([xyz])$/.exec(name);
    if (m && !sys.props.has(name)) {
      const k = axis(m[1]);
      const v = sys.velocities;
      if (!v) throw new Error(`${ctx}: column '${name}' requested but the system has no velocities`);
      return (i) => v[i * d + k];
    }
    const p = sys.props.get(name);
    if (!p) {
      const have = [...sys.props.keys()].join(', ') || 'none';
      throw new Error(`${ctx}: column '${name}' requested but the system has no per-atom property '${name}' (props: ${have})`);
    }
    return (i) => p[i];
  });
}

/** Write frames to a dump file in one call (atomic). */
export async function writeDump(path: string, frames: Iterable<System> | AsyncIterable<System>, opts: DumpWriteOptions = {}): Promise<void> {
  const w = new DumpWriter(path, opts);
  try {
    for await (const f of frames) await w.write(f);
    await w.close();
  } catch (e) {
    await w.abort();
    throw e;
  }
}
