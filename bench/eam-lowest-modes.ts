/**
 * The lowest 0.25% of the modes of CuZr (Mendelev 2007, CuZr_mm.eam.fs;
 * Wei et al. 2019's fraction) by filtered Lanczos on the dynamical matrix,
 * from the factored Hessian (factoredHessian) and from the assembled one
 * (assembleHessian), same process, same start vector: Hessian time,
 * eigensolver time, and the largest eigenvalue difference. The
 * configuration is bench/lattice.ts's jittered fcc (not a minimum: the
 * lowest eigenvalues may be negative; the cost is what is timed).
 *
 *   node --import tsx bench/eam-lowest-modes.ts [--cells 17] [--fraction 0.0025] [--assembled]
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { assembleHessian, factoredHessian, type HessianOperator } from '../src/core/hessian.ts';
import { modeCountForFraction } from '../src/linalg/mode-analysis.ts';
import { lowestModes, type LowestModes } from '../src/linalg/normal-modes.ts';
import { loadEamFs } from '../src/potential/eam-fs.ts';
import { fccSystem } from './lattice.ts';

const file = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
if (!existsSync(file)) { console.log(`no ${file}: skipped`); process.exit(0); }
const arg = (name: string): string | undefined => { const k = process.argv.indexOf(name); return k > 0 ? process.argv[k + 1] : undefined; };
const pot = loadEamFs(file);
const sys = fccSystem(Number(arg('--cells') ?? 17), 0.0573, 0.3, 0.5);
const k = modeCountForFraction(3 * sys.n - 3, Number(arg('--fraction') ?? 0.0025));
console.log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}; CuZr N = ${sys.n}, k = ${k}`);

const cpu = (): number => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
function run(label: string, build: () => HessianOperator): LowestModes {
  let c0 = cpu(), t0 = performance.now();
  const H = build();
  const hMs = performance.now() - t0, hCpu = cpu() - c0;
  c0 = cpu(); t0 = performance.now();
  const low = lowestModes(H, { k, masses: sys.masses });
  const s = (performance.now() - t0) / 1000, sCpu = (cpu() - c0) / 1000;
  console.log(`${label}: Hessian ${hMs.toFixed(0)} ms wall (${hCpu.toFixed(0)} ms CPU); lowestModes ${s.toFixed(1)} s wall (${sCpu.toFixed(1)} s CPU), ${low.iterations} Lanczos steps, converged ${low.converged}`);
  return low;
}
const f = run('factored ', () => factoredHessian(sys, pot, { massWeighted: true }));
if (process.argv.includes('--assembled')) {
  const a = run('assembled', () => assembleHessian(sys, pot, { massWeighted: true }));
  let d = 0, s = 0;
  for (let m = 0; m < k; m++) { d = Math.max(d, Math.abs(f.eigenvalues[m] - a.eigenvalues[m])); s = Math.max(s, Math.abs(a.eigenvalues[m])); }
  console.log(`max |lambda_factored - lambda_assembled| / max |lambda| over the ${k} modes: ${(d / s).toExponential(2)}`);
}
console.log(`omega^2 lowest ${Array.from(f.eigenvalues.slice(0, 3), (v) => v.toExponential(4)).join(', ')}; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
