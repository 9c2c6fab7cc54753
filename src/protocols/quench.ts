/**
 * Melt-quench glass preparation (Wei et al., PRB 99, 014115 (2019), Sec. II A:
 * Cu50Zr50 "quenching from its equilibrium liquid state at 2000 K to 0 K, with
 * a high cooling rate of 10^10 K/s. An additional sub-Tg annealing at 700 K
 * ... for 60 ns ... each component of the stress tensor is controlled to be
 * zero within the Parrinello-Rahman barostat ... Nose-Hoover thermostat ...
 * timestep is 2 fs ... After being quenched to 0 K, the sample is
 * additionally in-depth relaxed to a local potential energy minimum by the
 * conjugate gradient (CG) algorithm").
 *
 * Stages, all Nose-Hoover NPT at `pressure` (src/md `npt`, the LAMMPS
 * `fix npt temp Tstart Tstop Tdamp iso P P Pdamp` conventions; each stage is
 * one `run` window, over which the target temperature ramps linearly exactly
 * as LAMMPS ramps Tstart -> Tstop):
 *
 *   1. 'melt':    hold at tHigh for equilibrateTime;
 *   2. 'quench':  ramp tHigh -> tLow at `rate`; with `anneal`, the ramp stops
 *                 at anneal.temp, 3. 'anneal' holds there for anneal.time,
 *                 and a second 'quench' ramps anneal.temp -> tLow at the
 *                 same rate (Wei et al. do not say where in the quench the
 *                 700 K anneal sits; holding on the way down keeps one rate);
 *   4. 'minimize': FIRE then CG (src/minimize, method option) to the
 *                 inherent structure AT FIXED BOX, the box of the last MD
 *                 step (src/minimize has no box relaxation; at tLow ~ 1 K the
 *                 thermal pressure left is a few bar, so the IS box is the
 *                 zero-pressure one to ~1e-5 in volume).
 *
 * The thermostat chains and the barostat restart at each stage (a new
 * `fix npt`, as a LAMMPS input that unfixes and fixes between runs); positions,
 * velocities, images, the box, the step counter and the time carry over.
 *
 * Each stage takes a whole number of steps, round(duration / dt): the rate
 * reached differs from `rate` by at most half a step in the ramp's length.
 *
 * Units are LAMMPS `metal`: K, ps, bar, eV, A, g/mol. Rates are in K/ps
 * (1 K/ps = 1e12 K/s: Wei et al.'s 1e10 K/s is 0.01 K/ps). Nose-Hoover needs
 * a positive target temperature, so tLow must be > 0 (LAMMPS refuses
 * `temp ... 0.0` too); the default 1 K is "0 K" for the IS that follows.
 *
 * `barostat` is md's `npt` barostat (LAMMPS `fix npt ... iso|aniso|tri`) of
 * the quench and anneal stages. The default is 'tri', the paper's "each
 * component of the stress tensor is controlled to be zero": three edges and
 * three tilts, with tilt flips. The melt stage is always 'iso': a liquid has
 * no shape of its own, so under aniso/tri its edges wander without a
 * restoring force (measured on KA at P = 0: edges 9.7 / 8.3 / 10.0 with rms
 * up to 0.43 sigma) and a small box can become thinner than the cutoff;
 * only its volume is controlled. (The ramp starts in the liquid too, but it
 * is where the paper's control applies, and the shape freezes in on the way
 * down.)
 *
 * Mass density rho = (sum of masses) / (N_A V): with masses in g/mol and V
 * in A^3, rho [g/cm^3] = 1.660539 sum(m) / V.
 */
import { rdfTroughs, totalRdf } from '../analysis/structure/first-shell.ts';
import { partialRdf } from '../analysis/structure/structure.ts';
import type { ForceProvider } from '../core/types.ts';
import type { BarostatStyle } from '../md/mtk-cell.ts';
import { npt } from '../md/nose-hoover-integrator.ts';
import { runMd, type RunResult } from '../md/run.ts';
import type { MdState } from '../md/state.ts';
import { initVelocities } from '../md/velocities.ts';
import { minimizeAsync, type MinimizeMethod } from '../minimize/minimize.ts';
import { lineFigure, type PlotlyFigure } from '../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../plot/result.ts';
import { systemFromData, systemToData, type SystemData } from '../system/system-data.ts';
import { cloneSystem, type System } from '../system/system.ts';

