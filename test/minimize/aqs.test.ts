/**
 * AQS simple shear (src/minimize/aqs.ts).
 *
 * - A perfect triangular crystal stays affine (zero non-affine displacement,
 *   positions = the affine map of the start), and its stress rises with the
 *   shear modulus: the slope equals the Born term written literally from
 *   phi' and phi'' (mu_B = (1/V) d^2U/dgamma^2 at fixed fractional
 *   coordinates) and the finite difference of the energy.
 * - The stress sigma_xy = -W_xy / V equals (1/V) dU/dgamma of the energies.
 * - A tilt flip at xy = lx/2 leaves the energy and the unwrapped positions
 *   unchanged; 'refuse' throws.
 * - On a small ipl2d glass every step is minimised to max |F| < 1e-10 and
 *   the first plastic event is a stress drop, located at the largest
 *   non-affine displacement, with the D2min maximum at that particle; the
 *   chord-Newton solver and FIRE+CG at every step give the same curve and event.
 */
import { describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { aqsShear, applyShear, shearStress } from '../../src/protocols/aqs.ts';
import { largestDisplacement, nonAffineDisplacement } from '../../src/analysis/plastic/plastic-events.ts';
import { getPotential } from '../../src/potential/registry.ts';
import type { PairPotential } from '../../src/potential/types.ts';
import { Box } from '../../src/system/box.ts';
import { cloneSystem, createSystem, unwrappedPositions, type System } from '../../src/system/system.ts';
import { ipl2dGlass, triangularCrystal } from '../analysis/shear-fixtures.ts';

const pot = getPotential('ipl2d') as PairPotential;

/** Born shear modulus (1/V) sum_pairs [phi'' (x y / r)^2 + phi' (y^2 / r - x^2 y^2 / r^3)], all pairs by minimum image. */
function bornModulus(sys: System, p: PairPotential = pot): number {
  const out = new Float64Array(4);
  const d = sys.dim;
  const v = new Float64Array(d);
  let s = 0;
  for (let i = 0; i < sys.n; i++) {
    for (let j = i + 1; j < sys.n; j++) {
      for (let k = 0; k < d; k++) v[k] = sys.positions[d * j + k] - sys.positions[d * i + k];
      sys.box.minimumImage(v, 0);
      const r = Math.hypot(...v);
      p.radial(sys.types[i], sys.types[j], r, out);
      const [x, y] = v;
      s += out[2] * (x * y / r) ** 2 + out[1] * (y * y / r - (x * x * y * y) / r ** 3);
    }
  }
  return s / sys.box.volume;
}

describe('AQS shear of a perfect crystal', () => {
  const crystal = triangularCrystal(8, 8, 1.0);
  const dg = 1e-4;
  const provider = createForceProvider(pot);
  const r = aqsShear(crystal, provider, { strainStep: dg, maxStrain: 6 * dg, checkReversibility: false });

  it('stays affine: zero non-affine displacement, positions = affine map of the start', () => {
    expect(r.events).toHaveLength(0);
    expect(r.steps).toHaveLength(7);
    for (const s of r.steps) expect(s.maxForce).toBeLessThan(1e-10);
    const u = nonAffineDisplacement(r.start, r.final);
    // final vs start: the whole strain 6e-4 is one affine map
    expect(largestDisplacement(u, 2).norm).toBeLessThan(1e-9);
  });

  it('stress rises linearly with the Born modulus (literal pair sum and finite difference of U)', () => {
    const mu = bornModulus(crystal);
    expect(mu).toBeGreaterThan(1);
    const V = crystal.box.volume;
    const s0 = r.steps[0].stress;
    for (const s of r.steps.slice(1)) {
      const slope = (s.stress - s0) / s.strain;
      expect(Math.abs(slope - mu) / mu).toBeLessThan(20 * s.strain);
    }
    // d2U/dgamma2 / V from the energies of the steps (second difference around step 1)
    const e = r.steps.map((s) => s.energy);
    const fd2 = (e[2] - 2 * e[1] + e[0]) / (dg * dg) / V;
    expect(Math.abs(fd2 - mu) / mu).toBeLessThan(1e-3);
  });

  it('sigma_xy = -W_xy/V equals (1/V) dU/dgamma', () => {
    const e = r.steps.map((s) => s.energy);
    const V = crystal.box.volume;
    for (let k = 1; k < r.steps.length - 1; k++) {
      const fd = (e[k + 1] - e[k - 1]) / (2 * dg) / V;
      expect(Math.abs(fd - r.steps[k].stress)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });
});

describe('AQS shear of a 3D FCC crystal (ipl3d, small particles)', () => {
  const pot3 = getPotential('ipl3d') as PairPotential;
  const a = Math.SQRT2, m = 4; // nearest neighbours at 1, second shell at 1.41 (inside the cutoff 1.48)
  const basis = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]];
  const pos: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) for (const b of basis) pos.push((i + b[0] + 0.1) * a, (j + b[1] + 0.1) * a, (k + b[2] + 0.1) * a);
  const fcc = createSystem({ box: Box.cube(3, m * a), positions: pos });
  const dg = 1e-4;
  const r = aqsShear(fcc, createForceProvider(pot3), { strainStep: dg, maxStrain: 4 * dg });

  it('stays affine, and the stress is dU/dgamma / V with slope the Born modulus', () => {
    for (const s of r.steps) expect(s.maxForce).toBeLessThan(1e-10);
    expect(r.events).toHaveLength(0);
    expect(largestDisplacement(nonAffineDisplacement(r.start, r.final), 3).norm).toBeLessThan(1e-9);
    const mu = bornModulus(fcc, pot3), V = fcc.box.volume, e = r.steps.map((s) => s.energy);
    expect(mu).toBeGreaterThan(1);
    for (let k = 1; k < r.steps.length - 1; k++) {
      expect(Math.abs((e[k + 1] - e[k - 1]) / (2 * dg) / V - r.steps[k].stress)).toBeLessThan(1e-6);
    }
    const slope = (r.steps[1].stress - r.steps[0].stress) / dg;
    expect(Math.abs(slope - mu) / mu).toBeLessThan(2e-3);
  });
});

