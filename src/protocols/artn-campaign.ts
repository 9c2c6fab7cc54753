/**
 * ARTn campaigns: `eventsPerAtom` searches (./artn.ts) around each of a set
 * of atoms of one inherent structure, and the per-atom activation energy of
 * Wei et al., PRB 99, 014115 (2019), Sec. II B: Delta-Q_i, the mean barrier
 * of the accepted events started at atom i (also its minimum, spread and
 * count).
 *
 * Decisions where the paper is silent:
 * - "we activate each atom 10 times": `eventsPerAtom` counts attempts, not
 *   accepted events (failed searches are counted by cause, not retried).
 * - Duplicates are per atom: an accepted event whose barrier and final
 *   energy (E_final - E_initial) both lie within `duplicateTol` of an
 *   earlier accepted event of the same atom, and whose largest saddle
 *   displacement lies within `sameTol` of it, is the same saddle found
 *   again: outcome 'duplicate', not in the mean. The same saddle reached
 *   from two atoms counts for both.
 * - The start is minimised first (FIRE + CG to `minimizeFtol`; the sides
 *   of a saddle to `sideFtol`), so that E_initial is that of a minimum.
 *
 * Every event has its own random stream (eventSeed(seed, atom, attempt)),
 * so a campaign resumed from the events of an interrupted run (`resume`)
 * gives the same events as an uninterrupted one. An AbortSignal stops it
 * within the running event, which is dropped (`aborted: true`, the events
 * finished so far).
 *
 * Parallel searches (`workers` >= 2, ./artn-pool.ts): worker threads, each
 * with its own force provider rebuilt from the same potential, take the
 * searches in campaign order; the parent commits the events in that order
 * (the duplicate test, `onEvent` and the checkpoint see the same sequence
 * as on one thread), so the result equals the one-thread run for the same
 * seed. Progress: the ETA is the events left times the wall time per
 * search so far (all workers together). An AbortSignal terminates every
 * worker (the running searches are dropped); the result keeps the events in
 * campaign order up to the first unfinished search, then every resumed
 * event and every finished one whose atom has no unfinished earlier attempt
 * (the duplicate test needs those), still in campaign order.
 */
import type { ForceProvider } from '../core/types.ts';
import { lineFigure } from '../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../plot/result.ts';
import { minimize } from '../minimize/minimize.ts';
import type { System } from '../system/system.ts';
import { ArtnWorkerPool, artnWorkerInit, type ArtnWorkerInit, type ArtnWorkerModel } from './artn-pool.ts';
import { ArtnAbortedError, ARTN_OUTCOMES, artnEvent, eventSeed, resolveArtnParams, type ArtnEvent, type ArtnOutcome, type ArtnParams } from './artn.ts';
import { extent } from '../util/extent.ts';

export interface ArtnCampaignOptions extends Partial<ArtnParams> {
  /** atom indices (storage order) to activate; default all */
  atoms?: readonly number[];
  /** searches per atom (default 10, Wei et al.) */
  eventsPerAtom?: number;
  /** campaign seed (default 1) */
  seed?: number;
  /** energy tolerance of the duplicate test (energy units, default 0.005) */
  duplicateTol?: number;
  /** events of an earlier run of the same campaign: those (atom, attempt) are not searched again */
  resume?: readonly ArtnEvent[];
  /**
   * worker threads for the searches (default 1: this thread). With 2 or
   * more, each worker builds its own force provider from the provider's
   * potential (the provider must come from createForceProvider; f64) and
   * the events, barriers and checkpoints equal those of one thread for the
   * same seed (module doc).
   */
  workers?: number;
  /** how the workers build the potential, when the provider's potential is not `getPotential(its name)` (e.g. a file given with --potential) */
  workerModel?: ArtnWorkerModel;
  /** called after each new event with all events so far (e.g. to write a checkpoint; awaited) */
  onEvent?: (ev: ArtnEvent & { attempt: number }, events: readonly (ArtnEvent & { attempt: number })[]) => void | Promise<void>;
  /** called after each event */
  onProgress?: (p: ArtnCampaignProgress) => void;
  signal?: AbortSignal;
}

