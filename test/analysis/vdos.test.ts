/**
 * Per-atom VDOS and softness (src/analysis/vdos.ts) against the literal
 * formulas of Fan et al. PRB 105, 104112 (2022) on random data:
 *   C_i(t_m) = sum_{t0=0}^{F-1-m} v(t0+m).v(t0) / sum_{t0} v(t0).v(t0),
 *   D_i(omega) = 2 int_0 C_i cos(omega t) dt = dt [C(0) + 2 sum_{m>=1} C(m) cos(omega t_m)],
 *   S(i) = sum_{omega in band} D_i / sum_j D_j,
 * with every normalisation and with a window; the sum over atoms equals the
 * total and the per-type spectra; the sum rule int_0^Nyquist D_i = pi C_i(0);
 * a harmonic ring and analytic oscillators peak at their known frequencies;
 * the dump streaming path (in memory and through the temporary transposed
 * file) equals the in-memory API.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vdosFromDump, vdosFromVelocities, vdosGroupSpectrum, vdosSoftness, type MdVdosResult } from '../../src/analysis/vdos/vdos.ts';
import { spectrumArea, type VdosNormalization, type VdosWindow } from '../../src/analysis/vdos/spectra.ts';
import { DumpWriter } from '../../src/io/lammps-dump.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';

const dir = mkdtempSync(join(tmpdir(), 'glasslab-vdos-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomVelocities(n: number, F: number, dim: number, seed: number): Float64Array[] {
  const rnd = mulberry32(seed);
  // a little correlation in time so the spectra are not flat
  const frames: Float64Array[] = [];
  let prev = Float64Array.from({ length: n * dim }, () => rnd() - 0.5);
  for (let t = 0; t < F; t++) {
    const v = prev.map((x) => 0.7 * x + (rnd() - 0.5));
    frames.push(v);
    prev = v;
  }
  return frames;
}

/** literal taper (symmetric window, power preserving) */
function literalTaper(window: VdosWindow, F: number): number[] {
  const w = Array.from({ length: F }, (_, n) => {
    const x = (2 * Math.PI * n) / (F - 1);
    return window === 'hann' ? 0.5 - 0.5 * Math.cos(x) : window === 'blackman' ? 0.42 - 0.5 * Math.cos(x) + 0.08 * Math.cos(2 * x) : 1;
  });
  const rms = Math.sqrt(w.reduce((s, x) => s + x * x, 0) / F);
  return w.map((x) => x / rms);
}

/** the paper's C_i(t) then the cosine transform, in the time domain */
function literalAtomVdos(frames: Float64Array[], i: number, dim: number, dt: number, omega: ArrayLike<number>,
  norm: VdosNormalization, mass: number, window: VdosWindow): Float64Array {
  const F = frames.length, w = literalTaper(window, F);
  const u = (t: number, c: number) => w[t] * frames[t][i * dim + c];
  const R = new Float64Array(F);
  for (let m = 0; m < F; m++) {
    for (let t0 = 0; t0 + m < F; t0++) for (let c = 0; c < dim; c++) R[m] += u(t0 + m, c) * u(t0, c);
  }
  const denom = norm === 'atom' ? R[0] : F / (norm === 'mass' ? mass : 1);
  const D = new Float64Array(omega.length);
  for (let k = 0; k < omega.length; k++) {
    let s = R[0] / denom;
    for (let m = 1; m < F; m++) s += (2 * R[m] / denom) * Math.cos(omega[k] * m * dt);
    D[k] = dt * s;
  }
  return D;
}

function atomRow(r: MdVdosResult, i: number): Float64Array {
  const K = r.keptBins.length;
  return r.kept.slice(i * K, (i + 1) * K);
}

