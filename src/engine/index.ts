/**
 * Engines that run an MD job described once: the model lines LAMMPS needs
 * for each glasslab model.
 */
export { lammpsModel, pairTable, TABLE_INNER_ENERGY, type DeckFile, type LammpsModel, type LammpsModelOptions } from './lammps-model.ts';
