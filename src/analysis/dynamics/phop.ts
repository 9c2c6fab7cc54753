/**
 * p_hop, the cage-jump indicator of Candelier, Dauchot & Biroli (PRL 102,
 * 088001 (2009)) and Candelier et al. (PRL 105, 135702 (2010)), as used by
 * Sharma, Nandi & Bhattacharyya, PRE 105, 065309 (2022), Eq. 2 / (A1):
 *
 *     p_hop(i,t) = sqrt( <(r_i - <r_i>_U)^2>_V  <(r_i - <r_i>_V)^2>_U )      [length^2]
 *
 * with U = [t - Dt/2, t] and V = [t, t + Dt/2] (Dt = 15 tau by default).
 * <.>_U, <.>_V are averages over the frames in U and V: a product of means,
 * not a mean of products.
 *
 * Units, decided by reproducing the paper's thresholds: the PRE prints Eq. 2
 * with an extra 1/2 power on each factor, which would make p_hop a length
 * (the fourth root of the product). Their threshold p_c is "the mean squared
 * displacement <Dr(t)^2> at the time t* of the maximum of alpha_2", a
 * length^2. Our Kob-Andersen runs (src/md, N = 1000, rho = 1.2, NVT,
 * dt = 0.005, frames every 0.05 tau (0.1 at T = 0.58), every time origin;
 * all particles; `glasslab dynamics prod.dump --out dyn.csv` prints it) give
 *     T = 0.8:   p_c = MSD(t*) = 0.155 sigma^2 (t* = 2.8 tau)    paper 0.178
 *     T = 0.7:   p_c = MSD(t*) = 0.163 sigma^2 (t* = 5.3 tau)    paper 0.159
 *     T = 0.58:  p_c = MSD(t*) = 0.157 sigma^2 (t* = 13.0 tau)   paper 0.141
 * (alpha_2 is flat at its maximum: at T = 0.8 it stays within 1% of it from
 * t = 2.1 to 3.5, where the MSD runs from 0.13 to 0.18). The magnitude
 * matches; the paper's decrease of p_c on cooling is not reproduced (N =
 * 1000 against their 4000, dt 0.005 against 0.0025). sqrt(MSD(t*)) = 0.39
 * to 0.40 sigma is 2.2 to 2.8 times the paper's values at every T.
 * With p_hop in sigma^2, a caged particle sits at the cage variance: at
 * T = 0.58 (window 15 tau) the median p_hop is 0.048 sigma^2 and 9.7% of
 * particle-frames exceed p_c; the fourth-root form (PRE Eq. 2 as printed)
 * exceeds p_c in 89% of them (100% at T = 0.8), flagging caged particles.
 * So p_hop here is Candelier's original length^2 form, compared with
 * p_c = MSD(t*) in sigma^2 (`form: 'sqrt'` returns the square root, the
 * literal PRE Eq. 2, in length units).
 *
 * Frames: linearly spaced (the window is a number of frames w = round(Dt /
 * frame spacing), at least 2). U holds the hU + 1 frames t - hU .. t and V
 * the hV + 1 frames t .. t + hV, hU = floor(w/2), hV = w - hU (both include
 * frame t, as the paper's closed intervals; for odd w V is one frame
 * longer). p_hop is defined for frames hU <= t <= nFrames - 1 - hV, NaN at
 * the edges where a window would leave the trajectory.
 *
 * The fast path uses prefix sums of r and |r|^2 per particle (O(N T d),
 * independent of the window), in blocks of particles for cache locality,
 * with positions taken relative to each particle's first frame to keep the
 * sums' cancellation small.
 */
