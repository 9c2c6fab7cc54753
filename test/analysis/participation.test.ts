import { describe, expect, it } from 'vitest';
import { participationFraction, participationModeCount } from '../../src/analysis/vdos/participation.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { assembleHessian, toDense } from '../../src/core/hessian.ts';
import { symmetricEigen } from '../../src/linalg/dense-eigen.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { getPotential } from '../../src/potential/registry.ts';
import type { Potential } from '../../src/potential/types.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { cloneSystem, createSystem, type System } from '../../src/system/system.ts';
import { iplGlass } from './lte-fixtures.ts';

/** Hessian by central differences of the forces (independent of core/hessian.ts), symmetrised, n d x n d row-major. */
function finiteDifferenceHessian(sys: System, pot: Potential, h: number): Float64Array {
  const nd = sys.n * sys.dim, fp = createForceProvider(pot, { skin: 0 });
  const H = new Float64Array(nd * nd);
  const s = cloneSystem(sys);
  for (let a = 0; a < nd; a++) {
    const x0 = s.positions[a];
    s.positions[a] = x0 + h; const fPlus = Float64Array.from(fp.compute(s).forces);
    s.positions[a] = x0 - h; const fMinus = fp.compute(s).forces;
    s.positions[a] = x0;
    for (let b = 0; b < nd; b++) H[a * nd + b] = -(fPlus[b] - fMinus[b]) / (2 * h);
  }
  for (let a = 0; a < nd; a++) for (let b = 0; b < a; b++) { const m = (H[a * nd + b] + H[b * nd + a]) / 2; H[a * nd + b] = m; H[b * nd + a] = m; }
  return H;
}

/** Cyclic Jacobi eigendecomposition of a symmetric matrix: eigenvalues ascending, eigenvectors as rows. */
function jacobiEigen(A0: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(A0), V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q] ** 2;
    if (off < 1e-26) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = A[p * n + q];
      if (apq === 0) continue;
      const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < n; k++) { // A <- A J (columns p, q)
        const akp = A[k * n + p], akq = A[k * n + q];
        A[k * n + p] = c * akp - s * akq; A[k * n + q] = s * akp + c * akq;
      }
      for (let k = 0; k < n; k++) { // A <- J^T A (rows p, q)
        const apk = A[p * n + k], aqk = A[q * n + k];
        A[p * n + k] = c * apk - s * aqk; A[q * n + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < n; k++) { // eigenvectors as columns of V
        const vkp = V[k * n + p], vkq = V[k * n + q];
        V[k * n + p] = c * vkp - s * vkq; V[k * n + q] = s * vkp + c * vkq;
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => A[a * n + a] - A[b * n + b]);
  const values = Float64Array.from(order, (i) => A[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((col, row) => { for (let k = 0; k < n; k++) vectors[row * n + k] = V[k * n + col]; });
  return { values, vectors };
}

/**
 * Eq. 4 of Wei et al. literally, on a minimum: the dynamical matrix
 * D = M^-1/2 H M^-1/2 from the finite-difference Hessian (or, for the
 * tabulated EAM, whose splines make finite differences too rough for 1e-8,
 * the unweighted Hessian of core/hessian.ts, itself tested against finite
 * differences in test/core/hessian.test.ts), all its modes, the
 * d lowest (the translations, ~0 at a minimum) dropped, p_i summed over the
 * next max(1, round(f (N d - d))).
 */
function literalParticipation(sys: System, pot: Potential, modeFraction: number, eigen: 'jacobi' | 'library', hessian: 'finite-difference' | 'library'): Float64Array {
  const { n, dim } = sys, nd = n * dim;
  const D = hessian === 'library' ? toDense(assembleHessian(sys, pot)) : finiteDifferenceHessian(sys, pot, 1e-5);
  for (let a = 0; a < nd; a++) for (let b = 0; b < nd; b++) D[a * nd + b] /= Math.sqrt(sys.masses[Math.floor(a / dim)] * sys.masses[Math.floor(b / dim)]);
  const { values, vectors } = eigen === 'jacobi' ? jacobiEigen(D, nd) : (() => { const r = symmetricEigen(D, nd, { symmetryTol: 1e-6 }); return { values: r.values, vectors: r.vectors! }; })();
  const scale = Math.max(...values.map(Math.abs));
  for (let m = 0; m < dim; m++) expect(Math.abs(values[m])).toBeLessThan(1e-6 * scale); // the translations
  expect(values[dim]).toBeGreaterThan(1e-5 * scale); // a minimum: the first vibrational mode is clearly above them
  const nS = Math.max(1, Math.round(modeFraction * (nd - dim)));
  const p = new Float64Array(n);
  for (let m = dim; m < dim + nS; m++) for (let a = 0; a < nd; a++) p[Math.floor(a / dim)] += vectors[m * nd + a] ** 2;
  return p;
}

const maxAbsDiff = (a: Float64Array, b: Float64Array): number => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

describe('participationFraction (Wei et al. Eq. 4)', () => {
  it('mode count: max(1, round(fraction (N d - d)))', () => {
    expect(participationModeCount(2000, 3)).toBe(15); // 0.0025 * 5997 = 14.99
    expect(participationModeCount(20000, 3)).toBe(150); // 149.99
    expect(participationModeCount(100, 3)).toBe(1); // 0.74
    expect(participationModeCount(64, 2, 0.05)).toBe(6); // 6.3
    expect(() => participationModeCount(10, 3, 0)).toThrow(/fraction/);
  });

  it('2D IPL inherent structure with unequal masses equals the literal Jacobi eigendecomposition of the dynamical matrix', () => {
    const pot = getPotential('ipl2d');
    const base = iplGlass('ipl2d', 64, 4);
    // masses 1 and 2.5 by type, so that the mass weighting matters (a minimum does not depend on masses)
    const sys = createSystem({ box: base.box, positions: base.positions, types: base.types, typeMasses: [0, 1, 2.5] });
    for (const f of [0.0025, 0.05, 0.2]) {
      const p = participationFraction(sys, pot, { modeFraction: f });
      const ref = literalParticipation(sys, pot, f, 'jacobi', 'finite-difference');
      expect(maxAbsDiff(p, ref)).toBeLessThan(1e-6);
      expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(participationModeCount(64, 2, f), 10);
    }
    // the Hessian (unit masses) gives other modes
    const unweighted = participationFraction(sys, pot, { modeFraction: 0.05, massWeighted: false });
    expect(maxAbsDiff(unweighted, participationFraction(sys, pot, { modeFraction: 0.05 }))).toBeGreaterThan(1e-3);
  });

  it('CuZr EAM inherent structure (N = 250): Lanczos equals the dense literal reference, dynamical matrix with m_Cu != m_Zr', () => {
    const pot = getPotential('cuzr');
    const start = randomConfiguration({ n: 250, density: 0.06, dim: 3, composition: [0, 0.64, 0.36], typeMasses: pot.typeMasses, seed: 9, jitter: 0.2 });
    const sys = minimize(start, createForceProvider(pot, { skin: 0.3 }), { method: 'fire+cg', ftol: 1e-3, throwIfNotConverged: true }).system;
    for (const f of [0.0025, 0.02]) {
      const p = participationFraction(sys, pot, { modeFraction: f, method: 'lanczos' });
      const ref = literalParticipation(sys, pot, f, 'library', 'library');
      expect(maxAbsDiff(p, ref)).toBeLessThan(1e-8);
    }
  }, 120_000);
});
