/**
 * Worker threads for the LJ-table force loop (./lj-kernel.ts): the main
 * thread and `threads - 1` workers each take an equal range of rows of a
 * half list built with `halfRows: 'balanced'` (every row holds about half of
 * its atom's partners, whatever the atom order, so equal index ranges carry
 * equal work) and accumulate into their own force buffer; the buffers are
 * then added in thread order. The split depends only on N and the thread
 * count, so results are a function of the positions (bit-identical resumes
 * for a given thread count) and equal the serial loop up to summation order.
 *
 * Synchronisation is by Atomics on a shared control array (a postMessage
 * round trip per step would cost more than the work at N ~ 10^3): the main
 * thread writes the fractional coordinates into shared memory, bumps a
 * generation counter and notifies; each worker computes its rows, stores its
 * energy and its done-generation, and notifies. New neighbour lists are
 * copied into shared buffers and handed over through a MessagePort that the
 * worker reads synchronously (`receiveMessageOnPort`) when told to.
 *
 * The workers run the kernel's own source (`ljForceRows.toString()`, with
 * the one constant it reads), so there is one implementation of the pair
 * arithmetic. Workers are `unref`ed
 * (they never keep the process alive) and shared by every provider of the
 * process (`sharedLjThreadPool`).
 */
import { cpuCount, messageChannel, platform, startSourceWorker, workerReady, type HostMessageChannel, type HostWorker } from '../platform/index.ts';
import { COEF_STRIDE, ljForceRows } from './lj-kernel.ts';

/** Control array slots: [0] generation, [1] command, [2 + w] done-generation of worker w, [2 + T + w] ready flag of worker w (T threads). */
const GEN = 0, CMD = 1, DONE = 2;
const CMD_EXIT = 0, CMD_RUN = 1, CMD_NEW_STATE = 2;

/** What a worker needs to run its rows; sent whenever the list or the system changes. */
interface WorkerState {
  i0: number;
  i1: number;
  stride: number;
  tstride: number;
  shiftedForce: boolean;
  types: Int32Array;
  neighbors: Int32Array;
  counts: Int32Array;
  geom: Float64Array;
  s: Float64Array;
  f: Float64Array;
  energy: Float64Array;
  coef: Float64Array;
}

function workerSource(): string {
  return `
const COEF_STRIDE = ${COEF_STRIDE};
const ljForceRows = ${ljForceRows.toString()};
const ctrl = new Int32Array(workerData.control);
const port = workerData.port;
const w = workerData.index;
Atomics.store(ctrl, workerData.ready, 1);
Atomics.notify(ctrl, workerData.ready);
let st = null;
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${GEN}, seen);
  seen = Atomics.load(ctrl, ${GEN});
  const cmd = Atomics.load(ctrl, ${CMD});
  if (cmd === ${CMD_EXIT}) break;
  if (cmd === ${CMD_NEW_STATE}) {
    const m = receiveMessageOnPort(port);
    if (m) st = m.message;
  }
  st.f.fill(0);
  st.energy[w] = ljForceRows(st.i0, st.i1, st.types, st.neighbors, st.counts, st.stride, st.geom, st.tstride,
    st.coef, st.shiftedForce, st.s, st.f);
  Atomics.store(ctrl, ${DONE} + w, seen);
  Atomics.notify(ctrl, ${DONE} + w);
}
`;
}

/** Input of one threaded force evaluation (the LJ table and a balanced half list). */
export interface LjThreadedInput {
  n: number;
  types: Int32Array;
  neighbors: Int32Array;
  counts: Int32Array;
  stride: number;
  geom: Float64Array;
  tstride: number;
  /** packed LJ table (`packLjTable`) */
  coef: Float64Array;
  shiftedForce: boolean;
}

function shared(kind: 'f64' | 'i32', length: number): Float64Array | Int32Array {
  const bytes = Math.max(1, length) * (kind === 'f64' ? 8 : 4);
  const buf = new SharedArrayBuffer(bytes);
  return kind === 'f64' ? new Float64Array(buf, 0, length) : new Int32Array(buf, 0, length);
}

