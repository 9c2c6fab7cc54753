import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DumpWriter, readDumpFrame, readDumpFrames, writeDump } from '../../src/io/lammps-dump.ts';
import { unwrappedPositions, type System } from '../../src/system/system.ts';
import { boxRoundTripError, maxDiff, randomSystem, rng, sameBits, tempDir } from './helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function collect(path: string, opts = {}) {
  const out = [];
  for await (const f of readDumpFrames(path, opts)) out.push(f);
  return out;
}

describe('dump round trips are bit-exact (box: see boxRoundTripError)', () => {
  for (const triclinic of [false, true]) {
    for (const dim of [2, 3] as const) {
      it(`unwrapped xu columns, ${dim}D ${triclinic ? 'triclinic' : 'orthorhombic'}`, async () => {
        const sys = randomSystem({ dim, triclinic, spread: 5, velocities: true, props: ['c_pe', 'v_q'], seed: dim * 7 + (triclinic ? 1 : 0) });
        const file = tmp.path(`rt-${dim}-${triclinic}.dump`);
        await writeDump(file, [sys], { velocities: true, props: ['c_pe', 'v_q'] });
        const back = await readDumpFrame(file);
        expect(back.dim).toBe(dim);
        expect(boxRoundTripError(back.box, sys.box, !(triclinic && dim === 3))).toBeNull();
        expect(sameBits(back.positions, sys.positions)).toBe(true);
        expect(sameBits(back.velocities!, sys.velocities!)).toBe(true);
        expect(sameBits(back.props.get('c_pe')!, sys.props.get('c_pe')!)).toBe(true);
        expect(sameBits(back.props.get('v_q')!, sys.props.get('v_q')!)).toBe(true);
        expect([...back.types]).toEqual([...sys.types]);
        expect([...back.ids]).toEqual([...sys.ids]);
        expect(back.images).toBeUndefined();
        expect(back.timestep).toBe(1000);
      });
    }
  }

  it('wrapped x + image flags reproduce wrapped positions and images exactly', async () => {
    const sys = randomSystem({ dim: 3, triclinic: true, spread: 6, seed: 11 });
    sys.images = new Int32Array(sys.n * 3);
    sys.box.wrap(sys.positions, sys.images);
    const file = tmp.path('wrapped.dump');
    await writeDump(file, [sys], { columns: ['id', 'type', 'x', 'y', 'z', 'ix', 'iy', 'iz'] });
    const back = await readDumpFrame(file);
    expect(sameBits(back.positions, sys.positions)).toBe(true);
    expect([...back.images!]).toEqual([...sys.images]);
    expect(sys.images.some((v) => v !== 0)).toBe(true);
  });

  it('x + ix written from unwrapped positions unwrap back to them (to rounding)', async () => {
    const sys = randomSystem({ dim: 3, triclinic: true, spread: 6, seed: 12 });
    const file = tmp.path('unwrap.dump');
    await writeDump(file, [sys], { columns: ['id', 'type', 'x', 'y', 'z', 'ix', 'iy', 'iz'] });
    const back = await readDumpFrame(file);
    expect(maxDiff(unwrappedPositions(back), sys.positions)).toBeLessThan(1e-12);
  });

  it('scaled columns xs (+ix) and xsu convert with the triclinic box', async () => {
    const sys = randomSystem({ dim: 3, triclinic: true, spread: 4, seed: 13 });
    for (const cols of [['xs', 'ys', 'zs', 'ix', 'iy', 'iz'], ['xsu', 'ysu', 'zsu']]) {
      const file = tmp.path(`scaled-${cols[0]}.dump`);
      await writeDump(file, [sys], { columns: ['id', 'type', ...cols] });
      const back = await readDumpFrame(file);
      expect(maxDiff(unwrappedPositions(back), sys.positions)).toBeLessThan(1e-12);
      expect(back.images === undefined).toBe(cols[0] === 'xsu');
    }
  });

  it('any column order gives the same system', async () => {
    const sys = randomSystem({ dim: 3, triclinic: true, spread: 3, velocities: true, props: ['c_x'], seed: 14 });
    const base = ['id', 'type', 'xu', 'yu', 'zu', 'vx', 'vy', 'vz', 'c_x', 'mass'];
    const r = rng(5);
    for (let trial = 0; trial < 6; trial++) {
      const cols = [...base];
      for (let i = cols.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [cols[i], cols[j]] = [cols[j], cols[i]];
      }
      const file = tmp.path(`perm-${trial}.dump`);
      await writeDump(file, [sys], { columns: cols });
      expect(readFileSync(file, 'latin1')).toContain(`ITEM: ATOMS ${cols.join(' ')}\n`);
      const back = await readDumpFrame(file);
      expect(sameBits(back.positions, sys.positions)).toBe(true);
      expect(sameBits(back.velocities!, sys.velocities!)).toBe(true);
      expect(sameBits(back.masses, sys.masses)).toBe(true);
      expect(sameBits(back.props.get('c_x')!, sys.props.get('c_x')!)).toBe(true);
      expect([...back.types]).toEqual([...sys.types]);
    }
  });

  it('gzip: written when the name ends in .gz, detected by magic bytes whatever the name', async () => {
    const sys = randomSystem({ dim: 3, triclinic: true, seed: 15 });
    const file = tmp.path('z.dump.gz');
    await writeDump(file, [sys, sys]);
    const raw = readFileSync(file);
    expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
    const frames = await collect(file);
    expect(frames.length).toBe(2);
    expect(sameBits(frames[1].positions, sys.positions)).toBe(true);
    const misnamed = tmp.path('z-misnamed.dump');
    writeFileSync(misnamed, raw);
    expect(sameBits((await readDumpFrame(misnamed)).positions, sys.positions)).toBe(true);
  });

  it('atoms are sorted by id unless sortById is false; duplicates are an error', async () => {
    const file = tmp.path('unsorted.dump');
    writeFileSync(file, header(3) + '3 2 0.3 0 0\n1 1 0.1 0 0\n2 1 0.2 0 0\n');
    const f = await readDumpFrame(file);
    expect([...f.ids]).toEqual([1, 2, 3]);
    expect([...f.types]).toEqual([1, 1, 2]);
    expect(Array.from({ length: 3 }, (_, i) => f.positions[3 * i])).toEqual([0.1, 0.2, 0.3]);
    const g = await readDumpFrame(file, 0, { sortById: false });
    expect([...g.ids]).toEqual([3, 1, 2]);
    writeFileSync(file, header(3) + '3 2 0.3 0 0\n1 1 0.1 0 0\n3 1 0.2 0 0\n');
    await expect(readDumpFrame(file)).rejects.toThrow(`${file}:12: duplicate atom id 3`);
  });

  it('forces option writes fx fy fz from props; they come back as props', async () => {
    const sys = randomSystem({ n: 6, seed: 31, props: ['fx', 'fy', 'fz'] });
    const file = tmp.path('forces.dump');
    await writeDump(file, [sys], { forces: true });
    expect(readFileSync(file, 'latin1')).toContain('ITEM: ATOMS id type xu yu zu fx fy fz\n');
    const back = await readDumpFrame(file);
    for (const f of ['fx', 'fy', 'fz']) expect(sameBits(back.props.get(f)!, sys.props.get(f)!)).toBe(true);
  });

  it('reads ITEM: UNITS and ITEM: TIME', async () => {
    const sys = randomSystem({ n: 4, seed: 3 });
    sys.time = 12.5;
    const file = tmp.path('units.dump');
    await writeDump(file, [sys], { units: 'lj', time: true });
    const f = await readDumpFrame(file);
    expect(f.units).toBe('lj');
    expect(f.time).toBe(12.5);
    expect(readFileSync(file, 'latin1').startsWith('ITEM: UNITS\nlj\nITEM: TIME\n12.5\nITEM: TIMESTEP\n')).toBe(true);
  });
});

