/**
 * The shared interrupt flag (src/platform/interrupt.ts): another thread sets
 * it while the library runs a long loop that never returns to the event
 * loop, and the loop stops at its next poll.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { InterruptFlag, interruptFlag, setInterruptFlag, stopRequested } from '../../src/platform/index.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { kaRun } from './ka-run.ts';

/** A thread that sleeps `ms`, sets the flag and writes the time it did (performance.timeOrigin + now, ms) into `when`. */
function raiseAfter(flag: InterruptFlag, when: Float64Array, ms: number): Worker {
  return new Worker(`
    const { workerData: d } = require('node:worker_threads');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, d.ms);
    new Float64Array(d.when)[0] = performance.timeOrigin + performance.now();
    Atomics.store(new Int32Array(d.flag), 0, 1);
  `, { eval: true, workerData: { flag: flag.buffer, when: when.buffer, ms } });
}

describe('platform: the shared interrupt flag', () => {
  afterEach(() => setInterruptFlag(null));

  it('is polled with the AbortSignal, and clears', () => {
    expect(stopRequested()).toBe(false);
    const flag = setInterruptFlag(new SharedArrayBuffer(4))!;
    expect(interruptFlag()).toBe(flag);
    expect(stopRequested()).toBe(false);
    expect(stopRequested(AbortSignal.abort())).toBe(true);
    flag.request();
    expect(stopRequested()).toBe(true);
    flag.clear();
    expect(stopRequested()).toBe(false);
    expect(() => new InterruptFlag(new ArrayBuffer(2))).toThrow(/needs 4/);
  });

  it('set by another thread, with no AbortSignal, stops a long MD run within a few hundred ms', async () => {
    const flag = setInterruptFlag(new InterruptFlag())!;
    const when = new Float64Array(new SharedArrayBuffer(8));
    // 200 ms after start: the run (1,000,000 steps of N = 256) is far from done
    const w = raiseAfter(flag, when, 200);
    const r = await kaRun({ n: 256, steps: 1_000_000, seed: 3, threads: 1 });
    const lag = performance.timeOrigin + performance.now() - when[0];
    await w.terminate();
    expect(r.aborted).toBe(true);
    expect(r.stepsDone).toBeGreaterThan(0);
    expect(r.stepsDone).toBeLessThan(1_000_000);
    expect(when[0]).toBeGreaterThan(0);
    expect(lag).toBeLessThan(300);
    // the flag stays set until cleared: the next run stops at once, then runs after clear()
    expect((await kaRun({ n: 256, steps: 10, seed: 3, threads: 1 })).stepsDone).toBe(0);
    flag.clear();
    expect((await kaRun({ n: 256, steps: 10, seed: 3, threads: 1 })).stepsDone).toBe(10);
  });

  it('stops the synchronous minimiser between iterations', () => {
    const flag = setInterruptFlag(new InterruptFlag())!;
    const sys = randomConfiguration({ n: 256, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 5, jitter: 0.2 });
    flag.request();
    const r = minimize(sys, createForceProvider(getPotential('ka')), { ftol: 1e-10 });
    expect(r.aborted).toBe(true);
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(0);
  });
});
