import { describe, expect, it } from 'vitest';
import { describePotential, getPotential, modelDefaults, potentialNames } from '../../src/potential/registry.ts';

describe('potential registry', () => {
  it('lists the models, each with a one-line description', () => {
    expect(potentialNames().sort()).toEqual(['cuzr', 'ipl2d', 'ipl3d', 'ka', 'ka-sf']);
    for (const n of potentialNames()) {
      const d = describePotential(n);
      expect(d.length).toBeGreaterThan(20);
      expect(d).not.toMatch(/\n/);
    }
  });

  it.each([
    ['ka', 'pair', 'lj', 2.5],
    ['ka-sf', 'pair', 'lj', 2.5],
    ['ipl2d', 'pair', 'lj', 1.48 * 1.4],
    ['ipl3d', 'pair', 'lj', 1.48 * 1.4],
    ['cuzr', 'eam', 'metal', 7.6],
  ] as const)('builds %s (%s, %s units, max cutoff %f)', (name, kind, units, rc) => {
    const p = getPotential(name);
    expect(p.name).toBe(name);
    expect(p.kind).toBe(kind);
    expect(p.units).toBe(units);
    expect(p.ntypes).toBe(2);
    expect(p.maxCutoff).toBeCloseTo(rc, 12);
  });

  it('gives the IPL models their dimension', () => {
    const p2 = getPotential('ipl2d'), p3 = getPotential('ipl3d');
    expect(p2.kind === 'pair' && p2.dim).toBe(2);
    expect(p3.kind === 'pair' && p3.dim).toBe(3);
  });

  it('names the known potentials when asked for an unknown one', () => {
    expect(() => getPotential('lj')).toThrow(/unknown potential 'lj'; known potentials:\n {2}ka: .*\n {2}ka-sf: .*\n {2}ipl2d: .*\n {2}ipl3d: .*\n {2}cuzr: /);
    expect(() => getPotential('toString')).toThrow(/unknown potential 'toString'/);
  });

  it('passes --potential through to the file search', () => {
    expect(() => getPotential('cuzr', { potentialPath: '/nonexistent/dir/CuZr.eam.fs' })).toThrow(/not found at --potential \/nonexistent/);
    const p = getPotential('cuzr', { potentialPath: '/usr/share/lammps/potentials' });
    expect(p.kind === 'eam' && p.elements).toEqual(['', 'Cu', 'Zr']);
  });

  it('records the glass-making state of every model', () => {
    expect(Object.keys(modelDefaults).sort()).toEqual(potentialNames().sort());
    expect(modelDefaults.ka).toMatchObject({ dim: 3, numberDensity: 1.2, composition: [0, 0.8, 0.2] });
    expect(modelDefaults['ka-sf']).toBe(modelDefaults.ka);
    expect(modelDefaults.ipl2d.dim).toBe(2);
    expect(modelDefaults.cuzr.composition).toEqual([0, 0.5, 0.5]);
    for (const d of Object.values(modelDefaults)) {
      expect(d.composition.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
      expect(d.source.length).toBeGreaterThan(10);
    }
  });
});
