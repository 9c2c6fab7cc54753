/**
 * Rich display: values -> Jupyter MIME bundles.
 *
 * A Plotly figure becomes one bundle with
 *  - `application/vnd.plotly.v1+json`: the figure (JupyterLab renders it natively),
 *  - `text/html`: a div and a script that draws it with plotly.js; the
 *    plotly.js source (npm `plotly.js-dist-min`, the version in our
 *    package-lock) is inlined in the first figure of a session and never
 *    loaded from a CDN, so the notebook renders with no network,
 *  - `text/plain`: a one-line description.
 * Tables (danfojs DataFrames, `{columns, rows}`) become HTML with a row limit.
 * An analysis result (the protocol of src/plot/result.ts) shows its summary,
 * its figures and its table (folded): in the kernel as one output each
 * (resultBundles), so that JupyterLab, which draws the Plotly MIME part of
 * a bundle instead of its HTML, shows every figure; as one bundle
 * (resultBundle) where a single output is needed.
 */
import { platform } from '../platform/index.ts';
import { isPlotlyFigure, type PlotlyFigure } from '../plot/figure.ts';
import { isClaimsTable, type Claim, type ClaimsTable } from '../plot/claims.ts';
import { isAnalysisResult, resultFigures, type AnalysisResult, type TableData } from '../plot/result.ts';

export type { TableData } from '../plot/result.ts';

export type MimeBundle = Record<string, unknown>;

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
/** The claims of an ours-against-the-paper table (src/plot/claims.ts), as JSON `{ claims }`, next to its HTML in the bundle. */
export const CLAIMS_MIME = 'application/vnd.glasslab.claims+json';

/** Per-notebook-session display state: whether plotly.js was already sent. */
export interface DisplayState {
  plotlyIncluded: boolean;
}

export function newDisplayState(): DisplayState {
  return { plotlyIncluded: false };
}

let plotlySource: { version: string; code: string } | undefined;

/** The plotly.js bundle from node_modules (read once). */
export function plotlyJs(): { version: string; code: string } {
  if (!plotlySource) {
    const version = (JSON.parse(platform.packageText('plotly.js-dist-min/package.json')) as { version: string }).version;
    const code = platform.packageText('plotly.js-dist-min');
    plotlySource = { version, code };
  }
  return plotlySource;
}

/** `<script>` with plotly.js inlined, safe inside HTML (no early `</script>`). */
export function plotlyScriptTag(): string {
  const { version, code } = plotlyJs();
  // RequireJS (classic Notebook) would make the UMD bundle register an AMD
  // module instead of window.Plotly: hide `define` while it loads
  return `<script type="text/javascript">/* plotly.js ${version} (inlined, offline) */\n`
    + `if (typeof window.Plotly === 'undefined') { var __glasslabDefine = window.define; window.define = undefined;\n`
    + `${code.replace(/<\/script/gi, '<\\/script')}\n;window.define = __glasslabDefine; }</script>`;
}

/** JSON that can sit inside a `<script>` element. */
export function scriptSafeJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

let divCounter = 0;

/**
 * The HTML that draws `fig`: a div plus a script calling Plotly.newPlot. The
 * script waits (up to 10 s) for plotly.js when it is defined by an earlier
 * output of the same page.
 */
export function figureHtml(fig: PlotlyFigure, opts: { includePlotly: boolean; divId?: string }): string {
  const id = opts.divId ?? `glasslab-plot-${platform.processId}-${Date.now().toString(36)}-${divCounter++}`;
  const height = typeof fig.layout.height === 'number' ? fig.layout.height : 380;
  const config = { responsive: true, displaylogo: false, ...fig.config };
  return (opts.includePlotly ? plotlyScriptTag() + '\n' : '')
    + `<div id="${id}" class="glasslab-plot plotly-graph-div" style="height:${height}px; width:100%;"></div>\n`
    + `<script type="text/javascript">(function () {\n`
    + `  var fig = ${scriptSafeJson({ data: fig.data, layout: fig.layout })};\n`
    + `  var tries = 0;\n`
    + `  function draw() {\n`
    + `    var el = document.getElementById(${JSON.stringify(id)});\n`
    + `    if (window.Plotly && el) { window.Plotly.newPlot(el, fig.data, fig.layout, ${scriptSafeJson(config)}); return; }\n`
    + `    if (++tries < 200) { setTimeout(draw, 50); return; }\n`
    + `    if (el) el.textContent = 'plotly.js is not loaded: re-run the first cell that draws a figure';\n`
    + `  }\n`
    + `  draw();\n`
    + `})();</script>`;
}

