/**
 * The one frame source of the trajectory analyses (dynamics, p_hop,
 * softness, VDOS velocity streaming, inherent structures, atomic stress).
 *
 *   for await (const frame of source) { ... }   // one frame in memory
 *   await source.count()                        // frames, when known (undefined: only by reading)
 *   await source.times()                        // time of each frame from 0 (model time units)
 *
 * A FrameSource is an async iterable of Systems (each with `timestep` and
 * `time` when known) plus `count` and `times`; iterating it again starts a
 * new pass over the same frames (analyses such as softness read twice).
 * Implementations: `Trajectory` (src/io/trajectory.ts, a LAMMPS dump read
 * lazily, one frame in memory) and `arrayFrames` here (Systems already in
 * memory). A dense positions matrix is never built by a source: ask for one
 * with `collectPositions` (src/analysis/dynamics/frames.ts), which states its
 * memory, n x frames x dim x 8 bytes.
 *
 * This level does no I/O. Frame times follow one rule for every source
 * (`frameTimes`): `dt` given: (timestep - first timestep) x dt; `frameDt`
 * given: k x step x frameDt for equally spaced frames (frameDt is the spacing
 * of the underlying frames, `step` the stride of the selection); otherwise
 * the frames' own times (a dump's ITEM: TIME, System.time). When the frames
 * know their times, `dt` or `frameDt` must agree with them.
 *
 * Atoms are matched across frames by LAMMPS id (`AtomOrder`): per-frame
 * analyses report in the atom order of the FIRST frame, whatever order
 * later frames store them in.
 */
import type { System } from './system.ts';

/** Frames in time order, re-iterable, with their number (when known) and times. */
export interface FrameSource<F extends System = System> extends AsyncIterable<F> {
  /** where the frames come from (a file path, or a label): errors name it */
  readonly label: string;
  /** number of frames; undefined when only reading them all would tell */
  count(): Promise<number | undefined>;
  /**
   * Time of each frame from 0 at the first (model time units), by the rule of
   * the module doc. Rejects, naming the source and the option to give, when
   * neither the frames nor the options say.
   */
  times(): Promise<Float64Array>;
}

/** How frame times are found (module doc). */
export interface FrameTimeOptions {
  /** MD timestep: time = (timestep - first timestep) x dt */
  dt?: number;
  /** time between consecutive underlying frames (with `step` k the selected ones are k x frameDt apart) */
  frameDt?: number;
  /** stride of the selection over the underlying frames (default 1) */
  step?: number;
}

/** Anything an analysis accepts as frames: a FrameSource, an array or any (async) iterable of Systems. */
export type AnalysisFrameSource =
  | FrameSource
  | readonly System[]
  | Iterable<System>
  | AsyncIterable<System>;

/** Relative tolerance for calling frame spacings equal. */
const SPACING_RTOL = 1e-6;

/** Are the values equally spaced (relative tolerance 1e-6 of the mean spacing)? */
export function isLinearSpacing(v: ArrayLike<number>): boolean {
  const T = v.length;
  if (T < 3) return true;
  const h = (v[T - 1] - v[0]) / (T - 1);
  for (let f = 1; f < T; f++) if (Math.abs(v[f] - v[f - 1] - h) > SPACING_RTOL * Math.abs(h)) return false;
  return true;
}

/** Check that times increase strictly; the message names the source and the frame. */
export function checkTimes<A extends ArrayLike<number>>(label: string, times: A): A {
  for (let f = 1; f < times.length; f++) {
    if (!(times[f] > times[f - 1])) {
      throw new Error(`${label}: frame times must increase strictly, but frame ${f} is at t = ${times[f]} after t = ${times[f - 1]} (repeated or unordered timesteps?)`);
    }
  }
  return times;
}

/**
 * Frame times from timesteps, a uniform spacing or the frames' own times
 * (`ownTimes`, null when some frame has none), by the rule of the module doc.
 */
