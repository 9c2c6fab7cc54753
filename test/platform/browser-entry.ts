/**
 * What the browser test's worker imports (bundled by esbuild for a
 * browser): the KA run of ./ka-run.ts and the platform calls a host makes
 * (files, interrupts, core count).
 */
export { kaRun } from './ka-run.ts';
export { cpuCount, InterruptFlag, platform, putFile, setInterruptFlag, setModuleUrl, startModuleWorker, workerInput } from '../../src/platform/index.ts';
