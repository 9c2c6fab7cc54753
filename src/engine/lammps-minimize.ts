/**
 * Energy minimisation by LAMMPS, from the options of `glasslab minimize`:
 * `min_style fire` and/or `min_style cg` (`fire+cg`: FIRE until the largest
 * per-atom force is below `switchForce`, then CG to `ftol`, as our
 * `minimize`), `min_modify norm max` so that LAMMPS's force tolerance is
 * ours, max_i |F_i| (LAMMPS manual, min_modify: "max = max of the 2-norms of
 * the per-atom force vectors"), energy tolerance 0 (stop on forces only).
 * Each stage gets the iteration budget `maxIter` and 10 maxIter force
 * evaluations. The final state is dumped (a `run 0` after the last stage) with wrapped positions and image
 * flags, per-atom energies and forces (%.17g) and read back: the result has
 * the shape of our `MinimizeResult`, with max |F_i| computed from LAMMPS's
 * own final forces.
 */
import { joinPath as join } from '../platform/index.ts';
import { readDumpFrame } from '../io/index.ts';
import type { MinimizeMethod, MinimizeResult } from '../minimize/minimize.ts';
import type { Potential } from '../potential/types.ts';
import { createSystem, type System } from '../system/system.ts';
import type { Units } from '../util/units.ts';
import { deckSetup, lmpNum, ThermoBlockReader, typeMassesOf, writeDeck } from './lammps-deck.ts';
import type { DeckFile } from './lammps-model.ts';
import { runLammpsDeck, type LammpsLaunch } from './lammps-process.ts';

export interface MinimizeJob {
  potential: Potential;
  units: Units;
  start: System;
  method: MinimizeMethod;
  /** target max_i |F_i| (energy/length) */
  ftol: number;
  /** iterations of each stage */
  maxIter: number;
  /** fire+cg: max |F_i| where FIRE hands over to CG, default 0.1 (as our minimize) */
  switchForce?: number;
  skin?: number;
}

export interface MinimizeHooks {
  signal?: AbortSignal;
  /** the largest force component at each thermo row (LAMMPS fmax) */
  onProgress?: (p: { iteration: number; maxForce: number }) => void;
}

export const MIN_DECK = 'in.minimize.lmp';
export const MIN_FINAL = 'final.dump';
/** Iterations between thermo rows (the progress display's updates). */
const THERMO_EVERY = 100;

/** The minimisation deck and its files. */
export function lammpsMinimizeDeck(job: MinimizeJob, opts: { title?: string } = {}): { deck: string; files: DeckFile[] } {
  const setup = deckSetup({ ...job, title: opts.title ?? `glasslab minimize --engine lammps (${job.method})` });
  const d = job.start.dim;
  const stage = (style: 'fire' | 'cg', ftol: number) => [`min_style ${style}`, `minimize 0 ${lmpNum(ftol)} ${job.maxIter} ${10 * job.maxIter}`];
  const stages = job.method === 'fire+cg' ? [...stage('fire', job.switchForce ?? 0.1), ...stage('cg', job.ftol)] : stage(job.method, job.ftol);
  const xyz = (p: string) => (d === 3 ? [`${p}x`, `${p}y`, `${p}z`] : [`${p}x`, `${p}y`]);
  const cols = ['id', 'type', ...(d === 3 ? ['x', 'y', 'z'] : ['x', 'y']), ...xyz('i'), 'c_peatom', ...xyz('f')];
  const lines = [
    ...setup.lines,
    ...(d === 2 ? ['fix plane all enforce2d'] : []),
    'compute peatom all pe/atom',
    'thermo_style custom step pe fmax fnorm',
    'thermo_modify norm no format float %.17g flush yes',
    `thermo ${THERMO_EVERY}`,
    'min_modify norm max',
    ...stages,
    // per-atom energies are tallied only on a step that asks for them: a dump over one more evaluation (run 0) at the final positions
    `dump final all custom 1 ${MIN_FINAL} ${cols.join(' ')}`,
    'dump_modify final sort id format float %.17g',
    'run 0',
  ];
  return { deck: lines.join('\n') + '\n', files: setup.files };
}

/**
 * Reads a minimisation deck's screen or log lines: iterations and force
 * evaluations summed over the stages, LAMMPS's stopping criterion, and the
 * largest force at each thermo row.
 */
