/**
 * `glasslab descriptors IS.data --model cuzr --vib vib.dump --out desc.csv`:
 * the per-atom structural descriptors of Wei et al., PRB 99, 014115 (2019),
 * Sec. III, of one inherent structure (src/analysis/descriptors):
 * vibrational MSD (Eq. 1) from the frames of --vib, an MD run at T started
 * from IS.data (e.g. `glasslab md --init IS.data --temp 300 --dump vib.dump`);
 * flexibility volume (Eq. 2); L5FS and the Voronoi volume of the
 * tessellation of IS.data (the options of `glasslab voronoi`); the
 *
 * two-body excess entropy s2 (Eq. 3, analysis/structure pairExcessEntropy)
 * and the participation fraction pfrac of the lowest modes (Eq. 4,
 * analysis/vdos participationFraction) of IS.data.
 *
 * The CSV holds id,type,vmsd,vflex,s2,pfrac,l5fs,volume, one row per atom
 * with the ids of IS.data, in the order it is read in (LAMMPS data and dump
 * files are read in ascending id order, src/io). `--skip s2,pfrac` leaves
 * those columns out (pfrac is the costly one: Lanczos on the dynamical
 * matrix, ~N^1.45, minutes at N = 2000 and about an hour at N = 20,000);
 * a skipped column is absent, never filled with placeholders.
 *
 * S2 parameters: Wei et al. give r_cutoff = 11.2 A (the fourth minimum of
 * g(r)) and no smoothing width; the metal-unit defaults are 11.2 A and
 * sigma = 0.2 A (our choice, stated in the summary). Per-atom S2 does not
 * converge with the cutoff (the shell-count noise of one atom's g_i(r);
 * excess-entropy.ts), so values compare only at the same --s2-cutoff and
 * --s2-sigma. LJ models have no defaults: give both.
 *
 * Atoms of the --vib frames are matched to IS.data by id; a frame with
 * other atoms is refused, naming the frame and the id.
 */
import { writeTextAtomic } from '../io/files.ts';
import { Trajectory } from '../io/trajectory.ts';
import { structuralDescriptors, type DescriptorsResult } from '../analysis/descriptors/descriptors.ts';
import { FLEX_LENGTHS } from '../analysis/descriptors/flexibility.ts';
import { excessEntropyRangeProblem, pairExcessEntropy } from '../analysis/structure/excess-entropy.ts';
import { participationFraction, participationModeCount } from '../analysis/vdos/participation.ts';
import { tableCsv } from '../plot/result.ts';
import type { FrameSource } from '../system/frame-source.ts';
import type { System } from '../system/system.ts';
import { defineCommand, UsageError } from './registry.ts';
import {
  checkedFrames, checkVoronoiInput, frameOptions, inputFile, loadModel, maxForceWithWarning, modelOptions,
  outputOption, parseVoronoiOptions, readerMasses, readInput, trajectoryRenames, voronoiOptions,
} from './common.ts';
import { Outputs } from './outputs.ts';

/** Largest per-atom force (energy/length) above which IS.data is not treated as an inherent structure (as `glasslab modes`). */
const IS_FORCE_TOLERANCE = 1e-6;

/** S2 defaults in metal units (A): Wei et al.'s cutoff, the fourth g(r) minimum of CuZr; the width is ours (the paper gives none). */
const S2_METAL_DEFAULTS = { cutoff: 11.2, sigma: 0.2 };

/** Columns `--skip` may leave out. */
const SKIPPABLE = ['s2', 'pfrac'] as const;

