/**
 * Spatial autocorrelation of a per-atom field, Eq. (6) of Wei et al.,
 * PRB 99, 014115 (2019):
 *
 *   C(r) = (<dP_{r0} dP_{r0+r}> - <dP_{r0}>^2) / (<dP_{r0}^2> - <dP_{r0}>^2),
 *   dP_i = P_i - mean(P).
 *
 * Since mean(dP) = 0 over the atoms, as computed here:
 *
 *   C(r) = [ sum over pairs i<j with |r_ij| in [r_k, r_k + dr) of dP_i dP_j / count_k ] / [ (1/N) sum_i dP_i^2 ],
 *
 * i.e. <dP_i dP_j>_shell / <dP^2> (population variance), with the mean over
 * all N atoms. Distances are minimum-image (fractional rounding, correct in
 * tilted cells; see neighbor/cell-geometry.ts). C is tabulated at the shell
 * centres r_k + dr/2, shells k = 0 .. ceil(rMax/dr) - 1; the pair i = i
 * (C(0) = 1) is not included.
 *
 * The paper's figures instead normalise C to 1 at a reference distance
 * (3 A, "the first value of the correlation function is set to be unity").
 * Option `reference` (a distance) does that: C is divided by C of the shell
 * holding `reference`. The fitted xi does not depend on it (it shifts ln C).
 *
 * Correlation length: C(r) ~ A exp(-r/xi), fitted by ordinary (unweighted)
 * least squares of ln C against r (log-linear) over the shells with centre
 * in [fitRange[0], fitRange[1]] and C > 0 and count > 0. Default range:
 * from the reference shell (or else the first shell with pairs and C > 0: in
 * a binary glass the closest shell may hold mostly unlike pairs, C < 0) up
 * to the last shell before C first drops to <= 0 after it (the noisy tail
 * where ln C is undefined is left out); xi = -1/slope (NaN with fewer than 2 points or a
 * non-negative slope).
 *
 * Cost: with rMax below half the smallest perpendicular width of a periodic
 * cell, pairs come from a cell list (neighbor/neighbor-list.ts, skin 0):
 * O(N + N rho rMax^3) time, memory for the N rho (4 pi/3) rMax^3 / 2 pairs.
 * Otherwise all N (N-1)/2 pairs are visited, O(N^2) time, O(1) extra memory;
 * shells beyond half the cell width are then not full spheres (minimum image
 * counts each pair once), so C there averages over a truncated shell.
 *
 *   const c = spatialAutocorrelation(sys, barrier, { rMax: 10, dr: 0.2, reference: 3 });
 *   c.xi; c.table() // r,C,count
 */
