/**
 * `glasslab phop TRAJ --frame-dt 0.05 --window 15 [--pc auto|VALUE] --out phop.csv`:
 * the cage-jump indicator p_hop(i,t) of every particle at every frame
 * (Candelier et al.; Sharma et al., PRE 105, 065309 (2022), Eq. 2; units
 * and edges in src/analysis/phop.ts) and the rearrangement events where
 * p_hop > p_c.
 *
 * Output: long form `id,type,t,phop` (rows by id, then time; only frames
 * where the window fits in the trajectory) or, with --wide, one row per
 * atom `id,type,<p_hop at each time>` under a header of the times.
 * --events writes `id,type,t_start,t_end,max_phop` (one row per maximal run
 * of frames above p_c). p_c: `auto` (default) is MSD(t*) at the alpha_2
 * peak of all atoms (the `dynamics` command's value), or a number in the
 * units of p_hop.
 */
import { phopAnalysis, type PhopAnalysis } from '../analysis/dynamics/phop-analysis.ts';
import { AtomicTextOutput, writeTextAtomic } from '../io/files.ts';
import { tableCsv } from '../plot/result.ts';
import { defineCommand, UsageError } from './registry.ts';
import { num, outputOption, trajectoryRenames } from './common.ts';
import { matrixOptions, readTrajectoryFrames, trajectoryOptions } from './dynamics.ts';
import { Outputs } from './outputs.ts';

export const phopCommand = defineCommand({
  name: 'phop',
  summary: 'cage-jump indicator p_hop of every particle and frame, and rearrangement events',
  description: 'p_hop(i,t) = sqrt(<(r - <r>_U)^2>_V <(r - <r>_V)^2>_U), U = [t - Dt/2, t], V = [t, t + Dt/2]\n' +
    '(Candelier et al. 2010; Sharma et al. 2022, Eq. 2), in sigma^2 (--form sqrt: its square root, sigma).\n' +
    'Defined where the window fits in the trajectory. Events: runs of frames with p_hop > p_c; --pc auto\n' +
    'takes p_c = MSD at the maximum of the non-Gaussian parameter (as `glasslab dynamics` prints it).\n' +
    'The dump needs unwrapped coordinates (xu yu zu) or image flags (ix iy iz) and equally spaced frames.\n' +
    'Memory: p_hop at a frame needs the window around it, and every atom\'s p_hop trace is written per atom, so the\n' +
    'whole trajectory is held at once: unwrapped positions and p_hop, 8 x (dim + 1) bytes per atom per frame (32 in 3D:\n' +
    '4000 atoms x 10^4 frames = 1.2 GiB). A selection that would exceed --memory (estimated from the first frame and\n' +
    'the file size) is refused before reading.',
  positionals: [{ name: 'traj', summary: 'LAMMPS dump (plain or .gz) with xu yu zu, or x y z ix iy iz' }],
  renamed: trajectoryRenames,
  options: {
    ...trajectoryOptions,
    ...matrixOptions,
    window: { type: 'number', min: 0, exclusiveMin: true, default: 15, unit: 'time', summary: 'window Dt (15 tau in Sharma et al.); rounded to a whole number of frames' },
    pc: { type: 'string', default: 'auto', metavar: 'auto|VALUE', summary: 'event threshold p_c: auto (MSD at the alpha_2 peak) or a value in the units of p_hop' },
    form: { type: 'enum', choices: ['squared', 'sqrt'], default: 'squared', summary: 'squared: p_hop in length^2 (Candelier, matches the paper\'s p_c); sqrt: its square root' },
    wide: { type: 'boolean', summary: 'write a matrix, one row per atom and one column per time, instead of id,type,t,phop rows' },
    events: { type: 'string', metavar: 'FILE', summary: 'write the events id,type,t_start,t_end,max_phop to this CSV' },
    out: outputOption('p_hop CSV'),
  },
  examples: [
    'prod.dump --frame-dt 0.05 --window 15 --out phop.csv --events events.csv',
    'prod.dump --dt 0.0025 --pc 0.115 --wide --out phop-matrix.csv',
  ],
  result: { from: 'analysis', name: 'PhopAnalysis' },
  async run(args, ctx): Promise<PhopAnalysis> {
    let pcGiven: number | undefined;
    if (args.pc !== 'auto') {
      pcGiven = Number(args.pc);
      if (args.pc.trim() === '' || !Number.isFinite(pcGiven) || pcGiven < 0) {
        throw new UsageError(`phop: --pc must be 'auto' or a non-negative number, got '${args.pc}'`, 'phop');
      }
    }
    const outs = Outputs.plan(ctx, 'phop', [args.traj], { '--out': { path: args.out, kind: 'csv' }, '--events': { path: args.events, kind: 'csv' } });
    const out = outs.path('--out')!;
    const eventsOut = outs.path('--events');
    const frames = await readTrajectoryFrames(args.traj, args, ctx, 'phop', (dim) => 8 * (dim + 1));
    let r: PhopAnalysis;
    try {
      r = phopAnalysis(frames, { window: args.window, form: args.form, pc: pcGiven ?? 'auto', source: args.traj });
    } catch (e) {
      if (e instanceof Error && /p_hop/.test(e.message)) e.message = e.message.split(frames.source).join(args.traj) + ' (--window)';
      throw e;
    }
    const { phop } = r;
    const { n, times, ids, types, values } = phop;
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => ids[x] - ids[y]);
    const f0 = phop.firstFrame, f1 = phop.lastFrame;
    // streamed per atom: the long form of N = 4000 x 2000 frames is some 10^7 lines
    const rows = function* (): Generator<string> {
      if (args.wide) {
        const head = ['id', 'type'];
        for (let f = f0; f <= f1; f++) head.push(`t=${num(times[f])}`);
        yield head.join(',');
        for (const i of order) {
          const row = [String(ids[i]), String(types[i])];
          for (let f = f0; f <= f1; f++) row.push(num(values[f * n + i]));
          yield row.join(',');
        }
      } else {
        yield 'id,type,t,phop';
        for (const i of order) {
          const block: string[] = [];
          for (let f = f0; f <= f1; f++) block.push(`${ids[i]},${types[i]},${num(times[f])},${num(values[f * n + i])}`);
          yield block.join('\n');
        }
      }
    };
    await writeLinesAtomic(out, rows());
    if (eventsOut !== undefined) await writeTextAtomic(eventsOut, tableCsv(r.table()));
    for (const line of r.summary().split('\n')) ctx.print(line);
    return r;
  },
});

/** Write lines (each may hold several) to a file that appears only when complete (.gz compresses). */
async function writeLinesAtomic(path: string, lines: Iterable<string>): Promise<void> {
  const out = new AtomicTextOutput(path);
  try {
    let buf: string[] = [], size = 0;
    for (const line of lines) {
      buf.push(line);
      size += line.length;
      if (size > 1 << 20) {
        await out.write(buf.join('\n') + '\n');
        buf = [];
        size = 0;
      }
    }
    if (buf.length > 0) await out.write(buf.join('\n') + '\n');
    await out.close();
  } catch (e) {
    await out.abort();
    throw e;
  }
}
