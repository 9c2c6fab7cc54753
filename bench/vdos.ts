/**
 * Per-atom VDOS (src/analysis/vdos.ts) against numpy's batched rfft
 * (bench/vdos.py), same machine, same run, same data.
 *
 * Usage: npx tsx bench/vdos.ts [N F]          (default N = 4000, F = 8192)
 *
 * 1. numpy writes random f32 velocities [atom][component][frame] to a
 *    temporary file; both sides read that file and compute the per-atom
 *    D_i (normalisation 'atom', zero padding to L = 2F, the paper's
 *    estimator), the total VDOS and the per-atom values on the bands
 *    [0, 0.6) and [11, 12). The totals are compared (max relative difference).
 * 2. Cost against the number of frames (N = 500, F = 1024 .. 8192, best
 *    of 3): the exponent of t ~ F^a from a least-squares fit in log-log.
 * Prints wall and process CPU times (CPU time is the fair measure on a loaded
 * shared machine), the ratios ours / numpy and the exponent.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vdosFromSource } from '../src/analysis/vdos/vdos.ts';
import type { VelocitySource } from '../src/analysis/vdos/stream.ts';

const N = Number(process.argv[2] ?? 4000), F = Number(process.argv[3] ?? 8192), dt = 0.02;
const dir = mkdtempSync(join(tmpdir(), 'glasslab-bench-vdos-'));
const script = fileURLToPath(new URL('./vdos.py', import.meta.url));

/** a VelocitySource over f32 data [atom][component][frame] (the layout of the dump store) */
function f32Source(data: Float32Array, n: number, frames: number): VelocitySource {
  const series = new Float64Array(3 * frames);
  return {
    n, dim: 3, frames,
    ids: Int32Array.from({ length: n }, (_, i) => i + 1),
    types: Int32Array.from({ length: n }, (_, i) => (i % 5 === 4 ? 2 : 1)),
    masses: new Float64Array(n).fill(1),
    async forEachAtom(fn) {
      for (let i = 0; i < n; i++) {
        const o = i * 3 * frames;
        for (let p = 0; p < 3 * frames; p++) series[p] = data[o + p];
        fn(i, series);
      }
    },
    async close() {},
  };
}

function makeData(n: number, frames: number): { path: string; data: Float32Array } {
  const path = join(dir, `v-${n}-${frames}.f32`);
  execFileSync('python3', ['-c', `import numpy as np; np.random.default_rng(1).standard_normal((${n}, 3, ${frames}), dtype=np.float32).tofile('${path}')`]);
  const buf = readFileSync(path);
  return { path, data: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4) };
}

/** wall and process CPU seconds (CPU time is what to compare on a loaded shared machine) */
async function ours(data: Float32Array, n: number, frames: number): Promise<{ seconds: number; cpu: number; total: Float64Array }> {
  const t0 = performance.now(), c0 = process.cpuUsage();
  const r = await vdosFromSource(f32Source(data, n, frames), { frameDt: dt, bands: [[0, 0.6], [11, 12]], atomSpectra: { bins: 256 } });
  const c = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, total: r.total };
}

function numpy(path: string, n: number, frames: number): { seconds: number; cpu: number; total: Float64Array } {
  const out = join(dir, 'total.f64');
  const r = JSON.parse(execFileSync('python3', [script, path, String(n), String(frames), String(dt), out], { encoding: 'utf8' }));
  const b = readFileSync(out);
  return { seconds: r.seconds, cpu: r.cpu, total: new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8).slice() };
}

try {
  const { path, data } = makeData(N, F);
  const a = await ours(data, N, F);
  const b = numpy(path, N, F);
  let diff = 0, top = 0;
  for (let k = 0; k < a.total.length; k++) top = Math.max(top, b.total[k]);
  for (let k = 0; k < a.total.length; k++) diff = Math.max(diff, Math.abs(a.total[k] - b.total[k]) / top);
  console.log(`per-atom VDOS, N = ${N} atoms x F = ${F} frames (L = ${2 * F}):`);
  console.log(`  wall: glasslab ${a.seconds.toFixed(2)} s   numpy rfft ${b.seconds.toFixed(2)} s   ratio ours/numpy ${(a.seconds / b.seconds).toFixed(2)}`);
  console.log(`  cpu:  glasslab ${a.cpu.toFixed(2)} s   numpy rfft ${b.cpu.toFixed(2)} s   ratio ours/numpy ${(a.cpu / b.cpu).toFixed(2)}`);
  console.log(`  max |total_ours - total_numpy| / max total = ${diff.toExponential(2)}`);
  rmSync(path);

  // best of 3 per size (the machine is shared), after the warm run above
  const sizes = [1024, 2048, 4096, 8192], n = 500, times: number[] = [];
  for (const f of sizes) {
    const d = makeData(n, f);
    let best = Infinity;
    for (let rep = 0; rep < 3; rep++) best = Math.min(best, (await ours(d.data, n, f)).cpu);
    times.push(best);
    rmSync(d.path);
  }
  const xs = sizes.map(Math.log), ys = times.map(Math.log);
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length, my = ys.reduce((s, y) => s + y, 0) / ys.length;
  const slope = xs.reduce((s, x, q) => s + (x - mx) * (ys[q] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  console.log(`cpu cost vs frames (N = ${n}): ${sizes.map((f, q) => `F=${f}: ${times[q].toFixed(3)} s`).join(', ')}`);
  console.log(`  exponent t ~ F^${slope.toFixed(2)} (F log F predicts ~1.1 over this range)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
