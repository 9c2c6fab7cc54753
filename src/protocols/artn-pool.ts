/**
 * Worker threads for ARTn campaigns (./artn-campaign.ts, option `workers`):
 * each worker (./artn-worker.ts) holds its own force provider built from
 * the same potential and the same inherent structure, and runs one search
 * at a time. The parent hands out (atom, attempt) jobs and gets the events
 * back; every event has its own seed (eventSeed), so which worker ran it,
 * and when, does not change it. Workers start asynchronously: `start`
 * resolves once every worker has posted 'ready' (nothing blocks in
 * Atomics.wait, which a browser would not allow while a worker starts).
 * `close` terminates every worker and resolves when all have exited (an
 * AbortSignal or an error ends the campaign through it).
 */
import { PotentialForceProvider } from '../core/force-provider.ts';
import type { ForceKernels } from '../core/forces-f64.ts';
import type { ForceProvider } from '../core/types.ts';
import { startModuleWorker, type HostWorker } from '../platform/index.ts';
import { potentialFingerprint } from '../potential/fingerprint.ts';
import { systemToData, type SystemData } from '../system/system-data.ts';
import type { System } from '../system/system.ts';
import type { ArtnEvent, ArtnParams } from './artn.ts';

/** How a worker builds the campaign's potential: `getPotential(name, { potentialPath, elements })` (src/potential/registry.ts). */
export interface ArtnWorkerModel {
  /** registry name, e.g. 'cuzr', 'eam' */
  name: string;
  /** file or folder of a tabulated potential (absolute, or relative to the process's working folder) */
  potentialPath?: string;
  /** element of each type (model 'eam') */
  elements?: string[];
}

/** What a worker starts from (structured-cloned into the thread). */
export interface ArtnWorkerInit {
  model: ArtnWorkerModel;
  /** potentialFingerprint of the parent's potential: the worker checks its own against it */
  fingerprint: string;
  skin: number;
  kernels: ForceKernels;
  system: SystemData;
  params: ArtnParams;
  initialEnergy: number;
}

export interface ArtnJobMessage { index: number; atom: number; seed: number }
export type ArtnWorkerMessage =
  | { type: 'ready' }
  | { type: 'event'; index: number; event: ArtnEvent; seconds: number }
  | { type: 'error'; message: string };

let live = 0;

/** ARTn worker threads of this process that have not exited yet (all pools). */
export function liveArtnWorkers(): number {
  return live;
}

/** The worker start data for a campaign on `is` with `provider` (one-line errors naming the option). */
export function artnWorkerInit(is: System, provider: ForceProvider, params: ArtnParams, initialEnergy: number, model?: ArtnWorkerModel): ArtnWorkerInit {
  if (!(provider instanceof PotentialForceProvider) || provider.precision !== 'f64') {
    throw new Error('artn: option workers > 1 needs an f64 force provider from createForceProvider (each worker builds its own from the same potential); use workers: 1 with this provider');
  }
  const name = model?.name ?? provider.potential.name;
  return {
    model: { ...model, name }, fingerprint: potentialFingerprint(provider.potential), skin: provider.skin, kernels: provider.kernels,
    system: systemToData(is), params, initialEnergy,
  };
}

interface Slot {
  worker: HostWorker;
  /** the job's result or error, while one runs */
  resolve: ((m: { event: ArtnEvent; seconds: number }) => void) | null;
  reject: ((e: Error) => void) | null;
  exited: Promise<void>;
}

export class ArtnWorkerPool {
  private constructor(private readonly slots: Slot[]) {}

  /** Start `count` workers and wait until each is ready (or the first error, after which all are closed). */
  static async start(count: number, init: ArtnWorkerInit): Promise<ArtnWorkerPool> {
    const module = new URL(`./artn-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
    const slots: Slot[] = [];
    const ready: Promise<void>[] = [];
    for (let w = 0; w < count; w++) {
      const worker = startModuleWorker(module, init);
      live++;
      const slot: Slot = { worker, resolve: null, reject: null, exited: new Promise((res) => worker.once('exit', () => { live--; res(); })) };
      slots.push(slot);
      ready.push(new Promise<void>((res, rej) => {
        let started = false;
        const fail = (e: Error) => {
          if (!started) { started = true; rej(e); return; }
          const r = slot.reject;
          slot.resolve = slot.reject = null;
          r?.(e);
        };
        worker.on('message', (m: ArtnWorkerMessage) => {
          if (m.type === 'ready') { started = true; res(); return; }
          if (m.type === 'error') { fail(new Error(m.message)); return; }
          const r = slot.resolve;
          slot.resolve = slot.reject = null;
          r?.({ event: m.event, seconds: m.seconds });
        });
        worker.on('error', (e) => fail(e instanceof Error ? e : new Error(String(e))));
        worker.on('exit', (code) => fail(new Error(`artn: a search worker exited (code ${code})`)));
      }));
    }
    const pool = new ArtnWorkerPool(slots);
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Run one search on worker `w` (idle); resolves with the event and the worker's seconds. */
  run(w: number, job: ArtnJobMessage): Promise<{ event: ArtnEvent; seconds: number }> {
    const slot = this.slots[w];
    if (slot.resolve) throw new Error(`artn: worker ${w} is busy`);
    return new Promise((resolve, reject) => {
      slot.resolve = resolve;
      slot.reject = reject;
      slot.worker.postMessage(job);
    });
  }

  /** Terminate every worker (a running search is dropped) and wait until all have exited. */
  async close(): Promise<void> {
    for (const s of this.slots) {
      s.resolve = s.reject = null;
      void s.worker.terminate();
    }
    await Promise.all(this.slots.map((s) => s.exited));
  }
}
