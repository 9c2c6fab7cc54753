/**
 * A standalone HTML page of an executed notebook: markdown, code and
 * outputs, interactive Plotly figures with plotly.js inlined once in the
 * page head (it opens offline, from a file, with no network).
 */
import { figureHtml, PLOTLY_MIME, plotlyScriptTag } from '../src/display/mime.ts';
import type { PlotlyFigure } from '../src/plot/figure.ts';
import { cellSource, type Notebook, type NotebookCell } from './notebook.ts';

/** Escape text for HTML element content and (double- or single-quoted) attribute values. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}

function text(v: unknown): string {
  return Array.isArray(v) ? v.join('') : String(v ?? '');
}

/** Inline markdown without links: code, bold, italic (after HTML escaping). */
function spans(s: string): string {
  return esc(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>');
}

/** Schemes a link may have; anything else with a scheme (javascript:, data:, vbscript:, ...) is refused. */
const LINK_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * A link target made safe for an href: percent-encodes every character
 * outside the URL syntax characters (quotes, spaces, control characters,
 * `<>`, non-ASCII), so the value cannot leave its attribute and a browser
 * cannot strip its way to another scheme; null when it names a scheme
 * other than http, https or mailto (a colon before the first / ? #).
 */
export function safeHref(url: string): string | null {
  const encoded = url.replace(/[^A-Za-z0-9\-._~:/?#[\]@!$&()*+,;=%]/gu, (c) => encodeURIComponent(c).replace(/'/g, '%27'));
  const scheme = /^([^/?#]*):/.exec(encoded);
  if (scheme && !LINK_SCHEMES.has(scheme[1].toLowerCase())) return null;
  return encoded;
}

/**
 * Inline markdown: links `[text](url)`, then code, bold, italic. A link
 * whose target is refused stays as its text, written as given.
 */
function inline(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(/\[([^\]]+)\]\(([^)\s]+)\)/g)) {
    const href = safeHref(m[2]);
    out += spans(s.slice(last, m.index)) + (href === null ? spans(m[0]) : `<a href="${esc(href)}">${spans(m[1])}</a>`);
    last = m.index! + m[0].length;
  }
  return out + spans(s.slice(last));
}

/**
 * The subset of Markdown notebooks use: ATX headings, paragraphs, fenced
 * code, bullet and numbered lists, inline code/bold/italic/links. Math stays
 * as written ($...$).
 */
export function markdownToHtml(md: string): string {
  const out: string[] = [];
  const lines = md.replace(/\r\n/g, '\n').split('\n');
  let para: string[] = [];
  let list: { tag: 'ul' | 'ol'; items: string[] } | null = null;
  const flush = () => {
    if (para.length) out.push(`<p>${inline(para.join(' '))}</p>`);
    para = [];
    if (list) out.push(`<${list.tag}>${list.items.map((i) => `<li>${inline(i)}</li>`).join('')}</${list.tag}>`);
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const fence = /^```/.exec(l);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) code.push(lines[i]);
      out.push(`<pre><code>${esc(code.join('\n'))}</code></pre>`);
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(l);
    if (h) { flush(); out.push(`<h${h[1].length}>${inline(h[2])}</h${h[1].length}>`); continue; }
    const li = /^\s*([-*]|\d+\.)\s+(.*)$/.exec(l);
    if (li) {
      const tag = /\d/.test(li[1]) ? 'ol' : 'ul';
      if (para.length || (list && list.tag !== tag)) flush();
      list ??= { tag, items: [] };
      list.items.push(li[2]);
      continue;
    }
    if (l.trim() === '') { flush(); continue; }
    if (list) flush();
    para.push(l.trim());
  }
  flush();
  return out.join('\n');
}

function outputHtml(o: Record<string, unknown>): string {
  switch (o.output_type) {
    case 'stream':
      return `<pre class="stream ${o.name === 'stderr' ? 'stderr' : ''}">${esc(stripAnsi(text(o.text)))}</pre>`;
    case 'error':
      return `<pre class="error">${esc(stripAnsi((o.traceback as string[] | undefined)?.join('\n') || `${o.ename}: ${o.evalue}`))}</pre>`;
    case 'display_data':
    case 'execute_result': {
      const data = (o.data ?? {}) as Record<string, unknown>;
      if (data[PLOTLY_MIME]) return figureHtml(data[PLOTLY_MIME] as PlotlyFigure, { includePlotly: false });
      if (data['image/svg+xml']) return `<div class="svg">${text(data['image/svg+xml'])}</div>`;
      if (data['image/png']) return `<img src="data:image/png;base64,${esc(text(data['image/png']).trim())}">`;
      if (data['text/html']) return `<div class="html">${text(data['text/html'])}</div>`;
      if (data['text/markdown']) return markdownToHtml(text(data['text/markdown']));
      if (data['text/plain'] !== undefined) return `<pre>${esc(stripAnsi(text(data['text/plain'])))}</pre>`;
      return '';
    }
    default:
      return '';
  }
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
.cell{margin:1em 0}.input{background:#f6f8fa;border-left:3px solid #9ab;padding:.4em .8em;overflow-x:auto}
.prompt{color:#789;font:12px monospace}pre{margin:.3em 0;white-space:pre-wrap}.stderr{background:#fdd}
.error{background:#fee;border-left:3px solid #c33;padding:.4em}table.dataframe{border-collapse:collapse;font-size:13px}
table.dataframe td,table.dataframe th{border:1px solid #ddd;padding:2px 6px;text-align:right}`;

export interface NotebookHtmlOptions {
  /**
   * The code cells executed in this run: only their outputs are rendered
   * (saved outputs of other cells, HTML and scripts included, never reach
   * the page). Default: every cell's outputs.
   */
  executed?: ReadonlySet<NotebookCell>;
}

/** The page: plotly.js once in the head (only when a figure is present), then the cells. */
export function notebookHtml(nb: Notebook, title: string, opts: NotebookHtmlOptions = {}): string {
  const outputsOf = (c: NotebookCell) => (!opts.executed || opts.executed.has(c) ? c.outputs ?? [] : []);
  const hasFigure = nb.cells.some((c) => outputsOf(c).some((o) => (o.data as Record<string, unknown> | undefined)?.[PLOTLY_MIME]));
  const body = nb.cells.map((c) => {
    const src = cellSource(c);
    if (c.cell_type === 'markdown') return `<div class="cell markdown">${markdownToHtml(src)}</div>`;
    if (c.cell_type !== 'code') return `<div class="cell raw"><pre>${esc(src)}</pre></div>`;
    const run = !opts.executed || opts.executed.has(c);
    const count = run && typeof c.execution_count === 'number' ? c.execution_count : ' ';
    return `<div class="cell code"><div class="prompt">In [${count}]:</div><pre class="input"><code>${esc(src)}</code></pre>`
      + `<div class="outputs">${outputsOf(c).map(outputHtml).join('\n')}</div></div>`;
  }).join('\n');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${esc(title)}</title>\n<style>${STYLE}</style>\n`
    + `${hasFigure ? plotlyScriptTag() : ''}\n</head><body>\n${body}\n</body></html>\n`;
}
