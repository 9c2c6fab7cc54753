/**
 * Progress display on stderr for the CLI.
 *
 * On a TTY the bar redraws in place (carriage return, at most ~10 redraws a
 * second); otherwise (a log file, CI) it prints a plain line at most every
 * `plainIntervalMs` (default 10 s) plus a final line, so logs stay short.
 * `quiet` silences it entirely.
 *
 * Rate and ETA use the work done since the bar started; the ETA assumes the
 * current mean rate holds.
 */
import { platform } from '../platform/index.ts';

/** Live progress of one long task (a run, a minimization, a frame loop). */
export interface ProgressReporter {
  /** `done` units of work out of `total` (the total may be refined later) */
  update(done: number, total?: number): void;
  /** the task finished (clears a redrawing bar) */
  finish(): void;
}

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  quiet?: boolean;
  /** clock in ms (injectable for tests); default performance.now */
  now?: () => number;
  /** minimum interval between plain (non-TTY) lines; default 10000 ms */
  plainIntervalMs?: number;
  /** unit of the work counted, e.g. 'steps' (shown in the rate) */
  unit?: string;
}

const TTY_INTERVAL_MS = 100;

export function createProgress(label: string, total: number, opts: ProgressOptions = {}): ProgressReporter {
  if (opts.quiet) return { update() {}, finish() {} };
  const stream = opts.stream ?? { write: (t: string) => platform.writeStderr(t), ...platform.stderrTty() };
  const now = opts.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const interval = tty ? TTY_INTERVAL_MS : (opts.plainIntervalMs ?? 10_000);
  const unit = opts.unit ?? 'it';
  const t0 = now();
  let last = -Infinity;
  let done = 0;
  let finished = false;

  const render = (): string => {
    const elapsed = (now() - t0) / 1000;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : NaN;
    const pct = `${(100 * frac).toFixed(1).padStart(5)}%`;
    const stats = `${done}/${total} ${unit}, ${formatRate(rate)} ${unit}/s, elapsed ${formatDuration(elapsed)}, ETA ${formatDuration(eta)}`;
    if (!tty) return `${label}: ${pct.trim()} (${stats})`;
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - label.length - stats.length - 12));
    const filled = Math.round(frac * width);
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct} ${stats}`;
  };

  const draw = (force: boolean): void => {
    const t = now();
    if (!force && t - last < interval) return;
    last = t;
    if (tty) stream.write(`\r${render()}\x1b[K`);
    else stream.write(`${render()}\n`);
  };

  return {
    update(d: number, newTotal?: number) {
      if (finished) return;
      done = d;
      if (newTotal !== undefined) total = newTotal;
      draw(false);
    },
    finish() {
      if (finished) return;
      finished = true;
      draw(true);
      if (tty) stream.write('\n');
    },
  };
}

function formatRate(r: number): string {
  if (!(r > 0)) return '0';
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toPrecision(2);
}

/** Seconds as 'm:ss' or 'h:mm:ss'; '?' when unknown. */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const t = Math.round(s);
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}
