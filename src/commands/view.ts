/**
 * `glasslab view FILE --color COLUMN`: a 3D view of a configuration, the
 * atoms coloured by a per-atom column (src/plot/view.ts: Plotly scatter3d,
 * radius by type, a colour bar with units, id/type/value on hover), or by
 * type without --color. The column comes from the configuration itself (a
 * dump's extra columns, e.g. c_pe) or from a per-atom CSV given with
 * --table, matched to the atoms by its id column (what `glasslab vdos`,
 * `lte`, `descriptors` ... write). --thickness keeps a slab normal to --axis.
 *
 * In the kernel `%view` shows the figure; on the command line --out writes
 * it as a standalone offline HTML page.
 */
import { readCsvTable, valuesById } from '../io/csv.ts';
import { writeTextAtomic } from '../io/files.ts';
import { readSystem } from '../io/index.ts';
import { figurePage } from '../display/mime.ts';
import type { PlotlyFigure } from '../plot/figure.ts';
import { view } from '../plot/view.ts';
import { defineCommand, UsageError } from './registry.ts';
import { frameOption, inputFile, outputOption, slabOptions } from './common.ts';
import { Outputs } from './outputs.ts';
import { extent } from '../util/extent.ts';

/** The middle of the cell along a slab's normal (its default mid-plane, as in correlate --slab). */
function slabCentre(sys: { box: { lo: ArrayLike<number>; lengths: ArrayLike<number> } }, axis: 'x' | 'y' | 'z'): number {
  const a = { x: 0, y: 1, z: 2 }[axis];
  return sys.box.lo[a] + sys.box.lengths[a] / 2;
}

export const viewCommand = defineCommand({
  name: 'view',
  summary: 'a 3D view of a configuration coloured by a per-atom column (offline Plotly)',
  description: 'Draws the atoms of FILE (LAMMPS data, dump or extended XYZ) in 3D, coloured by --color COLUMN with a colour\n' +
    'bar, sized by type, with id, type and value on hover. The column is one of the dump\'s own per-atom columns, or of\n' +
    'the per-atom CSV --table (matched to the atoms by its id column). --thickness T keeps the slab of atoms within T/2\n' +
    'of a plane normal to --axis (at --center, default the middle of the cell). In the kernel the figure is shown;\n' +
    '--out writes it as a standalone HTML page (plotly.js inlined, no network).',
  positionals: [{ name: 'file', summary: 'configuration: LAMMPS data, dump (first frame, or --frame) or extended XYZ' }],
  options: {
    color: { type: 'string', metavar: 'COL', summary: 'per-atom column to colour by (default: colour by type)' },
    table: { type: 'string', metavar: 'FILE', summary: 'per-atom CSV holding the --color column, with an id column' },
    frame: frameOption,
    ...slabOptions,
    size: { type: 'number', min: 0, exclusiveMin: true, summary: 'one marker size for all atoms [px] (default: by type)' },
    out: { ...outputOption('standalone HTML page of the figure'), required: false },
  },
  examples: [
    'glass.dump --color c_pe',
    'is.data --color S_soft --table softness.csv --thickness 3',
    'is.data --color E --table lte.csv --field-units eps --out lte-3d.html',
  ],
  async run(args, ctx): Promise<PlotlyFigure> {
    if (args.table !== undefined && args.color === undefined) throw new UsageError('view: --table gives the --color column; add --color COL', 'view');
    if (args.thickness === undefined && args.center !== undefined) throw new UsageError('view: --center places the slab; add --thickness', 'view');
    const outs = Outputs.plan(ctx, 'view', [args.file, args.table], { '--out': { path: args.out, kind: 'html' } });
    const sys = await readSystem(inputFile(args.file, ctx.cwd), { frame: args.frame });
    let color: Float64Array | undefined;
    if (args.color !== undefined) {
      if (args.table !== undefined) {
        const table = await readCsvTable(inputFile(args.table, ctx.cwd, '--table'), args.table);
        if (!table.has(args.color)) throw new UsageError(`view: ${args.table} has no column '${args.color}' (columns: ${table.names.join(', ')})`, 'view');
        color = valuesById(table, args.color, sys.ids, args.file);
      } else {
        const col = sys.props.get(args.color);
        if (!col) {
          const own = [...sys.props.keys()];
          throw new UsageError(`view: ${args.file} has no per-atom column '${args.color}' (${own.length ? `its columns: ${own.join(', ')}` : 'it has none'}); give a per-atom CSV with --table`, 'view');
        }
        color = Float64Array.from(col);
      }
    }
    const fig = view(sys, {
      color, field: args.color, units: args.fieldUnits, size: args.size,
      slab: args.thickness === undefined ? undefined : { axis: args.axis, center: args.center ?? slabCentre(sys, args.axis), thickness: args.thickness },
    });
    const shown = (fig.data[0].x as number[]).length;
    if (shown === 0) throw new UsageError(`view: the slab of thickness ${args.thickness} holds no atoms; widen --thickness or move --center`, 'view');
    const out = outs.path('--out');
    if (out !== undefined) await writeTextAtomic(out, figurePage(fig, `${args.file}: ${args.color ?? 'type'}`));
    let range = '';
    if (color) {
      const [lo, hi] = extent(color, { finite: true });
      range = `, ${args.color} from ${lo.toPrecision(4)} to ${hi.toPrecision(4)}${args.fieldUnits ? ` ${args.fieldUnits}` : ''}`;
    }
    ctx.print(`view: ${shown} of ${sys.n} atoms${range}`);
    return fig;
  },
});
