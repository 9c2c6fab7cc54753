/**
 * MD speed of the smoothed inverse power law (the glass former of Zylberg
 * et al., PNAS 114, 7289 (2017): 50:50, r^-10, smooth to 3rd order at
 * x_c = 1.48, src/potential/ipl.ts) on 1 and 2 threads of the wasm force
 * pool: NVT (Nose-Hoover, Tdamp 0.5), T = 0.5, dt = 0.002, skin 0.3, at the
 * model's density (2D 0.86, 3D 0.82), from one random start per N with
 * velocities at T (seeded). The counts alternate (1, 2, 1, 2, ...), one
 * process, `--reps` runs per count, each timing the integration loop
 * (runMd wallSeconds). LAMMPS has no pair style for this smoothed IPL (its
 * engine here runs it through pair tables), so the peer is this code on one
 * thread: the question is whether the second thread pays.
 *
 *   node --import tsx bench/md-ipl.ts [--dim 2] [--sizes 6400,25600] [--steps 1000] [--reps 2]
 */
import { loadavg } from 'node:os';
import { randomConfiguration } from '../src/system/random-config.ts';
import { initVelocities } from '../src/md/velocities.ts';
import { createIpl, IPL_DEFAULTS } from '../src/potential/ipl.ts';
import { runOurs } from './md-common.ts';

interface Options { dim: 2 | 3; sizes: number[]; steps: number; reps: number }

function parseCli(argv: string[]): Options {
  const o: Options = { dim: 2, sizes: [6400, 25600], steps: 1000, reps: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dim') o.dim = Number(argv[++i]) as 2 | 3;
    else if (a === '--sizes') o.sizes = argv[++i].split(',').map(Number);
    else if (a === '--steps') o.steps = Number(argv[++i]);
    else if (a === '--reps') o.reps = Number(argv[++i]);
    else throw new Error(`bench/md-ipl: unknown argument ${a}; use --dim 2|3, --sizes 6400,25600, --steps N, --reps K`);
  }
  if (o.dim !== 2 && o.dim !== 3) throw new Error('bench/md-ipl: --dim must be 2 or 3');
  if (o.sizes.some((n) => !Number.isInteger(n) || n < 1000)) throw new Error('bench/md-ipl: --sizes must be integers >= 1000');
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new Error('bench/md-ipl: --steps must be a positive integer');
  if (!Number.isInteger(o.reps) || o.reps < 1) throw new Error('bench/md-ipl: --reps must be a positive integer');
  return o;
}

const o = parseCli(process.argv.slice(2));
const model = IPL_DEFAULTS[o.dim === 2 ? 'ipl2d' : 'ipl3d'];
const pot = createIpl({ dim: o.dim });
const rows: string[] = [];
for (const n of o.sizes) {
  const start = randomConfiguration({ n, density: model.numberDensity, dim: o.dim, composition: model.composition, typeMasses: [0, 1, 1], seed: 1 });
  initVelocities(start, 0.5, 1);
  const rates: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (let r = 0; r < o.reps; r++) {
    for (const threads of [1, 2] as const) {
      const t = await runOurs(start, pot, { skin: 0.3, kernels: 'wasm', threads }, { T: 0.5, Tdamp: 0.5, dt: 0.002, steps: o.steps, units: 'lj' });
      rates[threads].push(t.stepsPerSecond);
    }
  }
  const range = (x: number[]) => `${Math.min(...x).toFixed(0)}-${Math.max(...x).toFixed(0)}`;
  const ratios = rates[2].map((v, k) => v / rates[1][k]);
  rows.push(`| ${n} | ${range(rates[1])} | ${range(rates[2])} | ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)} |`);
}
console.log(`IPL ${o.dim}D (Zylberg), rho ${model.numberDensity}, T 0.5 NVT, dt 0.002, skin 0.3; ${o.steps} steps per run, ${o.reps} alternating runs per thread count.\n`);
console.log('| N | 1 thread (steps/s) | 2 threads (steps/s) | 2 threads / 1 thread, per pair |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(`\nLoad average at the end: ${loadavg()[0].toFixed(2)}.`);