/** A standalone HTML page that draws `fig` offline (plotly.js inlined): what a command writes with --out page.html. */
export function figurePage(fig: PlotlyFigure, title: string): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n</head>\n<body>\n`
    + `${figureHtml(fig, { includePlotly: true })}\n</body>\n</html>\n`;
}

/** Short text for a figure (the text/plain part of its bundle). */
export function figureText(fig: PlotlyFigure): string {
  const title = (fig.layout.title as { text?: string } | undefined)?.text;
  const names = fig.data.map((t) => t.name).filter(Boolean);
  return `<Plotly figure${title ? ` '${title}'` : ''}: ${fig.data.length} trace${fig.data.length === 1 ? '' : 's'}${names.length ? ` (${names.join(', ')})` : ''}>`;
}

/** The bundle of a figure; inlines plotly.js the first time in `state`. */
export function figureBundle(fig: PlotlyFigure, state: DisplayState, text?: string): MimeBundle {
  const includePlotly = !state.plotlyIncluded;
  state.plotlyIncluded = true;
  return {
    [PLOTLY_MIME]: JSON.parse(JSON.stringify({ data: fig.data, layout: fig.layout })),
    'text/html': figureHtml(fig, { includePlotly }),
    'text/plain': text ?? figureText(fig),
  };
}

// ---------------------------------------------------------------------------
// Tables

function rowLabel(t: TableData, i: number): string {
  return t.index ? String(t.index[i]) : String(i);
}

/** Default row limit of HTML tables: longer tables show their head and tail. */
export const TABLE_MAX_ROWS = 60;
const TABLE_EDGE_ROWS = 10;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function cell(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(6);
  return String(v);
}

/**
 * An HTML table; more than `maxRows` rows show the first and last
 * ten with an ellipsis row (the pandas convention), with the full size below.
 */
export function tableHtml(t: TableData, maxRows = TABLE_MAX_ROWS): string {
  const n = t.rows.length;
  const cut = n > maxRows;
  const shown = cut ? [...t.rows.slice(0, TABLE_EDGE_ROWS).map((r, i) => [i, r] as const), null, ...t.rows.slice(n - TABLE_EDGE_ROWS).map((r, i) => [n - TABLE_EDGE_ROWS + i, r] as const)]
    : t.rows.map((r, i) => [i, r] as const);
  const head = `<tr><th></th>${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = shown.map((e) => (e === null
    ? `<tr><th>…</th>${t.columns.map(() => '<td>…</td>').join('')}</tr>`
    : `<tr><th>${escapeHtml(rowLabel(t, e[0]))}</th>${e[1].map((v) => `<td>${escapeHtml(cell(v))}</td>`).join('')}</tr>`)).join('\n');
  return `<table class="dataframe glasslab-table">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>\n`
    + `<p>${n} rows × ${t.columns.length} columns</p>`;
}

/** Plain-text table with the same row limit (the text/plain of a table bundle). */
export function tableText(t: TableData, maxRows = TABLE_MAX_ROWS): string {
  const n = t.rows.length;
  const idx = n > maxRows ? [...Array.from({ length: TABLE_EDGE_ROWS }, (_, i) => i), -1, ...Array.from({ length: TABLE_EDGE_ROWS }, (_, i) => n - TABLE_EDGE_ROWS + i)]
    : Array.from({ length: n }, (_, i) => i);
  const grid = [['', ...t.columns], ...idx.map((i) => (i < 0 ? ['…', ...t.columns.map(() => '…')] : [rowLabel(t, i), ...t.rows[i].map(cell)]))];
  const w = grid[0].map((_, j) => Math.max(...grid.map((r) => (r[j] ?? '').length)));
  return grid.map((r) => r.map((c, j) => (c ?? '').padStart(w[j])).join('  ')).join('\n') + `\n\n[${n} rows x ${t.columns.length} columns]`;
}

