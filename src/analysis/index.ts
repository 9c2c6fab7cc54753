/**
 * Structural and dynamical indicators of glasses, one module per indicator
 * (DESIGN.md: analyses are pure functions with typed results). Imported in
 * notebooks as 'glasslab/analysis' and re-exported by the package entry.
 */
export * from './fft.ts';
export * from './vdos.ts';
export * from './vdos-spectra.ts';
export * from './vdos-stream.ts';
export * from './vdos-dm.ts';
export * from './vdos-ldwf.ts';
export * from './vdos-vacf.ts';
export * from './correlation.ts';
export * from './lte.ts';
export * from './lte-inverse.ts';
export * from './lte-pair.ts';
export * from './lte-md.ts';
export * from './lte-stats.ts';
export * from './lte-field.ts';
export * from './frames.ts';
export * from './dynamics.ts';
export * from './phop.ts';
export * from './frame-source.ts';
export * from './first-shell.ts';
export * from './inherent-structures.ts';
export * from './isoconfigurational.ts';
export * from './atomic-stress.ts';
export * from './hungarian.ts';
export * from './cluster-alignment.ts';
export * from './cliques.ts';
export * from './local-order.ts';
export * from './plastic-events.ts';
export * from './predictive-power.ts';
export * from './structure.ts';
export * from './caging-potential.ts';
export * from './local-softness.ts';
export * from './softness-statistics.ts';
