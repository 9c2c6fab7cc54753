/**
 * Self dynamics of a trajectory (frames of unwrapped positions,
 * src/analysis/frames.ts), per species and for any subset of atoms:
 *
 * - mean squared displacement  MSD(t) = < |r_i(t0+t) - r_i(t0)|^2 >            [length^2]
 * - non-Gaussian parameter     alpha_2(t) = d <dr^4> / ((d+2) <dr^2>^2) - 1    (d = dimension;
 *   3 <dr^4>/(5 <dr^2>^2) - 1 in 3D as written in Sharma et al., PRE 105, 065309 (2022) Sec. II)
 * - overlap                    q(t) = < Theta(a - |dr_i|) >, a = 0.3 sigma by default,
 *   and tau_alpha where q first falls to 1/e (interpolated linearly in ln t)
 * - self-intermediate scattering F_s(k,t) = < sin(k|dr|)/(k|dr|) > in 3D and < J0(k|dr|) > in 2D:
 *   the exact isotropic average of cos(k.dr) over all directions of a wave vector of
 *   magnitude k (no box wave vectors, so any k is allowed; default 7.25, near the first
 *   peak of S(q) of the Kob-Andersen A particles at rho = 1.2)
 * - softness autocorrelation C_S(t), softness propagator G(S, S0, t) and q(S, t) by softness
 *   group, for a per-particle, per-frame field S given as input (`field[f*n + i]`).
 *
 * Averages <.> run over the selected atoms and over time origins t0:
 * linearly spaced frames use every origin for each lag (or `maxOrigins`
 * evenly spaced ones); log-spaced (or any irregular) frames use every pair
 * of frames whose time difference equals the lag (times within 1e-6
 * relative are one lag). The lags of linear frames are all frame lags
 * (`lags: 'all'`), about `pointsPerDecade` per decade (`'log'`, the default
 * above 200 frames) or the frame lags given.
 *
 * All results are in the model's units: time as the frames' times (tau in
 * LJ units), length as the positions (sigma).
 */
import { lineFigure, type PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult } from '../../plot/result.ts';
import { isLinearSpacing, type TrajectoryFrames } from './frames.ts';
import { binIndex } from '../statistics/histogram.ts';

// ---------------------------------------------------------------------------
// Atom selection

/** Which atoms: all (undefined), some types, a boolean mask over atoms, or a list of atom indices (0-based, frame order). */
export type AtomSelection =
  | undefined
  | { types: readonly number[] }
  | { mask: ArrayLike<boolean | number> }
  | { indices: ArrayLike<number> };

/** Boolean membership (1/0) of each atom in a selection. */
export function selectionMask(frames: Pick<TrajectoryFrames, 'n' | 'types'>, sel: AtomSelection): Uint8Array {
  const n = frames.n;
  const m = new Uint8Array(n);
  if (sel === undefined) return m.fill(1);
  if ('types' in sel) {
    const ok = new Set(sel.types);
    for (let i = 0; i < n; i++) m[i] = ok.has(frames.types[i]) ? 1 : 0;
  } else if ('mask' in sel) {
    if (sel.mask.length !== n) throw new Error(`selection mask has ${sel.mask.length} entries for ${n} atoms`);
    for (let i = 0; i < n; i++) m[i] = sel.mask[i] ? 1 : 0;
  } else {
    for (let k = 0; k < sel.indices.length; k++) {
      const i = sel.indices[k];
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`selection index ${i} is not an atom index in 0..${n - 1}`);
      m[i] = 1;
    }
  }
  return m;
}

// ---------------------------------------------------------------------------
// Lags and time origins

export interface LagOptions {
  /** linear frames: 'all' frame lags, 'log' (about pointsPerDecade per decade) or the frame lags to use; default 'log' above 200 frames */
  lags?: 'all' | 'log' | readonly number[];
  /** density of 'log' lags (default 10) */
  pointsPerDecade?: number;
  /** linear frames: at most this many time origins per lag, evenly spaced (default: all) */
  maxOrigins?: number;
}

/**
 * The (origin, end) frame pairs averaged at each lag. Lag l has time
 * `times[l]` and pairs `a[p], b[p]` for p in [start[l], start[l+1]).
 */
export interface LagPlan {
  readonly times: Float64Array;
  readonly start: Int32Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** frame lag of each lag (linear frames), or null */
  readonly frameLags: Int32Array | null;
}

/** Frame lags 0, 1, ... up to maxLag, about `perDecade` per decade, unique. */
export function logFrameLags(maxLag: number, perDecade = 10): number[] {
  const out = new Set<number>([0]);
  if (maxLag >= 1) {
    const decades = Math.log10(maxLag);
    const steps = Math.ceil(decades * perDecade);
    for (let j = 0; j <= steps; j++) out.add(Math.min(maxLag, Math.round(10 ** (j / perDecade))));
    out.add(maxLag);
  }
  return [...out].sort((x, y) => x - y);
}

