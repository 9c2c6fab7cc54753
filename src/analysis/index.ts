/**
 * Structural and dynamical indicators of glasses, one folder per family
 * (ARCHITECTURE.md: analyses are pure functions with typed results). Imported in
 * notebooks as 'glasslab/analysis' and re-exported by the package entry.
 */
export { FftPlan, nextPowerOfTwo, RealFftPlan } from '../numeric/fft.ts';
export { bandLabel, keptAtomSpectrum, type MdVdosOptions, type MdVdosResult, type VdosBand,
  vdosFromDump, vdosFromFrames, vdosFromSource, vdosFromVelocities, vdosGroupSpectrum, vdosSoftness,
  type VdosUnits } from './vdos/vdos.ts';
export { spectrumArea, VDOS_NORMALIZATIONS, VDOS_WINDOWS, VdosAccumulator, type VdosAccumulatorSpec,
  vdosFrequencies, type VdosNormalization, vdosTaper, type VdosTransformSpec, type VdosWindow } from './vdos/spectra.ts';
export { type ArrayVelocityOptions, arrayVelocitySource, type DumpVelocityOptions,
  dumpVelocitySource, frameVelocitySource, requireVelocityColumns, type VdosProgress,
  type VelocitySource } from './vdos/stream.ts';
export { bosonPeak, dmVdos, type DmVdos, type DmVdosOptions, reducedVdos, spectrumUnitArea,
  spectrumUnitMax } from './vdos/dynamical-matrix.ts';
export { type LdwfReference, localDebyeWaller, LocalDebyeWallerAccumulator,
  localDebyeWallerFromDump, localDebyeWallerFromFrames, softnessCorrelationCurve } from './vdos/ldwf.ts';
export { vacfFromSource, vacfFromVelocities, type VacfOptions, type VacfResult } from './vdos/vacf.ts';
export { atomSpectraFigure, softnessMapFigure, vdosSpectrumFigure } from './vdos/figures.ts';
export { dmVdosOnBins, spectrumOnBins, spectrumTop, type SpectrumTop, trapezoid } from './vdos/on-bins.ts';
export { loadVdosAnalysis, makeVdosAnalysis, vdosAnalysis, type VdosAnalysis, type VdosAnalysisData,
  type VdosAnalysisOptions, type VdosScale } from './vdos/analysis.ts';
export { loadNormalModeAnalysis, normalModeAnalysis, type NormalModeAnalysis,
  type NormalModeAnalysisData, type NormalModeAnalysisOptions } from './vdos/normal-modes.ts';
export { participationFraction, type ParticipationFractionOptions,
  participationModeCount } from './vdos/participation.ts';
export { lowFrequencyDos, type LowFrequencyDos, type LowFrequencyDosOptions, planeWaveShells,
  type PlaneWaveShell } from './vdos/low-frequency.ts';
export { fieldRanks, maskField, pearsonCorrelation, spearmanCorrelation } from '../numeric/correlation.ts';
export { localThermalEnergy, lteBonds, type LteBonds, lteFromInverse, lteInverse, type LteOptions,
  type LteResult } from './lte/lte.ts';
export { denseLteInverse, type DenseLteInverseOptions, type LteInverse, sparseLteInverse } from './lte/inverse.ts';
export { lteStiffnessContraction, lteThirdContraction } from './lte/pair.ts';
export { lteDistribution, type LteDistribution, lteLogHistogram, type LteLogHistogram, lteTailExponentFromDos,
  lteTailFit, type LteTailFitOptions, type LteTailFitResult, lteTailByGlass, lteTailGlasses, lteTailScan,
  type LteTailScanRow } from './lte/stats.ts';
export { normalModeBondMap } from './lte/normal-mode-map.ts';
export { lteBinNeighbourhoods, type LteField, type LteFieldOptions, ltePerParticle, lteSoftnessField,
  type LteSoftSpot } from './lte/field.ts';
export { lteBondMapFigure, lteDisplacementFigure, lteDistributionFigure, lteDynamicsFigure,
  lteFieldFigure, type LteMapInput } from './lte/figures.ts';
export { loadLteAnalysis, lteAnalysis, type LteAnalysis, type LteAnalysisData,
  type LteAnalysisOptions } from './lte/analysis.ts';
export { type CollectOptions, collectPositions, formatBytes, framesFromArrays, type FramesInit, frameSystem, strideFrames,
  loadFrames, type LoadFramesOptions, positionsMatrixBytes, type TrajectoryFrames } from './dynamics/frames.ts';
