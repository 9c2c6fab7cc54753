/**
 * The Node implementation of the host API (./types.ts), chosen by the
 * `#platform` import of package.json everywhere but in a browser build.
 * Among the physics layers (levels 0-9 of ARCHITECTURE.md) only this file
 * imports Node's built-ins; test/architecture/layers.test.ts holds the rule.
 */
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, promises as fsp, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { MessageChannel, parentPort, Worker, workerData } from 'node:worker_threads';
import { memoryFiles } from './memory-files.ts';
import type { HostWorker, Platform, ScratchFile } from './types.ts';

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
};

