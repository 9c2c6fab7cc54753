/**
 * Frame sources shared by the per-frame analyses of Fan et al. 2022
 * (inherent structures, atomic stress): a Trajectory (streamed, one frame
 * in memory), an array of Systems, or any (async) iterable of Systems.
 *
 * Atoms are matched across frames by LAMMPS id: results are reported in the
 * atom order of the FIRST frame, whatever order later frames store them in
 * (LAMMPS dumps are not sorted unless `dump_modify sort id`).
 */
import type { System } from './system.ts';

/** Anything that yields configurations in time order. */
export type AnalysisFrameSource =
  | { frames(): AsyncIterable<System>; count(): Promise<number> }
  | readonly System[]
  | Iterable<System>
  | AsyncIterable<System>;

function isTrajectoryLike(s: AnalysisFrameSource): s is { frames(): AsyncIterable<System>; count(): Promise<number> } {
  return typeof (s as { frames?: unknown }).frames === 'function' && typeof (s as { count?: unknown }).count === 'function';
}

/** Number of frames when known without reading them (arrays, Trajectory), else undefined. */
export async function analysisFrameCount(src: AnalysisFrameSource): Promise<number | undefined> {
  if (Array.isArray(src)) return src.length;
  if (isTrajectoryLike(src)) return src.count();
  return undefined;
}

/** Iterate the frames of any source (async). */
export async function* analysisFrames(src: AnalysisFrameSource): AsyncGenerator<System, void, undefined> {
  if (isTrajectoryLike(src)) { for await (const f of src.frames()) yield f; return; }
  if (Symbol.asyncIterator in (src as object)) { for await (const f of src as AsyncIterable<System>) yield f; return; }
  for (const f of src as Iterable<System>) yield f;
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
