/**
 * Dense symmetric eigensolver (all eigenvalues and eigenvectors, f64) against
 * numpy eigh, same machine, same run.
 *
 * Usage: npx tsx bench/linalg-eigen.ts [--reps R] [--js] [--warm] [--only KEYS] [n ...]   (default: --reps 3, n = 1500 3000)
 * KEYS: comma-separated subset of wasm1, wasm2, js, np1, npdefault (e.g. --only wasm2,np1 at n = 6000,
 * where numpy with default threads on a loaded 2-core machine takes many minutes).
 *
 * Configurations, each repetition in a fresh process (so the peak RSS is that
 * run's), interleaved repetition by repetition so that load from other
 * processes hits all of them alike:
 *   ours wasm 1 thread, ours wasm 2 threads (kernel 'wasm', option threads),
 *   [ours js 1 thread with --js], numpy eigh with 1 BLAS thread
 *   (OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = 1) and with numpy's default threads.
 * Prints per n and configuration: min / median / max seconds, GFlop/s at the
 * nominal 14/3 n^3 flops (4/3 reduction + 4/3 divide-and-conquer products
 * without deflation + 2 back-transformation), the ratio of medians to numpy
 * 1-thread and default-thread, peak RSS, and for ours the residual
 * max|A v - lambda v| and orthogonality max|V V^T - I| over 20 sampled
 * eigenpairs; then the cost exponent d log t / d log n between sizes.
 * CPU seconds (all threads of the process) are printed too: with other jobs
 * on the machine, the CPU time of the 1-thread runs is the steadier measure.
 * Default: the timed call is the process's first (cold: for ours it includes
 * the JIT warm-up of the TypeScript parts and V8's compilation of the wasm
 * functions, and the page faults of the first growth of the wasm memory:
 * about 0.3-0.5 CPU s at n = 1500). --warm: the second call at the same n
 * on both sides, the steady state of a long-lived process (a notebook
 * kernel): ours solves the same-size problem once first (the wasm memory,
 * kept up to 512 MiB, is then already grown), numpy's time is its second
 * eigh call (linalg-eigh.py --reps 2).
 * PYTHON=/usr/bin/python3 picks another numpy (e.g. Debian's).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { symmetricEigen, type EigenKernel } from '../src/linalg/dense-eigen.ts';
import { kernelVariant } from '../src/linalg/wasm/wasm-runtime.ts';
import { randomSymmetric } from '../test/linalg/fixtures.ts';

const FLOPS = (n: number) => (14 / 3) * n ** 3;

/** max |A v_k - lambda_k v_k| and max |v_k . v_l - delta| over a sample of 20 eigenpairs. */
function checks(A: Float64Array, n: number, values: Float64Array, V: Float64Array): { residual: number; orthogonality: number } {
  let residual = 0, orthogonality = 0;
  const m = Math.min(n, 20);
  const sample = Array.from({ length: m }, (_, s) => Math.floor((s * (n - 1)) / Math.max(1, m - 1)));
  for (const k of sample) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * V[k * n + j];
      residual = Math.max(residual, Math.abs(s - values[k] * V[k * n + i]));
    }
    for (let l = 0; l < n; l++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += V[k * n + j] * V[l * n + j];
      orthogonality = Math.max(orthogonality, Math.abs(s - (k === l ? 1 : 0)));
    }
  }
  return { residual, orthogonality };
}

interface Run { seconds: number; cpuSeconds: number; maxRssMB: number; residual?: number; orthogonality?: number; variant?: string }

