/**
 * Builds the project's WebAssembly kernels from AssemblyScript with the
 * AssemblyScript compiler's API:
 * - the dense eigensolver's (eigen-kernels.as.ts): the plain f64x2 SIMD
 *   build (eigen-kernels.wasm) and the relaxed-SIMD build whose
 *   multiply-adds are fused (eigen-kernels-fma.wasm). Both import a shared
 *   memory (env.memory, maximum 4 GiB) and keep no state.
 * - the force kernels (src/core/wasm/force-kernels.as.ts ->
 *   force-kernels.wasm): f64x2 SIMD, their own exported memory (one instance
 *   per force workspace), and the same source on an imported shared
 *   memory (force-kernels-shared.wasm) for the worker threads of
 *   src/core/wasm/force-threads.ts.
 * - the neighbour-list build (src/neighbor/wasm/pair-search.as.ts ->
 *   pair-search.wasm, its own memory; pair-search-import.wasm, the same
 *   on an imported, non-shared memory: the force kernels' one, so that the
 *   list is built where they read it; pair-search-shared.wasm, the same on
 *   the imported shared memory of the force threads, which build the list
 *   together).
 *
 * `npm run build:wasm` writes each next to its source; the tests
 * test/linalg/dense-eigen-wasm.test.ts and test/core/forces-wasm.test.ts call
 * buildKernels() and check the result equals the checked-in binaries byte
 * for byte.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const COMMON = ['-O3', '--noAssert', '--runtime', 'stub', '--enable', 'simd'];
const EIGEN = ['--importMemory', '--sharedMemory', '--initialMemory', '32', '--maximumMemory', '65536', '--enable', 'threads'];
const FORCES = ['--initialMemory', '1', '--maximumMemory', '65536'];
const IMPORTED = ['--importMemory', '--initialMemory', '1', '--maximumMemory', '65536'];
const FORCES_SHARED = ['--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536', '--enable', 'threads'];

/** One binary: its path relative to src/, its AssemblyScript source (relative to src/) and extra compiler flags. */
export interface KernelBuild { readonly file: string; readonly source: string; readonly flags: readonly string[] }

/** Every binary the build writes. */
export const KERNEL_BUILDS: readonly KernelBuild[] = [
  { file: 'linalg/wasm/eigen-kernels.wasm', source: 'linalg/wasm/eigen-kernels.as.ts', flags: EIGEN },
  { file: 'linalg/wasm/eigen-kernels-fma.wasm', source: 'linalg/wasm/eigen-kernels.as.ts', flags: [...EIGEN, '--enable', 'relaxed-simd'] },
  { file: 'core/wasm/force-kernels.wasm', source: 'core/wasm/force-kernels.as.ts', flags: FORCES },
  { file: 'core/wasm/force-kernels-shared.wasm', source: 'core/wasm/force-kernels.as.ts', flags: FORCES_SHARED },
  { file: 'neighbor/wasm/pair-search.wasm', source: 'neighbor/wasm/pair-search.as.ts', flags: FORCES },
  { file: 'neighbor/wasm/pair-search-import.wasm', source: 'neighbor/wasm/pair-search.as.ts', flags: IMPORTED },
  { file: 'neighbor/wasm/pair-search-shared.wasm', source: 'neighbor/wasm/pair-search.as.ts', flags: FORCES_SHARED },
];

/** The absolute path of a file given relative to src/. */
export function srcPath(rel: string): string {
  return fileURLToPath(new URL(`../../${rel}`, import.meta.url));
}

/** Compile every binary in memory; returns file (relative to src/) -> bytes. */
export async function buildKernels(): Promise<Map<string, Uint8Array>> {
  const { default: asc } = await import('assemblyscript/asc');
  const out = new Map<string, Uint8Array>();
  for (const b of KERNEL_BUILDS) {
    let binary: Uint8Array | undefined;
    let log = '';
    const sink = { write(chunk: Uint8Array | string) { log += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk); return true; } };
    const source = srcPath(b.source);
    const { error } = await asc.main([source, '-o', b.file, ...COMMON, ...b.flags], {
      stdout: sink, stderr: sink,
      writeFile: (name: string, contents: Uint8Array | string) => { if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents; },
    });
    if (error || !binary) throw new Error(`buildKernels: asc failed on ${source} (${b.file}): ${error?.message ?? 'no output'}\n${log}`);
    out.set(b.file, binary);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, bytes] of await buildKernels()) {
    const path = srcPath(file);
    writeFileSync(path, bytes);
    console.log(`wrote ${path} (${bytes.length} bytes)`);
  }
}
