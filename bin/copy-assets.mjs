#!/usr/bin/env node
// `npm run build`, after tsc: copies the files the compiled library reads at
// run time (the wasm kernels, found next to wasm-runtime.js, force-runtime.js and pair-search.js, and the
// worker entry src/platform/module-worker.mjs) from src/ to dist/, and writes
// dist/package.json: the compiled files' own package scope, whose `imports`
// map `#platform` to the compiled host implementations as the root
// package.json maps it to the sources (Node resolves `#` imports against the
// nearest package.json).
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
for (const [dir, ext] of [[join('linalg', 'wasm'), '.wasm'], [join('core', 'wasm'), '.wasm'], [join('neighbor', 'wasm'), '.wasm'], ['platform', '.mjs']]) {
  mkdirSync(join(root, 'dist', dir), { recursive: true });
  for (const f of readdirSync(join(root, 'src', dir)).filter((f) => f.endsWith(ext))) {
    copyFileSync(join(root, 'src', dir, f), join(root, 'dist', dir, f));
  }
}

const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const compiled = (target) => target.replace(/^\.\/src\//, './').replace(/\.ts$/, '.js');
const imports = Object.fromEntries(Object.entries(rootPkg.imports).map(([k, conds]) =>
  [k, Object.fromEntries(Object.entries(conds).map(([c, t]) => [c, compiled(t)]))]));
writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ type: 'module', imports }, null, 2) + '\n');
