/** Plotly figure builders: pure data -> figure JSON (importable as 'glasslab/plot'). */
export { lineFigure, rdfFigure, msdFigure, thermoFigure, stackedFigure, positivePoints, dashTraces, verticalLine, heatmapPanels, isPlotlyFigure } from './figure.ts';
export type { PlotlyFigure, PlotlyTrace, Series, AxesOptions, Panel } from './figure.ts';
export { view, type ViewAtoms, type ViewOptions } from './view.ts';
export { atScaleText, claimsTable, isClaimsTable, verdictText, type Claim, type ClaimsAtScale, type ClaimsTable } from './claims.ts';
export { bubbleTrace, type BubbleInput, fieldMapFigure, type FieldMapAtoms, type FieldMapInput } from './map.ts';
export {
  isAnalysisResult, resultFigures, tableProblems, tableCsv, encodeResultData, decodeResultData, resultJSON, resultData, isFigureResult,
} from './result.ts';
export type { AnalysisResult, ResultJSON, TableData } from './result.ts';
