import { Box } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';

/**
 * Deterministic uniform [0, 1) generator for test fixtures (mulberry32), so
 * that a failing random test reproduces from its seed. Simulation code uses
 * the documented xoshiro128** stream of src/md/random.ts instead.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Uniform (Poisson) points in a cubic cell of edge L with the given LAMMPS
 * tilts (edges a = (L,0,0), b = (xy,L,0), c = (xz,yz,L)), atom types 1 and 2
 * alternating.
 */
export function poissonSystem(n: number, L: number, tilt: { xy: number; xz: number; yz: number }, seed: number): System {
  const rnd = mulberry32(seed), pos = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const sx = rnd(), sy = rnd(), sz = rnd();
    pos[3 * i] = L * sx + tilt.xy * sy + tilt.xz * sz;
    pos[3 * i + 1] = L * sy + tilt.yz * sz;
    pos[3 * i + 2] = L * sz;
  }
  return createSystem({
    box: new Box({ dim: 3, lo: [0, 0, 0], lengths: [L, L, L], tilt }), positions: pos, types: Int32Array.from({ length: n }, (_, i) => 1 + (i % 2)),
  });
}
