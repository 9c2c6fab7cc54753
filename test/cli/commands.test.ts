/**
 * The real commands through the CLI front end (in process, through `main`),
 * plus one spawn of the bin script. Physics checked on the outputs:
 * per-atom energies sum to the printed total, forces obey Newton's third law
 * (sum F = 0) and equal the force provider's bit for bit (the CSV is lossless),
 * minimisation reaches its force tolerance, NVE conserves energy, and a
 * checkpointed run resumed to the end matches an uninterrupted one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { readSystem, Trajectory, writeLammpsData } from '../../src/io/index.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { getPotential } from '../../src/potential/registry.ts';

let dir: string;
let input: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-cli-'));
  input = join(dir, 'start.data');
  const sys = randomConfiguration({ n: 256, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 3 });
  await writeLammpsData(input, sys);
  // a lattice start relaxes violently in the first steps; NVE checks start from a local minimum
  const relaxed = minimize(sys, createForceProvider(getPotential('ka')), { ftol: 1e-4 });
  await writeLammpsData(join(dir, 'relaxed.data'), relaxed.system);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(dir, ...argv);

function printed(out: string, key: string): number {
  const m = new RegExp(`^${key.replace('/', '\\/')} (\\S+)`, 'm').exec(out);
  if (!m) throw new Error(`no '${key}' line in:\n${out}`);
  return Number(m[1]);
}

describe('glasslab energy', () => {
  it('writes per-atom pe and forces in full precision, summing to the printed total', async () => {
    const r = await cli('energy', 'start.data', '--model', 'ka', '--out', 'pe.csv');
    expect(r.code, r.err).toBe(0);
    const lines = readFileSync(join(dir, 'pe.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,type,pe,fx,fy,fz');
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(rows).toHaveLength(256);

    const sys = await readSystem(input);
    const ref = createForceProvider(getPotential('ka')).compute(sys, { peratom: true });
    let sum = 0;
    const fsum = [0, 0, 0];
    let fmax = 0;
    rows.forEach(([id, type, pe, fx, fy, fz], k) => {
      const i = id - 1;
      expect(id).toBe(k + 1);
      expect(type).toBe(sys.types[i]);
      // lossless: the same doubles as the provider's
      expect(pe).toBe(ref.peratomEnergy![i]);
      expect([fx, fy, fz]).toEqual(Array.from(ref.forces.subarray(3 * i, 3 * i + 3)));
      sum += pe;
      fsum[0] += fx; fsum[1] += fy; fsum[2] += fz;
      fmax = Math.max(fmax, Math.abs(fx), Math.abs(fy), Math.abs(fz));
    });
    const total = printed(r.out, 'pe');
    expect(Math.abs(sum - total)).toBeLessThan(1e-12 * Math.abs(total));
    expect(printed(r.out, 'pe/atom')).toBe(total / 256);
    for (const f of fsum) expect(Math.abs(f)).toBeLessThan(1e-10 * fmax * 256);
    expect(r.out).toMatch(/^virial_pressure \S+ eps\/sigma\^d$/m);
  });

  it('refuses to overwrite its input (exit 2) and reports missing files in one line (exit 1)', async () => {
    const before = readFileSync(input, 'utf8');
    const r = await cli('energy', 'start.data', '--out', join(dir, 'start.data'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^glasslab energy: --out .*start\.data is the input file; choose another output name/);
    expect(readFileSync(input, 'utf8')).toBe(before);
    const m = await cli('energy', 'missing.data', '--out', 'x.csv');
    expect(m.code).toBe(1);
    expect(m.err).toBe('glasslab energy: error: missing.data: no such file\n');
  });
});

describe('glasslab minimize', () => {
  it('relaxes to the force tolerance and writes the inherent structure', async () => {
    const r = await cli('minimize', 'start.data', '--model', 'ka', '--ftol', '1e-8', '--out', 'min.data', '--quiet');
    expect(r.code, r.err).toBe(0);
    const min = await readSystem(join(dir, 'min.data'));
    const f = createForceProvider(getPotential('ka')).compute(min);
    let fmax = 0;
    for (let i = 0; i < min.n; i++) fmax = Math.max(fmax, Math.hypot(f.forces[3 * i], f.forces[3 * i + 1], f.forces[3 * i + 2]));
    expect(fmax).toBeLessThan(1e-8);
    expect(printed(r.out, 'max_force')).toBeLessThan(1e-8);
    expect(printed(r.out, 'pe')).toBeCloseTo(f.energy, 9);
    // lower than the start
    const e0 = createForceProvider(getPotential('ka')).compute(await readSystem(input)).energy;
    expect(f.energy).toBeLessThan(e0);
  });
});

describe('glasslab minimize progress', () => {
  it('ends its progress at 100% when it converges (not where the last periodic report left it)', async () => {
    const r = await cli('minimize', 'start.data', '--model', 'ka', '--ftol', '1e-6', '--out', 'min-progress.data');
    expect(r.code, r.err).toBe(0);
    const lines = r.err.split('\n').filter((l) => l.startsWith('minimize (max force, log scale)'));
    expect(lines.at(-1)).toMatch(/: 100\.0% \(100\/100 %/);
  });
});

describe('glasslab md', () => {
  // stdout thermo: aligned columns, 10 significant digits (the CSV has full precision)
  const parseThermo = (out: string) => out.split('\n').filter((l) => /^\s*\d/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));

  it('runs NVE from a file: thermo on stdout conserves energy; dump, final data and thermo CSV written', async () => {
    const r = await cli('md', '--init', 'relaxed.data', '--ensemble', 'nve', '--temp', '0.8', '--steps', '200', '--dt', '0.002',
      '--thermo', '50', '--dump', 'nve.dump', '--every', '100', '--velocities', '--final', 'nve.data', '--thermo-csv', 'nve.csv', '--quiet');
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')[1].trim().split(/\s+/)).toEqual(['Step', 'Time', 'Temp', 'PotEng', 'KinEng', 'TotEng', 'Press', 'Volume', 'Conserved']);
    const rows = parseThermo(r.out);
    expect(rows.map((x) => x[0])).toEqual([0, 50, 100, 150, 200]);
    expect(rows[0][2]).toBeCloseTo(0.8, 9); // T of the drawn velocities
    const e = rows.map((x) => x[5]);
    for (const v of e) expect(Math.abs(v - e[0])).toBeLessThan(2e-4 * Math.abs(e[0]));
    const csv = readFileSync(join(dir, 'nve.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(6);
    const full = csv[1].split(',').map(Number);
    full.forEach((v, k) => expect(Math.abs(v - rows[0][k])).toBeLessThanOrEqual(1e-9 * Math.abs(v)));
    const traj = new Trajectory(join(dir, 'nve.dump'));
    expect(await traj.count()).toBe(3);
    const last = await traj.frame(2);
    expect(last.timestep).toBe(200);
    expect(last.velocities).toBeDefined();
    const fin = await readSystem(join(dir, 'nve.data'));
    expect(fin.velocities).toBeDefined();
    expect(Array.from(fin.velocities!)).toEqual(Array.from(last.velocities!));
  });

  it('continues a checkpoint: 100 + 100 steps equal 200 steps (NVT)', async () => {
    const common = ['--init', 'start.data', '--ensemble', 'nvt', '--temp', '0.8', '--thermo', '0', '--quiet'];
    const full = await cli('md', ...common, '--steps', '200', '--final', 'full.data');
    expect(full.code, full.err).toBe(0);
    const a = await cli('md', ...common, '--steps', '100', '--checkpoint', 'half.ckpt');
    expect(a.code, a.err).toBe(0);
    const b = await cli('md', '--resume', 'half.ckpt', '--ensemble', 'nvt', '--temp', '0.8', '--steps', '100', '--thermo', '0', '--quiet', '--final', 'resumed.data');
    expect(b.code, b.err).toBe(0);
    const x = await readSystem(join(dir, 'full.data'));
    const y = await readSystem(join(dir, 'resumed.data'));
    let d = 0;
    for (let i = 0; i < x.positions.length; i++) d = Math.max(d, Math.abs(x.positions[i] - y.positions[i]));
    expect(d).toBeLessThan(1e-9);
    expect(parseThermo(b.out).at(-1)![0]).toBe(200);
  });

  it('--barostat aniso|tri: thermo has the pressure tensor, edge lengths and (tri) tilts, as the CSV', async () => {
    for (const barostat of ['aniso', 'tri']) {
      const csv = `${barostat}.csv`;
      const r = await cli('md', '--init', 'relaxed.data', '--ensemble', 'npt', '--temp', '0.8', '--pressure', '2', '--pdamp', '0.5',
        '--barostat', barostat, '--steps', '40', '--thermo', '20', '--thermo-csv', csv, '--checkpoint', `${barostat}.ckpt`, '--quiet');
      expect(r.code, r.err).toBe(0);
      // a resume names the barostat the checkpoint was run with
      const again = await cli('md', '--resume', `${barostat}.ckpt`, '--ensemble', 'npt', '--temp', '0.8', '--pressure', '2', '--pdamp', '0.5', '--steps', '1', '--quiet');
      expect(again.code).toBe(2);
      expect(again.err).toMatch(new RegExp(`--resume ${barostat}.ckpt was run with --barostat ${barostat}; pass --barostat ${barostat}`));
      const header = ['Step', 'Time', 'Temp', 'PotEng', 'KinEng', 'TotEng', 'Press', 'Volume', 'Conserved',
        'Pxx', 'Pyy', 'Pzz', 'Pxy', 'Pxz', 'Pyz', 'Lx', 'Ly', 'Lz', ...(barostat === 'tri' ? ['Xy', 'Xz', 'Yz'] : [])];
      expect(r.out.split('\n')[1].trim().split(/\s+/)).toEqual(header);
      const rows = parseThermo(r.out);
      expect(rows.map((x) => x[0])).toEqual([0, 20, 40]);
      for (const row of rows) {
        expect(row).toHaveLength(header.length);
        expect((row[9] + row[10] + row[11]) / 3).toBeCloseTo(row[6], 6); // Press = trace / 3
        expect(row[15] * row[16] * row[17]).toBeCloseTo(row[7], 5); // Volume = Lx Ly Lz
      }
      expect(rows.at(-1)![15]).not.toBe(rows.at(-1)![16]); // the edges move independently
      const lines = readFileSync(join(dir, csv), 'utf8').trim().split('\n');
      expect(lines[0].split(',')).toEqual(header);
    }
  });

  it('--threads 1 and --threads 2 run the same trajectory to round-off (N = 1200, list rebuilds on both threads)', async () => {
    const run = (threads: string) => cli('md', '--n', '1200', '--temp', '0.8', '--steps', '60', '--thermo', '0', '--quiet', '--threads', threads, '--final', `t${threads}.data`);
    for (const t of ['1', '2']) { const r = await run(t); expect(r.code, r.err).toBe(0); }
    const x = await readSystem(join(dir, 't1.data')), y = await readSystem(join(dir, 't2.data'));
    let d = 0;
    for (let i = 0; i < x.positions.length; i++) d = Math.max(d, Math.abs(x.positions[i] - y.positions[i]));
    expect(d).toBeLessThan(1e-9);
    expect(d).toBeGreaterThan(0); // the threads sum in another order: --threads reached the force provider
  });

  it('builds a random start of the model composition at the requested density', async () => {
    const r = await cli('md', '--n', '300', '--density', '1.1', '--temp', '1.0', '--steps', '10', '--final', 'rand.data', '--quiet');
    expect(r.code, r.err).toBe(0);
    const s = await readSystem(join(dir, 'rand.data'));
    expect(s.n).toBe(300);
    expect(s.n / s.box.volume).toBeCloseTo(1.1, 12);
    expect(Array.from(s.types).filter((t) => t === 2)).toHaveLength(60);
  });

  it('rejects inconsistent options as usage errors (exit 2) before running', async () => {
    const cases: [string[], RegExp][] = [
      [['--ensemble', 'nve', '--temp', '1', '--pressure', '1'], /--pressure has no effect with --ensemble nve/],
      [['--ensemble', 'npt', '--temp', '1'], /--ensemble npt needs --pressure/],
      [['--ensemble', 'nvt'], /--ensemble nvt needs --temp/],
      [['--init', 'start.data', '--density', '1.2', '--temp', '1'], /--density applies to a random start/],
      [['--model', 'ipl2d', '--dim', '3', '--temp', '1'], /defined in 2D; --dim 3 does not fit/],
      [['--ensemble', 'nvx'], /invalid value 'nvx' for --ensemble: expected one of nve, nvt, npt; did you mean 'nve'\?/],
      [['--ensemble', 'nvt', '--temp', '1', '--barostat', 'aniso'], /--pressure\/--pdamp\/--barostat need --ensemble npt/],
      [['--ensemble', 'nve', '--temp', '1', '--barostat', 'tri'], /--barostat has no effect with --ensemble nve/],
      [['--ensemble', 'npt', '--temp', '1', '--pressure', '0', '--barostat', 'triclinic'], /invalid value 'triclinic' for --barostat: expected one of iso, aniso, tri/],
      [['--temp', '1', '--engine', 'lammps', '--threads', '2'], /--threads applies to --engine glasslab; LAMMPS runs on --mpi N ranks/],
      [['--temp', '1', '--threads', '0'], /--threads/],
    ];
    for (const [argv, msg] of cases) {
      const r = await cli('md', '--steps', '1', ...argv);
      expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(msg);
    }
    expect(existsSync(join(dir, 'traj.dump'))).toBe(false);
  });
});

describe('bin/glasslab.mjs', () => {
  const bin = resolve(import.meta.dirname, '../../bin/glasslab.mjs');

  it('is executable, lists the commands and exits 0 / 2 / 1', () => {
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const c of ['md', 'minimize', 'energy', 'demo']) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const bad = spawnSync(bin, ['energy', '--bogus'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    writeFileSync(join(dir, 'garbage.data'), 'not a data file\n');
    const rt = spawnSync(bin, ['energy', join(dir, 'garbage.data')], { encoding: 'utf8' });
    expect(rt.status).toBe(1);
    expect(rt.stderr.trim().split('\n')).toHaveLength(1);
    expect(rt.stderr).toMatch(/^glasslab energy: error: /);
  });

  it('runs md at the default thread count to the end as its own process (the wasm pool starts while nothing else holds the event loop)', () => {
    // 2 threads for ka when 2 cores are free: the pool's workers are awaited (Atomics.waitAsync) with nothing else
    // keeping Node's event loop alive; it once exited there with code 13, "unsettled top-level await"
    for (const threads of [[], ['--threads', '2']]) {
      const r = spawnSync(bin, ['md', '--model', 'ka', '--n', '300', '--density', '1.2', '--temp', '0.8', '--steps', '50', '--thermo', '50', ...threads],
        { encoding: 'utf8', cwd: dir });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^\s+50\s/m);
    }
  });
});