export { alpha2Peak, type Alpha2Peak, type AtomSelection, besselJ0, binEdges, type BinSpec,
  firstCrossing, type LagOptions, lagPlan, type LagPlan, loadSelfDynamicsResult, logFrameLags,
  makeSelfDynamicsResult, msd, overlapBySoftness, selectionMask, selfDynamics, squaredDisplacements,
  type SelfDynamicsData, type SelfDynamicsOptions, type SelfDynamicsResult, type SelfDynamicsSeries,
  sinc, softnessAutocorrelation, softnessPropagator, type SoftnessPropagator } from './dynamics/dynamics.ts';
export { computePhop, type HopEvent, hopEvents, loadPhopResult, makePhopResult, type PhopOptions,
  type PhopResult, phopThreshold, phopWindowFrames } from './dynamics/phop.ts';
export { loadPhopAnalysis, phopAnalysis, type PhopAnalysis, type PhopAnalysisOptions } from './dynamics/phop-analysis.ts';
export { type AnalysisFrameSource, arrayFrames, type ArrayFramesOptions, AtomOrder, checkTimes,
  type FrameSource, type FrameTimeOptions, frameTimes, isLinearSpacing, toFrameSource } from '../system/frame-source.ts';
export { firstShellCutoff, firstShellCutoffs, type FirstShellCutoffs, nearestNeighbourDistance,
  rdfFirstPeak, rdfTroughs, type RdfTroughOptions, totalRdf } from './structure/first-shell.ts';
export { type CentredRdf, rdfAroundCentres } from './structure/centred-rdf.ts';
export { atomicStress, type AtomicStressOptions, type AtomicStressResult } from './structure/atomic-stress.ts';
export { AssignmentWorkspace, minCostAssignment } from '../numeric/hungarian.ts';
export { alignClusters, alignToTemplates, CLUSTER_TEMPLATE_NAMES, type ClusterAlignment,
  type ClusterAlignmentOptions, type ClusterExtractionOptions, type ClusterShape,
  clusterSimilarityMatrix, clusterTemplate, type ClusterTemplateName, extractFirstShellClusters,
  type FirstShellCluster, kabschRotation, normalizedClusterPositions, type SimilarityOptions,
  templateMatchFractions, type TemplateScores } from './structure/cluster-alignment.ts';
export { cliqueAnalysis, type CliqueAnalysis, type CliqueGraph, maximalCliques, similarityGraph,
  similarityMatrixFigure } from './structure/cliques.ts';
export { localOrderAnalysis, type LocalOrderGroup, type LocalOrderOptions, type LocalOrderResult,
  topAtomsByValue } from './structure/local-order.ts';
export { affineShearDisplacement, D2MIN_CUTOFF_FRACTION, d2minField, type D2minOptions,
  isPlasticStep, largestDisplacement, locatePlasticEvent, meanInterparticleDistance,
  nonAffineDisplacement, PLASTIC_MIN_DISPLACEMENT_FRACTION, type PlasticDetectionOptions,
  type PlasticEventLocation, resolveDetection, shearTiltChange } from './plastic/plastic-events.ts';
export { closestSpot, type ClosestSpot, defaultDeltaEpsilonGrid, empiricalCdfAt, eventPositionsOf,
  loadPredictivePowerResult, makePredictivePowerResult, predictivePower, predictivePowerFigure,
  type PredictivePowerOptions, predictivePowerRatio, type PredictivePowerRatio,
  predictivePowerRatioFigure, type PredictivePowerResult, randomPlacementBaseline, type SpotEventRealization } from './plastic/predictive-power.ts';
export { directCorrelationMatrix, type DirectCorrelationMatrix, type DirectStructureFactorOptions,
  invertSmallMatrix, loadPartialRdf, loadPartialStructureFactor, makePartialRdf,
  makePartialStructureFactor, partialRdf, type PartialRdf, PartialRdfAccumulator,
  type PartialRdfData, type PartialRdfOptions, type PartialStructureFactor,
  type PartialStructureFactorData, speciesCounts, speciesName, speciesPairIndex,
  structureFactorDirect, structureFactorFromRdf, type StructureFactorFromRdfOptions } from './structure/structure.ts';
export { EXCESS_ENTROPY_KERNEL_SIGMAS, excessEntropyGrid, excessEntropyRangeProblem, pairExcessEntropy,
  type PairExcessEntropyOptions } from './structure/excess-entropy.ts';
export { energyAnalysis, type EnergyAnalysis, type EnergyAnalysisData, loadEnergyAnalysis } from './structure/energy.ts';
export { binBounds, binnedCorrelation, type BinnedCorrelation, type BinnedCorrelationData,
  type BinnedCorrelationOptions, loadBinnedCorrelation } from './statistics/binned.ts';
export { type CorrelationLengthFit, fitCorrelationLength, loadSpatialAutocorrelation, neighbourMean, spatialAutocorrelation,
  type SpatialAutocorrelation, type SpatialAutocorrelationData, type SpatialAutocorrelationOptions } from './statistics/spatial.ts';
