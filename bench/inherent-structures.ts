/**
 * Inherent-structure tracking (src/analysis/inherent-structures.ts) of a
 * Kob-Andersen liquid, N = 1000 and 2000 (rho 1.2, T = 0.6 Nose-Hoover NVT from a
 * random start, 4 frames 200 steps apart), FIRE then CG to max |F_i| < 1e-8,
 * against LAMMPS `minimize` on the same frames (min_style fire to
 * fmax-norm 1e-2, then cg with ftol 1e-8 on the force 2-norm sqrt(sum_i |F_i|^2) >= max_i |F_i|, so at
 * least as strict as glasslab's criterion; `lmp`, 1
 * process). Reports CPU seconds per inherent structure (process CPU time of
 * both: the machine is shared), the ratio, the scaling exponent in N, and the IS energies per
 * atom of both (the same basin is not guaranteed: different FIRE details
 * may end in neighbouring minima).
 *
 *   npx tsx bench/inherent-structures.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomConfiguration } from '../src/system/random-config.ts';
import { createForceProvider } from '../src/core/force-provider.ts';
import { writeSystem } from '../src/io/index.ts';
import { nvt } from '../src/md/nose-hoover-integrator.ts';
import { runMd } from '../src/md/run.ts';
import type { MdState } from '../src/md/state.ts';
import { initVelocities } from '../src/md/velocities.ts';
import { getPotential } from '../src/potential/registry.ts';
import { cloneSystem, createSystem, type System } from '../src/system/system.ts';
import { trackInherentStructures } from '../src/protocols/inherent-structures.ts';

const LMP_IN = `units lj
atom_style atomic
boundary p p p
read_data frame.data
pair_style lj/cut 2.5
pair_coeff 1 1 1.0 1.0 2.5
pair_coeff 1 2 1.5 0.8 2.0
pair_coeff 2 2 0.5 0.88 2.2
pair_modify shift yes
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
thermo_style custom step pe fmax fnorm
thermo_modify norm yes format float %.12g
min_style fire
minimize 0 1e-2 100000 1000000
min_style cg
min_modify line quadratic
minimize 0 1e-8 100000 1000000
`;

async function frames(n: number): Promise<System[]> {
  const pot = getPotential('ka');
  const provider = createForceProvider(pot, { threads: 1 });
  const sys = randomConfiguration({ n, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: pot.typeMasses, seed: 7 });
  initVelocities(sys, 0.6, 7);
  const integrator = nvt({ Tstart: 0.6, Tdamp: 0.5 });
  let st: System | MdState = (await runMd(sys, provider, { integrator, dt: 0.005, steps: 1000 })).state;
  const out: System[] = [];
  for (let k = 0; k < 4; k++) {
    st = (await runMd(st, provider, { integrator, dt: 0.005, steps: 200, newRun: true })).state;
    out.push(cloneSystem(st.sys));
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'bench-is-'));
const rows: { n: number; ts: number; lmp: number }[] = [];
for (const n of [1000, 2000]) {
  const fr = await frames(n);
  const c0 = process.cpuUsage();
  const track = await trackInherentStructures(fr, createForceProvider(getPotential('ka'), { threads: 1 }), { ftol: 1e-8 });
  const c1 = process.cpuUsage(c0);
  const ts = (c1.user + c1.system) / 1e6 / fr.length;
  let lmpSeconds = 0;
  const lmpE: number[] = [];
  const stops: string[] = [];
  for (const f of fr) {
    await writeSystem(join(dir, 'frame.data'), createSystem({ box: f.box, positions: f.positions, types: f.types, masses: f.masses }));
    writeFileSync(join(dir, 'in.lmp'), LMP_IN);
    // CPU time of the whole lmp process (the machine is shared: wall time includes waiting for a core)
    const r = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', 'lmp', '-in', 'in.lmp', '-log', 'log.lammps', '-screen', 'none'], { cwd: dir, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    if (r.status !== 0) throw new Error(`lmp failed: ${r.stderr}`);
    const cpu = /CPU ([0-9.]+) ([0-9.]+)/.exec(r.stderr);
    if (!cpu) throw new Error(`no CPU time from /usr/bin/time: ${r.stderr}`);
    lmpSeconds += Number(cpu[1]) + Number(cpu[2]);
    const log = readFileSync(join(dir, 'log.lammps'), 'utf8');
    const fin = [...log.matchAll(/Energy initial, next-to-last, final = \n\s+(\S+)\s+(\S+)\s+(\S+)/g)].at(-1);
    lmpE.push(Number(fin?.[3]));
    stops.push([...log.matchAll(/Stopping criterion = (.*)/g)].map((m) => m[1]).join(' / ') + ' | iterations ' + [...log.matchAll(/Iterations, force evaluations = (\d+) (\d+)/g)].map((m) => `${m[1]}/${m[2]}`).join(' + '));
  }
  const lmp = lmpSeconds / fr.length;
  rows.push({ n, ts, lmp });
  console.log(`N = ${n}: glasslab ${ts.toFixed(3)} s CPU per IS (max|F| ${Math.max(...track.maxForce).toExponential(1)}), LAMMPS ${lmp.toFixed(3)} s CPU per IS, ratio (glasslab/LAMMPS) ${(ts / lmp).toFixed(2)}`);
  console.log(`  LAMMPS: ${stops.join('; ')}`);
  console.log(`  glasslab force calls per IS: ${[...track.forceCalls].join(' ')}`);
  console.log(`  IS energy per atom: glasslab ${[...track.energy].map((e) => (e / n).toFixed(5)).join(' ')}; LAMMPS ${lmpE.map((e) => e.toFixed(5)).join(' ')}`);
}
const a = rows[0], b = rows[1];
console.log(`scaling exponent in N: glasslab ${(Math.log(b.ts / a.ts) / Math.log(b.n / a.n)).toFixed(2)}, LAMMPS ${(Math.log(b.lmp / a.lmp) / Math.log(b.n / a.n)).toFixed(2)}`);
