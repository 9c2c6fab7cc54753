/**
 * Shared pieces of the minimisers: the configuration being relaxed (a copy
 * of the input System), force norms and the convergence report.
 *
 * Convergence criterion used everywhere: the largest per-atom force norm
 *   maxForce = max_i |F_i|   (energy/length)
 * is below `ftol`. This is stricter than LAMMPS' `fmax` (largest component)
 * by at most sqrt(d).
 */
import type { ForceProvider, ForceResult } from '../core/types.ts';
import type { System } from '../system/system.ts';
import { stopRequested } from '../platform/index.ts';

/** Largest per-atom force norm max_i |F_i|. */
export function maxAtomForce(forces: Float64Array, dim: number): number {
  let m2 = 0;
  for (let i = 0; i < forces.length; i += dim) {
    let f2 = 0;
    for (let k = 0; k < dim; k++) f2 += forces[i + k] * forces[i + k];
    if (f2 > m2) m2 = f2;
  }
  return Math.sqrt(m2);
}

/** Dot product of two flat vectors. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Largest per-atom norm of a flat displacement-like vector. */
export const maxAtomNorm = maxAtomForce;

/** Progress report of a minimiser (every `progressEvery` iterations and at the end). */
export interface MinimizeProgress {
  method: 'fire' | 'cg';
  iteration: number;
  energy: number;
  maxForce: number;
  /**
   * the target of the whole minimisation (set by minimize / minimizeAsync;
   * a stage may stop earlier, e.g. the FIRE stage of 'fire+cg' at switchForce)
   */
  ftol?: number;
}

/** Stopping rules common to FIRE and CG. */
export interface StopRules {
  /** target max_i |F_i| (energy/length) */
  ftol: number;
  /** iteration budget of this stage */
  maxIter: number;
  onProgress?: (p: MinimizeProgress) => void;
  /** iterations between onProgress calls (default 100) */
  progressEvery?: number;
  signal?: AbortSignal;
}

/** Outcome of one minimiser stage, working in place on `sys`. */
export interface StageResult {
  force: ForceResult;
  maxForce: number;
  iterations: number;
  forceCalls: number;
  converged: boolean;
  /** why the stage stopped when not converged */
  reason?: string;
}

/**
 * Evaluate forces after moving atoms: wraps positions into the cell with image
 * flags, computes forces and rejects non-finite results with a clear error.
 */
export function evaluate(sys: System, provider: ForceProvider, where: string): ForceResult {
  sys.box.wrap(sys.positions, sys.images);
  const f = provider.compute(sys);
  if (!Number.isFinite(f.energy)) throw new Error(`${where}: the energy became ${f.energy}; overlapping atoms? (check the start configuration or lower dmax)`);
  return f;
}

/** The synchronous driver of one stage of an `{init, step}` minimiser: step until the stage reports its end. */
export function runStage<S>(state: S, step: (state: S) => StageResult | undefined): StageResult {
  for (;;) {
    const r = step(state);
    if (r) return r;
  }
}

/** What every stage state carries for the stopping rules. */
export interface StageProgress {
  force: ForceResult;
  maxForce: number;
  iterations: number;
  forceCalls: number;
}

/** The end of a stage, from its state. */
export function stageResult(s: StageProgress, converged: boolean, reason?: string): StageResult {
  return { force: s.force, maxForce: s.maxForce, iterations: s.iterations, forceCalls: s.forceCalls, converged, ...(reason !== undefined ? { reason } : {}) };
}

/**
 * The stopping rules shared by the stages, checked before iteration
 * `iterations + 1`: converged (max |F| < ftol), iteration budget spent, or
 * aborted; undefined when the stage goes on.
 */
export function stageStop(s: StageProgress, rules: StopRules): StageResult | undefined {
  const done = (converged: boolean, reason?: string) => stageResult(s, converged, reason);
  if (s.iterations + 1 > rules.maxIter) {
    const converged = s.maxForce < rules.ftol;
    return done(converged, converged ? undefined : `maxIter = ${rules.maxIter} reached`);
  }
  if (s.maxForce < rules.ftol) return done(true);
  if (stopRequested(rules.signal)) return done(false, 'aborted');
  return undefined;
}
