/**
 * Every input checked before work starts (issue [7]): the configuration
 * against the model (dimension, types, atoms far outside the box), folders
 * given as files, and the outputs (extension, folder, collisions) before the
 * run; outputs of a failed run removed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { main, type MainIO } from '../../src/cli/main.ts';
import { createRegistry } from '../../src/app/registry.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { writeDump, writeLammpsData } from '../../src/io/index.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { nvt } from '../../src/md/nose-hoover-integrator.ts';
import { runMd } from '../../src/md/run.ts';
import { saveCheckpoint } from '../../src/md/checkpoint.ts';
import { getUnits } from '../../src/util/units.ts';
import { estimateMdMemory } from '../../src/md/memory.ts';

let dir: string;
const cli = (...argv: string[]) => runCli(dir, ...argv);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-inputs-'));
  const ka = randomConfiguration({ n: 200, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 5 });
  await writeLammpsData(join(dir, 'ka.data'), ka);
  const flat = randomConfiguration({ n: 200, density: 0.9, dim: 2, composition: [0, 0.5, 0.5], typeMasses: [0, 1, 1], seed: 5 });
  await writeLammpsData(join(dir, 'flat.data'), flat);
  const three = randomConfiguration({ n: 200, density: 1.2, dim: 3, composition: [0, 0.4, 0.3, 0.3], typeMasses: [0, 1, 1, 1], seed: 5 });
  await writeDump(join(dir, 'three.dump'), [three]);
  const far = randomConfiguration({ n: 200, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 5 });
  far.positions[3 * 7] = 1e12;
  await writeLammpsData(join(dir, 'far.data'), far);
  mkdirSync(join(dir, 'folder.data'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** files in dir other than the fixtures */
const fixtures = new Set(['ka.data', 'flat.data', 'three.dump', 'far.data', 'folder.data']);
function stray(): string[] {
  return readdirSync(dir).filter((f) => !fixtures.has(f));
}

describe('the input against the model', () => {
  it('refuses a 3D file under a 2D model, in every command that loads both, with one message', async () => {
    const runs: string[][] = [
      ['energy', 'ka.data', '--model', 'ipl2d'],
      ['minimize', 'ka.data', '--model', 'ipl2d', '--out', 'm.data'],
      ['shear', 'ka.data', '--model', 'ipl2d', '--out', 's.csv'],
      ['lte', 'ka.data', '--model', 'ipl2d', '--out', 'l.csv'],
      ['modes', 'ka.data', '--model', 'ipl2d', '--out', 'o.csv'],
      ['md', '--init', 'ka.data', '--model', 'ipl2d', '--temp', '0.5', '--steps', '1'],
    ];
    for (const argv of runs) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err).toMatch(/^glasslab \w+: error: ka\.data is 3D \(atoms spread over z by [\d.]+, z width [\d.]+\); model ipl2d is 2D/);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    expect(stray()).toEqual([]);
  });

  it('reads a flat 3D file as 2D under a 2D model and refuses it under a 3D one', async () => {
    const ok = await cli('energy', 'flat.data', '--model', 'ipl2d');
    expect(ok.code, ok.err).toBe(0);
    const r = await cli('energy', 'flat.data', '--model', 'ipl3d');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/flat\.data is 2D \(all atoms at z = 0, z width 1\); model ipl3d is 3D/);
  });

  it('names an atom type the model lacks (not the masses)', async () => {
    const r = await cli('energy', 'three.dump', '--model', 'ka');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/three\.dump has atom type 3 \(atom id \d+\); model ka has types 1-2/);
    // streamed dumps too
    const s = await cli('softness', 'three.dump', '--model', 'ka', '--temp', '0.7', '--mean-field');
    expect(s.code).toBe(1);
    expect(s.err).toMatch(/three\.dump has atom type 3 \(atom id \d+\); model ka has types 1-2/);
  });

  it('refuses an atom far outside the box, naming the file and atom id', async () => {
    const r = await cli('energy', 'far.data', '--model', 'ka');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/far\.data: atom id 8 is at x = 1000000000000, [\d.e+]+ box lengths outside the box/);
  });

  it('names a folder given as the input', async () => {
    const r = await cli('energy', 'folder.data');
    expect(r.code).toBe(1);
    expect(r.err).toBe('glasslab energy: error: folder.data: is a folder; give a file\n');
    for (const argv of [['dynamics', 'folder.data', '--frame-dt', '1', '--out', 'o.csv'], ['vdos', 'folder.data', '--frame-dt', '1', '--out', 'o.csv']]) {
      const t = await cli(...argv);
      expect(t.code).toBe(1);
      expect(t.err).toBe(`glasslab ${argv[0]}: error: folder.data: is a folder; give a file\n`);
    }
  });
});

