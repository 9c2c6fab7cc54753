/**
 * Structural and dynamical indicators of glasses, one folder per family
 * (ARCHITECTURE.md: analyses are pure functions with typed results). Imported in
 * notebooks as 'glasslab/analysis' and re-exported by the package entry.
 */
export * from '../numeric/fft.ts';
export * from './vdos/vdos.ts';
export * from './vdos/spectra.ts';
export * from './vdos/stream.ts';
export * from './vdos/dynamical-matrix.ts';
export * from './vdos/ldwf.ts';
export * from './vdos/vacf.ts';
export * from './vdos/figures.ts';
export * from './vdos/analysis.ts';
export * from './vdos/normal-modes.ts';
export * from '../numeric/correlation.ts';
export * from './lte/lte.ts';
export * from './lte/inverse.ts';
export * from './lte/pair.ts';
export * from './lte/stats.ts';
export * from './lte/field.ts';
export * from './lte/figures.ts';
export * from './lte/analysis.ts';
export * from './dynamics/frames.ts';
export * from './dynamics/dynamics.ts';
export * from './dynamics/phop.ts';
export * from './dynamics/phop-analysis.ts';
export * from '../system/frame-source.ts';
export * from './structure/first-shell.ts';
export * from './structure/atomic-stress.ts';
export * from '../numeric/hungarian.ts';
export * from './structure/cluster-alignment.ts';
export * from './structure/cliques.ts';
export * from './structure/local-order.ts';
export * from './plastic/plastic-events.ts';
export * from './plastic/predictive-power.ts';
export * from './structure/structure.ts';
export * from './structure/energy.ts';
export * from './softness/caging-potential.ts';
export * from './softness/local-softness.ts';
export * from './softness/softness-analysis.ts';
export * from './softness/statistics.ts';
