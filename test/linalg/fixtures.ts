/**
 * Shared fixtures for the linalg tests: random symmetric matrices, a slow
 * literal cyclic Jacobi eigenvalue reference, and a small minimized KA glass.
 */
import { randomConfiguration } from '../../src/system/random-config.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { Rng } from '../../src/util/random.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { getPotential } from '../../src/potential/registry.ts';
import type { System } from '../../src/system/system.ts';

export function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) { const x = rng.uniform() - 0.5; A[i * n + j] = x; A[j * n + i] = x; }
  return A;
}

/**
 * Eigenvalues by the classical cyclic Jacobi method, written literally from
 * Golub & Van Loan Alg. 8.5.2/8.5.3 on number[][] (slow, independent of the
 * Householder/QL code under test). Ascending.
 */
export function jacobiEigenvalues(A: Float64Array, n: number): number[] {
  const a: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => A[i * n + j]));
  const off = () => { let s = 0; for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += a[i][j] ** 2; return Math.sqrt(s); };
  let fro = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) fro += a[i][j] ** 2;
  fro = Math.sqrt(fro);
  for (let sweep = 0; sweep < 100 && off() > 1e-15 * fro; sweep++) {
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        // symmetric Schur 2x2: c, s with [c s; -s c]^T [app apq; apq aqq] [c s; -s c] diagonal
        const tau = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = tau >= 0 ? 1 / (tau + Math.sqrt(1 + tau * tau)) : -1 / (-tau + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t), s = t * c;
        // A <- J^T A J with J = rotation in the (p, q) plane
        for (let k = 0; k < n; k++) {
          const akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i][i]).sort((x, y) => x - y);
}

/** max |A v_k - lambda_k v_k| and max |V V^T - I| for eigenvectors as rows. */
export function eigenChecks(A: Float64Array, n: number, values: Float64Array, V: Float64Array, count = values.length): { residual: number; orthogonality: number } {
  let residual = 0, orthogonality = 0;
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * V[k * n + j];
      residual = Math.max(residual, Math.abs(s - values[k] * V[k * n + i]));
    }
    for (let l = 0; l < count; l++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += V[k * n + j] * V[l * n + j];
      orthogonality = Math.max(orthogonality, Math.abs(s - (k === l ? 1 : 0)));
    }
  }
  return { residual, orthogonality };
}

const glassCache = new Map<string, System>();

/**
 * Kob-Andersen 80:20 inherent structure (rho = 1.2, 3D), quenched from a
 * random lattice configuration with fire+cg to max|F_i| < 1e-10.
 * `typeMasses` [0, mA, mB] (default 1, 1) to exercise mass weighting.
 */
export function kaGlass(n: number, seed: number, typeMasses: readonly number[] = [0, 1, 1]): System {
  const key = `${n}:${seed}:${typeMasses.join(',')}`;
  const hit = glassCache.get(key);
  if (hit) return hit;
  const start = randomConfiguration({ n, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses, seed, jitter: 0.2 });
  const r = minimize(start, createForceProvider(getPotential('ka')), { method: 'fire+cg', ftol: 1e-10, throwIfNotConverged: true });
  glassCache.set(key, r.system);
  return r.system;
}
