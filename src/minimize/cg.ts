/**
 * Nonlinear conjugate gradient, Polak-Ribiere+ (Polak & Ribiere 1969;
 * Nocedal & Wright, Numerical Optimization, 2nd ed., eq. 5.44-5.45):
 *   beta = max(0, F_k+1 . (F_k+1 - F_k) / F_k . F_k),  d_k+1 = F_k+1 + beta d_k,
 * restarted along the force whenever d is not a descent direction or every
 * `restartEvery` iterations.
 *
 * Line search on phi(a) = E(x + a d), driven by the directional derivative
 * phi'(a) = -F(x + a d) . d rather than by energy differences: close to a
 * minimum the energy change of a step (~|F|^2 / k, 1e-20 at |F| = 1e-10) is
 * far below the round-off of a total energy (~1e-13 |E|), while forces stay
 * accurate, so only a force-based search can reach max |F| < 1e-10. The
 * search brackets a sign change of phi' (expanding steps, capped so that no
 * atom moves more than dmax), then refines it by safeguarded secant steps
 * until |phi'(a)| <= c |phi'(0)| (the strong Wolfe curvature condition,
 * c = 0.1). Energies are used only where they are resolvable: a rise above
 * the round-off tolerance counts as an overshoot.
 */
import type { ForceProvider, ForceResult } from '../core/types.ts';
import type { System } from '../system/system.ts';
import { dot, evaluate, maxAtomForce, maxAtomNorm, runStage, stageResult, stageStop, type StageResult, type StopRules } from './common.ts';

export interface CgParams {
  /** largest displacement of any atom in one line-search step (length, default 0.1) */
  dmax: number;
  /** curvature tolerance c of the line search (default 0.1) */
  curvature: number;
  /** restart along the force every this many iterations (default d N) */
  restartEvery?: number;
  /** force evaluations allowed per line search (default 40) */
  maxLineEvals: number;
}

export const CG_DEFAULTS: Readonly<CgParams> = Object.freeze({ dmax: 0.1, curvature: 0.1, maxLineEvals: 40 });

interface LinePoint { a: number; g: number; e: number; force: ForceResult }

/** The explicit state of a CG stage between two iterations (cgInit, cgStep). */
export interface CgState {
  readonly p: CgParams;
  readonly restartEvery: number;
  /** start point of the current line search (positions, image flags) */
  readonly x0: Float64Array;
  readonly im0: Int32Array;
  /** search direction and the previous forces */
  readonly dir: Float64Array;
  readonly Fold: Float64Array;
  /** forces at the current positions */
  force: ForceResult;
  maxForce: number;
  /** step and slope of the last line search (initial step of the next) */
  prevAlpha: number;
  prevSlope: number;
  sinceRestart: number;
  /** step of the last force evaluation along dir */
  lastProbe: number;
  iterations: number;
  forceCalls: number;
}

/** Start a CG stage on `sys` from the forces `force0` at its current positions. */
export function cgInit(sys: System, force0: ForceResult, params: Partial<CgParams> = {}): CgState {
  const p: CgParams = { ...CG_DEFAULTS, ...params };
  if (!(p.dmax > 0) || !(p.curvature > 0 && p.curvature < 1)) throw new Error('minimize/cg: dmax must be > 0 and curvature in (0, 1)');
  const nv = sys.positions.length;
  const dir = new Float64Array(nv);
  dir.set(force0.forces);
  return {
    p, restartEvery: p.restartEvery ?? nv, x0: new Float64Array(nv), im0: new Int32Array(sys.images!.length), dir, Fold: new Float64Array(nv),
    force: force0, maxForce: maxAtomForce(force0.forces, sys.dim), prevAlpha: 0, prevSlope: 0, sinceRestart: 0, lastProbe: 0,
    iterations: 0, forceCalls: 0,
  };
}

/**
 * One CG iteration (a line search along the current direction) on `sys`, in
 * place. Returns the outcome of the stage when it is over, else undefined.
 */