describe('tilt flip', () => {
  const glass = ipl2dGlass(64, 3);
  const lx = glass.box.lengths[0];

  it('flipping xy past lx/2 keeps the energy and the unwrapped positions', () => {
    const near = cloneSystem(glass);
    near.images = new Int32Array(near.n * 2);
    applyShear(near, 0.5 * lx - 1e-3);
    expect(near.box.xy).toBeCloseTo(0.5 * lx - 1e-3, 12);
    const before = unwrappedPositions(near);
    const flipped = cloneSystem(near);
    expect(applyShear(flipped, 2e-3)).toBe(true);
    expect(flipped.box.xy).toBeCloseTo(-0.5 * lx + 1e-3, 12);
    // the same configuration in the unflipped cell (|xy| > lx/2 is a valid, strongly tilted cell)
    const unflipped = cloneSystem(near);
    unflipped.box = near.box.with({ tilt: { xy: near.box.xy + 2e-3 } });
    const dx = 2e-3 / near.box.lengths[1];
    for (let i = 0; i < near.n; i++) unflipped.positions[2 * i] += dx * (near.positions[2 * i + 1] - near.box.lo[1]);
    const eF = createForceProvider(pot).compute(flipped);
    const eU = createForceProvider(pot).compute(unflipped);
    expect(Math.abs(eF.energy - eU.energy)).toBeLessThan(1e-10 * Math.abs(eU.energy));
    expect(Math.abs(shearStress(eF, flipped.box) - shearStress(eU, unflipped.box))).toBeLessThan(1e-9);
    // unwrapped coordinates moved by the affine shear only
    const after = unwrappedPositions(flipped);
    for (let i = 0; i < near.n; i++) {
      expect(Math.abs(after[2 * i + 1] - before[2 * i + 1])).toBeLessThan(1e-9);
      expect(Math.abs(after[2 * i] - before[2 * i] - dx * (near.positions[2 * i + 1] - near.box.lo[1]))).toBeLessThan(1e-9);
    }
  });

  it('an AQS run across the flip stays continuous (sheared crystal: affine, stress = dU/dgamma / V)', () => {
    const crystal = triangularCrystal(8, 8, 1.0);
    const dg = 1e-4, L = crystal.box.lengths;
    applyShear(crystal, 0.5 * L[0] - 1.5 * dg * L[1]); // 1.5 steps below the flip
    const r = aqsShear(crystal, createForceProvider(pot), { strainStep: dg, maxStrain: 4 * dg, checkReversibility: false });
    expect(r.flips).toBe(1);
    expect(r.final.box.xy).toBeLessThan(0);
    expect(r.events).toHaveLength(0);
    expect(largestDisplacement(nonAffineDisplacement(r.start, r.final), 2).norm).toBeLessThan(1e-9);
    const e = r.steps.map((s) => s.energy), V = crystal.box.volume;
    for (let k = 1; k < r.steps.length - 1; k++) {
      expect(Math.abs((e[k + 1] - e[k - 1]) / (2 * dg) / V - r.steps[k].stress)).toBeLessThan(1e-6 * Math.max(1, Math.abs(r.steps[k].stress)));
    }
    expect(() => aqsShear(crystal, createForceProvider(pot), { strainStep: dg, maxStrain: 4 * dg, tiltFlip: 'refuse' })).toThrow(/half the box length/);
  });

  it("tiltFlip 'refuse' throws a clear error", () => {
    const near = cloneSystem(glass);
    applyShear(near, 0.5 * lx - 1e-3);
    expect(() => applyShear(near, 2e-3, 'refuse')).toThrow(/half the box length/);
  });
});

