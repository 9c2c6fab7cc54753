/**
 * Local (per-particle, per-frame) softness of the mean-field caging potential,
 * Sharma, Nandi & Bhattacharyya, PRE 105, 044604 (2022), Eq. 8 and Appendix B.
 *
 * Local partial rdf of a central particle i (species u) with neighbours of
 * species v, Eq. 8 / (B1):
 *   g_i^v(r) = 1/(4 pi rho_v r^2) sum_{j in v, j != i} exp(-(r - r_ij)^2 / (2 delta^2)) / sqrt(2 pi delta^2)
 * delta is the standard deviation of the Gaussian (the paper's "variance" is
 * a misnomer: the exponent is (r - r_ij)^2 / (2 delta^2)); default 0.09 sigma_AA.
 * Density (option `normalisation`): 'partial' (default) uses the density of
 * the other particles of species v seen from i, (N_v - delta_uv)/V, for which
 * the average over the centres of species u is exactly the histogram
 * g_uv(r) (Eq. B2, the paper's Fig. 8; tested); 'total' is Eq. 8 as printed,
 * rho = N/V, whose average is x_v g_uv(r). The choice changes
 * beta Phi_r(0) non-linearly (through ln g). Decided by the paper's numbers
 * (KA N = 1000, c0, c1 fitted on the mean-field values, caging-potential.ts):
 * with 'partial' the local S of A particles spans 1.0-2.0e-3 at T = 0.52 and
 * 1.7-3.2e-3 at T = 0.8 (5-95%), the paper's range (S ~ 0.001 to 0.0025,
 * hard particles S_0 ~ 0.001); with 'total' it is 2.3-3.8e-3 and S = 0.001
 * never occurs. Caveat (measured at T = 0.6, 80 tau, p_hop window 15,
 * p_c = 0.131): 52% of the rearranging A particles have S above the peak of
 * P(S) (47% of all), weaker than the paper's 69% at T = 0.58; 'total' gives a
 * cleaner monotonic P_R (0.09 -> 0.21 across P(beta Phi_r)) and 56% vs 50%.
 *
 * Local depth of the caging potential (Eq. 5 at the local level, only the
 * terms of the central particle's species u, one per neighbour species v, as
 * in Appendix B: "one describing the interaction with other A particles ...
 * the other with the B particles"):
 *   beta Phi_r^i(0) = -rho sum_v sqrt(x_u x_v) int_{lo_uv}^{hi_uv} 4 pi r^2 C_i^v(r) g_i^v(r) dr,
 *   C_i^v(r) = -beta U_uv(r) + g_i^v(r) - 1 - ln g_i^v(r)        (HNC, Eq. 6)
 * and the local softness S_i = 1 / (c0 + c1 beta Phi_r^i(0)) (Eq. 7, with the
 * c0, c1 fitted on the mean-field values, caging-potential.ts).
 * Limits (Appendix B): lo_uv where the histogram g_uv(r) vanishes (the left
 * edge of its first non-empty bin), hi_uv the first minimum of g_uv(r)
 * (`integrationLimitsFromRdf`). The r integral is a midpoint rule on bins of
 * width `dr` (default 0.005 sigma, about delta/20).
 *
 * The local and the mean-field depths are on different scales (KA, T = 0.8:
 * the mean of the local beta Phi_r(0) is -14.8 at delta 0.09, -46 at 0.02,
 * against -36.2 for Eq. 5 with the histogram g(r)): the paper's Fig. 11
 * (S shifts with delta). Eq. 7 is applied as the paper does, with c0, c1 from
 * the mean-field values; it yields S in the paper's range (1-3 x 1e-3).
 *
 * Fast path: a full neighbour list (cutoff max hi_uv + truncate * delta), and
 * each neighbour adds its Gaussian only to the bins within truncate * delta
 * (default 6: the neglected tail is below 2e-9 of the peak). The literal
 * double loop over all atoms and all bins lives in the tests.
 */