describe('md --resume and the model', () => {
  it('refuses a checkpoint made with another model, before running', async () => {
    const a = await cli('md', '--model', 'ipl3d', '--n', '100', '--temp', '0.5', '--steps', '5', '--thermo', '0', '--checkpoint', 'ipl.ckpt', '--quiet');
    expect(a.code, a.err).toBe(0);
    const b = await cli('md', '--resume', 'ipl.ckpt', '--model', 'ka', '--temp', '0.5', '--steps', '5', '--final', 'x.data', '--quiet');
    expect(b.code).toBe(2);
    expect(b.err).toBe('glasslab md: --resume ipl.ckpt was run with model ipl3d, not ka; pass --model ipl3d\n');
    expect(existsSync(join(dir, 'x.data'))).toBe(false);
    const c = await cli('md', '--resume', 'ipl.ckpt', '--model', 'ipl3d', '--temp', '0.5', '--steps', '5', '--thermo', '0', '--quiet');
    expect(c.code, c.err).toBe(0);
    rmSync(join(dir, 'ipl.ckpt'));
  });

  it('still reads a checkpoint that records no model, with a note', async () => {
    const sys = randomConfiguration({ n: 300, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 2 });
    initVelocities(sys, 0.8, 1, getUnits('lj'));
    const run = await runMd(sys, createForceProvider(getPotential('ka')), { integrator: nvt({ Tstart: 0.8, Tstop: 0.8, Tdamp: 0.5 }), dt: 0.005, steps: 5 });
    saveCheckpoint(join(dir, 'old.ckpt'), run.state);
    const r = await cli('md', '--resume', 'old.ckpt', '--temp', '0.8', '--tdamp', '0.5', '--steps', '5', '--thermo', '0');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/md: note: old\.ckpt does not record its model \(written by an older glasslab\); make sure --model ka is the model it was run with/);
    rmSync(join(dir, 'old.ckpt'));
  });
});

describe('outputs checked before the run, committed together', () => {
  it('refuses unknown extensions, missing folders, collisions and folders before any work (exit 2)', async () => {
    const cases: [string[], string][] = [
      [['md', '--n', '300', '--temp', '0.8', '--steps', '100000', '--final', 'x.foo'],
        'glasslab md: --final x.foo: not a name this option writes; use .data, .lmp, .lammps, .dump, .lammpstrj, .trj, .xyz, .extxyz (optionally .gz)\n'],
      [['md', '--n', '300', '--temp', '0.8', '--steps', '100000', '--dump', 'd.dump', '--final', 'd.dump'],
        'glasslab md: --dump d.dump and --final d.dump are the same file; give each output its own name\n'],
      [['md', '--n', '300', '--temp', '0.8', '--steps', '100000', '--dump', 'd.csv'],
        'glasslab md: --dump d.csv: not a name this option writes; use .dump, .lammpstrj, .trj (optionally .gz)\n'],
      [['md', '--n', '300', '--temp', '0.8', '--steps', '100000', '--thermo-csv', 'nodir/t.csv'],
        'glasslab md: --thermo-csv nodir/t.csv: folder nodir does not exist; create it first\n'],
      [['md', '--n', '300', '--temp', '0.8', '--steps', '100000', '--checkpoint', 'run.data'],
        'glasslab md: --checkpoint run.data: not a name this option writes; use a name that is not a configuration or CSV name, e.g. run.ckpt\n'],
      [['energy', 'ka.data', '--out', 'folder.data'], 'glasslab energy: --out folder.data is a folder; give a file name\n'],
      [['phop', 'three.dump', '--frame-dt', '1', '--out', 'op.csv', '--events', 'nodir/e.csv'],
        'glasslab phop: --events nodir/e.csv: folder nodir does not exist; create it first\n'],
      [['lte', 'ka.data', '--model', 'ka', '--out', 'a.csv', '--field', './a.csv'],
        'glasslab lte: --out a.csv and --field ./a.csv are the same file; give each output its own name\n'],
    ];
    for (const [argv, msg] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toBe(msg);
    }
    expect(stray()).toEqual([]);
  });

  it('an interrupted md run keeps the frames and thermo rows up to the stop (committed), not the final configuration', async () => {
    const ac = new AbortController();
    let err = '';
    const io: MainIO = { stdout: { write: () => {} }, stderr: { write: (t: string) => { err += t; } }, env: {}, cwd: dir, signal: ac.signal };
    const running = main(['md', '--n', '300', '--temp', '0.8', '--steps', '10000000', '--dump', 'int.dump',
      '--thermo-csv', 'int.csv', '--final', 'int.data', '--quiet'], io, createRegistry());
    setTimeout(() => ac.abort(), 1500);
    expect(await running).toBe(130);
    expect(err).toMatch(/^glasslab md: interrupted: stopped at step \d+; the dump holds the frames up to there\n$/);
    expect(readFileSync(join(dir, 'int.dump'), 'utf8')).toMatch(/^ITEM: TIME/);
    expect(readFileSync(join(dir, 'int.csv'), 'utf8')).toMatch(/^Step,Time,/);
    expect(existsSync(join(dir, 'int.data'))).toBe(false);
    for (const f of ['int.dump', 'int.csv']) rmSync(join(dir, f));
    expect(stray()).toEqual([]);
  });

  it('a run that fails after writing an output leaves no output and no staging folder', async () => {
    // two frames: the CSV is written, then p_c (the alpha_2 peak) fails
    const a = randomConfiguration({ n: 50, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 1 });
    const b = randomConfiguration({ n: 50, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 1 });
    b.timestep = 1;
    for (let i = 0; i < b.positions.length; i++) b.positions[i] += 0.01 * ((i % 7) - 3);
    await writeDump(join(dir, 'two.dump'), [a, b]);
    fixtures.add('two.dump');
    writeFileSync(join(dir, 'o.csv'), 'an older result\n');
    fixtures.add('o.csv');
    const r = await cli('dynamics', 'two.dump', '--frame-dt', '0.1', '--out', 'o.csv', '--quiet');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/alpha_2 of all has no maximum/);
    expect(readFileSync(join(dir, 'o.csv'), 'utf8')).toBe('an older result\n');
    expect(stray()).toEqual([]);
  });
});

