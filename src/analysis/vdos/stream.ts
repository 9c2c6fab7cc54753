/**
 * Velocity sources for `vdos`: per-atom velocity time series, delivered one
 * atom at a time as a [component][frame] f64 series (the transpose of a
 * trajectory, which the per-atom transforms need), from arrays already in
 * memory or streamed from any FrameSource (src/system/frame-source.ts: a
 * LAMMPS dump with velocity columns, positions optional; Systems in memory)
 * in bounded memory.
 *
 * A dump is read once. Frames are buffered in chunks of Fc frames, laid out
 * [atom][component][frame in chunk] in f32 (7 significant digits; LAMMPS
 * writes 6 by default). When the whole series, n * dim * F * 4 bytes, fits
 * in `memoryBudget` the chunks stay in memory; otherwise each chunk is cut
 * into atom blocks that go to a temporary file at (block, chunk) offsets, so
 * that a block's whole series is then one contiguous read (a transposition
 * through the disk: N = 8000 atoms x 2^14 frames is a 1.5 GB file and
 * `memoryBudget` of memory). The file is deleted by `close()`.
 */
import { Trajectory } from '../../io/trajectory.ts';
import type { System } from '../../system/system.ts';
import { toFrameSource, type AnalysisFrameSource } from '../../system/frame-source.ts';
import { scratchFile, type ScratchFile } from '../../platform/index.ts';

/** Per-atom velocity series, visited in atom order. */
export interface VelocitySource {
  readonly n: number;
  readonly dim: number;
  /** F, frames per series */
  readonly frames: number;
  readonly ids: Int32Array;
  /** 1-based types */
  readonly types: Int32Array;
  readonly masses: Float64Array;
  /** Call fn(i, series) for i = 0..n-1; series[c * F + t] = v_i^c(t), owned by the source, overwritten after fn returns. */
  forEachAtom(fn: (i: number, series: Float64Array) => void, onAtoms?: (done: number) => void): Promise<void>;
  close(): Promise<void>;
}

/** Progress of a long computation: stage, units done, units in all. */
export type VdosProgress = (stage: 'read' | 'spectra', done: number, total: number) => void;

export interface ArrayVelocityOptions {
  /** dimension (default 3) */
  dim?: number;
  /** 1-based types (default all 1) */
  types?: ArrayLike<number>;
  ids?: ArrayLike<number>;
  masses?: ArrayLike<number>;
}

/**
 * Source over velocities held in memory: velocities[t] is frame t, laid out
 * like System.velocities (atom-major, dim components per atom).
 */
export function arrayVelocitySource(velocities: readonly ArrayLike<number>[], opts: ArrayVelocityOptions = {}): VelocitySource {
  const dim = opts.dim ?? 3;
  const F = velocities.length;
  if (F < 2) throw new Error(`vdos: need at least 2 frames of velocities, got ${F}`);
  const len = velocities[0].length;
  if (len % dim !== 0) throw new Error(`vdos: frame 0 has ${len} velocity values, not a multiple of dim = ${dim}`);
  const n = len / dim;
  velocities.forEach((v, t) => {
    if (v.length !== len) throw new Error(`vdos: frame ${t} has ${v.length} velocity values, frame 0 has ${len}`);
  });
  const ids = Int32Array.from(opts.ids ?? Array.from({ length: n }, (_, i) => i + 1));
  const types = Int32Array.from(opts.types ?? new Array(n).fill(1));
  const masses = Float64Array.from(opts.masses ?? new Array(n).fill(1));
  for (const [name, a] of [['ids', ids], ['types', types], ['masses', masses]] as const) {
    if (a.length !== n) throw new Error(`vdos: option ${name} has ${a.length} entries for ${n} atoms`);
  }
  const series = new Float64Array(dim * F);
  return {
    n, dim, frames: F, ids, types, masses,
    async forEachAtom(fn, onAtoms) {
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < dim; c++) {
          const src = i * dim + c, o = c * F;
          for (let t = 0; t < F; t++) series[o + t] = velocities[t][src];
        }
        fn(i, series);
        if (onAtoms && (i + 1) % 256 === 0) onAtoms(i + 1);
      }
      onAtoms?.(n);
    },
    async close() {},
  };
}

