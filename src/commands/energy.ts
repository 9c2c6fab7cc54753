/**
 * `glasslab energy FILE --model ka --out peratom.csv`: potential energy and
 * forces of one configuration, per atom (LAMMPS `compute pe/atom`, `fx fy fz`)
 * to a CSV, the totals to stdout.
 */
import { writeTextAtomic } from '../io/files.ts';
import { energyAnalysis, type EnergyAnalysis } from '../analysis/structure/energy.ts';
import { tableCsv } from '../plot/result.ts';
import { defineCommand } from './registry.ts';
import { loadModel, modelOptions, outputOption, readInput } from './common.ts';
import { Outputs } from './outputs.ts';

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
  result: { from: 'analysis', name: 'EnergyAnalysis' },
  async run(args, ctx): Promise<EnergyAnalysis> {
    const model = loadModel(args.model, args.potential, ctx.cwd, args.elements);
    const outs = Outputs.plan(ctx, 'energy', [args.file], { '--out': { path: args.out, kind: 'csv' } });
    const out = outs.path('--out');
    const sys = await readInput(args.file, model, ctx.cwd);
    const r = energyAnalysis(sys, model.potential);
    if (out !== undefined) await writeTextAtomic(out, tableCsv(r.table()));
    for (const line of r.summary().split('\n')) ctx.print(line);
    return r;
  },
});
