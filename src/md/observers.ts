/**
 * Observers of the MD run loop: the thermo log (LAMMPS `thermo`) and a dump
 * observer that hands frames to any writer callback (the LAMMPS dump writer
 * of src/io plugs in through `MdFrameWriter`, a one-method interface).
 */
import type { System } from '../system/system.ts';
import type { Integrator } from './integrator.ts';
import { pressureTensor, twiceKinetic, type MdState } from './state.ts';

export interface Observer {
  /** observe every `every` steps (state.step % every === 0), plus the first and last step of a run */
  readonly every: number;
  /** the observer reads per-atom energies/virials: forces on its steps are computed with peratom */
  readonly peratom?: boolean;
  observe(state: MdState, integrator: Integrator): void;
}

/** One row of the thermo log. Energies in the energy unit, P in the pressure unit. */
export interface ThermoRow {
  step: number;
  time: number;
  /** temperature 2K / (d(N-1) kB) */
  T: number;
  /** pressure (2K + tr W) / (d V), pressure unit */
  P: number;
  PE: number;
  KE: number;
  Etot: number;
  /** conserved quantity of the integrator (Etot plus extended-system energy) */
  conserved: number;
  /** volume (area in 2D) */
  volume: number;
  /** pressure tensor (kinetic + virial) / V: xx, yy, zz, xy, xz, yz (3D) or xx, yy, xy (2D) */
  pressureTensor: number[];
  /** cell edge lengths lx, ly[, lz] (length unit) */
  lengths: number[];
  /** cell tilts xy, xz, yz (3D) or xy (2D) (length unit; LAMMPS restricted triclinic) */
  tilts: number[];
}

/** Thermodynamic row of the current state. */
export function thermoRow(state: MdState, integrator: Integrator): ThermoRow {
  const twoK = twiceKinetic(state);
  const KE = 0.5 * twoK;
  const { sys, units } = state;
  const V = sys.box.volume;
  const ptensor = pressureTensor(state);
  let tr = 0;
  for (let k = 0; k < sys.dim; k++) tr += ptensor[k];
  return {
    step: state.step,
    time: state.time,
    T: twoK / (state.dof * units.kB),
    P: tr / sys.dim,
    PE: state.force.energy,
    KE,
    Etot: state.force.energy + KE,
    conserved: integrator.conserved(state),
    volume: V,
    pressureTensor: Array.from(ptensor),
    lengths: Array.from(sys.box.lengths),
    tilts: sys.dim === 3 ? [sys.box.xy, sys.box.xz, sys.box.yz] : [sys.box.xy],
  };
}

/** Thermo observer collecting rows (and passing each to `onRow` if given). */
export function thermoObserver(every: number, onRow?: (row: ThermoRow) => void): Observer & { rows: ThermoRow[] } {
  checkEvery('thermoObserver', every);
  const rows: ThermoRow[] = [];
  return {
    every,
    rows,
    observe(state, integrator) {
      const row = thermoRow(state, integrator);
      rows.push(row);
      onRow?.(row);
    },
  };
}

/** A frame handed to a dump writer. Arrays are live views of the running state: copy what you keep. */
export interface MdFrame {
  step: number;
  time: number;
  system: System;
  forces: Float64Array;
  /** present when the dump observer was created with `peratom: true` */
  peratomEnergy?: Float64Array;
  peratomVirial?: Float64Array;
}

/** Anything that writes frames (e.g. a LAMMPS dump writer from src/io). */
export type MdFrameWriter = (frame: MdFrame) => void;

/** Dump observer: calls `write` every `every` steps. */
export function dumpObserver(every: number, write: MdFrameWriter, opts: { peratom?: boolean } = {}): Observer {
  checkEvery('dumpObserver', every);
  const peratom = opts.peratom ?? false;
  return {
    every,
    peratom,
    observe(state) {
      const f = state.force;
      if (peratom && !f.peratomEnergy) {
        throw new Error(`md/dumpObserver: per-atom energies missing at step ${state.step}; the force provider ignored { peratom: true }`);
      }
      const frame: MdFrame = { step: state.step, time: state.time, system: state.sys, forces: f.forces };
      if (peratom) {
        frame.peratomEnergy = f.peratomEnergy;
        if (f.peratomVirial) frame.peratomVirial = f.peratomVirial;
      }
      write(frame);
    },
  };
}

function checkEvery(who: string, every: number): void {
  if (!Number.isInteger(every) || every < 1) throw new Error(`md/${who}: 'every' must be an integer >= 1, got ${every}`);
}
