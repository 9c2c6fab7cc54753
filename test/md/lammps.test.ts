/**
 * Same start, same algorithm: our NVT / NPT trajectories against LAMMPS
 * (`fix nvt`, `fix npt ... iso`, KA lj/cut 2.5 with shift) step by step.
 * Runs only where the `lmp` executable is installed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import type { Integrator } from '../../src/md/integrator.ts';
import { npt, nvt } from '../../src/md/nose-hoover-integrator.ts';
import { runMd } from '../../src/md/run.ts';
import { LJ_UNITS, METAL_UNITS, type Units } from '../../src/util/units.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { cloneSystem, type System } from '../../src/system/system.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { kaStart, latticeSystem } from './fixtures.ts';
import { blockStats, mean } from './stats.ts';

const CUZR_PATH = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';

function hasLammps(): boolean {
  try {
    execFileSync('lmp', ['-h'], { stdio: 'ignore', timeout: 20000 });
    return true;
  } catch {
    return false;
  }
}

/** LAMMPS data file (atomic style, image flags, velocities) with round-trip precision; 2D: z = 0 in a slab -0.5..0.5. */
function dataFile(sys: System): string {
  const g = (x: number) => x.toPrecision(17);
  const d = sys.dim;
  const lo = [...sys.box.lo, -0.5], hi = [...sys.box.hi, 0.5];
  const at = (a: ArrayLike<number> | undefined, i: number, k: number) => (k < d ? a?.[d * i + k] ?? 0 : 0);
  const lines = ['glasslab test', '', `${sys.n} atoms`, '2 atom types', ''];
  for (let k = 0; k < 3; k++) lines.push(`${g(lo[k])} ${g(hi[k])} ${'xyz'[k]}lo ${'xyz'[k]}hi`);
  const typeMass = new Map<number, number>();
  for (let i = 0; i < sys.n; i++) typeMass.set(sys.types[i], sys.masses[i]);
  lines.push('', 'Masses', '', ...[1, 2].map((t) => `${t} ${g(typeMass.get(t) ?? 1)}`), '', 'Atoms # atomic', '');
  for (let i = 0; i < sys.n; i++) {
    const p = [0, 1, 2].map((k) => g(at(sys.positions, i, k))).join(' ');
    const im = [0, 1, 2].map((k) => at(sys.images, i, k)).join(' ');
    lines.push(`${sys.ids[i]} ${sys.types[i]} ${p} ${im}`);
  }
  lines.push('', 'Velocities', '');
  for (let i = 0; i < sys.n; i++) lines.push(`${sys.ids[i]} ${[0, 1, 2].map((k) => g(at(sys.velocities, i, k))).join(' ')}`);
  return lines.join('\n') + '\n';
}

interface Row { step: number; T: number; PE: number; P: number; ext: number; V: number; /** the `extra` thermo columns */ x: number[] }

const KA_LAMMPS = [
  'units lj', 'atom_style atomic', 'boundary p p p', 'read_data data.in',
  'pair_style lj/cut 2.5', 'pair_coeff 1 1 1.0 1.0 2.5', 'pair_coeff 1 2 1.5 0.8 2.0', 'pair_coeff 2 2 0.5 0.88 2.2',
  'pair_modify shift yes', 'neighbor 0.3 bin', 'timestep 0.005',
];

/** Cell and pressure-tensor columns of LAMMPS thermo, in the order of `cellColumns` */
const CELL_THERMO = ['lx', 'ly', 'lz', 'xy', 'xz', 'yz', 'pxx', 'pyy', 'pzz', 'pxy', 'pxz', 'pyz'];
const CELL_THERMO_2D = ['lx', 'ly', 'xy', 'pxx', 'pyy', 'pxy'];
function cellColumns(sys: System, pt: number[]): number[] {
  const b = sys.box;
  return sys.dim === 3 ? [...b.lengths, b.xy, b.xz, b.yz, ...pt] : [...b.lengths, b.xy, ...pt];
}

