/**
 * Timings of the f64 core on the KA glass former, N = 4000 at number density
 * 1.2 (FCC lattice + jitter, 80:20 types: pair counts as in the liquid):
 * half-list build (cutoff 2.5 + skin 0.3), force+energy+virial through the
 * inlined LJ-table path and the generic radial() path, per-atom output,
 * Hessian assembly; and CuZr EAM/FS at its density when the file is present.
 * Force calls on the TypeScript loops ('js') and, in the rows marked wasm,
 * on the WebAssembly kernels (src/core/wasm/); list builds with the wasm
 * cell search (src/neighbor/wasm/, the default) unless marked js.
 * Then full MD steps (runMd + Nose-Hoover NVT, T = 0.8, dt = 0.005, skin 0.3,
 * the default provider) on 1 and 2 threads, in the liquid (random start of
 * src/system/random-config.ts, 1000 steps to equilibrate), in alternating rounds (best of 3): the per-step number to compare
 * with LAMMPS (bench/md-ka.ts runs the two side by side).
 *
 *   npx tsx bench/forces-f64.ts [--md-steps 1000]
 */
import { existsSync } from 'node:fs';
import type { System } from '../src/system/system.ts';
import { buildNeighborList } from '../src/neighbor/neighbor-list.ts';
import { computeForcesF64, F64Workspace } from '../src/core/forces-f64.ts';
import { createForceProvider } from '../src/core/force-provider.ts';
import { sharedLjThreadPool } from '../src/core/lj-thread-pool.ts';
import { nvt } from '../src/md/nose-hoover-integrator.ts';
import { runMd } from '../src/md/run.ts';
import { initVelocities } from '../src/md/velocities.ts';
import { cloneSystem } from '../src/system/system.ts';
import { fccSystem } from './lattice.ts';
import { assembleHessian } from '../src/core/hessian.ts';
import { createKobAndersen, KA_DEFAULTS } from '../src/potential/ka.ts';
import { randomConfiguration } from '../src/system/random-config.ts';
import { loadEamFs } from '../src/potential/eam-fs.ts';


/**
 * Wall-clock median and minimum per call, plus CPU time per call (process
 * user+system time over all repetitions): on a shared, loaded machine the
 * CPU time is the number to quote, wall time includes waiting for a core.
 */
function time(label: string, reps: number, fn: () => void): number {
  for (let r = 0; r < Math.min(reps, 20); r++) fn(); // warm-up
  const samples: number[] = [];
  const c0 = process.cpuUsage();
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  samples.sort((x, y) => x - y);
  const med = samples[Math.floor(samples.length / 2)];
  const cpu = (c.user + c.system) / 1000 / reps;
  console.log(`${label.padEnd(58)} cpu ${cpu.toFixed(2)} ms/call, wall median ${med.toFixed(2)} (min ${samples[0].toFixed(2)})`);
  return med;
}

/** Machine calibration: a dependent multiply-add chain; ~2.7 ns/iteration on an idle ~3 GHz core. */
function calibrate(): void {
  const c0 = process.cpuUsage();
  let a = 0;
  const b = 1.0000001;
  for (let i = 0; i < 1e8; i++) a = a * b + 1e-9;
  const c = process.cpuUsage(c0);
  console.log(`calibration: ${((c.user + c.system) * 1e3 / 1e8).toFixed(2)} ns cpu per dependent multiply-add (${a > 0 ? 'ok' : ''})`);
}
calibrate();

