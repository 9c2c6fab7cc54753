/** Molecular dynamics: public API of src/md. */
export { LJ_UNITS, METAL_UNITS, getUnits, type Units, type UnitsName } from '../util/units.ts';
export { Rng, type RngState } from '../util/random.ts';
export {
  initVelocities, kineticEnergy, temperature, kineticTensor, totalMomentum, removeMomentum,
  rescaleToTemperature, degreesOfFreedom,
} from './velocities.ts';
export { type MdState, type ModelIdentity, type StateOptions, pressureTensor } from './state.ts';
export type { Integrator, StepOptions, Targets } from './integrator.ts';
export { nve } from './nve.ts';
export { nvt, npt, type NvtOptions, type NptOptions } from './nose-hoover-integrator.ts';
export { thermoRow, thermoObserver, dumpObserver, type Observer, type ThermoRow, type MdFrame, type MdFrameWriter } from './observers.ts';
export { runMd, MdBlowUpError, type RunOptions, type RunResult, type Progress } from './run.ts';
export { saveCheckpoint, loadCheckpoint, type CheckpointHeader } from './checkpoint.ts';
export { estimateMdMemory, type MdMemoryInput, type MdMemoryEstimate } from './memory.ts';
export { THERMO_COLUMNS, thermoColumns, thermoValues, thermoCsv } from './thermo-table.ts';
