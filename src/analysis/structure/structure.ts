/**
 * Pair structure of a (multi-component) configuration: partial radial
 * distribution functions g_uv(r), partial structure factors S_uv(q) in the
 * Ashcroft-Langreth normalisation, and the direct-correlation matrix
 * C(q) = 1 - S^-1(q) (Sharma, Nandi & Bhattacharyya, PRE 105, 044604 (2022),
 * text below Eq. 3).
 *
 * Conventions (species u, v = 1..ntypes, LAMMPS types; N_u atoms of species u,
 * x_u = N_u / N, rho = N / V, rho_u = x_u rho; lengths in the model's unit,
 * q in inverse length units):
 *
 *   g_uv(r)  = <n_uv(r)> / (N_u (N_v - delta_uv)/V * V_shell(r))
 *              n_uv(r): ordered (i in u, j in v, j != i) pairs with |r_ij| in
 *              the shell [r, r + dr); V_shell = 4 pi/3 (r_hi^3 - r_lo^3) in 3D,
 *              pi (r_hi^2 - r_lo^2) in 2D. The (N_v - delta_uv) makes the
 *              ideal gas exactly 1 in expectation, at any N.
 *   S_uv(q)  = (1/sqrt(N_u N_v)) sum_{i in u} sum_{j in v} exp(-i q.(r_i - r_j))
 *              (the paper's definition; S_uu -> 1, S_{u != v} -> 0 at large q),
 *              computed directly on the wave vectors of the periodic cell
 *              q = 2 pi H^-T n (n integer, H the LAMMPS cell matrix; triclinic
 *              cells included), averaged over the vectors in each |q| bin;
 *              or from g(r) by the 3D Fourier transform
 *   S_uv(q)  = delta_uv + rho sqrt(x_u x_v) int 4 pi r^2 [g_uv(r) - 1] sin(qr)/(qr) dr.
 *   C(q)     = 1 - S^-1(q), matrices over species; for one species
 *              C = 1 - 1/S = rho c(q), the dimensionless (rho-scaled) direct
 *              correlation function of Ornstein-Zernike; for a mixture
 *              C_uv = rho sqrt(x_u x_v) c_uv(q).
 *
 * g(r) uses the shared cell-list neighbour list (src/neighbor), so r_max must
 * stay below half the smallest perpendicular width of the cell.
 */
