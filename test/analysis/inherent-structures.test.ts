import { beforeAll, describe, expect, it } from 'vitest';
import { inherentEnergyHops, inherentStructureFigures, trackInherentStructures, type InherentStructureTrack } from '../../src/protocols/inherent-structures.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { cloneSystem, type System } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';
import { kaGlass } from '../linalg/fixtures.ts';
import { kaFrames } from './md-frames.ts';

describe('inherentEnergyHops (n_hop of Fan et al. 2022)', () => {
  it('equals a literal loop over adjacent inherent states on random data', () => {
    const rnd = mulberry32(9);
    const frames = 7, n = 5;
    const E = Float64Array.from({ length: frames * n }, () => rnd() * 4 - 6);
    const got = inherentEnergyHops(E, frames, n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 1; t < frames; t++) s += Math.abs(E[t * n + i] - E[(t - 1) * n + i]);
      expect(got[i]).toBeCloseTo(s, 12);
    }
  });

  it('is zero without basin changes and counts a hand-made sequence', () => {
    expect([...inherentEnergyHops(Float64Array.of(-5, -5, -5), 3, 1)]).toEqual([0]);
    // energies of one atom: -5, -4.5, -5, -5.25 -> 0.5 + 0.5 + 0.25
    expect(inherentEnergyHops(Float64Array.of(-5, -4.5, -5, -5.25), 4, 1)[0]).toBeCloseTo(1.25, 14);
    expect(() => inherentEnergyHops(new Float64Array(5), 2, 3)).toThrow(/expected frames \* n/);
  });
});

describe('trackInherentStructures', () => {
  const provider = createForceProvider(getPotential('ka'), { threads: 1 });
  let frames: System[];
  let track: InherentStructureTrack;
  const progress: number[] = [];

  beforeAll(async () => {
    frames = await kaFrames(kaGlass(250, 2), 0.3, 3, 50);
    track = await trackInherentStructures(frames, provider, { ftol: 1e-8, onProgress: (p) => progress.push(p.done) });
  }, 60_000);

  it('minimises every frame below ftol, to an energy below the frame energy', () => {
    expect(track.frames).toBe(3);
    expect(progress).toEqual([1, 2, 3]);
    for (let k = 0; k < 3; k++) {
      expect(track.maxForce[k]).toBeLessThan(1e-8);
      expect(track.converged[k]).toBe(true);
      expect(track.energy[k]).toBeLessThan(track.frameEnergy[k]);
      let s = 0;
      for (let i = 0; i < track.n; i++) s += track.peratomEnergy[k * track.n + i];
      expect(s).toBeCloseTo(track.energy[k], 8);
    }
  });

  it('n_hop, d/d_NN and d_NN follow their definitions', () => {
    const { n } = track;
    expect(track.nHop).toEqual(inherentEnergyHops(track.peratomEnergy, 3, n));
    expect(track.dNN).toBeGreaterThan(0.8);
    expect(track.dNN).toBeLessThan(1.0);
    for (let i = 0; i < n; i++) { expect(track.displacement[i]).toBe(0); expect(track.stepDisplacement[i]).toBe(0); }
    // frame 1: displacement from IS 0 equals the step displacement
    for (let i = 0; i < n; i++) expect(track.displacement[n + i]).toBeCloseTo(track.stepDisplacement[n + i], 12);
    const figs = inherentStructureFigures(track, [0, 7], { frameDt: 0.25 });
    expect(figs.displacement.data).toHaveLength(2);
    expect(figs.energy.data[1].y).toEqual([0, 1, 2].map((k) => track.peratomEnergy[k * n + 7]));
    expect(figs.energy.data[1].x).toEqual([0, 0.25, 0.5]);
  });

  it('matches atoms by id when a frame stores them in another order', async () => {
    const shuffled = frames.map((f, k) => {
      if (k !== 1) return f;
      const n = f.n, perm = [...Array(n).keys()].reverse();
      const g = cloneSystem(f);
      for (let j = 0; j < n; j++) {
        const i = perm[j];
        g.ids[j] = f.ids[i]; g.types[j] = f.types[i]; g.masses[j] = f.masses[i];
        for (let c = 0; c < 3; c++) {
          g.positions[j * 3 + c] = f.positions[i * 3 + c];
          g.velocities![j * 3 + c] = f.velocities![i * 3 + c];
          g.images![j * 3 + c] = f.images![i * 3 + c];
        }
      }
      return g;
    });
    const t2 = await trackInherentStructures(shuffled.slice(0, 2), provider, { ftol: 1e-8, dNN: track.dNN });
    for (let q = 0; q < 2 * track.n; q++) {
      expect(t2.peratomEnergy[q]).toBeCloseTo(track.peratomEnergy[q], 6);
      expect(t2.displacement[q]).toBeCloseTo(track.displacement[q], 5);
    }
  }, 30_000);

  it('rejects bad input with a clear message', async () => {
    await expect(trackInherentStructures([], provider)).rejects.toThrow(/empty/);
    await expect(trackInherentStructures(frames, provider, { dNN: -1 })).rejects.toThrow(/dNN/);
  });
});
