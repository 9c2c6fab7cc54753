/**
 * Athermal quasistatic (AQS) simple shear (Maloney & Lemaitre, PRE 74,
 * 016118 (2006); the T = 0 protocol of Zylberg et al., PNAS 114, 7289
 * (2017) for locating plastic events), in 2D and 3D.
 *
 * Each step shears the cell and the particles affinely in the xy plane
 * (x moves proportionally to y): the LAMMPS tilt xy grows by dgamma ly at
 * fixed fractional coordinates (LAMMPS `change_box all xy delta ... remap`,
 * so dx_i = dgamma (y_i - ylo) in an orthogonal cell), then the energy is
 * minimised at fixed cell (src/minimize, f64, max_i |F_i| < ftol, default
 * 1e-10). Strain gamma = (xy - xy_0) / ly (engineering shear strain).
 *
 * Shear stress: sigma_xy = -W_xy / V with W the virial of the force provider
 * (W_ab = sum_pairs r_ij,a F_ij,b, src/core/types.ts), V the volume (area in
 * 2D): at a minimum sigma_xy = (1/V) dU/dgamma, positive when the sheared
 * solid resists (LAMMPS reports pxy = +W_xy/V = -sigma_xy at T = 0).
 *
 * Solver of each step: with `solver: 'chord'` (the default when the
 * provider knows its potential, as createForceProvider's does) the step is
 * first relaxed by chord-Newton iterations x <- x + H0^+ F(x), H0 the sparse
 * Hessian factorised (LDL^T, src/linalg) at an earlier minimum and kept
 * while it converges fast (it is refactorised at the current point when
 * the residual falls by less than 4x per iteration). H0 is positive
 * definite, so the iteration is repelled by saddles (where H has a negative
 * eigenvalue, I - H0^-1 H has one above 1): it converges only to a minimum
 * of the current strain. When it fails (a negative pivot, growing forces, a
 * correction longer than 0.1 length units, no convergence in CHORD_MAX_ITER
 * iterations: a plastic event) the step is minimised from the predictor by
 * src/minimize (FIRE+CG), which is also the solver of `solver: 'minimize'`.
 * Both stop at max |F| < ftol; tests check they give the same curve and
 * events. 'chord' is far faster per elastic step than FIRE+CG, whose
 * iteration count grows with the condition number of the glass Hessian
 * (bench/RESULTS.md, "Athermal quasistatic shear").
 *
 * Tilt flip: when |xy| exceeds lx/2 the cell is replaced by the equivalent
 * one with xy -/+ lx (same lattice of periodic images, as LAMMPS does with
 * `flip yes`); positions stay, image flags are updated so that unwrapped
 * coordinates stay continuous, and the energy is unchanged. `tiltFlip:
 * 'refuse'` throws instead. The flip needs x periodic.
 *
 * Plastic events (src/analysis/plastic-events.ts): a step whose stress drops
 * with a non-affine rearrangement is an event; unless `checkReversibility`
 * is false it is sheared back by -dgamma and minimised, and counted only when
 * it does not return (irreversible). It is located at the particle with the
 * largest non-affine displacement; the D2min field is kept with it.
 *
 * The run is an `{init, step}` pair over explicit state (aqsInit relaxes the
 * start, aqsStep does one strain step), driven by `aqsShear` (synchronous)
 * or `aqsShearAsync`, which yields to the event loop between strain steps
 * so that an AbortSignal stops it after the current step (stopReason
 * 'aborted'); both give bit-identical results.
 */