export class MinimizeLogReader {
  iterations = 0;
  forceCalls = 0;
  reason: string | undefined;
  private stageBase = 0;
  private lastStep = 0;
  private readonly thermo = new ThermoBlockReader();
  constructor(private readonly onProgress?: MinimizeHooks['onProgress']) {}

  /** Iterations reached, the unfinished stage's included. */
  get reached(): number { return this.stageBase + this.lastStep; }

  feed(line: string): void {
    const m = /Iterations, force evaluations = (\d+) (\d+)/.exec(line);
    if (m) { this.iterations += Number(m[1]); this.forceCalls += Number(m[2]); this.stageBase = this.iterations; return; }
    const s = /Stopping criterion = (.*)$/.exec(line);
    if (s) { this.reason = s[1].trim(); return; }
    const row = this.thermo.feed(line);
    if (row) { this.lastStep = row.Step; this.onProgress?.({ iteration: this.stageBase + row.Step, maxForce: row.Fmax }); }
  }
}

/** What reading a minimisation's LAMMPS output back needs of its job (kept in a cluster job's manifest). */
export interface MinimizeReadBack {
  dim: 2 | 3;
  /** target max_i |F_i| (energy/length) */
  ftol: number;
  /** mass of each atom type (index = type) */
  typeMasses: number[];
}

/**
 * The MinimizeResult of a finished minimisation deck in `dir`: the final
 * dump (positions, image flags, per-atom energies and forces) and the log's
 * counts; converged when max_i |F_i| of LAMMPS's final forces is below ftol.
 */
export async function readMinimizeResult(dir: string, rb: MinimizeReadBack, log: MinimizeLogReader): Promise<MinimizeResult> {
  const d = rb.dim;
  const f = await readDumpFrame(join(dir, MIN_FINAL), 0, { dim: d, typeMasses: rb.typeMasses });
  const pe = f.props.get('c_peatom')!;
  const fc = (d === 3 ? ['fx', 'fy', 'fz'] : ['fx', 'fy']).map((c) => f.props.get(c)!);
  const forces = new Float64Array(d * f.n);
  let energy = 0, maxForce = 0;
  for (let i = 0; i < f.n; i++) {
    let s = 0;
    for (let a = 0; a < d; a++) { forces[d * i + a] = fc[a][i]; s += fc[a][i] ** 2; }
    maxForce = Math.max(maxForce, Math.sqrt(s));
    energy += pe[i];
  }
  const system = createSystem({ box: f.box, positions: f.positions, types: f.types, masses: f.masses, ids: f.ids, images: f.images });
  const converged = maxForce < rb.ftol;
  return {
    system, energy, peratomEnergy: Float64Array.from(pe), forces, maxForce, iterations: log.iterations, forceCalls: log.forceCalls, converged,
    ...(converged ? {} : { reason: `LAMMPS stopped: ${log.reason ?? 'unknown'}` }),
    aborted: false, stages: [],
  };
}

/** The read-back description of a job. */
export function minimizeReadBack(job: MinimizeJob): MinimizeReadBack {
  return { dim: job.start.dim, ftol: job.ftol, typeMasses: typeMassesOf(job.potential, job.start) };
}

/** Minimise `job.start` with LAMMPS in `dir` (the deck, its data and log stay there). */
export async function lammpsMinimize(job: MinimizeJob, launch: LammpsLaunch, dir: string, hooks: MinimizeHooks = {}): Promise<MinimizeResult> {
  const { deck, files } = lammpsMinimizeDeck(job);
  writeDeck(dir, MIN_DECK, deck, files);
  const log = new MinimizeLogReader(hooks.onProgress);
  const run = await runLammpsDeck(dir, MIN_DECK, launch, { signal: hooks.signal, onLine: (line) => log.feed(line) });
  const sys = job.start;
  if (run.aborted) {
    // LAMMPS was killed mid-way: the configuration reached is not on disk; the start is returned
    return {
      system: sys, energy: NaN, peratomEnergy: new Float64Array(sys.n), forces: new Float64Array(sys.n * sys.dim), maxForce: NaN,
      iterations: log.reached, forceCalls: log.forceCalls, converged: false, reason: 'aborted', aborted: true, stages: [],
    };
  }
  return readMinimizeResult(dir, minimizeReadBack(job), log);
}
