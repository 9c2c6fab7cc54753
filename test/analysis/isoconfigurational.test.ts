import { describe, expect, it } from 'vitest';
import { isoconfigurationalEnsemble } from '../../src/protocols/isoconfigurational.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { nvt } from '../../src/md/nose-hoover-integrator.ts';
import { runMd } from '../../src/md/run.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { cloneSystem, unwrappedPositions } from '../../src/system/system.ts';
import { kaStart } from '../md/fixtures.ts';

describe('isoconfigurationalEnsemble', () => {
  const provider = createForceProvider(getPotential('ka'), { threads: 1 });
  const start = kaStart(0.8, 3);
  const T = 0.8, dt = 0.005, dNN = 0.15;
  const integrator = nvt({ Tstart: T, Tdamp: 0.5 });
  const opts = { runs: 3, temperature: T, dt, steps: [15, 30], dNN, integrator, seed: 42 };

  it('probabilities are in [0, 1], multiples of 1/M, deterministic with the seed, and equal a literal run loop', async () => {
    const fractions: number[] = [];
    const a = await isoconfigurationalEnsemble(start, provider, { ...opts, onProgress: (p) => fractions.push(p.fraction) });
    const b = await isoconfigurationalEnsemble(start, provider, opts);
    expect(a.probability).toEqual(b.probability);
    expect(a.propensity).toEqual(b.propensity);
    expect([...a.times]).toEqual([15 * dt, 30 * dt]);
    let some = 0;
    for (const p of a.probability) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
      expect(Math.abs(p * 3 - Math.round(p * 3))).toBeLessThan(1e-12);
      if (p > 0 && p < 1) some++;
    }
    expect(some).toBeGreaterThan(0);
    expect(fractions.at(-1)).toBeCloseTo(1, 12);

    // literal: M independent 30-step runs with velocities from seed + m
    const n = start.n, last = new Float64Array(n), msd = new Float64Array(n);
    const r0 = unwrappedPositions(start);
    for (let m = 0; m < 3; m++) {
      const sys = cloneSystem(start);
      initVelocities(sys, T, 42 + m);
      const s1 = await runMd(sys, provider, { integrator, dt, steps: 15 });
      const s2 = await runMd(s1.state, provider, { integrator, dt, steps: 15, newRun: true });
      const r = unwrappedPositions(s2.state.sys);
      for (let i = 0; i < n; i++) {
        let d2 = 0;
        for (let c = 0; c < 3; c++) d2 += (r[i * 3 + c] - r0[i * 3 + c]) ** 2;
        if (Math.sqrt(d2) > dNN) last[i] += 1 / 3;
        msd[i] += d2 / 3;
      }
    }
    for (let i = 0; i < n; i++) {
      expect(a.probability[n + i]).toBeCloseTo(last[i], 12);
      expect(a.propensity[n + i]).toBeCloseTo(msd[i], 12);
    }
    // the start is not modified
    expect(start.velocities).toEqual(kaStart(0.8, 3).velocities);
  }, 30_000);

  it('another seed gives another ensemble; bad options are named', async () => {
    const a = await isoconfigurationalEnsemble(start, provider, { ...opts, steps: [15], seed: 1 });
    const b = await isoconfigurationalEnsemble(start, provider, { ...opts, steps: [15], seed: 2 });
    expect(a.propensity).not.toEqual(b.propensity);
    await expect(isoconfigurationalEnsemble(start, provider, { ...opts, steps: [20, 10] })).rejects.toThrow(/increasing/);
    await expect(isoconfigurationalEnsemble(start, provider, { ...opts, runs: 0 })).rejects.toThrow(/runs/);
  }, 30_000);
});
