/**
 * `glasslab dynamics TRAJ --frame-dt 0.05 --out dyn.csv`: self dynamics of
 * a trajectory of unwrapped positions (src/analysis/dynamics.ts): MSD,
 * non-Gaussian parameter alpha_2, overlap q(t) and F_s(k,t) for all atoms
 * and per species, tau_alpha (q = 1/e), the alpha_2 peak time t* and the
 * p_hop threshold p_c = MSD(t*) of Sharma et al., PRE 105, 065309 (2022)
 * (length^2; see src/analysis/phop.ts for why).
 *
 * Also home of the trajectory options shared with `glasslab phop`: frame
 * times come from --dt (timestep * dt), from the dump's ITEM: TIME, or from
 * --frame-dt (equally spaced frames; the time between consecutive frames of
 * the file, as in `glasslab vdos`, so with --stride k the frames used are
 * k x --frame-dt apart), in that order (src/analysis/frames.ts).
 */
import { resolvePath as resolve, totalMemory } from '../platform/index.ts';
import { selfDynamics, type SelfDynamicsResult } from '../analysis/dynamics/dynamics.ts';
import { collectPositions, formatBytes, type TrajectoryFrames } from '../analysis/dynamics/frames.ts';
import { Trajectory } from '../io/trajectory.ts';
import { phopThreshold } from '../analysis/dynamics/phop.ts';
import { writeTextAtomic } from '../io/files.ts';
import { tableCsv } from '../plot/result.ts';
import { defineCommand, UsageError, type RunContext } from './registry.ts';
import { frameOptions, inputFile, outputOption, trajectoryRenames } from './common.ts';
import { Outputs } from './outputs.ts';

/** Options that say how to read a trajectory's frames and their times (the shared group of common.ts). */
export const trajectoryOptions = frameOptions;

/** The memory limit of the commands that hold a whole trajectory (dynamics, phop). */
export const matrixOptions = {
  memory: { type: 'integer', min: 1, unit: 'MiB', summary: 'largest trajectory matrix to hold in memory (default: half the physical memory); larger selections are refused before reading' },
} as const;

/** Longest Float64Array of Node 20 (V8): the positions matrix is one array. */
const MAX_ARRAY_LENGTH = 2 ** 32;

/** Default --memory: half the physical memory. */
export function defaultMatrixMemory(): number {
  return Math.floor(totalMemory() / 2);
}

/**
 * Read the frames of a dump into the positions matrix for a command, with
 * progress. Before reading, the matrix of the selection is estimated from the
 * first frame and the file size (Trajectory.estimate) at `bytesPerAtomFrame`
 * (what the command holds per atom and frame) and refused above --memory.
 */
export async function readTrajectoryFrames(
  file: string, args: { frameDt?: number; dt?: number; start?: number; stop?: number; stride?: number; memory?: number }, ctx: RunContext, command: string,
  bytesPerAtomFrame?: (dim: number) => number,
): Promise<TrajectoryFrames> {
  const abs = resolve(ctx.cwd, file);
  inputFile(file, ctx.cwd);
  if (args.frameDt !== undefined && args.dt !== undefined) throw new UsageError(`${command}: give --frame-dt or --dt, not both`, command);
  const traj = new Trajectory(abs, { start: args.start, stop: args.stop, step: args.stride, dt: args.dt, frameDt: args.frameDt });
  const limit = args.memory !== undefined ? args.memory * 2 ** 20 : defaultMatrixMemory();
  const perAtomFrame = bytesPerAtomFrame ?? ((dim: number) => 8 * dim);
  const progress = ctx.progress(`${command}: reading ${file}`, 1, 'frames');
  try {
    const est = await traj.estimate();
    const need = est.n * est.frames * perAtomFrame(est.dim);
    if (need > limit) {
      const fit = Math.max(1, Math.floor(limit / (est.n * perAtomFrame(est.dim))));
      throw new Error(`${file}: ${command} holds the whole trajectory in memory, ${perAtomFrame(est.dim)} bytes per atom per frame: ` +
        `about ${est.frames} frames x ${est.n} atoms = ${formatBytes(need)}${est.gzip ? ' or more' : ''}, over the --memory limit of ${formatBytes(limit)}; ` +
        `select at most about ${fit} frames (--start, --stop, --stride) or raise --memory`);
    }
    if (est.n * est.frames * est.dim > MAX_ARRAY_LENGTH) {
      throw new Error(`${file}: about ${est.frames} frames x ${est.n} atoms x ${est.dim} coordinates is more than one array holds (2^32 numbers, 32 GiB); ` +
        `select at most about ${Math.floor(MAX_ARRAY_LENGTH / (est.n * est.dim))} frames (--start, --stop, --stride)`);
    }
    return await collectPositions(traj, {
      maxBytes: Math.floor(limit / perAtomFrame(est.dim)) * 8 * est.dim,
      onFrame: (k, total) => progress.update(k, total),
    });
  } catch (e) {
    // name the file as the user wrote it
    if (e instanceof Error) e.message = e.message.split(abs).join(file);
    throw e;
  } finally {
    progress.finish();
  }
}

