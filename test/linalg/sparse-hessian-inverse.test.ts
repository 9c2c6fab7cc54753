import { describe, expect, it } from 'vitest';
import { assembleHessian, hessianMatVec, toDense, type SparseHessian } from '../../src/core/hessian.ts';
import { symmetricEigen } from '../../src/linalg/dense-eigen.ts';
import { Rng } from '../../src/util/random.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { hessianToCsr } from '../../src/linalg/sparse-matrix.ts';
import { ldltFactor } from '../../src/linalg/sparse-ldlt.ts';
import { supernodalFactor } from '../../src/linalg/sparse-supernodal.ts';
import { hessianAtomGraph, nestedDissectionOrder, expandAtomOrder } from '../../src/linalg/sparse-ordering.ts';
import { orderingCoordinates } from '../../src/core/hessian-inverse.ts';
import { factorHessian, greenBlock, hessianInverseBlocks, pinnedSolve, pseudoInverseSolve, relativeCompliance } from '../../src/core/hessian-inverse.ts';
import { kaGlass } from './fixtures.ts';

/** Dense pseudo-inverse sum_{k >= dim} v_k v_k^T / lambda_k, dropping the dim translational zero modes (checked to be ~0). */
function densePseudoInverse(H: SparseHessian): Float64Array {
  const nd = H.n * H.dim, A = toDense(H);
  const { values, vectors } = symmetricEigen(A, nd);
  const V = vectors!;
  expect(Math.abs(values[H.dim - 1])).toBeLessThan(1e-9 * values[nd - 1]);
  expect(values[H.dim]).toBeGreaterThan(1e-4 * values[nd - 1] / nd); // rigid: no further zero modes
  const P = new Float64Array(nd * nd);
  for (let k = H.dim; k < nd; k++) {
    const inv = 1 / values[k];
    for (let i = 0; i < nd; i++) { const vi = V[k * nd + i] * inv; if (vi !== 0) for (let j = 0; j < nd; j++) P[i * nd + j] += vi * V[k * nd + j]; }
  }
  return P;
}

function maxAbs(a: ArrayLike<number>): number { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i])); return m; }

/** random force with zero total (per component, weights a_i) */
function balancedForce(nd: number, dim: number, seed: number, a?: Float64Array): Float64Array {
  const rng = new Rng(seed), f = Float64Array.from({ length: nd }, () => rng.uniform() - 0.5);
  const n = nd / dim;
  for (let al = 0; al < dim; al++) {
    let s = 0, m = 0;
    for (let i = 0; i < n; i++) { const w = a ? a[i] : 1; s += w * f[i * dim + al]; m += w * w; }
    for (let i = 0; i < n; i++) f[i * dim + al] -= (s / m) * (a ? a[i] : 1);
  }
  return f;
}