/**
 * A table-like value -> TableData: a danfojs DataFrame or Series (duck-typed:
 * `columns`, `shape`, `values`, `index`; a Series' `values` is one column,
 * its index labels are kept, e.g. describe()'s 'count', 'mean', ... or the
 * original row numbers of a query), or a plain `{columns, rows}`.
 */
function asTable(v: unknown): TableData | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const d = v as { columns?: unknown; values?: unknown; shape?: unknown; rows?: unknown; index?: unknown };
  if (Array.isArray(d.columns) && Array.isArray(d.shape) && Array.isArray(d.values)) {
    const values = d.values as unknown[];
    const rows = values.map((r) => (Array.isArray(r) ? r : [r])); // a Series: one value per row
    const index = Array.isArray(d.index) && d.index.length === rows.length ? (d.index as unknown[]) : undefined;
    return { columns: d.columns.map(String), rows, ...(index ? { index } : {}) };
  }
  if (Array.isArray(d.columns) && Array.isArray(d.rows) && d.rows.every(Array.isArray)) {
    return { columns: d.columns.map(String), rows: d.rows as unknown[][] };
  }
  return undefined;
}

export function tableBundle(t: TableData, maxRows = TABLE_MAX_ROWS): MimeBundle {
  return { 'text/html': tableHtml(t, maxRows), 'text/plain': tableText(t, maxRows) };
}

/** An ours-against-the-paper table: shown as a table (no row limit), its claims as JSON under CLAIMS_MIME. */
export function claimsBundle(t: ClaimsTable): MimeBundle {
  const claims: Claim[] = JSON.parse(JSON.stringify(t.claims, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))) as Claim[];
  return { ...tableBundle(t, Infinity), [CLAIMS_MIME]: { claims } };
}

// ---------------------------------------------------------------------------
// Any value

/** The pieces every display of a result is made of: its summary (HTML), its figures, its table (HTML, folded under figures). */
function resultParts(r: AnalysisResult): { summary: string; pre: string; figs: PlotlyFigure[]; table: string; tableText?: string } {
  const summary = r.summary();
  let figs: PlotlyFigure[];
  try {
    figs = resultFigures(r);
  } catch {
    figs = [];
  }
  let table = '', text: string | undefined;
  try {
    const t = r.table();
    table = figs.length === 0 ? tableHtml(t)
      : `<details class="glasslab-result-table"><summary>table: ${t.rows.length} rows × ${t.columns.length} columns (${escapeHtml(t.columns.slice(0, 6).join(', '))}${t.columns.length > 6 ? ', …' : ''})</summary>\n${tableHtml(t)}\n</details>`;
    text = tableText(t);
  } catch {
    table = '';
  }
  return { summary, pre: `<pre class="glasslab-summary">${escapeHtml(summary)}</pre>`, figs, table, tableText: text };
}

/**
 * The bundle of an analysis result (src/plot/result.ts) as one output:
 * text/plain is its summary; text/html is the summary, every figure it
 * gives, and its table (folded under a `<details>` line when there are
 * figures, open when there are none); the first figure is also the Plotly
 * MIME part. A result whose figure() throws (nothing to draw, e.g. a 3D
 * field) shows its summary and table. A table() that throws leaves the
 * table out. A front end that ranks the Plotly MIME type first (JupyterLab
 * with its Plotly extension) shows only the first figure of this bundle:
 * the kernel shows results with resultBundles instead.
 */
export function resultBundle(r: AnalysisResult, state: DisplayState): MimeBundle {
  const { summary, pre, figs, table } = resultParts(r);
  if (figs.length === 0) return { 'text/html': [pre, table].filter(Boolean).join('\n'), 'text/plain': summary };
  const includePlotly = !state.plotlyIncluded;
  state.plotlyIncluded = true;
  return {
    [PLOTLY_MIME]: JSON.parse(JSON.stringify({ data: figs[0].data, layout: figs[0].layout })),
    'text/html': [pre, ...figs.map((f, k) => figureHtml(f, { includePlotly: includePlotly && k === 0 })), table].filter(Boolean).join('\n'),
    'text/plain': summary,
  };
}

