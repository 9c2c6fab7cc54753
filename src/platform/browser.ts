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
import { inspect } from './inspect.ts';
import { basenamePosix, dirnamePosix, joinPosix, memoryFiles, normalisePath, relativePosix, resolvePosix } from './memory-files.ts';
import type { FileStat, FileStore, HostWorker, OutputFile, ParentPort, Platform, ScratchFile, Transferable } from './types.ts';

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

// ---- files: in-memory files (put by the host, and all of /tmp), then the mounted store (the JupyterLite drive)

let store: FileStore | undefined;
let cwd = '/';
/** folders made in memory (a folder of memory files needs none) */
const memoryDirs = new Set<string>(['/', '/tmp']);
const abs = (path: string) => resolvePosix(cwd, path);
/** true where a path lives in memory only: /tmp, or everything while no store is mounted */
const memoryOnly = (p: string) => !store || p === '/tmp' || p.startsWith('/tmp/');

function statOf(path: string): FileStat | undefined {
  const p = abs(path);
  const bytes = memoryFiles.get(p);
  if (bytes) return { size: bytes.length, mtimeMs: memoryFiles.mtimeMs(p) ?? 0, isFile: true, isDirectory: false };
  if (memoryDirs.has(p) || memoryFiles.isDirectory(p)) return { size: 0, mtimeMs: 0, isFile: false, isDirectory: true };
  return memoryOnly(p) ? undefined : store!.stat(p);
}

function readFile(path: string): Uint8Array | undefined {
  const p = abs(path);
  return memoryFiles.get(p) ?? (memoryOnly(p) ? undefined : store!.read(p));
}

function writeFile(path: string, bytes: Uint8Array): void {
  const p = abs(path);
  if (memoryOnly(p) || memoryFiles.get(p)) memoryFiles.put(p, bytes);
  else store!.write(p, bytes);
}

function notFound(path: string, what = 'file'): Error {
  const where = store ? 'in the browser\'s files (the file browser\'s drive, and /tmp)' : '(a browser has only the files its host puts with putFile)';
  return Object.assign(new Error(`${what} not found: ${path} ${where}`), { code: 'ENOENT' });
}

/** Bytes of a file; a URL by its path, then by its file name (a bundle's neighbours lose their folders). */
function readBytes(file: URL | string): Uint8Array {
  if (typeof file === 'string') {
    const b = readFile(file);
    if (!b) throw notFound(file);
    return b;
  }
  const path = decodeURIComponent(file.pathname);
  const b = memoryFiles.get(path) ?? memoryFiles.byName(path.slice(path.lastIndexOf('/') + 1));
  if (!b) throw new Error(`file not found: ${file.href} (in a browser the host puts files with putFile, e.g. the wasm binaries by name)`);
  return b;
}

function readDir(path: string): string[] {
  const p = abs(path);
  const st = statOf(p);
  if (!st?.isDirectory) throw notFound(path, 'folder');
  const names = new Set(memoryFiles.list(p));
  for (const d of memoryDirs) if (d !== p && dirnamePosix(d) === p) names.add(basenamePosix(d));
  if (!memoryOnly(p)) for (const n of store!.list(p) ?? []) names.add(n);
  return [...names];
}

function makeDir(path: string): void {
  const p = abs(path);
  if (memoryOnly(p)) {
    for (let d = p; d !== '/'; d = dirnamePosix(d)) memoryDirs.add(d);
    return;
  }
  const missing: string[] = [];
  for (let d = p; d !== '/' && !statOf(d); d = dirnamePosix(d)) missing.unshift(d);
  for (const d of missing) store!.makeDir(d);
}

function remove(path: string, opts: { recursive?: boolean } = {}): void {
  const p = abs(path);
  if (memoryFiles.remove(p)) return;
  if (memoryOnly(p) || memoryDirs.has(p)) {
    const st = statOf(p);
    if (st?.isDirectory && !opts.recursive && readDir(p).length > 0) throw new Error(`${path}: folder not empty`);
    memoryFiles.removeTree(p);
    for (const d of [...memoryDirs]) if (d === p || d.startsWith(p + '/')) memoryDirs.delete(d);
    return;
  }
  const st = store!.stat(p);
  if (!st) return;
  if (st.isDirectory && !opts.recursive && (store!.list(p) ?? []).length > 0) throw new Error(`${path}: folder not empty`);
  store!.remove(p);
}

function rename(from: string, to: string): void {
  const a = abs(from), b = abs(to);
  const st = statOf(a);
  if (!st) throw notFound(from);
  if (!memoryOnly(a) && !memoryOnly(b) && !memoryFiles.get(a) && !memoryDirs.has(a)) {
    if (statOf(b)?.isFile) store!.remove(b);
    store!.rename(a, b);
    return;
  }
  // across memory and the store: copy, then remove
  if (st.isFile) {
    writeFile(b, readFile(a)!);
  } else {
    makeDir(b);
    for (const n of readDir(a)) rename(`${a}/${n}`, `${b}/${n}`);
  }
  remove(a, { recursive: true });
}

