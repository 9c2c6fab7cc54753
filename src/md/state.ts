/**
 * Explicit MD state shared by all integrators (ARCHITECTURE.md: integrators are `{init, step}` over explicit state) and the
 * velocity-Verlet building blocks they are made of.
 *
 * The state owns the System it integrates (positions, velocities, images and
 * box are updated in place; the Box object is replaced when the cell changes,
 * boxes being immutable), the forces at the current positions, the step
 * counter, and the integrator's extended variables (thermostat/barostat
 * chains) as named Float64Arrays so checkpoints can store them generically.
 */
import type { ForceProvider, ForceResult } from '../core/types.ts';
import type { System } from '../system/system.ts';
import type { Rng } from '../util/random.ts';
import { getUnits, type Units, type UnitsName } from '../util/units.ts';
import { degreesOfFreedom, kineticEnergy, kineticTensor } from './velocities.ts';

export interface MdState {
  sys: System;
  units: Units;
  /** timestep (time unit of `units`) */
  dt: number;
  /** number of steps done (LAMMPS ntimestep) */
  step: number;
  /** simulated time = timeOrigin + (step - stepOrigin) dt (as LAMMPS, no accumulated round-off) */
  time: number;
  timeOrigin: number;
  stepOrigin: number;
  /** forces, energy and virial at the current positions */
  force: ForceResult;
  /** degrees of freedom of the temperature, d (N - 1) */
  dof: number;
  /**
   * Window of the current run for linear ramps of the targets, as LAMMPS
   * `run N`: target(step) = start + (step - rampBegin)/(rampEnd - rampBegin) (stop - start).
   */
  rampBegin: number;
  rampEnd: number;
  /** integrator name that created the state (checked on resume) */
  integrator: string;
  /** the creating integrator's parameters (checked on resume, stored in checkpoints) */
  params: Readonly<Record<string, number | string>>;
  /** random stream of stochastic integrators (none of the current ones); checkpointed when present */
  rng?: Rng;
  /** extended variables of the integrator, by name; all checkpointed */
  ext: Record<string, Float64Array>;
  /** the model the run uses (checkpointed; checked on resume); absent in checkpoints of older versions */
  model?: ModelIdentity;
  /**
   * The force provider's atom order when the state was made (ForceProvider
   * `atomOrder`: runMd sorts at fixed steps); checkpointed, and put back in
   * place on resume, so that the forces are summed in the same order.
   * Absent: the System's own order.
   */
  atomOrder?: Int32Array;
}

/** Which model a run uses: its registry name and the fingerprint of its potential (potentialFingerprint). */
export interface ModelIdentity {
  name: string;
  potential: string;
}

export interface StateOptions {
  dt: number;
  units?: Units | UnitsName;
  /** whether the initial force call should compute per-atom terms */
  peratom?: boolean;
}

/**
 * Build the base state of an integrator: checks the System (velocities, finite
 * positions), creates image flags if missing, wraps atoms into the cell and
 * computes the initial forces.
 */
export function createBaseState(
  sys: System, provider: ForceProvider,
  integrator: { name: string; params: Readonly<Record<string, number | string>> }, opts: StateOptions,
): MdState {
  const where = `md/${integrator.name}.init`;
  if (!(opts.dt > 0) || !Number.isFinite(opts.dt)) throw new Error(`${where}: dt must be a positive finite number, got ${opts.dt}`);
  if (!sys.velocities) throw new Error(`${where}: the System has no velocities; call initVelocities(sys, T, seed) first`);
  if (sys.n < 2) throw new Error(`${where}: need at least 2 atoms, got ${sys.n}`);
  if (!sys.images) sys.images = new Int32Array(sys.n * sys.dim);
  sys.box.wrap(sys.positions, sys.images);
  const force = provider.compute(sys, { peratom: opts.peratom ?? false });
  checkForces(force, sys, where);
  return {
    sys,
    units: getUnits(opts.units ?? 'lj'),
    dt: opts.dt,
    step: sys.timestep ?? 0,
    time: sys.time ?? 0,
    timeOrigin: sys.time ?? 0,
    stepOrigin: sys.timestep ?? 0,
    force,
    dof: degreesOfFreedom(sys),
    rampBegin: 0,
    rampEnd: 0,
    integrator: integrator.name,
    params: integrator.params,
    ext: {},
  };
}

