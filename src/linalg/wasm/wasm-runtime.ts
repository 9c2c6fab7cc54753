/**
 * Loader and runtime of the WebAssembly f64x2 SIMD kernels of the dense
 * symmetric eigensolver (source: eigen-kernels.as.ts, AssemblyScript; binary:
 * eigen-kernels.wasm, rebuilt by `npm run build:wasm`).
 *
 * - One shared WebAssembly.Memory (maximum 4 GiB, the wasm32 limit) holds a
 *   control block, per-thread scratch and a bump-allocated heap
 *   (`heapMark` / `heapAlloc` / `heapRelease`). Shared memory keeps old
 *   Float64Array views valid when the memory grows.
 * - `threads` > 1 starts worker_threads (once, synchronously: the caller
 *   blocks in Atomics.wait until they are ready) that instantiate the same
 *   module on the same memory; `gemmHeap` then splits the rows of C between
 *   the calling thread and the workers. Workers are unref'd (they never keep
 *   the process alive) and are stopped by `disposeKernels`.
 * - Everything is synchronous, so symmetricEigen keeps its synchronous API.
 *
 * Loading fails soft: `loadKernels()` returns null (and `kernelLoadError()`
 * says why) when WebAssembly SIMD or shared memory is unavailable; the
 * callers then use the TypeScript kernels.
 */
import { envVar, readBytes, setEngineFlags, startSourceWorker, workerReady, type HostWorker } from '../../platform/index.ts';
import type { MatrixView } from '../gemm.ts';
import type { DcKernels } from '../tridiagonal-dc.ts';

/** The part of the WebAssembly JS API used here (the project's lib setting has no WebAssembly types). */
interface WasmMemory { readonly buffer: SharedArrayBuffer; grow(pages: number): number }
type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface KernelExports {
  gemmRows(M: number, N: number, K: number, pa: number, lda: number, pb: number, ldb: number, pc: number, ldc: number,
    sign: number, beta0: number, i0: number, i1: number, work: number): void;
  gemmWorkDoubles(): number;
  tridiagColumn(pa: number, n: number, k: number, pv: number, pvp: number, pw: number, pd: number, pe: number, ptau: number): void;
  tridiagRows(pa: number, n: number, k1: number, pv: number, pvp: number, pw: number, py: number, i0: number, i1: number): void;
  tridiagW(n: number, k1: number, t: number, pv: number, py: number, py2: number, pw: number): void;
  panelColumnUpdate(pa: number, n: number, k: number, Vp: number, Wp: number, ic: number): void;
  symvRows(pa: number, n: number, k1: number, pv: number, py: number, i0: number, i1: number): void;
  panelW(n: number, k1: number, t: number, pv: number, py: number, py2: number, Vp: number, Wp: number, ic: number): void;
  panelPack(n: number, c0: number, nb: number, Vp: number, Wp: number, VW: number, WVt: number): void;
  secularRoots(d: number, w: number, K: number, delta: number, origin: number, tau: number, values: number, sums: number): void;
  secularVectors(d: number, K: number, r: number, zsign: number, origin: number, tau: number, col: number, U: number, zhat: number, diff: number): void;
}

/** job kinds a worker runs (control word 8 * slot + 4) */
const JOB_GEMM = 0;
const JOB_TRIDIAG_ROWS = 1;
const JOB_SYMV_ROWS = 2;
/** blocked reduction: panel width, the trailing size below which the fused unblocked pass finishes, row block of the trailing update */
const REDUCE_NB = 32;
const REDUCE_NX = 128;
const REDUCE_RB = 128;
/** below this many trailing rows a reduction step runs on the calling thread only */
const PARALLEL_ROWS_MIN = 192;

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB
const MAX_THREADS = 8;
/** control block: Int32 words at CTRL (8 per thread slot), f64 arguments at ARGS (16 per slot) */
const CTRL = 1024;
const ARGS = 2048;
const WORK0 = 4096;
/** below this many multiply-adds a product runs on the calling thread only */
const PARALLEL_MIN = 1 << 21;

