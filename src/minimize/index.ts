/** Energy minimisation: public API of src/minimize. */
export {
  minimize, minimizeAsync, minimizeInit, minimizeStep,
  type MinimizeOptions, type MinimizeAsyncOptions, type MinimizeResult, type MinimizeMethod, type MinimizerState,
} from './minimize.ts';
export { fire, fireInit, fireStep, FIRE2, FIRE_2006, resolveFire, type FireParams, type FireState } from './fire.ts';
export { conjugateGradient, cgInit, cgStep, CG_DEFAULTS, type CgParams, type CgState } from './cg.ts';
export { maxAtomForce, type MinimizeProgress, type StageResult, type StopRules } from './common.ts';