/** Throw a clear error if the force call returned non-finite numbers. */
export function checkForces(f: ForceResult, sys: System, where: string): void {
  if (!Number.isFinite(f.energy)) {
    throw new Error(`${where}: the potential energy is ${f.energy}; overlapping atoms or an exploding run (try a smaller dt or minimise first)`);
  }
  const F = f.forces;
  // x * 0 is 0 for finite x and NaN otherwise: one branch-free pass (four
  // independent sums, no serial add chain), the atom is looked up only on failure
  const len = F.length;
  let p0 = 0, p1 = 0, p2 = 0, p3 = 0, i = 0;
  for (; i + 3 < len; i += 4) { p0 += F[i] * 0; p1 += F[i + 1] * 0; p2 += F[i + 2] * 0; p3 += F[i + 3] * 0; }
  for (; i < len; i++) p0 += F[i] * 0;
  if (p0 + p1 + p2 + p3 === 0) return;
  for (let k = 0; k < len; k++) {
    if (!Number.isFinite(F[k])) {
      throw new Error(`${where}: non-finite force on atom id ${sys.ids[Math.floor(k / sys.dim)]}; overlapping atoms or an exploding run (try a smaller dt or minimise first)`);
    }
  }
}

/** Linear ramp fraction of the current step in [rampBegin, rampEnd] (0 when the window is empty). */
export function rampFraction(state: MdState): number {
  const span = state.rampEnd - state.rampBegin;
  if (span <= 0) return 0;
  return (state.step - state.rampBegin) / span;
}

/** v += h * ftm2v * F / m  (a half kick with h = dt/2); see `kickTwiceKinetic`. */
export function kick(state: MdState, h: number): void {
  kickTwiceKinetic(state, h);
}

/** x += h * v. */
export function drift(state: MdState, h: number): void {
  const x = state.sys.positions;
  const v = state.sys.velocities!;
  for (let i = 0; i < x.length; i++) x[i] += h * v[i];
}

/** v *= f for all atoms. */
export function scaleVelocities(state: MdState, f: number): void {
  const v = state.sys.velocities!;
  for (let i = 0; i < v.length; i++) v[i] *= f;
}

/**
 * The first half of a velocity-Verlet step in one pass over the atoms:
 * v *= f (thermostat scaling; 1 for none), v += h ftm2v F/m, x += dt v.
 * Same bits as `scaleVelocities(state, f)`, `kick(state, h)`, `drift(state, dt)`
 * in turn (each element sees the same operations in the same order; x * 1
 * is exact), at a third of the memory traffic.
 */