describe('md options that were silently wrong or failed deep inside', () => {
  it('refuses --n with --init or --resume, and a thermostat at --temp 0, at the option (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['--init', 'ka.data', '--n', '100', '--temp', '1'], /^glasslab md: --n applies to a random start; it cannot be combined with --init\n$/],
      [['--resume', 'none.ckpt', '--n', '100', '--temp', '1'], /^glasslab md: --n applies to a random start; it cannot be combined with --resume\n$/],
      [['--n', '300', '--temp', '0'], /^glasslab md: --temp 0: a thermostat \(--ensemble nvt\) needs a positive temperature; to start at rest use --ensemble nve --temp 0/],
      [['--n', '300', '--temp', '1', '--temp-final', '0', '--ensemble', 'npt', '--pressure', '1'], /^glasslab md: --temp-final 0: a thermostat \(--ensemble npt\)/],
    ];
    for (const [argv, msg] of cases) {
      const r = await cli('md', '--steps', '10', ...argv);
      expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(msg);
    }
    const nve = await cli('md', '--n', '300', '--ensemble', 'nve', '--temp', '0', '--steps', '2', '--quiet');
    expect(nve.code, nve.err).toBe(0);
  });

  it('blames a blow-up on the timestep and temperature, not on duplicated atoms', async () => {
    for (const argv of [['--ensemble', 'nve', '--temp', '1e6'], ['--temp', '1e6']]) {
      const r = await cli('md', '--n', '300', '--dt', '0.05', '--steps', '200', '--dump', 'blow.dump', ...argv, '--quiet');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^glasslab md: error: the run blew up at step \d+: reduce --dt \(now 0\.05\) or check --temp \(1000000\); /);
      expect(r.err).not.toMatch(/duplicated/);
    }
    expect(stray()).toEqual([]);
  });

  it('estimates the memory of a random start from --n and refuses what the machine cannot hold, before allocating', async () => {
    const t0 = performance.now();
    const r = await cli('md', '--n', '1000000000', '--temp', '1', '--steps', '1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^glasslab md: --n 1000000000 needs about [\d.]+ GiB of memory \(\d+ bytes per atom, ~\d+ neighbours each\); this machine has [\d.]+ GiB: use \d+ atoms or fewer\n$/);
    expect(performance.now() - t0).toBeLessThan(5000);
    const est = estimateMdMemory({ n: 1000, dim: 3, density: 1.2, listRadius: 2.8 });
    expect(est.neighbors).toBeCloseTo(1.2 * (4 / 3) * Math.PI * 2.8 ** 3, 10);
    expect(estimateMdMemory({ n: 2000, dim: 3, density: 1.2, listRadius: 2.8 }).bytes).toBe(2 * est.bytes);
    // measured: ~1000 bytes per KA atom (resident set of a 400k-atom run)
    expect(est.bytesPerAtom).toBeGreaterThan(500);
    expect(est.bytesPerAtom).toBeLessThan(2000);
  });

  it('a Ctrl-C during the setup of a large start stops before the first step and writes nothing', async () => {
    const ac = new AbortController();
    let err = '';
    const io: MainIO = { stdout: { write: () => {} }, stderr: { write: (t: string) => { err += t; } }, env: {}, cwd: dir, signal: ac.signal };
    setTimeout(() => ac.abort(), 0);
    const code = await main(['md', '--n', '20000', '--temp', '1', '--steps', '1000', '--dump', 'setup.dump', '--quiet'], io, createRegistry());
    expect(code).toBe(130);
    expect(err).toBe('glasslab md: interrupted: stopped during setup, before the first step; no file written\n');
    expect(stray()).toEqual([]);
  });

  it('says in --help that --steps counts from the checkpoint with --resume', async () => {
    const r = await cli('md', '--help');
    expect(r.out).toMatch(/With --resume, --steps counts the steps still to run from the checkpoint/);
    expect(r.out).toMatch(/--resume FILE[^\n]*--steps then counts the steps still to run from it/);
  });
});

