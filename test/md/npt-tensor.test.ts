/**
 * Physics of the anisotropic and triclinic MTK barostats (npt barostat
 * 'aniso' | 'tri', src/md/mtk-cell.ts): extended-energy conservation,
 * a zero mean stress tensor at zero target pressure, bounded tilts, and tilt
 * flips that leave energy, forces and unwrapped paths unchanged. The
 * step-by-step agreement with LAMMPS `fix npt aniso|tri` is in ./lammps.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { flipTilts } from '../../src/md/mtk-cell.ts';
import { npt, nvt } from '../../src/md/nose-hoover-integrator.ts';
import type { Observer } from '../../src/md/observers.ts';
import { runMd } from '../../src/md/run.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { unwrappedPositions, type System } from '../../src/system/system.ts';
import { bruteForceLJ, jumpTracker, latticeSystem } from './fixtures.ts';
import { blockStats, mean } from './stats.ts';

/** KA, N = 686 (bcc 7^3), rho = 1.2, velocities at T: large enough for an anisotropic cell (edges > 2 (rc + skin)) */
function ka686(T: number, seed: number): System {
  const sys = latticeSystem(3, 7, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.05, seed });
  initVelocities(sys, T, seed);
  return sys;
}

function rms(x: number[]): number {
  const m = mean(x);
  return Math.sqrt(mean(x.map((v) => (v - m) ** 2)));
}

/** Least-squares slope of y against x. */
function slope(x: number[], y: number[]): number {
  const mx = mean(x), my = mean(y);
  let sxy = 0, sxx = 0;
  for (let i = 0; i < x.length; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ** 2; }
  return sxy / sxx;
}

describe('anisotropic and triclinic NPT (KA, shifted force)', () => {
  for (const barostat of ['aniso', 'tri'] as const) {
    it(`${barostat}: the extended energy is conserved (no drift) while the cell relaxes to P = 5`, async () => {
      const p = createForceProvider(getPotential('ka-sf'));
      const sys = ka686(1.0, 7);
      const integrator = npt({ Tstart: 1.0, Tdamp: 0.1, Pstart: 5, Pdamp: 0.5, barostat });
      await runMd(sys, p, { integrator, dt: 0.005, steps: 400 }); // melt the lattice
      const r = await runMd(sys, p, { integrator, dt: 0.005, steps: 2000, thermoEvery: 10 });
      const C = r.thermo.map((row) => row.conserved), E = r.thermo.map((row) => row.Etot);
      const t = r.thermo.map((row) => row.time);
      // per atom and time unit; the thermostat moves Etot by ~100 over the run
      const drift = Math.abs(slope(t, C)) / sys.n;
      expect(rms(C)).toBeLessThan(0.005 * rms(E));
      expect(drift).toBeLessThan(2e-5);
      for (let k = 0; k < 3; k++) expect(Math.abs(mean(r.thermo.map((row) => row.pressureTensor[k])) - 5)).toBeLessThan(0.5);
      if (barostat === 'aniso') expect([sys.box.xy, sys.box.xz, sys.box.yz]).toEqual([0, 0, 0]);
      else {
        // tilts moved, stayed within the flip bound
        expect(Math.max(Math.abs(sys.box.xy), Math.abs(sys.box.xz), Math.abs(sys.box.yz))).toBeGreaterThan(1e-3);
        expect(Math.abs(sys.box.xy)).toBeLessThan(0.6 * sys.box.lengths[0]);
        expect(Math.abs(sys.box.xz)).toBeLessThan(0.6 * sys.box.lengths[0]);
        expect(Math.abs(sys.box.yz)).toBeLessThan(0.6 * sys.box.lengths[1]);
      }
    });
  }

  it('aniso at P = 0: every diagonal stress component averages to 0 within its error, the edges fluctuate independently', async () => {
    const p = createForceProvider(getPotential('ka-sf'));
    const sys = ka686(0.8, 3);
    const integrator = npt({ Tstart: 0.8, Tdamp: 0.1, Pstart: 0, Pdamp: 0.5, barostat: 'aniso' });
    await runMd(sys, p, { integrator, dt: 0.005, steps: 1000 });
    const L: number[][] = [[], [], []];
    const track: Observer = { every: 5, observe: (st) => { for (let k = 0; k < 3; k++) L[k].push(st.sys.box.lengths[k]); } };
    const r = await runMd(sys, p, { integrator, dt: 0.005, steps: 4000, thermoEvery: 5, observers: [track] });
    for (let k = 0; k < 3; k++) {
      const s = blockStats(r.thermo.map((row) => row.pressureTensor[k]), 10);
      expect(s.sem).toBeLessThan(0.1);
      expect(Math.abs(s.mean)).toBeLessThan(4 * s.sem + 0.02);
      expect(rms(L[k]) / mean(L[k])).toBeGreaterThan(1e-3); // each edge moves
    }
    // the edges are not locked together (iso would keep them equal)
    expect(Math.max(...L.map((l) => l.at(-1)!)) - Math.min(...L.map((l) => l.at(-1)!))).toBeGreaterThan(1e-3);
  });
});

