/**
 * Heap exhaustion, reported instead of a silent death. A cell that fills the
 * V8 heap would otherwise slow to a crawl in back-to-back garbage
 * collections and then abort the process ("FATAL ERROR: Reached heap limit"),
 * with nothing for the front end but a dead kernel; no JavaScript runs at
 * that point, and Node offers no near-heap-limit callback to JavaScript.
 *
 * So a worker thread (heap-watchdog.mjs) watches the main thread's heap
 * while a cell runs and stops the cell when its live data passes 85 % of
 * the old generation's limit (--max-old-space-size); the cell then fails
 * with a MemoryError saying how much it used, and the kernel lives on. The interrupt is the kernel's own (SIGINT):
 * it stops synchronous cell code and code that awaits, but not a loop after
 * the cell's first `await` (tslab runs only the part before it under vm's
 * breakOnSigint); such a cell still kills the kernel, and then the warning
 * sent on its stderr stream when the watchdog tripped, and the kernel's
 * stderr, say why. (Ending that loop with the inspector's
 * Runtime.terminateExecution was tried: it drops the pending microtasks,
 * among them ZeroMQ's send completions, and the kernel hangs.)
 */
import { writeSync } from 'node:fs';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';

const SLOTS = { RUNNING: 0, TRIPPED: 1, BASELINE: 0, USED: 1, LIMIT: 2 } as const;
/** Globals the watchdog calls (Runtime.evaluate) on the main thread: when it trips, and for a full GC. */
const HOOK = 'glasslab.kernel.heapWatchTripped';
const GC_HOOK = 'glasslab.kernel.heapWatchGc';

/**
 * V8's gc() without --expose-gc for the whole process: the flag is set only
 * while a fresh context is made (cells run in the main context: no `gc` there).
 * A full collection run synchronously, also in the middle of a cell when
 * called at an inspector interrupt (the inspector's HeapProfiler.collectGarbage
 * waits for an empty stack, which a looping cell never leaves).
 */
function grabGc(): () => void {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as () => void;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

/**
 * V8's young generation at its default size (3 semi-spaces of 16 MiB):
 * heap_size_limit counts it on top of the old generation, whose limit
 * (--max-old-space-size) is the one a filling heap dies at.
 */
const YOUNG_GENERATION = 48 * 2 ** 20;

/** The old generation's limit: where a growing heap runs out [bytes]. */
export function oldGenerationLimit(heapSizeLimit = getHeapStatistics().heap_size_limit): number {
  return heapSizeLimit > 2 * YOUNG_GENERATION ? heapSizeLimit - YOUNG_GENERATION : heapSizeLimit / 2;
}

export interface HeapWatchOptions {
  /** live heap / old-generation limit at which the cell is stopped (default 0.85) */
  fraction?: number;
  /** how often the heap is sampled while a cell runs [ms] (default 50) */
  intervalMs?: number;
  /** called on the main thread when the watchdog trips (the warning on the cell's stream) */
  onTrip?: (used: number, limit: number) => void;
}

export interface HeapTrip {
  /** live heap when the cell was stopped [bytes] */
  used: number;
  /** the old generation's limit (--max-old-space-size) [bytes] */
  limit: number;
}

function gb(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GB`;
}

/** The warning sent on the cell's stderr stream when the watchdog trips. */
export function heapWarning(used: number, limit: number): string {
  return `glasslab: this cell uses ${gb(used)} of the ${gb(limit)} JavaScript heap; interrupting it before the heap runs out\n`;
}

/** The error of a cell stopped by the watchdog. */
export function heapError(t: HeapTrip): { ename: string; evalue: string; traceback: string[] } {
  const evalue = `the cell used ${gb(t.used)} of the ${gb(t.limit)} JavaScript heap and was stopped before the heap ran out `
    + '(which would have killed the kernel). Variables it set still hold their memory: release them (x = undefined) '
    + 'or restart the kernel; for a larger heap start Jupyter with NODE_OPTIONS=--max-old-space-size=<MB>.';
  return { ename: 'MemoryError', evalue, traceback: [`MemoryError: ${evalue}`] };
}

export class HeapWatch {
  private readonly state = new Int32Array(new SharedArrayBuffer(2 * 4));
  private readonly stats = new Float64Array(new SharedArrayBuffer(3 * 8));
  private readonly worker: Worker;

  constructor(opts: HeapWatchOptions = {}) {
    this.stats[SLOTS.LIMIT] = oldGenerationLimit();
    (globalThis as Record<symbol, unknown>)[Symbol.for(GC_HOOK)] = grabGc();
    (globalThis as Record<symbol, unknown>)[Symbol.for(HOOK)] = () => {
      opts.onTrip?.(this.stats[SLOTS.USED], this.stats[SLOTS.LIMIT]);
    };
    this.worker = new Worker(new URL('./heap-watchdog.mjs', import.meta.url), {
      workerData: {
        state: this.state, stats: this.stats, slots: SLOTS, hook: HOOK, gcHook: GC_HOOK,
        fraction: opts.fraction ?? 0.85, intervalMs: opts.intervalMs ?? 50,
      },
    });
    this.worker.on('error', (e) => {
      try {
        writeSync(2, `glasslab kernel: the heap watchdog failed (cells are not watched for heap exhaustion): ${e.stack ?? e.message}\n`);
      } catch { /* no stderr */ }
    });
    this.worker.unref();
  }

  /** A cell starts: watch from the heap it starts with. */
  cellStarted(): void {
    this.stats[SLOTS.BASELINE] = getHeapStatistics().used_heap_size;
    Atomics.store(this.state, SLOTS.TRIPPED, 0);
    Atomics.store(this.state, SLOTS.RUNNING, 1);
  }

  /** The cell ended: whether the watchdog stopped it, and at what heap use. */
  cellEnded(): HeapTrip | null {
    Atomics.store(this.state, SLOTS.RUNNING, 0);
    if (Atomics.load(this.state, SLOTS.TRIPPED) === 0) return null;
    return { used: this.stats[SLOTS.USED], limit: this.stats[SLOTS.LIMIT] };
  }

  close(): void {
    void this.worker.terminate();
  }
}
