import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { formatLammpsData, parseLammpsData, readLammpsData, writeLammpsData } from '../../src/io/lammps-data.ts';
import { boxRoundTripError, randomSystem, sameBits, tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('LAMMPS data files', () => {
  for (const dim of [2, 3] as const) {
    for (const triclinic of [false, true]) {
      it(`round trip is bit-exact: ${dim}D ${triclinic ? 'triclinic' : 'orthorhombic'}, images and velocities`, async () => {
        const sys = randomSystem({ dim, triclinic, spread: 5, velocities: true, seed: 40 + dim + (triclinic ? 10 : 0) });
        sys.images = new Int32Array(sys.n * dim);
        sys.box.wrap(sys.positions, sys.images);
        const file = tmp.path(`rt-${dim}-${triclinic}.data`);
        await writeLammpsData(file, sys);
        const back = await readLammpsData(file, { dim });
        expect(boxRoundTripError(back.box, sys.box, true)).toBeNull();
        expect(sameBits(back.positions, sys.positions)).toBe(true);
        expect([...back.images!]).toEqual([...sys.images]);
        expect(sameBits(back.velocities!, sys.velocities!)).toBe(true);
        expect(sameBits(back.masses, sys.masses)).toBe(true);
        expect([...back.types]).toEqual([...sys.types]);
      });
    }
  }

  it('a gzipped data file round-trips', async () => {
    const sys = randomSystem({ seed: 3 });
    const file = tmp.path('g.data.gz');
    await writeLammpsData(file, sys);
    expect(readFileSync(file)[0]).toBe(0x1f);
    expect(sameBits((await readLammpsData(file)).positions, sys.positions)).toBe(true);
  });

  it('reads the documented layout: comments, other sections, unsorted ids, velocities by id', () => {
    const text = [
      'LAMMPS data file via write_data, version X', '',
      '3 atoms', '2 atom types', '0 bonds', '',
      '-1 4 xlo xhi', '0 5 ylo yhi # comment', '0.5 6.5 zlo zhi', '',
      'Masses', '', '1 1.0 # A', '2 0.5', '',
      'Pair Coeffs # lj/cut', '', '1 1 1', '2 1 1', '',
      'Atoms # atomic', '',
      '3 2 0.3 0.4 0.5 0 0 1', '1 1 0.1 0.2 0.3 1 0 0', '2 1 1.5 2.5 3.5 0 -1 0', '',
      'Velocities', '', '1 0.1 0 0', '3 0.3 0 0', '2 0.2 0 0', '',
    ].join('\n');
    const s = parseLammpsData(text, 'x.data');
    expect([...s.ids]).toEqual([1, 2, 3]);
    expect([...s.types]).toEqual([1, 1, 2]);
    expect([...s.masses]).toEqual([1, 1, 0.5]);
    expect([...s.box.lo]).toEqual([-1, 0, 0.5]);
    expect([...s.box.lengths]).toEqual([5, 5, 6]);
    expect([...s.positions.slice(0, 3)]).toEqual([0.1, 0.2, 0.3]);
    expect([...s.images!]).toEqual([1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect([0, 1, 2].map((i) => s.velocities![3 * i])).toEqual([0.1, 0.2, 0.3]);
  });

  it('2D: z bounds and z coordinates are dropped when dim: 2', () => {
    const text = '2D\n\n2 atoms\n1 atom types\n0 3 xlo xhi\n0 4 ylo yhi\n-0.5 0.5 zlo zhi\n\nAtoms\n\n1 1 1 2 0\n2 1 2 3 0\n';
    const s = parseLammpsData(text, '2d.data', { dim: 2 });
    expect(s.dim).toBe(2);
    expect([...s.positions]).toEqual([1, 2, 2, 3]);
    expect([...s.box.lengths]).toEqual([3, 4]);
  });

  it('writes the LAMMPS layout with full precision', () => {
    const sys = randomSystem({ n: 2, triclinic: true, seed: 8 });
    const text = formatLammpsData(sys);
    expect(text).toMatch(/\n2 atoms\n2 atom types\n/);
    expect(text).toMatch(/ xy xz yz\n/);
    expect(text).toContain(`\n1 ${sys.types[0]} ${sys.positions[0]} ${sys.positions[1]} ${sys.positions[2]}\n`);
    expect(text).toContain('Atoms # atomic');
  });

  const bad: [string, string, RegExp][] = [
    ['missing atoms count', 'x\n\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms\n\n', /missing or invalid 'N atoms' header line/],
    ['missing bounds', 'x\n\n1 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n\nAtoms\n\n1 1 0 0 0\n', /missing 'zlo zhi' header line/],
    ['unknown header', 'x\n\n1 atoms\n1 wombats\n', /bad.data:4: unrecognised header line '1 wombats'/],
    ['too few atom lines', 'x\n\n2 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms\n\n1 1 0 0 0\n', /bad.data:8: Atoms section has 1 lines but the header declares 2 atoms/],
    ['wrong field count', 'x\n\n1 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms\n\n1 1 0 0\n', /bad.data:10: expected 5 fields \(id type x y z\) or 8 .* found 4/],
    ['non-numeric', 'x\n\n1 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms\n\n1 1 0 zz 0\n', /bad.data:10: non-numeric or non-finite value 'zz' in id type x y z/],
    ['NaN coordinate', 'x\n\n1 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms\n\n1 1 0 nan 0\n', /bad.data:10: non-numeric or non-finite value 'nan'/],
    ['other atom style', 'x\n\n1 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms # full\n\n1 1 1 0 0 0 0\n', /bad.data:8: Atoms section has style 'full'; only atom_style atomic/],
    ['bonds', 'x\n\n1 atoms\n2 bonds\n', /bad.data:4: the file declares 2 bonds; only atom_style atomic/],
    ['duplicate id', 'x\n\n2 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms\n\n1 1 0 0 0\n1 1 0 0 0\n', /bad.data:11: duplicate atom id 1/],
    ['type above count', 'x\n\n1 atoms\n1 atom types\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms\n\n1 2 0 0 0\n', /bad.data:11: atom type must be an integer in 1..1, found 2/],
    ['velocity of unknown atom', 'x\n\n1 atoms\n0 1 xlo xhi\n0 1 ylo yhi\n0 1 zlo zhi\n\nAtoms\n\n1 1 0 0 0\n\nVelocities\n\n7 0 0 0\n', /bad.data:14: velocity given for atom id 7/],
  ];
  for (const [name, text, re] of bad) {
    it(`error: ${name}`, async () => {
      const file = tmp.path('bad.data');
      writeFileSync(file, text);
      await expect(readLammpsData(file)).rejects.toThrow(re);
      await expect(readLammpsData(file)).rejects.toThrow(file);
    });
  }
});