describe('per-atom VDOS against the literal formula', () => {
  const n = 5, F = 37, dim = 3, dt = 0.05;
  const frames = randomVelocities(n, F, dim, 7);
  const types = [1, 2, 1, 2, 1], masses = [1, 0.5, 2, 1.5, 1];

  for (const normalization of ['atom', 'none', 'mass'] as const) {
    for (const window of ['none', 'hann'] as const) {
      for (const pad of [1, 2, 3]) {
        it(`normalization ${normalization}, window ${window}, pad ${pad}`, async () => {
          const r = await vdosFromVelocities(frames, { dim, types, masses }, { frameDt: dt, normalization, window, pad, keepBelow: Infinity });
          expect(r.paddedLength).toBe(pad === 1 ? 64 : pad === 2 ? 128 : 128);
          expect(r.keptBins.length).toBe(r.omega.length);
          expect(r.omega[1]).toBeCloseTo((2 * Math.PI) / (r.paddedLength * dt), 14);
          const sum = new Float64Array(r.omega.length);
          const byType = [new Float64Array(r.omega.length), new Float64Array(r.omega.length), new Float64Array(r.omega.length)];
          for (let i = 0; i < n; i++) {
            const ref = literalAtomVdos(frames, i, dim, dt, r.omega, normalization, masses[i], window);
            const got = atomRow(r, i);
            const scale = Math.max(...ref);
            for (let k = 0; k < ref.length; k++) expect(Math.abs(got[k] - ref[k]) / scale).toBeLessThan(1e-12);
            for (let k = 0; k < ref.length; k++) {
              sum[k] += got[k];
              byType[types[i]][k] += got[k];
            }
          }
          for (let k = 0; k < sum.length; k++) {
            expect(r.total[k]).toBeCloseTo(sum[k], 12);
            expect(r.byType[0].spectrum[k]).toBeCloseTo(byType[1][k], 12);
            expect(r.byType[1].spectrum[k]).toBeCloseTo(byType[2][k], 12);
          }
        });
      }
    }
  }

  it('sum rule: int_0^Nyquist D_i = pi C_i(0) for each normalisation and window', async () => {
    for (const window of ['none', 'blackman'] as const) {
      const atom = await vdosFromVelocities(frames, { dim, types, masses }, { frameDt: dt, window, keepBelow: Infinity });
      const none = await vdosFromVelocities(frames, { dim, types, masses }, { frameDt: dt, window, normalization: 'none', keepBelow: Infinity });
      const mass = await vdosFromVelocities(frames, { dim, types, masses }, { frameDt: dt, window, normalization: 'mass', keepBelow: Infinity });
      const taper = literalTaper(window, F);
      for (let i = 0; i < n; i++) {
        let v2 = 0;
        for (let t = 0; t < F; t++) for (let c = 0; c < dim; c++) v2 += (taper[t] * frames[t][i * dim + c]) ** 2;
        v2 /= F;
        expect(spectrumArea(atomRow(atom, i), atom.dOmega)).toBeCloseTo(Math.PI, 12);
        expect(spectrumArea(atomRow(none, i), none.dOmega) / (Math.PI * v2)).toBeCloseTo(1, 12);
        expect(spectrumArea(atomRow(mass, i), mass.dOmega) / (Math.PI * masses[i] * v2)).toBeCloseTo(1, 12);
      }
      expect(spectrumArea(atom.total, atom.dOmega)).toBeCloseTo(n * Math.PI, 11);
    }
  });

  it('coarse per-atom spectra are bin means of D_i; a group spectrum is their mean over the group', async () => {
    const r = await vdosFromVelocities(frames, { dim }, { frameDt: dt, keepBelow: Infinity, atomSpectra: { bins: 8, max: 40 } });
    expect(r.atomSpectra.width).toBe(5);
    for (let i = 0; i < n; i++) {
      const row = atomRow(r, i);
      for (let b = 0; b < 8; b++) {
        const inBin = Array.from(r.omega.keys()).filter((k) => Math.floor(r.omega[k] / 5) === b);
        const ref = inBin.reduce((s, k) => s + row[k], 0) / inBin.length;
        expect(r.atomSpectra.values[i * 8 + b]).toBeCloseTo(ref, 5);
      }
    }
    const g = vdosGroupSpectrum(r, [1, 3]);
    for (let b = 0; b < 8; b++) expect(g.density[b]).toBeCloseTo((r.atomSpectra.values[8 + b] + r.atomSpectra.values[24 + b]) / 2, 6);
    expect(() => vdosGroupSpectrum(r, [n])).toThrow(/outside/);
  });

  it('cyclic units rescale the grid by 1/2pi and the density by 2pi, areas unchanged', async () => {
    const a = await vdosFromVelocities(frames, { dim }, { frameDt: dt, keepBelow: Infinity });
    const c = await vdosFromVelocities(frames, { dim }, { frameDt: dt, units: 'cyclic', keepBelow: Infinity });
    for (let k = 0; k < a.omega.length; k++) {
      expect(c.omega[k]).toBeCloseTo(a.omega[k] / (2 * Math.PI), 13);
      expect(c.total[k]).toBeCloseTo(a.total[k] * 2 * Math.PI, 10);
    }
    expect(spectrumArea(c.total, c.dOmega)).toBeCloseTo(n * Math.PI, 10);
  });
});

