/**
 * ARTn, the activation-relaxation technique nouveau: from an energy minimum
 * (an inherent structure), find a first-order saddle point of the potential
 * energy landscape next to it, the barrier Delta-Q = E_saddle - E_initial,
 * and the minimum on the other side.
 *
 * References: Barkema & Mousseau, PRL 77, 4358 (1996) (ART); Malek &
 * Mousseau, PRE 62, 7723 (2000) (ART nouveau: Lanczos for the lowest
 * curvature); Cances, Legoll, Marinica, Minoukadeh & Willaime, J. Chem.
 * Phys. 130, 114711 (2009) (the step along the eigenvector, Eq. 10, and the
 * alternation of Lanczos and perpendicular relaxation). Wei et al., PRB 99,
 * 014115 (2019), Sec. II B, give the parameters used by default here (metal
 * units): perturbation radius 2 A (the chosen atom only in CuZr), initial
 * displacement 0.1 A, increments 0.15 A, eigenvalue threshold -0.30 eV/A^2,
 * saddle convergence when the largest atomic force is below 0.05 eV/A. The
 * option names follow Kong's LAMMPS `min_style artn` (min_artn.cpp, whose
 * control file Wei's text paraphrases), written in camelCase.
 *
 * Why a protocol (src/protocols, ARCHITECTURE.md): the search drives a
 * force provider and the minimisers of src/minimize (perpendicular
 * relaxation, relaxation of both sides of the saddle) and gives per-event
 * results; it is not a pure function of a configuration.
 *
 * One event (`artnEvent`), all in f64 on any ForceProvider:
 *
 * 1. Kick. The atoms within `clusterRadius` of the chosen atom (minimum
 *    image) get a random displacement, each component uniform in
 *    [-1/2, 1/2), scaled so that its 3N norm is `initStepSize`; its unit
 *    vector is the push direction h (or `direction`, when given).
 * 2. Leaving the basin. Repeat: a few steps of steepest descent on the
 *    force perpendicular to h, F - (F.h) h (at most `maxPerpMovesH`, until
 *    its size is below `forceThPerpH`); from the `minNumKsteps`-th step on,
 *    the lowest eigenpair (lambda, v) of the Hessian (below); stop when
 *    lambda < `eigenThWell`; else x += `incrementSize` h. No negative
 *    curvature after `maxIterBasin` increments: outcome 'basin'.
 *    The push direction stays the initial one (Kong's code; in Malek &
 *    Mousseau the direction is x - x_initial, which the perpendicular
 *    relaxation keeps close to it).
 * 3. Converging to the saddle. Repeat: Lanczos (started from the previous
 *    v, v's sign kept continuous); lambda > `eigenThFail`: outcome
 *    'curvature'; steepest descent on F - (F.v) v (at most
 *    min(`maxPerpMovesC`, iteration + `convPerpInc`) steps, until below
 *    `forceThPerpSad`); if the force is below `forceThSaddle`, the saddle
 *    is found; else the step along v that inverts the force component
 *    there (Cances et al. Eq. 10): x += -sign(F.v) min(`maxParallelStep`,
 *    |F.v| / max(|lambda|, `minEigenStep`)) v. Not converged after
 *    `maxActivatIter` iterations: outcome 'saddle'.
 *    Recovery (`curvatureRetries` > 0; off by default, Wei's and Kong's
 *    search gives up): when lambda rises above `eigenThFail`, the search
 *    returns to the last configuration of this phase where the curvature
 *    was negative (its forces, eigenpair and the steepest-descent step
 *    restored) and goes on from there with the steps along v halved
 *    (`maxParallelStep` and the Eq. 10 step, times 1/2 per retry), at most
 *    `curvatureRetries` times. The remedy of a lost curvature common to the
 *    ARTn codes (back to the last point of negative curvature, smaller
 *    increment); bench/artn.ts measures it. A search that never loses its
 *    curvature is the same with it or without it (the same bits).
 *    The force test (`forceNorm`): 'max-atom', the largest atomic force
 *    max_i |F_i| (Wei et al.'s text, the default), or 'norm', the 3N norm
 *    |F| (what Kong's code and ART nouveau test; |F| >= max_i |F_i|, so
 *    'norm' is the stricter at the same threshold).
 * 4. Both sides. From the saddle x_s, x_s + p v and x_s - p v
 *    (p = `pushOverSaddle`, v oriented along x_s - x_initial) are relaxed
 *    with `minimize` (FIRE + CG to `sideFtol`, default 1e-4 eV/A as the
 *    start; Wei et al. do not state it. 1e-2 saved 13% of the force calls
 *    on CuZr N = 500 with the same outcomes, but on the quick glass of
 *    notebook 04 it lost 7 of 34 accepted events: a side stopped at
 *    0.01 eV/A can still lie more than sameTol 0.1 A from the start along
 *    a soft mode, and is then not recognised as home; bench/RESULTS.md,
 *    "ARTn economy"). A side is the initial
 *    minimum when every atom lies within `sameTol` of its initial position
 *    (minimum image). Outcomes: 'negative-barrier' (E_s < E_initial),
 *    'non-move' (both sides are the initial minimum), 'not-connected'
 *    (neither side is: the saddle does not connect back to the start),
 *    'minimize' (a side did not converge), else 'accepted', with the final
 *    state the side that is not the initial minimum.
 *
 * The lowest eigenpair: Lanczos (src/linalg/lanczos.ts, full
 * reorthogonalisation, started from the previous eigenvector, stopped when
 * the lowest Ritz value changes by less than `lanczosTol` relative between
 * two steps, at most `lanczosVectorsWell` / `lanczosVectorsSaddle`
 * vectors) on Hessian-vector products by finite differences of the
 * forces, d = `lanczosStep`: `lanczosDifference` 'forward' (the default,
 * as Kong's code, which Wei et al. follow; they do not state it) takes the
 * one-sided difference from the known F(x), one force call per product,
 * an O(d) error; 'central', H u = -(F(x + d u) - F(x - d u)) / (2 d), two
 * calls, O(d^2). On CuZr N = 500 forward gave the same accepted events as
 * central with barriers 4e-5 eV apart and 34% fewer calls (bench/RESULTS.md,
 * "ARTn economy"), far below the 7-8 meV that Wei's 0.05 eV/A saddle test
 * leaves open. In a fully periodic box
 * the rigid translations (zero modes) are projected out.
 *
 * Forces: `provider.compute`, or with `localForces` `provider.computeLocal`
 * (src/core/forces-local.ts: the same forces up to round-off, recomputing
 * only the terms of the atoms that moved since the previous call, else a
 * full evaluation that also keeps per-atom state). Off by default: the
 * perpendicular relaxation, the Lanczos vectors and the minimisers move
 * every atom, so nearly every call falls back (bench/artn.ts, CuZr N = 500:
 * 40 of 10,522 calls stayed local, and the fallbacks cost 1.8x a plain
 * evaluation). Every force call is counted (`forceCalls`).
 *
 * Units: those of the model (metal: A, eV, eV/A, eV/A^2). The defaults are
 * Wei et al.'s metal-unit values; in reduced LJ units pass all lengths and
 * thresholds explicitly.
 *
 * Determinism: the kick comes from a seeded xoshiro128** stream
 * (src/util/random.ts); `eventSeed(seed, atom, attempt)` gives every
 * (atom, attempt) its own stream, so an event does not depend on which
 * events ran before it.
 */
