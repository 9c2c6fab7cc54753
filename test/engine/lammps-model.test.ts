/**
 * The LAMMPS lines that `lammpsModel` writes for each model make LAMMPS
 * compute our energies and forces (`run 0` on one configuration, dumped
 * with %.17g):
 * - ka, ka-sf (lj/cut + shift, lj/smooth/linear: epsilon and sigma recovered
 *   from the pair table) and cuzr (eam/fs with its file): to round-off,
 *   relative errors below 1e-8 as in test/lammps/forces.test.ts;
 * - ipl2d, ipl3d through `pair_style table linear` over a file generated
 *   from our radial functions: to the table's interpolation accuracy. With
 *   10000 points, linear interpolation in r^2 leaves relative errors of
 *   order (delta r^2)^2 phi''/8 (measured 2e-7 to 4e-7); we require 2e-6 for the total
 *   energy, the per-atom energies and the forces (norm over all atoms).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { lammpsModel, pairTable } from '../../src/engine/lammps-model.ts';
import { readDumpFrame, writeLammpsData } from '../../src/io/index.ts';
import { nvt } from '../../src/md/nose-hoover-integrator.ts';
import { runMd } from '../../src/md/run.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { getPotential, modelDefaults } from '../../src/potential/registry.ts';
import { DPHI, PHI, type PairPotential } from '../../src/potential/types.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { cuzrGlass, kaGlass } from '../lammps/configs.ts';
import { lammpsOrSkip, lastThermo, runLammps } from '../lammps/lammps-runner.ts';

const haveLmp = lammpsOrSkip('LAMMPS input of each model (lammpsModel)');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A liquid of an IPL model: random start melted by 200 NVT steps at T = 1 (dt 0.005). */
async function iplLiquid(model: 'ipl2d' | 'ipl3d'): Promise<System> {
  const pot = getPotential(model);
  const d = modelDefaults[model];
  const sys = randomConfiguration({ n: 400, density: d.numberDensity, dim: d.dim, composition: d.composition, typeMasses: pot.typeMasses, seed: 7 });
  initVelocities(sys, 1.0, 7);
  const r = await runMd(sys, createForceProvider(pot), { integrator: nvt({ Tstart: 1.0, Tdamp: 0.5 }), dt: 0.005, steps: 200 });
  const s = r.state.sys;
  return createSystem({ box: s.box, positions: s.positions, types: s.types, masses: s.masses });
}

const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));
const relDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => norm(Array.from(a, (x, i) => x - b[i])) / norm(b);

async function compare(model: string, sys: System, tol: number): Promise<Record<string, number>> {
  const pot = getPotential(model);
  const m = lammpsModel(pot);
  const dir = mkdtempSync(join(tmpdir(), `glasslab-lmp-model-${model}-`));
  dirs.push(dir);
  for (const f of m.files) writeFileSync(join(dir, f.name), f.text);
  await writeLammpsData(join(dir, 'config.data'), sys, { velocities: false });
  const d = sys.dim;
  const fcols = d === 3 ? 'fx fy fz' : 'fx fy';
  const log = runLammps(dir, [
    `units ${pot.units}`, `dimension ${d}`, 'atom_style atomic', 'boundary p p p', 'read_data config.data',
    ...m.pairLines,
    'neighbor 0.3 bin', 'compute pe all pe/atom',
    `dump d all custom 1 forces.dump id type c_pe ${fcols}`, 'dump_modify d format float %.17g sort id',
    'thermo_style custom step pe', 'thermo_modify norm no format float %.17g', 'run 0',
  ].join('\n'));
  const total = lastThermo(log)[0].PotEng;
  const frame = await readDumpFrame(join(dir, 'forces.dump'), 0, { positionsOptional: true, dim: d });
  const ours = createForceProvider(pot).compute(sys, { peratom: true });
  const pe = frame.props.get('c_pe')!;
  const f = new Float64Array(d * sys.n);
  const cols = (d === 3 ? ['fx', 'fy', 'fz'] : ['fx', 'fy']).map((c) => frame.props.get(c)!);
  for (let k = 0; k < frame.n; k++) {
    const i = frame.ids[k] - 1;
    for (let a = 0; a < d; a++) f[d * i + a] = cols[a][k];
  }
  const peRef = new Float64Array(sys.n);
  for (let k = 0; k < frame.n; k++) peRef[frame.ids[k] - 1] = pe[k];
  const errors = {
    total: Math.abs(ours.energy - total) / Math.abs(total),
    peratom: relDiff(ours.peratomEnergy!, peRef),
    forces: relDiff(ours.forces, f),
  };
  expect(norm(f)).toBeGreaterThan(1);
  if (process.env.GLASSLAB_VERBOSE) console.log(model, Object.entries(errors).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', '));
  for (const [k, v] of Object.entries(errors)) expect(v, `${model}: relative error '${k}'`).toBeLessThan(tol);
  return errors;
}

