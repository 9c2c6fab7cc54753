import { describe, expect, it } from 'vitest';
import { computeForcesF64, F64Workspace, ljCoefficientsOf } from '../../src/core/forces-f64.ts';
import { buildNeighborList } from '../../src/neighbor/neighbor-list.ts';
import type { Potential } from '../../src/potential/types.ts';
import { createKobAndersen } from '../../src/potential/ka.ts';
import { createIpl } from '../../src/potential/ipl.ts';
import { loadEamFs } from '../../src/potential/eam-fs.ts';
import { cloneSystem, type System } from '../../src/system/system.ts';
import { deformed, makeBox, maxDiff, polyEam, polyPair, randomSystem, referenceEnergy, type BoxSpec } from './forces-fixtures.ts';
import { existsSync } from 'node:fs';

function evaluate(sys: System, pot: Potential, peratom = false) {
  const nl = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0.05 * pot.maxCutoff, kind: 'half' });
  return computeForcesF64(sys, pot, nl, { peratom });
}

/** Central finite-difference gradient of the energy, -dE/dx, for the coordinates `coords` (default all; others left 0). */
function fdForces(sys: System, pot: Potential, h: number, coords?: number[]): Float64Array {
  const f = new Float64Array(sys.positions.length);
  const s = cloneSystem(sys);
  for (const k of coords ?? f.keys()) {
    const x0 = s.positions[k];
    s.positions[k] = x0 + h; const ep = evaluate(s, pot).energy;
    s.positions[k] = x0 - h; const em = evaluate(s, pot).energy;
    s.positions[k] = x0;
    f[k] = -(ep - em) / (2 * h);
  }
  return f;
}

/** -dE/d(eps_ab) by central differences of an affine deformation (I + eps) of box and atoms. */
function fdVirial(sys: System, pot: Potential, h: number): Float64Array {
  const comps: [number, number][] = sys.dim === 3 ? [[0, 0], [1, 1], [2, 2], [0, 1], [0, 2], [1, 2]] : [[0, 0], [1, 1], [0, 1]];
  return Float64Array.from(comps, ([a, b]) => {
    const eps = (v: number) => { const e = [[0, 0, 0], [0, 0, 0], [0, 0, 0]]; e[a][b] = v; return e; };
    return -(evaluate(deformed(sys, eps(h)), pot).energy - evaluate(deformed(sys, eps(-h)), pot).energy) / (2 * h);
  });
}

const boxes: Record<string, BoxSpec> = {
  'ortho 3D': { dim: 3, lengths: [4.6, 5.1, 4.9], lo: [0.3, -2, 1] },
  'triclinic 3D': { dim: 3, lengths: [4.6, 5.1, 4.9], tilt: { xy: 1.7, xz: -1.2, yz: 1.4 } },
  'ortho 2D': { dim: 2, lengths: [6.3, 5.8] },
  'triclinic 2D': { dim: 2, lengths: [6.3, 5.8], tilt: { xy: -2.1 } },
};

const potentials: Record<string, () => Potential> = { 'analytic pair': () => polyPair(), 'analytic EAM': () => polyEam() };