/** Build the lag plan of a set of frame times (see LagOptions). */
export function lagPlan(times: ArrayLike<number>, opts: LagOptions = {}): LagPlan {
  const T = times.length;
  if (T < 1) throw new Error('lagPlan: no frames');
  if (isLinearSpacing(times)) {
    const spacing = T > 1 ? (times[T - 1] - times[0]) / (T - 1) : 0;
    let lags: number[];
    const want = opts.lags ?? (T > 200 ? 'log' : 'all');
    if (want === 'all') lags = Array.from({ length: T }, (_, k) => k);
    else if (want === 'log') lags = logFrameLags(T - 1, opts.pointsPerDecade ?? 10);
    else {
      lags = [...new Set(want)].sort((x, y) => x - y);
      for (const l of lags) if (!Number.isInteger(l) || l < 0 || l >= T) throw new Error(`lag ${l} frames is not in 0..${T - 1}`);
    }
    const maxO = opts.maxOrigins ?? Infinity;
    const a: number[] = [], b: number[] = [];
    const start = new Int32Array(lags.length + 1);
    lags.forEach((l, k) => {
      const nO = T - l;
      const use = Math.min(nO, maxO);
      for (let j = 0; j < use; j++) {
        const o = use === nO ? j : Math.round((j * (nO - 1)) / Math.max(1, use - 1));
        a.push(o);
        b.push(o + l);
      }
      start[k + 1] = a.length;
    });
    return {
      times: Float64Array.from(lags, (l) => l * spacing), start, a: Int32Array.from(a), b: Int32Array.from(b),
      frameLags: Int32Array.from(lags),
    };
  }
  if (Array.isArray(opts.lags)) throw new Error('lagPlan: frame lags can be chosen for linearly spaced frames only; these frames are log-spaced');
  // irregular frames: every pair, grouped by equal time difference
  const pairs: [number, number, number][] = [[0, 0, 0]];
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) pairs.push([times[j] - times[i], i, j]);
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const lagT: number[] = [], start: number[] = [0], a: number[] = [], b: number[] = [];
  let ref = NaN;
  for (const [dt, i, j] of pairs) {
    if (!(Math.abs(dt - ref) <= 1e-6 * Math.max(Math.abs(ref), 1e-300))) {
      if (a.length > 0) start.push(a.length);
      lagT.push(dt);
      ref = dt;
    }
    a.push(i);
    b.push(j);
  }
  start.push(a.length);
  return { times: Float64Array.from(lagT), start: Int32Array.from(start), a: Int32Array.from(a), b: Int32Array.from(b), frameLags: null };
}

// ---------------------------------------------------------------------------
// The one pass over (origin, end, atom)

/** Group of an atom: fixed (per atom) or decided at each time origin (per frame and atom); -1 = left out. */
type Grouping = { perAtom: Int32Array } | { perFrame: Int32Array };

interface SelfSums {
  nGroups: number;
  nLags: number;
  /** [g*nLags + l] sums over pairs and atoms */
  count: Float64Array;
  r2: Float64Array;
  r4: Float64Array;
  overlap: Float64Array;
  fs: Float64Array;
}

/**
 * sin(x)/x for x >= 0: the 3D isotropic average of cos(k.r) at x = k|r|.
 * fdlibm's range reduction (x = n pi/2 + y, Cody-Waite with a 33-bit pi/2,
 * exact for x < 2^19) and its sin/cos kernel polynomials on |y| <= pi/4,
 * inlined: within a few ulp of Math.sin(x)/x and several times faster than
 * Math.sin in V8, which dominates the cost of F_s.
 */
export function sinc(x: number): number {
  if (x < 1e-4) return 1 - (x * x) / 6;
  if (!(x < 524288)) return Math.sin(x) / x;
  const n = Math.floor(x * 6.36619772367581382433e-01 + 0.5);
  const y = x - n * 1.57079632673412561417e+00 - n * 6.07710050650619224932e-11;
  const z = y * y;
  let v: number;
  if ((n & 1) === 0) {
    v = y + z * y * (-1.66666666666666324348e-01 + z * (8.33333333332248946124e-03 + z * (-1.98412698298579493134e-04 +
      z * (2.75573137070700676789e-06 + z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)))));
  } else {
    v = 1 - 0.5 * z + z * z * (4.16666666666666019037e-02 + z * (-1.38888888888741095749e-03 + z * (2.48015872894767294178e-05 +
      z * (-2.75573143513906633035e-07 + z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11)))));
  }
  return ((n & 2) === 0 ? v : -v) / x;
}

