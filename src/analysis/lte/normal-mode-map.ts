/**
 * The normal-mode map on the LTE's bonds, for comparing the two indicators
 * of Zylberg, Lerner, Bar-Sinai & Bouchbinder, PNAS 114, 7289 (2017), Fig. 4:
 * p_j = sum over the `count` lowest non-zero modes of |Psi_i^(j)|^2 per
 * particle (the paper's normal-mode softness, as `glasslab modes --lowest
 * 30`), carried to every bond as (p_i + p_j) / 2. The paper builds its NM
 * maps "analogous to" its bond maps and applies "the same procedure";
 * putting the NM values on the same bonds lets `lteSoftnessField`
 * coarse-grain both maps on the same bins, so the two sets of soft spots
 * differ only by the indicator. The modes are those of the Hessian (with
 * unit masses, those of the dynamical matrix). A caller that has the
 * participation already (normalModeAnalysis(sys, pot, { count }).participation,
 * the same modes) passes it as `participation` and no modes are computed.
 */
import { assembleHessian } from '../../core/hessian.ts';
import { lowModeParticipation } from '../../linalg/index.ts';
import type { Potential } from '../../potential/types.ts';
import type { System } from '../../system/system.ts';
import type { LteBonds } from './lte.ts';

/** Per-particle low-mode participation and its mean over each bond's two particles (module comment). */
export function normalModeBondMap(sys: System, pot: Potential, bonds: LteBonds, opts: { count?: number; participation?: Float64Array } = {}): { bondValues: Float64Array; perParticle: Float64Array } {
  if (opts.participation && opts.participation.length !== sys.n) throw new Error(`normalModeBondMap: participation has ${opts.participation.length} values for ${sys.n} particles; give one per particle, in input order`);
  const p = opts.participation ?? lowModeParticipation(assembleHessian(sys, pot), { count: opts.count ?? 30 }).participation;
  const bondValues = new Float64Array(bonds.count);
  for (let a = 0; a < bonds.count; a++) bondValues[a] = 0.5 * (p[bonds.i[a]] + p[bonds.j[a]]);
  return { bondValues, perParticle: p };
}
