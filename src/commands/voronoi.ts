/**
 * `glasslab voronoi FILE [--radical --radii 1.28,1.60] [--face-threshold 0.01]
 * --out vor.csv`: Voronoi (or radical) tessellation of one 2D or 3D
 * configuration (walls along non-periodic directions); per atom the cell
 * volume, the coordination, the Voronoi index and L5FS (Wei et al., PRB 2019,
 * Sec. III) to a CSV; in 2D the cell area, perimeter and coordination.
 */
import { writeTextAtomic } from '../io/files.ts';
import { readSystem } from '../io/index.ts';
import { voronoiTessellation, type VoronoiResult } from '../analysis/structure/voronoi.ts';
import { tableCsv } from '../plot/result.ts';
import { createSystem } from '../system/system.ts';
import { defineCommand, UsageError } from './registry.ts';
import { checkVoronoiInput, dimensionOption, inputFile, outputOption, parseVoronoiOptions, voronoiOptions } from './common.ts';
import { Outputs } from './outputs.ts';

export const voronoiCommand = defineCommand({
  name: 'voronoi',
  summary: 'Voronoi or radical tessellation: per-atom cell volume, Voronoi index and L5FS',
  description: 'Writes id,type,volume,coordination,n3,n4,n5,n6,n7plus,l5fs per atom (sorted by id); in 2D\n' +
    'id,type,area,perimeter,coordination. A face (2D: an edge) counts if its area (length) exceeds\n' +
    '--face-threshold times the cell surface (perimeter). Orthorhombic or triclinic boxes; cells are clipped\n' +
    'at the box faces along non-periodic directions (walls).',
  positionals: [{ name: 'file', summary: 'configuration: LAMMPS data, dump (first frame) or extended XYZ' }],
  options: {
    ...voronoiOptions,
    dim: { ...dimensionOption, default: 3 },
    walls: { type: 'string', summary: "directions with walls instead of periodic images, e.g. 'z' or 'x,y' (default: the file's boundaries)" },
    out: { ...outputOption('per-atom CSV'), required: false },
  },
  examples: ['glass.data --out vor.csv', 'glass.data --radical --radii 1.28,1.60 --out vor.csv', 'ipl2d.data --dim 2 --out vor.csv', 'film.data --walls z --out vor.csv'],
  result: { from: 'analysis', name: 'VoronoiResult' },
  async run(args, ctx): Promise<VoronoiResult> {
    const tess = parseVoronoiOptions(args);
    const outs = Outputs.plan(ctx, 'voronoi', [args.file], { '--out': { path: args.out, kind: 'csv' } });
    const out = outs.path('--out');
    const dim = args.dim === 2 ? 2 : 3;
    const walls = args.walls === undefined ? [] : args.walls.split(',').map((w) => w.trim());
    const bad = walls.find((w) => !'xyz'.slice(0, dim).split('').includes(w));
    if (bad !== undefined) throw new UsageError(`voronoi: --walls ${args.walls}: expected directions among ${'xyz'.slice(0, dim).split('').join(', ')}, comma separated`, 'voronoi');
    let sys = await readSystem(inputFile(args.file, ctx.cwd), { dim });
    if (walls.length > 0) {
      const periodic = sys.box.periodic.map((p, k) => p && !walls.includes('xyz'[k]));
      sys = createSystem({ box: sys.box.with({ periodic }), positions: sys.positions, types: sys.types, ids: sys.ids, masses: sys.masses });
    }
    checkVoronoiInput(sys, tess, args.file, 'voronoi', true);
    const r = voronoiTessellation(sys, tess);
    if (out !== undefined) await writeTextAtomic(out, tableCsv(r.table()));
    for (const line of r.summary().split('\n')) ctx.print(line);
    return r;
  },
});
