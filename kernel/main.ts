/**
 * Kernel process entry: `node kernel/launch.mjs CONNECTION_FILE` (what the
 * kernelspec's argv runs). Builds the magic table from the CLI registry,
 * makes `import ... from 'glasslab'` resolve to this package, and serves
 * the connection file until shutdown.
 */
import { register as registerTsxCjs } from 'tsx/cjs/api';
import type { Registry } from '../src/commands/registry.ts';
import { installLibraryResolution } from './library.ts';
import { HeapWatch, heapWarning } from './heap-watch.ts';
import { buildMagicTable } from './magics/table.ts';
import { startServer } from './server.ts';
import { KernelSession } from './session.ts';

export async function startKernel(connectionFile: string, registry: Registry): Promise<void> {
  registerTsxCjs();
  installLibraryResolution(process.cwd());
  // a cell about to exhaust the heap is stopped with a MemoryError (see heap-watch.ts);
  // GLASSLAB_HEAP_WATCH=0 turns the watchdog off
  const heapWatch = process.env.GLASSLAB_HEAP_WATCH === '0'
    ? undefined
    : new HeapWatch({ onTrip: (used, limit) => session.warn(heapWarning(used, limit)) });
  const session: KernelSession = new KernelSession({ magics: buildMagicTable(registry), heapWatch });
  // An interrupt (SIGINT, Jupyter's default interrupt_mode "signal") stops
  // the cell, never the kernel.
  // (the CLI's own Ctrl-C handling, when started as `glasslab kernel start`,
  // would exit on a second interrupt: the kernel process handles SIGINT alone)
  process.removeAllListeners('SIGINT');
  process.on('SIGINT', () => session.interrupt());
  // Errors escaping a cell (a throw in a timer, a rejected promise nobody
  // awaited) are reported on the stream of the latest cell; the kernel lives on.
  process.on('uncaughtException', (e) => { process.stderr.write(`Uncaught ${e instanceof Error ? e.stack : String(e)}\n`); });
  process.on('unhandledRejection', (e) => { process.stderr.write(`Unhandled promise rejection: ${e instanceof Error ? e.stack : String(e)}\n`); });
  const server = startServer(session, connectionFile, () => process.exit(0));
  await server.ready;
}

export async function main(argv: readonly string[], registry: Registry): Promise<void> {
  const file = argv[0];
  if (!file || argv.length !== 1) {
    process.stderr.write('usage: node kernel/launch.mjs CONNECTION_FILE\n(Jupyter runs this through the kernelspec; install it with `glasslab kernel install`)\n');
    process.exit(2);
  }
  await startKernel(file, registry);
}