describe('AQS shear of a small ipl2d glass', () => {
  const glass = ipl2dGlass(64, 3);
  const r = aqsShear(glass, createForceProvider(pot), { strainStep: 1e-3, maxEvents: 1, maxStrain: 0.05 });

  it('minimises every step to max |F| < 1e-10 and stops at the first event', () => {
    for (const s of r.steps) expect(s.maxForce).toBeLessThan(1e-10);
    expect(r.stopReason).toBe('events');
    expect(r.events).toHaveLength(1);
    r.steps.forEach((s, k) => expect(s.strain).toBeCloseTo(k * 1e-3, 14));
  });

  it('detects the first event as a stress drop and locates it', () => {
    const e = r.events[0];
    expect(e.ordinal).toBe(1);
    expect(e.stressAfter).toBeLessThan(e.stressBefore);
    // the elastic steps before it raised the stress
    for (let k = 1; k < e.step; k++) expect(r.steps[k].stress).toBeGreaterThan(r.steps[k - 1].stress - 1e-9);
    expect(e.stressBefore).toBe(r.steps[e.step - 1].stress);
    expect(e.strainAfter - e.strainBefore).toBeCloseTo(1e-3, 14);
    expect(e.maxNonAffine).toBeGreaterThan(0.1);
    expect(e.atomId).toBe(glass.ids[e.atom]);
    // position in the unsheared start frame
    expect(Array.from(e.position)).toEqual(Array.from(r.start.positions.slice(2 * e.atom, 2 * e.atom + 2)));
    // the D2min maximum is at the located particle, and the D2min field is non-negative
    expect(e.d2minAtom).toBe(e.atom);
    for (const v of e.d2min) expect(v).toBeGreaterThanOrEqual(0);
    // figure: curve and one event marker
    const fig = r.figure();
    expect(fig.data).toHaveLength(2);
    expect((fig.data[1].x as number[])).toEqual([e.strainBefore]);
  });

  it("the chord-Newton and the plain minimiser solvers find the same minima and event", () => {
    const m = aqsShear(glass, createForceProvider(pot), { strainStep: 1e-3, maxEvents: 1, maxStrain: 0.05, solver: 'minimize' });
    expect(m.steps).toHaveLength(r.steps.length);
    m.steps.forEach((s, k) => {
      expect(Math.abs(s.stress - r.steps[k].stress)).toBeLessThan(1e-8);
      expect(Math.abs(s.energy - r.steps[k].energy)).toBeLessThan(1e-9 * Math.abs(s.energy));
    });
    expect(m.events[0].atom).toBe(r.events[0].atom);
    expect(m.events[0].step).toBe(r.events[0].step);
  });

  it('validates its options', () => {
    expect(() => aqsShear(glass, createForceProvider(pot), { strainStep: -1, maxEvents: 1 })).toThrow(/strainStep/);
    expect(() => aqsShear(glass, createForceProvider(pot), {})).toThrow(/maxEvents or a finite positive maxStrain/);
  });
});
