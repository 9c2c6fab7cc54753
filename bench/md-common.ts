/**
 * What bench/md-ka.ts and bench/md-eam.ts share: LAMMPS runs of a template
 * with their "Loop time" rate, glasslab runs of runMd + Nose-Hoover NVT with
 * their loop rate, and the cost exponent fit.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createForceProvider, type ForceProviderOptions } from '../src/core/force-provider.ts';
import { nvt } from '../src/md/nose-hoover-integrator.ts';
import { runMd } from '../src/md/run.ts';
import type { Potential } from '../src/potential/types.ts';
import { cloneSystem, type System } from '../src/system/system.ts';
import type { UnitsName } from '../src/util/units.ts';

/** True when `cmd args` runs and exits 0. */
export function haveCommand(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
}

/** Rates per wall second and per CPU second (the second is robust to a loaded machine). */
export interface Timing { stepsPerSecond: number; stepsPerCpuSecond: number; pePerAtom: number; temp: number }

/**
 * Run a LAMMPS input `template` in `dir` with `-var NAME VALUE` for each of
 * `vars`, on np MPI ranks (np = 1: plain `lmp`); the rate is that of
 * "Loop time of X on P procs for S steps", the PE/N and T those of the last
 * thermo row (columns step temp pe ..., `thermo_modify norm no`).
 */
export function runLammps(dir: string, template: string, vars: Record<string, string | number>, np: number): Timing {
  const lmpArgs = ['-in', template, '-log', `log.np${np}`, '-screen', 'none',
    ...Object.entries(vars).flatMap(([k, v]) => ['-var', k, String(v)])];
  const [cmd, args] = np === 1 ? ['lmp', lmpArgs] : ['mpirun', ['--allow-run-as-root', '-np', String(np), 'lmp', ...lmpArgs]];
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`LAMMPS (np=${np}) failed: ${(r.stderr || r.stdout).slice(-2000)}`);
  const log = readFileSync(join(dir, `log.np${np}`), 'utf8');
  const m = /Loop time of ([\d.eE+-]+) on (\d+) procs for (\d+) steps with (\d+) atoms/.exec(log);
  if (!m) throw new Error(`LAMMPS (np=${np}): no "Loop time" line in the log`);
  const rows = log.split('\n').filter((l) => /^\s*\d+\s+[-\d.eE+]+\s+[-\d.eE+]+/.test(l));
  const last = rows.at(-1)!.trim().split(/\s+/).map(Number);
  // "97.9% CPU use with 1 MPI tasks": CPU time per task = loop time x fraction
  const cpu = /([\d.]+)% CPU use with/.exec(log);
  const loop = Number(m[1]);
  const cpuSeconds = loop * (cpu ? Number(cpu[1]) / 100 : 1);
  return { stepsPerSecond: Number(m[3]) / loop, stepsPerCpuSecond: Number(m[3]) / cpuSeconds, pePerAtom: last[2] / Number(m[4]), temp: last[1] };
}

/**
 * glasslab's runMd + Nose-Hoover NVT from a copy of `start`: the loop rate
 * (runMd wallSeconds, which excludes the initial force call, like LAMMPS's
 * loop time) and the CPU rate of this process over the run.
 */
export async function runOurs(start: System, pot: Potential, provider: ForceProviderOptions,
  md: { T: number; Tdamp: number; dt: number; steps: number; units: UnitsName }): Promise<Timing> {
  const p = createForceProvider(pot, provider);
  const sys = cloneSystem(start);
  const c0 = process.cpuUsage();
  const r = await runMd(sys, p, { integrator: nvt({ Tstart: md.T, Tdamp: md.Tdamp }), dt: md.dt, steps: md.steps, thermoEvery: 0, units: md.units });
  const c = process.cpuUsage(c0);
  const last = r.thermo.at(-1)!;
  return { stepsPerSecond: r.stepsDone / r.wallSeconds, stepsPerCpuSecond: r.stepsDone / ((c.user + c.system) / 1e6), pePerAtom: last.PE / sys.n, temp: last.T };
}

/** Least-squares slope of log y against log x. */
export function exponent(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log), ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length, my = ly.reduce((a, b) => a + b) / ly.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < lx.length; i++) { sxy += (lx[i] - mx) * (ly[i] - my); sxx += (lx[i] - mx) ** 2; }
  return sxy / sxx;
}
