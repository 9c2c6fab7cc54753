/**
 * A trajectory's unwrapped positions as one compact matrix, the input of the
 * dynamical indicators (src/analysis/dynamics.ts, src/analysis/phop.ts),
 * collected from a FrameSource (src/system/frame-source.ts) only when asked:
 * the matrix takes n x frames x dim x 8 bytes (24 bytes per atom per frame
 * in 3D; `positionsMatrixBytes`). Everything else streams the source.
 *
 *   const fr = await collectPositions(new Trajectory('prod.dump', { dt: 0.005 }));
 *   const fr = await loadFrames('prod.dump', { dt: 0.005 });   // the same; times = timestep * dt
 *   fr.positions[(f * fr.n + i) * fr.dim + k]                   // frame f, atom i, axis k
 *
 * Layout: frame-major, `positions[(f*n + i)*dim + k]`, atoms sorted by id in
 * every frame (the dump reader's `sortById`), so atom i is the same particle
 * in all frames; ids and types are checked to be identical in every frame.
 * Every per-particle, per-frame field of the dynamics modules uses the same
 * frame-major order, `field[f*n + i]`.
 *
 * Positions are unwrapped: dumps with `xu yu zu` (or `xsu ysu zsu`) are read
 * as they are; dumps with wrapped `x y z` (or `xs ys zs`) need the image
 * flags `ix iy iz`, and a dump without either is refused (the error names
 * the file and the columns to add to `dump custom`).
 *
 * Frame times (model time units, tau in LJ units), in order of precedence:
 * `dt` given: (timestep - first timestep) * dt, linear or log-spaced alike;
 * `frameDt` given: the time between consecutive frames IN THE FILE (as
 * `glasslab vdos --frame-dt`), so the k-th selected frame is at
 * k * step * frameDt (with `step` > 1 the selected frames are step * frameDt
 * apart); only allowed when the selected timesteps are equally spaced (for
 * log-spaced dumps pass the MD timestep as `dt`); otherwise the
 * dump's `ITEM: TIME`. When the dump has ITEM: TIME, times from `dt` or
 * `frameDt` must agree with it (an error otherwise: the option is wrong).
 * Times must increase strictly and start at 0. This is the rule of every
 * FrameSource (`frameTimes` in src/system/frame-source.ts), arrays included.
 */
import type { Box, Dim } from '../../system/box.ts';
import { Trajectory } from '../../io/trajectory.ts';
import { createSystem, unwrappedPositions, type System } from '../../system/system.ts';
import { arrayFrames, checkTimes, toFrameSource, type AnalysisFrameSource } from '../../system/frame-source.ts';
import type { FrameRange } from '../../io/lammps-dump.ts';

export { isLinearSpacing } from '../../system/frame-source.ts';

export interface TrajectoryFrames {
  readonly n: number;
  readonly dim: Dim;
  readonly nFrames: number;
  /** unwrapped positions, `[(f*n + i)*dim + k]` (length) */
  readonly positions: Float64Array;
  /** time of each frame, from 0 at the first frame (model time units) */
  readonly times: Float64Array;
  /** MD timestep of each frame (NaN when unknown) */
  readonly timesteps: Float64Array;
  /** atom ids, ascending */
  readonly ids: Int32Array;
  /** atom types (1-based) */
  readonly types: Int32Array;
  /** box of the first frame */
  readonly box: Box;
  /** where the frames came from (for error messages) */
  readonly source: string;
}

export interface CollectOptions {
  /** refuse (before allocating) a matrix larger than this many bytes */
  maxBytes?: number;
  /** called after each frame read (progress): frames read so far, frames to read */
  onFrame?: (read: number, total: number) => void;
}

export interface LoadFramesOptions extends FrameRange, CollectOptions {
  /** MD timestep: frame time = (timestep - timestep_0) * dt */
  dt?: number;
  /**
   * time between consecutive frames of the file (not of the selection: with
   * `step` the selected frames are step * frameDt apart), for dumps with
   * equally spaced timesteps and no ITEM: TIME. When `path` is a Trajectory,
   * give dt / frameDt to the Trajectory instead.
   */
  frameDt?: number;
  /** force the dimension (default: from the dump's columns) */
  dim?: Dim;
}

