#!/usr/bin/env node
// `npm run build`, after tsc: copies the files the compiled library reads at
// run time (the wasm kernels, found next to wasm-runtime.js, force-runtime.js and pair-search.js, and the
// worker entry src/platform/module-worker.mjs) from src/ to dist/.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
for (const [dir, ext] of [[join('linalg', 'wasm'), '.wasm'], [join('core', 'wasm'), '.wasm'], [join('neighbor', 'wasm'), '.wasm'], ['platform', '.mjs']]) {
  mkdirSync(join(root, 'dist', dir), { recursive: true });
  for (const f of readdirSync(join(root, 'src', dir)).filter((f) => f.endsWith(ext))) {
    copyFileSync(join(root, 'src', dir, f), join(root, 'dist', dir, f));
  }
}
