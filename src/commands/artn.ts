/**
 * `glasslab artn IS.data --model cuzr --events-per-atom 10 --out events.csv
 * --barriers barriers.csv`: ARTn saddle searches around each chosen atom of
 * an inherent structure (src/protocols/artn.ts, artn-campaign.ts) and the
 * per-atom activation energy Delta-Q of Wei et al., PRB 99, 014115 (2019).
 * Thresholds are options in the model's units (metal: A, eV/A, eV/A^2),
 * with Wei et al.'s values as defaults.
 *
 * --checkpoint FILE keeps the events done so far (JSON, rewritten atomically
 * after each event); a run that finds FILE resumes from it when its options
 * match, and gives the same events as an uninterrupted run.
 */
import { exists as existsSync, resolvePath as resolve } from '../platform/index.ts';
import { cpuCount } from '../platform/index.ts';
import { createForceProvider } from '../core/force-provider.ts';
import { readTextWhole, writeTextAtomic } from '../io/files.ts';
import { resultData, resultJSON, tableCsv } from '../plot/result.ts';
import { artnCampaign, type ArtnCampaignResult } from '../protocols/artn-campaign.ts';
import { resolveArtnParams, type ArtnEvent } from '../protocols/artn.ts';
import type { System } from '../system/system.ts';
import { defineCommand, UsageError } from './registry.ts';
import { ftolOption, loadModel, modelOptions, num, outputOption, readInput, runOptions } from './common.ts';
import { Outputs } from './outputs.ts';
import { extent } from '../util/extent.ts';

const CHECKPOINT_KIND = 'artn-checkpoint';
const CHECKPOINT_VERSION = 1;

