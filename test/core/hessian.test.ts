import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { assembleHessian, blockIndex, hessianMatVec, hessianPairs, toDense, type SparseHessian } from '../../src/core/hessian.ts';
import { computeForcesF64 } from '../../src/core/forces-f64.ts';
import { buildNeighborList } from '../../src/neighbor/neighbor-list.ts';
import { createIpl } from '../../src/potential/ipl.ts';
import { loadEamFs } from '../../src/potential/eam-fs.ts';
import type { Potential } from '../../src/potential/types.ts';
import { cloneSystem, type System } from '../../src/system/system.ts';
import { makeBox, polyEam, polyPair, randomSystem, rng, type BoxSpec } from './forces-fixtures.ts';

function forces(sys: System, pot: Potential): Float64Array {
  const nl = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0.01, kind: 'half' });
  return computeForcesF64(sys, pot, nl).forces;
}

/** Column k of the Hessian by central differences of the forces: -(F(x + h e_k) - F(x - h e_k)) / 2h. */
function fdColumn(sys: System, pot: Potential, k: number, h: number): Float64Array {
  const s = cloneSystem(sys);
  const x0 = s.positions[k];
  s.positions[k] = x0 + h; const fp = forces(s, pot);
  s.positions[k] = x0 - h; const fm = forces(s, pot);
  return fp.map((v, q) => -(v - fm[q]) / (2 * h));
}

/** Compare columns `cols` of H with finite differences; returns max error and max |entry|. */
function compareWithFd(sys: System, pot: Potential, H: SparseHessian, cols: Iterable<number>, h: number): { diff: number; scale: number } {
  const A = toDense(H);
  const nd = sys.n * sys.dim;
  let diff = 0, scale = 0;
  for (const k of cols) {
    const c = fdColumn(sys, pot, k, h);
    for (let q = 0; q < nd; q++) {
      diff = Math.max(diff, Math.abs(A[q * nd + k] - c[q]));
      scale = Math.max(scale, Math.abs(c[q]));
    }
  }
  return { diff, scale };
}

function expectSymmetricWithZeroRowSums(H: SparseHessian): void {
  const A = toDense(H);
  const d = H.dim, nd = H.n * d;
  let scale = 0;
  for (const v of A) scale = Math.max(scale, Math.abs(v));
  expect(scale).toBeGreaterThan(0);
  for (let p = 0; p < nd; p++) for (let q = 0; q < p; q++) expect(Math.abs(A[p * nd + q] - A[q * nd + p])).toBeLessThan(1e-12 * scale);
  // translation invariance: sum_j H_(i,a),(j,b) = 0 for every i, a, b
  for (let p = 0; p < nd; p++) {
    for (let b = 0; b < d; b++) {
      let s = 0;
      for (let j = 0; j < H.n; j++) s += A[p * nd + j * d + b];
      expect(Math.abs(s)).toBeLessThan(1e-11 * scale);
    }
  }
}

const boxes: Record<string, BoxSpec> = {
  'ortho 3D': { dim: 3, lengths: [4.0, 4.3, 4.1] },
  'triclinic 3D': { dim: 3, lengths: [4.0, 4.3, 4.1], tilt: { xy: 1.2, xz: -0.9, yz: 0.8 } },
  'ortho 2D': { dim: 2, lengths: [5.2, 4.9] },
  'triclinic 2D': { dim: 2, lengths: [5.2, 4.9], tilt: { xy: 1.9 } },
};

describe('sparse Hessian of the analytic test potentials', () => {
  for (const [pname, makePot] of Object.entries({ pair: polyPair, EAM: polyEam })) {
    for (const [bname, spec] of Object.entries(boxes)) {
      it(`${pname}, ${bname}: equals finite differences of the forces, symmetric, rows sum to zero`, () => {
        const pot = makePot();
        const sys = randomSystem(makeBox(spec), spec.dim === 3 ? 22 : 18, 41, { minDist: 0.55, unwrapped: true });
        const H = assembleHessian(sys, pot);
        const nd = sys.n * sys.dim;
        const cmp = compareWithFd(sys, pot, H, Array.from({ length: nd }, (_, k) => k), 1e-5);
        expect(cmp.scale).toBeGreaterThan(0.5);
        expect(cmp.diff).toBeLessThan(1e-7 * cmp.scale);
        expectSymmetricWithZeroRowSums(H);
      });
    }
  }

  it('EAM couples second neighbours (blocks beyond the cutoff are present and non-zero)', () => {
    const pot = polyEam();
    const sys = randomSystem(makeBox({ dim: 3, lengths: [4.5, 4.5, 4.5] }), 30, 5, { minDist: 0.6 });
    const H = assembleHessian(sys, pot);
    const nl = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0, kind: 'full' });
    let beyond = 0;
    for (const { i, j, block } of hessianPairs(H)) {
      const row = nl.neighbors.subarray(i * nl.stride, i * nl.stride + nl.counts[i]);
      if (!row.includes(j) && block.some((v) => v !== 0)) beyond++;
    }
    expect(beyond).toBeGreaterThan(0);
  });
});

