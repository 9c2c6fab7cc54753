/**
 * The MD run loop: steps an integrator, feeds observers (thermo log, dumps),
 * reports progress, honours an AbortSignal and writes checkpoints.
 *
 * The loop is async and yields to the event loop every `yieldEveryMs` of
 * wall time, so that an AbortSignal fired by a timer, a kernel interrupt or a
 * UI can stop it. It stops only between two complete steps: after an abort
 * the returned state is consistent (positions, velocities, forces, chains and
 * step agree) and can be continued or checkpointed. An exception thrown
 * inside a step (non-finite forces, a provider error) propagates and leaves
 * that step half done: restart from the last checkpoint.
 *
 * Thermo/dump observers fire at the first step of a fresh run, whenever
 * step % every === 0, and (thermo) at the last step; a continued state does
 * not re-observe its starting step, so a resumed run appends exactly the rows
 * the uninterrupted run would have written.
 */
import type { ForceProvider } from '../core/types.ts';
import type { System } from '../system/system.ts';
import { saveCheckpoint } from './checkpoint.ts';
import type { Integrator } from './integrator.ts';
import { thermoObserver, type Observer, type ThermoRow } from './observers.ts';
import type { MdState, ModelIdentity } from './state.ts';
import { getUnits, type Units, type UnitsName } from '../util/units.ts';
import { stopRequested, yieldToHost } from '../platform/index.ts';

export interface Progress {
  /** current step (absolute, LAMMPS ntimestep) */
  step: number;
  /** steps done in this run and total asked */
  done: number;
  total: number;
  fraction: number;
  /** measured speed over this run */
  stepsPerSecond: number;
  /** estimated seconds left */
  etaSeconds: number;
}

export interface RunOptions {
  integrator: Integrator;
  /** timestep in the time unit of `units` */
  dt: number;
  /** number of steps to run */
  steps: number;
  /** unit system; default 'lj' (a resumed state keeps its own and must match) */
  units?: UnitsName | Units;
  /** thermo row every this many steps; 0 (default): only the first and last step (LAMMPS `thermo 0`) */
  thermoEvery?: number;
  /** called with every thermo row as it is made */
  onThermo?: (row: ThermoRow) => void;
  observers?: Observer[];
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** minimum wall time between two onProgress calls (ms, default 500); the last step always reports */
  progressIntervalMs?: number;
  /** wall time between yields to the event loop (ms, default 50) */
  yieldEveryMs?: number;
  /** write a checkpoint every `every` steps, on abort and at the end */
  checkpoint?: { path: string; every: number };
  /**
   * When continuing a state whose ramp window is not finished, runMd keeps
   * that window (so a resumed ramp continues exactly); set newRun to start a
   * new window [step, step + steps] instead.
   */
  newRun?: boolean;
  /**
   * The model of the run: stored in the state (and its checkpoints); a
   * continued state made with another model is refused.
   */
  model?: ModelIdentity;
  /**
   * Awaited at every yield and before each checkpoint: lets asynchronous
   * observers (a dump writer) keep up with the run, so that their backlog
   * stays bounded and, when a checkpoint is on disk, their output up to it is
   * too (after a kill, a resumed run finds every frame up to its start).
   */
  flush?: () => Promise<void>;
  /**
   * Sort the atoms in space inside the force provider (ForceProvider
   * `sortAtoms`, where it has one) before a fresh run's first force call
   * and at every step that is a multiple of this; 0: never, the provider's
   * order is left as it is. Default: SORT_EVERY for 3D systems of
   * SORT_MIN_ATOMS atoms or more, else 0. The forces come back in the
   * System's order; sorting makes the loops of large systems faster and
   * changes only the order of summation. A resumed state puts its stored
   * order back in place, so a resumed run follows the uninterrupted one
   * bit for bit.
   */
  sortEvery?: number;
}

/**
 * Default steps between two spatial sorts of the atoms (RunOptions.sortEvery),
 * as LAMMPS `atom_modify sort 1000`: atoms diffuse little in 1000 steps, a
 * sort costs about one neighbour-list build.
 */
export const SORT_EVERY = 1000;

/**
 * Smallest 3D system runMd sorts by default. Measured for KA (rho 1.2,
 * T 0.8, default threads; steps/s sorted over unsorted, bench/RESULTS.md
 * session 11): N = 1000 0.93-0.96, N = 2000 0.89-1.02, N = 4000 1.02
 * (1 thread) and 1.00 (2 threads), N = 8000 1.00-1.34, N = 16000 1.06
 * (1 thread) and 1.19 (2 threads). Below, the copies into the sorted order
 * and back cost more than the locality gains; 2D systems (IPL N = 6400:
 * 0.93-0.98, N = 25600: 0.94-1.04) are not sorted by default.
 */
export const SORT_MIN_ATOMS = 4000;

