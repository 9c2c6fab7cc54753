/**
 * Overhead of `md --engine lammps` over a hand-written LAMMPS run of the
 * same protocol, whole process, wall time: Kob-Andersen 80:20, N = 4000,
 * rho = 1.2, T = 0.8, NVT (Tdamp 0.5), dt 0.005, `mpirun -np 2`.
 *   A: mpirun -np 2 lmp -in bench/lammps/in.ka-nvt.lmp (the hand-written deck; --np 1: lmp alone)
 *   B: node bin/glasslab.mjs md --init start.data ... --engine lammps --mpi 2
 * from the same data file with velocities, interleaved A B A B ..., each
 * timed from spawn to exit. B includes Node's start, loading the sources,
 * writing the deck and data, streaming the thermo, and reading back and
 * writing the final configuration (--final).
 *
 *   node --import tsx bench/md-lammps-engine.ts [--steps 4000] [--reps 3] [--n 4000] [--np 2 (1: lmp alone)]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeLammpsData } from '../src/io/index.ts';
import { initVelocities } from '../src/md/velocities.ts';
import { KA_DEFAULTS, createKobAndersen } from '../src/potential/ka.ts';
import { randomConfiguration } from '../src/system/random-config.ts';

const arg = (name: string, d: number) => { const i = process.argv.indexOf(name); return i < 0 ? d : Number(process.argv[i + 1]); };
const steps = arg('--steps', 4000), reps = arg('--reps', 3), n = arg('--n', 4000), np = arg('--np', 2);
const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'glasslab-bench-engine-'));
const root = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--allow-run-as-root'] : [];

const sys = randomConfiguration({ n, density: 1.2, dim: 3, composition: KA_DEFAULTS.composition, typeMasses: createKobAndersen().typeMasses, seed: 1 });
initVelocities(sys, 0.8, 1);
await writeLammpsData(join(dir, 'start.data'), sys);

function timed(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.stdout).slice(-500)}`);
  return (performance.now() - t0) / 1000;
}

const a: number[] = [], b: number[] = [];
console.log(`KA N = ${n}, ${steps} steps, ${np > 1 ? `mpirun -np ${np}` : 'serial'}; load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (let k = 0; k < reps; k++) {
  const lmp = ['lmp', '-in', join(ROOT, 'bench/lammps/in.ka-nvt.lmp'), '-log', 'none', '-screen', 'none',
    '-var', 'data', 'start.data', '-var', 'steps', String(steps), '-var', 'temp', '0.8', '-var', 'tdamp', '0.5', '-var', 'dt', '0.005'];
  a.push(np > 1 ? timed('mpirun', [...root, '-np', String(np), ...lmp]) : timed(lmp[0], lmp.slice(1)));
  b.push(timed('node', [join(ROOT, 'bin/glasslab.mjs'), 'md', '--init', 'start.data', '--temp', '0.8', '--tdamp', '0.5', '--dt', '0.005',
    '--steps', String(steps), '--thermo', '1000', '--final', `final-${k}.data`, '--engine', 'lammps', ...(np > 1 ? ['--mpi', String(np)] : [])]));
  console.log(`rep ${k + 1}: hand-written ${a[k].toFixed(2)} s, md --engine lammps ${b[k].toFixed(2)} s, ratio ${(b[k] / a[k]).toFixed(3)}`);
}
const ratios = b.map((x, k) => x / a[k]);
console.log(`ratio range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)}; overhead ${(Math.min(...b) - Math.min(...a)).toFixed(2)} s (best of each); load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
rmSync(dir, { recursive: true, force: true });
