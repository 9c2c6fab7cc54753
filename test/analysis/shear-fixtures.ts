/**
 * Fixtures of the AQS / plastic-event tests: a small minimised ipl2d glass
 * (a random configuration relaxed to |F| < 1e-10: an instantaneous quench)
 * and a perfect triangular crystal of one species.
 */
import { randomConfiguration } from '../../src/system/random-config.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';

/**
 * ipl2d glass of n atoms at the model density 0.86. Seed 3 with n = 64 has
 * its first plastic event at strain 0.008 (steps of 1e-3): quick tests.
 */
export function ipl2dGlass(n = 64, seed = 3): System {
  const start = randomConfiguration({ n, density: 0.86, dim: 2, composition: [0, 0.5, 0.5], typeMasses: [0, 1, 1], seed, jitter: 0.2 });
  const r = minimize(start, createForceProvider(getPotential('ipl2d')), { ftol: 1e-10 });
  if (!r.converged) throw new Error('ipl2dGlass: the quench did not converge');
  return r.system;
}

/**
 * Triangular lattice of nx x ny sites (ny even), spacing a, all type 1, in
 * an orthogonal periodic cell lx = nx a, ly = ny a sqrt(3)/2. Every site is a
 * centre of inversion, so simple shear stays affine.
 */
export function triangularCrystal(nx: number, ny: number, a: number): System {
  const h = (a * Math.sqrt(3)) / 2;
  const pos: number[] = [];
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) pos.push((i + 0.5 * (j % 2) + 0.25) * a, (j + 0.5) * h);
  return createSystem({ box: new Box({ dim: 2, lo: [0, 0], lengths: [nx * a, ny * h] }), positions: pos });
}