export interface Kernels {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  /** threads available to gemmHeap (1 + started workers) */
  threads: number;
}

let kernels: Kernels | null | undefined;
let loadError = '';
let module: WasmModule | undefined;
let workers: HostWorker[] = [];
let heapBase = 0;
let heapTop = 0;
let workPtrs: number[] = [];
const buffers = new Set<ArrayBufferLike>();
/** views of the control block (low addresses: valid for the memory's lifetime) */
let ctrlI: Int32Array | undefined;
let ctrlF: Float64Array | undefined;

/**
 * The FMA build (relaxed SIMD f64x2.relaxed_madd) when the engine accepts it
 * (Node 20 behind V8's --experimental-wasm-relaxed-simd, set here; on by
 * default from Node 22), else the plain SIMD build. GLASSLAB_WASM_FMA=0
 * forces the plain build.
 */
function compileModule(): WasmModule {
  // Compile with the optimizing tier at once: V8 has no on-stack replacement for wasm, so a first call
  // that runs one long loop would otherwise stay in the baseline tier (about 3x slower).
  setEngineFlags('--no-liftoff');
  if (envVar('GLASSLAB_WASM_FMA') !== '0' && !plainOnly) {
    try {
      setEngineFlags('--experimental-wasm-relaxed-simd');
      const m = new WA.Module(readBytes(new URL('./eigen-kernels-fma.wasm', import.meta.url)));
      moduleVariant = 'simd+fma';
      return m;
    } catch { /* no relaxed SIMD here: plain build */ }
  }
  const m = new WA.Module(readBytes(new URL('./eigen-kernels.wasm', import.meta.url)));
  moduleVariant = 'simd';
  return m;
}

let moduleVariant = '';
let plainOnly = false;

/** Use the plain SIMD build (true) or the FMA build where possible (false); drops the loaded kernels. */
export function preferPlainSimd(plain: boolean): void {
  disposeKernels();
  module = undefined;
  plainOnly = plain;
}
/** 'simd+fma' or 'simd' once loaded ('' before). */
export function kernelVariant(): string { return moduleVariant; }

/** Why the kernels did not load ('' if they did or were never tried). */
export function kernelLoadError(): string { return loadError; }

/** The kernels, instantiated on first use; null if WebAssembly SIMD / shared memory is unavailable. */
export function loadKernels(): Kernels | null {
  if (kernels !== undefined) return kernels;
  try {
    module ??= compileModule();
    const memory = new WA.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    const instance = new WA.Instance(module, { env: { memory } });
    const exp = instance.exports as unknown as KernelExports;
    const workBytes = align(exp.gemmWorkDoubles() * 8);
    workPtrs = Array.from({ length: MAX_THREADS }, (_, t) => WORK0 + t * workBytes);
    heapBase = heapTop = align(WORK0 + MAX_THREADS * workBytes);
    kernels = { exports: exp, memory, threads: 1 };
    ctrlI = new Int32Array(memory.buffer, CTRL, 8 * MAX_THREADS);
    ctrlF = new Float64Array(memory.buffer, ARGS, 16 * MAX_THREADS);
    buffers.clear();
    ensureBytes(heapBase);
  } catch (err) {
    loadError = `WebAssembly kernels src/linalg/wasm/eigen-kernels.wasm failed to load (${(err as Error).message}); using the TypeScript kernels`;
    kernels = null;
  }
  return kernels;
}

/** Stop the workers and drop the memory (it cannot shrink otherwise); the next loadKernels() starts afresh. */
export function disposeKernels(): void {
  if (!kernels) { kernels = undefined; return; }
  const I = new Int32Array(kernels.memory.buffer, CTRL, 8 * MAX_THREADS);
  for (let t = 1; t <= workers.length; t++) { Atomics.store(I, 8 * t, -1); Atomics.notify(I, 8 * t); }
  for (const w of workers) void w.terminate();
  workers = [];
  buffers.clear();
  kernels = undefined;
}