import { buildNeighborList } from '../../neighbor/neighbor-list.ts';
import { cellGeometry, maxListRadius, wrappedFractional } from '../../neighbor/cell-geometry.ts';
import type { System } from '../../system/system.ts';
import { typeCount } from '../../system/system.ts';
import { lineFigure } from '../../plot/figure.ts';
import type { PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';

/** Index of the (u, v) species pair (1-based types) in flat per-pair arrays: (u-1) * ntypes + (v-1). */
export function speciesPairIndex(u: number, v: number, ntypes: number): number {
  return (u - 1) * ntypes + (v - 1);
}

/** Partial radial distribution functions of one or more frames (a result: table r, g_AA, g_AB, ...). */
export interface PartialRdf extends AnalysisResult<'rdf'> {
  readonly dim: 2 | 3;
  readonly ntypes: number;
  /** bin width (length) */
  readonly dr: number;
  /** bin centres (length), nbins */
  readonly r: Float64Array;
  /** g_uv(r), one Float64Array(nbins) per ordered pair, index speciesPairIndex(u, v) (symmetric: g_uv = g_vu) */
  readonly g: readonly Float64Array[];
  /** mean number density N/V over the frames (length^-dim) */
  readonly density: number;
  /** mole fractions x_u, index u - 1 */
  readonly fractions: Float64Array;
  /** atoms per species N_u of the (first) frame, index u - 1 */
  readonly counts: Float64Array;
  /** frames averaged */
  readonly frames: number;
  /** g_uv(r) of the 1-based species pair */
  pair(u: number, v: number): Float64Array;
  /** Plotly figure of all distinct partials g_uv(r) */
  figure(): PlotlyFigure;
}

/** The fields a PartialRdf is built from (and saved as). */
export type PartialRdfData = Omit<PartialRdf, 'pair' | 'figure' | 'kind' | 'summary' | 'table' | 'toJSON'>;
/** The fields a PartialStructureFactor is built from (and saved as). */
export type PartialStructureFactorData = Omit<PartialStructureFactor, 'pair' | 'figure' | 'kind' | 'summary' | 'table' | 'toJSON'>;
const PARTIAL_VERSION = 1;

export interface PartialRdfOptions {
  /** largest distance (length), default: just below half the smallest cell width */
  rMax?: number;
  /** bin width (length), default 0.01 */
  dr?: number;
  /** number of species, default the largest type of the first frame */
  ntypes?: number;
  /** where the frames come from (a file), named by errors; default 'partialRdf' */
  source?: string;
  /** refuse two atoms closer than this (the neighbour list's overlap check, naming the atoms); default 0: no check */
  overlapDistance?: number;
}

/**
 * Streaming accumulator of partial g_uv(r) over frames (O(pairs within
 * r_max) per frame via the cell-list neighbour list). All frames must have
 * the same atoms (counts per species); the box may change.
 */
export class PartialRdfAccumulator {
  private hist: Float64Array[] = [];
  /** per-frame normalisation sum of N_u (N_v - d_uv) / V for each ordered pair */
  private norm: Float64Array = new Float64Array(0);
  private nFrames = 0;
  private rhoSum = 0;
  private nt = 0;
  private nb = 0;
  private rmax = 0;
  private counts: Float64Array = new Float64Array(0);
  private dim: 2 | 3 = 3;
  private readonly binWidth: number;

  constructor(private readonly opts: PartialRdfOptions = {}) {
    this.binWidth = opts.dr ?? 0.01;
    if (!(this.binWidth > 0)) throw new Error(`partialRdf: option dr must be positive, got ${this.binWidth}`);
  }

  add(sys: System): this {
    if (this.nFrames === 0) this.init(sys);
    const nt = this.nt, nb = this.nb, dr = this.binWidth;
    const cnt = speciesCounts(sys, nt);
    for (let u = 0; u < nt; u++) {
      if (cnt[u] !== this.counts[u]) {
        throw new Error(`${this.opts.source ?? 'partialRdf'}: frame ${this.nFrames}${sys.timestep !== undefined ? ` (timestep ${sys.timestep})` : ''} has ${cnt[u]} atoms of type ${u + 1}, ` +
          `the first frame ${this.counts[u]}; g(r) needs the same atoms in every frame: select the frames of one run (start/stop; --start/--stop)`);
      }
    }
    const geom = cellGeometry(sys.box);
    if (this.rmax >= maxListRadius(geom)) {
      throw new Error(`partialRdf: rMax ${this.rmax} must be below half the smallest cell width (${maxListRadius(geom).toFixed(4)}); choose a smaller rMax or a bigger system`);
    }
    const nl = buildNeighborList(sys, { cutoff: this.rmax, skin: 0, kind: 'half', overlapDistance: 0 });
    const s = wrappedFractional(sys, undefined, 'partialRdf');
    const ov = this.opts.overlapDistance ?? 0, ov2 = ov * ov;
    const { lx, ly, lz, xy, xz, yz } = geom;
    const wx = geom.wrap[0], wy = geom.wrap[1], wz = geom.wrap[2];
    const types = sys.types, rmax2 = this.rmax * this.rmax;
    for (let i = 0; i < sys.n; i++) {
      const ti = types[i] - 1, row = i * nl.stride;
      const six = s[3 * i], siy = s[3 * i + 1], siz = s[3 * i + 2];
      for (let k = 0; k < nl.counts[i]; k++) {
        const j = nl.neighbors[row + k];
        let sx = six - s[3 * j], sy = siy - s[3 * j + 1], sz = siz - s[3 * j + 2];
        sx -= wx * Math.floor(sx + 0.5); sy -= wy * Math.floor(sy + 0.5); sz -= wz * Math.floor(sz + 0.5);
        const dx = lx * sx + xy * sy + xz * sz, dy = ly * sy + yz * sz, dz = lz * sz;
        const r2 = dx * dx + dy * dy + (this.dim === 3 ? dz * dz : 0);
        if (r2 >= rmax2) continue;
        if (r2 < ov2) {
          throw new Error(`${this.opts.source ?? 'partialRdf'}: frame ${this.nFrames}${sys.timestep !== undefined ? ` (timestep ${sys.timestep})` : ''}: ` +
            `atoms id ${sys.ids[i]} and id ${sys.ids[j]} are ${Math.sqrt(r2).toExponential(3)} apart (below ${ov}), the same atom written twice? ` +
            'remove the duplicated atoms (a merged or badly written file), as energy, minimize and md require');
        }
        const b = Math.floor(Math.sqrt(r2) / dr);
        if (b >= nb) continue;
        const tj = types[j] - 1;
        this.hist[ti * nt + tj][b] += 1;
        this.hist[tj * nt + ti][b] += 1;
      }
    }
    const V = sys.box.volume;
    for (let u = 0; u < nt; u++) for (let v = 0; v < nt; v++) this.norm[u * nt + v] += (cnt[u] * (cnt[v] - (u === v ? 1 : 0))) / V;
    this.rhoSum += sys.n / V;
    this.nFrames++;
    return this;
  }

  result(): PartialRdf {
    if (this.nFrames === 0) throw new Error('partialRdf: no frames were added');
    const nt = this.nt, nb = this.nb, dr = this.binWidth, dim = this.dim;
    const r = new Float64Array(nb);
    const shell = new Float64Array(nb);
    for (let b = 0; b < nb; b++) {
      const lo = b * dr, hi = (b + 1) * dr;
      r[b] = lo + dr / 2;
      shell[b] = dim === 3 ? (4 * Math.PI / 3) * (hi ** 3 - lo ** 3) : Math.PI * (hi * hi - lo * lo);
    }
    const g: Float64Array[] = [];
    for (let p = 0; p < nt * nt; p++) {
      const out = new Float64Array(nb);
      const nrm = this.norm[p];
      for (let b = 0; b < nb; b++) out[b] = nrm > 0 ? this.hist[p][b] / (nrm * shell[b]) : 0;
      g.push(out);
    }
    const N = this.counts.reduce((a, c) => a + c, 0);
    const fractions = this.counts.map((c) => c / N);
    return makePartialRdf({ dim, ntypes: nt, dr, r, g, density: this.rhoSum / this.nFrames, fractions, counts: this.counts.slice(), frames: this.nFrames });
  }

  private init(sys: System): void {
    this.dim = sys.dim;
    this.nt = this.opts.ntypes ?? typeCount(sys);
    const maxR = maxListRadius(cellGeometry(sys.box));
    this.rmax = this.opts.rMax ?? maxR * (1 - 1e-9);
    if (!(this.rmax > 0)) throw new Error(`partialRdf: rMax must be positive, got ${this.rmax}`);
    this.nb = Math.max(1, Math.floor(this.rmax / this.binWidth + 1e-9));
    this.hist = Array.from({ length: this.nt * this.nt }, () => new Float64Array(this.nb));
    this.norm = new Float64Array(this.nt * this.nt);
    this.counts = speciesCounts(sys, this.nt);
  }
}

/** Partial g_uv(r) of one frame or averaged over frames (see PartialRdfAccumulator). */
export function partialRdf(frames: System | Iterable<System>, opts: PartialRdfOptions = {}): PartialRdf {
  const acc = new PartialRdfAccumulator(opts);
  if (isSystem(frames)) acc.add(frames);
  else for (const f of frames) acc.add(f);
  return acc.result();
}

/** Assemble a PartialRdf from arrays (e.g. an averaged local g(r), or g(r) read from a file). */
export function makePartialRdf(d: PartialRdfData): PartialRdf {
  const { kind: _k, pair: _p, figure: _f, summary: _s, table: _t, toJSON: _j, ...data } = d as PartialRdf;
  return {
    kind: 'rdf', ...data, ...partialFunctionAccess(d.ntypes, d.r, d.g, { symbol: 'g', x: 'r', where: 'PartialRdf.pair' }),
    summary: () => `g(r) of ${d.ntypes} species, ${d.frames} frame(s), density ${d.density}, r up to ${d.r[d.r.length - 1]} (bins of ${d.dr})`,
    toJSON: () => resultJSON('rdf', PARTIAL_VERSION, data),
  };
}

/** A saved PartialRdf (toJSON) -> the PartialRdf. */
export function loadPartialRdf(json: unknown): PartialRdf {
  return makePartialRdf(resultData<PartialRdfData>(json, 'rdf', PARTIAL_VERSION));
}

/** A saved PartialStructureFactor (toJSON) -> the PartialStructureFactor. */
export function loadPartialStructureFactor(json: unknown): PartialStructureFactor {
  return makePartialStructureFactor(resultData<PartialStructureFactorData>(json, 'structure-factor', PARTIAL_VERSION));
}

/** `pair(u, v)`, a figure and a table (x, then one column per distinct pair) of per-pair functions stored at speciesPairIndex. */
function partialFunctionAccess(
  ntypes: number, x: Float64Array, values: readonly Float64Array[], label: { symbol: string; x: string; where: string },
): { pair(u: number, v: number): Float64Array; figure(): PlotlyFigure; table(): TableData } {
  return {
    table(): TableData {
      const pairs = distinctPairs(ntypes);
      return {
        columns: [label.x, ...pairs.map(([u, v]) => `${label.symbol}_${speciesName(u)}${speciesName(v)}`)],
        rows: Array.from(x, (xv, k) => [xv, ...pairs.map(([u, v]) => values[speciesPairIndex(u, v, ntypes)][k])]),
      };
    },
    pair(u: number, v: number): Float64Array {
      checkPair(u, v, ntypes, label.where);
      return values[speciesPairIndex(u, v, ntypes)];
    },
    figure(): PlotlyFigure {
      const series = distinctPairs(ntypes).map(([u, v]) => ({ name: `${label.symbol}_${speciesName(u)}${speciesName(v)}`, x, y: values[speciesPairIndex(u, v, ntypes)] }));
      return lineFigure(series, { xTitle: label.x, yTitle: `${label.symbol}(${label.x})` });
    },
  };
}

/** Partial structure factors S_uv(q) on a |q| grid (a result: table q, S_AA, S_AB, ...). */
export interface PartialStructureFactor extends AnalysisResult<'structure-factor'> {
  readonly ntypes: number;
  /** |q| (inverse length), one per bin / grid point */
  readonly q: Float64Array;
  /** S_uv(q), one Float64Array per ordered pair, index speciesPairIndex(u, v) */
  readonly S: readonly Float64Array[];
  /** mole fractions x_u, index u - 1 */
  readonly fractions: Float64Array;
  /** number density (length^-3) */
  readonly density: number;
  /** wave vectors per |q| bin (direct method only) */
  readonly vectors?: Int32Array;
  pair(u: number, v: number): Float64Array;
  figure(): PlotlyFigure;
}

/** Assemble a PartialStructureFactor from arrays. */
export function makePartialStructureFactor(d: PartialStructureFactorData): PartialStructureFactor {
  return {
    kind: 'structure-factor', ...d, ...partialFunctionAccess(d.ntypes, d.q, d.S, { symbol: 'S', x: 'q', where: 'PartialStructureFactor.pair' }),
    summary: () => `S(q) of ${d.ntypes} species on ${d.q.length} |q| values up to ${d.q[d.q.length - 1]}${d.vectors ? ' (direct, wave vectors of the cell)' : ''}, density ${d.density}`,
    toJSON: () => resultJSON('structure-factor', PARTIAL_VERSION, d),
  };
}

export interface StructureFactorFromRdfOptions {
  /** |q| grid; default 0.05 .. qMax step dq */
  q?: ArrayLike<number>;
  /** default 30 (inverse length) */
  qMax?: number;
  /** default 0.05 */
  dq?: number;
  /**
   * Lorch window sin(pi r/R)/(pi r/R) on g - 1 (R = r_max) to damp the
   * truncation ripples; default false (the plain transform).
   */
  lorch?: boolean;
}

/**
 * S_uv(q) = delta_uv + rho sqrt(x_u x_v) int_0^rmax 4 pi r^2 [g_uv(r) - 1] sin(qr)/(qr) dr
 * (3D only; midpoint rule on the g(r) bins). Truncation at r_max makes the
 * result unreliable below q ~ 2 pi / r_max.
 */
export function structureFactorFromRdf(rdf: PartialRdf, opts: StructureFactorFromRdfOptions = {}): PartialStructureFactor {
  if (rdf.dim !== 3) throw new Error('structureFactorFromRdf: the radial Fourier transform is for 3D g(r) only');
  const q = opts.q !== undefined ? Float64Array.from(opts.q) : uniformGrid(opts.dq ?? 0.05, opts.qMax ?? 30);
  const nt = rdf.ntypes, nb = rdf.r.length, R = rdf.r[nb - 1] + rdf.dr / 2;
  const weight = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    const r = rdf.r[b];
    const x = Math.PI * r / R;
    weight[b] = 4 * Math.PI * r * r * rdf.dr * (opts.lorch ? Math.sin(x) / x : 1);
  }
  const S: Float64Array[] = [];
  for (let u = 1; u <= nt; u++) {
    for (let v = 1; v <= nt; v++) {
      const g = rdf.pair(u, v);
      const pre = rdf.density * Math.sqrt(rdf.fractions[u - 1] * rdf.fractions[v - 1]);
      const out = new Float64Array(q.length);
      for (let k = 0; k < q.length; k++) {
        const qk = q[k];
        let acc = 0;
        for (let b = 0; b < nb; b++) {
          const qr = qk * rdf.r[b];
          acc += weight[b] * (g[b] - 1) * (qr === 0 ? 1 : Math.sin(qr) / qr);
        }
        out[k] = (u === v ? 1 : 0) + pre * acc;
      }
      S.push(out);
    }
  }
  return makePartialStructureFactor({ ntypes: nt, q, S, fractions: rdf.fractions.slice(), density: rdf.density });
}