export interface DumpVelocityOptions {
  /** frame selection (0-based file frames start, start+step, ... below stop) */
  start?: number;
  stop?: number;
  step?: number;
  /** bytes of velocity data held in memory at once (default 512 MiB) */
  memoryBudget?: number;
  /** directory of the temporary transposed file (default the system's temporary folder; a browser keeps it in memory) */
  tmpDir?: string;
  /** masses by type (index 0 unused) for dumps without a mass column */
  typeMasses?: ArrayLike<number>;
  onProgress?: VdosProgress;
}

const VELOCITY_COLUMNS = ['vx', 'vy', 'vz'];

/** Check a frame has velocities (a dump frame: the velocity columns of its dimension); the message names the file and what is missing. */
export function requireVelocityColumns(path: string, frame: System & { columns?: readonly string[] }): Float64Array {
  if (!frame.columns) {
    if (!frame.velocities) throw new Error(`${path}: a frame has no velocities; the VDOS needs them (System.velocities)`);
    return frame.velocities;
  }
  const columns = frame.columns;
  const want = VELOCITY_COLUMNS.slice(0, frame.dim);
  const missing = want.filter((c) => !columns.includes(c));
  if (missing.length > 0 || !frame.velocities) {
    throw new Error(`${path}: the dump has no velocity column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
      `(columns: ${frame.columns.join(' ')}); the VDOS needs velocities: dump them, e.g. in LAMMPS ` +
      `'dump d all custom N file id type xu yu zu vx vy vz'`);
  }
  return frame.velocities;
}

/** Stream a dump's velocities into a VelocitySource (module doc); the dump needs no position columns. */
export async function dumpVelocitySource(path: string, opts: DumpVelocityOptions = {}): Promise<VelocitySource> {
  const traj = new Trajectory(path, { start: opts.start, stop: opts.stop, step: opts.step, typeMasses: opts.typeMasses, positionsOptional: true });
  const F = await traj.count();
  if (F < 2) throw new Error(`${path}: the VDOS needs at least 2 frames, the selection has ${F}`);
  // spacing checked from the header index before reading any atom line
  checkEvenSpacing(path, await traj.timesteps());
  return frameVelocitySource(traj, opts);
}

function checkEvenSpacing(label: string, steps: ArrayLike<number>): void {
  const ds = steps[1] - steps[0];
  for (let t = 2; t < steps.length; t++) {
    if (steps[t] - steps[t - 1] !== ds) {
      throw new Error(`${label}: frames are not evenly spaced in time (timestep ${steps[t - 1]} -> ${steps[t]} after a spacing of ${ds}); ` +
        'the VDOS needs a uniform frame interval: select an evenly spaced range with start/stop/step');
    }
  }
}

/**
 * Stream the velocities of any FrameSource (a Trajectory, `arrayFrames` of
 * Systems with velocities) into a VelocitySource, in `memoryBudget` (module
 * doc). The source must know its frame count; frames with timesteps must be
 * evenly spaced. `start/stop/step` of the options are ignored here (select
 * on the source).
 */
export async function frameVelocitySource(input: AnalysisFrameSource, opts: Omit<DumpVelocityOptions, 'start' | 'stop' | 'step' | 'typeMasses'> = {}): Promise<VelocitySource> {
  const source = toFrameSource(input);
  const path = source.label;
  const F = await source.count();
  if (F === undefined) throw new Error(`${path}: the VDOS needs the number of frames before reading; pass an array of Systems (arrayFrames) or a Trajectory`);
  if (F < 2) throw new Error(`${path}: the VDOS needs at least 2 frames, the selection has ${F}`);
  const steps: number[] = [];
  const budget = opts.memoryBudget ?? 512 * 2 ** 20;
  let first: System | undefined;
  let ids = new Int32Array(0), types = new Int32Array(0), masses = new Float64Array(0);
  let n = 0, dim = 3, Fc = 0, nChunks = 0, blockAtoms = 0, nBlocks = 0, inMemory = true;
  const chunks: Float32Array[] = [];
  let chunk = new Float32Array(0);
  let spill: ScratchFile | undefined;
  const cleanup = async () => {
    await spill?.close();
    spill = undefined;
  };

  const flush = async (q: number) => {
    if (inMemory) {
      chunks.push(chunk);
      if (q + 1 < nChunks) chunk = new Float32Array(n * dim * Fc);
      return;
    }
    const perAtom = dim * Fc, blockFloats = blockAtoms * perAtom;
    for (let b = 0; b < nBlocks; b++) {
      const a0 = b * blockAtoms, a1 = Math.min(n, a0 + blockAtoms);
      const bytes = new Uint8Array(chunk.buffer, a0 * perAtom * 4, (a1 - a0) * perAtom * 4);
      await spill!.write(bytes, (b * nChunks + q) * blockFloats * 4);
    }
  };

  try {
    let t = 0;
    for await (const f of source as AsyncIterable<System & { frameIndex?: number; line?: number; columns?: readonly string[] }>) {
      const v = requireVelocityColumns(path, f);
      if (f.timestep !== undefined) {
        steps.push(f.timestep);
        if (steps.length > 2) checkEvenSpacing(path, steps.slice(-3));
      }
      if (!first) {
        first = f;
        n = f.n;
        dim = f.dim;
        ids = Int32Array.from(f.ids);
        types = Int32Array.from(f.types);
        masses = Float64Array.from(f.masses);
        const perFrame = n * dim * 4;
        inMemory = perFrame * F <= budget;
        Fc = inMemory ? Math.min(F, Math.max(1, Math.floor((64 * 2 ** 20) / perFrame))) : Math.min(F, Math.max(1, Math.floor(budget / 4 / perFrame)));
        nChunks = Math.ceil(F / Fc);
        chunk = new Float32Array(n * dim * Fc);
        if (!inMemory) {
          blockAtoms = Math.max(1, Math.min(n, Math.floor(budget / (dim * nChunks * Fc * 4))));
          nBlocks = Math.ceil(n / blockAtoms);
          spill = await scratchFile('glasslab-vdos-', opts.tmpDir);
        }
      } else {
        const at = `frame ${f.frameIndex ?? t}${f.line !== undefined ? ` (line ${f.line})` : ''}`;
        if (f.n !== n) throw new Error(`${path}: ${at} has ${f.n} atoms, the first frame ${n}`);
        for (let i = 0; i < n; i++) {
          if (f.ids[i] !== ids[i]) throw new Error(`${path}: ${at} holds other atoms than the first frame (id ${f.ids[i]} where ${ids[i]} was)`);
        }
      }
      const j = t % Fc;
      for (let p = 0; p < n * dim; p++) chunk[p * Fc + j] = v[p];
      t++;
      if (t % Fc === 0 || t === F) await flush(Math.floor((t - 1) / Fc));
      opts.onProgress?.('read', t, F);
    }
    if (t !== F) throw new Error(`${path}: read ${t} frames where the header scan counted ${F}; was the file modified while reading?`);
  } catch (e) {
    await cleanup();
    throw e;
  }

  const series = new Float64Array(dim * F);
  /** series of one atom from the chunks: chunk q of it is data(q)[base(q) + c * Fc + j] */
  const gather = (data: (q: number) => Float32Array, base: (q: number) => number) => {
    for (let c = 0; c < dim; c++) {
      const o = c * F;
      for (let q = 0; q < nChunks; q++) {
        const d = data(q), src = base(q) + c * Fc, t0 = q * Fc, m = Math.min(Fc, F - t0);
        for (let j = 0; j < m; j++) series[o + t0 + j] = d[src + j];
      }
    }
  };
  return {
    n, dim, frames: F, ids, types, masses,
    async forEachAtom(fn, onAtoms) {
      if (inMemory) {
        for (let i = 0; i < n; i++) {
          gather((q) => chunks[q], () => i * dim * Fc);
          fn(i, series);
          if (onAtoms && (i + 1) % 256 === 0) onAtoms(i + 1);
        }
      } else {
        const blockFloats = blockAtoms * dim * Fc;
        const buf = new Float32Array(nChunks * blockFloats);
        for (let b = 0; b < nBlocks; b++) {
          const bytes = new Uint8Array(buf.buffer);
          const bytesRead = await spill!.read(bytes, b * nChunks * blockFloats * 4);
          const a0 = b * blockAtoms, a1 = Math.min(n, a0 + blockAtoms);
          const need = ((nChunks - 1) * blockFloats + (a1 - a0) * dim * Fc) * 4;
          if (bytesRead < need) throw new Error(`vdos: temporary file of ${path} is short (block ${b}: ${bytesRead} of ${need} bytes); is the disk full?`);
          for (let i = a0; i < a1; i++) {
            gather(() => buf, (q) => q * blockFloats + (i - a0) * dim * Fc);
            fn(i, series);
          }
          onAtoms?.(a1);
        }
      }
      onAtoms?.(n);
    },
    close: cleanup,
  };
}