import type { ForceProvider, ForceResult } from '../core/types.ts';
import { assembleHessian } from '../core/hessian.ts';
import { factorHessian, pseudoInverseSolve, type PinnedHessianFactor } from '../core/hessian-inverse.ts';
import type { Potential } from '../potential/types.ts';
import type { Box } from '../system/box.ts';
import { cloneSystem, type System } from '../system/system.ts';
import { minimize, minimizeAsync, type MinimizeOptions, type MinimizeResult } from '../minimize/minimize.ts';
import { maxAtomForce } from '../minimize/common.ts';
import {
  affineShearDisplacement, isPlasticStep, locatePlasticEvent, nonAffineDisplacement, largestDisplacement,
  resolveDetection, type PlasticDetectionOptions,
} from '../analysis/plastic/plastic-events.ts';
import { lineFigure, type PlotlyFigure } from '../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../plot/result.ts';
import { systemFromData, systemToData, type SystemData } from '../system/system-data.ts';
import { stopRequested, yieldToHost } from '../platform/index.ts';

export interface AqsOptions extends PlasticDetectionOptions {
  /** strain increment dgamma per step (default 1e-4) */
  strainStep?: number;
  /** stop after this many (irreversible) plastic events (default: no limit; then maxStrain must be finite) */
  maxEvents?: number;
  /** stop once the strain reaches this (default 1 when maxEvents is given, else required) */
  maxStrain?: number;
  /** minimisation tolerance max_i |F_i| at every step (energy/length, default 1e-10) */
  ftol?: number;
  /** further minimiser options (method, maxIter, ...) */
  minimize?: Omit<MinimizeOptions, 'ftol' | 'signal' | 'onProgress'>;
  /** what to do when |xy| > lx/2: 'flip' (default, as LAMMPS) or 'refuse' (throw) */
  tiltFlip?: 'flip' | 'refuse';
  /** shear each event back by -dgamma and keep it only if it does not return (default true) */
  checkReversibility?: boolean;
  /** D2min neighbourhood radius (length units, default 2.5 (V/N)^(1/d)) */
  d2minCutoff?: number;
  /**
   * start of each step's minimisation: 'affine' (the affinely sheared last
   * minimum) or 'secant' (default: plus the last step's non-affine
   * displacement, when that step was elastic; a first-order predictor that
   * leaves residual forces O(dgamma^2) instead of O(dgamma), so fewer
   * minimiser iterations reach ftol; the minimum found is the same)
   */
  predictor?: 'affine' | 'secant';
  /** 'chord' (default when the provider has a `potential`) or 'minimize' (module doc) */
  solver?: 'chord' | 'minimize';
  /** called after every minimised step */
  onStep?: (step: AqsStep, events: number) => void;
  signal?: AbortSignal;
}

/** One minimised step of the AQS run. */
export interface AqsStep {
  step: number;
  strain: number;
  /** sigma_xy = -W_xy / V (energy / length^dim) */
  stress: number;
  /** total potential energy */
  energy: number;
  /** max_i |F_i| after the minimisation */
  maxForce: number;
  /** minimiser iterations of this step */
  iterations: number;
}

/** One irreversible plastic event. */
export interface PlasticEvent {
  /** ordinal number n (1 = first event) */
  ordinal: number;
  /** step index at which the drop was observed (the minimum after the drop) */
  step: number;
  /** strain of the last minimum before the drop; the instability lies in (strainBefore, strainAfter] */
  strainBefore: number;
  strainAfter: number;
  stressBefore: number;
  stressAfter: number;
  /** U(before) - U(after) (energy units; positive when the energy dropped) */
  energyDrop: number;
  /** index (storage order) and id of the particle with the largest non-affine displacement */
  atom: number;
  atomId: number;
  /** its |u| (length units) */
  maxNonAffine: number;
  /** its position in the unsheared start configuration (the frame of the soft-spot maps), length dim */
  position: Float64Array;
  /** its position just before the drop (lab frame of the sheared cell) */
  positionAtEvent: Float64Array;
  /** D2min per particle between the minima before and after (length^2) */
  d2min: Float64Array;
  /** index of the particle with the largest D2min */
  d2minAtom: number;
}

/** A reversible drop that was not counted (returned to the pre-drop minimum when sheared back). */
export interface ReversibleDrop {
  step: number;
  strainAfter: number;
  stressBefore: number;
  stressAfter: number;
}

