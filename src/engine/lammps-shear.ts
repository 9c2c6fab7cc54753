/**
 * Athermal quasistatic simple shear by LAMMPS: the stress-strain curve of
 * our AQS protocol (src/protocols/aqs.ts) computed by LAMMPS. The deck
 * relaxes the start (CG, `min_modify norm max`: max_i |F_i| < ftol), then
 * `steps` times: `change_box all xy delta (dgamma ly) remap units box` (the
 * affine shear of our aqsStep: tilt xy += dgamma ly at fixed fractional
 * coordinates) and `minimize` at fixed cell. After each minimum it prints
 * one line `AQS k xy pe pxy` (%.17g) and appends the minimum to a dump
 * (`id type xu yu [zu]`, %.17g), from which events are located with our
 * analyses (nonAffineDisplacement, locatePlasticEvent).
 *
 * Stress: sigma_xy = -pxy / nktv2p (at T = 0 LAMMPS's pxy is the virial
 * W_xy / V, and our stress is -W_xy / V; aqs.ts). Strain gamma = (xy - xy0) / ly.
 * The cell must not need a tilt flip within the run (|xy| <= lx/2).
 */
import { exists as existsSync, joinPath as join } from '../platform/index.ts';
import { isPlasticStep, largestDisplacement, nonAffineDisplacement, resolveDetection, type PlasticDetectionOptions } from '../analysis/plastic/plastic-events.ts';
import { readDumpFrame, readDumpFrames } from '../io/index.ts';
import { makeAqsResult, plasticEventAt, sameMinimum, type AqsResult, type AqsStep, type PlasticEvent, type ReversibleDrop } from '../protocols/aqs.ts';
import type { Potential } from '../potential/types.ts';
import { createSystem, type System } from '../system/system.ts';
import type { Units } from '../util/units.ts';
import { deckSetup, lmpNum, typeMassesOf, writeDeck } from './lammps-deck.ts';
import type { DeckFile } from './lammps-model.ts';
import { runLammpsDeck, type LammpsLaunch } from './lammps-process.ts';

export interface ShearJob {
  potential: Potential;
  units: Units;
  /** the start (relaxed first) */
  start: System;
  /** strain increment per step */
  strainStep: number;
  /** strain steps after the relaxation at strain 0 */
  steps: number;
  /** max_i |F_i| at every minimum (energy/length) */
  ftol: number;
  /** CG iterations per minimisation, default 100000 */
  maxIter?: number;
  skin?: number;
}

/** One minimum of the curve (our AqsStep's fields that LAMMPS gives). */
export interface ShearCurveStep {
  step: number;
  strain: number;
  /** sigma_xy = -W_xy / V (energy / length^dim) */
  stress: number;
  /** total potential energy */
  energy: number;
}

export const SHEAR_DECK = 'in.shear.lmp';
/** The minima, one frame per step (step 0: the relaxed start). */
export const SHEAR_MINIMA = 'minima.dump';

/** The minimum sheared back after step k's drop (the deck's reversibility check). */
export const shearBackDump = (k: number): string => `back-${k}.dump`;

/**
 * The AQS deck and its files. With `checkBack` (a job run elsewhere, read
 * back by collect), every step whose stress drops (pxy rises) is also
 * sheared back to the tilt before it and relaxed (CG), that minimum written
 * to back-k.dump and reported as `BACK k xy pe pxy`; then the minimum after
 * the drop is restored exactly (its wrapped positions and image flags kept
 * by fix store/state, the tilt as the %.17g text of a string variable: an
 * equal-style one comes back rounded to 15 digits) and the shear goes on
 * from it, as aqsShear's reversibility check does.
 */
