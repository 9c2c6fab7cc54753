/**
 * Potential energy, forces and virial pressure of one configuration, per
 * atom, as a result (the `energy` command and `%energy` return it). pe is
 * LAMMPS pe/atom: half of each pair energy goes to each atom; the pressure is
 * the virial part tr(W) / (d V), in the model's pressure unit.
 *
 *   const r = energyAnalysis(sys, pot);
 *   r.energy; r.virialPressure; r.table() // id,type,pe,fx,fy[,fz]
 */
import { createForceProvider } from '../../core/force-provider.ts';
import { lineFigure, type PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';
import type { Potential } from '../../potential/types.ts';
import type { System } from '../../system/system.ts';
import { getUnits } from '../../util/units.ts';

/** What an EnergyAnalysis is built from (and saved as). */
export interface EnergyAnalysisData {
  n: number;
  dim: number;
  /** total potential energy (energy unit of the model) */
  energy: number;
  /** virial part of the pressure, tr(W) / (d V), pressure unit of the model */
  virialPressure: number;
  /** per-atom energy and forces, input order */
  peratomEnergy: Float64Array;
  forces: Float64Array;
  ids: Int32Array;
  types: Int32Array;
  /** unit labels of the model */
  units: { energy: string; pressure: string };
}

export interface EnergyAnalysis extends AnalysisResult<'energy'>, EnergyAnalysisData {
  /** id,type,pe,fx,fy[,fz], rows by id */
  table(): TableData;
  /** distribution of the per-atom energy */
  figure(): PlotlyFigure;
}

const VERSION = 1;

/** Energy, per-atom energies and forces, and the virial pressure of `sys` under `pot`. */
export function energyAnalysis(sys: System, pot: Potential): EnergyAnalysis {
  const f = createForceProvider(pot, { skin: 0 }).compute(sys, { peratom: true });
  const pe = f.peratomEnergy;
  if (!pe) throw new Error(`potential '${pot.name}': the force provider returned no per-atom energies`);
  let trW = 0;
  for (let k = 0; k < sys.dim; k++) trW += f.virial[k];
  const units = getUnits(pot.units);
  return makeEnergyAnalysis({
    n: sys.n, dim: sys.dim, energy: f.energy, virialPressure: (units.nktv2p * trW) / (sys.dim * sys.box.volume),
    peratomEnergy: Float64Array.from(pe), forces: Float64Array.from(f.forces), ids: Int32Array.from(sys.ids), types: Int32Array.from(sys.types),
    units: { energy: units.label.energy, pressure: units.label.pressure },
  });
}

export function loadEnergyAnalysis(json: unknown): EnergyAnalysis {
  return makeEnergyAnalysis(resultData<EnergyAnalysisData>(json, 'energy', VERSION));
}

function makeEnergyAnalysis(d: EnergyAnalysisData): EnergyAnalysis {
  const { n, dim: D } = d;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d.ids[a] - d.ids[b]);
  return {
    kind: 'energy', ...d,
    summary: () => [
      `atoms ${n}`,
      `pe ${d.energy} ${d.units.energy}`,
      `pe/atom ${d.energy / n} ${d.units.energy}`,
      `virial_pressure ${d.virialPressure} ${d.units.pressure}`,
    ].join('\n'),
    table: () => ({
      columns: ['id', 'type', 'pe', ...['fx', 'fy', 'fz'].slice(0, D)],
      rows: order.map((i) => [d.ids[i], d.types[i], d.peratomEnergy[i], ...d.forces.subarray(i * D, (i + 1) * D)]),
    }),
    figure: () => {
      const sorted = Float64Array.from(d.peratomEnergy).sort();
      // the empirical distribution function: no binning to choose
      return lineFigure([{ name: 'pe/atom', x: sorted, y: Float64Array.from(sorted, (_, k) => (k + 1) / n) }],
        { xTitle: `pe/atom [${d.units.energy}]`, yTitle: 'fraction of atoms below' });
    },
    toJSON: () => resultJSON('energy', VERSION, d),
  };
}