export const dynamicsCommand = defineCommand({
  name: 'dynamics',
  summary: 'MSD, non-Gaussian parameter, overlap q(t) and F_s(k,t) of a trajectory, per species',
  description: 'Writes t, msd, alpha2, q, Fs for all atoms, then msd_T, alpha2_T, q_T, Fs_T for each type T.\n' +
    'alpha2 = d <dr^4> / ((d+2) <dr^2>^2) - 1; q = fraction with |dr| < a; Fs = <sin(k dr)/(k dr)> (3D),\n' +
    '<J0(k dr)> (2D). Time origins: all frames (linear) or all frame pairs with the lag (log-spaced).\n' +
    'Prints tau_alpha (q = 1/e), the alpha_2 peak time t* and p_c = MSD(t*) (sigma^2), the p_hop threshold.\n' +
    'The dump needs unwrapped coordinates (xu yu zu) or image flags (ix iy iz).\n' +
    'Memory: every frame is a time origin for every lag, so the whole trajectory is held at once as a matrix of\n' +
    'unwrapped positions, 8 x dim bytes per atom per frame (24 in 3D: 4000 atoms x 10^4 frames = 0.9 GiB). A selection\n' +
    'whose matrix would exceed --memory (estimated from the first frame and the file size) is refused before reading.',
  positionals: [{ name: 'traj', summary: 'LAMMPS dump (plain or .gz) with xu yu zu, or x y z ix iy iz' }],
  renamed: trajectoryRenames,
  options: {
    ...trajectoryOptions,
    ...matrixOptions,
    a: { type: 'number', min: 0, exclusiveMin: true, default: 0.3, unit: 'length', summary: 'overlap cutoff a of q(t)' },
    k: { type: 'number', min: 0, exclusiveMin: true, default: 7.25, unit: '1/length', summary: 'wave number of F_s(k,t) (7.25: first peak of S(q), KA at rho 1.2)' },
    lags: { type: 'enum', choices: ['auto', 'all', 'log'], default: 'auto', summary: "lags of linear frames: every frame lag, or ~--points-per-decade per decade (auto: all up to 200 frames)" },
    pointsPerDecade: { type: 'integer', min: 1, default: 10, summary: 'density of log lags' },
    maxOrigins: { type: 'integer', min: 1, summary: 'at most this many time origins per lag (linear frames; default all)' },
    out: outputOption('CSV of the series'),
  },
  examples: ['prod.dump --frame-dt 0.05 --out dyn.csv', 'log.dump --dt 0.005 --out dyn.csv --k 7.2'],
  result: { from: 'analysis', name: 'SelfDynamicsResult' },
  async run(args, ctx): Promise<SelfDynamicsResult> {
    const outs = Outputs.plan(ctx, 'dynamics', [args.traj], { '--out': { path: args.out, kind: 'csv' } });
    const out = outs.path('--out')!;
    const frames = await readTrajectoryFrames(args.traj, args, ctx, 'dynamics');
    if (frames.nFrames < 2) throw new Error(`${args.traj}: dynamics needs at least 2 frames, the dump has ${frames.nFrames}`);
    const dynamics = selfDynamics(frames, {
      a: args.a, k: args.k, lags: args.lags === 'auto' ? undefined : args.lags,
      pointsPerDecade: args.pointsPerDecade, maxOrigins: args.maxOrigins,
    });
    await writeTextAtomic(out, tableCsv(dynamics.table()));
    phopThreshold(dynamics, 0, args.traj); // refuses a trajectory whose alpha_2 has no maximum
    for (const line of dynamics.summary().split('\n')) ctx.print(line);
    if (!Number.isFinite(dynamics.get().tauAlpha)) ctx.note(`dynamics: q(t) of all atoms stays above 1/e up to t = ${dynamics.t[dynamics.t.length - 1]}: tau_alpha is longer than the trajectory`);
    return dynamics;
  },
});
