/**
 * Display from library code: `display(value)` and `progressDisplay(label,
 * total)` work in the glasslab kernel (MIME bundles, an updating progress
 * display via update_display_data) and fall back to plain text on stdout and
 * a stderr progress bar elsewhere (CLI, scripts, tests). The kernel installs
 * itself as the host; the library never imports the kernel.
 */
import { platform } from '../platform/index.ts';
import type { ProgressReporter } from './progress.ts';
import { createProgress } from './progress.ts';
import { plainText, progressBundle, toMimeBundle, toMimeBundles, type DisplayState, type MimeBundle } from './mime.ts';

export interface DisplayHost {
  /** send display_data (or update_display_data when `update`) */
  send(bundle: MimeBundle, opts: { displayId?: string; update?: boolean }): void;
  /** per-notebook state (plotly.js already sent?) */
  readonly state: DisplayState;
}

const HOST = Symbol.for('glasslab.displayHost');

type GlobalWithHost = typeof globalThis & { [HOST]?: DisplayHost };

/** Install (or with `undefined`, remove) the display host: called by the kernel. */
export function setDisplayHost(host: DisplayHost | undefined): void {
  (globalThis as GlobalWithHost)[HOST] = host;
}

export function displayHost(): DisplayHost | undefined {
  return (globalThis as GlobalWithHost)[HOST];
}

/**
 * Show `value` as a rich output now (a figure, a table, a result). An
 * analysis result is several outputs (summary, each figure, table:
 * toMimeBundles), except with a `displayId`, which names one output to
 * update: then it is the one bundle of toMimeBundle.
 */
export function display(value: unknown, opts: { displayId?: string; update?: boolean } = {}): void {
  const host = displayHost();
  if (!host) platform.writeStdout(`${plainText(value)}\n`);
  else if (opts.displayId !== undefined) host.send(toMimeBundle(value, host.state), opts);
  else for (const b of toMimeBundles(value, host.state)) host.send(b, opts);
}

let progressCounter = 0;

/** Minimum time between two progress updates sent to the notebook [ms]. */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * A progress display for `total` units of work: in the kernel one output
 * updated in place (update_display_data, at most every 250 ms, and at the
 * end); elsewhere the CLI's stderr progress bar.
 */
export function progressDisplay(label: string, total: number, opts: { quiet?: boolean; now?: () => number; unit?: string } = {}): ProgressReporter {
  const host = displayHost();
  if (!host) return createProgress(label, total, { quiet: opts.quiet, unit: opts.unit });
  const unit = opts.unit ?? '';
  if (opts.quiet) return { update() {}, finish() {} };
  const now = opts.now ?? (() => performance.now());
  const displayId = `glasslab-progress-${platform.processId}-${progressCounter++}`;
  const t0 = now();
  let last = t0;
  let done = 0;
  let finished = false;
  const elapsed = () => (now() - t0) / 1000;
  host.send(progressBundle(label, 0, total, 0, false, unit), { displayId });
  return {
    update(d: number, t?: number) {
      if (finished) return;
      done = d;
      if (t !== undefined) total = t;
      const tn = now();
      if (tn - last < PROGRESS_INTERVAL_MS) return;
      last = tn;
      host.send(progressBundle(label, done, total, elapsed(), false, unit), { displayId, update: true });
    },
    finish() {
      if (finished) return;
      finished = true;
      host.send(progressBundle(label, done, total, elapsed(), true, unit), { displayId, update: true });
    },
  };
}
