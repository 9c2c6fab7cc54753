/**
 * The host the library runs on: core count, environment variables, files the
 * physics layers read (potential files, the wasm kernels), V8 flags, workers
 * and event-loop yields. Among the physics layers (levels 0-9 of
 * ARCHITECTURE.md) only src/platform touches the host: ./node.ts imports
 * Node's built-ins, ./browser.ts the Web APIs, and the `#platform` import of
 * package.json picks one (condition "browser" in a browser build, else
 * Node). test/architecture/layers.test.ts holds the rule, and
 * test/platform/browser-build.test.ts checks that a browser build reaches no
 * Node built-in. The API is ./types.ts; `WasmFile` below is host-neutral.
 */
import { platform as host } from '#platform';
import type { Platform } from './types.ts';

export { InterruptFlag, setInterruptFlag, interruptFlag, stopRequested } from './interrupt.ts';
export type { FileStat, FileStore, HostMessageChannel, HostProcess, HostWorker, OutputFile, ParentPort, Platform, ScratchFile, Transferable } from './types.ts';

/** The implementation this build runs on (see ./types.ts for each member). */
export const platform: Platform = host;

export const {
  cpuCount, envVar, environment, setEnvVar, readBytes, readText, isFile, isDirectory, joinPath, putFile, writeFileAtomic, scratchFile, removeFile,
  setEngineFlags, webgpu, yieldToHost, startSourceWorker, messageChannel, startModuleWorker, workerInput, setModuleUrl,
  stat, exists, readDir, makeDir, makeTempDir, rename, remove, realPath, isWritable, appendText, readAt, readHead, readChunks, gunzip, openOutput, latin1,
  mountFiles, resolvePath, relativePath, dirName, baseName, setCwd, totalMemory, loadAverage, cpuTimes, inspect, packageText,
  writeStderr, writeStdout, startProcess, commandOutput, isRoot, processAlive,
}: Platform = host;

/**
 * Waits without blocking (Atomics.waitAsync: the event loop, and in a
 * browser the worker's own start, run meanwhile) until a worker sets its
 * ready word `words[index]` to 1, at most `ms` milliseconds; true when it did.
 * A timer keeps the event loop alive meanwhile: a pending waitAsync does
 * not, and the pools' workers are unref'ed, so in Node a process with
 * nothing else to do would exit in the middle of the wait (exit code 13,
 * "unsettled top-level await": `glasslab md` did, session 8).
 */
export async function workerReady(words: Int32Array, index: number, ms: number): Promise<boolean> {
  const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: Promise<string> | string } }).waitAsync;
  const r = waitAsync(words, index, 0, ms);
  if (r.async) {
    const keepAlive = setInterval(() => {}, 1000);
    try {
      await r.value;
    } finally {
      clearInterval(keepAlive);
    }
  }
  return Atomics.load(words, index) === 1;
}

/** The part of the WebAssembly JS API that a module with its own (non-shared) memory needs. */
interface WasmOwnMemoryApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}

/**
 * A WebAssembly file next to a module (`new URL('./x.wasm', import.meta.url)`)
 * whose instances have their own memory and no imports. It is compiled on
 * first use with the optimizing tier at once (V8 has no on-stack replacement
 * for wasm: a first long call would stay in the baseline tier). Loading fails
 * soft: `instantiate()` gives null and `error` says why (with `fallback`,
 * what the caller does instead) where the host has no WebAssembly or rejects
 * the file.
 */
export class WasmFile {
  private module: object | null | undefined;
  error = '';
  constructor(readonly file: URL, private readonly fallback: string) {}

  /** True when the file compiles here. */
  get available(): boolean {
    if (this.module === undefined) {
      try {
        const WA = (globalThis as unknown as { WebAssembly?: WasmOwnMemoryApi }).WebAssembly;
        if (!WA) throw new Error('no WebAssembly in this engine');
        setEngineFlags('--no-liftoff');
        this.module = new WA.Module(readBytes(this.file));
      } catch (err) {
        this.error = `WebAssembly ${this.file.pathname.split('/').slice(-3).join('/')} failed to load (${(err as Error).message}); ${this.fallback}`;
        this.module = null;
      }
    }
    return this.module !== null;
  }

  /** The compiled module (to instantiate in a worker: modules cross to workers, instances do not), or null where the file does not load. */
  get compiled(): object | null {
    return this.available ? this.module! : null;
  }

  /**
   * The exports of a new instance (with `imports`, e.g. `{ env: { memory } }`
   * for a build that imports its memory), or null where the file does not
   * load (see `error`).
   */
  instantiate(imports: object = {}): object | null {
    if (!this.available) return null;
    try {
      const WA = (globalThis as unknown as { WebAssembly: WasmOwnMemoryApi }).WebAssembly;
      return new WA.Instance(this.module!, imports).exports;
    } catch (err) {
      this.error = `WebAssembly ${this.file.pathname} failed to instantiate (${(err as Error).message}); ${this.fallback}`;
      return null;
    }
  }
}