export interface ArtnCampaignProgress {
  done: number;
  total: number;
  accepted: number;
  elapsedSeconds: number;
  /** estimated seconds left (from the mean time of the events searched in this run) */
  etaSeconds: number;
}

/** Per-atom activation energies over the accepted events (energy units; NaN without accepted events). */
export interface ArtnAtomBarriers {
  index: Int32Array;
  id: Int32Array;
  type: Int32Array;
  mean: Float64Array;
  min: Float64Array;
  /** population standard deviation */
  std: Float64Array;
  count: Int32Array;
}

export interface ArtnCampaignData {
  n: number;
  initialEnergy: number;
  params: ArtnParams;
  eventsPerAtom: number;
  seed: number;
  duplicateTol: number;
  atoms: number[];
  ids: number[];
  types: number[];
  /** events in search order; `attempt` numbers each atom's searches from 0 */
  events: (ArtnEvent & { attempt: number })[];
  aborted: boolean;
  seconds: number;
}

export interface ArtnCampaignResult extends AnalysisResult<'artn'>, Omit<ArtnCampaignData, 'events'> {
  readonly events: readonly (ArtnEvent & { attempt: number })[];
  /** events by outcome (every outcome present, 0 when none) */
  readonly outcomes: Record<ArtnOutcome, number>;
  readonly barriers: ArtnAtomBarriers;
  /** the per-atom table: id, type, dq_mean, dq_min, dq_std, n_events */
  barriersTable(): TableData;
}

const ARTN_VERSION = 1;

