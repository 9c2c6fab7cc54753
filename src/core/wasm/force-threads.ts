/**
 * Worker threads for the WebAssembly force kernels (force-kernels.as.ts,
 * built on an imported shared memory as force-kernels-shared.wasm): the
 * calling thread and `threads - 1` workers each run the kernels on their
 * own instance of the module over ONE shared WebAssembly.Memory, so the
 * positions, the list and the potential table are written once and nothing
 * is copied per step but the positions (as on one thread).
 *
 * Work split, as ../lj-thread-pool.ts: thread t takes the equal index
 * range of rows [floor(n t / T), floor(n (t+1) / T)) of a half list built
 * with `halfRows: 'balanced'` (every row holds about half of its atom's
 * partners whatever the atom order, so equal ranges carry equal numbers of
 * list entries; any half list gives correct results). Each thread scatters
 * into its own force (and, for EAM, density, per-atom energy and virial)
 * arrays; the calling thread then adds the arrays in thread order 0, 1,
 * ..., T-1, and the energies and virials likewise. The split depends only
 * on n and T and the kernels add nothing for the list's skin pairs, so the
 * results are a function of the positions and the thread count
 * (bit-identical checkpoint resumes for a given count), and equal the
 * one-thread kernels up to the order of summation.
 *
 * EAM (two passes, Daw & Baskes, Phys. Rev. B 29, 6443 (1984)): the threads
 * compute partial host densities; the caller adds them in thread order,
 * evaluates F(rho) and F'(rho) (O(N), TypeScript), then the threads compute
 * the forces with F'. That is two fork-join rounds per call.
 *
 * Memory layout (byte offsets, 64-aligned):
 *   [control 64 i32 | job args | geometry 9 f64 | virials T x 8 f64 |
 *    energies T f64 | table | types n i32 | counts n i32 | s 3n | F' n |
 *    EAM only: compacted rows n*stride i32, their counts n i32 |
 *    per thread t: f 3n, rho n, pe n, pv 6n (EAM: and a row scratch) | neighbours n*stride i32]
 * (EAM pass 1 writes the compacted rows of its own row range, which pass 2
 * of the same thread reads: force-kernels.as.ts, EAM section.)
 *
 * Synchronisation is by Atomics on the control words (a postMessage round
 * trip per step costs more than the work at N ~ 10^3): the caller writes the
 * job and bumps a generation word, each worker runs its rows, stores its
 * done-generation and notifies. Workers are `unref`ed and shared by every
 * force provider of the process (`sharedWasmForcePool`). `startWasmForcePool`
 * starts them without blocking (await a ready flag with Atomics.waitAsync):
 * in a browser a worker never starts while its parent blocks in
 * Atomics.wait, so a browser build must use it before the first force call.
 */
import { readBytes, setEngineFlags, startSourceWorker, workerReady, type HostWorker } from '../../platform/index.ts';
import type { NeighborList } from '../../neighbor/types.ts';
import { runListJob, sharedPairSearchModule, type ListTarget, type ListThreads } from '../../neighbor/wasm/pair-search.ts';
import { iplCoefficientsAt, tableSize, writeListAndTypes, writeTable, eamScratchBytes, type ForceExports, type WasmAtomViews, type WasmPotentialTable } from './force-runtime.ts';

interface SharedMemory { readonly buffer: SharedArrayBuffer; grow(pages: number): number }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => SharedMemory;
}

/** The kernels a thread runs (the shared build's memory is imported, not exported). */
type SharedForceExports = Pick<ForceExports, 'ljForces' | 'iplForces' | 'eamDensities' | 'eamForces'>;

const PAGE = 65536;
const MAX_PAGES = 65536;
/** most threads a pool takes */
export const MAX_FORCE_THREADS = 16;
/** below: left to the module (no static data with --runtime stub), as in ./force-runtime.ts */
const BASE = 4096;
/** control words (Int32): [0] generation, [2] exit flag, [4 + w] done-generation of worker w (negative: failed), [32 + w] ready flag */
const CTRL = BASE;
const GEN = 0, EXIT = 2, DONE = 4, READY = 32;
/** row bounds of the threads (Int32, MAX_FORCE_THREADS + 1 words) */
const ROWS = BASE + 512;
/** job arguments (f64, NARGS): see `runJob` */
const ARGS = BASE + 1024;
const NARGS = 28;
const GEOM = ARGS + 256;
const VIRS = GEOM + 128; // T x 8 f64
const ENERGIES = VIRS + 64 * MAX_FORCE_THREADS;
const TABLE = ENERGIES + 8 * MAX_FORCE_THREADS + 64;