import type { ForceOptions, ForceProvider, ForceResult } from '../core/types.ts';
import { lanczosLowest } from '../linalg/lanczos.ts';
import { maxAtomForce } from '../minimize/common.ts';
import { minimizeAsync, type MinimizeResult } from '../minimize/minimize.ts';
import { cloneSystem, type System } from '../system/system.ts';
import { Rng } from '../util/random.ts';
import { stopRequested } from '../platform/index.ts';

/** How the saddle convergence measures the force: the largest atomic force, or the 3N norm. */
export type ArtnForceNorm = 'max-atom' | 'norm';

/** Parameters of one ARTn search (module doc); units of the model. */
export interface ArtnParams {
  /** atoms within this distance of the chosen atom get the initial kick (length; Wei: 2 A, the atom itself) */
  clusterRadius: number;
  /** 3N norm of the initial displacement (length; Wei: 0.1 A) */
  initStepSize: number;
  /** push along h per step while leaving the basin (length; Wei: 0.15 A) */
  incrementSize: number;
  /** the basin is left when the lowest eigenvalue falls below this (energy/length^2; Wei: -0.30 eV/A^2) */
  eigenThWell: number;
  /** the saddle is converged when the force (forceNorm) is below this (energy/length; Wei: 0.05 eV/A) */
  forceThSaddle: number;
  /** 'max-atom' (default, Wei's text) or 'norm' (the codes) */
  forceNorm: ArtnForceNorm;
  /** pushes before giving up on leaving the basin */
  maxIterBasin: number;
  /** pushes before the first Lanczos (the curvature near the minimum is positive anyway) */
  minNumKsteps: number;
  /** steepest-descent steps perpendicular to h per push */
  maxPerpMovesH: number;
  /** perpendicular force (forceNorm) below which the basin's perpendicular relaxation stops (energy/length) */
  forceThPerpH: number;
  /** iterations of the convergence to the saddle before giving up */
  maxActivatIter: number;
  /** largest number of perpendicular steps per iteration near the saddle */
  maxPerpMovesC: number;
  /** perpendicular steps allowed at iteration i: min(maxPerpMovesC, i + convPerpInc) */
  convPerpInc: number;
  /** perpendicular force (forceNorm) below which the relaxation near the saddle stops (energy/length; default forceThSaddle / 2) */
  forceThPerpSad: number;
  /** the search fails when the lowest eigenvalue rises above this during the convergence (energy/length^2) */
  eigenThFail: number;
  /** returns to the last point of negative curvature, with halved steps along the eigenvector, before the search fails on a lost curvature (default 0: none; module doc) */
  curvatureRetries: number;
  /** largest step along the eigenvector (length; default 2 incrementSize, as Kong) */
  maxParallelStep: number;
  /** floor of |lambda| in the step along the eigenvector (energy/length^2; Kong: 0.5) */
  minEigenStep: number;
  /** Lanczos vectors at most, leaving the basin */
  lanczosVectorsWell: number;
  /** Lanczos vectors at most, converging to the saddle */
  lanczosVectorsSaddle: number;
  /** relative change of the lowest Ritz value that ends the Lanczos iteration */
  lanczosTol: number;
  /** displacement of the finite differences of the Hessian-vector products (length) */
  lanczosStep: number;
  /**
   * 'forward' (default, Kong's choice): -(F(x + d u) - F(x)) / d with the
   * forces at x already known, one call, error O(d); 'central':
   * -(F(x + d u) - F(x - d u)) / (2 d), two force calls, error O(d^2)
   */
  lanczosDifference: 'central' | 'forward';
  /** first step of the perpendicular steepest descent: the largest atomic move (length; then adapted) */
  perpStepInit: number;
  /** largest move of any atom in one perpendicular step (length) */
  maxPerpMove: number;
  /** displacement from the saddle along the eigenvector before relaxing each side (length) */
  pushOverSaddle: number;
  /** largest atomic force of the relaxed start (energy/length; artnCampaign minimises the start to it) */
  minimizeFtol: number;
  /** largest atomic force of the relaxed sides of a saddle (energy/length): tight enough that a side that returns lies within sameTol of the start */
  sideFtol: number;
  /** iteration budget of each side's relaxation */
  minimizeMaxIter: number;
  /** two configurations are the same minimum when no atom differs by more than this (length, minimum image) */
  sameTol: number;
  /** use provider.computeLocal when it exists (default false: see the module doc) */
  localForces: boolean;
}

