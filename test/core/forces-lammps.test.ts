/**
 * Agreement with LAMMPS on the same configurations: per-atom forces, per-atom
 * energies (compute pe/atom), total energy and the virial tensor (compute
 * pressure ... virial, times the volume) for KA in a triclinic box and the
 * CuZr EAM/FS glass former.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeForcesF64 } from '../../src/core/forces-f64.ts';
import { buildNeighborList } from '../../src/neighbor/neighbor-list.ts';
import { createKobAndersen } from '../../src/potential/ka.ts';
import { loadEamFs } from '../../src/potential/eam-fs.ts';
import type { Potential } from '../../src/potential/types.ts';
import type { System } from '../../src/system/system.ts';
import { lammpsOrSkip, lastThermo, runLammps } from '../lammps/lammps-runner.ts';
import { makeBox, maxDiff, randomSystem } from './forces-fixtures.ts';

const haveLmp = lammpsOrSkip('f64 forces vs LAMMPS');

/** Minimal LAMMPS data file (atomic style, triclinic header, 17 digits). */
function dataFile(sys: System, ntypes: number, masses: readonly number[]): string {
  const b = sys.box, hi = b.hi;
  const f = (v: number) => v.toPrecision(17);
  const lines = [
    'glasslab test configuration', '', `${sys.n} atoms`, `${ntypes} atom types`, '',
    `${f(b.lo[0])} ${f(hi[0])} xlo xhi`, `${f(b.lo[1])} ${f(hi[1])} ylo yhi`, `${f(b.lo[2])} ${f(hi[2])} zlo zhi`,
    `${f(b.xy)} ${f(b.xz)} ${f(b.yz)} xy xz yz`, '', 'Masses', '',
    ...Array.from({ length: ntypes }, (_, t) => `${t + 1} ${masses[t + 1]}`), '', 'Atoms # atomic', '',
  ];
  for (let i = 0; i < sys.n; i++) {
    lines.push(`${sys.ids[i]} ${sys.types[i]} ${f(sys.positions[3 * i])} ${f(sys.positions[3 * i + 1])} ${f(sys.positions[3 * i + 2])}`);
  }
  return lines.join('\n') + '\n';
}

interface LammpsResult { energy: number; virial: number[]; forces: Float64Array; pe: Float64Array }

function lammpsForces(sys: System, units: 'lj' | 'metal', ntypes: number, masses: readonly number[], pairLines: string[], skin: number): LammpsResult {
  const dir = mkdtempSync(join(tmpdir(), 'glasslab-forces-'));
  try {
    writeFileSync(join(dir, 'data.in'), dataFile(sys, ntypes, masses));
    const log = runLammps(dir, [
      `units ${units}`, 'atom_style atomic', 'boundary p p p', 'atom_modify map array', 'read_data data.in',
      ...pairLines, `neighbor ${skin} bin`,
      'compute pe all pe/atom', 'compute w all pressure NULL virial',
      'variable vol equal vol',
      'thermo_style custom step pe c_w[1] c_w[2] c_w[3] c_w[4] c_w[5] c_w[6] v_vol', 'thermo_modify format float %.17g norm no',
      'dump d all custom 1 forces.dump id fx fy fz c_pe', 'dump_modify d format float %.17g sort id',
      'run 0',
    ].join('\n'));
    const row = lastThermo(log)[0];
    // pressure -> virial: P V (LJ units); metal: P[bar] V[A^3] / nktv2p = eV, with LAMMPS's
    // own constant nktv2p = 1.6021765e6 (src/update.cpp), not the CODATA 1.602176634e6
    const toEnergy = units === 'metal' ? 1 / 1.6021765e6 : 1;
    const virial = [1, 2, 3, 4, 5, 6].map((k) => row[`c_w[${k}]`] * row.v_vol * toEnergy);
    const dump = readFileSync(join(dir, 'forces.dump'), 'utf8').trim().split('\n');
    const start = dump.findIndex((l) => l.startsWith('ITEM: ATOMS')) + 1;
    const byId = new Map<number, number[]>();
    for (const l of dump.slice(start)) { const v = l.trim().split(/\s+/).map(Number); byId.set(v[0], v.slice(1)); }
    const forces = new Float64Array(3 * sys.n), pe = new Float64Array(sys.n);
    for (let i = 0; i < sys.n; i++) {
      const v = byId.get(sys.ids[i])!;
      forces.set(v.slice(0, 3), 3 * i);
      pe[i] = v[3];
    }
    return { energy: row.PotEng, virial, forces, pe };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compare(sys: System, pot: Potential, ref: LammpsResult, rtol: number): void {
  const nl = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0.3, kind: 'half' });
  const got = computeForcesF64(sys, pot, nl, { peratom: true });
  const f = maxDiff(got.forces, ref.forces);
  expect(f.scale).toBeGreaterThan(0);
  expect(f.diff).toBeLessThan(rtol * f.scale);
  const pe = maxDiff(got.peratomEnergy!, ref.pe);
  expect(pe.diff).toBeLessThan(rtol * Math.max(1, pe.scale));
  expect(Math.abs(got.energy - ref.energy)).toBeLessThan(rtol * Math.abs(ref.energy));
  const w = maxDiff(got.virial, ref.virial);
  expect(w.diff).toBeLessThan(rtol * w.scale);
}

describe.skipIf(!haveLmp)('f64 forces agree with LAMMPS', () => {
  it('KA (lj/cut 2.5 + shift) in a triclinic box', () => {
    const box = makeBox({ dim: 3, lengths: [7.1, 6.9, 7.3], lo: [-1, 0.5, 2], tilt: { xy: 1.3, xz: -0.8, yz: 0.6 } });
    const sys = randomSystem(box, 220, 77, { minDist: 0.8 });
    const ref = lammpsForces(sys, 'lj', 2, [0, 1, 1], [
      'pair_style lj/cut 2.5', 'pair_modify shift yes',
      'pair_coeff 1 1 1.0 1.0 2.5', 'pair_coeff 1 2 1.5 0.8 2.0', 'pair_coeff 2 2 0.5 0.88 2.2',
    ], 0.3);
    compare(sys, createKobAndersen('shift'), ref, 1e-10);
  });

  const cuzr = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
  it.skipIf(!existsSync(cuzr))('CuZr EAM/FS (eam/fs, CuZr_mm.eam.fs)', () => {
    const pot = loadEamFs(cuzr);
    const L = 2.2 * pot.maxCutoff + 1;
    const sys = randomSystem(makeBox({ dim: 3, lengths: [L, L + 0.4, L - 0.3], tilt: { xy: 1.5, yz: -1.0 } }), 250, 5, { minDist: 2.2 });
    const ref = lammpsForces(sys, 'metal', 2, pot.typeMasses, ['pair_style eam/fs', `pair_coeff * * ${cuzr} Cu Zr`], 1.0);
    compare(sys, pot, ref, 1e-9);
  });
});
