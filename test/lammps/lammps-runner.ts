/**
 * Running the reference LAMMPS (`lmp`) from the agreement tests: running an
 * input in a directory (serial or `mpirun -np`) and reading thermo output.
 *
 * Policy (lammpsOrSkip): when `lmp` is missing, tests are skipped with a loud
 * warning on a developer machine, and FAIL when process.env.CI is set (the CI
 * script installs LAMMPS, so a missing binary there is a broken setup).
 */
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LMP = 'lmp';

/** Skip-or-fail policy, shared with the potential tests (one implementation). */
export { lammpsOrSkip } from '../potential/helpers.ts';

/** Processes whose working directory is inside `folder` (Linux /proc): what an interrupted run must not leave behind. */
export function processesIn(folder: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try { if (readlinkSync(`/proc/${p}/cwd`).startsWith(folder)) pids.push(Number(p)); } catch { /* gone or not ours */ }
  }
  return pids;
}

/**
 * Options of a LAMMPS run: MPI ranks (default 1: plain `lmp`), a wall-clock
 * limit (default 120 s), and `partitions` (NEB replicas): `-partition Px1`
 * on P = np ranks.
 */
export interface LammpsRunOptions { np?: number; timeoutMs?: number; partitions?: boolean }

/** Writes `in.lmp` into `dir` and returns the command line that runs it there. */
function lammpsCommand(dir: string, input: string, opts: LammpsRunOptions): { cmd: string; args: string[]; timeout: number; env: NodeJS.ProcessEnv } {
  writeFileSync(join(dir, 'in.lmp'), input);
  const np = opts.np ?? 1;
  const [cmd, args] = np > 1
    ? ['mpirun', ['--allow-run-as-root', '--oversubscribe', '-np', String(np), LMP, '-in', 'in.lmp', '-log', 'log.lammps', ...(opts.partitions ? ['-partition', `${np}x1`] : [])]]
    : [LMP, ['-in', 'in.lmp', '-log', 'log.lammps']];
  return { cmd, args, timeout: opts.timeoutMs ?? 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' } };
}

/** The log text of a finished run, or an error naming the directory with the tail of its output. */
function lammpsResult(dir: string, status: number | null, stdout: string, stderr: string, error?: Error): string {
  if (status !== 0) {
    const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`LAMMPS failed in ${dir} (exit ${status}${error ? `, ${error.message}` : ''}):\n${tail}`);
  }
  return readFileSync(join(dir, 'log.lammps'), 'utf8');
}

/** Run `lmp -in in.lmp` in `dir` with the given input text; returns the log text. */
export function runLammps(dir: string, input: string, opts: LammpsRunOptions = {}): string {
  const c = lammpsCommand(dir, input, opts);
  const r = spawnSync(c.cmd, c.args, { cwd: dir, encoding: 'utf8', timeout: c.timeout, env: c.env });
  return lammpsResult(dir, r.status, r.stdout ?? '', r.stderr ?? '', r.error);
}

/**
 * `runLammps` in the background: resolves with the log text when `lmp`
 * exits, so the test can run the embedded engine on the other core meanwhile.
 */
export function runLammpsAsync(dir: string, input: string, opts: LammpsRunOptions = {}): Promise<string> {
  const c = lammpsCommand(dir, input, opts);
  return new Promise((resolve, reject) => {
    execFile(c.cmd, c.args, { cwd: dir, encoding: 'utf8', timeout: c.timeout, env: c.env, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      try {
        resolve(lammpsResult(dir, status, stdout, stderr, error ?? undefined));
      } catch (e) {
        reject(e);
      }
    });
  });
}

/**
 * Rows of the last thermo block in a LAMMPS log, keyed by the header names
 * (e.g. `Step`, `PotEng`, `Press`, `Pxx`).
 */
export function lastThermo(log: string): Record<string, number>[] {
  const lines = log.split('\n');
  let header: string[] | undefined;
  let rows: Record<string, number>[] = [];
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'Step') {
      header = f;
      rows = [];
      continue;
    }
    if (header && f.length === header.length && f.every((x) => x !== '' && Number.isFinite(Number(x)))) {
      rows.push(Object.fromEntries(header.map((h, k) => [h, Number(f[k])])));
    } else if (header && rows.length > 0) {
      header = undefined; // end of the block
    }
  }
  if (rows.length === 0) throw new Error('no thermo block found in the LAMMPS log');
  return rows;
}