export const descriptorsCommand = defineCommand({
  name: 'descriptors',
  summary: 'per-atom structural descriptors of an inherent structure: vibrational MSD, flexibility volume, S2, participation fraction, L5FS, Voronoi volume',
  description: 'Writes id,type,vmsd,vflex,s2,pfrac,l5fs,volume per atom, with the ids of the input, in the order it is read (Wei et al.,\n' +
    'PRB 99, 014115 (2019), Sec. III). vmsd (length^2) is the mean over the --vib frames of |r_i(t) - r_i^IS|^2,\n' +
    'centre-of-mass drift removed; vflex (length^3) = vmsd / a^2 * Omega with a = Omega^(1/3) or the mean\n' +
    'Voronoi-neighbour distance (--flex-length); l5fs and volume come from the Voronoi (or radical) cells.\n' +
    '--vib is an MD run at T started from the input (dump with xu yu zu or x y z); leave out its first\n' +
    'frames (the input itself and the warm-up) with --start. s2 (k_B per atom) is the two-body excess entropy\n' +
    '(Eq. 3) within --s2-cutoff, g_i(r) smoothed by --s2-sigma (metal defaults 11.2 and 0.2 A; compare values\n' +
    'only at equal settings); pfrac is the participation of each atom in the lowest --mode-fraction of the\n' +
    'modes of the dynamical matrix (Eq. 4; Lanczos, minutes at N = 2000). --skip s2,pfrac leaves them out.',
  positionals: [{ name: 'file', summary: 'inherent structure: LAMMPS data, dump (first frame) or extended XYZ' }],
  options: {
    ...modelOptions,
    vib: { type: 'string', metavar: 'FILE', required: true, summary: 'LAMMPS dump of an MD run at T started from the inherent structure (its frames give vmsd)' },
    start: frameOptions.start,
    stop: frameOptions.stop,
    stride: frameOptions.stride,
    ...voronoiOptions,
    flexLength: { type: 'enum', choices: [...FLEX_LENGTHS], default: 'omega', summary: 'a of the flexibility volume: omega = Omega^(1/3) (Wei et al.), neighbour = mean Voronoi-neighbour distance (Ding et al. 2016)' },
    s2Cutoff: { type: 'number', min: 0, exclusiveMin: true, unit: 'length', summary: 'upper limit of the S2 integral; default 11.2 A in metal units (Wei et al.), none in lj units' },
    s2Sigma: { type: 'number', min: 0, exclusiveMin: true, unit: 'length', summary: 'width of the Gaussian smoothing of g_i(r) for S2; default 0.2 A in metal units, none in lj units' },
    s2Form: { type: 'enum', choices: ['species', 'total'], default: 'species', summary: 'S2 from species-resolved g_i^{mu nu} (Wei et al. Eq. 3) or the total density (LAMMPS compute entropy/atom)' },
    modeFraction: { type: 'number', min: 0, exclusiveMin: true, max: 1, default: 0.0025, summary: 'fraction of the lowest non-zero modes for pfrac (Wei et al.: 0.0025)' },
    skip: { type: 'string', metavar: 'LIST', summary: "descriptors to leave out, comma separated: 's2', 'pfrac' (their columns are then absent)" },
    out: outputOption('per-atom CSV'),
  },
  renamed: trajectoryRenames,
  examples: [
    'is.data --model cuzr --vib vib.dump --start 10 --out desc.csv',
    'is.data --model cuzr --vib vib.dump --start 10 --s2-cutoff 8.8 --s2-sigma 0.1 --skip pfrac --out desc.csv',
    'is.data --model cuzr --vib vib.dump --radical --radii 1.28,1.60 --flex-length neighbour --out desc.csv',
  ],
  interruptible: true,
  result: { from: 'analysis', name: 'DescriptorsResult' },
  async run(args, ctx): Promise<DescriptorsResult> {
    const model = loadModel(args.model, args.potential, ctx.cwd, args.elements);
    const voronoi = parseVoronoiOptions(args);
    const skip = new Set(args.skip === undefined ? [] : args.skip.split(',').map((w) => w.trim()));
    for (const w of skip) {
      if (!(SKIPPABLE as readonly string[]).includes(w)) throw new UsageError(`descriptors: --skip takes ${SKIPPABLE.join(', ')} (comma separated), got '${w}'`, 'descriptors');
    }
    const metal = model.potential.units === 'metal';
    const s2Cutoff = args.s2Cutoff ?? (metal ? S2_METAL_DEFAULTS.cutoff : undefined);
    const s2Sigma = args.s2Sigma ?? (metal ? S2_METAL_DEFAULTS.sigma : undefined);
    if (!skip.has('s2') && (s2Cutoff === undefined || s2Sigma === undefined)) {
      throw new UsageError(`descriptors: --model ${args.model} is in lj units, where S2 has no default cutoff and width: give --s2-cutoff and --s2-sigma (e.g. 3.5 and 0.05), or --skip s2`, 'descriptors');
    }
    const outs = Outputs.plan(ctx, 'descriptors', [args.file, args.vib], { '--out': { path: args.out, kind: 'csv' } });
    const out = outs.path('--out')!;
    const is = await readInput(args.file, model, ctx.cwd);
    checkVoronoiInput(is, voronoi, args.file, 'descriptors');
    const s2Problem = skip.has('s2') ? null : excessEntropyRangeProblem(is.box, s2Cutoff!, s2Sigma!);
    // a cutoff too long for the box is the choice of --s2-cutoff (or its metal default): refused before any work
    if (s2Problem) throw new UsageError(`descriptors: --s2-cutoff ${s2Cutoff} with --s2-sigma ${s2Sigma} in ${args.file}: ${s2Problem}`, 'descriptors');
    maxForceWithWarning(is, model.potential, IS_FORCE_TOLERANCE, {
      command: 'descriptors', file: args.file, note: (m) => ctx.note(m),
      consequence: 'vmsd is measured about it, not about an inherent structure.',
    });
    const traj = new Trajectory(inputFile(args.vib, ctx.cwd, '--vib'), { start: args.start, stop: args.stop, step: args.stride, typeMasses: readerMasses(model) });
    const total = await traj.count();
    if (total === 0) throw new UsageError(`descriptors: --vib ${args.vib}: no frames in the selected range (--start, --stop, --stride)`, 'descriptors');
    const checked = checkedFrames(traj, args.vib, model);
    const frames: FrameSource = { ...checked, label: `--vib ${args.vib}`, [Symbol.asyncIterator]: () => checked[Symbol.asyncIterator]() };
    // the bar starts once the first frame has matched the input, so that a dump of other atoms fails in one line
    let progress: ReturnType<typeof ctx.progress> | undefined;
    let r: DescriptorsResult;
    try {
      r = await structuralDescriptors(is, frames, {
        voronoi, flexLength: args.flexLength, reference: args.file, signal: ctx.signal,
        onFrame: (k) => (progress ??= ctx.progress('descriptors (vib frames)', total ?? 0, 'frames')).update(k),
        ...(skip.has('s2') ? {} : { s2: (sys: System) => pairExcessEntropy(sys, { cutoff: s2Cutoff!, sigma: s2Sigma!, form: args.s2Form }) }),
        ...(skip.has('pfrac') ? {} : {
          pfrac: (sys: System) => {
            progress?.finish();
            ctx.note(`descriptors: pfrac from the lowest ${participationModeCount(sys.n, sys.dim, args.modeFraction)} modes of the dynamical matrix (${sys.n * sys.dim} degrees of freedom)`);
            return participationFraction(sys, model.potential, { modeFraction: args.modeFraction });
          },
        }),
      });
    } catch (e) {
      // a frame that does not hold the atoms of the input is a usage mistake: one line naming --vib and the input
      if (e instanceof Error && e.message.startsWith(`--vib ${args.vib}: frame`)) throw new UsageError(`descriptors: ${e.message}`, 'descriptors');
      throw e;
    } finally {
      progress?.finish();
    }
    await writeTextAtomic(out, tableCsv(r.table()));
    for (const line of r.summary().split('\n')) ctx.print(line);
    return r;
  },
});