/** Run the campaign (module doc) on the inherent structure `minimum` (not modified). */
export async function artnCampaign(minimum: System, provider: ForceProvider, opts: ArtnCampaignOptions = {}): Promise<ArtnCampaignResult> {
  const t0 = performance.now();
  const params = resolveArtnParams(opts);
  const eventsPerAtom = opts.eventsPerAtom ?? 10;
  if (!Number.isInteger(eventsPerAtom) || eventsPerAtom < 1) throw new Error(`artn: option eventsPerAtom must be a positive integer, got ${eventsPerAtom}`);
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new Error(`artn: option seed must be an integer, got ${seed}`);
  const duplicateTol = opts.duplicateTol ?? 0.005;
  if (!(duplicateTol >= 0)) throw new Error(`artn: option duplicateTol must be >= 0, got ${duplicateTol}`);
  const atoms = opts.atoms ? Array.from(opts.atoms) : Array.from({ length: minimum.n }, (_, i) => i);
  for (const a of atoms) if (!Number.isInteger(a) || a < 0 || a >= minimum.n) throw new Error(`artn: atom index ${a} is outside 0..${minimum.n - 1}`);

  const start = minimize(minimum, provider, { ftol: params.minimizeFtol, maxIter: params.minimizeMaxIter });
  if (!start.converged) throw new Error(`artn: the start configuration did not minimise to ${params.minimizeFtol} (max |F_i| = ${start.maxForce.toExponential(2)}: ${start.reason}); give an inherent structure`);
  const is = start.system;

  const previous = new Map<string, ArtnEvent>();
  for (const ev of opts.resume ?? []) {
    const at = (ev as ArtnEvent & { attempt?: number }).attempt;
    if (at !== undefined) previous.set(`${ev.atom}:${at}`, ev);
  }
  const workers = opts.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`artn: option workers must be a positive integer, got ${workers}`);
  /** the searches in campaign order: atoms in the given order, each atom's attempts 0, 1, ... */
  const jobs: Job[] = atoms.flatMap((atom) => Array.from({ length: eventsPerAtom }, (_, attempt) => ({ atom, attempt, old: previous.get(`${atom}:${attempt}`) })));
  const toSearch = jobs.filter((j) => !j.old).length;
  const events: (ArtnEvent & { attempt: number })[] = [];
  const acceptedOf = new Map<number, ArtnEvent[]>();
  const total = jobs.length;
  let searched = 0, searchSeconds = 0, accepted = 0;
  const tSearch = performance.now();
  const parallel = Math.min(workers, toSearch) > 1;
  /** the event of job k enters the result (in campaign order): duplicates marked, onEvent, onProgress */
  const commit = async (job: Job, found?: ArtnEvent): Promise<void> => {
    const ev: ArtnEvent = { ...(job.old ?? found!) };
    const mine = acceptedOf.get(job.atom) ?? [];
    if (!job.old && ev.outcome === 'accepted' && mine.some((a) => isDuplicate(a, ev, duplicateTol, params.sameTol))) ev.outcome = 'duplicate';
    if (ev.outcome === 'accepted') { mine.push(ev); acceptedOf.set(job.atom, mine); accepted++; }
    const full = { ...ev, attempt: job.attempt };
    events.push(full);
    if (!job.old) await opts.onEvent?.(full, events);
    if (opts.onProgress) {
      const left = total - events.length;
      // serial: the mean time of a search; parallel: the wall time per search of this run (all workers together)
      const perSearch = parallel ? (performance.now() - tSearch) / 1000 / searched : searchSeconds / searched;
      opts.onProgress({
        done: events.length, total, accepted, elapsedSeconds: (performance.now() - t0) / 1000, etaSeconds: searched > 0 ? left * perSearch : NaN,
      });
    }
  };
  const results: (ArtnEvent | undefined)[] = new Array(jobs.length);
  let committed = 0, aborted = false;
  /** commit the jobs from `committed` on whose events are there, in order */
  const commitReady = async (): Promise<void> => {
    while (committed < jobs.length && (jobs[committed].old || results[committed])) await commit(jobs[committed], results[committed++]);
  };
  if (!parallel) {
    for (let k = 0; k < jobs.length; k++) {
      if (opts.signal?.aborted) { aborted = true; break; }
      const job = jobs[k];
      if (!job.old) {
        const t = performance.now();
        try {
          results[k] = await artnEvent(is, provider, job.atom, { ...params, seed: eventSeed(seed, job.atom, job.attempt), initialEnergy: start.energy, ...(opts.signal ? { signal: opts.signal } : {}) });
        } catch (e) {
          if (e instanceof ArtnAbortedError) { aborted = true; break; } // the unfinished event is not kept
          throw e;
        }
        searchSeconds += (performance.now() - t) / 1000;
        searched++;
      }
      await commitReady();
      await new Promise((resolve) => setTimeout(resolve, 0)); // let an interrupt in
    }
  } else {
    aborted = await runParallel(Math.min(workers, toSearch), artnWorkerInit(is, provider, params, start.energy, opts.workerModel), jobs, seed, opts.signal,
      async (k, ev, seconds) => { results[k] = ev; searchSeconds += seconds; searched++; await commitReady(); });
  }
  if (aborted) {
    // keep what is finished beyond the first gap: resumed events, and new ones whose atom's earlier attempts are all there
    // (their duplicate test needs those); still in campaign order
    const gap = new Set<number>();
    for (let k = committed; k < jobs.length; k++) {
      const job = jobs[k];
      if (job.old || (results[k] && !gap.has(job.atom))) await commit(job, results[k]);
      else gap.add(job.atom);
    }
  }
  return makeArtnCampaignResult({
    n: minimum.n, initialEnergy: start.energy, params, eventsPerAtom, seed, duplicateTol, atoms,
    ids: atoms.map((a) => minimum.ids[a]), types: atoms.map((a) => minimum.types[a]),
    events, aborted, seconds: (performance.now() - t0) / 1000,
  });
}

interface Job { atom: number; attempt: number; old: ArtnEvent | undefined }

/**
 * The searches of `jobs` not resumed, on `count` worker threads
 * (./artn-pool.ts): handed out in campaign order, each result passed to
 * `done` as it arrives (awaited, one at a time). Returns true when the
 * signal stopped it; the workers are closed (exited) on return and on errors.
 */
