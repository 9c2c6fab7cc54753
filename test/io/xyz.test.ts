import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultTypeMap, parseXyzComment, readXyz, readXyzFrames, writeXyz, type XyzFrame } from '../../src/io/xyz.ts';
import { maxDiff, randomSystem, sameBits, tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function all(path: string, opts = {}): Promise<XyzFrame[]> {
  const out: XyzFrame[] = [];
  for await (const f of readXyzFrames(path, opts)) out.push(f);
  return out;
}

describe('extended XYZ', () => {
  it('parses comment-line keys with quotes and bare flags', () => {
    expect(parseXyzComment('Lattice="1 0 0 0 2 0 0 0 3" Properties=species:S:1:pos:R:3 pbc="T T F" Time=1.5 flag')).toEqual({
      Lattice: '1 0 0 0 2 0 0 0 3', Properties: 'species:S:1:pos:R:3', pbc: 'T T F', Time: '1.5', flag: 'T',
    });
  });

  it('documented species -> type mapping', () => {
    expect(defaultTypeMap(['2', '1', '2'])).toEqual({ 1: 1, 2: 2 });
    expect(defaultTypeMap(['B', 'A'])).toEqual({ A: 1, B: 2 });
    expect(defaultTypeMap(['C'])).toEqual({ C: 3 });
    expect(defaultTypeMap(['Zr', 'Cu', 'Zr'])).toEqual({ Cu: 1, Zr: 2 });
  });

  for (const dim of [2, 3] as const) {
    it(`multi-frame round trip is bit-exact (${dim}D triclinic, velocities, ids, masses, props)`, async () => {
      const frames = [0, 1, 2].map((k) => {
        const s = randomSystem({ dim, triclinic: true, spread: 3, velocities: true, props: ['c_pe'], seed: 70 + k + dim });
        s.ids.reverse();
        s.time = 0.25 * k;
        return s;
      });
      const file = tmp.path(`rt${dim}.extxyz`);
      await writeXyz(file, frames, { props: ['c_pe'] });
      const back = await all(file);
      expect(back.length).toBe(3);
      back.forEach((b, k) => {
        const s = frames[k];
        expect(b.dim).toBe(dim);
        expect(sameBits(b.positions, s.positions)).toBe(true);
        expect(sameBits(b.velocities!, s.velocities!)).toBe(true);
        expect(sameBits(b.masses, s.masses)).toBe(true);
        expect(sameBits(b.props.get('c_pe')!, s.props.get('c_pe')!)).toBe(true);
        expect([...b.ids]).toEqual([...s.ids]);
        expect([...b.types]).toEqual([...s.types]);
        expect([...b.box.lo, ...b.box.lengths, b.box.xy, b.box.xz, b.box.yz]).toEqual([...s.box.lo, ...s.box.lengths, s.box.xy, s.box.xz, s.box.yz]);
        expect(b.time).toBe(0.25 * k);
      });
    });
  }

  it('rotates a general cell into the LAMMPS restricted form, preserving fractional coordinates', async () => {
    // cell = rotation of a restricted cell (lx=4, ly=3, lz=5, xy=1, xz=0.5, yz=-0.7) by 30 degrees about z
    const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
    const rot = (v: number[]) => [c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]];
    const A = rot([4, 0, 0]), B = rot([1, 3, 0]), C = rot([0.5, -0.7, 5]);
    const frac = [[0.1, 0.2, 0.3], [0.9, 0.5, 0.05]];
    const pos = frac.map((f) => [0, 1, 2].map((k) => f[0] * A[k] + f[1] * B[k] + f[2] * C[k]));
    const text = `2\nLattice="${[...A, ...B, ...C].join(' ')}" Properties=species:S:1:pos:R:3 pbc="T T T"\n` +
      pos.map((p, i) => `${i ? 'Cu' : 'Zr'} ${p.join(' ')}`).join('\n') + '\n';
    const file = tmp.path('rot.xyz');
    writeFileSync(file, text);
    const f = await readXyz(file);
    expect(maxDiff(f.box.lengths, [4, 3, 5])).toBeLessThan(1e-12);
    expect(maxDiff([f.box.xy, f.box.xz, f.box.yz], [1, 0.5, -0.7])).toBeLessThan(1e-12);
    const out = new Float64Array(3);
    frac.forEach((fr, i) => {
      f.box.toFractional(f.positions, 3 * i, out);
      expect(maxDiff(out, fr)).toBeLessThan(1e-12);
    });
    expect([...f.types]).toEqual([2, 1]); // Cu = 1, Zr = 2 (alphabetical)
    expect(f.typeNames.slice(1)).toEqual(['Cu', 'Zr']);
  });

  it('gzip and the typeMap option', async () => {
    const sys = randomSystem({ n: 10, seed: 5 });
    const file = tmp.path('g.xyz.gz');
    await writeXyz(file, sys, { typeNames: ['Cu', 'Zr'] });
    expect(readFileSync(file)[0]).toBe(0x1f);
    const a = await readXyz(file);
    expect([...a.types]).toEqual([...sys.types]); // alphabetical Cu=1, Zr=2 matches
    const b = await readXyz(file, 0, { typeMap: { Cu: 2, Zr: 1 } });
    expect([...b.types]).toEqual([...sys.types].map((t) => 3 - t));
  });

  const bad: [string, string, RegExp][] = [
    ['no lattice', '1\nProperties=species:S:1:pos:R:3\nA 0 0 0\n', /bad.xyz:2: no Lattice="..."/],
    ['truncated', '2\nLattice="1 0 0 0 1 0 0 0 1"\nA 0 0 0\n', /bad.xyz:3: file ends inside frame 0 .*expected 2 atom lines, found 1/],
    ['field count', '1\nLattice="1 0 0 0 1 0 0 0 1"\nA 0 0\n', /bad.xyz:3: expected 4 fields .* found 3/],
    ['non-numeric', '1\nLattice="1 0 0 0 1 0 0 0 1"\nA 0 x 0\n', /bad.xyz:3: non-numeric or non-finite coordinate y 'x'/],
    ['NaN', '1\nLattice="1 0 0 0 1 0 0 0 1"\nA 0 nan 0\n', /bad.xyz:3: non-numeric or non-finite coordinate y 'nan'/],
    ['bad count', 'x\n', /bad.xyz:1: expected the atom count of frame 0, found 'x'/],
    ['new species later', '1\nLattice="1 0 0 0 1 0 0 0 1"\nCu 0 0 0\n1\nLattice="1 0 0 0 1 0 0 0 1"\nZr 0 0 0\n', /bad.xyz:6: species 'Zr' is not in the species -> type map .* pass the typeMap option/],
    ['left-handed cell', '1\nLattice="1 0 0 0 -1 0 0 0 1"\nA 0 0 0\n', /bad.xyz:2: Lattice vectors must be right-handed/],
  ];
  for (const [name, text, re] of bad) {
    it(`error: ${name}`, async () => {
      const file = tmp.path('bad.xyz');
      writeFileSync(file, text);
      await expect(all(file)).rejects.toThrow(re);
    });
  }
});