const JOB_LJ = 1, JOB_EAM_RHO = 2, JOB_EAM_F = 3, JOB_LIST = 4, JOB_IPL = 5;

/**
 * How long a thread polls a control word before it sleeps in Atomics.wait
 * [ms]: a worker woken by `wake` (the job is being prepared), and the
 * calling thread waiting for its workers' done words. A futex wake-up costs
 * tens of microseconds on a virtual machine, so the worker is woken while
 * the caller still checks the list and writes the coordinates, and polls
 * for the job only that long; it never polls after a job (tried: no gain,
 * and a spinning worker competes for the cores when the host is busy).
 * Measured at KA N = 4000 on 2 threads: the caller's wait at the force join
 * fell from 51-96 to 38-47 us per step (bench/RESULTS.md, session 10).
 */
const POLL_MS = 0.5;

/**
 * Poll word `at` of `ctrl` while it still holds `stale`, for at most `ms`;
 * returns the last value read. One function, run by the caller (for its
 * workers' done words) and, from its source, by the workers (for the
 * generation word).
 */
function pollWhile(ctrl: Int32Array, at: number, stale: number, ms: number): number {
  const until = performance.now() + ms;
  let k = 0, v = Atomics.load(ctrl, at);
  while (v === stale && ((++k & 255) !== 0 || performance.now() < until)) v = Atomics.load(ctrl, at);
  return v;
}

/** What `runJob` runs for a list job (src/neighbor/wasm/pair-search.ts `runListJob`: its exports, the memory's buffer, the job's arguments, the thread). */
type ListJob = (sx: object, buf: ArrayBufferLike, argsAt: number, t: number) => void;

/**
 * The job thread t runs on its rows, from the shared arguments a (written
 * by `WasmForcePool.fork`: a[0] the job, then byte offsets and sizes, the
 * same for all threads); its row range comes from the bounds at rowsAt and
 * its own arrays from its index. Job 4 is a part of the neighbour-list
 * build (`listJob` on the list search's instance `sx`, arguments at byte
 * a[1]). One function, run by the caller and (from its source, `toString`)
 * by the workers.
 */
function runJob(ex: SharedForceExports, sx: object | null, listJob: ListJob, mem: { buffer: ArrayBufferLike }, a: Float64Array, rowsAt: number, t: number): void {
  const job = a[0];
  if (job === 4) { listJob(sx!, mem.buffer, a[1], t); return; }
  const rows = new Int32Array(mem.buffer, rowsAt, t + 2);
  const i0 = rows[t], i1 = rows[t + 1];
  const n = a[1], pT = a[2], pN = a[3], pC = a[4], stride = a[5], pG = a[6], tstride = a[7], pK = a[8];
  const pS = a[9], pFp = a[10], pBase = a[11], perThread = a[12], nr = a[13], rdr = a[14], cutoff = a[15], pVirs = a[16], pEn = a[17];
  const peratom = a[18], shifted = a[19], pE = a[20], pEC = a[21], scratchAt = a[22];
  const pF = pBase + t * perThread, pRho = pF + 24 * n, pPe = pRho + 8 * n, pPv = pPe + 8 * n, pW = pF + scratchAt;
  const energies = new Float64Array(mem.buffer, pEn, t + 1);
  if (job === 1) {
    new Float64Array(mem.buffer, pF, 3 * n).fill(0);
    energies[t] = ex.ljForces(i0, i1, pT, pN, pC, stride, pG, tstride, pK, shifted, pS, pF);
  } else if (job === 2) {
    ex.eamDensities(i0, i1, n, pT, pN, pC, stride, pG, tstride, pK, nr, rdr, cutoff, pS, pRho, pE, pEC, pW);
  } else if (job === 3 || job === 5) {
    new Float64Array(mem.buffer, pF, 3 * n).fill(0);
    new Float64Array(mem.buffer, pVirs + 64 * t, 6).fill(0);
    if (peratom && t > 0) { new Float64Array(mem.buffer, pPe, n).fill(0); new Float64Array(mem.buffer, pPv, 6 * n).fill(0); }
    energies[t] = job === 3
      ? ex.eamForces(i0, i1, pT, pN, pC, stride, pG, tstride, pK, nr, rdr, cutoff, pFp, pS, pF, pVirs + 64 * t, peratom ? pPe : 0, pPv,
        pE, pEC, pW)
      // IPL: a[23..26] = epsilon, h, the byte offset of its coefficients c_0..c_q, q
      : ex.iplForces(i0, i1, pT, pN, pC, stride, pG, tstride, pK, a[23], a[24], a[25], a[26], pS, pF, pVirs + 64 * t, peratom ? pPe : 0, pPv);
  }
}

