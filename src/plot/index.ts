/** Plotly figure builders: pure data -> figure JSON (importable as 'glasslab/plot'). */
export { lineFigure, rdfFigure, msdFigure, thermoFigure, isPlotlyFigure } from './figure.ts';
export type { PlotlyFigure, PlotlyTrace, Series, AxesOptions } from './figure.ts';
export { fieldMapFigure, type FieldMapAtoms, type FieldMapInput } from './map.ts';
export {
  isAnalysisResult, resultFigures, tableProblems, tableCsv, encodeResultData, decodeResultData, resultJSON, resultData, isFigureResult,
} from './result.ts';
export type { AnalysisResult, ResultJSON, TableData } from './result.ts';
