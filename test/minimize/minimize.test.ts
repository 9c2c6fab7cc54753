import { describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import type { ForceProvider } from '../../src/core/types.ts';
import { nvt } from '../../src/md/nose-hoover-integrator.ts';
import { Rng } from '../../src/util/random.ts';
import { runMd } from '../../src/md/run.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { maxAtomForce } from '../../src/minimize/common.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { cloneSystem, unwrappedPositions, type System } from '../../src/system/system.ts';
import { harmonicAnchors, latticeSystem } from '../md/fixtures.ts';

/** KA liquid, N = 250 at rho = 1.2, equilibrated briefly at T = 2 with the real KA provider. */
async function kaLiquid(provider: ForceProvider): Promise<System> {
  const sys = latticeSystem(3, 5, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.05, seed: 5 });
  initVelocities(sys, 2.0, 1);
  await runMd(sys, provider, { integrator: nvt({ Tstart: 2.0, Tdamp: 0.1 }), dt: 0.005, steps: 500 });
  return sys;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('minimize on a quenched Kob-Andersen liquid (real KA provider, N = 250, rho = 1.2)', async () => {
  const provider = createForceProvider(getPotential('ka'));
  const liquid = await kaLiquid(provider);
  const before = cloneSystem(liquid);

  for (const method of ['fire', 'cg', 'fire+cg'] as const) {
    it(`${method} reaches max |F_i| < 1e-10, with a consistent result`, () => {
      const r = minimize(liquid, provider, { method });
      expect(r.converged).toBe(true);
      expect(r.reason).toBeUndefined();
      expect(r.maxForce).toBeLessThan(1e-10);
      // independent check: a fresh provider on the returned configuration
      const fresh = createForceProvider(getPotential('ka')).compute(r.system, { peratom: true });
      expect(maxAtomForce(fresh.forces, 3)).toBeLessThan(1e-10);
      expect(fresh.energy).toBeCloseTo(r.energy, 9);
      let sum = 0;
      for (const e of r.peratomEnergy) sum += e;
      expect(sum).toBeCloseTo(r.energy, 9);
      // an inherent structure of the liquid: well below the liquid energy, KA IS energies ~ -7.5 .. -7.7
      expect(r.energy / 250).toBeGreaterThan(-7.8);
      expect(r.energy / 250).toBeLessThan(-7.3);
      // positions wrapped, images updated: unwrapped displacements are short (no jumps of a box length)
      const L = r.system.box.lengths[0];
      for (const x of r.system.positions) { expect(x).toBeGreaterThanOrEqual(0); expect(x).toBeLessThan(L); }
      expect(maxDiff(unwrappedPositions(r.system), unwrappedPositions(liquid))).toBeLessThan(1.5);
      // the input is untouched
      expect(Array.from(liquid.positions)).toEqual(Array.from(before.positions));
    });
  }

  it('FIRE and CG find the same minimum from the same perturbed inherent structure (KA-SF, continuous forces)', () => {
    // 'ka' (truncated and shifted) has force jumps at the cutoff: its landscape is only
    // piecewise smooth and two minimisers can end in different minima ~1e-5 apart when
    // their paths move different pairs across r_c. The shifted-force variant is C1, a
    // simple landscape around a minimum: both methods must return to the same one.
    const sf = createForceProvider(getPotential('ka-sf'));
    const is = minimize(liquid, sf, { method: 'fire+cg' });
    expect(is.converged).toBe(true);
    const start = cloneSystem(is.system);
    const rng = new Rng(3);
    for (let i = 0; i < start.positions.length; i++) start.positions[i] += 0.02 * (rng.uniform() - 0.5);
    const a = minimize(start, sf, { method: 'fire' });
    const b = minimize(start, sf, { method: 'cg' });
    expect(a.converged && b.converged).toBe(true);
    expect(Math.abs(a.energy - b.energy)).toBeLessThan(1e-10);
    expect(Math.abs(a.energy - is.energy)).toBeLessThan(1e-10);
    // positions agree to ~ |F| / k_min, after removing the free uniform translation
    for (const other of [b, is]) {
      const ua = unwrappedPositions(a.system), ub = unwrappedPositions(other.system);
      const shift = [0, 0, 0];
      for (let i = 0; i < ua.length; i++) shift[i % 3] += (ua[i] - ub[i]) / 250;
      let m = 0;
      for (let i = 0; i < ua.length; i++) m = Math.max(m, Math.abs(ua[i] - ub[i] - shift[i % 3]));
      expect(m).toBeLessThan(1e-7);
    }
  });
});

describe('minimize on analytic landscapes', () => {
  it('finds the anchors of harmonic springs (2D, triclinic box) to machine precision', () => {
    const base = latticeSystem(2, 6, 0.9, { jiggle: 0.3, seed: 9 });
    base.box = base.box.with({ tilt: { xy: 1.7 } });
    const anchors = base.positions.slice();
    const sys = cloneSystem(base);
    const rng = new Rng(4);
    for (let i = 0; i < sys.positions.length; i++) sys.positions[i] += 0.4 * (rng.uniform() - 0.5);
    for (const method of ['fire', 'cg'] as const) {
      const r = minimize(sys, harmonicAnchors(anchors, 3.0), { method });
      expect(r.converged).toBe(true);
      // E = sum |F_i|^2 / 2k < N ftol^2 / 2k
      expect(r.energy).toBeLessThan((sys.n * 1e-20) / 6);
      expect(maxDiff(unwrappedPositions(r.system), anchors)).toBeLessThan(1e-10);
    }
    // CG on a quadratic with one curvature: the secant line search is exact, so one
    // iteration suffices once the step cap dmax does not bind (here max |x - a| ~ 0.3)
    const one = minimize(sys, harmonicAnchors(anchors, 3.0), { method: 'cg', cg: { dmax: 10 } });
    expect(one.converged).toBe(true);
    expect(one.iterations).toBeLessThanOrEqual(2);
  });

  it('never claims convergence falsely: iteration budget and non-conservative forces', () => {
    const base = latticeSystem(2, 4, 0.5, { jiggle: 0.3, seed: 1 });
    const anchors = base.positions.slice().map((x) => x + 0.3);
    const short = minimize(base, harmonicAnchors(anchors, 1.0), { method: 'fire', maxIter: 5 });
    expect(short.converged).toBe(false);
    expect(short.reason).toMatch(/maxIter = 5 reached/);
    expect(short.maxForce).toBeGreaterThan(1e-10);
    expect(() => minimize(base, harmonicAnchors(anchors, 1.0), { method: 'fire', maxIter: 5, throwIfNotConverged: true }))
      .toThrow(/minimize: not converged after 5 iterations \(fire\).*raise maxIter or loosen ftol/);
    // a constant force field with zero energy has no minimum: every method must give up, not "converge"
    const wind: ForceProvider = {
      compute: (s) => ({ energy: 0, forces: new Float64Array(s.n * s.dim).fill(0.1), virial: new Float64Array(3), peratomEnergy: new Float64Array(s.n) }),
    };
    for (const method of ['fire', 'cg', 'fire+cg'] as const) {
      const r = minimize(base, wind, { method, maxIter: 300 });
      expect(r.converged).toBe(false);
      expect(r.maxForce).toBeGreaterThan(0.1);
      // atoms were moved but stay in the box with consistent images
      const L = r.system.box.lengths[0];
      for (const x of r.system.positions) expect(x >= 0 && x < L).toBe(true);
    }
  });

  it('rejects unknown methods and stops on abort', () => {
    const base = latticeSystem(2, 4, 0.5, { seed: 1 });
    const p = harmonicAnchors(base.positions.map((x) => x + 0.2), 1.0);
    expect(() => minimize(base, p, { method: 'bfgs' as never })).toThrow(/unknown method 'bfgs'/);
    const r = minimize(base, p, { method: 'fire', signal: AbortSignal.abort() });
    expect(r.converged).toBe(false);
    expect(r.reason).toBe('aborted');
  });
});