/** Bytes of the dense positions matrix of n atoms x frames in dim dimensions (f64). */
export function positionsMatrixBytes(n: number, frames: number, dim: number): number {
  return n * frames * dim * 8;
}

/** `1.5 GiB`, `12.0 MiB`: a byte count for messages. */
export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  return `${(b / 2 ** 10).toFixed(1)} KiB`;
}

/** Does a frame carry positions that can be unwrapped? Dump frames: unwrapped columns, or wrapped + image flags; other Systems: always. */
function unwrappable(f: System & { columns?: readonly string[] }): boolean {
  if (f.images || !f.columns) return true;
  const c = new Set(f.columns);
  return c.has('xu') || c.has('xsu');
}

/**
 * Collect the unwrapped positions of every frame of a source into the dense
 * matrix (n x frames x dim x 8 bytes), with the source's times. Ids and
 * types must be the same in every frame, in the same order (dumps are
 * sorted by id on reading). `maxBytes` refuses a larger matrix before
 * allocating it (the count of a Trajectory comes from one header scan).
 * A one-pass iterable (count unknown) is first gathered into an array.
 */
export async function collectPositions(input: AnalysisFrameSource, opts: CollectOptions = {}): Promise<TrajectoryFrames> {
  const source = toFrameSource(input);
  const src = source.label;
  const counted = await source.count();
  if (counted === undefined) {
    // one-pass iterable: read it into an array first (its frames are in memory already)
    const all: System[] = [];
    for await (const f of source) all.push(f);
    return collectPositions(arrayFrames(all, { label: src }), opts);
  }
  const nFrames = counted;
  if (nFrames < 1) throw new Error(`${src}: the dump has no frames (in the selected range)`);
  // before reading the atoms: a source without times fails fast
  const times = await source.times();
  let positions: Float64Array | undefined;
  let ids: Int32Array | undefined, types: Int32Array | undefined, box: Box | undefined;
  let n = 0, dim: Dim = 3;
  const timesteps = new Float64Array(nFrames);
  let f = 0;
  for await (const fr of source as AsyncIterable<System & { columns?: readonly string[]; line?: number }>) {
    if (f === 0) {
      n = fr.n;
      dim = fr.dim;
      ids = fr.ids.slice();
      types = fr.types.slice();
      box = fr.box;
      const bytes = positionsMatrixBytes(n, nFrames, dim);
      const tooBig = () => new Error(`${src}: ${nFrames} frames x ${n} atoms x ${dim} coordinates need ${formatBytes(bytes)} of positions ` +
        `(${dim * 8} bytes per atom per frame), more than ${opts.maxBytes !== undefined && bytes > opts.maxBytes ? `the limit of ${formatBytes(opts.maxBytes)}` : 'can be allocated'}; ` +
        'select fewer frames (start/stop/step; --start --stop --stride)');
      if (opts.maxBytes !== undefined && bytes > opts.maxBytes) throw tooBig();
      try {
        positions = new Float64Array(nFrames * n * dim);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        throw tooBig();
      }
    }
    const at = `frame ${f}${fr.timestep !== undefined ? ` (timestep ${fr.timestep}${fr.line !== undefined ? `, line ${fr.line}` : ''})` : ''}`;
    if (!unwrappable(fr)) {
      throw new Error(`${src}: ${at} has wrapped positions without image flags ` +
        `(columns: ${fr.columns!.join(' ')}); dynamics needs unwrapped coordinates: dump 'xu yu zu' (or 'x y z ix iy iz') with dump custom`);
    }
    if (fr.n !== n) throw new Error(`${src}: ${at} has ${fr.n} atoms but frame 0 has ${n}; dynamics needs the same atoms in every frame`);
    for (let i = 0; i < n; i++) {
      if (fr.ids[i] !== ids![i] || fr.types[i] !== types![i]) {
        throw new Error(`${src}: ${at} holds atom id ${fr.ids[i]} type ${fr.types[i]} where frame 0 has id ${ids![i]} type ${types![i]}; ` +
          'dynamics needs the same atoms (ids and types) in every frame');
      }
    }
    positions!.set(unwrappedPositions(fr), f * n * dim);
    timesteps[f] = fr.timestep ?? NaN;
    f++;
    opts.onFrame?.(f, nFrames);
    if (f === nFrames) break;
  }
  if (f !== nFrames) throw new Error(`${src}: read ${f} frames but the index lists ${nFrames}; was the file truncated or changed while reading?`);
  return { n, dim, nFrames, positions: positions!, times, timesteps, ids: ids!, types: types!, box: box!, source: src };
}

