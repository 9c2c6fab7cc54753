/**
 * Lowest normal modes of a minimized KA glass: our Lanczos (full
 * reorthogonalisation, translations projected out; Chebyshev-filtered, and
 * plain when n*dim <= 6000) on the sparse mass-weighted Hessian, against
 * scipy eigsh shift-invert (bench/linalg-lowest-modes.py) on the same
 * matrix, and against our dense solver when n*dim <= 3000.
 *
 * Usage: npx tsx bench/linalg-lowest-modes.ts [N=1000] [fraction=0.01]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomConfiguration } from '../src/system/random-config.ts';
import { createForceProvider } from '../src/core/force-provider.ts';
import { assembleHessian } from '../src/core/hessian.ts';
import { modeCountForFraction } from '../src/linalg/mode-analysis.ts';
import { allModes, lowestModes } from '../src/linalg/normal-modes.ts';
import { minimize } from '../src/minimize/minimize.ts';
import { getPotential } from '../src/potential/registry.ts';

const N = Number(process.argv[2] ?? 1000);
const fraction = Number(process.argv[3] ?? 0.01);
const pot = getPotential('ka');
let t = performance.now();
const start = randomConfiguration({ n: N, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 11, jitter: 0.2 });
const glass = minimize(start, createForceProvider(pot), { method: 'fire+cg', ftol: 1e-10, throwIfNotConverged: true }).system;
console.log(`KA glass N = ${N} minimized to max|F| < 1e-10 in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const H = assembleHessian(glass, pot, { massWeighted: true });
const k = modeCountForFraction(3 * N - 3, fraction);

const report = (label: string, low: ReturnType<typeof lowestModes>, seconds: number) => {
  let worst = 0;
  for (const r of low.residuals) worst = Math.max(worst, r);
  console.log(`ours (${label}): k = ${k}, ${seconds.toFixed(2)} s, ${low.iterations} Lanczos steps, converged ${low.converged}, max residual ${worst.toExponential(1)}, Krylov basis ${(8 * low.iterations * 3 * N / 1e6).toFixed(0)} MB`);
  console.log(`  omega_1..3 = ${Array.from(low.frequencies.slice(0, 3), (f) => f.toFixed(5)).join(', ')}`);
};
t = performance.now();
const low = lowestModes(H, { k, masses: glass.masses, method: 'filtered' });
const tLan = (performance.now() - t) / 1000;
report('Chebyshev-filtered Lanczos, degree 12', low, tLan);
if (3 * N <= 6000) {
  t = performance.now();
  const plain = lowestModes(H, { k, masses: glass.masses, method: 'plain' });
  const tPlain = (performance.now() - t) / 1000;
  report('plain Lanczos', plain, tPlain);
  let diff = 0;
  for (let m = 0; m < k; m++) diff = Math.max(diff, Math.abs(plain.eigenvalues[m] - low.eigenvalues[m]));
  console.log(`  max |lambda_filtered - lambda_plain| = ${diff.toExponential(1)}`);
}

if (3 * N <= 3000) {
  t = performance.now();
  const all = allModes(H, { masses: glass.masses });
  let diff = 0;
  for (let m = 0; m < k; m++) diff = Math.max(diff, Math.abs(all.eigenvalues[m] - low.eigenvalues[m]));
  console.log(`ours dense (allModes): ${((performance.now() - t) / 1000).toFixed(2)} s, max |lambda_lanczos - lambda_dense| over the k lowest = ${diff.toExponential(1)}`);
}

try {
  const prefix = join(tmpdir(), `glasslab-hessian-${process.pid}`);
  writeFileSync(prefix + '.rowptr', Buffer.from(H.rowPtr.buffer, H.rowPtr.byteOffset, H.rowPtr.byteLength));
  writeFileSync(prefix + '.colidx', Buffer.from(H.colIdx.buffer, H.colIdx.byteOffset, H.colIdx.byteLength));
  writeFileSync(prefix + '.values', Buffer.from(H.values.buffer, H.values.byteOffset, H.values.byteLength));
  writeFileSync(prefix + '.json', JSON.stringify({ n: H.n, dim: H.dim }));
  const script = fileURLToPath(new URL('./linalg-lowest-modes.py', import.meta.url));
  const out = JSON.parse(execFileSync('python3', [script, prefix, String(k)], { encoding: 'utf8' }));
  let diff = 0;
  for (let m = 0; m < k; m++) diff = Math.max(diff, Math.abs(out.eigenvalues[m] - low.eigenvalues[m]));
  console.log(`scipy eigsh shift-invert: ${out.seconds.toFixed(2)} s (ours filtered / scipy = ${(tLan / out.seconds).toFixed(1)}), max |lambda_ours - lambda_scipy| = ${diff.toExponential(1)}`);
} catch (err) {
  console.log(`scipy reference unavailable (${(err as Error).message.split('\n')[0]})`);
}
