/**
 * The check on a real glass: a KA glass of N = 1000 minimised to
 * max |F| < 1e-10; every frequency of the dense eigensolver (on the
 * analytically assembled Hessian) agrees with an independent
 * finite-difference Hessian built from forces alone.
 *
 * The finite-difference Hessian is applied along each eigenvector v,
 *   H_fd v = -(F(x + h v) - F(x - h v)) / (2 h),
 * which is exact to O(h^2 phi''') and needs two force calls per mode
 * instead of 2 n for the full matrix. From it each mode gets a Rayleigh
 * quotient lambda_fd = v . H_fd v and a residual |H_fd v - lambda v|. With
 * h = 1e-6 sigma the truncation (~h^2 |phi'''| ~ 1e-8) and round-off
 * (~1e-16 |F| / h ~ 1e-9) errors are far below the tolerances used.
 * Masses are 1, so the dynamical matrix is the Hessian and omega = sqrt(lambda).
 */
import { describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { assembleHessian } from '../../src/core/hessian.ts';
import { allModes } from '../../src/linalg/index.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { cloneSystem } from '../../src/system/system.ts';
import { kaGlass } from './fixtures.ts';

describe('KA glass N = 1000: dense frequencies against a finite-difference Hessian', () => {
  it('every mode: omega agrees to 1e-6 relative, residual of H_fd v below 1e-6 lambda_max', () => {
    const pot = getPotential('ka');
    const glass = kaGlass(1000, 11);
    const provider = createForceProvider(pot, { threads: 1 });
    const f0 = provider.compute(glass).forces;
    expect(Math.max(...f0.map(Math.abs))).toBeLessThan(1e-10);

    const modes = allModes(assembleHessian(glass, pot), { masses: glass.masses });
    const nd = glass.n * 3;
    expect(modes.count).toBe(nd - 3);
    const lambdaMax = modes.eigenvalues[modes.count - 1];
    expect(modes.eigenvalues[0]).toBeGreaterThan(0); // a stable glass: no negative modes

    const h = 1e-6;
    const plus = cloneSystem(glass), minus = cloneSystem(glass);
    let worstOmega = 0, worstResidual = 0;
    for (let m = 0; m < modes.count; m++) {
      const v = modes.vectors.subarray(m * nd, (m + 1) * nd);
      for (let q = 0; q < nd; q++) {
        plus.positions[q] = glass.positions[q] + h * v[q];
        minus.positions[q] = glass.positions[q] - h * v[q];
      }
      const fp = provider.compute(plus).forces, fm = provider.compute(minus).forces;
      let rayleigh = 0;
      const g = new Float64Array(nd);
      for (let q = 0; q < nd; q++) {
        g[q] = -(fp[q] - fm[q]) / (2 * h);
        rayleigh += v[q] * g[q];
      }
      let res2 = 0;
      for (let q = 0; q < nd; q++) res2 += (g[q] - rayleigh * v[q]) ** 2;
      const omega = modes.frequencies[m];
      worstOmega = Math.max(worstOmega, Math.abs(Math.sqrt(rayleigh) - omega) / omega);
      worstResidual = Math.max(worstResidual, Math.sqrt(res2) / lambdaMax);
    }
    expect(worstOmega).toBeLessThan(1e-6);
    expect(worstResidual).toBeLessThan(1e-6);
  }, 400_000); // dense n = 3000 eigensolve (~45 s) plus 6000 force calls
});
