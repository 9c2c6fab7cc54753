/**
 * A cooling ramp produces a Kob-Andersen glass (issue: "a cooling ramp
 * produces a KA glass"). KA A80B20, N = 250, rho = 1.2, melted at T = 1.2,
 * cooled linearly from T = 0.8 to 0.3 over 30 tau (NVT, dt = 0.005), then
 * compared with the same liquid kept at T = 0.8:
 *   - caging: the A-particle mean squared displacement over 20 tau stays near
 *     the cage plateau (< 0.1 sigma^2; measured 0.065) in the glass, while
 *     the liquid at T = 0.8 diffuses (measured 0.59 sigma^2, growing linearly
 *     in t: 0.30 after 10 tau) in the same time;
 *   - the landscape: the inherent-structure energy per atom of the glass is
 *     clearly below that of the liquid (KA: about -7.6 vs -7.5 eps).
 */
import { describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { nvt } from '../../src/md/nose-hoover-integrator.ts';
import { runMd } from '../../src/md/run.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { cloneSystem, unwrappedPositions, type System } from '../../src/system/system.ts';
import { kaStart } from './fixtures.ts';

const DT = 0.005;

/** Mean squared displacement of type-1 atoms between two unwrapped snapshots. */
function msdA(sys: System, before: Float64Array, after: Float64Array): number {
  let sum = 0, count = 0;
  for (let i = 0; i < sys.n; i++) {
    if (sys.types[i] !== 1) continue;
    for (let k = 0; k < 3; k++) sum += (after[3 * i + k] - before[3 * i + k]) ** 2;
    count++;
  }
  return sum / count;
}

async function msdOver(sys: System, T: number, steps: number): Promise<number> {
  const p = createForceProvider(getPotential('ka'));
  const start = unwrappedPositions(sys);
  await runMd(sys, p, { integrator: nvt({ Tstart: T, Tdamp: 0.5 }), dt: DT, steps });
  return msdA(sys, start, unwrappedPositions(sys));
}

describe('cooling ramp', () => {
  it('turns the KA liquid into a caged glass with a deeper inherent structure', async () => {
    const ka = getPotential('ka');
    const p = createForceProvider(ka);
    const liquid = kaStart(1.2, 7);
    await runMd(liquid, p, { integrator: nvt({ Tstart: 1.2, Tdamp: 0.5 }), dt: DT, steps: 3000 });

    const glass = cloneSystem(liquid);
    const ramp = await runMd(glass, createForceProvider(ka), {
      integrator: nvt({ Tstart: 0.8, Tstop: 0.3, Tdamp: 0.5 }), dt: DT, steps: 6000, thermoEvery: 100,
    });
    // the thermostat follows the ramp: over the last 10 rows (steps 5100-6000) the target goes from 0.375 to 0.3
    const lastRows = ramp.thermo.slice(-10);
    const Tend = lastRows.reduce((a, r) => a + r.T, 0) / lastRows.length;
    const target = lastRows.reduce((a, r) => a + 0.8 + (0.3 - 0.8) * (r.step - ramp.thermo[0].step) / 6000, 0) / lastRows.length;
    expect(Math.abs(Tend - target)).toBeLessThan(0.03);

    const hot = cloneSystem(liquid);
    await runMd(hot, createForceProvider(ka), { integrator: nvt({ Tstart: 0.8, Tdamp: 0.5 }), dt: DT, steps: 1000 });

    const msdGlass = await msdOver(glass, 0.3, 4000);
    const msdLiquid = await msdOver(hot, 0.8, 4000);
    expect(msdGlass).toBeLessThan(0.1);
    expect(msdLiquid).toBeGreaterThan(0.4);
    expect(msdLiquid).toBeGreaterThan(5 * msdGlass);

    const isGlass = minimize(glass, createForceProvider(ka), { method: 'fire+cg', ftol: 1e-8 });
    const isLiquid = minimize(hot, createForceProvider(ka), { method: 'fire+cg', ftol: 1e-8 });
    expect(isGlass.converged && isLiquid.converged).toBe(true);
    const eGlass = isGlass.energy / glass.n, eLiquid = isLiquid.energy / hot.n;
    expect(eGlass).toBeLessThan(eLiquid - 0.03);
    expect(eGlass).toBeLessThan(-7.5);
  });
});
