/**
 * `glasslab correlate TABLE.csv ...`: structure-property correlations of
 * per-atom columns (Wei et al., PRB 99, 014115 (2019)), one of
 *
 *  - `--x COL --y COL [--join OTHER.csv] [--bin 200]`: Pearson of the bin
 *    means of ~200 atoms sorted by x (Fig. 4), with the per-atom Pearson and
 *    Spearman (analysis/statistics/binned.ts); --y from a second CSV is
 *    matched to the rows of TABLE by the `id` column;
 *  - `--spatial COL --data FILE [--rmax R --dr DR --ref R0]`: the spatial
 *    autocorrelation C(r) of Eq. 6 and its correlation length xi (Figs. 6, 7;
 *    analysis/statistics/spatial.ts), positions from the configuration FILE,
 *    the field matched to its atoms by id;
 *  - `--slab COL --data FILE --thickness T [--axis z --center C --smoothing S]`:
 *    the field in a slab coarse-grained on a grid (Figs. 1a, 2, 3, 6;
 *    analysis/statistics/slab.ts).
 *
 * The summary is printed; --out writes the result's table as CSV (bins,
 * C(r) shells or grid values); in the kernel `%correlate` shows the figure.
 */
import { slabMap } from '../analysis/statistics/slab.ts';
import { binnedCorrelation } from '../analysis/statistics/binned.ts';
import { spatialAutocorrelation } from '../analysis/statistics/spatial.ts';
import type { CorrelationResult } from '../analysis/index.ts';
import { readCsvTable, valuesById } from '../io/csv.ts';
import { writeTextAtomic } from '../io/files.ts';
import { readSystem } from '../io/index.ts';
import { tableCsv } from '../plot/result.ts';
import type { System } from '../system/system.ts';
import { defineCommand, kebab, UsageError } from './registry.ts';
import { inputFile, outputOption, radialBinOption, slabOptions } from './common.ts';
import { Outputs } from './outputs.ts';

/** The library's option names in its messages -> this command's options. */
const OPTION_NAMES: Record<string, string> = {
  rMax: 'rmax', dr: 'dr', reference: 'ref', thickness: 'thickness', smoothing: 'smoothing', center: 'center', axis: 'axis', grid: 'grid',
};

/** Rewrite 'slabMap: option thickness ...' as 'correlate: --thickness ...' (a UsageError); other errors pass. */
function asUsage(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const m = /^\w+: option (\w+) (.*)$/.exec(e.message);
  return m && OPTION_NAMES[m[1]] ? new UsageError(`correlate: --${OPTION_NAMES[m[1]]} ${m[2]}`, 'correlate') : e;
}

