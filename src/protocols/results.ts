/**
 * loadResult: a saved analysis result (its toJSON form, or the JSON text of
 * it) -> the result, with its summary(), table() and figure() back. It sits
 * here, on the level of the protocols, because it names every kind of
 * result: those of src/analysis and those of the protocols (AQS, ...).
 *
 *   writeFileSync('vdos.json', JSON.stringify(r));        // any AnalysisResult
 *   const again = loadResult(readFileSync('vdos.json', 'utf8'));
 */
import { loadSelfDynamicsResult } from '../analysis/dynamics/dynamics.ts';
import { loadPhopAnalysis } from '../analysis/dynamics/phop-analysis.ts';
import { loadPhopResult } from '../analysis/dynamics/phop.ts';
import { loadLteAnalysis } from '../analysis/lte/analysis.ts';
import { loadLocalRdf, loadLocalSoftnessResult } from '../analysis/softness/local-softness.ts';
import { loadCagingSoftnessResult } from '../analysis/softness/softness-analysis.ts';
import { loadArrheniusAnalysis, loadRearrangementStatistics } from '../analysis/softness/statistics.ts';
import { loadPartialRdf, loadPartialStructureFactor } from '../analysis/structure/structure.ts';
import { loadEnergyAnalysis } from '../analysis/structure/energy.ts';
import { loadBinnedCorrelation } from '../analysis/statistics/binned.ts';
import { loadSpatialAutocorrelation } from '../analysis/statistics/spatial.ts';
import { loadSlabMap } from '../analysis/statistics/slab.ts';
import { loadIndicatorScores } from '../analysis/statistics/roc.ts';
import { loadVoronoiResult } from '../analysis/structure/voronoi.ts';
import { loadDescriptorsResult } from '../analysis/descriptors/descriptors.ts';
import { loadVdosAnalysis } from '../analysis/vdos/analysis.ts';
import { loadNormalModeAnalysis } from '../analysis/vdos/normal-modes.ts';
import type { AnalysisResult } from '../plot/result.ts';
import { loadPredictivePowerResult } from '../analysis/plastic/predictive-power.ts';
import { loadAqsResult } from './aqs.ts';
import { loadIsoconfigurationalResult } from './isoconfigurational.ts';
import { loadLteDynamicsResult } from './lte-validation.ts';
import { loadInherentStructureTrack } from './inherent-structures.ts';
import { loadQuenchResult } from './quench.ts';
import { loadArtnCampaignResult } from './artn-campaign.ts';

const LOADERS: Record<string, (json: unknown) => AnalysisResult> = {
  vdos: loadVdosAnalysis,
  'self-dynamics': loadSelfDynamicsResult,
  phop: loadPhopAnalysis,
  'phop-values': loadPhopResult,
  'caging-softness': loadCagingSoftnessResult,
  'local-softness': loadLocalSoftnessResult,
  'local-rdf': loadLocalRdf,
  'rearrangement-statistics': loadRearrangementStatistics,
  arrhenius: loadArrheniusAnalysis,
  lte: loadLteAnalysis,
  modes: loadNormalModeAnalysis,
  rdf: loadPartialRdf,
  'structure-factor': loadPartialStructureFactor,
  energy: loadEnergyAnalysis,
  'binned-correlation': loadBinnedCorrelation,
  'spatial-autocorrelation': loadSpatialAutocorrelation,
  'slab-map': loadSlabMap,
  'indicator-scores': loadIndicatorScores,
  voronoi: loadVoronoiResult,
  descriptors: loadDescriptorsResult,
  aqs: loadAqsResult,
  'inherent-structures': loadInherentStructureTrack,
  isoconfigurational: loadIsoconfigurationalResult,
  'lte-dynamics': loadLteDynamicsResult,
  'predictive-power': loadPredictivePowerResult,
  quench: loadQuenchResult,
  artn: loadArtnCampaignResult,
};

/** The kinds of result loadResult rebuilds. */
export const RESULT_KINDS: readonly string[] = Object.keys(LOADERS);

/** A result from its toJSON form (an object, or JSON text). */
export function loadResult(json: unknown): AnalysisResult {
  const j = typeof json === 'string' ? JSON.parse(json) as unknown : json;
  const kind = (j as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string') throw new Error('loadResult: not a saved result (no kind); save one with JSON.stringify(result)');
  const load = LOADERS[kind];
  if (!load) throw new Error(`loadResult: unknown result kind '${kind}' (known: ${RESULT_KINDS.join(', ')})`);
  return load(j);
}