export interface DirectStructureFactorOptions {
  /** largest |q| (inverse length), default 20 */
  qMax?: number;
  /** |q| bin width, default 2 pi / L_max of the cell (one shell of the reciprocal lattice) */
  dq?: number;
  /** number of species, default the largest type of the first frame */
  ntypes?: number;
}

/**
 * S_uv(q) directly from the wave vectors of the periodic cell,
 * q = 2 pi H^-T n, 0 < |q| <= qMax, averaged over the vectors in each |q| bin
 * and over frames (bins without vectors are dropped). q.r = 2 pi n.s with s
 * the fractional coordinates: per (n1, n2) column the n3 range inside the
 * sphere is solved exactly, and each atom walks that column by one complex
 * multiplication per wave vector (phase recurrence), so a wave vector costs
 * O(N) multiply-adds. Only one of each +-q pair is visited (S(-q) = S(q)*
 * and the real part is what is averaged).
 */
export function structureFactorDirect(frames: System | Iterable<System>, opts: DirectStructureFactorOptions = {}): PartialStructureFactor {
  const list = isSystem(frames) ? [frames] : Array.from(frames);
  if (list.length === 0) throw new Error('structureFactorDirect: no frames');
  const first = list[0];
  if (first.dim !== 3) throw new Error('structureFactorDirect: 3D systems only');
  const nt = opts.ntypes ?? typeCount(first);
  const qMax = opts.qMax ?? 20;
  const Lmax = Math.max(...Array.from(first.box.lengths));
  const dq = opts.dq ?? (2 * Math.PI) / Lmax;
  const nbins = Math.floor(qMax / dq) + 1;
  const sum = Array.from({ length: nt * nt }, () => new Float64Array(nbins));
  const qsum = new Float64Array(nbins);
  const nvec = new Int32Array(nbins);
  const counts = speciesCounts(first, nt);
  let rhoSum = 0;
  for (const sys of list) {
    const cnt = speciesCounts(sys, nt);
    for (let u = 0; u < nt; u++) if (cnt[u] !== counts[u]) throw new Error('structureFactorDirect: all frames must hold the same atoms');
    accumulateDirect(sys, nt, qMax, dq, sum, qsum, nvec);
    rhoSum += sys.n / sys.box.volume;
  }
  const keep: number[] = [];
  for (let b = 0; b < nbins; b++) if (nvec[b] > 0) keep.push(b);
  const q = Float64Array.from(keep, (b) => qsum[b] / nvec[b]);
  const S = sum.map((arr) => Float64Array.from(keep, (b) => arr[b] / nvec[b]));
  const N = counts.reduce((a, c) => a + c, 0);
  return makePartialStructureFactor({
    ntypes: nt, q, S, fractions: counts.map((c) => c / N), density: rhoSum / list.length,
    vectors: Int32Array.from(keep, (b) => nvec[b] / list.length),
  });
}