export function frameTimes(label: string, timesteps: ArrayLike<number>, ownTimes: ArrayLike<number> | null, opts: FrameTimeOptions): Float64Array {
  const T = timesteps.length;
  const times = new Float64Array(T);
  let from: string;
  if (opts.dt !== undefined) {
    if (!(opts.dt > 0)) throw new Error(`${label}: dt must be positive, got ${opts.dt}`);
    for (let f = 0; f < T; f++) {
      if (!Number.isFinite(timesteps[f])) throw new Error(`${label}: frame ${f} has no timestep, so dt cannot give its time; give the frame spacing (frameDt, --frame-dt)`);
      times[f] = (timesteps[f] - timesteps[0]) * opts.dt;
    }
    from = `timestep * dt (dt = ${opts.dt})`;
  } else if (opts.frameDt !== undefined) {
    if (!(opts.frameDt > 0)) throw new Error(`${label}: frame-dt must be positive, got ${opts.frameDt}`);
    if (timesteps.length > 0 && Array.from(timesteps).every(Number.isFinite) && !isLinearSpacing(timesteps)) {
      throw new Error(`${label}: the frames' timesteps are not equally spaced (log-spaced dump?); ` +
        'a frame spacing cannot give their times: pass the MD timestep (dt, --dt) so that time = timestep * dt');
    }
    const step = opts.step ?? 1;
    if (!(Number.isInteger(step) && step >= 1)) throw new Error(`${label}: step must be a positive integer, got ${step}`);
    const spacing = step * opts.frameDt;
    for (let f = 0; f < T; f++) times[f] = f * spacing;
    from = step === 1
      ? `the frame spacing (frame-dt = ${opts.frameDt})`
      : `the frame spacing (frame-dt = ${opts.frameDt} between frames of the file, x step ${step} = ${spacing} between selected frames)`;
  } else if (ownTimes) {
    for (let f = 0; f < T; f++) times[f] = ownTimes[f] - ownTimes[0];
    return checkTimes(label, times);
  } else {
    throw new Error(`${label}: the dump has no ITEM: TIME; give the time between frames (frameDt, --frame-dt) or the MD timestep (dt, --dt)`);
  }
  if (ownTimes) {
    // the frames know their times: an explicit option that contradicts them is a mistake
    const span = Math.abs(ownTimes[T - 1] - ownTimes[0]);
    for (let f = 0; f < T; f++) {
      const own = ownTimes[f] - ownTimes[0];
      if (Math.abs(times[f] - own) > 1e-6 * span) {
        throw new Error(`${label}: frame ${f} is at t = ${own} by the dump's ITEM: TIME but at t = ${times[f]} by ${from}; ` +
          'leave out --frame-dt/--dt to use the file\'s times, or correct them');
      }
    }
  }
  return checkTimes(label, times);
}

export interface ArrayFramesOptions extends FrameTimeOptions {
  /** time of each frame (overrides dt, frameDt and the Systems' own times) */
  times?: ArrayLike<number>;
  /** name in messages (default 'frames') */
  label?: string;
}

/** A FrameSource over Systems already in memory (an MD run's snapshots, a test). */
export function arrayFrames<F extends System>(systems: readonly F[], opts: ArrayFramesOptions = {}): FrameSource<F> {
  const label = opts.label ?? 'frames';
  if (opts.times !== undefined && opts.times.length !== systems.length) {
    throw new Error(`${label}: ${opts.times.length} times for ${systems.length} frames`);
  }
  return {
    label,
    async count() { return systems.length; },
    async times() {
      if (opts.times !== undefined) return checkTimes(label, Float64Array.from(opts.times, (t) => t - opts.times![0]));
      const own = systems.every((s) => s.time !== undefined) ? systems.map((s) => s.time!) : null;
      return frameTimes(label, systems.map((s) => s.timestep ?? NaN), own, opts);
    },
    async *[Symbol.asyncIterator]() { yield* systems; },
  };
}

function isFrameSource(s: AnalysisFrameSource): s is FrameSource {
  return typeof (s as FrameSource).times === 'function' && typeof (s as FrameSource).count === 'function' && Symbol.asyncIterator in (s as object);
}

/**
 * Any accepted input as a FrameSource: a FrameSource as it is, an array by
 * `arrayFrames`, other iterables as a one-pass source of unknown count and
 * times.
 */
export function toFrameSource(src: AnalysisFrameSource, label = 'frames'): FrameSource {
  if (isFrameSource(src)) return src;
  if (Array.isArray(src)) return arrayFrames(src as readonly System[], { label });
  const it = src as Iterable<System> | AsyncIterable<System>;
  return {
    label, count: async () => undefined,
    times: async () => { throw new Error(`${label}: an iterable of Systems is read once; to know the frame times pass an array (arrayFrames) or a Trajectory`); },
    async *[Symbol.asyncIterator]() { for await (const f of it) yield f; },
  };
}

/**
 * Maps atoms of later frames onto the order of a reference frame by id.
 * `indexOf(sys)` returns perm with perm[i] = index in `sys` of the reference
 * atom i, or null when `sys` stores the atoms in the reference order.
 */
export class AtomOrder {
  readonly ids: Int32Array;
  readonly types: Int32Array;
  private readonly where: Map<number, number>;

  constructor(ref: System, private readonly who: string) {
    this.ids = ref.ids.slice();
    this.types = ref.types.slice();
    this.where = new Map();
    for (let i = 0; i < ref.n; i++) {
      if (this.where.has(ref.ids[i])) throw new Error(`${who}: atom id ${ref.ids[i]} occurs twice in the first frame; ids must be unique`);
      this.where.set(ref.ids[i], i);
    }
  }

  indexOf(sys: System, frame: number): Int32Array | null {
    const n = this.ids.length;
    if (sys.n !== n) throw new Error(`${this.who}: frame ${frame} has ${sys.n} atoms but the first frame has ${n}; all frames must hold the same atoms`);
    let same = true;
    for (let i = 0; i < n; i++) if (sys.ids[i] !== this.ids[i]) { same = false; break; }
    if (same) return null;
    const perm = new Int32Array(n).fill(-1);
    for (let j = 0; j < n; j++) {
      const i = this.where.get(sys.ids[j]);
      if (i === undefined) throw new Error(`${this.who}: frame ${frame} holds atom id ${sys.ids[j]}, absent from the first frame`);
      perm[i] = j;
    }
    return perm;
  }
}
