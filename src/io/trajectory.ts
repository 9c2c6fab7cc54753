/**
 * A trajectory stored in a LAMMPS dump file (plain or gzip), read lazily.
 *
 *   const traj = new Trajectory('run.dump.gz', { step: 10 });
 *   for await (const frame of traj.frames()) { ... }   // one frame in memory
 *   const n = await traj.count();                        // headers-only pass
 *   const last = await traj.frame(-1);                   // random access
 *
 * A Trajectory is the FrameSource (src/system/frame-source.ts) of a dump:
 * `for await (const f of traj)` is `traj.frames()`, and `times()` follows
 * the frame-time rule of that module (options `dt`, `frameDt`, else the
 * dump's ITEM: TIME).
 *
 * A Trajectory is a view of the file's frames `start, start+step, ...` below
 * `stop` (0-based file frame indices); `count`, `frame(k)` and `frames()`
 * all refer to that selection. Random access uses an index of byte offsets
 * built by one header scan on first need (32 bytes per frame, whatever the
 * number of atoms); for gzip files there is no seeking, so `frame(k)`
 * decompresses from the start, skipping the frames before k unparsed. The
 * index is rebuilt if the file's size or modification time changes.
 */
import { isGzipFile } from './files.ts';
import { platform } from '../platform/index.ts';
import { frameTimes, type FrameSource, type FrameTimeOptions } from '../system/frame-source.ts';
import {
  normalizeRange, readDumpFrame, readDumpFrames, scanDump,
  type DumpFrame, type DumpReadOptions, type FrameRange,
} from './lammps-dump.ts';

export interface TrajectoryOptions extends DumpReadOptions, FrameRange {
  /** MD timestep: frame time = (timestep - first timestep) x dt */
  dt?: number;
  /** time between consecutive frames OF THE FILE (the selected ones are step x frameDt apart) */
  frameDt?: number;
}

/** What `Trajectory.estimate()` tells before reading the file. */
export interface TrajectoryEstimate {
  /** atoms and dimension of the first frame */
  n: number;
  dim: number;
  /** bytes of the first frame (uncompressed text) */
  frameBytes: number;
  /** size of the file on disk */
  fileBytes: number;
  gzip: boolean;
  /** estimated frames in the file, and in the selection */
  fileFrames: number;
  frames: number;
}

/** Compact index: frame start byte offsets, line numbers and timesteps. */
interface FrameIndex {
  count: number;
  offsets: Float64Array;
  lines: Float64Array;
  timesteps: Float64Array;
  /** ITEM: TIME of each frame, NaN where absent */
  times: Float64Array;
  /** file identity when indexed */
  size: number;
  mtimeMs: number;
}

export class Trajectory implements FrameSource<DumpFrame> {
  readonly path: string;
  private readonly read: DumpReadOptions;
  private readonly timing: FrameTimeOptions;
  private readonly range: Required<FrameRange>;
  private index: FrameIndex | null = null;
  private gz: boolean | undefined;

  constructor(path: string, opts: TrajectoryOptions = {}) {
    this.path = path;
    const { start, stop, step, dt, frameDt, ...read } = opts;
    this.range = normalizeRange({ start, stop, step });
    this.read = read;
    this.timing = { dt, frameDt, step: this.range.step };
  }

  /** The file, as errors name it. */
  get label(): string {
    return this.path;
  }

  /** `for await (const f of traj)`: all selected frames, one in memory. */
  [Symbol.asyncIterator](): AsyncIterator<DumpFrame> {
    return this.frames()[Symbol.asyncIterator]();
  }

  /** Times of the selected frames from 0 (FrameSource rule: dt, frameDt, else ITEM: TIME); one header scan. */
  async times(): Promise<Float64Array> {
    const ix = await this.ensureIndex();
    const n = await this.count();
    const steps = await this.timesteps();
    const own = new Float64Array(n);
    let all = n > 0;
    for (let k = 0; k < n; k++) {
      own[k] = ix.times[this.range.start + k * this.range.step];
      if (Number.isNaN(own[k])) all = false;
    }
    return frameTimes(this.path, steps, all ? own : null, this.timing);
  }

  /**
   * Stream the selected frames (optionally a sub-range of the selection, in
   * selection indices). Frames before the first wanted one are skipped
   * unparsed, or sought past directly when the index is already built.
   */
  async *frames(sub: FrameRange = {}): AsyncGenerator<DumpFrame> {
    const r = this.compose(sub);
    if (r.stop <= r.start) return;
    let seek;
    if (r.start > 0 && this.index && !(await this.isGzip()) && (await this.indexFresh())) {
      const ix = this.index;
      if (r.start >= ix.count) return;
      seek = { offset: ix.offsets[r.start], line: ix.lines[r.start], index: r.start };
    }
    yield* readDumpFrames(this.path, { ...this.read, ...r, seek });
  }

  /** Number of selected frames (one pass over the headers the first time). */
  async count(): Promise<number> {
    const total = (await this.ensureIndex()).count;
    const { start, step } = this.range;
    const stop = Math.min(this.range.stop, total);
    return stop > start ? Math.ceil((stop - start) / step) : 0;
  }

