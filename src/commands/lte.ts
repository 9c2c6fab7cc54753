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
import { localThermalEnergy, type LteResult } from '../analysis/lte/lte.ts';
import { lteSoftnessField, type LteField } from '../analysis/lte/field.ts';
import type { PlotlyFigure } from '../plot/figure.ts';
import { lteBondMapFigure, lteDisplacementFigure, lteFieldFigure } from '../analysis/lte/figures.ts';
import { defineCommand, UsageError } from './registry.ts';
import { loadModel, maxForceWithWarning, modelOptions, num, outputOption, outputPath, readInput } from './common.ts';

/** Largest per-atom force above which the input is not treated as a minimum (as `glasslab modes`). */
export const LTE_FORCE_TOLERANCE = 1e-6;

export interface LteCommandResult {
  n: number;
  dim: 2 | 3;
  bonds: number;
  method: 'dense' | 'sparse';
  /** the full LTE result (bonds, E_alpha, X, Debye-Waller factors) */
  lte: LteResult;
  /** the softness field, when --field was given */
  field?: LteField;
  maxForce: number;
  out: string;
  fieldOut?: string;
  /** 2D: the LTE bond map (Fig. 1 right), the X field (Fig. 1 left), the softness field (Fig. 3 right) */
  figures: { map?: PlotlyFigure; displacement?: PlotlyFigure; field?: PlotlyFigure };
  figure(): PlotlyFigure | undefined;
  /** the lines printed by the command */
  summary(): string;
}

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
  async run(args, ctx): Promise<LteCommandResult> {
    const model = loadModel(args.model, args.potential, ctx.cwd);
    if (model.potential.kind !== 'pair') throw new UsageError(`lte: model '${args.model}' is EAM; the local thermal energy is defined for pair potentials (ka, ka-sf, ipl2d, ipl3d)`, 'lte');
    const out = outputPath(args.out, ctx.cwd, [args.file]);
    const fieldOut = args.field === undefined ? undefined : outputPath(args.field, ctx.cwd, [args.file], '--field');
    if (fieldOut === out) throw new UsageError(`lte: --field and --out are the same file ${args.out}`, 'lte');
    const sys = await readInput(args.file, model, ctx.cwd);

    const progress = ctx.progress('lte (forces, Hessian inverse, bonds)', 2, 'stages');
    let lte: LteResult, maxForce: number;
    try {
      maxForce = maxForceWithWarning(sys, model.potential, LTE_FORCE_TOLERANCE, {
        command: 'lte', file: args.file, note: (m) => ctx.note(m),
        consequence: 'the low-temperature expansion holds about a minimum only.',
      });
      progress.update(1);
      lte = localThermalEnergy(sys, model.potential, { method: args.method });
      progress.update(2);
    } finally {
      progress.finish();
    }
    const { bonds } = lte;
    const lines = ['i,j,type_i,type_j,r,lte'];
    for (let a = 0; a < bonds.count; a++) {
      const i = bonds.i[a], j = bonds.j[a];
      lines.push(`${sys.ids[i]},${sys.ids[j]},${sys.types[i]},${sys.types[j]},${num(bonds.r[a])},${num(lte.lte[a])}`);
    }
    await writeTextAtomic(out, lines.join('\n') + '\n');

    let field: LteField | undefined;
    if (fieldOut !== undefined) {
      field = lteSoftnessField(sys, lte, { binSize: args.binSize });
      const rank = new Map(field.spots.map((s, k) => [s.bin, k]));
      const axes = sys.dim === 3 ? 'x,y,z' : 'x,y';
      const rows = [`bin,${axes},bonds,mean_abs_lte,softness,spot,delta_epsilon`];
      for (let b = 0; b < field.field.length; b++) {
        const k = rank.get(b);
        const c = Array.from(field.centers.subarray(b * sys.dim, (b + 1) * sys.dim), num).join(',');
        rows.push(`${b},${c},${field.counts[b]},${num(field.binMean[b])},${num(field.field[b])},${k === undefined ? 0 : k + 1},${k === undefined ? '' : num(field.spots[k].deltaEpsilon)}`);
      }
      await writeTextAtomic(fieldOut, rows.join('\n') + '\n');
    } else if (args.binSize !== undefined) {
      ctx.note('lte: --bin-size has no effect without --field');
    }

    let maxAbs = 0, total = 0;
    for (const e of lte.lte) { maxAbs = Math.max(maxAbs, Math.abs(e)); total += e; }
    const report = [
      `atoms ${sys.n}`,
      `bonds ${bonds.count} (${lte.method})`,
      `sum_lte ${num(total)} (n dim - dim = ${sys.n * sys.dim - sys.dim})`,
      `max_abs_lte ${num(maxAbs)}`,
      `max_force ${num(maxForce)}`,
      ...(field ? [`soft_spots ${field.spots.length} (bins ${field.shape.join('x')}, bin size ${num(field.binSize)})`] : []),
    ];
    for (const line of report) ctx.print(line);

    const figures: LteCommandResult['figures'] = {};
    if (sys.dim === 2) {
      figures.map = lteBondMapFigure({ dim: 2, positions: sys.positions, bonds, lte: lte.lte });
      figures.displacement = lteDisplacementFigure(2, sys.positions, lte.thermalDisplacement);
      if (field) figures.field = lteFieldFigure(field);
    }
    return {
      n: sys.n, dim: sys.dim, bonds: bonds.count, method: lte.method, lte, ...(field ? { field } : {}), maxForce, out,
      ...(fieldOut !== undefined ? { fieldOut } : {}), figures, figure: () => figures.map,
      summary: () => report.join('\n'),
    };
  },
});
