/**
 * DM-VDOS and spectral shape (src/analysis/vdos-dm.ts). On an fcc crystal of
 * KA A particles (N = 256, rho = 1.2: a minimum by symmetry, a harmonic
 * crystal) the dense DM-VDOS has unit area over the 3N - 3 modes, and the
 * MD-VDOS (normalisation 'mass') of exactly harmonic motion built from those
 * modes, each with the same energy k_B T, coincides with it: same
 * distribution over frequency bins, area 3(N - 1) pi k_B T (the harmonic sum
 * rule), and its peaks sit at the crystal's eigenfrequencies. The KPM path
 * agrees with the dense one on the cumulative distribution. The boson peak
 * and reduced VDOS are checked on an analytic spectrum.
 */
import { describe, expect, it } from 'vitest';
import { bosonPeak, dmVdos, reducedVdos, spectrumUnitArea, spectrumUnitMax } from '../../src/analysis/vdos/dynamical-matrix.ts';
import { vdosFromVelocities } from '../../src/analysis/vdos/vdos.ts';
import { spectrumArea } from '../../src/analysis/vdos/spectra.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';

/** fcc lattice of c^3 cells at number density rho, type 1, unit masses */
function fccCrystal(c: number, rho: number): System {
  const a = Math.cbrt(4 / rho);
  const basis = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]];
  const positions: number[] = [];
  for (let x = 0; x < c; x++) for (let y = 0; y < c; y++) for (let z = 0; z < c; z++) for (const b of basis) positions.push((x + b[0]) * a, (y + b[1]) * a, (z + b[2]) * a);
  return createSystem({ box: new Box({ dim: 3, lo: [0, 0, 0], lengths: [c * a, c * a, c * a] }), positions, masses: new Float64Array(positions.length / 3).fill(1) });
}

describe('DM-VDOS against the MD-VDOS of harmonic motion', () => {
  it('coincide bin by bin; the harmonic sum rule holds', async () => {
    const glass = fccCrystal(4, 1.2);
    const pot = getPotential('ka');
    const dm = dmVdos(glass, pot, { method: 'dense', bins: 12, omegaMax: 36 });
    expect(dm.method).toBe('dense');
    expect(dm.frequencies!.length).toBe(3 * 256 - 3);
    expect(dm.density.reduce((s, d) => s + d, 0) * (dm.omega[1] - dm.omega[0])).toBeCloseTo(1, 12);
    expect(Math.min(...dm.frequencies!)).toBeGreaterThan(0);

    // harmonic velocities: q_m(t) = a_m cos(omega_m t + phi_m), a_m omega_m = sqrt(2 kT) (energy kT per mode)
    const modes = dm.modes!;
    const nd = 3 * glass.n, M = modes.count, kT = 0.3, F = 512, dt = 0.05;
    const rnd = mulberry32(8);
    const phase = Float64Array.from({ length: M }, () => 2 * Math.PI * rnd());
    const frames: Float64Array[] = [];
    const qdot = new Float64Array(M);
    for (let t = 0; t < F; t++) {
      for (let m = 0; m < M; m++) qdot[m] = -Math.sqrt(2 * kT) * Math.sin(modes.frequencies[m] * t * dt + phase[m]);
      const v = new Float64Array(nd);
      for (let m = 0; m < M; m++) {
        const a = qdot[m], row = m * nd;
        for (let p = 0; p < nd; p++) v[p] += a * modes.vectors[row + p];
      }
      for (let p = 0; p < nd; p++) v[p] /= Math.sqrt(glass.masses[Math.floor(p / 3)]);
      frames.push(v);
    }
    const md = await vdosFromVelocities(frames, { dim: 3, masses: glass.masses, types: glass.types }, { frameDt: dt, normalization: 'mass', window: 'hann' });
    // harmonic sum rule: area = pi sum_i m_i <v_i^2> = pi * 2 <K> = pi M kT (time average of each mode's 2K is kT)
    expect(spectrumArea(md.total, md.dOmega) / (Math.PI * M * kT)).toBeCloseTo(1, 1);
    // integrate the MD-VDOS over the DM bins and compare the distributions
    const width = dm.omega[1] - dm.omega[0];
    const mdBins = new Float64Array(dm.omega.length);
    md.omega.forEach((w, k) => { const b = Math.floor(w / width); if (b < mdBins.length) mdBins[b] += md.total[k] * md.dOmega; });
    const mdArea = mdBins.reduce((s, x) => s + x, 0);
    // tolerance: the Hann main lobe (half width 4 pi / T = 0.49) leaks weight of modes near a bin edge (bins 3 wide)
    for (let b = 0; b < mdBins.length; b++) expect(Math.abs(mdBins[b] / mdArea - dm.density[b] * width)).toBeLessThan(0.02);
    // the strongest MD peak is at an eigenfrequency of the crystal
    let kmax = 1;
    for (let k = 1; k < md.total.length; k++) if (md.total[k] > md.total[kmax]) kmax = k;
    const nearest = Math.min(...Array.from(modes.frequencies, (w) => Math.abs(w - md.omega[kmax])));
    expect(nearest).toBeLessThan(2 * md.dOmega);

    // KPM on the sparse Hessian: the same cumulative distribution within its resolution
    const kpm = dmVdos(glass, pot, { method: 'kpm', bins: 12, omegaMax: 36, moments: 128, vectors: 8, seed: 1 });
    let cd = 0, ck = 0;
    for (let b = 0; b < 12; b++) {
      cd += dm.density[b] * width;
      ck += kpm.density[b] * width;
      expect(Math.abs(cd - ck)).toBeLessThan(0.06);
    }
  });
});

describe('reduced VDOS and boson peak', () => {
  it('finds the maximum of D / omega^2 of an analytic spectrum', () => {
    const omega = Float64Array.from({ length: 2001 }, (_, k) => k * 0.01);
    const D = omega.map((w) => w ** 3 * Math.exp(-w / 2)); // D / omega^2 = omega e^{-omega/2}: maximum at omega = 2
    const red = reducedVdos(omega, D);
    expect(red[0]).toBeNaN();
    expect(red[300]).toBeCloseTo(3 * Math.exp(-1.5), 12);
    const bp = bosonPeak(omega, D, { smooth: 5 });
    expect(bp.omega).toBeCloseTo(2, 2);
    expect(bp.height).toBeCloseTo(2 * Math.exp(-1), 4);
    expect(() => bosonPeak(omega, D, { omegaMin: 50 })).toThrow(/no frequency/);
    expect(spectrumArea(spectrumUnitArea(omega, D), 0.01)).toBeCloseTo(1, 12);
    expect(Math.max(...spectrumUnitMax(D))).toBe(1);
  });
});