describe('softness', () => {
  const n = 6, F = 64, dim = 3, dt = 0.1;
  const frames = randomVelocities(n, F, dim, 11);

  it('equals the literal sum over the band of D_i / sum_j D_j, raw and scaled by the mean', async () => {
    const bands = [[0, 3], [5, 12.5]] as const;
    const r = await vdosFromVelocities(frames, { dim }, { frameDt: dt, bands: bands.map((b) => [b[0], b[1]] as const), keepBelow: Infinity });
    const D = Array.from({ length: n }, (_, i) => literalAtomVdos(frames, i, dim, dt, r.omega, 'atom', 1, 'none'));
    bands.forEach(([lo, hi], b) => {
      const ref = new Float64Array(n);
      let bins = 0;
      for (let k = 0; k < r.omega.length; k++) {
        if (r.omega[k] < lo || r.omega[k] >= hi) continue;
        bins++;
        const tot = D.reduce((s, d) => s + d[k], 0);
        for (let i = 0; i < n; i++) ref[i] += D[i][k] / tot;
      }
      for (let i = 0; i < n; i++) expect(r.softness[b][i]).toBeCloseTo(ref[i], 12);
      // sum_i S(i) = number of grid bins in the band
      expect(r.softness[b].reduce((s, x) => s + x, 0)).toBeCloseTo(bins, 10);
      const scaled = vdosSoftness(r, [lo, hi], { scale: 'mean' });
      expect(scaled.reduce((s, x) => s + x, 0) / n).toBeCloseTo(1, 12);
      for (let i = 0; i < n; i++) expect(scaled[i]).toBeCloseTo((ref[i] * n) / bins, 10);
    });
  });

  it('refuses bands that were not kept, empty or reversed', async () => {
    const r = await vdosFromVelocities(frames, { dim }, { frameDt: dt, bands: [[0, 1]] });
    expect(() => vdosSoftness(r, [2, 3])).toThrow(/was not kept.*bands option/);
    expect(() => vdosSoftness(r, [1, 0.5])).toThrow(/0 <= lo < hi/);
    await expect(vdosFromVelocities(frames, { dim }, { frameDt: dt, bands: [[-1, 1]] })).rejects.toThrow(/0 <= lo < hi/);
    await expect(vdosFromVelocities(frames, { dim }, { frameDt: 0 })).rejects.toThrow(/frameDt/);
  });
});

describe('harmonic systems peak at their known frequencies', () => {
  it('analytic oscillators: each atom peaks at its own omega, the total at all of them', async () => {
    const omegas = [3, 7, 11.8], F = 2048, dt = 0.02;
    const frames = Array.from({ length: F }, (_, t) => Float64Array.from({ length: 9 }, (_, p) => {
      const i = Math.floor(p / 3), c = p % 3;
      return (1 + c) * omegas[i] * Math.cos(omegas[i] * t * dt + 0.3 * c + i);
    }));
    const r = await vdosFromVelocities(frames, { dim: 3 }, { frameDt: dt, keepBelow: Infinity, pad: 4 });
    omegas.forEach((w, i) => {
      const row = atomRow(r, i);
      const kmax = row.indexOf(Math.max(...row));
      expect(Math.abs(r.omega[kmax] - w)).toBeLessThanOrEqual(r.dOmega);
    });
  });

  it('harmonic ring of 8 unit masses and unit springs: peaks at 2 sin(pi q / 8)', async () => {
    const N = 8, h = 0.01, stride = 10, F = 4096, dt = h * stride;
    // the same energy in every standing wave q = 1..4 (q = 0, the translation, is at rest)
    const x = Float64Array.from({ length: N }, (_, i) => [1, 2, 3, 4].reduce((s, q) => s + Math.cos((2 * Math.PI * q * i) / N + q) / Math.sin((Math.PI * q) / N), 0));
    const v = new Float64Array(N), a = new Float64Array(N);
    const force = () => { for (let i = 0; i < N; i++) a[i] = x[(i + 1) % N] + x[(i + N - 1) % N] - 2 * x[i]; };
    force();
    const frames: Float64Array[] = [];
    for (let t = 0; t < F; t++) {
      frames.push(v.slice());
      for (let s = 0; s < stride; s++) {
        for (let i = 0; i < N; i++) { v[i] += 0.5 * h * a[i]; x[i] += h * v[i]; }
        force();
        for (let i = 0; i < N; i++) v[i] += 0.5 * h * a[i];
      }
    }
    const r = await vdosFromVelocities(frames, { dim: 1 }, { frameDt: dt, window: 'hann' });
    const expected = [1, 2, 3, 4].map((q) => 2 * Math.sin((Math.PI * q) / N));
    // local maxima of the total VDOS above 5% of its largest value
    const peak = Math.max(...r.total);
    const found: number[] = [];
    for (let k = 1; k < r.omega.length - 1; k++) {
      if (r.total[k] > 0.05 * peak && r.total[k] >= r.total[k - 1] && r.total[k] >= r.total[k + 1]) found.push(r.omega[k]);
    }
    expect(found.length).toBe(expected.length);
    // velocity Verlet shifts frequencies by O(h^2 omega^3 / 24)
    found.forEach((w, q) => expect(Math.abs(w - expected[q])).toBeLessThanOrEqual(1.5 * r.dOmega));
  });
});

