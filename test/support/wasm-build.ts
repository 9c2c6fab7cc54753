/**
 * The check that a checked-in WebAssembly binary is what `npm run build:wasm`
 * (src/linalg/wasm/build-kernels.ts) makes of its AssemblyScript source now.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { buildKernels } from '../../src/linalg/wasm/build-kernels.ts';

/** Rebuild every binary and compare the one at `file` (relative to src/) byte for byte. */
export async function expectFreshBuild(file: string): Promise<void> {
  const built = (await buildKernels()).get(file);
  expect(built, `${file} is not a build output of build-kernels.ts`).toBeDefined();
  const checkedIn = readFileSync(new URL(`../../src/${file}`, import.meta.url));
  expect(Buffer.from(built!).equals(checkedIn), `${file} is stale: run npm run build:wasm`).toBe(true);
}
