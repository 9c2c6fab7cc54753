/**
 * Interatomic potentials: analytic pair potentials (Kob-Andersen LJ, smoothed
 * IPL), Finnis-Sinclair EAM read from LAMMPS setfl files, cutoff wrappers and
 * the registry of named models.
 */
export { D2PHI, D3PHI, DPHI, type EamPotential, type PairPotential, PHI, type Potential } from './types.ts';
export { RadialPairPotential, type RadialFunction, type PairEntry, type RadialPairPotentialInit } from './radial.ts';
export { truncateAndShift, shiftForce, applyCutoff, type CutoffScheme } from './cutoff.ts';
export { lennardJones, createLjMixture, type LjPairTable, type LjPotential, type LjMixtureSpec } from './lennard-jones.ts';
export { createKobAndersen, KA_DEFAULTS, KA_CUTOFF_SIGMA } from './ka.ts';
export { createIpl, smoothingCoefficients, iplRadial, IPL_DEFAULTS, type IplOptions, type IplPotential, type IplPairTable } from './ipl.ts';
export { pairTableOf, type PairTable } from './pair-table.ts';
export { parseFsFile, parseSetfl, setflFormat, loadEamFs, loadEam, EamFsPotential, type SetflFormat, type FsFile, type EamTable, type EamFsOptions } from './eam-fs.ts';
export { lammpsSpline, evalLammpsSpline, type LammpsSpline } from './lammps-spline.ts';
export { findPotentialFile, SYSTEM_POTENTIAL_DIR, type PotentialFileOptions } from './potential-file.ts';
export type { ModelDefaults } from './model-defaults.ts';
export { getPotential, potentialNames, describePotential, modelDefaults, CUZR_FILE, type GetPotentialOptions } from './registry.ts';
export { potentialFingerprint } from './fingerprint.ts';
