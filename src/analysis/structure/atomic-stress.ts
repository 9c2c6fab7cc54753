/**
 * Atomic stress (Fan et al., PRB 105, 104112 (2022), Fig. 4): "the atomic
 * stresses are obtained by averaging the diagonal elements of the stress
 * tensor", time-averaged over configurations "sampled within 2 tau in time
 * intervals of 0.02 tau" (100 frames). The paper computes it with LAMMPS
 * `compute stress/atom`, whose sign convention we keep:
 *
 *   sigma_i = -(nktv2p / v_i) (1/d) sum_a [ mvv2e m_i v_ia v_ia + W_i,aa ]
 *
 * with W_i the per-atom virial of the force provider (src/core/types.ts:
 * W_ab = sum over pairs r_ij,a F_ij,b, split half/half between the two
 * atoms, positive for repulsion) and v_i the volume per atom. sigma_i > 0 is
 * tensile ("stretched", the paper's reading of the softest particles),
 * sigma_i < 0 compressive. It is minus the per-atom pressure.
 *
 * Volume per atom: the paper does not say; LAMMPS reports pressure x volume
 * (`volumePerAtom: 'none'`). By default we divide by the mean volume V/N, so
 * that sigma has pressure units and its average over atoms is exactly minus
 * the global pressure, mean_i sigma_i = -P (the sum rule the tests check).
 * Per-atom (e.g. Voronoi) volumes can be passed instead.
 * The kinetic term is included when the frames carry velocities (as LAMMPS
 * does), unless `includeKinetic: false` (e.g. for inherent structures).
 */
import type { ForceProvider } from '../../core/types.ts';
import { getUnits, type UnitsName } from '../../util/units.ts';
import { AtomOrder, toFrameSource, type AnalysisFrameSource } from '../../system/frame-source.ts';
import { stopRequested } from '../../platform/index.ts';

export interface AtomicStressOptions {
  units?: UnitsName;
  /** include m v v (default: when the first frame has velocities) */
  includeKinetic?: boolean;
  /** 'mean' (V/N of each frame, default), 'none' (pressure x volume, LAMMPS stress/atom), or per-atom volumes (first-frame atom order) */
  volumePerAtom?: 'mean' | 'none' | Float64Array;
  onProgress?: (p: { done: number; total: number | undefined }) => void;
  signal?: AbortSignal;
}

export interface AtomicStressResult {
  readonly n: number;
  readonly frames: number;
  readonly ids: Int32Array;
  readonly types: Int32Array;
  /** time-averaged atomic stress sigma_i (pressure units; pressure x volume with volumePerAtom 'none') */
  readonly stress: Float64Array;
  /** global pressure P of each frame, nktv2p (2K + tr W)/(d V) (2K omitted without kinetic term) */
  readonly pressure: Float64Array;
  readonly includeKinetic: boolean;
}

/** Time-averaged atomic stress over the frames of `source` (see the module doc). */
export async function atomicStress(
  source: AnalysisFrameSource, provider: ForceProvider, opts: AtomicStressOptions = {},
): Promise<AtomicStressResult> {
  const frames = toFrameSource(source);
  // errors name the file of a Trajectory
  const who = frames.label === 'frames' ? 'atomicStress' : `${frames.label}: atomicStress`;
  const u = getUnits(opts.units ?? 'lj');
  const total = await frames.count();
  const vol = opts.volumePerAtom ?? 'mean';
  let order: AtomOrder | null = null;
  let stress = new Float64Array(0);
  let kinetic = opts.includeKinetic;
  const pressure: number[] = [];
  let n = 0, k = 0;
  for await (const sys of frames) {
    if (stopRequested(opts.signal)) throw new Error(`${who}: aborted after ${k} frames`);
    if (!order) {
      order = new AtomOrder(sys, who);
      n = sys.n;
      stress = new Float64Array(n);
      kinetic ??= sys.velocities !== undefined;
      if (vol instanceof Float64Array && vol.length !== n) throw new Error(`${who}: volumePerAtom has ${vol.length} entries for ${n} atoms`);
    }
    const perm = order.indexOf(sys, k);
    const v = sys.velocities;
    if (kinetic && !v) throw new Error(`${who}: frame ${k} has no velocities but includeKinetic is true; dump vx vy vz or pass includeKinetic: false`);
    const f = provider.compute(sys, { peratom: true });
    const W = f.peratomVirial;
    if (!W) throw new Error(`${who}: the force provider ignored { peratom: true } (no peratomVirial)`);
    const d = sys.dim, nc = d === 3 ? 6 : 3;
    const meanVolume = sys.box.volume / n;
    let traceSum = 0;
    for (let i = 0; i < n; i++) {
      const j = perm ? perm[i] : i;
      let tr = 0;
      for (let a = 0; a < d; a++) tr += W[j * nc + a];
      if (kinetic) {
        let v2 = 0;
        for (let a = 0; a < d; a++) v2 += v![j * d + a] * v![j * d + a];
        tr += u.mvv2e * sys.masses[j] * v2;
      }
      traceSum += tr;
      const vi = vol === 'mean' ? meanVolume : vol === 'none' ? 1 : vol[i];
      stress[i] += -(u.nktv2p / vi) * tr / d;
    }
    pressure.push(u.nktv2p * traceSum / (d * sys.box.volume));
    k++;
    opts.onProgress?.({ done: k, total });
  }
  if (!order) throw new Error(`${who}: the frame source is empty`);
  for (let i = 0; i < n; i++) stress[i] /= k;
  return { n, frames: k, ids: order.ids, types: order.types, stress, pressure: Float64Array.from(pressure), includeKinetic: kinetic ?? false };
}
