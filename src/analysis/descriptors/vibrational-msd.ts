/**
 * Vibrational mean-squared displacement of each atom about its inherent
 * structure, Wei et al., Phys. Rev. B 99, 014115 (2019), Sec. III A, Eq. 1:
 *
 *   <dr_i^2> = < |r_i(t) - r_i^IS|^2 >_t
 *
 * the time average over the frames of an MD run at temperature T started
 * from the inherent structure (Wei: 100 ps at 300 K, CuZr). Units: length^2.
 *
 * Decisions:
 * - Periodic images. A frame may hold wrapped or unwrapped coordinates, and
 *   the inherent structure may sit in another image than the run's first
 *   frame. The displacement u_i(t) is unwrapped by continuity: of all the
 *   lattice images of r_i(t) - r_i^IS, the one closest to u_i at the
 *   previous frame (0 before the first frame; minimum image of the
 *   difference in the frame's box). Exact while no atom moves more than half
 *   a box width between consecutive frames; a vibrational run is far inside
 *   that. Image flags and unwrapped columns are therefore not needed.
 * - Drift. The centre-of-mass displacement U(t) = sum_i m_i u_i(t) / sum_i m_i
 *   (masses of the inherent structure) is removed from every frame:
 *   <dr_i^2> = mean_t |u_i(t) - U(t)|^2.
 * - Every frame given counts with equal weight. An MD dump's frame 0 is
 *   the inherent structure itself, and the first few ps are the thermostat
 *   warming the atoms (a run started at the IS with velocities at T sits
 *   near T/2 until the thermostat acts): leave them out of the frames
 *   (Trajectory `start`, `--start`).
 * - Atoms are matched to the inherent structure by id; frames may store
 *   them in any order. The result is in the inherent structure's order.
 * - `maxDisplacement`, the largest |u_i(t) - U(t)| seen, tells whether an
 *   atom left its basin during the run (Wei: the run must be short enough
 *   that atoms do not hop between basins).
 */
import type { System } from '../../system/system.ts';
import { toFrameSource, type AnalysisFrameSource } from '../../system/frame-source.ts';
import { stopRequested } from '../../platform/index.ts';

export interface VibrationalMsdOptions {
  /** remove the centre-of-mass displacement of each frame (default true) */
  removeDrift?: boolean;
  /** names the inherent structure in messages (default 'the inherent structure') */
  reference?: string;
  /** stops between frames */
  signal?: AbortSignal;
  /** called after each frame: frames read so far */
  onFrame?: (read: number) => void;
}

export interface VibrationalMsd {
  /** <dr_i^2> per atom, inherent-structure order, length^2 */
  vmsd: Float64Array;
  /** frames averaged over */
  frames: number;
  /** largest |u_i(t) - U(t)| over atoms and frames, length */
  maxDisplacement: number;
}

/**
 * Per-frame map from the inherent structure's atom order to a frame's:
 * perm[i] = index in `frame` of IS atom i, or null when the order is the same.
 */
export function matchAtomsById(ref: System, frame: System, where: string, reference: string): Int32Array | null {
  const n = ref.n;
  if (frame.n !== n) throw new Error(`${where} has ${frame.n} atoms but ${reference} has ${n}; the frames must hold the atoms of ${reference}`);
  let same = true;
  for (let i = 0; i < n; i++) if (frame.ids[i] !== ref.ids[i]) { same = false; break; }
  if (same) return null;
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) index.set(ref.ids[i], i);
  const perm = new Int32Array(n).fill(-1);
  for (let j = 0; j < n; j++) {
    const i = index.get(frame.ids[j]);
    if (i === undefined) throw new Error(`${where} holds atom id ${frame.ids[j]}, which ${reference} lacks; the frames must hold the atoms of ${reference}`);
    if (perm[i] >= 0) throw new Error(`${where} holds atom id ${frame.ids[j]} twice`);
    perm[i] = j;
  }
  return perm;
}

function sameIds(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Wei et al. 2019 Eq. 1 from the frames of a run started at `is`; see the module doc. */
export async function vibrationalMsd(is: System, frames: AnalysisFrameSource, opts: VibrationalMsdOptions = {}): Promise<VibrationalMsd> {
  const source = toFrameSource(frames);
  const reference = opts.reference ?? 'the inherent structure';
  const removeDrift = opts.removeDrift ?? true;
  const n = is.n, d = is.dim;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (seen.has(is.ids[i])) throw new Error(`${reference}: atom id ${is.ids[i]} occurs twice; ids must be unique`);
    seen.add(is.ids[i]);
  }
  let M = 0;
  for (let i = 0; i < n; i++) M += is.masses[i];
  const u = new Float64Array(n * d); // unwrapped displacement, IS order
  const acc = new Float64Array(n);
  const dr = new Float64Array(d), cm = new Float64Array(d);
  let count = 0, maxDisp2 = 0;
  // frames usually share one atom order: the last match is reused when the ids are the same
  let lastIds: Int32Array | null = null, perm: Int32Array | null = null;
  for await (const fr of source) {
    if (stopRequested(opts.signal)) throw opts.signal?.aborted ? opts.signal.reason : new Error('vibrational MSD: interrupted');
    const where = `${source.label}: frame ${count}`;
    if (fr.dim !== d) throw new Error(`${where} is ${fr.dim}D but ${reference} is ${d}D`);
    if (!lastIds || !sameIds(lastIds, fr.ids)) {
      perm = matchAtomsById(is, fr, where, reference);
      lastIds = fr.ids.slice();
    }
    for (let i = 0; i < n; i++) {
      const j = perm ? perm[i] : i;
      for (let c = 0; c < d; c++) dr[c] = fr.positions[j * d + c] - is.positions[i * d + c] - u[i * d + c];
      fr.box.minimumImage(dr);
      for (let c = 0; c < d; c++) u[i * d + c] += dr[c];
    }
    cm.fill(0);
    if (removeDrift && M > 0) {
      for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) cm[c] += is.masses[i] * u[i * d + c];
      for (let c = 0; c < d; c++) cm[c] /= M;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (u[i * d + c] - cm[c]) ** 2;
      acc[i] += s;
      if (s > maxDisp2) maxDisp2 = s;
    }
    count++;
    opts.onFrame?.(count);
  }
  if (count === 0) throw new Error(`${source.label}: no frames (in the selected range); the vibrational MSD needs at least one`);
  for (let i = 0; i < n; i++) acc[i] /= count;
  return { vmsd: acc, frames: count, maxDisplacement: Math.sqrt(maxDisp2) };
}