/** Bytes of linear memory in use by the heap (its high-water mark is what the memory holds). */
export function heapBytes(): number { return kernels ? kernels.memory.buffer.byteLength : 0; }

function align(bytes: number): number { return (bytes + 63) & ~63; }

function ensureBytes(bytes: number): void {
  const mem = kernels!.memory;
  const have = mem.buffer.byteLength;
  if (bytes > have) {
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) throw new Error(`wasm kernels: ${(bytes / 2 ** 30).toFixed(2)} GiB of linear memory needed, the wasm32 limit is 4 GiB; use kernel 'js'`);
    mem.grow(pages);
  }
  buffers.add(mem.buffer);
}

export function heapMark(): number { return heapTop; }
export function heapRelease(mark: number): void { heapTop = mark; }

/** A Float64Array of `length` doubles in the shared linear memory (not zeroed), 64-byte aligned. */
export function heapAlloc(length: number): Float64Array {
  const ptr = heapTop;
  heapTop = align(ptr + 8 * length);
  ensureBytes(heapTop);
  return new Float64Array(kernels!.memory.buffer, ptr, length);
}

/** Is this array a view of the kernels' linear memory? */
export function inHeap(a: Float64Array): boolean { return buffers.has(a.buffer); }

/** Spawn the worker of `slot` (not yet waited for), or null if it cannot be created. */
function spawnWorker(k: Kernels, I: Int32Array, slot: number): HostWorker | null {
  Atomics.store(I, 8 * slot, 0); Atomics.store(I, 8 * slot + 1, 0); Atomics.store(I, 8 * slot + 3, 0);
  let w: HostWorker;
  try {
    w = startSourceWorker(WORKER_SOURCE, { module, memory: k.memory, slot, CTRL, ARGS });
  } catch { return null; }
  w.unref();
  w.on('error', () => { /* a failed worker leaves its slot not ready; the products then stay on the calling thread */ });
  return w;
}

function wantedThreads(threads: number): number {
  return Math.max(1, Math.min(MAX_THREADS, Math.floor(threads)));
}

/**
 * Start worker threads so that `threads` threads share the products (best
 * effort: fewer if they fail to start). Blocks in `Atomics.wait` until each
 * worker is ready; where the host cannot start a worker while its parent
 * blocks (a browser), call `startThreads` first.
 */
export function setThreads(threads: number): number {
  const k = loadKernels();
  if (!k) return 1;
  const want = wantedThreads(threads);
  const I = new Int32Array(k.memory.buffer, CTRL, 8 * MAX_THREADS);
  while (workers.length + 1 < want) {
    const slot = workers.length + 1;
    const w = spawnWorker(k, I, slot);
    if (!w) break;
    if (Atomics.wait(I, 8 * slot + 3, 0, 10000) === 'timed-out' && Atomics.load(I, 8 * slot + 3) !== 1) { void w.terminate(); break; }
    workers.push(w);
  }
  k.threads = Math.min(want, workers.length + 1);
  return k.threads;
}

/**
 * `setThreads` without blocking: starts the workers and awaits their ready
 * flags with `Atomics.waitAsync`, so the event loop (and, in a browser, the
 * workers' own start) runs meanwhile. Later synchronous calls find the
 * workers ready.
 */
export async function startThreads(threads: number): Promise<number> {
  const k = loadKernels();
  if (!k) return 1;
  const want = wantedThreads(threads);
  const I = new Int32Array(k.memory.buffer, CTRL, 8 * MAX_THREADS);
  while (workers.length + 1 < want) {
    const slot = workers.length + 1;
    const w = spawnWorker(k, I, slot);
    if (!w) break;
    if (!(await workerReady(I, 8 * slot + 3, 10_000))) { void w.terminate(); break; }
    workers.push(w);
  }
  k.threads = Math.min(want, workers.length + 1);
  return k.threads;
}