function accumulateDirect(sys: System, nt: number, qMax: number, dq: number, sum: Float64Array[], qsum: Float64Array, nvec: Int32Array): void {
  const n = sys.n;
  const s = wrappedFractional(sys, undefined, 'structureFactorDirect');
  const box = sys.box;
  // reciprocal basis: q = 2 pi (n1 b1 + n2 b2 + n3 b3), b_k the rows of H^-1 (H upper triangular, so b3 = (0, 0, 1/lz))
  const H = [[box.lengths[0], box.xy, box.xz], [0, box.lengths[1], box.yz], [0, 0, box.lengths[2]]];
  const Hi = invertUpper3(H);
  const b = [0, 1, 2].map((k) => [Hi[k][0], Hi[k][1], Hi[k][2]].map((x) => 2 * Math.PI * x));
  const bz = b[2][2];
  // n_k = q.a_k / (2 pi) with a_k the cell edge vectors, so |n_k| <= qMax |a_k| / (2 pi)
  const edges = [box.lengths[0], Math.hypot(box.xy, box.lengths[1]), Math.hypot(box.xz, box.yz, box.lengths[2])];
  const nmax = edges.map((len) => Math.ceil((qMax * len) / (2 * Math.PI)));
  // phase tables e^{2 pi i m s_k}, m = 0..nmax_k, for k = x, y: c[k][m * n + i], sn[k][m * n + i]
  const cs: Float64Array[] = [], sn: Float64Array[] = [];
  for (let k = 0; k < 2; k++) {
    const M = nmax[k] + 1;
    const c = new Float64Array(M * n), si = new Float64Array(M * n);
    for (let i = 0; i < n; i++) {
      const th = 2 * Math.PI * s[3 * i + k];
      const c1 = Math.cos(th), s1 = Math.sin(th);
      c[i] = 1; si[i] = 0;
      for (let m = 1; m < M; m++) {
        const pc = c[(m - 1) * n + i], ps = si[(m - 1) * n + i];
        c[m * n + i] = pc * c1 - ps * s1;
        si[m * n + i] = pc * s1 + ps * c1;
      }
    }
    cs.push(c); sn.push(si);
  }
  // atoms sorted by species so that the atom loop accumulates into one species at a time
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => sys.types[x] - sys.types[y]);
  const typeEnd = new Int32Array(nt);
  for (let i = 0; i < n; i++) typeEnd[sys.types[order[i]] - 1] = i + 1;
  for (let t = 1; t < nt; t++) typeEnd[t] = Math.max(typeEnd[t], typeEnd[t - 1]);
  const c3 = new Float64Array(n), s3 = new Float64Array(n);
  for (let k = 0; k < n; k++) { const th = 2 * Math.PI * s[3 * order[k] + 2]; c3[k] = Math.cos(th); s3[k] = Math.sin(th); }
  const cnt = speciesCounts(sys, nt);
  const norm = new Float64Array(nt * nt);
  for (let u = 0; u < nt; u++) for (let v = 0; v < nt; v++) { const x = Math.sqrt(cnt[u] * cnt[v]); norm[u * nt + v] = x > 0 ? 1 / x : 0; }
  const maxLen = 2 * nmax[2] + 1;
  const re = new Float64Array(maxLen * nt), im = new Float64Array(maxLen * nt);
  const qMax2 = qMax * qMax;
  const c1 = cs[0], s1 = sn[0], c2 = cs[1], s2 = sn[1];
  // half space: n1 > 0, or n1 = 0 and n2 > 0, or n1 = n2 = 0 and n3 > 0
  for (let n1 = 0; n1 <= nmax[0]; n1++) {
    for (let n2 = n1 === 0 ? 0 : -nmax[1]; n2 <= nmax[1]; n2++) {
      const qx = n1 * b[0][0] + n2 * b[1][0], qy = n1 * b[0][1] + n2 * b[1][1], qz0 = n1 * b[0][2] + n2 * b[1][2];
      const rem = qMax2 - qx * qx - qy * qy;
      if (rem < 0) continue;
      // n3 with (qz0 + n3 bz)^2 <= rem
      const root = Math.sqrt(rem);
      let lo = Math.ceil((-root - qz0) / bz - 1e-12), hi = Math.floor((root - qz0) / bz + 1e-12);
      if (n1 === 0 && n2 === 0) lo = Math.max(lo, 1);
      lo = Math.max(lo, -nmax[2]); hi = Math.min(hi, nmax[2]);
      if (hi < lo) continue;
      const len = hi - lo + 1;
      re.fill(0); im.fill(0);
      const a2 = Math.abs(n2), sg2 = n2 < 0 ? -1 : 1;
      let start = 0;
      for (let t = 0; t < nt; t++) {
        const end = typeEnd[t];
        for (let k = start; k < end; k++) {
          const i = order[k];
          // e^{i (n1 th1 + n2 th2)} e^{i lo th3}, then step by e^{i th3}
          const ar = c1[n1 * n + i], ai = s1[n1 * n + i];
          const br = c2[a2 * n + i], bi = sg2 * s2[a2 * n + i];
          let pr = ar * br - ai * bi, pi = ar * bi + ai * br;
          const th = 2 * Math.PI * lo * s[3 * i + 2];
          const lc = Math.cos(th), ls = Math.sin(th);
          let tmp = pr * lc - pi * ls; pi = pr * ls + pi * lc; pr = tmp;
          const ec = c3[k], es = s3[k];
          for (let m = 0, o = t * maxLen; m < len; m++, o++) {
            re[o] += pr; im[o] += pi;
            tmp = pr * ec - pi * es; pi = pr * es + pi * ec; pr = tmp;
          }
        }
        start = end;
      }
      for (let m = 0; m < len; m++) {
        const qz = qz0 + (lo + m) * bz;
        const qa = Math.sqrt(qx * qx + qy * qy + qz * qz);
        const bin = Math.floor(qa / dq);
        if (bin >= nvec.length) continue;
        for (let u = 0; u < nt; u++) {
          const ou = u * maxLen + m;
          for (let v = 0; v < nt; v++) {
            const ov = v * maxLen + m;
            // Re rho_u(q) rho_v(q)^* (the imaginary part cancels with -q)
            sum[u * nt + v][bin] += (re[ou] * re[ov] + im[ou] * im[ov]) * norm[u * nt + v];
          }
        }
        qsum[bin] += qa;
        nvec[bin]++;
      }
    }
  }
}

