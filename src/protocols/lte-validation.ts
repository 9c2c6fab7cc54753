/**
 * Validation of the local thermal energy by dynamics (Zylberg et al., PNAS
 * 114, 7289 (2017), Fig. 2 inset): run NVT MD (Nose-Hoover chains, runMd)
 * from the inherent structure at low temperatures T and measure, for chosen
 * bonds alpha,
 *   (<eps_alpha>_T - eps_alpha^(0)) / (k_B T / 2),
 * which tends to E_alpha (Eq. 3) as T -> 0 (corrections O(T)).
 *
 * Start and statistics. Nose-Hoover barely exchanges energy between the
 * modes of a nearly harmonic solid, so one long run is not a canonical
 * sample. Each of `runs` independent runs therefore starts at the inherent
 * structure with Maxwell velocities at 2T (kinetic energy (N-1) dim k_B T
 * for the (N-1) dim vibrational modes: each mode starts with mean energy
 * k_B T, the canonical mean; to O(T) the shift <eps> - eps0 is linear in the
 * mode energies, so the mean over runs is the canonical one), runs weakly
 * coupled NVT at T (Tdamp 1000 dt by default) and averages eps_alpha every `sampleEvery`
 * steps over the run (many periods of the softest mode). The runs are the
 * blocks of a block average: the error is std(run means) / sqrt(runs).
 * The noise of a sample is
 * ~ |phi'| sqrt(k_B T C) / (k_B T / 2) (the harmonic fluctuation f.u), so the
 * relative error grows as T^-1/2 at fixed run length: use the highest T at
 * which the O(T) corrections are still small.
 *
 * The smooth IPL models (ipl2d, ipl3d) are the right test bed: a force jump
 * at the cutoff (KA truncated and shifted) biases thermal averages.
 * `maxDisplacement` reports how far atoms wandered from the inherent
 * structure (a jump to another basin invalidates the comparison).
 * Units: T in energy units (k_B = 1 in LJ units).
 */
import { createForceProvider } from '../core/force-provider.ts';
import { cellGeometry, pairDelta, wrappedFractional } from '../neighbor/cell-geometry.ts';
import { nvt } from '../md/nose-hoover-integrator.ts';
import { runMd } from '../md/run.ts';
import { initVelocities } from '../md/velocities.ts';
import type { PairPotential } from '../potential/types.ts';
import { cloneSystem, type System } from '../system/system.ts';
import type { LteResult } from '../analysis/lte/lte.ts';
import { lteDynamicsFigure } from '../analysis/lte/figures.ts';
import type { PlotlyFigure } from '../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../plot/result.ts';

export interface LteDynamicsOptions {
  /** temperatures k_B T (energy units) */
  temperatures: readonly number[];
  /** indices into lte.bonds of the bonds to follow */
  bonds: readonly number[];
  /** production steps per run */
  steps: number;
  /** equilibration steps per run before sampling (default 0: the start is already canonical on average, module doc) */
  equilibrationSteps?: number;
  /** independent runs per temperature, the blocks of the error estimate (default 16) */
  runs?: number;
  /** timestep (default 0.005) */
  dt?: number;
  /**
   * thermostat damping time (default 1000 dt: weak coupling; a tight
   * thermostat drains the 2T start before kinetic and potential energy have
   * equilibrated, which biased E low by ~30% in tests)
   */
  Tdamp?: number;
  /** sample eps_alpha every this many steps (default 5) */
  sampleEvery?: number;
  /** neighbour-list skin of the MD force provider (default 0.3) */
  skin?: number;
  /** base random seed (default 1) */
  seed?: number;
  /** AbortSignal forwarded to runMd */
  signal?: AbortSignal;
}

export interface LteDynamicsResult extends AnalysisResult<'lte-dynamics'> {
  readonly temperatures: Float64Array;
  /** the followed bonds (indices into lte.bonds) */
  readonly bonds: Int32Array;
  /** E_alpha of the followed bonds (Eq. 3) */
  readonly exact: Float64Array;
  /** (<eps>_T - eps^(0)) / (T/2), row-major [temperature][bond] */
  readonly measured: Float64Array;
  /** its standard error (block averaging), same layout */
  readonly error: Float64Array;
  /** largest displacement of an atom from the inherent structure seen at each temperature */
  readonly maxDisplacement: Float64Array;
  /** per temperature and bond: T,bond,exact,measured,error */
  table(): TableData;
  /** measured against T with error bars, the exact E_alpha as lines (Fig. 2 inset) */
  figure(): PlotlyFigure;
}

type LteDynamicsFields = Omit<LteDynamicsResult, 'kind' | 'summary' | 'table' | 'figure' | 'toJSON'>;
const LTE_DYNAMICS_VERSION = 1;

/** The MD validation's result from its fields (lteByDynamics, loadResult). */
export function makeLteDynamicsResult(d: LteDynamicsFields): LteDynamicsResult {
  const nb = d.bonds.length, nT = d.temperatures.length;
  let worst = 0;
  for (let t = 0; t < nT; t++) for (let k = 0; k < nb; k++) {
    const e = d.error[t * nb + k];
    if (e > 0) worst = Math.max(worst, Math.abs(d.measured[t * nb + k] - d.exact[k]) / e);
  }
  return {
    kind: 'lte-dynamics', ...d,
    summary: () => `E_alpha of ${nb} bond(s) measured by MD at ${nT} temperature(s); largest |measured - exact| ${worst} standard errors`,
    table: () => ({
      columns: ['T', 'bond', 'exact', 'measured', 'error'],
      rows: Array.from({ length: nT * nb }, (_, q) => { const t = Math.floor(q / nb), k = q % nb; return [d.temperatures[t], d.bonds[k], d.exact[k], d.measured[q], d.error[q]]; }),
    }),
    figure: () => lteDynamicsFigure(d),
    toJSON: () => resultJSON('lte-dynamics', LTE_DYNAMICS_VERSION, d),
  };
}