function workerSource(): string {
  return `
const { module, searchModule, memory, index: w } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const sx = searchModule ? new WebAssembly.Instance(searchModule, { env: { memory } }).exports : null;
const listJob = ${runListJob.toString()};
const runJob = ${runJob.toString()};
const pollWhile = ${pollWhile.toString()};
const ctrl = new Int32Array(memory.buffer, ${CTRL}, 64);
Atomics.store(ctrl, ${READY} + w, 1);
Atomics.notify(ctrl, ${READY} + w);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${GEN}, seen);
  let gen = Atomics.load(ctrl, ${GEN});
  if (gen === seen) {
    // woken ahead of a job (wake): poll for it a short while
    gen = pollWhile(ctrl, ${GEN}, seen, ${POLL_MS});
    if (gen === seen) continue;
  }
  seen = gen;
  if (Atomics.load(ctrl, ${EXIT}) !== 0) break;
  try {
    runJob(ex, sx, listJob, memory, new Float64Array(memory.buffer, ${ARGS}, ${NARGS}), ${ROWS}, w);
  } catch (e) {
    Atomics.store(ctrl, ${DONE} + w, -seen);
    Atomics.notify(ctrl, ${DONE} + w);
    throw e;
  }
  Atomics.store(ctrl, ${DONE} + w, seen);
  Atomics.notify(ctrl, ${DONE} + w);
}
`;
}

function align64(b: number): number { return (b + 63) & ~63; }

let wasmModule: object | null | undefined;
let moduleError = '';

/** The shared-memory build of the force kernels, compiled once (null where it does not load: no SIMD, threads or SharedArrayBuffer). */
function sharedModule(): object | null {
  if (wasmModule !== undefined) return wasmModule;
  try {
    const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!WA) throw new Error('no WebAssembly in this engine');
    setEngineFlags('--no-liftoff'); // the optimizing tier at once (no on-stack replacement for wasm)
    wasmModule = new WA.Module(readBytes(new URL('./force-kernels-shared.wasm', import.meta.url)));
  } catch (err) {
    moduleError = `WebAssembly core/wasm/force-kernels-shared.wasm failed to load (${(err as Error).message})`;
    wasmModule = null;
  }
  return wasmModule;
}

/**
 * Whose neighbour list lives in a pool's memory (`WasmForcePool.listTarget`):
 * told before anything overwrites it (another client's build, a new layout),
 * so that it rebuilds before its next use and lets go of what still reads it.
 */
export interface PoolListClient {
  listOverwritten(): void;
}

/** Who bound the pool last (`WasmForcePool.bind`): told before another binder overwrites the atom arrays its results may still read. */
export interface PoolAtomsClient {
  atomsOverwritten(): void;
}

