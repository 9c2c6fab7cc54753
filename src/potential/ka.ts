/**
 * Kob-Andersen binary Lennard-Jones mixture (W. Kob and H. C. Andersen,
 * Phys. Rev. E 51, 4626 (1995); Phys. Rev. Lett. 73, 1376 (1994)).
 *
 * Types 1 = A, 2 = B; reduced LJ units (eps_AA = sigma_AA = m = 1):
 *   eps_AA = 1.0, eps_AB = 1.5, eps_BB = 0.5
 *   sigma_AA = 1.0, sigma_AB = 0.8, sigma_BB = 0.88
 *   rc_ab = 2.5 sigma_ab, masses 1.
 *
 * Models:
 * - `ka`    truncated and shifted at 2.5 sigma_ab, = LAMMPS
 *           `pair_style lj/cut 2.5` + `pair_coeff 1 1 1.0 1.0 2.5`,
 *           `1 2 1.5 0.8 2.0`, `2 2 0.5 0.88 2.2` + `pair_modify shift yes`;
 * - `ka-sf` shifted force at 2.5 sigma_ab, = LAMMPS `lj/smooth/linear` with
 *           the same per-pair cutoffs (its cutoff is an absolute distance).
 */
import type { CutoffScheme } from './cutoff.ts';
import { createLjMixture, type LjPotential } from './lennard-jones.ts';
import type { ModelDefaults } from './model-defaults.ts';

const EPS = [[0, 0, 0], [0, 1.0, 1.5], [0, 1.5, 0.5]];
const SIGMA = [[0, 0, 0], [0, 1.0, 0.8], [0, 0.8, 0.88]];
/** cutoff in units of sigma_ab */
export const KA_CUTOFF_SIGMA = 2.5;

/** The KA mixture with the given cutoff scheme ('shift' -> `ka`, 'shifted-force' -> `ka-sf`). */
export function createKobAndersen(scheme: CutoffScheme = 'shift'): LjPotential {
  return createLjMixture({
    name: scheme === 'shift' ? 'ka' : 'ka-sf',
    ntypes: 2,
    epsilon: (a, b) => EPS[a][b],
    sigma: (a, b) => SIGMA[a][b],
    cutoff: (a, b) => KA_CUTOFF_SIGMA * SIGMA[a][b],
    scheme,
    typeMasses: [0, 1, 1],
    // no `dim`: the pair potential itself works in 2D and 3D (KA_DEFAULTS is the 3D glass)
  });
}

/**
 * Usual state of the KA glass former: N_A:N_B = 80:20 at number density 1.2
 * (Kob & Andersen 1995). Temperatures in eps_AA/k_B; the mode-coupling
 * temperature is T_MCT ~= 0.435 (Kob & Andersen, PRE 51, 4626).
 */
export const KA_DEFAULTS: ModelDefaults = {
  dim: 3,
  numberDensity: 1.2,
  composition: [0, 0.8, 0.2],
  temperatureUnit: 'eps_AA/k_B',
  referenceTemperatures: { T_MCT: 0.435 },
  source: 'Kob & Andersen, Phys. Rev. E 51, 4626 (1995)',
};
