/**
 * Running the reference LAMMPS (`lmp`) from the agreement tests: running an
 * input in a directory (serial or `mpirun -np`) and reading thermo output.
 *
 * Policy (lammpsOrSkip): when `lmp` is missing, tests are skipped with a loud
 * warning on a developer machine, and FAIL when process.env.CI is set (the CI
 * script installs LAMMPS, so a missing binary there is a broken setup).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LMP = 'lmp';

/** Skip-or-fail policy, shared with the potential tests (one implementation). */
export { lammpsOrSkip } from '../potential/helpers.ts';

/** Run `lmp -in in.lmp` in `dir` with the given input text; returns the log text. */
export function runLammps(dir: string, input: string, opts: { np?: number; timeoutMs?: number } = {}): string {
  const inFile = join(dir, 'in.lmp');
  writeFileSync(inFile, input);
  const np = opts.np ?? 1;
  const [cmd, args] = np > 1
    ? ['mpirun', ['--allow-run-as-root', '--oversubscribe', '-np', String(np), LMP, '-in', 'in.lmp', '-log', 'log.lammps']]
    : [LMP, ['-in', 'in.lmp', '-log', 'log.lammps']];
  const r = spawnSync(cmd, args as string[], {
    cwd: dir, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`LAMMPS failed in ${dir} (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${tail}`);
  }
  return readFileSync(join(dir, 'log.lammps'), 'utf8');
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
