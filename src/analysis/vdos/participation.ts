/**
 * Participation fraction of each atom in the low-frequency vibrational
 * modes, Wei, Yang, Gao, Lu, Lu, Li & Wang, Phys. Rev. B 99, 014115 (2019),
 * Sec. III D, Eq. 4 (after Widmer-Cooper et al., Nat. Phys. 4, 711 (2008),
 * and Ding et al., PNAS 111, 14052 (2014)):
 *
 *   p_i = sum_{omega in S} |e_omega^i|^2,
 *
 * e_omega the unit-norm polarization vector of mode omega (atom i's d
 * components), S the lowest-frequency modes of the dynamical matrix
 * D = M^-1/2 H M^-1/2 of the configuration (an inherent structure in Wei et
 * al., minimised by CG; the Hessian H from the potential's force constants).
 *
 * Which modes: the d rigid translations (exact zero modes of a periodic cell)
 * are removed first, leaving N d - d modes; S is the lowest
 * n_S = max(1, round(modeFraction (N d - d))) of them, in ascending
 * eigenvalue (negative eigenvalues, unstable directions of a configuration
 * that is not a minimum, come first). modeFraction defaults to Wei et al.'s
 * 0.25 %: N = 2000 in 3D gives round(14.985) = 15 modes, N = 20000 gives
 * round(149.9925) = 150 (Math.round: halves round up).
 *
 * Units: dimensionless. sum_i p_i = n_S, so the mean over atoms is n_S / N;
 * divide by n_S for a fraction that sums to 1.
 *
 * Reuses the normal-mode machinery: `normalModeAnalysis` (Hessian assembly,
 * linalg `lowModeParticipation`: dense eigendecomposition up to 1500 degrees
 * of freedom, else Lanczos for the n_S lowest modes with the translations
 * deflated, with a convergence check). Cost: dense O((N d)^3); Lanczos
 * O(iterations (N M + N n_S)) with M neighbours per atom, the iterations
 * growing with n_S and the crowding of the low spectrum. Measured on
 * Cu64Zr36 EAM glasses (2-core machine under load, bench/RESULTS.md):
 * N = 2048 171 s, 4000 432 s, 8788 1387 s, ~N^1.45, so N = 20000 ~ 77 min,
 * with products on the assembled EAM Hessian (~740 3x3 blocks a row). The
 * Lanczos path now takes the factored Hessian (core/hessian.ts
 * factoredHessian: ~4x cheaper products at N = 20000, no 913 MB matrix):
 * the 147 lowest modes of a CuZr N = 19652 lattice took 251 s CPU under
 * load 12 (bench/eam-lowest-modes.ts).
 */
import { modeCountForFraction } from '../../linalg/index.ts';
import type { Potential } from '../../potential/types.ts';
import type { System } from '../../system/system.ts';
import { normalModeAnalysis } from './normal-modes.ts';

export interface ParticipationFractionOptions {
  /** fraction of the N d - d non-trivial modes summed over (default 0.0025, Wei et al.) */
  modeFraction?: number;
  /** modes of the dynamical matrix M^-1/2 H M^-1/2 (default true, Wei et al.) or of the Hessian H */
  massWeighted?: boolean;
  /** eigensolver (default 'auto': dense up to 1500 degrees of freedom, else Lanczos) */
  method?: 'auto' | 'dense' | 'lanczos';
}

/** Number of modes participationFraction sums over for N atoms in d dimensions (module doc). */
export function participationModeCount(n: number, dim: number, modeFraction = 0.0025): number {
  return modeCountForFraction(n * dim - dim, modeFraction);
}

/** p_i per atom (dimensionless, sum = number of modes), in the order of the System's atoms. */
export function participationFraction(sys: System, pot: Potential, opts: ParticipationFractionOptions = {}): Float64Array {
  if (sys.n < 2) throw new Error(`participationFraction: ${sys.n} atom(s) have no non-zero modes`);
  const count = participationModeCount(sys.n, sys.dim, opts.modeFraction ?? 0.0025);
  return normalModeAnalysis(sys, pot, {
    count, massWeighted: opts.massWeighted ?? true, method: opts.method ?? 'auto', source: 'participationFraction',
  }).participation;
}
