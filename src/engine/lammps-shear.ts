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
import type { Potential } from '../potential/types.ts';
import type { System } from '../system/system.ts';
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
