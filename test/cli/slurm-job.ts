/**
 * Test helper for job folders (md --write-only --submit slurm): a scratch
 * folder with the KA start configuration and a `bin/srun` that passes its
 * command through (`exec "$@"`), and the job script run by bash as Slurm
 * would run it (array task `task`), here.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLammpsData } from '../../src/io/index.ts';
import { kaGlass } from '../lammps/configs.ts';

/** A scratch folder with start.data (KA, N = 500, with velocities) and bin/srun. */
export async function slurmSandbox(prefix: string): Promise<{ dir: string; bin: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'srun'), '#!/bin/sh\nexec "$@"\n');
  chmodSync(join(bin, 'srun'), 0o755);
  await writeLammpsData(join(dir, 'start.data'), await kaGlass());
  return { dir, bin };
}

/** Run `job`/job.slurm with bash from `cwd`, srun from `bin`, as array task `task` (or a plain job). */
export function runJobScript(bin: string, cwd: string, job: string, task?: number): { status: number | null; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, OMP_NUM_THREADS: '1' };
  delete env.SLURM_SUBMIT_DIR;
  if (task !== undefined) env.SLURM_ARRAY_TASK_ID = String(task);
  const r = spawnSync('bash', [join(job, 'job.slurm')], { cwd, env, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}
