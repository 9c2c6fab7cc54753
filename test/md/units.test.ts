import { describe, expect, it } from 'vitest';
import { nve } from '../../src/md/nve.ts';
import { runMd } from '../../src/md/run.ts';
import { LJ_UNITS, METAL_UNITS, getUnits } from '../../src/util/units.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem } from '../../src/system/system.ts';
import { harmonicAnchors } from './fixtures.ts';

describe('units', () => {
  it('holds the LAMMPS constants and names the options on error', () => {
    expect(METAL_UNITS.kB).toBe(8.617333262e-5);
    expect(METAL_UNITS.mvv2e).toBe(1.0364269e-4);
    expect(METAL_UNITS.ftm2v * METAL_UNITS.mvv2e).toBeCloseTo(1, 15);
    expect(LJ_UNITS.kB).toBe(1);
    expect(getUnits('metal')).toBe(METAL_UNITS);
    expect(() => getUnits('real' as never)).toThrow(/unknown units 'real'; use 'lj' or 'metal'/);
  });

  for (const units of [LJ_UNITS, METAL_UNITS]) {
    it(`velocity Verlet in ${units.name} units: harmonic oscillator with omega = sqrt(k ftm2v / m), energy in energy units`, async () => {
      // two atoms on springs to their start sites, one displaced along x (Cu-like mass in metal units)
      const m = units.name === 'metal' ? 63.546 : 2;
      const k = units.name === 'metal' ? 1.5 : 30; // eV/A^2 or eps/sigma^2
      const box = Box.cube(3, 20);
      const anchors = Float64Array.from([5, 5, 5, 12, 12, 12]);
      const x0 = 0.1;
      const sys = createSystem({ box, positions: [5 + x0, 5, 5, 12, 12, 12], masses: [m, m], velocities: [0, 0, 0, 0, 0, 0] });
      const omega = Math.sqrt((k * units.ftm2v) / m);
      const period = (2 * Math.PI) / omega;
      const dt = period / 2000;
      const r = await runMd(sys, harmonicAnchors(anchors, k), { integrator: nve(), dt, steps: 2000 * 3 + 500, units: units.name, thermoEvery: 50 });
      // velocity Verlet on a harmonic well is the Stoermer recursion
      // x_{n+1} - 2 x_n + x_{n-1} = -(omega dt)^2 x_n, solved exactly (v_0 = 0) by
      // x_n = x0 cos(n theta) with cos(theta) = 1 - (omega dt)^2 / 2
      const theta = Math.acos(1 - (omega * dt) ** 2 / 2);
      const nsteps = r.state.step;
      expect(Math.abs(sys.positions[0] - 5 - x0 * Math.cos(nsteps * theta))).toBeLessThan(1e-11);
      // and it is within the O((omega dt)^2) phase error of the exact oscillator
      expect(sys.positions[0] - 5).toBeCloseTo(x0 * Math.cos(omega * r.state.time), 5);
      expect(sys.velocities![0]).toBeCloseTo(-x0 * omega * Math.sin(omega * r.state.time), 4);
      const E = r.thermo.map((row) => row.Etot);
      for (const e of E) expect(Math.abs(e - 0.5 * k * x0 * x0)).toBeLessThan(1e-5 * 0.5 * k * x0 * x0);
    });
  }
});