export interface AqsResult extends AnalysisResult<'aqs'> {
  dim: 2 | 3;
  n: number;
  strainStep: number;
  /** per minimised step, step 0 being the relaxed start at strain 0 */
  steps: AqsStep[];
  events: PlasticEvent[];
  reversibleDrops: ReversibleDrop[];
  /** the relaxed start configuration (strain 0) */
  start: System;
  /** the last minimised configuration */
  final: System;
  /** why the run stopped */
  stopReason: 'events' | 'maxStrain' | 'aborted';
  /** number of tilt flips */
  flips: number;
  /** total minimiser iterations and wall time (ms) */
  iterations: number;
  elapsedMs: number;
  /** stress-strain curve with the events marked (Plotly JSON) */
  figure(): PlotlyFigure;
  /** atoms, steps, events and each event (what `glasslab shear` prints) */
  summary(): string;
  /** the events: event,strain,stress_before,stress_after,energy_drop,x,y[,z],atom_id (position in the unsheared start) */
  table(): TableData;
  /** per step: step,strain,stress,energy,event (event: the ordinal of the event observed at that step, else 0) */
  stepsTable(): TableData;
}

/** What an AqsResult is built from (and saved as): its data fields, the configurations as SystemData. */
export type AqsData = Omit<AqsResult, 'kind' | 'figure' | 'summary' | 'table' | 'stepsTable' | 'toJSON' | 'start' | 'final'> & { start: SystemData; final: SystemData };
const AQS_VERSION = 1;

/** The AQS result of a run's data (aqsShear, loadResult). */
export function makeAqsResult(d: Omit<AqsResult, 'kind' | 'figure' | 'summary' | 'table' | 'stepsTable' | 'toJSON'>): AqsResult {
  const last = d.steps.at(-1);
  const lines = [
    `atoms ${d.n}`,
    // no steps: a job written to run elsewhere (shear --write-only), not run yet
    last === undefined ? 'steps none (not run)' : `steps ${d.steps.length - 1} (strain ${last.strain}, ${d.iterations} minimiser iterations, ${(d.elapsedMs / 1000).toFixed(1)} s)`,
    `events ${d.events.length}${d.reversibleDrops.length ? ` (${d.reversibleDrops.length} reversible drops not counted)` : ''}`,
    ...d.events.map((e) => `  event ${e.ordinal}: strain ${e.strainAfter}, stress ${e.stressBefore} -> ${e.stressAfter}, atom ${e.atomId}`),
  ];
  const result: AqsResult = {
    kind: 'aqs', ...d,
    figure: () => stressStrainFigure(result),
    summary: () => lines.join('\n'),
    table: () => ({
      columns: ['event', 'strain', 'stress_before', 'stress_after', 'energy_drop', ...(d.dim === 3 ? ['x', 'y', 'z'] : ['x', 'y']), 'atom_id'],
      rows: d.events.map((e) => [e.ordinal, e.strainAfter, e.stressBefore, e.stressAfter, e.energyDrop, ...e.position, e.atomId]),
    }),
    stepsTable: () => {
      const ev = new Map(d.events.map((e) => [e.step, e.ordinal]));
      return { columns: ['step', 'strain', 'stress', 'energy', 'event'], rows: d.steps.map((s) => [s.step, s.strain, s.stress, s.energy, ev.get(s.step) ?? 0]) };
    },
    toJSON: () => resultJSON('aqs', AQS_VERSION, { ...d, start: systemToData(d.start), final: systemToData(d.final) }),
  };
  return result;
}

/** A saved AqsResult (toJSON) -> the result. */
export function loadAqsResult(json: unknown): AqsResult {
  const d = resultData<AqsData>(json, 'aqs', AQS_VERSION);
  return makeAqsResult({ ...d, start: systemFromData(d.start), final: systemFromData(d.final) });
}