/**
 * C = A B or C -= A B (row-major) on views of the linear memory, the rows of
 * C split between the threads. Views outside the heap are copied in (and C
 * out): that is O(size), the product O(M N K).
 */
export function gemmHeap(M: number, N: number, K: number, A: MatrixView, B: MatrixView, C: MatrixView, subtract = false): void {
  if (M === 0 || N === 0) return;
  const k = loadKernels();
  if (!k) throw new Error('gemmHeap: ' + loadError);
  const mark = heapMark();
  const a = toHeap(A, M, K, true), b = toHeap(B, K, N, true), c = toHeap(C, M, N, subtract);
  const ex = k.exports;
  const sign = subtract ? -1 : 1, beta0 = subtract ? 0 : 1;
  const nt = M * N * K >= PARALLEL_MIN && M >= 16 ? k.threads : 1;
  if (nt === 1) {
    ex.gemmRows(M, N, K, a.ptr, a.stride, b.ptr, b.stride, c.ptr, c.stride, sign, beta0, 0, M, workPtrs[0]);
  } else {
    const bounds = (t: number) => (t >= nt ? M : Math.min(M, 4 * Math.round((t * M) / nt / 4)));
    const seqs: number[] = [];
    for (let t = 1; t < nt; t++) seqs.push(post(t, JOB_GEMM, [M, N, K, a.ptr, a.stride, b.ptr, b.stride, c.ptr, c.stride, sign, beta0, bounds(t), bounds(t + 1), workPtrs[t]]));
    ex.gemmRows(M, N, K, a.ptr, a.stride, b.ptr, b.stride, c.ptr, c.stride, sign, beta0, 0, bounds(1), workPtrs[0]);
    try {
      for (let t = 1; t < nt; t++) waitFor(t, seqs[t - 1]);
    } catch (err) { heapRelease(mark); throw err; }
  }
  if (c.copied) {
    const src = c.view, dst = C.data;
    for (let i = 0; i < M; i++) dst.set(src.subarray(i * N, i * N + N), C.offset + i * C.stride);
  }
  heapRelease(mark);
}

/**
 * The divide-and-conquer kernels (tridiagonal-dc.ts DcKernels) on the heap:
 * gemmHeap; the secular equations in wasm (roots and Gu-Eisenstat vectors,
 * the sums over the poles in f64x2); the work arrays as a stack in the heap,
 * so the merges' products read and write them in place.
 */
export const dcKernelsHeap: DcKernels = {
  product: gemmHeap,
  secular(dK, w, K, r, zsign, col, values) {
    const k = loadKernels();
    if (!k) throw new Error('dcKernelsHeap: ' + loadError);
    const U = heapAlloc(K * K);
    const mark = heapMark();
    const dh = heapAlloc(K), wh = heapAlloc(K), sh = heapAlloc(K), delta = heapAlloc(K), origin = heapAlloc(K), tau = heapAlloc(K);
    const vals = heapAlloc(K), zhat = heapAlloc(K), diff = heapAlloc(K), sums = heapAlloc(4), colh = heapAlloc((K + 1) >> 1);
    dh.set(dK.subarray(0, K)); wh.set(w.subarray(0, K)); sh.set(zsign.subarray(0, K));
    new Int32Array(colh.buffer, colh.byteOffset, K).set(col.subarray(0, K));
    const ex = k.exports;
    ex.secularRoots(dh.byteOffset, wh.byteOffset, K, delta.byteOffset, origin.byteOffset, tau.byteOffset, vals.byteOffset, sums.byteOffset);
    values.set(vals);
    ex.secularVectors(dh.byteOffset, K, r, sh.byteOffset, origin.byteOffset, tau.byteOffset, colh.byteOffset, U.byteOffset, zhat.byteOffset, diff.byteOffset);
    heapRelease(mark);
    return U;
  },
  alloc: heapAlloc,
  mark: heapMark,
  release: heapRelease,
};

