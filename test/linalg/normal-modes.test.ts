import { describe, expect, it } from 'vitest';
import { assembleHessian, toDense } from '../../src/core/hessian.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { symmetricEigen } from '../../src/linalg/dense-eigen.ts';
import { lanczosLowest } from '../../src/linalg/lanczos.ts';
import { filteredLanczosLowest } from '../../src/linalg/filtered-lanczos.ts';
import { allModes, lowestModes, lowModeParticipation, translationModes } from '../../src/linalg/normal-modes.ts';
import { participationFraction } from '../../src/linalg/mode-analysis.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { cloneSystem, type System } from '../../src/system/system.ts';
import { eigenChecks, kaGlass, randomSymmetric } from './fixtures.ts';

/** mass-weighted Hessian by central differences of the forces, symmetrised (independent of assembleHessian) */
function finiteDifferenceDynamicalMatrix(sys: System, h: number): Float64Array {
  const provider = createForceProvider(getPotential('ka'), { skin: 0.3 });
  const nd = sys.n * sys.dim;
  const D = new Float64Array(nd * nd);
  const s = cloneSystem(sys);
  for (let k = 0; k < nd; k++) {
    const x0 = s.positions[k];
    s.positions[k] = x0 + h; const fp = provider.compute(s).forces.slice();
    s.positions[k] = x0 - h; const fm = provider.compute(s).forces;
    s.positions[k] = x0;
    const mk = sys.masses[Math.floor(k / sys.dim)];
    for (let q = 0; q < nd; q++) D[q * nd + k] = -(fp[q] - fm[q]) / (2 * h) / Math.sqrt(mk * sys.masses[Math.floor(q / sys.dim)]);
  }
  for (let p = 0; p < nd; p++) for (let q = 0; q < p; q++) { const v = 0.5 * (D[p * nd + q] + D[q * nd + p]); D[p * nd + q] = v; D[q * nd + p] = v; }
  return D;
}

describe('normal modes of a minimized KA glass (N = 216, rho = 1.2, masses A = 1, B = 0.6)', () => {
  const glass = kaGlass(216, 3, [0, 1, 0.6]);
  const H = assembleHessian(glass, getPotential('ka'), { massWeighted: true });
  const nd = glass.n * 3;
  const D = toDense(H);
  const all = allModes(H, { masses: glass.masses });

  it('allModes: 3N - 3 non-trivial modes, D V = V Lambda, V orthonormal and orthogonal to the translations sqrt(m) e_alpha', () => {
    expect(all.count).toBe(nd - 3);
    const c = eigenChecks(D, nd, all.eigenvalues, all.vectors, all.count);
    expect(c.residual).toBeLessThan(1e-11 * all.eigenvalues[all.count - 1]);
    expect(c.orthogonality).toBeLessThan(1e-12);
    for (const t of translationModes(glass.n, 3, glass.masses)) {
      for (let m = 0; m < all.count; m++) {
        let s = 0;
        for (let q = 0; q < nd; q++) s += t[q] * all.vectors[m * nd + q];
        expect(Math.abs(s)).toBeLessThan(1e-12);
      }
    }
    // a minimum: all non-trivial eigenvalues positive; frequencies are their square roots
    expect(all.eigenvalues[0]).toBeGreaterThan(0);
    for (let m = 0; m < all.count; m += 50) expect(all.frequencies[m] ** 2).toBeCloseTo(all.eigenvalues[m], 10);
  });

  it('the plain dense spectrum of D is the same plus three zero modes', () => {
    const r = symmetricEigen(D, nd, { vectors: false });
    const top = r.values[nd - 1];
    for (let k = 0; k < 3; k++) expect(Math.abs(r.values[k])).toBeLessThan(1e-10 * top);
    for (let m = 0; m < all.count; m++) expect(Math.abs(r.values[m + 3] - all.eigenvalues[m])).toBeLessThan(1e-11 * top);
  });

  it('frequencies agree with an independent finite-difference dynamical matrix', () => {
    const r = symmetricEigen(finiteDifferenceDynamicalMatrix(glass, 1e-5), nd, { vectors: false });
    for (let m = 0; m < all.count; m++) expect(Math.abs(Math.sqrt(Math.max(0, r.values[m + 3])) - all.frequencies[m])).toBeLessThan(2e-5 * all.frequencies[m] + 1e-6);
  });

  for (const method of ['filtered', 'plain'] as const) it(`lowestModes (${method} Lanczos on the sparse D, translations projected out) equals the dense lowest modes`, () => {
    const k = 8;
    const low = lowestModes(H, { k, masses: glass.masses, method });
    expect(low.converged).toBe(true);
    expect(low.count).toBe(k);
    const top = all.eigenvalues[all.count - 1];
    for (let m = 0; m < k; m++) {
      expect(Math.abs(low.eigenvalues[m] - all.eigenvalues[m])).toBeLessThan(1e-10 * top);
      expect(low.residuals[m]).toBeLessThan(1e-6 * top);
      // same vector up to sign (the lowest modes of this glass are non-degenerate)
      if (m + 1 < k && all.eigenvalues[m + 1] - all.eigenvalues[m] < 1e-3) continue;
      let s = 0;
      for (let q = 0; q < nd; q++) s += low.vectors[m * nd + q] * all.vectors[m * nd + q];
      expect(Math.abs(Math.abs(s) - 1)).toBeLessThan(1e-6);
    }
  });

  it('lowModeParticipation: Lanczos and dense routes give the same p_i, summing to the mode count', () => {
    const a = lowModeParticipation(H, { masses: glass.masses, count: 6, method: 'lanczos' });
    const b = lowModeParticipation(H, { masses: glass.masses, count: 6, method: 'dense' });
    const ref = participationFraction(all, 6);
    let sum = 0;
    for (let i = 0; i < glass.n; i++) {
      expect(a.participation[i]).toBeCloseTo(ref[i], 6);
      expect(b.participation[i]).toBeCloseTo(ref[i], 12);
      sum += a.participation[i];
    }
    expect(sum).toBeCloseTo(6, 10);
    expect(lowModeParticipation(H, { masses: glass.masses, method: 'dense' }).count).toBe(2); // 0.25% of 645, rounded
    expect(() => lowModeParticipation(H, { masses: glass.masses, count: 646 })).toThrow(/option count must be an integer in \[1, 645\]/);
  });

  it('a mass-weighted Hessian without masses is refused with a message that says what to pass', () => {
    expect(() => lowestModes(H, { k: 2 })).toThrow(/pass option masses/);
    expect(() => allModes(H)).toThrow(/pass option masses/);
  });

  it('unweighted Hessian: modes orthogonal to uniform translations, lowest equal the dense ones', () => {
    const H1 = assembleHessian(glass, getPotential('ka'));
    const A1 = toDense(H1);
    const r = symmetricEigen(A1, nd, { vectors: false });
    const low = lowestModes(H1, { k: 4 });
    const top = r.values[nd - 1];
    for (let m = 0; m < 4; m++) expect(Math.abs(low.eigenvalues[m] - r.values[m + 3])).toBeLessThan(1e-10 * top);
    const t = translationModes(glass.n, 3)[1];
    let s = 0;
    for (let q = 0; q < nd; q++) s += t[q] * low.vectors[q];
    expect(Math.abs(s)).toBeLessThan(1e-12);
  });
});