export interface RunResult {
  state: MdState;
  /** rows of the built-in thermo observer */
  thermo: ThermoRow[];
  aborted: boolean;
  /** steps done in this call */
  stepsDone: number;
  wallSeconds: number;
}

/**
 * The run blew up: a step threw (atoms overlapping, non-finite forces), left a
 * non-finite energy, or moved an atom further than the neighbour-list skin in
 * one step (pairs can then be missed). Almost always a timestep too large for
 * the temperature. `step` is the step that failed; the state is not usable.
 */
export class MdBlowUpError extends Error {
  readonly step: number;
  readonly reason: string;
  constructor(step: number, reason: string) {
    super(`the run blew up at step ${step}: ${reason}`);
    this.name = 'MdBlowUpError';
    this.step = step;
    this.reason = reason;
  }
}

/** An atom that moved more than `limit` during the last step (|v| dt), or -1. */
function fastAtom(state: MdState, limit: number): { atom: number; distance: number } | null {
  const v = state.sys.velocities;
  if (!v || !(limit > 0)) return null;
  const d = state.sys.dim, n = state.sys.n, lim2 = (limit / state.dt) ** 2;
  if (d === 3) {
    // unrolled, one branch per atom (every step of a run: the loop over k below costs ~3x in V8)
    for (let i = 0, o = 0; i < n; i++, o += 3) {
      const v2 = v[o] * v[o] + v[o + 1] * v[o + 1] + v[o + 2] * v[o + 2];
      if (!(v2 <= lim2)) return { atom: i, distance: Math.sqrt(v2) * state.dt };
    }
    return null;
  }
  for (let i = 0; i < n; i++) {
    let v2 = 0;
    for (let k = 0; k < d; k++) v2 += v[i * d + k] * v[i * d + k];
    if (!(v2 <= lim2)) return { atom: i, distance: Math.sqrt(v2) * state.dt };
  }
  return null;
}

function isState(x: System | MdState): x is MdState {
  return (x as MdState).force !== undefined && (x as MdState).ext !== undefined && (x as MdState).sys !== undefined;
}