/** 2D isotropic average of cos(k.r): Bessel J0 (Numerical Recipes rational approximations, |error| < 1e-8). */
export function besselJ0(x: number): number {
  const ax = Math.abs(x);
  if (ax < 8) {
    const y = x * x;
    const p = 57568490574.0 + y * (-13362590354.0 + y * (651619640.7 + y * (-11214424.18 + y * (77392.33017 + y * -184.9052456))));
    const q = 57568490411.0 + y * (1029532985.0 + y * (9494680.718 + y * (59272.64853 + y * (267.8532712 + y))));
    return p / q;
  }
  const z = 8 / ax, y = z * z, xx = ax - 0.785398164;
  const p = 1 + y * (-0.1098628627e-2 + y * (0.2734510407e-4 + y * (-0.2073370639e-5 + y * 0.2093887211e-6)));
  const q = -0.1562499995e-1 + y * (0.1430488765e-3 + y * (-0.6911147651e-5 + y * (0.7621095161e-6 - y * 0.934935152e-7)));
  return Math.sqrt(0.636619772 / ax) * (Math.cos(xx) * p - z * Math.sin(xx) * q);
}

/**
 * Counting sort of atoms by group, for each of `rows` rows of `G` (length
 * rows*n): `order[r*n + ...]` lists the atoms of group 0, then 1, ...,
 * between `starts[r*(nGroups+1) + g]` and the next start; atoms of group -1 are left out.
 */
function groupLists(G: Int32Array, rows: number, n: number, nGroups: number): { order: Int32Array; starts: Int32Array } {
  const order = new Int32Array(rows * n), starts = new Int32Array(rows * (nGroups + 1));
  const fill = new Int32Array(nGroups);
  for (let r = 0; r < rows; r++) {
    const s0 = r * (nGroups + 1);
    for (let i = 0; i < n; i++) { const g = G[r * n + i]; if (g >= 0) starts[s0 + g + 1]++; }
    for (let g = 0; g < nGroups; g++) { starts[s0 + g + 1] += starts[s0 + g]; fill[g] = starts[s0 + g]; }
    for (let i = 0; i < n; i++) { const g = G[r * n + i]; if (g >= 0) order[r * n + fill[g]++] = i; }
  }
  return { order, starts };
}

function accumulateSelf(frames: TrajectoryFrames, plan: LagPlan, grouping: Grouping, nGroups: number, a: number, k: number, withFs: boolean): SelfSums {
  const { n, dim, positions: X } = frames;
  const nLags = plan.times.length;
  const size = nGroups * nLags;
  const S: SelfSums = {
    nGroups, nLags,
    count: new Float64Array(size), r2: new Float64Array(size), r4: new Float64Array(size),
    overlap: new Float64Array(size), fs: new Float64Array(size),
  };
  const a2 = a * a;
  const c = new Float64Array(nGroups), s2 = new Float64Array(nGroups), s4 = new Float64Array(nGroups);
  const so = new Float64Array(nGroups), sf = new Float64Array(nGroups);
  // the atoms of each group listed contiguously (once, or per origin frame for a per-frame
  // grouping), so that the inner loop keeps its sums in registers
  const perFrame = 'perFrame' in grouping;
  const { order, starts } = groupLists(perFrame ? grouping.perFrame : grouping.perAtom, perFrame ? frames.nFrames : 1, n, nGroups);
  const fsMode = !withFs ? 0 : dim === 3 ? 3 : 2;
  const three = dim === 3;
  for (let l = 0; l < nLags; l++) {
    c.fill(0); s2.fill(0); s4.fill(0); so.fill(0); sf.fill(0);
    for (let p = plan.start[l]; p < plan.start[l + 1]; p++) {
      const fa = plan.a[p];
      const oa = fa * n * dim, ob = plan.b[p] * n * dim;
      const row = perFrame ? fa : 0;
      const o0 = row * n, s0 = row * (nGroups + 1);
      for (let g = 0; g < nGroups; g++) {
        let cc = 0, q2 = 0, q4 = 0, qo = 0, qf = 0;
        const end = starts[s0 + g + 1];
        for (let idx = starts[s0 + g]; idx < end; idx++) {
          const i = order[o0 + idx];
          const ia = oa + i * dim, ib = ob + i * dim;
          const dx = X[ib] - X[ia], dy = X[ib + 1] - X[ia + 1];
          let r2 = dx * dx + dy * dy;
          if (three) { const dz = X[ib + 2] - X[ia + 2]; r2 += dz * dz; }
          cc++;
          q2 += r2;
          q4 += r2 * r2;
          if (r2 < a2) qo++;
          if (fsMode === 3) {
            qf += sinc(k * Math.sqrt(r2));
          } else if (fsMode === 2) qf += besselJ0(k * Math.sqrt(r2));
        }
        c[g] += cc; s2[g] += q2; s4[g] += q4; so[g] += qo; sf[g] += qf;
      }
    }
    for (let g = 0; g < nGroups; g++) {
      const at = g * nLags + l;
      S.count[at] = c[g]; S.r2[at] = s2[g]; S.r4[at] = s4[g]; S.overlap[at] = so[g]; S.fs[at] = sf[g];
    }
  }
  return S;
}

