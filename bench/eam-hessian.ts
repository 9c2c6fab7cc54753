/**
 * EAM Hessian assembly time for CuZr (Mendelev 2007, CuZr_mm.eam.fs) on a
 * jittered fcc lattice with random Cu/Zr types, N = 4000 and N = 19,652
 * (issue [9] item 5). Reports wall and CPU time per call (the machine is
 * shared: quote CPU time with the load average).
 *
 *   node --import tsx bench/eam-hessian.ts [--reps 3] [--cells 10,17] [--reuse] [--save FILE | --check FILE]
 *
 * --save writes the assembled values of the N = 4000 system (raw f64) and
 * --check compares a later assembly against them (max |diff| / max |H|).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { assembleHessian } from '../src/core/hessian.ts';
import { loadEamFs } from '../src/potential/eam-fs.ts';
import { buildNeighborList } from '../src/neighbor/neighbor-list.ts';
import { fccSystem } from './lattice.ts';

const file = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
if (!existsSync(file)) { console.log(`no ${file}: skipped`); process.exit(0); }
const arg = (name: string): string | undefined => { const k = process.argv.indexOf(name); return k > 0 ? process.argv[k + 1] : undefined; };
const reps = Number(arg('--reps') ?? 3);


const pot = loadEamFs(file);
console.log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
const sizes = (arg('--cells') ?? '10,17').split(',').map(Number);
for (const cells of sizes) {
  const sys = fccSystem(cells, 0.0573, 0.3, 0.5);
  const nl = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0, kind: 'half' });
  let best = Infinity, cpuBest = Infinity;
  let H = assembleHessian(sys, pot, { neighborList: nl });
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    H = assembleHessian(sys, pot, { neighborList: nl });
    const ms = performance.now() - t0, c = process.cpuUsage(c0);
    best = Math.min(best, ms); cpuBest = Math.min(cpuBest, (c.user + c.system) / 1000);
  }
  console.log(`CuZr N=${sys.n}: EAM Hessian assembly ${best.toFixed(0)} ms wall (best of ${reps}), ${cpuBest.toFixed(0)} ms CPU; blocks ${H.colIdx.length}`);
  if (process.argv.includes('--reuse')) {
    let rb = Infinity, rc = Infinity;
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage(), t0 = performance.now();
      H = assembleHessian(sys, pot, { neighborList: nl, reuse: H });
      const ms = performance.now() - t0, c = process.cpuUsage(c0);
      rb = Math.min(rb, ms); rc = Math.min(rc, (c.user + c.system) / 1000);
    }
    console.log(`  reusing the previous Hessian's storage: ${rb.toFixed(0)} ms wall, ${rc.toFixed(0)} ms CPU`);
  }
  if (cells === 10) {
    const save = arg('--save'), check = arg('--check');
    if (save) writeFileSync(save, Buffer.from(H.values.buffer, H.values.byteOffset, H.values.byteLength));
    if (check) {
      const ref = new Float64Array(new Uint8Array(readFileSync(check)).buffer);
      let d = 0, s = 0;
      for (let k = 0; k < ref.length; k++) { d = Math.max(d, Math.abs(ref[k] - H.values[k])); s = Math.max(s, Math.abs(ref[k])); }
      console.log(`  against ${check}: ${ref.length === H.values.length ? '' : 'LENGTH DIFFERS, '}max |diff| / max |H| = ${(d / s).toExponential(2)}`);
    }
  }
}
console.log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