describe('tilt flips (tri)', () => {
  it('a flip changes the basis only: energy, forces, virial and unwrapped positions stay the same', () => {
    const p = createForceProvider(getPotential('ka-sf'));
    const sys = latticeSystem(3, 10, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.05, seed: 5 }); // N = 2000, L = 11.9
    const d = 3;
    // a sheared cell past the flip bound in all three tilts
    sys.box = sys.box.with({ tilt: { xy: 0.61 * sys.box.lengths[0], xz: -0.61 * sys.box.lengths[0], yz: 0.62 * sys.box.lengths[1] } });
    sys.images = new Int32Array(sys.n * d);
    sys.box.wrap(sys.positions, sys.images);
    const before = p.compute(sys);
    const u0 = unwrappedPositions(sys);
    expect(flipTilts(sys)).toBe(true);
    expect(Math.abs(sys.box.xy)).toBeLessThan(0.6 * sys.box.lengths[0]);
    expect(Math.abs(sys.box.xz)).toBeLessThan(0.6 * sys.box.lengths[0]);
    expect(Math.abs(sys.box.yz)).toBeLessThan(0.6 * sys.box.lengths[1]);
    const u1 = unwrappedPositions(sys);
    for (let i = 0; i < u0.length; i++) expect(Math.abs(u1[i] - u0[i])).toBeLessThan(1e-10);
    sys.box.wrap(sys.positions, sys.images!);
    const u2 = unwrappedPositions(sys);
    for (let i = 0; i < u0.length; i++) expect(Math.abs(u2[i] - u0[i])).toBeLessThan(1e-10);
    const after = p.compute(sys);
    expect(Math.abs(after.energy - before.energy)).toBeLessThan(1e-9 * Math.abs(before.energy));
    for (let k = 0; k < before.forces.length; k++) expect(Math.abs(after.forces[k] - before.forces[k])).toBeLessThan(1e-9);
    for (let k = 0; k < 6; k++) expect(Math.abs(after.virial[k] - before.virial[k])).toBeLessThan(1e-9 * Math.abs(before.virial[0]));
    expect(flipTilts(sys)).toBe(false); // within the bound now: no flip back
  });

  it('a run driven through a flip keeps the extended energy and unwrapped paths continuous (3D and 2D)', async () => {
    for (const dim of [3, 2] as const) {
      const sys = dim === 3 ? ka686(1.0, 9) : latticeSystem(2, 14, 0.8, { jiggle: 0.05, seed: 4 });
      if (dim === 2) initVelocities(sys, 0.6, 4);
      const p = dim === 3 ? createForceProvider(getPotential('ka-sf')) : bruteForceLJ({ eps: [[0, 0], [0, 1]], sig: [[0, 0], [0, 1]], rcut: 2.5, shiftedForce: true });
      const T = dim === 3 ? 1.0 : 0.6;
      const integrator = npt({ Tstart: T, Tdamp: 0.1, Pstart: 1, Pdamp: 0.5, barostat: 'tri' });
      // melt, shear the liquid affinely to xy = 0.58 lx, let its shear stress relax at fixed cell, then drive the tilt past the flip bound
      const melt = nvt({ Tstart: T, Tdamp: 0.1 });
      await runMd(sys, p, { integrator: melt, dt: 0.005, steps: 300 });
      const sheared = sys.box.with({ tilt: { xy: 0.58 * sys.box.lengths[0] } });
      const frac = new Float64Array(dim);
      for (let i = 0; i < sys.n; i++) { sys.box.toFractional(sys.positions, i * dim, frac); sheared.fromFractional(frac, 0, sys.positions, i * dim); }
      sys.box = sheared;
      await runMd(sys, p, { integrator: melt, dt: 0.005, steps: 300 });
      const init = await runMd(sys, p, { integrator, dt: 0.005, steps: 1 });
      init.state.ext.omegaDot![3] = 1.0; // xy strain rate: the tilt passes 0.6 lx within ~20-50 steps
      let lastXy = sys.box.xy;
      const flips: number[] = [];
      const track = jumpTracker(sys, (st) => {
        if (Math.abs(st.sys.box.xy - lastXy) > 0.5 * st.sys.box.lengths[0]) flips.push(st.step);
        lastXy = st.sys.box.xy;
      });
      const r = await runMd(init.state, p, { integrator, dt: 0.005, steps: 400, thermoEvery: 1, observers: [track] });
      expect(flips.length).toBeGreaterThanOrEqual(1);
      expect(track.maxJump).toBeLessThan(0.1); // no atom jumps by a cell vector at the flip
      const C = r.thermo.map((row) => row.conserved), steps = r.thermo.map((row) => row.step);
      const dC = (k: number) => Math.abs(C[k] - C[k - 1]);
      for (const s of flips) {
        const k = steps.indexOf(s);
        expect(k).toBeGreaterThan(1);
        expect(k).toBeLessThan(C.length - 1);
        // the flip step is an ordinary step: its change of the extended energy is like its neighbours'
        expect(dC(k)).toBeLessThan(2 * Math.max(dC(k - 1), dC(k + 1)));
      }
      expect(Math.abs(C.at(-1)! - C[0])).toBeLessThan(0.01 * sys.n);
      if (dim === 2) expect([sys.box.xz, sys.box.yz]).toEqual([0, 0]);
    }
  });
});

