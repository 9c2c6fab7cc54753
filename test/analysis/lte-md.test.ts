/**
 * MD validation of the local thermal energy (Zylberg et al. Fig. 2 inset):
 * on a tiny 2D IPL glass (smooth at the cutoff), (<eps_alpha>_T - eps_alpha^(0)) / (T/2)
 * from NVT runs agrees with E_alpha (Eq. 3) within 3 standard errors for the
 * two bonds of largest |E_alpha|, and is distinguishable from the harmonic
 * term alone (so the anharmonic f.X part is confirmed by dynamics, sign included).
 */
import { describe, expect, it } from 'vitest';
import { localThermalEnergy } from '../../src/analysis/lte/lte.ts';
import { lteByDynamics } from '../../src/protocols/lte-validation.ts';
import { ipl, iplGlass } from './lte-fixtures.ts';

describe('local thermal energy by dynamics', () => {
  it('low-T NVT MD reproduces E_alpha within its statistical error', async () => {
    const sys = iplGlass('ipl2d', 24, 11);
    const pot = ipl('ipl2d');
    const res = localThermalEnergy(sys, pot);
    const order = Array.from(res.lte.keys()).sort((a, b) => Math.abs(res.lte[b]) - Math.abs(res.lte[a]));
    const bonds = order.slice(0, 2);
    const md = await lteByDynamics(sys, pot, res, { temperatures: [0.002], bonds, steps: 4000, runs: 24, seed: 3 });
    expect(md.maxDisplacement[0]).toBeLessThan(0.1); // stayed in the basin
    for (let k = 0; k < bonds.length; k++) {
      const E = md.exact[k], m = md.measured[k], err = md.error[k];
      expect(err).toBeGreaterThan(0);
      expect(err).toBeLessThan(0.3 * Math.abs(E));
      expect(Math.abs(m - E)).toBeLessThan(3 * err);
      if (k === 0) expect(Math.abs(m - res.harmonic[bonds[k]])).toBeGreaterThan(2 * err);
    }
  }, 120000);
});
