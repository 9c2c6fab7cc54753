/**
 * The fused velocity-Verlet passes of src/md/state.ts against literal
 * one-operation-per-loop references (the integrators rely on them being the
 * same bits: LAMMPS agreement and bit-identical resumes were established
 * with the unfused loops), and the non-finite force check.
 */
import { describe, expect, it } from 'vitest';
import { checkForces, closingKick, kick, kickTwiceKinetic, scaleKickDrift, twiceKinetic, type MdState } from '../../src/md/state.ts';
import { getUnits, type UnitsName } from '../../src/util/units.ts';
import { kineticEnergy } from '../../src/md/velocities.ts';
import { Box, type Dim } from '../../src/system/box.ts';
import { createSystem } from '../../src/system/system.ts';
import { rng } from '../io/helpers.ts';

function randomState(dim: Dim, n: number, units: UnitsName, seed: number): MdState {
  const r = rng(seed);
  const sys = createSystem({
    box: Box.cube(dim, 10),
    positions: Array.from({ length: n * dim }, () => 10 * r()),
    velocities: Array.from({ length: n * dim }, () => r() - 0.5),
    masses: Array.from({ length: n }, () => 0.5 + 60 * r()),
  });
  const forces = Float64Array.from({ length: n * dim }, () => 40 * (r() - 0.5));
  return {
    sys, units: getUnits(units), dt: 0.005, step: 0, time: 0, timeOrigin: 0, stepOrigin: 0,
    force: { energy: -1, forces, virial: new Float64Array(dim === 3 ? 6 : 3) },
    dof: dim * (n - 1), rampBegin: 0, rampEnd: 0, integrator: 'test', params: {}, ext: {},
  };
}

/** Literal references: one operation per loop, the order of the original integrator. */
function refScale(v: Float64Array, f: number): void { for (let q = 0; q < v.length; q++) v[q] *= f; }
function refKick(st: MdState, v: Float64Array, h: number): void {
  const d = st.sys.dim;
  for (let q = 0; q < v.length; q++) v[q] += ((h * st.units.ftm2v) / st.sys.masses[Math.floor(q / d)]) * st.force.forces[q];
}
function refDrift(x: Float64Array, v: Float64Array, dt: number): void { for (let q = 0; q < x.length; q++) x[q] += dt * v[q]; }
function refTwoK(st: MdState, v: Float64Array): number {
  const d = st.sys.dim;
  let s = 0;
  for (let i = 0; i < st.sys.n; i++) {
    let v2 = 0;
    for (let k = 0; k < d; k++) v2 += v[i * d + k] * v[i * d + k];
    s += st.sys.masses[i] * v2;
  }
  return 2 * (0.5 * st.units.mvv2e * s);
}

function sameBits(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  for (let q = 0; q < a.length; q++) if (!Object.is(a[q], b[q])) expect.fail(`element ${q}: ${a[q]} != reference ${b[q]}`);
}

describe('fused integrator passes equal the separate loops bit for bit', () => {
  for (const dim of [2, 3] as const) {
    for (const units of ['lj', 'metal'] as const) {
      it(`${dim}D, ${units} units`, () => {
        const st = randomState(dim, 333, units, dim * 10 + units.length);
        const v = st.sys.velocities!.slice(), x = st.sys.positions.slice();
        const f = 0.9973, h = 0.0025, dt = 0.005;
        scaleKickDrift(st, f, h, dt);
        refScale(v, f); refKick(st, v, h); refDrift(x, v, dt);
        sameBits(st.sys.velocities!, v);
        sameBits(st.sys.positions, x);

        const twoK = kickTwiceKinetic(st, h);
        refKick(st, v, h);
        sameBits(st.sys.velocities!, v);
        expect(Object.is(twoK, refTwoK(st, v))).toBe(true);
        expect(Object.is(twiceKinetic(st), refTwoK(st, v))).toBe(true);
        expect(Object.is(2 * kineticEnergy(st.sys, st.units), refTwoK(st, v))).toBe(true);

        kick(st, -h);
        refKick(st, v, -h);
        sameBits(st.sys.velocities!, v);
      });
    }
  }
});

describe('checkForces', () => {
  it('passes finite forces (signed zeros, huge values) and names the atom of a non-finite one anywhere', () => {
    for (const dim of [2, 3] as const) {
      for (const n of [2, 3, 5, 7]) { // force arrays of every length mod 4
        const st = randomState(dim, n, 'lj', n);
        const F = st.force.forces;
        F[0] = -0; F[F.length - 1] = 1e308;
        expect(() => checkForces(st.force, st.sys, 'here')).not.toThrow();
        for (let q = 0; q < F.length; q++) {
          for (const bad of [NaN, Infinity, -Infinity]) {
            const old = F[q];
            F[q] = bad;
            expect(() => checkForces(st.force, st.sys, 'here')).toThrow(new RegExp(`^here: non-finite force on atom id ${st.sys.ids[Math.floor(q / dim)]};`));
            F[q] = old;
          }
        }
      }
    }
  });

  it('closingKick: the bits of kickTwiceKinetic, and the error of checkForces for a non-finite force or energy anywhere', () => {
    for (const dim of [2, 3] as const) {
      const st = randomState(dim, 5, 'lj', 7), ref = randomState(dim, 5, 'lj', 7);
      expect(Object.is(closingKick(st, 0.0025), kickTwiceKinetic(ref, 0.0025))).toBe(true);
      sameBits(st.sys.velocities!, ref.sys.velocities!);
      const F = st.force.forces;
      for (let q = 0; q < F.length; q++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const old = F[q];
          F[q] = bad;
          expect(() => closingKick(st, 0.0025)).toThrow(new RegExp(`^md/test.step 0: non-finite force on atom id ${st.sys.ids[Math.floor(q / dim)]};`));
          F[q] = old;
          st.sys.velocities!.fill(0.1);
        }
      }
      st.force.energy = Infinity;
      expect(() => closingKick(st, 0.0025)).toThrow(/^md\/test.step 0: the potential energy is Infinity/);
    }
  });

  it('reports a non-finite energy first', () => {
    const st = randomState(3, 4, 'lj', 1);
    st.force.energy = NaN;
    expect(() => checkForces(st.force, st.sys, 'md/x')).toThrow(/md\/x: the potential energy is NaN/);
  });
});
