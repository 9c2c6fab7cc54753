/**
 * %load: read a configuration or open a trajectory with the library's I/O
 * (src/io): LAMMPS data, LAMMPS dump (plain or gzip), extended XYZ.
 *
 *   const glass = %load glass.data             one configuration (System)
 *   const last = %load run.dump --frame -1     one frame of a dump
 *   const traj = %load run.dump --trajectory --stride 10   lazy Trajectory
 */
import { resolvePath as resolve } from '../../src/platform/index.ts';
import { defineCommand, UsageError } from '../../src/commands/registry.ts';
import { readSystem, Trajectory } from '../../src/io/index.ts';
import { frameOption, frameOptions, trajectoryRenames } from '../../src/commands/common.ts';

export const loadCommand = defineCommand({
  name: 'load',
  summary: 'read a configuration (LAMMPS data/dump, XYZ) or open a dump as a trajectory',
  description: 'The value is a System (one configuration) or, with --trajectory, a Trajectory that reads '
    + 'frames lazily (for await (const f of traj.frames()) ...). Bind it: const sys = %load glass.data',
  positionals: [{ name: 'file', summary: 'LAMMPS data, LAMMPS dump (.gz too) or extended XYZ file', metavar: 'FILE' }],
  options: {
    frame: frameOption,
    trajectory: { type: 'boolean', summary: 'open a dump as a lazy Trajectory instead of reading one frame' },
    start: frameOptions.start,
    stop: frameOptions.stop,
    stride: frameOptions.stride,
  },
  renamed: trajectoryRenames,
  examples: ['glass.data', 'run.dump --frame -1', 'run.dump --trajectory --stride 10'],
  async run(args, ctx) {
    const path = resolve(ctx.cwd, args.file);
    if (args.trajectory) {
      if (args.frame !== 0) throw new UsageError('load: --frame selects one configuration; with --trajectory use --start/--stop/--stride', 'load');
      const traj = new Trajectory(path, { start: args.start, stop: args.stop, step: args.stride });
      ctx.print(`${args.file}: trajectory of ${await traj.count()} frames`);
      return traj;
    }
    for (const k of ['start', 'stop', 'stride'] as const) {
      if (args[k] !== undefined) throw new UsageError(`load: --${k} needs --trajectory`, 'load');
    }
    const sys = await readSystem(path, { frame: args.frame });
    const L = Array.from(sys.box.lengths, (l) => l.toPrecision(6)).join(' x ');
    ctx.print(`${args.file}: ${sys.n} atoms, ${sys.dim}D box ${L}${sys.timestep !== undefined ? `, timestep ${sys.timestep}` : ''}`);
    return sys;
  },
});

/** TypeScript type of `const x = %load ...` for the given arguments. */
export const LOAD_SYSTEM_TYPE = 'Parameters<typeof import("glasslab/io").writeSystem>[1]';
export const LOAD_TRAJECTORY_TYPE = 'import("glasslab/io").Trajectory';
