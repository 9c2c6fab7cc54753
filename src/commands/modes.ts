/**
 * `glasslab modes FILE --model ka --out modes.csv`: the lowest normal modes
 * of a configuration at a minimum and the per-atom participation in them.
 *
 * The dynamical matrix D = M^-1/2 H M^-1/2 (src/core/hessian.ts, mass
 * weighted by default) is diagonalised densely (allModes) or, for its lowest
 * modes only, by filtered Lanczos (lowestModes); the dim rigid translations
 * are removed, so mode 1 is the lowest non-zero mode. Per atom i the command
 * writes the participation fraction (Wei et al., PRB 99, 014115 (2019),
 * Eq. 4)
 *     p_i = sum_{m in S} |e_i^m|^2,
 * S the lowest 0.25% of the n*dim - dim non-trivial modes (Wei et al.'s
 * choice, the default), a count (`--lowest 30`: the normal-mode softness
 * field of Zylberg et al., PNAS 114, 7289 (2017)) or all modes. Since the
 * modes have unit norm, sum_i p_i = |S|.
 * `--frequencies` lists the modes of S with their angular frequency omega
 * (rad per time unit of the model: tau in LJ units, ps in metal units, where
 * omega = sqrt(lambda / mvv2e); with --no-mass-weighted sqrt of the stiffness
 * in energy/length^2, masses taken as 1) and participation ratio PR = (sum_i |e_i|^2)^2 /
 * (N sum_i |e_i|^4) (Bell & Dean 1970).
 *
 * Normal modes describe vibrations about a minimum only: the command warns
 * when the largest force exceeds 1e-6 (relax with `glasslab minimize`).
 */
import { writeTextAtomic } from '../io/files.ts';
import { modeCountForFraction } from '../linalg/index.ts';
import { normalModeAnalysis, type NormalModeAnalysis } from '../analysis/vdos/normal-modes.ts';
import { tableCsv } from '../plot/result.ts';
import { defineCommand, UsageError } from './registry.ts';
import { loadModel, modelOptions, outputOption, readInput, warnIfNotMinimum } from './common.ts';
import { Outputs } from './outputs.ts';

/** Largest per-atom force (energy/length) above which the input is not treated as a minimum. */
export const MODES_FORCE_TOLERANCE = 1e-6;

/** Wei et al.'s fraction of the lowest modes. */
const DEFAULT_FRACTION = 0.0025;

export const modesCommand = defineCommand({
  name: 'modes',
  summary: 'lowest normal modes at a minimum and per-atom participation in them',
  description: 'Writes id,type,participation per atom (sorted by id): p_i = sum over the chosen lowest non-zero\n' +
    'modes of |e_i|^2 (Wei et al., PRB 99, 014115 (2019), Eq. 4); the values sum to the number of modes.\n' +
    'The set is --lowest K modes, a --fraction of the n*dim - dim modes (default 0.0025, Wei et al.)\n' +
    'or --all. --frequencies writes mode,omega,participation_ratio for the same modes, omega the angular\n' +
    'frequency. The input should be a minimum (glasslab minimize); a warning is printed otherwise.',
  positionals: [{ name: 'file', summary: 'configuration at a minimum: LAMMPS data, dump (first frame) or extended XYZ' }],
  options: {
    ...modelOptions,
    lowest: { type: 'integer', min: 1, metavar: 'K', summary: 'use the K lowest non-zero modes (30: normal-mode softness of Zylberg et al.)' },
    fraction: { type: 'number', min: 0, exclusiveMin: true, max: 1, summary: 'use this fraction of the lowest non-zero modes (default 0.0025 when neither --lowest nor --all)' },
    all: { type: 'boolean', summary: 'use all non-zero modes (dense diagonalisation)' },
    massWeighted: { type: 'boolean', default: true, summary: 'diagonalise the dynamical matrix M^-1/2 H M^-1/2 (--no-mass-weighted: the Hessian H)' },
    method: { type: 'enum', choices: ['auto', 'dense', 'lanczos'], default: 'auto', summary: 'eigensolver: dense (all modes), lanczos (lowest only), auto (dense up to 1500 degrees of freedom)' },
    out: outputOption('per-atom participation CSV'),
    frequencies: { type: 'string', metavar: 'FILE', summary: 'also write mode,omega,participation_ratio of the chosen modes to this CSV' },
  },
  examples: [
    'min.data --model ka --out modes.csv',
    'min.data --model ka --lowest 30 --out softness.csv --frequencies freq.csv',
  ],
  result: { from: 'analysis', name: 'NormalModeAnalysis' },
  async run(args, ctx): Promise<NormalModeAnalysis> {
    const chosen = [args.lowest !== undefined && '--lowest', args.fraction !== undefined && '--fraction', args.all && '--all'].filter(Boolean);
    if (chosen.length > 1) throw new UsageError(`modes: give one of --lowest, --fraction, --all (got ${chosen.join(' and ')})`, 'modes');
    if (args.all && args.method === 'lanczos') throw new UsageError('modes: --all needs every mode: use --method dense (or auto)', 'modes');
    const model = loadModel(args.model, args.potential, ctx.cwd, args.elements);
    const outs = Outputs.plan(ctx, 'modes', [args.file], { '--out': { path: args.out, kind: 'csv' }, '--frequencies': { path: args.frequencies, kind: 'csv' } });
    const out = outs.path('--out')!;
    const freqOut = outs.path('--frequencies');
    const sys = await readInput(args.file, model, ctx.cwd);

    const totalModes = sys.n * sys.dim - sys.dim;
    if (totalModes < 1) throw new Error(`${args.file}: ${sys.n} atom(s) have no non-zero modes`);
    const count = args.all ? totalModes : args.lowest ?? modeCountForFraction(totalModes, args.fraction ?? DEFAULT_FRACTION);
    if (count > totalModes) throw new UsageError(`modes: --lowest ${count} exceeds the ${totalModes} non-zero modes of ${args.file} (${sys.n} atoms in ${sys.dim}D)`, 'modes');
    const method = args.all ? 'dense' : args.method;

    const progress = ctx.progress('modes (forces, Hessian, eigenmodes)', 3, 'stages');
    let r: NormalModeAnalysis;
    try {
      r = normalModeAnalysis(sys, model.potential, { count, massWeighted: args.massWeighted, method, source: args.file, onStage: (k) => progress.update(k) });
    } catch (e) {
      if (e instanceof Error) e.message = e.message.replace("method 'dense'", '--method dense');
      throw e;
    } finally {
      progress.finish();
    }
    warnIfNotMinimum(r.maxForce, MODES_FORCE_TOLERANCE, {
      command: 'modes', file: args.file, note: (m) => ctx.note(m),
      consequence: 'the modes of an unrelaxed configuration are not vibrational modes.',
    });
    await writeTextAtomic(out, tableCsv(r.table()));
    if (freqOut !== undefined) await writeTextAtomic(freqOut, tableCsv(r.modesTable()));
    if (r.unstable > 0) ctx.note(`modes: warning: ${r.unstable} of the chosen modes have negative eigenvalues (unstable directions; reported as omega < 0)`);
    for (const line of r.summary().split('\n')) ctx.print(line);
    return r;
  },
});