describe('f64 forces: analytic test potentials against literal references and finite differences', () => {
  for (const [pname, makePot] of Object.entries(potentials)) {
    for (const [bname, spec] of Object.entries(boxes)) {
      it(`${pname}, ${bname}`, () => {
        const pot = makePot();
        const sys = randomSystem(makeBox(spec), spec.dim === 3 ? 36 : 30, 101, { minDist: 0.6, unwrapped: true });
        const res = evaluate(sys, pot, true);
        const ref = referenceEnergy(sys, pot);
        // energies: total and per atom equal the all-images definition
        expect(res.energy).toBeCloseTo(ref.energy, 11);
        const pe = maxDiff(res.peratomEnergy!, ref.peratom);
        expect(pe.diff).toBeLessThan(1e-12 * (1 + pe.scale));
        // forces = -grad E
        const fd = fdForces(sys, pot, 1e-6);
        const df = maxDiff(res.forces, fd);
        expect(df.scale).toBeGreaterThan(0.1); // the test is not vacuous
        expect(df.diff).toBeLessThan(2e-7 * df.scale);
        // Newton's third law
        for (let c = 0; c < sys.dim; c++) {
          let sum = 0;
          for (let i = 0; i < sys.n; i++) sum += res.forces[i * sys.dim + c];
          expect(Math.abs(sum)).toBeLessThan(1e-12 * df.scale * sys.n);
        }
        // per-atom energies and virials sum to the totals
        expect(res.peratomEnergy!.reduce((a, b) => a + b, 0)).toBeCloseTo(res.energy, 11);
        const nc = sys.dim === 3 ? 6 : 3;
        for (let c = 0; c < nc; c++) {
          let sum = 0;
          for (let i = 0; i < sys.n; i++) sum += res.peratomVirial![i * nc + c];
          expect(sum).toBeCloseTo(res.virial[c], 11);
        }
        // virial = -dE/d(strain)
        const wv = fdVirial(sys, pot, 1e-6);
        const dv = maxDiff(res.virial, wv);
        expect(dv.scale).toBeGreaterThan(0.1);
        expect(dv.diff).toBeLessThan(2e-7 * dv.scale);
        // without peratom the same numbers come out
        const plain = evaluate(sys, pot);
        expect(plain.peratomEnergy).toBeUndefined();
        expect(maxDiff(plain.forces, res.forces).diff).toBe(0);
      });
    }
  }

  it('uses half lists only, and a list cutoff covering the potential', () => {
    const pot = polyPair();
    const sys = randomSystem(makeBox(boxes['ortho 3D']), 20, 1);
    const full = buildNeighborList(sys, { cutoff: 1.6, skin: 0.1, kind: 'full' });
    expect(() => computeForcesF64(sys, pot, full)).toThrow(/needs a 'half' neighbour list/);
    const short = buildNeighborList(sys, { cutoff: 1.0, skin: 0.1, kind: 'half' });
    expect(() => computeForcesF64(sys, pot, short)).toThrow(/below the potential's cutoff 1.6/);
  });
});

describe('f64 forces with the real potentials of src/potential', () => {
  it('KA: the inlined LJ-table path equals the generic radial() path and the literal reference', () => {
    for (const scheme of ['shift', 'shifted-force'] as const) {
      const pot = createKobAndersen(scheme);
      expect(ljCoefficientsOf(pot)).not.toBeNull();
      const box = makeBox({ dim: 3, lengths: [6.2, 6.0, 6.4], tilt: { xy: 1.1, xz: 0.4, yz: -0.9 } });
      const sys = randomSystem(box, 110, 7, { minDist: 0.85 });
      const nl = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0.3, kind: 'half' });
      const fast = computeForcesF64(sys, pot, nl, { peratom: true });
      const generic = computeForcesF64(sys, pot, nl, { peratom: true }, undefined, null);
      const df = maxDiff(fast.forces, generic.forces);
      expect(df.diff).toBeLessThan(1e-12 * df.scale);
      expect(fast.energy).toBeCloseTo(generic.energy, 10);
      expect(maxDiff(fast.virial, generic.virial).diff).toBeLessThan(1e-11 * maxDiff(fast.virial, generic.virial).scale);
      expect(maxDiff(fast.peratomVirial!, generic.peratomVirial!).diff).toBeLessThan(1e-11);
      expect(fast.energy).toBeCloseTo(referenceEnergy(sys, pot, 1).energy, 9);
      const sub = randomSystem(makeBox({ dim: 3, lengths: [5.6, 5.7, 5.8], tilt: { xy: 0.7, xz: -0.4, yz: 0.5 } }), 36, 3, { minDist: 0.9 });
      if (scheme === 'shifted-force') {
        const fd = fdForces(sub, pot, 1e-6);
        const d = maxDiff(evaluate(sub, pot).forces, fd);
        expect(d.diff).toBeLessThan(1e-6 * d.scale);
      }
      // every component of the virial tensor (what the aniso/tri barostats read) is -dE/d(strain)
      const v = maxDiff(evaluate(sub, pot).virial, fdVirial(sub, pot, 1e-7));
      expect(v.scale).toBeGreaterThan(1);
      expect(v.diff).toBeLessThan(1e-6 * v.scale);
    }
  });

  it('KA: the virial read later (computed on first read) is that of its own configuration, equal to the eager one, and forces do not depend on peratom', () => {
    const pot = createKobAndersen('shift');
    for (const spec of [{ dim: 3, lengths: [6.2, 6.0, 6.4], tilt: { xy: 1.1, xz: 0.4, yz: -0.9 } }, { dim: 2, lengths: [9.5, 9.1], tilt: { xy: 1.3 } }] as BoxSpec[]) {
      const pot2 = pot;
      const ws = new F64Workspace();
      const sys = randomSystem(makeBox(spec), spec.dim === 3 ? 110 : 70, 9, { minDist: 0.85 });
      const nl = buildNeighborList(sys, { cutoff: pot2.maxCutoff, skin: 0.3, kind: 'half' });
      const lazy = computeForcesF64(sys, pot2, nl, {}, ws);
      const eager = computeForcesF64(sys, pot2, nl, { peratom: true });
      // another configuration through the same workspace before the first virial is read
      const other = cloneSystem(sys);
      for (let k = 0; k < other.positions.length; k++) other.positions[k] += 0.01 * Math.sin(k);
      const moved = computeForcesF64(other, pot2, nl, {}, ws);
      expect(Array.from(lazy.forces)).toEqual(Array.from(eager.forces));
      expect(lazy.virial.length).toBe(spec.dim === 3 ? 6 : 3);
      expect(Array.from(lazy.virial)).toEqual(Array.from(eager.virial));
      expect(Array.from(moved.virial)).not.toEqual(Array.from(lazy.virial));
      // sum rule: the trace of the per-atom virials is the global one
      let tr = 0;
      for (let i = 0; i < sys.n; i++) tr += eager.peratomVirial![i * (spec.dim === 3 ? 6 : 3)];
      expect(tr).toBeCloseTo(lazy.virial[0], 9);
    }
  });

  it('IPL 2D and 3D (smooth cutoff): forces and virial by finite differences', () => {
    for (const dim of [2, 3] as const) {
      const pot = createIpl({ dim });
      const box = makeBox(dim === 3 ? { dim, lengths: [5.0, 5.2, 5.4], tilt: { xz: 0.8 } } : { dim, lengths: [6.5, 6.1], tilt: { xy: 1.2 } });
      const sys = randomSystem(box, dim === 3 ? 40 : 26, 17, { minDist: 0.85 });
      const res = evaluate(sys, pot);
      const d = maxDiff(res.forces, fdForces(sys, pot, 1e-6));
      expect(d.diff).toBeLessThan(1e-6 * d.scale);
      const v = maxDiff(res.virial, fdVirial(sys, pot, 1e-7));
      expect(v.diff).toBeLessThan(1e-6 * v.scale);
    }
  });

  const cuzr = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
  it.skipIf(!existsSync(cuzr))('CuZr EAM/FS: forces, per-atom energies and virial against references', () => {
    const pot = loadEamFs(cuzr);
    const L = 2.2 * pot.maxCutoff + 1;
    const sys = randomSystem(makeBox({ dim: 3, lengths: [L, L + 0.3, L + 0.5], tilt: { xy: 1.0, yz: -0.6 } }), 150, 23, { minDist: 2.2 });
    const res = evaluate(sys, pot, true);
    const ref = referenceEnergy(sys, pot, 1);
    expect(res.energy).toBeCloseTo(ref.energy, 9);
    expect(maxDiff(res.peratomEnergy!, ref.peratom).diff).toBeLessThan(1e-10);
    const coords = Array.from({ length: 40 }, (_, k) => (k * 37) % sys.positions.length);
    const fd = fdForces(sys, pot, 1e-5, coords);
    const d = maxDiff(coords.map((k) => res.forces[k]), coords.map((k) => fd[k]));
    expect(d.scale).toBeGreaterThan(0.1);
    expect(d.diff).toBeLessThan(1e-6 * d.scale);
    const v = maxDiff(res.virial, fdVirial(sys, pot, 1e-6));
    expect(v.diff).toBeLessThan(1e-5 * v.scale);
  });
});