export class LjThreadPool {
  /** total threads including the calling one */
  readonly threads: number;
  private readonly workers: HostWorker[] = [];
  private readonly ports: HostMessageChannel['port1'][] = [];
  private readonly control: Int32Array;
  private readonly energy: Float64Array;
  private readonly geom: Float64Array;
  private s: Float64Array = new Float64Array(0);
  private types: Int32Array = new Int32Array(0);
  private neighbors: Int32Array = new Int32Array(0);
  private counts: Int32Array = new Int32Array(0);
  private workerForces: Float64Array[] = [];
  /** identity of what the workers hold: list and table */
  private heldNeighbors: Int32Array | null = null;
  private heldTable: Float64Array | null = null;
  private closed = false;

  private constructor(threads: number) {
    this.threads = threads;
    if (!platform.syncPorts) {
      throw new Error('LjThreadPool: the TypeScript force threads read a port synchronously, which this host (a browser) cannot; use the wasm kernels (kernels: \'wasm\') or threads: 1');
    }
    this.control = new Int32Array(new SharedArrayBuffer(4 * (DONE + 2 * threads)));
    this.energy = shared('f64', threads) as Float64Array;
    this.geom = shared('f64', 9) as Float64Array;
    const src = workerSource();
    for (let w = 1; w < threads; w++) {
      const { port1, port2 } = messageChannel();
      const worker = startSourceWorker(src, { control: this.control.buffer, port: port2, index: w, ready: DONE + threads + w }, [port2]);
      worker.unref();
      port1.unref?.();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /** A pool of `threads` threads (the caller plus threads - 1 workers); throws if workers cannot start. */
  static create(threads: number): LjThreadPool {
    if (!Number.isInteger(threads) || threads < 2) throw new Error(`LjThreadPool: threads must be an integer >= 2, got ${threads}`);
    return new LjThreadPool(threads);
  }

  /**
   * `create`, then wait without blocking (Atomics.waitAsync) until every
   * worker has set its ready flag. The first `compute` of a pool made by `create` blocks
   * the caller while the workers start, which a browser does not allow;
   * one made by `start` is already running.
   */
  static async start(threads: number): Promise<LjThreadPool> {
    const pool = LjThreadPool.create(threads);
    for (let w = 1; w < threads; w++) {
      if (!(await workerReady(pool.control, DONE + threads + w, 10_000))) {
        pool.close();
        throw new Error(`LjThreadPool: worker ${w} did not start within 10 s`);
      }
    }
    return pool;
  }

  /** Row range [i0, i1) of thread t for n atoms (equal index ranges; see the module doc). */
  static rows(n: number, threads: number, t: number): [number, number] {
    return [Math.floor((n * t) / threads), Math.floor((n * (t + 1)) / threads)];
  }

  /**
   * Forces into `f` (stride 3, overwritten) and the pair energy, for the
   * fractional coordinates `s` (stride 3). `inp.neighbors` must be a half
   * list with halfRows 'balanced' for the work to be balanced (any half list
   * gives correct results).
   */
  compute(inp: LjThreadedInput, s: Float64Array, f: Float64Array): number {
    if (this.closed) throw new Error('LjThreadPool: the pool was closed');
    const n = inp.n, T = this.threads;
    const fresh = this.prepare(inp);
    this.s.set(s.subarray(0, 3 * n));
    this.geom.set(inp.geom);
    const c = this.control;
    Atomics.store(c, CMD, fresh ? CMD_NEW_STATE : CMD_RUN);
    const gen = Atomics.add(c, GEN, 1) + 1;
    Atomics.notify(c, GEN);
    // the calling thread does rows of thread 0 meanwhile
    f.fill(0, 0, 3 * n);
    const [i0, i1] = LjThreadPool.rows(n, T, 0);
    let energy = ljForceRows(i0, i1, this.types, this.neighbors, this.counts, inp.stride, this.geom, inp.tstride,
      inp.coef, inp.shiftedForce, this.s, f);
    for (let w = 1; w < T; w++) {
      for (;;) {
        const v = Atomics.load(c, DONE + w);
        if (v === gen) break;
        if (Atomics.wait(c, DONE + w, v, 10_000) === 'timed-out' && Atomics.load(c, DONE + w) !== gen) {
          this.close();
          throw new Error(`LjThreadPool: worker ${w} did not answer within 10 s; the pool is closed (create the provider with threads: 1 to run without workers)`);
        }
      }
      energy += this.energy[w];
      const fw = this.workerForces[w];
      for (let k = 0; k < 3 * n; k++) f[k] += fw[k];
    }
    return energy;
  }

  /** Copy a new list / system into shared memory and post the workers their state; true when posted. */
  private prepare(inp: LjThreadedInput): boolean {
    const n = inp.n, T = this.threads;
    if (inp.neighbors === this.heldNeighbors && inp.coef === this.heldTable && this.s.length === 3 * n) {
      this.types.set(inp.types.subarray(0, n)); // types may change in place (cheap: n ints)
      return false;
    }
    if (this.s.length !== 3 * n) {
      this.s = shared('f64', 3 * n) as Float64Array;
      this.workerForces = [new Float64Array(0)];
      for (let w = 1; w < T; w++) this.workerForces.push(shared('f64', 3 * n) as Float64Array);
    }
    if (this.types.length !== n) this.types = shared('i32', n) as Int32Array;
    this.types.set(inp.types.subarray(0, n));
    if (this.counts.length !== n) this.counts = shared('i32', n) as Int32Array;
    this.counts.set(inp.counts.subarray(0, n));
    const len = n * inp.stride;
    if (this.neighbors.length !== len) this.neighbors = shared('i32', len) as Int32Array;
    this.neighbors.set(inp.neighbors.subarray(0, len));
    for (let w = 1; w < T; w++) {
      const [i0, i1] = LjThreadPool.rows(n, T, w);
      const st: WorkerState = {
        i0, i1, stride: inp.stride, tstride: inp.tstride, shiftedForce: inp.shiftedForce,
        types: this.types, neighbors: this.neighbors, counts: this.counts, geom: this.geom, s: this.s,
        f: this.workerForces[w], energy: this.energy,
        coef: inp.coef,
      };
      this.ports[w - 1].postMessage(st);
    }
    this.heldNeighbors = inp.neighbors;
    this.heldTable = inp.coef;
    return true;
  }

  /** Stop the workers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [k, p] of pools) if (p === this) pools.delete(k);
    Atomics.store(this.control, CMD, CMD_EXIT);
    Atomics.add(this.control, GEN, 1);
    Atomics.notify(this.control, GEN);
    for (const w of this.workers) void w.terminate();
  }
}

/** Default thread count: the cores this process may use. */
export function defaultThreads(): number {
  return cpuCount();
}

const pools = new Map<number, LjThreadPool>();
let poolError: Error | null = null;

/**
 * The process-wide pool with `threads` threads (one per thread count, kept
 * for the life of the process), or null when workers cannot be started here
 * (the error is kept in `threadPoolError()`; callers fall back to the serial
 * loop).
 */
export function sharedLjThreadPool(threads: number): LjThreadPool | null {
  const have = pools.get(threads);
  if (have) return have;
  if (poolError) return null;
  try {
    const pool = LjThreadPool.create(threads);
    pools.set(threads, pool);
    return pool;
  } catch (e) {
    poolError = e instanceof Error ? e : new Error(String(e));
    return null;
  }
}

/** `sharedLjThreadPool` without blocking while the workers start (see `LjThreadPool.start`). */
export async function startSharedLjThreadPool(threads: number): Promise<LjThreadPool | null> {
  const have = pools.get(threads);
  if (have) return have;
  if (poolError) return null;
  try {
    const pool = await LjThreadPool.start(threads);
    pools.set(threads, pool);
    return pool;
  } catch (e) {
    poolError = e instanceof Error ? e : new Error(String(e));
    return null;
  }
}

/** Why worker threads could not be started, or null. */
export function threadPoolError(): Error | null {
  return poolError;
}