/**
 * An analysis result as several outputs, the display of every result kind in
 * the kernel, so that every figure shows in every front end: the summary
 * (text/html `<pre class="glasslab-summary">` and text/plain), then each
 * figure as its own bundle (figureBundle: Plotly MIME, HTML, text), then the
 * table folded under a `<details>` line (text/html, and text/plain). A
 * result with nothing to draw is one bundle, as resultBundle makes it.
 */
export function resultBundles(r: AnalysisResult, state: DisplayState): MimeBundle[] {
  const { summary, pre, figs, table, tableText: text } = resultParts(r);
  if (figs.length === 0) return [resultBundle(r, state)];
  return [
    { 'text/html': pre, 'text/plain': summary },
    ...figs.map((f) => figureBundle(f, state)),
    ...(table ? [{ 'text/html': table, 'text/plain': text ?? '' }] : []),
  ];
}

/**
 * How a value displays, in this order:
 *  1. `toMimeBundle(state)` method: the object decides;
 *  2. a Plotly figure;
 *  3. an analysis result (the protocol of src/plot/result.ts: kind,
 *     summary(), table(), figure(), toJSON()): resultBundle;
 *  4. an ours-against-the-paper table (claimsTable): the table, plus its
 *     claims as data (CLAIMS_MIME) for the gallery;
 *  5. a table (danfojs DataFrame or `{columns, rows}`);
 *  6. text/plain from util.inspect.
 */
export function toMimeBundle(value: unknown, state: DisplayState): MimeBundle {
  if (typeof value === 'object' && value !== null) {
    const v = value as { toMimeBundle?: unknown };
    if (typeof v.toMimeBundle === 'function') return (v.toMimeBundle as (s: DisplayState) => MimeBundle)(state);
    if (isPlotlyFigure(value)) return figureBundle(value, state);
    if (isAnalysisResult(value)) return resultBundle(value, state);
    if (isClaimsTable(value)) return claimsBundle(value);
    const table = asTable(value);
    if (table) return tableBundle(table);
  }
  return { 'text/plain': plainText(value) };
}

/**
 * The outputs of a value: an analysis result without its own toMimeBundle
 * gives resultBundles (summary, each figure, table); anything else the one
 * bundle of toMimeBundle. What the kernel sends for a cell's value (the
 * first as execute_result, the rest as display_data) and for display().
 */
export function toMimeBundles(value: unknown, state: DisplayState): MimeBundle[] {
  const own = typeof value === 'object' && value !== null && typeof (value as { toMimeBundle?: unknown }).toMimeBundle === 'function';
  if (!own && !isPlotlyFigure(value) && isAnalysisResult(value)) return resultBundles(value, state);
  return [toMimeBundle(value, state)];
}

export function plainText(value: unknown): string {
  // the Node REPL's defaults (depth 2, 100 array items)
  return platform.inspect(value, { depth: 2, maxArrayLength: 100, breakLength: 100 });
}

// ---------------------------------------------------------------------------
// Progress

/** The bundle of a progress display (updated in place with update_display_data); a finished task short of its total reads 'stopped'. */
export function progressBundle(label: string, done: number, total: number, elapsedS: number, finished = false, unit = ''): MimeBundle {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const eta = rate > 0 && !finished ? ` ETA ${((total - done) / rate).toFixed(1)} s` : '';
  const speed = rate > 0 && unit ? `, ${rate >= 100 ? rate.toFixed(0) : rate.toPrecision(2)} ${unit}/s` : '';
  const end = finished ? (done >= total ? ' done' : ' stopped') : '';
  const text = `${label}: ${(100 * frac).toFixed(1)}% (${done}/${total}${unit ? ` ${unit}` : ''}, ${elapsedS.toFixed(1)} s${speed}${eta})${end}`;
  return {
    'text/plain': text,
    'text/html': `<div class="glasslab-progress"><progress value="${done}" max="${total}" style="width:40%"></progress> `
      + `<span style="font-family:monospace">${escapeHtml(text)}</span></div>`,
  };
}