import { lineFigure, type PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';
import { isLinearSpacing, type TrajectoryFrames } from './frames.ts';
import type { SelfDynamicsResult } from './dynamics.ts';

export interface PhopOptions {
  /** window Dt in time units (default 15 tau) */
  window?: number;
  /** or the window in frames (overrides `window`) */
  windowFrames?: number;
  /** 'squared' (default): Candelier's length^2 p_hop; 'sqrt': its square root (PRE Eq. 2 as printed), length */
  form?: 'squared' | 'sqrt';
}

export interface PhopResult extends AnalysisResult<'phop-values'> {
  readonly n: number;
  readonly nFrames: number;
  /** frame times */
  readonly times: Float64Array;
  readonly ids: Int32Array;
  readonly types: Int32Array;
  /** window in frames and its halves: U = [t - hU, t], V = [t, t + hV] */
  readonly windowFrames: number;
  readonly hU: number;
  readonly hV: number;
  /** window in time units (windowFrames * frame spacing) */
  readonly window: number;
  readonly form: 'squared' | 'sqrt';
  /** p_hop[f*n + i], NaN where undefined (edges) */
  readonly values: Float64Array;
  /** first and last frame where p_hop is defined */
  readonly firstFrame: number;
  readonly lastFrame: number;
  /** p_hop of atom i over time */
  trace(i: number): Float64Array;
  /** traces of a few atoms (default the 4 with the largest p_hop), optionally with a threshold line */
  figure(opts?: { atoms?: number[]; pc?: number }): PlotlyFigure;
  /** per atom: id,type,max_phop,t_max (the largest p_hop where the window fits, and its time) */
  table(): TableData;
}

const PHOP_VALUES_VERSION = 1;

/** A saved PhopResult (toJSON) -> the result. */
export function loadPhopResult(json: unknown): PhopResult {
  const d = resultData<Omit<PhopResult, 'kind' | 'trace' | 'figure' | 'table' | 'summary' | 'toJSON'>>(json, 'phop-values', PHOP_VALUES_VERSION);
  return makePhopResult(d, d.values, d.windowFrames, d.hU, d.hV, d.window, d.form);
}

/** Window in frames for a window in time units on frames with this spacing. */
export function phopWindowFrames(frames: Pick<TrajectoryFrames, 'times' | 'source'>, window: number): number {
  const T = frames.times.length;
  if (!(window > 0)) throw new Error(`p_hop: window must be positive, got ${window}`);
  if (T < 2) throw new Error(`${frames.source}: p_hop needs at least 3 frames, the trajectory has ${T}`);
  if (!isLinearSpacing(frames.times)) throw new Error(`${frames.source}: p_hop needs linearly spaced frames (the window is a number of frames); these are not`);
  const spacing = (frames.times[T - 1] - frames.times[0]) / (T - 1);
  return Math.round(window / spacing);
}

function checkWindow(frames: TrajectoryFrames, w: number): void {
  const T = frames.nFrames;
  const span = T > 1 ? frames.times[T - 1] : 0;
  if (!Number.isInteger(w) || w < 2) throw new Error(`p_hop: the window must cover at least 2 frames, got ${w}; make it longer or the frames denser`);
  if (w > T - 1) {
    throw new Error(`${frames.source}: the p_hop window of ${w} frames is longer than the trajectory (${T} frames, ${span} time units); ` +
      'shorten the window or use a longer trajectory');
  }
}

/** p_hop of every particle at every frame (fast prefix-sum version; see the module comment). */
export function computePhop(frames: TrajectoryFrames, opts: PhopOptions = {}): PhopResult {
  const w = opts.windowFrames ?? phopWindowFrames(frames, opts.window ?? 15);
  checkWindow(frames, w);
  const form = opts.form ?? 'squared';
  const { n, dim, nFrames: T, positions: X } = frames;
  const hU = Math.floor(w / 2), hV = w - hU;
  const values = new Float64Array(T * n).fill(NaN);
  const BLOCK = 64;
  const bw = BLOCK * dim;
  // prefix sums for a block: P1[(f)*bw + j*dim + d] = sum_{g<f} x, P2[f*BLOCK + j] = sum_{g<f} |x|^2
  const P1 = new Float64Array((T + 1) * bw), P2 = new Float64Array((T + 1) * BLOCK);
  const nu = hU + 1, nv = hV + 1;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const m = Math.min(BLOCK, n - i0);
    for (let f = 0; f < T; f++) {
      const src = f * n * dim, base = i0 * dim;
      for (let j = 0; j < m; j++) {
        let q = 0;
        for (let d = 0; d < dim; d++) {
          const x = X[src + base + j * dim + d] - X[base + j * dim + d];
          P1[(f + 1) * bw + j * dim + d] = P1[f * bw + j * dim + d] + x;
          q += x * x;
        }
        P2[(f + 1) * BLOCK + j] = P2[f * BLOCK + j] + q;
      }
    }
    for (let t = hU; t + hV < T; t++) {
      const u0 = t - hU, u1 = t + 1, v0 = t, v1 = t + hV + 1; // half-open prefix ranges
      for (let j = 0; j < m; j++) {
        const x2U = (P2[u1 * BLOCK + j] - P2[u0 * BLOCK + j]) / nu;
        const x2V = (P2[v1 * BLOCK + j] - P2[v0 * BLOCK + j]) / nv;
        // <(r - mU)^2>_V = <r^2>_V - 2 mU.mV + |mU|^2, and symmetrically
        let mUmV = 0, mU2 = 0, mV2 = 0;
        for (let d = 0; d < dim; d++) {
          const mU = (P1[u1 * bw + j * dim + d] - P1[u0 * bw + j * dim + d]) / nu;
          const mV = (P1[v1 * bw + j * dim + d] - P1[v0 * bw + j * dim + d]) / nv;
          mUmV += mU * mV;
          mU2 += mU * mU;
          mV2 += mV * mV;
        }
        const A = Math.max(0, x2V - 2 * mUmV + mU2);
        const B = Math.max(0, x2U - 2 * mUmV + mV2);
        const p = Math.sqrt(A * B);
        values[t * n + i0 + j] = form === 'sqrt' ? Math.sqrt(p) : p;
      }
    }
  }
  const spacing = T > 1 ? frames.times[T - 1] / (T - 1) : 0;
  return makePhopResult(frames, values, w, hU, hV, w * spacing, form);
}

