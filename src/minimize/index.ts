/** Energy minimisation: public API of src/minimize. */
export { minimize, type MinimizeOptions, type MinimizeResult, type MinimizeMethod } from './minimize.ts';
export { fire, FIRE2, FIRE_2006, resolveFire, type FireParams } from './fire.ts';
export { conjugateGradient, CG_DEFAULTS, type CgParams } from './cg.ts';
export { maxAtomForce, type MinimizeProgress, type StageResult, type StopRules } from './common.ts';
