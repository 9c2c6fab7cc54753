/**
 * %time and %timeit, with IPython's measurement rules and output format
 * (IPython/core/magics/execution.py: `_format_time`, `TimeitResult`).
 */

const UNITS = ['s', 'ms', '\u00b5s', 'ns'] as const;
const SCALE = [1, 1e3, 1e6, 1e9] as const;

/** Python's `'%.*g' % (precision, x)`. */
function formatG(x: number, precision: number): string {
  return String(Number(x.toPrecision(precision)));
}

/**
 * A time span as IPython writes it: 3 significant digits in s, ms, µs or ns
 * ("1.23 ms", "500 µs"); spans of a minute or more as "1min 5s"/"2h 1min 3s".
 */
import { cpuTimes } from '../../src/platform/index.ts';

export function formatTime(seconds: number, precision = 3): string {
  if (seconds >= 60) {
    const parts: [string, number][] = [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]];
    let left = seconds;
    const out: string[] = [];
    for (const [suffix, len] of parts) {
      const v = Math.floor(left / len);
      if (v > 0) {
        out.push(`${v}${suffix}`);
        left %= len;
      }
    }
    return out.join(' ');
  }
  const order = seconds > 0 ? Math.min(-Math.floor(Math.floor(Math.log10(seconds)) / 3), 3) : 3;
  return `${formatG(seconds * SCALE[order], precision)} ${UNITS[order]}`;
}

export interface TimeResult<T> {
  value: T;
  /** seconds */
  wall: number;
  user: number;
  sys: number;
}

/** Run `fn` once and measure wall and CPU time (platform cpuTimes, all threads of the process; NaN in a browser). */
export async function timeOnce<T>(fn: () => T | Promise<T>): Promise<TimeResult<Awaited<T>>> {
  const c0 = cpuTimes();
  const t0 = performance.now();
  const value = await fn();
  const wall = (performance.now() - t0) * 1e-3;
  const c = cpuTimes();
  return { value: value as Awaited<T>, wall, user: c.user - c0.user, sys: c.system - c0.system };
}

/** IPython's %time report: "CPU times: user X, sys: Y, total: Z\nWall time: W". */
export function formatTimeReport(r: TimeResult<unknown>): string {
  return `CPU times: user ${formatTime(r.user)}, sys: ${formatTime(r.sys)}, total: ${formatTime(r.user + r.sys)}\n`
    + `Wall time: ${formatTime(r.wall)}\n`;
}

/** The result of %timeit: per-loop times of each run, in seconds. */
export class TimeitResult {
  constructor(
    /** loops per run */
    readonly loops: number,
    /** runs */
    readonly repeat: number,
    /** total time of each run [s] */
    readonly allRuns: readonly number[],
  ) {}

  /** per-loop time of each run [s] */
  get timings(): number[] {
    return this.allRuns.map((t) => t / this.loops);
  }
  get average(): number {
    const t = this.timings;
    return t.reduce((a, b) => a + b, 0) / t.length;
  }
  /** population standard deviation of the per-loop times (IPython's convention) [s] */
  get stdev(): number {
    const t = this.timings;
    const m = this.average;
    return Math.sqrt(t.reduce((a, b) => a + (b - m) ** 2, 0) / t.length);
  }
  get best(): number {
    return Math.min(...this.timings);
  }
  get worst(): number {
    return Math.max(...this.timings);
  }

  /** "X ms ± Y µs per loop (mean ± std. dev. of R runs, L loops each)" */
  toString(): string {
    const pm = '\u00b1';
    const runs = `${this.repeat} run${this.repeat !== 1 ? 's' : ''}`;
    const loops = `${this.loops.toLocaleString('en-US')} loop${this.loops !== 1 ? 's' : ''} each`;
    return `${formatTime(this.average)} ${pm} ${formatTime(this.stdev)} per loop (mean ${pm} std. dev. of ${runs}, ${loops})`;
  }
}

/** Time `loops` calls of `fn`, awaiting results that are promises [s]. */
async function runLoops(fn: () => unknown, loops: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < loops; i++) {
    const r = fn();
    if (r instanceof Promise) await r;
  }
  return (performance.now() - t0) * 1e-3;
}

/**
 * %timeit: `repeat` runs of `loops` calls each. Without `loops`, IPython's
 * rule: the smallest power of ten whose run takes at least 0.2 s (at most 1e9).
 */
export async function timeit(fn: () => unknown, opts: { loops?: number; repeat?: number; signal?: AbortSignal } = {}): Promise<TimeitResult> {
  const repeat = opts.repeat ?? 7;
  let loops = opts.loops ?? 0;
  const runs: number[] = [];
  if (loops === 0) {
    for (let k = 0; k < 10; k++) {
      loops = 10 ** k;
      const t = await runLoops(fn, loops);
      opts.signal?.throwIfAborted();
      if (t >= 0.2) break; // the calibration run is not one of the `repeat` runs (as in IPython)
    }
  }
  while (runs.length < repeat) {
    runs.push(await runLoops(fn, loops));
    opts.signal?.throwIfAborted();
  }
  return new TimeitResult(loops, repeat, runs);
}