describe('lammpsModel: the pair lines of each model', () => {
  it('ka: lj/cut with the per-pair cutoffs and shift; ka-sf: lj/smooth/linear', () => {
    const ka = lammpsModel(getPotential('ka')).pairLines;
    expect(ka[0]).toBe('pair_style lj/cut 2.5');
    expect(ka).toContain('pair_modify shift yes');
    // epsilon and sigma as Kob & Andersen give them (to round-off of the recovery)
    const ab = ka.find((l) => l.startsWith('pair_coeff 1 2 '))!.split(' ').slice(3).map(Number);
    expect(ab[0]).toBeCloseTo(1.5, 14);
    expect(ab[1]).toBeCloseTo(0.8, 14);
    expect(ab[2]).toBeCloseTo(2.0, 14);
    expect(lammpsModel(getPotential('ka-sf')).pairLines[0]).toBe('pair_style lj/smooth/linear 2.5');
  });

  it('cuzr: eam/fs with the file and the elements of types 1, 2', () => {
    const l = lammpsModel(getPotential('cuzr')).pairLines;
    expect(l[0]).toBe('pair_style eam/fs');
    expect(l[1]).toMatch(/^pair_coeff \* \* \S*CuZr_mm\.eam\.fs Cu Zr$/);
  });

  it('ipl3d: a table of phi and -dphi/dr at the tabulated distances, zero at the cutoff', () => {
    const pot = getPotential('ipl3d') as PairPotential;
    const t = pairTable(pot, 1, 2, 101);
    const out = new Float64Array(4);
    for (const i of [0, 37, 99]) {
      pot.radial(1, 2, t.r[i], out);
      expect(t.e[i]).toBe(out[PHI]);
      expect(t.f[i]).toBe(-out[DPHI]);
    }
    expect(t.r[100]).toBe(1.48 * 1.18);
    expect(t.e[100]).toBe(0);
    // the inner end is where phi reaches 1000 eps: x^-10 ~ 1000, x ~ 0.5
    expect(t.rlo / 1.18).toBeGreaterThan(0.49);
    expect(t.rlo / 1.18).toBeLessThan(0.51);
  });
});

describe.skipIf(!haveLmp)('lammpsModel in LAMMPS: energies and forces of one configuration', () => {
  it('ka and ka-sf to round-off', async () => {
    await compare('ka', await kaGlass(), 1e-8);
    await compare('ka-sf', await kaGlass(), 1e-8);
  });

  it('cuzr (eam/fs) to round-off', async () => {
    await compare('cuzr', cuzrGlass(), 1e-8);
  });

  it('ipl3d and ipl2d through pair_style table, to the interpolation accuracy', async () => {
    await compare('ipl3d', await iplLiquid('ipl3d'), 2e-6);
    await compare('ipl2d', await iplLiquid('ipl2d'), 2e-6);
  });
});