function runLammps(sys: System, fix: string, steps: number, setup = KA_LAMMPS, extra: string[] = [], after: string[] = []): Row[] {
  const dir = mkdtempSync(join(tmpdir(), 'glasslab-lmp-'));
  writeFileSync(join(dir, 'data.in'), dataFile(sys));
  writeFileSync(join(dir, 'in.ka'), [
    ...setup, ...after, 'neigh_modify every 1 delay 0 check yes',
    `fix 1 all ${fix}`, `thermo_style custom step temp pe press f_1 vol ${extra.join(' ')}`, 'thermo_modify format float %.17g norm no',
    'thermo 10', `run ${steps}`, '',
  ].join('\n'));
  let log: string[];
  try {
    execFileSync('lmp', ['-in', 'in.ka', '-log', 'log.lammps', '-screen', 'none'], { cwd: dir, timeout: 60000 });
    log = readFileSync(join(dir, 'log.lammps'), 'utf8').split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const start = log.findIndex((l) => /^\s*Step\s+Temp\s+PotEng/.test(l));
  const rows: Row[] = [];
  for (let i = start + 1; i < log.length; i++) {
    const f = log[i].trim().split(/\s+/).map(Number);
    if (f.length !== 6 + extra.length || f.some((x) => !Number.isFinite(x))) break;
    rows.push({ step: f[0], T: f[1], PE: f[2], P: f[3], ext: f[4], V: f[5], x: f.slice(6) });
  }
  return rows;
}

async function runOurs(sys: System, integrator: Integrator, steps: number, model = 'ka', dt = 0.005, units: Units = LJ_UNITS): Promise<(Row & { etap0: number })[]> {
  const etap0: number[] = [], cells: number[][] = [];
  const r = await runMd(sys, createForceProvider(getPotential(model)), {
    integrator, dt, steps, thermoEvery: 10, units,
    observers: [{ every: 10, observe: (st) => { etap0.push(st.ext.etap?.[0] ?? 0); cells.push(cellColumns(st.sys, [])); } }],
  });
  return r.thermo.map((t, k) => ({
    step: t.step, T: t.T, PE: t.PE, P: t.P, ext: t.conserved - t.Etot, V: t.volume, etap0: etap0[k], x: [...cells[k], ...t.pressureTensor],
  }));
}

describe.skipIf(!hasLammps() || !existsSync(CUZR_PATH))('trajectories match LAMMPS (29Sep2021) from the same start', async () => {
  // a liquid start: lattice melted by a short NVT run of our own
  const liquid = kaStart(1.0, 2);
  await runMd(liquid, createForceProvider(getPotential('ka')), { integrator: nvt({ Tstart: 1.0, Tdamp: 0.1 }), dt: 0.005, steps: 300 });
  const start = () => { const s = cloneSystem(liquid); s.timestep = 0; s.time = 0; return s; };

  it('fix nvt temp 1.0 0.8 0.1 (chain 3, ramp): T, PE, P and the chain energy agree step by step', async () => {
    const lmp = runLammps(start(), 'nvt temp 1.0 0.8 0.1', 200);
    const ours = await runOurs(start(), nvt({ Tstart: 1.0, Tstop: 0.8, Tdamp: 0.1 }), 200);
    expect(lmp.length).toBe(21);
    expect(ours.map((r) => r.step)).toEqual(lmp.map((r) => r.step));
    for (let k = 0; k < lmp.length; k++) {
      expect(Math.abs(ours[k].T - lmp[k].T)).toBeLessThan(1e-9);
      expect(Math.abs(ours[k].PE - lmp[k].PE)).toBeLessThan(1e-8 * 250);
      expect(Math.abs(ours[k].P - lmp[k].P)).toBeLessThan(1e-8);
      expect(Math.abs(ours[k].ext - lmp[k].ext)).toBeLessThan(1e-8 * 250);
    }
  });

  it('fix npt temp 1.0 1.0 0.1 iso 5.0 5.0 0.5 (MTK, chains 3): T, P and volume agree step by step', async () => {
    const lmp = runLammps(start(), 'npt temp 1.0 1.0 0.1 iso 5.0 5.0 0.5', 200);
    const ours = await runOurs(start(), npt({ Tstart: 1.0, Tdamp: 0.1, Pstart: 5, Pdamp: 0.5 }), 200);
    expect(ours.map((r) => r.step)).toEqual(lmp.map((r) => r.step));
    const V0 = lmp[0].V;
    for (let k = 0; k < lmp.length; k++) {
      expect(Math.abs(ours[k].T - lmp[k].T)).toBeLessThan(1e-9);
      expect(Math.abs(ours[k].P - lmp[k].P)).toBeLessThan(1e-8);
      expect(Math.abs(ours[k].V - lmp[k].V)).toBeLessThan(1e-9 * V0);
      // LAMMPS counts P0 (V - V0) where we count P0 V; and its FixNH::compute_scalar
      // weights the first barostat-chain position by d kT for iso although the chain
      // dynamics (nhc_press_integrate) targets kT: we use kT, consistent with the
      // dynamics, so the two differ by P0 V0 - (d - 1) kT etap_0
      const expected = lmp[k].ext + 5 * V0 - 2 * 1.0 * ours[k].etap0;
      expect(Math.abs(ours[k].ext - expected)).toBeLessThan(1e-8 * 250);
    }
  });

  for (const style of ['aniso', 'tri'] as const) {
    it(`fix npt temp 1.0 1.0 0.1 ${style} 5.0 5.0 0.5: T, P, the cell (lengths, tilts) and the pressure tensor agree step by step`, async () => {
      // LAMMPS barostats tilts only of a box declared triclinic
      const lmp = runLammps(start(), `npt temp 1.0 1.0 0.1 ${style} 5.0 5.0 0.5`, 200, KA_LAMMPS, CELL_THERMO, style === 'tri' ? ['change_box all triclinic'] : []);
      const ours = await runOurs(start(), npt({ Tstart: 1.0, Tdamp: 0.1, Pstart: 5, Pdamp: 0.5, barostat: style }), 200);
      expect(lmp.length).toBe(21);
      expect(ours.map((r) => r.step)).toEqual(lmp.map((r) => r.step));
      const V0 = lmp[0].V;
      let tiltMoved = 0;
      for (let k = 0; k < lmp.length; k++) {
        expect(Math.abs(ours[k].T - lmp[k].T)).toBeLessThan(1e-9);
        expect(Math.abs(ours[k].P - lmp[k].P)).toBeLessThan(1e-8);
        expect(Math.abs(ours[k].V - lmp[k].V)).toBeLessThan(1e-9 * V0);
        for (let c = 0; c < 12; c++) expect(Math.abs(ours[k].x[c] - lmp[k].x[c])).toBeLessThan(c < 6 ? 1e-10 * 7 : 1e-8);
        tiltMoved = Math.max(tiltMoved, ...lmp[k].x.slice(3, 6).map(Math.abs));
        // extended energy: LAMMPS counts P0 (V - V0) where we count P0 V
        expect(Math.abs(ours[k].ext - (lmp[k].ext + 5 * V0))).toBeLessThan(1e-8 * 250);
      }
      if (style === 'tri') expect(tiltMoved).toBeGreaterThan(1e-3); // the tilts are really driven
    });
  }

  // Cu50Zr50 (eam/fs CuZr_mm), N = 432, L = 19.6 A, velocities at 1500 K
  const cuzr = latticeSystem(3, 6, 0.0573, { basis: 'bcc', fracA: 0.5, jiggle: 0.1, seed: 8 });
  for (let i = 0; i < cuzr.n; i++) cuzr.masses[i] = getPotential('cuzr').typeMasses[cuzr.types[i]];
  initVelocities(cuzr, 1500, 3, 'metal');
  const cuzrStart = () => { const s = cloneSystem(cuzr); s.timestep = 0; s.time = 0; return s; };
  const CUZR_LAMMPS = [
    'units metal', 'atom_style atomic', 'boundary p p p', 'read_data data.in',
    'pair_style eam/fs', `pair_coeff * * ${CUZR_PATH} Cu Zr`, 'neighbor 1.0 bin', 'timestep 0.002',
  ];
  // LAMMPS 29Sep2021 still has the CODATA 2006 boltz = 8.617343e-5 eV/K (ours: CODATA 2018,
  // 8.617333262e-5, as newer LAMMPS); run with its value to compare trajectories
  const lammps2021: Units = { ...METAL_UNITS, kB: 8.617343e-5 };

  for (const style of ['aniso', 'tri'] as const) {
    it(`2D: fix npt temp 1.0 1.0 0.1 ${style} 5.0 5.0 0.5 (x, y${style === 'tri' ? ', xy' : ''}) agrees step by step`, async () => {
      const flat = latticeSystem(2, 16, 1.2, { fracA: 0.8, jiggle: 0.05, seed: 6 }); // N = 256
      initVelocities(flat, 1.0, 6);
      await runMd(flat, createForceProvider(getPotential('ka')), { integrator: nvt({ Tstart: 1.0, Tdamp: 0.1 }), dt: 0.005, steps: 300 });
      const s0 = () => { const s = cloneSystem(flat); s.timestep = 0; s.time = 0; return s; };
      const setup = ['dimension 2', ...KA_LAMMPS];
      const lmp = runLammps(s0(), `npt temp 1.0 1.0 0.1 ${style} 5.0 5.0 0.5`, 200, setup, CELL_THERMO_2D, style === 'tri' ? ['change_box all triclinic'] : []);
      const ours = await runOurs(s0(), npt({ Tstart: 1.0, Tdamp: 0.1, Pstart: 5, Pdamp: 0.5, barostat: style }), 200);
      expect(lmp.length).toBe(21);
      const V0 = lmp[0].V;
      for (let k = 0; k < lmp.length; k++) {
        expect(Math.abs(ours[k].T - lmp[k].T)).toBeLessThan(1e-9);
        expect(Math.abs(ours[k].P - lmp[k].P)).toBeLessThan(1e-8);
        for (let c = 0; c < 6; c++) expect(Math.abs(ours[k].x[c] - lmp[k].x[c])).toBeLessThan(c < 3 ? 1e-10 * 15 : 1e-8);
        expect(Math.abs(ours[k].ext - (lmp[k].ext + 5 * V0))).toBeLessThan(1e-8 * 256);
      }
      if (style === 'tri') expect(Math.abs(lmp.at(-1)!.x[2])).toBeGreaterThan(1e-3);
    });
  }

  it('metal units, EAM: fix nvt temp 1500 1200 0.1 on Cu50Zr50 (eam/fs CuZr_mm) agrees step by step', async () => {
    const sys = cuzr;
    const lmp = runLammps(cuzrStart(), 'nvt temp 1500 1200 0.1', 100, CUZR_LAMMPS);
    const ours = await runOurs(cuzrStart(), nvt({ Tstart: 1500, Tstop: 1200, Tdamp: 0.1 }), 100, 'cuzr', 0.002, lammps2021);
    expect(ours.map((r) => r.step)).toEqual(lmp.map((r) => r.step));
    for (let k = 0; k < lmp.length; k++) {
      expect(Math.abs(ours[k].T - lmp[k].T)).toBeLessThan(1e-6); // K
      expect(Math.abs(ours[k].PE - lmp[k].PE)).toBeLessThan(1e-7 * sys.n); // eV
      expect(Math.abs(ours[k].P - lmp[k].P)).toBeLessThan(1e-3); // bar (|P| ~ 1e4)
      expect(Math.abs(ours[k].ext - lmp[k].ext)).toBeLessThan(1e-7 * sys.n);
    }
  });

  for (const style of ['aniso', 'tri'] as const) {
    it(`metal units, EAM: fix npt temp 1500 1500 0.1 ${style} 0 0 0.5 on Cu50Zr50: cell, tilts and pressure tensor agree step by step`, async () => {
      const lmp = runLammps(cuzrStart(), `npt temp 1500 1500 0.1 ${style} 0 0 0.5`, 100, CUZR_LAMMPS, CELL_THERMO, style === 'tri' ? ['change_box all triclinic'] : []);
      const ours = await runOurs(cuzrStart(), npt({ Tstart: 1500, Tdamp: 0.1, Pstart: 0, Pdamp: 0.5, barostat: style }), 100, 'cuzr', 0.002, lammps2021);
      expect(ours.map((r) => r.step)).toEqual(lmp.map((r) => r.step));
      for (let k = 0; k < lmp.length; k++) {
        expect(Math.abs(ours[k].T - lmp[k].T)).toBeLessThan(1e-6); // K
        expect(Math.abs(ours[k].P - lmp[k].P)).toBeLessThan(1e-3); // bar (|P| ~ 1e4)
        for (let c = 0; c < 6; c++) expect(Math.abs(ours[k].x[c] - lmp[k].x[c])).toBeLessThan(1e-9 * 20); // A
        for (let c = 6; c < 12; c++) expect(Math.abs(ours[k].x[c] - lmp[k].x[c])).toBeLessThan(1e-3); // bar
        expect(Math.abs(ours[k].ext - lmp[k].ext)).toBeLessThan(1e-7 * cuzr.n); // P0 = 0: no P0 V0 offset
      }
      if (style === 'tri') expect(Math.max(...lmp.at(-1)!.x.slice(3, 6).map(Math.abs))).toBeGreaterThan(1e-3);
    });
  }
});

describe.skipIf(!hasLammps())('aniso NPT statistics match LAMMPS fix npt aniso (KA glass, P = 0)', () => {
  it('mean edge lengths and their fluctuations agree within the statistical error; the mean stress is zero', async () => {
    // a KA glass: melt (T = 1), quench and age at T = 0.3, P = 0 (iso); its cell shape is pinned, unlike a liquid's
    const glass = latticeSystem(3, 6, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.05, seed: 12 }); // N = 432
    initVelocities(glass, 1.0, 12);
    const ka = createForceProvider(getPotential('ka'));
    await runMd(glass, ka, { integrator: nvt({ Tstart: 1.0, Tdamp: 0.1 }), dt: 0.005, steps: 400 });
    await runMd(glass, ka, { integrator: npt({ Tstart: 0.3, Tdamp: 0.1, Pstart: 0, Pdamp: 0.5 }), dt: 0.005, steps: 3000 });
    const start = () => { const s = cloneSystem(glass); s.timestep = 0; s.time = 0; return s; };
    const steps = 6000;
    const lmp = runLammps(start(), 'npt temp 0.3 0.3 0.1 aniso 0 0 0.5', steps, KA_LAMMPS, CELL_THERMO);
    const ours = await runOurs(start(), npt({ Tstart: 0.3, Tdamp: 0.1, Pstart: 0, Pdamp: 0.5, barostat: 'aniso' }), steps);
    expect(lmp.length).toBe(steps / 10 + 1);
    const skip = 100; // the first 1000 steps: the barostats adapt the shape
    const col = (rows: Row[], c: number) => rows.slice(skip).map((r) => r.x[c]);
    // fluctuation: the rms deviation within 5 blocks (a glass still ages: the slow drift is not a fluctuation)
    const sd = (x: number[]) => {
      const b = Math.floor(x.length / 5);
      return Math.sqrt(mean(Array.from({ length: 5 }, (_, k) => {
        const blk = x.slice(k * b, (k + 1) * b), m = mean(blk);
        return mean(blk.map((v) => (v - m) ** 2));
      })));
    };
    for (let k = 0; k < 3; k++) {
      const a = blockStats(col(ours, k), 10), b = blockStats(col(lmp, k), 10);
      expect(Math.abs(a.mean - b.mean)).toBeLessThan(4 * Math.hypot(a.sem, b.sem) + 1e-3);
      const ra = sd(col(ours, k)), rb = sd(col(lmp, k));
      expect(ra / rb).toBeGreaterThan(0.7);
      expect(ra / rb).toBeLessThan(1.4);
      const p = blockStats(col(ours, 6 + k), 10);
      expect(Math.abs(p.mean)).toBeLessThan(4 * p.sem + 0.01);
    }
  });
});
