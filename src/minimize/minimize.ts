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
 *
 * Like the MD integrators, the minimisation is an `{init, step}` pair over
 * explicit state (minimizeInit, minimizeStep; per stage fireInit/fireStep
 * and cgInit/cgStep), driven to the end by `minimize` (synchronous) or by
 * `minimizeAsync`, which yields to the event loop every few tens of ms so
 * that an AbortSignal can stop it between two iterations (`aborted: true`).
 * Both drivers run the same steps: their results are bit-identical.
 */
import type { ForceProvider, ForceResult } from '../core/types.ts';
import { cloneSystem, type System } from '../system/system.ts';
import { cgInit, cgStep, type CgParams, type CgState } from './cg.ts';
import { maxAtomForce, type MinimizeProgress, type StageResult, type StopRules } from './common.ts';
import { fireInit, fireStep, type FireParams, type FireState } from './fire.ts';
import { yieldToHost } from '../platform/index.ts';

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
  /** stopped by the AbortSignal (reason 'aborted'); the configuration is the one reached */
  aborted: boolean;
  /** per-stage record */
  stages: { method: 'fire' | 'cg'; iterations: number; maxForce: number; converged: boolean; reason?: string }[];
}

/** The explicit state of a minimisation between two iterations (minimizeInit, minimizeStep). */
export interface MinimizerState {
  readonly opts: MinimizeOptions;
  readonly method: MinimizeMethod;
  readonly ftol: number;
  readonly maxIter: number;
  readonly switchForce: number;
  /** the configuration being relaxed (a copy of the input) */
  readonly sys: System;
  /** forces at the current positions */
  force: ForceResult;
  /** iterations over the finished stages, and force calls */
  used: number;
  calls: number;
  readonly stages: MinimizeResult['stages'];
  /** outcome of the last finished stage */
  last?: StageResult;
  /** the running stage, undefined between stages */
  stage?: { method: 'fire'; rules: StopRules; state: FireState } | { method: 'cg'; rules: StopRules; state: CgState };
  /** set when the minimisation is over */
  result?: MinimizeResult;
}

/** Check the options, copy the input and compute its forces: the state before the first iteration. */
export function minimizeInit(input: System, provider: ForceProvider, opts: MinimizeOptions = {}): MinimizerState {
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
  const force = provider.compute(sys);
  if (!Number.isFinite(force.energy)) throw new Error(`minimize: the start energy is ${force.energy}; overlapping atoms in the input?`);
  return { opts, method, ftol, maxIter, switchForce, sys, force, used: 0, calls: 1, stages: [] };
}

/** The stage after the finished ones, or null when the minimisation is over. */
function nextStage(st: MinimizerState): { method: 'fire' | 'cg'; tol: number } | null {
  const n = st.stages.length, last = st.last;
  if (st.method === 'fire') return n === 0 ? { method: 'fire', tol: st.ftol } : null;
  if (st.method === 'cg') return n === 0 ? { method: 'cg', tol: st.ftol } : null;
  // fire+cg: FIRE down to switchForce, then CG; CG can stall on a round-off
  // floor of the line search, FIRE needs no line search: FIRE again then
  if (n === 0) return { method: 'fire', tol: Math.max(st.ftol, st.switchForce) };
  if (n === 1) return last!.reason !== 'aborted' ? { method: 'cg', tol: st.ftol } : null;
  if (n === 2) return !last!.converged && last!.reason !== 'aborted' && st.used < st.maxIter ? { method: 'fire', tol: st.ftol } : null;
  return null;
}

/**
 * One iteration of the minimisation (a FIRE step or a CG line search; a
 * stage change costs no iteration). Returns true when it is over: the
 * result is then `st.result`.
 */