/** Direct-correlation matrices C(q) = 1 - S^-1(q), same layout as the structure factor. */
export interface DirectCorrelationMatrix {
  readonly ntypes: number;
  readonly q: Float64Array;
  /** C_uv(q), index speciesPairIndex(u, v) */
  readonly C: readonly Float64Array[];
  pair(u: number, v: number): Float64Array;
}

/**
 * C(q) = 1 - S^-1(q) (the paper's matrix convention, text below Eq. 3), at
 * every q of `sq`. Throws naming q when S(q) is singular (e.g. a species
 * missing, or noise at small q).
 */
export function directCorrelationMatrix(sq: PartialStructureFactor): DirectCorrelationMatrix {
  const nt = sq.ntypes, nq = sq.q.length;
  const C = Array.from({ length: nt * nt }, () => new Float64Array(nq));
  const m = new Float64Array(nt * nt), inv = new Float64Array(nt * nt);
  for (let k = 0; k < nq; k++) {
    for (let p = 0; p < nt * nt; p++) m[p] = sq.S[p][k];
    if (!invertSmallMatrix(m, inv, nt)) throw new Error(`directCorrelationMatrix: S(q) is singular at q = ${sq.q[k]}; drop that q (small q, missing species)`);
    for (let u = 0; u < nt; u++) for (let v = 0; v < nt; v++) C[u * nt + v][k] = (u === v ? 1 : 0) - inv[u * nt + v];
  }
  return {
    ntypes: nt, q: sq.q.slice(), C,
    pair(u: number, v: number): Float64Array {
      checkPair(u, v, nt, 'DirectCorrelationMatrix.pair');
      return C[speciesPairIndex(u, v, nt)];
    },
  };
}

