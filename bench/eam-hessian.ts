/**
 * EAM Hessian time for CuZr (Mendelev 2007, CuZr_mm.eam.fs) on a jittered
 * fcc lattice with random Cu/Zr types, N = 4 cells^3 (issue [9] item 5):
 * the assembled block-CSR Hessian (assembleHessian, fresh and with `reuse`)
 * against the factored one (factoredHessian: pair and embedding terms), run
 * interleaved in the same process, and the cost of a product H x with each.
 * Reports the best wall and CPU time per call (the machine is shared: quote
 * CPU time with the load average), and the largest difference of the two
 * forms on random columns H e_k and products H x, relative to max |H|.
 *
 *   node --import tsx bench/eam-hessian.ts [--reps 3] [--cells 10,17] [--reuse] [--assembled-max N] [--save FILE | --check FILE]
 *
 * --assembled-max skips the assembled form above N atoms (default 20,000:
 * it takes ~47 KB per atom). --save writes the assembled values of the
 * N = 4000 system (raw f64) and --check compares a later assembly against
 * them (max |diff| / max |H|).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { assembleHessian, factoredHessian, hessianMatVec, type HessianOperator, type SparseHessian } from '../src/core/hessian.ts';
import { loadEamFs } from '../src/potential/eam-fs.ts';
import { buildNeighborList } from '../src/neighbor/neighbor-list.ts';
import { fccSystem } from './lattice.ts';

const file = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
if (!existsSync(file)) { console.log(`no ${file}: skipped`); process.exit(0); }
const arg = (name: string): string | undefined => { const k = process.argv.indexOf(name); return k > 0 ? process.argv[k + 1] : undefined; };
const reps = Number(arg('--reps') ?? 3);
const assembledMax = Number(arg('--assembled-max') ?? 20000);

/** Best wall and CPU ms of `reps` calls of f, interleaved with the other timers by the caller. */
class Timer {
  wall = Infinity;
  cpu = Infinity;
  time<T>(f: () => T): T {
    const c0 = process.cpuUsage(), t0 = performance.now();
    const r = f();
    const ms = performance.now() - t0, c = process.cpuUsage(c0);
    this.wall = Math.min(this.wall, ms); this.cpu = Math.min(this.cpu, (c.user + c.system) / 1000);
    return r;
  }
  toString(): string { return `${this.wall.toFixed(1)} ms wall, ${this.cpu.toFixed(1)} ms CPU`; }
}

/** max |A x - B x| / scale over `count` unit vectors e_k (k spread over the matrix) and `count` random vectors. */
function maxDifference(A: HessianOperator, B: HessianOperator, scale: number, count: number): number {
  const nd = A.n * A.dim, x = new Float64Array(nd), ya = new Float64Array(nd), yb = new Float64Array(nd);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  let d = 0;
  for (let t = 0; t < 2 * count; t++) {
    if (t < count) { x.fill(0); x[Math.floor((t * nd) / count)] = 1; } else for (let q = 0; q < nd; q++) x[q] = rnd() - 0.5;
    hessianMatVec(A, x, ya); hessianMatVec(B, x, yb);
    const norm = t < count ? 1 : x.reduce((s, v) => s + Math.abs(v), 0); // |H x| <= max|H| |x|_1
    for (let q = 0; q < nd; q++) d = Math.max(d, Math.abs(ya[q] - yb[q]) / norm);
  }
  return d / scale;
}

const pot = loadEamFs(file);
console.log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
const sizes = (arg('--cells') ?? '10,17').split(',').map(Number);
for (const cells of sizes) {
  const sys = fccSystem(cells, 0.0573, 0.3, 0.5);
  const nl = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0, kind: 'half' });
  const assembled = sys.n <= assembledMax;
  const tA = new Timer(), tR = new Timer(), tF = new Timer(), mA = new Timer(), mF = new Timer();
  let H: SparseHessian | undefined = assembled ? assembleHessian(sys, pot, { neighborList: nl }) : undefined;
  let F = factoredHessian(sys, pot, { neighborList: nl });
  const x = Float64Array.from({ length: 3 * sys.n }, (_, q) => Math.sin(q)), y = new Float64Array(3 * sys.n);
  for (let r = 0; r < reps; r++) {
    if (assembled) {
      H = undefined; // the old one may be collected: a fresh assembly
      H = tA.time(() => assembleHessian(sys, pot, { neighborList: nl }));
      if (process.argv.includes('--reuse')) H = tR.time(() => assembleHessian(sys, pot, { neighborList: nl, reuse: H }));
      mA.time(() => hessianMatVec(H!, x, y));
    }
    F = tF.time(() => factoredHessian(sys, pot, { neighborList: nl }));
    mF.time(() => hessianMatVec(F, x, y));
  }
  const bytes = F.i.byteLength + F.j.byteLength + F.d.byteLength + F.kA.byteLength + F.kB.byteLength + 2 * F.embedding!.fi.byteLength + F.embedding!.curvature.byteLength;
  console.log(`CuZr N=${sys.n} (best of ${reps}; ${F.count} pairs):`);
  if (H) {
    console.log(`  assembled, fresh:   ${tA}; ${H.colIdx.length} blocks, ${(H.values.byteLength / 1e6).toFixed(0)} MB; H x ${mA}`);
    if (process.argv.includes('--reuse')) console.log(`  assembled, reuse:   ${tR}`);
  }
  console.log(`  factored, fresh:    ${tF}; ${(bytes / 1e6).toFixed(1)} MB; H x ${mF}`);
  if (H) {
    let scale = 0;
    for (const v of H.values) scale = Math.max(scale, Math.abs(v));
    console.log(`  factored against assembled: max |diff| / max |H| = ${maxDifference(H, F, scale, 20).toExponential(2)} (20 columns, 20 random products)`);
  }
  if (cells === 10 && H) {
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