export function lammpsShearDeck(job: ShearJob, opts: { checkBack?: boolean } = {}): { deck: string; files: DeckFile[] } {
  const setup = deckSetup({ ...job, title: `glasslab shear --engine lammps: ${job.steps} steps of ${job.strainStep}` });
  const d = job.start.dim;
  const maxIter = job.maxIter ?? 100000;
  const dump = (append: boolean) => `write_dump all custom ${SHEAR_MINIMA} id type xu yu${d === 3 ? ' zu' : ''} modify sort id format float %.17g${append ? ' append yes' : ''}`;
  const report = (k: string) => `print "AQS ${k} $(xy:%.17g) $(pe:%.17g) $(pxy:%.17g)"`;
  const lines = [
    ...setup.lines,
    ...(job.start.box.triclinic ? [] : ['change_box all triclinic']),
    // at T = 0 pxy is the virial alone: no kinetic part from velocities the start may carry
    'velocity all set 0.0 0.0 0.0',
    ...(d === 2 ? ['fix plane all enforce2d'] : []),
    'thermo_style custom step pe pxy',
    'thermo_modify norm no format float %.17g',
    'thermo 0',
    'min_style cg',
    'min_modify norm max',
    `minimize 0 ${lmpNum(job.ftol)} ${maxIter} ${10 * maxIter}`,
    report('0'),
    dump(false),
    `variable dxy equal ${lmpNum(job.strainStep)}*ly`,
    `variable k loop ${job.steps}`,
    ...(opts.checkBack ? ['variable pxyprev equal $(pxy:%.17g)'] : []),
    'label aqs',
    // string variables keep the 17 digits of the tilt (an equal-style one comes back rounded to 15)
    ...(opts.checkBack ? ['variable xyprev string $(xy:%.17g)'] : []),
    'change_box all xy delta ${dxy} remap units box',
    `minimize 0 ${lmpNum(job.ftol)} ${maxIter} ${10 * maxIter}`,
    report('${k}'),
    dump(true),
    ...(opts.checkBack ? ['if "$(pxy-v_pxyprev) > 0" then "jump SELF aqs_back"', 'label aqs_next', 'variable pxyprev equal $(pxy:%.17g)'] : []),
    'next k',
    'jump SELF aqs',
  ];
  if (opts.checkBack) {
    const xyz = d === 3 ? ['x', 'y', 'z'] : ['x', 'y'];
    const keep = [...xyz, ...['ix', 'iy', 'iz']];
    lines.push(
      'jump SELF aqs_end',
      'label aqs_back',
      `fix aqs_keep all store/state 0 ${keep.join(' ')}`,
      ...keep.map((c, i) => `variable aqs_${c} atom f_aqs_keep[${i + 1}]`),
      'variable xyafter string $(xy:%.17g)',
      'change_box all xy final ${xyprev} remap units box',
      `minimize 0 ${lmpNum(job.ftol)} ${maxIter} ${10 * maxIter}`,
      `print "BACK \${k} $(xy:%.17g) $(pe:%.17g) $(pxy:%.17g)"`,
      `write_dump all custom back-\${k}.dump id type xu yu${d === 3 ? ' zu' : ''} modify sort id format float %.17g`,
      'change_box all xy final ${xyafter} units box',
      `set group all ${xyz.map((c) => `${c} v_aqs_${c}`).join(' ')} image v_aqs_ix v_aqs_iy v_aqs_iz`,
      'unfix aqs_keep',
      'jump SELF aqs_next',
      'label aqs_end',
    );
  }
  return { deck: lines.join('\n') + '\n', files: setup.files };
}

/**
 * The deck's `AQS k xy pe pxy` line (the minimum of strain step k): its
 * tilt, total energy and stress sigma_xy = -pxy / nktv2p; undefined for
 * other lines.
 */
export function aqsLine(line: string, nktv2p: number): { step: number; xy: number; energy: number; stress: number } | undefined {
  const m = /^AQS (\d+) (\S+) (\S+) (\S+)\s*$/.exec(line);
  return m ? { step: Number(m[1]), xy: Number(m[2]), energy: Number(m[3]), stress: -Number(m[4]) / nktv2p } : undefined;
}

