/**
 * AQS simple shear by LAMMPS (lammpsShearCurve: change_box xy delta + CG
 * per step) against our protocol (aqsShear), up to the first plastic
 * event: a 2D ka-sf glass (shifted force, exact LAMMPS pair style), N = 100
 * at rho = 1.2, strain steps of 1e-3, ftol 1e-10. Measured: the stresses
 * agree to 1.3e-11 at every step, and the first event (stress 1.278 ->
 * 0.820 at strain 0.040) is at the same step in both. We require stresses
 * within 1e-8, energies within 1e-10 relative, the event at the same step,
 * and the same particle with the largest non-affine displacement across it
 * (located on LAMMPS's minima with locatePlasticEvent).
 * (With `ka`, whose force jumps at the cutoff, CG stops in slightly other
 * places at a few steps: 3e-4 in stress; with `ipl2d` the pair table's
 * linear interpolation of forces shifts the curve by ~1e-3.)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locatePlasticEvent } from '../../src/analysis/plastic/plastic-events.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { lammpsAqs, lammpsShearCurve } from '../../src/engine/lammps-shear.ts';
import { readDumpFrames } from '../../src/io/index.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { aqsShear } from '../../src/protocols/aqs.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import type { System } from '../../src/system/system.ts';
import { getUnits } from '../../src/util/units.ts';
import { lammpsOrSkip } from '../lammps/lammps-runner.ts';

const haveLmp = lammpsOrSkip('AQS shear by LAMMPS');
const dir = mkdtempSync(join(tmpdir(), 'glasslab-lmp-shear-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveLmp)('lammpsShearCurve', () => {
  it('gives our stress-strain curve and first plastic event (2D ka-sf glass)', async () => {
    const pot = getPotential('ka-sf');
    const glass = minimize(randomConfiguration({ n: 100, density: 1.2, dim: 2, composition: [0, 0.65, 0.35], typeMasses: [0, 1, 1], seed: 2, jitter: 0.2 }),
      createForceProvider(pot), { ftol: 1e-10 }).system;
    const ours = aqsShear(glass, createForceProvider(pot), { strainStep: 1e-3, maxEvents: 1, maxStrain: 0.045, ftol: 1e-10, solver: 'minimize' });
    expect(ours.events).toHaveLength(1);
    const ev = ours.events[0];
    const lmp = await lammpsShearCurve({ potential: pot, units: getUnits('lj'), start: glass, strainStep: 1e-3, steps: ev.step, ftol: 1e-10 }, {}, dir);
    expect(lmp.steps).toHaveLength(ev.step + 1);
    for (let k = 0; k <= ev.step; k++) {
      const [a, b] = [ours.steps[k], lmp.steps[k]];
      expect(b.strain).toBeCloseTo(a.strain, 12);
      expect(Math.abs(b.stress - a.stress), `stress at step ${k}`).toBeLessThan(1e-8);
      expect(Math.abs(b.energy - a.energy) / Math.abs(a.energy), `energy at step ${k}`).toBeLessThan(1e-10);
    }
    // the drop is in LAMMPS's curve at the same step, and nowhere before it
    const drops = lmp.steps.slice(1).filter((s, k) => lmp.steps[k].stress - s.stress > 0.1).map((s) => s.step);
    expect(drops).toEqual([ev.step]);
    // the same particle moves most across it
    const minima: System[] = [];
    for await (const f of readDumpFrames(lmp.minima, { start: ev.step - 1, stop: ev.step + 1, typeMasses: [0, 1, 1] })) minima.push(f);
    expect(locatePlasticEvent(minima[0], minima[1]).atom).toBe(ev.atom);

    // the whole protocol in batches of 16 steps (the event is in the third batch): the same event record
    const aqs = await lammpsAqs({ potential: pot, units: getUnits('lj'), start: glass, strainStep: 1e-3, maxStrain: 0.045, maxEvents: 1, ftol: 1e-10, batch: 16 }, {}, join(dir, 'aqs'));
    expect(aqs.stopReason).toBe('events');
    expect(aqs.steps).toHaveLength(ev.step + 1);
    expect(aqs.events).toHaveLength(1);
    // the drop was sheared back by LAMMPS (the reversibility check) and did not return
    expect(existsSync(join(dir, 'aqs', `back-${ev.step}`, 'minima.dump'))).toBe(true);
    expect(aqs.reversibleDrops).toEqual([]);
    const e = aqs.events[0];
    expect([e.step, e.atomId]).toEqual([ev.step, ev.atomId]);
    expect(e.strainAfter).toBeCloseTo(ev.strainAfter, 12);
    expect(Math.abs(e.stressBefore - ev.stressBefore)).toBeLessThan(1e-8);
    expect(Math.abs(e.stressAfter - ev.stressAfter)).toBeLessThan(1e-8);
    expect(Array.from(e.position)).toEqual(Array.from(ev.position).map((x, k) => expect.closeTo(x, 8) as unknown as number));
  }, 60_000);
});
