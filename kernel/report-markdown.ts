/**
 * Markdown and code of the HTML report, rendered at export time (no script
 * runs in the page to typeset or highlight):
 *  - Markdown by markdown-it (CommonMark + GFM tables and strikethrough),
 *    raw HTML off (`html: false`: a `<script>` in a cell is shown as text)
 *    except the lines of a folded section (`<details>`, `<summary>`,
 *    `</details>`: markdownToHtml),
 *    links only to http, https, mailto and relative targets (`safeHref`);
 *  - math by KaTeX (`katex.renderToString`) through `@vscode/markdown-it-katex`
 *    (VS Code's Markdown math): `$...$` inline, `$$...$$` display (also
 *    inline in a paragraph, as Jupyter allows), bare `\begin{align}...`
 *    blocks, `\$` for a dollar sign. A formula KaTeX cannot parse becomes a
 *    red `katex-error` span with its source, never an exception.
 *    Difference from JupyterLab, which pairs any two `$` of a cell: here a
 *    `$` right after a letter or digit does not open math and one right
 *    before a letter or digit does not close it (pandoc's rule), so prices
 *    such as "$5 and $6" stay text;
 *  - headings get unique ids (slugs of their text) and an anchor link, and
 *    are collected for the table of contents;
 *  - code by highlight.js (TypeScript for code cells; fenced blocks by their
 *    language when it is one of those registered here).
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import typescript from 'highlight.js/lib/languages/typescript';
import * as katexPluginModule from '@vscode/markdown-it-katex';
import MarkdownIt, { type MarkdownIt as Markdown } from 'markdown-it';

for (const [name, lang] of Object.entries({ bash, javascript, json, python, typescript })) hljs.registerLanguage(name, lang);

/** Escape text for HTML element content and (double- or single-quoted) attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
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
 * Code highlighted by highlight.js as HTML (spans with `hljs-*` classes,
 * text escaped); plain escaped text for a language not registered here.
 * Registered: typescript (ts), javascript (js), json, bash (sh), python (py).
 */
export function highlightCode(code: string, language = 'typescript'): string {
  if (!language || !hljs.getLanguage(language)) return escapeHtml(code);
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

/** A heading of the page, for the table of contents. */
export interface Heading {
  /** 1 to 6 */
  level: number;
  /** the element id (unique in the page) */
  id: string;
  /** the heading's plain text (no markup; inline math as `$source$`) */
  text: string;
  /** the heading's content as HTML, links removed (math typeset), for the table of contents */
  html: string;
}

/** State shared by every Markdown piece of one page: headings in order, ids given out. */
export interface MarkdownEnv {
  headings: Heading[];
  ids: Set<string>;
}

export function newMarkdownEnv(): MarkdownEnv {
  return { headings: [], ids: new Set() };
}

/** A slug of a heading's text as GitHub makes it (lower case, letters, digits, - and _), unique in `ids`. */
export function headingId(text: string, ids: Set<string>): string {
  const base = text.toLowerCase().trim().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s+/g, '-') || 'section';
  let id = base;
  for (let k = 1; ids.has(id); k++) id = `${base}-${k}`;
  ids.add(id);
  return id;
}

// the plugin is CommonJS with `exports.default`: Node's ESM import gives the exports object
const katexPlugin = ((katexPluginModule as unknown as { default: { default?: unknown } }).default.default
  ?? (katexPluginModule as unknown as { default: unknown }).default) as (md: Markdown, opts: Record<string, unknown>) => void;

