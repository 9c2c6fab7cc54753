/**
 * The embedded engine as an `MdEngine`: `runMd` with our force provider,
 * the trajectory dump written by `DumpWriter` as the run goes (frames are
 * copied, then written in order; the run awaits the writer at each yield
 * and before each checkpoint, so the backlog stays bounded and every frame
 * up to a checkpoint is on disk), checkpoints by `runMd`.
 *
 * Beyond `MdJob` it continues a checkpointed state (`resume`) and lets the
 * caller put frames into the dump before the run's own (`beforeDump`: the
 * frames of the run a checkpoint continues).
 */
import { createForceProviderAsync } from '../core/force-provider.ts';
import type { ForceProvider } from '../core/types.ts';
import { DumpWriter } from '../io/lammps-dump.ts';
import { dumpObserver, type Observer } from '../md/observers.ts';
import { runMd } from '../md/run.ts';
import type { MdState, ModelIdentity } from '../md/state.ts';
import { cloneSystem } from '../system/system.ts';
import type { MdEngine, MdEngineHooks, MdEngineResult, MdJob } from './engine.ts';

/** An MD job for the embedded engine: continue a state, record the model in checkpoints. */
export interface GlasslabMdJob extends MdJob {
  /** continue this state (a loaded checkpoint) instead of starting from `start` */
  resume?: MdState;
  /** the model recorded in the state and its checkpoints (checked when continuing) */
  model?: ModelIdentity;
  /** called with the open dump before the run writes to it (e.g. to copy the frames a resumed run already made) */
  beforeDump?: (writer: DumpWriter) => Promise<void>;
  /** threads of the force loop and the list build (ForceProviderOptions.threads); default: the provider's choice */
  threads?: number;
}

/** The embedded engine's result: also the final state (forces, thermostat chains). */
export interface GlasslabMdResult extends MdEngineResult {
  state: MdState;
  stepsDone: number;
}

export class GlasslabEngine implements MdEngine {
  readonly name = 'glasslab';
  /** `provider`: the force provider to use; default createForceProvider(job.potential, { skin: job.skin, threads: job.threads }) */
  constructor(private readonly opts: { provider?: ForceProvider } = {}) {}

  async md(job: GlasslabMdJob, hooks: MdEngineHooks = {}): Promise<GlasslabMdResult> {
    const provider = this.opts.provider ?? await createForceProviderAsync(job.potential, {
      ...(job.skin === undefined ? {} : { skin: job.skin }), ...(job.threads === undefined ? {} : { threads: job.threads }),
    });
    const observers: Observer[] = [];
    let dump: DumpWriter | undefined;
    let pending: Promise<void> = Promise.resolve();
    let dumpError: unknown;
    if (job.dump !== undefined) {
      const writer = new DumpWriter(job.dump.path, { velocities: job.dump.velocities, time: true });
      dump = writer;
      if (job.beforeDump) {
        try {
          await job.beforeDump(writer);
        } catch (e) {
          await writer.abort();
          throw e;
        }
      }
      // frames are live views of the running state: copy, then write in order
      observers.push(dumpObserver(job.dump.every, (frame) => {
        if (dumpError !== undefined) throw dumpError;
        const snap = cloneSystem(frame.system);
        snap.timestep = frame.step;
        snap.time = frame.time;
        pending = pending.then(() => writer.write(snap)).catch((e: unknown) => { dumpError = e; });
      }));
    }
    try {
      const r = await runMd(job.resume ?? job.start, provider, {
        integrator: job.integrator, dt: job.dt, steps: job.steps, units: job.units,
        thermoEvery: job.thermoEvery,
        onThermo: hooks.onThermo,
        observers,
        signal: hooks.signal,
        onProgress: hooks.onProgress && ((p) => hooks.onProgress!(p.done, p.total)),
        checkpoint: job.checkpoint,
        model: job.model,
        flush: () => pending,
      });
      await pending;
      if (dumpError !== undefined) throw dumpError;
      await dump?.close();
      const final = r.state.sys;
      final.timestep = r.state.step;
      return {
        thermo: r.thermo, final: r.aborted ? undefined : final, step: r.state.step, aborted: r.aborted, wallSeconds: r.wallSeconds,
        state: r.state, stepsDone: r.stepsDone,
      };
    } catch (e) {
      await pending.catch(() => {});
      await dump?.abort();
      throw e;
    }
  }
}