/** What reading an AQS job's LAMMPS output back needs (kept in a cluster job's manifest). */
export interface ShearReadBack {
  dim: 2 | 3;
  /** strain steps of the deck (after the relaxation at strain 0) */
  steps: number;
  strainStep: number;
  maxEvents: number;
  /** the deck shears each drop back (back-k.dump); false: every drop with a rearrangement counts */
  checkReversibility: boolean;
  /** smallest rearrangement counted (length); default of resolveDetection */
  minDisplacement?: number;
  /** the pressure-unit factor of the job's units (Units.nktv2p) */
  nktv2p: number;
  /** mass of each atom type (index = type) */
  typeMasses: number[];
}

/**
 * A job folder's AQS run (every strain step to maxStrain in one deck, each
 * drop sheared back in the deck): the job and its read-back description.
 */
export function shearJobDeck(job: AqsJob): { deck: string; files: DeckFile[]; readBack: ShearReadBack } {
  const steps = Math.round(job.maxStrain / job.strainStep);
  const checkReversibility = job.checkReversibility !== false;
  const { deck, files } = lammpsShearDeck({ ...job, steps }, { checkBack: checkReversibility });
  return {
    deck, files,
    readBack: {
      dim: job.start.dim, steps, strainStep: job.strainStep, maxEvents: job.maxEvents, checkReversibility, nktv2p: job.units.nktv2p,
      typeMasses: typeMassesOf(job.potential, job.start), ...(job.detection?.minDisplacement !== undefined ? { minDisplacement: job.detection.minDisplacement } : {}),
    },
  };
}

/**
 * The AqsResult of a finished shearJobDeck run in `dir` from its log text:
 * the minima of minima.dump with the log's stresses and energies, fed to
 * AqsMinima (the drops' sheared-back minima from back-k.dump), stopped at
 * maxEvents as aqsShear stops. Throws when the log and the dump disagree.
 */
export async function readShearRun(dir: string, rb: ShearReadBack, start: System, log: string): Promise<AqsResult> {
  const t0 = performance.now();
  const curve = new Map<number, { stress: number; energy: number }>();
  for (const line of log.split('\n')) {
    const a = aqsLine(line, rb.nktv2p);
    if (a) curve.set(a.step, a);
  }
  const minima = new AqsMinima({ start, strainStep: rb.strainStep, maxEvents: rb.maxEvents, checkReversibility: rb.checkReversibility, ...(rb.minDisplacement !== undefined ? { detection: { minDisplacement: rb.minDisplacement } } : {}) });
  const read = { dim: rb.dim, typeMasses: rb.typeMasses };
  const asSystem = (f: System) => createSystem({ box: f.box, positions: f.positions, types: f.types, masses: f.masses, ids: f.ids });
  const back = async (): Promise<System | undefined> => {
    const f = join(dir, shearBackDump(minima.count - 1));
    return existsSync(f) ? asSystem(await readDumpFrame(f, 0, read)) : undefined;
  };
  let stop: AqsResult['stopReason'] = 'maxStrain';
  for await (const f of readDumpFrames(join(dir, SHEAR_MINIMA), read)) {
    const c = curve.get(minima.count);
    if (!c) throw new Error(`${join(dir, SHEAR_MINIMA)} has a minimum at step ${minima.count} that the log does not report`);
    if ((await minima.add(c, asSystem(f), back)) === 'events') { stop = 'events'; break; }
  }
  return minima.result(stop, performance.now() - t0);
}

/**
 * Run the AQS deck in `dir`; returns the minima's strain, stress and energy
 * (the minima themselves are in `dir`/minima.dump). An abort returns the
 * steps reached.
 */
export async function lammpsShearCurve(job: ShearJob, launch: LammpsLaunch, dir: string, hooks: { signal?: AbortSignal; onStep?: (s: ShearCurveStep) => void } = {}): Promise<{ steps: ShearCurveStep[]; minima: string; aborted: boolean }> {
  const { deck, files } = lammpsShearDeck(job);
  writeDeck(dir, SHEAR_DECK, deck, files);
  const ly = job.start.box.lengths[1];
  const steps: ShearCurveStep[] = [];
  let xy0: number | undefined;
  const run = await runLammpsDeck(dir, SHEAR_DECK, launch, {
    signal: hooks.signal,
    onLine: (line) => {
      const a = aqsLine(line, job.units.nktv2p);
      if (!a) return;
      xy0 ??= a.xy;
      const s: ShearCurveStep = { step: a.step, strain: (a.xy - xy0) / ly, stress: a.stress, energy: a.energy };
      steps.push(s);
      hooks.onStep?.(s);
    },
  });
  return { steps, minima: join(dir, SHEAR_MINIMA), aborted: run.aborted };
}

