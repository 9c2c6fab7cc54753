/**
 * `md --engine lammps --write-only DIR --submit slurm`: the job folder, the
 * Slurm script's text, and the script run here by bash with `srun` replaced
 * by a pass-through (`exec "$@"`) on the PATH, which proves the deck, the
 * folders and the paths are right; a fake `sbatch` on the PATH takes the
 * submission and answers a job id.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDumpFrames, readSystem } from '../../src/io/index.ts';
import { lammpsOrSkip } from '../lammps/lammps-runner.ts';
import { runJobScript, slurmSandbox } from './slurm-job.ts';
import { runCli } from './run-cli.ts';

const haveLmp = lammpsOrSkip('md --submit slurm');
let dir: string, bin: string;
beforeAll(async () => ({ dir, bin } = await slurmSandbox('glasslab-submit-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('md --submit slurm: options', () => {
  it('refuses sbatch settings without --submit, --submit without a job folder, --mpi with it, a bad --time', async () => {
    const base = ['md', '--n', '64', '--temp', '0.5', '--engine', 'lammps'];
    const cases: [string[], string][] = [
      [['--write-only', 'j1', '--ntasks', '4'], 'glasslab md: --ntasks applies to --submit slurm'],
      [['--submit', 'slurm'], 'glasslab md: --submit writes a job folder: add --engine lammps --write-only DIR'],
      [['--write-only', 'j1', '--submit', 'slurm', '--mpi', '2'], 'glasslab md: --mpi starts mpirun here; in a Slurm job srun starts the ranks: give --ntasks N instead'],
      [['--write-only', 'j1', '--submit', 'slurm', '--time', '3 days'],
        "glasslab md: --time '3 days' is not a Slurm time: give minutes, HH:MM:SS or D-HH:MM:SS (e.g. 24:00:00 or 2-00:00:00)"],
      [['--write-only', 'j1', '--submit', 'slurm', '--partition', 'a;b'], "glasslab md: --partition 'a;b' has characters Slurm names do not have (letters, digits, _ . + - only)"],
    ];
    for (const [extra, msg] of cases) {
      const r = await runCli(dir, ...base, ...extra);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.err.trim()).toBe(msg);
    }
    expect(existsSync(join(dir, 'j1'))).toBe(false);
  });

  it('minimize and shear take the same job-folder options, refused in one line the same way', async () => {
    for (const cmd of ['minimize', 'shear']) {
      const base = [cmd, 'start.data', '--out', cmd === 'shear' ? 'ev.csv' : 'is.data'];
      const cases: [string[], string][] = [
        [['--write-only', 'j2'], `glasslab ${cmd}: --write-only applies to --engine lammps`],
        [['--engine', 'lammps', '--submit', 'slurm'], `glasslab ${cmd}: --submit writes a job folder: add --engine lammps --write-only DIR`],
        [['--engine', 'lammps', '--write-only', 'j2', '--ntasks', '4'], `glasslab ${cmd}: --ntasks applies to --submit slurm`],
        [['--engine', 'lammps', '--write-only', 'j2', '--submit', 'slurm', '--mpi', '2'], `glasslab ${cmd}: --mpi starts mpirun here; in a Slurm job srun starts the ranks: give --ntasks N instead`],
        [['--engine', 'lammps', '--write-only', 'start.data'], `glasslab ${cmd}: --write-only start.data exists and is not an empty folder; give a new or empty folder`],
      ];
      for (const [extra, msg] of cases) {
        const r = await runCli(dir, ...base, ...extra);
        expect(r.code, `${cmd} ${extra.join(' ')}`).toBe(2);
        expect(r.err.trim()).toBe(msg);
      }
    }
    expect(existsSync(join(dir, 'j2'))).toBe(false);
  });
});

describe.skipIf(!haveLmp)('md --submit slurm', () => {
  it('one run: #SBATCH lines from the options, srun lmp in the job folder; run by bash it writes the dump and final.dump', async () => {
    const r = await runCli(dir, 'md', '--init', 'start.data', '--temp', '0.8', '--steps', '100', '--thermo', '20', '--dump', 'traj.dump', '--every', '50',
      '--engine', 'lammps', '--write-only', 'one', '--submit', 'slurm', '--nodes', '2', '--ntasks', '64', '--time', '2-00:00:00', '--partition', 'standard', '--account', 'glass01');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('sbatch is not on the PATH: on the cluster, run: cd one && sbatch job.slurm; when it has run: glasslab collect one');
    const script = readFileSync(join(dir, 'one', 'job.slurm'), 'utf8');
    const sbatch = script.split('\n').filter((l) => l.startsWith('#SBATCH'));
    expect(sbatch).toEqual([
      '#SBATCH --job-name=glasslab-md', '#SBATCH --nodes=2', '#SBATCH --ntasks=64', '#SBATCH --time=2-00:00:00',
      '#SBATCH --partition=standard', '#SBATCH --account=glass01', '#SBATCH --output=slurm-%j.out',
    ]);
    expect(script.trimEnd().split('\n').at(-1)).toBe('srun lmp -in in.md.lmp -log log.lammps');
    expect(script).not.toContain('SLURM_ARRAY_TASK_ID');

    const run = runJobScript(bin, dir, join(dir, 'one'));
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(dir, 'one', 'log.lammps'), 'utf8')).toMatch(/^Total wall time: /m);
    const frames = [];
    for await (const f of readDumpFrames(join(dir, 'one', 'traj.dump'))) frames.push(f.timestep);
    expect(frames).toEqual([0, 50, 100]);
    expect((await readSystem(join(dir, 'one', 'final.dump'))).n).toBe((await readSystem(join(dir, 'start.data'))).n);
  });

  it('an ensemble is a job array: one run folder per member, same positions with --init, velocities by seed + k', async () => {
    const r = await runCli(dir, 'md', '--init', 'start.data', '--temp', '0.8', '--steps', '40', '--thermo', '20', '--seed', '7',
      '--engine', 'lammps', '--write-only', 'iso', '--members', '3', '--submit', 'slurm', '--ntasks', '2');
    expect(r.code, r.err).toBe(0);
    const script = readFileSync(join(dir, 'iso', 'job.slurm'), 'utf8');
    expect(script).toMatch(/^#SBATCH --array=0-2$/m);
    expect(script).toMatch(/^#SBATCH --output=slurm-%A_%a\.out$/m);
    const m = JSON.parse(readFileSync(join(dir, 'iso', 'job.json'), 'utf8'));
    expect(m.members).toEqual(['member-000', 'member-001', 'member-002']);
    const starts = await Promise.all(m.members.map((f: string) => readSystem(join(dir, 'iso', f, 'start.data'))));
    expect(Array.from(starts[1].positions)).toEqual(Array.from(starts[0].positions));
    expect(Array.from(starts[1].velocities!)).not.toEqual(Array.from(starts[0].velocities!));
    // without an array task id the script says what it needs
    const bare = runJobScript(bin, dir, join(dir, 'iso'));
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toContain('this job is an array of 3 members: submit it with sbatch, or set SLURM_ARRAY_TASK_ID to 0..2');
    for (const k of [0, 2]) expect(runJobScript(bin, dir, join(dir, 'iso'), k).status).toBe(0);
    expect(existsSync(join(dir, 'iso', 'member-000', 'final.dump'))).toBe(true);
    expect(existsSync(join(dir, 'iso', 'member-001', 'log.lammps'))).toBe(false);
    expect(existsSync(join(dir, 'iso', 'member-002', 'final.dump'))).toBe(true);
  });

  it('with sbatch on the PATH, submits from the job folder and prints the job id', async () => {
    const fake = join(dir, 'sbatch-bin');
    mkdirSync(fake);
    writeFileSync(join(fake, 'sbatch'), `#!/bin/sh\necho "$PWD $*" > ${join(dir, 'sbatch-args')}\necho "4242;cluster"\n`);
    chmodSync(join(fake, 'sbatch'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${fake}:${path}`;
    try {
      const r = await runCli(dir, 'md', '--init', 'start.data', '--temp', '0.8', '--steps', '10', '--engine', 'lammps', '--write-only', 'sub', '--submit', 'slurm');
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('submitted job 4242; when it has run: glasslab collect sub');
    } finally {
      process.env.PATH = path;
    }
    expect(readFileSync(join(dir, 'sbatch-args'), 'utf8').trim()).toBe(`${join(dir, 'sub')} --parsable job.slurm`);
  });

  it('a --launcher replaces srun in the script', async () => {
    const r = await runCli(dir, 'md', '--init', 'start.data', '--temp', '0.8', '--steps', '10', '--engine', 'lammps', '--write-only', 'launch',
      '--submit', 'slurm', '--launcher', 'mpirun --bind-to core', '--lmp', '/opt/lammps/bin/lmp');
    expect(r.code, r.err).toBe(0);
    const script = readFileSync(join(dir, 'launch', 'job.slurm'), 'utf8');
    expect(script.trimEnd().split('\n').at(-1)).toBe('mpirun --bind-to core /opt/lammps/bin/lmp -in in.md.lmp -log log.lammps');
  });
});