// ---------------------------------------------------------------------------
// Derived quantities of one series

/** Time where the series first falls to `level` (linear interpolation in ln t; linear in t from t = 0); NaN if it never does. */
export function firstCrossing(t: ArrayLike<number>, y: ArrayLike<number>, level: number): number {
  for (let l = 1; l < t.length; l++) {
    if (y[l] <= level && y[l - 1] > level) {
      const f = (y[l - 1] - level) / (y[l - 1] - y[l]);
      if (t[l - 1] > 0) return Math.exp(Math.log(t[l - 1]) + f * (Math.log(t[l]) - Math.log(t[l - 1])));
      return t[l - 1] + f * (t[l] - t[l - 1]);
    }
  }
  return NaN;
}

/**
 * Maximum of alpha_2 over 0 < t <= tMax: the lag index, its time refined by
 * a least-squares parabola in ln t through the samples within a factor 1.65
 * of the largest one (and at least its two neighbours), the peak value and
 * the MSD there (log-log interpolation). selfDynamics searches up to half the longest lag:
 * the last lags average over few time origins and their noisy alpha_2 must
 * not pass for the peak.
 */
export interface Alpha2Peak {
  /** time of the maximum (model time units) */
  t: number;
  alpha2: number;
  /** MSD at that time (log-log interpolation), length^2 */
  msd: number;
  /** lag index of the largest sampled alpha_2 */
  lag: number;
}

export function alpha2Peak(t: ArrayLike<number>, alpha2: ArrayLike<number>, msdValues: ArrayLike<number>, tMax = Infinity): Alpha2Peak {
  let best = -1;
  for (let l = 0; l < t.length; l++) if (t[l] > 0 && t[l] <= tMax && Number.isFinite(alpha2[l]) && (best < 0 || alpha2[l] > alpha2[best])) best = l;
  if (best < 0) return { t: NaN, alpha2: NaN, msd: NaN, lag: -1 };
  let tp = t[best], ap = alpha2[best];
  // least-squares parabola in x = ln t - ln t_best over the samples within PEAK_HALF_WIDTH of
  // the best one (at least its two neighbours): a flat, noisy peak then does not follow the lag grid
  const xb = Math.log(t[best]);
  const xs: number[] = [], ys: number[] = [];
  for (let l = 0; l < t.length; l++) {
    if (!(t[l] > 0) || t[l] > tMax || !Number.isFinite(alpha2[l])) continue;
    const x = Math.log(t[l]) - xb;
    if (Math.abs(x) <= PEAK_HALF_WIDTH || Math.abs(l - best) === 1) { xs.push(x); ys.push(alpha2[l]); }
  }
  const fit = xs.length >= 3 ? quadraticFit(xs, ys) : null;
  if (fit && fit[2] < 0) {
    const lo = Math.min(...xs), hi = Math.max(...xs);
    const xv = Math.min(hi, Math.max(lo, -fit[1] / (2 * fit[2])));
    tp = Math.exp(xb + xv);
    ap = fit[0] + fit[1] * xv + fit[2] * xv * xv;
  }
  return { t: tp, alpha2: ap, msd: logLogInterpolate(t, msdValues, tp), lag: best };
}

/** Half-width in ln t of the samples fitted around the largest alpha_2 (a factor 1.65 each side). */
const PEAK_HALF_WIDTH = 0.5;

/** Least-squares coefficients [c0, c1, c2] of y = c0 + c1 x + c2 x^2 (normal equations, Cramer's rule). */
function quadraticFit(x: readonly number[], y: readonly number[]): [number, number, number] | null {
  const S = [0, 0, 0, 0, 0], R = [0, 0, 0];
  for (let k = 0; k < x.length; k++) {
    let p = 1;
    for (let m = 0; m < 5; m++) { S[m] += p; if (m < 3) R[m] += p * y[k]; p *= x[k]; }
  }
  const M = [[S[0], S[1], S[2]], [S[1], S[2], S[3]], [S[2], S[3], S[4]]];
  const det = (A: number[][]) => A[0][0] * (A[1][1] * A[2][2] - A[1][2] * A[2][1]) - A[0][1] * (A[1][0] * A[2][2] - A[1][2] * A[2][0]) + A[0][2] * (A[1][0] * A[2][1] - A[1][1] * A[2][0]);
  const D = det(M);
  if (!(Math.abs(D) > 1e-300)) return null;
  const col = (c: number) => det(M.map((row, r) => row.map((v, k) => (k === c ? R[r] : v))));
  return [col(0) / D, col(1) / D, col(2) / D];
}

