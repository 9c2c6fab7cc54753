/**
 * The one frame source (src/system/frame-source.ts): a Trajectory and an
 * array of Systems are the same FrameSource (async iterable, count, times);
 * the positions matrix is collected only by collectPositions and equals
 * loadFrames; the frame-time rule is the same for files and arrays; VDOS
 * velocities and the LDWF stream from either source with the same result.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayFrames, toFrameSource, frameTimes, type FrameSource } from '../../src/system/frame-source.ts';
import { Trajectory } from '../../src/io/trajectory.ts';
import { collectPositions, loadFrames, positionsMatrixBytes } from '../../src/analysis/dynamics/frames.ts';
import { vdosFromDump, vdosFromFrames } from '../../src/analysis/vdos/vdos.ts';
import { localDebyeWallerFromDump, localDebyeWallerFromFrames } from '../../src/analysis/vdos/ldwf.ts';
import { atomicStress } from '../../src/analysis/structure/atomic-stress.ts';
import { writeDump } from '../../src/io/lammps-dump.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { Box } from '../../src/system/box.ts';
import { framesAsSystems, randomWalk, writeFramesDump } from './dynamics-fixtures.ts';
import { mulberry32 } from '../support/random.ts';

let dir: string;
const fr = randomWalk({ n: 16, frames: 12, step: 0.1, seed: 9 });
const timesteps = Array.from({ length: 12 }, (_, f) => 100 + 10 * f);
let systems: System[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-frame-source-'));
  systems = framesAsSystems(fr, timesteps, true);
  await writeFramesDump(join(dir, 'walk.dump'), fr, 'image', timesteps);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function all(src: FrameSource): Promise<System[]> {
  const out: System[] = [];
  for await (const f of src) out.push(f);
  return out;
}

describe('FrameSource', () => {
  it('a Trajectory and an array of Systems: the same frames, count and times, re-iterable', async () => {
    const traj = new Trajectory(join(dir, 'walk.dump'), { frameDt: 0.05, start: 2, step: 3 });
    const arr = arrayFrames(systems.filter((_, f) => f >= 2 && (f - 2) % 3 === 0), { frameDt: 0.05, step: 3 });
    expect(await traj.count()).toBe(4);
    expect(await arr.count()).toBe(4);
    expect(Array.from(await traj.times())).toEqual([0, 0.15, 0.3, 0.45].map((t) => expect.closeTo(t, 12)));
    expect(Array.from(await arr.times())).toEqual(Array.from(await traj.times()));
    const a = await all(traj), b = await all(arr);
    expect((await all(traj)).length).toBe(4); // a second pass
    expect(a.map((f) => f.timestep)).toEqual([120, 150, 180, 210]);
    a.forEach((f, k) => expect(Array.from(f.positions)).toEqual(Array.from(b[k].positions)));
    // dt: time = (timestep - first) * dt, for files and arrays alike
    const byDt = new Trajectory(join(dir, 'walk.dump'), { dt: 0.005 });
    expect((await byDt.times())[3]).toBeCloseTo(0.15, 12);
    expect((await arrayFrames(systems, { dt: 0.005 }).times())[3]).toBeCloseTo(0.15, 12);
  });

  it('times: the Systems\' own times, a clear error when nothing gives them', async () => {
    expect(Array.from(await arrayFrames(systems).times())).toEqual(Array.from(fr.times));
    const bare = systems.map((s) => createSystem({ box: s.box, positions: s.positions }));
    await expect(arrayFrames(bare, { label: 'run' }).times()).rejects.toThrow(/^run: the dump has no ITEM: TIME; give the time between frames \(frameDt, --frame-dt\) or the MD timestep/);
    await expect(new Trajectory(join(dir, 'walk.dump')).times()).rejects.toThrow(/walk\.dump: .*no ITEM: TIME/);
    expect(() => frameTimes('x', [0, 1, 3], null, { frameDt: 1 })).toThrow(/x: the frames' timesteps are not equally spaced/);
    // a one-pass generator: frames yes, count unknown
    const gen = toFrameSource((function* () { yield* systems; })());
    expect(await gen.count()).toBeUndefined();
    expect((await all(gen)).length).toBe(12);
  });

  it('collectPositions builds the matrix (n x frames x dim x 8 bytes) from either source, equal to loadFrames', async () => {
    const file = await loadFrames(join(dir, 'walk.dump'), { frameDt: 0.05 });
    const arr = await collectPositions(arrayFrames(systems, { frameDt: 0.05 }));
    const gen = await collectPositions((async function* () { yield* systems; })());
    for (const m of [file, arr, gen]) {
      expect(m.nFrames).toBe(12);
      expect(m.positions.length * 8).toBe(positionsMatrixBytes(16, 12, 3));
      m.positions.forEach((x, k) => expect(x).toBeCloseTo(fr.positions[k], 9));
    }
    expect(Array.from(arr.times)).toEqual(Array.from(file.times));
    await expect(collectPositions(arrayFrames(systems, { frameDt: 0.05, label: 'run' }), { maxBytes: 1000 }))
      .rejects.toThrow(/^run: 12 frames x 16 atoms x 3 coordinates need 4\.5 KiB of positions \(24 bytes per atom per frame\), more than the limit of 1\.0 KiB; select fewer frames/);
  });

  it('VDOS velocities, the LDWF and atomic stress stream from an array as from its dump', async () => {
    const rnd = mulberry32(2);
    const box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [5, 5, 5] });
    const pos = Float64Array.from({ length: 24 }, () => 5 * rnd());
    const vframes = Array.from({ length: 32 }, (_, t) => createSystem({
      box, positions: pos.map((x, k) => x + 0.01 * Math.sin(0.3 * t + k)), velocities: Float64Array.from({ length: 24 }, (_, k) => Math.cos(0.4 * t * (1 + k / 24)) + 0.1 * rnd()),
      timestep: 10 * t,
    }));
    await writeDump(join(dir, 'v.dump'), vframes, { velocities: true });
    const opts = { frameDt: 0.05, bands: [[0, 3]] as [number, number][] };
    const a = await vdosFromDump(join(dir, 'v.dump'), opts);
    const b = await vdosFromFrames(arrayFrames(vframes), opts);
    const c = await vdosFromFrames(new Trajectory(join(dir, 'v.dump')), opts);
    for (const r of [b, c]) {
      expect(r.total.length).toBe(a.total.length);
      r.total.forEach((v, k) => expect(v).toBeCloseTo(a.total[k], 12));
      r.softness[0].forEach((v, k) => expect(v).toBeCloseTo(a.softness[0][k], 12));
    }
    const l1 = await localDebyeWallerFromDump(join(dir, 'v.dump'), { step: 4 });
    const l2 = await localDebyeWallerFromFrames(arrayFrames(vframes.filter((_, t) => t % 4 === 0)));
    l2.alpha.forEach((v, i) => expect(v).toBeCloseTo(l1.alpha[i], 12));
    expect(l2.frames).toBe(8);
    // atomic stress takes a FrameSource as it took a Trajectory
    const provider = { compute: () => ({ energy: 0, forces: new Float64Array(24), peratomVirial: new Float64Array(48) }) };
    const s1 = await atomicStress(arrayFrames(vframes.slice(0, 3)), provider as never, { includeKinetic: true });
    const s2 = await atomicStress(new Trajectory(join(dir, 'v.dump'), { stop: 3 }), provider as never, { includeKinetic: true });
    s1.stress.forEach((v, i) => expect(v).toBeCloseTo(s2.stress[i], 10));
  });
});

describe('per-frame analyses name the file of a Trajectory', () => {
  it('atomicStress: a frame with other atoms', async () => {
    const fewer = framesAsSystems(randomWalk({ n: 15, frames: 1, seed: 1 }), [999], false);
    await writeDump(join(dir, 'mixed.dump'), [systems[0], systems[1], fewer[0]]);
    const provider = { compute: () => ({ energy: 0, forces: new Float64Array(48), peratomVirial: new Float64Array(96) }) };
    await expect(atomicStress(new Trajectory(join(dir, 'mixed.dump')), provider as never, { includeKinetic: false }))
      .rejects.toThrow(/mixed\.dump: atomicStress: frame 2 has 15 atoms but the first frame has 16/);
    await expect(atomicStress([systems[0], fewer[0]], provider as never, { includeKinetic: false }))
      .rejects.toThrow(/^atomicStress: frame 1 has 15 atoms/);
  });
});
