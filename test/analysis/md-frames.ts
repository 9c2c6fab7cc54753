/**
 * Small Kob-Andersen MD trajectories for the analysis tests (N = 250):
 * `count` frames `every` steps apart from `start` (Nose-Hoover NVT at T,
 * fresh velocities), each a copy of the System (velocities and image flags
 * included). Starts: test/md/fixtures.ts kaStart (liquid-like lattice start)
 * or test/linalg/fixtures.ts kaGlass (an inherent structure).
 */
import { createForceProvider } from '../../src/core/force-provider.ts';
import { nvt } from '../../src/md/nose-hoover-integrator.ts';
import { runMd } from '../../src/md/run.ts';
import type { MdState } from '../../src/md/state.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { cloneSystem, type System } from '../../src/system/system.ts';

export async function kaFrames(start: System, T: number, count: number, every: number, opts: { equilibrate?: number; seed?: number; dt?: number } = {}): Promise<System[]> {
  const provider = createForceProvider(getPotential('ka'), { threads: 1 });
  const integrator = nvt({ Tstart: T, Tdamp: 0.5 });
  const dt = opts.dt ?? 0.005;
  const sys = cloneSystem(start);
  initVelocities(sys, T, opts.seed ?? 5);
  let state: System | MdState = sys;
  state = (await runMd(state, provider, { integrator, dt, steps: opts.equilibrate ?? every })).state;
  const frames: System[] = [cloneSystem(state.sys)];
  for (let k = 1; k < count; k++) {
    state = (await runMd(state, provider, { integrator, dt, steps: every, newRun: true })).state;
    frames.push(cloneSystem(state.sys));
  }
  return frames;
}
