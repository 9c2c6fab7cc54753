/**
 * Sparse LDL^T + selected inversion of the pinned KA Hessian against N:
 * CPU and wall seconds of the factorization (incl. ordering and the 3
 * translation solves) and of the selected inversion of the blocks on the
 * Hessian pattern, the supernode structure (nnz(L), stored block entries,
 * the root supernode's width), the dense flop count and the achieved
 * GFlop/s per CPU second, peak RSS, the residual of a pinned solve, and the
 * fitted exponent of CPU time against N. Peer in the same run: numpy
 * `inv` of the dense pinned Hessian (what a dense code does; OpenBLAS with
 * as many threads as ours), up to DENSE_PEER_MAX_N.
 *
 * Usage: npx tsx bench/linalg-selinv.ts [--kernel wasm|js] [--threads T] [N ...]
 *        (default sizes 500 1000 2000; kernel wasm, 2 threads)
 * CPU seconds are process-wide (the wasm worker thread included): the robust
 * number on a shared machine. Glasses: data/cache/lte-ka-N.data when present
 * (bench/lte.ts writes them), else KA 80:20, rho = 1.2, 3D quenched with
 * fire+cg to max|F| < 1e-10.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomConfiguration } from '../src/system/random-config.ts';
import { createForceProvider } from '../src/core/force-provider.ts';
import { assembleHessian, hessianMatVec } from '../src/core/hessian.ts';
import { readSystem } from '../src/io/index.ts';
import { minimize } from '../src/minimize/minimize.ts';
import { getPotential } from '../src/potential/registry.ts';
import { csrToDense, hessianToCsr } from '../src/linalg/sparse-matrix.ts';
import { factorHessian, hessianInverseBlocks, pinnedSolve } from '../src/core/hessian-inverse.ts';
import type { System } from '../src/system/system.ts';

const DENSE_PEER_MAX_N = 2000;
const args = process.argv.slice(2);
let kernel: 'wasm' | 'js' = 'wasm', threads = 2;
const sizes: number[] = [];
for (let k = 0; k < args.length; k++) {
  if (args[k] === '--kernel') kernel = args[++k] as 'wasm' | 'js';
  else if (args[k] === '--threads') threads = Number(args[++k]);
  else sizes.push(Number(args[k]));
}
if (sizes.length === 0) sizes.push(500, 1000, 2000);
const pot = getPotential('ka');
const cacheDir = join(fileURLToPath(import.meta.url), '..', '..', 'data', 'cache');
const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

async function glass(N: number): Promise<System> {
  const file = join(cacheDir, `lte-ka-${N}.data`);
  if (existsSync(file)) return readSystem(file, { dim: 3, typeMasses: pot.typeMasses });
  const start = randomConfiguration({ n: N, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 5, jitter: 0.2 });
  return minimize(start, createForceProvider(pot), { method: 'fire+cg', ftol: 1e-10, throwIfNotConverged: true }).system;
}

/** numpy inv of the dense pinned Hessian: wall seconds */
function numpyInverse(A: Float64Array, n: number): number | null {
  const base = join('/tmp', `selinv-peer-${process.pid}`);
  writeFileSync(base, new Uint8Array(A.buffer, A.byteOffset, A.byteLength));
  const py = `import sys, time, numpy as np\nA = np.fromfile(sys.argv[1]).reshape(${n}, ${n})\nt = time.perf_counter(); np.linalg.inv(A); print(time.perf_counter() - t)`;
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const p = spawnSync('python3', ['-c', py, base], { encoding: 'utf8', env });
  rmSync(base, { force: true });
  return p.status === 0 ? Number(p.stdout.trim()) : null;
}

const rows: { N: number; cpu: number }[] = [];
console.log(`kernel ${kernel}, ${threads} thread(s)`);
console.log('N | factor CPU s | factor wall s | selinv CPU s | selinv wall s | nnz(L) | stored | root width | GFlop | GFlop/CPU s | rss MB | residual | numpy inv wall s');
for (const N of sizes) {
  const sys = await glass(N);
  const H = assembleHessian(sys, pot);
  let c = cpuNow(), t = performance.now();
  const F = factorHessian(H, sys, { pinnedAtom: 0, kernel, threads });
  const cFactor = cpuNow() - c, wFactor = (performance.now() - t) / 1000;
  c = cpuNow(); t = performance.now();
  hessianInverseBlocks(H, F, { kernel, threads });
  const cSel = cpuNow() - c, wSel = (performance.now() - t) / 1000;
  const rss = process.memoryUsage().rss / 2 ** 20;
  const f = F.factor, ns = f.superStart.length - 1;
  let flops = 0, root = 0;
  for (let s = 0; s < ns; s++) {
    const w = f.superStart[s + 1] - f.superStart[s], b = f.rowStart[s + 1] - f.rowStart[s] - w;
    // factor w^3/3 + 2 b w^2/2 (panel) + b^2 w (update); selected inversion 2 w^3/3 + 2 b w^2 + 2 b^2 w + b w^2
    flops += w ** 3 / 3 + b * w * w + b * b * w + (2 * w ** 3) / 3 + 3 * b * w * w + 2 * b * b * w;
    root = Math.max(root, w);
  }
  // residual of a pinned solve with a balanced force
  const r0 = new Float64Array(3 * N);
  for (let q = 0; q < r0.length; q++) r0[q] = Math.sin(q * 1.7);
  for (let al = 0; al < 3; al++) { let s = 0; for (let i = 0; i < N; i++) s += r0[3 * i + al]; for (let i = 0; i < N; i++) r0[3 * i + al] -= s / N; }
  const r = hessianMatVec(H, pinnedSolve(F, r0));
  let num = 0, den = 0;
  for (let q = 0; q < r0.length; q++) { num += (r[q] - r0[q]) ** 2; den += r0[q] ** 2; }
  let peer = '-';
  if (N <= DENSE_PEER_MAX_N) {
    const A = hessianToCsr(H, 0);
    const tp = numpyInverse(csrToDense(A), A.n);
    peer = tp === null ? 'failed' : tp.toFixed(2);
  }
  const cpu = cFactor + cSel;
  console.log(`${N} | ${cFactor.toFixed(2)} | ${wFactor.toFixed(2)} | ${cSel.toFixed(2)} | ${wSel.toFixed(2)} | ${f.nnzL} | ${f.values.length} | ${root} | ${(flops / 1e9).toFixed(1)} | ${(flops / 1e9 / cpu).toFixed(1)} | ${rss.toFixed(0)} | ${Math.sqrt(num / den).toExponential(1)} | ${peer}`);
  rows.push({ N, cpu });
}
if (rows.length >= 2) {
  const xs = rows.map((r) => Math.log(r.N)), ys = rows.map((r) => Math.log(r.cpu));
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  let sxy = 0, sxx = 0;
  for (let k = 0; k < xs.length; k++) { sxy += (xs[k] - mx) * (ys[k] - my); sxx += (xs[k] - mx) ** 2; }
  console.log(`fitted exponent of (factor + selected inversion) CPU time vs N: ${(sxy / sxx).toFixed(2)}`);
}