/** y(x) interpolated linearly in (ln x, ln y) between the bracketing samples (x ascending, positive). */
function logLogInterpolate(x: ArrayLike<number>, y: ArrayLike<number>, at: number): number {
  for (let l = 1; l < x.length; l++) {
    if (x[l] >= at && x[l - 1] > 0) {
      if (x[l] === at) return y[l];
      const f = (Math.log(at) - Math.log(x[l - 1])) / (Math.log(x[l]) - Math.log(x[l - 1]));
      return Math.exp(Math.log(y[l - 1]) + f * (Math.log(y[l]) - Math.log(y[l - 1])));
    }
  }
  return NaN;
}

// ---------------------------------------------------------------------------
// Public: MSD, alpha_2, q, F_s per species

export interface SelfDynamicsOptions extends LagOptions {
  /** atoms to include (default all); species are split within it */
  select?: AtomSelection;
  /** overlap cutoff a (length, default 0.3) */
  a?: number;
  /** wave number of F_s (1/length, default 7.25) */
  k?: number;
}

/** One group's series, on the lags of the result. */
export interface SelfDynamicsSeries {
  /** 'all', or 'type 1', 'type 2', ... */
  label: string;
  /** atom type of the group, 0 for all selected atoms */
  type: number;
  atoms: number;
  /** length^2 */
  msd: Float64Array;
  /** <dr^4> (length^4) */
  msd4: Float64Array;
  alpha2: Float64Array;
  overlap: Float64Array;
  fs: Float64Array;
  /** time where q(t) = 1/e (NaN if not reached) */
  tauAlpha: number;
  /** time where F_s(k,t) = 1/e (NaN if not reached) */
  tauFs: number;
  /** maximum of alpha_2 up to half the longest lag */
  alpha2Peak: Alpha2Peak;
}

/** What a SelfDynamicsResult is built from (and saved as). */
export interface SelfDynamicsData {
  /** lag times */
  t: Float64Array;
  dim: number;
  a: number;
  k: number;
  /** all selected atoms first, then each species present */
  series: SelfDynamicsSeries[];
  /** frames of the trajectory and the time of the last one */
  frames: number;
  tMax: number;
}

export interface SelfDynamicsResult extends AnalysisResult<'self-dynamics'>, SelfDynamicsData {
  /**
   * p_hop threshold of Sharma et al. (2022): p_c = MSD(t*) of all atoms at the
   * alpha_2 peak time t* (length^2; NaN when alpha_2 has no maximum on the lags)
   */
  pc: number;
  tStar: number;
  /** the series of all selected atoms, or of one type */
  get(type?: number): SelfDynamicsSeries;
  /** rows t, then msd/alpha2/q/Fs per series */
  table(): { columns: string[]; rows: number[][] };
  figure(): PlotlyFigure;
  figures(): { msd: PlotlyFigure; alpha2: PlotlyFigure; overlap: PlotlyFigure; fs: PlotlyFigure };
  /** atoms, frames, per series tau_alpha and the alpha_2 peak, then t* and p_c (what `glasslab dynamics` prints) */
  summary(): string;
}

const SELF_DYNAMICS_VERSION = 1;

function seriesFrom(label: string, type: number, atoms: number, t: Float64Array, S: SelfSums, groups: readonly number[], dim: number): SelfDynamicsSeries {
  const L = S.nLags;
  const msd = new Float64Array(L), msd4 = new Float64Array(L), alpha2 = new Float64Array(L), overlap = new Float64Array(L), fs = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    let c = 0, r2 = 0, r4 = 0, o = 0, f = 0;
    for (const g of groups) {
      const at = g * L + l;
      c += S.count[at]; r2 += S.r2[at]; r4 += S.r4[at]; o += S.overlap[at]; f += S.fs[at];
    }
    msd[l] = c > 0 ? r2 / c : NaN;
    msd4[l] = c > 0 ? r4 / c : NaN;
    alpha2[l] = c > 0 && r2 > 0 ? (dim * msd4[l]) / ((dim + 2) * msd[l] * msd[l]) - 1 : NaN;
    overlap[l] = c > 0 ? o / c : NaN;
    fs[l] = c > 0 ? f / c : NaN;
  }
  return {
    label, type, atoms, msd, msd4, alpha2, overlap, fs,
    tauAlpha: firstCrossing(t, overlap, Math.exp(-1)), tauFs: firstCrossing(t, fs, Math.exp(-1)),
    alpha2Peak: alpha2Peak(t, alpha2, msd, t[t.length - 1] / 2),
  };
}

/**
 * MSD, alpha_2, q(t) and F_s(k,t) of all selected atoms and of each species
 * among them, in one pass over the frames (see the module comment).
 */
