/**
 * `glasslab dynamics` through the CLI front end: the CSV equals
 * selfDynamics of the same frames, the printed p_c is MSD at the alpha_2
 * peak; log-spaced dumps need --dt; a dump without unwrapped coordinates
 * or image flags is refused naming the file and the missing columns.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './run-cli.ts';
import { selfDynamics } from '../../src/analysis/dynamics/dynamics.ts';
import { randomWalk, writeFramesDump } from '../analysis/dynamics-fixtures.ts';
import { Trajectory } from '../../src/io/trajectory.ts';

let dir: string;
const fr = randomWalk({ n: 40, frames: 30, step: 0.08, seed: 12 });
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-dynamics-'));
  await writeFramesDump(join(dir, 'traj.dump'), fr, 'image');
  await writeFramesDump(join(dir, 'wrapped.dump'), fr, 'wrapped');
  await writeFramesDump(join(dir, 'log.dump'), randomWalk({ n: 5, frames: 6, seed: 2 }), 'xu', [0, 1, 2, 4, 8, 16]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(dir, ...argv);

describe('glasslab dynamics', () => {
  it('writes t, msd, alpha2, q, Fs for all atoms and per type, and prints p_c', async () => {
    const r = await cli('dynamics', 'traj.dump', '--frame-dt', '0.05', '--out', 'dyn.csv', '--a', '0.2');
    expect(r.err).not.toMatch(/rror/);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(dir, 'dyn.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('t,msd,alpha2,q,Fs,msd_1,alpha2_1,q_1,Fs_1,msd_2,alpha2_2,q_2,Fs_2');
    const ref = selfDynamics(fr, { a: 0.2 });
    expect(lines.length).toBe(1 + ref.t.length);
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    rows.forEach((row, l) => {
      expect(row[0]).toBeCloseTo(ref.t[l], 12);
      expect(row[1]).toBeCloseTo(ref.series[0].msd[l], 10);
      expect(row[3]).toBeCloseTo(ref.series[0].overlap[l], 12);
      expect(row[12]).toBeCloseTo(ref.series[2].fs[l], 10);
    });
    const pc = Number(/p_c (\S+)/.exec(r.out)![1]);
    expect(pc).toBeCloseTo(ref.get().alpha2Peak.msd, 10);
    expect(r.out).toMatch(/alpha2_peak_time \S+/);
  });

  it('--frame-dt is the spacing of the file\'s frames: with --stride k the t column steps by k x --frame-dt', async () => {
    // traj.dump: timesteps 0, 10, ... and no ITEM: TIME; timed.dump also has ITEM: TIME = 0.05 f, which --frame-dt must match
    await writeFramesDump(join(dir, 'timed.dump'), fr, 'xu', undefined, true);
    for (const file of ['traj.dump', 'timed.dump']) {
      const r = await cli('dynamics', file, '--frame-dt', '0.05', '--stride', '5', '--out', `every-${file}.csv`);
      expect(r.err).not.toMatch(/rror/);
      expect(r.code).toBe(0);
      const t = readFileSync(join(dir, `every-${file}.csv`), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
      expect(t.length).toBeGreaterThan(1);
      t.forEach((x) => expect(Math.abs(x / 0.25 - Math.round(x / 0.25))).toBeLessThan(1e-9));
      expect(t[1]).toBeCloseTo(0.25, 12);
    }
  });

  it('log-spaced dumps: times from --dt; --frame-dt is refused', async () => {
    const ok = await cli('dynamics', 'log.dump', '--dt', '0.005', '--out', 'log.csv');
    expect(ok.code).toBe(0);
    const t = readFileSync(join(dir, 'log.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    expect(t).toEqual([0, 0.005, 0.01, 0.015, 0.02, 0.03, 0.035, 0.04, 0.06, 0.07, 0.075, 0.08].map((x) => expect.closeTo(x, 12)));
    const bad = await cli('dynamics', 'log.dump', '--frame-dt', '0.05', '--out', 'log2.csv');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/log\.dump: the frames' timesteps are not equally spaced/);
  });

  it('refuses a dump without unwrapped coordinates or image flags, naming the file', async () => {
    const r = await cli('dynamics', 'wrapped.dump', '--frame-dt', '0.05', '--out', 'w.csv');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/wrapped\.dump: frame 0 .*without image flags \(columns: id type x y z\).*xu yu zu/);
    const missing = await cli('dynamics', 'nothere.dump', '--frame-dt', '0.05', '--out', 'w.csv');
    expect(missing.err).toMatch(/nothere\.dump: no such file/);
    const both = await cli('dynamics', 'traj.dump', '--frame-dt', '0.05', '--dt', '0.005', '--out', 'w.csv');
    expect(both.code).toBe(2);
  });

  it('refuses, before reading, a selection whose positions matrix would exceed --memory, and says how many frames fit', async () => {
    // 2000 atoms x 40 frames x 24 bytes = 1.8 MiB; the last line is garbage that reading would stop at
    const big = randomWalk({ n: 2000, frames: 40, step: 0.05, seed: 5 });
    await writeFramesDump(join(dir, 'big.dump'), big, 'xu');
    writeFileSync(join(dir, 'big.dump.gz'), gzipSync(readFileSync(join(dir, 'big.dump'))));
    const est = await new Trajectory(join(dir, 'big.dump')).estimate();
    expect(est).toMatchObject({ n: 2000, dim: 3, fileFrames: 40, frames: 40, gzip: false });
    expect((await new Trajectory(join(dir, 'big.dump.gz'), { step: 3 }).estimate())).toMatchObject({ fileFrames: 40, frames: 14, gzip: true });
    appendFileSync(join(dir, 'big.dump'), 'garbage\n');
    for (const file of ['big.dump', 'big.dump.gz']) {
      const r = await cli('dynamics', file, '--frame-dt', '0.05', '--memory', '1', '--out', 'big.csv');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`${file.replace('.', '\\.')}: dynamics holds the whole trajectory in memory, 24 bytes per atom per frame: about 40 frames x 2000 atoms = 1\\.8 MiB.*over the --memory limit of 1\\.0 MiB; select at most about 21 frames`));
    }
    // 14 frames fit: read, and the garbage line is then reported with its line
    const ok = await cli('dynamics', 'big.dump.gz', '--frame-dt', '0.05', '--memory', '1', '--stride', '3', '--out', 'big.csv');
    expect(ok.err).not.toMatch(/rror/);
    expect(ok.code).toBe(0);
    const garbage = await cli('dynamics', 'big.dump', '--frame-dt', '0.05', '--memory', '1', '--stop', '20', '--out', 'big.csv');
    expect(garbage.code).toBe(1);
    expect(garbage.err).toMatch(/big\.dump:\d+: .*garbage/);
    expect(garbage.err).not.toMatch(/--memory/);
    const help = await cli('dynamics', '--help');
    expect(help.out).toMatch(/time origin.*whole trajectory.*24 in 3D/s);
  });

  it('p_c without an alpha_2 maximum names the file and says what to do', async () => {
    await writeFramesDump(join(dir, 'short.dump'), randomWalk({ n: 20, frames: 2, seed: 3 }), 'xu');
    const r = await cli('dynamics', 'short.dump', '--frame-dt', '0.05', '--out', 'short.csv');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/short\.dump: p_c: alpha_2 of all has no maximum before t = 0\.025 .*use a longer trajectory or more frames, or give p_c yourself \(phop --pc VALUE\)/);
  });

  it('refuses before reading a matrix longer than one Float64Array (2^32 numbers), whatever --memory says', async () => {
    const spy = vi.spyOn(Trajectory.prototype, 'estimate').mockResolvedValue({ n: 100_000, dim: 3, frameBytes: 4e6, fileBytes: 6e10, gzip: false, fileFrames: 15_000, frames: 15_000 });
    try {
      const r = await cli('dynamics', 'traj.dump', '--frame-dt', '0.05', '--memory', '10000000', '--out', 'huge.csv');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/traj\.dump: about 15000 frames x 100000 atoms x 3 coordinates is more than one array holds \(2\^32 numbers, 32 GiB\); select at most about 14316 frames/);
    } finally {
      spy.mockRestore();
    }
  });
});
