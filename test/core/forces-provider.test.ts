import { describe, expect, it } from 'vitest';
import { checkConfiguration, createForceProvider, createForceProviderAsync, DEFAULT_SKIN_LJ, DEFAULT_SKIN_METAL, type ListForceKernel } from '../../src/core/force-provider.ts';
import { computeForcesF64 } from '../../src/core/forces-f64.ts';
import { buildNeighborList } from '../../src/neighbor/neighbor-list.ts';
import type { NeighborList } from '../../src/neighbor/types.ts';
import { createKobAndersen } from '../../src/potential/ka.ts';
import { createIpl } from '../../src/potential/ipl.ts';
import type { ForceResult } from '../../src/core/types.ts';
import { GpuLjForces } from '../../src/core/gpu-pair-forces.ts';
import type { System } from '../../src/system/system.ts';
import { makeBox, maxDiff, polyEam, randomSystem, rng } from './forces-fixtures.ts';

function freshForces(sys: System, pot = createKobAndersen()): ForceResult {
  return computeForcesF64(sys, pot, buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0, kind: 'half' }), { peratom: true });
}

describe('createForceProvider', () => {
  it('follows a moving configuration: rebuilds only when needed, always equal to a fresh-list evaluation', () => {
    const pot = createKobAndersen();
    const sys = randomSystem(makeBox({ dim: 3, lengths: [6.1, 6.3, 6.2], tilt: { xy: 0.9, yz: -0.4 } }), 120, 31, { minDist: 0.8 });
    const fp = createForceProvider(pot);
    expect(fp.skin).toBe(DEFAULT_SKIN_LJ);
    const r = rng(4);
    let prev = fp.rebuildCount;
    let kept = 0;
    for (let step = 0; step < 30; step++) {
      for (let k = 0; k < sys.positions.length; k++) sys.positions[k] += 0.03 * (r() - 0.5);
      const got = fp.compute(sys, { peratom: true });
      const want = freshForces(sys, pot);
      const d = maxDiff(got.forces, want.forces);
      expect(d.diff).toBeLessThan(1e-12 * d.scale);
      expect(got.energy).toBeCloseTo(want.energy, 10);
      expect(maxDiff(got.virial, want.virial).diff).toBeLessThan(1e-10);
      if (fp.rebuildCount === prev) kept++;
      prev = fp.rebuildCount;
    }
    expect(fp.rebuildCount).toBeGreaterThan(1); // atoms drift more than skin/2 over 30 steps
    expect(kept).toBeGreaterThan(10); // but the list is reused in between
  });

  it('uses 1.0 A as default skin in metal units and a given skin otherwise', () => {
    const eam = { ...polyEam(), units: 'metal' as const };
    expect(createForceProvider(eam).skin).toBe(DEFAULT_SKIN_METAL);
    expect(createForceProvider(createKobAndersen(), { skin: 0.5 }).skin).toBe(0.5);
    expect(() => createForceProvider(createKobAndersen(), { skin: -1 })).toThrow(/skin must be a non-negative/);
  });

  it("precision 'f32' needs a kernel, which then receives a full list", () => {
    expect(() => createForceProvider(createKobAndersen(), { precision: 'f32' })).toThrow(/needs a gpu.js kernel in option `kernel`/);
    const seen: NeighborList[] = [];
    const kernel: ListForceKernel = {
      compute(sys, nl) {
        seen.push(nl);
        return freshForces(sys);
      },
    };
    const sys = randomSystem(makeBox({ dim: 3, lengths: [6, 6, 6] }), 50, 2, { minDist: 0.8 });
    const fp = createForceProvider(createKobAndersen(), { precision: 'f32', kernel });
    fp.compute(sys);
    expect(seen[0].kind).toBe('full');
    expect(seen[0].cutoff).toBe(2.5);
  });

  it("precision 'f32' with the gpu.js LJ kernel (cpu backend) agrees with f64 to f32 accuracy", async () => {
    const ka = createKobAndersen();
    const kernel = await GpuLjForces.create(ka.pairTable(), { backend: 'cpu' });
    const sys = randomSystem(makeBox({ dim: 3, lengths: [6.5, 6.5, 6.5] }), 150, 12, { minDist: 0.85 });
    const f32 = createForceProvider(ka, { precision: 'f32', kernel }).compute(sys);
    const viaAsync = (await createForceProviderAsync(ka, { precision: 'f32', backend: 'cpu' })).compute(sys);
    expect(maxDiff(viaAsync.forces, f32.forces).diff).toBe(0);
    await expect(createForceProviderAsync(polyEam(), { precision: 'f32' })).rejects.toThrow(/LJ-family potentials only/);
    const f64 = createForceProvider(ka).compute(sys);
    const d = maxDiff(f32.forces, f64.forces);
    expect(d.diff).toBeLessThan(1e-4 * d.scale);
    expect(Math.abs(f32.energy - f64.energy)).toBeLessThan(1e-5 * Math.abs(f64.energy));
  });
});

describe('checkConfiguration', () => {
  it('names an unknown type and what the model defines', () => {
    const sys = randomSystem(makeBox({ dim: 3, lengths: [6, 6, 6] }), 20, 2, { ntypes: 3 });
    const idx = Array.from(sys.types).indexOf(3);
    expect(() => checkConfiguration(sys, createKobAndersen())).toThrow(new RegExp(`atom id ${sys.ids[idx]} has type 3, unknown to potential 'ka', which defines types 1..2`));
    expect(() => createForceProvider(createKobAndersen()).compute(sys)).toThrow(/has type 3/);
    expect(() => checkConfiguration(sys, polyEam())).toThrow(/1=X, 2=Y/);
  });

  it('rejects a dimension the potential is not defined for', () => {
    const sys = randomSystem(makeBox({ dim: 2, lengths: [6, 6] }), 20, 2);
    expect(() => checkConfiguration(sys, createIpl({ dim: 3 }))).toThrow(/defined for 3D systems, but the system is 2D/);
    expect(() => checkConfiguration(sys, createIpl({ dim: 2 }))).not.toThrow();
  });
});