function sameParams(a: Readonly<Record<string, number | string>>, b: Readonly<Record<string, number | string>>): boolean {
  const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/**
 * Run `steps` MD steps from a System (fresh run: the integrator's init builds
 * the state; the System is integrated in place) or from an MdState (a
 * previous result or a loaded checkpoint: continued exactly).
 */
export async function runMd(start: System | MdState, provider: ForceProvider, opts: RunOptions): Promise<RunResult> {
  const { integrator } = opts;
  if (!Number.isInteger(opts.steps) || opts.steps < 0) throw new Error(`md/runMd: 'steps' must be an integer >= 0, got ${opts.steps}`);
  const thermoEvery = opts.thermoEvery ?? 0;
  if (!Number.isInteger(thermoEvery) || thermoEvery < 0) throw new Error(`md/runMd: 'thermoEvery' must be an integer >= 0, got ${thermoEvery}`);
  if (opts.checkpoint && (!Number.isInteger(opts.checkpoint.every) || opts.checkpoint.every < 1)) {
    throw new Error(`md/runMd: checkpoint.every must be an integer >= 1, got ${opts.checkpoint.every}`);
  }
  const resumed = isState(start);
  const sys0 = resumed ? start.sys : start;
  const sortEvery = opts.sortEvery ?? (sys0.dim === 3 && sys0.n >= SORT_MIN_ATOMS ? SORT_EVERY : 0);
  if (!Number.isInteger(sortEvery) || sortEvery < 0) throw new Error(`md/runMd: 'sortEvery' must be an integer >= 0, got ${sortEvery}`);
  const sorts = sortEvery > 0 && provider.sortAtoms !== undefined;
  const observers = opts.observers ?? [];
  const fires = (o: Observer, step: number) => step % o.every === 0;
  const peratomAt = (step: number) => observers.some((o) => o.peratom === true && fires(o, step));

  let state: MdState;
  if (isState(start)) {
    state = start;
    if (state.integrator !== integrator.name || !sameParams(state.params, integrator.params)) {
      throw new Error(
        `md/runMd: the state was made by ${state.integrator} ${JSON.stringify(state.params)} but the integrator is ${integrator.name} ${JSON.stringify(integrator.params)}; ` +
        'continue with the same integrator, or start a new run from state.sys',
      );
    }
    if (opts.units !== undefined && getUnits(opts.units).name !== state.units.name) {
      throw new Error(`md/runMd: the state uses units '${state.units.name}' but options.units is '${getUnits(opts.units).name}'`);
    }
    if (opts.model && state.model && (opts.model.name !== state.model.name || opts.model.potential !== state.model.potential)) {
      throw new Error(
        `md/runMd: the state was made with model ${state.model.name} (potential ${state.model.potential}) but the run uses ` +
        `${opts.model.name} (potential ${opts.model.potential}); continue with the same model, or start a new run from state.sys`,
      );
    }
    state.model ??= opts.model;
    // the forces of the state were summed in its order: the run goes on in it (to the next sort)
    if (provider.setAtomOrder && (sorts || state.atomOrder)) provider.setAtomOrder(state.atomOrder ?? null);
    if (!(opts.dt > 0)) throw new Error(`md/runMd: dt must be positive, got ${opts.dt}`);
    state.dt = opts.dt;
    const midWindow = state.step < state.rampEnd && state.step >= state.rampBegin;
    if (midWindow && !opts.newRun) {
      if (state.step + opts.steps > state.rampEnd) {
        throw new Error(
          `md/runMd: the state is at step ${state.step} of a run over steps ${state.rampBegin}..${state.rampEnd}; ` +
          `run at most ${state.rampEnd - state.step} steps to finish it, or pass newRun: true to start a new ramp window`,
        );
      }
    } else {
      state.rampBegin = state.step;
      state.rampEnd = state.step + opts.steps;
    }
  } else {
    const step0 = start.timestep ?? 0;
    if (sorts) provider.sortAtoms!(start);
    state = integrator.init(start, provider, { dt: opts.dt, units: opts.units ?? 'lj', peratom: peratomAt(step0) });
    if (opts.model) state.model = opts.model;
    const order = provider.atomOrder?.();
    if (order) state.atomOrder = order;
    state.rampBegin = state.step;
    state.rampEnd = state.step + opts.steps;
  }

  const thermo = thermoObserver(thermoEvery === 0 ? Number.MAX_SAFE_INTEGER : thermoEvery, opts.onThermo);
  const all: Observer[] = [thermo, ...observers];
  const firstStep = state.step;
  const lastStep = firstStep + opts.steps;
  if (!resumed) {
    // first step of a fresh run: every observer sees the initial state (like LAMMPS)
    for (const o of all) if (o === thermo || fires(o, firstStep)) o.observe(state, integrator);
  }

  const t0 = performance.now();
  let lastProgress = t0, lastYield = t0;
  const progressInterval = opts.progressIntervalMs ?? 500;
  const yieldEvery = opts.yieldEveryMs ?? 50;
  const report = (now: number) => {
    const done = state.step - firstStep;
    const elapsed = (now - t0) / 1000;
    const sps = elapsed > 0 ? done / elapsed : 0;
    opts.onProgress?.({
      step: state.step, done, total: opts.steps, fraction: opts.steps > 0 ? done / opts.steps : 1,
      stepsPerSecond: sps, etaSeconds: sps > 0 ? (opts.steps - done) / sps : Infinity,
    });
  };

  let aborted = false;
  while (state.step < lastStep) {
    if (stopRequested(opts.signal)) { aborted = true; break; }
    const next = state.step + 1;
    if (sorts && state.step % sortEvery === 0 && (resumed || state.step !== firstStep)) {
      provider.sortAtoms!(state.sys);
      state.atomOrder = provider.atomOrder?.() ?? undefined;
    }
    try {
      integrator.step(state, provider, { peratom: peratomAt(next) });
    } catch (e) {
      // what failed, without the advice after ';' (it is for a bad starting configuration: duplicated atoms, ...)
      throw new MdBlowUpError(next, (e instanceof Error ? e.message : String(e)).split('; ')[0]);
    }
    if (!Number.isFinite(state.force.energy)) throw new MdBlowUpError(next, `the potential energy is ${state.force.energy}`);
    const fast = provider.skin === undefined ? null : fastAtom(state, provider.skin);
    if (fast) {
      throw new MdBlowUpError(next, `atom id ${state.sys.ids[fast.atom]} moved ${fast.distance.toPrecision(3)} in one step, ` +
        `more than the neighbour-list skin ${provider.skin}`);
    }
    for (const o of all) {
      if (o === thermo ? fires(o, next) || next === lastStep : fires(o, next)) o.observe(state, integrator);
    }
    if (opts.checkpoint && next % opts.checkpoint.every === 0) {
      if (opts.flush) await opts.flush();
      saveCheckpoint(opts.checkpoint.path, state);
    }
    const now = performance.now();
    if (opts.onProgress && now - lastProgress >= progressInterval) { report(now); lastProgress = now; }
    if (now - lastYield >= yieldEvery) {
      await yieldToHost();
      if (opts.flush) await opts.flush();
      lastYield = performance.now();
    }
  }
  if (aborted && thermo.rows.at(-1)?.step !== state.step) thermo.observe(state, integrator);
  if (opts.checkpoint && (aborted || state.step % opts.checkpoint.every !== 0)) {
    if (opts.flush) await opts.flush();
    saveCheckpoint(opts.checkpoint.path, state);
  }
  const end = performance.now();
  if (opts.onProgress) report(end);
  return { state, thermo: thermo.rows, aborted, stepsDone: state.step - firstStep, wallSeconds: (end - t0) / 1000 };
}