  /** Timesteps of the selected frames (from the header index). */
  async timesteps(): Promise<Float64Array> {
    const ix = await this.ensureIndex();
    const n = await this.count();
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = ix.timesteps[this.range.start + k * this.range.step];
    return out;
  }

  /** The k-th selected frame; negative k counts from the end (-1 = last). */
  async frame(k: number): Promise<DumpFrame> {
    if (!Number.isInteger(k)) throw new Error(`${this.path}: frame index must be an integer, got ${k}`);
    const n = await this.count();
    const kk = k < 0 ? n + k : k;
    if (kk < 0 || kk >= n) throw new Error(`${this.path}: frame ${k} out of range; the trajectory has ${n} selected frames`);
    const fi = this.range.start + kk * this.range.step;
    const ix = this.index!;
    const seek = (await this.isGzip()) ? undefined : { offset: ix.offsets[fi], line: ix.lines[fi], index: fi };
    for await (const f of readDumpFrames(this.path, { ...this.read, start: fi, stop: fi + 1, seek })) return f;
    throw new Error(`${this.path}: frame ${fi} listed in the index could not be read; was the file truncated?`);
  }

  /**
   * Size of the selection estimated without reading the file: atoms and
   * dimension from the first frame, frames from the file size divided by the
   * first frame's size in bytes (for gzip the uncompressed size is taken from
   * the gzip trailer, which holds it modulo 4 GiB: the smallest value not
   * below the compressed size, a lower bound for a single-member gzip file
   * as gzip and LAMMPS write). Frames of a dump hold the same
   * atoms, so this is close for plain files; `count()` is exact but reads
   * every header.
   */
  async estimate(): Promise<TrajectoryEstimate> {
    const first = await readDumpFrame(this.path, 0, { ...this.read, sortById: false });
    const heads = await scanDump(this.path, undefined, 2);
    const st = fileStat(this.path);
    const gzip = await this.isGzip();
    const bytes = gzip ? await gzipUncompressedLowerBound(this.path, st.size) : st.size;
    const frameBytes = heads.length > 1 ? heads[1].offset - heads[0].offset : bytes - heads[0].offset;
    const fileFrames = Math.max(1, Math.round((bytes - heads[0].offset) / Math.max(1, frameBytes)));
    const { start, stop, step } = this.range;
    const end = Math.min(stop, fileFrames);
    const frames = end > start ? Math.ceil((end - start) / step) : 0;
    return { n: first.n, dim: first.dim, frameBytes, fileBytes: st.size, gzip, fileFrames, frames };
  }

  /** Selection range composed with a sub-range of selection indices (file indices out). */
  private compose(sub: FrameRange): Required<FrameRange> {
    const s = normalizeRange(sub);
    const { start, stop, step } = this.range;
    return {
      start: start + s.start * step,
      stop: Math.min(stop, s.stop === Infinity ? Infinity : start + s.stop * step),
      step: step * s.step,
    };
  }

  private async isGzip(): Promise<boolean> {
    return (this.gz ??= await isGzipFile(this.path));
  }

  private async indexFresh(): Promise<boolean> {
    if (!this.index) return false;
    const st = fileStat(this.path);
    return st.size === this.index.size && st.mtimeMs === this.index.mtimeMs;
  }

  private async ensureIndex(): Promise<FrameIndex> {
    if (this.index && (await this.indexFresh())) return this.index;
    const st = fileStat(this.path);
    let cap = 64;
    let offsets: Float64Array = new Float64Array(cap), lines: Float64Array = new Float64Array(cap), timesteps: Float64Array = new Float64Array(cap), times: Float64Array = new Float64Array(cap);
    let count = 0;
    await scanDump(this.path, (loc) => {
      if (count === cap) {
        cap *= 2;
        offsets = grow(offsets, cap);
        lines = grow(lines, cap);
        timesteps = grow(timesteps, cap);
        times = grow(times, cap);
      }
      offsets[count] = loc.offset;
      lines[count] = loc.line;
      timesteps[count] = loc.timestep;
      times[count] = loc.time ?? NaN;
      count++;
    });
    this.index = { count, offsets, lines, timesteps, times, size: st.size, mtimeMs: st.mtimeMs };
    return this.index;
  }
}

/** Uncompressed size of a gzip file: its trailer's ISIZE (size mod 2^32) raised by 4 GiB steps to at least the compressed size. */
async function gzipUncompressedLowerBound(path: string, size: number): Promise<number> {
  if (size < 18) return size;
  const b = new Uint8Array(4);
  await platform.readAt(path, b, size - 4);
  let u = new DataView(b.buffer).getUint32(0, true);
  while (u < size) u += 2 ** 32;
  return u;
}

/** Size and modification time of a file; the error names it where it is missing. */
function fileStat(path: string): { size: number; mtimeMs: number } {
  const st = platform.stat(path);
  if (!st?.isFile) throw Object.assign(new Error(`${path}: no such file`), { code: 'ENOENT' });
  return st;
}

function grow(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}