export const correlateCommand = defineCommand({
  name: 'correlate',
  summary: 'structure-property correlation of per-atom columns: binned Pearson, spatial C(r) and xi, slab maps',
  description: 'One of three analyses of the columns of a per-atom CSV (a header line, e.g. id,type,vmsd,dq; Wei et al. 2019):\n' +
    '  --x COL --y COL      Pearson of the bin means of ~--bin atoms sorted by x (Fig. 4), with per-atom Pearson and\n' +
    '                       Spearman; --join FILE takes --y from a second CSV, its rows matched by the id column\n' +
    '  --spatial COL        C(r) = <dP_i dP_j>_r / <dP^2> (Eq. 6) in shells of --dr (default --rmax / 50) up to --rmax\n' +
    '                       and xi of a fit A exp(-r/xi); --ref R0 divides C by its value at R0 (the paper uses 3 A); needs --data\n' +
    '  --slab COL           the atoms within --thickness/2 of a plane normal to --axis and the field averaged with a\n' +
    '                       Gaussian of width --smoothing on a grid in the plane (periodic); needs --data\n' +
    'With --spatial and --slab the column is matched to the atoms of --data by the id column. --out writes the table\n' +
    '(bins; r,C,count; or the grid values); the summary is printed, and in the kernel the figure is shown.',
  positionals: [{ name: 'table', summary: 'per-atom CSV with a header line and (for --join, --spatial, --slab) an id column' }],
  options: {
    x: { type: 'string', metavar: 'COL', summary: 'descriptor column (binned correlation; the atoms are sorted by it)' },
    y: { type: 'string', metavar: 'COL', summary: 'property column (binned correlation)' },
    join: { type: 'string', metavar: 'FILE', summary: 'second per-atom CSV holding the --y column, matched by id' },
    bin: { type: 'integer', min: 2, default: 200, summary: 'atoms per bin of the binned correlation (~200 in Wei et al., Fig. 4)' },
    spatial: { type: 'string', metavar: 'COL', summary: 'column whose spatial autocorrelation C(r) and correlation length xi to compute' },
    slab: { type: 'string', metavar: 'COL', summary: 'column to map in a slab (contour with the atoms as bubbles)' },
    data: { type: 'string', metavar: 'FILE', summary: 'configuration with the atom positions (LAMMPS data, dump or extended XYZ), for --spatial and --slab' },
    rmax: { type: 'number', min: 0, exclusiveMin: true, unit: 'length', summary: 'largest r of C(r); default half the smallest width of the cell' },
    dr: { ...radialBinOption },
    ref: { type: 'number', min: 0, unit: 'length', summary: 'normalise C(r) to 1 in the shell holding this distance (3 A in Wei et al.); default Eq. 6 as is' },
    ...slabOptions,
    smoothing: { type: 'number', min: 0, exclusiveMin: true, unit: 'length', summary: 'width (standard deviation) of the Gaussian of the slab map; default thickness / 2' },
    grid: { type: 'integer', min: 2, max: 4000, summary: 'grid points along each in-plane direction of the slab map; default spacing smoothing / 2' },
    out: { ...outputOption('CSV of the table: bins, r,C,count, or the grid of the slab map'), required: false },
  },
  examples: [
    'desc.csv --x vmsd --y dq --bin 200',
    'desc.csv --x vmsd --y dq --join barriers.csv --out bins.csv',
    'desc.csv --spatial dq --data IS.data --rmax 12 --dr 0.2 --ref 3',
    'desc.csv --slab dq --data IS.data --axis z --thickness 3.9 --field-units eV --out slab.csv',
  ],
  result: { from: 'analysis', name: 'CorrelationResult' },
  async run(args, ctx): Promise<CorrelationResult> {
    const modes = [args.x !== undefined || args.y !== undefined, args.spatial !== undefined, args.slab !== undefined].filter(Boolean).length;
    if (modes !== 1) throw new UsageError('correlate: give one of --x COL --y COL, --spatial COL or --slab COL', 'correlate');
    const binned = args.x !== undefined || args.y !== undefined;
    if (binned && (args.x === undefined || args.y === undefined)) throw new UsageError(`correlate: --x and --y go together (got only --${args.x === undefined ? 'y' : 'x'})`, 'correlate');
    if (args.join !== undefined && !binned) throw new UsageError('correlate: --join takes the --y column from a second CSV; use it with --x and --y', 'correlate');
    if (!binned && args.data === undefined) throw new UsageError(`correlate: --${args.spatial !== undefined ? 'spatial' : 'slab'} needs --data FILE (the atom positions)`, 'correlate');
    if (binned && args.data !== undefined) throw new UsageError('correlate: --data is used by --spatial and --slab only', 'correlate');
    const only = (names: (keyof typeof args)[], mode: string) => {
      for (const n of names) if (args[n] !== undefined) throw new UsageError(`correlate: --${kebab(String(n))} applies to ${mode} only`, 'correlate');
    };
    if (args.spatial === undefined) only(['rmax', 'dr', 'ref'], '--spatial');
    if (args.slab === undefined) only(['center', 'thickness', 'smoothing', 'grid', 'fieldUnits'], '--slab');
    if (args.ref !== undefined && args.rmax !== undefined && !(args.ref < args.rmax)) throw new UsageError(`correlate: --ref ${args.ref} must be below --rmax ${args.rmax}`, 'correlate');

    const outs = Outputs.plan(ctx, 'correlate', [args.table, args.join, args.data], { '--out': { path: args.out, kind: 'csv' } });
    const out = outs.path('--out');
    const table = await readCsvTable(inputFile(args.table, ctx.cwd), args.table);
    let r: CorrelationResult;
    if (binned) {
      const xName = args.x!, yName = args.y!;
      const x = table.column(xName);
      let y: Float64Array;
      if (args.join !== undefined) {
        const other = await readCsvTable(inputFile(args.join, ctx.cwd, '--join'), args.join);
        if (!table.has('id')) throw new Error(`${args.table}: no column 'id' to match the rows of ${args.join} (columns: ${table.names.join(', ')})`);
        y = valuesById(other, yName, table.column('id'), args.table);
      } else {
        y = table.column(yName);
      }
      if (table.rows < 4) throw new Error(`${args.table}: ${table.rows} rows; the binned correlation needs at least 4`);
      r = binnedCorrelation(x, y, { binSize: args.bin, xName, yName });
    } else {
      const sys: System = await readSystem(inputFile(args.data!, ctx.cwd, '--data'));
      const name = (args.spatial ?? args.slab)!;
      const field = valuesById(table, name, sys.ids, args.data);
      try {
        if (args.spatial !== undefined) {
          const rMax = args.rmax ?? sys.box.minPerpendicularWidth / 2 * (1 - 1e-9);
          if (args.ref !== undefined && !(args.ref < rMax)) throw new UsageError(`correlate: --ref ${args.ref} must be below --rmax ${rMax} (default: half the smallest width of the cell)`, 'correlate');
          r = spatialAutocorrelation(sys, field, { rMax, dr: args.dr ?? rMax / 50, reference: args.ref, fieldName: name });
        } else {
          if (sys.dim === 3 && args.thickness === undefined) throw new UsageError('correlate: --slab needs --thickness (e.g. 3.9 A as in Wei et al.)', 'correlate');
          r = slabMap(sys, field, {
            axis: args.axis, center: args.center, thickness: args.thickness, smoothing: args.smoothing,
            grid: args.grid === undefined ? undefined : [args.grid, args.grid], fieldName: name, units: args.fieldUnits,
          });
        }
      } catch (e) {
        throw asUsage(e);
      }
    }
    if (out !== undefined) await writeTextAtomic(out, tableCsv(r.table()));
    for (const line of r.summary().split('\n')) ctx.print(line);
    return r;
  },
});