/** g/mol / A^3 -> g/cm^3: 1e24 / N_A (CODATA 2018 N_A = 6.02214076e23). */
export const GRAMS_PER_CM3 = 1e24 / 6.02214076e23;

/** The barostat of the quench and anneal stages (md's `npt` styles). */
export type QuenchBarostat = BarostatStyle;

export interface QuenchOptions {
  /** melt temperature (K), default 2000 (Wei et al.) */
  tHigh?: number;
  /** end temperature of the quench (K, > 0), default 1 */
  tLow?: number;
  /** cooling rate (K/ps; 1 K/ps = 1e12 K/s). Wei et al.: 1e10 K/s = 0.01 K/ps */
  rate: number;
  /** time at tHigh before the quench (ps), default 20 */
  equilibrateTime?: number;
  /** sub-Tg anneal on the way down: hold at `temp` (K) for `time` (ps); Wei et al.: 700 K, 60 ns */
  anneal?: { temp: number; time: number };
  /** barostat target (bar), default 0 */
  pressure?: number;
  /** barostat of the quench and anneal stages, default 'tri' (the melt is always 'iso'; see the module doc) */
  barostat?: QuenchBarostat;
  /** MD timestep (ps), default 0.002 (Wei et al.) */
  dt?: number;
  /** thermostat / barostat damping (ps), default 100 dt / 1000 dt (LAMMPS advice) */
  tdamp?: number;
  pdamp?: number;
  /** seed of the Maxwell-Boltzmann velocities at tHigh (drawn only when the input has none), default 1 */
  seed?: number;
  /** MD steps between history rows, default 100 */
  sampleEvery?: number;
  /** minimiser of the last stage, default 'fire+cg' */
  method?: MinimizeMethod;
  /** largest per-atom force at the inherent structure (eV/A), default 1e-6 */
  ftol?: number;
  /** iteration budget of the minimisation, default 100000 */
  maxIter?: number;
  onProgress?: (p: QuenchProgress) => void;
  signal?: AbortSignal;
}

export type QuenchStage = 'melt' | 'quench' | 'anneal' | 'minimize';

export interface QuenchProgress {
  stage: QuenchStage;
  /** fraction of all MD steps done (the minimisation reports 1) */
  fraction: number;
  /** MD step (absolute) or minimiser iteration */
  step: number;
  /** current target temperature (K); the minimisation: 0 */
  target: number;
  /** largest force during the minimisation (eV/A), NaN during MD */
  maxForce: number;
}

const STAGES: readonly QuenchStage[] = ['melt', 'quench', 'anneal', 'minimize'];

export interface QuenchData {
  n: number;
  /** the settings used (after defaults) */
  tHigh: number;
  tLow: number;
  rate: number;
  equilibrateTime: number;
  annealTemp: number | null;
  annealTime: number;
  pressure: number;
  barostat: QuenchBarostat;
  dt: number;
  /** total mass (g/mol) */
  mass: number;
  /** history rows: stage index into ['melt', 'quench', 'anneal', 'minimize'] */
  stage: Int8Array;
  step: Float64Array;
  /** time (ps) */
  time: Float64Array;
  /** instantaneous and target temperature (K) */
  temp: Float64Array;
  target: Float64Array;
  /** potential energy per atom (eV) */
  pe: Float64Array;
  /** volume (A^3) and pressure (bar) */
  volume: Float64Array;
  press: Float64Array;
  /** MD steps done and wall seconds of the MD and of the minimisation */
  mdSteps: number;
  mdSeconds: number;
  minimizeSeconds: number;
  /** inherent structure: energy (eV), max |F_i| (eV/A), iterations, converged; NaN / false when stopped before */
  isEnergy: number;
  maxForce: number;
  iterations: number;
  converged: boolean;
  aborted: boolean;
  /**
   * minima of the total g(r) of the inherent structure after its first peak
   * (A; analysis/structure rdfTroughs of totalRdf, bins of 0.02 A, r up to
   * half the smallest box width); Wei et al.: 3.9, 6.4, 8.8, 11.2. Empty when stopped
   */
  troughs: Float64Array;
  /** the inherent structure (or, when aborted, the configuration reached) */
  system: SystemData;
}