/** A pool of `threads` threads running the wasm force kernels over one shared memory (see the module doc). */
export class WasmForcePool implements ListThreads {
  /** total threads including the calling one */
  readonly threads: number;
  private readonly memory: SharedMemory;
  private readonly ex: SharedForceExports;
  /** the list build's exports on this thread, on the shared memory (null: the build runs elsewhere and the list is copied in) */
  private readonly sx: object | null;
  private readonly workers: HostWorker[] = [];
  private readonly ctrl: Int32Array;
  private closed = false;
  // what the memory holds
  private table: WasmPotentialTable | null = null;
  private nl: NeighborList | null = null;
  private n = -1;
  private stride = -1;
  /** byte offsets of the types, counts and rows (read by writeListAndTypes) */
  pT = 0; pC = 0; pN = 0;
  private pS = 0; private pFp = 0; private pBase = 0; private perThread = 0;
  /** EAM: compacted rows, their counts, the row scratch's offset in a thread's block (0 for other tables) */
  private pE = 0; private pEC = 0; private scratchAt = 0;
  /** neighbour lists taken into the shared memory so far (one per rebuild): copied, or built here on all threads (`listTarget`) */
  listCopies = 0;
  /** the first byte past the layout */
  private end = 0;
  /** the layout holds no neighbour rows: the list is built in this memory past `end` */
  private inPlace = false;
  /** whose list was built past `end` (and is still there) */
  private holder: PoolListClient | null = null;
  /** who bound the atom arrays last */
  private binder: PoolAtomsClient | null = null;
  /** `ljForces(out)` adds the threads' shares into out (src/core/forces-f64.ts WasmLoops) */
  readonly sumsInto = true;

  private constructor(threads: number, module: object) {
    this.threads = threads;
    const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    this.memory = new WA.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    this.ex = new WA.Instance(module, { env: { memory: this.memory } }).exports as unknown as SharedForceExports;
    const searchModule = sharedPairSearchModule();
    this.sx = searchModule ? new WA.Instance(searchModule, { env: { memory: this.memory } }).exports : null;
    this.ctrl = new Int32Array(this.memory.buffer, CTRL, 64);
    const src = workerSource();
    for (let w = 1; w < threads; w++) {
      const worker = startSourceWorker(src, { module, searchModule, memory: this.memory, index: w });
      worker.unref();
      worker.on('error', () => { /* its done word says so (negative), see `join` */ });
      this.workers.push(worker);
    }
  }

  private static make(threads: number): WasmForcePool {
    if (!Number.isInteger(threads) || threads < 2 || threads > MAX_FORCE_THREADS) {
      throw new Error(`WasmForcePool: threads must be an integer in [2, ${MAX_FORCE_THREADS}], got ${threads}`);
    }
    const module = sharedModule();
    if (!module) throw new Error(moduleError);
    return new WasmForcePool(threads, module);
  }

  /** A pool whose workers are started but not waited for: the first call blocks (Atomics.wait) until they run. Node only. */
  static create(threads: number): WasmForcePool {
    const pool = WasmForcePool.make(threads);
    for (let w = 1; w < threads; w++) {
      if (Atomics.wait(pool.ctrl, READY + w, 0, 10_000) === 'timed-out' && Atomics.load(pool.ctrl, READY + w) !== 1) {
        pool.close();
        throw new Error(`WasmForcePool: worker ${w} did not start within 10 s`);
      }
    }
    return pool;
  }

  /** A pool whose workers have all said they are ready, awaited without blocking (Atomics.waitAsync): use this in a browser. */
  static async start(threads: number): Promise<WasmForcePool> {
    const pool = WasmForcePool.make(threads);
    for (let w = 1; w < threads; w++) {
      if (!(await workerReady(pool.ctrl, READY + w, 10_000))) {
        pool.close();
        throw new Error(`WasmForcePool: worker ${w} did not start within 10 s`);
      }
    }
    return pool;
  }

