import { describe, expect, it } from 'vitest';
import { describePotential, getPotential, modelDefaults, potentialNames } from '../../src/potential/registry.ts';

describe('potential registry', () => {
  it('lists the models, each with a one-line description', () => {
    expect(potentialNames().sort()).toEqual(['cuzr', 'eam', 'ipl2d', 'ipl3d', 'ka', 'ka-sf']);
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

  it('builds eam from --potential FILE and --elements, with one-line errors', () => {
    const cu = '/usr/share/lammps/potentials/Cu_mishin1.eam.alloy';
    const p = getPotential('eam', { potentialPath: cu, elements: ['Cu'] });
    expect([p.name, p.kind, p.units, p.ntypes, p.typeMasses[1]]).toEqual(['eam', 'eam', 'metal', 1, 63.55]);
    const two = getPotential('eam', { potentialPath: cu, elements: ['Cu', 'Cu'] });
    expect(two.ntypes).toBe(2);
    const cz = getPotential('eam', { potentialPath: '/usr/share/lammps/potentials/CuZr_mm.eam.fs', elements: ['Zr', 'Cu'] });
    expect(cz.kind === 'eam' && cz.elements).toEqual(['', 'Zr', 'Cu']);
    const oneLine = (f: () => unknown, re: RegExp) => {
      expect(f).toThrow(re);
      try { f(); } catch (e) { expect((e as Error).message).not.toMatch(/\n/); }
    };
    oneLine(() => getPotential('eam', { elements: ['Cu'] }), /model 'eam' needs --potential FILE/);
    oneLine(() => getPotential('eam', { potentialPath: cu }), /model 'eam' needs --elements/);
    oneLine(() => getPotential('eam', { potentialPath: cu, elements: [] }), /model 'eam' needs --elements/);
    oneLine(() => getPotential('eam', { potentialPath: cu, elements: ['Cu', ''] }), /--elements: type 2 has no element name/);
    oneLine(() => getPotential('eam', { potentialPath: cu, elements: ['Cu', 'Zr'] }), /element 'Zr' \(type 2\) is not in the file; it has Cu/);
    oneLine(() => getPotential('eam', { potentialPath: '/usr/share/lammps/potentials', elements: ['Cu'] }), /is a folder; give the setfl file itself/);
    oneLine(() => getPotential('eam', { potentialPath: '/nonexistent.eam.alloy', elements: ['Cu'] }), /potential file not found at --potential \/nonexistent/);
  });

  it('records the glass-making state of every model but the generic eam', () => {
    expect(Object.keys(modelDefaults).sort()).toEqual(potentialNames().filter((n) => n !== 'eam').sort());
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
