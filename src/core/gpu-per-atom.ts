/**
 * Per-atom f32 kernels: one thread per atom, one number out. The pattern for
 * later analyses (per-atom statistics over a frame): write the body as a
 * kernel source string over flat arrays, run it through `perAtomKernel`,
 * get a Float64Array back.
 *
 * Two instances:
 *  - `squaredDisplacements`: |r_i(t) - r_i(0)|^2 from unwrapped positions
 *    (no minimum image: unwrapped trajectories carry the true displacement);
 *  - `kineticEnergies`: 1/2 m_i |v_i|^2.
 *
 * Precision: inputs are rounded to f32 (relative 2^-24 = 6e-8). For
 * displacements, each coordinate carries up to ulp(|x|)/2 of absolute error
 * (x unwrapped: 4.8e-7 at |x| ~ 10, 3.8e-6 at |x| ~ 100), so
 * |dr|^2 has an absolute error ~ 2 |dr| ulp(|x|): fine for mean-squared
 * displacements of diffusing atoms, not for sub-1e-6 vibrations around a
 * far-from-origin position (subtract a reference in f64 first there).
 *
 * These kernels are memory-bound (a few flops per loaded number): on CPU
 * backends they are no faster than an f64 loop; they earn their keep on a
 * real GPU or when fused with heavier per-atom work.
 */
import { sharedGpu, type BackendName } from './backend.ts';
import { assertSync, cachedKernel, unpackScalars } from './gpu-kernel-io.ts';

/**
 * Run a scalar per-atom kernel (output [n]) and copy the f32 result into
 * `out` (allocated if absent). `source` is the kernel function's source; its
 * parameters receive `args` in order (typed arrays or numbers).
 */
export function perAtomKernel(backend: BackendName, source: string, n: number, args: unknown[], out?: Float64Array): Float64Array {
  if (out && out.length !== n) throw new Error(`perAtomKernel: out has length ${out.length}, expected ${n}`);
  const res = out ?? new Float64Array(n);
  if (n === 0) return res;
  const kernel = cachedKernel(sharedGpu(backend), { source, output: [n] }) as unknown as (...a: unknown[]) => unknown;
  unpackScalars(assertSync(kernel(...args), 'perAtomKernel'), n, res);
  return res;
}

function squaredDisplacementSource(dim: 2 | 3): string {
  const terms = Array.from({ length: dim }, (_, k) =>
    `const d${k} = x[i * ${dim} + ${k}] - x0[i * ${dim} + ${k}];`).join('\n  ');
  const sum = Array.from({ length: dim }, (_, k) => `d${k} * d${k}`).join(' + ');
  return `function (x, x0) {
  const i = this.thread.x;
  ${terms}
  return ${sum};
}`;
}

function kineticEnergySource(dim: 2 | 3): string {
  const sum = Array.from({ length: dim }, (_, k) => `v[i * ${dim} + ${k}] * v[i * ${dim} + ${k}]`).join(' + ');
  return `function (v, m) {
  const i = this.thread.x;
  return 0.5 * m[i] * (${sum});
}`;
}

function checkFlat(name: string, a: ArrayLike<number>, n: number, dim: number): void {
  if (a.length !== n * dim) throw new Error(`${name} has length ${a.length}, expected n*dim = ${n * dim}`);
}

/** Per-atom squared displacement |x_i - ref_i|^2 (length^2) between two unwrapped configurations, flat n*dim. */
export function squaredDisplacements(backend: BackendName, dim: 2 | 3, positions: Float64Array, reference: Float64Array, out?: Float64Array): Float64Array {
  const n = positions.length / dim;
  checkFlat('squaredDisplacements: positions', positions, n, dim);
  checkFlat('squaredDisplacements: reference', reference, n, dim);
  return perAtomKernel(backend, squaredDisplacementSource(dim), n, [positions, reference], out);
}

/** Per-atom kinetic energy 1/2 m_i |v_i|^2 (energy unit of the model). */
export function kineticEnergies(backend: BackendName, dim: 2 | 3, velocities: Float64Array, masses: Float64Array, out?: Float64Array): Float64Array {
  const n = masses.length;
  checkFlat('kineticEnergies: velocities', velocities, n, dim);
  return perAtomKernel(backend, kineticEnergySource(dim), n, [velocities, masses], out);
}
