/**
 * p_hop and the self-dynamics toolkit (MSD, alpha_2, q, F_s per species) on
 * random-walk trajectories against the vectorized numpy peer bench/phop.py,
 * which reads the same positions (checksums compared).
 *
 * Usage: npx tsx bench/phop.ts [--n 4000] [--frames 2000] [--window 300]
 *        [--scale]   (also N = 1000, 2000 at the given frames and frames = 500, 1000
 *                     at the given N, for the scaling exponents)
 * Dynamics: log-spaced lags, 10 per decade, every time origin (the default of
 * selfDynamics above 200 frames), one run; p_hop: window in frames (300 =
 * 15 tau at 0.05), best of two runs (numpy likewise).
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lagPlan, selfDynamics } from '../src/analysis/dynamics/dynamics.ts';
import type { TrajectoryFrames } from '../src/analysis/dynamics/frames.ts';
import { computePhop } from '../src/analysis/dynamics/phop.ts';
import { randomWalk } from '../test/analysis/dynamics-fixtures.ts';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const N0 = arg('n', 4000), T0 = arg('frames', 2000), W = arg('window', 300);
const scale = process.argv.includes('--scale');

interface Row { n: number; frames: number; phopS: number; dynS: number; npPhopS: number; npDynS: number; check: string }

function bench(n: number, T: number): Row {
  const fr: TrajectoryFrames = randomWalk({ n, frames: T, step: 0.05, seed: 1, L: Math.cbrt(n / 1.2) });
  const nA = Math.round(0.8 * n);
  // p_hop: best of 2 runs (it is short, and the machine is shared)
  let t = performance.now();
  computePhop(fr, { windowFrames: W });
  let phopS = (performance.now() - t) / 1000;
  t = performance.now();
  const ph = computePhop(fr, { windowFrames: W });
  phopS = Math.min(phopS, (performance.now() - t) / 1000);
  t = performance.now();
  const dyn = selfDynamics(fr, { a: 0.3, k: 7.25 });
  const dynS = (performance.now() - t) / 1000;
  const lags = Array.from(lagPlan(fr.times).frameLags!);

  let mean = 0, cnt = 0, max = -Infinity;
  for (const v of ph.values) if (!Number.isNaN(v)) { mean += v; cnt++; if (v > max) max = v; }
  mean /= cnt;
  const mid = Math.floor(lags.length / 2);
  const ours = { phop_mean: mean, phop_max: max, msd_last: dyn.series[0].msd[lags.length - 1], alpha2_mid: dyn.series[0].alpha2[mid], q_mid: dyn.series[1].overlap[mid], fs_mid: dyn.series[2].fs[mid] };

  const file = join(tmpdir(), `glasslab-bench-phop-${process.pid}.f64`);
  writeFileSync(file, new Uint8Array(fr.positions.buffer, fr.positions.byteOffset, fr.positions.byteLength));
  let np: Record<string, number>;
  try {
    const script = fileURLToPath(new URL('./phop.py', import.meta.url));
    const out = execFileSync('python3', [script, file, String(n), String(T), String(W), lags.join(','), '0.3', '7.25', String(nA)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    np = JSON.parse(out.trim().split('\n').pop()!);
  } finally {
    rmSync(file, { force: true });
  }
  const worst = Math.max(...Object.entries(ours).map(([key, v]) => Math.abs(v - np[key]) / Math.max(1e-300, Math.abs(np[key]))));
  return { n, frames: T, phopS, dynS, npPhopS: np.phop_s, npDynS: np.dynamics_s, check: `max rel diff of checksums ${worst.toExponential(1)}` };
}

// ascending sizes, so that the largest case runs with the code already optimised
const cases: [number, number][] = scale ? [[N0 / 4, T0], [N0 / 2, T0], [N0, T0 / 4], [N0, T0 / 2], [N0, T0]] : [[N0, T0]];
const rows: Row[] = [];
console.log('N  frames  phop_s  numpy_phop_s  phop_ratio(ours/numpy)  dynamics_s  numpy_dynamics_s  dynamics_ratio  check');
for (const [n, T] of cases) {
  const r = bench(n, T);
  rows.push(r);
  console.log(`${n}  ${T}  ${r.phopS.toFixed(3)}  ${r.npPhopS.toFixed(3)}  ${(r.phopS / r.npPhopS).toFixed(2)}  ${r.dynS.toFixed(2)}  ${r.npDynS.toFixed(2)}  ${(r.dynS / r.npDynS).toFixed(2)}  ${r.check}`);
}

/** log-log slope of time against a size over the rows where the other size is fixed */
function exponent(pick: (r: Row) => number, fixed: (r: Row) => boolean, size: (r: Row) => number): string {
  const rs = rows.filter(fixed);
  if (rs.length < 2) return 'n/a';
  const xs = rs.map((r) => Math.log(size(r))), ys = rs.map((r) => Math.log(pick(r)));
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  let sxy = 0, sxx = 0;
  xs.forEach((x, i) => { sxy += (x - mx) * (ys[i] - my); sxx += (x - mx) ** 2; });
  return (sxy / sxx).toFixed(2);
}
if (scale) {
  const inN = (r: Row) => r.frames === T0, inT = (r: Row) => r.n === N0;
  for (const [label, pick] of [['phop', (r: Row) => r.phopS], ['numpy phop', (r: Row) => r.npPhopS], ['dynamics', (r: Row) => r.dynS], ['numpy dynamics', (r: Row) => r.npDynS]] as const) {
    console.log(`exponent ${label}: in N ${exponent(pick, inN, (r) => r.n)}, in frames ${exponent(pick, inT, (r) => r.frames)}`);
  }
}
