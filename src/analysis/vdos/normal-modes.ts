/**
 * The lowest normal modes of a minimum and the per-atom participation in
 * them, as one result (the `modes` command and `%modes` return it): the
 * normal-mode softness of Zylberg et al. / Wei et al. (participation p_i of
 * atom i in the chosen lowest modes, linalg/mode-analysis.ts), the signed
 * angular frequencies and participation ratios of those modes, and the
 * largest force of the input (the modes are vibrational about a minimum only).
 *
 *   const r = normalModeAnalysis(sys, pot, { count: 30 });
 *   r.participation; r.frequencies; r.table() // id,type,participation
 */
import { createForceProvider } from '../../core/force-provider.ts';
import { assembleHessian, factoredHessian } from '../../core/hessian.ts';
import { denseModes, lowModeParticipation, participationRatio } from '../../linalg/index.ts';
import { maxAtomForce } from '../../minimize/common.ts';
import { lineFigure, type PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';
import type { Potential } from '../../potential/types.ts';
import type { System } from '../../system/system.ts';
import { getUnits } from '../../util/units.ts';

export interface NormalModeAnalysisOptions {
  /** number of lowest non-zero modes (default all: n dim - dim) */
  count?: number;
  /** diagonalise the dynamical matrix M^-1/2 H M^-1/2 (default true) or the Hessian */
  massWeighted?: boolean;
  /** eigensolver (default 'auto') */
  method?: 'auto' | 'dense' | 'lanczos';
  /** the input's name in messages */
  source?: string;
  /** called after each of the 3 stages (forces, Hessian, eigenmodes) */
  onStage?: (done: number) => void;
}

/** What a NormalModeAnalysis is built from (and saved as). */
export interface NormalModeAnalysisData {
  /** number of atoms and dimension */
  n: number;
  dim: number;
  /** non-trivial modes of the system, n dim - dim */
  totalModes: number;
  /** modes in the chosen set (the lowest ones) */
  count: number;
  /** 'dense' (all modes computed) or 'lanczos' (the lowest `count` only) */
  method: 'dense' | 'lanczos';
  massWeighted: boolean;
  /** signed angular frequencies of the chosen modes (rad / model time unit), ascending (negative: unstable direction) */
  frequencies: Float64Array;
  /** participation ratio of each chosen mode */
  participationRatio: Float64Array;
  /** p_i per atom, in the order of the input's atoms (not sorted by id) */
  participation: Float64Array;
  /** largest per-atom force of the input (energy/length) */
  maxForce: number;
  /** the model's time unit (frequencies are rad per it when mass weighted) */
  timeUnit: string;
  ids: Int32Array;
  types: Int32Array;
}

export interface NormalModeAnalysis extends AnalysisResult<'modes'>, NormalModeAnalysisData {
  /** modes with omega < 0 among the chosen */
  unstable: number;
  /** participation ratio against omega of the chosen modes */
  figure(): PlotlyFigure;
  /** id,type,participation, rows by id */
  table(): TableData;
  /** mode,omega,participation_ratio */
  modesTable(): TableData;
}

const VERSION = 1;

/** The `count` lowest modes of `sys` under `pot` and the participation of each atom in them. */
export function normalModeAnalysis(sys: System, pot: Potential, opts: NormalModeAnalysisOptions = {}): NormalModeAnalysis {
  const totalModes = sys.n * sys.dim - sys.dim;
  const src = opts.source ?? 'modes';
  if (totalModes < 1) throw new Error(`${src}: ${sys.n} atom(s) have no non-zero modes`);
  const count = opts.count ?? totalModes;
  if (!(Number.isInteger(count) && count >= 1 && count <= totalModes)) throw new Error(`modes: ${count} modes asked for; ${src} has ${totalModes} non-zero modes (${sys.n} atoms in ${sys.dim}D)`);
  const massWeighted = opts.massWeighted ?? true;
  const stage = opts.onStage ?? (() => {});
  const maxForce = maxAtomForce(createForceProvider(pot, { skin: 0 }).compute(sys).forces, sys.dim);
  stage(1);
  const method = opts.method ?? 'auto';
  // Lanczos needs products only: the unassembled Hessian (no second-neighbour blocks for EAM)
  const H = denseModes(sys.n * sys.dim, method) ? assembleHessian(sys, pot, { massWeighted }) : factoredHessian(sys, pot, { massWeighted });
  stage(2);
  const { modes, participation } = lowModeParticipation(H, { count, masses: sys.masses, method });
  stage(3);
  if ('converged' in modes && modes.converged === false) {
    throw new Error(`modes: Lanczos did not converge for the ${count} lowest modes of ${src}; use method 'dense' (up to ~4000 atoms in 3D)`);
  }
  // eigenvalues of D are in energy / (length^2 mass); omega^2 in time^-2 needs 1/mvv2e (1 in LJ units, rad/ps in metal units)
  const units = getUnits(pot.units);
  const toAngular = massWeighted ? 1 / Math.sqrt(units.mvv2e) : 1;
  return makeNormalModeAnalysis({
    n: sys.n, dim: sys.dim, totalModes, count, method: 'converged' in modes ? 'lanczos' : 'dense', massWeighted,
    frequencies: modes.frequencies.slice(0, count).map((w) => w * toAngular),
    participationRatio: participationRatio({ nAtoms: modes.nAtoms, dim: modes.dim, count, vectors: modes.vectors }),
    participation, maxForce, timeUnit: units.label.time, ids: Int32Array.from(sys.ids), types: Int32Array.from(sys.types),
  });
}

export function loadNormalModeAnalysis(json: unknown): NormalModeAnalysis {
  return makeNormalModeAnalysis(resultData<NormalModeAnalysisData>(json, 'modes', VERSION));
}

function makeNormalModeAnalysis(d: NormalModeAnalysisData): NormalModeAnalysis {
  const { frequencies: w, count } = d;
  const unit = d.massWeighted ? ` rad/${d.timeUnit}` : '';
  const lines = [
    `atoms ${d.n}`,
    `modes ${count} of ${d.totalModes} (${d.method}, ${d.massWeighted ? 'dynamical matrix' : 'Hessian, unit masses'})`,
    `omega_min ${w[0]}${unit}`,
    `omega_max ${w[count - 1]}${unit}`,
    `max_force ${d.maxForce}`,
  ];
  const order = Array.from({ length: d.n }, (_, i) => i).sort((a, b) => d.ids[a] - d.ids[b]);
  return {
    kind: 'modes', ...d, unstable: w.filter((x) => x < 0).length,
    figure: () => lineFigure([{ name: 'modes', x: w, y: d.participationRatio, mode: 'markers' }],
      { xTitle: `omega${unit ? ` [${unit.trim()}]` : ''}`, yTitle: 'participation ratio', title: `the ${count} lowest modes` }),
    summary: () => lines.join('\n'),
    table: () => ({ columns: ['id', 'type', 'participation'], rows: order.map((i) => [d.ids[i], d.types[i], d.participation[i]]) }),
    modesTable: () => ({ columns: ['mode', 'omega', 'participation_ratio'], rows: Array.from(w, (x, m) => [m + 1, x, d.participationRatio[m]]) }),
    toJSON: () => resultJSON('modes', VERSION, d),
  };
}
