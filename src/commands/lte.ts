/**
 * `glasslab lte FILE --model ipl2d --out bonds.csv [--field field.csv]`: the
 * local thermal energy E_alpha of every interaction of an inherent structure
 * (Zylberg, Lerner, Bar-Sinai & Bouchbinder, PNAS 114, 7289 (2017), Eq. 3;
 * src/analysis/lte.ts), and optionally its coarse-grained softness field with
 * the soft spots (src/analysis/lte-field.ts).
 *
 * bonds.csv: i,j,type_i,type_j,r,lte (atom ids as in the input; i < j by
 * input order; r the minimum-image distance). field.csv: one row per bin,
 * bin,x,y[,z],bonds,mean_abs_lte,softness,spot,delta_epsilon (spot the rank
 * of a soft spot, 0 if the bin is not one; delta_epsilon empty then).
 * Like `glasslab modes`, the input must be a minimum: a warning is printed
 * when max |F| > 1e-6.
 */
import { writeTextAtomic } from '../io/files.ts';
import { lteAnalysis, type LteAnalysis } from '../analysis/lte/analysis.ts';
import { tableCsv } from '../plot/result.ts';
import { defineCommand, UsageError } from './registry.ts';
import { loadModel, modelOptions, outputOption, readInput, warnIfNotMinimum } from './common.ts';
import { Outputs } from './outputs.ts';

/** Largest per-atom force above which the input is not treated as a minimum (as `glasslab modes`). */
export const LTE_FORCE_TOLERANCE = 1e-6;

export const lteCommand = defineCommand({
  name: 'lte',
  summary: 'local thermal energy of every bond of a minimum (Zylberg et al. 2017)',
  description: 'Writes i,j,type_i,type_j,r,lte per interacting pair: E_alpha = lim (<eps_alpha>_T - eps_alpha)/(k_B T/2)\n' +
    '= (df_alpha/dx) : M^-1 + f_alpha . X, X = -M^-1 . U\'\'\' : M^-1 (Zylberg et al., PNAS 114, 7289 (2017), Eqs. 2-3),\n' +
    'M the Hessian (pseudo-inverse: translations removed). Pair potentials only. --field also writes the\n' +
    'coarse-grained |E_alpha| field (bins of >= 2 bonds averaged with their first layer of neighbours) and\n' +
    'its soft spots with Delta-epsilon = max softness / spot softness. The input should be a minimum.',
  positionals: [{ name: 'file', summary: 'configuration at a minimum: LAMMPS data, dump (first frame) or extended XYZ' }],
  options: {
    ...modelOptions,
    out: outputOption('per-bond CSV i,j,type_i,type_j,r,lte'),
    field: { type: 'string', metavar: 'FILE', summary: 'also write the softness field and soft spots to this CSV' },
    binSize: { type: 'number', min: 0, exclusiveMin: true, unit: 'length', summary: 'bin side of the softness field (default: smallest with >= 2 bonds in every bin)' },
    method: { type: 'enum', choices: ['auto', 'dense', 'sparse'], default: 'auto', summary: 'M^-1 by dense eigendecomposition, sparse selected inversion, or auto (dense up to 600 degrees of freedom)' },
  },
  examples: [
    'glass.data --model ipl2d --out bonds.csv',
    'glass.data --model ipl2d --out bonds.csv --field field.csv',
  ],
  result: { from: 'analysis', name: 'LteAnalysis' },
  async run(args, ctx): Promise<LteAnalysis> {
    const model = loadModel(args.model, args.potential, ctx.cwd, args.elements);
    if (model.potential.kind !== 'pair') throw new UsageError(`lte: model '${args.model}' is EAM; the local thermal energy is defined for pair potentials (ka, ka-sf, ipl2d, ipl3d)`, 'lte');
    const outs = Outputs.plan(ctx, 'lte', [args.file], { '--out': { path: args.out, kind: 'csv' }, '--field': { path: args.field, kind: 'csv' } });
    const out = outs.path('--out')!;
    const fieldOut = outs.path('--field');
    const sys = await readInput(args.file, model, ctx.cwd);

    const progress = ctx.progress('lte (forces, Hessian inverse, bonds)', 1, 'stages');
    let r: LteAnalysis;
    try {
      r = lteAnalysis(sys, model.potential, { method: args.method, field: fieldOut !== undefined ? { binSize: args.binSize } : false });
      progress.update(1);
    } finally {
      progress.finish();
    }
    warnIfNotMinimum(r.maxForce, LTE_FORCE_TOLERANCE, {
      command: 'lte', file: args.file, note: (m) => ctx.note(m),
      consequence: 'the low-temperature expansion holds about a minimum only.',
    });
    await writeTextAtomic(out, tableCsv(r.table()));
    if (fieldOut !== undefined) await writeTextAtomic(fieldOut, tableCsv(r.fieldTable()!));
    else if (args.binSize !== undefined) ctx.note('lte: --bin-size has no effect without --field');
    for (const line of r.summary().split('\n')) ctx.print(line);
    return r;
  },
});
