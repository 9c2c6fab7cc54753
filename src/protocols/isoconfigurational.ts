/**
 * Isoconfigurational ensemble (Widmer-Cooper, Harrowell & Fynewever, PRL 93,
 * 135701 (2004); Fan et al., PRB 105, 104112 (2022), Fig. 3d): M MD runs
 * start from the same configuration, each with fresh Maxwell-Boltzmann
 * velocities at temperature T (seed `seed + m` for run m, momentum removed,
 * rescaled to T exactly: src/md initVelocities) and the same thermostat. For
 * each particle and each recorded time t we return
 *
 *   P_i(t) = (1/M) #{ runs m : |r_i^m(t) - r_i(0)| > d_NN }
 *
 * (Fan et al.: "the probability of having a displacement larger than d_NN at
 * the end of each isoconfigurational run", t = 960 tau, M = 100, d_NN = 0.9),
 * and the dynamic propensity <|r_i(t) - r_i(0)|^2> over the runs.
 * Displacements use unwrapped positions (image flags), Cartesian.
 */
import type { ForceProvider } from '../core/types.ts';
import type { Integrator } from '../md/integrator.ts';
import { nvt } from '../md/nose-hoover-integrator.ts';
import { runMd } from '../md/run.ts';
import type { UnitsName } from '../util/units.ts';
import { initVelocities } from '../md/velocities.ts';
import { cloneSystem, unwrappedPositions, type System } from '../system/system.ts';
import { lineFigure, type PlotlyFigure } from '../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../plot/result.ts';

export interface IsoconfigurationalOptions {
  /** number of runs M */
  runs: number;
  /** temperature of the fresh velocities (temperature unit) */
  temperature: number;
  /** timestep (time unit) */
  dt: number;
  /** step counts (from the start, increasing) at which displacements are recorded; the last one is the run length */
  steps: readonly number[];
  /** nearest-neighbour distance d_NN (length units); Fan et al.: 0.9 */
  dNN: number;
  /** the thermostat/integrator of every run; default Nose-Hoover NVT at `temperature`, Tdamp = 100 dt */
  integrator?: Integrator;
  /** base seed of the velocities (run m uses seed + m), default 1 */
  seed?: number;
  units?: UnitsName;
  onProgress?: (p: { run: number; runs: number; fraction: number }) => void;
  signal?: AbortSignal;
}

export interface IsoconfigurationalResult extends AnalysisResult<'isoconfigurational'> {
  readonly n: number;
  readonly runs: number;
  readonly ids: Int32Array;
  readonly types: Int32Array;
  /** recorded step counts and times (steps * dt) */
  readonly steps: Int32Array;
  readonly times: Float64Array;
  readonly dNN: number;
  /** P_i(t_k), [k * n + i], in [0, 1] */
  readonly probability: Float64Array;
  /** dynamic propensity <|dr_i(t_k)|^2> over runs, [k * n + i] (length^2) */
  readonly propensity: Float64Array;
  /** per recorded time: step,t,mean_probability,mean_propensity */
  table(): TableData;
  /** mean P_i and mean propensity against time */
  figure(): PlotlyFigure;
}

type IsoconfigurationalFields = Omit<IsoconfigurationalResult, 'kind' | 'summary' | 'table' | 'figure' | 'toJSON'>;
const ISO_VERSION = 1;

/** The ensemble's result from its fields (isoconfigurationalEnsemble, loadResult). */
export function makeIsoconfigurationalResult(d: IsoconfigurationalFields): IsoconfigurationalResult {
  const { n } = d;
  const meanAt = (a: Float64Array, k: number) => { let s = 0; for (let i = 0; i < n; i++) s += a[k * n + i]; return s / n; };
  const P = Float64Array.from(d.steps, (_, k) => meanAt(d.probability, k)), Q = Float64Array.from(d.steps, (_, k) => meanAt(d.propensity, k));
  return {
    kind: 'isoconfigurational', ...d,
    summary: () => `isoconfigurational ensemble of ${d.runs} runs, ${n} atoms, ${d.steps.length} times up to t = ${d.times[d.times.length - 1]}; ` +
      `mean P_i(|dr| > ${d.dNN}) at the last time ${P[P.length - 1]}`,
    table: () => ({ columns: ['step', 't', 'mean_probability', 'mean_propensity'], rows: Array.from(d.steps, (st, k) => [st, d.times[k], P[k], Q[k]]) }),
    figure: () => lineFigure([{ name: 'mean P_i', x: d.times, y: P, mode: 'lines+markers' }, { name: 'mean propensity', x: d.times, y: Q, mode: 'lines+markers' }],
      { xTitle: 't [tau]', yTitle: `P_i (|dr| > ${d.dNN}), <|dr|^2>` }),
    toJSON: () => resultJSON('isoconfigurational', ISO_VERSION, d),
  };
}

