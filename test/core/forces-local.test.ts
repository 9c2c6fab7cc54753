import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { createForceProvider, type PotentialForceProvider } from '../../src/core/force-provider.ts';
import type { ForceResult } from '../../src/core/types.ts';
import { createKobAndersen } from '../../src/potential/ka.ts';
import { loadEamFs } from '../../src/potential/eam-fs.ts';
import type { Potential } from '../../src/potential/types.ts';
import { Box } from '../../src/system/box.ts';
import { cloneSystem, type System } from '../../src/system/system.ts';
import { createIpl } from '../../src/potential/ipl.ts';
import { KA_DEFAULTS } from '../../src/potential/ka.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { makeBox, maxDiff, polyEam, randomSystem, rng, type BoxSpec } from './forces-fixtures.ts';

/** Largest relative difference of computeLocal's result from a full evaluation (forces, energy, virial, per-atom terms). */
function relErrors(local: ForceResult, full: ForceResult): { forces: number; energy: number; virial: number; peratom: number } {
  const f = maxDiff(local.forces, full.forces), v = maxDiff(local.virial, full.virial);
  const pe = maxDiff(local.peratomEnergy!, full.peratomEnergy!), pv = maxDiff(local.peratomVirial!, full.peratomVirial!);
  return {
    forces: f.diff / f.scale,
    energy: Math.abs(local.energy - full.energy) / Math.abs(full.energy),
    virial: v.diff / v.scale,
    peratom: Math.max(pe.diff / pe.scale, pv.diff / pv.scale),
  };
}

function expectEqualToFull(provider: PotentialForceProvider, pot: Potential, sys: System, skin: number): void {
  const local = provider.computeLocal(sys, { peratom: true });
  const full = createForceProvider(pot, { skin, threads: 1 }).compute(sys, { peratom: true });
  const e = relErrors(local, full);
  expect(e.forces).toBeLessThan(1e-12);
  expect(e.energy).toBeLessThan(1e-12);
  expect(e.virial).toBeLessThan(1e-12);
  expect(e.peratom).toBeLessThan(1e-12);
}

/** Atoms within `radius` of atom `c` (minimum image through the box's own routine, brute force). */
function cluster(sys: System, c: number, radius: number): number[] {
  const d = sys.dim, out: number[] = [];
  const dv = new Float64Array(d);
  for (let j = 0; j < sys.n; j++) {
    for (let k = 0; k < d; k++) dv[k] = sys.positions[j * d + k] - sys.positions[c * d + k];
    sys.box.minimumImage(dv);
    if (Math.hypot(...dv) < radius) out.push(j);
  }
  return out;
}

function displace(sys: System, atoms: number[], step: number, r: () => number): void {
  for (const i of atoms) for (let k = 0; k < sys.dim; k++) sys.positions[i * sys.dim + k] += step * (2 * r() - 1);
}

interface Case { name: string; pot: () => Potential; skin: number; step: number; radius: number; sys: (spec: BoxSpec) => System; boxes: Record<string, BoxSpec> }

const cuzrFile = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
const cases: Case[] = [
  {
    name: 'KA (pair, LJ table)', pot: () => createKobAndersen(), skin: 0.3, step: 0.04, radius: 1.3,
    sys: (spec) => randomSystem(makeBox(spec), 250, 7, { minDist: 0.75, unwrapped: true }),
    boxes: { orthorhombic: { dim: 3, lengths: [6.1, 6.3, 6.2] }, triclinic: { dim: 3, lengths: [6.1, 6.3, 6.2], tilt: { xy: 0.7, xz: -0.5, yz: 0.4 } } },
  },
  {
    name: 'EAM (analytic polynomial)', pot: polyEam, skin: 0.1, step: 0.02, radius: 0.8,
    sys: (spec) => randomSystem(makeBox(spec), 150, 3, { minDist: 0.55, unwrapped: true }),
    boxes: { orthorhombic: { dim: 3, lengths: [4.4, 4.6, 4.5] }, triclinic: { dim: 3, lengths: [4.4, 4.6, 4.5], tilt: { xy: 0.6, yz: -0.4 } } },
  },
  ...(existsSync(cuzrFile) ? [{
    name: 'EAM CuZr (CuZr_mm.eam.fs)', pot: () => loadEamFs(cuzrFile), skin: 1.0, step: 0.15, radius: 3.2,
    sys: (spec: BoxSpec) => randomSystem(makeBox(spec), 260, 11, { minDist: 2.1, unwrapped: true }),
    boxes: { orthorhombic: { dim: 3 as const, lengths: [17.6, 17.9, 18.2] }, triclinic: { dim: 3 as const, lengths: [17.6, 17.9, 18.2], tilt: { xy: 1.5, xz: -1.1, yz: 0.9 } } },
  }] : []),
];

