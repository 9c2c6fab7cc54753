/**
 * Fixtures of the ARTn tests: the Mueller-Brown surface as a force provider
 * (one particle in 2D), its exact stationary points by Newton's method on
 * the analytic gradient and Hessian, and small periodic glasses.
 */
import type { ForceOptions, ForceProvider, ForceResult } from '../../src/core/types.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { getPotential } from '../../src/potential/index.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { cuFcc } from '../lammps/configs.ts';

/**
 * Mueller & Brown, Theor. Chim. Acta 53, 75 (1979):
 * V(x, y) = sum_k A_k exp(a_k (x - X_k)^2 + b_k (x - X_k)(y - Y_k) + c_k (y - Y_k)^2).
 */
const A = [-200, -100, -170, 15], a = [-1, -1, -6.5, 0.7], b = [0, 0, 11, 0.6], c = [-10, -10, -6.5, 0.7];
const X = [1, 0, -0.5, -1], Y = [0, 0.5, 1.5, 1];

/** Energy, gradient and Hessian of the Mueller-Brown surface at (x, y). */
export function muellerBrown(x: number, y: number): { e: number; g: [number, number]; h: [number, number, number] } {
  let e = 0, gx = 0, gy = 0, hxx = 0, hxy = 0, hyy = 0;
  for (let k = 0; k < 4; k++) {
    const dx = x - X[k], dy = y - Y[k];
    const t = A[k] * Math.exp(a[k] * dx * dx + b[k] * dx * dy + c[k] * dy * dy);
    const px = 2 * a[k] * dx + b[k] * dy, py = b[k] * dx + 2 * c[k] * dy;
    e += t; gx += t * px; gy += t * py;
    hxx += t * (px * px + 2 * a[k]); hxy += t * (px * py + b[k]); hyy += t * (py * py + 2 * c[k]);
  }
  return { e, g: [gx, gy], h: [hxx, hxy, hyy] };
}

/** The stationary point next to (x, y) by Newton's method on the gradient (to round-off). */
export function stationaryPoint(x: number, y: number): { x: number; y: number; e: number; eigen: [number, number] } {
  for (let it = 0; it < 100; it++) {
    const { g, h } = muellerBrown(x, y);
    const det = h[0] * h[2] - h[1] * h[1];
    const dx = (h[2] * g[0] - h[1] * g[1]) / det, dy = (h[0] * g[1] - h[1] * g[0]) / det;
    x -= dx; y -= dy;
    if (Math.hypot(dx, dy) < 1e-14) break;
  }
  const { e, h } = muellerBrown(x, y);
  const tr = h[0] + h[2], disc = Math.sqrt(((h[0] - h[2]) / 2) ** 2 + h[1] * h[1]);
  return { x, y, e, eigen: [tr / 2 - disc, tr / 2 + disc] };
}

/** One particle on the Mueller-Brown surface: a 2D system in a large open box. */
export function muellerBrownSystem(x: number, y: number): System {
  return createSystem({ box: new Box({ dim: 2, lo: [-5, -5], lengths: [10, 10], periodic: [false, false] }), positions: [x, y] });
}

/** Forces of the Mueller-Brown surface (energy units of the surface, lengths of x and y). */
export const muellerBrownForces: ForceProvider = {
  compute(sys: System, opts?: ForceOptions): ForceResult {
    const { e, g } = muellerBrown(sys.positions[0], sys.positions[1]);
    const r: ForceResult = { energy: e, forces: Float64Array.of(-g[0], -g[1]), virial: new Float64Array(3) };
    if (opts?.peratom) { r.peratomEnergy = Float64Array.of(e); r.peratomVirial = new Float64Array(3); }
    return r;
  },
};

export const CUZR_FILE = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
export { CU_MISHIN as CU_MISHIN_FILE } from '../lammps/configs.ts';

/**
 * A small Cu64Zr36 configuration at 0.06 atoms/A^3 (Mendelev eam/fs): a
 * random start relaxed by `steps` iterations of FIRE + CG (many steps: an
 * inherent structure; few: a configuration with negative curvatures).
 */
export function cuzrConfiguration(n: number, seed: number, steps: number, ftol = 1e-8): System {
  const pot = getPotential('cuzr');
  const sys = randomConfiguration({ n, density: 0.06, dim: 3, composition: [0, 0.64, 0.36], seed, typeMasses: pot.typeMasses! });
  return minimize(sys, createForceProvider(pot, { threads: 1 }), { maxIter: steps, ftol }).system;
}

/**
 * fcc Cu with a vacancy (test/lammps/configs.ts cuFcc: `cells`^3 cubic cells
 * at a0 = 3.6149 A, the atom at the origin removed): the vacancy at (0, 0, 0),
 * and atom 0, at (a0/2, a0/2, 0), one of its nearest neighbours.
 */
export function cuVacancy(cells: number): { sys: System; vacancy: [number, number, number] } {
  return { sys: cuFcc(cells, { vacancy: true }), vacancy: [0, 0, 0] };
}
