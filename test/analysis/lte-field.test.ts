/**
 * LTE softness field: against a literal recomputation (bond midpoints by
 * unwrapped positions, bins by nested loops over (ix, iy) and the 3 x 3
 * neighbourhood); the automatic bin has >= 2 bonds per bin; soft spots are
 * local maxima, sorted, with Delta-epsilon = 1 for the softest.
 */
import { describe, expect, it } from 'vitest';
import { localThermalEnergy } from '../../src/analysis/lte/lte.ts';
import { ltePerParticle, lteSoftnessField } from '../../src/analysis/lte/field.ts';
import { ipl, iplGlass } from './lte-fixtures.ts';

describe('LTE softness field', () => {
  const sys = iplGlass('ipl2d', 200, 4);
  const lte = localThermalEnergy(sys, ipl('ipl2d'));

  it('equals a literal coarse-graining and every bin holds two bonds', () => {
    const f = lteSoftnessField(sys, lte);
    const [nx, ny] = f.shape;
    expect(Math.min(...f.counts)).toBeGreaterThanOrEqual(2);
    expect(f.counts.reduce((a, b) => a + b, 0)).toBe(lte.bonds.count);
    const Lx = sys.box.lengths[0], Ly = sys.box.lengths[1];
    const sums = Array.from({ length: ny }, () => new Array(nx).fill(0)), cnt = Array.from({ length: ny }, () => new Array(nx).fill(0));
    for (let a = 0; a < lte.bonds.count; a++) {
      const j = lte.bonds.j[a];
      let mx = sys.positions[2 * j] + lte.bonds.delta[2 * a] / 2 - sys.box.lo[0], my = sys.positions[2 * j + 1] + lte.bonds.delta[2 * a + 1] / 2 - sys.box.lo[1];
      mx -= Lx * Math.floor(mx / Lx); my -= Ly * Math.floor(my / Ly);
      const ix = Math.min(nx - 1, Math.floor((mx / Lx) * nx)), iy = Math.min(ny - 1, Math.floor((my / Ly) * ny));
      sums[iy][ix] += Math.abs(lte.lte[a]); cnt[iy][ix]++;
    }
    for (let iy = 0; iy < ny; iy++) for (let ix = 0; ix < nx; ix++) {
      let s = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const jy = (iy + dy + ny) % ny, jx = (ix + dx + nx) % nx;
        s += sums[jy][jx] / cnt[jy][jx];
      }
      expect(f.field[iy * nx + ix]).toBeCloseTo(s / 9, 12);
      expect(f.counts[iy * nx + ix]).toBe(cnt[iy][ix]);
    }
  });

  it('soft spots are local maxima with Delta-epsilon >= 1', () => {
    const f = lteSoftnessField(sys, lte, { binSize: 2.5 });
    expect(f.spots.length).toBeGreaterThan(0);
    expect(f.spots[0].deltaEpsilon).toBe(1);
    expect(f.spots[0].softness).toBe(Math.max(...f.field));
    const [nx, ny] = f.shape;
    for (const s of f.spots) {
      expect(s.deltaEpsilon).toBeGreaterThanOrEqual(1);
      const ix = s.bin % nx, iy = Math.floor(s.bin / nx);
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        if (dx === 0 && dy === 0) continue;
        expect(f.field[((iy + dy + ny) % ny) * nx + ((ix + dx + nx) % nx)]).toBeLessThanOrEqual(s.softness);
      }
    }
  });

  it('refuses a bin size that leaves bins with fewer than two bonds', () => {
    expect(() => lteSoftnessField(sys, lte, { binSize: 0.3 })).toThrow(/fewer than two bonds/);
  });

  it('per particle: the mean |E_alpha| over the bonds of each particle (literal: every bond that names it)', () => {
    const p = ltePerParticle(lte);
    expect(p).toHaveLength(sys.n);
    for (let k = 0; k < sys.n; k++) {
      const mine = Array.from(lte.lte).filter((_, a) => lte.bonds.i[a] === k || lte.bonds.j[a] === k).map(Math.abs);
      expect(p[k]).toBeCloseTo(mine.reduce((x, y) => x + y, 0) / mine.length, 12);
    }
  });
});
