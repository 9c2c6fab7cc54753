/**
 * The state of the code and the machine a computation ran under, as the
 * records of a run (kernel/provenance.ts) and of a cache entry (cache.ts)
 * store it: the git commit of the checkout and whether it had uncommitted
 * changes, and the load average (a wall time means little without the load
 * it ran under).
 */
import { platform } from '../platform/index.ts';

export interface CodeState {
  /** `git rev-parse HEAD` of the checkout holding `dir`; 'unknown' outside a git checkout */
  commit: string;
  /** the checkout had uncommitted changes to tracked files */
  dirty: boolean;
}

/** git's output, or undefined where it fails or the host has no processes (a browser) */
function git(args: string[], cwd: string): string | undefined {
  const r = platform.commandOutput(['git', ...args], { cwd, timeoutMs: 10_000 });
  return r?.status === 0 ? r.stdout.trim() : undefined;
}

/** Commit and dirtiness of the git checkout that holds the folder `dir`. */
export function codeState(dir: string): CodeState {
  const commit = git(['rev-parse', 'HEAD'], dir) ?? 'unknown';
  const dirty = commit !== 'unknown' && (git(['status', '--porcelain', '--untracked-files=no'], dir) ?? '') !== '';
  return { commit, dirty };
}

/** 1-, 5- and 15-minute load averages (platform.loadAverage), to 2 decimals; zeros where the host has none. */
export function loadAverage(): number[] {
  return platform.loadAverage().map((v) => Math.round(v * 100) / 100);
}
