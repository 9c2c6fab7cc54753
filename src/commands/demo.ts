/**
 * `glasslab demo --out out/`: the README's first job. A short Kob-Andersen
 * NVT run at T = 0.8 (rho = 1.2) from a random start, writing
 *   out/traj.dump      trajectory (id type xu yu zu, every 100 steps)
 *   out/thermo.csv     thermo rows (full double precision)
 *   out/final.data     final configuration with velocities
 * It runs the `md` command with fixed options, so its output is what
 * `glasslab md` gives for the same options.
 */
import { joinPath as join, makeDir, resolvePath as resolve } from '../platform/index.ts';
import { defineCommand, parseArgs } from './registry.ts';
import { mdCommand, runMdCommand, type MdResult } from './md.ts';
import { runOptions } from './common.ts';

export const demoCommand = defineCommand({
  name: 'demo',
  summary: 'short Kob-Andersen run writing a trajectory, thermo CSV and final configuration',
  positionals: [],
  options: {
    out: { type: 'string', short: 'o', metavar: 'DIR', default: 'out', summary: 'output directory (created if missing)' },
    n: { ...runOptions.n, default: 1000 },
    steps: { ...runOptions.steps, min: 1, default: 2000 },
    seed: runOptions.seed,
  },
  examples: ['--out out/'],
  async run(args, ctx): Promise<MdResult> {
    const dir = resolve(ctx.cwd, args.out);
    makeDir(dir);
    const argv = [
      '--model', 'ka', '--n', String(args.n), '--density', '1.2', '--temp', '0.8', '--ensemble', 'nvt',
      '--dt', '0.005', '--steps', String(args.steps), '--seed', String(args.seed),
      '--dump', join(dir, 'traj.dump'), '--every', '100', '--thermo', '100',
      '--thermo-csv', join(dir, 'thermo.csv'), '--final', join(dir, 'final.data'),
    ];
    const parsed = parseArgs(mdCommand, argv);
    if (parsed.help) throw new Error('demo: internal error, md arguments asked for help');
    const result = await runMdCommand({ ...parsed.args, quiet: args.quiet }, ctx);
    ctx.note(`demo: wrote ${join(args.out, 'traj.dump')}, ${join(args.out, 'thermo.csv')}, ${join(args.out, 'final.data')}`);
    return result;
  },
});
