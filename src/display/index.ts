/**
 * Rich display: MIME bundles for figures and tables, the display host the
 * kernel installs, progress bars (importable as 'glasslab/display').
 */
export {
  figureBundle, figureHtml, figurePage, resultBundle, resultBundles, figureText, tableBundle, tableHtml, tableText, toMimeBundle, toMimeBundles, plainText,
  progressBundle, plotlyJs, plotlyScriptTag, newDisplayState, PLOTLY_MIME, TABLE_MAX_ROWS,
} from './mime.ts';
export type { MimeBundle, DisplayState, TableData } from './mime.ts';
export { display, progressDisplay, setDisplayHost, displayHost } from './display.ts';
export type { DisplayHost } from './display.ts';
export type { ProgressReporter } from './progress.ts';
