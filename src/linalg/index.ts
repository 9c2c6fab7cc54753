/** f64 numeric core: dense symmetric eigensolver, Lanczos, normal modes and their analysis. */
export { symmetricEigen, tridiagonalize, type SymmetricEigenOptions, type SymmetricEigenResult } from './dense-eigen.ts';
export { tridiagonalQL } from './tridiagonal-ql.ts';
export { lanczosLowest, type LanczosOptions, type LanczosResult, type MatVec } from './lanczos.ts';
export { factoredMatVec, type FactoredHessian } from './factored-hessian.ts';
export { allModes, denseModes, lowestModes, lowModeParticipation, translationModes, type AllModesOptions, type LowestModes, type LowestModesOptions, type LowModeParticipationOptions, type NormalModes } from './normal-modes.ts';
export { modeCountForFraction, participationFraction, participationRatio, vdosHistogram, type Histogram, type ModeSet, type VdosOptions } from './mode-analysis.ts';
export { kpmMoments, kpmCumulative, kpmDensity, jackson, type KpmMoments, type KpmOptions } from './kpm.ts';
export { kpmVdos, type KpmVdosOptions } from './normal-modes.ts';
export { tridiagonalEigenDC, type TridiagonalEigen } from './tridiagonal-dc.ts';
export { gemm, type MatrixView } from './gemm.ts';
export { filteredLanczosLowest, type FilteredLanczosOptions, type FilteredLanczosResult } from './filtered-lanczos.ts';
export { spectralUpperBound } from './lanczos.ts';
export { csrMatVec, csrToDense, hessianToCsr, type SymmetricCsr } from './sparse-matrix.ts';
export { expandAtomOrder, hessianAtomGraph, nestedDissectionOrder, type Graph, type NestedDissectionOptions } from './sparse-ordering.ts';
export { ldltFactor, ldltSolve, ldltSymbolic, type LdltFactor, type LdltOptions, type LdltSymbolic } from './sparse-ldlt.ts';
export { selectedEntry, selectedInverse, type SelectedInverse } from './selected-inverse.ts';
export { supernodalEntry, supernodalFactor, supernodalSelectedInverse, supernodalSolve, type DenseKernelOptions, type SupernodalFactor, type SupernodalOptions } from './sparse-supernodal.ts';
