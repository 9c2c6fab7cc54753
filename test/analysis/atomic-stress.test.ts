import { beforeAll, describe, expect, it } from 'vitest';
import { atomicStress } from '../../src/analysis/structure/atomic-stress.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { kineticTensor } from '../../src/md/velocities.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { DPHI, type PairPotential } from '../../src/potential/types.ts';
import { cloneSystem, type System } from '../../src/system/system.ts';
import { kaStart } from '../md/fixtures.ts';
import { kaFrames } from './md-frames.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DumpWriter } from '../../src/io/lammps-dump.ts';
import { Trajectory } from '../../src/io/trajectory.ts';

/** Literal LAMMPS stress/atom trace: -(1/d)[m v^2 + sum_j 1/2 r_ij . F_ij] / (V/N), O(N^2) over minimum images. */
function literalAtomicStress(sys: System, pot: PairPotential, kinetic: boolean): Float64Array {
  const n = sys.n, x = sys.positions, out = new Float64Array(n), buf = new Float64Array(4), dr = new Float64Array(3);
  const vAtom = sys.box.volume / n;
  for (let i = 0; i < n; i++) {
    let tr = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      for (let c = 0; c < 3; c++) dr[c] = x[i * 3 + c] - x[j * 3 + c];
      sys.box.minimumImage(dr);
      const r = Math.hypot(dr[0], dr[1], dr[2]);
      if (r >= pot.cutoff(sys.types[i], sys.types[j])) continue;
      pot.radial(sys.types[i], sys.types[j], r, buf);
      tr += 0.5 * -r * buf[DPHI]; // r_ij . F_ij = -r phi'(r)
    }
    if (kinetic) for (let c = 0; c < 3; c++) tr += sys.masses[i] * sys.velocities![i * 3 + c] ** 2;
    out[i] = -tr / 3 / vAtom;
  }
  return out;
}

describe('atomicStress', () => {
  const pot = getPotential('ka') as PairPotential;
  const provider = createForceProvider(pot, { threads: 1 });
  let frames: System[];
  beforeAll(async () => { frames = await kaFrames(kaStart(0.8, 2), 0.8, 3, 20); }, 30_000);

  it('equals the literal per-atom formula, time-averaged', async () => {
    const r = await atomicStress(frames, provider);
    expect(r.includeKinetic).toBe(true);
    expect(r.frames).toBe(3);
    const lit = new Float64Array(r.n);
    for (const f of frames) literalAtomicStress(f, pot, true).forEach((s, i) => { lit[i] += s / frames.length; });
    for (let i = 0; i < r.n; i++) expect(r.stress[i]).toBeCloseTo(lit[i], 9);
  });

  it('sums to minus the global virial pressure of the force provider (sum rule)', async () => {
    const r = await atomicStress(frames, provider);
    let pMean = 0;
    frames.forEach((f, k) => {
      const F = provider.compute(f);
      const K = kineticTensor(f);
      const P = (K[0] + K[1] + K[2] + F.virial[0] + F.virial[1] + F.virial[2]) / (3 * f.box.volume);
      expect(r.pressure[k]).toBeCloseTo(P, 10);
      pMean += P / frames.length;
    });
    let s = 0;
    for (let i = 0; i < r.n; i++) s += r.stress[i];
    expect(s / r.n).toBeCloseTo(-pMean, 10);
    // without the kinetic term: minus the virial part only
    const pot0 = await atomicStress(frames, provider, { includeKinetic: false });
    const f0 = provider.compute(frames[0]);
    const one = await atomicStress([frames[0]], provider, { includeKinetic: false, volumePerAtom: 'none' });
    let s0 = 0;
    for (let i = 0; i < r.n; i++) s0 += one.stress[i];
    expect(s0).toBeCloseTo(-(f0.virial[0] + f0.virial[1] + f0.virial[2]) / 3, 9);
    expect(pot0.stress[0]).not.toBeCloseTo(r.stress[0], 6);
  });

  it('streams frames from a LAMMPS dump (Trajectory) with the same result', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'atomic-stress-')), 'run.dump');
    const w = new DumpWriter(path, { velocities: true });
    for (const f of frames) await w.write(f);
    await w.close();
    const progress: (number | undefined)[] = [];
    const a = await atomicStress(new Trajectory(path), provider, { onProgress: (p) => progress.push(p.total) });
    const b = await atomicStress(frames, provider);
    expect(progress).toEqual([3, 3, 3]);
    for (let i = 0; i < a.n; i++) expect(a.stress[i]).toBeCloseTo(b.stress[i], 9);
  });

  it('matches atoms by id across frames stored in different orders', async () => {
    const f = frames[1], g = cloneSystem(f), n = f.n;
    for (let j = 0; j < n; j++) {
      const i = n - 1 - j;
      g.ids[j] = f.ids[i]; g.types[j] = f.types[i]; g.masses[j] = f.masses[i];
      for (let c = 0; c < 3; c++) { g.positions[j * 3 + c] = f.positions[i * 3 + c]; g.velocities![j * 3 + c] = f.velocities![i * 3 + c]; }
    }
    const a = await atomicStress([frames[0], f], provider);
    const b = await atomicStress([frames[0], g], provider);
    for (let i = 0; i < n; i++) expect(b.stress[i]).toBeCloseTo(a.stress[i], 10);
    const noV = cloneSystem(frames[0]); delete noV.velocities;
    await expect(atomicStress([frames[0], noV], provider)).rejects.toThrow(/no velocities/);
  });
});
