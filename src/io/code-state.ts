/**
 * The state of the code and the machine a computation ran under, as the
 * records of a run (kernel/provenance.ts) and of a cache entry (cache.ts)
 * store it: the git commit of the checkout and whether it had uncommitted
 * changes, and the load average (a wall time means little without the load
 * it ran under).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';

export interface CodeState {
  /** `git rev-parse HEAD` of the checkout holding `dir`; 'unknown' outside a git checkout */
  commit: string;
  /** the checkout had uncommitted changes to tracked files */
  dirty: boolean;
}

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

/** Commit and dirtiness of the git checkout that holds the folder `dir`. */
export function codeState(dir: string): CodeState {
  const commit = git(['rev-parse', 'HEAD'], dir) ?? 'unknown';
  const dirty = commit !== 'unknown' && (git(['status', '--porcelain', '--untracked-files=no'], dir) ?? '') !== '';
  return { commit, dirty };
}

/** 1-, 5- and 15-minute load averages (os.loadavg), to 2 decimals; zeros where the host has none. */
export function loadAverage(): number[] {
  return loadavg().map((v) => Math.round(v * 100) / 100);
}