/** Shear stress sigma_xy = -W_xy / V of a force result (module doc). */
export function shearStress(force: ForceResult, box: Box): number {
  const wxy = box.dim === 2 ? force.virial[2] : force.virial[3];
  return -wxy / box.volume;
}

/**
 * Shear `sys` in place by the tilt change `deltaXy` (affine in the xy plane,
 * see the module doc), flipping the tilt when it passes lx/2 unless refused.
 * Returns true when the tilt was flipped.
 */
export function applyShear(sys: System, deltaXy: number, tiltFlip: 'flip' | 'refuse' = 'flip'): boolean {
  const box = sys.box;
  const dx = affineShearDisplacement(sys.positions, box, deltaXy);
  const d = sys.dim;
  for (let i = 0; i < sys.n; i++) sys.positions[i * d] += dx[i];
  let xy = box.xy + deltaXy;
  const lx = box.lengths[0];
  let flipped = false;
  if (Math.abs(xy) > lx / 2) {
    if (tiltFlip === 'refuse') {
      throw new Error(`AQS shear: the tilt xy = ${xy.toPrecision(6)} passed half the box length lx/2 = ${(lx / 2).toPrecision(6)} ` +
        `(strain ${(xy / box.lengths[1]).toPrecision(4)}); use tiltFlip 'flip' (the LAMMPS convention) or a smaller maxStrain`);
    }
    if (!box.periodic[0]) throw new Error('AQS shear: the tilt passed lx/2 but x is not periodic, so the cell cannot be flipped');
    const shift = Math.sign(xy);
    xy -= shift * lx;
    flipped = true;
    // unwrapped = x + ix a + iy b: with b -> b - shift a, ix -> ix + shift iy keeps it
    if (sys.images) for (let i = 0; i < sys.n; i++) sys.images[i * d] += shift * sys.images[i * d + 1];
  }
  sys.box = box.with({ tilt: { xy, xz: box.xz, yz: box.yz } });
  sys.box.wrap(sys.positions, sys.images);
  return flipped;
}

/** Chord-Newton iterations allowed per step before falling back to the minimiser. */
const CHORD_MAX_ITER = 12;

/**
 * Chord-Newton relaxation of an AQS step (module doc). `relax` returns null
 * when the step needs the minimiser.
 */
class ChordSolver {
  private factor: PinnedHessianFactor | null = null;
  factorizations = 0;
  constructor(private readonly provider: ForceProvider, private readonly potential: Potential, private readonly ftol: number) {}

  /** Factorise the Hessian at `sys`; null (and no factor kept) unless positive definite. */
  private refactor(sys: System): boolean {
    this.factorizations++;
    const F = factorHessian(assembleHessian(sys, this.potential), sys);
    this.factor = F.factor.negativePivots === 0 ? F : null;
    return this.factor !== null;
  }

  relax(input: System, lastMinimum: System): MinimizeResult | null {
    if (!this.factor && !this.refactor(lastMinimum)) return null;
    const sys = cloneSystem(input);
    const d = sys.dim;
    let f = this.provider.compute(sys);
    let fmax = maxAtomForce(f.forces, d);
    let refactored = false;
    for (let it = 0; it < CHORD_MAX_ITER; it++) {
      if (fmax < this.ftol) {
        const final = this.provider.compute(sys, { peratom: true });
        return {
          system: sys, energy: final.energy, peratomEnergy: final.peratomEnergy!, forces: final.forces,
          maxForce: maxAtomForce(final.forces, d), iterations: it, forceCalls: it + 2, converged: true, aborted: false, stages: [],
        };
      }
      const dx = pseudoInverseSolve(this.factor!, f.forces);
      // a step longer than a tenth of a particle size is no longer a small correction: leave it to the minimiser
      if (!(maxAtomForce(dx, d) < 0.1)) { this.factor = null; return null; }
      for (let i = 0; i < dx.length; i++) sys.positions[i] += dx[i];
      sys.box.wrap(sys.positions, sys.images);
      f = this.provider.compute(sys);
      const next = maxAtomForce(f.forces, d);
      if (!(next < fmax)) { this.factor = null; return null; }
      // slow contraction: the Hessian changed, refactorise here once (a negative pivot: leave it to the minimiser)
      if (next > fmax / 4 && !refactored) {
        refactored = true;
        if (!this.refactor(sys)) return null;
      }
      fmax = next;
    }
    this.factor = null;
    return null;
  }
}

