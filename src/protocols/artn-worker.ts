/**
 * The body of an ARTn campaign's worker thread (./artn-pool.ts starts it
 * with startModuleWorker of src/platform): it builds its own force provider
 * from the campaign's potential (the registry model, checked against the
 * parent's by potentialFingerprint), one thread, the parent's skin and
 * kernels, reads the inherent structure, says 'ready', then runs one
 * `artnEvent` per 'job' message and posts the event back. It runs no
 * AbortSignal: the parent stops it by terminating the thread.
 */
import { createForceProvider } from '../core/force-provider.ts';
import { workerInput } from '../platform/index.ts';
import { getPotential } from '../potential/registry.ts';
import { potentialFingerprint } from '../potential/fingerprint.ts';
import { systemFromData } from '../system/system-data.ts';
import { artnEvent } from './artn.ts';
import type { ArtnJobMessage, ArtnWorkerInit, ArtnWorkerMessage } from './artn-pool.ts';

const { data, port } = await workerInput();
if (port) {
  const post = (m: ArtnWorkerMessage) => port.postMessage(m);
  try {
    const init = data as ArtnWorkerInit;
    const pot = getPotential(init.model.name, {
      ...(init.model.potentialPath !== undefined ? { potentialPath: init.model.potentialPath } : {}),
      ...(init.model.elements !== undefined ? { elements: init.model.elements } : {}),
    });
    if (potentialFingerprint(pot) !== init.fingerprint) {
      throw new Error(`artn: the potential a worker builds from model '${init.model.name}' is not the force provider's (fingerprints differ); ` +
        'give option workerModel ({ name, potentialPath, elements } as getPotential takes them) or workers: 1');
    }
    const provider = createForceProvider(pot, { threads: 1, skin: init.skin, kernels: init.kernels });
    const is = systemFromData(init.system);
    port.on('message', (m: unknown) => {
      const job = m as ArtnJobMessage;
      const t = performance.now();
      artnEvent(is, provider, job.atom, { ...init.params, seed: job.seed, initialEnergy: init.initialEnergy }).then(
        (event) => post({ type: 'event', index: job.index, event, seconds: (performance.now() - t) / 1000 }),
        (e: unknown) => post({ type: 'error', message: (e as Error).message ?? String(e) }),
      );
    });
    post({ type: 'ready' });
  } catch (e) {
    post({ type: 'error', message: (e as Error).message ?? String(e) });
  }
}