/** Wei et al. 2019's parameters (metal units) and Kong's defaults for the rest. */
export const ARTN_DEFAULTS: Readonly<ArtnParams> = Object.freeze({
  clusterRadius: 2, initStepSize: 0.1, incrementSize: 0.15, eigenThWell: -0.3, forceThSaddle: 0.05, forceNorm: 'max-atom',
  maxIterBasin: 100, minNumKsteps: 2, maxPerpMovesH: 5, forceThPerpH: 0.2,
  maxActivatIter: 300, maxPerpMovesC: 20, convPerpInc: 3, forceThPerpSad: NaN, eigenThFail: 0, curvatureRetries: 0,
  maxParallelStep: NaN, minEigenStep: 0.5,
  lanczosVectorsWell: 25, lanczosVectorsSaddle: 15, lanczosTol: 1e-3, lanczosStep: 1e-4, lanczosDifference: 'forward',
  perpStepInit: 0.02, maxPerpMove: 0.1, pushOverSaddle: 0.2, minimizeFtol: 1e-4, sideFtol: 1e-4, minimizeMaxIter: 20000,
  sameTol: 0.1, localForces: false,
} satisfies ArtnParams);

/** Why an event ended: 'accepted' or the failure's cause. */
export type ArtnOutcome =
  | 'accepted'
  /** no eigenvalue below eigenThWell within maxIterBasin increments */
  | 'basin'
  /** the lowest eigenvalue rose above eigenThFail on the way to the saddle */
  | 'curvature'
  /** the force did not fall below forceThSaddle within maxActivatIter iterations */
  | 'saddle'
  /** E_saddle < E_initial */
  | 'negative-barrier'
  /** both sides of the saddle relax to the initial minimum */
  | 'non-move'
  /** neither side relaxes to the initial minimum */
  | 'not-connected'
  /** a side's relaxation did not converge */
  | 'minimize'
  /** the same saddle as an accepted event of the same atom (campaigns) */
  | 'duplicate';

/** Every outcome, in a fixed order (tables, counts). */
export const ARTN_OUTCOMES: readonly ArtnOutcome[] = ['accepted', 'basin', 'curvature', 'saddle', 'negative-barrier', 'non-move', 'not-connected', 'minimize', 'duplicate'];

