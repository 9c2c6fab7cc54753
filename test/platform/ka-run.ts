/**
 * One KA run, the same code in Node (imported by the tests) and in a
 * browser (bundled by test/platform/browser-md.test.ts): N atoms at
 * rho = 1.2 on a jittered FCC lattice, velocities at T, Nose-Hoover NVT
 * (Tdamp 0.5), dt 0.005 (LJ units), through the library's public pieces.
 * The force provider starts its worker pool asynchronously (what a
 * browser needs before the first synchronous force call); with threads >= 2
 * the pool runs whatever N (threadedMinAtoms 1).
 */
import { createForceProviderAsync } from '../../src/core/force-provider.ts';
import { startWasmForcePool } from '../../src/core/wasm/force-threads.ts';
import { nvt } from '../../src/md/nose-hoover-integrator.ts';
import { runMd } from '../../src/md/run.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';

export interface KaRunOptions {
  n: number;
  steps: number;
  seed: number;
  threads: number;
  /** temperature (LJ units), default 0.8 */
  T?: number;
  /** AbortSignal for the run */
  signal?: AbortSignal;
}

export interface KaRunResult {
  /** temperature and potential energy per atom after the last step (LJ units) */
  T: number;
  pePerAtom: number;
  stepsDone: number;
  aborted: boolean;
  /** wall seconds of the MD loop alone, and steps per second */
  seconds: number;
  stepsPerSecond: number;
  threads: number;
  /** list copies into the wasm pool's shared memory during the run (> 0: the pool computed the forces; 0 with one thread) */
  poolListCopies: number;
}

export async function kaRun(o: KaRunOptions): Promise<KaRunResult> {
  const T = o.T ?? 0.8;
  const sys = randomConfiguration({ n: o.n, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: o.seed });
  initVelocities(sys, T, o.seed + 1);
  const provider = await createForceProviderAsync(getPotential('ka'), { threads: o.threads, threadedMinAtoms: 1 });
  const pool = o.threads >= 2 ? await startWasmForcePool(o.threads) : null;
  if (o.threads >= 2 && !pool) throw new Error(`kaRun: no wasm force pool of ${o.threads} threads here`);
  const copies0 = pool?.listCopies ?? 0;
  const r = await runMd(sys, provider, { integrator: nvt({ Tstart: T, Tdamp: 0.5 }), dt: 0.005, steps: o.steps, ...(o.signal ? { signal: o.signal } : {}) });
  const last = r.thermo.at(-1)!;
  return {
    T: last.T, pePerAtom: last.PE / o.n, stepsDone: r.stepsDone, aborted: r.aborted,
    seconds: r.wallSeconds, stepsPerSecond: r.stepsDone / r.wallSeconds, threads: o.threads,
    poolListCopies: (pool?.listCopies ?? 0) - copies0,
  };
}
