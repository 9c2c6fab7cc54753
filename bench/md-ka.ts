/**
 * MD speed against LAMMPS on the same machine and the same input:
 * Kob-Andersen 80:20, rho = 1.2, T = 0.8, NVT (Nose-Hoover, Tdamp = 100 dt),
 * dt = 0.005, truncated-and-shifted LJ at 2.5 sigma_ab, Verlet skin 0.3.
 *
 * For each N: one random start (src/system/random-config.ts) with velocities
 * at T (seeded), written as a LAMMPS data file; then
 *   - glasslab, f64 force loops on 1 thread: 'wasm' (the default, WebAssembly
 *     SIMD) and 'js' (the TypeScript reference); with mpirun present also the
 *     wasm kernels and the TypeScript loop on 2 worker threads against
 *     LAMMPS on 2 MPI ranks;
 *     with --f32 also the gpu.js f32 kernel,
 *   - LAMMPS on 1 core (`lmp -in bench/lammps/in.ka-nvt.lmp`),
 *   - LAMMPS on 2 cores (`mpirun -np 2 lmp ...`) when mpirun exists,
 * timing the integration loop only (LAMMPS "Loop time"; glasslab runMd
 * wallSeconds, which excludes the initial force call, like LAMMPS).
 * The cost exponent b in t_step ~ N^b is a least-squares fit of
 * log t_step against log N over the sizes run.
 *
 *   node --import tsx bench/md-ka.ts [--steps 10000] [--sizes 1000,2000,4000,8000] [--f32]
 *   node --import tsx bench/md-ka.ts --pairs 8 [--steps 1000] [--sizes 4000]
 *
 * --pairs R: on a host whose speed drifts (a shared virtual machine: here
 * the same run swung 30-40% within minutes), R rounds per N of back-to-back
 * pairs, glasslab wasm then LAMMPS on 1 core and 2 threads then `mpirun
 * -np 2` (the order reversed every other round), reporting the median and
 * the quartiles of the per-pair ratios: both codes of a pair see the host
 * at about the same speed.
 *
 * With fewer steps than 10000 the printed "10k-step time" is extrapolated
 * linearly from the measured rate (stated in the output).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomConfiguration } from '../src/system/random-config.ts';
import type { ForceProviderOptions } from '../src/core/force-provider.ts';
import { GpuLjForces } from '../src/core/gpu-pair-forces.ts';
import { wasmForcesAvailable } from '../src/core/wasm/force-runtime.ts';
import { writeLammpsData } from '../src/io/index.ts';
import { initVelocities } from '../src/md/velocities.ts';
import { createKobAndersen, KA_DEFAULTS } from '../src/potential/ka.ts';
import type { System } from '../src/system/system.ts';
import { exponent, haveCommand, runLammps, runOurs, type Timing } from './md-common.ts';
import { quantile } from '../src/analysis/statistics/descriptive.ts';

const T = 0.8, DT = 0.005, TDAMP = 100 * DT, DENSITY = 1.2, SKIN = 0.3;
const TEMPLATE = resolve(import.meta.dirname, 'lammps/in.ka-nvt.lmp');

interface Options { steps: number; sizes: number[]; f32: boolean; seed: number; pairs: number }

function parseCli(argv: string[]): Options {
  const o: Options = { steps: 10000, sizes: [1000, 2000, 4000, 8000], f32: false, seed: 1, pairs: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--steps') o.steps = Number(argv[++i]);
    else if (a === '--sizes') o.sizes = argv[++i].split(',').map(Number);
    else if (a === '--f32') o.f32 = true;
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--pairs') o.pairs = Number(argv[++i]);
    else throw new Error(`bench/md-ka: unknown argument ${a}; use --steps N, --sizes 1000,2000, --f32, --seed S, --pairs R`);
  }
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new Error('bench/md-ka: --steps must be a positive integer');
  if (o.sizes.some((n) => !Number.isInteger(n) || n < 100)) throw new Error('bench/md-ka: --sizes must be integers >= 100');
  if (!Number.isInteger(o.pairs) || o.pairs < 0) throw new Error('bench/md-ka: --pairs must be a non-negative integer (rounds of back-to-back pairs)');
  return o;
}

async function runKa(start: System, steps: number, provider: ForceProviderOptions): Promise<Timing> {
  return runOurs(start, createKobAndersen('shift'), { skin: SKIN, ...provider }, { T, Tdamp: TDAMP, dt: DT, steps, units: 'lj' });
}

/** The lower quartile, median and upper quartile of xs. */
function quartiles(xs: number[]): [number, number, number] {
  return [quantile(xs, 0.25), quantile(xs, 0.5), quantile(xs, 0.75)];
}

