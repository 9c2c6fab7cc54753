/**
 * Voronoi and radical tessellation (voronoiTessellation) against voro++ on a
 * CuZr-like glass, in the same run:
 * - libvoro++ (Debian voro++-dev 0.4.6) through test/support/voro-exact.cc,
 *   timing the tessellation alone (no I/O), and the per-atom volumes at full
 *   precision for the agreement;
 * - the voro++ command line (`voro++ -p -o [-r] -c "%i %v %s %n %f"`), the
 *   whole process with its file I/O (orthorhombic boxes only).
 *
 * The glass: Cu64Zr36 at 0.06 atoms/A^3, N0 = 5000 atoms placed at random
 * (randomConfiguration, jitter 0.28) and relaxed by 100 steps of energy
 * minimisation under Mendelev's EAM (/usr/share/lammps/potentials, Debian
 * lammps-data; unrelaxed if the file is missing), then replicated 1x1x1,
 * 2x1x1, 2x2x1, 2x2x2, ... to reach each N (N must be N0 times a power of 2).
 * Radical radii Cu 1.28 A, Zr 1.60 A. Times are the best of `--repeat` runs
 * (default 3), one thread, wall clock; with --cpu, glasslab's and
 * libvoro++'s own process CPU time instead (steadier on a loaded machine;
 * the CLI stays wall clock). The exponent is the least-squares slope of
 * log t against log N. The header says the load average: rerun on a quiet
 * machine before quoting ratios.
 *
 * Usage: npx tsx bench/voronoi.ts [--n 5000,10000,20000,40000] [--repeat 3] [--cpu]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { voronoiTessellation } from '../src/analysis/structure/voronoi.ts';
import { createForceProvider } from '../src/core/force-provider.ts';
import { minimize } from '../src/minimize/minimize.ts';
import { getPotential } from '../src/potential/index.ts';
import { Box } from '../src/system/box.ts';
import { randomConfiguration } from '../src/system/random-config.ts';
import { createSystem, type System } from '../src/system/system.ts';
import { runVoroExact, voroExact } from '../test/support/voro-exact.ts';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
};
const N0 = 5000;
const sizes = arg('--n', '5000,10000,20000,40000').split(',').map(Number);
const repeat = Number(arg('--repeat', '3'));
for (const n of sizes) {
  if (!(n >= N0 && Number.isInteger(Math.log2(n / N0)))) throw new Error(`--n ${n}: must be ${N0} times a power of 2`);
}
const radii = [1.28, 1.6];
const exe = voroExact();
if (!exe) throw new Error('bench/voronoi.ts needs g++ and voro++-dev (libvoro++)');

const cpuMode = process.argv.includes('--cpu');
/** best of `repeat` runs, seconds: wall clock, or with --cpu this process's CPU time */
const best = (f: () => void, cpu = cpuMode): number => {
  let t = Infinity;
  for (let k = 0; k < repeat; k++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    t = Math.min(t, cpu ? (c.user + c.system) / 1000 : performance.now() - t0);
  }
  return t / 1000;
};

/** The relaxed N0-atom glass (see the module doc). */
function baseGlass(): { sys: System; relaxed: boolean } {
  const file = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
  const pot = existsSync(file) ? getPotential('cuzr') : null;
  const sys = randomConfiguration({ n: N0, density: 0.06, dim: 3, composition: [0, 0.64, 0.36], seed: 5, jitter: 0.28, typeMasses: pot?.typeMasses ?? [0, 63.546, 91.224] });
  return pot ? { sys: minimize(sys, createForceProvider(pot), { maxIter: 100 }).system, relaxed: true } : { sys, relaxed: false };
}

/** Periodic replica m[0] x m[1] x m[2] of an orthorhombic system. */
function replicate(sys: System, m: number[]): System {
  const L = sys.box.lengths, n = sys.n, copies = m[0] * m[1] * m[2];
  const pos = new Float64Array(3 * n * copies), types = new Int32Array(n * copies);
  let q = 0;
  for (let a = 0; a < m[0]; a++) for (let b = 0; b < m[1]; b++) for (let c = 0; c < m[2]; c++) {
    for (let i = 0; i < n; i++, q++) {
      pos[3 * q] = sys.positions[3 * i] + a * L[0];
      pos[3 * q + 1] = sys.positions[3 * i + 1] + b * L[1];
      pos[3 * q + 2] = sys.positions[3 * i + 2] + c * L[2];
      types[q] = sys.types[i];
    }
  }
  return createSystem({ box: new Box({ dim: 3, lo: sys.box.lo, lengths: [m[0] * L[0], m[1] * L[1], m[2] * L[2]] }), positions: pos, types });
}

