/**
 * The Node implementation of the host API (./types.ts), chosen by the
 * `#platform` import of package.json everywhere but in a browser build.
 * Among the physics layers (levels 0-9 of ARCHITECTURE.md) only this file
 * imports Node's built-ins; test/architecture/layers.test.ts holds the rule.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  accessSync, appendFileSync, closeSync, constants, createReadStream, createWriteStream, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, promises as fsp,
  readdirSync, readSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline, Readable, type Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { MessageChannel, parentPort, Worker, workerData } from 'node:worker_threads';
import { createGunzip, createGzip } from 'node:zlib';
import { memoryFiles } from './memory-files.ts';
import type { FileStat, HostProcess, HostWorker, OutputFile, Platform, ScratchFile } from './types.ts';

/** The path of a file URL or path (another scheme: null). */
function pathOf(file: URL | string): string | null {
  if (typeof file === 'string') return file;
  return file.protocol === 'file:' ? fileURLToPath(file) : null;
}

function readBytes(file: URL | string): Uint8Array {
  const p = pathOf(file);
  const mem = p !== null ? memoryFiles.get(p) : undefined;
  if (mem) return mem;
  return readFileSync(file);
}

function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

async function webgpu(): Promise<{ gpu: { requestAdapter(): Promise<unknown> } } | { reason: string }> {
  type Gpu = { requestAdapter(): Promise<unknown> };
  const g = globalThis as unknown as { navigator?: { gpu?: Gpu } };
  if (g.navigator?.gpu) return { gpu: g.navigator.gpu };
  let mod: { create?: (flags: string[]) => unknown; globals?: Record<string, unknown> };
  try {
    mod = (await import('webgpu' as string)) as typeof mod;
  } catch (e) {
    return { reason: `the 'webgpu' (Dawn) package did not load: ${(e as Error).message ?? String(e)}` };
  }
  if (typeof mod.create !== 'function') return { reason: "the 'webgpu' package has no create() export" };
  try {
    const gpu = mod.create([]) as Gpu;
    if (mod.globals) Object.assign(globalThis, mod.globals);
    if (g.navigator) Object.assign(g.navigator, { gpu });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    return { gpu };
  } catch (e) {
    return { reason: `the 'webgpu' package loaded but create() failed: ${(e as Error).message ?? String(e)}` };
  }
}