  /**
   * Make the shared memory hold `table`, the arrays of `nl.n` atoms, the
   * list `nl` (copied, and its rows split, when it is another list than
   * last time) and the atom types; write the cell geometry `geom` (9 f64);
   * zero the per-atom sums of thread 0 when `peratom`. Returns the views
   * (of thread 0's arrays, where the threads' shares are added; valid
   * until the next call). `client`, when another than the last one's, is
   * the new binder: the last one is told first (`atomsOverwritten`).
   */
  bind(table: WasmPotentialTable, nl: NeighborList, types: Int32Array, geom: Float64Array, peratom: boolean, client: PoolAtomsClient | null = null): WasmAtomViews {
    if (this.closed) throw new Error('WasmForcePool: the pool was closed');
    if (client !== this.binder) {
      const prev = this.binder;
      this.binder = client;
      prev?.atomsOverwritten();
    }
    const n = nl.n;
    const lb = nl.neighbors.buffer;
    if (lb === this.memory.buffer && this.inPlace && this.holder && table === this.table && n === this.n) {
      // built here on the threads (listTarget): read where it lies
      this.pN = nl.neighbors.byteOffset; this.pC = nl.counts.byteOffset; this.stride = nl.stride;
      if (nl !== this.nl) { this.nl = nl; this.listCopies++; }
      writeListAndTypes(lb, this, null, types, n);
    } else {
      if (typeof SharedArrayBuffer !== 'undefined' && lb instanceof SharedArrayBuffer) {
        throw new Error('WasmForcePool.bind: the neighbour list was built in a shared memory that has been overwritten since, or for another layout; rebuild it (through listTarget of this table and atom count)');
      }
      if (table !== this.table || n !== this.n || nl.stride !== this.stride || this.inPlace) this.layout(table, n, nl.stride);
      if (writeListAndTypes(this.memory.buffer, this, nl !== this.nl ? nl : null, types, n)) {
        this.nl = nl;
        this.listCopies++;
      }
    }
    const buf = this.memory.buffer;
    new Float64Array(buf, GEOM, 9).set(geom);
    const v = this.views();
    if (peratom) { v.pe.fill(0); v.pv6.fill(0); }
    return v;
  }

  private views(): WasmAtomViews {
    const buf = this.memory.buffer, n = this.n, p0 = this.pBase;
    return {
      s: new Float64Array(buf, this.pS, 3 * n), f3: new Float64Array(buf, p0, 3 * n),
      rho: new Float64Array(buf, p0 + 24 * n, n), fp: new Float64Array(buf, this.pFp, n),
      pe: new Float64Array(buf, p0 + 32 * n, n), pv6: new Float64Array(buf, p0 + 40 * n, 6 * n),
    };
  }

  /**
   * Where the neighbour list of `table`'s potential may be built in this
   * memory, by all threads (src/neighbor/wasm/pair-search.ts `ListTarget`):
   * past a layout for n atoms without neighbour rows, where the force
   * kernels then read it. `client` is told before another client's build or
   * a new layout overwrites it. Null for EAM tables (their row scratch
   * depends on the stride) or where the list build does not load.
   */
  listTarget(table: WasmPotentialTable, client: PoolListClient): ListTarget | null {
    if (table.kind === 'eam' || !this.sx) return null;
    return {
      memory: this.memory,
      threads: this,
      listBase: (n: number) => {
        if (this.closed) throw new Error('WasmForcePool: the pool was closed');
        const prev = this.holder;
        this.holder = null;
        if (prev && prev !== client) prev.listOverwritten();
        if (!this.inPlace || table !== this.table || n !== this.n) this.layout(table, n, 0, true);
        this.holder = client;
        this.nl = null;
        return this.end;
      },
    };
  }

  /**
   * Wake the workers ahead of the next job (a force call about to be made):
   * each polls for it for at most POLL_MS, so that the job does not wait
   * for a thread's wake-up. Results do not depend on it.
   */
  wake(): void {
    if (!this.closed) Atomics.notify(this.ctrl, GEN);
  }

  /** Run a part of the list build (src/neighbor/wasm/pair-search.ts `runListJob`, arguments at byte argsAt) on every thread (ListThreads). */
  run(argsAt: number): void {
    if (this.closed) throw new Error('WasmForcePool: the pool was closed');
    const a = new Float64Array(this.memory.buffer, ARGS, NARGS);
    a[0] = JOB_LIST;
    a[1] = argsAt;
    this.join();
  }