import { cellGeometry, maxListRadius, pairDelta, wrappedFractional } from '../../neighbor/cell-geometry.ts';
import { buildNeighborList } from '../../neighbor/neighbor-list.ts';
import { lineFigure, type PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';
import type { System } from '../../system/system.ts';

export interface SpatialAutocorrelationOptions {
  /** largest distance, length units */
  rMax: number;
  /** shell width, length units */
  dr: number;
  /** normalise C to 1 in the shell holding this distance (the paper uses 3 A); default: Eq. (6), <dP_i dP_j> / <dP^2> */
  reference?: number;
  /** [rFrom, rTo] of the exp(-r/xi) fit, shell centres; default see the module doc */
  fitRange?: readonly [number, number];
  /** name of the field for the summary and figure; default 'P' */
  fieldName?: string;
}

export interface CorrelationLengthFit {
  /** correlation length -1/slope (NaN if the fit has < 2 points or slope >= 0) */
  xi: number;
  /** prefactor A of A exp(-r/xi) */
  amplitude: number;
  /** the fit range actually used (shell centres of the first and last point) */
  rFrom: number;
  rTo: number;
  /** number of shells fitted */
  points: number;
}

/** What a SpatialAutocorrelation is built from (and saved as). */
export interface SpatialAutocorrelationData extends CorrelationLengthFit {
  n: number;
  fieldName: string;
  dr: number;
  rMax: number;
  /** reference distance, or NaN for plain Eq. (6) */
  reference: number;
  /** what C was divided by: <dP^2>, times C_Eq6(reference) with a reference */
  norm: number;
  /** shell centres */
  r: Float64Array;
  C: Float64Array;
  /** pairs i < j per shell */
  count: Float64Array;
  /** 'cell-list' or 'all-pairs' */
  method: string;
}

export interface SpatialAutocorrelation extends AnalysisResult<'spatial-autocorrelation'>, SpatialAutocorrelationData {
  /** r,C,count */
  table(): TableData;
  /** C(r) and the fit A exp(-r/xi) */
  figure(): PlotlyFigure;
}

const VERSION = 1;

/**
 * Log-linear least-squares fit of C ~ A exp(-r/xi) over the shells with
 * centre in [range[0], range[1]], C > 0 and (when given) count > 0.
 */
export function fitCorrelationLength(r: ArrayLike<number>, C: ArrayLike<number>, range: readonly [number, number], count?: ArrayLike<number>): CorrelationLengthFit {
  let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, lo = NaN, hi = NaN;
  for (let k = 0; k < r.length; k++) {
    if (!(r[k] >= range[0] && r[k] <= range[1] && C[k] > 0 && Number.isFinite(C[k]))) continue;
    if (count && !(count[k] > 0)) continue;
    const y = Math.log(C[k]);
    n++; sx += r[k]; sy += y; sxx += r[k] * r[k]; sxy += r[k] * y;
    if (!(lo <= r[k])) lo = r[k];
    hi = r[k];
  }
  const den = n * sxx - sx * sx;
  const slope = n >= 2 && den > 0 ? (n * sxy - sx * sy) / den : NaN;
  const xi = slope < 0 ? -1 / slope : NaN;
  const amplitude = Number.isFinite(slope) ? Math.exp((sy - slope * sx) / n) : NaN;
  return { xi, amplitude, rFrom: lo, rTo: hi, points: n };
}

/** C(r) of a per-atom field (Eq. 6 of Wei et al. 2019) and its correlation length (see module doc). */
export function spatialAutocorrelation(sys: System, field: ArrayLike<number>, opts: SpatialAutocorrelationOptions): SpatialAutocorrelation {
  const where = 'spatialAutocorrelation';
  const { rMax, dr } = opts;
  const n = sys.n;
  if (field.length !== n) throw new Error(`${where}: the field has ${field.length} values for ${n} atoms`);
  if (n < 2) throw new Error(`${where}: need at least 2 atoms, got ${n}`);
  if (!(rMax > 0) || !Number.isFinite(rMax)) throw new Error(`${where}: option rMax must be a positive number, got ${rMax}`);
  if (!(dr > 0) || !(dr <= rMax)) throw new Error(`${where}: option dr must lie in (0, rMax], got ${dr}`);
  const ref = opts.reference;
  if (ref !== undefined && !(ref >= 0 && ref < rMax)) throw new Error(`${where}: option reference must lie in [0, rMax), got ${ref}`);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(field[i])) throw new Error(`${where}: field value of atom id ${sys.ids[i]} (index ${i}) is not finite`);
    mean += field[i];
  }
  mean /= n;
  const dP = Float64Array.from(field, (v) => v - mean);
  let variance = 0;
  for (let i = 0; i < n; i++) variance += dP[i] * dP[i];
  variance /= n;
  if (!(variance > 0)) throw new Error(`${where}: the field is constant; its autocorrelation is undefined`);

  const nb = Math.ceil(rMax / dr - 1e-12);
  const sum = new Float64Array(nb), count = new Float64Array(nb);
  const g = cellGeometry(sys.box);
  const rMax2 = rMax * rMax, d = new Float64Array(3);
  const add = (s: Float64Array, i: number, j: number) => {
    pairDelta(g, s, i, j, d);
    const r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    if (r2 >= rMax2) return;
    const k = Math.min(nb - 1, Math.floor(Math.sqrt(r2) / dr));
    sum[k] += dP[i] * dP[j];
    count[k]++;
  };
  let method: string;
  if (rMax < maxListRadius(g)) {
    method = 'cell-list';
    const nl = buildNeighborList(sys, { cutoff: rMax, skin: 0, kind: 'half', overlapDistance: 0 });
    const s = nl.refFractional;
    for (let i = 0; i < n; i++) {
      const row = i * nl.stride;
      for (let q = 0; q < nl.counts[i]; q++) add(s, i, nl.neighbors[row + q]);
    }
  } else {
    method = 'all-pairs';
    const s = wrappedFractional(sys, undefined, where);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) add(s, i, j);
  }
  const r = Float64Array.from({ length: nb }, (_, k) => (k + 0.5) * dr);
  const C = Float64Array.from(sum, (v, k) => (count[k] > 0 ? v / count[k] / variance : NaN));
  let norm = variance, start = C.findIndex((c, k) => count[k] > 0 && c > 0);
  if (ref !== undefined) {
    const kr = Math.min(nb - 1, Math.floor(ref / dr));
    const c0 = C[kr];
    if (!(count[kr] > 0) || !(c0 > 0)) throw new Error(`${where}: the reference shell [${kr * dr}, ${(kr + 1) * dr}) has no pairs or C <= 0 there (C = ${c0}); choose another reference`);
    for (let k = 0; k < nb; k++) C[k] /= c0;
    norm *= c0;
    start = kr;
  }
  let range = opts.fitRange;
  if (!range) {
    let end = start < 0 ? -1 : start;
    while (end + 1 < nb && (count[end + 1] === 0 || C[end + 1] > 0)) end++;
    range = [start < 0 ? Infinity : r[start], end < 0 ? -Infinity : r[end]];
  }
  const fit = fitCorrelationLength(r, C, range, count);
  return makeSpatialAutocorrelation({
    n, fieldName: opts.fieldName ?? 'P', dr, rMax, reference: ref ?? NaN, norm, r, C, count, method, ...fit,
  });
}