/** Tilt change taking `box` to the tilt `target`, up to whole box lengths lx (flips). */
function reducedTiltChange(box: Box, target: number): number {
  const lx = box.lengths[0], dxy = target - box.xy;
  return dxy - lx * Math.round(dxy / lx);
}

/** Default maxStrain when only maxEvents is given. */
const DEFAULT_MAX_STRAIN = 1;

/** The explicit state of an AQS run between two strain steps (aqsInit, aqsStep). */
export interface AqsState {
  readonly opts: AqsOptions;
  /** wall-clock start (performance.now()) */
  t0: number;
  readonly dgamma: number;
  readonly maxEvents: number;
  readonly maxStrain: number;
  readonly ftol: number;
  readonly tiltFlip: 'flip' | 'refuse';
  readonly checkRev: boolean;
  readonly predictor: 'affine' | 'secant';
  readonly det: ReturnType<typeof resolveDetection>;
  readonly chord: ChordSolver | null;
  /** the relaxed start (strain 0) and its cell height */
  readonly start: System;
  readonly ly: number;
  readonly steps: AqsStep[];
  readonly events: PlasticEvent[];
  readonly reversibleDrops: ReversibleDrop[];
  iterations: number;
  flips: number;
  /** the last minimised step and its configuration */
  prev: AqsStep;
  prevSys: System;
  /** non-affine displacement of the last step when it was elastic (the secant predictor), else null */
  lastElastic: Float64Array | null;
  /** strain steps done */
  k: number;
  /** set when the run is over */
  stopReason?: AqsResult['stopReason'];
}

/** Check the options of an AQS run; the minimiser options of every relaxation. */
function aqsSettings(input: System, opts: AqsOptions) {
  const dgamma = opts.strainStep ?? 1e-4;
  if (!(dgamma > 0) || !Number.isFinite(dgamma)) throw new Error(`aqsShear: option strainStep must be a positive strain, got ${opts.strainStep}`);
  const maxEvents = opts.maxEvents ?? Infinity;
  if (!(maxEvents >= 1)) throw new Error(`aqsShear: option maxEvents must be >= 1, got ${opts.maxEvents}`);
  const maxStrain = opts.maxStrain ?? (Number.isFinite(maxEvents) ? DEFAULT_MAX_STRAIN : NaN);
  if (!(maxStrain > 0) || !Number.isFinite(maxStrain)) {
    throw new Error(`aqsShear: give maxEvents or a finite positive maxStrain (got maxStrain ${opts.maxStrain})`);
  }
  if (input.dim !== 2 && input.dim !== 3) throw new Error(`aqsShear: dim must be 2 or 3, got ${input.dim}`);
  const ftol = opts.ftol ?? 1e-10;
  const tiltFlip = opts.tiltFlip ?? 'flip';
  if (tiltFlip !== 'flip' && tiltFlip !== 'refuse') throw new Error(`aqsShear: option tiltFlip must be 'flip' or 'refuse', got '${String(tiltFlip)}'`);
  const checkRev = opts.checkReversibility ?? true;
  const predictor = opts.predictor ?? 'secant';
  if (predictor !== 'affine' && predictor !== 'secant') throw new Error(`aqsShear: option predictor must be 'affine' or 'secant', got '${String(predictor)}'`);
  const minimizeOptions: MinimizeOptions = { ...opts.minimize, ftol, ...(opts.signal ? { signal: opts.signal } : {}) };
  return { dgamma, maxEvents, maxStrain, ftol, tiltFlip, checkRev, predictor, minimizeOptions } as const;
}