async function runParallel(count: number, init: ArtnWorkerInit, jobs: readonly Job[], seed: number, signal: AbortSignal | undefined,
  done: (k: number, ev: ArtnEvent, seconds: number) => Promise<void>): Promise<boolean> {
  if (signal?.aborted) return true;
  let stop: () => void = () => {};
  const stopped = new Promise<'abort'>((res) => { stop = () => res('abort'); });
  signal?.addEventListener('abort', stop, { once: true });
  const starting = ArtnWorkerPool.start(count, init);
  let pool: ArtnWorkerPool | undefined;
  try {
    const started = await Promise.race([starting, stopped]);
    if (started === 'abort') return true; // the start goes on; its workers are closed below
    pool = started;
    const running = new Map<number, Promise<{ w: number; k: number; event: ArtnEvent; seconds: number }>>();
    let next = 0;
    const idle = Array.from({ length: count }, (_, w) => count - 1 - w);
    for (;;) {
      while (idle.length > 0) {
        while (next < jobs.length && jobs[next].old) next++;
        if (next >= jobs.length) break;
        const w = idle.pop()!, k = next++;
        const p = pool.run(w, { index: k, atom: jobs[k].atom, seed: eventSeed(seed, jobs[k].atom, jobs[k].attempt) }).then((r) => ({ w, k, ...r }));
        p.catch(() => {}); // a failure is seen by the race below; not unhandled while `done` runs
        running.set(w, p);
      }
      if (running.size === 0) return false;
      const r = await Promise.race([...running.values(), stopped]);
      if (r === 'abort') return true;
      running.delete(r.w);
      idle.push(r.w);
      await done(r.k, r.event, r.seconds);
      if (signal?.aborted) return true;
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    await (pool ?? (await starting.catch(() => undefined)))?.close();
  }
}

function isDuplicate(a: ArtnEvent, b: ArtnEvent, tol: number, sameTol: number): boolean {
  return Math.abs(a.barrier - b.barrier) <= tol
    && Math.abs((a.finalEnergy - a.initialEnergy) - (b.finalEnergy - b.initialEnergy)) <= tol
    && Math.abs(a.saddleDisplacement - b.saddleDisplacement) <= sameTol;
}

/** Per-atom statistics of the accepted barriers. */
function atomBarriers(d: ArtnCampaignData): ArtnAtomBarriers {
  const m = d.atoms.length, slot = new Map(d.atoms.map((a, k) => [a, k]));
  const sum = new Float64Array(m), sum2 = new Float64Array(m), min = new Float64Array(m).fill(Infinity), count = new Int32Array(m);
  for (const ev of d.events) {
    if (ev.outcome !== 'accepted') continue;
    const k = slot.get(ev.atom)!;
    sum[k] += ev.barrier; sum2[k] += ev.barrier * ev.barrier; count[k]++;
    if (ev.barrier < min[k]) min[k] = ev.barrier;
  }
  const mean = Float64Array.from(sum, (s, k) => (count[k] > 0 ? s / count[k] : NaN));
  const std = Float64Array.from(sum2, (s, k) => (count[k] > 0 ? Math.sqrt(Math.max(0, s / count[k] - mean[k] * mean[k])) : NaN));
  for (let k = 0; k < m; k++) if (count[k] === 0) min[k] = NaN;
  return { index: Int32Array.from(d.atoms), id: Int32Array.from(d.ids), type: Int32Array.from(d.types), mean, min, std, count };
}

const EVENT_COLUMNS = ['id', 'attempt', 'outcome', 'e_initial', 'e_saddle', 'e_final', 'dq', 'eigenvalue_saddle', 'force_saddle',
  'max_disp_saddle', 'max_disp_final', 'moved_atoms', 'basin_steps', 'saddle_steps', 'lanczos_runs', 'lanczos_products', 'saddle_force_calls', 'force_calls'] as const;

/** The campaign result from its fields (and loadResult). */
export function makeArtnCampaignResult(d: ArtnCampaignData): ArtnCampaignResult {
  const outcomes = Object.fromEntries(ARTN_OUTCOMES.map((o) => [o, 0])) as Record<ArtnOutcome, number>;
  for (const ev of d.events) outcomes[ev.outcome]++;
  const barriers = atomBarriers(d);
  const accepted = d.events.filter((e) => e.outcome === 'accepted');
  const calls = d.events.reduce((s, e) => s + e.forceCalls, 0);
  const dq = accepted.map((e) => e.barrier);
  const summary = () => {
    const p = d.params;
    const withEvents = Array.from(barriers.count).filter((c) => c > 0).length;
    const mean = dq.length ? dq.reduce((s, v) => s + v, 0) / dq.length : NaN;
    const [lo, hi] = extent(dq); // ~200,000 events at paper scale: no Math.min(...dq)
    return [
      `ARTn: ${d.events.length} searches on ${d.atoms.length} atoms (${d.eventsPerAtom} per atom, seed ${d.seed})${d.aborted ? ' (stopped)' : ''}, ${d.seconds.toFixed(1)} s`,
      `outcomes: ${ARTN_OUTCOMES.filter((o) => outcomes[o] > 0).map((o) => `${o} ${outcomes[o]}`).join(', ') || 'none'}`,
      `force calls: ${calls} (${accepted.length ? (calls / accepted.length).toFixed(0) : 'n/a'} per accepted event; ${d.events.length ? (d.events.reduce((s, e) => s + e.saddleForceCalls, 0) / calls * 100).toFixed(0) : 0}% before the saddle)`,
      dq.length
        ? `Delta-Q over ${dq.length} accepted events: mean ${mean.toFixed(4)}, min ${lo.toFixed(4)}, max ${hi.toFixed(4)}; ${withEvents} of ${d.atoms.length} atoms have a barrier`
        : `no accepted event, so no Delta-Q yet; 0 of ${d.atoms.length} atoms have a barrier`,
      `parameters: kick radius ${p.clusterRadius}, size ${p.initStepSize}, increment ${p.incrementSize}, eigenvalue threshold ${p.eigenThWell}, force threshold ${p.forceThSaddle} (${p.forceNorm})`,
    ].join('\n');
  };
  return {
    kind: 'artn', ...d, outcomes, barriers,
    summary,
    table: () => ({
      columns: EVENT_COLUMNS,
      rows: d.events.map((e) => [e.id, e.attempt, e.outcome, e.initialEnergy, e.saddleEnergy, e.finalEnergy, e.barrier, e.saddleEigenvalue, e.saddleForce,
        e.saddleDisplacement, e.finalDisplacement, e.movedAtoms, e.basinSteps, e.saddleSteps, e.lanczosRuns, e.lanczosProducts, e.saddleForceCalls, e.forceCalls]),
    }),
    barriersTable: () => ({
      columns: ['id', 'type', 'dq_mean', 'dq_min', 'dq_std', 'n_events'],
      rows: Array.from(barriers.id, (id, k) => [id, barriers.type[k], barriers.mean[k], barriers.min[k], barriers.std[k], barriers.count[k]]),
    }),
    figure: () => {
      const width = 0.05, top = dq.length ? extent(dq)[1] : 1;
      const bins = Math.max(1, Math.ceil(top / width));
      const x = Float64Array.from({ length: bins }, (_, b) => (b + 0.5) * width), y = new Float64Array(bins);
      for (const v of dq) y[Math.min(bins - 1, Math.max(0, Math.floor(v / width)))]++;
      return lineFigure([{ name: 'accepted events', x, y }], { title: 'ARTn barrier spectrum', xTitle: 'Delta-Q [energy]', yTitle: `events per ${width}` });
    },
    toJSON: () => resultJSON('artn', ARTN_VERSION, d),
  };
}

export function loadArtnCampaignResult(json: unknown): ArtnCampaignResult {
  return makeArtnCampaignResult(resultData<ArtnCampaignData>(json, 'artn', ARTN_VERSION));
}