export function loadLteDynamicsResult(json: unknown): LteDynamicsResult {
  return makeLteDynamicsResult(resultData<LteDynamicsFields>(json, 'lte-dynamics', LTE_DYNAMICS_VERSION));
}

/** MD measurement of E_alpha for chosen bonds (module doc). */
export async function lteByDynamics(sys: System, pot: PairPotential, lte: LteResult, opts: LteDynamicsOptions): Promise<LteDynamicsResult> {
  const nb = opts.bonds.length, nT = opts.temperatures.length;
  const runs = opts.runs ?? 16, every = opts.sampleEvery ?? 5, dt = opts.dt ?? 0.005;
  const eq = opts.equilibrationSteps ?? 0;
  if (!(Number.isInteger(opts.steps) && opts.steps >= every)) throw new Error(`lteByDynamics: option steps (${opts.steps}) must be an integer >= sampleEvery = ${every}`);
  if (!(Number.isInteger(runs) && runs >= 2)) throw new Error(`lteByDynamics: option runs must be an integer >= 2 (the error is the spread between runs), got ${runs}`);
  for (const b of opts.bonds) if (!(Number.isInteger(b) && b >= 0 && b < lte.bonds.count)) throw new Error(`lteByDynamics: bond index ${b} is not in [0, ${lte.bonds.count})`);
  for (const T of opts.temperatures) if (!(T > 0)) throw new Error(`lteByDynamics: temperatures must be > 0, got ${T}`);
  const bi = Int32Array.from(opts.bonds, (b) => lte.bonds.i[b]), bj = Int32Array.from(opts.bonds, (b) => lte.bonds.j[b]);
  const eps0 = Float64Array.from(opts.bonds, (b) => lte.bonds.radial[4 * b]);
  const measured = new Float64Array(nT * nb), error = new Float64Array(nT * nb), maxDisplacement = new Float64Array(nT);
  const provider = createForceProvider(pot, { skin: opts.skin ?? 0.3 });
  const g = cellGeometry(sys.box), v = new Float64Array(3), rad = new Float64Array(4);
  const ref = wrappedFractional(sys);

  for (let t = 0; t < nT; t++) {
    const T = opts.temperatures[t];
    const blockMeans: number[][] = Array.from({ length: nb }, () => []);
    for (let run = 0; run < runs; run++) {
      const s = cloneSystem(sys);
      // kinetic energy of 2T from the minimum: every mode starts with mean energy k_B T (module doc)
      initVelocities(s, 2 * T, (opts.seed ?? 1) + 7919 * run + 104729 * t);
      const integrator = nvt({ Tstart: T, Tdamp: opts.Tdamp ?? 1000 * dt });
      const warm = await runMd(s, provider, { integrator, dt, steps: eq, signal: opts.signal });
      const samples: number[][] = Array.from({ length: nb }, () => []);
      const observer = {
        every,
        observe(state: { sys: System }) {
          const f = wrappedFractional(state.sys);
          for (let k = 0; k < nb; k++) {
            pairDelta(g, f, bi[k], bj[k], v);
            pot.radial(state.sys.types[bi[k]], state.sys.types[bj[k]], Math.hypot(v[0], v[1], v[2]), rad);
            samples[k].push(rad[0]);
          }
          for (let i = 0; i < sys.n; i++) {
            // displacement from the inherent structure through the minimum image of the pair (i in the IS, i now)
            const d = displacementFromReference(g, ref, f, i, v);
            if (d > maxDisplacement[t]) maxDisplacement[t] = d;
          }
        },
      };
      await runMd(warm.state, provider, { integrator, dt, steps: opts.steps, observers: [observer], newRun: true, signal: opts.signal });
      for (let k = 0; k < nb; k++) blockMeans[k].push(samples[k].reduce((a, b) => a + b, 0) / samples[k].length);
    }
    for (let k = 0; k < nb; k++) {
      const bm = blockMeans[k], B = bm.length;
      const mean = bm.reduce((a, b) => a + b, 0) / B;
      const varB = bm.reduce((a, b) => a + (b - mean) ** 2, 0) / (B - 1);
      measured[t * nb + k] = (mean - eps0[k]) / (T / 2);
      error[t * nb + k] = Math.sqrt(varB / B) / (T / 2);
    }
  }
  return makeLteDynamicsResult({
    temperatures: Float64Array.from(opts.temperatures), bonds: Int32Array.from(opts.bonds),
    exact: Float64Array.from(opts.bonds, (b) => lte.lte[b]), measured, error, maxDisplacement,
  });
}

/** |minimum image of (x_i now - x_i in the reference)| from wrapped fractional coordinates. */
function displacementFromReference(g: ReturnType<typeof cellGeometry>, ref: Float64Array, now: Float64Array, i: number, v: Float64Array): number {
  let sx = now[3 * i] - ref[3 * i], sy = now[3 * i + 1] - ref[3 * i + 1], sz = now[3 * i + 2] - ref[3 * i + 2];
  sx -= g.wrap[0] * Math.floor(sx + 0.5); sy -= g.wrap[1] * Math.floor(sy + 0.5); sz -= g.wrap[2] * Math.floor(sz + 0.5);
  v[0] = g.lx * sx + g.xy * sy + g.xz * sz; v[1] = g.ly * sy + g.yz * sz; v[2] = g.lz * sz;
  return g.dim === 2 ? Math.hypot(v[0], v[1]) : Math.hypot(v[0], v[1], v[2]);
}