describe('computeLocal equals a full evaluation after local moves', () => {
  for (const c of cases) {
    for (const [bname, spec] of Object.entries(c.boxes)) {
      it(`${c.name}, ${bname}: single atoms, clusters, repeated sequences`, () => {
        const pot = c.pot();
        const sys = c.sys(spec);
        // small test systems: A2 of EAM covers most atoms, so never fall back on the count here
        const provider = createForceProvider(pot, { skin: c.skin, threads: 1, localMaxFraction: 1 });
        provider.computeLocal(sys);
        expect(provider.localStats!.full).toBe(true);
        const r = rng(99);
        let local = 0, recomputed = 0;
        for (let step = 0; step < 24; step++) {
          const centre = Math.floor(r() * sys.n);
          const kind = step % 3;
          const atoms = kind === 0 ? [centre] : kind === 1 ? cluster(sys, centre, c.radius) : [centre, Math.floor(r() * sys.n), Math.floor(r() * sys.n)];
          displace(sys, atoms, c.step, r);
          expectEqualToFull(provider, pot, sys, c.skin);
          const st = provider.localStats!;
          if (!st.full) {
            local++;
            recomputed += st.recomputed;
            expect(st.moved).toBe(new Set(atoms).size);
          }
        }
        // most updates were local (a few may have needed a list rebuild)
        expect(local).toBeGreaterThan(12);
        expect(recomputed / local).toBeLessThanOrEqual(sys.n);
        // nothing moved: the kept result
        expectEqualToFull(provider, pot, sys, c.skin);
        expect(provider.localStats).toMatchObject({ full: false, moved: 0 });
      });
    }
  }

  it('2D (IPL, triclinic) and the threaded LJ provider (balanced half rows, N = 1000)', () => {
    const ipl = createIpl({ dim: 2 });
    const flat = randomSystem(makeBox({ dim: 2, lengths: [9.5, 9.1], tilt: { xy: 1.7 } }), 70, 21, { minDist: 0.8, unwrapped: true });
    const ka = createKobAndersen();
    const liquid = randomConfiguration({ n: 1000, density: 1.2, dim: 3, composition: KA_DEFAULTS.composition, typeMasses: [0, 1, 1], seed: 4 });
    for (const [pot, sys, threads, skin] of [[ipl, flat, 1, 0.3], [ka, liquid, 2, 0.3]] as const) {
      const provider = createForceProvider(pot, { skin, threads, localMaxFraction: 1 }); // 70 atoms in 2D: A1 is a large share
      provider.computeLocal(sys);
      const r = rng(5);
      let local = 0;
      for (let step = 0; step < 8; step++) {
        displace(sys, step % 2 ? cluster(sys, Math.floor(r() * sys.n), 1.2) : [Math.floor(r() * sys.n)], 0.03, r);
        expectEqualToFull(provider, pot, sys, skin);
        if (!provider.localStats!.full) local++;
      }
      expect(local).toBeGreaterThan(5);
    }
  });

  it('falls back to a full evaluation: list rebuild, box change, type change, too many atoms moved', () => {
    const pot = createKobAndersen();
    const sys = randomSystem(makeBox({ dim: 3, lengths: [6.1, 6.3, 6.2] }), 250, 5, { minDist: 0.75 });
    const provider = createForceProvider(pot, { skin: 0.3, threads: 1, localMaxFraction: 0.5 });
    provider.computeLocal(sys);
    sys.positions[0] += 0.2; // more than skin/2
    expectEqualToFull(provider, pot, sys, 0.3);
    expect(provider.localStats).toMatchObject({ full: true, reason: 'neighbour list rebuilt' });
    sys.positions[3] += 0.01;
    expectEqualToFull(provider, pot, sys, 0.3);
    expect(provider.localStats!.full).toBe(false);
    const strained = cloneSystem(sys);
    strained.box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [6.11, 6.3, 6.2] });
    expectEqualToFull(provider, pot, strained, 0.3);
    expect(provider.localStats).toMatchObject({ full: true, reason: 'box changed' });
    // a type change is full: KA's per-type list radii make the list stale, so it is rebuilt
    // first; the result equals a fresh provider's (a type swap changes which pairs are listed)
    strained.types[4] = strained.types[4] === 1 ? 2 : 1;
    const swapped = provider.computeLocal(strained, { peratom: true });
    expect(provider.localStats).toMatchObject({ full: true, reason: 'neighbour list rebuilt' });
    expect(relErrors(swapped, provider.compute(strained, { peratom: true })).forces).toBe(0);
    expect(relErrors(swapped, createForceProvider(pot, { skin: 0.3, threads: 1 }).compute(strained, { peratom: true })).forces).toBeLessThan(1e-12);
    strained.types[4] = strained.types[4] === 1 ? 2 : 1;
    provider.computeLocal(strained);
    displace(strained, Array.from({ length: 60 }, (_, k) => 5 * k), 0.01, rng(1));
    expectEqualToFull(provider, pot, strained, 0.3);
    expect(provider.localStats!.full).toBe(true);
    expect(provider.localStats!.reason).toMatch(/more than 125 atoms/);
  });

  it('falls back on a type change with a list of one radius (EAM): the list stays, the evaluation is full', () => {
    const pot = polyEam();
    const sys = randomSystem(makeBox({ dim: 3, lengths: [7.1, 7.3, 7.2] }), 300, 8, { minDist: 0.75, ntypes: 2 });
    const provider = createForceProvider(pot, { skin: 0.3, threads: 1, localMaxFraction: 1 });
    provider.computeLocal(sys);
    sys.types[7] = sys.types[7] === 1 ? 2 : 1;
    expectEqualToFull(provider, pot, sys, 0.3);
    expect(provider.localStats).toMatchObject({ full: true, reason: 'types changed' });
  });
});
