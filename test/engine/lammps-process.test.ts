/**
 * Starting LAMMPS (src/engine/lammps-process.ts): the command line for lmp,
 * mpirun and a launcher, and a failing deck reported by its ERROR line and
 * its path. The process-group handling (an interrupted run leaves no
 * process) is tested through the md command, test/cli/md-lammps.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lammpsArgv, runLammpsDeck, splitCommandLine } from '../../src/engine/lammps-process.ts';
import { lammpsOrSkip } from '../lammps/lammps-runner.ts';

const haveLmp = lammpsOrSkip('a failing LAMMPS deck');
const dir = mkdtempSync(join(tmpdir(), 'glasslab-lmp-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lammpsArgv: how LAMMPS is started', () => {
  it('lmp alone, under mpirun -np N, or under a launcher', () => {
    expect(lammpsArgv({}, 'in.lmp')).toEqual([process.env.GLASSLAB_LMP ?? 'lmp', '-in', 'in.lmp', '-log', 'log.lammps']);
    const mpi = lammpsArgv({ mpi: 4, lmp: 'lmp' }, 'in.lmp');
    expect(mpi.slice(0, 1)).toEqual(['mpirun']);
    expect(mpi.slice(-7)).toEqual(['-np', '4', 'lmp', '-in', 'in.lmp', '-log', 'log.lammps']);
    expect(mpi.includes('--allow-run-as-root')).toBe(process.getuid?.() === 0);
    expect(lammpsArgv({ launcher: 'srun -n 128 --cpu-bind="cores"', lmp: 'lmp_mpi' }, 'in.lmp').slice(0, 4)).toEqual(['srun', '-n', '128', '--cpu-bind=cores']);
    expect(splitCommandLine(`mpirun -x "A B" 'c d'`)).toEqual(['mpirun', '-x', 'A B', 'c d']);
    expect(() => lammpsArgv({ mpi: 2, launcher: 'srun' }, 'in.lmp')).toThrow(/either/);
  });
});

describe.skipIf(!haveLmp)('runLammpsDeck', () => {
  it('a LAMMPS error fails with its ERROR line and the deck path', async () => {
    const run = mkdtempSync(join(dir, 'bad-'));
    writeFileSync(join(run, 'in.bad'), 'units lj\natom_style atomic\npair_style no/such/style\n');
    const err = await runLammpsDeck(run, 'in.bad', {}).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/^LAMMPS failed: ERROR: Unrecognized pair style 'no\/such\/style'.* \(deck .*in\.bad\)$/);
    expect(err!.message.split('\n')).toHaveLength(1);
  });

});
