/**
 * Builds the WebAssembly kernels of the dense eigensolver from
 * eigen-kernels.as.ts (AssemblyScript) with the AssemblyScript compiler's
 * API: two binaries, the plain f64x2 SIMD build (eigen-kernels.wasm) and
 * the relaxed-SIMD build whose multiply-adds are fused (eigen-kernels-fma.wasm).
 * Both import a shared memory (env.memory, maximum 4 GiB) and keep no state.
 *
 * `npm run build:wasm` writes them next to the source; the test
 * test/linalg/dense-eigen-wasm.test.ts calls buildKernels() and checks the
 * result equals the checked-in binaries byte for byte.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('./eigen-kernels.as.ts', import.meta.url));
const COMMON = ['-O3', '--noAssert', '--runtime', 'stub', '--importMemory', '--sharedMemory', '--initialMemory', '32', '--maximumMemory', '65536', '--enable', 'simd', '--enable', 'threads'];

/** The two variants: file name and extra compiler flags. */
export const KERNEL_BUILDS: readonly { readonly file: string; readonly flags: readonly string[] }[] = [
  { file: 'eigen-kernels.wasm', flags: [] },
  { file: 'eigen-kernels-fma.wasm', flags: ['--enable', 'relaxed-simd'] },
];

/** Compile both variants in memory; returns file name -> bytes. */
export async function buildKernels(): Promise<Map<string, Uint8Array>> {
  const { default: asc } = await import('assemblyscript/asc');
  const out = new Map<string, Uint8Array>();
  for (const b of KERNEL_BUILDS) {
    let binary: Uint8Array | undefined;
    let log = '';
    const sink = { write(chunk: Uint8Array | string) { log += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk); return true; } };
    const { error } = await asc.main([SOURCE, '-o', b.file, ...COMMON, ...b.flags], {
      stdout: sink, stderr: sink,
      writeFile: (name: string, contents: Uint8Array | string) => { if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents; },
    });
    if (error || !binary) throw new Error(`buildKernels: asc failed on ${SOURCE} (${b.file}): ${error?.message ?? 'no output'}\n${log}`);
    out.set(b.file, binary);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, bytes] of await buildKernels()) {
    const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
    writeFileSync(path, bytes);
    console.log(`wrote ${path} (${bytes.length} bytes)`);
  }
}