/** A relaxation that did not converge (and was not interrupted) stops the run. */
function checkRelaxed(r: MinimizeResult, opts: AqsOptions, ftol: number, where: string): MinimizeResult {
  if (!r.converged && !stopRequested(opts.signal)) {
    throw new Error(`aqsShear: the minimisation ${where} did not converge: max |F| = ${r.maxForce.toExponential(3)} > ftol = ${ftol} (${r.reason ?? 'unknown'}); loosen ftol, raise minimize.maxIter or shrink strainStep`);
  }
  return r;
}

/**
 * Check the options and relax `input` at strain 0 (step 0): the state before
 * the first strain step. `first`, when given, is that relaxation already
 * done (`minimize(input, provider, {...opts.minimize, ftol, signal})`, as
 * aqsShearAsync does it without blocking).
 */
export function aqsInit(input: System, provider: ForceProvider, opts: AqsOptions = {}, first?: MinimizeResult): AqsState {
  const t0 = performance.now();
  const set = aqsSettings(input, opts);
  const det = resolveDetection(input, opts);
  const potential = (provider as { potential?: Potential }).potential;
  const solver = opts.solver ?? (potential ? 'chord' : 'minimize');
  if (solver !== 'chord' && solver !== 'minimize') throw new Error(`aqsShear: option solver must be 'chord' or 'minimize', got '${String(solver)}'`);
  if (solver === 'chord' && !potential) throw new Error("aqsShear: solver 'chord' needs the potential: pass a provider from createForceProvider, or use solver 'minimize'");
  const chord = solver === 'chord' ? new ChordSolver(provider, potential!, set.ftol) : null;
  const relaxed = checkRelaxed(first ?? minimize(input, provider, set.minimizeOptions), opts, set.ftol, 'of the start configuration (strain 0)');
  const start = relaxed.system;
  const st: AqsState = {
    opts, t0, dgamma: set.dgamma, maxEvents: set.maxEvents, maxStrain: set.maxStrain, ftol: set.ftol, tiltFlip: set.tiltFlip,
    checkRev: set.checkRev, predictor: set.predictor, det, chord, start, ly: start.box.lengths[1],
    steps: [], events: [], reversibleDrops: [], iterations: relaxed.iterations, flips: 0,
    prev: undefined as unknown as AqsStep, prevSys: start, lastElastic: null, k: 0,
  };
  st.prev = recordStep(st, provider, 0, 0, relaxed);
  return st;
}

function recordStep(st: AqsState, provider: ForceProvider, step: number, strain: number, r: MinimizeResult): AqsStep {
  // the minimiser returns no virial: one more force call
  const f = provider.compute(r.system);
  const s: AqsStep = { step, strain, stress: shearStress(f, r.system.box), energy: r.energy, maxForce: r.maxForce, iterations: r.iterations };
  st.steps.push(s);
  st.opts.onStep?.(s, st.events.length);
  return s;
}

/**
 * One strain step: shear by strainStep, relax, record the step and any
 * plastic event. Returns true when the run is over (`st.stopReason` says
 * why): events reached, maxStrain reached, or the signal aborted.
 */