describe('md --resume continues the dump', () => {
  // the default dump stride (100 steps) throughout
  const C = ['--n', '300', '--temp', '0.8', '--thermo', '0', '--quiet'];

  it('a run stopped at its checkpoint and resumed with the same --dump writes the dump of the uninterrupted run', async () => {
    expect((await cli('md', ...C, '--steps', '500', '--dump', 'whole.dump')).code).toBe(0);
    expect((await cli('md', ...C, '--steps', '300', '--dump', 'part.dump', '--checkpoint', 'part.ckpt')).code).toBe(0);
    const r = await runCli(dir, 'md', '--resume', 'part.ckpt', '--temp', '0.8', '--thermo', '0', '--steps', '200', '--dump', 'part.dump');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/md: continuing the dump: 4 frame\(s\) \(steps 0\.\.300\) copied from part\.dump, up to the checkpoint's step 300\n/);
    expect(readFileSync(join(dir, 'part.dump'), 'utf8')).toBe(readFileSync(join(dir, 'whole.dump'), 'utf8'));
    for (const f of ['whole.dump', 'part.dump', 'part.ckpt']) rmSync(join(dir, f));
  });

  it('after kill -9, reports the unfinished dump and continues from its complete frames', async () => {
    expect((await cli('md', ...C, '--steps', '400', '--dump', 'k.dump', '--checkpoint', 'k.ckpt')).code).toBe(0);
    // what a killed run leaves: its staging folder with the dump's temporary file, cut inside a frame
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const stage = join(dir, `.glasslab-out-${dead}-1`);
    mkdirSync(stage);
    const text = readFileSync(join(dir, 'k.dump'), 'utf8');
    const cut = text.indexOf('ITEM: TIMESTEP\n300\n') + 600;
    writeFileSync(join(stage, `k.dump.tmp-${dead}`), text.slice(0, cut));
    rmSync(join(dir, 'k.dump'));
    const r = await runCli(dir, 'md', '--resume', 'k.ckpt', '--temp', '0.8', '--thermo', '0', '--steps', '200', '--dump', 'k.dump');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`md: note: .glasslab-out-${dead}-1/ holds the unfinished outputs of a run that was killed (process ${dead}): k.dump.tmp-${dead}; none of them is complete`);
    expect(r.err).toMatch(/md: continuing the dump: 3 frame\(s\) \(steps 0\.\.200\) copied from the unfinished dump of a killed run, \.glasslab-out-\d+-1\/k\.dump\.tmp-\d+, up to the checkpoint's step 400; frames after step 200 up to step 400 are missing \(lost with the run\); the copy stopped at an unreadable frame/);
    const steps = [...readFileSync(join(dir, 'k.dump'), 'utf8').matchAll(/ITEM: TIMESTEP\n(\d+)\n/g)].map((m) => Number(m[1]));
    expect(steps).toEqual([0, 100, 200, 500, 600]);
    expect(r.err).toMatch(/; \.glasslab-out-\d+-1\/k\.dump\.tmp-\d+ is removed when this run completes\n/);
    // taken over: the unfinished dump and its (now empty) folder are gone
    expect(existsSync(stage)).toBe(false);
    for (const f of ['k.dump', 'k.ckpt']) rmSync(join(dir, f));
  });
});
