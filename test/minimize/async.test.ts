/**
 * The {init, step} form of the minimisers and of AQS shear, and their async
 * drivers (src/minimize/minimize.ts, src/protocols/aqs.ts):
 * - minimizeAsync and aqsShearAsync give results bit-identical to minimize
 *   and aqsShear (the same init/step), also when yielding after every step;
 * - an AbortSignal fired from the event loop (which the synchronous path
 *   cannot see) stops them cleanly with a result that says so and holds a
 *   consistent configuration;
 * - progress reports the largest force on its way to ftol.
 */
import { describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { maxAtomForce } from '../../src/minimize/common.ts';
import { minimize, minimizeAsync, minimizeInit, minimizeStep, type MinimizeResult } from '../../src/minimize/minimize.ts';
import { aqsShear, aqsShearAsync } from '../../src/protocols/aqs.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { ipl2dGlass } from '../analysis/shear-fixtures.ts';

const provider = createForceProvider(getPotential('ipl2d'));
/** an unrelaxed 2D IPL configuration of 100 atoms */
const start = randomConfiguration({ n: 100, density: 0.86, dim: 2, composition: [0, 0.5, 0.5], typeMasses: [0, 1, 1], seed: 11, jitter: 0.2 });

function expectSame(a: MinimizeResult, b: MinimizeResult): void {
  expect(b.system.positions).toEqual(a.system.positions);
  expect(b.system.images).toEqual(a.system.images);
  expect(b.forces).toEqual(a.forces);
  expect(b.energy).toBe(a.energy);
  expect(b.maxForce).toBe(a.maxForce);
  expect([b.iterations, b.forceCalls, b.converged, b.aborted, b.reason]).toEqual([a.iterations, a.forceCalls, a.converged, a.aborted, a.reason]);
  expect(b.stages).toEqual(a.stages);
}

/** A signal aborted by the event loop: only code that yields can see it. */
function abortSoon(): AbortSignal {
  const ac = new AbortController();
  setImmediate(() => ac.abort());
  return ac.signal;
}

describe('minimizeAsync', () => {
  for (const method of ['fire', 'cg', 'fire+cg'] as const) {
    it(`${method}: bit-identical to minimize, also yielding after every iteration`, async () => {
      const sync = minimize(start, provider, { method });
      expect(sync.converged).toBe(true);
      expect(sync.aborted).toBe(false);
      expectSame(sync, await minimizeAsync(start, provider, { method }));
      expectSame(sync, await minimizeAsync(start, provider, { method, yieldEveryMs: 0 }));
      // the explicit-state form, driven by hand
      const st = minimizeInit(start, provider, { method });
      let steps = 0;
      while (!minimizeStep(st, provider)) steps++;
      expect(steps).toBeGreaterThan(0);
      expectSame(sync, st.result!);
    });
  }

  it('a budget spent in the middle of a stage gives the same result too', async () => {
    const sync = minimize(start, provider, { method: 'cg', maxIter: 17 });
    expect(sync.converged).toBe(false);
    expect(sync.iterations).toBe(17);
    expectSame(sync, await minimizeAsync(start, provider, { method: 'cg', maxIter: 17, yieldEveryMs: 0 }));
  });

  it('stops on an abort from the event loop with a consistent, interrupted result', async () => {
    const full = minimize(start, provider, {});
    const r = await minimizeAsync(start, provider, { signal: abortSoon(), yieldEveryMs: 0 });
    expect(r.aborted).toBe(true);
    expect(r.converged).toBe(false);
    expect(r.reason).toBe('aborted');
    expect(r.iterations).toBeGreaterThan(0);
    expect(r.iterations).toBeLessThan(full.iterations);
    const fresh = createForceProvider(getPotential('ipl2d')).compute(r.system);
    expect(fresh.energy).toBe(r.energy);
    expect(maxAtomForce(fresh.forces, 2)).toBe(r.maxForce);
    // the synchronous path never sees that abort: it runs to the end
    const sync = minimize(start, provider, { signal: abortSoon() });
    expect(sync.aborted).toBe(false);
    expect(sync.converged).toBe(true);
  });

  it('reports the largest force on its way down to ftol', async () => {
    const seen: number[] = [];
    await minimizeAsync(start, provider, { method: 'fire', ftol: 1e-9, progressEvery: 10, onProgress: (p) => { expect(p.ftol).toBe(1e-9); seen.push(p.maxForce); } });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.at(-1)!).toBeLessThan(seen[0]);
  });
});

describe('aqsShearAsync', () => {
  const glass = ipl2dGlass(64, 3);
  const opts = { strainStep: 1e-3, maxEvents: 1 } as const;

  it('is bit-identical to aqsShear, also yielding after every strain step', async () => {
    const sync = aqsShear(glass, provider, opts);
    expect(sync.events).toHaveLength(1);
    for (const yieldEveryMs of [50, 0]) {
      const r = await aqsShearAsync(glass, provider, { ...opts, yieldEveryMs });
      expect(r.steps).toEqual(sync.steps);
      expect(r.final.positions).toEqual(sync.final.positions);
      expect(r.events.map((e) => [e.step, e.atomId, e.stressBefore, e.stressAfter, e.energyDrop]))
        .toEqual(sync.events.map((e) => [e.step, e.atomId, e.stressBefore, e.stressAfter, e.energyDrop]));
      expect([r.stopReason, r.iterations, r.flips]).toEqual([sync.stopReason, sync.iterations, sync.flips]);
    }
  });

  it('stops between strain steps on an abort from the event loop', async () => {
    const sync = aqsShear(glass, provider, opts);
    const onStep: number[] = [];
    const r = await aqsShearAsync(glass, provider, { ...opts, yieldEveryMs: 0, signal: abortSoon(), onStep: (s) => onStep.push(s.step) });
    expect(r.stopReason).toBe('aborted');
    expect(r.steps.length).toBeLessThan(sync.steps.length);
    expect(r.steps.map((s) => s.step)).toEqual(onStep);
    // the steps it did are those of the uninterrupted run
    expect(r.steps).toEqual(sync.steps.slice(0, r.steps.length));
  });
});
