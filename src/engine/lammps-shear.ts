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
import { join } from 'node:path';
import { isPlasticStep, largestDisplacement, nonAffineDisplacement, resolveDetection, type PlasticDetectionOptions } from '../analysis/plastic/plastic-events.ts';
import { readDumpFrames } from '../io/index.ts';
import { makeAqsResult, plasticEventAt, sameMinimum, type AqsResult, type AqsStep, type PlasticEvent, type ReversibleDrop } from '../protocols/aqs.ts';
import type { Potential } from '../potential/types.ts';
import { createSystem, type System } from '../system/system.ts';
import type { Units } from '../util/units.ts';
import { deckSetup, lmpNum, writeDeck } from './lammps-deck.ts';
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

/** The AQS deck and its files. */
export function lammpsShearDeck(job: ShearJob): { deck: string; files: DeckFile[] } {
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
    'label aqs',
    'change_box all xy delta ${dxy} remap units box',
    `minimize 0 ${lmpNum(job.ftol)} ${maxIter} ${10 * maxIter}`,
    report('${k}'),
    dump(true),
    'next k',
    'jump SELF aqs',
  ];
  return { deck: lines.join('\n') + '\n', files: setup.files };
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
      const m = /^AQS (\d+) (\S+) (\S+) (\S+)\s*$/.exec(line);
      if (!m) return;
      const [k, xy, pe, pxy] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
      xy0 ??= xy;
      const s: ShearCurveStep = { step: k, strain: (xy - xy0) / ly, stress: -pxy / job.units.nktv2p, energy: pe };
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
 * The AQS protocol of aqs.ts with LAMMPS relaxing each step: LAMMPS runs
 * `batch` strain steps at a time (lammpsShearCurve, one folder per batch in
 * `dir`), continuing from the last minimum of the batch before; between
 * batches we classify the steps with our detection (isPlasticStep: a stress
 * drop with a non-affine rearrangement larger than minDisplacement) and
 * record events with plasticEventAt, stopping at `maxEvents`. Drops are not
 * sheared back: there is no reversibility check (every drop with a
 * rearrangement counts). The result is our AqsResult, the steps after the
 * last event dropped (as aqsShear stops there).
 */
export async function lammpsAqs(job: AqsJob, launch: LammpsLaunch, dir: string, hooks: { signal?: AbortSignal; onStep?: (s: AqsStep) => void } = {}): Promise<AqsResult> {
  const t0 = performance.now();
  const total = Math.round(job.maxStrain / job.strainStep);
  const batch = job.batch ?? 50;
  const det = resolveDetection(job.start, job.detection);
  const typeMasses: number[] = [...job.potential.typeMasses];
  for (let i = 0; i < job.start.n; i++) typeMasses[job.start.types[i]] = job.start.masses[i];
  const steps: AqsStep[] = [];
  const events: PlasticEvent[] = [];
  const reversibleDrops: ReversibleDrop[] = [];
  let start: System | undefined, prevSys: System | undefined, cur = job.start;
  let stopReason: AqsResult['stopReason'] = 'maxStrain';
  let done = 0, b = 0, xyBase = 0;
  const ly = job.start.box.lengths[1];
  while (done < total && stopReason === 'maxStrain') {
    const nb = Math.min(batch, total - done);
    const r = await lammpsShearCurve({ ...job, start: cur, steps: nb }, launch, join(dir, `batch-${b++}`), { signal: hooks.signal });
    if (r.aborted) { stopReason = 'aborted'; break; }
    let j = 0;
    for await (const f of readDumpFrames(r.minima, { dim: job.start.dim, typeMasses })) {
      const sys = createSystem({ box: f.box, positions: f.positions, types: f.types, masses: f.masses, ids: f.ids });
      const c = r.steps[j];
      if (j === 0) {
        if (steps.length === 0) {
          start = sys;
          xyBase = f.box.xy;
          const s0: AqsStep = { step: 0, strain: 0, stress: c.stress, energy: c.energy, maxForce: NaN, iterations: 0 };
          steps.push(s0);
          hooks.onStep?.(s0);
          prevSys = sys;
        }
        j++;
        continue;
      }
      const step: AqsStep = { step: done + j, strain: (f.box.xy - xyBase) / ly, stress: c.stress, energy: c.energy, maxForce: NaN, iterations: 0 };
      const prev = steps[steps.length - 1];
      steps.push(step);
      hooks.onStep?.(step);
      const u = nonAffineDisplacement(prevSys!, sys);
      if (isPlasticStep(prev.stress, step.stress, largestDisplacement(u, sys.dim).norm, det)) {
        const back = job.checkReversibility === false ? undefined : await shearedBack(job, sys, prevSys!, launch, join(dir, `back-${step.step}`), hooks.signal);
        if (back === 'aborted') { stopReason = 'aborted'; break; }
        if (back !== undefined && sameMinimum(prevSys!, back, det.minDisplacement)) {
          reversibleDrops.push({ step: step.step, strainAfter: step.strain, stressBefore: prev.stress, stressAfter: step.stress });
        } else {
          events.push(plasticEventAt(events.length + 1, prev, step, prevSys!, sys, start!));
        }
      }
      prevSys = sys;
      j++;
      if (events.length >= job.maxEvents) { stopReason = 'events'; break; }
    }
    if (stopReason === 'aborted') break;
    done += nb;
    cur = prevSys!;
  }
  return makeAqsResult({
    dim: job.start.dim, n: job.start.n, strainStep: job.strainStep, steps, events, reversibleDrops,
    start: start ?? job.start, final: prevSys ?? job.start, stopReason, flips: 0, iterations: 0, elapsedMs: performance.now() - t0,
  });
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
  const typeMasses: number[] = [...job.potential.typeMasses];
  let last: System | undefined;
  for await (const f of readDumpFrames(r.minima, { dim: after.dim, typeMasses })) last = createSystem({ box: f.box, positions: f.positions, types: f.types, masses: f.masses, ids: f.ids });
  return last!;
}
