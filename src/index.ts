/**
 * glasslab public API: everything a notebook or script imports from 'glasslab'.
 *
 * Layers (see ../shared/DESIGN.md): system (Box, System, Trajectory) -> io
 * (LAMMPS dump/data, extended XYZ) -> potential (KA, IPL, EAM) -> neighbor
 * lists -> core (f64 forces, gpu.js kernels, Hessian) -> md / minimize ->
 * plot (Plotly figures, MIME bundles).
 */
export { Box, type BoxInit, type Dim } from './system/box.ts';
export {
  createSystem, cloneSystem, unwrappedPositions, typeCount, numberDensity,
  type System, type SystemInit,
} from './system/system.ts';
export * from './io/index.ts';
export * from './potential/index.ts';
export { buildNeighborList, NeighborListManager, needsRebuild } from './neighbor/neighbor-list.ts';
export type { NeighborList } from './neighbor/types.ts';
export type { ForceResult, ForceOptions, ForceProvider } from './core/types.ts';
export { createForceProvider, createForceProviderAsync } from './core/force-provider.ts';
export { computeForcesF64 } from './core/forces-f64.ts';
export { checkConfiguration } from './core/check-configuration.ts';
export { assembleHessian, hessianMatVec, hessianPairs, toDense, type SparseHessian } from './core/hessian.ts';
export { resolveBackend, availableBackends } from './core/backend.ts';
export * from './md/index.ts';
export * from './minimize/index.ts';
export * from './plot/index.ts';
export * from './analysis/index.ts';