export function selfDynamics(frames: TrajectoryFrames, opts: SelfDynamicsOptions = {}): SelfDynamicsResult {
  const a = opts.a ?? 0.3, k = opts.k ?? 7.25;
  if (!(a > 0)) throw new Error(`selfDynamics: overlap cutoff a must be positive, got ${a}`);
  if (!(k > 0)) throw new Error(`selfDynamics: wave number k must be positive, got ${k}`);
  const mask = selectionMask(frames, opts.select);
  const typeList = [...new Set(Array.from(frames.types).filter((_, i) => mask[i]))].sort((x, y) => x - y);
  if (typeList.length === 0) throw new Error(`${frames.source}: the selection holds no atoms`);
  const groupOfType = new Map(typeList.map((t, g) => [t, g]));
  const perAtom = new Int32Array(frames.n);
  const atomsPer = new Array<number>(typeList.length).fill(0);
  for (let i = 0; i < frames.n; i++) {
    perAtom[i] = mask[i] ? groupOfType.get(frames.types[i])! : -1;
    if (mask[i]) atomsPer[perAtom[i]]++;
  }
  const plan = lagPlan(frames.times, opts);
  const sums = accumulateSelf(frames, plan, { perAtom }, typeList.length, a, k, true);
  const t = plan.times;
  const all = seriesFrom('all', 0, atomsPer.reduce((x, y) => x + y, 0), t, sums, typeList.map((_, g) => g), frames.dim);
  const species = typeList.map((ty, g) => seriesFrom(`type ${ty}`, ty, atomsPer[g], t, sums, [g], frames.dim));
  return makeSelfDynamicsResult({ t, dim: frames.dim, a, k, series: [all, ...species], frames: frames.nFrames, tMax: frames.times[frames.nFrames - 1] });
}

/** A saved self-dynamics result (toJSON) -> the result. */
export function loadSelfDynamicsResult(json: unknown): SelfDynamicsResult {
  return makeSelfDynamicsResult(resultData<SelfDynamicsData>(json, 'self-dynamics', SELF_DYNAMICS_VERSION));
}

/** The result of selfDynamics from its data. */
export function makeSelfDynamicsResult(d: SelfDynamicsData): SelfDynamicsResult {
  const { t, a, k, series } = d;
  const positive = (y: Float64Array) => {
    const keep = Array.from(t, (v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0);
    return { x: keep.map((i) => t[i]), y: keep.map((i) => y[i]) };
  };
  const fig = (pick: (s: SelfDynamicsSeries) => Float64Array, yTitle: string, logY: boolean) =>
    lineFigure(series.map((s) => ({ name: s.label, ...positive(pick(s)) })), { xTitle: 't [tau]', yTitle, logX: true, logY });
  const peak = series[0].alpha2Peak;
  const result: SelfDynamicsResult = {
    kind: 'self-dynamics', ...d,
    pc: Number.isFinite(peak.t) ? peak.msd : NaN, tStar: peak.t,
    get(type = 0) {
      const s = series.find((x) => x.type === type);
      if (!s) throw new Error(`selfDynamics: no atoms of type ${type} in the selection (types: ${series.slice(1).map((x) => x.type).join(', ')})`);
      return s;
    },
    table() {
      const columns = ['t'];
      for (const s of series) {
        const tag = s.type === 0 ? '' : `_${s.type}`;
        columns.push(`msd${tag}`, `alpha2${tag}`, `q${tag}`, `Fs${tag}`);
      }
      const rows = Array.from(t, (tv, l) => [tv, ...series.flatMap((s) => [s.msd[l], s.alpha2[l], s.overlap[l], s.fs[l]])]);
      return { columns, rows };
    },
    figures() {
      return {
        msd: fig((s) => s.msd, 'MSD [sigma^2]', true),
        alpha2: fig((s) => s.alpha2, 'alpha_2', false),
        overlap: fig((s) => s.overlap, `q(t), a = ${a}`, false),
        fs: fig((s) => s.fs, `F_s(k = ${k}, t)`, false),
      };
    },
    figure() {
      return this.figures().msd;
    },
    summary() {
      return [
        `atoms ${series[0].atoms}, frames ${d.frames}, t_max ${d.tMax}`,
        ...series.map((s) => `${s.label}: tau_alpha ${s.tauAlpha}  alpha2_max ${s.alpha2Peak.alpha2} at t* ${s.alpha2Peak.t}  MSD(t*) ${s.alpha2Peak.msd}`),
        `alpha2_peak_time ${result.tStar}`,
        `p_c ${result.pc} (MSD at the alpha_2 peak of all atoms, sigma^2)`,
      ].join('\n');
    },
    toJSON() {
      return resultJSON('self-dynamics', SELF_DYNAMICS_VERSION, d);
    },
  };
  return result;
}

/**
 * Mean squared displacement of a group of atoms (mask, index list or types;
 * default all): `{ t, msd, atoms }`, msd in length^2, with the time-origin
 * averaging of the module comment.
 */
export function msd(frames: TrajectoryFrames, select?: AtomSelection, opts: LagOptions = {}): { t: Float64Array; msd: Float64Array; atoms: number } {
  const mask = selectionMask(frames, select);
  const perAtom = Int32Array.from(mask, (m) => (m ? 0 : -1));
  const atoms = mask.reduce((x, y) => x + y, 0);
  if (atoms === 0) throw new Error(`${frames.source}: the selection holds no atoms`);
  const plan = lagPlan(frames.times, opts);
  const S = accumulateSelf(frames, plan, { perAtom }, 1, 1, 1, false);
  return { t: plan.times, msd: Float64Array.from(S.r2, (v, l) => v / S.count[l]), atoms };
}

/**
 * Squared displacement of each atom between two frames, |r_i(to) - r_i(from)|^2
 * (length^2, unwrapped positions, atoms in the frames' id order): the
 * per-atom "diffusive MSD" of Wei et al., PRB 99, 014115 (2019), Fig. 3(b)
 * (the displacement after an MD run at 700 K from the inherent structure).
 * `removeDrift` (default true) first subtracts the mean displacement of all
 * atoms (the drift of the centre of the cell's contents under a thermostat).
 * Defaults: from the first frame to the last.
 */
export function squaredDisplacements(frames: TrajectoryFrames, opts: { from?: number; to?: number; removeDrift?: boolean } = {}): Float64Array {
  const { n, dim } = frames;
  const from = opts.from ?? 0, to = opts.to ?? frames.nFrames - 1;
  for (const [name, f] of [['from', from], ['to', to]] as const) {
    if (!Number.isInteger(f) || f < 0 || f >= frames.nFrames) throw new Error(`squaredDisplacements: option ${name} must be a frame index in 0..${frames.nFrames - 1} of ${frames.source}, got ${f}`);
  }
  const p = frames.positions, a = from * n * dim, b = to * n * dim;
  const drift = new Float64Array(dim);
  if (opts.removeDrift ?? true) {
    for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) drift[k] += (p[b + i * dim + k] - p[a + i * dim + k]) / n;
  }
  return Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k < dim; k++) { const d = p[b + i * dim + k] - p[a + i * dim + k] - drift[k]; s += d * d; }
    return s;
  });
}

