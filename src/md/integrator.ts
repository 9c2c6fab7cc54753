/**
 * The integrator interface: `{ init, step }` over an explicit MdState
 * (ARCHITECTURE.md: integrators are `{init, step}` over explicit state). Every integrator is a velocity-Verlet splitting;
 * thermostat and barostat variables live in `state.ext`.
 */
import type { ForceProvider } from '../core/types.ts';
import type { System } from '../system/system.ts';
import type { MdState, StateOptions } from './state.ts';

export interface StepOptions {
  /** compute per-atom energies/virials with the new forces (dump steps) */
  peratom?: boolean;
}

/** Instantaneous targets of a thermostat/barostat at the current step. */
export interface Targets {
  /** target temperature (temperature unit) */
  T?: number;
  /** target pressure (pressure unit of the unit system) */
  P?: number;
}

export interface Integrator {
  /** short name ('nve', 'nvt', 'npt'); stored in checkpoints */
  readonly name: string;
  /** the integrator's parameters as plain data (stored in checkpoints and thermo headers) */
  readonly params: Readonly<Record<string, number | string>>;
  /** Build the state: initial forces and extended variables. Mutates `sys` (wraps atoms, adds images). */
  init(sys: System, provider: ForceProvider, opts: StateOptions): MdState;
  /** Advance one timestep in place. */
  step(state: MdState, provider: ForceProvider, opts?: StepOptions): void;
  /**
   * Conserved quantity of the (extended) dynamics, energy unit: PE + KE for
   * NVE, plus the chain (and barostat, P V) energies for NVT/NPT. Constant up
   * to integration error only when the targets are constant (no ramp).
   */
  conserved(state: MdState): number;
  /** current targets (ramped) */
  targets(state: MdState): Targets;
}

/** Validate a positive finite option; the error names the integrator and option. */
export function requirePositive(who: string, name: string, v: number | undefined): number {
  if (v === undefined || !(v > 0) || !Number.isFinite(v)) {
    throw new Error(`md/${who}: option '${name}' must be a positive finite number, got ${v}`);
  }
  return v;
}

/** Validate a finite option. */
export function requireFinite(who: string, name: string, v: number | undefined): number {
  if (v === undefined || !Number.isFinite(v)) throw new Error(`md/${who}: option '${name}' must be a finite number, got ${v}`);
  return v;
}

/** Check that a state was created by the integrator now asked to step it. */
export function requireOwnState(state: MdState, name: string): void {
  if (state.integrator !== name) {
    throw new Error(`md/${name}: this state was created by '${state.integrator}'; create it with ${name}.init (or load the checkpoint with the matching integrator)`);
  }
}
