/**
 * Agreement with LAMMPS itself: LAMMPS writes triclinic dumps in every
 * position representation and a data file, we read them; we write a data
 * file and a dump, LAMMPS reads them back (read_data, read_dump) and dumps
 * what it understood. Needs `lmp` on PATH: skipped with a loud warning
 * without it, except under CI (process.env.CI) where its absence fails.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLammpsData, readLammpsData } from '../../src/io/lammps-data.ts';
import { readDumpFrame, readDumpFrames, writeDump, type DumpFrame } from '../../src/io/lammps-dump.ts';
import { unwrappedPositions } from '../../src/system/system.ts';
import { maxDiff, tempDir } from './helpers.ts';

const haveLmp = spawnSync('lmp', ['-h'], { stdio: 'ignore' }).error === undefined;
if (!haveLmp) {
  console.warn('\n*** lammps-compat tests SKIPPED: `lmp` is not on PATH (install the Debian lammps package) ***\n');
}

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function lmp(script: string): void {
  const input = tmp.path(`in-${Math.random().toString(36).slice(2)}.lmp`);
  writeFileSync(input, script);
  const r = spawnSync('lmp', ['-in', input, '-log', 'none', '-screen', 'none'], { cwd: tmp.dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`lmp failed (${r.status}): ${r.stdout}\n${r.stderr}`);
}

async function all(path: string): Promise<DumpFrame[]> {
  const out: DumpFrame[] = [];
  for await (const f of readDumpFrames(path)) out.push(f);
  return out;
}

const P = (name: string) => tmp.path(name);

describe('LAMMPS-written samples in data/lammps (no lmp needed)', () => {
  const sample = (name: string) => new URL(`../../data/lammps/${name}`, import.meta.url).pathname;
  it('xu, x + image flags and the data file agree; the box is the documented one', async () => {
    const u = await all(sample('tri-xu.lammpstrj'));
    const w = await all(sample('tri-x-image.lammpstrj'));
    expect(u.length).toBe(3);
    expect(u[0].units).toBe('lj');
    for (let k = 0; k < 3; k++) expect(maxDiff(unwrappedPositions(w[k]), u[k].positions)).toBeLessThan(1e-12);
    const b = u[0].box;
    expect(maxDiff(b.lo, [-1, 0.5, -2])).toBeLessThan(1e-15);
    expect(maxDiff(b.lengths, [5, 4, 3])).toBeLessThan(1e-15);
    expect([b.xy, b.xz, b.yz]).toEqual([1.5, -0.7, 0.9]);
    const d = await readLammpsData(sample('tri.data'));
    expect(maxDiff(unwrappedPositions(d), u[2].positions)).toBeLessThan(1e-12);
    expect(maxDiff(d.velocities!, u[2].velocities!)).toBeLessThan(1e-14);
  });
});

describe.runIf(process.env.CI && !haveLmp)('LAMMPS availability', () => {
  it('lmp must be on PATH under CI', () => {
    throw new Error('`lmp` not found on PATH; the LAMMPS compatibility tests cannot run');
  });
});

describe.skipIf(!haveLmp)('LAMMPS compatibility (3D triclinic)', () => {
  // restricted triclinic box with non-zero lo: lo = (-1, 0.5, -2), L = (5, 4, 3), tilts (1.5, -0.7, 0.9)
  const script = `
units lj
atom_style atomic
boundary p p p
region box prism -1 4 0.5 4.5 -2 1 1.5 -0.7 0.9
create_box 2 box
create_atoms 1 random 20 12345 box
create_atoms 2 random 10 54321 box
mass 1 1.0
mass 2 2.0
velocity all create 1.0 87287 loop geom
displace_atoms all move 7.3 -5.1 4.2 units box
pair_style zero 1.0
pair_coeff * *
fix 1 all nve
dump d1 all custom 1 u.dump id type xu yu zu vx vy vz
dump_modify d1 format float %.17g units yes time yes
dump d2 all custom 1 w.dump id type x y z ix iy iz
dump_modify d2 format float %.17g
dump d3 all custom 1 s.dump id type xs ys zs ix iy iz
dump_modify d3 format float %.17g
dump d4 all custom 1 su.dump id type xsu ysu zsu
dump_modify d4 format float %.17g
dump d5 all atom 1 atom.dump
dump_modify d5 image yes
dump d6 all custom/gz 1 u.dump.gz id type xu yu zu
dump_modify d6 format float %.17g
run 2
write_data tri.data
`;
  let ref: DumpFrame[] = [];

  it('reads the triclinic header as LAMMPS documents it, and UNITS/TIME items', async () => {
    lmp(script);
    ref = await all(P('u.dump'));
    expect(ref.map((f) => f.timestep)).toEqual([0, 1, 2]);
    const b = ref[0].box;
    expect(maxDiff(b.lo, [-1, 0.5, -2])).toBeLessThan(1e-15);
    expect(maxDiff(b.lengths, [5, 4, 3])).toBeLessThan(1e-15);
    expect([b.xy, b.xz, b.yz]).toEqual([1.5, -0.7, 0.9]);
    expect(ref[0].units).toBe('lj');
    expect(ref[2].time).toBeCloseTo(0.01, 15); // 2 steps of the default lj dt 0.005
    expect(ref[0].velocities).toBeDefined();
  });

  it('every position representation (xu, x+ix, xs+ix, xsu, dump atom, gzip) gives the same unwrapped positions', async () => {
    for (const [name, tol] of [['w.dump', 1e-12], ['s.dump', 1e-12], ['su.dump', 1e-12], ['atom.dump', 1e-4], ['u.dump.gz', 0]] as const) {
      const frames = await all(P(name));
      expect(frames.length).toBe(3);
      frames.forEach((f, k) => {
        expect(maxDiff(unwrappedPositions(f), ref[k].positions), name).toBeLessThanOrEqual(tol);
      });
    }
    const w = await readDumpFrame(P('w.dump'), 2);
    expect(w.images!.some((v) => v !== 0)).toBe(true);
  });

  it('reads the data file written by LAMMPS (write_data)', async () => {
    const d = await readLammpsData(P('tri.data'));
    const last = ref[2];
    expect(maxDiff(unwrappedPositions(d), last.positions)).toBeLessThan(1e-12);
    expect(maxDiff(d.velocities!, last.velocities!)).toBeLessThan(1e-14);
    expect([...d.masses]).toEqual([...d.types].map((t) => (t === 1 ? 1 : 2)));
    expect([d.box.xy, d.box.xz, d.box.yz]).toEqual([1.5, -0.7, 0.9]);
  });

  it('LAMMPS reads back our data file and our triclinic dump (read_data, read_dump)', async () => {
    const sys = await readDumpFrame(P('w.dump'), 2);
    await writeLammpsData(P('ours.data'), sys);
    await writeDump(P('ours.dump'), [sys], { columns: ['id', 'type', 'x', 'y', 'z', 'ix', 'iy', 'iz'] });
    lmp(`
units lj
atom_style atomic
read_data ours.data
write_dump all custom back-data.dump id type xu yu zu modify format float %.17g
read_dump ours.dump 2 x y z ix iy iz box yes
write_dump all custom back-dump.dump id type xu yu zu modify format float %.17g
`);
    for (const name of ['back-data.dump', 'back-dump.dump']) {
      const back = await readDumpFrame(P(name));
      expect(maxDiff(back.positions, ref[2].positions), name).toBeLessThan(1e-12);
      expect(maxDiff(back.box.lengths, ref[2].box.lengths)).toBeLessThan(1e-14);
      expect([back.box.xy, back.box.xz, back.box.yz]).toEqual([1.5, -0.7, 0.9]);
    }
  });
});

describe.skipIf(!haveLmp)('LAMMPS compatibility (2D)', () => {
  it('a 2D dump without z columns reads as 2D; a 2D data file with dim: 2', async () => {
    lmp(`
units lj
dimension 2
atom_style atomic
boundary p p p
region box prism 0.5 6.5 -1 3 -0.5 0.5 1.2 0 0
create_box 2 box
create_atoms 1 random 12 777 box
create_atoms 2 random 6 778 box
mass * 1.0
velocity all create 1.0 4242 loop geom
displace_atoms all move 9.1 -7.7 0 units box
pair_style zero 1.0
pair_coeff * *
fix 1 all nve
dump d1 all custom 1 u2.dump id type xu yu vx vy
dump_modify d1 format float %.17g
dump d2 all custom 1 w2.dump id type x y z ix iy iz
dump_modify d2 format float %.17g
run 1
write_data tri2.data
`);
    const u = await all(P('u2.dump'));
    expect(u[0].dim).toBe(2);
    expect([...u[0].box.lo]).toEqual([0.5, -1]);
    expect(maxDiff(u[0].box.lengths, [6, 4])).toBeLessThan(1e-15);
    expect(u[0].box.xy).toBe(1.2);
    const w = await all(P('w2.dump'));
    expect(w[1].dim).toBe(3); // has z columns: 3D unless asked
    const w2 = await readDumpFrame(P('w2.dump'), 1, { dim: 2 });
    expect(w2.dim).toBe(2);
    expect(maxDiff(unwrappedPositions(w2), u[1].positions)).toBeLessThan(1e-12);
    const d = await readLammpsData(P('tri2.data'), { dim: 2 });
    expect(maxDiff(unwrappedPositions(d), u[1].positions)).toBeLessThan(1e-12);
    expect(maxDiff(d.velocities!, u[1].velocities!)).toBeLessThan(1e-14);
  });
});
