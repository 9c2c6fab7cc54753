/**
 * Test fixtures of the dynamics modules: seeded random trajectories as
 * frames matrices, and dumps of them in the column layouts LAMMPS writes.
 */
import { writeDump } from '../../src/io/index.ts';
import { framesFromArrays, type TrajectoryFrames } from '../../src/analysis/dynamics/frames.ts';
import { Box, type Dim } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';

/** Standard normal deviates (Box-Muller) from a seeded uniform stream. */
export function gaussian(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export interface WalkOptions {
  n: number;
  frames: number;
  dim?: Dim;
  seed?: number;
  /** standard deviation of each Gaussian step per axis (default 0.1) */
  step?: number;
  /** frame times (default 0, 0.05, ...) */
  times?: ArrayLike<number>;
  /** box edge (default 5) */
  L?: number;
  /** types (default 80:20 of 1 and 2) */
  types?: ArrayLike<number>;
}

/** Random walk in a periodic box (unwrapped positions, starting inside the box). */
export function randomWalk(o: WalkOptions): TrajectoryFrames {
  const dim = o.dim ?? 3, n = o.n, T = o.frames, L = o.L ?? 5, step = o.step ?? 0.1;
  const g = gaussian(o.seed ?? 1);
  const u = mulberry32((o.seed ?? 1) + 1000);
  const X = new Float64Array(T * n * dim);
  for (let k = 0; k < n * dim; k++) X[k] = u() * L;
  for (let f = 1; f < T; f++) for (let k = 0; k < n * dim; k++) X[f * n * dim + k] = X[(f - 1) * n * dim + k] + step * g();
  const times = o.times ?? Float64Array.from({ length: T }, (_, f) => f * 0.05);
  const types = o.types ?? Int32Array.from({ length: n }, (_, i) => (i < Math.round(0.8 * n) ? 1 : 2));
  return framesFromArrays({ n, dim, positions: X, times, box: Box.cube(dim, L), types });
}

/** The frames as Systems: unwrapped positions, or wrapped ones with image flags. */
export function framesAsSystems(fr: TrajectoryFrames, timesteps: ArrayLike<number>, wrapped: boolean): System[] {
  const { n, dim } = fr;
  const out: System[] = [];
  for (let f = 0; f < fr.nFrames; f++) {
    const pos = fr.positions.slice(f * n * dim, (f + 1) * n * dim);
    let images: Int32Array | undefined;
    if (wrapped) {
      images = new Int32Array(n * dim);
      for (let k = 0; k < n * dim; k++) {
        const L = fr.box.lengths[k % dim];
        const im = Math.floor(pos[k] / L);
        images[k] = im;
        pos[k] -= im * L;
      }
    }
    out.push(createSystem({ box: fr.box, positions: pos, types: fr.types, ids: fr.ids, images, timestep: timesteps[f], time: fr.times[f] }));
  }
  return out;
}

/** Write frames as a LAMMPS dump: 'xu' (unwrapped), 'image' (x y z ix iy iz) or 'wrapped' (x y z only). */
export async function writeFramesDump(path: string, fr: TrajectoryFrames, layout: 'xu' | 'image' | 'wrapped', timesteps?: ArrayLike<number>, time = false): Promise<void> {
  const ax = ['x', 'y', 'z'].slice(0, fr.dim);
  const columns = layout === 'xu' ? ['id', 'type', ...ax.map((a) => a + 'u')]
    : layout === 'image' ? ['id', 'type', ...ax, ...ax.map((a) => 'i' + a)]
      : ['id', 'type', ...ax];
  const ts = timesteps ?? Float64Array.from({ length: fr.nFrames }, (_, f) => f * 10);
  await writeDump(path, framesAsSystems(fr, ts, layout !== 'xu'), { columns, time });
}
