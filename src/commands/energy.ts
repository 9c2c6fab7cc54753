/**
 * `glasslab energy FILE --model ka --out peratom.csv`: potential energy and
 * forces of one configuration, per atom (LAMMPS `compute pe/atom`, `fx fy fz`)
 * to a CSV, the totals to stdout.
 */
import { writeTextAtomic } from '../io/files.ts';
import { createForceProvider } from '../core/force-provider.ts';
import { getUnits } from '../util/units.ts';
import { defineCommand } from './registry.ts';
import { idOrder, loadModel, modelOptions, num, outputOption, outputPath, readInput } from './common.ts';

export interface EnergyResult {
  n: number;
  /** total potential energy (energy unit of the model) */
  energy: number;
  /** virial part of the pressure, tr(W) / (d V), pressure unit of the model */
  virialPressure: number;
  /** path of the per-atom CSV, if written */
  out?: string;
}

export const energyCommand = defineCommand({
  name: 'energy',
  summary: 'potential energy and forces of a configuration, per atom',
  description: 'Writes id,type,pe,fx,fy[,fz] per atom (sorted by id, full double precision) and prints the\n' +
    'total energy and the virial pressure. pe is LAMMPS pe/atom: half of each pair energy goes to each atom.',
  positionals: [{ name: 'file', summary: 'configuration: LAMMPS data, dump (first frame) or extended XYZ' }],
  options: {
    ...modelOptions,
    out: { ...outputOption('per-atom CSV'), required: false },
  },
  examples: ['glass.data --model ka --out peratom.csv'],
  async run(args, ctx): Promise<EnergyResult> {
    const model = loadModel(args.model, args.potential, ctx.cwd);
    const out = args.out === undefined ? undefined : outputPath(args.out, ctx.cwd, [args.file]);
    const sys = await readInput(args.file, model, ctx.cwd);
    const provider = createForceProvider(model.potential, { skin: 0 });
    const f = provider.compute(sys, { peratom: true });
    const pe = f.peratomEnergy;
    if (!pe) throw new Error(`model '${model.name}': the force provider returned no per-atom energies`);
    const d = sys.dim;
    let trW = 0;
    for (let k = 0; k < d; k++) trW += f.virial[k];
    const units = getUnits(model.potential.units);
    const virialPressure = (units.nktv2p * trW) / (d * sys.box.volume);

    if (out !== undefined) {
      const order = idOrder(sys);
      const lines = [['id', 'type', 'pe', ...['fx', 'fy', 'fz'].slice(0, d)].join(',')];
      for (const i of order) {
        let s = `${sys.ids[i]},${sys.types[i]},${num(pe[i])}`;
        for (let k = 0; k < d; k++) s += ',' + num(f.forces[i * d + k]);
        lines.push(s);
      }
      await writeTextAtomic(out, lines.join('\n') + '\n');
    }
    ctx.print(`atoms ${sys.n}`);
    ctx.print(`pe ${num(f.energy)} ${units.label.energy}`);
    ctx.print(`pe/atom ${num(f.energy / sys.n)} ${units.label.energy}`);
    ctx.print(`virial_pressure ${num(virialPressure)} ${units.label.pressure}`);
    return { n: sys.n, energy: f.energy, virialPressure, ...(out !== undefined ? { out } : {}) };
  },
});
