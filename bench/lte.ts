/**
 * All-bond local thermal energy (src/analysis/lte.ts) against N: time and
 * peak memory of the sparse path (LDL^T + selected inversion) and of the
 * dense path (full eigendecomposition), with the fitted exponent of time
 * against N, and a numpy peer of the dense path on the same Hessians
 * (numpy.linalg.eigh + the same contractions, vectorised; one BLAS thread,
 * like ours) that also checks
 * the values (max |E_ours - E_numpy|).
 *
 * Usage:
 *   npx tsx bench/lte.ts                          default plan (below)
 *   npx tsx bench/lte.ts ipl2d:500,1000 ka:500    model:sizes lists
 *   npx tsx bench/lte.ts --case MODEL N METHOD    one measurement (JSON line; used by the plan)
 * Each case runs in its own process so that its peak RSS (maxRSS) is its own.
 * Times are wall seconds; `--case` also reports the CPU seconds of the LTE
 * (process-wide: the wasm GEMM worker thread of the dense block products is
 * included), the robust number on a shared machine.
 * Glasses: the model's density and composition, quenched from a jittered
 * lattice with fire+cg to max |F| < 1e-10, cached in data/cache/lte-MODEL-N.data.
 * Dense cases only up to DENSE_MAX_DOF degrees of freedom.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomConfiguration } from '../src/system/random-config.ts';
import { createForceProvider } from '../src/core/force-provider.ts';
import { assembleHessian, toDense } from '../src/core/hessian.ts';
import { readSystem, writeLammpsData } from '../src/io/index.ts';
import { lteBonds, lteFromInverse, lteInverse } from '../src/analysis/lte/lte.ts';
import { maxAtomForce } from '../src/minimize/common.ts';
import { minimize } from '../src/minimize/minimize.ts';
import { getPotential, modelDefaults } from '../src/potential/registry.ts';
import type { PairPotential } from '../src/potential/types.ts';
import type { System } from '../src/system/system.ts';

const DENSE_MAX_DOF = 3000;
const here = fileURLToPath(import.meta.url);
const cacheDir = join(here, '..', '..', 'data', 'cache');

async function glass(model: string, n: number): Promise<System> {
  const pot = getPotential(model);
  const d = modelDefaults[model];
  const dim = d.dim;
  const file = join(cacheDir, `lte-${model}-${n}.data`);
  if (existsSync(file)) return readSystem(file, { dim, typeMasses: pot.typeMasses });
  const start = randomConfiguration({ n, density: d.numberDensity, dim, composition: d.composition, typeMasses: [...pot.typeMasses], seed: 5, jitter: dim === 2 ? 0.3 : 0.2 });
  const r = minimize(start, createForceProvider(pot), { method: 'fire+cg', ftol: 1e-10, maxIter: 400000 });
  mkdirSync(cacheDir, { recursive: true });
  await writeLammpsData(file, r.system);
  return readSystem(file, { dim, typeMasses: pot.typeMasses });
}

const NUMPY_PEER = String.raw`
import sys, time, json, numpy as np
nd, dim, m = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
H = np.fromfile(sys.argv[1] + '.H', dtype=np.float64).reshape(nd, nd)
B = np.fromfile(sys.argv[1] + '.bonds', dtype=np.float64).reshape(m, 2 + dim + 4)
t0 = time.perf_counter()
lam, V = np.linalg.eigh(H)
tol = 1e-10 * np.abs(lam).max()
inv = np.where(np.abs(lam) <= tol, 0.0, 1.0 / np.where(lam == 0, 1, lam))
t1 = time.perf_counter()
i = B[:, 0].astype(int); j = B[:, 1].astype(int); d = B[:, 2:2 + dim]; rad = B[:, 2 + dim:]
r = np.linalg.norm(d, axis=1); e = d / r[:, None]
Vr = V.reshape(-1, dim, nd)                      # [atom, x, mode]
E = np.empty(m); b = np.zeros((nd // dim, dim))
harm = np.empty(m); tc = np.empty((m, dim))
for s in range(0, m, 256):
    sl = slice(s, min(m, s + 256))
    du = Vr[i[sl]] - Vr[j[sl]]                   # [bond, x, mode]
    C = np.einsum('bxk,byk,k->bxy', du, du, inv)
    d1, d2, d3 = rad[sl, 1], rad[sl, 2], rad[sl, 3]; rr = r[sl]; ee = e[sl]
    a = d1 / rr; bb = d2 - a
    trC = np.trace(C, axis1=1, axis2=2); ece = np.einsum('bx,bxy,by->b', ee, C, ee); Ce = np.einsum('bxy,by->bx', C, ee)
    harm[sl] = a * trC + bb * ece
    Bq = d2 / rr - d1 / rr ** 2
    tc[sl] = ((d3 - 3 * Bq) * ece + Bq * trC)[:, None] * ee + 2 * Bq[:, None] * Ce
np.add.at(b, i, tc); np.add.at(b, j, -tc)
X = -(V @ (inv * (V.T @ b.reshape(-1)))).reshape(-1, dim)
E = harm + rad[:, 1] * np.einsum('bx,bx->b', e, X[i] - X[j])
t2 = time.perf_counter()
np.array(E).tofile(sys.argv[1] + '.E')
print(json.dumps({'eigh': t1 - t0, 'total': t2 - t0}))
`;

interface CaseResult { model: string; N: number; method: string; cpu: number; hessian: number; inverse: number; contractions: number; total: number; maxRssMB: number; bonds: number; sumCheck: number; peer?: { eigh: number; total: number; maxDiff: number } }

async function runCase(model: string, N: number, method: 'dense' | 'sparse'): Promise<CaseResult> {
  const pot = getPotential(model) as PairPotential;
  const sys = await glass(model, N);
  const fmax = maxAtomForce(createForceProvider(pot).compute(sys).forces, sys.dim);
  if (fmax > 1e-8) console.error(`warning: ${model} N=${N} max |F| = ${fmax}`);
  const cpu0 = process.cpuUsage();
  let t = performance.now();
  const H = assembleHessian(sys, pot);
  const tH = (performance.now() - t) / 1000;
  t = performance.now();
  const inv = lteInverse(sys, H, { method });
  const tInv = (performance.now() - t) / 1000;
  t = performance.now();
  const res = lteFromInverse(sys, lteBonds(sys, pot, H), inv);
  const tC = (performance.now() - t) / 1000;
  let s = 0;
  for (const e of res.lte) s += e;
  const cpuUsed = process.cpuUsage(cpu0);
  const out: CaseResult = {
    model, N, method, cpu: (cpuUsed.user + cpuUsed.system) / 1e6, hessian: tH, inverse: tInv, contractions: tC, total: tH + tInv + tC,
    maxRssMB: process.resourceUsage().maxRSS / 1024, bonds: res.bonds.count, sumCheck: s - (sys.n * sys.dim - sys.dim),
  };
  if (method === 'dense') {
    const base = join('/tmp', `lte-peer-${process.pid}`), nd = sys.n * sys.dim, dim = sys.dim, m = res.bonds.count;
    writeFileSync(base + '.H', new Uint8Array(toDense(H, nd).buffer));
    const B = new Float64Array(m * (6 + dim));
    for (let a = 0; a < m; a++) {
      const o = a * (6 + dim);
      B[o] = res.bonds.i[a]; B[o + 1] = res.bonds.j[a];
      for (let x = 0; x < dim; x++) B[o + 2 + x] = res.bonds.delta[a * dim + x];
      for (let q = 0; q < 4; q++) B[o + 2 + dim + q] = res.bonds.radial[4 * a + q];
    }
    writeFileSync(base + '.bonds', new Uint8Array(B.buffer));
    const p = spawnSync('python3', ['-c', NUMPY_PEER, base, String(nd), String(dim), String(m)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
    if (p.status === 0) {
      const pe = JSON.parse(p.stdout.trim().split('\n').pop()!);
      const { readFileSync } = await import('node:fs');
      const E = new Float64Array(new Uint8Array(readFileSync(base + '.E')).buffer);
      let md = 0;
      for (let a = 0; a < m; a++) md = Math.max(md, Math.abs(E[a] - res.lte[a]));
      out.peer = { eigh: pe.eigh, total: pe.total, maxDiff: md };
    } else console.error(p.stderr);
    for (const ext of ['.H', '.bonds', '.E']) rmSync(base + ext, { force: true });
  }
  return out;
}

function fitExponent(rows: CaseResult[]): number {
  if (rows.length < 2) return NaN;
  const xs = rows.map((r) => Math.log(r.N)), ys = rows.map((r) => Math.log(r.total));
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  let sxy = 0, sxx = 0;
  for (let k = 0; k < xs.length; k++) { sxy += (xs[k] - mx) * (ys[k] - my); sxx += (xs[k] - mx) ** 2; }
  return sxy / sxx;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--case') {
    console.log(JSON.stringify(await runCase(argv[1], Number(argv[2]), argv[3] as 'dense' | 'sparse')));
    return;
  }
  const plan: [string, number[]][] = argv.length > 0
    ? argv.map((a) => { const [m, s] = a.split(':'); return [m, s.split(',').map(Number)] as [string, number[]]; })
    : [['ipl2d', [250, 500, 1000, 2000, 4000, 8000, 16000]], ['ka', [250, 500, 1000, 2000, 4000]], ['ipl3d', [500, 1000, 2000, 4000]]];
  console.log('model | N | method | Hessian s | inverse s | bonds+solve s | total s | CPU s | peak RSS MB | bonds | numpy eigh s | numpy total s | ratio | max|dE|');
  for (const [model, sizes] of plan) {
    const dim = modelDefaults[model].dim;
    for (const method of ['dense', 'sparse'] as const) {
      const rows: CaseResult[] = [];
      for (const N of sizes) {
        if (method === 'dense' && N * dim > DENSE_MAX_DOF) continue;
        const p = spawnSync(process.execPath, [...process.execArgv, here, '--case', model, String(N), method], { encoding: 'utf8', maxBuffer: 1 << 26 });
        if (p.status !== 0) { console.log(`${model} | ${N} | ${method} | failed: ${p.stderr.trim().split('\n').slice(-3).join(' ')}`); continue; }
        const r = JSON.parse(p.stdout.trim().split('\n').pop()!) as CaseResult;
        rows.push(r);
        const peer = r.peer ? `${r.peer.eigh.toFixed(2)} | ${r.peer.total.toFixed(2)} | ${(r.total / r.peer.total).toFixed(1)} | ${r.peer.maxDiff.toExponential(1)}` : '- | - | - | -';
        console.log(`${model} | ${N} | ${method} | ${r.hessian.toFixed(2)} | ${r.inverse.toFixed(2)} | ${r.contractions.toFixed(2)} | ${r.total.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.maxRssMB.toFixed(0)} | ${r.bonds} | ${peer}`);
        if (Math.abs(r.sumCheck) > 1e-6 * r.N) console.log(`  warning: sum of E - (n dim - dim) = ${r.sumCheck}`);
      }
      console.log(`${model} ${method}: time ~ N^${fitExponent(rows).toFixed(2)} (least squares over ${rows.length} sizes)`);
    }
  }
}

await main();
