/**
 * The engine interface: one MD job, described once in engine-neutral terms
 * (model, start, ensemble, timestep, steps, outputs), run by the embedded
 * engine or by LAMMPS. Like ASE's FileIOCalculator, an external engine
 * writes its input, runs, and reads its results back; the caller sees the
 * same thermo rows (`ThermoRow`, the columns of `md --thermo-csv`), the same
 * dump columns and the final configuration either way.
 */
import type { Integrator } from '../md/integrator.ts';
import type { ThermoRow } from '../md/observers.ts';
import type { Potential } from '../potential/types.ts';
import type { System } from '../system/system.ts';
import type { Units } from '../util/units.ts';

/** An MD run in engine-neutral terms. */
export interface MdJob {
  potential: Potential;
  units: Units;
  /** the start: positions, types, masses and velocities (velocities required) */
  start: System;
  /**
   * The ensemble as our integrator: its `name` ('nve', 'nvt', 'npt') and
   * `params` (Tstart, Tstop, Tdamp, tchain, tloop; Pstart, Pstop, Pdamp,
   * pchain, ploop, barostat) are what an external engine translates
   * (LAMMPS `fix nve|nvt|npt` takes the same parameters).
   */
  integrator: Integrator;
  /** timestep (time unit of `units`) */
  dt: number;
  steps: number;
  /** thermo row every this many steps; 0: first and last only (LAMMPS `thermo 0`) */
  thermoEvery: number;
  /** Verlet-list skin (length unit); default 0.3 (lj), 1.0 (metal) */
  skin?: number;
  /** trajectory dump: `id type xu yu [zu]` (+ `vx vy [vz]`) every `every` steps, frame 0 included; gzip for `.gz` */
  dump?: { path: string; every: number; velocities?: boolean };
  /** restart/checkpoint file written every `every` steps and at the end */
  checkpoint?: { path: string; every: number };
  /**
   * LAMMPS: continue from this restart file (its atoms, step and thermostat
   * state) instead of writing `start`, which is then the state it holds
   * (readRestartState); the dump is appended to
   */
  restart?: string;
}

export interface MdEngineHooks {
  signal?: AbortSignal;
  onThermo?: (row: ThermoRow) => void;
  /** steps done of `total` */
  onProgress?: (done: number, total: number) => void;
}

export interface MdEngineResult {
  /** the thermo rows, as the embedded engine makes them */
  thermo: ThermoRow[];
  /** final configuration with velocities (undefined when stopped) */
  final?: System;
  /** last step reached */
  step: number;
  aborted: boolean;
  wallSeconds: number;
}

/** An MD engine: runs one job, reports thermo rows as they come. */
export interface MdEngine {
  readonly name: string;
  md(job: MdJob, hooks?: MdEngineHooks): Promise<MdEngineResult>;
}