describe('runaway tilts', () => {
  it('a tilt beyond 1.5 edge lengths after a cell update stops the run with the reason (LAMMPS TILTMAX)', async () => {
    const sys = latticeSystem(2, 14, 0.8, { jiggle: 0.05, seed: 4 });
    initVelocities(sys, 0.6, 4);
    sys.box = sys.box.with({ tilt: { xy: 1.6 * sys.box.lengths[0] } }); // flips act after the cell update: too late
    const p = bruteForceLJ({ eps: [[0, 0], [0, 1]], sig: [[0, 0], [0, 1]], rcut: 2.5, shiftedForce: true });
    const integrator = npt({ Tstart: 0.6, Tdamp: 0.1, Pstart: 1, Pdamp: 0.5, barostat: 'tri' });
    await expect(runMd(sys, p, { integrator, dt: 0.005, steps: 5 })).rejects.toThrow(/tri barostat tilted the cell beyond 1.5 edge lengths/);
  });
});

describe('options', () => {
  it('refuses an unknown barostat style, naming the option', () => {
    expect(() => npt({ Tstart: 1, Tdamp: 1, Pstart: 0, Pdamp: 1, barostat: 'xyz' as 'iso' })).toThrow(/option 'barostat' must be 'iso', 'aniso' or 'tri', got "xyz"/);
  });
});