// ---------------------------------------------------------------------------
// Softness field analyses

function checkField(frames: TrajectoryFrames, field: ArrayLike<number>, what: string): void {
  if (field.length !== frames.nFrames * frames.n) {
    throw new Error(`${what}: the field has ${field.length} values; ${frames.nFrames} frames x ${frames.n} atoms = ${frames.nFrames * frames.n} expected (layout field[f*n + i])`);
  }
}

/**
 * Softness autocorrelation C_S(t) = <dS_i(t0) dS_i(t0+t)> / <dS^2>, dS = S - <S>,
 * <S> and <dS^2> over the selected atoms of all frames; non-finite field
 * values are left out. C_S(0) = 1.
 */
export function softnessAutocorrelation(frames: TrajectoryFrames, field: ArrayLike<number>, opts: LagOptions & { select?: AtomSelection } = {}): { t: Float64Array; c: Float64Array } {
  checkField(frames, field, 'softnessAutocorrelation');
  const { n, nFrames } = frames;
  const mask = selectionMask(frames, opts.select);
  let s1 = 0, cnt = 0;
  for (let f = 0; f < nFrames; f++) for (let i = 0; i < n; i++) if (mask[i] && Number.isFinite(field[f * n + i])) { s1 += field[f * n + i]; cnt++; }
  const mean = s1 / cnt;
  let v = 0;
  for (let f = 0; f < nFrames; f++) for (let i = 0; i < n; i++) if (mask[i] && Number.isFinite(field[f * n + i])) v += (field[f * n + i] - mean) ** 2;
  v /= cnt;
  const plan = lagPlan(frames.times, opts);
  const L = plan.times.length;
  const c = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    let s = 0, m = 0;
    for (let p = plan.start[l]; p < plan.start[l + 1]; p++) {
      const oa = plan.a[p] * n, ob = plan.b[p] * n;
      for (let i = 0; i < n; i++) {
        if (!mask[i]) continue;
        const x = field[oa + i], y = field[ob + i];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        s += (x - mean) * (y - mean);
        m++;
      }
    }
    c[l] = m > 0 ? s / m / v : NaN;
  }
  return { t: plan.times, c };
}

/** Bin edges: explicit ascending edges, or `count` equal bins over [min, max]. */
export type BinSpec = readonly number[] | { min: number; max: number; count: number };

export function binEdges(spec: BinSpec): Float64Array {
  if (Array.isArray(spec)) {
    const e = Float64Array.from(spec as readonly number[]);
    for (let j = 1; j < e.length; j++) if (!(e[j] > e[j - 1])) throw new Error('bin edges must increase strictly');
    if (e.length < 2) throw new Error('bin edges: give at least two');
    return e;
  }
  const { min, max, count } = spec as { min: number; max: number; count: number };
  if (!(max > min) || !(count >= 1)) throw new Error(`bins: need max > min and count >= 1 (got ${min}, ${max}, ${count})`);
  return Float64Array.from({ length: count + 1 }, (_, j) => min + ((max - min) * j) / count);
}