export function scaleKickDrift(state: MdState, f: number, h: number, dt: number): void {
  const { sys } = state;
  const v = sys.velocities!, x = sys.positions, m = sys.masses;
  const F = state.force.forces;
  const d = sys.dim, n = sys.n;
  const c = h * state.units.ftm2v;
  if (d === 3) {
    // unrolled: a loop over k < d here runs ~4x slower in V8 (measured)
    for (let i = 0, o = 0; i < n; i++, o += 3) {
      const a = c / m[i];
      const vx = v[o] * f + a * F[o], vy = v[o + 1] * f + a * F[o + 1], vz = v[o + 2] * f + a * F[o + 2];
      v[o] = vx; v[o + 1] = vy; v[o + 2] = vz;
      x[o] += dt * vx; x[o + 1] += dt * vy; x[o + 2] += dt * vz;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const a = c / m[i];
    for (let o = i * d, e = o + d; o < e; o++) {
      const vo = v[o] * f + a * F[o];
      v[o] = vo;
      x[o] += dt * vo;
    }
  }
}

/**
 * The half kick v += h ftm2v F/m, returning 2K = mvv2e sum m v^2 of the
 * kicked velocities: the same bits as `kick` followed by `twiceKinetic`, in
 * one pass.
 */
export function kickTwiceKinetic(state: MdState, h: number): number {
  const { sys } = state;
  const v = sys.velocities!, m = sys.masses;
  const F = state.force.forces;
  const d = sys.dim, n = sys.n;
  const c = h * state.units.ftm2v;
  let sum = 0;
  if (d === 3) {
    for (let i = 0, o = 0; i < n; i++, o += 3) {
      const a = c / m[i];
      const vx = v[o] + a * F[o], vy = v[o + 1] + a * F[o + 1], vz = v[o + 2] + a * F[o + 2];
      v[o] = vx; v[o + 1] = vy; v[o + 2] = vz;
      sum += m[i] * (vx * vx + vy * vy + vz * vz);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const a = c / m[i];
      let v2 = 0;
      for (let o = i * d, e = o + d; o < e; o++) {
        const vo = v[o] + a * F[o];
        v[o] = vo;
        v2 += vo * vo;
      }
      sum += m[i] * v2;
    }
  }
  return 2 * (0.5 * state.units.mvv2e * sum);
}

/**
 * Wrap atoms into the cell (image flags updated), then compute forces at the
 * new positions; the forces of the previous step are given up to the
 * provider for reuse (ForceOptions.reuse). With `check` false the forces
 * are not checked here: the caller's next step must be `closingKick`, which
 * checks them in its own pass over them.
 */
export function wrapAndComputeForces(state: MdState, provider: ForceProvider, peratom: boolean, check = true): void {
  const { sys } = state;
  sys.box.wrap(sys.positions, sys.images);
  state.force = provider.compute(sys, { peratom, reuse: state.force });
  if (check) checkForces(state.force, sys, `md/${state.integrator}.step ${state.step}`);
}

/**
 * The closing half kick of a step, v += h ftm2v F/m, returning 2K of the
 * kicked velocities (`kickTwiceKinetic`), and the check of the forces that
 * `wrapAndComputeForces(..., check = false)` left out: a non-finite force
 * makes 2K non-finite, and only then are the forces scanned for the atom to
 * name (`checkForces`, the same error). One pass over the atoms instead of
 * two; the velocities of a failed step are then already kicked (non-finite),
 * where the separate check threw before the kick.
 */
export function closingKick(state: MdState, h: number): number {
  const twoK = kickTwiceKinetic(state, h);
  if (!(Number.isFinite(twoK) && Number.isFinite(state.force.energy))) {
    checkForces(state.force, state.sys, `md/${state.integrator}.step ${state.step}`);
  }
  return twoK;
}

/** Advance the step counter and the time after a completed step; mirrors them into the System. */
export function finishStep(state: MdState): void {
  state.step += 1;
  state.time = state.timeOrigin + (state.step - state.stepOrigin) * state.dt;
  state.sys.timestep = state.step;
  state.sys.time = state.time;
}

/** 2K in energy units (= dof kB T): the "kecurrent" of the Nose-Hoover equations. */
export function twiceKinetic(state: MdState): number {
  return 2 * kineticEnergy(state.sys, state.units);
}

/**
 * Instantaneous scalar pressure in internal units (energy / volume):
 *   P = (2K + tr W) / (d V)   (virial convention of src/core/types.ts).
 * Multiply by units.nktv2p for the pressure unit of the unit system.
 */
export function pressureInternal(state: MdState, twoK = twiceKinetic(state)): number {
  const d = state.sys.dim;
  const W = state.force.virial;
  let tr = 0;
  for (let k = 0; k < d; k++) tr += W[k];
  return (twoK + tr) / (d * state.sys.box.volume);
}

/**
 * Pressure tensor in the pressure unit of the unit system,
 * P_ab = nktv2p (sum m v_a v_b + W_ab) / V, ordered like the virial.
 */
export function pressureTensor(state: MdState): Float64Array {
  const t = kineticTensor(state.sys, state.units);
  const W = state.force.virial;
  const c = state.units.nktv2p / state.sys.box.volume;
  for (let k = 0; k < t.length; k++) t[k] = c * (t[k] + W[k]);
  return t;
}