// ---------------------------------------------------------------- helpers

/** Atoms per species (index type - 1). */
export function speciesCounts(sys: System, ntypes: number): Float64Array {
  const c = new Float64Array(ntypes);
  for (let i = 0; i < sys.n; i++) {
    const t = sys.types[i];
    if (t < 1 || t > ntypes) throw new Error(`atom id ${sys.ids[i]} has type ${t}, outside 1..${ntypes}`);
    c[t - 1]++;
  }
  return c;
}

/** 'A', 'B', ... for types 1, 2, ... (the KA naming). */
export function speciesName(t: number): string {
  return t >= 1 && t <= 26 ? String.fromCharCode(64 + t) : String(t);
}

function distinctPairs(nt: number): [number, number][] {
  const out: [number, number][] = [];
  for (let u = 1; u <= nt; u++) for (let v = u; v <= nt; v++) out.push([u, v]);
  return out;
}

function checkPair(u: number, v: number, nt: number, where: string): void {
  if (!(Number.isInteger(u) && Number.isInteger(v) && u >= 1 && v >= 1 && u <= nt && v <= nt)) {
    throw new Error(`${where}: species (${u}, ${v}) outside 1..${nt}`);
  }
}

function isSystem(x: unknown): x is System {
  return typeof x === 'object' && x !== null && 'positions' in x && 'box' in x;
}

