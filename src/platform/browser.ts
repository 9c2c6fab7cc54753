/**
 * The browser implementation of the host API (./types.ts), chosen by the
 * `#platform` import of package.json under the "browser" condition (an
 * esbuild build with `conditions: ['browser']`). It imports nothing from
 * Node: files are the in-memory files the host puts (`putFile`: the wasm
 * binaries, potential files, uploads), the environment is a map the host
 * sets, workers are Web Workers. Threads need a cross-origin isolated page
 * (COOP/COEP headers) for SharedArrayBuffer, and a worker never starts
 * while its parent blocks in `Atomics.wait`: start pools with the
 * asynchronous starts (ARCHITECTURE.md, "The worker pools") before the
 * first synchronous job, and run the library itself in a worker (a page's
 * main thread may not block at all).
 */
import { joinPosix, memoryFiles } from './memory-files.ts';
import type { HostWorker, ParentPort, Platform, ScratchFile, Transferable } from './types.ts';

/** The parts of the Web APIs used here (the project compiles against Node's types). */
interface WebWorker {
  postMessage(m: unknown, transfer?: readonly unknown[]): void;
  terminate(): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', f: (e: { data?: unknown; message?: string; preventDefault?(): void }) => void): void;
}
interface WebGlobals {
  Worker: new (url: string | URL, opts?: { type?: 'module' | 'classic'; name?: string }) => WebWorker;
  Blob: new (parts: string[], opts: { type: string }) => unknown;
  URL: { createObjectURL(b: unknown): string; revokeObjectURL(u: string): void };
  MessageChannel: new () => { port1: { postMessage(m: unknown, t?: readonly unknown[]): void; onmessage: unknown }; port2: Transferable };
  navigator?: { hardwareConcurrency?: number };
  postMessage?(m: unknown): void;
  addEventListener?(type: 'message', f: (e: { data: unknown }) => void): void;
  removeEventListener?(type: 'message', f: (e: { data: unknown }) => void): void;
  WorkerGlobalScope?: unknown;
}
const web = globalThis as unknown as WebGlobals;

const env = new Map<string, string>();

/** The handshake of `startModuleWorker`: the worker says hello, the parent answers with the data. */
const HELLO = '__glasslab_worker_hello__';
const DATA = '__glasslab_worker_data__';

type Listener = (x: any) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A Web Worker with the event surface of Node's Worker that the library uses. */
class BrowserWorker implements HostWorker {
  private readonly listeners: Record<'message' | 'error' | 'exit', Listener[]> = { message: [], error: [], exit: [] };
  private exited = false;

  constructor(private readonly worker: WebWorker, handshakeData?: { data: unknown }) {
    worker.addEventListener('message', (e) => {
      if (handshakeData && (e.data as { [HELLO]?: boolean } | null)?.[HELLO]) {
        worker.postMessage({ [DATA]: true, data: handshakeData.data });
        return;
      }
      this.emit('message', e.data);
    });
    worker.addEventListener('error', (e) => {
      e.preventDefault?.();
      this.emit('error', new Error(e.message ?? 'worker error'));
    });
    worker.addEventListener('messageerror', () => this.emit('error', new Error('a message from the worker could not be deserialised')));
  }

  private emit(event: 'message' | 'error' | 'exit', x: unknown): void {
    for (const f of [...this.listeners[event]]) f(x);
  }

  on(event: 'message' | 'error' | 'exit', listener: Listener): this {
    this.listeners[event].push(listener);
    return this;
  }

  once(event: 'message' | 'error' | 'exit', listener: Listener): this {
    const wrapped: Listener = (x) => {
      const l = this.listeners[event];
      l.splice(l.indexOf(wrapped), 1);
      listener(x);
    };
    return this.on(event, wrapped);
  }

  postMessage(message: unknown, transfer?: readonly Transferable[]): void {
    this.worker.postMessage(message, transfer ?? []);
  }

  async terminate(): Promise<number> {
    this.worker.terminate();
    if (!this.exited) { this.exited = true; this.emit('exit', 1); }
    return 1;
  }

  unref(): void { /* a page has no event loop to keep alive */ }
}

/** Bytes of an in-memory file; a URL by its path, then by its file name (a bundle's neighbours lose their folders). */
function readBytes(file: URL | string): Uint8Array {
  if (typeof file === 'string') {
    const b = memoryFiles.get(file);
    if (!b) throw new Error(`file not found: ${file} (in a browser the host puts files with putFile)`);
    return b;
  }
  const path = decodeURIComponent(file.pathname);
  const b = memoryFiles.get(path) ?? memoryFiles.byName(path.slice(path.lastIndexOf('/') + 1));
  if (!b) throw new Error(`file not found: ${file.href} (in a browser the host puts files with putFile, e.g. the wasm binaries by name)`);
  return b;
}

