/**
 * A trajectory's unwrapped positions as one compact matrix, the input of the
 * dynamical indicators (src/analysis/dynamics.ts, src/analysis/phop.ts).
 *
 *   const fr = await loadFrames('prod.dump', { dt: 0.005 });   // times = timestep * dt
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
 * Times must increase strictly and start at 0.
 */
import type { Box, Dim } from '../../system/box.ts';
import { Trajectory } from '../../io/trajectory.ts';
import { unwrappedPositions } from '../../system/system.ts';
import type { DumpFrame, FrameRange } from '../../io/lammps-dump.ts';

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

export interface LoadFramesOptions extends FrameRange {
  /** MD timestep: frame time = (timestep - timestep_0) * dt */
  dt?: number;
  /**
   * time between consecutive frames of the file (not of the selection: with
   * `step` the selected frames are step * frameDt apart), for dumps with
   * equally spaced timesteps and no ITEM: TIME. When `path` is a Trajectory,
   * pass its frame step as `step` here too (the Trajectory does the selection).
   */
  frameDt?: number;
  /** force the dimension (default: from the dump's columns) */
  dim?: Dim;
  /** called after each frame read (progress): frames read so far, frames to read */
  onFrame?: (read: number, total: number) => void;
}

/** Relative tolerance for calling frame spacings equal. */
const SPACING_RTOL = 1e-6;

/** Does a frame carry positions that can be unwrapped? (unwrapped columns, or wrapped + image flags) */
function unwrappable(f: DumpFrame): boolean {
  if (f.images) return true;
  const c = new Set(f.columns);
  return c.has('xu') || c.has('xsu');
}

/** Read a LAMMPS dump (plain or gzip) into a frames matrix of unwrapped positions. */
export async function loadFrames(path: string | Trajectory, opts: LoadFramesOptions = {}): Promise<TrajectoryFrames> {
  const traj = typeof path === 'string'
    ? new Trajectory(path, { dim: opts.dim, start: opts.start, stop: opts.stop, step: opts.step })
    : path;
  const src = traj.path;
  const nFrames = await traj.count();
  if (nFrames < 1) throw new Error(`${src}: the dump has no frames (in the selected range)`);
  let positions: Float64Array | undefined;
  let ids: Int32Array | undefined, types: Int32Array | undefined, box: Box | undefined;
  let n = 0, dim: Dim = 3;
  const timesteps = new Float64Array(nFrames);
  const dumpTimes = new Float64Array(nFrames);
  let allHaveTime = true;
  let f = 0;
  for await (const fr of traj.frames()) {
    if (f === 0) {
      n = fr.n;
      dim = fr.dim;
      ids = fr.ids.slice();
      types = fr.types.slice();
      box = fr.box;
      try {
        positions = new Float64Array(nFrames * n * dim);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        const gib = (nFrames * n * dim * 8) / 2 ** 30;
        throw new Error(`${src}: ${nFrames} frames x ${n} atoms need ${gib.toFixed(1)} GiB of positions, more than can be allocated; ` +
          'select fewer frames (start/stop/step, --start --stop --every)');
      }
    }
    if (!unwrappable(fr)) {
      throw new Error(`${src}: frame ${f} (timestep ${fr.timestep}, line ${fr.line}) has wrapped positions without image flags ` +
        `(columns: ${fr.columns.join(' ')}); dynamics needs unwrapped coordinates: dump 'xu yu zu' (or 'x y z ix iy iz') with dump custom`);
    }
    if (fr.n !== n) throw new Error(`${src}: frame ${f} (timestep ${fr.timestep}) has ${fr.n} atoms but frame 0 has ${n}; dynamics needs the same atoms in every frame`);
    for (let i = 0; i < n; i++) {
      if (fr.ids[i] !== ids![i] || fr.types[i] !== types![i]) {
        throw new Error(`${src}: frame ${f} (timestep ${fr.timestep}) holds atom id ${fr.ids[i]} type ${fr.types[i]} where frame 0 has id ${ids![i]} type ${types![i]}; ` +
          'dynamics needs the same atoms (ids and types) in every frame');
      }
    }
    positions!.set(unwrappedPositions(fr), f * n * dim);
    timesteps[f] = fr.timestep;
    if (fr.time === undefined) allHaveTime = false;
    else dumpTimes[f] = fr.time;
    f++;
    opts.onFrame?.(f, nFrames);
    if (f === nFrames) break;
  }
  if (f !== nFrames) throw new Error(`${src}: read ${f} frames but the index lists ${nFrames}; was the file truncated or changed while reading?`);
  const times = frameTimes(src, timesteps, allHaveTime ? dumpTimes : null, opts);
  return { n, dim, nFrames, positions: positions!, times, timesteps, ids: ids!, types: types!, box: box!, source: src };
}

