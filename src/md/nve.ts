/**
 * Microcanonical velocity Verlet (Swope, Andersen, Berens & Wilson, J. Chem.
 * Phys. 76, 637 (1982)); LAMMPS `fix nve`:
 *   v += dt/2 F/m;  x += dt v;  F = F(x);  v += dt/2 F/m.
 */
import type { ForceProvider } from '../core/types.ts';
import type { System } from '../system/system.ts';
import { requireOwnState, type Integrator, type StepOptions } from './integrator.ts';
import { closingKick, createBaseState, finishStep, scaleKickDrift, twiceKinetic, wrapAndComputeForces, type MdState, type StateOptions } from './state.ts';

export function nve(): Integrator {
  const self: Integrator = {
    name: 'nve',
    params: {},
    init(sys: System, provider: ForceProvider, opts: StateOptions): MdState {
      return createBaseState(sys, provider, self, opts);
    },
    step(state: MdState, provider: ForceProvider, opts: StepOptions = {}): void {
      requireOwnState(state, 'nve');
      const h = 0.5 * state.dt;
      scaleKickDrift(state, 1, h, state.dt); // = kick, drift in one pass
      wrapAndComputeForces(state, provider, opts.peratom ?? false, false);
      closingKick(state, h); // checks the forces
      finishStep(state);
    },
    conserved(state: MdState): number {
      return state.force.energy + 0.5 * twiceKinetic(state);
    },
    targets() {
      return {};
    },
  };
  return self;
}
