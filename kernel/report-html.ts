/**
 * A standalone HTML page of an executed notebook, as nbconvert's: Markdown
 * with tables, lists, links and math typeset at export time (KaTeX), code
 * highlighted at export time (highlight.js), a table of contents from the
 * headings, long code cells folded, errors as their name and message with
 * the traceback folded, and interactive Plotly figures. No script runs but
 * plotly.js and the figures' own calls: text outputs are escaped, Markdown's
 * raw HTML is shown as text. Opens offline, from a file: KaTeX's fonts and
 * plotly.js are inlined or read from a shared assets folder next to the page
 * (see report-assets.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { figureHtml, PLOTLY_MIME } from '../src/display/mime.ts';
import type { PlotlyFigure } from '../src/plot/figure.ts';
import { cellSource, type Notebook, type NotebookCell } from './notebook.ts';
import { getProvenance, provenanceHtml } from './provenance.ts';
import { katexHeadTags, plotlyHeadTags, type ReportAssets } from './report-assets.ts';
import { escapeHtml as esc, highlightCode, markdownToHtml, newMarkdownEnv, type Heading, type MarkdownEnv } from './report-markdown.ts';

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}

function text(v: unknown): string {
  return Array.isArray(v) ? v.join('') : String(v ?? '');
}

/** Code cells longer than this many lines are folded (a `<details>` showing the first line). */
export const FOLD_LINES = 25;

/** The source of a code cell, highlighted as TypeScript (a `%%` cell magic stays plain), folded when long. */
function codeHtml(src: string): string {
  const code = `<pre class="input"><code class="hljs">${src.startsWith('%%') ? esc(src) : highlightCode(src, 'typescript')}</code></pre>`;
  const lines = src.split('\n').length;
  if (lines <= FOLD_LINES) return code;
  return `<details class="fold"><summary><code>${esc(src.split('\n')[0])}</code> <span class="fold-note">(${lines} lines: show)</span></summary>${code}</details>`;
}

/** An error output: its name and message in one line, the traceback folded below. */
function errorHtml(o: Record<string, unknown>): string {
  const trace = stripAnsi(((o.traceback as string[] | undefined) ?? []).join('\n')).trim();
  const head = `<div class="ename"><strong>${esc(String(o.ename ?? 'Error'))}</strong>: ${esc(stripAnsi(String(o.evalue ?? '')))}</div>`;
  return `<div class="output error">${head}${trace ? `<details><summary>traceback (${trace.split('\n').length} lines)</summary><pre>${esc(trace)}</pre></details>` : ''}</div>`;
}

/** How the text/html of an analysis result's bundle begins (src/display/mime.ts: resultBundle, or the summary output of resultBundles). */
const RESULT_MARK = '<pre class="glasslab-summary">';
/** The plotly.js copy a result's HTML inlines for a notebook without it (the report loads it once in the head). */
const INLINED_PLOTLY = /<script type="text\/javascript">\/\* plotly\.js [^\n]* \(inlined, offline\) \*\/\n[\s\S]*?<\/script>/g;

/** `figureId`: the id of the figure's div, numbered in page order, so that the same notebook gives the same page. */
function outputHtml(o: Record<string, unknown>, env: MarkdownEnv, figureId: () => string): string {
  switch (o.output_type) {
    case 'stream':
      return `<pre class="output stream${o.name === 'stderr' ? ' stderr' : ''}">${esc(stripAnsi(text(o.text)))}</pre>`;
    case 'error':
      return errorHtml(o);
    case 'display_data':
    case 'execute_result': {
      const data = (o.data ?? {}) as Record<string, unknown>;
      // an analysis result: its summary, every figure and its table in one bundle (resultBundle: notebooks executed
      // before results became one output per piece), or its summary alone (resultBundles), with plotly.js from the head
      const html = data['text/html'] === undefined ? '' : text(data['text/html']);
      if (html.startsWith(RESULT_MARK)) return `<div class="output html result">${html.replace(INLINED_PLOTLY, '')}</div>`;
      if (data[PLOTLY_MIME]) return figureHtml(data[PLOTLY_MIME] as PlotlyFigure, { includePlotly: false, divId: figureId() });
      if (data['image/svg+xml']) return `<div class="output svg">${text(data['image/svg+xml'])}</div>`;
      if (data['image/png']) return `<img class="output" src="data:image/png;base64,${esc(text(data['image/png']).trim())}">`;
      if (data['text/html']) return `<div class="output html">${text(data['text/html'])}</div>`;
      if (data['text/markdown']) return `<div class="output markdown">${markdownToHtml(text(data['text/markdown']), env)}</div>`;
      if (data['text/plain'] !== undefined) return `<pre class="output">${esc(stripAnsi(text(data['text/plain'])))}</pre>`;
      return '';
    }
    default:
      return '';
  }
}