const slope = (x: number[], y: number[]): number => {
  const lx = x.map(Math.log), ly = y.map(Math.log), k = lx.length;
  const mx = lx.reduce((s, v) => s + v, 0) / k, my = ly.reduce((s, v) => s + v, 0) / k;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < k; i++) { sxy += (lx[i] - mx) * (ly[i] - my); sxx += (lx[i] - mx) ** 2; }
  return sxy / sxx;
};

const dir = mkdtempSync(join(tmpdir(), 'glasslab-bench-voronoi-'));
try {
  const t0 = performance.now();
  const { sys: base, relaxed } = baseGlass();
  console.log(`# ${new Date().toISOString()}, node ${process.version}, ${cpus()[0]?.model ?? '?'} x ${cpus().length}, load average at start ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  console.log(`# glass: Cu64Zr36 N0=${N0}, ${relaxed ? '100 steps of EAM minimisation' : 'UNRELAXED (no CuZr_mm.eam.fs)'} (${((performance.now() - t0) / 1000).toFixed(1)} s), replicated; best of ${repeat}, ${cpuMode ? 'process CPU time (CLI: wall clock)' : 'wall clock'}`);
  console.log('');
  console.log('| N | tessellation | glasslab (s) | libvoro++ (s) | ratio | voro++ CLI (s) | ratio to CLI | max rel. diff. of volumes to libvoro++ | sum V / box - 1 |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const times: Record<string, { n: number[]; g: number[]; v: number[] }> = { Voronoi: { n: [], g: [], v: [] }, radical: { n: [], g: [], v: [] } };
  for (const n of sizes) {
    const m = [1, 1, 1];
    for (let k = 0; (N0 << k) < n; k++) m[k % 3] *= 2;
    const sys = replicate(base, m);
    const box = sys.box, lo = box.lo, hi = box.hi;
    for (const radical of [false, true]) {
      const name = radical ? 'radical' : 'Voronoi';
      const opts = radical ? { radii } : {};
      const radius = radical ? Float64Array.from(sys.types, (t) => radii[t - 1]) : undefined;
      let r = voronoiTessellation(sys, opts);
      const tg = best(() => { r = voronoiTessellation(sys, opts); });
      let tv = Infinity, cells = runVoroExact(exe, { lo, hi, ids: sys.ids, positions: sys.positions, radius }).cells;
      for (let k = 0; k < repeat; k++) {
        const out = runVoroExact(exe, { lo, hi, ids: sys.ids, positions: sys.positions, radius });
        tv = Math.min(tv, cpuMode ? out.cpuSeconds : out.seconds);
        cells = out.cells;
      }
      const file = join(dir, `pts${n}${radical ? 'r' : ''}`);
      writeFileSync(file, Array.from({ length: sys.n }, (_, k) =>
        `${k + 1} ${sys.positions[3 * k]} ${sys.positions[3 * k + 1]} ${sys.positions[3 * k + 2]}${radical ? ` ${radius![k]}` : ''}`).join('\n') + '\n');
      const args = ['-p', '-o', ...(radical ? ['-r'] : []), '-c', '%i %v %s %n %f', `${lo[0]}`, `${hi[0]}`, `${lo[1]}`, `${hi[1]}`, `${lo[2]}`, `${hi[2]}`, file];
      const tc = best(() => execFileSync('voro++', args), false);
      let dmax = 0;
      for (let i = 0; i < sys.n; i++) {
        const v = cells[i].volume;
        dmax = Math.max(dmax, v > 0 ? Math.abs(r.volumes[i] / v - 1) : Math.abs(r.volumes[i]));
      }
      const sum = r.volumes.reduce((s, v) => s + v, 0) / box.volume - 1;
      times[name].n.push(n); times[name].g.push(tg); times[name].v.push(tv);
      console.log(`| ${n} | ${name} | ${tg.toFixed(3)} | ${tv.toFixed(3)} | ${(tg / tv).toFixed(2)} | ${tc.toFixed(3)} | ${(tg / tc).toFixed(2)} | ${dmax.toExponential(1)} | ${sum.toExponential(1)} |`);
    }
  }
  if (sizes.length > 1) {
    console.log('');
    for (const [name, t] of Object.entries(times)) {
      console.log(`exponent in N (${name}, N = ${t.n.join(', ')}): glasslab ${slope(t.n, t.g).toFixed(2)}, libvoro++ ${slope(t.n, t.v).toFixed(2)}`);
    }
  }
  console.log(`# load average at end ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
