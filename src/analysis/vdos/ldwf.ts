/**
 * Local Debye-Waller factor and its correlation with the VDOS softness
 * (Fan et al., PRB 105, 104112 (2022), Fig. 2b).
 *
 * The paper defines alpha_i = < [r_i(t) - r_i(0)]^2 >, r_i sampled every 1 tau
 * up to the end of the run and <...> the average over the sampled positions
 * (reference 'initial', the default). The t = 0 sample contributes 0 to that
 * average; we average over the samples t >= 1 (the F - 1 displacements), which
 * multiplies every alpha_i by the same F / (F - 1) and changes no correlation.
 * Reference 'mean' gives the classic Debye-Waller form <|r_i(t) - <r_i>|^2>,
 * the fluctuation about the mean position (streamed with Welford's update).
 * Positions must be unwrapped (dump columns xu yu zu, or x y z with image flags).
 */
import { pearsonCorrelation } from '../../numeric/correlation.ts';
import { vdosSoftness, type MdVdosResult } from './vdos.ts';
import { Trajectory } from '../../io/trajectory.ts';
import { unwrappedPositions, type System } from '../../system/system.ts';
import { toFrameSource, type AnalysisFrameSource } from '../../system/frame-source.ts';

export type LdwfReference = 'initial' | 'mean';

/** Streaming accumulator of alpha_i over unwrapped position frames (dim * n values each). */
export class LocalDebyeWallerAccumulator {
  readonly reference: LdwfReference;
  private first: Float64Array | null = null;
  private mean: Float64Array | null = null;
  private m2: Float64Array | null = null;
  private frames = 0;
  private readonly dim: number;

  constructor(dim: number, reference: LdwfReference = 'initial') {
    this.dim = dim;
    this.reference = reference;
  }

  add(positions: ArrayLike<number>): void {
    if (this.first && positions.length !== this.first.length) {
      throw new Error(`localDebyeWaller: frame ${this.frames} has ${positions.length} coordinates, the first ${this.first.length}`);
    }
    if (!this.first) {
      this.first = Float64Array.from(positions);
      this.mean = Float64Array.from(positions);
      this.m2 = new Float64Array(positions.length);
      this.frames = 1;
      return;
    }
    this.frames++;
    const f = this.first, mean = this.mean!, m2 = this.m2!;
    if (this.reference === 'initial') {
      for (let p = 0; p < f.length; p++) {
        const d = positions[p] - f[p];
        m2[p] += d * d;
      }
    } else {
      const inv = 1 / this.frames;
      for (let p = 0; p < f.length; p++) {
        const d = positions[p] - mean[p];
        mean[p] += d * inv;
        m2[p] += d * (positions[p] - mean[p]);
      }
    }
  }

  /** alpha_i per atom (length^2); needs at least 2 frames. */
  result(): Float64Array {
    if (this.frames < 2) throw new Error(`localDebyeWaller: need at least 2 frames, got ${this.frames}`);
    const dim = this.dim, m2 = this.m2!, n = m2.length / dim;
    const norm = this.reference === 'initial' ? 1 / (this.frames - 1) : 1 / this.frames;
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += m2[i * dim + c];
      a[i] = s * norm;
    }
    return a;
  }
}

/** alpha_i from unwrapped position frames in memory. */
export function localDebyeWaller(frames: Iterable<ArrayLike<number>>, dim = 3, reference: LdwfReference = 'initial'): Float64Array {
  const acc = new LocalDebyeWallerAccumulator(dim, reference);
  for (const f of frames) acc.add(f);
  return acc.result();
}

/** alpha_i streamed from a dump (atoms sorted by id); sample it every 1 tau with step as in the paper. */
export async function localDebyeWallerFromDump(path: string, opts: { start?: number; stop?: number; step?: number; reference?: LdwfReference } = {}):
  Promise<{ ids: Int32Array; types: Int32Array; alpha: Float64Array; frames: number }> {
  return localDebyeWallerFromFrames(new Trajectory(path, { start: opts.start, stop: opts.stop, step: opts.step }), opts);
}

/** alpha_i streamed from any FrameSource (one frame in memory); atoms in the same order in every frame. */
export async function localDebyeWallerFromFrames(input: AnalysisFrameSource, opts: { reference?: LdwfReference } = {}):
  Promise<{ ids: Int32Array; types: Int32Array; alpha: Float64Array; frames: number }> {
  const source = toFrameSource(input);
  const path = source.label;
  let acc: LocalDebyeWallerAccumulator | undefined, ids = new Int32Array(0), types = new Int32Array(0), frames = 0;
  for await (const f of source as AsyncIterable<System & { line?: number; frameIndex?: number }>) {
    if (!acc) {
      acc = new LocalDebyeWallerAccumulator(f.dim, opts.reference);
      ids = Int32Array.from(f.ids);
      types = Int32Array.from(f.types);
    } else if (f.n !== ids.length || f.ids.some((id, i) => id !== ids[i])) {
      throw new Error(`${path}: frame ${f.frameIndex ?? frames}${f.line !== undefined ? ` (line ${f.line})` : ''} holds other atoms than the first frame`);
    }
    acc.add(unwrappedPositions(f));
    frames++;
  }
  if (!acc) throw new Error(`${path}: no frames selected`);
  return { ids, types, alpha: acc.result(), frames };
}

/**
 * Pearson correlation between the softness S on [lo, omega_c) and a per-atom
 * field (the LDWF in their Fig. 2b) for each omega_c: the curve r(omega_c).
 * The VDOS result must keep per-atom spectra up to max omega_c (option keepBelow).
 */
export function softnessCorrelationCurve(r: MdVdosResult, field: ArrayLike<number>, omegaC: ArrayLike<number>, opts: { lo?: number } = {}):
  { omegaC: Float64Array; pearson: Float64Array } {
  if (field.length !== r.n) throw new Error(`softnessCorrelationCurve: the field has ${field.length} values for ${r.n} atoms`);
  const lo = opts.lo ?? 0;
  const pearson = Float64Array.from(omegaC, (wc) => pearsonCorrelation(vdosSoftness(r, [lo, wc]), field));
  return { omegaC: Float64Array.from(omegaC), pearson };
}
