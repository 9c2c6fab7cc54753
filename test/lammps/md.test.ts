/**
 * MD agreement with LAMMPS: 50 steps from the same configuration and
 * velocities (written with the project's data writer) give the same final
 * unwrapped positions and velocities. 50 steps keep the chaotic growth of
 * round-off differences (Lyapunov time ~ 0.1-1 tau in LJ liquids) far below
 * the tolerance: we require max |x - x_lmp| < 1e-8 (length unit) and
 * max |v - v_lmp| / max |v_lmp| < 1e-8.
 *
 * - NVE (LAMMPS `fix nve`, velocity Verlet) for ka and for cuzr (metal units).
 * - NVT (LAMMPS `fix nvt temp T T Tdamp`: Nose-Hoover chain of length 3,
 *   Martyna-Tuckerman-Klein) for ka, target T different from the initial T so
 *   that the thermostat acts.
 * - NPT (LAMMPS `fix npt ... iso P P Pdamp`) for ka, with a short Pdamp so the
 *   box moves; the final box lengths must agree too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { readDumpFrame, writeLammpsData } from '../../src/io/index.ts';
import type { Integrator } from '../../src/md/integrator.ts';
import { npt, nvt } from '../../src/md/nose-hoover-integrator.ts';
import { nve } from '../../src/md/nve.ts';
import { runMd } from '../../src/md/run.ts';
import { getUnits } from '../../src/util/units.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { cloneSystem, unwrappedPositions, type System } from '../../src/system/system.ts';
import { CUZR_LMP, KA_LMP, cuzrGlass, kaGlass } from './configs.ts';
import { lammpsOrSkip, runLammps } from './lammps-runner.ts';

const STEPS = 50;
const haveLmp = lammpsOrSkip('MD trajectory agreement with LAMMPS');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

interface Case {
  model: string;
  start: System;
  pairLines: string;
  dt: number;
  /** LAMMPS fix line and our integrator */
  fix: string;
  integrator: Integrator;
  /** neighbour skin used by both codes */
  skin: number;
}

async function compareRun(c: Case, tag: string): Promise<{ dx: number; dv: number; boxChange: number }> {
  const pot = getPotential(c.model);
  const dir = mkdtempSync(join(tmpdir(), `glasslab-lmp-md-${tag}-`));
  dirs.push(dir);
  await writeLammpsData(join(dir, 'start.data'), c.start);
  runLammps(dir, [
    `units ${pot.units}`, 'atom_style atomic', 'boundary p p p', 'read_data start.data',
    c.pairLines,
    `neighbor ${c.skin} bin`, 'neigh_modify every 1 delay 0 check yes',
    `timestep ${c.dt}`,
    c.fix,
    `dump d all custom ${STEPS} md.dump id type xu yu zu vx vy vz`,
    'dump_modify d format float %.17g sort id',
    'thermo 10',
    `run ${STEPS}`,
  ].join('\n'));
  const ref = await readDumpFrame(join(dir, 'md.dump'), 1);
  expect(ref.timestep).toBe(STEPS);

  const sys = cloneSystem(c.start);
  const r = await runMd(sys, createForceProvider(pot, { skin: c.skin }), {
    integrator: c.integrator, dt: c.dt, steps: STEPS, units: pot.units,
  });
  const ours = unwrappedPositions(r.state.sys);
  const v = r.state.sys.velocities!;
  let dx = 0, dv = 0, vmax = 0, moved = 0;
  const x0 = unwrappedPositions(c.start);
  for (let k = 0; k < ref.n; k++) {
    const i = ref.ids[k] - 1;
    for (let a = 0; a < 3; a++) {
      dx = Math.max(dx, Math.abs(ours[3 * i + a] - ref.positions[3 * k + a]));
      dv = Math.max(dv, Math.abs(v[3 * i + a] - ref.velocities![3 * k + a]));
      vmax = Math.max(vmax, Math.abs(ref.velocities![3 * k + a]));
      moved = Math.max(moved, Math.abs(ref.positions[3 * k + a] - x0[3 * i + a]));
    }
  }
  if (process.env.GLASSLAB_VERBOSE) console.log(`${tag}: max|dx| ${dx.toExponential(1)}, max|dv|/max|v| ${(dv / vmax).toExponential(1)}, max displacement ${moved.toFixed(3)}`);
  const dL = Math.max(...Array.from(r.state.sys.box.lengths, (L, a) => Math.abs(L - ref.box.lengths[a])));
  expect(dL).toBeLessThan(1e-8);
  // the atoms did move: this is not a comparison of two copies of the input
  expect(moved).toBeGreaterThan(0.05);
  expect(dx).toBeLessThan(1e-8);
  expect(dv / vmax).toBeLessThan(1e-8);
  return { dx, dv, boxChange: Math.abs(ref.box.lengths[0] - c.start.box.lengths[0]) };
}

describe.skipIf(!haveLmp)('MD agreement with LAMMPS over 50 steps', () => {
  it('ka NVE, dt 0.005, from T = 0.8 velocities', async () => {
    const start = cloneSystem(await kaGlass());
    initVelocities(start, 0.8, 3);
    await compareRun({ model: 'ka', start, pairLines: KA_LMP, dt: 0.005, fix: 'fix 1 all nve', integrator: nve(), skin: 0.3 }, 'ka-nve');
  });

  it('ka NVT (Nose-Hoover chain), T 0.8 -> target 0.5, Tdamp 0.05', async () => {
    const start = cloneSystem(await kaGlass());
    initVelocities(start, 0.8, 4);
    await compareRun({
      model: 'ka', start, pairLines: KA_LMP, dt: 0.005, skin: 0.3,
      fix: 'fix 1 all nvt temp 0.5 0.5 0.05', integrator: nvt({ Tstart: 0.5, Tdamp: 0.05 }),
    }, 'ka-nvt');
  });

  it('ka NPT (isotropic MTK barostat), T 0.8, P 2.0, Tdamp 0.5, Pdamp 0.5', async () => {
    const start = cloneSystem(await kaGlass());
    initVelocities(start, 0.8, 6);
    const r = await compareRun({
      model: 'ka', start, pairLines: KA_LMP, dt: 0.005, skin: 0.3,
      fix: 'fix 1 all npt temp 0.8 0.8 0.5 iso 2.0 2.0 0.5',
      integrator: npt({ Tstart: 0.8, Tdamp: 0.5, Pstart: 2.0, Pdamp: 0.5 }),
    }, 'ka-npt');
    expect(r.boxChange).toBeGreaterThan(1e-3);
  });

  it('cuzr NVE (metal units), dt 0.002 ps, from T = 1500 K velocities', async () => {
    const start = cuzrGlass();
    initVelocities(start, 1500, 5, getUnits('metal'));
    await compareRun({ model: 'cuzr', start, pairLines: CUZR_LMP, dt: 0.002, fix: 'fix 1 all nve', integrator: nve(), skin: 1.0 }, 'cuzr-nve');
  });
});