export const artnCommand = defineCommand({
  name: 'artn',
  summary: 'ARTn saddle searches: activation energies per atom (Wei et al. 2019)',
  description: 'From the inherent structure FILE, --events-per-atom searches around each atom of --atoms: a random kick of the atoms\n' +
    'within --cluster-radius, pushes of --increment until the lowest Hessian eigenvalue (Lanczos) is below\n' +
    '--eigen-threshold, then convergence along that eigenvector until the force is below --force-threshold\n' +
    '(--force-norm max-atom: the largest atomic force, Wei et al.\'s text; norm: the 3N norm, what the ARTn codes test);\n' +
    'both sides of the saddle are relaxed, and the event is kept when one of them is the start. Writes one row\n' +
    'per search (--out: id, attempt, outcome, energies, dq = E_saddle - E_initial, ...) and per atom\n' +
    '(--barriers: id,type,dq_mean,dq_min,dq_std,n_events over the accepted events). Defaults are Wei et al.\'s\n' +
    '(metal units); other models need the lengths and thresholds in their units. --seed seeds the kicks (each atom\n' +
    'and attempt has its own stream); --ftol is the force to which the start is relaxed, --side-ftol the sides of each saddle.',
  positionals: [{ name: 'file', summary: 'inherent structure: LAMMPS data, dump (first frame) or extended XYZ' }],
  options: {
    ...modelOptions,
    model: { ...modelOptions.model, default: 'cuzr' },
    atoms: { type: 'string', metavar: 'all|ID,ID,...', default: 'all', summary: 'atom ids to activate' },
    eventsPerAtom: { type: 'integer', min: 1, default: 10, summary: 'searches per atom (attempts; failures are counted, not retried)' },
    seed: runOptions.seed,
    clusterRadius: { type: 'number', min: 0, default: 2, unit: 'length', summary: 'atoms within this distance of the chosen one get the kick (Wei: 2 A, the atom alone)' },
    initStep: { type: 'number', min: 0, exclusiveMin: true, default: 0.1, unit: 'length', summary: 'norm of the initial kick (Wei: 0.1 A)' },
    increment: { type: 'number', min: 0, exclusiveMin: true, default: 0.15, unit: 'length', summary: 'push per step out of the basin (Wei: 0.15 A)' },
    eigenThreshold: { type: 'number', default: -0.3, unit: 'energy/length^2', summary: 'the basin is left when the lowest eigenvalue falls below this (Wei: -0.30 eV/A^2)' },
    forceThreshold: { type: 'number', min: 0, exclusiveMin: true, default: 0.05, unit: 'energy/length', summary: 'saddle convergence (Wei: 0.05 eV/A)' },
    forceNorm: { type: 'enum', choices: ['max-atom', 'norm'], default: 'max-atom', summary: "force measured at the saddle: largest atomic force (Wei's text) or 3N norm (the ARTn codes)" },
    lanczosDifference: { type: 'enum', choices: ['central', 'forward'], default: 'forward', summary: 'finite differences of the Hessian products: forward from the known forces (1 force call, O(d); Kong\'s choice, ~30% fewer calls per search) or central (2 calls, O(d^2))' },
    maxBasinSteps: { type: 'integer', min: 1, default: 100, summary: 'pushes before a search that found no negative curvature fails' },
    maxSaddleSteps: { type: 'integer', min: 1, default: 300, summary: 'iterations towards the saddle before a search fails' },
    curvatureRetries: { type: 'integer', min: 0, default: 0, summary: 'when the curvature is lost on the way to the saddle, go back to its last negative point with halved steps, at most this often (0: give up, as Wei et al.)' },
    ftol: { ...ftolOption, default: 1e-4 },
    sideFtol: { type: 'number', min: 0, exclusiveMin: true, default: 1e-4, unit: 'energy/length', summary: 'largest atomic force of the two relaxed sides of each saddle (the barrier does not depend on it; looser sides may not come within 0.1 A of the start along soft modes)' },
    out: outputOption('CSV, one row per search'),
    barriers: { type: 'string', metavar: 'FILE', summary: 'CSV of the per-atom activation energies: id,type,dq_mean,dq_min,dq_std,n_events' },
    checkpoint: { type: 'string', metavar: 'FILE', summary: 'keep the events done here after each event, and resume from it when it exists' },
    workers: { type: 'integer', min: 1, summary: 'searches run at once on worker threads, each with its own force provider (default: the cores of this machine); the events equal those of --workers 1' },
  },
  examples: [
    'is.data --model cuzr --atoms 1,2,3 --events-per-atom 10 --out events.csv --barriers barriers.csv',
    'is.data --events-per-atom 10 --force-norm norm --force-threshold 0.01 --out events.csv --checkpoint artn.ckpt',
  ],
  interruptible: true,
  result: { from: 'protocols', name: 'ArtnCampaignResult' },
  async run(args, ctx): Promise<ArtnCampaignResult> {
    const model = loadModel(args.model, args.potential, ctx.cwd, args.elements);
    const outs = Outputs.plan(ctx, 'artn', [args.file], {
      '--out': { path: args.out, kind: 'csv' },
      '--barriers': { path: args.barriers, kind: 'csv' },
      '--checkpoint': { path: args.checkpoint, kind: 'checkpoint', direct: true },
    });
    const sys = await readInput(args.file, model, ctx.cwd);
    const atoms = atomIndices(args.atoms, sys);
    const params = {
      clusterRadius: args.clusterRadius, initStepSize: args.initStep, incrementSize: args.increment, eigenThWell: args.eigenThreshold,
      forceThSaddle: args.forceThreshold, forceNorm: args.forceNorm, maxIterBasin: args.maxBasinSteps, maxActivatIter: args.maxSaddleSteps,
      minimizeFtol: args.ftol, sideFtol: args.sideFtol, lanczosDifference: args.lanczosDifference, curvatureRetries: args.curvatureRetries,
    };
    try {
      resolveArtnParams(params);
    } catch (e) {
      throw new UsageError(`artn: ${(e as Error).message.replace(/^artn: /, '')}`, 'artn');
    }
    const checkpoint = outs.path('--checkpoint');
    const fingerprint = { n: sys.n, atoms, eventsPerAtom: args.eventsPerAtom, seed: args.seed, params: resolveArtnParams(params), model: args.model };
    const resume = checkpoint !== undefined && existsSync(checkpoint) ? await readCheckpoint(checkpoint, args.checkpoint!, fingerprint) : [];
    const provider = createForceProvider(model.potential);
    const progress = ctx.progress('artn (searches)', atoms.length * args.eventsPerAtom, 'events');
    let result: ArtnCampaignResult;
    try {
      result = await artnCampaign(sys, provider, {
        ...params, atoms, eventsPerAtom: args.eventsPerAtom, seed: args.seed, resume, signal: ctx.signal,
        workers: args.workers ?? cpuCount(),
        workerModel: {
          name: args.model,
          ...(args.potential !== undefined ? { potentialPath: resolve(ctx.cwd, args.potential) } : {}),
          ...(args.elements !== undefined ? { elements: args.elements.split(',') } : {}),
        },
        onProgress: (p) => progress.update(p.done),
        ...(checkpoint !== undefined ? { onEvent: (_ev, events) => writeTextAtomic(checkpoint, JSON.stringify(resultJSON(CHECKPOINT_KIND, CHECKPOINT_VERSION, { fingerprint, events }))) } : {}),
      });
    } finally {
      progress.finish();
    }
    const cell = (v: unknown) => (typeof v === 'number' ? num(v) : String(v));
    const out = outs.path('--out'), barriers = outs.path('--barriers');
    if (out !== undefined) await writeTextAtomic(out, tableCsv(result.table(), cell));
    if (barriers !== undefined) await writeTextAtomic(barriers, tableCsv(result.barriersTable(), cell));
    for (const line of result.summary().split('\n')) ctx.print(line);
    if (result.aborted) {
      await outs.commit(); // the events up to the stop are kept
      throw new Error(`stopped after ${result.events.length} of ${atoms.length * args.eventsPerAtom} searches${args.checkpoint ? `; ${args.checkpoint} holds them (run again to continue)` : ''}`);
    }
    return result;
  },
});

/** `--atoms all` or a comma-separated list of atom ids -> atom indices (storage order). */
function atomIndices(text: string, sys: System): number[] {
  if (text.trim() === 'all') return Array.from({ length: sys.n }, (_, i) => i);
  const byId = new Map(Array.from(sys.ids, (id, i) => [id, i]));
  return text.split(',').map((t) => {
    const id = Number(t.trim());
    const i = Number.isInteger(id) ? byId.get(id) : undefined;
    if (i === undefined) throw new UsageError(`artn: --atoms ${text}: '${t.trim()}' is not an atom id of the configuration (ids ${extent(sys.ids).join('..')}); give 'all' or ids separated by commas`, 'artn');
    return i;
  });
}

/** The events of a checkpoint written with the same options (else a one-line error). */
async function readCheckpoint(path: string, shown: string, fingerprint: unknown): Promise<ArtnEvent[]> {
  let data: { fingerprint: unknown; events: ArtnEvent[] };
  try {
    data = resultData(JSON.parse(await readTextWhole(path)), CHECKPOINT_KIND, CHECKPOINT_VERSION);
  } catch (e) {
    throw new UsageError(`artn: --checkpoint ${shown} is not an artn checkpoint (${(e as Error).message}); remove it or name another file`, 'artn');
  }
  if (JSON.stringify(data.fingerprint) !== JSON.stringify(fingerprint)) {
    throw new UsageError(`artn: --checkpoint ${shown} was written for other options (atoms, events per atom, seed, thresholds or model); rerun with those, or remove it to start again`, 'artn');
  }
  return data.events;
}

