// The heap watchdog of the glasslab kernel, a worker thread (see
// heap-watch.ts). Plain JavaScript: a worker does not inherit tsx's hooks.
//
// While a cell runs it asks the main thread's V8 for its heap use through
// the inspector (Runtime.getHeapUsage is answered at an interrupt, so also
// while the cell runs a synchronous loop, when no timer of the main thread
// fires). When the live heap (after a forced full GC) passes `fraction` of
// the old generation's limit and the cell added 5 % of the limit or more, it
//  1. tells the main thread (Runtime.evaluate of the kernel's hook: a
//     warning on the cell's stderr stream, sent at once, so a front end
//     sees why even if the kernel dies after all),
//  2. sends the process SIGINT, the kernel's interrupt: it stops synchronous
//     cell code (tslab runs it under vm's breakOnSigint) and cells that
//     await, and the cell fails with a MemoryError (session.ts).
// A loop after a cell's first `await` cannot be interrupted (no JavaScript
// handler runs while it holds the thread); the warning is then what the
// front end gets before the kernel dies.
import { writeSync } from 'node:fs';
import { Session } from 'node:inspector';
import { workerData } from 'node:worker_threads';

const { state, stats, fraction, intervalMs, hook, gcHook, slots } = workerData;
const { RUNNING, TRIPPED, BASELINE, USED, LIMIT } = slots;
/** how much of the limit a cell must have added to its starting heap to be stopped */
const GROWTH = 0.05;

const session = new Session();
session.connectToMainThread();
const post = (method, params = {}) => new Promise((resolve, reject) => {
  session.post(method, params, (err, result) => (err ? reject(err) : resolve(result)));
});
const gb = (b) => `${(b / 2 ** 30).toFixed(2)} GB`;
const log = (line) => { try { writeSync(2, `glasslab kernel: ${line}\n`); } catch { /* no stderr */ } };

async function check() {
  if (Atomics.load(state, RUNNING) === 0 || Atomics.load(state, TRIPPED) !== 0) return;
  const limit = stats[LIMIT];
  let { usedSize } = await post('Runtime.getHeapUsage');
  if (usedSize < fraction * limit) return;
  // only live data counts: a full GC on the main thread, at once (see grabGc in heap-watch.ts)
  await post('Runtime.evaluate', { expression: `globalThis[Symbol.for(${JSON.stringify(gcHook)})]()`, silent: true });
  ({ usedSize } = await post('Runtime.getHeapUsage'));
  // a cell that starts with a full heap (variables of earlier cells) may still free it
  if (usedSize < fraction * limit || usedSize < stats[BASELINE] + GROWTH * limit) return;
  if (Atomics.compareExchange(state, TRIPPED, 0, 1) !== 0 || Atomics.load(state, RUNNING) === 0) return;
  stats[USED] = usedSize;
  log(`the running cell uses ${gb(usedSize)} of the ${gb(limit)} JavaScript heap: interrupting it before the heap runs out`);
  try {
    await post('Runtime.evaluate', { expression: `globalThis[Symbol.for(${JSON.stringify(hook)})]?.()`, silent: true });
  } catch { /* the warning is a courtesy */ }
  process.kill(process.pid, 'SIGINT');
}

let busy = false;
setInterval(() => {
  if (busy) return;
  busy = true;
  check().catch((e) => log(`heap watchdog: ${e?.message ?? e}`)).finally(() => { busy = false; });
}, intervalMs);