/** --pairs: R rounds of back-to-back glasslab/LAMMPS pairs per N on 1 and 2 cores; the per-pair ratios' median and quartiles. */
async function pairedRatios(o: Options, mpi: boolean, dir: string): Promise<void> {
  const lines = [`KA 80:20, rho ${DENSITY}, T ${T}, NVT (Nose-Hoover, Tdamp ${TDAMP}), dt ${DT}, skin ${SKIN}; ${o.steps} steps per run; ${o.pairs} rounds of back-to-back pairs per N (order reversed every other round).`,
    'Ratio: glasslab wasm steps/s over LAMMPS steps/s of the same pair; median [quartiles] over the rounds, and the median rates.', '',
    '| N | 1 core: ratio | glasslab 1 thread | LAMMPS 1 core | 2 cores: ratio | glasslab 2 threads | LAMMPS mpirun -np 2 |', '|---|---|---|---|---|---|---|'];
  for (const n of o.sizes) {
    const start = randomConfiguration({ n, density: DENSITY, dim: 3, composition: KA_DEFAULTS.composition, typeMasses: [0, 1, 1], seed: o.seed });
    initVelocities(start, T, o.seed);
    const data = join(dir, `ka-${n}.data`);
    await writeLammpsData(data, start);
    const vars = { data, steps: o.steps, temp: T, tdamp: TDAMP, dt: DT };
    const cores = mpi ? [1, 2] : [1];
    const rates: Record<string, number[]> = { o1: [], l1: [], o2: [], l2: [], r1: [], r2: [] };
    for (let r = 0; r < o.pairs; r++) {
      for (const c of cores) {
        const ours = async () => (await runKa(start, o.steps, { kernels: 'wasm', threads: c })).stepsPerSecond;
        const lmp = () => runLammps(dir, TEMPLATE, vars, c).stepsPerSecond;
        let a: number, b: number;
        if (r % 2 === 0) { a = await ours(); b = lmp(); } else { b = lmp(); a = await ours(); }
        rates[`o${c}`].push(a); rates[`l${c}`].push(b); rates[`r${c}`].push(a / b);
      }
      console.error(`N=${n} round ${r + 1}: 1 core ${rates.r1.at(-1)!.toFixed(3)}${mpi ? `, 2 cores ${rates.r2.at(-1)!.toFixed(3)}` : ''} (load ${loadavg()[0].toFixed(2)})`);
    }
    const q = (k: string, d: number) => { const [lo, m, hi] = quartiles(rates[k]); return `${m.toFixed(d)} [${lo.toFixed(d)}-${hi.toFixed(d)}]`; };
    const med = (k: string) => (rates[k].length ? quartiles(rates[k])[1].toFixed(1) : '-');
    lines.push(`| ${n} | ${q('r1', 3)} | ${med('o1')} | ${med('l1')} | ${mpi ? q('r2', 3) : '-'} | ${med('o2')} | ${med('l2')} |`);
  }
  lines.push('', `Load average at the end: ${loadavg()[0].toFixed(2)} on ${cpus().length} cores.`);
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  const o = parseCli(process.argv.slice(2));
  if (!haveCommand('lmp', ['-h'])) throw new Error('bench/md-ka: LAMMPS (lmp) not found; install the Debian package lammps');
  const mpi = haveCommand('mpirun', ['--version']);
  if (o.pairs > 0) {
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-bench-'));
    try { await pairedRatios(o, mpi, dir); } finally { rmSync(dir, { recursive: true, force: true }); }
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'glasslab-bench-'));
  const rows: Record<string, number>[] = [];
  try {
    for (const n of o.sizes) {
      const start = randomConfiguration({ n, density: DENSITY, dim: 3, composition: KA_DEFAULTS.composition, typeMasses: [0, 1, 1], seed: o.seed });
      initVelocities(start, T, o.seed);
      const data = join(dir, `ka-${n}.data`);
      await writeLammpsData(data, start);
      const row: Record<string, number> = { n };
      const f64 = await runKa(start, o.steps, { kernels: 'wasm', threads: 1 });
      row.ours = f64.stepsPerSecond; row.oursCpu = f64.stepsPerCpuSecond; row.oursPe = f64.pePerAtom;
      row.js = (await runKa(start, o.steps, { kernels: 'js', threads: 1 })).stepsPerSecond;
      if (mpi) {
        row.wasm2 = (await runKa(start, o.steps, { kernels: 'wasm', threads: 2 })).stepsPerSecond;
        row.ours2 = (await runKa(start, o.steps, { kernels: 'js', threads: 2 })).stepsPerSecond;
      }
      if (o.f32) {
        const kernel = await GpuLjForces.create(createKobAndersen('shift').pairTable(), { backend: 'auto' });
        row.ours32 = (await runKa(start, o.steps, { precision: 'f32', kernel })).stepsPerSecond;
      }
      const vars = { data, steps: o.steps, temp: T, tdamp: TDAMP, dt: DT };
      const l1 = runLammps(dir, TEMPLATE, vars, 1);
      row.lmp1 = l1.stepsPerSecond; row.lmp1Cpu = l1.stepsPerCpuSecond; row.lmpPe = l1.pePerAtom;
      if (mpi) row.lmp2 = runLammps(dir, TEMPLATE, vars, 2).stepsPerSecond;
      rows.push(row);
      console.error(`N=${n}: glasslab wasm ${row.ours.toFixed(1)}, js ${row.js.toFixed(1)}${mpi ? ` (2 threads: wasm ${row.wasm2.toFixed(1)}, js ${row.ours2.toFixed(1)})` : ''} steps/s, LAMMPS 1 core ${row.lmp1.toFixed(1)}${mpi ? `, 2 cores ${row.lmp2.toFixed(1)}` : ''} steps/s (load ${loadavg()[0].toFixed(2)})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const f = (x: number | undefined, d = 1) => (x === undefined ? '-' : x.toFixed(d));
  const lines: string[] = [];
  lines.push(`KA 80:20, rho ${DENSITY}, T ${T}, NVT (Nose-Hoover, Tdamp ${TDAMP}), dt ${DT}, skin ${SKIN}; ${o.steps} steps per run, same start for both codes.`);
  if (o.steps < 10000) lines.push(`Times for 10000 steps are extrapolated linearly from ${o.steps}-step runs.`);
  lines.push(`Force loops: ${wasmForcesAvailable() ? 'wasm kernels loaded' : 'wasm kernels NOT loaded (the wasm column ran TypeScript)'}.`);
  lines.push(`Rates are per wall-clock second of the integration loop; the "per CPU s" ratio divides by process CPU time instead (robust to other load on the machine; load average at the end: ${loadavg()[0].toFixed(2)} on ${cpus().length} cores).`);
  lines.push('');
  const head = ['N', 'glasslab f64 wasm, 1 thread (steps/s)', 'glasslab f64 js, 1 thread', ...(mpi ? ['glasslab f64 wasm, 2 threads', 'glasslab f64 js, 2 threads'] : []), ...(o.f32 ? ['glasslab f32 (steps/s)'] : []),
    'LAMMPS 1 core', ...(mpi ? ['LAMMPS 2 cores'] : []),
    'ratio 1 core: wasm / LAMMPS', ...(mpi ? ['ratio 2 cores: wasm 2 threads / LAMMPS', 'ratio 2 cores: js 2 threads / LAMMPS', 'ratio wasm 2 threads / 1 thread'] : []), 'ratio wasm / js', '1 core, per CPU s: wasm / LAMMPS',
    '10k steps, glasslab (s)', 'PE/N at end, glasslab', 'PE/N at end, LAMMPS'];
  lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const r of rows) {
    const cells = [String(r.n), f(r.ours), f(r.js), ...(mpi ? [f(r.wasm2), f(r.ours2)] : []), ...(o.f32 ? [f(r.ours32)] : []), f(r.lmp1), ...(mpi ? [f(r.lmp2)] : []),
      f(r.ours / r.lmp1, 3), ...(mpi ? [f(r.wasm2 / r.lmp2, 3), f(r.ours2 / r.lmp2, 3), f(r.wasm2 / r.ours, 2)] : []), f(r.ours / r.js, 2), f(r.oursCpu / r.lmp1Cpu, 3),
      f(10000 / r.ours, 1), f(r.oursPe, 4), f(r.lmpPe, 4)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (rows.length >= 2) {
    const ns = rows.map((r) => r.n);
    const b = (key: string) => exponent(ns, rows.map((r) => 1 / r[key])).toFixed(2);
    lines.push('', `Cost exponent b in t_step ~ N^b (least squares over N = ${ns.join(', ')}): glasslab wasm ${b('ours')}, glasslab js ${b('js')}${mpi ? `, glasslab wasm 2 threads ${b('wasm2')}, glasslab js 2 threads ${b('ours2')}` : ''}` +
      `${o.f32 ? `, glasslab f32 ${b('ours32')}` : ''}, LAMMPS 1 core ${b('lmp1')}${mpi ? `, LAMMPS 2 cores ${b('lmp2')}` : ''}.`);
  }
  console.log(lines.join('\n'));
}

await main();
