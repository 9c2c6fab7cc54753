/**
 * EAM MD speed against LAMMPS on the same machine and the same input:
 * Cu50Zr50 with Mendelev et al.'s Finnis-Sinclair potential
 * (/usr/share/lammps/potentials/CuZr_mm.eam.fs, LAMMPS `pair_style eam/fs`),
 * number density 0.0573 A^-3 (the `cuzr` model default), liquid at
 * T = 2000 K, NVT (Nose-Hoover, Tdamp = 100 dt), dt = 1 fs, Verlet skin 1.0 A
 * (`--skin`: the same for both codes; LAMMPS's metal default is 2.0 A).
 *
 * For each N: one lattice start (src/system/random-config.ts) with velocities
 * at T (seeded), written as a LAMMPS data file; then
 *   - glasslab, f64 force loops 'wasm' (the default) and 'js' (the
 *     TypeScript reference), 1 thread; with mpirun present also the wasm
 *     kernels on 2 threads (src/core/wasm/force-threads.ts) against LAMMPS
 *     on 2 MPI ranks,
 *   - LAMMPS on 1 core (`lmp -in bench/lammps/in.cuzr-nvt.lmp`),
 *   - LAMMPS on 2 cores (`mpirun -np 2 lmp ...`) when mpirun exists,
 * timing the integration loop only (LAMMPS "Loop time"; glasslab runMd
 * wallSeconds, which excludes the initial force call, like LAMMPS), and the
 * CPU-time rates (robust to other load). The cost exponent b in
 * t_step ~ N^b is a least-squares fit of log t_step against log N.
 *
 * With `--reps K` every run is repeated K times, the codes interleaved, and
 * each rate is the best of the K (on a shared machine the best run is the
 * one least disturbed by other jobs).
 *
 *   node --import tsx bench/md-eam.ts [--steps 2000] [--sizes 1000,2000,4000,8000,16000] [--no-js] [--skin 1.0] [--reps 1]
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomConfiguration } from '../src/system/random-config.ts';
import { writeLammpsData } from '../src/io/index.ts';
import { initVelocities } from '../src/md/velocities.ts';
import { loadEamFs } from '../src/potential/eam-fs.ts';
import { wasmForcesAvailable } from '../src/core/wasm/force-runtime.ts';
import { exponent, haveCommand, runLammps, runOurs } from './md-common.ts';

const POTFILE = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
const T = 2000, DT = 0.001, TDAMP = 100 * DT, DENSITY = 0.0573;
const TEMPLATE = resolve(import.meta.dirname, 'lammps/in.cuzr-nvt.lmp');

interface Options { steps: number; sizes: number[]; js: boolean; seed: number; skin: number; reps: number }

function parseCli(argv: string[]): Options {
  const o: Options = { steps: 2000, sizes: [1000, 2000, 4000, 8000, 16000], js: true, seed: 1, skin: 1.0, reps: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--steps') o.steps = Number(argv[++i]);
    else if (a === '--sizes') o.sizes = argv[++i].split(',').map(Number);
    else if (a === '--no-js') o.js = false;
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--skin') o.skin = Number(argv[++i]);
    else if (a === '--reps') o.reps = Number(argv[++i]);
    else throw new Error(`bench/md-eam: unknown argument ${a}; use --steps N, --sizes 1000,2000, --no-js, --seed S, --skin A, --reps K`);
  }
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new Error('bench/md-eam: --steps must be a positive integer');
  if (o.sizes.some((n) => !Number.isInteger(n) || n < 100)) throw new Error('bench/md-eam: --sizes must be integers >= 100');
  if (!(o.skin > 0) || o.skin > 3) throw new Error('bench/md-eam: --skin must be in (0, 3] Angstrom');
  if (!Number.isInteger(o.reps) || o.reps < 1) throw new Error('bench/md-eam: --reps must be a positive integer');
  return o;
}

async function main(): Promise<void> {
  const o = parseCli(process.argv.slice(2));
  if (!existsSync(POTFILE)) throw new Error(`bench/md-eam: ${POTFILE} not found; install the Debian package lammps-data`);
  if (!haveCommand('lmp', ['-h'])) throw new Error('bench/md-eam: LAMMPS (lmp) not found; install the Debian package lammps');
  const mpi = haveCommand('mpirun', ['--version']);
  const pot = loadEamFs(POTFILE, { name: 'cuzr' });
  const md = { T, Tdamp: TDAMP, dt: DT, steps: o.steps, units: 'metal' as const };
  const SKIN = o.skin;
  const vars = { steps: o.steps, temp: T, tdamp: TDAMP, dt: DT, potfile: POTFILE, skin: SKIN };
  const dir = mkdtempSync(join(tmpdir(), 'glasslab-bench-eam-'));
  const rows: Record<string, number>[] = [];
  try {
    for (const n of o.sizes) {
      const start = randomConfiguration({ n, density: DENSITY, dim: 3, composition: [0, 0.5, 0.5], typeMasses: pot.typeMasses, seed: o.seed });
      initVelocities(start, T, o.seed, 'metal');
      const data = join(dir, `cuzr-${n}.data`);
      await writeLammpsData(data, start);
      const row: Record<string, number> = { n };
      const best = (key: string, x: number) => { row[key] = Math.max(row[key] ?? 0, x); };
      for (let r = 0; r < o.reps; r++) {
        const w = await runOurs(start, pot, { skin: SKIN, kernels: 'wasm' }, md);
        best('wasm', w.stepsPerSecond); best('wasmCpu', w.stepsPerCpuSecond); row.oursPe = w.pePerAtom;
        if (mpi) best('wasm2', (await runOurs(start, pot, { skin: SKIN, kernels: 'wasm', threads: 2 }, md)).stepsPerSecond);
        if (o.js) { const j = await runOurs(start, pot, { skin: SKIN, kernels: 'js' }, md); best('js', j.stepsPerSecond); best('jsCpu', j.stepsPerCpuSecond); }
        const l1 = runLammps(dir, TEMPLATE, { data, ...vars }, 1);
        best('lmp1', l1.stepsPerSecond); best('lmp1Cpu', l1.stepsPerCpuSecond); row.lmpPe = l1.pePerAtom;
        if (mpi) best('lmp2', runLammps(dir, TEMPLATE, { data, ...vars }, 2).stepsPerSecond);
      }
      rows.push(row);
      console.error(`N=${n}: glasslab wasm ${row.wasm.toFixed(1)}${mpi ? ` (2 threads ${row.wasm2.toFixed(1)})` : ''}${o.js ? `, js ${row.js.toFixed(1)}` : ''} steps/s; LAMMPS 1 core ${row.lmp1.toFixed(1)}${mpi ? `, 2 cores ${row.lmp2.toFixed(1)}` : ''} steps/s (load ${loadavg()[0].toFixed(2)})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const f = (x: number | undefined, d = 1) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
  const out: string[] = [];
  out.push(`CuZr_mm.eam.fs (eam/fs), Cu50Zr50, rho ${DENSITY} A^-3, T ${T} K, NVT (Nose-Hoover, Tdamp ${TDAMP} ps), dt ${DT} ps, skin ${SKIN} A; ${o.steps} steps per run, same start for both codes${o.reps > 1 ? `; best of ${o.reps} interleaved runs` : ''}.`);
  out.push(`Force loops: ${wasmForcesAvailable() ? 'wasm kernels loaded' : 'wasm kernels NOT loaded (both glasslab columns ran TypeScript)'}.`);
  out.push(`Rates are per wall-clock second of the integration loop; the "per CPU s" ratio divides by process CPU time instead (load average at the end: ${loadavg()[0].toFixed(2)} on ${cpus().length} cores).`);
  out.push('');
  const head = ['N', 'glasslab wasm, 1 thread (steps/s)', ...(mpi ? ['glasslab wasm, 2 threads'] : []), ...(o.js ? ['glasslab js, 1 thread'] : []), 'LAMMPS 1 core', ...(mpi ? ['LAMMPS 2 cores'] : []),
    'ratio: wasm / LAMMPS 1 core', ...(mpi ? ['ratio: wasm 2 threads / LAMMPS 2 cores', 'ratio: wasm 2 threads / 1 thread'] : []), ...(o.js ? ['ratio: wasm / js'] : []),
    'per CPU s: wasm / LAMMPS 1 core', 'PE/N at end (eV), glasslab', 'PE/N at end, LAMMPS'];
  out.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const r of rows) {
    out.push(`| ${[String(r.n), f(r.wasm), ...(mpi ? [f(r.wasm2)] : []), ...(o.js ? [f(r.js)] : []), f(r.lmp1), ...(mpi ? [f(r.lmp2)] : []),
      f(r.wasm / r.lmp1, 3), ...(mpi ? [f(r.wasm2 / r.lmp2, 3), f(r.wasm2 / r.wasm, 2)] : []), ...(o.js ? [f(r.wasm / r.js, 2)] : []),
      f(r.wasmCpu / r.lmp1Cpu, 3), f(r.oursPe, 4), f(r.lmpPe, 4)].join(' | ')} |`);
  }
  if (rows.length >= 2) {
    const ns = rows.map((r) => r.n);
    const b = (key: string) => exponent(ns, rows.map((r) => 1 / r[key])).toFixed(2);
    out.push('', `Cost exponent b in t_step ~ N^b (N = ${ns.join(', ')}): glasslab wasm ${b('wasm')}${mpi ? `, glasslab wasm 2 threads ${b('wasm2')}` : ''}${o.js ? `, glasslab js ${b('js')}` : ''}, LAMMPS 1 core ${b('lmp1')}${mpi ? `, LAMMPS 2 cores ${b('lmp2')}` : ''}.`);
  }
  console.log(out.join('\n'));
}

await main();