import { buildNeighborList } from '../../neighbor/neighbor-list.ts';
import { cellGeometry, maxListRadius, wrappedFractional } from '../../neighbor/cell-geometry.ts';
import { PHI, type PairPotential } from '../../potential/types.ts';
import type { System } from '../../system/system.ts';
import { typeCount } from '../../system/system.ts';
import { lineFigure, type PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';
import { cagingDepthR, hncProduct, meanFieldSoftness, softnessFromDepth, type IntegrationLimits, type MeanFieldSoftness, type SoftnessCalibration } from './caging-potential.ts';
import { binsForValues, histogramDensity } from './statistics.ts';
import { makePartialRdf, speciesCounts, speciesPairIndex, structureFactorDirect, type PartialRdf, type PartialStructureFactor } from '../structure/structure.ts';
import { extent } from '../../util/extent.ts';

/** Default Gaussian width delta (sigma_AA), the paper's choice. */
export const DEFAULT_SOFTNESS_DELTA = 0.09;

export interface LocalRdfOptions {
  /** Gaussian standard deviation delta (length), default 0.09 */
  delta?: number;
  /** bin width of the r grid (length), default 0.005 */
  dr?: number;
  /** largest r of the grid (length), default 2.5 (capped below half the cell width) */
  rMax?: number;
  /** Gaussians are cut at truncate * delta, default 6 */
  truncate?: number;
  /** number of species, default the largest type */
  ntypes?: number;
  /** density in Eq. 8: 'partial' (N_v - delta_uv)/V (default), or 'total' rho = N/V as printed (see the module doc) */
  normalisation?: 'total' | 'partial';
}

/** Resolved grid shared by the local-rdf kernels. */
interface LocalGrid {
  delta: number;
  dr: number;
  nb: number;
  reach: number;
  nt: number;
  /** 1 / (4 pi rho_uv r_k^2 sqrt(2 pi) delta), rho_uv = (N_v - delta_uv)/V, per centre species u, neighbour species v, bin k: [(u * nt + v) * nb + k] */
  pref: Float64Array;
  r: Float64Array;
}

function resolveGrid(sys: System, opts: LocalRdfOptions, rUpper?: number): LocalGrid {
  const delta = opts.delta ?? DEFAULT_SOFTNESS_DELTA;
  const dr = opts.dr ?? 0.005;
  const truncate = opts.truncate ?? 6;
  const norm = opts.normalisation ?? 'partial';
  if (norm !== 'total' && norm !== 'partial') throw new Error(`local softness: normalisation must be 'total' or 'partial', got ${String(norm)}`);
  const partial = norm === 'partial';
  if (!(delta > 0)) throw new Error(`local softness: delta must be positive, got ${delta}`);
  if (!(dr > 0)) throw new Error(`local softness: dr must be positive, got ${dr}`);
  if (sys.dim !== 3) throw new Error('local softness: Eq. 8 is the 3D form (4 pi r^2); the system is 2D');
  const rMax = rUpper ?? opts.rMax ?? 2.5;
  const nb = Math.max(1, Math.ceil(rMax / dr - 1e-9));
  const nt = opts.ntypes ?? typeCount(sys);
  const cnt = speciesCounts(sys, nt);
  const V = sys.box.volume;
  const r = Float64Array.from({ length: nb }, (_, k) => (k + 0.5) * dr);
  const pref = new Float64Array(nt * nt * nb);
  for (let u = 0; u < nt; u++) {
    for (let v = 0; v < nt; v++) {
      const rhoV = partial ? (cnt[v] - (u === v ? 1 : 0)) / V : sys.n / V;
      const o = (u * nt + v) * nb;
      for (let k = 0; k < nb; k++) pref[o + k] = rhoV > 0 ? 1 / (4 * Math.PI * rhoV * r[k] * r[k] * Math.sqrt(2 * Math.PI) * delta) : 0;
    }
  }
  return { delta, dr, nb, reach: truncate * delta, nt, pref, r };
}

/**
 * Neighbour data for the local-rdf kernels: a full list within rNeed
 * (checked against the cell), fractional coordinates and geometry.
 */
function neighbourData(sys: System, rNeed: number, grid: LocalGrid) {
  const geom = cellGeometry(sys.box);
  const limit = maxListRadius(geom);
  if (rNeed >= limit) {
    throw new Error(`local softness: needs neighbours up to r = ${rNeed.toFixed(3)} (largest r ${(rNeed - grid.reach).toFixed(3)} + ${+(grid.reach / grid.delta).toFixed(3)} delta = ${grid.reach.toFixed(3)} for the Gaussians of width delta = ${grid.delta}) ` +
      `but half the smallest cell width is ${limit.toFixed(3)}; use a smaller delta (--delta; the paper's is 0.09) or a bigger system`);
  }
  const nl = buildNeighborList(sys, { cutoff: rNeed, skin: 0, kind: 'full', overlapDistance: 0 });
  const s = wrappedFractional(sys, undefined, 'local softness');
  return { geom, nl, s };
}

/**
 * Accumulate g_i^v(r) of atom i into out[v * nb + k] (out zeroed by the caller),
 * bins restricted to [kLo[v], kHi[v]) per species.
 */
function accumulateLocal(
  i: number, sys: System, nd: ReturnType<typeof neighbourData>, grid: LocalGrid,
  kLo: Int32Array, kHi: Int32Array, out: Float64Array,
): void {
  const { geom, nl, s } = nd;
  const { lx, ly, lz, xy, xz, yz } = geom;
  const wx = geom.wrap[0], wy = geom.wrap[1], wz = geom.wrap[2];
  const { dr, nb, reach, pref } = grid;
  const inv2d2 = 1 / (2 * grid.delta * grid.delta);
  const six = s[3 * i], siy = s[3 * i + 1], siz = s[3 * i + 2];
  const row = i * nl.stride;
  const prefRow = (sys.types[i] - 1) * grid.nt * nb;
  for (let k = 0; k < nl.counts[i]; k++) {
    const j = nl.neighbors[row + k];
    let sx = six - s[3 * j], sy = siy - s[3 * j + 1], sz = siz - s[3 * j + 2];
    sx -= wx * Math.floor(sx + 0.5); sy -= wy * Math.floor(sy + 0.5); sz -= wz * Math.floor(sz + 0.5);
    const dx = lx * sx + xy * sy + xz * sz, dy = ly * sy + yz * sz, dz = lz * sz;
    const rij = Math.sqrt(dx * dx + dy * dy + dz * dz);
    const v = sys.types[j] - 1;
    const b0 = Math.max(kLo[v], Math.floor((rij - reach) / dr));
    const b1 = Math.min(kHi[v], Math.ceil((rij + reach) / dr));
    const base = v * nb, pbase = prefRow + base;
    for (let b = b0; b < b1; b++) {
      const x = (b + 0.5) * dr - rij;
      out[base + b] += pref[pbase + b] * Math.exp(-x * x * inv2d2);
    }
  }
}

/** Local partial rdfs g_i^v(r) of one atom (Eq. 8): figure data for the paper's Figs. 9-10. */
export interface LocalRdf extends AnalysisResult<'local-rdf'> {
  r: Float64Array;
  /** g_i^v(r), index v - 1 */
  g: Float64Array[];
  figure(): PlotlyFigure;
  /** r, then g_i^v for each species v */
  table(): TableData;
}

/** A LocalRdf from its arrays (localRdf, loadResult). */
export function makeLocalRdf(d: { r: Float64Array; g: Float64Array[] }): LocalRdf {
  const { r, g } = d;
  return {
    kind: 'local-rdf', r, g,
    figure: () => lineFigure(g.map((y, v) => ({ name: `g_i^${v + 1}`, x: r, y })), { xTitle: 'r', yTitle: 'g_i(r)' }),
    summary: () => `local g_i(r) of one atom, ${g.length} species, r up to ${r[r.length - 1]}`,
    table: () => ({ columns: ['r', ...g.map((_, v) => `g_i^${v + 1}`)], rows: Array.from(r, (x, k) => [x, ...g.map((y) => y[k])]) }),
    toJSON: () => resultJSON('local-rdf', LOCAL_SOFTNESS_VERSION, { r, g }),
  };
}

export function loadLocalRdf(json: unknown): LocalRdf {
  return makeLocalRdf(resultData<{ r: Float64Array; g: Float64Array[] }>(json, 'local-rdf', LOCAL_SOFTNESS_VERSION));
}

/** g_i^v(r) of atom index i (storage order) for every species v on the grid 0..rMax. */
export function localRdf(sys: System, i: number, opts: LocalRdfOptions = {}): LocalRdf {
  if (!(Number.isInteger(i) && i >= 0 && i < sys.n)) throw new Error(`localRdf: atom index ${i} outside 0..${sys.n - 1}`);
  const grid = resolveGrid(sys, opts);
  const nd = neighbourData(sys, grid.nb * grid.dr + grid.reach, grid);
  const out = new Float64Array(grid.nt * grid.nb);
  accumulateLocal(i, sys, nd, grid, new Int32Array(grid.nt), new Int32Array(grid.nt).fill(grid.nb), out);
  const g = Array.from({ length: grid.nt }, (_, v) => out.slice(v * grid.nb, (v + 1) * grid.nb));
  return makeLocalRdf({ r: grid.r, g });
}

/**
 * Average of the local rdfs over all centres of each species and over frames,
 * Eq. (B2): with the default normalisation 'partial' it tends to the
 * histogram g_uv(r) as delta -> 0 (the paper's Fig. 8); with 'total' to x_v g_uv(r).
 */
export function averageLocalRdf(frames: System | Iterable<System>, opts: LocalRdfOptions = {}): PartialRdf {
  const list = 'positions' in (frames as object) ? [frames as System] : Array.from(frames as Iterable<System>);
  if (list.length === 0) throw new Error('averageLocalRdf: no frames');
  const grid0 = resolveGrid(list[0], opts);
  const nt = grid0.nt, nb = grid0.nb;
  const sums = Array.from({ length: nt * nt }, () => new Float64Array(nb));
  const centres = new Float64Array(nt);
  let rho = 0;
  const out = new Float64Array(nt * nb);
  for (const sys of list) {
    const grid = resolveGrid(sys, { ...opts, ntypes: nt });
    const nd = neighbourData(sys, nb * grid.dr + grid.reach, grid);
    const kLo = new Int32Array(nt), kHi = new Int32Array(nt).fill(nb);
    for (let i = 0; i < sys.n; i++) {
      out.fill(0);
      accumulateLocal(i, sys, nd, grid, kLo, kHi, out);
      const u = sys.types[i] - 1;
      centres[u]++;
      for (let v = 0; v < nt; v++) {
        const dst = sums[u * nt + v];
        for (let k = 0; k < nb; k++) dst[k] += out[v * nb + k];
      }
    }
    rho += sys.n / sys.box.volume;
  }
  for (let u = 0; u < nt; u++) for (let v = 0; v < nt; v++) {
    const c = centres[u];
    const dst = sums[u * nt + v];
    for (let k = 0; k < nb; k++) dst[k] = c > 0 ? dst[k] / c : 0;
  }
  const counts = speciesCounts(list[0], nt);
  const N = counts.reduce((a, c) => a + c, 0);
  return makePartialRdf({ dim: 3, ntypes: nt, dr: grid0.dr, r: grid0.r, g: sums, density: rho / list.length, fractions: counts.map((c) => c / N), counts, frames: list.length });
}

export interface IntegrationLimitOptions {
  /** g values at or below this count as vanishing (default 0: empty histogram bins) */
  zeroLevel?: number;
  /** half-width in bins of the moving average used to find the first minimum (default 2) */
  smooth?: number;
  /** the highest peak of g_uv is its first shell only within shellRatio * r_0 (default 1.4; see integrationLimitsFromRdf) */
  shellRatio?: number;
  /** the first-shell peak of a sparse pair is searched in [r_0, firstPeakRatio * r_0] (default 1.25) */
  firstPeakRatio?: number;
  /** pairs expected at g = 1 in the noise-adaptive moving-average window of the sparse-pair rule (default 50) */
  minCount?: number;
}

/** How the upper limit (first minimum) of a pair was found (integrationLimitsFromRdf). */
export type FirstMinimumRule = 'main-peak' | 'first-shell-window' | 'scaled' | 'empty';

export interface IntegrationLimitsWithRules extends IntegrationLimits {
  /** rule used per ordered pair, index speciesPairIndex(u, v) */
  readonly rules: readonly FirstMinimumRule[];
  /**
   * 'first-shell-window' pairs: depth of the dip below the lower of the two
   * peaks around it, in Poisson standard deviations of the smoothed g (below
   * ~2 the minimum is barely above the noise: use more frames); NaN otherwise
   */
  readonly dipSignificance: Float64Array;
}

/**
 * Appendix B limits per species pair from the histogram partial rdfs:
 * lower = the left edge of the first bin where g_uv > zeroLevel (below it the
 * histogram vanishes: the closest approach r_0); upper = the first minimum of
 * g_uv after its first peak, by one of three rules (`rules` says which):
 *
 * 'main-peak' (the Appendix B rule; every well-sampled pair): the highest
 * point of the (2 smooth + 1)-bin moving average is the first peak, and the
 * first minimum is the lowest point of the smoothed g between the first fall
 * below 1 after it and the next rise above 1. This holds unless that highest
 * peak lies both beyond shellRatio * r_0 (default 1.4; measured first peaks
 * of KA A-A and A-B at 1.06-1.22 r_0, second shells at 1.6-2 r_0) and beyond
 * the first minimum of a pair with more pairs (N_u (N_v - delta_uv)) that
 * keeps this rule; so the best-sampled pair always keeps it, and so does any
 * pair whose highest peak is its first shell.
 *
 * 'first-shell-window' (a rare pair whose first peak is small and noisy,
 * e.g. Kob-Andersen B-B: its highest peak is the second shell near
 * 1.5-1.7, and the main-peak rule put the "first minimum" at 1.75-2.1,
 * giving B-centred shells of 13-17 atoms): g is smoothed with a window that
 * widens with the counting noise (per bin, the smallest half-width >= smooth
 * whose bins expect >= minCount pairs at g = 1: relative Poisson error
 * <= 1/sqrt(minCount)); the first peak is its highest point in
 * [r_0, firstPeakRatio * r_0], and the first minimum the lowest point
 * between that peak and the highest peak after it, no farther than
 * r_0 * (the largest upper/lower ratio of the main-peak pairs: where the
 * well-sampled pairs end their first shell; there is always one). `dipSignificance` gives the
 * depth of that dip in standard deviations.
 *
 * 'scaled' (no interior minimum in that window): r_0 * (the smallest
 * upper/lower ratio of the main-peak pairs).
 *
 * Measured on KA (rho 1.2, single frames, dr = 0.01): B-B at 1.02-1.16
 * (dip 1.4-3.5 sigma) for N = 1000 at T = 0.8 and 0.5 (the main-peak rule
 * gave 1.76), and at 1.16-1.21 for the quenched glasses of N = 250 and 500
 * where it gave 1.5-1.8 (N = 216-1000 quenches whose B-B main peak is the
 * first shell keep the main-peak rule, 1.06-1.18). A-A and A-B always take
 * the main-peak rule, so their limits (and the Sharma et al. local softness
 * of A particles) are unchanged.
 */
export function integrationLimitsFromRdf(rdf: PartialRdf, opts: IntegrationLimitOptions = {}): IntegrationLimitsWithRules {
  const nt = rdf.ntypes, zero = opts.zeroLevel ?? 0, w = opts.smooth ?? 2;
  const lambda = opts.shellRatio ?? 1.4, lambdaPeak = opts.firstPeakRatio ?? 1.25, minCount = opts.minCount ?? 50;
  if (!(lambda > 1 && lambdaPeak > 1)) throw new Error(`integrationLimitsFromRdf: shellRatio and firstPeakRatio must be above 1, got ${lambda} and ${lambdaPeak}`);
  const np = nt * nt;
  const lower = new Float64Array(np), upper = new Float64Array(np).fill(NaN);
  const dipSignificance = new Float64Array(np).fill(NaN);
  const rules: FirstMinimumRule[] = new Array(np).fill('empty');
  const firstBin = new Int32Array(np), peakR = new Float64Array(np);
  const mainPeakMinimum: (() => number)[] = [];
  // pairs in order of decreasing sampling (N_u (N_v - delta_uv) pairs per frame): the best-sampled pair is never re-judged
  const order: number[] = [];
  for (let u = 1; u <= nt; u++) {
    for (let v = 1; v <= nt; v++) {
      const p = speciesPairIndex(u, v, nt);
      order.push(p);
      const g = rdf.g[p], nb = g.length;
      let first = 0;
      while (first < nb && !(g[first] > zero)) first++;
      mainPeakMinimum[p] = () => NaN;
      if (first === nb) { lower[p] = NaN; continue; }
      firstBin[p] = first;
      lower[p] = rdf.r[first] - rdf.dr / 2;
      const sm = movingAverage(g, w);
      let peak = first;
      for (let k = first; k < nb; k++) if (sm[k] > sm[peak]) peak = k;
      peakR[p] = rdf.r[peak];
      mainPeakMinimum[p] = () => {
        // the main peak is the first shell in a liquid; search from it
        let below = peak;
        while (below < nb && sm[below] >= 1) below++;
        let above = below;
        while (above < nb && sm[above] < 1) above++;
        if (below >= nb || above >= nb) {
          throw new Error(`integrationLimitsFromRdf: g_${u}${v}(r) has no first minimum below r = ${(rdf.r[nb - 1]).toFixed(3)} (no fall below 1 and rise back after the first peak); use a larger rMax or more frames`);
        }
        let kmin = below;
        for (let k = below; k < above; k++) if (sm[k] < sm[kmin]) kmin = k;
        return rdf.r[kmin];
      };
      rules[p] = 'main-peak';
    }
  }
  const pairs = (p: number) => rdf.counts[Math.floor(p / nt)] * (rdf.counts[p % nt] - (Math.floor(p / nt) === p % nt ? 1 : 0));
  order.sort((a, b) => pairs(b) - pairs(a));
  const sparse: number[] = [];
  for (let i = 0; i < order.length; i++) {
    const p = order[i];
    if (rules[p] === 'empty') continue;
    // the highest peak is a later shell when it lies beyond shellRatio * r_0 and past the first minimum of a better-sampled pair
    let pastBetter = false;
    for (let j = 0; j < i; j++) {
      const q = order[j];
      if (rules[q] === 'main-peak' && !sparse.includes(q) && pairs(q) > pairs(p) && peakR[p] > upper[q]) pastBetter = true;
    }
    if (peakR[p] > lambda * lower[p] && pastBetter) sparse.push(p);
    else upper[p] = mainPeakMinimum[p]();
  }
  // rare pairs: bounded by the first shells of the main-peak pairs
  let minRatio = Infinity, maxRatio = 0;
  for (let p = 0; p < np; p++) {
    if (rules[p] !== 'main-peak' || sparse.includes(p)) continue;
    minRatio = Math.min(minRatio, upper[p] / lower[p]);
    maxRatio = Math.max(maxRatio, upper[p] / lower[p]);
  }
  for (const p of sparse) {
    const u = Math.floor(p / nt) + 1, v = (p % nt) + 1;
    const dip = firstShellWindowMinimum(rdf, u, v, firstBin[p], lambdaPeak * lower[p], maxRatio * lower[p], w, minCount);
    if (dip) {
      upper[p] = dip.r; dipSignificance[p] = dip.significance; rules[p] = 'first-shell-window';
    } else {
      upper[p] = minRatio * lower[p]; rules[p] = 'scaled';
    }
  }
  return { ntypes: nt, lower, upper, rules, dipSignificance };
}

/** (2w + 1)-bin moving average, truncated at the ends. */
function movingAverage(g: Float64Array, w: number): Float64Array {
  const nb = g.length, sm = new Float64Array(nb);
  for (let k = 0; k < nb; k++) {
    let a = 0, c = 0;
    for (let m = Math.max(0, k - w); m <= Math.min(nb - 1, k + w); m++) { a += g[m]; c++; }
    sm[k] = a / c;
  }
  return sm;
}

/**
 * Pairs of species (u, v) expected in each bin at g = 1, summed over the
 * frames: frames * N_u (N_v - delta_uv) / V * (shell volume), V = N / density.
 */
function expectedPairsPerBin(rdf: PartialRdf, u: number, v: number): Float64Array {
  const nb = rdf.r.length, dr = rdf.dr, out = new Float64Array(nb);
  const N = rdf.counts.reduce((a, c) => a + c, 0);
  const pairsPerVolume = Math.max(1, rdf.frames) * rdf.counts[u - 1] * (rdf.counts[v - 1] - (u === v ? 1 : 0)) * rdf.density / N;
  for (let k = 0; k < nb; k++) {
    const lo = Math.max(0, rdf.r[k] - dr / 2), hi = rdf.r[k] + dr / 2;
    const shell = rdf.dim === 3 ? (4 * Math.PI / 3) * (hi ** 3 - lo ** 3) : Math.PI * (hi * hi - lo * lo);
    out[k] = pairsPerVolume * shell;
  }
  return out;
}

/**
 * The 'first-shell-window' rule of integrationLimitsFromRdf: the first peak
 * is the highest point of the noise-adaptive smoothed g in [r_0, rPeak], the
 * first minimum the lowest point after it, before the highest peak beyond it
 * and at most rMax; null when that lowest point is an end of the range (no
 * dip).
 */
function firstShellWindowMinimum(rdf: PartialRdf, u: number, v: number, first: number, rPeak: number, rMax: number, w: number, minCount: number): { r: number; significance: number } | null {
  const g = rdf.g[speciesPairIndex(u, v, rdf.ntypes)], nb = g.length;
  const m = expectedPairsPerBin(rdf, u, v);
  // noise-adaptive moving average: widen the window until it expects minCount pairs at g = 1
  const sm = new Float64Array(nb), sigma = new Float64Array(nb);
  for (let k = 0; k < nb; k++) {
    let h = w, lo = Math.max(0, k - h), hi = Math.min(nb - 1, k + h), expect = 0;
    for (let j = lo; j <= hi; j++) expect += m[j];
    while (expect < minCount && (lo > 0 || hi < nb - 1)) {
      h++;
      if (k - h >= 0) { lo = k - h; expect += m[lo]; }
      if (k + h <= nb - 1) { hi = k + h; expect += m[hi]; }
    }
    let a = 0, counts = 0;
    for (let j = lo; j <= hi; j++) { a += g[j]; counts += g[j] * m[j]; }
    sm[k] = a / (hi - lo + 1);
    sigma[k] = Math.sqrt(Math.max(counts, 1)) / expect; // Poisson error of the window's mean g
  }
  let peak1 = first;
  for (let k = first; k < nb && rdf.r[k] <= rPeak; k++) if (sm[k] > sm[peak1]) peak1 = k;
  let main = peak1;
  for (let k = peak1 + 1; k < nb; k++) if (sm[k] > sm[main]) main = k;
  let kmin = peak1;
  for (let k = peak1; k <= main && rdf.r[k] <= rMax; k++) if (sm[k] < sm[kmin]) kmin = k;
  if (kmin === peak1 || kmin === main || !(rdf.r[kmin] < rMax - rdf.dr)) return null;
  // the dip's rise on the right: the highest point between it and the main peak within reach
  let right = kmin;
  for (let k = kmin; k <= main; k++) if (sm[k] > sm[right]) right = k;
  const depth = (k: number) => (sm[k] - sm[kmin]) / Math.hypot(sigma[k], sigma[kmin]);
  return { r: rdf.r[kmin], significance: Math.min(depth(peak1), depth(right)) };
}

export interface LocalCagingOptions {
  /** temperature (energy units, k_B = 1) */
  temperature: number;
  /** Appendix B limits (integrationLimitsFromRdf) */
  limits: IntegrationLimits;
  /** Gaussian width delta (length), default 0.09 */
  delta?: number;
  /** bin width of the r integral, default 0.005 */
  dr?: number;
  /** Gaussians cut at truncate * delta, default 6 */
  truncate?: number;
  /** species of the central particles (1-based), default [1] (A only, as in the paper) */
  species?: readonly number[];
  /** density in Eq. 8, default 'partial' (see the module doc) */
  normalisation?: 'total' | 'partial';
}

export interface LocalCagingFrame {
  /** atom indices (storage order) of the centres */
  index: Int32Array;
  /** beta Phi_r^i(0) per centre (dimensionless) */
  phi: Float64Array;
}

/**
 * beta Phi_r^i(0) for every atom of the chosen species in one frame (see the
 * module doc for the formula). O(N * neighbours * bins within truncate*delta).
 */
export function localCagingDepth(sys: System, pot: PairPotential, opts: LocalCagingOptions): LocalCagingFrame {
  const T = opts.temperature;
  if (!(T > 0)) throw new Error(`localCagingDepth: temperature must be positive, got ${T}`);
  const lim = opts.limits, nt = lim.ntypes;
  if (typeCount(sys) > nt) throw new Error(`localCagingDepth: the frame has type ${typeCount(sys)} but the limits cover ${nt} species`);
  if (pot.ntypes < nt) throw new Error(`localCagingDepth: potential '${pot.name}' defines ${pot.ntypes} types, the limits ${nt}`);
  const species = opts.species ?? [1];
  let hiMax = 0;
  for (const u of species) {
    if (!(Number.isInteger(u) && u >= 1 && u <= nt)) throw new Error(`localCagingDepth: species ${u} outside 1..${nt}`);
    for (let v = 1; v <= nt; v++) {
      const p = speciesPairIndex(u, v, nt);
      if (!(lim.upper[p] > lim.lower[p])) throw new Error(`localCagingDepth: limits of pair (${u}, ${v}) are [${lim.lower[p]}, ${lim.upper[p]}]; they must be finite with lower < upper`);
      hiMax = Math.max(hiMax, lim.upper[p]);
    }
  }
  const grid = resolveGrid(sys, { delta: opts.delta, dr: opts.dr, truncate: opts.truncate, ntypes: nt, normalisation: opts.normalisation }, hiMax);
  const nb = grid.nb, dr = grid.dr;
  const nd = neighbourData(sys, hiMax + grid.reach, grid);
  const cnt = speciesCounts(sys, nt);
  const N = sys.n, rho = N / sys.box.volume;
  const isCentre = new Uint8Array(nt + 1);
  for (const u of species) isCentre[u] = 1;
  // per centre species u: bin ranges, beta U on the grid, weights 4 pi r^2 dr sqrt(x_u x_v)
  const kLo = species.map(() => new Int32Array(nt)), kHi = species.map(() => new Int32Array(nt));
  const betaU = species.map(() => new Float64Array(nt * nb));
  const weight = species.map(() => new Float64Array(nt * nb));
  const buf = new Float64Array(4);
  const slot = new Int32Array(nt + 1).fill(-1);
  species.forEach((u, m) => {
    slot[u] = m;
    for (let v = 1; v <= nt; v++) {
      const p = speciesPairIndex(u, v, nt);
      // bins whose centre lies in [lower, upper]
      kLo[m][v - 1] = Math.max(0, Math.ceil(lim.lower[p] / dr - 0.5 - 1e-9));
      kHi[m][v - 1] = Math.min(nb, Math.floor(lim.upper[p] / dr - 0.5 + 1e-9) + 1);
      const sx = Math.sqrt((cnt[u - 1] / N) * (cnt[v - 1] / N));
      for (let k = 0; k < nb; k++) {
        const r = grid.r[k];
        pot.radial(u, v, r, buf);
        betaU[m][(v - 1) * nb + k] = buf[PHI] / T;
        weight[m][(v - 1) * nb + k] = 4 * Math.PI * r * r * dr * sx;
      }
    }
  });
  let count = 0;
  for (let i = 0; i < N; i++) if (isCentre[sys.types[i]]) count++;
  const index = new Int32Array(count), phi = new Float64Array(count);
  const g = new Float64Array(nt * nb);
  let c = 0;
  for (let i = 0; i < N; i++) {
    const u = sys.types[i];
    if (!isCentre[u]) continue;
    const m = slot[u];
    g.fill(0);
    accumulateLocal(i, sys, nd, grid, kLo[m], kHi[m], g);
    let acc = 0;
    for (let v = 0; v < nt; v++) {
      const base = v * nb, bu = betaU[m], wt = weight[m];
      for (let k = kLo[m][v]; k < kHi[m][v]; k++) acc += wt[base + k] * hncProduct(g[base + k], bu[base + k]);
    }
    index[c] = i;
    phi[c] = -rho * acc;
    c++;
  }
  return { index, phi };
}

/** Per-particle, per-frame local depth and softness over frames (long form, one row per centre and frame). */
export interface LocalSoftnessResult extends AnalysisResult<'local-softness'> {
  /** frame number (0-based position in the input) */
  frame: Int32Array;
  /** atom ids */
  id: Int32Array;
  type: Int32Array;
  /** atom index in the frame's storage order */
  index: Int32Array;
  /** beta Phi_r^i(0) */
  phi: Float64Array;
  /** S_i = 1/(c0 + c1 beta Phi_r^i(0)); NaN without calibration */
  softness: Float64Array;
  /** rows per frame (centres) */
  perFrame: number;
  frames: number;
  /** whether S was computed (a calibration was given) */
  calibrated: boolean;
  /** histogram of S (or of beta Phi_r(0) without calibration) */
  figure(bins?: number): PlotlyFigure;
  /** frame,id,type,phi_r0,S */
  table(): TableData;
}

/** The fields a LocalSoftnessResult is built from (and saved as). */
export type LocalSoftnessData = Pick<LocalSoftnessResult, 'frame' | 'id' | 'type' | 'index' | 'phi' | 'softness' | 'perFrame' | 'frames' | 'calibrated'>;
const LOCAL_SOFTNESS_VERSION = 1;

/** A LocalSoftnessResult from its arrays (the accumulator's result; loadResult). */
export function makeLocalSoftnessResult(d: LocalSoftnessData): LocalSoftnessResult {
  const { phi, softness, calibrated: useS } = d;
  let m = 0, c = 0, bad = 0;
  for (const x of useS ? softness : phi) { if (Number.isFinite(x)) { m += x; c++; } else bad++; }
  return {
    kind: 'local-softness', ...d,
    figure: (bins = 50) => {
      const vals = useS ? softness : phi;
      const [lo, hi] = extent(vals, { finite: true });
      if (!(hi > lo)) return lineFigure([], { xTitle: useS ? 'S' : 'beta Phi_r(0)' });
      const h = histogramDensity(vals, binsForValues(vals, bins));
      return lineFigure([{ name: useS ? 'P(S)' : 'P(beta Phi_r(0))', x: h.x, y: h.p }], { xTitle: useS ? 'S' : 'beta Phi_r(0)', yTitle: 'probability density' });
    },
    summary: () => `local ${useS ? 'softness S' : 'depth beta Phi_r(0)'} of ${d.perFrame} particles x ${d.frames} frames: mean ${c > 0 ? m / c : NaN}${bad > 0 ? ` (${bad} not finite)` : ''}`,
    table: () => ({
      columns: ['frame', 'id', 'type', 'phi_r0', 'S'],
      rows: Array.from(phi, (p, r) => [d.frame[r], d.id[r], d.type[r], p, softness[r]]),
    }),
    toJSON: () => resultJSON('local-softness', LOCAL_SOFTNESS_VERSION, d),
  };
}

/** A saved LocalSoftnessResult (toJSON) -> the result. */
export function loadLocalSoftnessResult(json: unknown): LocalSoftnessResult {
  return makeLocalSoftnessResult(resultData<LocalSoftnessData>(json, 'local-softness', LOCAL_SOFTNESS_VERSION));
}

export interface LocalSoftnessOptions extends LocalCagingOptions {
  /** c0, c1 of Eq. 7; without it only beta Phi_r(0) is computed */
  calibration?: Pick<SoftnessCalibration, 'c0' | 'c1'>;
}

/** Local beta Phi_r(0) and S for the chosen species over frames (same atoms in every frame). */
export function localSoftness(frames: Iterable<System>, pot: PairPotential, opts: LocalSoftnessOptions): LocalSoftnessResult {
  const acc = new LocalSoftnessAccumulator(pot, opts);
  for (const f of frames) acc.add(f);
  return acc.result();
}

/** Streaming version of `localSoftness` (frames added one at a time, e.g. from a Trajectory). */
export class LocalSoftnessAccumulator {
  private readonly rows: { frame: number; id: Int32Array; type: Int32Array; index: Int32Array; phi: Float64Array }[] = [];
  constructor(private readonly pot: PairPotential, private readonly opts: LocalSoftnessOptions) {}

  add(sys: System): LocalCagingFrame {
    const res = localCagingDepth(sys, this.pot, this.opts);
    if (this.rows.length > 0 && res.index.length !== this.rows[0].index.length) {
      throw new Error(`localSoftness: frame ${this.rows.length} has ${res.index.length} centres, the first ${this.rows[0].index.length}; all frames must hold the same atoms`);
    }
    this.rows.push({
      frame: this.rows.length, index: res.index, phi: res.phi,
      id: Int32Array.from(res.index, (i) => sys.ids[i]), type: Int32Array.from(res.index, (i) => sys.types[i]),
    });
    return res;
  }

  result(): LocalSoftnessResult {
    const per = this.rows.length > 0 ? this.rows[0].index.length : 0;
    const total = per * this.rows.length;
    const frame = new Int32Array(total), id = new Int32Array(total), type = new Int32Array(total), index = new Int32Array(total);
    const phi = new Float64Array(total), softness = new Float64Array(total);
    const cal = this.opts.calibration;
    this.rows.forEach((r, f) => {
      const o = f * per;
      frame.fill(f, o, o + per); id.set(r.id, o); type.set(r.type, o); index.set(r.index, o); phi.set(r.phi, o);
      for (let k = 0; k < per; k++) softness[o + k] = cal ? softnessFromDepth(r.phi[k], cal) : NaN;
    });
    return makeLocalSoftnessResult({ frame, id, type, index, phi, softness, perFrame: per, frames: this.rows.length, calibrated: cal !== undefined });
  }
}

/** One state point of the Eq. 7 calibration (the data of the paper's Fig. 1). */
export interface SoftnessCalibrationPoint {
  temperature: number;
  /** Appendix B limits from the histogram g(r) */
  limits: IntegrationLimits;
  /** direct S_uv(q) of the frames given */
  structureFactor: PartialStructureFactor;
  /** S^av, beta Phi_q^av(0) (Eqs. 3-4) */
  meanField: MeanFieldSoftness;
  /** beta Phi_r^av(0), Eq. 5 with the HNC c(r) and the limits */
  phiR0: number;
}

/**
 * Mean-field values of one equilibrated state point for the calibration of
 * Eq. 7: limits from `rdf` (the histogram g(r) over the frames), S(q) directly
 * from `sqFrames` (a few frames suffice), S^av by the harmonic fit of Eq. 3,
 * and beta Phi_r^av(0). Collect one per temperature and fit with
 * fitSoftnessCalibration(points.map(p => p.meanField.softness), points.map(p => p.phiR0)).
 */
export function softnessCalibrationPoint(rdf: PartialRdf, sqFrames: readonly System[], pot: PairPotential, opts: { temperature: number; qMax?: number; limits?: IntegrationLimits }): SoftnessCalibrationPoint {
  const limits = opts.limits ?? integrationLimitsFromRdf(rdf);
  const structureFactor = structureFactorDirect(sqFrames, { qMax: opts.qMax ?? 30, ntypes: rdf.ntypes });
  const meanField = meanFieldSoftness(structureFactor);
  const phiR0 = cagingDepthR(rdf, pot, { temperature: opts.temperature, limits });
  return { temperature: opts.temperature, limits, structureFactor, meanField, phiR0 };
}
