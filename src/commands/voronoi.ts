/**
 * `glasslab voronoi FILE [--radical --radii 1.28,1.60] [--face-threshold 0.01]
 * --out vor.csv`: Voronoi (or radical) tessellation of one periodic 3D
 * configuration; per atom the cell volume, the coordination, the Voronoi
 * index and L5FS (Wei et al., PRB 2019, Sec. III) to a CSV.
 */
import { writeTextAtomic } from '../io/files.ts';
import { readSystem } from '../io/index.ts';
import { voronoiTessellation, type VoronoiResult } from '../analysis/structure/voronoi.ts';
import { tableCsv } from '../plot/result.ts';
import { defineCommand, UsageError } from './registry.ts';
import { inputFile, outputOption } from './common.ts';
import { Outputs } from './outputs.ts';

export const voronoiCommand = defineCommand({
  name: 'voronoi',
  summary: 'Voronoi or radical tessellation: per-atom cell volume, Voronoi index and L5FS',
  description: 'Writes id,type,volume,coordination,n3,n4,n5,n6,n7plus,l5fs per atom (sorted by id). A face counts\n' +
    'if its area exceeds --face-threshold times the cell surface. 3D, periodic boxes (orthorhombic or triclinic).',
  positionals: [{ name: 'file', summary: 'configuration: LAMMPS data, dump (first frame) or extended XYZ' }],
  options: {
    radical: { type: 'boolean', summary: 'radical (Laguerre) tessellation with the radii of --radii' },
    radii: { type: 'string', summary: 'radius per atom type, comma separated (type 1 first), length units' },
    'face-threshold': { type: 'number', min: 0, max: 1, default: 0.01, summary: 'smallest counted face, as a fraction of the cell surface' },
    out: { ...outputOption('per-atom CSV'), required: false },
  },
  examples: ['glass.data --out vor.csv', 'glass.data --radical --radii 1.28,1.60 --out vor.csv'],
  result: { from: 'analysis', name: 'VoronoiResult' },
  async run(args, ctx): Promise<VoronoiResult> {
    if (args.radical === true && args.radii === undefined) throw new UsageError('--radical needs --radii (one radius per atom type, e.g. --radii 1.28,1.60)');
    if (args.radii !== undefined && args.radical !== true) throw new UsageError('--radii is used by --radical only; add --radical or drop --radii');
    const radii = args.radii === undefined ? undefined : args.radii.split(',').map((s) => Number(s.trim()));
    if (radii && radii.some((r) => !(r >= 0) || !Number.isFinite(r))) throw new UsageError(`--radii ${args.radii}: expected non-negative numbers separated by commas`);
    const outs = Outputs.plan(ctx, 'voronoi', [args.file], { '--out': { path: args.out, kind: 'csv' } });
    const out = outs.path('--out');
    const sys = await readSystem(inputFile(args.file, ctx.cwd));
    if (sys.dim !== 3) throw new UsageError(`${args.file}: voronoi needs a 3D configuration`);
    if (!sys.box.periodic.every((p) => p)) throw new UsageError(`${args.file}: voronoi needs a box periodic in x, y and z`);
    if (radii) {
      let maxType = 0;
      for (const t of sys.types) maxType = Math.max(maxType, t);
      if (radii.length < maxType) throw new UsageError(`--radii gives ${radii.length} radii but ${args.file} has atom type ${maxType}`);
    }
    const r = voronoiTessellation(sys, { radii, faceAreaFraction: args['face-threshold'] });
    if (out !== undefined) await writeTextAtomic(out, tableCsv(r.table()));
    for (const line of r.summary().split('\n')) ctx.print(line);
    return r;
  },
});