export interface QuenchResult extends AnalysisResult<'quench'>, Readonly<Omit<QuenchData, 'system'>> {
  /** the final System: the inherent structure (a copy each call) */
  readonly system: System;
  /** mass density (g/cm^3) of each history row */
  readonly density: Float64Array;
  /** mass density of the final System (g/cm^3) */
  readonly finalDensity: number;
  /**
   * mean mass density (g/cm^3) of the 'quench' rows whose target temperature
   * lies within +-halfWidth K of T (default 25 K), and how many rows; NaN
   * when none
   */
  densityAt(T: number, halfWidth?: number): { density: number; rows: number };
  /** settings, rate in K/s, density at 300 K when the quench crossed it, and the inherent structure */
  summary(): string;
  /** history: stage,step,time_ps,temp_K,target_K,pe_eV_per_atom,volume_A3,density_g_cm3,press_bar */
  table(): TableData;
  /** density and PE per atom against the target temperature */
  figure(): PlotlyFigure[];
}

const QUENCH_VERSION = 1;

/** The result of quenchGlass from its fields (and loadResult). */
export function makeQuenchResult(d: QuenchData): QuenchResult {
  const density = Float64Array.from(d.volume, (V) => (GRAMS_PER_CM3 * d.mass) / V);
  const box = d.system.box;
  let finalVolume = 1;
  for (let k = 0; k < box.dim; k++) finalVolume *= box.lengths[k];
  const finalDensity = (GRAMS_PER_CM3 * d.mass) / finalVolume;
  const densityAt = (T: number, halfWidth = 25) => {
    let sum = 0, rows = 0;
    for (let k = 0; k < d.stage.length; k++) {
      if (STAGES[d.stage[k]] === 'quench' && Math.abs(d.target[k] - T) <= halfWidth) { sum += density[k]; rows++; }
    }
    return { density: rows > 0 ? sum / rows : NaN, rows };
  };
  const { system: _s, ...fields } = d;
  const at300 = densityAt(300);
  const summary = () => [
    `quench of ${d.n} atoms: ${d.tHigh} K (${d.equilibrateTime} ps) -> ${d.tLow} K at ${d.rate} K/ps (${(d.rate * 1e12).toExponential(2)} K/s)` +
      `${d.annealTemp === null ? '' : `, anneal ${d.annealTemp} K for ${d.annealTime} ps`}, NPT ${d.barostat} at ${d.pressure} bar, dt ${d.dt} ps`,
    `MD: ${d.mdSteps} steps in ${d.mdSeconds.toFixed(1)} s${d.aborted ? ' (stopped)' : ''}`,
    `density at 300 K (quench rows within 25 K): ${at300.rows > 0 ? `${at300.density.toFixed(4)} g/cm^3 (${at300.rows} rows)` : 'not reached'}`,
    `inherent structure: PE/atom ${(d.isEnergy / d.n).toFixed(6)} eV, density ${finalDensity.toFixed(4)} g/cm^3 (fixed box), ` +
      `max |F| ${d.maxForce.toExponential(3)} eV/A, ${d.iterations} iterations, ${d.converged ? 'converged' : 'NOT converged'}` +
      ` (${d.minimizeSeconds.toFixed(1)} s)`,
    `total g(r) troughs: ${d.troughs.length > 0 ? Array.from(d.troughs, (r) => r.toFixed(2)).join(', ') + ' A' : 'none'} (Wei et al. 2019: 3.9, 6.4, 8.8, 11.2 A)`,
  ].join('\n');
  return {
    kind: 'quench', ...fields, density, finalDensity, densityAt,
    get system() { return systemFromData(d.system); },
    summary,
    table: () => ({
      columns: ['stage', 'step', 'time_ps', 'temp_K', 'target_K', 'pe_eV_per_atom', 'volume_A3', 'density_g_cm3', 'press_bar'],
      rows: Array.from(d.stage, (s, k) => [STAGES[s], d.step[k], d.time[k], d.temp[k], d.target[k], d.pe[k], d.volume[k], density[k], d.press[k]]),
    }),
    figure: () => [
      lineFigure([{ name: 'density', x: d.target, y: density }], { xTitle: 'target T [K]', yTitle: 'density [g/cm^3]' }),
      lineFigure([{ name: 'PE/atom', x: d.target, y: d.pe }], { xTitle: 'target T [K]', yTitle: 'potential energy per atom [eV]' }),
    ],
    toJSON: () => resultJSON('quench', QUENCH_VERSION, d),
  };
}

