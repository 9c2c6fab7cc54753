/**
 * Shared plumbing for gpu.js kernels: kernel cache per gpu.js instance,
 * f64 -> f32 packing of positions, and unpacking of kernel outputs into flat
 * Float64Arrays. Used by every `gpu-*.ts` module so none repeats it.
 *
 * gpu.js facts this relies on (gpu.js 2.24.1, read from its source):
 * - Array arguments (any typed array) are copied into the kernel's f32
 *   memory with `Float32Array.set` on every call: an Int32Array of indices
 *   becomes f32, exact for values below 2^24.
 * - A kernel returning `Array(k)` (k = 2..4) over output [n] gives an array of
 *   n Float32Array views of length k; over output [n, m] an array of m such rows.
 * - `loopMaxIterations` caps loops whose bound is not a literal; we set it to
 *   a bound checked on the host, so no loop is ever silently truncated.
 */
import type { GPU, IKernelRunShortcut } from 'gpu.js';
import type { Box } from '../system/box.ts';

/** Largest integer every f32 represents exactly: indices must stay below it. */
export const F32_EXACT_INT = 1 << 24;

/** gpu.js kernel settings we use (a subset of IGPUKernelSettings). */
export interface KernelSpec {
  /** full JavaScript source of the kernel function (a string, so transpilers cannot touch it) */
  source: string;
  output: number[];
  loopMaxIterations?: number;
  argumentTypes?: Record<string, string>;
}

const kernelCache = new WeakMap<GPU, Map<string, { kernel: IKernelRunShortcut; outputKey: string }>>();

/**
 * The kernel for `spec` on `gpu`, compiled once per (instance, source) and
 * reused; a new output size resizes it (gpu.js rebuilds its module for a new
 * size signature and caches a few of those itself).
 */
export function cachedKernel(gpu: GPU, spec: KernelSpec): IKernelRunShortcut {
  let perGpu = kernelCache.get(gpu);
  if (!perGpu) {
    perGpu = new Map();
    kernelCache.set(gpu, perGpu);
  }
  const key = `${spec.source}\u0000${spec.loopMaxIterations ?? ''}`;
  const outputKey = spec.output.join('x');
  let entry = perGpu.get(key);
  if (!entry) {
    const settings: Record<string, unknown> = {
      output: spec.output,
      dynamicOutput: true,
      dynamicArguments: true,
      tactic: 'precision',
    };
    if (spec.loopMaxIterations !== undefined) settings.loopMaxIterations = spec.loopMaxIterations;
    if (spec.argumentTypes) settings.argumentTypes = spec.argumentTypes;
    entry = { kernel: gpu.createKernel(spec.source, settings), outputKey };
    perGpu.set(key, entry);
  } else if (entry.outputKey !== outputKey) {
    entry.kernel.setOutput(spec.output);
    entry.outputKey = outputKey;
  }
  return entry.kernel;
}

/** The gpu.js mode that actually ran a kernel (gpu.js may degrade a kernel to cpu). */
export function kernelMode(kernel: IKernelRunShortcut): string | undefined {
  return (kernel as unknown as { kernel?: { constructor?: { mode?: string } } }).kernel?.constructor?.mode;
}

/** Thrown where a synchronous call meets an asynchronous (webgpu) kernel. */
export function assertSync<T>(value: T | Promise<T>, where: string): T {
  if (value instanceof Promise) {
    throw new Error(`${where}: this backend returns Promises (webgpu); call the ...Async variant instead`);
  }
  return value;
}

type Rows = ArrayLike<ArrayLike<number>>;

/**
 * Copy an `Array(k)` kernel result over output [n] (or one row `row` of an
 * output [n, m]) into out[i*stride + offset + c], c < k.
 */
export function unpackVectors(result: unknown, n: number, k: number, out: Float64Array, stride: number, offset = 0, row?: number): void {
  const rows = (row === undefined ? result : (result as Rows[])[row]) as Rows;
  if (!rows || rows.length !== n) {
    throw new Error(`gpu-kernel-io: kernel returned ${rows?.length} rows, expected ${n} (gpu.js output shape changed?)`);
  }
  for (let i = 0; i < n; i++) {
    const v = rows[i];
    const o = i * stride + offset;
    for (let c = 0; c < k; c++) out[o + c] = v[c];
  }
}

/** Copy a scalar kernel result over output [n] into out (length n). */
export function unpackScalars(result: unknown, n: number, out: Float64Array): void {
  const a = result as ArrayLike<number>;
  if (!a || a.length !== n) throw new Error(`gpu-kernel-io: kernel returned ${a?.length} values, expected ${n}`);
  for (let i = 0; i < n; i++) out[i] = a[i];
}

/**
 * Positions for an f32 kernel, atom i at out[i*outStride ..] (a stride
 * above dim leaves slots for per-atom data the caller fills, e.g. the type):
 * wrapped into the cell in f64, then expressed
 * relative to the cell centre, then rounded to f32. Coordinates then lie in
 * [-L/2, L/2) (orthorhombic), so each is rounded by at most half an f32
 * ulp of L/2: 2.4e-7 for L = 15 (L/2 in [4, 8), ulp 2^-21), i.e. a relative
 * 2^-24 of the half box. This is the precision floor of every f32 pair
 * kernel (twice better than coordinates in [0, L)); absolute (unwrapped)
 * coordinates would lose more as atoms diffuse away.
 */
export function packCentredPositions(box: Box, positions: Float64Array, out: Float32Array, outStride: number = box.dim): void {
  const d = box.dim;
  const n = positions.length / d;
  const S = outStride;
  if (S < d || out.length < n * S) throw new Error(`packCentredPositions: out (length ${out.length}, stride ${S}) cannot hold ${n} atoms in ${d}D`);
  const lo = box.lo, L = box.lengths;
  if (!box.triclinic) {
    for (let k = 0; k < d; k++) {
      const lk = L[k], ilk = 1 / lk, c = lo[k] + 0.5 * lk, periodic = box.periodic[k];
      for (let i = 0; i < n; i++) {
        let x = positions[i * d + k] - c;
        if (periodic) x -= lk * Math.floor(x * ilk + 0.5);
        out[i * S + k] = x;
      }
    }
    return;
  }
  const w = positions.slice();
  box.wrap(w);
  // centre of the parallelepiped: lo + (a + b + c)/2
  const cx = lo[0] + 0.5 * (L[0] + box.xy + box.xz);
  const cy = lo[1] + 0.5 * (L[1] + box.yz);
  const cz = d === 3 ? lo[2] + 0.5 * L[2] : 0;
  for (let i = 0; i < n; i++) {
    out[i * S] = w[i * d] - cx;
    out[i * S + 1] = w[i * d + 1] - cy;
    if (d === 3) out[i * S + 2] = w[i * d + 2] - cz;
  }
}

/**
 * Box scalars for the in-kernel minimum image (same convention as
 * `Box.minimumImage`: z, then y, then x, with tilt corrections). A
 * non-periodic direction gets L = 1/L = 0 so its image shift is always 0.
 */
export function boxScalars(box: Box): number[] {
  const L = box.lengths;
  const len = (k: number) => (k < box.dim && box.periodic[k] ? L[k] : 0);
  const inv = (k: number) => (len(k) > 0 ? 1 / len(k) : 0);
  return [len(0), len(1), len(2), inv(0), inv(1), inv(2), box.xy, box.xz, box.yz];
}