describe('pinned sparse LDL^T and selected inversion of a minimized KA Hessian (N = 216, 3D; the smallest KA box that fits the cutoff)', () => {
  const glass = kaGlass(216, 21);
  const H = assembleHessian(glass, getPotential('ka'));
  const nd = glass.n * 3;
  const pinv = densePseudoInverse(H);
  const scale = maxAbs(pinv);
  const F = factorHessian(H, glass, { pinnedAtom: 17 });

  it('the pinned Hessian is positive definite, and the pinned solve satisfies H u = f (f with zero total force) to 1e-10', () => {
    expect(F.factor.negativePivots).toBe(0);
    const f = balancedForce(nd, 3, 1);
    const u = pinnedSolve(F, f);
    expect(u[17 * 3]).toBe(0);
    const r = hessianMatVec(H, u);
    let num = 0, den = 0;
    for (let q = 0; q < nd; q++) { num += (r[q] - f[q]) ** 2; den += f[q] ** 2; }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-10);
  });

  it('pseudoInverseSolve equals the dense pseudo-inverse times b for any b (translations of b and x projected out)', () => {
    const rng = new Rng(2), b = Float64Array.from({ length: nd }, () => rng.uniform() - 0.5);
    const x = pseudoInverseSolve(F, b);
    let err = 0, ref = 0;
    for (let i = 0; i < nd; i++) {
      let s = 0;
      for (let j = 0; j < nd; j++) s += pinv[i * nd + j] * b[j];
      err = Math.max(err, Math.abs(x[i] - s)); ref = Math.max(ref, Math.abs(s));
    }
    expect(err).toBeLessThan(1e-9 * ref);
  });

  it('relative compliance G_ii + G_jj - G_ij - G_ji from the pinned (unprojected) blocks equals the pseudo-inverse one on every interacting pair', () => {
    const G = hessianInverseBlocks(H, F, { projected: false });
    expect(maxAbs(greenBlock(G, 17, 17))).toBe(0);
    let err = 0, pairs = 0;
    const r = new Float64Array(9);
    for (let i = 0; i < glass.n; i++) for (let b = H.rowPtr[i]; b < H.rowPtr[i + 1]; b++) {
      const j = H.colIdx[b];
      if (j <= i) continue;
      relativeCompliance(G, i, j, r);
      for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) {
        const I = i * 3 + x, J = j * 3 + y, Ii = i * 3 + y, Jj = j * 3 + x;
        const ref = pinv[I * nd + i * 3 + y] + pinv[(j * 3 + x) * nd + J] - pinv[I * nd + J] - pinv[Jj * nd + Ii];
        err = Math.max(err, Math.abs(r[x * 3 + y] - ref));
      }
      pairs++;
    }
    expect(pairs).toBeGreaterThan(10 * glass.n);
    expect(err).toBeLessThan(1e-9 * scale);
  });

  it('projected blocks (diagonal G_ii and pair G_ij) equal the dense pseudo-inverse blocks, whichever atom is pinned', () => {
    for (const G of [hessianInverseBlocks(H, F), hessianInverseBlocks(H, factorHessian(H, glass, { pinnedAtom: 215, ordering: 'natural' }))]) {
      expect(G.projected).toBe(true);
      let err = 0;
      for (let i = 0; i < glass.n; i++) for (let b = H.rowPtr[i]; b < H.rowPtr[i + 1]; b++) {
        const j = H.colIdx[b];
        for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) err = Math.max(err, Math.abs(G.values[b * 9 + x * 3 + y] - pinv[(i * 3 + x) * nd + j * 3 + y]));
      }
      expect(err).toBeLessThan(1e-9 * scale);
    }
  });

  it('nested dissection: a valid atom permutation, and nnz(L) below the natural order', () => {
    const order = nestedDissectionOrder(hessianAtomGraph(H), orderingCoordinates(glass), { leafSize: 4 });
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: glass.n }, (_, k) => k));
    const A = hessianToCsr(H, 0);
    const reduced = Int32Array.from(Array.from(order).filter((a) => a !== 0).map((a) => a - 1));
    const nd0 = ldltFactor(A, expandAtomOrder(reduced, 3)).colPtr[A.n];
    const nat = ldltFactor(A).colPtr[A.n];
    expect(nd0).toBeLessThan(nat);
  });

  it('unpinned, the singular Hessian stops at a zero pivot (measured |d| ~ 5e-15 max|A_ii|) with an error that says to pin an atom', () => {
    expect(() => ldltFactor(hessianToCsr(H))).toThrow(/zero pivot .*pin one atom/);
    expect(() => supernodalFactor(hessianToCsr(H))).toThrow(/zero pivot .*pin one atom/);
  });

  it('rejects a bad pinned atom and a mismatched system', () => {
    expect(() => factorHessian(H, glass, { pinnedAtom: 216 })).toThrow(/pinnedAtom/);
    expect(() => factorHessian(H, { ...glass, n: 100 })).toThrow(/the Hessian n = 216/);
  });
});

describe('mass-weighted dynamical matrix (KA, N = 216, masses A = 1, B = 0.6): zero modes sqrt(m_i) e_alpha', () => {
  const glass = kaGlass(216, 23, [0, 1, 0.6]);
  const D = assembleHessian(glass, getPotential('ka'), { massWeighted: true });
  const nd = glass.n * 3;
  const pinv = densePseudoInverse(D);
  const F = factorHessian(D, glass, { pinnedAtom: 5 });

  it('projected blocks equal the dense pseudo-inverse of D, and pseudoInverseSolve matches it', () => {
    const G = hessianInverseBlocks(D, F);
    let err = 0;
    for (let i = 0; i < glass.n; i++) for (let b = D.rowPtr[i]; b < D.rowPtr[i + 1]; b++) {
      const j = D.colIdx[b];
      for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) err = Math.max(err, Math.abs(G.values[b * 9 + x * 3 + y] - pinv[(i * 3 + x) * nd + j * 3 + y]));
    }
    expect(err).toBeLessThan(1e-9 * maxAbs(pinv));
    const b = balancedForce(nd, 3, 4, F.weights);
    const x = pseudoInverseSolve(F, b);
    let e2 = 0, ref = 0;
    for (let i = 0; i < nd; i++) { let s = 0; for (let j = 0; j < nd; j++) s += pinv[i * nd + j] * b[j]; e2 = Math.max(e2, Math.abs(x[i] - s)); ref = Math.max(ref, Math.abs(s)); }
    expect(e2).toBeLessThan(1e-9 * ref);
  });
});
