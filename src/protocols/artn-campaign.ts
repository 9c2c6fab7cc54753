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
 * - The start is minimised first (FIRE + CG to `minimizeFtol`, as each side
 *   of a saddle), so that E_initial and the final energies are comparable.
 *
 * Every event has its own random stream (eventSeed(seed, atom, attempt)),
 * so a campaign resumed from the events of an interrupted run (`resume`)
 * gives the same events as an uninterrupted one. An AbortSignal stops it
 * within the running event, which is dropped (`aborted: true`, the events
 * finished so far).
 */
import type { ForceProvider } from '../core/types.ts';
import { lineFigure } from '../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../plot/result.ts';
import { minimize } from '../minimize/minimize.ts';
import type { System } from '../system/system.ts';
import { ArtnAbortedError, ARTN_OUTCOMES, artnEvent, eventSeed, resolveArtnParams, type ArtnEvent, type ArtnOutcome, type ArtnParams } from './artn.ts';

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
  const events: (ArtnEvent & { attempt: number })[] = [];
  const total = atoms.length * eventsPerAtom;
  let searched = 0, searchSeconds = 0, aborted = false;
  for (const atom of atoms) {
    const accepted: ArtnEvent[] = [];
    for (let attempt = 0; attempt < eventsPerAtom; attempt++) {
      if (opts.signal?.aborted) { aborted = true; break; }
      let ev: ArtnEvent;
      const old = previous.get(`${atom}:${attempt}`);
      if (old) {
        ev = { ...old };
      } else {
        const t = performance.now();
        try {
          ev = await artnEvent(is, provider, atom, { ...params, seed: eventSeed(seed, atom, attempt), initialEnergy: start.energy, ...(opts.signal ? { signal: opts.signal } : {}) });
        } catch (e) {
          if (e instanceof ArtnAbortedError) { aborted = true; break; } // the unfinished event is not kept
          throw e;
        }
        searchSeconds += (performance.now() - t) / 1000;
        searched++;
        if (ev.outcome === 'accepted' && accepted.some((a) => isDuplicate(a, ev, duplicateTol, params.sameTol))) ev.outcome = 'duplicate';
      }
      if (ev.outcome === 'accepted') accepted.push(ev);
      const full = { ...ev, attempt };
      events.push(full);
      if (!old) await opts.onEvent?.(full, events);
      if (opts.onProgress) {
        const left = total - events.length;
        opts.onProgress({
          done: events.length, total, accepted: events.filter((e) => e.outcome === 'accepted').length,
          elapsedSeconds: (performance.now() - t0) / 1000, etaSeconds: searched > 0 ? (left * searchSeconds) / searched : NaN,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 0)); // let an interrupt in
    }
    if (aborted) break;
  }
  return makeArtnCampaignResult({
    n: minimum.n, initialEnergy: start.energy, params, eventsPerAtom, seed, duplicateTol, atoms,
    ids: atoms.map((a) => minimum.ids[a]), types: atoms.map((a) => minimum.types[a]),
    events, aborted, seconds: (performance.now() - t0) / 1000,
  });
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
    return [
      `ARTn: ${d.events.length} searches on ${d.atoms.length} atoms (${d.eventsPerAtom} per atom, seed ${d.seed})${d.aborted ? ' (stopped)' : ''}, ${d.seconds.toFixed(1)} s`,
      `outcomes: ${ARTN_OUTCOMES.filter((o) => outcomes[o] > 0).map((o) => `${o} ${outcomes[o]}`).join(', ') || 'none'}`,
      `force calls: ${calls} (${accepted.length ? (calls / accepted.length).toFixed(0) : 'n/a'} per accepted event; ${d.events.length ? (d.events.reduce((s, e) => s + e.saddleForceCalls, 0) / calls * 100).toFixed(0) : 0}% before the saddle)`,
      `Delta-Q over ${dq.length} accepted events: mean ${mean.toFixed(4)}, min ${Math.min(...dq).toFixed(4)}, max ${Math.max(...dq).toFixed(4)}; ${withEvents} of ${d.atoms.length} atoms have a barrier`,
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
      const width = 0.05, top = dq.length ? Math.max(...dq) : 1;
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
