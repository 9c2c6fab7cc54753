/**
 * `minimize(sys, provider, options)`: energy minimisation to an inherent
 * structure with FIRE, conjugate gradient, or FIRE followed by CG (default:
 * FIRE is robust far from a minimum, CG with a force-based line search
 * converges fast close to it).
 *
 * The input System is not modified; the result holds a relaxed copy with
 * positions wrapped into the cell and image flags updated, so unwrapped
 * coordinates stay continuous with the input. Velocities are copied
 * unchanged (as LAMMPS `minimize` leaves them).
 *
 * Convergence is judged on a final, fresh force evaluation at the returned
 * configuration: `converged` is true only if max_i |F_i| < ftol there.
 */
import type { ForceProvider } from '../core/types.ts';
import { cloneSystem, type System } from '../system/system.ts';
import { conjugateGradient, type CgParams } from './cg.ts';
import { maxAtomForce, type MinimizeProgress, type StageResult } from './common.ts';
import { fire, type FireParams } from './fire.ts';

export type MinimizeMethod = 'fire' | 'cg' | 'fire+cg';

export interface MinimizeOptions {
  /** default 'fire+cg' */
  method?: MinimizeMethod;
  /** target largest per-atom force norm (energy/length), default 1e-10 */
  ftol?: number;
  /** iteration budget over all stages (FIRE steps + CG line searches), default 100000 */
  maxIter?: number;
  /** 'fire+cg': FIRE until max |F_i| < switchForce, then CG (default 0.1) */
  switchForce?: number;
  fire?: Partial<FireParams>;
  cg?: Partial<CgParams>;
  onProgress?: (p: MinimizeProgress) => void;
  progressEvery?: number;
  signal?: AbortSignal;
  /** throw an Error instead of returning converged = false */
  throwIfNotConverged?: boolean;
}

export interface MinimizeResult {
  /** relaxed copy of the input (the inherent structure when converged) */
  system: System;
  /** potential energy at the returned configuration */
  energy: number;
  /** per-atom energies at the returned configuration (LAMMPS pe/atom) */
  peratomEnergy: Float64Array;
  /** forces at the returned configuration */
  forces: Float64Array;
  /** max_i |F_i| at the returned configuration (fresh evaluation) */
  maxForce: number;
  iterations: number;
  forceCalls: number;
  converged: boolean;
  /** why it stopped, when not converged */
  reason?: string;
  /** per-stage record */
  stages: { method: 'fire' | 'cg'; iterations: number; maxForce: number; converged: boolean; reason?: string }[];
}

export function minimize(input: System, provider: ForceProvider, opts: MinimizeOptions = {}): MinimizeResult {
  const method = opts.method ?? 'fire+cg';
  if (method !== 'fire' && method !== 'cg' && method !== 'fire+cg') {
    throw new Error(`minimize: unknown method '${String(method)}'; use 'fire', 'cg' or 'fire+cg'`);
  }
  const ftol = opts.ftol ?? 1e-10;
  if (!(ftol > 0)) throw new Error(`minimize: ftol must be > 0, got ${ftol}`);
  const maxIter = opts.maxIter ?? 100000;
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new Error(`minimize: maxIter must be an integer >= 0, got ${maxIter}`);
  const switchForce = opts.switchForce ?? 1e-1;

  const sys = cloneSystem(input);
  if (!sys.images) sys.images = new Int32Array(sys.n * sys.dim);
  sys.box.wrap(sys.positions, sys.images);
  let force = provider.compute(sys);
  if (!Number.isFinite(force.energy)) throw new Error(`minimize: the start energy is ${force.energy}; overlapping atoms in the input?`);

  const stages: MinimizeResult['stages'] = [];
  let used = 0, calls = 1;
  const rules = (tol: number) => ({
    ftol: tol, maxIter: maxIter - used,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.progressEvery !== undefined ? { progressEvery: opts.progressEvery } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const record = (m: 'fire' | 'cg', r: StageResult) => {
    used += r.iterations;
    calls += r.forceCalls;
    force = r.force;
    stages.push({ method: m, iterations: r.iterations, maxForce: r.maxForce, converged: r.converged, ...(r.reason ? { reason: r.reason } : {}) });
    return r;
  };
  const runFire = (tol: number) => record('fire', fire(sys, provider, force, rules(tol), opts.fire));
  const runCg = (tol: number) => record('cg', conjugateGradient(sys, provider, force, rules(tol), opts.cg));

  if (method === 'fire') runFire(ftol);
  else if (method === 'cg') runCg(ftol);
  else {
    const f = runFire(Math.max(ftol, switchForce));
    if (f.reason !== 'aborted') {
      const c = runCg(ftol);
      // CG can stall on a round-off floor of the line search; FIRE needs no line search
      if (!c.converged && c.reason !== 'aborted' && used < maxIter) runFire(ftol);
    }
  }

  const final = provider.compute(sys, { peratom: true });
  calls++;
  const maxForce = maxAtomForce(final.forces, sys.dim);
  const converged = maxForce < ftol;
  const last = stages.at(-1);
  const reason = converged ? undefined
    : (last?.reason ?? (last?.converged ? `max |F| = ${maxForce.toExponential(2)} on re-evaluation is above ftol` : 'not converged'));
  if (!converged && opts.throwIfNotConverged) {
    throw new Error(`minimize: not converged after ${used} iterations (${method}): max |F_i| = ${maxForce.toExponential(3)} > ftol = ${ftol} (${reason}); raise maxIter or loosen ftol`);
  }
  if (!final.peratomEnergy) throw new Error('minimize: the force provider ignored { peratom: true } (no peratomEnergy)');
  return {
    system: sys, energy: final.energy, peratomEnergy: final.peratomEnergy, forces: final.forces,
    maxForce, iterations: used, forceCalls: calls, converged, stages,
    ...(reason ? { reason } : {}),
  };
}
