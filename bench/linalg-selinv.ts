/**
 * Sparse LDL^T + selected inversion of the pinned KA Hessian against N:
 * time (ordering, factorization, selected inversion of the blocks on the
 * Hessian pattern incl. the translation projection), fill nnz(L) with nested
 * dissection versus the natural order, memory of the factor and the inverse
 * entries, the residual of a pinned solve, and the fitted exponent of time
 * versus N (least squares of log t on log N).
 *
 * Usage: npx tsx bench/linalg-selinv.ts [N ...]   (default 250 500 1000 2000)
 * Glasses: KA 80:20, rho = 1.2, 3D, fire+cg to max|F| < 1e-10.
 */
import { randomConfiguration } from '../src/cli/random-config.ts';
import { createForceProvider } from '../src/core/force-provider.ts';
import { assembleHessian, hessianMatVec } from '../src/core/hessian.ts';
import { minimize } from '../src/minimize/minimize.ts';
import { getPotential } from '../src/potential/registry.ts';
import { hessianToCsr } from '../src/linalg/sparse-matrix.ts';
import { ldltSymbolic } from '../src/linalg/sparse-ldlt.ts';
import { expandAtomOrder, hessianAtomGraph, nestedDissectionOrder, orderingCoordinates } from '../src/linalg/sparse-ordering.ts';
import { factorHessian, hessianInverseBlocks, pinnedSolve } from '../src/linalg/sparse-hessian-inverse.ts';

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [250, 500, 1000, 2000];
const pot = getPotential('ka');
const rows: { N: number; total: number }[] = [];
console.log('N | minimize s | order s | factor s | selinv s | nnz(L) ND | nnz(L) natural | L+Z blocks MB | rss MB | residual');
for (const N of sizes) {
  let t = performance.now();
  const start = randomConfiguration({ n: N, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 5, jitter: 0.2 });
  const glass = minimize(start, createForceProvider(pot), { method: 'fire+cg', ftol: 1e-10, throwIfNotConverged: true }).system;
  const tMin = (performance.now() - t) / 1000;
  const H = assembleHessian(glass, pot);
  t = performance.now();
  const order = nestedDissectionOrder(hessianAtomGraph(H), orderingCoordinates(glass));
  const tOrder = (performance.now() - t) / 1000;
  const A = hessianToCsr(H, 0);
  const natural = ldltSymbolic(A).colPtr[A.n];
  const reduced = Int32Array.from(Array.from(order).filter((a) => a !== 0).map((a) => a - 1));
  const nested = ldltSymbolic(A, expandAtomOrder(reduced, 3)).colPtr[A.n];
  t = performance.now();
  const F = factorHessian(H, glass, { pinnedAtom: 0 }); // includes its own ordering and the 3 translation solves
  const tFactor = (performance.now() - t) / 1000 - tOrder;
  t = performance.now();
  hessianInverseBlocks(H, F);
  const tSel = (performance.now() - t) / 1000;
  const rss = process.memoryUsage().rss / 2 ** 20;
  const nnz = F.factor.values.length; // stored dense supernode blocks (>= nnz(L))
  const mb = (nnz * (8 + 8)) / 2 ** 20;
  // residual of a pinned solve with a balanced force
  const f = new Float64Array(3 * N);
  for (let q = 0; q < f.length; q++) f[q] = Math.sin(q * 1.7);
  for (let al = 0; al < 3; al++) { let s = 0; for (let i = 0; i < N; i++) s += f[3 * i + al]; for (let i = 0; i < N; i++) f[3 * i + al] -= s / N; }
  const r = hessianMatVec(H, pinnedSolve(F, f));
  let num = 0, den = 0;
  for (let q = 0; q < f.length; q++) { num += (r[q] - f[q]) ** 2; den += f[q] ** 2; }
  console.log(`${N} | ${tMin.toFixed(1)} | ${tOrder.toFixed(3)} | ${tFactor.toFixed(2)} | ${tSel.toFixed(2)} | ${nested} | ${natural} | ${mb.toFixed(1)} | ${rss.toFixed(0)} | ${Math.sqrt(num / den).toExponential(1)}`);
  rows.push({ N, total: tOrder + tFactor + tSel });
}
if (rows.length >= 2) {
  const xs = rows.map((r) => Math.log(r.N)), ys = rows.map((r) => Math.log(r.total));
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  let sxy = 0, sxx = 0;
  for (let k = 0; k < xs.length; k++) { sxy += (xs[k] - mx) * (ys[k] - my); sxx += (xs[k] - mx) ** 2; }
  console.log(`fitted exponent of (order + factor + selected inversion) time vs N: ${(sxy / sxx).toFixed(2)}`);
}
