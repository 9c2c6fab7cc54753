/**
 * `md --engine lammps --resume FILE.restart`: a LAMMPS restart file (the
 * checkpoint of --engine lammps) continued by LAMMPS gives the rows of the
 * uninterrupted run (read_restart keeps positions, velocities and the
 * Nose-Hoover chain of fix md: relative 1e-9 after 100 more steps; measured
 * ~1e-15), the same frames in the continued dump, and the time of the
 * uninterrupted run; each checkpoint kind is refused by the other engine in
 * one line. A checkpoint every K steps is the file named, replaced every K
 * steps (the run in pieces: no file.<step> series), with the thermo rows,
 * frames and Conserved column (NPT) of the run in one piece.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRestartHeader } from '../../src/engine/lammps-restart.ts';
import { readDumpFrames, writeLammpsData } from '../../src/io/index.ts';
import { kaGlass } from '../lammps/configs.ts';
import { lammpsOrSkip } from '../lammps/lammps-runner.ts';
import { runCli } from './run-cli.ts';

const haveLmp = lammpsOrSkip('md --engine lammps --resume');
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-resume-'));
  await writeLammpsData(join(dir, 'start.data'), await kaGlass());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = (f: string) => readFileSync(join(dir, f), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));

describe.skipIf(!haveLmp)('md --engine lammps --resume', () => {
  const p = ['--temp', '1.0', '--tdamp', '0.5', '--thermo', '20', '--every', '50', '--engine', 'lammps', '-q'];
  it('continues a LAMMPS restart file as the uninterrupted run: thermo rows, time and dump frames', async () => {
    const a = await runCli(dir, 'md', '--init', 'start.data', ...p, '--steps', '200', '--thermo-csv', 'a.csv', '--dump', 'a.dump');
    expect(a.code, a.err).toBe(0);
    const b1 = await runCli(dir, 'md', '--init', 'start.data', ...p, '--steps', '100', '--dump', 'b.dump', '--checkpoint', 'b.restart');
    expect(b1.code, b1.err).toBe(0);
    const b2 = await runCli(dir, 'md', '--resume', 'b.restart', ...p, '--steps', '100', '--thermo-csv', 'b.csv', '--dump', 'b.dump');
    expect(b2.code, b2.err).toBe(0);
    const ra = rows('a.csv'), rb = rows('b.csv');
    expect(rb.map((r) => r[0])).toEqual([100, 120, 140, 160, 180, 200]);
    for (const r of rb) {
      const ref = ra.find((x) => x[0] === r[0])!;
      for (let k = 1; k < r.length; k++) expect(Math.abs(r[k] - ref[k]), `step ${r[0]} column ${k}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref[k])));
    }
    const steps: number[] = [];
    let last: Float64Array | undefined;
    for await (const f of readDumpFrames(join(dir, 'b.dump'))) { steps.push(f.timestep); last = Float64Array.from(f.positions); }
    expect(steps).toEqual([0, 50, 100, 150, 200]);
    let ref: Float64Array | undefined;
    for await (const f of readDumpFrames(join(dir, 'a.dump'))) ref = Float64Array.from(f.positions);
    for (let i = 0; i < ref!.length; i++) expect(Math.abs(last![i] - ref![i])).toBeLessThan(1e-9);
  });

  it('--checkpoint c.restart --checkpoint-every 30 writes c.restart alone, with the rows and frames of the run in one piece; --resume continues it', async () => {
    const c1 = await runCli(dir, 'md', '--init', 'start.data', ...p, '--steps', '100', '--thermo-csv', 'c1.csv', '--dump', 'c.dump', '--checkpoint', 'c.restart', '--checkpoint-every', '30');
    expect(c1.code, c1.err).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('c.restart'))).toEqual(['c.restart']);
    expect(readRestartHeader(join(dir, 'c.restart')).timestep).toBe(100);
    const ra = rows('a.csv'), rc = rows('c1.csv');
    expect(rc.map((r) => r[0])).toEqual([0, 20, 40, 60, 80, 100]);
    const same = (r: number[], ref: number[]) => { for (let k = 1; k < r.length; k++) expect(Math.abs(r[k] - ref[k]), `step ${r[0]} column ${k}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref[k]))); };
    for (const r of rc) same(r, ra.find((x) => x[0] === r[0])!);
    const steps: number[] = [];
    for await (const f of readDumpFrames(join(dir, 'c.dump'))) steps.push(f.timestep);
    expect(steps).toEqual([0, 50, 100]);
    const c2 = await runCli(dir, 'md', '--resume', 'c.restart', ...p, '--steps', '100', '--thermo-csv', 'c2.csv', '--dump', 'c.dump', '--checkpoint', 'c.restart', '--checkpoint-every', '30');
    expect(c2.code, c2.err).toBe(0);
    expect(rows('c2.csv').map((r) => r[0])).toEqual([100, 120, 140, 160, 180, 200]);
    for (const r of rows('c2.csv')) same(r, ra.find((x) => x[0] === r[0])!);
    expect(readRestartHeader(join(dir, 'c.restart')).timestep).toBe(200);
    expect(readdirSync(dir).filter((f) => f.startsWith('c.restart'))).toEqual(['c.restart']);
    // NPT: fix npt keeps its volume origin across the pieces, so Conserved is the one of the run in one piece
    const npt = ['--init', 'start.data', '--ensemble', 'npt', '--temp', '1.0', '--pressure', '2', '--steps', '60', '--thermo', '20', '--engine', 'lammps', '-q'];
    const n1 = await runCli(dir, 'md', ...npt, '--thermo-csv', 'n1.csv');
    const n2 = await runCli(dir, 'md', ...npt, '--thermo-csv', 'n2.csv', '--checkpoint', 'n.restart', '--checkpoint-every', '25');
    expect(n1.code, n1.err).toBe(0);
    expect(n2.code, n2.err).toBe(0);
    const [r1, r2] = [rows('n1.csv'), rows('n2.csv')];
    expect(r2.map((r) => r[0])).toEqual(r1.map((r) => r[0]));
    r2.forEach((r, k) => same(r, r1[k]));
  });

  it('a restart file needs --engine lammps; a glasslab checkpoint the embedded engine', async () => {
    const r = await runCli(dir, 'md', '--resume', 'b.restart', '--temp', '1.0', '--steps', '10');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('glasslab md: --resume b.restart is a LAMMPS restart file: continue it with --engine lammps');
    const g = await runCli(dir, 'md', '--init', 'start.data', '--temp', '1.0', '--steps', '10', '--checkpoint', 'g.ckpt', '-q');
    expect(g.code, g.err).toBe(0);
    const l = await runCli(dir, 'md', '--resume', 'g.ckpt', '--temp', '1.0', '--steps', '10', '--engine', 'lammps');
    expect(l.code).toBe(2);
    expect(l.err.trim()).toBe('glasslab md: --resume g.ckpt is a glasslab checkpoint: continue it with the embedded engine (without --engine lammps)');
  });
});
