/**
 * KA MD speed of this checkout against another checkout of glasslab (say
 * main) and LAMMPS, interleaved in one process: the protocol of
 * bench/md-ka.ts (KA 80:20, rho 1.2, T 0.8 NVT, Tdamp 100 dt, dt 0.005,
 * skin 0.3, wasm force loops), the same start for all three; per repetition
 * and thread count: the other checkout, this one, then LAMMPS on as many
 * cores (`lmp`, `mpirun -np 2 lmp`). Rates per wall second of the loop and
 * per CPU second of the process (LAMMPS: of one rank), with the load
 * average after each run: on a shared machine compare within a repetition.
 *
 *   node --import tsx bench/md-ka-ab.ts --base /work/main [--n 4000] [--steps 1000] [--reps 3] [--threads 1,2]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomConfiguration } from '../src/system/random-config.ts';
import { writeLammpsData } from '../src/io/index.ts';
import { initVelocities } from '../src/md/velocities.ts';
import { createKobAndersen, KA_DEFAULTS } from '../src/potential/ka.ts';
import { haveCommand, runLammps, runOurs } from './md-common.ts';

interface Options { base: string; n: number; steps: number; reps: number; threads: number[] }

function parseCli(argv: string[]): Options {
  const o: Options = { base: '', n: 4000, steps: 1000, reps: 3, threads: [1, 2] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--base') o.base = resolve(argv[++i]);
    else if (a === '--n') o.n = Number(argv[++i]);
    else if (a === '--steps') o.steps = Number(argv[++i]);
    else if (a === '--reps') o.reps = Number(argv[++i]);
    else if (a === '--threads') o.threads = argv[++i].split(',').map(Number);
    else throw new Error(`bench/md-ka-ab: unknown argument ${a}; use --base DIR, --n N, --steps S, --reps R, --threads 1,2`);
  }
  if (!o.base) throw new Error('bench/md-ka-ab: give --base DIR, the glasslab checkout to compare with (e.g. a worktree of main)');
  for (const [k, v] of [['n', o.n], ['steps', o.steps], ['reps', o.reps]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`bench/md-ka-ab: --${k} must be a positive integer`);
  }
  if (o.threads.some((t) => t !== 1 && t !== 2)) throw new Error('bench/md-ka-ab: --threads takes 1 and/or 2');
  return o;
}

const o = parseCli(process.argv.slice(2));
if (!haveCommand('lmp', ['-h'])) throw new Error('bench/md-ka-ab: LAMMPS (lmp) not found; install the Debian package lammps');
const from = (rel: string) => import(pathToFileURL(join(o.base, rel)).href);
const baseCommon = await from('bench/md-common.ts') as { runOurs: typeof runOurs };
const baseKa = await from('src/potential/ka.ts') as { createKobAndersen: typeof createKobAndersen };
const start = randomConfiguration({ n: o.n, density: 1.2, dim: 3, composition: KA_DEFAULTS.composition, typeMasses: [0, 1, 1], seed: 1 });
initVelocities(start, 0.8, 1);
const dir = mkdtempSync(join(tmpdir(), 'glasslab-ab-'));
try {
  const data = join(dir, 'ka.data');
  await writeLammpsData(data, start);
  const md = { T: 0.8, Tdamp: 0.5, dt: 0.005, steps: o.steps, units: 'lj' as const };
  const line = (who: string, t: { stepsPerSecond: number; stepsPerCpuSecond: number; pePerAtom: number }) =>
    console.log(`| ${who} | ${t.stepsPerSecond.toFixed(1)} | ${t.stepsPerCpuSecond.toFixed(1)} | ${t.pePerAtom.toFixed(4)} | ${loadavg()[0].toFixed(1)} |`);
  console.log(`KA N = ${o.n}, ${o.steps} steps per run; base ${o.base}\n\n| run | steps/s | steps per CPU s | PE/N at end | load after |\n|---|---|---|---|---|`);
  for (let r = 0; r < o.reps; r++) {
    for (const threads of o.threads) {
      line(`${r + 1}: base, ${threads} thread(s)`, await baseCommon.runOurs(start, baseKa.createKobAndersen('shift'), { skin: 0.3, kernels: 'wasm', threads }, md));
      line(`${r + 1}: this checkout, ${threads} thread(s)`, await runOurs(start, createKobAndersen('shift'), { skin: 0.3, kernels: 'wasm', threads }, md));
      line(`${r + 1}: LAMMPS, ${threads} core(s)`, runLammps(dir, resolve(import.meta.dirname, 'lammps/in.ka-nvt.lmp'), { data, steps: o.steps, temp: 0.8, tdamp: 0.5, dt: 0.005 }, threads));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
