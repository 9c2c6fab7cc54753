// Entry of the workers of startModuleWorker (./index.ts): registers tsx's
// loader when the module is TypeScript source, then imports the module,
// which reads its data with workerInput() and talks to its parent.
import { workerData } from 'node:worker_threads';

if (workerData.module.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.module);
