/**
 * The local thermal energy of a minimum as one result (the `lte` command and
 * `%lte` return it): E_alpha of every bond (lte.ts), optionally the
 * coarse-grained softness field with its soft spots (field.ts), the largest
 * force of the input (the expansion holds about a minimum only) and, in 2D,
 * the figures of Zylberg et al., PNAS 114, 7289 (2017), Figs. 1 and 3.
 *
 *   const r = lteAnalysis(sys, pot, { field: true });
 *   r.lte.lte; r.field?.spots; r.table() // i,j,type_i,type_j,r,lte
 */
import { createForceProvider } from '../../core/force-provider.ts';
import { maxAtomForce } from '../../minimize/common.ts';
import type { PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';
import type { Potential } from '../../potential/types.ts';
import type { System } from '../../system/system.ts';
import { binsForValues, histogramDensity } from '../softness/statistics.ts';
import { lteSoftnessField, type LteField } from './field.ts';
import { lteBondMapFigure, lteDisplacementFigure, lteDistributionFigure, lteFieldFigure } from './figures.ts';
import { localThermalEnergy, type LteOptions, type LteResult } from './lte.ts';

export interface LteAnalysisOptions extends LteOptions {
  /** also the coarse-grained softness field and its soft spots (true, or its bin size) */
  field?: boolean | { binSize?: number };
}

/** What an LteAnalysis is built from (and saved as). */
export interface LteAnalysisData {
  /** the full LTE result (bonds, E_alpha, X, Debye-Waller factors) */
  lte: LteResult;
  /** the softness field, when asked for */
  field?: LteField;
  /** largest per-atom force of the input (energy/length) */
  maxForce: number;
  /** ids, types and positions of the input (tables and figures) */
  atoms: { ids: Int32Array; types: Int32Array; positions: Float64Array };
}

export interface LteAnalysis extends AnalysisResult<'lte'>, LteAnalysisData {
  n: number;
  dim: 2 | 3;
  /** number of bonds */
  bonds: number;
  method: 'dense' | 'sparse';
  /** 2D: the LTE bond map (Fig. 1 right), the X field (Fig. 1 left), the softness field (Fig. 3 right) */
  figures: { map?: PlotlyFigure; displacement?: PlotlyFigure; field?: PlotlyFigure };
  /** the bond map in 2D, else the distribution of E_alpha */
  figure(): PlotlyFigure;
  /** i,j,type_i,type_j,r,lte per bond (atom ids; i < j by input order) */
  table(): TableData;
  /** with the field: bin,x,y[,z],bonds,mean_abs_lte,softness,spot,delta_epsilon (spot: rank of a soft spot, 0 if none) */
  fieldTable(): TableData | undefined;
}

const VERSION = 1;

/** E_alpha of every bond of `sys` (a minimum) under a pair potential, the field when asked, and the largest force. */
export function lteAnalysis(sys: System, pot: Potential, opts: LteAnalysisOptions = {}): LteAnalysis {
  const maxForce = maxAtomForce(createForceProvider(pot, { skin: 0 }).compute(sys).forces, sys.dim);
  const lte = localThermalEnergy(sys, pot, { method: opts.method });
  const binSize = typeof opts.field === 'object' ? opts.field.binSize : undefined;
  const field = opts.field ? lteSoftnessField(sys, lte, { binSize }) : undefined;
  return makeLteAnalysis({
    lte, ...(field ? { field } : {}), maxForce,
    atoms: { ids: Int32Array.from(sys.ids), types: Int32Array.from(sys.types), positions: Float64Array.from(sys.positions) },
  });
}

export function loadLteAnalysis(json: unknown): LteAnalysis {
  return makeLteAnalysis(resultData<LteAnalysisData>(json, 'lte', VERSION));
}

function makeLteAnalysis(d: LteAnalysisData): LteAnalysis {
  const { lte, field, atoms } = d;
  const { bonds, n, dim } = lte;
  let maxAbs = 0, total = 0;
  for (const e of lte.lte) { maxAbs = Math.max(maxAbs, Math.abs(e)); total += e; }
  const lines = [
    `atoms ${n}`,
    `bonds ${bonds.count} (${lte.method})`,
    `sum_lte ${total} (n dim - dim = ${n * dim - dim})`,
    `max_abs_lte ${maxAbs}`,
    `max_force ${d.maxForce}`,
    ...(field ? [`soft_spots ${field.spots.length} (bins ${field.shape.join('x')}, bin size ${field.binSize})`] : []),
  ];
  const figures: LteAnalysis['figures'] = {};
  if (dim === 2) {
    figures.map = lteBondMapFigure({ dim: 2, positions: atoms.positions, bonds, lte: lte.lte });
    figures.displacement = lteDisplacementFigure(2, atoms.positions, lte.thermalDisplacement);
    if (field) figures.field = lteFieldFigure(field);
  }
  return {
    kind: 'lte', ...d, n, dim, bonds: bonds.count, method: lte.method, figures,
    figure: () => {
      if (figures.map) return figures.map;
      const abs = Float64Array.from(lte.lte, Math.abs);
      const h = histogramDensity(abs, binsForValues(abs, 40));
      return lteDistributionFigure([{ name: `${bonds.count} bonds`, centers: h.x, density: h.p }]);
    },
    summary: () => lines.join('\n'),
    table: () => ({
      columns: ['i', 'j', 'type_i', 'type_j', 'r', 'lte'],
      rows: Array.from(lte.lte, (e, a) => {
        const i = bonds.i[a], j = bonds.j[a];
        return [atoms.ids[i], atoms.ids[j], atoms.types[i], atoms.types[j], bonds.r[a], e];
      }),
    }),
    fieldTable: () => {
      if (!field) return undefined;
      const rank = new Map(field.spots.map((s, k) => [s.bin, k]));
      return {
        columns: ['bin', ...(dim === 3 ? ['x', 'y', 'z'] : ['x', 'y']), 'bonds', 'mean_abs_lte', 'softness', 'spot', 'delta_epsilon'],
        rows: Array.from(field.field, (f, b) => {
          const k = rank.get(b);
          return [b, ...field.centers.subarray(b * dim, (b + 1) * dim), field.counts[b], field.binMean[b], f, k === undefined ? 0 : k + 1, k === undefined ? '' : field.spots[k].deltaEpsilon];
        }),
      };
    },
    toJSON: () => resultJSON('lte', VERSION, d),
  };
}
