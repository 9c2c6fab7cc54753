/**
 * Inherent-structure tracking (Fan et al., PRB 105, 104112 (2022), Fig. 3c
 * and the n_hop of Sec. III): every sampled MD frame is minimised to its
 * inherent structure (IS, Stillinger & Weber) with FIRE then conjugate
 * gradient (src/minimize, as the paper's LAMMPS "FIRE + CG"), and per atom
 * we record
 *
 *  - E_i(k): the potential energy of atom i in the IS of frame k (LAMMPS
 *    pe/atom: each pair energy split half/half), energy units;
 *  - d_i(k) / d_NN: the displacement of atom i in the IS of frame k from its
 *    position in the IS of the first frame (Fig. 3c upper panel), in units of
 *    the nearest-neighbour distance d_NN;
 *  - n_hop,i = sum_{k=1}^{K-1} |E_i(k) - E_i(k-1)| (Sec. III: "n_hop ~ sum_t
 *    |Delta E_inherent|, where Delta E_inherent is the difference between a
 *    particle's energy in the inherent states at adjacent time moments"). The
 *    paper applies no threshold and no normalisation; neither do we, so
 *    n_hop has energy units (the paper's "~"). Paper numbers (KA, N = 8000,
 *    T = 0.26, 100 IS 9.6 tau apart): top 0.5% softest ~11, top 0.5% most
 *    diffusive ~7, system average ~1.6.
 *
 * d_NN: the paper uses d_NN = 0.9, "the nearest distance between the B
 * particle and the A particle" [their Ref. 31]; by default we take the first
 * peak of g_AB of the first inherent structure (./first-shell.ts), which for a
 * KA glass gives 0.885-0.9 (measured: 0.885 for N = 1000), i.e. the paper's
 * value. Pass `dNN` to fix it (e.g. 0.9 to quote the paper exactly).
 *
 * Displacements are accumulated from consecutive IS with the minimum-image
 * convention (path of IS positions), so frames without image flags work; this
 * assumes no atom moves by more than half a box width between two samples.
 * Under NPT the box changes between frames: displacements are Cartesian, with
 * no correction for the affine dilation (negligible at the paper's zero
 * pressure, where the volume fluctuates by < 0.1%).
 */
import type { ForceProvider } from '../core/types.ts';
import { minimize, type MinimizeMethod } from '../minimize/minimize.ts';
import { lineFigure, type PlotlyFigure } from '../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../plot/result.ts';
import { systemFromData, systemToData, type SystemData } from '../system/system-data.ts';
import type { System } from '../system/system.ts';
import { AtomOrder, toFrameSource, type AnalysisFrameSource } from '../system/frame-source.ts';
import { nearestNeighbourDistance } from '../analysis/structure/first-shell.ts';

export interface InherentStructureOptions {
  /** minimiser, default 'fire+cg' (the paper's FIRE followed by CG) */
  method?: MinimizeMethod;
  /** largest per-atom force norm at the IS (energy/length), default 1e-8 */
  ftol?: number;
  /** iteration budget per frame (default 100000) */
  maxIter?: number;
  /** nearest-neighbour distance (length units); default: first peak of g_ab of the first IS, (a, b) = `dNNTypes` */
  dNN?: number;
  /** type pair of the default d_NN, default [1, 2] (A-B of Kob-Andersen, as the paper); [1, 1] for one-component systems */
  dNNTypes?: readonly [number, number];
  /** keep the inherent structures (Systems) in the result; default false (memory) */
  keepStructures?: boolean;
  /** throw when a frame does not reach ftol (default true); false records it in `converged` */
  requireConvergence?: boolean;
  onProgress?: (p: InherentStructureProgress) => void;
  signal?: AbortSignal;
}

export interface InherentStructureProgress {
  /** frames minimised so far */
  done: number;
  /** total frames when known */
  total: number | undefined;
  /** IS energy of the frame just done */
  energy: number;
  /** max |F_i| reached for that frame */
  maxForce: number;
}

