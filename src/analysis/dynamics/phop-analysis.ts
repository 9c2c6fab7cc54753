/**
 * The cage-jump analysis of a trajectory as one result (the `phop` command
 * and `%phop` return it): p_hop of every particle and frame (phop.ts), the
 * threshold p_c (given, or MSD at the alpha_2 peak of all atoms) and the
 * rearrangement events above it.
 *
 *   const r = phopAnalysis(frames, { window: 15, pc: 'auto' });
 *   r.pc; r.events; r.phop.values; r.table() // the events
 */
import type { PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';
import { selfDynamics } from './dynamics.ts';
import type { TrajectoryFrames } from './frames.ts';
import { computePhop, hopEvents, makePhopResult, phopThreshold, type HopEvent, type PhopOptions, type PhopResult } from './phop.ts';

export interface PhopAnalysisOptions extends PhopOptions {
  /** threshold of the events in the units of p_hop, or 'auto' (default): MSD at the alpha_2 peak of all atoms (its square root for form 'sqrt') */
  pc?: number | 'auto';
  /** the input's name in messages */
  source?: string;
}

export interface PhopAnalysis extends AnalysisResult<'phop'> {
  phop: PhopResult;
  /** threshold used (units of p_hop) and how it was chosen */
  pc: number;
  pcSource: 'auto' | 'given';
  /** alpha_2 peak time when p_c is automatic */
  tStar?: number;
  events: HopEvent[];
  /** events per atom (frame order) */
  eventsPerAtom: Int32Array;
  /** p_hop of the atoms with the highest peaks, with the p_c line */
  figure(): PlotlyFigure;
  /** the events, sorted by atom id then start: id,type,t_start,t_end,max_phop */
  table(): TableData;
}

const VERSION = 1;

interface PhopAnalysisData {
  phop: Omit<PhopResult, 'trace' | 'figure'>;
  pc: number;
  pcSource: 'auto' | 'given';
  tStar?: number;
}

/** p_hop of every atom and frame, the threshold p_c and the events above it. */
export function phopAnalysis(frames: TrajectoryFrames, opts: PhopAnalysisOptions = {}): PhopAnalysis {
  const phop = computePhop(frames, opts);
  const pcOpt = opts.pc ?? 'auto';
  if (pcOpt !== 'auto' && !(Number.isFinite(pcOpt) && pcOpt >= 0)) throw new Error(`p_hop: p_c must be 'auto' or a non-negative number, got ${pcOpt}`);
  let pc: number, tStar: number | undefined;
  if (pcOpt !== 'auto') pc = pcOpt;
  else {
    const th = phopThreshold(selfDynamics(frames), 0, opts.source);
    tStar = th.tStar;
    pc = phop.form === 'sqrt' ? Math.sqrt(th.pc) : th.pc;
  }
  return makePhopAnalysis({ phop, pc, pcSource: pcOpt === 'auto' ? 'auto' : 'given', ...(tStar !== undefined ? { tStar } : {}) });
}

export function loadPhopAnalysis(json: unknown): PhopAnalysis {
  return makePhopAnalysis(resultData<PhopAnalysisData>(json, 'phop', VERSION));
}

function makePhopAnalysis(d: PhopAnalysisData): PhopAnalysis {
  const p = d.phop;
  const phop = 'trace' in p ? (p as PhopResult) : makePhopResult(p, p.values, p.windowFrames, p.hU, p.hV, p.window, p.form);
  const { pc } = d;
  const { events, perAtom } = hopEvents(phop, pc);
  const { n, times, ids } = phop;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => ids[x] - ids[y]);
  const rank = new Int32Array(n);
  order.forEach((i, r) => { rank[i] = r; });
  const movers = perAtom.reduce((s, c) => s + (c > 0 ? 1 : 0), 0);
  const unit = phop.form === 'squared' ? 'sigma^2' : 'sigma';
  const lines = [
    `atoms ${n}, frames ${phop.nFrames}, window ${phop.windowFrames} frames (${phop.window} time units)`,
    `p_hop defined for t in [${times[phop.firstFrame]}, ${times[phop.lastFrame]}]`,
    `p_c ${pc} ${unit} (${d.pcSource === 'given' ? 'given' : `MSD at the alpha_2 peak, t* = ${d.tStar}`})`,
    `events ${events.length}, atoms with an event ${movers} of ${n}`,
  ];
  return {
    kind: 'phop', phop, pc, pcSource: d.pcSource, ...(d.tStar !== undefined ? { tStar: d.tStar } : {}),
    events, eventsPerAtom: perAtom,
    figure: () => phop.figure({ pc }),
    summary: () => lines.join('\n'),
    table: () => {
      const sorted = [...events].sort((x, y) => rank[x.atom] - rank[y.atom] || x.frameStart - y.frameStart);
      return { columns: ['id', 'type', 't_start', 't_end', 'max_phop'], rows: sorted.map((e) => [e.id, e.type, e.tStart, e.tEnd, e.maxPhop]) };
    },
    toJSON: () => resultJSON('phop', VERSION, { ...d, phop }),
  };
}
