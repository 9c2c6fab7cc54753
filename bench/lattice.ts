/**
 * Benchmark configurations: a jittered fcc lattice (deterministic LCG, so
 * every run times the same configuration).
 */
import { Box } from '../src/system/box.ts';
import { createSystem, type System } from '../src/system/system.ts';

/** `cells`^3 fcc cells of 4 atoms at number density `density`, each coordinate jittered by +-jitter/2, type 2 with probability typeB. */
export function fccSystem(cells: number, density: number, jitter: number, typeB: number): System {
  const a = Math.cbrt(4 / density);
  const n = 4 * cells ** 3;
  const pos = new Float64Array(3 * n);
  const basis = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]];
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  let p = 0;
  for (let x = 0; x < cells; x++) for (let y = 0; y < cells; y++) for (let z = 0; z < cells; z++) {
    for (const b of basis) {
      pos[3 * p] = (x + b[0]) * a + jitter * (rnd() - 0.5);
      pos[3 * p + 1] = (y + b[1]) * a + jitter * (rnd() - 0.5);
      pos[3 * p + 2] = (z + b[2]) * a + jitter * (rnd() - 0.5);
      p++;
    }
  }
  const types = Int32Array.from({ length: n }, () => (rnd() < typeB ? 2 : 1));
  return createSystem({ box: Box.cube(3, cells * a), positions: pos, types });
}