/** A scratch file in memory: one buffer, doubled as it grows. */
function memoryScratch(): ScratchFile {
  let data = new Uint8Array(1 << 16), size = 0;
  return {
    async write(bytes, position) {
      const end = position + bytes.length;
      if (end > data.length) {
        const grown = new Uint8Array(Math.max(end, 2 * data.length));
        grown.set(data.subarray(0, size));
        data = grown;
      }
      data.set(bytes, position);
      size = Math.max(size, end);
    },
    async read(bytes, position) {
      const got = Math.max(0, Math.min(bytes.length, size - position));
      bytes.set(data.subarray(position, position + got));
      return got;
    },
    async close() { data = new Uint8Array(0); size = 0; },
  };
}

const moduleUrls = new Map<string, string>();

export const platform: Platform = {
  name: 'browser',
  cpuCount: () => Math.max(1, web.navigator?.hardwareConcurrency ?? 1),
  envVar: (name) => env.get(name),
  environment: () => Object.fromEntries(env),
  setEnvVar(name, value) {
    if (value === undefined) env.delete(name);
    else env.set(name, value);
  },
  readBytes,
  readText: (path) => new TextDecoder().decode(readBytes(path)),
  isFile: (path) => memoryFiles.get(path) !== undefined,
  isDirectory: (path) => memoryFiles.isDirectory(path),
  joinPath: (...parts) => joinPosix(...parts),
  putFile: (path, content) => memoryFiles.put(path, content),
  writeFileAtomic: (path, bytes) => memoryFiles.put(path, bytes.slice()),
  scratchFile: async () => memoryScratch(),
  removeFile: (path) => memoryFiles.remove(path),
  setEngineFlags() { /* a page cannot set V8 flags */ },
  async webgpu() {
    const gpu = (web.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
    return gpu ? { gpu } : { reason: 'this browser has no navigator.gpu (WebGPU)' };
  },
  yieldToHost() {
    // a message round trip: not clamped to 4 ms as nested timeouts are
    return new Promise<void>((resolve) => {
      const ch = new web.MessageChannel();
      ch.port1.onmessage = () => resolve();
      (ch.port2 as { postMessage(m: unknown): void }).postMessage(0);
    });
  },
  startSourceWorker(body, data, transfer = []) {
    const src = `self.onmessage = (e) => {\nself.onmessage = null;\nconst workerData = e.data;\n`
      + `const receiveMessageOnPort = () => { throw new Error('receiveMessageOnPort: a browser worker cannot read a port synchronously'); };\n${body}\n};\n`;
    const url = web.URL.createObjectURL(new web.Blob([src], { type: 'text/javascript' }));
    const w = new web.Worker(url, { type: 'module' });
    w.postMessage(data, transfer);
    // the worker has fetched its script once it runs; revoking later is harmless
    setTimeout(() => web.URL.revokeObjectURL(url), 60_000);
    return new BrowserWorker(w);
  },
  syncPorts: false,
  messageChannel: () => new web.MessageChannel() as never,
  startModuleWorker(module, data) {
    const name = decodeURIComponent(module.pathname).split('/').pop()!.replace(/\.(ts|js|mjs)$/, '');
    const url = moduleUrls.get(name) ?? module.href;
    return new BrowserWorker(new web.Worker(url, { type: 'module', name }), { data });
  },
  workerInput() {
    if (typeof web.postMessage !== 'function' || !web.addEventListener || web.WorkerGlobalScope === undefined) {
      return Promise.resolve({ data: undefined, port: null });
    }
    const add = web.addEventListener.bind(globalThis), post = web.postMessage.bind(globalThis);
    return new Promise((resolve) => {
      const hello = (e: { data: unknown }) => {
        const m = e.data as { [DATA]?: boolean; data?: unknown } | null;
        if (!m?.[DATA]) return;
        web.removeEventListener!('message', hello);
        const port: ParentPort = {
          postMessage: (x) => post(x),
          on: (_event, f) => add('message', (ev) => f(ev.data)),
        };
        resolve({ data: m.data, port });
      };
      add('message', hello);
      post({ [HELLO]: true });
    });
  },
  setModuleUrl(name, url) { moduleUrls.set(name, String(url)); },
};
