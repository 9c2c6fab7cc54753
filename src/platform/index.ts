/**
 * The host the library runs on: core count, environment variables, files the
 * physics layers read (potential files, the wasm kernels), V8 flags and
 * worker threads. Among the physics layers (levels 0-9 of ARCHITECTURE.md)
 * only this module imports Node's built-ins, so a browser build (issue [14])
 * replaces this one module; test/architecture/layers.test.ts holds the rule.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';

import { parentPort, Worker, workerData } from 'node:worker_threads';

export { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

/**
 * A worker thread that runs the ES module `module` (a file URL), with `data`
 * as its `workerInput()`. A module given as TypeScript source (`.ts`, the
 * library run from its sources) is loaded through tsx's loader, registered
 * in the worker by ./module-worker.mjs; a built `.js` module is imported as
 * it is. The caller waits for the module's own ready message.
 */
export function startModuleWorker(module: URL, data: unknown): Worker {
  return new Worker(new URL('./module-worker.mjs', import.meta.url), { workerData: { module: module.href, data } });
}

/** In a worker of `startModuleWorker`: its data, and the port to its parent (null on the main thread). */
export function workerInput(): { data: unknown; port: { postMessage(m: unknown): void; on(e: 'message', f: (m: unknown) => void): void } | null } {
  return { data: (workerData as { data?: unknown } | null)?.data, port: parentPort };
}

/** Cores this process may use (at least 1). */
export function cpuCount(): number {
  return Math.max(1, availableParallelism());
}

/** An environment variable, or undefined (a browser has none). */
export function envVar(name: string): string | undefined {
  return process.env[name];
}

/** The environment as a read-only map (for options that take one). */
export function environment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

/** Bytes of a file next to a module (`new URL('./x.wasm', import.meta.url)`) or at a path. */
export function readBytes(file: URL | string): Uint8Array {
  return readFileSync(file);
}

/** A UTF-8 text file. */
export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** True for an existing regular file. */
export function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** True for an existing directory. */
export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Path segments joined with the host's separator. */
export function joinPath(...parts: string[]): string {
  return join(...parts);
}

/** V8 command-line flags set at run time (e.g. '--no-liftoff'); a no-op where the host has none. */
export function setEngineFlags(flags: string): void {
  setFlagsFromString(flags);
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
