/**
 * `glasslab descriptors IS.data --model cuzr --vib vib.dump --out desc.csv`:
 * the per-atom structural descriptors of Wei et al., PRB 99, 014115 (2019),
 * Sec. III, of one inherent structure (src/analysis/descriptors):
 * vibrational MSD (Eq. 1) from the frames of --vib, an MD run at T started
 * from IS.data (e.g. `glasslab md --init IS.data --temp 300 --dump vib.dump`);
 * flexibility volume (Eq. 2); L5FS and the Voronoi volume of the
 * tessellation of IS.data (the options of `glasslab voronoi`).
 *
 * The CSV holds id,type,vmsd,vflex,l5fs,volume, one row per atom with the
 * ids of IS.data, in the order it is read in (LAMMPS data and dump files are
 * read in ascending id order, src/io). The two-body excess entropy s2 and the
 * participation fraction pfrac are not computed by this command yet, so
 * their columns are absent (never filled with placeholders).
 *
 * Atoms of the --vib frames are matched to IS.data by id; a frame with
 * other atoms is refused, naming the frame and the id.
 */
import { writeTextAtomic } from '../io/files.ts';
import { Trajectory } from '../io/trajectory.ts';
import { structuralDescriptors, type DescriptorsResult } from '../analysis/descriptors/descriptors.ts';
import { FLEX_LENGTHS } from '../analysis/descriptors/flexibility.ts';
import { tableCsv } from '../plot/result.ts';
import type { FrameSource } from '../system/frame-source.ts';
import { defineCommand, UsageError } from './registry.ts';
import {
  checkedFrames, checkVoronoiInput, frameOptions, inputFile, loadModel, maxForceWithWarning, modelOptions,
  outputOption, parseVoronoiOptions, readerMasses, readInput, trajectoryRenames, voronoiOptions,
} from './common.ts';
import { Outputs } from './outputs.ts';

/** Largest per-atom force (energy/length) above which IS.data is not treated as an inherent structure (as `glasslab modes`). */
const IS_FORCE_TOLERANCE = 1e-6;

export const descriptorsCommand = defineCommand({
  name: 'descriptors',
  summary: 'per-atom structural descriptors of an inherent structure: vibrational MSD, flexibility volume, L5FS, Voronoi volume',
  description: 'Writes id,type,vmsd,vflex,l5fs,volume per atom, with the ids of the input, in the order it is read (Wei et al.,\n' +
    'PRB 99, 014115 (2019), Sec. III). vmsd (length^2) is the mean over the --vib frames of |r_i(t) - r_i^IS|^2,\n' +
    'centre-of-mass drift removed; vflex (length^3) = vmsd / a^2 * Omega with a = Omega^(1/3) or the mean\n' +
    'Voronoi-neighbour distance (--flex-length); l5fs and volume come from the Voronoi (or radical) cells.\n' +
    '--vib is an MD run at T started from the input (dump with xu yu zu or x y z); leave out its first\n' +
    'frames (the input itself and the warm-up) with --start. s2 and pfrac are not computed yet.',
  positionals: [{ name: 'file', summary: 'inherent structure: LAMMPS data, dump (first frame) or extended XYZ' }],
  options: {
    ...modelOptions,
    vib: { type: 'string', metavar: 'FILE', required: true, summary: 'LAMMPS dump of an MD run at T started from the inherent structure (its frames give vmsd)' },
    start: frameOptions.start,
    stop: frameOptions.stop,
    stride: frameOptions.stride,
    ...voronoiOptions,
    flexLength: { type: 'enum', choices: [...FLEX_LENGTHS], default: 'omega', summary: 'a of the flexibility volume: omega = Omega^(1/3) (Wei et al.), neighbour = mean Voronoi-neighbour distance (Ding et al. 2016)' },
    out: outputOption('per-atom CSV'),
  },
  renamed: trajectoryRenames,
  examples: [
    'is.data --model cuzr --vib vib.dump --start 10 --out desc.csv',
    'is.data --model cuzr --vib vib.dump --radical --radii 1.28,1.60 --flex-length neighbour --out desc.csv',
  ],
  interruptible: true,
  result: { from: 'analysis', name: 'DescriptorsResult' },
  async run(args, ctx): Promise<DescriptorsResult> {
    const model = loadModel(args.model, args.potential, ctx.cwd, args.elements);
    const voronoi = parseVoronoiOptions(args);
    const outs = Outputs.plan(ctx, 'descriptors', [args.file, args.vib], { '--out': { path: args.out, kind: 'csv' } });
    const out = outs.path('--out')!;
    const is = await readInput(args.file, model, ctx.cwd);
    checkVoronoiInput(is, voronoi, args.file, 'descriptors');
    maxForceWithWarning(is, model.potential, IS_FORCE_TOLERANCE, {
      command: 'descriptors', file: args.file, note: (m) => ctx.note(m),
      consequence: 'vmsd is measured about it, not about an inherent structure.',
    });
    const traj = new Trajectory(inputFile(args.vib, ctx.cwd, '--vib'), { start: args.start, stop: args.stop, step: args.stride, typeMasses: readerMasses(model) });
    const total = await traj.count();
    if (total === 0) throw new UsageError(`--vib ${args.vib}: no frames in the selected range (--start, --stop, --stride)`, 'descriptors');
    const checked = checkedFrames(traj, args.vib, model);
    const frames: FrameSource = { ...checked, label: `--vib ${args.vib}`, [Symbol.asyncIterator]: () => checked[Symbol.asyncIterator]() };
    // the bar starts once the first frame has matched the input, so that a dump of other atoms fails in one line
    let progress: ReturnType<typeof ctx.progress> | undefined;
    let r: DescriptorsResult;
    try {
      r = await structuralDescriptors(is, frames, {
        voronoi, flexLength: args.flexLength, reference: args.file, signal: ctx.signal,
        onFrame: (k) => (progress ??= ctx.progress('descriptors (vib frames)', total ?? 0, 'frames')).update(k),
      });
    } catch (e) {
      // a frame that does not hold the atoms of the input is a usage mistake: one line naming --vib and the input
      if (e instanceof Error && e.message.startsWith(`--vib ${args.vib}: frame`)) throw new UsageError(e.message, 'descriptors');
      throw e;
    } finally {
      progress?.finish();
    }
    await writeTextAtomic(out, tableCsv(r.table()));
    for (const line of r.summary().split('\n')) ctx.print(line);
    return r;
  },
});
