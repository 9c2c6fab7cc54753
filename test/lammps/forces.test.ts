/**
 * Agreement with LAMMPS on the same periodic configuration: per-atom
 * energies (`compute pe/atom`), forces, and the virial pressure tensor, for
 * - `ka`    (lj/cut 2.5 + pair_modify shift yes, per-pair cutoffs 2.5 sigma_ab),
 *           orthorhombic and triclinic boxes;
 * - `ka-sf` (lj/smooth/linear, same cutoffs);
 * - `cuzr`  (eam/fs with CuZr_mm.eam.fs, metal units, Cu64Zr36);
 * - `eam`   (eam/alloy with Cu_mishin1.eam.alloy: jiggled fcc Cu with a vacancy).
 * The configuration is written with the project's data writer and read by
 * LAMMPS; LAMMPS writes back with `%.17g`, read with the project's dump reader.
 *
 * Error measures (stated because "relative error" is ambiguous per atom):
 *   energies: ||e - e_lmp||_2 / ||e_lmp||_2 and max_i |e_i - e_lmp,i| / max_i |e_lmp,i|
 *   forces:   ||F - F_lmp||_F / ||F_lmp||_F (Frobenius over all components) and
 *             max_i |F_i - F_lmp,i| / max_i |F_lmp,i|
 *   pressure: max_ab |P_ab - P_lmp,ab| / max_ab |P_lmp,ab|
 * all below RTOL = 1e-8. The LJ energies and forces are in fact close to
 * round-off (~1e-15); EAM goes through the same cubic splines as LAMMPS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { readDumpFrame, writeLammpsData } from '../../src/io/index.ts';
import { getUnits } from '../../src/util/units.ts';
import { getPotential } from '../../src/potential/registry.ts';
import type { System } from '../../src/system/system.ts';
import type { GetPotentialOptions } from '../../src/potential/registry.ts';
import { kaGlass, cuzrGlass, cuFcc, triclinicCopy, KA_LMP, KA_SF_LMP, CUZR_LMP, CU_ALLOY_LMP, CU_MISHIN } from './configs.ts';
import { lammpsOrSkip, lastThermo, runLammps } from './lammps-runner.ts';

const RTOL = 1e-8;
const haveLmp = lammpsOrSkip('force/energy/virial agreement with LAMMPS');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

interface Reference {
  /** positions as LAMMPS read them (wrapped) */
  positions: Float64Array;
  pe: Float64Array;
  forces: Float64Array;
  /** total pe and pressure components xx yy zz xy xz yz (pressure unit) */
  total: number;
  pressure: number[];
}

/** Run LAMMPS `run 0` on `sys` with the given pair lines; per-atom data ordered by id 1..n. */
function lammpsReference(sys: System, units: 'lj' | 'metal', pairLines: string, tag: string): Promise<Reference> {
  const dir = mkdtempSync(join(tmpdir(), `glasslab-lmp-${tag}-`));
  dirs.push(dir);
  return (async () => {
    await writeLammpsData(join(dir, 'config.data'), sys, { velocities: false });
    const log = runLammps(dir, [
      `units ${units}`, 'atom_style atomic', 'boundary p p p', 'read_data config.data',
      pairLines,
      'neighbor 0.3 bin',
      'compute pe all pe/atom',
      'dump d all custom 1 forces.dump id type x y z c_pe fx fy fz',
      'dump_modify d format float %.17g sort id',
      'thermo_style custom step pe press pxx pyy pzz pxy pxz pyz',
      'thermo_modify norm no format float %.17g',
      'run 0',
    ].join('\n'));
    const row = lastThermo(log)[0];
    const frame = await readDumpFrame(join(dir, 'forces.dump'));
    const n = sys.n;
    const pe = new Float64Array(n), forces = new Float64Array(3 * n), positions = new Float64Array(3 * n);
    const col = (name: string) => {
      const p = frame.props.get(name);
      if (!p) throw new Error(`LAMMPS dump lacks column ${name}`);
      return p;
    };
    const [cpe, fx, fy, fz] = ['c_pe', 'fx', 'fy', 'fz'].map(col);
    for (let k = 0; k < frame.n; k++) {
      const i = frame.ids[k] - 1;
      pe[i] = cpe[k];
      forces[3 * i] = fx[k]; forces[3 * i + 1] = fy[k]; forces[3 * i + 2] = fz[k];
      for (let c = 0; c < 3; c++) positions[3 * i + c] = frame.positions[3 * k + c];
    }
    return { positions, pe, forces, total: row.PotEng, pressure: ['Pxx', 'Pyy', 'Pzz', 'Pxy', 'Pxz', 'Pyz'].map((h) => row[h]) };
  })();
}