export function loadQuenchResult(json: unknown): QuenchResult {
  return makeQuenchResult(resultData<QuenchData>(json, 'quench', QUENCH_VERSION));
}

function positive(name: string, v: number | undefined, def?: number): number {
  const x = v ?? def;
  if (x === undefined || !(x > 0) || !Number.isFinite(x)) throw new Error(`quenchGlass: option '${name}' must be a positive finite number, got ${x}`);
  return x;
}

/**
 * Melt `start` (not modified; metal units) at tHigh, quench it at `rate`
 * (optionally annealing on the way), then minimise to the inherent
 * structure; see the module doc. An AbortSignal stops it between two MD steps
 * or minimiser iterations: the result then has `aborted: true`, the history
 * up to there and the configuration reached (not a minimum).
 */
export async function quenchGlass(start: System, provider: ForceProvider, opts: QuenchOptions): Promise<QuenchResult> {
  const tHigh = positive('tHigh', opts.tHigh, 2000);
  const tLow = positive('tLow', opts.tLow, 1);
  if (tLow >= tHigh) throw new Error(`quenchGlass: option 'tLow' (${tLow} K) must be below 'tHigh' (${tHigh} K)`);
  const rate = positive('rate', opts.rate);
  const dt = positive('dt', opts.dt, 0.002);
  const equilibrateTime = opts.equilibrateTime ?? 20;
  if (!(equilibrateTime >= 0) || !Number.isFinite(equilibrateTime)) throw new Error(`quenchGlass: option 'equilibrateTime' must be a finite time >= 0, got ${equilibrateTime}`);
  const pressure = opts.pressure ?? 0;
  if (!Number.isFinite(pressure)) throw new Error(`quenchGlass: option 'pressure' must be finite, got ${pressure}`);
  const barostat = opts.barostat ?? 'tri';
  if (!['iso', 'aniso', 'tri'].includes(barostat)) throw new Error(`quenchGlass: option 'barostat' must be 'iso', 'aniso' or 'tri', got '${String(barostat)}'`);
  const anneal = opts.anneal;
  if (anneal) {
    positive('anneal.time', anneal.time);
    if (!(anneal.temp > tLow && anneal.temp < tHigh)) throw new Error(`quenchGlass: option 'anneal.temp' (${anneal.temp} K) must lie between tLow (${tLow} K) and tHigh (${tHigh} K)`);
  }
  const sampleEvery = opts.sampleEvery ?? 100;
  if (!Number.isInteger(sampleEvery) || sampleEvery < 1) throw new Error(`quenchGlass: option 'sampleEvery' must be an integer >= 1, got ${sampleEvery}`);
  const tdamp = positive('tdamp', opts.tdamp, 100 * dt);
  const pdamp = positive('pdamp', opts.pdamp, 1000 * dt);
  if (start.dim !== 3) throw new Error(`quenchGlass: a 3D System is needed (got ${start.dim}D)`);

  // the stages: [name, Tstart, Tstop, steps]
  const steps = (time: number) => Math.max(1, Math.round(time / dt));
  const plan: [QuenchStage, number, number, number][] = [];
  if (equilibrateTime > 0) plan.push(['melt', tHigh, tHigh, steps(equilibrateTime)]);
  if (anneal) {
    plan.push(['quench', tHigh, anneal.temp, steps((tHigh - anneal.temp) / rate)]);
    plan.push(['anneal', anneal.temp, anneal.temp, steps(anneal.time)]);
    plan.push(['quench', anneal.temp, tLow, steps((anneal.temp - tLow) / rate)]);
  } else {
    plan.push(['quench', tHigh, tLow, steps((tHigh - tLow) / rate)]);
  }
  const integrators = plan.map(([name, T0, T1]) => npt({
    Tstart: T0, Tstop: T1, Tdamp: tdamp, Pstart: pressure, Pdamp: pdamp, barostat: name === 'melt' ? 'iso' : barostat,
  }));
  const totalSteps = plan.reduce((a, p) => a + p[3], 0);

  const sys = cloneSystem(start);
  if (!sys.velocities) initVelocities(sys, tHigh, opts.seed ?? 1, 'metal');
  let mass = 0;
  for (let i = 0; i < sys.n; i++) mass += sys.masses[i];
  const n = sys.n;
  const rows: { stage: number; step: number; time: number; temp: number; target: number; pe: number; volume: number; press: number }[] = [];

  let current: System = sys;
  let done = 0, mdSeconds = 0, aborted = false;
  for (let s = 0; s < plan.length && !aborted; s++) {
    const [name, T0, T1, nSteps] = plan[s];
    const stageIndex = STAGES.indexOf(name);
    const first = current.timestep ?? 0;
    const res: RunResult = await runMd(current, provider, {
      integrator: integrators[s], dt, steps: nSteps, units: 'metal', thermoEvery: sampleEvery,
      onThermo: (row) => {
        // a stage's first row is the previous stage's last: keep it once
        if (s > 0 && row.step === first) return;
        const f = (row.step - first) / nSteps;
        rows.push({ stage: stageIndex, step: row.step, time: row.time, temp: row.T, target: T0 + f * (T1 - T0), pe: row.PE / n, volume: row.volume, press: row.P });
      },
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? {
        onProgress: (p: { done: number; step: number }) => opts.onProgress!({
          stage: name, fraction: (done + p.done) / totalSteps, step: p.step, target: T0 + (p.done / nSteps) * (T1 - T0), maxForce: NaN,
        }),
      } : {}),
    });
    done += res.stepsDone;
    mdSeconds += res.wallSeconds;
    aborted = res.aborted;
    current = stateSystem(res.state);
  }

  let isEnergy = NaN, maxForce = NaN, iterations = 0, converged = false, minimizeSeconds = 0;
  let final = current;
  if (!aborted) {
    const t0 = performance.now();
    const m = await minimizeAsync(current, provider, {
      method: opts.method ?? 'fire+cg', ftol: opts.ftol ?? 1e-6, maxIter: opts.maxIter ?? 100000,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? {
        onProgress: (p: { iteration: number; maxForce: number }) => opts.onProgress!({ stage: 'minimize', fraction: 1, step: p.iteration, target: 0, maxForce: p.maxForce }),
      } : {}),
    });
    minimizeSeconds = (performance.now() - t0) / 1000;
    ({ energy: isEnergy, maxForce, iterations, converged, aborted } = m);
    final = m.system;
    delete final.velocities;
  }
  const troughs = aborted ? new Float64Array(0) : Float64Array.from(glassTroughs(final));
  const col = <K extends keyof (typeof rows)[number]>(k: K) => Float64Array.from(rows, (r) => r[k]);
  return makeQuenchResult({
    n, tHigh, tLow, rate, equilibrateTime, annealTemp: anneal ? anneal.temp : null, annealTime: anneal ? anneal.time : 0,
    pressure, barostat, dt, mass,
    stage: Int8Array.from(rows, (r) => r.stage), step: col('step'), time: col('time'), temp: col('temp'), target: col('target'),
    pe: col('pe'), volume: col('volume'), press: col('press'),
    mdSteps: done, mdSeconds, minimizeSeconds, isEnergy, maxForce, iterations, converged, aborted, troughs,
    system: systemToData(final),
  });
}

/** Troughs of the total g(r) of `sys` (see QuenchData.troughs). */
function glassTroughs(sys: System): number[] {
  const rdf = partialRdf(sys, { dr: 0.02 });
  return rdfTroughs(rdf.r, totalRdf(rdf));
}

/** The System of an MD state, stamped with its step and time, for the next stage's new run. */
function stateSystem(state: MdState): System {
  const sys = state.sys;
  sys.timestep = state.step;
  sys.time = state.time;
  return sys;
}
