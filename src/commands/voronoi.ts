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
import { defineCommand } from './registry.ts';
import { checkVoronoiInput, inputFile, outputOption, parseVoronoiOptions, voronoiOptions } from './common.ts';
import { Outputs } from './outputs.ts';

export const voronoiCommand = defineCommand({
  name: 'voronoi',
  summary: 'Voronoi or radical tessellation: per-atom cell volume, Voronoi index and L5FS',
  description: 'Writes id,type,volume,coordination,n3,n4,n5,n6,n7plus,l5fs per atom (sorted by id). A face counts\n' +
    'if its area exceeds --face-threshold times the cell surface. 3D, periodic boxes (orthorhombic or triclinic).',
  positionals: [{ name: 'file', summary: 'configuration: LAMMPS data, dump (first frame) or extended XYZ' }],
  options: {
    ...voronoiOptions,
    out: { ...outputOption('per-atom CSV'), required: false },
  },
  examples: ['glass.data --out vor.csv', 'glass.data --radical --radii 1.28,1.60 --out vor.csv'],
  result: { from: 'analysis', name: 'VoronoiResult' },
  async run(args, ctx): Promise<VoronoiResult> {
    const tess = parseVoronoiOptions(args);
    const outs = Outputs.plan(ctx, 'voronoi', [args.file], { '--out': { path: args.out, kind: 'csv' } });
    const out = outs.path('--out');
    const sys = await readSystem(inputFile(args.file, ctx.cwd));
    checkVoronoiInput(sys, tess, args.file, 'voronoi');
    const r = voronoiTessellation(sys, tess);
    if (out !== undefined) await writeTextAtomic(out, tableCsv(r.table()));
    for (const line of r.summary().split('\n')) ctx.print(line);
    return r;
  },
});