describe('Hessian storage and helpers', () => {
  const pot = polyEam();
  const sys = randomSystem(makeBox(boxes['triclinic 3D']), 20, 8, { minDist: 0.55 });
  const H = assembleHessian(sys, pot);
  const A = toDense(H);
  const nd = sys.n * 3;

  it('block CSR layout: sorted columns, diagonal present, values[b*9 + a*3 + c] = H_(i,a),(j,c)', () => {
    for (let i = 0; i < H.n; i++) {
      const cols = H.colIdx.subarray(H.rowPtr[i], H.rowPtr[i + 1]);
      for (let k = 1; k < cols.length; k++) expect(cols[k]).toBeGreaterThan(cols[k - 1]);
      expect(cols.includes(i)).toBe(true);
    }
    const b = blockIndex(H, 3, 3);
    expect(H.values[b * 9 + 1 * 3 + 2]).toBe(A[(3 * 3 + 1) * nd + 3 * 3 + 2]);
  });

  it('hessianMatVec equals the dense product', () => {
    const r = rng(3);
    const x = Float64Array.from({ length: nd }, () => r() - 0.5);
    const y = hessianMatVec(H, x);
    for (let p = 0; p < nd; p++) {
      let s = 0;
      for (let q = 0; q < nd; q++) s += A[p * nd + q] * x[q];
      expect(y[p]).toBeCloseTo(s, 10);
    }
    expect(() => hessianMatVec(H, new Float64Array(5))).toThrow(/expected n\*dim = 60/);
  });

  it('hessianPairs visits every upper block once (plus the diagonal on request)', () => {
    let upper = 0, diag = 0;
    for (const { i, j, block } of hessianPairs(H, { diagonal: true })) {
      expect(j).toBeGreaterThanOrEqual(i);
      if (i === j) diag++; else upper++;
      for (let a = 0; a < 3; a++) for (let c = 0; c < 3; c++) expect(block[a * 3 + c]).toBe(A[(3 * i + a) * nd + 3 * j + c]);
    }
    expect(diag).toBe(sys.n);
    expect(2 * upper + diag).toBe(H.colIdx.length);
  });

  it('massWeighted divides block (i, j) by sqrt(m_i m_j)', () => {
    const D = toDense(assembleHessian(sys, pot, { massWeighted: true }));
    for (let p = 0; p < nd; p++) {
      for (let q = 0; q < nd; q++) {
        const w = Math.sqrt(sys.masses[Math.floor(p / 3)] * sys.masses[Math.floor(q / 3)]);
        expect(D[p * nd + q]).toBeCloseTo(A[p * nd + q] / w, 12);
      }
    }
  });

  it('toDense refuses large systems', () => {
    expect(() => toDense(H, 10)).toThrow(/60 degrees of freedom exceed maxDof = 10/);
  });
});

describe('Hessian with the real potentials of src/potential', () => {
  it('IPL 2D: equals finite differences of the forces', () => {
    const pot = createIpl({ dim: 2 });
    const sys = randomSystem(makeBox({ dim: 2, lengths: [5.6, 5.9], tilt: { xy: 0.9 } }), 24, 13, { minDist: 0.85 });
    const H = assembleHessian(sys, pot);
    const cmp = compareWithFd(sys, pot, H, Array.from({ length: 48 }, (_, k) => k), 1e-6);
    expect(cmp.diff).toBeLessThan(1e-6 * cmp.scale);
    expectSymmetricWithZeroRowSums(H);
  });

  const cuzr = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
  it.skipIf(!existsSync(cuzr))('CuZr EAM/FS: selected columns equal finite differences of the forces', () => {
    const pot = loadEamFs(cuzr);
    const L = 2.1 * pot.maxCutoff;
    const sys = randomSystem(makeBox({ dim: 3, lengths: [L, L, L], tilt: { xy: 0.8 } }), 90, 19, { minDist: 2.3 });
    const H = assembleHessian(sys, pot);
    // The tabulated functions are LAMMPS cubic splines on a grid of dr = 7.6e-4 A, whose second
    // derivative jumps at the knots: a step h = 1e-5 often straddles a knot (errors ~1e-4 then),
    // h = 1e-6 rarely does (agreement to ~1e-9 measured).
    const cmp = compareWithFd(sys, pot, H, [0, 1, 2, 50, 121, 200, 269], 1e-6);
    expect(cmp.scale).toBeGreaterThan(0.1);
    expect(cmp.diff).toBeLessThan(1e-7 * cmp.scale);
    expectSymmetricWithZeroRowSums(H);
  });
});