export interface InherentStructureTrack extends AnalysisResult<'inherent-structures'> {
  /** atoms (order of the first frame) */
  readonly n: number;
  /** number of frames */
  readonly frames: number;
  readonly ids: Int32Array;
  readonly types: Int32Array;
  /** timestep of each frame (NaN when unknown) */
  readonly timesteps: Float64Array;
  /** nearest-neighbour distance used (length units) */
  readonly dNN: number;
  /** total potential energy of each sampled (thermal) frame, before minimisation */
  readonly frameEnergy: Float64Array;
  /** total IS energy of each frame */
  readonly energy: Float64Array;
  /** per-atom IS energy, [k * n + i] */
  readonly peratomEnergy: Float64Array;
  /** |R_i(k) - R_i(0)| / d_NN between IS positions, [k * n + i] */
  readonly displacement: Float64Array;
  /** |R_i(k) - R_i(k-1)| / d_NN between consecutive IS, [k * n + i] (0 for k = 0) */
  readonly stepDisplacement: Float64Array;
  /** n_hop,i = sum_k |E_i(k) - E_i(k-1)| (energy units) */
  readonly nHop: Float64Array;
  /** max_i |F_i| at each IS */
  readonly maxForce: Float64Array;
  /** force evaluations spent on each frame's minimisation */
  readonly forceCalls: Float64Array;
  /** whether each frame reached ftol */
  readonly converged: boolean[];
  /** the inherent structures, with `keepStructures` */
  readonly structures?: System[];
  /** frames, atoms, mean IS energy per atom, frames that did not reach ftol */
  summary(): string;
  /** per frame: frame,timestep,frame_energy,is_energy,max_force,force_calls,converged */
  table(): TableData;
  /** thermal and inherent-structure energy per atom against frame */
  figure(): PlotlyFigure;
}

type InherentStructureFields = Omit<InherentStructureTrack, 'kind' | 'summary' | 'table' | 'figure' | 'toJSON'>;
const IS_VERSION = 1;

/** The track of trackInherentStructures from its fields (and loadResult). */
export function makeInherentStructureTrack(d: InherentStructureFields): InherentStructureTrack {
  const { n, frames } = d;
  const failed = d.converged.filter((c) => !c).length;
  let mean = 0;
  for (const e of d.energy) mean += e / (n * frames);
  const frame = Float64Array.from({ length: frames }, (_, k) => k);
  return {
    kind: 'inherent-structures', ...d,
    summary: () => [
      `inherent structures of ${frames} frame(s), ${n} atoms (d_NN ${d.dNN})`,
      `mean IS energy per atom ${mean}`,
      ...(failed > 0 ? [`${failed} frame(s) did not reach ftol`] : []),
    ].join('\n'),
    table: () => ({
      columns: ['frame', 'timestep', 'frame_energy', 'is_energy', 'max_force', 'force_calls', 'converged'],
      rows: Array.from({ length: frames }, (_, k) => [k, d.timesteps[k], d.frameEnergy[k], d.energy[k], d.maxForce[k], d.forceCalls[k], d.converged[k]]),
    }),
    figure: () => lineFigure([
      { name: 'thermal', x: frame, y: Float64Array.from(d.frameEnergy, (e) => e / n) },
      { name: 'inherent structure', x: frame, y: Float64Array.from(d.energy, (e) => e / n) },
    ], { xTitle: 'frame', yTitle: 'energy per atom [epsilon]' }),
    toJSON: () => resultJSON('inherent-structures', IS_VERSION, { ...d, ...(d.structures ? { structures: d.structures.map(systemToData) } : {}) }),
  };
}

