/**
 * The generic `eam` model on LAMMPS eam/alloy files: the setfl reader's
 * alloy layout (one density per element), the layout from the name or the
 * content, Mishin's Cu (Cu_mishin1.eam.alloy): cohesive energy, forces and
 * Hessian against finite differences, NVE energy conservation. Per-atom
 * agreement with LAMMPS is in
 * test/lammps/forces.test.ts and test/potential/lammps-agreement.test.ts.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleHessian, toDense } from '../../src/core/hessian.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { EamFsPotential, parseFsFile, parseSetfl, setflFormat } from '../../src/potential/eam-fs.ts';
import { nve } from '../../src/md/nve.ts';
import { runMd } from '../../src/md/run.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { getPotential } from '../../src/potential/registry.ts';
import type { Potential } from '../../src/potential/types.ts';
import { cloneSystem, type System } from '../../src/system/system.ts';
import { cuFcc, CU_MISHIN } from '../lammps/configs.ts';
import { syntheticFsText } from './helpers.ts';

const out = new Float64Array(4), ref = new Float64Array(4);

describe('setfl reader: eam/alloy layout', () => {
  const alloyText = syntheticFsText('alloy'), fsText = syntheticFsText('fs');
  const alloy = parseSetfl('AB.eam.alloy', alloyText);
  const fs = parseFsFile('AB.eam.fs', fsText);

  it('reads one density per element, shared by every receiving element', () => {
    expect(alloy.format).toBe('alloy');
    expect(alloy.elements).toEqual(['A', 'B']);
    for (const i of [0, 1]) {
      expect(alloy.rhor[i][1]).toBe(alloy.rhor[i][0]);
      expect([...alloy.rhor[i][0]]).toEqual([...fs.rhor[i][0]]);
      expect([...alloy.frho[i]]).toEqual([...fs.frho[i]]);
    }
    expect([...alloy.z2r[1][0]]).toEqual([...fs.z2r[1][0]]);
  });

  it('the evaluator gives rho_{b -> a} = rho_b for every a, equal to the fs file\'s block rho_{b, A}', () => {
    const pa = new EamFsPotential(alloy), pf = new EamFsPotential(fs);
    expect(pa.name).toBe('eam/alloy');
    for (const [a, b] of [[1, 1], [2, 1], [1, 2], [2, 2]]) {
      for (const r of [0.5, 1.7, 3.3, 5.2]) {
        pa.density(a, b, r, out);
        pf.density(1, b, r, ref);
        expect([...out]).toEqual([...ref]);
      }
    }
  });

  it('takes the layout from the name, else from the content', () => {
    expect(setflFormat('x.eam.alloy', fsText)).toBe('alloy');
    expect(setflFormat('x.eam.fs', alloyText)).toBe('fs');
    expect(setflFormat('x.setfl', alloyText)).toBe('alloy');
    expect(setflFormat('x.setfl', fsText)).toBe('fs');
    expect(parseSetfl('x.setfl', fsText).rhor[0][1]).not.toBe(parseSetfl('x.setfl', fsText).rhor[0][0]);
  });

  it('reports a file of the other layout with file name and line', () => {
    // an alloy file read as fs: the next element's header line where a density value should be
    expect(() => parseSetfl('AB.eam.fs', alloyText)).toThrow(/^AB\.eam\.fs:507: 'fcc' is not a number \(density of A at B/);
  });
});

/** Finite-difference checks on jiggled fcc Cu with a vacancy, 4 x 4 x 4 cells (L = 14.46 A > 2 rc = 11.01 A). */
describe.skipIf(!existsSync(CU_MISHIN))('eam with Cu_mishin1.eam.alloy', () => {
  const pot = getPotential('eam', { potentialPath: CU_MISHIN, elements: ['Cu'] });
  const energyForces = (sys: System, p: Potential = pot) => createForceProvider(p, { skin: 0 }).compute(sys);

  it('cohesive energy of perfect fcc Cu at a0 = 3.6149 A is -3.5402 eV/atom', () => {
    const sys = cuFcc(4);
    const r = energyForces(sys);
    expect(r.energy / sys.n).toBeCloseTo(-3.5402, 4);
    let fmax = 0;
    for (const f of r.forces) fmax = Math.max(fmax, Math.abs(f));
    expect(fmax).toBeLessThan(1e-10);
  });

  it('forces equal central differences of the energy (vacancy, jiggled)', () => {
    const sys = cuFcc(4, { vacancy: true, jiggle: 0.05, seed: 7 });
    const f = energyForces(sys).forces;
    const h = 1e-6;
    let diff = 0, scale = 0;
    for (const k of [0, 1, 2, 3 * 17 + 1, 3 * 100 + 2, 3 * 200]) {
      const s = cloneSystem(sys);
      const x0 = s.positions[k];
      s.positions[k] = x0 + h; const ep = energyForces(s).energy;
      s.positions[k] = x0 - h; const em = energyForces(s).energy;
      diff = Math.max(diff, Math.abs(-(ep - em) / (2 * h) - f[k]));
      scale = Math.max(scale, Math.abs(f[k]));
    }
    expect(scale).toBeGreaterThan(0.01);
    expect(diff).toBeLessThan(1e-6 * scale + 1e-9);
  });

  it('Hessian columns equal central differences of the forces; symmetric', () => {
    const sys = cuFcc(4, { vacancy: true, jiggle: 0.05, seed: 5 });
    const H = assembleHessian(sys, pot);
    const A = toDense(H), nd = 3 * sys.n;
    const h = 1e-6; // the splines' second derivative jumps at the knots (dr = 9e-4 A): keep h well below
    let diff = 0, scale = 0;
    for (const k of [0, 1, 2, 40, 121, 200, 700]) {
      const s = cloneSystem(sys);
      const x0 = s.positions[k];
      s.positions[k] = x0 + h; const fp = energyForces(s).forces;
      s.positions[k] = x0 - h; const fm = energyForces(s).forces;
      for (let q = 0; q < nd; q++) {
        const c = -(fp[q] - fm[q]) / (2 * h);
        diff = Math.max(diff, Math.abs(A[q * nd + k] - c));
        scale = Math.max(scale, Math.abs(c));
      }
    }
    expect(scale).toBeGreaterThan(0.1);
    expect(diff).toBeLessThan(1e-6 * scale);
    let asym = 0, amax = 0;
    for (let p = 0; p < nd; p++) for (let q = 0; q < p; q++) {
      asym = Math.max(asym, Math.abs(A[p * nd + q] - A[q * nd + p]));
      amax = Math.max(amax, Math.abs(A[p * nd + q]));
    }
    expect(asym).toBeLessThan(1e-12 * amax);
  });

  it('a short NVE run conserves energy (600 K, dt = 1 fs, 1 ps)', async () => {
    const sys = cuFcc(4, { vacancy: true, jiggle: 0.05, seed: 9 });
    initVelocities(sys, 600, 9, 'metal');
    const r = await runMd(sys, createForceProvider(pot), { integrator: nve(), dt: 0.001, steps: 1000, thermoEvery: 10, units: 'metal' });
    const E = r.thermo.map((row) => row.Etot);
    const drift = Math.max(...E.map((e) => Math.abs(e - E[0]))) / sys.n;
    // measured 1.6e-5 eV/atom; the lattice shares the kinetic energy: T settles near 300 K
    expect(drift).toBeLessThan(5e-5);
    expect(r.thermo.at(-1)!.T).toBeGreaterThan(200);
    expect(r.thermo.at(-1)!.T).toBeLessThan(450);
  });
});
