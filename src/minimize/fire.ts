/**
 * FIRE: Fast Inertial Relaxation Engine.
 *
 * Bitzek, Koskinen, Gaehler, Moseler & Gumbsch, Phys. Rev. Lett. 97, 170201
 * (2006), with the FIRE 2.0 refinements of Guenole, Noehring, Vaid, Houlle,
 * Xie, Prakash & Bitzek, Comput. Mater. Sci. 175, 109584 (2020), Algorithm 2
 * (initial delay, half step back on uphill motion, minimum timestep,
 * semi-implicit Euler integration). FIRE 2.0 is the default (LAMMPS
 * `min_style fire` since 2020 uses the same); `FIRE_2006` gives the original
 * parameters (still integrated with semi-implicit Euler).
 *
 * Dynamics in configuration space with unit masses (the minimum does not
 * depend on masses):  v += dt F;  v = (1 - a) v + a |v| F/|F|;  x += dt v,
 * with dt adapted and the velocity zeroed whenever P = F.v <= 0. No atom
 * moves more than dmax per step (the step is scaled down, as LAMMPS
 * `min_modify dmax`); the FIRE 2.0 half step back undoes half of the last
 * actual (possibly capped) displacement.
 * Units: dt in length-unit * sqrt(length / force) (for LJ: about 0.005-0.05).
 */
import type { ForceProvider, ForceResult } from '../core/types.ts';
import type { System } from '../system/system.ts';
import { dot, evaluate, maxAtomForce, maxAtomNorm, runStage, stageResult, stageStop, type StageResult, type StopRules } from './common.ts';

export interface FireParams {
  /** initial timestep */
  dt: number;
  /** largest timestep (Guenole et al.: 10 dt) */
  dtMax: number;
  /** smallest timestep reached by shrinking (FIRE 2.0: 0.02 dt) */
  dtMin: number;
  /** downhill steps before dt may grow (FIRE 2.0 N_delay = 20; 2006 N_min = 5) */
  nDelay: number;
  /** dt growth factor (1.1) */
  fInc: number;
  /** dt shrink factor (0.5) */
  fDec: number;
  /** mixing parameter after a restart (FIRE 2.0: 0.25; 2006: 0.1) */
  alpha0: number;
  /** mixing decay factor (0.99) */
  fAlpha: number;
  /** stop after this many consecutive uphill steps (FIRE 2.0 N_P<=0,max = 2000) */
  maxUphill: number;
  /** no dt shrink during the first nDelay steps (FIRE 2.0) */
  initialDelay: boolean;
  /** move back half a step when going uphill (FIRE 2.0) */
  halfStepBack: boolean;
  /** largest displacement of any atom in one step (length; LAMMPS min_modify dmax, default 0.1) */
  dmax: number;
}

/** FIRE 2.0 defaults (Guenole et al. 2020, Table 1) with dt = 0.005 (LJ units). */
export const FIRE2: Readonly<FireParams> = Object.freeze({
  dt: 0.005, dtMax: 0.05, dtMin: 1e-4, nDelay: 20, fInc: 1.1, fDec: 0.5, alpha0: 0.25, fAlpha: 0.99,
  maxUphill: 2000, initialDelay: true, halfStepBack: true, dmax: 0.1,
});

/** Original FIRE parameters (Bitzek et al. 2006): N_min = 5, alpha_start = 0.1, no delay or step back. */
export const FIRE_2006: Readonly<FireParams> = Object.freeze({
  ...FIRE2, nDelay: 5, alpha0: 0.1, initialDelay: false, halfStepBack: false, dtMin: 0,
});

/** Fill unspecified parameters; dtMax and dtMin follow dt (10 dt, 0.02 dt) unless given. */
export function resolveFire(p: Partial<FireParams> = {}, base: Readonly<FireParams> = FIRE2): FireParams {
  const dt = p.dt ?? base.dt;
  const r: FireParams = { ...base, dtMax: 10 * dt, dtMin: base.dtMin === 0 ? 0 : 0.02 * dt, ...p, dt };
  for (const k of ['dt', 'dtMax', 'fInc', 'alpha0', 'dmax'] as const) {
    if (!(r[k] > 0) || !Number.isFinite(r[k])) throw new Error(`minimize/fire: parameter '${k}' must be a positive finite number, got ${r[k]}`);
  }
  if (!(r.fDec > 0 && r.fDec < 1) || !(r.fAlpha > 0 && r.fAlpha <= 1)) throw new Error('minimize/fire: fDec must lie in (0,1) and fAlpha in (0,1]');
  return r;
}