export function minimizeStep(st: MinimizerState, provider: ForceProvider): boolean {
  if (st.result) return true;
  for (;;) {
    if (!st.stage) {
      const next = nextStage(st);
      if (!next) { st.result = finish(st, provider); return true; }
      const { opts } = st;
      const rules: StopRules = {
        ftol: next.tol, maxIter: st.maxIter - st.used,
        ...(opts.onProgress ? { onProgress: reportTo(opts.onProgress, st.ftol) } : {}),
        ...(opts.progressEvery !== undefined ? { progressEvery: opts.progressEvery } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      };
      st.stage = next.method === 'fire'
        ? { method: 'fire', rules, state: fireInit(st.sys, st.force, opts.fire) }
        : { method: 'cg', rules, state: cgInit(st.sys, st.force, opts.cg) };
    }
    const stage = st.stage;
    const r = stage.method === 'fire'
      ? fireStep(stage.state, st.sys, provider, stage.rules)
      : cgStep(stage.state, st.sys, provider, stage.rules);
    if (!r) return false;
    st.used += r.iterations;
    st.calls += r.forceCalls;
    st.force = r.force;
    st.stages.push({ method: stage.method, iterations: r.iterations, maxForce: r.maxForce, converged: r.converged, ...(r.reason ? { reason: r.reason } : {}) });
    st.stage = undefined;
    st.last = r;
    if (!nextStage(st)) { st.result = finish(st, provider); return true; }
    // else: start the next stage within this call
  }
}

function reportTo(onProgress: (p: MinimizeProgress) => void, ftol: number): (p: MinimizeProgress) => void {
  return (p) => onProgress({ ...p, ftol });
}

/** Final, fresh force evaluation and the result. */
function finish(st: MinimizerState, provider: ForceProvider): MinimizeResult {
  const { sys, ftol, method, stages, opts } = st;
  const final = provider.compute(sys, { peratom: true });
  st.calls++;
  const maxForce = maxAtomForce(final.forces, sys.dim);
  const converged = maxForce < ftol;
  const last = stages.at(-1);
  const aborted = last?.reason === 'aborted';
  const reason = converged ? undefined
    : (last?.reason ?? (last?.converged ? `max |F| = ${maxForce.toExponential(2)} on re-evaluation is above ftol` : 'not converged'));
  if (!converged && opts.throwIfNotConverged) {
    throw new Error(`minimize: not converged after ${st.used} iterations (${method}): max |F_i| = ${maxForce.toExponential(3)} > ftol = ${ftol} (${reason}); raise maxIter or loosen ftol`);
  }
  if (!final.peratomEnergy) throw new Error('minimize: the force provider ignored { peratom: true } (no peratomEnergy)');
  return {
    system: sys, energy: final.energy, peratomEnergy: final.peratomEnergy, forces: final.forces,
    maxForce, iterations: st.used, forceCalls: st.calls, converged, aborted, stages,
    ...(reason ? { reason } : {}),
  };
}

export function minimize(input: System, provider: ForceProvider, opts: MinimizeOptions = {}): MinimizeResult {
  const st = minimizeInit(input, provider, opts);
  while (!minimizeStep(st, provider));
  return st.result!;
}

export interface MinimizeAsyncOptions extends MinimizeOptions {
  /** wall time between yields to the event loop (ms, default 50) */
  yieldEveryMs?: number;
}

/**
 * `minimize` that yields to the event loop every `yieldEveryMs`, so that an
 * AbortSignal fired by a timer, a kernel interrupt or a UI stops it: it then
 * returns the configuration reached with `aborted: true` (and converged
 * false, reason 'aborted'), between two complete iterations. Without an
 * abort the result is bit-identical to `minimize` with the same options
 * (the same minimizeInit / minimizeStep).
 */
export async function minimizeAsync(input: System, provider: ForceProvider, opts: MinimizeAsyncOptions = {}): Promise<MinimizeResult> {
  const st = minimizeInit(input, provider, opts);
  const yieldEvery = opts.yieldEveryMs ?? 50;
  let lastYield = performance.now();
  while (!minimizeStep(st, provider)) {
    const now = performance.now();
    if (now - lastYield >= yieldEvery) {
      await yieldToHost();
      lastYield = performance.now();
    }
  }
  return st.result!;
}