/** One ARTn search. Energies in energy units, lengths in length units; NaN where the search did not get there. */
export interface ArtnEvent {
  /** index (storage order) and id of the chosen atom */
  atom: number;
  id: number;
  outcome: ArtnOutcome;
  /** E of the initial minimum */
  initialEnergy: number;
  saddleEnergy: number;
  /** E of the final minimum (the side that is not the initial one) */
  finalEnergy: number;
  /** Delta-Q = E_saddle - E_initial */
  barrier: number;
  /** lowest Hessian eigenvalue at the saddle (energy/length^2) */
  saddleEigenvalue: number;
  /** force at the saddle, in the forceNorm measure */
  saddleForce: number;
  /** largest atomic displacement saddle - initial, and final - initial (minimum image) */
  saddleDisplacement: number;
  finalDisplacement: number;
  /** atoms that moved more than sameTol from the initial to the final minimum */
  movedAtoms: number;
  /** pushes while leaving the basin, iterations converging to the saddle, Lanczos runs, Hessian-vector products */
  basinSteps: number;
  saddleSteps: number;
  lanczosRuns: number;
  lanczosProducts: number;
  /** returns to the last point of negative curvature (curvatureRetries) */
  curvatureRetries: number;
  /** force evaluations of the whole event (search and both relaxations) */
  forceCalls: number;
  /** of which up to the saddle (kick, basin, convergence, Lanczos) */
  saddleForceCalls: number;
  /** saddle and final positions (same atom order as the input), when asked for with keepConfigurations */
  saddle?: Float64Array;
  final?: Float64Array;
}

export interface ArtnEventOptions extends Partial<ArtnParams> {
  /** seed of the kick (default 1); campaigns use eventSeed(seed, atom, attempt) */
  seed?: number;
  /** explicit initial displacement direction (n*dim, any norm; scaled to initStepSize) instead of the random kick */
  direction?: Float64Array;
  /** energy of `minimum` when known (saves a force call) */
  initialEnergy?: number;
  /** keep the saddle and final positions in the event */
  keepConfigurations?: boolean;
  /** called after every push (phase 'basin') and every iteration near the saddle (phase 'saddle'): a log of the search */
  onStep?: (s: ArtnStep) => void;
  /** checked at every push, iteration and relaxation step: when aborted, the event throws ArtnAbortedError */
  signal?: AbortSignal;
}

/** Thrown by artnEvent when its AbortSignal fires: the event is unfinished and has no outcome. */
export class ArtnAbortedError extends Error {
  constructor() {
    super('artn: the search was stopped (AbortSignal)');
    this.name = 'ArtnAbortedError';
  }
}

/** One line of the search's log (onStep). */
export interface ArtnStep {
  phase: 'basin' | 'saddle';
  iteration: number;
  /** E - E_initial */
  energy: number;
  /** force (forceNorm) and its component along the current direction (h in the basin, v near the saddle) */
  force: number;
  parallelForce: number;
  /** lowest eigenvalue (NaN before the first Lanczos) */
  eigenvalue: number;
  /** perpendicular steps accepted in this iteration */
  perpSteps: number;
  forceCalls: number;
}

/** The parameters with defaults filled in and checked (one-line errors naming the option). */
export function resolveArtnParams(opts: Partial<ArtnParams> = {}): ArtnParams {
  // only the parameters (a campaign's or an event's other options are not copied in)
  const given = Object.fromEntries(Object.entries(opts).filter(([k, v]) => v !== undefined && Object.hasOwn(ARTN_DEFAULTS, k))) as Partial<ArtnParams>;
  const p: ArtnParams = { ...ARTN_DEFAULTS, ...given };
  if (given.forceThPerpSad === undefined) p.forceThPerpSad = 0.5 * p.forceThSaddle;
  if (given.maxParallelStep === undefined) p.maxParallelStep = 2 * p.incrementSize;
  const positive = ['initStepSize', 'incrementSize', 'forceThSaddle', 'forceThPerpH', 'forceThPerpSad', 'maxParallelStep', 'minEigenStep',
    'lanczosTol', 'lanczosStep', 'perpStepInit', 'maxPerpMove', 'pushOverSaddle', 'minimizeFtol', 'sideFtol', 'sameTol'] as const;
  for (const k of positive) if (!(p[k] > 0) || !Number.isFinite(p[k])) throw new Error(`artn: option ${k} must be a positive number, got ${p[k]}`);
  if (!(p.clusterRadius >= 0)) throw new Error(`artn: option clusterRadius must be >= 0, got ${p.clusterRadius}`);
  if (!(p.eigenThWell < 0)) throw new Error(`artn: option eigenThWell must be negative (energy/length^2), got ${p.eigenThWell}`);
  if (!Number.isFinite(p.eigenThFail)) throw new Error(`artn: option eigenThFail must be a number, got ${p.eigenThFail}`);
  const counts = ['maxIterBasin', 'minNumKsteps', 'maxPerpMovesH', 'maxActivatIter', 'maxPerpMovesC', 'convPerpInc', 'minimizeMaxIter', 'curvatureRetries'] as const;
  for (const k of counts) if (!Number.isInteger(p[k]) || p[k] < 0) throw new Error(`artn: option ${k} must be an integer >= 0, got ${p[k]}`);
  for (const k of ['lanczosVectorsWell', 'lanczosVectorsSaddle'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 2) throw new Error(`artn: option ${k} must be an integer >= 2, got ${p[k]}`);
  }
  if (p.lanczosDifference !== 'central' && p.lanczosDifference !== 'forward') throw new Error(`artn: option lanczosDifference must be 'central' or 'forward', got '${String(p.lanczosDifference)}'`);
  if (p.forceNorm !== 'max-atom' && p.forceNorm !== 'norm') throw new Error(`artn: option forceNorm must be 'max-atom' or 'norm', got '${String(p.forceNorm)}'`);
  return p;
}