function norm2(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function diff(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => a[i] - b[i]);
}

/** max over atoms of the per-atom vector norm |v_i| (3 components per atom) */
function maxAtomNorm(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i += 3) m = Math.max(m, Math.hypot(v[i], v[i + 1], v[i + 2]));
  return m;
}

function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

async function compare(model: string, sys: System, pairLines: string, tag: string, opts: GetPotentialOptions = {}) {
  const pot = getPotential(model, opts);
  const ours = createForceProvider(pot).compute(sys, { peratom: true });
  const ref = await lammpsReference(sys, pot.units, pairLines, tag);
  // ids of our configurations are 1..n in storage order
  for (let i = 0; i < sys.n; i++) expect(sys.ids[i]).toBe(i + 1);
  // LAMMPS computed on the same configuration (up to periodic images)
  const dx = diff(sys.positions, ref.positions);
  for (let i = 0; i < sys.n; i++) sys.box.minimumImage(dx, 3 * i);
  expect(maxAbs(dx)).toBeLessThan(1e-12 * sys.box.lengths[0]);
  const pe = ours.peratomEnergy!;
  const u = getUnits(pot.units);
  const V = sys.box.volume;
  const pressure = Array.from(ours.virial, (w) => (u.nktv2p * w) / V);
  const errors = {
    total: Math.abs(ours.energy - ref.total) / Math.abs(ref.total),
    peNorm: norm2(diff(pe, ref.pe)) / norm2(ref.pe),
    peMax: maxAbs(diff(pe, ref.pe)) / maxAbs(ref.pe),
    forceNorm: norm2(diff(ours.forces, ref.forces)) / norm2(ref.forces),
    forceMax: maxAtomNorm(diff(ours.forces, ref.forces)) / maxAtomNorm(ref.forces),
    pressure: maxAbs(diff(pressure, ref.pressure)) / maxAbs(ref.pressure),
  };
  // sanity: the comparison is not between zeros
  expect(norm2(ref.forces)).toBeGreaterThan(1);
  expect(maxAbs(ref.pressure)).toBeGreaterThan(0);
  if (process.env.GLASSLAB_VERBOSE) console.log(tag, Object.entries(errors).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', '));
  for (const [k, v] of Object.entries(errors)) {
    expect(v, `${tag}: relative error '${k}' = ${v.toExponential(2)}`).toBeLessThan(RTOL);
  }
  return errors;
}

describe.skipIf(!haveLmp)('agreement with LAMMPS: per-atom energies, forces, virial', () => {
  it('ka (lj/cut + shift), orthorhombic box, N=500 at rho=1.2', async () => {
    await compare('ka', await kaGlass(), KA_LMP, 'ka');
  });

  it('ka, triclinic box (xy, xz, yz tilts)', async () => {
    const sys = triclinicCopy(await kaGlass(), { xy: 0.31, xz: -0.22, yz: 0.17 });
    expect(sys.box.triclinic).toBe(true);
    await compare('ka', sys, KA_LMP, 'ka-tri');
  });

  it('ka-sf (lj/smooth/linear)', async () => {
    await compare('ka-sf', await kaGlass(), KA_SF_LMP, 'ka-sf');
  });

  it('cuzr (eam/fs, CuZr_mm.eam.fs, metal units), Cu64Zr36 at 0.06 atoms/A^3', async () => {
    await compare('cuzr', cuzrGlass(), CUZR_LMP, 'cuzr');
  });

  it('eam (eam/alloy, Cu_mishin1.eam.alloy): fcc Cu 5x5x5 cells, one vacancy, jiggled by up to 0.05 A', async () => {
    const sys = cuFcc(5, { vacancy: true, jiggle: 0.05, seed: 3 });
    expect(sys.n).toBe(499);
    await compare('eam', sys, CU_ALLOY_LMP, 'eam-cu', { potentialPath: CU_MISHIN, elements: ['Cu'] });
  });
});