describe('lanczosLowest on explicit matrices', () => {
  it('random dense symmetric n = 120: the 6 lowest eigenpairs equal the dense solver', () => {
    const n = 120;
    const A = randomSymmetric(n, 21);
    const ref = symmetricEigen(A, n);
    const r = lanczosLowest(n, (x, y) => { for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += A[i * n + j] * x[j]; y[i] = s; } }, { k: 6, tol: 1e-12 });
    expect(r.converged).toBe(true);
    for (let m = 0; m < 6; m++) expect(r.values[m]).toBeCloseTo(ref.values[m], 10);
    const c = eigenChecks(A, n, r.values, r.vectors, 6);
    expect(c.orthogonality).toBeLessThan(1e-12);
    expect(c.residual).toBeLessThan(1e-8);
  });

  it('deflation: with e_0 projected out of diag(0, 1, 2, ...), the lowest are 1, 2, 3; an invariant start subspace restarts', () => {
    const n = 50;
    const e0 = new Float64Array(n); e0[0] = 1;
    // block-diagonal operator: Lanczos meets invariant subspaces and must restart to find all k
    const r = lanczosLowest(n, (x, y) => { for (let i = 0; i < n; i++) y[i] = i * x[i]; }, { k: 3, deflate: [e0], checkEvery: 1 });
    expect(Array.from(r.values).map((v) => Math.round(v * 1e10) / 1e10)).toEqual([1, 2, 3]);
    for (let m = 0; m < 3; m++) expect(Math.abs(r.vectors[m * n])).toBeLessThan(1e-14);
  });

  it('Chebyshev-filtered Lanczos: a cut with too few eigenvalues below it is doubled until k are found', () => {
    const n = 200;
    const e0 = new Float64Array(n); e0[0] = 1;
    const r = filteredLanczosLowest(n, (x, y) => { for (let i = 0; i < n; i++) y[i] = i * x[i]; }, { k: 4, deflate: [e0], cut: 2.5, degree: 8 });
    expect(r.converged).toBe(true);
    expect(r.cut).toBe(5);
    for (let m = 0; m < 4; m++) {
      expect(r.values[m]).toBeCloseTo(m + 1, 10);
      expect(r.residuals[m]).toBeLessThan(1e-8);
    }
    expect(() => filteredLanczosLowest(n, () => {}, { k: 1, degree: 0 })).toThrow(/option degree must be a positive integer/);
  });

  it('start vector and the eigenvalue-change rule: a start near the lowest eigenvector converges in a few products', () => {
    const n = 120;
    const A = randomSymmetric(n, 22);
    const ref = symmetricEigen(A, n);
    const mv = (x: Float64Array, y: Float64Array) => { for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += A[i * n + j] * x[j]; y[i] = s; } };
    const exact = ref.vectors!.subarray(0, n);
    const start = Float64Array.from(exact, (v, i) => v + 1e-3 * Math.sin(i));
    let products = 0;
    const r = lanczosLowest(n, (x, y) => { products++; mv(x, y); }, { k: 1, start, valueTol: 1e-10, checkEvery: 1, residuals: false });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.values[0] - ref.values[0])).toBeLessThan(1e-9 * Math.abs(ref.values[0]));
    expect(Number.isNaN(r.residuals[0])).toBe(true);
    expect(products).toBe(r.iterations);
    const cold = lanczosLowest(n, mv, { k: 1, valueTol: 1e-10, checkEvery: 1 });
    expect(r.iterations).toBeLessThan(cold.iterations);
    let overlap = 0;
    for (let i = 0; i < n; i++) overlap += r.vectors[i] * exact[i];
    expect(Math.abs(overlap)).toBeGreaterThan(1 - 1e-6);
    expect(() => lanczosLowest(n, mv, { k: 1, start: new Float64Array(3) })).toThrow(/option start has length 3/);
    expect(() => lanczosLowest(n, mv, { k: 1, valueTol: -1 })).toThrow(/option valueTol must be >= 0/);
  });

  it('option errors name the option', () => {
    expect(() => lanczosLowest(10, () => {}, { k: 0 })).toThrow(/option k must be a positive integer/);
    expect(() => lanczosLowest(3, () => {}, { k: 3, deflate: [new Float64Array(3)] })).toThrow(/k = 3 exceeds the 2 dimensions/);
  });
});