/**
 * A seed for event `attempt` of atom `atom` from a campaign seed: a 32-bit
 * mix (murmur3 finaliser), so that streams of neighbouring atoms and
 * attempts are unrelated and an event is the same whatever ran before it.
 */
export function eventSeed(seed: number, atom: number, attempt: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(atom + 1, 0x85ebca6b) ^ Math.imul(attempt + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) + Math.floor(seed / 4294967296) * 4294967296;
}

/** A force provider that counts its calls and routes them to computeLocal when asked. */
class CountingForces implements ForceProvider {
  calls = 0;
  readonly skin: number | undefined;
  constructor(private readonly inner: ForceProvider, private readonly local: boolean) {
    this.skin = inner.skin;
  }
  compute(sys: System, opts?: ForceOptions): ForceResult {
    this.calls++;
    const f = this.local && this.inner.computeLocal ? this.inner.computeLocal(sys, opts) : this.inner.compute(sys, opts);
    if (!Number.isFinite(f.energy)) throw new Error(`artn: the energy became ${f.energy} during the search; overlapping atoms? (lower incrementSize or maxPerpMove)`);
    return f;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Largest per-atom norm of x - y under the minimum image (length). */
export function maxAtomDisplacement(sys: System, x: Float64Array, y: Float64Array): number {
  const d = sys.dim, dv = new Float64Array(d);
  let m2 = 0;
  for (let i = 0; i < sys.n; i++) {
    for (let k = 0; k < d; k++) dv[k] = x[i * d + k] - y[i * d + k];
    sys.box.minimumImage(dv);
    let s = 0;
    for (let k = 0; k < d; k++) s += dv[k] * dv[k];
    if (s > m2) m2 = s;
  }
  return Math.sqrt(m2);
}

/** x - y under the minimum image, per atom (a displacement vector). */
function displacement(sys: System, x: Float64Array, y: Float64Array): Float64Array {
  const d = sys.dim, out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = x[i] - y[i];
  for (let i = 0; i < sys.n; i++) sys.box.minimumImage(out, i * d);
  return out;
}

/** The search state of one event: the configuration, its forces, the current eigenpair and the counters. */
class Search {
  readonly x: Float64Array;
  force: ForceResult;
  /** current lowest eigenvector (unit) and eigenvalue; null before the first Lanczos */
  v: Float64Array | null = null;
  lambda = NaN;
  lanczosRuns = 0;
  lanczosProducts = 0;
  /** steepest-descent step (length^2/energy), adapted over the event; NaN until the first perpendicular step */
  sdStep = NaN;
  private readonly deflate: Float64Array[];
  private readonly trial: Float64Array;

  constructor(readonly sys: System, readonly forces: CountingForces, readonly p: ArtnParams) {
    this.x = sys.positions;
    this.force = forces.compute(sys);
    this.trial = new Float64Array(this.x.length);
    this.deflate = sys.box.periodic.every(Boolean) && sys.n > 1 ? translations(sys) : [];
  }

  measure(f: Float64Array): number {
    return this.p.forceNorm === 'norm' ? Math.sqrt(dot(f, f)) : maxAtomForce(f, this.sys.dim);
  }

  evaluate(): void {
    this.force = this.forces.compute(this.sys);
  }

  /** x += s u, then the forces. */
  move(u: Float64Array, s: number): void {
    for (let i = 0; i < this.x.length; i++) this.x[i] += s * u[i];
    this.evaluate();
  }

  /**
   * Steepest descent on F - (F.u) u, at most maxSteps accepted steps, until
   * that force is below `threshold`: the step is s F_perp (each atom's move
   * capped at maxPerpMove), kept when the energy went down or the new
   * perpendicular force still has a positive component along the step (the
   * test that still works where energy differences drown in round-off);
   * then s grows by 1.2; else the step is undone and s halves (at most 5
   * failures in a row), as Kong's non-FIRE branch. s persists over the event.
   */
  relaxPerpendicular(u: Float64Array, maxSteps: number, threshold: number): number {
    const { x, p, sys } = this;
    const fperp = new Float64Array(x.length);
    let accepted = 0, fails = 0;
    while (accepted < maxSteps && fails <= 5) {
      const F = this.force.forces;
      const fu = dot(F, u);
      for (let i = 0; i < x.length; i++) fperp[i] = F[i] - fu * u[i];
      const size = this.measure(fperp);
      if (size < threshold) break;
      if (Number.isNaN(this.sdStep)) this.sdStep = p.perpStepInit / Math.max(maxAtomForce(fperp, sys.dim), 1e-300);
      const big = maxAtomForce(fperp, sys.dim) * this.sdStep;
      const cap = big > p.maxPerpMove ? p.maxPerpMove / big : 1;
      this.trial.set(x);
      const old = this.force;
      this.move(fperp, this.sdStep * cap);
      // downhill: the energy fell, or (where the energy change is below its
      // round-off) the new force still points along the step (no overshoot)
      const Fn = this.force.forces, fun = dot(Fn, u);
      let along = 0;
      for (let i = 0; i < x.length; i++) along += (Fn[i] - fun * u[i]) * fperp[i];
      if (this.force.energy < old.energy || along > 0) {
        accepted++; fails = 0; this.sdStep *= 1.2;
      } else {
        x.set(this.trial); this.force = old; fails++; this.sdStep *= 0.5;
      }
    }
    return accepted;
  }

  /** The lowest eigenpair at x (module doc), started from `start`; v keeps the sign of the previous v. */
  lowest(start: Float64Array, maxVectors: number): void {
    const r = hessianLowest(this.sys, this.forces, {
      start, maxVectors, tol: this.p.lanczosTol, step: this.p.lanczosStep, deflate: this.deflate,
      ...(this.p.lanczosDifference === 'forward' ? { forward: this.force.forces } : {}),
    });
    this.lanczosRuns++;
    this.lanczosProducts += r.products;
    const v = r.vector;
    if (this.v && dot(v, this.v) < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i];
    this.v = v;
    this.lambda = r.value;
  }
}

export interface HessianLowestOptions {
  /** start vector (default: random) */
  start?: Float64Array;
  /** largest Krylov dimension (default 25) */
  maxVectors?: number;
  /** relative change of the lowest Ritz value that ends the iteration (default 1e-3) */
  tol?: number;
  /** finite-difference displacement (length, default 1e-4) */
  step?: number;
  /** orthonormal vectors to project out (default: the rigid translations in a fully periodic box) */
  deflate?: Float64Array[];
  /** the forces at sys.positions: one-sided differences -(F(x + d u) - F(x)) / d, one force call per product, error O(d) */
  forward?: Float64Array;
}

/**
 * The lowest eigenpair of the Hessian at the configuration `sys` without
 * the Hessian: Lanczos (src/linalg/lanczos.ts, stopped on the relative
 * change of the lowest Ritz value) on central-difference products
 * H u = -(F(x + d u) - F(x - d u)) / (2 d), two force calls each (module
 * doc), or one-sided ones with `forward`. `sys.positions` is restored
 * exactly. Units: energy/length^2.
 */
export function hessianLowest(sys: System, provider: ForceProvider, opts: HessianLowestOptions = {}): { value: number; vector: Float64Array; products: number; converged: boolean } {
  const x = sys.positions, nd = x.length, xc = x.slice();
  const d = opts.step ?? ARTN_DEFAULTS.lanczosStep;
  const deflate = opts.deflate ?? (sys.box.periodic.every(Boolean) && sys.n > 1 ? translations(sys) : []);
  if (opts.forward && opts.forward.length !== nd) throw new Error(`hessianLowest: option forward has length ${opts.forward.length}, expected n*dim = ${nd}`);
  let products = 0;
  try {
    const r = lanczosLowest(nd, (u, y) => {
      for (let i = 0; i < nd; i++) x[i] = xc[i] + d * u[i];
      const fp = provider.compute(sys).forces;
      if (opts.forward) {
        for (let i = 0; i < nd; i++) y[i] = -(fp[i] - opts.forward[i]) / d;
      } else {
        for (let i = 0; i < nd; i++) x[i] = xc[i] - d * u[i];
        const fm = provider.compute(sys).forces;
        for (let i = 0; i < nd; i++) y[i] = -(fp[i] - fm[i]) / (2 * d);
      }
      products++;
    }, {
      k: 1, ...(opts.start ? { start: opts.start } : {}), deflate, maxIter: Math.min(opts.maxVectors ?? 25, nd - deflate.length),
      valueTol: opts.tol ?? ARTN_DEFAULTS.lanczosTol, checkEvery: 1, residuals: false,
    });
    return { value: r.values[0], vector: r.vectors.slice(0, nd), products, converged: r.converged };
  } finally {
    x.set(xc);
  }
}

/** Unit rigid translations along each axis (the zero modes of a periodic Hessian). */
function translations(sys: System): Float64Array[] {
  const d = sys.dim, out: Float64Array[] = [];
  const c = 1 / Math.sqrt(sys.n);
  for (let k = 0; k < d; k++) {
    const t = new Float64Array(sys.n * d);
    for (let i = 0; i < sys.n; i++) t[i * d + k] = c;
    out.push(t);
  }
  return out;
}

/** The initial kick (module doc, step 1): the unit push direction. */
function kick(sys: System, atom: number, p: ArtnParams, rng: Rng, direction?: Float64Array): Float64Array {
  const d = sys.dim, n = sys.n, x = sys.positions;
  const h = new Float64Array(n * d);
  if (direction) {
    if (direction.length !== n * d) throw new Error(`artn: option direction has length ${direction.length}, expected n*dim = ${n * d}`);
    h.set(direction);
  } else {
    const dv = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) dv[k] = x[i * d + k] - x[atom * d + k];
      sys.box.minimumImage(dv);
      let r2 = 0;
      for (let k = 0; k < d; k++) r2 += dv[k] * dv[k];
      if (i !== atom && r2 > p.clusterRadius * p.clusterRadius) continue;
      for (let k = 0; k < d; k++) h[i * d + k] = rng.uniform() - 0.5;
    }
  }
  const nrm = Math.sqrt(dot(h, h));
  if (!(nrm > 0)) throw new Error('artn: option direction is zero; give a non-zero displacement direction');
  for (let i = 0; i < h.length; i++) h[i] /= nrm;
  return h;
}