export function aqsStep(st: AqsState, provider: ForceProvider): boolean {
  if (st.stopReason) return true;
  const { opts, ftol, tiltFlip, det, chord, start } = st;
  if (stopRequested(opts.signal)) { st.stopReason = 'aborted'; return true; }
  const k = st.k + 1;
  const strain = k * st.dgamma;
  if (strain > st.maxStrain * (1 + 1e-12)) { st.stopReason = 'maxStrain'; return true; }
  const minimizeOptions: MinimizeOptions = { ...opts.minimize, ftol, ...(opts.signal ? { signal: opts.signal } : {}) };
  const relax = (s: System, where: string): MinimizeResult => checkRelaxed(minimize(s, provider, minimizeOptions), opts, ftol, where);
  const prevSys = st.prevSys, prev = st.prev;
  const trial = cloneSystem(prevSys);
  // tilt relative to the start, so that round-off does not accumulate over steps
  if (applyShear(trial, reducedTiltChange(trial.box, start.box.xy + strain * st.ly), tiltFlip)) st.flips++;
  if (st.predictor === 'secant' && st.lastElastic) {
    for (let i = 0; i < st.lastElastic.length; i++) trial.positions[i] += st.lastElastic[i];
    trial.box.wrap(trial.positions, trial.images);
  }
  const r = chord?.relax(trial, prevSys) ?? relax(trial, `at strain ${strain.toPrecision(6)} (step ${k})`);
  st.iterations += r.iterations;
  if (stopRequested(opts.signal)) { st.stopReason = 'aborted'; return true; }
  st.k = k;
  const cur = recordStep(st, provider, k, strain, r);
  const u = nonAffineDisplacement(prevSys, r.system);
  const { norm } = largestDisplacement(u, r.system.dim);
  st.lastElastic = norm > det.minDisplacement ? null : u;
  if (isPlasticStep(prev.stress, cur.stress, norm, det)) {
    const irreversible = !st.checkRev || !returnsWhenReversed(prevSys, r.system, tiltFlip, det.minDisplacement, (s) => {
      const back = chord?.relax(s, r.system) ?? relax(s, `of the reversibility check at step ${k}`);
      st.iterations += back.iterations;
      return back.system;
    });
    if (irreversible) {
      st.events.push(plasticEventAt(st.events.length + 1, prev, cur, prevSys, r.system, start, opts.d2minCutoff));
    } else {
      st.reversibleDrops.push({ step: k, strainAfter: cur.strain, stressBefore: prev.stress, stressAfter: cur.stress });
    }
  }
  st.prev = cur;
  st.prevSys = r.system;
  if (st.events.length >= st.maxEvents) { st.stopReason = 'events'; return true; }
  return false;
}

/**
 * The plastic event between the minima `before` (step `prev`) and `after`
 * (step `cur`): located at the particle with the largest non-affine
 * displacement (locatePlasticEvent), its position taken in the relaxed
 * `start` (the frame of the soft-spot maps). `d2minCutoff`: the D2min
 * neighbourhood radius (default of d2minField).
 */
export function plasticEventAt(ordinal: number, prev: AqsStep, cur: AqsStep, before: System, after: System, start: System, d2minCutoff?: number): PlasticEvent {
  const loc = locatePlasticEvent(before, after, d2minCutoff !== undefined ? { cutoff: d2minCutoff } : {});
  const d = start.dim, a = loc.atom;
  return {
    ordinal, step: cur.step,
    strainBefore: prev.strain, strainAfter: cur.strain, stressBefore: prev.stress, stressAfter: cur.stress,
    energyDrop: prev.energy - cur.energy,
    atom: a, atomId: start.ids[a], maxNonAffine: loc.maxNonAffine,
    position: start.positions.slice(a * d, a * d + d), positionAtEvent: before.positions.slice(a * d, a * d + d),
    d2min: loc.d2min, d2minAtom: loc.d2minAtom,
  };
}

/** The result of a finished (or interrupted) run. */
export function aqsResult(st: AqsState): AqsResult {
  return makeAqsResult({
    dim: st.start.dim, n: st.start.n, strainStep: st.dgamma, steps: st.steps, events: st.events, reversibleDrops: st.reversibleDrops,
    start: st.start, final: st.prevSys, stopReason: st.stopReason ?? 'aborted', flips: st.flips, iterations: st.iterations,
    elapsedMs: performance.now() - st.t0,
  });
}

/**
 * Run AQS simple shear from `input` (relaxed first at strain 0) until
 * `maxEvents` irreversible plastic events or `maxStrain`. The input is not
 * modified. Throws when a step does not minimise to ftol.
 */
