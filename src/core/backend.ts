/**
 * Backend selection for the gpu.js compute core.
 *
 * Three gpu.js modes matter here:
 *  - `webasm`: kernels compiled to WebAssembly with f32x4 SIMD. Works in any
 *    Node with WebAssembly; the default.
 *  - `cpu`: kernels transpiled to plain JavaScript (f32 results). Always works;
 *    the fallback and the reference for "same kernel, other backend".
 *  - `webgpu`: WGSL compute shaders through the `webgpu` (Dawn) npm package.
 *    Its native binary may fail to load (e.g. it needs GLIBCXX_3.4.32), and
 *    even when it loads an adapter must answer. Probed asynchronously, never
 *    assumed. WebGPU kernels are asynchronous: only the `...Async` methods of
 *    the kernel wrappers can run on it.
 *
 * Choice order for `resolveBackend(requested)`:
 *   1. `requested` if given,
 *   2. else the environment variable `GLASSLAB_BACKEND`,
 *   3. else `webasm`.
 * `auto` means: webgpu if an adapter answers, else webasm, else cpu.
 * An explicit `webgpu` that is not available is an error; an explicit
 * `webasm` that is not available falls back to `cpu` with a logged reason
 * (cpu computes the same kernels, only slower).
 */
import { GPU, WebAssemblyKernel } from 'gpu.js';
import { envVar, webgpu } from '../platform/index.ts';

export type BackendName = 'webasm' | 'cpu' | 'webgpu';
export type BackendRequest = BackendName | 'auto';

export const BACKEND_NAMES: readonly BackendName[] = ['webasm', 'cpu', 'webgpu'];
const REQUESTS: readonly BackendRequest[] = [...BACKEND_NAMES, 'auto'];

/** Outcome of probing one backend. */
export interface BackendProbe {
  readonly name: BackendName;
  readonly available: boolean;
  /** why it is unavailable (absent when available) */
  readonly reason?: string;
  /** webasm: whether f32x4 SIMD validated on this engine */
  readonly simd?: boolean;
}

/** Logger for fallbacks; replaceable so a notebook kernel can route it. */
export let backendLog: (message: string) => void = (m) => console.warn(m);
export function setBackendLogger(log: (message: string) => void): void {
  backendLog = log;
}

const probeCache = new Map<BackendName, Promise<BackendProbe>>();

function probeWebasm(): BackendProbe {
  try {
    if (!GPU.isWebAssemblySupported) {
      return { name: 'webasm', available: false, reason: 'WebAssembly is not supported by this JavaScript engine (GPU.isWebAssemblySupported is false)' };
    }
    // compile and run a tiny kernel: proves the whole toolchain, not only the API surface
    const gpu = new GPU({ mode: 'webasm' });
    const k = gpu.createKernel('function (a) { return a[this.thread.x] * 2; }', { output: [4] });
    const out = k(new Float32Array([1, 2, 3, 4])) as Float32Array;
    const mode = (k as unknown as { kernel?: { constructor?: { mode?: string }; fallbackReason?: string } }).kernel;
    const ran = mode?.constructor?.mode;
    void gpu.destroy();
    if (ran !== 'webasm') {
      return { name: 'webasm', available: false, reason: `gpu.js degraded the probe kernel to '${ran}': ${mode?.fallbackReason ?? 'no reason given'}` };
    }
    if (out[3] !== 8) return { name: 'webasm', available: false, reason: `probe kernel returned ${out[3]} instead of 8` };
    const simd = (WebAssemblyKernel as unknown as { isSIMDSupported?: boolean }).isSIMDSupported === true;
    return { name: 'webasm', available: true, simd };
  } catch (e) {
    return { name: 'webasm', available: false, reason: `webasm probe failed: ${errorText(e)}` };
  }
}

/** WebGPU: `navigator.gpu` from the host (in Node the `webgpu` package, platform `webgpu()`), then an adapter that answers. */
async function probeWebgpu(): Promise<BackendProbe> {
  const got = await webgpu();
  if ('reason' in got) return { name: 'webgpu', available: false, reason: got.reason };
  try {
    const adapter = await got.gpu.requestAdapter();
    if (!adapter) return { name: 'webgpu', available: false, reason: 'navigator.gpu.requestAdapter() returned null (no usable GPU adapter)' };
    return { name: 'webgpu', available: true };
  } catch (e) {
    return { name: 'webgpu', available: false, reason: `navigator.gpu.requestAdapter() threw: ${errorText(e)}` };
  }
}

/** Probe one backend (cached for the process). */
export function probeBackend(name: BackendName): Promise<BackendProbe> {
  let p = probeCache.get(name);
  if (!p) {
    p = name === 'webgpu' ? probeWebgpu()
      : name === 'webasm' ? Promise.resolve(probeWebasm())
      : Promise.resolve({ name: 'cpu', available: true } as BackendProbe);
    probeCache.set(name, p);
  }
  return p;
}

/** Probe every backend; each entry says whether it works here and, if not, why. */
export async function availableBackends(): Promise<BackendProbe[]> {
  return Promise.all(BACKEND_NAMES.map(probeBackend));
}

function parseRequest(value: string, source: string): BackendRequest {
  const v = value.trim().toLowerCase();
  if ((REQUESTS as readonly string[]).includes(v)) return v as BackendRequest;
  throw new Error(`${source}: unknown backend '${value}'; use one of ${REQUESTS.join(', ')}`);
}

/**
 * Decide which backend to run on (see the module comment for the order).
 * Throws when `webgpu` is requested explicitly and no adapter answers.
 */
export async function resolveBackend(requested?: BackendRequest): Promise<BackendName> {
  let req: BackendRequest;
  if (requested !== undefined) req = parseRequest(requested, 'resolveBackend(requested)');
  else if (envVar('GLASSLAB_BACKEND')) req = parseRequest(envVar('GLASSLAB_BACKEND')!, 'environment variable GLASSLAB_BACKEND');
  else req = 'webasm';

  if (req === 'cpu') return 'cpu';
  if (req === 'webgpu' || req === 'auto') {
    const p = await probeBackend('webgpu');
    if (p.available) return 'webgpu';
    if (req === 'webgpu') {
      throw new Error(`backend 'webgpu' was requested but is unavailable: ${p.reason}. ` +
        `Use 'webasm' (default), 'cpu', or 'auto' (which falls back).`);
    }
  }
  const w = await probeBackend('webasm');
  if (w.available) return 'webasm';
  backendLog(`glasslab: backend 'webasm' unavailable (${w.reason}); using 'cpu'`);
  return 'cpu';
}

const instances = new Map<BackendName, GPU>();

/**
 * The one shared gpu.js instance per backend. Kernels created on it are
 * cached by their owners; `releaseGpu` destroys an instance and its kernels.
 */
export function sharedGpu(backend: BackendName): GPU {
  let g = instances.get(backend);
  if (!g) {
    g = new GPU({ mode: backend });
    instances.set(backend, g);
  }
  return g;
}

/** Destroy the shared instance of a backend (and every kernel made on it). */
export async function releaseGpu(backend: BackendName): Promise<void> {
  const g = instances.get(backend);
  if (g) {
    instances.delete(backend);
    await g.destroy();
  }
}

function errorText(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split('\n')[0].slice(0, 300);
}