/** Nested lists of links to the headings of level 1 to 3; empty with fewer than two. */
function tocHtml(headings: readonly Heading[]): string {
  const shown = headings.filter((h) => h.level <= 3);
  if (shown.length < 2) return '';
  let html = '';
  const open: number[] = [];
  for (const h of shown) {
    while (open.length && open[open.length - 1] > h.level) { html += '</li></ul>'; open.pop(); }
    if (open.length && open[open.length - 1] === h.level) html += '</li>';
    else { html += '<ul>'; open.push(h.level); }
    html += `<li><a href="#${esc(h.id)}">${h.html}</a>`;
  }
  html += '</li></ul>'.repeat(open.length);
  return `<nav class="toc"><details open><summary>Contents</summary>${html}</details></nav>`;
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
.cell{margin:1em 0}.markdown table{border-collapse:collapse;margin:.6em 0;font-size:14px}
.markdown th,.markdown td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}.markdown th{background:#f0f3f6}
.markdown tr:nth-child(2n) td{background:#fafbfc}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:90%}
.markdown :not(pre)>code{background:#f2f4f6;padding:0 .25em;border-radius:3px}.katex-display{overflow-x:auto;overflow-y:hidden}
.anchor-link{visibility:hidden;margin-left:.3em;text-decoration:none;color:#9ab}h1:hover .anchor-link,h2:hover .anchor-link,h3:hover .anchor-link,h4:hover .anchor-link,h5:hover .anchor-link,h6:hover .anchor-link{visibility:visible}
pre{margin:.3em 0;white-space:pre-wrap;word-break:break-word}pre.input{background:#f6f8fa;border-left:3px solid #9ab;padding:.4em .8em;overflow-x:auto;white-space:pre}
.prompt{color:#789;font:12px monospace}details.fold-md{border-left:3px solid #cda;padding:.1em .8em;margin:.5em 0}details.fold-md>summary{cursor:pointer;font-weight:600;color:#563}.fold summary{cursor:pointer;background:#f6f8fa;border-left:3px solid #9ab;padding:.3em .8em}.fold-note{color:#789;font-size:12px}
.stderr{background:#fdd}.error{background:#fee;border-left:3px solid #c33;padding:.4em .8em}.error summary{cursor:pointer;color:#844;font-size:13px}
.toc{background:#f6f8fa;border:1px solid #dde;padding:.4em 1em;margin-bottom:1.5em;font-size:14px}.toc summary{font-weight:600;cursor:pointer}.toc ul{margin:.2em 0;padding-left:1.3em}
table.dataframe{border-collapse:collapse;font-size:13px}table.dataframe td,table.dataframe th{border:1px solid #ddd;padding:2px 6px;text-align:right}
pre code.hljs{display:block}.provenance{background:#f3f7ee;border:1px solid #cdb;padding:.4em 1em;margin-bottom:1em;font-size:13px}`;

let hljsCss: string | undefined;

/** highlight.js's GitHub theme (1.3 kB), without the block padding and background (the cell has its own). */
function highlightCss(): string {
  if (hljsCss === undefined) {
    const require = createRequire(import.meta.url);
    hljsCss = readFileSync(require.resolve('highlight.js/styles/github.min.css'), 'utf8')
      .replace(/pre code\.hljs\{[^}]*\}/, '').replace(/code\.hljs\{[^}]*\}/, '').replace(/\.hljs\{[^}]*\}/, '');
  }
  return hljsCss;
}

export interface NotebookHtmlOptions {
  /**
   * The code cells executed in this run: only their outputs are rendered
   * (saved outputs of other cells, HTML and scripts included, never reach
   * the page). Default: every cell's outputs.
   */
  executed?: ReadonlySet<NotebookCell>;
  /** KaTeX's stylesheet and fonts and plotly.js: inside the page (default) or from a shared folder. */
  assets?: ReportAssets;
}

/**
 * The page: the run's provenance (commit, date, scale, wall time, machine:
 * `metadata.glasslab.run`, written by the runner), a table of contents, then
 * the cells; KaTeX's stylesheet only
 * when the page has math, plotly.js only when it has a figure, both in the head.
 */
export function notebookHtml(nb: Notebook, title: string, opts: NotebookHtmlOptions = {}): string {
  const assets = opts.assets ?? { mode: 'inline' };
  const env = newMarkdownEnv();
  const outputsOf = (c: NotebookCell) => (!opts.executed || opts.executed.has(c) ? c.outputs ?? [] : []);
  let figures = 0;
  const figureId = () => `glasslab-figure-${++figures}`;
  const hasFigure = nb.cells.some((c) => outputsOf(c).some((o) => (o.data as Record<string, unknown> | undefined)?.[PLOTLY_MIME]));
  const body = nb.cells.map((c) => {
    const src = cellSource(c);
    if (c.cell_type === 'markdown') return `<div class="cell markdown">${markdownToHtml(src, env)}</div>`;
    if (c.cell_type !== 'code') return `<div class="cell raw"><pre>${esc(src)}</pre></div>`;
    const run = !opts.executed || opts.executed.has(c);
    const count = run && typeof c.execution_count === 'number' ? c.execution_count : ' ';
    return `<div class="cell code"><div class="prompt">In [${count}]:</div>${codeHtml(src)}`
      + `<div class="outputs">${outputsOf(c).map((o) => outputHtml(o, env, figureId)).join('\n')}</div></div>`;
  }).join('\n');
  const hasMath = body.includes('class="katex');
  const prov = getProvenance(nb);
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${esc(title)}</title>\n<style>${STYLE}\n${highlightCss()}</style>\n`
    + `${hasMath ? katexHeadTags(assets) : ''}\n${hasFigure ? plotlyHeadTags(assets) : ''}\n</head><body>\n${prov ? `${provenanceHtml(prov)}\n` : ''}${tocHtml(env.headings)}\n${body}\n</body></html>\n`;
}
