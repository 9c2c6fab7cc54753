/**
 * Protocols: workflows that drive the engine (MD, minimisation, deformation)
 * and call indicators on what it produces (importable as 'glasslab/protocols').
 */
export {
  aqsShear, aqsShearAsync, aqsInit, aqsStep, aqsResult, applyShear, shearStress, stressStrainFigure, makeAqsResult, loadAqsResult, plasticEventAt,
  type AqsData, type AqsOptions, type AqsAsyncOptions, type AqsState, type AqsResult, type AqsStep, type PlasticEvent, type ReversibleDrop,
} from './aqs.ts';
export { inherentEnergyHops, inherentStructureFigures, type InherentStructureOptions,
  type InherentStructureProgress, type InherentStructureTrack, loadInherentStructureTrack,
  makeInherentStructureTrack, trackInherentStructures } from './inherent-structures.ts';
export { isoconfigurationalEnsemble, type IsoconfigurationalOptions, type IsoconfigurationalResult,
  loadIsoconfigurationalResult, makeIsoconfigurationalResult } from './isoconfigurational.ts';
export { loadLteDynamicsResult, lteByDynamics, type LteDynamicsOptions, type LteDynamicsResult,
  makeLteDynamicsResult } from './lte-validation.ts';
export { GRAMS_PER_CM3, loadQuenchResult, makeQuenchResult, quenchGlass, type QuenchBarostat, type QuenchData, type QuenchOptions,
  type QuenchProgress, type QuenchResult, type QuenchStage } from './quench.ts';
export { ArtnAbortedError, ARTN_DEFAULTS, ARTN_OUTCOMES, artnEvent, eventSeed, hessianLowest, maxAtomDisplacement, resolveArtnParams,
  type ArtnEvent, type ArtnEventOptions, type ArtnForceNorm, type ArtnOutcome, type ArtnParams, type ArtnStep, type HessianLowestOptions } from './artn.ts';
export { artnCampaign, loadArtnCampaignResult, makeArtnCampaignResult, type ArtnAtomBarriers, type ArtnCampaignData,
  type ArtnCampaignOptions, type ArtnCampaignProgress, type ArtnCampaignResult } from './artn-campaign.ts';
export { liveArtnWorkers, type ArtnWorkerModel } from './artn-pool.ts';
export { loadResult, RESULT_KINDS } from './results.ts';