export function aqsShear(input: System, provider: ForceProvider, opts: AqsOptions = {}): AqsResult {
  const st = aqsInit(input, provider, opts);
  while (!aqsStep(st, provider));
  return aqsResult(st);
}

export interface AqsAsyncOptions extends AqsOptions {
  /** wall time between yields to the event loop (ms, default 50) */
  yieldEveryMs?: number;
}

/**
 * `aqsShear` that yields to the event loop between strain steps (and within
 * the relaxation of the start, through minimizeAsync), so that an
 * AbortSignal fired by a timer, a kernel interrupt or a UI stops it: the
 * result then has stopReason 'aborted' and holds the steps and events up to
 * the last complete step. A strain step itself (its relaxation and
 * reversibility check) is not interrupted. Without an abort the result is
 * bit-identical to `aqsShear` (the same aqsInit / aqsStep).
 */
export async function aqsShearAsync(input: System, provider: ForceProvider, opts: AqsAsyncOptions = {}): Promise<AqsResult> {
  const t0 = performance.now();
  const set = aqsSettings(input, opts);
  const yieldEvery = opts.yieldEveryMs ?? 50;
  const first = await minimizeAsync(input, provider, { ...set.minimizeOptions, yieldEveryMs: yieldEvery });
  const st = aqsInit(input, provider, opts, first);
  st.t0 = t0;
  let lastYield = performance.now();
  while (!aqsStep(st, provider)) {
    const now = performance.now();
    if (now - lastYield >= yieldEvery) {
      await yieldToHost();
      lastYield = performance.now();
    }
  }
  return aqsResult(st);
}

/**
 * Irreversibility test: shear `after` back by -deltaXy, minimise it (through
 * `relax`) and report whether it came back to `before` (every particle within
 * `tolerance`, minimum image).
 */
function returnsWhenReversed(before: System, after: System, tiltFlip: 'flip' | 'refuse', tolerance: number,
  relax: (s: System) => System): boolean {
  const back = cloneSystem(after);
  applyShear(back, reducedTiltChange(back.box, before.box.xy), tiltFlip);
  return sameMinimum(before, relax(back), tolerance);
}

/**
 * True when `relaxed` (a minimum in the cell of `before`, up to a flip) is
 * the minimum `before`: no particle farther than `tolerance` (length) from
 * its place in `before`, by minimum image. The test of the reversibility
 * check, for minima computed elsewhere (LAMMPS).
 */
export function sameMinimum(before: System, relaxed: System, tolerance: number): boolean {
  const d = before.dim, v = new Float64Array(d);
  let m2 = 0;
  for (let i = 0; i < before.n; i++) {
    for (let k = 0; k < d; k++) v[k] = relaxed.positions[i * d + k] - before.positions[i * d + k];
    before.box.minimumImage(v, 0);
    let s = 0;
    for (let k = 0; k < d; k++) s += v[k] * v[k];
    if (s > m2) m2 = s;
  }
  return Math.sqrt(m2) <= tolerance;
}

/** Stress-strain curve of an AQS run with the plastic events marked and numbered. */
export function stressStrainFigure(r: Pick<AqsResult, 'steps' | 'events' | 'dim'>): PlotlyFigure {
  const strain = r.steps.map((s) => s.strain), stress = r.steps.map((s) => s.stress);
  const fig = lineFigure([
    { name: 'sigma_xy', x: strain, y: stress },
    { name: 'plastic events', x: r.events.map((e) => e.strainBefore), y: r.events.map((e) => e.stressBefore), mode: 'markers' },
  ], {
    title: 'AQS simple shear', xTitle: 'strain gamma',
    yTitle: r.dim === 2 ? 'shear stress sigma_xy [energy/length^2]' : 'shear stress sigma_xy [energy/length^3]',
  });
  // the ordinal n of each event on hover
  fig.data[1].text = r.events.map((e) => `event ${e.ordinal}`);
  return fig;
}