/** Post a job to worker slot t; returns its sequence number. */
function post(t: number, job: number, args: number[]): number {
  const I = ctrlI!, F = ctrlF!;
  F.set(args, 16 * t);
  Atomics.store(I, 8 * t + 4, job);
  const seq = Atomics.load(I, 8 * t) + 1;
  Atomics.store(I, 8 * t, seq);
  Atomics.notify(I, 8 * t);
  return seq;
}

/** Block until worker slot t has finished job `seq`; throws if the job failed there. */
function waitFor(t: number, seq: number): void {
  const I = ctrlI!;
  for (let done = Atomics.load(I, 8 * t + 1); done !== seq; done = Atomics.load(I, 8 * t + 1)) Atomics.wait(I, 8 * t + 1, done, 1000);
  if (Atomics.exchange(I, 8 * t + 2, 0) !== 0) throw new Error(`wasm kernels: a job failed in worker thread ${t}`);
}

function toHeap(X: MatrixView, rows: number, cols: number, copyIn: boolean): { ptr: number; stride: number; view: Float64Array; copied: boolean } {
  if (inHeap(X.data)) return { ptr: X.data.byteOffset + 8 * X.offset, stride: X.stride, view: X.data, copied: false };
  const h = heapAlloc(rows * cols);
  if (copyIn) for (let i = 0; i < rows; i++) h.set(X.data.subarray(X.offset + i * X.stride, X.offset + i * X.stride + cols), i * cols);
  return { ptr: h.byteOffset, stride: cols, view: h, copied: true };
}

/**
 * Householder tridiagonalisation, same outputs as dense-eigen.ts
 * tridiagonalize (d, e, tau, reflectors in the upper triangle of a); a, d,
 * e, tau must be heap views. Blocked as LAPACK dsytrd/dlatrd (lower): panels
 * of REDUCE_NB columns whose y = A v products read the trailing matrix
 * as it was at the panel start, then one rank-2nb trailing update by gemm
 * (half of the 4/3 n^3 flops become level 3); the last
 * REDUCE_NX columns by the fused unblocked pass. With two threads every
 * y = A v is split by rows into halves of equal work (row i costs ~ i - k),
 * each thread accumulating its own part of y; one synchronisation per column.
 */