/**
 * One ARTn event from the minimum `minimum` (not modified), kicking around
 * atom index `atom` (module doc). Failures are outcomes, not errors; errors
 * are bad options and non-finite energies. Async so that an AbortSignal
 * (`signal`) can stop it: it yields to the event loop about every 50 ms,
 * between iterations, and then throws ArtnAbortedError.
 */
export async function artnEvent(minimum: System, provider: ForceProvider, atom: number, opts: ArtnEventOptions = {}): Promise<ArtnEvent> {
  const p = resolveArtnParams(opts);
  if (!Number.isInteger(atom) || atom < 0 || atom >= minimum.n) throw new Error(`artn: atom index ${atom} is outside 0..${minimum.n - 1}`);
  const forces = new CountingForces(provider, p.localForces);
  const sys = cloneSystem(minimum);
  const x0 = minimum.positions;
  const search = new Search(sys, forces, p);
  const e0 = opts.initialEnergy ?? search.force.energy;
  const rng = new Rng(opts.seed ?? 1);
  const ev: ArtnEvent = {
    atom, id: minimum.ids[atom], outcome: 'basin', initialEnergy: e0, saddleEnergy: NaN, finalEnergy: NaN, barrier: NaN,
    saddleEigenvalue: NaN, saddleForce: NaN, saddleDisplacement: NaN, finalDisplacement: NaN, movedAtoms: 0,
    basinSteps: 0, saddleSteps: 0, lanczosRuns: 0, lanczosProducts: 0, curvatureRetries: 0, forceCalls: 0, saddleForceCalls: 0,
  };
  const done = (outcome: ArtnOutcome): ArtnEvent => {
    ev.outcome = outcome;
    ev.lanczosRuns = search.lanczosRuns;
    ev.lanczosProducts = search.lanczosProducts;
    ev.forceCalls = forces.calls;
    if (!(ev.saddleForceCalls > 0)) ev.saddleForceCalls = forces.calls;
    return ev;
  };

  let lastYield = performance.now();
  const report = async (phase: 'basin' | 'saddle', iteration: number, u: Float64Array, perpSteps: number): Promise<void> => {
    opts.onStep?.({
      phase, iteration, energy: search.force.energy - e0, force: search.measure(search.force.forces),
      parallelForce: dot(search.force.forces, u), eigenvalue: search.lambda, perpSteps, forceCalls: forces.calls,
    });
    // let an interrupt in (the signal fires from the event loop) every 50 ms or so
    if (opts.signal && performance.now() - lastYield > 50) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = performance.now();
    }
    if (stopRequested(opts.signal)) throw new ArtnAbortedError();
  };

  // 1. kick
  const h = kick(sys, atom, p, rng, opts.direction);
  search.move(h, p.initStepSize);

  // 2. leave the basin
  let left = false;
  for (let it = 0; it < p.maxIterBasin && !left; it++) {
    ev.basinSteps = it + 1;
    const perp = search.relaxPerpendicular(h, p.maxPerpMovesH, p.forceThPerpH);
    if (it >= p.minNumKsteps) {
      search.lowest(search.v ?? h, p.lanczosVectorsWell);
      if (search.lambda < p.eigenThWell) left = true;
    }
    await report('basin', it, h, perp);
    if (left) break;
    search.move(h, p.incrementSize);
  }
  if (!left) return done('basin');

  // 3. converge to the saddle
  let converged = false;
  /** the last state of negative curvature (curvatureRetries), and the scale of the steps along v */
  let lastNegative: { x: Float64Array; force: ForceResult; v: Float64Array; lambda: number; sdStep: number } | null = null;
  let stepScale = 1, eigenKnown = true;
  for (let it = 0; it < p.maxActivatIter; it++) {
    ev.saddleSteps = it + 1;
    if (!eigenKnown) search.lowest(search.v!, p.lanczosVectorsSaddle);
    eigenKnown = false;
    if (search.lambda > p.eigenThFail) {
      await report('saddle', it, search.v!, 0);
      if (ev.curvatureRetries >= p.curvatureRetries || !lastNegative) return done('curvature');
      ev.curvatureRetries++;
      sys.positions.set(lastNegative.x);
      search.force = lastNegative.force;
      search.v = lastNegative.v.slice();
      search.lambda = lastNegative.lambda;
      search.sdStep = lastNegative.sdStep;
      stepScale *= 0.5;
      eigenKnown = true;
      continue;
    }
    const v = search.v!;
    if (p.curvatureRetries > 0) lastNegative = { x: sys.positions.slice(), force: search.force, v: v.slice(), lambda: search.lambda, sdStep: search.sdStep };
    const perp = search.relaxPerpendicular(v, Math.min(p.maxPerpMovesC, it + p.convPerpInc), p.forceThPerpSad);
    await report('saddle', it, v, perp);
    if (search.measure(search.force.forces) < p.forceThSaddle) { converged = true; break; }
    const fv = dot(search.force.forces, v);
    const step = -Math.sign(fv) * stepScale * Math.min(p.maxParallelStep, Math.abs(fv) / Math.max(Math.abs(search.lambda), p.minEigenStep));
    search.move(v, step);
  }
  ev.saddleEigenvalue = search.lambda;
  ev.saddleForce = search.measure(search.force.forces);
  ev.saddleForceCalls = forces.calls;
  if (!converged) return done('saddle');
  const xs = sys.positions.slice();
  ev.saddleEnergy = search.force.energy;
  ev.barrier = ev.saddleEnergy - e0;
  ev.saddleDisplacement = maxAtomDisplacement(sys, xs, x0);
  if (opts.keepConfigurations) ev.saddle = xs.slice();
  if (ev.barrier < 0) return done('negative-barrier');

  // 4. both sides of the saddle
  const v = search.v!.slice();
  if (dot(v, displacement(sys, xs, x0)) < 0) for (let i = 0; i < v.length; i++) v[i] = -v[i];
  const side = async (sign: number): Promise<MinimizeResult> => {
    const start = cloneSystem(sys);
    for (let i = 0; i < xs.length; i++) start.positions[i] = xs[i] + sign * p.pushOverSaddle * v[i];
    const r = await minimizeAsync(start, forces, { ftol: p.sideFtol, maxIter: p.minimizeMaxIter, ...(opts.signal ? { signal: opts.signal } : {}) });
    if (r.aborted) throw new ArtnAbortedError();
    return r;
  };
  const forward = await side(1), backward = await side(-1);
  if (!forward.converged || !backward.converged) return done('minimize');
  const fwdHome = maxAtomDisplacement(sys, forward.system.positions, x0) <= p.sameTol;
  const bwdHome = maxAtomDisplacement(sys, backward.system.positions, x0) <= p.sameTol;
  if (fwdHome && bwdHome) return done('non-move');
  if (!fwdHome && !bwdHome) return done('not-connected');
  const fin = fwdHome ? backward : forward;
  ev.finalEnergy = fin.energy;
  ev.finalDisplacement = maxAtomDisplacement(sys, fin.system.positions, x0);
  const dsp = displacement(sys, fin.system.positions, x0);
  for (let i = 0; i < sys.n; i++) {
    let s = 0;
    for (let k = 0; k < sys.dim; k++) s += dsp[i * sys.dim + k] ** 2;
    if (s > p.sameTol * p.sameTol) ev.movedAtoms++;
  }
  if (opts.keepConfigurations) ev.final = fin.system.positions.slice();
  return done('accepted');
}