/** A saved track (toJSON) -> the track. */
export function loadInherentStructureTrack(json: unknown): InherentStructureTrack {
  const d = resultData<Omit<InherentStructureFields, 'structures'> & { structures?: SystemData[] }>(json, 'inherent-structures', IS_VERSION);
  const { structures, ...rest } = d;
  return makeInherentStructureTrack({ ...rest, ...(structures ? { structures: structures.map(systemFromData) } : {}) });
}

/**
 * n_hop,i = sum_{k=1}^{K-1} |E[k*n+i] - E[(k-1)*n+i]| for per-atom energies
 * laid out [frame * n + atom] (Fan et al. 2022, Sec. III).
 */
export function inherentEnergyHops(peratomEnergy: Float64Array, frames: number, n: number): Float64Array {
  if (peratomEnergy.length !== frames * n) throw new Error(`inherentEnergyHops: energies have length ${peratomEnergy.length}, expected frames * n = ${frames * n}`);
  const out = new Float64Array(n);
  for (let k = 1; k < frames; k++) {
    const a = (k - 1) * n, b = k * n;
    for (let i = 0; i < n; i++) out[i] += Math.abs(peratomEnergy[b + i] - peratomEnergy[a + i]);
  }
  return out;
}

/** Growable f64 buffer (frames count unknown for streamed sources). */
class Grow {
  data: Float64Array;
  length = 0;
  constructor(cap: number) { this.data = new Float64Array(Math.max(cap, 1)); }
  push(src: ArrayLike<number>): void {
    if (this.length + src.length > this.data.length) {
      const next = new Float64Array(Math.max(2 * this.data.length, this.length + src.length));
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    for (let i = 0; i < src.length; i++) this.data[this.length + i] = src[i];
    this.length += src.length;
  }
  value(): Float64Array { return this.data.slice(0, this.length); }
}

/**
 * Minimise every frame of `source` to its inherent structure and track the
 * per-atom IS energies, displacements and n_hop (see the module doc).
 * `provider` must give per-atom energies (`compute(sys, { peratom: true })`).
 */
export async function trackInherentStructures(
  source: AnalysisFrameSource, provider: ForceProvider, opts: InherentStructureOptions = {},
): Promise<InherentStructureTrack> {
  const frames = toFrameSource(source);
  // errors name the file of a Trajectory
  const who = frames.label === 'frames' ? 'trackInherentStructures' : `${frames.label}: trackInherentStructures`;
  const ftol = opts.ftol ?? 1e-8;
  const total = await frames.count();
  if (opts.dNN !== undefined && !(opts.dNN > 0)) throw new Error(`${who}: option dNN must be a positive length, got ${opts.dNN}`);
  let order: AtomOrder | null = null;
  let n = 0, d = 3;
  let dNN = opts.dNN ?? NaN;
  let prev: Float64Array | null = null;
  let path: Float64Array | null = null;
  const timesteps: number[] = [], frameEnergy: number[] = [], energy: number[] = [], maxForce: number[] = [], forceCalls: number[] = [];
  const converged: boolean[] = [];
  const structures: System[] = [];
  let pe: Grow | null = null, disp: Grow | null = null, step: Grow | null = null;
  let k = 0;
  for await (const frame of frames) {
    if (opts.signal?.aborted) throw new Error(`${who}: aborted after ${k} frames`);
    if (!order) {
      order = new AtomOrder(frame, who);
      n = frame.n; d = frame.dim;
      const cap = (total ?? 16) * n;
      pe = new Grow(cap); disp = new Grow(cap); step = new Grow(cap);
      path = new Float64Array(n * d);
    }
    const perm = order.indexOf(frame, k);
    const before = provider.compute(frame);
    const r = minimize(frame, provider, {
      method: opts.method ?? 'fire+cg', ftol,
      ...(opts.maxIter !== undefined ? { maxIter: opts.maxIter } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!r.converged && (opts.requireConvergence ?? true)) {
      throw new Error(`${who}: frame ${k} (timestep ${frame.timestep ?? '?'}) did not reach ftol = ${ftol}: max |F_i| = ${r.maxForce.toExponential(2)} (${r.reason}); raise maxIter, loosen ftol, or pass requireConvergence: false`);
    }
    const is = r.system;
    // IS positions and energies in the first frame's atom order
    const x = new Float64Array(n * d), e = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = perm ? perm[i] : i;
      e[i] = r.peratomEnergy[j];
      for (let c = 0; c < d; c++) x[i * d + c] = is.positions[j * d + c];
    }
    if (Number.isNaN(dNN)) {
      const [a, b] = opts.dNNTypes ?? [1, 2];
      dNN = nearestNeighbourDistance(is, a, b);
    }
    const dk = new Float64Array(n), sk = new Float64Array(n);
    if (prev) {
      const dr = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < d; c++) dr[c] = x[i * d + c] - prev[i * d + c];
        is.box.minimumImage(dr);
        let s2 = 0, p2 = 0;
        for (let c = 0; c < d; c++) {
          s2 += dr[c] * dr[c];
          path![i * d + c] += dr[c];
          p2 += path![i * d + c] ** 2;
        }
        sk[i] = Math.sqrt(s2) / dNN;
        dk[i] = Math.sqrt(p2) / dNN;
      }
    }
    pe!.push(e); disp!.push(dk); step!.push(sk);
    prev = x;
    timesteps.push(frame.timestep ?? NaN);
    frameEnergy.push(before.energy);
    energy.push(r.energy);
    maxForce.push(r.maxForce);
    forceCalls.push(r.forceCalls);
    converged.push(r.converged);
    if (opts.keepStructures) structures.push(is);
    k++;
    opts.onProgress?.({ done: k, total, energy: r.energy, maxForce: r.maxForce });
  }
  if (!order || k === 0) throw new Error(`${who}: the frame source is empty`);
  const peratomEnergy = pe!.value();
  return makeInherentStructureTrack({
    n, frames: k, ids: order.ids, types: order.types,
    timesteps: Float64Array.from(timesteps), dNN,
    frameEnergy: Float64Array.from(frameEnergy), energy: Float64Array.from(energy),
    peratomEnergy, displacement: disp!.value(), stepDisplacement: step!.value(),
    nHop: inherentEnergyHops(peratomEnergy, k, n),
    maxForce: Float64Array.from(maxForce), forceCalls: Float64Array.from(forceCalls), converged,
    ...(opts.keepStructures ? { structures } : {}),
  });
}