const ka = createKobAndersen('shift');
const kaSf = createKobAndersen('shifted-force');
const sys = fccSystem(10, 1.2, 0.15, 0.2);
const half = buildNeighborList(sys, { cutoff: 2.5, skin: 0.3, kind: 'half' });
const typed = buildNeighborList(sys, { cutoff: 2.5, skin: 0.3, kind: 'half', typeCutoffs: ka });
const balanced = buildNeighborList(sys, { cutoff: 2.5, skin: 0.3, kind: 'half', typeCutoffs: ka, halfRows: 'balanced' });
console.log(`KA N=${sys.n}, L=${sys.box.lengths[0].toFixed(3)}, half-list entries ${half.entries} (per-type radii: ${typed.entries}), stride ${half.stride}`);
for (const m of [1, 2, 3] as const) {
  time(`half list build, cutoff 2.5 + skin 0.3, ${m} cell(s)/cutoff`, 40, () => buildNeighborList(sys, { cutoff: 2.5, skin: 0.3, kind: 'half', cellsPerCutoff: m }));
}
time('half list build, per-type radii (default provider list)', 40, () => buildNeighborList(sys, { cutoff: 2.5, skin: 0.3, kind: 'half', typeCutoffs: ka }));
time('the same, cell search in TypeScript (kernels js)', 40, () => buildNeighborList(sys, { cutoff: 2.5, skin: 0.3, kind: 'half', typeCutoffs: ka, kernels: 'js' }));
time('full list build', 40, () => buildNeighborList(sys, { cutoff: 2.5, skin: 0.3, kind: 'full' }));
const ws = new F64Workspace(); // the TypeScript loops ('js')
const wsW = new F64Workspace('wasm'); // the WebAssembly SIMD kernels
time('KA force+energy, LJ table, one radius list', 200, () => computeForcesF64(sys, ka, half, {}, ws));
time('KA force+energy, LJ table, per-type list', 200, () => computeForcesF64(sys, ka, typed, {}, ws));
time('KA force+energy, per-type list, wasm', 200, () => computeForcesF64(sys, ka, typed, {}, wsW));
time('KA force+energy+virial (virial read), per-type list', 200, () => computeForcesF64(sys, ka, typed, {}, ws).virial);
const pool = sharedLjThreadPool(2);
if (pool) time('KA force+energy, 2 threads, balanced per-type list', 200, () => computeForcesF64(sys, ka, balanced, {}, ws, undefined, pool));
time('KA force+energy+virial + per-atom energy/virial', 100, () => computeForcesF64(sys, ka, typed, { peratom: true }, ws));
time('KA-sf (shifted force: one sqrt per pair)', 200, () => computeForcesF64(sys, kaSf, typed, {}, ws));
time('KA-sf, wasm', 200, () => computeForcesF64(sys, kaSf, typed, {}, wsW));
time('KA force+energy+virial, generic radial() path', 60, () => computeForcesF64(sys, ka, typed, {}, ws, null));
time('KA Hessian assembly (block CSR)', 5, () => assembleHessian(sys, ka, { neighborList: half }));

const cuzrFile = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
if (existsSync(cuzrFile)) {
  const eam = loadEamFs(cuzrFile);
  const cu = fccSystem(10, 0.0573, 0.2, 0.5);
  const nl = buildNeighborList(cu, { cutoff: eam.maxCutoff, skin: 1.0, kind: 'half' });
  console.log(`CuZr N=${cu.n}, L=${cu.box.lengths[0].toFixed(2)} A, cutoff ${eam.maxCutoff}, half-list entries ${nl.entries}`);
  time('CuZr half list build (skin 1.0 A)', 20, () => buildNeighborList(cu, { cutoff: eam.maxCutoff, skin: 1.0, kind: 'half' }));
  time('CuZr EAM force+energy+virial (generic interface)', 20, () => computeForcesF64(cu, eam, nl, {}, ws));
  time('CuZr EAM force+energy+virial, wasm', 40, () => computeForcesF64(cu, eam, nl, {}, wsW));
  time('CuZr EAM Hessian assembly', 2, () => assembleHessian(cu, eam, { neighborList: nl }));
}

/** ms per MD step of runMd + NVT with the default provider on `threads` threads. */
async function mdStep(start: System, threads: number, steps: number): Promise<{ ms: number; rebuilds: number }> {
  // 1 thread: the default (wasm) loops; 2 threads: the TypeScript loop on the thread pool
  const provider = createForceProvider(ka, { skin: 0.3, threads, kernels: threads > 1 ? 'js' : 'wasm' });
  const r = await runMd(cloneSystem(start), provider, { integrator: nvt({ Tstart: 0.8, Tdamp: 0.5 }), dt: 0.005, steps });
  return { ms: (1000 * r.wallSeconds) / steps, rebuilds: provider.rebuildCount };
}

const mdArg = process.argv.indexOf('--md-steps');
const mdSteps = mdArg > 0 ? Number(process.argv[mdArg + 1]) : 1000;
// the liquid, as in bench/md-ka.ts: random start, 1000 steps of NVT at T = 0.8
const liquid = randomConfiguration({ n: 4000, density: 1.2, dim: 3, composition: KA_DEFAULTS.composition, typeMasses: [0, 1, 1], seed: 1 });
initVelocities(liquid, 0.8, 1);
const eq = (await runMd(liquid, createForceProvider(ka, { skin: 0.3 }), { integrator: nvt({ Tstart: 0.8, Tdamp: 0.5 }), dt: 0.005, steps: 1000 })).state.sys;
const best = new Map<number, { ms: number; rebuilds: number }>();
for (let round = 0; round < 3; round++) {
  for (const threads of [1, 2]) {
    const t = await mdStep(eq, threads, mdSteps);
    if (!best.has(threads) || t.ms < best.get(threads)!.ms) best.set(threads, t);
  }
}
for (const [threads, t] of best) {
  console.log(`${`KA MD step (runMd + NVT, ${mdSteps} steps, ${threads} thread${threads > 1 ? 's' : ''}), best of 3`.padEnd(58)} ${t.ms.toFixed(3)} ms/step = ${(1000 / t.ms).toFixed(0)} steps/s, ${t.rebuilds} list builds`);
}