/** Read a LAMMPS dump (plain or gzip) into a frames matrix of unwrapped positions (`collectPositions` of its Trajectory). */
export async function loadFrames(path: string | Trajectory, opts: LoadFramesOptions = {}): Promise<TrajectoryFrames> {
  const traj = typeof path === 'string'
    ? new Trajectory(path, { dim: opts.dim, start: opts.start, stop: opts.stop, step: opts.step, dt: opts.dt, frameDt: opts.frameDt })
    : path;
  if (typeof path !== 'string' && (opts.dt !== undefined || opts.frameDt !== undefined)) {
    throw new Error(`${traj.path}: give dt or frameDt to the Trajectory (new Trajectory(path, { dt })), not to loadFrames`);
  }
  return collectPositions(traj, opts);
}

export interface FramesInit {
  n: number;
  dim: Dim;
  /** unwrapped positions `[(f*n + i)*dim + k]` */
  positions: Float64Array;
  times: ArrayLike<number>;
  box: Box;
  types?: ArrayLike<number>;
  ids?: ArrayLike<number>;
  source?: string;
}

/**
 * Frames from arrays already in memory (an MD run's recorded positions, a
 * test). Types default to 1, ids to 1..n; times must increase strictly.
 */
export function framesFromArrays(init: FramesInit): TrajectoryFrames {
  const { n, dim } = init;
  const src = init.source ?? 'frames';
  const nFrames = init.times.length;
  if (init.positions.length !== nFrames * n * dim) {
    throw new Error(`${src}: positions has ${init.positions.length} values; ${nFrames} frames x ${n} atoms x ${dim} = ${nFrames * n * dim} expected`);
  }
  const times = Float64Array.from(init.times, (t) => t - init.times[0]);
  checkTimes(src, times);
  const types = init.types ? Int32Array.from(init.types) : new Int32Array(n).fill(1);
  const ids = init.ids ? Int32Array.from(init.ids) : Int32Array.from({ length: n }, (_, i) => i + 1);
  if (types.length !== n || ids.length !== n) throw new Error(`${src}: types and ids need ${n} entries`);
  return { n, dim, nFrames, positions: init.positions, times, timesteps: new Float64Array(nFrames).fill(NaN), ids, types, box: init.box, source: src };
}

/**
 * Frame f of a frames matrix as a System sharing its memory (unwrapped
 * positions, the box of the first frame; a neighbour list wraps them).
 */
export function frameSystem(fr: TrajectoryFrames, f: number): System {
  if (!(Number.isInteger(f) && f >= 0 && f < fr.nFrames)) throw new Error(`${fr.source}: frame ${f} of ${fr.nFrames} (give 0 to ${fr.nFrames - 1})`);
  const m = fr.n * fr.dim;
  return createSystem({ box: fr.box, positions: fr.positions.subarray(f * m, (f + 1) * m), types: fr.types, ids: fr.ids });
}

/** Every `stride`-th frame of a frames matrix, from the first, times kept (a copy). */
export function strideFrames(fr: TrajectoryFrames, stride: number): TrajectoryFrames {
  if (!(Number.isInteger(stride) && stride >= 1)) throw new Error(`strideFrames: stride must be a positive integer, got ${stride}`);
  const keep = Array.from({ length: Math.floor((fr.nFrames - 1) / stride) + 1 }, (_, k) => k * stride);
  const m = fr.n * fr.dim, pos = new Float64Array(keep.length * m);
  keep.forEach((f, k) => pos.set(fr.positions.subarray(f * m, (f + 1) * m), k * m));
  return framesFromArrays({ n: fr.n, dim: fr.dim, positions: pos, times: keep.map((f) => fr.times[f]), box: fr.box, types: fr.types, ids: fr.ids, source: `${fr.source} (every ${stride})` });
}
