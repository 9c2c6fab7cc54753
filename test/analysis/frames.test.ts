/**
 * loadFrames: dumps with xu columns and with x + image flags give the same
 * unwrapped frames matrix; atoms written in a different order in each frame
 * come back sorted by id; times from timestep * dt (log-spaced too), from
 * ITEM: TIME (options that contradict it refused), or from a frame spacing
 * (refused for log-spaced dumps); a dump
 * without unwrapped coordinates or image flags, or whose atoms change, is
 * refused with the file named.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFrames, isLinearSpacing, framesFromArrays } from '../../src/analysis/dynamics/frames.ts';
import { randomWalk, writeFramesDump } from './dynamics-fixtures.ts';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'glasslab-frames-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadFrames', () => {
  const fr = randomWalk({ n: 7, frames: 5, step: 2, seed: 3 }); // steps of 2 sigma in a box of 5: atoms cross the boundary

  it('reads xu columns and x + image flags to the same unwrapped positions', async () => {
    await writeFramesDump(join(dir, 'u.dump'), fr, 'xu');
    await writeFramesDump(join(dir, 'i.dump'), fr, 'image');
    const a = await loadFrames(join(dir, 'u.dump'), { frameDt: 0.05 });
    const b = await loadFrames(join(dir, 'i.dump'), { frameDt: 0.05 });
    expect(a.nFrames).toBe(5);
    expect(Array.from(a.positions)).toEqual(Array.from(fr.positions));
    for (let k = 0; k < fr.positions.length; k++) expect(b.positions[k]).toBeCloseTo(fr.positions[k], 12);
    expect(Array.from(a.times)).toEqual([0, 0.05, 0.1, 0.15, 0.2].map((t, f) => f * 0.05));
    expect(Array.from(a.ids)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(a.types)).toEqual(Array.from(fr.types));
  });

  it('sorts atoms by id when frames list them in different orders', async () => {
    const path = join(dir, 'u.dump');
    const text = readFileSync(path, 'utf8');
    // reverse the atom lines of the second frame
    const frames = text.split('ITEM: TIMESTEP');
    const lines = frames[2].trimEnd().split('\n');
    const head = lines.findIndex((l) => l.startsWith('ITEM: ATOMS'));
    frames[2] = [...lines.slice(0, head + 1), ...lines.slice(head + 1).reverse()].join('\n') + '\n';
    writeFileSync(join(dir, 'shuffled.dump'), frames.join('ITEM: TIMESTEP'));
    const s = await loadFrames(join(dir, 'shuffled.dump'), { frameDt: 0.05 });
    expect(Array.from(s.positions)).toEqual(Array.from(fr.positions));
  });

  it('takes times from timestep * dt, also log-spaced, and from ITEM: TIME', async () => {
    const ts = [0, 1, 2, 4, 8];
    await writeFramesDump(join(dir, 'log.dump'), fr, 'xu', ts);
    const a = await loadFrames(join(dir, 'log.dump'), { dt: 0.005 });
    expect(Array.from(a.times)).toEqual(ts.map((t) => t * 0.005));
    expect(isLinearSpacing(a.times)).toBe(false);
    await expect(loadFrames(join(dir, 'log.dump'), { frameDt: 0.05 })).rejects.toThrow(/log\.dump.*not equally spaced.*--dt/);
    await expect(loadFrames(join(dir, 'log.dump'))).rejects.toThrow(/log\.dump.*no ITEM: TIME.*--frame-dt/);
    const withTime = randomWalk({ n: 3, frames: 4, times: [0, 0.1, 0.3, 0.7] });
    await writeFramesDump(join(dir, 'time.dump'), withTime, 'xu', [0, 1, 3, 7], true);
    const b = await loadFrames(join(dir, 'time.dump'));
    expect(Array.from(b.times)).toEqual([0, 0.1, 0.3, 0.7]);
    // an option that agrees with ITEM: TIME is fine, one that contradicts it is refused
    expect(Array.from((await loadFrames(join(dir, 'time.dump'), { dt: 0.1 })).times)).toEqual([0, 0.1, 0.30000000000000004, 0.7000000000000001]);
    await expect(loadFrames(join(dir, 'time.dump'), { dt: 0.2 })).rejects.toThrow(/time\.dump: frame 1 is at t = 0\.1 by the dump's ITEM: TIME but at t = 0\.2 by timestep \* dt/);
  });

  it('frameDt is the spacing of the file\'s frames: with step k the selected frames are k * frameDt apart', async () => {
    // 11 frames 0.05 apart, timesteps 0, 10, ..., with ITEM: TIME (the times must agree with frameDt)
    const walk = randomWalk({ n: 4, frames: 11, seed: 8 });
    await writeFramesDump(join(dir, 'step.dump'), walk, 'xu', undefined, true);
    await writeFramesDump(join(dir, 'step-notime.dump'), walk, 'xu');
    const expected = [0, 1, 2, 3, 4].map((k) => expect.closeTo(k * 3 * 0.05, 12));
    for (const file of ['step.dump', 'step-notime.dump']) {
      const s = await loadFrames(join(dir, file), { frameDt: 0.05, step: 3, start: 1 });
      expect(s.nFrames).toBe(4); // file frames 1, 4, 7, 10
      expect(Array.from(s.times)).toEqual(expected.slice(0, 4));
      expect(Array.from(s.timesteps)).toEqual([10, 40, 70, 100]);
      // the same times as timestep * dt with dt = 0.05 / 10
      const byDt = await loadFrames(join(dir, file), { dt: 0.005, step: 3, start: 1 });
      for (let f = 0; f < 4; f++) expect(byDt.times[f]).toBeCloseTo(s.times[f], 12);
    }
    // the spacing of the selected frames is not the file's: refused where ITEM: TIME says otherwise
    await expect(loadFrames(join(dir, 'step.dump'), { frameDt: 0.15, step: 3 }))
      .rejects.toThrow(/step\.dump: frame 1 is at t = 0\.15.* by the frame spacing \(frame-dt = 0\.15 between frames of the file, x step 3 = 0\.4499/);
  });

  it('refuses wrapped positions without image flags, naming the file and the columns', async () => {
    await writeFramesDump(join(dir, 'wrapped.dump'), fr, 'wrapped');
    await expect(loadFrames(join(dir, 'wrapped.dump'), { frameDt: 0.05 }))
      .rejects.toThrow(/wrapped\.dump: frame 0 .*without image flags.*xu yu zu.*ix iy iz/);
  });

  it('refuses frames whose atoms change', async () => {
    const text = readFileSync(join(dir, 'u.dump'), 'utf8');
    const frames = text.split('ITEM: TIMESTEP');
    frames[3] = frames[3].replace(/\n7 2 /, '\n8 2 ');
    writeFileSync(join(dir, 'changed.dump'), frames.join('ITEM: TIMESTEP'));
    await expect(loadFrames(join(dir, 'changed.dump'), { frameDt: 0.05 })).rejects.toThrow(/changed\.dump: frame 2 .*id 8.*frame 0 has id 7/);
  });

  it('framesFromArrays checks sizes and time order', () => {
    const box = fr.box;
    expect(() => framesFromArrays({ n: 2, dim: 3, positions: new Float64Array(5), times: [0], box })).toThrow(/6 expected/);
    expect(() => framesFromArrays({ n: 1, dim: 3, positions: new Float64Array(6), times: [0, 0], box })).toThrow(/increase strictly/);
  });
});