/** Bytes as chunks of a stream (DecompressionStream and CompressionStream in between). */
async function* throughStream(source: AsyncIterable<Uint8Array>, stream: { writable: WritableStream<BufferSource>; readable: ReadableStream<Uint8Array> }): AsyncGenerator<Uint8Array> {
  const writer = stream.writable.getWriter();
  const feeding = (async () => {
    for await (const c of source) await writer.write(c as Uint8Array<ArrayBuffer>);
    await writer.close();
  })().catch((e) => writer.abort(e).catch(() => {}));
  const reader = stream.readable.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield value;
    }
    await feeding;
  } finally {
    reader.releaseLock();
  }
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function latin1Bytes(text: string): Uint8Array {
  const b = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
  return b;
}

const processId = Math.floor(Math.random() * 2 ** 31);

/** An output kept in memory and stored under its name on close (compressed first where asked). */
function openOutput(path: string, opts: { gzip?: boolean } = {}): OutputFile {
  let parts: Uint8Array[] | null = [];
  return {
    tmpPath: `${path}.tmp-${processId}`,
    async write(data) {
      if (!parts) throw new Error(`${path}: write after close`);
      parts.push(typeof data === 'string' ? latin1Bytes(data) : data.slice());
    },
    async close() {
      if (!parts) return;
      let bytes = concat(parts);
      parts = null;
      if (opts.gzip) {
        const gz: Uint8Array[] = [];
        for await (const c of throughStream(once(bytes), new CompressionStream('gzip'))) gz.push(c);
        bytes = concat(gz);
      }
      writeFile(path, bytes);
    },
    async abort() { parts = null; },
  };
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
  isFile: (path) => statOf(path)?.isFile === true,
  isDirectory: (path) => statOf(path)?.isDirectory === true,
  joinPath: (...parts) => joinPosix(...parts),
  putFile: (path, content) => memoryFiles.put(path, content),
  writeFileAtomic: (path, bytes) => writeFile(path, bytes.slice()),
  scratchFile: async () => memoryScratch(),
  removeFile: (path) => memoryFiles.remove(path),
  stat: statOf,
  exists: (path) => statOf(path) !== undefined,
  readDir,
  makeDir,
  makeTempDir(prefix, dir = '/tmp') {
    const p = `${abs(dir)}/${prefix}${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}`;
    makeDir(p);
    return p;
  },
  rename,
  remove,
  realPath(path) {
    if (!statOf(path)) throw notFound(path);
    return abs(path);
  },
  isWritable: () => true,
  appendText(path, text) {
    const old = readFile(path) ?? new Uint8Array(0);
    writeFile(path, concat([old, new TextEncoder().encode(text)]));
  },
  async readAt(path, bytes, position) {
    const b = readBytes(path);
    const got = Math.max(0, Math.min(bytes.length, b.length - position));
    bytes.set(b.subarray(position, position + got));
    return got;
  },
  readHead: (path, bytes) => readBytes(path).subarray(0, bytes),
  async *readChunks(path, start, chunkSize) {
    const b = readBytes(path);
    for (let at = start; at < b.length; at += chunkSize) yield b.subarray(at, Math.min(b.length, at + chunkSize));
  },
  gunzip: (source) => throughStream(source, new DecompressionStream('gzip')),
  openOutput,
  latin1: (bytes) => new TextDecoder('latin1').decode(bytes),
  mountFiles(s) { store = s; },
  resolvePath: (...parts) => resolvePosix(cwd, ...parts),
  relativePath: (from, to) => relativePosix(cwd, from, to),
  dirName: dirnamePosix,
  baseName: basenamePosix,
  pathSep: '/',
  pathDelimiter: ':',
  cwd: () => cwd,
  setCwd(path) { cwd = normalisePath(resolvePosix(cwd, path)); },
  totalMemory: () => ((web.navigator as { deviceMemory?: number } | undefined)?.deviceMemory ?? 4) * 2 ** 30,
  loadAverage: () => [0, 0, 0],
  cpuTimes: () => ({ user: NaN, system: NaN }),
  processId,
  inspect,
  packageText(specifier) {
    throw new Error(`${specifier}: a browser has no npm packages (the page bundles what it needs)`);
  },
  writeStderr: (text) => console.error(text.replace(/\n$/, '')),
  writeStdout: (text) => console.log(text.replace(/\n$/, '')),
  stderrTty: () => ({ isTTY: false }),
  startProcess(argv) {
    throw new Error(`cannot start '${argv[0]}': a browser has no processes (run it from the glasslab CLI or the Node kernel)`);
  },
  commandOutput: () => undefined,
  isRoot: () => false,
  processAlive: () => false,
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
