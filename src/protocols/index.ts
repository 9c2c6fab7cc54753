/**
 * Protocols: workflows that drive the engine (MD, minimisation, deformation)
 * and call indicators on what it produces (importable as 'glasslab/protocols').
 */
export {
  aqsShear, aqsShearAsync, aqsInit, aqsStep, aqsResult, applyShear, shearStress, stressStrainFigure, makeAqsResult, loadAqsResult,
  type AqsData, type AqsOptions, type AqsAsyncOptions, type AqsState, type AqsResult, type AqsStep, type PlasticEvent, type ReversibleDrop,
} from './aqs.ts';
export * from './inherent-structures.ts';
export * from './isoconfigurational.ts';
export * from './lte-validation.ts';
export { loadResult, RESULT_KINDS } from './results.ts';