/** AQS until `maxEvents` plastic events or `maxStrain`, run by LAMMPS in batches of strain steps. */
export interface AqsJob extends Omit<ShearJob, 'steps'> {
  maxEvents: number;
  maxStrain: number;
  detection?: PlasticDetectionOptions;
  /** strain steps per LAMMPS run, default 50 */
  batch?: number;
  /**
   * shear each drop back to the strain before it (one more LAMMPS run: the
   * minimum after the drop, change_box back, CG) and count it only if it does
   * not return to the minimum before (sameMinimum within minDisplacement), as
   * aqsShear's check; default true
   */
  checkReversibility?: boolean;
}

/**
 * Our AQS protocol (aqs.ts) over minima relaxed by LAMMPS, fed in order
 * (step 0: the relaxed start): each step is classified with our detection
 * (isPlasticStep: a stress drop with a non-affine rearrangement larger than
 * minDisplacement); a drop is counted as an event (plasticEventAt) unless
 * the minimum it reaches when sheared back returns to the one before it
 * (sameMinimum within minDisplacement: a reversible drop, as aqsShear's
 * check). Used by lammpsAqs (LAMMPS runs in batches here) and by collect (one
 * LAMMPS run of every step, the drops sheared back in the deck).
 */
export class AqsMinima {
  readonly steps: AqsStep[] = [];
  readonly events: PlasticEvent[] = [];
  readonly reversibleDrops: ReversibleDrop[] = [];
  private readonly det: Required<PlasticDetectionOptions>;
  private start: System | undefined;
  private prev: System | undefined;
  private xy0 = 0;
  constructor(private readonly job: Pick<AqsJob, 'start' | 'strainStep' | 'maxEvents' | 'detection' | 'checkReversibility'>, private readonly onStep?: (s: AqsStep) => void) {
    this.det = resolveDetection(job.start, job.detection);
  }

  /** Steps fed so far, the relaxed start included. */
  get count(): number { return this.steps.length; }
  /** The last minimum fed. */
  get last(): System | undefined { return this.prev; }

  /**
   * Add the next minimum `sys` with its energy and stress (`c`); `back`
   * gives the minimum sheared back from `sys` to the tilt of the one before
   * (undefined: not sheared back, the drop counts). Returns 'events' once
   * maxEvents are found.
   */
  async add(c: Pick<ShearCurveStep, 'stress' | 'energy'>, sys: System, back: (after: System, before: System) => Promise<System | undefined | 'aborted'>): Promise<'more' | 'events' | 'aborted'> {
    const k = this.steps.length;
    if (k === 0) {
      this.start = sys;
      this.prev = sys;
      this.xy0 = sys.box.xy;
      const s0: AqsStep = { step: 0, strain: 0, stress: c.stress, energy: c.energy, maxForce: NaN, iterations: 0 };
      this.steps.push(s0);
      this.onStep?.(s0);
      return 'more';
    }
    const step: AqsStep = { step: k, strain: (sys.box.xy - this.xy0) / this.start!.box.lengths[1], stress: c.stress, energy: c.energy, maxForce: NaN, iterations: 0 };
    const prev = this.steps[k - 1], before = this.prev!;
    this.steps.push(step);
    this.onStep?.(step);
    this.prev = sys;
    const u = nonAffineDisplacement(before, sys);
    if (isPlasticStep(prev.stress, step.stress, largestDisplacement(u, sys.dim).norm, this.det)) {
      const b = this.job.checkReversibility === false ? undefined : await back(sys, before);
      if (b === 'aborted') return 'aborted';
      if (b !== undefined && sameMinimum(before, b, this.det.minDisplacement)) {
        this.reversibleDrops.push({ step: step.step, strainAfter: step.strain, stressBefore: prev.stress, stressAfter: step.stress });
      } else {
        this.events.push(plasticEventAt(this.events.length + 1, prev, step, before, sys, this.start!));
      }
    }
    return this.events.length >= this.job.maxEvents ? 'events' : 'more';
  }