describe('streaming', () => {
  it('streams many frames, selecting start/stop/step without parsing the others', async () => {
    const frames: System[] = [];
    for (let k = 0; k < 7; k++) {
      const s = randomSystem({ n: 30 + k, seed: 100 + k, triclinic: k % 2 === 1 });
      s.timestep = 10 * k;
      frames.push(s);
    }
    const file = tmp.path('multi.dump');
    await writeDump(file, frames);
    const all = await collect(file);
    expect(all.map((f) => f.timestep)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    all.forEach((f, k) => expect(sameBits(f.positions, frames[k].positions)).toBe(true));
    const some = await collect(file, { start: 1, stop: 6, step: 2 });
    expect(some.map((f) => f.frameIndex)).toEqual([1, 3, 5]);
    expect(some.map((f) => f.n)).toEqual([31, 33, 35]);
    // a frame spanning many read chunks
    const big = randomSystem({ n: 40000, seed: 9, spread: 3 });
    const bigFile = tmp.path('big.dump');
    await writeDump(bigFile, [big, big]);
    const b = await collect(bigFile);
    expect(b.length).toBe(2);
    expect(sameBits(b[1].positions, big.positions)).toBe(true);
  });
});

describe('writer', () => {
  it('writes to <name>.tmp-<pid> and renames on close; abort leaves nothing', async () => {
    const file = tmp.path('atomic.dump');
    const w = new DumpWriter(file);
    await w.write(randomSystem({ n: 5 }));
    await w.write(randomSystem({ n: 5 }));
    expect(existsSync(file)).toBe(false);
    await w.close();
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}.tmp-${process.pid}`)).toBe(false);
    const w2 = new DumpWriter(tmp.path('aborted.dump'));
    await w2.write(randomSystem({ n: 5 }));
    await w2.abort();
    expect(readdirSync(tmp.dir).some((n) => n.startsWith('aborted'))).toBe(false);
  });

  it('refuses to overwrite the file being read', async () => {
    const file = tmp.path('input.dump');
    await writeDump(file, [randomSystem({ n: 5 }), randomSystem({ n: 5 })]);
    const it = readDumpFrames(file);
    await it.next();
    expect(() => new DumpWriter(file)).toThrow(/refusing to write a file that is being read/);
    await it.return(undefined);
    expect(() => new DumpWriter(file).abort()).not.toThrow();
  });

  it('names the missing property or velocity', async () => {
    const sys = randomSystem({ n: 3 });
    await expect(writeDump(tmp.path('e1.dump'), [sys], { columns: ['id', 'type', 'xu', 'yu', 'zu', 'c_pe'] }))
      .rejects.toThrow(/column 'c_pe' requested but the system has no per-atom property 'c_pe'/);
    await expect(writeDump(tmp.path('e2.dump'), [sys], { velocities: true }))
      .rejects.toThrow(/column 'vx' requested but the system has no velocities/);
    expect(existsSync(tmp.path('e1.dump')) || existsSync(`${tmp.path('e1.dump')}.tmp-${process.pid}`)).toBe(false);
  });
});

/** A one-frame dump header for n atoms, columns id type xu yu zu (atom lines start at line 10). */
function header(n: number, cols = 'id type xu yu zu', timestep = 0): string {
  return `ITEM: TIMESTEP\n${timestep}\nITEM: NUMBER OF ATOMS\n${n}\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS ${cols}\n`;
}

describe('errors name the file, the line and what was expected', () => {
  const cases: [string, string, RegExp][] = [
    ['truncated inside atom lines', header(3) + '1 1 0 0 0\n2 1 1 1 1\n',
      /:11: file ends inside frame 0 \(starting at line 1\); truncated file\? expected 3 atom lines after ITEM: ATOMS at line 9, found 2/],
    ['truncated inside a number (no final newline)', header(2) + '1 1 0 0 0\n2 1 1 1 1.25',
      /:11: the last line '2 1 1 1 1.25' has no newline; truncated file\? \(frame 0 starting at line 1\)/],
    ['truncated inside the header', 'ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n',
      /:3: file ends inside frame 0 .*expected the atom count after ITEM: NUMBER OF ATOMS/],
    ['fewer atom lines than declared', header(3) + '1 1 0 0 0\n2 1 1 1 1\n' + header(1, undefined, 5) + '1 1 0 0 0\n',
      /:12: frame 0 \(timestep 0\) declares 3 atoms but has only 2 atom lines after ITEM: ATOMS at line 9/],
    ['more atom lines than declared', header(1) + '1 1 0 0 0\n2 1 1 1 1\n',
      /:11: expected ITEM: TIMESTEP at the start of a frame, found '2 1 1 1 1' \(an atom line\? frame 0 may have more atom lines than its NUMBER OF ATOMS\)/],
    ['non-numeric field', header(2) + '1 1 0 0 0\n2 1 1.5 abc 1\n',
      /:11: non-numeric value 'abc' in column 4 \('yu'\); expected a number/],
    ['too few fields', header(2) + '1 1 0 0 0\n2 1 1 1\n', /:11: expected 5 fields \(id type xu yu zu\), found 4/],
    ['too many fields', header(2) + '1 1 0 0 0 7 8\n2 1 1 1 1\n', /:10: expected 5 fields \(id type xu yu zu\), found 7/],
    ['NaN coordinate', header(2) + '1 1 0 0 0\n2 1 1 nan 1\n', /:11: atom id 2 has a non-finite coordinate yu = NaN/],
    ['infinite coordinate', header(2) + '1 1 0 0 0\n2 1 1 1 -inf\n', /:11: atom id 2 has a non-finite coordinate zu = -Infinity/],
    ['missing id column', header(1, 'type xu yu zu') + '1 0 0 0\n', /:9: missing required column 'id' in ITEM: ATOMS \(columns are: type xu yu zu\)/],
    ['missing type column', header(1, 'id xu yu zu') + '1 0 0 0\n', /:9: missing required column 'type'/],
    ['no position columns', header(1, 'id type vx vy vz') + '1 1 0 0 0\n', /:9: no complete set of position columns for dim=2 .*expected one of: xu yu \| xsu ysu \| x y \| xs ys/],
    ['incomplete image flags', header(1, 'id type x y z ix iy') + '1 1 0 0 0 0 0\n', /:9: image flag columns incomplete for dim=3: missing iz/],
    ['non-integer type', header(1) + '1 1.5 0 0 0\n', /:10: atom type must be an integer >= 1, found 1.5/],
    ['bad box line', header(1).replace('0 10\n0 10\n0 10', '0 10\n0 x\n0 10') + '1 1 0 0 0\n', /:7: expected finite numbers \(ylo yhi\) on box bounds line 2/],
    ['inverted box', header(1).replace('0 10\n0 10\n0 10', '0 10\n0 10\n5 1') + '1 1 0 0 0\n', /:5 \(ITEM: BOX BOUNDS\): box zhi \(1\) must be finite and greater than zlo \(5\)/],
    ['bad timestep', 'ITEM: TIMESTEP\n1.5\n', /:2: expected an integer timestep after ITEM: TIMESTEP, found '1.5'/],
    ['not a dump', 'hello\n', /:1: expected ITEM: TIMESTEP at the start of a frame, found 'hello'/],
    ['general triclinic', 'ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS abc origin\n', /:5: general triclinic boxes .* are not supported/],
  ];
  for (const [name, text, re] of cases) {
    it(name, async () => {
      const file = tmp.path(`err-${name.replace(/\W+/g, '-')}.dump`);
      writeFileSync(file, text);
      const err = await collect(file).then(() => null, (e: Error) => e);
      expect(err, 'reading should fail').not.toBeNull();
      expect(err!.message.startsWith(`${file}:`)).toBe(true);
      expect(err!.message).toMatch(re);
    });
  }

  it('frames before an error are still delivered', async () => {
    const file = tmp.path('err-late.dump');
    writeFileSync(file, header(1) + '1 1 0 0 0\n' + header(1) + '1 1 0 0 x\n');
    const seen: number[] = [];
    await expect((async () => { for await (const f of readDumpFrames(file)) seen.push(f.frameIndex); })())
      .rejects.toThrow(`${file}:20: non-numeric value 'x'`);
    expect(seen).toEqual([0]);
  });

  it('a truncated gzip file is reported with its name', async () => {
    const file = tmp.path('cut.dump.gz');
    await writeDump(file, [randomSystem({ n: 2000, seed: 4 })]);
    const raw = readFileSync(file);
    writeFileSync(file, raw.subarray(0, raw.length >> 1));
    await expect(collect(file)).rejects.toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('asks for a frame that does not exist', async () => {
    const file = tmp.path('one.dump');
    writeFileSync(file, header(1) + '1 1 0 0 0\n');
    await expect(readDumpFrame(file, 3)).rejects.toThrow(`${file}: has no frame 3`);
  });
});