/** The explicit state of a FIRE stage between two iterations (fireInit, fireStep). */
export interface FireState {
  readonly p: FireParams;
  /** velocities in configuration space (unit masses) */
  readonly v: Float64Array;
  /** the last proposed displacement (before the dmax cap) */
  readonly step: Float64Array;
  /** forces at the current positions */
  force: ForceResult;
  maxForce: number;
  dt: number;
  alpha: number;
  /** consecutive downhill / uphill steps */
  nPos: number;
  nNeg: number;
  /** step[] * lastScale was the last displacement */
  lastScale: number;
  /** iterations done and force calls made by this stage */
  iterations: number;
  forceCalls: number;
}

/** Start a FIRE stage on `sys` from the forces `force0` at its current positions. */
export function fireInit(sys: System, force0: ForceResult, params: Partial<FireParams> = {}): FireState {
  const p = resolveFire(params);
  const n = sys.positions.length;
  return {
    p, v: new Float64Array(n), step: new Float64Array(n), force: force0, maxForce: maxAtomForce(force0.forces, sys.dim),
    dt: p.dt, alpha: p.alpha0, nPos: 0, nNeg: 0, lastScale: 0, iterations: 0, forceCalls: 0,
  };
}

/**
 * One FIRE iteration on `sys` (in place). Returns the outcome of the stage
 * when it is over (converged, aborted, stuck uphill, budget spent), else
 * undefined: call again.
 */
export function fireStep(s: FireState, sys: System, provider: ForceProvider, rules: StopRules): StageResult | undefined {
  const { p, v, step } = s;
  const d = sys.dim;
  const x = sys.positions;
  const it = s.iterations + 1;
  const stop = stageStop(s, rules);
  if (stop) return stop;
  const F = s.force.forces;
  if (dot(F, v) > 0) {
    s.nPos++; s.nNeg = 0;
    if (s.nPos > p.nDelay) { s.dt = Math.min(s.dt * p.fInc, p.dtMax); s.alpha *= p.fAlpha; }
  } else {
    s.nPos = 0; s.nNeg++;
    if (s.nNeg > p.maxUphill) return stageResult(s, false, `${p.maxUphill} consecutive uphill steps`);
    if (!(p.initialDelay && it < p.nDelay)) {
      if (s.dt * p.fDec >= p.dtMin) s.dt *= p.fDec;
      s.alpha = p.alpha0;
    }
    // half of the last actual displacement (it may have been capped at dmax)
    if (p.halfStepBack) for (let i = 0; i < x.length; i++) x[i] -= 0.5 * s.lastScale * step[i];
    v.fill(0);
  }
  // semi-implicit Euler with the FIRE velocity mixing
  const dt = s.dt, alpha = s.alpha;
  for (let i = 0; i < x.length; i++) v[i] += dt * F[i];
  const vn = Math.sqrt(dot(v, v)), fn = Math.sqrt(dot(F, F));
  if (fn > 0) {
    const c = (alpha * vn) / fn;
    for (let i = 0; i < x.length; i++) v[i] = (1 - alpha) * v[i] + c * F[i];
  }
  for (let i = 0; i < x.length; i++) step[i] = dt * v[i];
  const big = maxAtomNorm(step, d);
  const scale = big > p.dmax ? p.dmax / big : 1;
  for (let i = 0; i < x.length; i++) x[i] += scale * step[i];
  s.lastScale = scale;
  s.force = evaluate(sys, provider, 'minimize/fire');
  s.forceCalls++;
  s.maxForce = maxAtomForce(s.force.forces, d);
  s.iterations = it;
  if (rules.onProgress && it % (rules.progressEvery ?? 100) === 0) rules.onProgress({ method: 'fire', iteration: it, energy: s.force.energy, maxForce: s.maxForce });
  return undefined;
}

/**
 * Relax `sys` in place with FIRE until max_i |F_i| < ftol, starting from the
 * forces `force0` at the current positions (fireInit, then fireStep until
 * the stage is over).
 */
export function fire(sys: System, provider: ForceProvider, force0: ForceResult, rules: StopRules, params: Partial<FireParams> = {}): StageResult {
  return runStage(fireInit(sys, force0, params), (s) => fireStep(s, sys, provider, rules));
}
