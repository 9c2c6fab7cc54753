#!/usr/bin/env node
// glasslab command-line entry: registers tsx's ESM loader so the TypeScript
// sources run directly, then hands the arguments to src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const { createRegistry } = await import('../src/app/registry.ts');

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  // first Ctrl-C stops an MD run cleanly after the current step, a second one kills
  handleSignals: true,
}, createRegistry());
// exit without waiting for handles that libraries (gpu.js) may leave open
process.exitCode = code;
process.stdout.write('', () => process.exit(code));