  /** The AqsResult of the steps fed (aqsShear's shape: no tilt flips, iterations not counted). */
  result(stopReason: AqsResult['stopReason'], elapsedMs: number): AqsResult {
    const s = this.job.start;
    return makeAqsResult({
      dim: s.dim, n: s.n, strainStep: this.job.strainStep, steps: this.steps, events: this.events, reversibleDrops: this.reversibleDrops,
      start: this.start ?? s, final: this.prev ?? s, stopReason, flips: 0, iterations: 0, elapsedMs,
    });
  }
}

/**
 * The AQS protocol of aqs.ts with LAMMPS relaxing each step: LAMMPS runs
 * `batch` strain steps at a time (lammpsShearCurve, one folder per batch in
 * `dir`), continuing from the last minimum of the batch before; between
 * batches the steps are classified (AqsMinima), each drop sheared back by
 * one more LAMMPS run (shearedBack), stopping at `maxEvents`. The result is
 * our AqsResult, the steps after the last event dropped (as aqsShear stops
 * there).
 */
export async function lammpsAqs(job: AqsJob, launch: LammpsLaunch, dir: string, hooks: { signal?: AbortSignal; onStep?: (s: AqsStep) => void } = {}): Promise<AqsResult> {
  const t0 = performance.now();
  const total = Math.round(job.maxStrain / job.strainStep);
  const batch = job.batch ?? 50;
  const typeMasses = typeMassesOf(job.potential, job.start);
  const minima = new AqsMinima(job, hooks.onStep);
  const back = (after: System, before: System) => shearedBack(job, after, before, launch, join(dir, `back-${minima.count - 1}`), hooks.signal);
  let stopReason: AqsResult['stopReason'] = 'maxStrain';
  let done = 0, b = 0, cur = job.start;
  while (done < total && stopReason === 'maxStrain') {
    const nb = Math.min(batch, total - done);
    const r = await lammpsShearCurve({ ...job, start: cur, steps: nb }, launch, join(dir, `batch-${b++}`), { signal: hooks.signal });
    if (r.aborted) { stopReason = 'aborted'; break; }
    let j = 0;
    for await (const f of readDumpFrames(r.minima, { dim: job.start.dim, typeMasses })) {
      // a batch's first minimum is the last of the batch before
      if (j > 0 || minima.count === 0) {
        const sys = createSystem({ box: f.box, positions: f.positions, types: f.types, masses: f.masses, ids: f.ids });
        const st = await minima.add(r.steps[j], sys, back);
        if (st !== 'more') { stopReason = st; break; }
      }
      j++;
    }
    done += nb;
    cur = minima.last!;
  }
  return minima.result(stopReason, performance.now() - t0);
}

/**
 * The minimum reached from `after` (a minimum past a drop) sheared back to
 * the tilt of `before` and relaxed by LAMMPS (lammpsShearCurve, one step of
 * the opposite strain), in `dir`; 'aborted' when stopped.
 */
async function shearedBack(job: AqsJob, after: System, before: System, launch: LammpsLaunch, dir: string, signal?: AbortSignal): Promise<System | 'aborted'> {
  const back = -(after.box.xy - before.box.xy) / after.box.lengths[1];
  const r = await lammpsShearCurve({ ...job, start: after, strainStep: back, steps: 1 }, launch, dir, { signal });
  if (r.aborted) return 'aborted';
  const typeMasses = typeMassesOf(job.potential, after);
  let last: System | undefined;
  for await (const f of readDumpFrames(r.minima, { dim: after.dim, typeMasses })) last = createSystem({ box: f.box, positions: f.positions, types: f.types, masses: f.masses, ids: f.ids });
  return last!;
}
