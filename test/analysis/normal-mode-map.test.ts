import { describe, expect, it } from 'vitest';
import { normalModeBondMap } from '../../src/analysis/lte/normal-mode-map.ts';
import { localThermalEnergy } from '../../src/analysis/lte/lte.ts';
import { assembleHessian } from '../../src/core/hessian.ts';
import { allModes } from '../../src/linalg/index.ts';
import { normalModeAnalysis } from '../../src/analysis/vdos/normal-modes.ts';
import { ipl, iplGlass } from './lte-fixtures.ts';

describe('normalModeBondMap', () => {
  it('is sum_j |Psi_i^(j)|^2 over the lowest non-zero modes, averaged over each bond (dense reference)', () => {
    const sys = iplGlass('ipl2d', 64, 5), pot = ipl('ipl2d');
    const lte = localThermalEnergy(sys, pot);
    const m = normalModeBondMap(sys, pot, lte.bonds, { count: 6 });
    // reference: every mode of the dense Hessian (translations projected out); sum the lowest 6
    const all = allModes(assembleHessian(sys, pot));
    const p = new Float64Array(sys.n);
    for (let k = 0; k < 6; k++) for (let i = 0; i < sys.n; i++) p[i] += all.vectors[k * 2 * sys.n + 2 * i] ** 2 + all.vectors[k * 2 * sys.n + 2 * i + 1] ** 2;
    m.perParticle.forEach((v, i) => expect(v).toBeCloseTo(p[i], 6));
    const a = 17;
    expect(m.bondValues[a]).toBeCloseTo(0.5 * (p[lte.bonds.i[a]] + p[lte.bonds.j[a]]), 6);
    expect(m.bondValues).toHaveLength(lte.bonds.count);
  });

  it('takes the participation of normalModeAnalysis (the same modes) instead of computing it', () => {
    const sys = iplGlass('ipl2d', 64, 5), pot = ipl('ipl2d');
    const lte = localThermalEnergy(sys, pot);
    const own = normalModeBondMap(sys, pot, lte.bonds, { count: 6 });
    const given = normalModeBondMap(sys, pot, lte.bonds, { participation: normalModeAnalysis(sys, pot, { count: 6 }).participation });
    given.bondValues.forEach((v, a) => expect(v).toBeCloseTo(own.bondValues[a], 9));
    expect(() => normalModeBondMap(sys, pot, lte.bonds, { participation: new Float64Array(3) })).toThrow(/participation has 3 values for 64 particles/);
  });
});
