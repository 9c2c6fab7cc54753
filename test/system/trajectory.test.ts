import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDump } from '../../src/io/lammps-dump.ts';
import type { System } from '../../src/system/system.ts';
import { Trajectory } from '../../src/io/trajectory.ts';
import { randomSystem, sameBits, tempDir } from '../io/helpers.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const N_FRAMES = 12;
const frames: System[] = [];
const plain = tmp.path('traj.lammpstrj');
const gz = tmp.path('traj.lammpstrj.gz');

beforeAll(async () => {
  for (let k = 0; k < N_FRAMES; k++) {
    const s = randomSystem({ n: 20 + (k % 3), seed: 500 + k, triclinic: true, spread: 2 });
    s.timestep = 100 * k + 7;
    frames.push(s);
  }
  await writeDump(plain, frames);
  await writeDump(gz, frames);
});

async function indices(it: AsyncIterable<{ frameIndex: number }>): Promise<number[]> {
  const out: number[] = [];
  for await (const f of it) out.push(f.frameIndex);
  return out;
}

describe('Trajectory', () => {
  for (const [label, file] of [['plain', plain], ['gzip', gz]] as const) {
    it(`${label}: count, timesteps, random access and iteration agree with what was written`, async () => {
      const t = new Trajectory(file);
      expect(await t.count()).toBe(N_FRAMES);
      expect([...(await t.timesteps())]).toEqual(frames.map((f) => f.timestep));
      for (const k of [5, 0, 11, 3, -1, -12]) {
        const f = await t.frame(k);
        const want = frames[(k + N_FRAMES) % N_FRAMES];
        expect(f.timestep).toBe(want.timestep);
        expect(sameBits(f.positions, want.positions)).toBe(true);
      }
      expect(await indices(t.frames())).toEqual([...Array(N_FRAMES).keys()]);
      await expect(t.frame(12)).rejects.toThrow(`${file}: frame 12 out of range; the trajectory has 12 selected frames`);
    });
  }

  it('a strided selection is a view: count, frame(k) and frames() use selection indices', async () => {
    const t = new Trajectory(plain, { start: 2, stop: 11, step: 3 }); // frames 2, 5, 8
    expect(await t.count()).toBe(3);
    expect((await t.frame(1)).frameIndex).toBe(5);
    expect((await t.frame(-1)).frameIndex).toBe(8);
    expect(await indices(t.frames())).toEqual([2, 5, 8]);
    expect(await indices(t.frames({ start: 1 }))).toEqual([5, 8]); // sought via the index
    expect(await indices(t.frames({ step: 2 }))).toEqual([2, 8]);
    expect(await indices(new Trajectory(gz, { start: 10 }).frames())).toEqual([10, 11]);
  });

  it('seeking by byte offset gives the right line numbers in errors', async () => {
    const file = tmp.path('late-error.dump');
    await writeDump(file, frames.slice(0, 3));
    const text = readFileSync(file, 'latin1');
    const lines = text.split('\n');
    const atomsHeader = lines.lastIndexOf(lines.find((l) => l.startsWith('ITEM: ATOMS'))!);
    lines[atomsHeader + 2] = lines[atomsHeader + 2].replace(/ \S+$/, ' oops');
    writeFileSync(file, lines.join('\n'));
    const t = new Trajectory(file, { sortById: false });
    const count = await t.count(); // headers only: the bad number is not parsed
    expect(count).toBe(3);
    await expect(t.frame(2)).rejects.toThrow(`${file}:${atomsHeader + 3}: non-numeric value 'oops'`);
    await expect(t.frame(1)).resolves.toBeTruthy();
  });

  it('rebuilds its index when the file grows', async () => {
    const file = tmp.path('growing.dump');
    await writeDump(file, frames.slice(0, 2));
    const t = new Trajectory(file);
    expect(await t.count()).toBe(2);
    const more = tmp.path('more.dump');
    await writeDump(more, frames.slice(2, 4));
    appendFileSync(file, readFileSync(more));
    expect(await t.count()).toBe(4);
    expect((await t.frame(3)).timestep).toBe(frames[3].timestep);
  });

  it('a file cut inside its last line makes count() fail with the line', async () => {
    const file = tmp.path('cut.dump');
    await writeDump(file, frames.slice(0, 2));
    const text = readFileSync(file, 'latin1');
    writeFileSync(file, text.slice(0, text.length - 30));
    await expect(new Trajectory(file).count()).rejects.toThrow(new RegExp(`^${file}:\\d+: the last line '.*' has no newline; truncated file\\? \\(frame 1 starting at line \\d+\\)`));
  });

  it('rejects bad ranges and frame indices', () => {
    expect(() => new Trajectory(plain, { step: 0 })).toThrow('frame range: step must be a positive integer, got 0');
    expect(() => new Trajectory(plain, { start: -1 })).toThrow('frame range: start must be a non-negative integer');
  });
});
