/**
 * `glasslab vdos` through the CLI front end on a small dump with velocity
 * columns: the softness CSV (one column per band, rows sorted by id) equals
 * the library's vdosFromDump, --softness-scale mean has mean 1, the spectra CSV holds
 * omega,total and per-type columns summing to the total; the input is never
 * overwritten; a dump without velocities, a bad --band and a band between
 * grid frequencies get clear errors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { vdosFromDump } from '../../src/analysis/vdos/vdos.ts';
import { createRegistry } from '../../src/app/registry.ts';
import { vdosCommand } from '../../src/commands/vdos.ts';
import { parseArgs } from '../../src/commands/registry.ts';
import { isPlotlyFigure } from '../../src/plot/figure.ts';
import { DumpWriter } from '../../src/io/lammps-dump.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';

const n = 12, F = 256, dt = 0.02;
let dir: string;

async function writeDump(name: string, velocities: boolean): Promise<void> {
  const rnd = mulberry32(4);
  const box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [4, 4, 4] });
  const positions = Float64Array.from({ length: 3 * n }, () => 4 * rnd());
  const omega = Array.from({ length: n }, () => 2 + 14 * rnd());
  const phase = Array.from({ length: 3 * n }, () => 6.3 * rnd());
  const w = new DumpWriter(join(dir, name), { velocities });
  for (let t = 0; t < F; t++) {
    const v = Float64Array.from({ length: 3 * n }, (_, p) => Math.cos(omega[Math.floor(p / 3)] * t * dt + phase[p]) + 0.3 * (rnd() - 0.5));
    const ids = Array.from({ length: n }, (_, i) => n - i); // written in reverse id order
    await w.write(createSystem({ box, positions, velocities: v, ids, types: ids.map((id) => (id % 3 === 0 ? 2 : 1)) }), 10 * t);
  }
  await w.close();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-vdos-cli-'));
  await writeDump('run.dump', true);
  await writeDump('novel.dump', false);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(dir, ...argv);
function csv(name: string): { header: string; rows: number[][] } {
  const lines = readFileSync(join(dir, name), 'utf8').trim().split('\n');
  return { header: lines[0], rows: lines.slice(1).map((l) => l.split(',').map(Number)) };
}

describe('glasslab vdos', () => {
  it('is registered', () => {
    expect(createRegistry().has('vdos')).toBe(true);
  });

  it('writes one softness column per band and the spectra', async () => {
    const r = await cli('vdos', 'run.dump', '--frame-dt', String(dt), '--band', '0:0.6', '--band', '11:12', '--out', 's.csv', '--spectra', 'd.csv');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/atoms 12/);
    expect(r.out).toMatch(/frames 256/);
    const s = csv('s.csv');
    expect(s.header).toBe('id,type,S_0_0.6,S_11_12');
    expect(s.rows.map((row) => row[0])).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    s.rows.forEach(([id, type]) => expect(type).toBe(id % 3 === 0 ? 2 : 1));
    const ref = await vdosFromDump(join(dir, 'run.dump'), { frameDt: dt, bands: [[0, 0.6], [11, 12]] });
    s.rows.forEach((row, i) => {
      expect(row[2]).toBe(ref.softness[0][i]);
      expect(row[3]).toBe(ref.softness[1][i]);
    });
    const d = csv('d.csv');
    expect(d.header).toBe('omega,total,type_1,type_2');
    expect(d.rows.length).toBe(ref.omega.length);
    for (const [omega, total, t1, t2] of d.rows.slice(0, 50)) {
      expect(omega).toBeGreaterThanOrEqual(0);
      expect(Math.abs(t1 + t2 - total)).toBeLessThanOrEqual(1e-12 * Math.max(1, total));
    }
  });

  it('returns figures (total, softest and hardest, softness map) and scales by the mean with --softness-scale mean', async () => {
    const parsed = parseArgs(vdosCommand, ['run.dump', '--frame-dt', String(dt), '--softness-scale', 'mean', '--taper', 'hann', '--out', 'm.csv']);
    if (parsed.help) throw new Error('unexpected help');
    const printed: string[] = [];
    const ctx = {
      progress: () => ({ update() {}, finish() {} }), print: (l: string) => printed.push(l), note() {},
      signal: new AbortController().signal, cwd: dir,
    };
    const r = await vdosCommand.run(parsed.args, ctx);
    expect(Number(/S_0_0.6: mean ([^,]+)/.exec(printed.join('\n'))![1])).toBeCloseTo(1, 12);
    expect(r.figure()).toBe(r.figures.total);
    expect(isPlotlyFigure(r.figures.total)).toBe(true);
    expect(r.figures.atoms.data.map((t) => t.name)).toEqual([expect.stringMatching(/^softest/), expect.stringMatching(/^hardest/)]);
    expect(r.figures.map.data[0].x!.length).toBeGreaterThan(0);
    expect(r.summary()).toMatch(/peak of the total VDOS/);
    const s = csv('m.csv');
    expect(s.header).toBe('id,type,S_0_0.6');
    expect(s.rows.reduce((a, row) => a + row[2], 0) / n).toBeCloseTo(1, 12);
  });

  it('refuses to overwrite the input', async () => {
    const r = await cli('vdos', 'run.dump', '--frame-dt', '0.02', '--out', 'run.dump');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--out run\.dump is the input file/);
  });

  it('names the file and the missing columns for a dump without velocities', async () => {
    const r = await cli('vdos', 'novel.dump', '--frame-dt', '0.02', '--out', 'x.csv');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/novel\.dump: the dump has no velocity columns vx, vy, vz/);
  });

  it('refuses bad bands', async () => {
    for (const band of ['0.6:0.6', 'abc', '1:0.5']) {
      const r = await cli('vdos', 'run.dump', '--frame-dt', '0.02', '--band', band, '--out', 'x.csv');
      expect(r.code, band).toBe(2);
      expect(r.err).toMatch(/band/);
    }
    // between two grid frequencies (spacing 0.61 here)
    const r = await cli('vdos', 'run.dump', '--frame-dt', '0.02', '--band', '0.1:0.2', '--out', 'x.csv');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/no frequency of the grid lies in the band \[0\.1, 0\.2\)/);
  });

  it('accepts a dump with velocities but no positions (the VDOS needs only velocities)', async () => {
    // the same velocities as run.dump, written without xu yu zu
    const { readDumpFrames } = await import('../../src/io/lammps-dump.ts');
    const w = new DumpWriter(join(dir, 'vonly.dump'), { columns: ['id', 'type', 'vx', 'vy', 'vz'] });
    for await (const f of readDumpFrames(join(dir, 'run.dump'))) await w.write(f, f.timestep);
    await w.close();
    const a = await cli('vdos', 'run.dump', '--frame-dt', String(dt), '--out', 'pos.csv');
    const b = await cli('vdos', 'vonly.dump', '--frame-dt', String(dt), '--out', 'vonly.csv');
    expect(b.err).not.toMatch(/rror/);
    expect(b.code).toBe(0);
    expect(a.code).toBe(0);
    expect(readFileSync(join(dir, 'vonly.csv'), 'utf8')).toBe(readFileSync(join(dir, 'pos.csv'), 'utf8'));
  });
});
