/** Plotly figure builders and rich display (importable in notebooks as 'glasslab/plot'). */
export { lineFigure, rdfFigure, msdFigure, thermoFigure, isPlotlyFigure } from './figure.ts';
export type { PlotlyFigure, PlotlyTrace, Series, AxesOptions } from './figure.ts';
export {
  figureBundle, figureHtml, figureText, tableBundle, tableHtml, tableText, toMimeBundle, plainText,
  progressBundle, plotlyJs, plotlyScriptTag, newDisplayState, PLOTLY_MIME, TABLE_MAX_ROWS,
} from './mime.ts';
export type { MimeBundle, DisplayState, TableData } from './mime.ts';
export { display, progressDisplay, setDisplayHost, displayHost } from './display.ts';
export type { DisplayHost } from './display.ts';
export * from './lte-figures.ts';
export * from './vdos-figures.ts';
