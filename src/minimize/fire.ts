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
import { dot, evaluate, maxAtomForce, maxAtomNorm, type StageResult, type StopRules } from './common.ts';

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

/**
 * Relax `sys` in place with FIRE until max_i |F_i| < ftol, starting from the
 * forces `force0` at the current positions.
 */
export function fire(sys: System, provider: ForceProvider, force0: ForceResult, rules: StopRules, params: Partial<FireParams> = {}): StageResult {
  const p = resolveFire(params);
  const d = sys.dim;
  const x = sys.positions;
  const v = new Float64Array(x.length);
  const step = new Float64Array(x.length);
  let force = force0;
  let F = force.forces;
  let dt = p.dt, alpha = p.alpha0;
  let nPos = 0, nNeg = 0, calls = 0;
  let lastScale = 0; // step[] * lastScale was the last displacement
  const every = rules.progressEvery ?? 100;
  let maxF = maxAtomForce(F, d);
  for (let it = 1; it <= rules.maxIter; it++) {
    if (maxF < rules.ftol) return { force, maxForce: maxF, iterations: it - 1, forceCalls: calls, converged: true };
    if (rules.signal?.aborted) return { force, maxForce: maxF, iterations: it - 1, forceCalls: calls, converged: false, reason: 'aborted' };
    if (dot(F, v) > 0) {
      nPos++; nNeg = 0;
      if (nPos > p.nDelay) { dt = Math.min(dt * p.fInc, p.dtMax); alpha *= p.fAlpha; }
    } else {
      nPos = 0; nNeg++;
      if (nNeg > p.maxUphill) {
        return { force, maxForce: maxF, iterations: it - 1, forceCalls: calls, converged: false, reason: `${p.maxUphill} consecutive uphill steps` };
      }
      if (!(p.initialDelay && it < p.nDelay)) {
        if (dt * p.fDec >= p.dtMin) dt *= p.fDec;
        alpha = p.alpha0;
      }
      // half of the last actual displacement (it may have been capped at dmax)
      if (p.halfStepBack) for (let i = 0; i < x.length; i++) x[i] -= 0.5 * lastScale * step[i];
      v.fill(0);
    }
    // semi-implicit Euler with the FIRE velocity mixing
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
    lastScale = scale;
    force = evaluate(sys, provider, 'minimize/fire');
    calls++;
    F = force.forces;
    maxF = maxAtomForce(F, d);
    if (rules.onProgress && it % every === 0) rules.onProgress({ method: 'fire', iteration: it, energy: force.energy, maxForce: maxF });
  }
  const converged = maxF < rules.ftol;
  return { force, maxForce: maxF, iterations: rules.maxIter, forceCalls: calls, converged, ...(converged ? {} : { reason: `maxIter = ${rules.maxIter} reached` }) };
}
