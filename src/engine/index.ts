/**
 * Engines that run an MD job described once (`MdJob`): the LAMMPS engine
 * (input deck, `lmp` / `mpirun` / a launcher, thermo streamed, results read
 * back) and the model lines LAMMPS needs for each glasslab model.
 */
export type { MdEngine, MdEngineHooks, MdEngineResult, MdJob } from './engine.ts';
export { lammpsModel, pairTable, TABLE_INNER_ENERGY, type DeckFile, type LammpsModel, type LammpsModelOptions } from './lammps-model.ts';
export { runLammpsDeck, lammpsArgv, lastErrorLine, splitCommandLine, KILL_GRACE_MS, type LammpsLaunch, type LammpsRunHooks, type LammpsRunResult } from './lammps-process.ts';
export { LammpsEngine, LammpsThermoReader, lammpsMdDeck, writeLammpsMd, DECK, FINAL_DUMP } from './lammps-md.ts';
export { deckSetup, lammpsPath, typeMassesOf, writeDeck, ThermoBlockReader, START_DATA, type DeckSetup } from './lammps-deck.ts';
export { GlasslabEngine, type GlasslabMdJob, type GlasslabMdResult } from './glasslab-engine.ts';
export {
  lammpsMinimize, lammpsMinimizeDeck, minimizeReadBack, readMinimizeResult, MinimizeLogReader, MIN_DECK, MIN_FINAL,
  type MinimizeJob, type MinimizeHooks, type MinimizeReadBack,
} from './lammps-minimize.ts';
export {
  AqsMinima, aqsLine, lammpsAqs, lammpsShearCurve, lammpsShearDeck, readShearRun, shearBackDump, shearJobDeck, SHEAR_DECK, SHEAR_MINIMA,
  type AqsJob, type ShearJob, type ShearCurveStep, type ShearReadBack,
} from './lammps-shear.ts';
export { mdReadBack, MdLogReader, type MdReadBack } from './lammps-md.ts';
export {
  checkSlurmOptions, memberFolder, onPath, readJobManifest, shellWord, slurmScript, submitSlurm, writeJobFolder, writeMdJobFolder, writeMinimizeJobFolder,
  writeShearJobFolder, writeSlurmScript, JOB_LOG, JOB_MANIFEST, JOB_SCRIPT,
  type JobManifest, type MdJobManifest, type MinimizeJobManifest, type ShearJobManifest, type SlurmOptions,
} from './lammps-job.ts';
export { collectLammpsJob, totalWallTime, type CollectedJob, type CollectedMember, type MemberState } from './lammps-collect.ts';
export { isLammpsRestart, readRestartHeader, readRestartState, RESTART_MAGIC, type RestartHeader } from './lammps-restart.ts';