export function cgStep(s: CgState, sys: System, provider: ForceProvider, rules: StopRules): StageResult | undefined {
  const { p, x0, im0, dir, Fold } = s;
  const d = sys.dim;
  const nv = sys.positions.length;
  const it = s.iterations + 1;
  const stop = stageStop(s, rules);
  if (stop) return stop;

  /** place atoms at x0 + a dir (images from im0) and evaluate */
  const probe = (a: number): LinePoint => {
    const x = sys.positions;
    for (let i = 0; i < nv; i++) x[i] = x0[i] + a * dir[i];
    sys.images!.set(im0);
    const f = evaluate(sys, provider, 'minimize/cg');
    s.forceCalls++;
    s.lastProbe = a;
    return { a, g: -dot(f.forces, dir), e: f.energy, force: f };
  };

  let g0 = -dot(s.force.forces, dir);
  if (!(g0 < 0) || s.sinceRestart >= s.restartEvery) {
    dir.set(s.force.forces);
    g0 = -dot(s.force.forces, dir);
    s.sinceRestart = 0;
  }
  x0.set(sys.positions);
  im0.set(sys.images!);
  const start: LinePoint = { a: 0, g: g0, e: s.force.energy, force: s.force };
  const aMax = p.dmax / maxAtomNorm(dir, d);
  // Nocedal-Wright initial step: same first-order change as last time
  let a1 = s.prevAlpha > 0 ? (s.prevAlpha * s.prevSlope) / g0 : 0.1 * aMax;
  a1 = Math.min(Math.max(a1, 1e-3 * aMax), aMax);
  const best = lineSearch(start, a1, aMax, probe, p);
  if (!best) {
    // restore the start point; retry along the force unless already doing so
    probe(0);
    if (s.sinceRestart === 0) {
      return stageResult(s, false, 'line search failed along the force direction (forces inconsistent with the energy, or round-off floor reached)');
    }
    dir.set(s.force.forces);
    s.sinceRestart = s.restartEvery; // forces a restart at the next iteration
    s.prevAlpha = 0;
    s.iterations = it;
    return undefined;
  }
  // the atoms must sit at the accepted point (the search may have probed beyond it last)
  const accepted = s.lastProbe === best.a ? best : probe(best.a);
  s.prevAlpha = best.a;
  s.prevSlope = g0;
  Fold.set(s.force.forces);
  s.force = accepted.force;
  const F = s.force.forces;
  const gg = dot(Fold, Fold);
  const beta = gg > 0 ? Math.max(0, (dot(F, F) - dot(F, Fold)) / gg) : 0;
  for (let i = 0; i < nv; i++) dir[i] = F[i] + beta * dir[i];
  s.sinceRestart++;
  s.maxForce = maxAtomForce(F, d);
  s.iterations = it;
  if (rules.onProgress && it % (rules.progressEvery ?? 100) === 0) rules.onProgress({ method: 'cg', iteration: it, energy: s.force.energy, maxForce: s.maxForce });
  return undefined;
}

/**
 * Relax `sys` in place with PR+ conjugate gradient until max_i |F_i| < ftol,
 * starting from the forces `force0` at the current positions (cgInit, then
 * cgStep until the stage is over).
 */
export function conjugateGradient(sys: System, provider: ForceProvider, force0: ForceResult, rules: StopRules, params: Partial<CgParams> = {}): StageResult {
  return runStage(cgInit(sys, force0, params), (s) => cgStep(s, sys, provider, rules));
}

/**
 * Derivative-based line search (see the module doc). Returns the accepted
 * point, or null when no point with lower slope magnitude and no resolvable
 * energy rise was found.
 */
function lineSearch(start: LinePoint, a1: number, aMax: number, probe: (a: number) => LinePoint, p: CgParams): LinePoint | null {
  const tolE = 1e-12 * (Math.abs(start.e) + 1);
  const target = p.curvature * Math.abs(start.g);
  const acceptable = (q: LinePoint) => Math.abs(q.g) <= target && q.e <= start.e + tolE;
  let lo = start;
  let hi: LinePoint | null = null;
  let a = a1;
  let evals = 0;
  // bracketing: expand while the slope stays negative and the energy does not rise
  while (evals < p.maxLineEvals) {
    const q = probe(a);
    evals++;
    if (q.g > 0 || q.e > start.e + tolE) { hi = q; break; }
    if (acceptable(q)) return q;
    const prev = lo;
    lo = q;
    if (a >= aMax) return q; // longest allowed step, still downhill: take it
    // secant extrapolation of the slope to zero, kept within [1.5 a, 4 a] and aMax
    const curv = (q.g - prev.g) / (q.a - prev.a);
    const guess = curv > 0 ? q.a - q.g / curv : 4 * a;
    a = Math.min(aMax, Math.max(1.5 * a, Math.min(guess, 4 * a)));
  }
  if (!hi) return lo.a > 0 ? lo : null;
  // zoom: safeguarded secant on the slope inside [lo, hi]
  while (evals < p.maxLineEvals) {
    const width = hi.a - lo.a;
    if (width <= 1e-14 * hi.a) break;
    let t = hi.g > 0 ? lo.a - (lo.g * width) / (hi.g - lo.g) : lo.a + 0.5 * width;
    t = Math.min(Math.max(t, lo.a + 0.1 * width), hi.a - 0.1 * width);
    const q = probe(t);
    evals++;
    if (acceptable(q)) return q;
    if (q.g > 0 || q.e > start.e + tolE) hi = q;
    else lo = q;
  }
  return lo.a > 0 ? lo : null;
}
