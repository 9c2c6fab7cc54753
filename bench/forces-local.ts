/**
 * Cost of a local force update (`computeLocal`, src/core/forces-local.ts)
 * against a full evaluation, KA (rho 1.2) and CuZr EAM (CuZr_mm.eam.fs) at
 * N = 19,652 (17^3 fcc cells, jittered), one thread (issue [9] item 4).
 * Moves: 1 atom, and 20 atoms (one atom and its 19 nearest), displaced back
 * and forth by a small step so that the neighbour list stays valid.
 * Prints the median wall time and the process CPU time per call, and the
 * load average (the machine is shared).
 *
 *   node --import tsx bench/forces-local.ts [--reps 20]
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createForceProvider } from '../src/core/force-provider.ts';
import { createKobAndersen } from '../src/potential/ka.ts';
import { loadEamFs } from '../src/potential/eam-fs.ts';
import type { Potential } from '../src/potential/types.ts';
import type { System } from '../src/system/system.ts';
import { fccSystem } from './lattice.ts';

const k = process.argv.indexOf('--reps');
const reps = k > 0 ? Number(process.argv[k + 1]) : 20;

/** Atom c and its m-1 nearest neighbours (minimum image). */
function nearest(sys: System, c: number, m: number): number[] {
  const d = new Float64Array(3);
  const dist = Array.from({ length: sys.n }, (_, j) => {
    for (let q = 0; q < 3; q++) d[q] = sys.positions[3 * j + q] - sys.positions[3 * c + q];
    sys.box.minimumImage(d);
    return [Math.hypot(d[0], d[1], d[2]), j];
  });
  return dist.sort((a, b) => a[0] - b[0]).slice(0, m).map((p) => p[1]);
}

/** Median wall time per call, and process CPU time per call (all threads: includes V8's GC helpers). */
function timeIt(fn: (r: number) => void): { wall: number; cpu: number } {
  fn(-1);
  const walls: number[] = [];
  const c0 = process.cpuUsage();
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn(r);
    walls.push(performance.now() - t0);
  }
  const c = process.cpuUsage(c0);
  walls.sort((x, y) => x - y);
  return { wall: walls[walls.length >> 1], cpu: (c.user + c.system) / 1000 / reps };
}

function bench(name: string, pot: Potential, sys: System, step: number): void {
  const provider = createForceProvider(pot, { threads: 1 });
  const full = timeIt(() => provider.compute(sys));
  console.log(`${name} N=${sys.n}: full evaluation ${full.wall.toFixed(2)} ms wall, ${full.cpu.toFixed(2)} ms CPU`);
  for (const m of [1, 20]) {
    const atoms = nearest(sys, 1234, m);
    provider.computeLocal(sys);
    const t = timeIt((r) => {
      const s = r % 2 === 0 ? step : -step;
      for (const i of atoms) sys.positions[3 * i] += s;
      provider.computeLocal(sys);
    });
    const st = provider.localStats!;
    if (st.full) throw new Error(`${name}: the local update fell back to a full evaluation (${st.reason})`);
    console.log(`  ${m} atom(s) moved: ${t.wall.toFixed(3)} ms wall, ${t.cpu.toFixed(3)} ms CPU; ${st.recomputed} rows recomputed; ` +
      `${(full.wall / t.wall).toFixed(1)}x faster than full (wall), ${(full.cpu / t.cpu).toFixed(1)}x (CPU)`);
  }
}

console.log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
bench('KA (rho 1.2)', createKobAndersen(), fccSystem(17, 1.2, 0.15, 0.2), 0.02);
const cuzr = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
if (existsSync(cuzr)) bench('CuZr EAM', loadEamFs(cuzr), fccSystem(17, 0.0573, 0.3, 0.5), 0.05);
console.log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