async function scratchFile(prefix: string, dir?: string): Promise<ScratchFile> {
  const folder = mkdtempSync(join(dir ?? tmpdir(), prefix));
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(join(folder, 'data'), 'w+');
  } catch (e) {
    rmSync(folder, { recursive: true, force: true });
    throw e;
  }
  let open = true;
  return {
    async write(bytes, position) { await fh!.write(bytes, 0, bytes.length, position); },
    async read(bytes, position) { return (await fh!.read(bytes, 0, bytes.length, position)).bytesRead; },
    async close() {
      if (!open) return;
      open = false;
      await fh!.close().catch(() => {});
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

function statOf(path: string): FileStat | undefined {
  const mem = memoryFiles.get(path);
  if (mem) return { size: mem.length, mtimeMs: memoryFiles.mtimeMs(path) ?? 0, isFile: true, isDirectory: false };
  try {
    const st = statSync(path);
    return { size: st.size, mtimeMs: st.mtimeMs, isFile: st.isFile(), isDirectory: st.isDirectory() };
  } catch {
    return memoryFiles.isDirectory(path) ? { size: 0, mtimeMs: 0, isFile: false, isDirectory: true } : undefined;
  }
}

/** An output written to `<path>.tmp-<pid>` (through gzip where asked) and renamed over `path` on close. */
function openOutput(path: string, opts: { gzip?: boolean } = {}): OutputFile {
  const tmpPath = `${path}.tmp-${process.pid}`;
  const file = createWriteStream(tmpPath);
  let sink: Writable = file;
  let error: Error | undefined;
  let closed = false;
  const wrap = (e: Error) => new Error(`${path}: write failed: ${e.message}`);
  if (opts.gzip) {
    const gz = createGzip();
    pipeline(gz, file, (e) => { if (e) error ??= e; });
    sink = gz;
  } else {
    file.on('error', (e) => { error ??= e; });
  }
  return {
    tmpPath,
    async write(data) {
      if (closed) throw new Error(`${path}: write after close`);
      if (error) throw wrap(error);
      const more = typeof data === 'string' ? sink.write(data, 'latin1') : sink.write(data);
      if (!more) {
        await new Promise<void>((res, rej) => {
          const onDrain = () => { sink.off('error', onErr); res(); };
          const onErr = (e: Error) => { sink.off('drain', onDrain); rej(wrap(e)); };
          sink.once('drain', onDrain);
          sink.once('error', onErr);
        });
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((res, rej) => {
        file.once('close', () => (error ? rej(wrap(error)) : res()));
        file.once('error', (e) => rej(wrap(e)));
        sink.end();
      });
      await fsp.rename(tmpPath, path);
    },
    async abort() {
      if (!closed) {
        closed = true;
        // wait for the file to be closed (its open may still be pending) before deleting it
        const done = file.closed ? Promise.resolve() : new Promise<void>((res) => file.once('close', () => res()));
        sink.destroy();
        file.destroy();
        await done;
      }
      await fsp.rm(tmpPath, { force: true });
    },
  };
}

async function* readChunks(path: string, start: number, chunkSize: number): AsyncGenerator<Uint8Array> {
  const file = createReadStream(path, { start, highWaterMark: chunkSize });
  try {
    for await (const buf of file as AsyncIterable<Buffer>) yield buf;
  } finally {
    file.destroy();
  }
}

async function* gunzip(source: AsyncIterable<Uint8Array>, chunkSize: number): AsyncGenerator<Uint8Array> {
  const input = Readable.from(source);
  const out = pipeline(input, createGunzip({ chunkSize }), () => {}) as unknown as Readable;
  try {
    for await (const buf of out as AsyncIterable<Buffer>) yield buf;
  } finally {
    out.destroy();
    input.destroy();
  }
}

/** Kill the process groups of the children still running when this process exits. */
const liveGroups = new Set<number>();
let exitHook = false;

function startProcess(argv: string[], opts: { cwd: string; env?: Record<string, string> }): HostProcess {
  const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => { for (const g of liveGroups) { try { process.kill(-g, 'SIGKILL'); } catch { /* gone */ } } });
  }
  if (child.pid !== undefined) liveGroups.add(child.pid);
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid,
    get running() { return running(); },
    onStdout: (f) => { child.stdout!.on('data', (b: Buffer) => f(b.toString('utf8'))); },
    onStderr: (f) => { child.stderr!.on('data', (b: Buffer) => f(b.toString('utf8'))); },
    onError: (f) => { child.on('error', (e: NodeJS.ErrnoException) => f(Object.assign(e, { notFound: e.code === 'ENOENT' }))); },
    onClose: (f) => {
      child.on('close', (code, signal) => {
        // ranks of an MPI run may outlive the leader for a moment: make sure the group is gone
        if (child.pid !== undefined) { liveGroups.delete(child.pid); try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
        f(code, signal);
      });
    },
    killGroup(signal) {
      if (child.pid === undefined || !running()) return;
      try { process.kill(-child.pid, signal); } catch { /* already gone */ }
    },
  };
}

export const platform: Platform = {
  name: 'node',
  cpuCount: () => Math.max(1, availableParallelism()),
  envVar: (name) => process.env[name],
  environment: () => process.env,
  setEnvVar(name, value) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  },
  readBytes,
  readText: (path) => new TextDecoder().decode(readBytes(path)),
  isFile: (path) => memoryFiles.get(path) !== undefined || (existsSync(path) && statSync(path).isFile()),
  isDirectory: (path) => memoryFiles.isDirectory(path) || (existsSync(path) && statSync(path).isDirectory()),
  joinPath: (...parts) => join(...parts),
  putFile: (path, content) => memoryFiles.put(path, content),
  writeFileAtomic,
  scratchFile,
  removeFile: (path) => memoryFiles.remove(path),
  setEngineFlags: (flags) => setFlagsFromString(flags),
  webgpu,
  yieldToHost: () => new Promise<void>((resolve) => setImmediate(resolve)),
  startSourceWorker(body, data, transfer = []) {
    const src = `const { workerData, receiveMessageOnPort } = require('node:worker_threads');\n${body}`;
    return new Worker(src, { eval: true, workerData: data, transferList: transfer as never }) as unknown as HostWorker;
  },
  syncPorts: true,
  messageChannel: () => new MessageChannel() as never,
  startModuleWorker(module, data) {
    return new Worker(new URL('./module-worker.mjs', import.meta.url), { workerData: { module: module.href, data } }) as unknown as HostWorker;
  },
  async workerInput() {
    return { data: (workerData as { data?: unknown } | null)?.data, port: parentPort };
  },
  setModuleUrl() { /* Node imports a worker module from its own URL */ },
  stat: statOf,
  exists: (path) => statOf(path) !== undefined,
  readDir: (path) => readdirSync(path),
  makeDir: (path) => { mkdirSync(path, { recursive: true }); },
  makeTempDir: (prefix, dir) => mkdtempSync(join(dir ?? tmpdir(), prefix)),
  rename: (from, to) => renameSync(from, to),
  remove(path, opts = {}) {
    if (memoryFiles.remove(path)) return;
    if (!opts.recursive && existsSync(path) && statSync(path).isDirectory()) rmdirSync(path);
    else rmSync(path, { recursive: opts.recursive ?? false, force: true });
  },
  realPath: (path) => realpathSync(path),
  isWritable(dir) {
    try { accessSync(dir, constants.W_OK); return true; } catch { return false; }
  },
  appendText: (path, text) => appendFileSync(path, text),
  async readAt(path, bytes, position) {
    const mem = memoryFiles.get(path);
    if (mem) {
      const got = Math.max(0, Math.min(bytes.length, mem.length - position));
      bytes.set(mem.subarray(position, position + got));
      return got;
    }
    const fh = await fsp.open(path, 'r');
    try {
      return (await fh.read(bytes, 0, bytes.length, position)).bytesRead;
    } finally {
      await fh.close();
    }
  },
  readHead(path, bytes) {
    const mem = memoryFiles.get(path);
    if (mem) return mem.subarray(0, bytes);
    const fd = openSync(path, 'r');
    try {
      const b = new Uint8Array(bytes);
      return b.subarray(0, readSync(fd, b, 0, bytes, 0));
    } finally {
      closeSync(fd);
    }
  },
  readChunks,
  gunzip,
  openOutput,
  latin1: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'),
  mountFiles() {
    throw new Error('mountFiles: Node reads its disk; a file store is for a browser host');
  },
  resolvePath: (...parts) => resolve(...parts),
  relativePath: (from, to) => relative(from, to),
  dirName: (path) => dirname(path),
  baseName: (path, ext) => basename(path, ext),
  pathSep: sep,
  pathDelimiter: delimiter,
  cwd: () => process.cwd(),
  setCwd: (path) => process.chdir(path),
  totalMemory: () => {
    const limited = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
    return limited !== undefined && limited > 0 && limited < totalmem() ? limited : totalmem();
  },
  loadAverage: () => loadavg(),
  cpuTimes() {
    const u = process.cpuUsage();
    return { user: u.user / 1e6, system: u.system / 1e6 };
  },
  processId: process.pid,
  inspect: (value, opts) => inspect(value, opts),
  packageText: (specifier) => readFileSync(createRequire(import.meta.url).resolve(specifier), 'utf8'),
  writeStderr: (text) => { process.stderr.write(text); },
  writeStdout: (text) => { process.stdout.write(text); },
  stderrTty: () => ({ isTTY: process.stderr.isTTY === true, columns: process.stderr.columns }),
  startProcess,
  commandOutput(argv, opts) {
    try {
      const stdout = execFileSync(argv[0], argv.slice(1), { cwd: opts.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: opts.timeoutMs });
      return { status: 0, stdout, stderr: '' };
    } catch (e) {
      const err = e as { status?: number | null; stdout?: string; stderr?: string; code?: string };
      if (err.code === 'ENOENT' || err.status === undefined) return undefined;
      return { status: err.status, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  },
  isRoot: () => typeof process.getuid === 'function' && process.getuid() === 0,
  processAlive(pid) {
    try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
  },
};