export function tridiagonalizeHeap(a: Float64Array, n: number, d: Float64Array, e: Float64Array, tau: Float64Array): void {
  const k = loadKernels();
  if (!k) throw new Error('tridiagonalizeHeap: ' + loadError);
  for (const x of [a, d, e, tau]) if (!inHeap(x)) throw new Error('tridiagonalizeHeap: arrays must come from heapAlloc');
  const mark = heapMark();
  const nb = REDUCE_NB;
  const scratch = heapAlloc(5 * n);
  scratch.fill(0);
  const Vp = heapAlloc(nb * n).fill(0), Wp = heapAlloc(nb * n).fill(0);
  const VW = heapAlloc(2 * nb * n), WVt = heapAlloc(2 * nb * n);
  const ex = k.exports, pa = a.byteOffset, pd = d.byteOffset, pe = e.byteOffset, pt = tau.byteOffset;
  let v = scratch.byteOffset, vp = v + 8 * n;
  const w = v + 16 * n, y = v + 24 * n, y1 = v + 32 * n;
  const two = k.threads >= 2;
  try {
    let kk = 0;
    for (; n - kk > REDUCE_NX; kk += nb) {
      // panel: columns kk .. kk+nb-1 (vp and w stay zero: nothing pending in the fused sense)
      for (let ic = 0; ic < nb; ic++) {
        const kc = kk + ic, k1 = kc + 1, rows = n - k1;
        ex.panelColumnUpdate(pa, n, kc, Vp.byteOffset, Wp.byteOffset, ic);
        ex.tridiagColumn(pa, n, kc, v, vp, w, pd, pe, pt);
        if (two && rows >= PARALLEL_ROWS_MIN) {
          const r = k1 + Math.round(rows / Math.SQRT2);
          const seq = post(1, JOB_SYMV_ROWS, [pa, n, k1, v, y1, r, n]);
          ex.symvRows(pa, n, k1, v, y, k1, r);
          waitFor(1, seq);
          ex.panelW(n, k1, tau[kc], v, y, y1, Vp.byteOffset, Wp.byteOffset, ic);
        } else {
          ex.symvRows(pa, n, k1, v, y, k1, n);
          ex.panelW(n, k1, tau[kc], v, y, 0, Vp.byteOffset, Wp.byteOffset, ic);
        }
      }
      // trailing update A(c0:, c0:) -= V W^T + W V^T, lower part by row blocks (the diagonal
      // blocks are computed whole: their upper halves are unused storage until reflectors land there)
      const c0 = kk + nb, m = n - c0;
      ex.panelPack(n, c0, nb, Vp.byteOffset, Wp.byteOffset, VW.byteOffset, WVt.byteOffset);
      for (let r0 = c0; r0 < n; r0 += REDUCE_RB) {
        const r1 = Math.min(n, r0 + REDUCE_RB);
        gemmHeap(r1 - r0, r1 - c0, 2 * nb, { data: VW, offset: (r0 - c0) * 2 * nb, stride: 2 * nb }, { data: WVt, offset: 0, stride: m }, { data: a, offset: r0 * n + c0, stride: n }, true);
      }
    }
    for (; kk < n; kk++) {
      ex.tridiagColumn(pa, n, kk, v, vp, w, pd, pe, pt);
      if (kk === n - 1) break;
      const k1 = kk + 1, rows = n - k1;
      if (two && rows >= PARALLEL_ROWS_MIN) {
        const r = k1 + Math.round(rows / Math.SQRT2);
        const seq = post(1, JOB_TRIDIAG_ROWS, [pa, n, k1, v, vp, w, y1, r, n]);
        ex.tridiagRows(pa, n, k1, v, vp, w, y, k1, r);
        waitFor(1, seq);
        ex.tridiagW(n, k1, tau[kk], v, y, y1, w);
      } else {
        ex.tridiagRows(pa, n, k1, v, vp, w, y, k1, n);
        ex.tridiagW(n, k1, tau[kk], v, y, 0, w);
      }
      const sw = vp; vp = v; v = sw;
    }
  } finally {
    heapRelease(mark);
  }
}

/** Worker: instantiate the module on the shared memory, then run gemmRows jobs posted in its control slot. */
const WORKER_SOURCE = `
const { module, memory, slot, CTRL, ARGS } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const I = new Int32Array(memory.buffer, CTRL, 8 * ${MAX_THREADS});
const F = new Float64Array(memory.buffer, ARGS, 16 * ${MAX_THREADS});
Atomics.store(I, 8 * slot + 3, 1);
Atomics.notify(I, 8 * slot + 3);
let seen = 0;
for (;;) {
  Atomics.wait(I, 8 * slot, seen, 1000);
  const seq = Atomics.load(I, 8 * slot);
  if (seq < 0) break;
  if (seq === seen) continue;
  seen = seq;
  const o = 16 * slot;
  try {
    const job = Atomics.load(I, 8 * slot + 4);
    if (job === ${JOB_TRIDIAG_ROWS}) ex.tridiagRows(F[o], F[o + 1], F[o + 2], F[o + 3], F[o + 4], F[o + 5], F[o + 6], F[o + 7], F[o + 8]);
    else if (job === ${JOB_SYMV_ROWS}) ex.symvRows(F[o], F[o + 1], F[o + 2], F[o + 3], F[o + 4], F[o + 5], F[o + 6]);
    else ex.gemmRows(F[o], F[o + 1], F[o + 2], F[o + 3], F[o + 4], F[o + 5], F[o + 6], F[o + 7], F[o + 8], F[o + 9], F[o + 10], F[o + 11], F[o + 12], F[o + 13]);
  } catch (err) {
    Atomics.store(I, 8 * slot + 2, 1);
  }
  Atomics.store(I, 8 * slot + 1, seq);
  Atomics.notify(I, 8 * slot + 1);
}
`;
