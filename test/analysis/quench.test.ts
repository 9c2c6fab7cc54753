/**
 * quenchGlass (src/protocols/quench.ts) on a small Cu50Zr50 (Mendelev EAM,
 * `cuzr`), N = 256, melted 0.6 ps at 2000 K and quenched at 1000 K/ps (1e15
 * K/s) with a 0.2 ps hold at 700 K (Tdamp 0.05 ps, so that the thermostat
 * keeps up with so fast a ramp): the stages come in order, the target
 * ramps at the set rate and the thermostat follows it, the glass is a
 * minimum (a fresh force evaluation of the returned System is below ftol),
 * its density lies in a broad physical band around the Mendelev Cu50Zr50
 * glass (7.0-7.4 g/cm^3 at this size and rate; crystal-like or blown-up
 * boxes fall outside), and the first trough of its total g(r) is near Wei et
 * al.'s 3.9 A. An AbortSignal stops it cleanly; bad options are named.
 * (~10-20 s on a loaded 2-core machine.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { maxAtomForce } from '../../src/minimize/common.ts';
import { getPotential, modelDefaults } from '../../src/potential/registry.ts';
import { GRAMS_PER_CM3, quenchGlass, type QuenchResult } from '../../src/protocols/quench.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';

const pot = getPotential('cuzr');
// N = 256 is a 16.5 A box: the default skin 1 A would not fit cutoff + skin below half of it
const provider = () => createForceProvider(pot, { skin: 0.5 });
const start = () => randomConfiguration({
  n: 256, density: modelDefaults.cuzr.numberDensity, dim: 3, composition: modelDefaults.cuzr.composition, typeMasses: pot.typeMasses, seed: 3,
});
const OPTS = { tHigh: 2000, tLow: 1, rate: 1000, equilibrateTime: 0.6, anneal: { temp: 700, time: 0.2 }, sampleEvery: 25, ftol: 1e-6, tdamp: 0.05 };

let r: QuenchResult;
const stages: string[] = [];
beforeAll(async () => {
  r = await quenchGlass(start(), provider(), { ...OPTS, onProgress: (p) => { if (stages.at(-1) !== p.stage) stages.push(p.stage); } });
}, 120000);

describe('quenchGlass', () => {
  it('runs melt, quench, anneal, quench, minimize in order, with the planned steps', () => {
    expect(r.aborted).toBe(false);
    const names = [...new Set(r.table().rows.map((row) => row[0]))];
    expect(names).toEqual(['melt', 'quench', 'anneal']);
    expect(stages[0]).toBe('melt');
    expect(stages.at(-1)).toBe('minimize');
    // 0.6 ps + 1300 K + 0.2 ps + 699 K at 1000 K/ps, dt 2 fs: whole steps, 699 K in 349 (349.5 rounded)
    expect(r.mdSteps).toBe(300 + 650 + 100 + 349);
    expect(r.step[r.step.length - 1]).toBe(r.mdSteps);
  });

  it('ramps the target at the set rate, and the temperature follows it', () => {
    const rows = r.table().rows;
    for (let k = 1; k < rows.length; k++) {
      if (rows[k][0] !== 'quench' || rows[k - 1][0] !== 'quench') continue;
      const dT = (rows[k - 1][4] as number) - (rows[k][4] as number), dt = (rows[k][2] as number) - (rows[k - 1][2] as number);
      // the ramps take whole steps: 1300 K in 650 steps, 699 K in 349
      expect(dT / dt).toBeCloseTo(rows[k - 1][4] as number > 700 ? 1000 : 699 / 0.698, 6);
    }
    const anneal = rows.filter((row) => row[0] === 'anneal');
    expect(anneal.every((row) => row[4] === 700)).toBe(true);
    const mean = anneal.reduce((a, row) => a + (row[3] as number), 0) / anneal.length;
    expect(Math.abs(mean - 700)).toBeLessThan(100);
    expect(r.target[r.target.length - 1]).toBeCloseTo(1, 9);
    expect(r.temp[r.temp.length - 1]).toBeLessThan(150);
  });

  it('ends in a minimum of a glass of physical density whose first g(r) trough is near the paper', () => {
    expect(r.converged).toBe(true);
    const sys = r.system;
    const fresh = maxAtomForce(createForceProvider(pot, { skin: 0 }).compute(sys).forces, 3);
    expect(fresh).toBeLessThan(1e-6);
    expect(fresh).toBeCloseTo(r.maxForce, 12);
    let mass = 0;
    for (const m of sys.masses) mass += m;
    expect(r.finalDensity).toBeCloseTo((GRAMS_PER_CM3 * mass) / sys.box.volume, 12);
    expect(r.finalDensity).toBeGreaterThan(6.8);
    expect(r.finalDensity).toBeLessThan(7.6);
    // the liquid at 2000 K is less dense than the glass
    expect(r.density[5]).toBeLessThan(r.finalDensity - 0.2);
    expect(r.troughs.length).toBeGreaterThanOrEqual(1);
    expect(Math.abs(r.troughs[0] - 3.9)).toBeLessThan(0.4);
    expect(r.isEnergy / r.n).toBeLessThan(-4.8);
    expect(r.summary()).toMatch(/total g\(r\) troughs: 3\.\d\d/);
  });

  it("drives every cell component in the quench by default (the paper's 'tri'; the melt stays iso)", () => {
    expect(r.barostat).toBe('tri');
    const b = r.system.box;
    // a cubic start keeps equal edges and no tilt under iso; tri lets the stress tensor shape the cell
    expect(Math.max(...b.lengths) - Math.min(...b.lengths)).toBeGreaterThan(1e-6);
    expect(Math.abs(b.xy) + Math.abs(b.xz) + Math.abs(b.yz)).toBeGreaterThan(1e-6);
  });

  it('stops cleanly on an AbortSignal, with the history up to there and no minimisation', async () => {
    const ctl = new AbortController();
    let seen = 0;
    const s = await quenchGlass(start(), provider(), {
      ...OPTS, sampleEvery: 10, signal: ctl.signal,
      onProgress: () => { if (++seen === 1) ctl.abort(); },
    });
    expect(s.aborted).toBe(true);
    expect(s.mdSteps).toBeLessThan(1399);
    expect(s.iterations).toBe(0);
    expect(Number.isNaN(s.isEnergy)).toBe(true);
    expect(s.troughs.length).toBe(0);
    expect(s.table().rows.length).toBeGreaterThan(0);
    expect(s.summary()).toMatch(/\(stopped\)/);
  }, 60000);

  it('names a bad option', async () => {
    const go = (o: object) => quenchGlass(start(), provider(), { ...OPTS, ...o });
    await expect(go({ tLow: 2500 })).rejects.toThrow(/option 'tLow' \(2500 K\) must be below 'tHigh'/);
    await expect(go({ rate: 0 })).rejects.toThrow(/option 'rate' must be a positive/);
    await expect(go({ anneal: { temp: 3000, time: 1 } })).rejects.toThrow(/option 'anneal.temp'/);
    await expect(go({ barostat: 'diagonal' })).rejects.toThrow(/option 'barostat' must be 'iso', 'aniso' or 'tri'/);
  });
});