function uniformGrid(step: number, max: number): Float64Array {
  const n = Math.floor(max / step + 1e-9);
  return Float64Array.from({ length: n }, (_, k) => (k + 1) * step);
}

function invertUpper3(H: number[][]): number[][] {
  const [a, b, c] = [H[0][0], H[1][1], H[2][2]];
  const xy = H[0][1], xz = H[0][2], yz = H[1][2];
  return [
    [1 / a, -xy / (a * b), (xy * yz - b * xz) / (a * b * c)],
    [0, 1 / b, -yz / (b * c)],
    [0, 0, 1 / c],
  ];
}

/** Gauss-Jordan inverse with partial pivoting of a small n x n row-major matrix; false if singular. */
export function invertSmallMatrix(m: Float64Array, out: Float64Array, n: number): boolean {
  const a = Float64Array.from(m);
  out.fill(0);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]));
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]) > Math.abs(a[piv * n + col])) piv = r;
    const p = a[piv * n + col];
    if (!(Math.abs(p) > 1e-13 * scale)) return false;
    if (piv !== col) {
      for (let k = 0; k < n; k++) {
        let t = a[col * n + k]; a[col * n + k] = a[piv * n + k]; a[piv * n + k] = t;
        t = out[col * n + k]; out[col * n + k] = out[piv * n + k]; out[piv * n + k] = t;
      }
    }
    for (let k = 0; k < n; k++) { a[col * n + k] /= p; out[col * n + k] /= p; }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r * n + col];
      if (f === 0) continue;
      for (let k = 0; k < n; k++) { a[r * n + k] -= f * a[col * n + k]; out[r * n + k] -= f * out[col * n + k]; }
    }
  }
  return true;
}