/** Child mode: one solve, JSON on stdout. */
function child(n: number, kernel: EigenKernel, threads: number, warm: boolean): void {
  const A = randomSymmetric(n, 7);
  if (warm) symmetricEigen(A, n, { kernel, threads });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = symmetricEigen(A, n, { kernel, threads });
  const seconds = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  const c = checks(A, n, r.values, r.vectors!);
  const out: Run = { seconds, cpuSeconds: (cu.user + cu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024, ...c, variant: kernel === 'wasm' ? kernelVariant() : 'js' };
  console.log(JSON.stringify(out));
}

const self = fileURLToPath(import.meta.url);
/** the Python with numpy (environment variable PYTHON, default python3) */
const PYTHON = process.env.PYTHON ?? 'python3';
const pyScript = fileURLToPath(new URL('./linalg-eigh.py', import.meta.url));

/** --warm: start-up paid before the timed call (module doc) */
let warm = false;

function runOurs(n: number, kernel: EigenKernel, threads: number): Run {
  const text = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', String(n), kernel, String(threads), warm ? 'warm' : 'cold'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(text.trim().split('\n').pop()!);
}

function runNumpy(n: number, threads?: number): Run | undefined {
  const env = threads === undefined ? process.env : { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  try {
    const r = JSON.parse(execFileSync(PYTHON, [pyScript, ...(warm ? ['--reps', '2'] : []), String(n)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env }).trim());
    const k = warm ? 1 : 0;
    return { seconds: r.seconds[k], cpuSeconds: r.cpuSeconds[k], maxRssMB: r.maxRssMB, variant: `numpy ${r.numpy}` };
  } catch (err) {
    console.log(`numpy reference unavailable (${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') { child(Number(argv[1]), argv[2] as EigenKernel, Number(argv[3]), argv[4] === 'warm'); return; }
  let reps = 3, withJs = false;
  let only: string[] | undefined;
  const sizes: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--reps') reps = Number(argv[++i]);
    else if (argv[i] === '--js') withJs = true;
    else if (argv[i] === '--warm') warm = true;
    else if (argv[i] === '--only') only = argv[++i].split(',');
    else if (Number(argv[i]) > 0) sizes.push(Number(argv[i]));
    else throw new Error(`bench/linalg-eigen.ts: unknown argument '${argv[i]}' (usage: [--reps R] [--js] [--warm] [--only KEYS] [n ...])`);
  }
  if (sizes.length === 0) sizes.push(1500, 3000);
  const all: { key: string; name: string; run: (n: number) => Run | undefined }[] = [
    { key: 'wasm1', name: 'ours wasm 1 thread', run: (n) => runOurs(n, 'wasm', 1) },
    { key: 'wasm2', name: 'ours wasm 2 threads', run: (n) => runOurs(n, 'wasm', 2) },
    { key: 'js', name: 'ours js 1 thread', run: (n: number) => runOurs(n, 'js', 1) },
    { key: 'np1', name: 'numpy eigh 1 thread', run: (n) => runNumpy(n, 1) },
    { key: 'npdefault', name: 'numpy eigh default threads', run: (n) => runNumpy(n) },
  ];
  const configs = all.filter((c) => (only ? only.includes(c.key) : c.key !== 'js' || withJs));
  const median = (x: number[]) => { const s = [...x].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]); };
  const medians = new Map<string, number[]>();
  console.log(`# dense symmetric eigensolver vs numpy eigh; ${reps} repetitions per configuration, interleaved; ${warm ? 'warm (second call at the same n)' : 'cold (first call of the process)'}; ${new Date().toISOString()}`);
  for (const n of sizes) {
    const runs = new Map<string, Run[]>(configs.map((c) => [c.name, []]));
    for (let r = 0; r < reps; r++) {
      for (const c of configs) {
        const x = c.run(n);
        if (x) runs.get(c.name)!.push(x);
        console.log(`#   n=${n} rep ${r + 1} ${c.name}: ${x ? `${x.seconds.toFixed(3)} s (cpu ${x.cpuSeconds.toFixed(3)} s)` : '-'}`);
      }
    }
    const np1 = runs.get('numpy eigh 1 thread') ?? [], npd = runs.get('numpy eigh default threads') ?? [];
    const m1 = np1.length ? median(np1.map((x) => x.seconds)) : NaN, md = npd.length ? median(npd.map((x) => x.seconds)) : NaN;
    console.log(`\nn = ${n}   (nominal ${(FLOPS(n) / 1e9).toFixed(1)} GFlop)`);
    console.log('configuration                 min_s    median_s  max_s    GFlop/s  t/np1   t/np_default  cpu_s(median)  cpu/np1_cpu  peakRSS_MB  residual  orthogonality  kernel');
    const c1 = np1.length ? median(np1.map((x) => x.cpuSeconds)) : NaN;
    for (const c of configs) {
      const xs = runs.get(c.name)!;
      if (xs.length === 0) continue;
      const t = xs.map((x) => x.seconds);
      const med = median(t);
      if (!medians.has(c.name)) medians.set(c.name, []);
      medians.get(c.name)!.push(med);
      const f = (x: number, p = 3) => (Number.isFinite(x) ? x.toFixed(p) : '-');
      console.log([c.name.padEnd(28), f(Math.min(...t)).padStart(7), f(med).padStart(9), f(Math.max(...t)).padStart(8), f(FLOPS(n) / med / 1e9, 1).padStart(8),
        f(med / m1, 2).padStart(6), f(med / md, 2).padStart(12), f(median(xs.map((x) => x.cpuSeconds))).padStart(14), f(median(xs.map((x) => x.cpuSeconds)) / c1, 2).padStart(12), f(Math.max(...xs.map((x) => x.maxRssMB)), 0).padStart(11),
        (xs[0].residual?.toExponential(1) ?? '-').padStart(9), (xs[0].orthogonality?.toExponential(1) ?? '-').padStart(14), '  ' + (xs[0].variant ?? '')].join(' '));
    }
  }
  if (sizes.length > 1) {
    console.log('\ncost exponent d log t / d log n (medians) between consecutive sizes:');
    for (const [name, ts] of medians) {
      const ex = ts.slice(1).map((t, i) => (Math.log(t / ts[i]) / Math.log(sizes[i + 1] / sizes[i])).toFixed(2));
      console.log(`  ${name.padEnd(28)} ${ex.join('  ')}`);
    }
  }
}

main();