describe('streaming from a LAMMPS dump', () => {
  const n = 7, F = 51, dim = 3, dt = 0.01; // with memoryBudget 700: chunks of 2 frames (the last partial), blocks of 1 atom
  const frames = randomVelocities(n, F, dim, 21);
  const types = [1, 1, 2, 1, 2, 1, 1];
  const box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [5, 5, 5] });

  async function writeFrames(name: string, withVelocities: boolean): Promise<string> {
    const path = join(dir, name);
    const w = new DumpWriter(path, { velocities: withVelocities });
    for (let t = 0; t < F; t++) {
      const sys = createSystem({ box, positions: new Float64Array(n * dim).fill(1), types, ids: [3, 1, 2, 7, 5, 4, 6], velocities: frames[t] });
      await w.write(sys, 100 * t);
    }
    await w.close();
    return path;
  }

  it('equals the in-memory API (in memory and through the temporary file), atoms sorted by id', async () => {
    const path = await writeFrames('v.dump', true);
    const order = [1, 2, 0, 5, 4, 6, 3]; // dump atoms sorted by id: ids 1..7 are input indices 1,2,0,5,4,6,3
    const sorted = frames.map((f) => Float64Array.from({ length: n * dim }, (_, p) => f[order[Math.floor(p / dim)] * dim + (p % dim)]));
    const ref = await vdosFromVelocities(sorted, { dim, types: order.map((i) => types[i]) }, { frameDt: dt, bands: [[0, 100]], keepBelow: Infinity });
    const tmp = mkdtempSync(join(dir, 'spill-'));
    const progress: string[] = [];
    for (const memoryBudget of [undefined, 700]) {
      const r = await vdosFromDump(path, { frameDt: dt, bands: [[0, 100]], keepBelow: Infinity, memoryBudget, tmpDir: tmp, onProgress: (s) => progress.push(s) });
      expect(Array.from(r.ids)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(Array.from(r.types)).toEqual(order.map((i) => types[i]));
      for (let k = 0; k < r.total.length; k++) expect(Math.abs(r.total[k] - ref.total[k]) / Math.max(...ref.total)).toBeLessThan(1e-6);
      for (let i = 0; i < n; i++) expect(Math.abs(r.softness[0][i] - ref.softness[0][i]) / ref.softness[0][i]).toBeLessThan(1e-6);
      expect(readdirSync(tmp)).toEqual([]);
    }
    expect(progress).toContain('read');
    expect(progress).toContain('spectra');
  });

  it('names the file and the missing columns when the dump has no velocities', async () => {
    const path = await writeFrames('novel.dump', false);
    await expect(vdosFromDump(path, { frameDt: dt })).rejects.toThrow(/novel\.dump: the dump has no velocity columns vx, vy, vz \(columns: id type xu yu zu\)/);
    expect(existsSync(path)).toBe(true);
  });
});