/** Frame times from timesteps, a uniform spacing or the dump's times (precedence in the module comment). */
function frameTimes(src: string, timesteps: Float64Array, dumpTimes: Float64Array | null, opts: LoadFramesOptions): Float64Array {
  const T = timesteps.length;
  const times = new Float64Array(T);
  let from: string;
  if (opts.dt !== undefined) {
    if (!(opts.dt > 0)) throw new Error(`${src}: dt must be positive, got ${opts.dt}`);
    for (let f = 0; f < T; f++) times[f] = (timesteps[f] - timesteps[0]) * opts.dt;
    from = `timestep * dt (dt = ${opts.dt})`;
  } else if (opts.frameDt !== undefined) {
    if (!(opts.frameDt > 0)) throw new Error(`${src}: frame-dt must be positive, got ${opts.frameDt}`);
    if (!isLinearSpacing(timesteps)) {
      throw new Error(`${src}: the frames' timesteps are not equally spaced (log-spaced dump?); ` +
        'a frame spacing cannot give their times: pass the MD timestep (dt, --dt) so that time = timestep * dt');
    }
    const step = opts.step ?? 1;
    if (!(Number.isInteger(step) && step >= 1)) throw new Error(`${src}: step must be a positive integer, got ${step}`);
    const spacing = step * opts.frameDt;
    for (let f = 0; f < T; f++) times[f] = f * spacing;
    from = step === 1
      ? `the frame spacing (frame-dt = ${opts.frameDt})`
      : `the frame spacing (frame-dt = ${opts.frameDt} between frames of the file, x step ${step} = ${spacing} between selected frames)`;
  } else if (dumpTimes) {
    for (let f = 0; f < T; f++) times[f] = dumpTimes[f] - dumpTimes[0];
    return checkTimes(src, times);
  } else {
    throw new Error(`${src}: the dump has no ITEM: TIME; give the time between frames (frameDt, --frame-dt) or the MD timestep (dt, --dt)`);
  }
  if (dumpTimes) {
    // the file knows its times: an explicit option that contradicts them is a mistake
    const span = Math.abs(dumpTimes[T - 1] - dumpTimes[0]);
    for (let f = 0; f < T; f++) {
      const own = dumpTimes[f] - dumpTimes[0];
      if (Math.abs(times[f] - own) > 1e-6 * span) {
        throw new Error(`${src}: frame ${f} is at t = ${own} by the dump's ITEM: TIME but at t = ${times[f]} by ${from}; ` +
          'leave out --frame-dt/--dt to use the file\'s times, or correct them');
      }
    }
  }
  return checkTimes(src, times);
}

function checkTimes<A extends ArrayLike<number>>(src: string, times: A): A {
  for (let f = 1; f < times.length; f++) {
    if (!(times[f] > times[f - 1])) {
      throw new Error(`${src}: frame times must increase strictly, but frame ${f} is at t = ${times[f]} after t = ${times[f - 1]} (repeated or unordered timesteps?)`);
    }
  }
  return times;
}

/** Are the values equally spaced (relative tolerance 1e-6 of the mean spacing)? */
export function isLinearSpacing(v: ArrayLike<number>): boolean {
  const T = v.length;
  if (T < 3) return true;
  const h = (v[T - 1] - v[0]) / (T - 1);
  for (let f = 1; f < T; f++) if (Math.abs(v[f] - v[f - 1] - h) > SPACING_RTOL * Math.abs(h)) return false;
  return true;
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