export function loadIsoconfigurationalResult(json: unknown): IsoconfigurationalResult {
  return makeIsoconfigurationalResult(resultData<IsoconfigurationalFields>(json, 'isoconfigurational', ISO_VERSION));
}

/** Run the isoconfigurational ensemble from `start` (not modified); see the module doc. */
export async function isoconfigurationalEnsemble(
  start: System, provider: ForceProvider, opts: IsoconfigurationalOptions,
): Promise<IsoconfigurationalResult> {
  const who = 'isoconfigurationalEnsemble';
  const M = opts.runs;
  if (!Number.isInteger(M) || M < 1) throw new Error(`${who}: option runs must be an integer >= 1, got ${M}`);
  if (!(opts.dNN > 0)) throw new Error(`${who}: option dNN must be a positive length, got ${opts.dNN}`);
  if (!(opts.temperature > 0)) throw new Error(`${who}: option temperature must be > 0, got ${opts.temperature}`);
  if (!(opts.dt > 0)) throw new Error(`${who}: option dt must be > 0, got ${opts.dt}`);
  const steps = Int32Array.from(opts.steps);
  if (steps.length === 0) throw new Error(`${who}: option steps is empty; give the step counts at which to record displacements`);
  for (let k = 0; k < steps.length; k++) {
    if (!Number.isInteger(opts.steps[k]) || steps[k] < 1 || (k > 0 && steps[k] <= steps[k - 1])) {
      throw new Error(`${who}: option steps must be increasing positive integers, got [${opts.steps.join(', ')}]`);
    }
  }
  const seed = opts.seed ?? 1;
  const integrator = opts.integrator ?? nvt({ Tstart: opts.temperature, Tdamp: 100 * opts.dt });
  const n = start.n, d = start.dim, K = steps.length;
  const origin = cloneSystem(start);
  if (!origin.images) origin.images = new Int32Array(n * d);
  const r0 = unwrappedPositions(origin);
  const dNN2 = opts.dNN * opts.dNN;
  const probability = new Float64Array(K * n), propensity = new Float64Array(K * n);
  const totalSteps = M * steps[K - 1];
  for (let m = 0; m < M; m++) {
    const sys = cloneSystem(origin);
    initVelocities(sys, opts.temperature, seed + m, opts.units ?? 'lj');
    let state: System | Awaited<ReturnType<typeof runMd>>['state'] = sys;
    let done = 0;
    for (let k = 0; k < K; k++) {
      const res = await runMd(state, provider, {
        integrator, dt: opts.dt, steps: steps[k] - done, units: opts.units ?? 'lj', newRun: true,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onProgress ? {
          onProgress: (p: { done: number }) => opts.onProgress!({ run: m, runs: M, fraction: (m * steps[K - 1] + done + p.done) / totalSteps }),
        } : {}),
      });
      if (res.aborted) throw new Error(`${who}: aborted in run ${m + 1} of ${M}`);
      state = res.state;
      done = steps[k];
      const r = unwrappedPositions(res.state.sys);
      for (let i = 0; i < n; i++) {
        let s2 = 0;
        for (let c = 0; c < d; c++) s2 += (r[i * d + c] - r0[i * d + c]) ** 2;
        propensity[k * n + i] += s2;
        if (s2 > dNN2) probability[k * n + i]++;
      }
    }
  }
  for (let q = 0; q < K * n; q++) { probability[q] /= M; propensity[q] /= M; }
  return makeIsoconfigurationalResult({
    n, runs: M, ids: start.ids.slice(), types: start.types.slice(), steps,
    times: Float64Array.from(steps, (s) => s * opts.dt), dNN: opts.dNN, probability, propensity,
  });
}