/** What `glasslab correlate` returns: a binned correlation, a spatial autocorrelation or a slab map. */
export type CorrelationResult = import('./statistics/binned.ts').BinnedCorrelation
  | import('./statistics/spatial.ts').SpatialAutocorrelation | import('./statistics/slab.ts').SlabMap;
export { binCentres, binIndex, binnedMeans, type Binning, binsForValues, histogramCounts, histogramDensity, logBins,
  uniformBins, unitMax } from './statistics/histogram.ts';
export { binomialError, blockBootstrap, type BlockBootstrap, type BlockBootstrapOptions, blockResample, bootstrap, type Bootstrap, gather, mean, quantile, standardDeviation, standardError,
  topIndices, valueAtNearest } from './statistics/descriptive.ts';
export { indicatorScores, type IndicatorScore, type IndicatorScores, type IndicatorScoresData, type IndicatorScoresOptions,
  loadIndicatorScores, makeIndicatorScores, rocCurve, type RocCurve, type RocOptions, topFractionHitRate } from './statistics/roc.ts';
export { type LinearFit, linearLeastSquares, logLogSlope, powerLawWindowFit, type PowerLawWindowFit,
  weightedLinearFit } from './statistics/fit.ts';
export { barrierSpectrumFigure, type BarrierSpectrumFigureOptions, exponentialRayleighDensity, exponentialRayleighFit,
  type ExponentialRayleighFit, type ExponentialRayleighOptions } from './statistics/barrier-spectrum.ts';
export { loadSlabMap, SLAB_KERNEL_CUTOFF, slabBubblesFigure, type SlabBubblesOptions, slabMap, type SlabAxis, type SlabMap, type SlabMapData, type SlabMapOptions } from './statistics/slab.ts';
export { type DescriptorsData, type DescriptorsOptions, type DescriptorsResult, loadDescriptorsResult,
  makeDescriptorsResult, type PerAtomColumn, structuralDescriptors } from './descriptors/descriptors.ts';
export { FLEX_LENGTHS, type FlexLength, flexibilityVolume, meanNeighbourDistance } from './descriptors/flexibility.ts';
export { matchAtomsById, type VibrationalMsd, vibrationalMsd, type VibrationalMsdOptions } from './descriptors/vibrational-msd.ts';
export { loadVoronoiResult, voronoiNeighborList, voronoiTessellation, VORONOI_INDEX_LENGTH, type VoronoiData, type VoronoiNeighborList, type VoronoiFace, type VoronoiOptions, type VoronoiResult } from './structure/voronoi.ts';
export { cagingDepthQ, cagingDepthR, type CagingDepthROptions, type CagingOptions, cagingPotentialQ,
  fitSoftnessCalibration, type HarmonicFit, harmonicSoftnessFit, hncDirectCorrelation, hncProduct,
  type IntegrationLimits, inverseSoftnessFromCurvature,
  meanFieldSoftness, type MeanFieldSoftness, type MeanFieldSoftnessOptions,
  type SoftnessCalibration, softnessFromDepth } from './softness/caging-potential.ts';
export { averageLocalRdf, DEFAULT_SOFTNESS_DELTA, type FirstMinimumRule,
  type IntegrationLimitOptions, integrationLimitsFromRdf, type IntegrationLimitsWithRules,
  loadLocalRdf, loadLocalSoftnessResult, localCagingDepth, type LocalCagingFrame,
  type LocalCagingOptions, localRdf, type LocalRdf, type LocalRdfOptions, localSoftness,
  LocalSoftnessAccumulator, type LocalSoftnessData, type LocalSoftnessOptions,
  type LocalSoftnessResult, makeLocalRdf, makeLocalSoftnessResult, softnessCalibrationPoint,
  type SoftnessCalibrationPoint } from './softness/local-softness.ts';
export { cagingSoftnessAnalysis, type CagingSoftnessData, type CagingSoftnessOptions,
  type CagingSoftnessResult, loadCagingSoftnessResult, makeCagingSoftnessResult, type TimedFrame } from './softness/softness-analysis.ts';
export { arrheniusAnalysis, type ArrheniusAnalysis, arrheniusCrossingBootstrap, type ArrheniusLine, type ArrheniusOptions,
  type FrameBinCounts, frameBinCounts, type FrameRows, fractionAbovePeakBootstrap, loadArrheniusAnalysis, pooledFrameStatistics,
  type RearrangementBootstrapOptions,
  loadRearrangementStatistics, makeArrheniusAnalysis, makeRearrangementStatistics,
  type ParticleFrameRows, type ParticleFrameValues, rearrangementFlagsForRows,
  rearrangementStatistics, type RearrangementStatistics, type RearrangementStatisticsOptions,
} from './softness/statistics.ts';
