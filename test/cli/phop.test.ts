/**
 * `glasslab phop` through the CLI front end: the long and wide CSVs hold
 * computePhop's values for the frames where the window fits, the events
 * file the runs above the given p_c; --pc auto uses MSD at the alpha_2
 * peak; a window longer than the trajectory and a bad --pc are refused.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { selfDynamics } from '../../src/analysis/dynamics/dynamics.ts';
import { computePhop, hopEvents, phopThreshold } from '../../src/analysis/dynamics/phop.ts';
import { randomWalk, writeFramesDump } from '../analysis/dynamics-fixtures.ts';

let dir: string;
const fr = randomWalk({ n: 12, frames: 40, step: 0.1, seed: 4 });
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-phop-'));
  await writeFramesDump(join(dir, 'traj.dump'), fr, 'xu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(dir, ...argv);
const csv = (name: string) => readFileSync(join(dir, name), 'utf8').trim().split('\n');

describe('glasslab phop', () => {
  const ref = computePhop(fr, { window: 0.5 }); // 10 frames

  it('long form id,type,t,phop and events above a given p_c', async () => {
    const r = await cli('phop', 'traj.dump', '--frame-dt', '0.05', '--window', '0.5', '--pc', '0.02', '--out', 'phop.csv', '--events', 'ev.csv');
    expect(r.code).toBe(0);
    const lines = csv('phop.csv');
    expect(lines[0]).toBe('id,type,t,phop');
    const defined = ref.lastFrame - ref.firstFrame + 1;
    expect(lines.length).toBe(1 + 12 * defined);
    for (const line of lines.slice(1)) {
      const [id, type, t, p] = line.split(',').map(Number);
      const i = id - 1, f = Math.round(t / 0.05);
      expect(type).toBe(fr.types[i]);
      expect(f).toBeGreaterThanOrEqual(ref.firstFrame);
      expect(p).toBeCloseTo(ref.values[f * 12 + i], 10);
    }
    const ev = csv('ev.csv');
    expect(ev[0]).toBe('id,type,t_start,t_end,max_phop');
    const { events } = hopEvents(ref, 0.02);
    expect(ev.length - 1).toBe(events.length);
    expect(events.length).toBeGreaterThan(0);
    const first = ev[1].split(',').map(Number);
    expect(first[0]).toBe(events[0].id);
    expect(first[4]).toBeCloseTo(events[0].maxPhop, 10);
    expect(r.out).toMatch(/p_c 0\.02 sigma\^2 \(given\)/);
    expect(r.out).toMatch(new RegExp(`events ${events.length}, `));
  });

  it('--wide: one row per atom; --pc auto = MSD at the alpha_2 peak', async () => {
    const r = await cli('phop', 'traj.dump', '--frame-dt', '0.05', '--window', '0.5', '--wide', '--out', 'wide.csv');
    expect(r.code).toBe(0);
    const lines = csv('wide.csv');
    const head = lines[0].split(',');
    expect(head.slice(0, 3)).toEqual(['id', 'type', `t=${ref.times[ref.firstFrame]}`]);
    expect(head.length).toBe(2 + ref.lastFrame - ref.firstFrame + 1);
    expect(lines.length).toBe(13);
    const row = lines[3].split(',').map(Number);
    expect(row[0]).toBe(3);
    expect(row[2 + 4]).toBeCloseTo(ref.values[(ref.firstFrame + 4) * 12 + 2], 10);
    const pc = phopThreshold(selfDynamics(fr)).pc;
    expect(Number(/p_c (\S+) sigma\^2 \(MSD at the alpha_2 peak/.exec(r.out)![1])).toBeCloseTo(pc, 10);
  });

  it('refuses a window longer than the trajectory and a bad --pc', async () => {
    const long = await cli('phop', 'traj.dump', '--frame-dt', '0.05', '--out', 'x.csv');
    expect(long.code).not.toBe(0);
    expect(long.err).toMatch(/traj\.dump: the p_hop window of 300 frames is longer than the trajectory \(40 frames/);
    const bad = await cli('phop', 'traj.dump', '--frame-dt', '0.05', '--pc', 'high', '--out', 'x.csv');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--pc must be 'auto' or a non-negative number, got 'high'/);
    const same = await cli('phop', 'traj.dump', '--frame-dt', '0.05', '--window', '0.5', '--out', 'traj.dump');
    expect(same.err).toMatch(/is the input file/);
  });

  it('--help says why the whole trajectory is held and what it costs; --memory refuses a larger one before reading', async () => {
    const help = await cli('phop', '--help');
    expect(help.out).toMatch(/window around it.*whole trajectory.*32 in 3D/s);
    // 12 atoms x 40 frames x 32 bytes = 15 KiB: with --memory 1 MiB it fits
    const ok = await cli('phop', 'traj.dump', '--frame-dt', '0.05', '--window', '0.5', '--memory', '1', '--out', 'm.csv');
    expect(ok.code).toBe(0);
    const big = randomWalk({ n: 1000, frames: 40, step: 0.05, seed: 6 });
    await writeFramesDump(join(dir, 'big.dump'), big, 'xu');
    const r = await cli('phop', 'big.dump', '--frame-dt', '0.05', '--memory', '1', '--out', 'm.csv');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/big\.dump: phop holds the whole trajectory in memory, 32 bytes per atom per frame: about 40 frames x 1000 atoms = 1\.2 MiB.*select at most about 32 frames/);
  });
});