function createRenderer(): Markdown {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false, highlight: (code, lang) => (hljs.getLanguage(lang) ? highlightCode(code, lang) : '') });
  // strict 'ignore': KaTeX would otherwise warn on stderr about, e.g., Unicode letters in math
  katexPlugin(md, { throwOnError: false, enableBareBlocks: true, strict: 'ignore', trust: false });
  // markdown-it normalizes a target, then validates the result: a refused
  // target keeps its scheme through normalizeLink so that validateLink refuses it
  // `$$...$$` inside a paragraph (a math_block token with no source line map):
  // the plugin wraps it in a <p>, which may not sit in the paragraph's <p>
  const display = md.renderer.rules.math_block!;
  md.renderer.rules.math_block = (tokens, idx, ...rest) => {
    const html = display(tokens, idx, ...rest);
    return tokens[idx].map ? html : html.replace(/^<p class="katex-block/, '<span class="katex-block').replace(/<\/p>\n$/, '</span>');
  };
  const normalize = md.normalizeLink.bind(md);
  md.normalizeLink = (url) => {
    const n = normalize(url);
    return safeHref(n) ?? n;
  };
  md.validateLink = (url) => safeHref(url) !== null;
  md.core.ruler.push('heading_ids', (state) => {
    const env = state.env as Partial<MarkdownEnv>;
    env.headings ??= [];
    env.ids ??= new Set();
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i].type !== 'heading_open') continue;
      const text = (tokens[i + 1]?.children ?? []).map((t) => (t.type === 'math_inline' ? `$${t.content}$` : t.type === 'text' || t.type === 'code_inline' ? t.content : '')).join('');
      const id = headingId(text, env.ids);
      tokens[i].attrSet('id', id);
      const html = md.renderInline(tokens[i + 1]?.content ?? '', {}).replace(/<\/?a\b[^>]*>/g, '');
      env.headings.push({ level: Number(tokens[i].tag.slice(1)), id, text, html });
    }
    return true;
  });
  md.renderer.rules.heading_close = (tokens, idx) => {
    const id = tokens[idx - 2]?.attrGet('id');
    return `${id ? `<a class="anchor-link" href="#${escapeHtml(String(id))}" aria-label="link to this section">¶</a>` : ''}</${tokens[idx].tag}>\n`;
  };
  return md;
}

let renderer: Markdown | undefined;

/** A line that opens or closes a folded section, or names it (outside fenced code only). */
const FOLD_LINE = /^[ \t]*(?:(<details>)|(<\/details>)|<summary>(.*)<\/summary>)[ \t]*$/;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;

/**
 * Markdown as HTML. Pass one `env` for every piece of a page, so heading ids
 * stay unique and `env.headings` lists them all for the table of contents.
 *
 * Raw HTML stays off, with one exception: folded sections (an exercise's
 * solution), written as JupyterLab shows them, each tag alone on its line:
 * `<details>`, then `<summary>TEXT</summary>` (TEXT is inline Markdown),
 * the folded Markdown, `</details>`. Only those exact lines become tags;
 * the Markdown between them is rendered as usual; a `</details>` or a
 * summary with no open section is text, and a section left open is
 * closed at the end of the cell.
 */
export function markdownToHtml(source: string, env: MarkdownEnv = newMarkdownEnv()): string {
  const md = renderer ??= createRenderer();
  const e = env as unknown as Record<string, unknown>;
  let html = '', depth = 0, fence = '';
  let chunk: string[] = [];
  const flush = () => {
    if (chunk.some((l) => l.trim() !== '')) html += md.render(chunk.join('\n'), e);
    chunk = [];
  };
  for (const line of source.split('\n')) {
    const f = FENCE.exec(line);
    if (f && (!fence || f[1].startsWith(fence))) fence = fence ? '' : f[1];
    const m = fence || f ? null : FOLD_LINE.exec(line);
    if (m?.[1]) { flush(); html += '<details class="fold-md">\n'; depth++; continue; }
    if (m && depth > 0) {
      flush();
      html += m[2] ? '</details>\n' : `<summary>${md.renderInline(m[3], {})}</summary>\n`;
      if (m[2]) depth--;
      continue;
    }
    chunk.push(line);
  }
  flush();
  return (html + '</details>\n'.repeat(depth)).trimEnd();
}