/** A PhopResult from its values (computePhop; loadResult rebuilds a saved one with it). */
export function makePhopResult(frames: Pick<TrajectoryFrames, 'n' | 'nFrames' | 'times' | 'ids' | 'types'>, values: Float64Array, w: number, hU: number, hV: number, window: number, form: 'squared' | 'sqrt'): PhopResult {
  const { n, nFrames: T, times } = frames;
  const trace = (i: number) => Float64Array.from({ length: T }, (_, f) => values[f * n + i]);
  const data = {
    n, nFrames: T, times, ids: frames.ids, types: frames.types, windowFrames: w, hU, hV, window, form, values,
    firstFrame: hU, lastFrame: T - 1 - hV,
  };
  const peakOf = (i: number): [number, number] => {
    let mx = -Infinity, fm = hU;
    for (let f = hU; f < T - hV; f++) if (values[f * n + i] > mx) { mx = values[f * n + i]; fm = f; }
    return [mx, fm];
  };
  return {
    kind: 'phop-values', ...data,
    trace,
    summary: () => `p_hop (${form}) of ${n} atoms on ${T} frames, window ${w} frames (${window} time units); defined for t in [${times[hU]}, ${times[T - 1 - hV]}]`,
    table: () => ({
      columns: ['id', 'type', 'max_phop', 't_max'],
      rows: Array.from({ length: n }, (_, i) => { const [mx, fm] = peakOf(i); return [frames.ids[i], frames.types[i], mx, times[fm]]; }),
    }),
    toJSON: () => resultJSON('phop-values', PHOP_VALUES_VERSION, data),
    figure(opts = {}) {
      let atoms = opts.atoms;
      if (!atoms) {
        const peak = Array.from({ length: n }, (_, i) => {
          let mx = -Infinity;
          for (let f = hU; f < T - hV; f++) mx = Math.max(mx, values[f * n + i]);
          return [mx, i] as const;
        }).sort((x, y) => y[0] - x[0]);
        atoms = peak.slice(0, Math.min(4, n)).map(([, i]) => i);
      }
      const series = atoms.map((i) => ({ name: `id ${frames.ids[i]} (type ${frames.types[i]})`, x: times.subarray(hU, T - hV), y: trace(i).subarray(hU, T - hV) }));
      if (opts.pc !== undefined) series.push({ name: `p_c = ${opts.pc}`, x: Float64Array.of(times[hU], times[T - 1 - hV]), y: Float64Array.of(opts.pc, opts.pc) });
      return lineFigure(series, { xTitle: 't [tau]', yTitle: form === 'squared' ? 'p_hop [sigma^2]' : 'p_hop [sigma]' });
    },
  };
}

/**
 * The threshold p_c = MSD(t*) at the alpha_2 maximum (length^2; see the
 * module comment), from selfDynamics of all atoms (type 0) or of one type.
 * `source` (the trajectory's file) prefixes the error when alpha_2 has no
 * maximum in the first half of the lags.
 */
export function phopThreshold(dyn: SelfDynamicsResult, type = 0, source?: string): { pc: number; tStar: number; alpha2Max: number } {
  const s = dyn.get(type);
  const pk = s.alpha2Peak;
  if (!Number.isFinite(pk.t)) {
    const tEnd = dyn.t.length > 0 ? dyn.t[dyn.t.length - 1] : 0;
    throw new Error(`${source ?? 'p_c'}: p_c: alpha_2 of ${s.label} has no maximum before t = ${tEnd / 2} (half the longest lag, ${dyn.t.length} lags): ` +
      'the trajectory is too short (or too coarse) to hold the alpha_2 peak; use a longer trajectory or more frames, or give p_c yourself (phop --pc VALUE)');
  }
  return { pc: pk.msd, tStar: pk.t, alpha2Max: pk.alpha2 };
}

/** One rearrangement: a maximal run of consecutive frames with p_hop > p_c. */
export interface HopEvent {
  /** atom index (frame order) */
  atom: number;
  id: number;
  type: number;
  frameStart: number;
  frameEnd: number;
  tStart: number;
  tEnd: number;
  maxPhop: number;
  /** time of the maximum */
  tMax: number;
}

/** Rearrangement events (runs of p_hop > pc) of all atoms, ordered by atom then time, and the count per atom. */
export function hopEvents(ph: PhopResult, pc: number): { events: HopEvent[]; perAtom: Int32Array } {
  if (!Number.isFinite(pc)) throw new Error(`p_hop events: threshold p_c must be a number, got ${pc}`);
  const { n, times, values } = ph;
  const events: HopEvent[] = [];
  const perAtom = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let open = -1, mx = -Infinity, fmx = -1;
    for (let f = ph.firstFrame; f <= ph.lastFrame + 1; f++) {
      const above = f <= ph.lastFrame && values[f * n + i] > pc;
      if (above) {
        if (open < 0) { open = f; mx = -Infinity; }
        if (values[f * n + i] > mx) { mx = values[f * n + i]; fmx = f; }
      } else if (open >= 0) {
        events.push({ atom: i, id: ph.ids[i], type: ph.types[i], frameStart: open, frameEnd: f - 1, tStart: times[open], tEnd: times[f - 1], maxPhop: mx, tMax: times[fmx] });
        perAtom[i]++;
        open = -1;
      }
    }
  }
  return { events, perAtom };
}
