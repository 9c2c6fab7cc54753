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
export * from './plastic-events.ts';
export * from './predictive-power.ts';
export * from './structure.ts';
export * from './caging-potential.ts';
export * from './local-softness.ts';
export * from './softness-statistics.ts';