/**
 * Fig. 3c of Fan et al.: d/d_NN (upper) and E_inherent (lower) against time
 * for the chosen atoms (indices in the track's atom order). Time axis: frame
 * index times `frameDt` (model time units; the paper samples every 9.6 tau).
 */
export function inherentStructureFigures(
  track: InherentStructureTrack, atoms: ArrayLike<number>, opts: { frameDt?: number; names?: readonly string[] } = {},
): { displacement: PlotlyFigure; energy: PlotlyFigure } {
  const { n, frames } = track;
  const dt = opts.frameDt ?? 1;
  const t = Float64Array.from({ length: frames }, (_, k) => k * dt);
  const pick = (field: Float64Array) => Array.from(atoms, (i, q) => {
    if (!(i >= 0 && i < n)) throw new Error(`inherentStructureFigures: atom index ${i} out of range 0..${n - 1}`);
    return { name: opts.names?.[q] ?? `id ${track.ids[i]}`, x: t, y: Float64Array.from({ length: frames }, (_, k) => field[k * n + i]) };
  });
  const xTitle = opts.frameDt === undefined ? 'frame' : 't [tau]';
  return {
    displacement: lineFigure(pick(track.displacement), { xTitle, yTitle: 'd / d_NN' }),
    energy: lineFigure(pick(track.peratomEnergy), { xTitle, yTitle: 'E_inherent [epsilon]' }),
  };
}