/**
 * q(S, t): the overlap q(t) (cutoff a) of particles grouped by their field
 * value S at the time origin (bins by `bins`), the grouping of Sharma et al.
 * Fig. 5(d). Returns q per bin (`q[b][l]`) and the particle-origin counts at lag 0.
 */
export function overlapBySoftness(frames: TrajectoryFrames, field: ArrayLike<number>, opts: LagOptions & { bins: BinSpec; a?: number; select?: AtomSelection }): { t: Float64Array; edges: Float64Array; q: Float64Array[]; counts: Float64Array } {
  checkField(frames, field, 'overlapBySoftness');
  const a = opts.a ?? 0.3;
  const edges = binEdges(opts.bins);
  const B = edges.length - 1;
  const mask = selectionMask(frames, opts.select);
  const { n, nFrames } = frames;
  const perFrame = new Int32Array(nFrames * n);
  for (let f = 0; f < nFrames; f++) for (let i = 0; i < n; i++) perFrame[f * n + i] = mask[i] ? binIndex(edges, field[f * n + i]) : -1;
  const plan = lagPlan(frames.times, opts);
  const S = accumulateSelf(frames, plan, { perFrame }, B, a, 1, false);
  const L = plan.times.length;
  const q = Array.from({ length: B }, (_, b) => Float64Array.from({ length: L }, (_, l) => S.overlap[b * L + l] / S.count[b * L + l]));
  const counts = Float64Array.from({ length: B }, (_, b) => S.count[b * L]);
  return { t: plan.times, edges, q, counts };
}

export interface SoftnessPropagator {
  /** lag times */
  t: Float64Array;
  edges: Float64Array;
  /** counts[l][b0 * B + b]: pairs with S0 in bin b0 at the origin and S in bin b after lag l */
  counts: Float64Array[];
  /** G(S, S0, t) = P(S | S0) per unit S: counts normalised over S for each S0 bin (density, 1/field units) */
  density: Float64Array[];
}

/**
 * Softness propagator G(S, S0, t): distribution of a particle's field S at
 * t0 + t given its value S0 at t0, for particles that stay within
 * `maxDisplacement` of their origin position at every frame of [t0, t0+t]
 * (default: no restriction). `lags` are frame lags (linear frames) as in
 * LagOptions; on log-spaced frames all frames between origin and end are checked.
 */
export function softnessPropagator(frames: TrajectoryFrames, field: ArrayLike<number>, opts: LagOptions & { bins: BinSpec; maxDisplacement?: number; select?: AtomSelection }): SoftnessPropagator {
  checkField(frames, field, 'softnessPropagator');
  const edges = binEdges(opts.bins);
  const B = edges.length - 1;
  const mask = selectionMask(frames, opts.select);
  const { n, dim, positions: X } = frames;
  const rmax2 = opts.maxDisplacement === undefined ? Infinity : opts.maxDisplacement ** 2;
  const plan = lagPlan(frames.times, opts);
  const L = plan.times.length;
  const counts: Float64Array[] = [], density: Float64Array[] = [];
  const stays = new Uint8Array(n);
  for (let l = 0; l < L; l++) {
    const h = new Float64Array(B * B);
    for (let p = plan.start[l]; p < plan.start[l + 1]; p++) {
      const fa = plan.a[p], fb = plan.b[p];
      for (let i = 0; i < n; i++) stays[i] = mask[i];
      if (rmax2 < Infinity) {
        for (let f = fa + 1; f <= fb; f++) {
          const oa = fa * n * dim, of = f * n * dim;
          for (let i = 0; i < n; i++) {
            if (!stays[i]) continue;
            let r2 = 0;
            for (let d = 0; d < dim; d++) { const dx = X[of + i * dim + d] - X[oa + i * dim + d]; r2 += dx * dx; }
            if (r2 >= rmax2) stays[i] = 0;
          }
        }
      }
      for (let i = 0; i < n; i++) {
        if (!stays[i]) continue;
        const b0 = binIndex(edges, field[fa * n + i]), b = binIndex(edges, field[fb * n + i]);
        if (b0 >= 0 && b >= 0) h[b0 * B + b]++;
      }
    }
    const g = new Float64Array(B * B);
    for (let b0 = 0; b0 < B; b0++) {
      let row = 0;
      for (let b = 0; b < B; b++) row += h[b0 * B + b];
      if (row > 0) for (let b = 0; b < B; b++) g[b0 * B + b] = h[b0 * B + b] / row / (edges[b + 1] - edges[b]);
    }
    counts.push(h);
    density.push(g);
  }
  return { t: plan.times, edges, counts, density };
}