  private layout(table: WasmPotentialTable, n: number, stride: number, inPlace = false): void {
    const prev = this.holder;
    this.holder = null;
    prev?.listOverwritten();
    this.inPlace = inPlace;
    let p = align64(TABLE + tableSize(table));
    const take = (bytes: number) => { const o = p; p = align64(p + bytes); return o; };
    this.pT = take(4 * n); this.pC = take(4 * n); this.pS = take(24 * n); this.pFp = take(8 * n);
    const eam = table.kind === 'eam';
    this.pE = eam ? take(4 * n * stride) : 0;
    this.pEC = eam ? take(4 * n) : 0;
    this.scratchAt = align64(88 * n); // f 3n, rho n, pe n, pv 6n, then the EAM row scratch
    this.perThread = this.scratchAt + (eam ? align64(eamScratchBytes(stride)) : 0);
    this.pBase = take(this.perThread * this.threads);
    this.pN = take(4 * n * stride);
    this.end = p;
    const have = this.memory.buffer.byteLength;
    if (p > have) {
      const pages = Math.ceil((p - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) throw new Error(`wasm force threads: ${(p / 2 ** 30).toFixed(2)} GiB of shared memory needed for ${n} atoms, the wasm32 limit is 4 GiB; use threads: 1`);
      this.memory.grow(pages);
    }
    const rows = new Int32Array(this.memory.buffer, ROWS, this.threads + 1);
    for (let t = 0; t <= this.threads; t++) rows[t] = Math.floor((n * t) / this.threads);
    writeTable(table, new DataView(this.memory.buffer), TABLE);
    this.table = table;
    this.n = n;
    this.stride = stride;
    this.nl = null;
  }

  /** Run job `job` on every thread (the caller takes thread 0's rows) and wait for the workers. */
  private fork(job: number, peratom: boolean): void {
    const t = this.table!, buf = this.memory.buffer;
    const lj = t.kind === 'lj';
    const eam = t.kind === 'eam' ? t : null;
    const a = new Float64Array(buf, ARGS, NARGS);
    a.set([job, this.n, this.pT, this.pN, this.pC, this.stride, GEOM, t.tstride, TABLE,
      this.pS, this.pFp, this.pBase, this.perThread, eam?.nr ?? 0, eam?.rdr ?? 0, eam?.cutoff ?? 0, VIRS, ENERGIES,
      peratom ? 1 : 0, lj && t.shiftedForce ? 1 : 0, this.pE, this.pEC, this.scratchAt]);
    if (t.kind === 'ipl') { a[23] = t.epsilon; a[24] = t.h; a[25] = TABLE + iplCoefficientsAt(t); a[26] = t.c.length - 1; }
    this.join();
  }

  /** Start the job in the arguments on the workers, run thread 0's share here, wait for the workers. */
  private join(): void {
    const a = new Float64Array(this.memory.buffer, ARGS, NARGS);
    const c = this.ctrl;
    const gen = Atomics.add(c, GEN, 1) + 1;
    Atomics.notify(c, GEN);
    runJob(this.ex, this.sx, runListJob as ListJob, this.memory, a, ROWS, 0);
    for (let w = 1; w < this.threads; w++) {
      for (;;) {
        let v = Atomics.load(c, DONE + w);
        if (v !== gen && v !== -gen) v = pollWhile(c, DONE + w, v, POLL_MS);
        if (v === gen) break;
        if (v === -gen) { this.close(); throw new Error(`WasmForcePool: worker ${w} failed; the pool is closed (use threads: 1)`); }
        if (Atomics.wait(c, DONE + w, v, 10_000) === 'timed-out' && Math.abs(Atomics.load(c, DONE + w)) !== gen) {
          this.close();
          throw new Error(`WasmForcePool: worker ${w} did not answer within 10 s; the pool is closed (use threads: 1)`);
        }
      }
    }
  }

  /**
   * Add `len` values at byte offset `off` of every thread's block into
   * thread 0's, in thread order; with `out`, into out instead (thread 0's
   * block unchanged: out = t0 + t1 + ..., the same sums).
   */
  private reduce(off: number, len: number, out?: Float64Array): void {
    const buf = this.memory.buffer;
    const t0 = new Float64Array(buf, this.pBase + off, len);
    let dst: Float64Array = t0;
    if (out) {
      const t1 = new Float64Array(buf, this.pBase + this.perThread + off, len);
      for (let k = 0; k < len; k++) out[k] = t0[k] + t1[k];
      dst = out;
    }
    for (let w = out ? 2 : 1; w < this.threads; w++) {
      const src = new Float64Array(buf, this.pBase + w * this.perThread + off, len);
      for (let k = 0; k < len; k++) dst[k] += src[k];
    }
  }

  /** Energies of the last job, added in thread order. */
  private energy(): number {
    const e = new Float64Array(this.memory.buffer, ENERGIES, this.threads);
    let sum = 0;
    for (let w = 0; w < this.threads; w++) sum += e[w];
    return sum;
  }

  /**
   * LJ-table forces (the threads' shares added in thread order) into the
   * bound f3, or into `out` (3n, stride 3: the same sums, with no pass
   * through f3); returns the pair energy.
   */
  ljForces(out?: Float64Array): number {
    if (this.table?.kind !== 'lj') throw new Error('WasmForcePool.ljForces: bound table is not an LJ table');
    this.fork(JOB_LJ, false);
    this.reduce(0, 3 * this.n, out);
    return this.energy();
  }

  /** EAM pass 1: host densities into the bound rho (the threads' partial sums added in order). */
  eamDensities(): void {
    if (this.table?.kind !== 'eam') throw new Error('WasmForcePool.eamDensities: bound table is not an EAM table');
    this.fork(JOB_EAM_RHO, false);
    this.reduce(24 * this.n, this.n);
  }

  /**
   * EAM pass 2 with F' in the bound fp: forces into f3, the virial added to
   * `vir` (6), per-atom pair terms added to pe, pv6 if `peratom` (each
   * summed in thread order); returns the pair energy.
   */
  eamForces(vir: Float64Array, peratom: boolean): number {
    if (this.table?.kind !== 'eam') throw new Error('WasmForcePool.eamForces: bound table is not an EAM table');
    return this.forcesWithVirial(JOB_EAM_F, vir, peratom);
  }

  /**
   * IPL forces (force-kernels.as.ts `iplForces`) into f3, the virial added
   * to `vir` (6), per-atom terms added to pe, pv6 if `peratom` (each summed
   * in thread order); returns the pair energy.
   */
  iplForces(vir: Float64Array, peratom: boolean): number {
    if (this.table?.kind !== 'ipl') throw new Error('WasmForcePool.iplForces: bound table is not an IPL table');
    return this.forcesWithVirial(JOB_IPL, vir, peratom);
  }

  /** Run a force job whose threads also sum a virial (and per-atom terms): the shares added in thread order. */
  private forcesWithVirial(job: number, vir: Float64Array, peratom: boolean): number {
    this.fork(job, peratom);
    const n = this.n;
    this.reduce(0, 3 * n);
    if (peratom) this.reduce(32 * n, 7 * n);
    const w = new Float64Array(this.memory.buffer, VIRS, 8 * this.threads);
    const sum = new Float64Array(6);
    for (let t = 0; t < this.threads; t++) for (let k = 0; k < 6; k++) sum[k] += w[8 * t + k];
    for (let k = 0; k < 6; k++) vir[k] += sum[k];
    return this.energy();
  }

  /** Bytes of shared memory this pool holds. */
  get memoryBytes(): number { return this.memory.buffer.byteLength; }

  /** Stop the workers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [k, p] of pools) if (p === this) pools.delete(k);
    Atomics.store(this.ctrl, EXIT, 1);
    Atomics.add(this.ctrl, GEN, 1);
    Atomics.notify(this.ctrl, GEN);
    for (const w of this.workers) void w.terminate();
  }
}

const pools = new Map<number, WasmForcePool>();
let poolError: Error | null = null;

/**
 * The process-wide pool of `threads` threads (one per thread count), made
 * on first use (blocking while its workers start: Node only), or null when
 * it cannot be made here (the reason in `wasmForcePoolError()`).
 */
export function sharedWasmForcePool(threads: number): WasmForcePool | null {
  const have = pools.get(threads);
  if (have) return have;
  if (poolError) return null;
  try {
    const pool = WasmForcePool.create(threads);
    pools.set(threads, pool);
    return pool;
  } catch (e) {
    poolError = e instanceof Error ? e : new Error(String(e));
    return null;
  }
}

/** `sharedWasmForcePool` without blocking while the workers start (see `WasmForcePool.start`). */
export async function startWasmForcePool(threads: number): Promise<WasmForcePool | null> {
  const have = pools.get(threads);
  if (have) return have;
  if (poolError) return null;
  try {
    const pool = await WasmForcePool.start(threads);
    pools.set(threads, pool);
    return pool;
  } catch (e) {
    poolError = e instanceof Error ? e : new Error(String(e));
    return null;
  }
}

/** Why the wasm force pool could not be made, or null. */
export function wasmForcePoolError(): Error | null {
  return poolError;
}
