/**
 * Protocols: workflows that drive the engine (MD, minimisation, deformation)
 * and call indicators on what it produces (importable as 'glasslab/protocols').
 */
export { aqsShear, applyShear, shearStress, stressStrainFigure, type AqsOptions, type AqsResult, type AqsStep, type PlasticEvent, type ReversibleDrop } from './aqs.ts';
export * from './inherent-structures.ts';
export * from './isoconfigurational.ts';
export * from './lte-validation.ts';
