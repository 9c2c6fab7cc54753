/**
 * glasslab public API: everything a notebook or script imports from 'glasslab'
 * (each folder is also importable on its own, 'glasslab/analysis' ...).
 * The layers are described in ARCHITECTURE.md.
 */
export { SCALES, sizesAt, type BySize, type Scale } from './util/scale.ts';
export { Box, type BoxInit, type Dim } from './system/box.ts';
export {
  createSystem, cloneSystem, selectAtoms, unwrappedPositions, typeCount, numberDensity,
  type System, type SystemInit,
} from './system/system.ts';
export { randomConfiguration, type RandomConfigOptions } from './system/random-config.ts';
export * from './io/index.ts';
export * from './potential/index.ts';
export { buildNeighborList, NeighborListManager, needsRebuild } from './neighbor/neighbor-list.ts';
export type { NeighborList } from './neighbor/types.ts';
export type { ForceResult, ForceOptions, ForceProvider } from './core/types.ts';
export { createForceProvider, createForceProviderAsync } from './core/force-provider.ts';
export { computeForcesF64 } from './core/forces-f64.ts';
export { checkConfiguration, checkInputAgainstModel, modelDimension } from './core/check-configuration.ts';
export { assembleHessian, factoredHessian, hessianMatVec, hessianPairs, toDense, type FactoredHessian, type FactoredHessianOptions, type HessianOperator, type SparseHessian } from './core/hessian.ts';
export { factorHessian, greenBlock, hessianInverseBlocks, pinnedSolve, projectTranslations, pseudoInverseSolve, relativeCompliance, type GreenBlocks, type HessianFactorOptions, type PinnedHessianFactor } from './core/hessian-inverse.ts';
export { resolveBackend, availableBackends } from './core/backend.ts';
export * from './md/index.ts';
export * from './minimize/index.ts';
export * from './plot/index.ts';
export * from './display/index.ts';
export * from './engine/index.ts';
export * from './analysis/index.ts';
export * from './protocols/index.ts';