describe('normal modes in 2D and at a saddle', () => {
  it('2D KA glass (N = 64): 2N - 2 modes, Lanczos lowest equal dense, translations removed', () => {
    const start = randomConfiguration({ n: 64, density: 1.2, dim: 2, composition: [0, 0.65, 0.35], typeMasses: [0, 1, 0.5], seed: 2, jitter: 0.2 });
    const glass = minimize(start, createForceProvider(getPotential('ka')), { ftol: 1e-10, throwIfNotConverged: true }).system;
    const H = assembleHessian(glass, getPotential('ka'), { massWeighted: true });
    const all = allModes(H, { masses: glass.masses });
    expect(all.count).toBe(2 * 64 - 2);
    const c = eigenChecks(toDense(H), 128, all.eigenvalues, all.vectors, all.count);
    expect(c.residual).toBeLessThan(1e-11 * all.eigenvalues[all.count - 1]);
    expect(c.orthogonality).toBeLessThan(1e-12);
    const low = lowestModes(H, { k: 5, masses: glass.masses });
    for (let m = 0; m < 5; m++) expect(Math.abs(low.eigenvalues[m] - all.eigenvalues[m])).toBeLessThan(1e-10 * all.eigenvalues[all.count - 1]);
  });

  it('an unrelaxed configuration has unstable modes: negative eigenvalues give negative frequencies -sqrt(|lambda|)', () => {
    const sys = randomConfiguration({ n: 216, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 5, jitter: 0.15 });
    const H = assembleHessian(sys, getPotential('ka'));
    const low = lowestModes(H, { k: 3 });
    const dense = symmetricEigen(toDense(H), 648, { vectors: false }).values;
    // the three translations sit at 0, inside the spectrum: drop the three values closest to zero
    const order = Array.from(dense.keys()).sort((a, b) => Math.abs(dense[a]) - Math.abs(dense[b])).slice(0, 3);
    const rest = Array.from(dense).filter((_, q) => !order.includes(q));
    expect(rest[0]).toBeLessThan(0);
    for (let m = 0; m < 3; m++) {
      expect(low.eigenvalues[m]).toBeCloseTo(rest[m], 8);
      expect(low.frequencies[m]).toBeCloseTo(-Math.sqrt(-rest[m]), 8);
    }
  });
});
