/**
 * `glasslab collect DIR`: a job folder written by md --write-only, run by
 * its Slurm script (srun passed through) and collected, gives the same
 * thermo CSV (byte for byte) and the same final configuration as the same
 * md command run by `--engine lammps` here (serial LAMMPS is deterministic:
 * the same deck gives the same numbers); NPT, so that our conserved column
 * (LAMMPS econserve + P0 V0) is rebuilt from the log too. And the states of
 * runs that did not finish, one line each naming the file.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSystem } from '../../src/io/index.ts';
import { lammpsOrSkip } from '../lammps/lammps-runner.ts';
import { runJobScript, slurmSandbox } from './slurm-job.ts';
import { runCli } from './run-cli.ts';

const haveLmp = lammpsOrSkip('glasslab collect');
let dir: string, bin: string;
beforeAll(async () => ({ dir, bin } = await slurmSandbox('glasslab-collect-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('collect: options', () => {
  it('a folder without job.json is refused in one line', async () => {
    mkdirSync(join(dir, 'plain'));
    const r = await runCli(dir, 'collect', 'plain');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('glasslab collect: plain/job.json does not exist: plain is not a job folder written by md, minimize or shear --engine lammps --write-only');
  });
});

describe.skipIf(!haveLmp)('collect', () => {
  const protocol = ['--init', 'start.data', '--ensemble', 'npt', '--temp', '1.0', '--pressure', '2', '--steps', '200', '--thermo', '20', '--dump', 'traj.dump', '--every', '100'];

  it('gives the thermo CSV and final data of md --engine lammps run here', async () => {
    const here = await runCli(dir, 'md', ...protocol, '--thermo-csv', 'here.csv', '--final', 'here.data', '--engine', 'lammps');
    expect(here.code, here.err).toBe(0);
    const w = await runCli(dir, 'md', ...protocol, '--thermo-csv', 'npt.csv', '--final', 'npt.data', '--engine', 'lammps', '--write-only', 'job', '--submit', 'slurm');
    expect(w.code, w.err).toBe(0);
    expect(runJobScript(bin, dir, join(dir, 'job')).status).toBe(0);
    const c = await runCli(dir, 'collect', 'job');
    expect(c.code, c.err).toBe(0);
    expect(c.out).toMatch(/^job: finished: steps 0\.\.200, .*; wrote job\/npt\.csv, job\/npt\.data$/m);
    expect(readFileSync(join(dir, 'job', 'npt.csv'), 'utf8')).toBe(readFileSync(join(dir, 'here.csv'), 'utf8'));
    const [a, b] = await Promise.all([readSystem(join(dir, 'here.data')), readSystem(join(dir, 'job', 'npt.data'))]);
    expect(Array.from(b.positions)).toEqual(Array.from(a.positions));
    expect(Array.from(b.velocities!)).toEqual(Array.from(a.velocities!));
    expect(b.box.lengths).toEqual(a.box.lengths);
  });

  it('a minimize job: collect writes the inherent structure of minimize --engine lammps run here, with its energy', async () => {
    const line = ['minimize', 'start.data', '--method', 'fire+cg', '--ftol', '1e-8', '--engine', 'lammps'];
    const here = await runCli(dir, ...line, '--out', 'is-here.data');
    expect(here.code, here.err).toBe(0);
    const w = await runCli(dir, ...line, '--out', 'is.data', '--write-only', 'min', '--submit', 'slurm', '--time', '30');
    expect(w.code, w.err).toBe(0);
    expect(w.out).toContain('wrote min/ (500 atoms, model ka, fire+cg) and min/job.slurm');
    const script = readFileSync(join(dir, 'min', 'job.slurm'), 'utf8');
    expect(script).toMatch(/^#SBATCH --job-name=glasslab-minimize$/m);
    expect(script.trimEnd().split('\n').at(-1)).toBe('srun lmp -in in.minimize.lmp -log log.lammps');
    expect(runJobScript(bin, dir, join(dir, 'min')).status).toBe(0);
    const c = await runCli(dir, 'collect', 'min');
    expect(c.code, c.err).toBe(0);
    const peHere = /^pe\/atom (\S+)/m.exec(here.out)![1];
    expect(c.out).toMatch(/^min: finished: pe\/atom \S+, max force \S+ \(converged\), \d+ iterations, LAMMPS wall \d+ s; wrote min\/is\.data$/m);
    expect(/^min: finished: pe\/atom (\S+),/m.exec(c.out)![1]).toBe(peHere);
    const [a, b] = await Promise.all([readSystem(join(dir, 'is-here.data')), readSystem(join(dir, 'min', 'is.data'))]);
    expect(Array.from(b.positions)).toEqual(Array.from(a.positions));
  });

  it('names each unfinished member and its file: not started, running, LAMMPS error, killed by Slurm, missing dump', async () => {
    const w = await runCli(dir, 'md', '--init', 'start.data', '--temp', '1.0', '--steps', '40', '--thermo', '20', '--dump', 'traj.dump', '--every', '20',
      '--engine', 'lammps', '--write-only', 'ens', '--members', '6', '--submit', 'slurm');
    expect(w.code, w.err).toBe(0);
    for (const k of [0, 2, 3, 4, 5]) expect(runJobScript(bin, dir, join(dir, 'ens'), k).status).toBe(0);
    const m = (k: number, f: string) => join(dir, 'ens', `member-00${k}`, f);
    // member 1 never ran; member 2 is still running (its log stops before the end)
    const log2 = readFileSync(m(2, 'log.lammps'), 'utf8');
    writeFileSync(m(2, 'log.lammps'), log2.slice(0, log2.indexOf('      20 ')));
    // member 3: LAMMPS stopped on an error
    appendFileSync(m(3, 'log.lammps'), 'ERROR: Lost atoms: original 500 current 498 (src/thermo.cpp:481)\n');
    // member 4: Slurm killed it at its time limit (log cut, the job's output file says so)
    const log4 = readFileSync(m(4, 'log.lammps'), 'utf8');
    writeFileSync(m(4, 'log.lammps'), log4.slice(0, log4.indexOf('Loop time')));
    writeFileSync(join(dir, 'ens', 'slurm-777_4.out'), 'LAMMPS (29 Sep 2021)\nslurmstepd: error: *** JOB 781 ON node12 CANCELLED AT 2026-12-06T03:00:00 DUE TO TIME LIMIT ***\n');
    // member 5: finished but its dump is gone
    rmSync(m(5, 'traj.dump'));
    const c = await runCli(dir, 'collect', 'ens');
    expect(c.code).toBe(1);
    const err = c.err.trim().split('\n');
    expect(err).toEqual([
      'member-001: not started: no ens/member-001/log.lammps yet (still queued, or not submitted)',
      'member-002: running: ens/member-002/log.lammps stops at step 0 of 40 (still running, or killed without a message)',
      'member-003: failed: LAMMPS failed at step 40 of 40: ERROR: Lost atoms: original 500 current 498 (src/thermo.cpp:481) (ens/member-003/log.lammps)',
      'member-004: failed: killed by Slurm at step 40 of 40: *** JOB 781 ON node12 CANCELLED AT 2026-12-06T03:00:00 DUE TO TIME LIMIT *** (ens/slurm-777_4.out)',
      'member-005: failed: LAMMPS finished but ens/member-005/traj.dump is missing',
      'glasslab collect: error: 5 of 6 run(s) not finished (3 failed, 1 running, 1 not started); 1 collected; rerun the unfinished members alone with sbatch --array=1,2,3,4,5 job.slurm',
    ]);
    expect(c.out).toMatch(/^member-000: finished: steps 0\.\.40, /m);
    expect(readFileSync(m(0, 'thermo.csv'), 'utf8').split('\n')[0]).toBe('Step,Time,Temp,PotEng,KinEng,TotEng,Press,Volume,Conserved');
  });
});
