import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { assembleHessian, factoredHessian, hessianMatVec, toDense, type HessianOperator } from '../../src/core/hessian.ts';
import { createKobAndersen } from '../../src/potential/ka.ts';
import { loadEamFs } from '../../src/potential/eam-fs.ts';
import type { Potential } from '../../src/potential/types.ts';
import type { System } from '../../src/system/system.ts';
import { lowestModes } from '../../src/linalg/normal-modes.ts';
import { buildNeighborList } from '../../src/neighbor/neighbor-list.ts';
import { makeBox, polyEam, polyPair, randomSystem, rng, type BoxSpec } from './forces-fixtures.ts';

/** The dense matrix of an operator, column k = H e_k. */
function denseOf(H: HessianOperator): Float64Array {
  const nd = H.n * H.dim, A = new Float64Array(nd * nd), e = new Float64Array(nd), y = new Float64Array(nd);
  for (let k = 0; k < nd; k++) {
    e.fill(0); e[k] = 1;
    hessianMatVec(H, e, y);
    for (let q = 0; q < nd; q++) A[q * nd + k] = y[q];
  }
  return A;
}

/** max |factored - assembled| / max |assembled| over the whole matrix, plain and mass weighted. */
function factoredAgainstAssembled(sys: System, pot: Potential): number[] {
  return [false, true].map((massWeighted) => {
    const ref = toDense(assembleHessian(sys, pot, { massWeighted }));
    const got = denseOf(factoredHessian(sys, pot, { massWeighted }));
    let diff = 0, scale = 0;
    for (let q = 0; q < ref.length; q++) { diff = Math.max(diff, Math.abs(got[q] - ref[q])); scale = Math.max(scale, Math.abs(ref[q])); }
    expect(scale).toBeGreaterThan(0);
    return diff / scale;
  });
}

const boxes: Record<string, BoxSpec> = {
  'ortho 3D': { dim: 3, lengths: [4.0, 4.3, 4.1] },
  'triclinic 3D': { dim: 3, lengths: [4.0, 4.3, 4.1], tilt: { xy: 1.2, xz: -0.9, yz: 0.8 } },
  'ortho 2D': { dim: 2, lengths: [5.2, 4.9] },
  'triclinic 2D': { dim: 2, lengths: [5.2, 4.9], tilt: { xy: 1.9 } },
};

describe('factored Hessian (pair and embedding terms) equals the assembled one', () => {
  for (const [pname, makePot] of Object.entries({ pair: polyPair, EAM: polyEam })) {
    for (const [bname, spec] of Object.entries(boxes)) {
      if (pname === 'EAM' && spec.dim === 2) continue; // the EAM test potential is 3D
      it(`${pname}, ${bname}`, () => {
        const sys = randomSystem(makeBox(spec), spec.dim === 3 ? 22 : 18, 41, { minDist: 0.55, unwrapped: true });
        for (const rel of factoredAgainstAssembled(sys, makePot())) expect(rel).toBeLessThan(1e-12);
      });
    }
  }

  for (const [bname, tilt] of Object.entries({ orthorhombic: undefined, triclinic: { xy: 0.9, xz: -0.6, yz: 0.4 } })) {
    it(`KA, ${bname}`, () => {
      const sys = randomSystem(makeBox({ dim: 3, lengths: [5.6, 5.9, 6.1], tilt }), 120, 7, { minDist: 0.8 });
      for (const rel of factoredAgainstAssembled(sys, createKobAndersen())) expect(rel).toBeLessThan(1e-12);
    });
    const cuzr = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
    it.skipIf(!existsSync(cuzr))(`CuZr EAM/FS, ${bname}`, () => {
      const pot = loadEamFs(cuzr);
      const L = 2.1 * pot.maxCutoff;
      const sys = randomSystem(makeBox({ dim: 3, lengths: [L, 1.05 * L, L], tilt: tilt && { xy: 2.5, xz: -1.8, yz: 1.2 } }), 90, 19, { minDist: 2.3 });
      for (const rel of factoredAgainstAssembled(sys, pot)) expect(rel).toBeLessThan(1e-12);
    });
  }

  it('lowestModes takes it: the same modes as from the assembled dynamical matrix', () => {
    const pot = polyEam();
    const sys = randomSystem(makeBox(boxes['triclinic 3D']), 22, 41, { minDist: 0.55 });
    const opts = { k: 4, masses: sys.masses, method: 'plain' as const, seed: 3 };
    const a = lowestModes(assembleHessian(sys, pot, { massWeighted: true }), opts);
    const f = lowestModes(factoredHessian(sys, pot, { massWeighted: true }), opts);
    for (let m = 0; m < 4; m++) expect(f.eigenvalues[m]).toBeCloseTo(a.eigenvalues[m], 9);
  });

  it('checks the vector length and the neighbour list', () => {
    const pot = polyPair();
    const sys = randomSystem(makeBox(boxes['ortho 3D']), 10, 3, { minDist: 0.55 });
    expect(() => hessianMatVec(factoredHessian(sys, pot), new Float64Array(4))).toThrow(/expected n\*dim = 30/);
    const x = Float64Array.from({ length: 30 }, rng(2));
    expect(hessianMatVec(factoredHessian(sys, pot), x).length).toBe(30);
    const full = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0, kind: 'full' });
    expect(() => factoredHessian(sys, pot, { neighborList: full })).toThrow(/factoredHessian: option neighborList must be a 'half' list/);
  });
});
