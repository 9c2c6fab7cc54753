import { copyFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFromName, readSystem, writeSystem } from '../../src/io/index.ts';
import { writeDump } from '../../src/io/lammps-dump.ts';
import { randomSystem, sameBits, tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('readSystem / writeSystem', () => {
  it('formats from names', () => {
    expect(formatFromName('a/b.data')).toBe('lammps-data');
    expect(formatFromName('glass.lmp.gz')).toBe('lammps-data');
    expect(formatFromName('data.ka')).toBe('lammps-data');
    expect(formatFromName('run.lammpstrj.gz')).toBe('lammps-dump');
    expect(formatFromName('dump.ka')).toBe('lammps-dump');
    expect(formatFromName('x.extxyz')).toBe('xyz');
    expect(formatFromName('x.txt')).toBeNull();
  });

  for (const name of ['s.data', 's.dump', 's.lammpstrj.gz', 's.xyz', 's.extxyz.gz']) {
    it(`write then read ${name} gives the same positions and types`, async () => {
      const sys = randomSystem({ triclinic: true, spread: 2, seed: 21 });
      await writeSystem(tmp.path(name), sys);
      const back = await readSystem(tmp.path(name));
      expect(sameBits(back.positions, sys.positions)).toBe(true);
      expect([...back.types]).toEqual([...sys.types]);
    });
  }

  it('sniffs the format of files with uninformative names', async () => {
    const sys = randomSystem({ seed: 22 });
    for (const name of ['s.data', 's.dump', 's.xyz']) {
      await writeSystem(tmp.path(name), sys);
      copyFileSync(tmp.path(name), tmp.path(`${name}.bin`));
      expect(sameBits((await readSystem(tmp.path(`${name}.bin`))).positions, sys.positions)).toBe(true);
    }
  });

  it('picks a dump frame, negative from the end', async () => {
    const frames = [1, 2, 3].map((k) => randomSystem({ n: 5, seed: k }));
    await writeDump(tmp.path('m.dump'), frames);
    expect(sameBits((await readSystem(tmp.path('m.dump'), { frame: -1 })).positions, frames[2].positions)).toBe(true);
    expect(sameBits((await readSystem(tmp.path('m.dump'), { frame: 1 })).positions, frames[1].positions)).toBe(true);
  });

  it('explains an unknown format', async () => {
    writeFileSync(tmp.path('what.txt'), 'hello\nworld\n');
    await expect(readSystem(tmp.path('what.txt'))).rejects.toThrow(/what.txt: cannot tell the file format .* pass format:/);
    await expect(writeSystem(tmp.path('out.txt'), randomSystem())).rejects.toThrow(/out.txt: cannot tell the output format/);
  });
});
