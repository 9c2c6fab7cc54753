import { describe, expect, it } from 'vitest';
import { Box } from '../../src/system/box.ts';
import { createSystem } from '../../src/system/system.ts';
import {
  degreesOfFreedom, initVelocities, kineticEnergy, kineticTensor, temperature, totalMomentum,
} from '../../src/md/velocities.ts';
import { METAL_UNITS } from '../../src/util/units.ts';

function gas(n: number, dim: 2 | 3, masses?: number[]) {
  const pos = new Float64Array(n * dim);
  const types = Int32Array.from({ length: n }, (_, i) => (i % 2) + 1);
  return createSystem({ box: Box.cube(dim, 10), positions: pos, types, typeMasses: masses ?? [0, 1, 1] });
}

describe('initVelocities', () => {
  it('is reproducible for a seed and different for another seed', () => {
    const a = gas(50, 3), b = gas(50, 3), c = gas(50, 3);
    initVelocities(a, 1.3, 11); initVelocities(b, 1.3, 11); initVelocities(c, 1.3, 12);
    expect(Array.from(b.velocities!)).toEqual(Array.from(a.velocities!));
    expect(Array.from(c.velocities!)).not.toEqual(Array.from(a.velocities!));
  });

  it('gives zero total momentum and exactly T with d(N-1) degrees of freedom (2D and 3D, mixed masses)', () => {
    for (const dim of [2, 3] as const) {
      const s = gas(101, dim, [0, 1, 2.5]);
      initVelocities(s, 0.44, 3);
      expect(degreesOfFreedom(s)).toBe(dim * 100);
      const p = totalMomentum(s);
      for (const pk of p) expect(Math.abs(pk)).toBeLessThan(1e-13);
      expect(temperature(s)).toBeCloseTo(0.44, 13);
      // literal: T = sum m v^2 / (d (N-1))
      let mv2 = 0;
      for (let i = 0; i < s.n; i++) for (let k = 0; k < dim; k++) mv2 += s.masses[i] * s.velocities![i * dim + k] ** 2;
      expect(mv2 / (dim * (s.n - 1))).toBeCloseTo(0.44, 13);
    }
  });

  it('is Maxwellian: <m v_k^2> = kT per component for each mass (equipartition)', () => {
    const s = gas(20000, 3, [0, 1, 4]);
    initVelocities(s, 2, 5);
    const acc = [0, 0, 0], cnt = [0, 0, 0];
    let v4 = 0, v2 = 0;
    for (let i = 0; i < s.n; i++) {
      const t = s.types[i];
      for (let k = 0; k < 3; k++) {
        const v = s.velocities![i * 3 + k];
        acc[t] += s.masses[i] * v * v; cnt[t]++;
        if (t === 1) { v2 += v * v; v4 += v ** 4; }
      }
    }
    // kT = 2 for each mass (relative s.e. sqrt(2/30000) = 0.8 %)
    expect(acc[1] / cnt[1]).toBeCloseTo(2, 1);
    expect(acc[2] / cnt[2]).toBeCloseTo(2, 1);
    // Gaussian kurtosis <v^4>/<v^2>^2 = 3
    const n1 = cnt[1];
    expect(Math.abs((v4 / n1) / (v2 / n1) ** 2 - 3)).toBeLessThan(0.1);
  });

  it('uses kB and mvv2e in metal units (T in K, v in A/ps, m in g/mol)', () => {
    const s = gas(200, 3, [0, 63.546, 91.224]);
    initVelocities(s, 300, 9, 'metal');
    expect(temperature(s, 'metal')).toBeCloseTo(300, 9);
    // K = 3/2 (N-1) kB T in eV
    expect(kineticEnergy(s, 'metal')).toBeCloseTo(1.5 * 199 * METAL_UNITS.kB * 300, 10);
    // Cu at 300 K: sqrt(kB T / m) = sqrt(0.025852 eV / 63.546 g/mol) = 1.98 A/ps per component
    const sd = Math.sqrt((METAL_UNITS.kB * 300) / (METAL_UNITS.mvv2e * 63.546));
    expect(sd).toBeCloseTo(1.981, 2);
  });

  it('kinetic tensor has trace 2K and the layout of the virial', () => {
    const s = gas(30, 3);
    initVelocities(s, 1, 1);
    const t = kineticTensor(s);
    expect(t.length).toBe(6);
    expect(t[0] + t[1] + t[2]).toBeCloseTo(2 * kineticEnergy(s), 12);
    let xy = 0;
    for (let i = 0; i < s.n; i++) xy += s.masses[i] * s.velocities![3 * i] * s.velocities![3 * i + 1];
    expect(t[3]).toBeCloseTo(xy, 12);
    const s2 = gas(30, 2);
    initVelocities(s2, 1, 1);
    expect(kineticTensor(s2).length).toBe(3);
  });

  it('handles T = 0 and rejects bad input with clear errors', () => {
    const s = gas(10, 3);
    initVelocities(s, 0, 1);
    expect(s.velocities!.every((v) => v === 0)).toBe(true);
    expect(() => initVelocities(s, -1, 1)).toThrow(/temperature must be finite and >= 0/);
    expect(() => initVelocities(gas(1, 3), 1, 1)).toThrow(/at least 2 atoms/);
    expect(() => temperature(gas(10, 3))).toThrow(/initVelocities/);
  });
});