export function loadSpatialAutocorrelation(json: unknown): SpatialAutocorrelation {
  return makeSpatialAutocorrelation(resultData<SpatialAutocorrelationData>(json, 'spatial-autocorrelation', VERSION));
}

function makeSpatialAutocorrelation(d: SpatialAutocorrelationData): SpatialAutocorrelation {
  const normText = Number.isNaN(d.reference) ? '<dP_i dP_j>_r / <dP^2> (Eq. 6)' : `normalised to 1 at r = ${d.reference}`;
  return {
    kind: 'spatial-autocorrelation', ...d,
    summary: () => [
      `xi ${d.xi} (fit A exp(-r/xi) of ${d.fieldName}, log-linear least squares on ${d.points} shells, r in [${d.rFrom}, ${d.rTo}])`,
      `amplitude ${d.amplitude}`,
      `C(r) ${normText}; ${d.n} atoms, dr ${d.dr}, rMax ${d.rMax}, ${d.method}`,
    ].join('\n'),
    table: () => ({ columns: ['r', 'C', 'count'], rows: Array.from(d.r, (r, k) => [r, d.C[k], d.count[k]]) }),
    figure: () => {
      const rf = d.points >= 2 ? Float64Array.from({ length: 50 }, (_, q) => d.rFrom + ((d.rTo - d.rFrom) * q) / 49) : new Float64Array(0);
      return lineFigure([
        { name: `C(r) of ${d.fieldName}`, x: d.r, y: d.C, mode: 'markers' },
        { name: `exp fit, xi = ${d.xi.toPrecision(3)}`, x: rf, y: Float64Array.from(rf, (r) => d.amplitude * Math.exp(-r / d.xi)) },
      ], { xTitle: 'r', yTitle: 'C(r)' });
    },
    toJSON: () => resultJSON('spatial-autocorrelation', VERSION, d),
  };
}

/**
 * The mean of a per-atom field over each atom's neighbours within `cutoff`
 * (minimum-image distances, the atom itself left out; NaN for an atom with
 * none). Its Pearson correlation with the field says how much the field
 * clusters in space (Fan et al. 2022, Fig. 2c: soft atoms sit next to soft atoms).
 */
export function neighbourMean(sys: System, field: ArrayLike<number>, cutoff: number): Float64Array {
  if (field.length !== sys.n) throw new Error(`neighbourMean: the field has ${field.length} values for ${sys.n} atoms`);
  if (!(cutoff > 0)) throw new Error(`neighbourMean: cutoff must be positive, got ${cutoff}`);
  const nl = buildNeighborList(sys, { cutoff, skin: 0, kind: 'full' });
  const out = new Float64Array(sys.n);
  const d = new Float64Array(sys.dim);
  const x = sys.positions, dim = sys.dim;
  for (let i = 0; i < sys.n; i++) {
    let s = 0, c = 0;
    for (let k = 0; k < nl.counts[i]; k++) {
      const j = nl.neighbors[i * nl.stride + k];
      let r2 = 0;
      for (let a = 0; a < dim; a++) d[a] = x[dim * j + a] - x[dim * i + a];
      sys.box.minimumImage(d);
      for (let a = 0; a < dim; a++) r2 += d[a] * d[a];
      if (r2 < cutoff * cutoff) { s += field[j]; c++; }
    }
    out[i] = c > 0 ? s / c : NaN;
  }
  return out;
}
