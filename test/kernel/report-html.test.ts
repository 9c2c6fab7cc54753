/**
 * The HTML report: Markdown (tables, lists, links, math by KaTeX), headings
 * and the table of contents, code and outputs, the assets it needs offline;
 * and against hostile input: a link target never leaves its href
 * attribute, only http, https, mailto and relative targets become links, no
 * script from Markdown or an output runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Notebook, NotebookCell } from '../../kernel/notebook.ts';
import { writeReportAssets } from '../../kernel/report-assets.ts';
import { FOLD_LINES, notebookHtml } from '../../kernel/report-html.ts';
import { markdownToHtml, newMarkdownEnv, safeHref } from '../../kernel/report-markdown.ts';
import { browse, requireTool } from './tools.ts';

/** Every tag of the page with its attributes, as a browser would split them (enough for our output). */
function tags(html: string): { name: string; attrs: string[] }[] {
  return [...html.matchAll(/<([a-z0-9]+)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*>/g)].map((m) => ({
    name: m[1],
    attrs: [...m[2].matchAll(/\s+([^\s=>]+)/g)].map((a) => a[1]),
  }));
}

const nb = (...cells: NotebookCell[]): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
const md = (source: string): NotebookCell => ({ cell_type: 'markdown', source, metadata: {} });
const code = (source: string, outputs: Record<string, unknown>[] = []): NotebookCell => ({ cell_type: 'code', source, metadata: {}, execution_count: 1, outputs });

describe('HTML report: Markdown as JupyterLab shows it', () => {
  it('renders GFM tables, nested lists and links', () => {
    const html = markdownToHtml('| paper | here |\n|---|---|\n| Fig. 1a | `%vdos` |\n| Fig. 2 | [msd](https://example.org) |\n\n'
      + '1. first\n2. second\n   - inner *a*\n   - inner **b**');
    expect(html).not.toContain('|---|');
    expect(html).not.toMatch(/\|\s*paper/);
    expect(html).toContain('<table>\n<thead>\n<tr>\n<th>paper</th>\n<th>here</th>');
    expect(html).toContain('<td><code>%vdos</code></td>');
    expect(html).toContain('<td><a href="https://example.org">msd</a></td>');
    expect(html).toMatch(/<ol>\s*<li>first<\/li>\s*<li>second\s*<ul>\s*<li>inner <em>a<\/em><\/li>\s*<li>inner <strong>b<\/strong><\/li>\s*<\/ul>/);
  });

  it('typesets inline and display math with KaTeX, and leaves no raw $ or $$', () => {
    const html = markdownToHtml('a softness\n\n$$S(i) = \\sum_{\\omega < \\omega_c} \\frac{D_i(\\omega)}{\\sum_j D_j(\\omega)}$$\n\n'
      + 'with $\\omega_c = 0.6$ and a block\n$$\na^2 + b^2\n$$\n\nand $$x_1$$ inside a line.');
    expect(html).not.toContain('$');
    expect(html.match(/class="katex-display"/g)).toHaveLength(3);
    expect(html.match(/class="katex"/g)).toHaveLength(4);
    expect(html).toContain('<annotation encoding="application/x-tex">\\omega_c = 0.6</annotation>');
    expect(html).toContain('class="mord mathnormal"'); // KaTeX's HTML, not only MathML
    expect(html).not.toContain('<em>'); // underscores in math are not emphasis
    expect(html).toMatch(/<p>and <span class="katex-block"><span class="katex-display">[\s\S]*<\/span> inside a line\.<\/p>$/); // no <p> in the <p>
  });

  it('keeps prices and escaped dollars as text (pandoc rule) and renders bare \\begin{align}', () => {
    expect(markdownToHtml('costs $5 and $6 today, or \\$7')).toBe('<p>costs $5 and $6 today, or $7</p>');
    expect(markdownToHtml('\\begin{align}\na &= 1\\\\\nb &= 2\n\\end{align}')).toContain('class="katex-display"');
  });

  it('shows a formula KaTeX cannot parse as an error span with its source, without throwing', () => {
    const html = markdownToHtml('bad $\\frac{1$ and $$\\left( x$$ then $y$');
    expect(html.match(/class="katex-error"/g)).toHaveLength(2);
    expect(html).toContain('\\frac{1</span>');
    expect(html).toContain('\\left( x</span>');
    expect(html).toContain('<annotation encoding="application/x-tex">y</annotation>');
  });

  it('folds a <details> section with its <summary> (inline Markdown), renders Markdown and math inside, and allows no other HTML', () => {
    const src = ['**Exercise 1.** Why $x$?', '', '<details>', '<summary>Solution (*try first*)</summary>', '',
      'Because $$y = 2$$ and', '', '| a | b |', '|---|---|', '| 1 | 2 |', '', '</details>', '', 'after <b>bold</b>'].join('\n');
    const html = markdownToHtml(src);
    expect(html).toMatch(/<details class="fold-md">\n<summary>Solution \(<em>try first<\/em>\)<\/summary>\n/);
    expect(html).toMatch(/<\/table>\n<\/details>/);
    expect(html).toContain('class="katex"');
    expect(html).not.toContain('$$');
    expect(html).toContain('after &lt;b&gt;bold&lt;/b&gt;');
    expect(html.match(/<details/g)).toHaveLength(1);
    // a stray closing tag and a summary outside a section are text; an open section is closed; fenced code is code
    expect(markdownToHtml('</details>\n\n<summary>x</summary>')).toBe('<p>&lt;/details&gt;</p>\n<p>&lt;summary&gt;x&lt;/summary&gt;</p>');
    expect(markdownToHtml('<details>\n<summary>S</summary>\nopen')).toBe('<details class="fold-md">\n<summary>S</summary>\n<p>open</p>\n</details>');
    expect(markdownToHtml('```\n<details>\n```')).toBe('<pre><code>&lt;details&gt;\n</code></pre>');
    // the summary line cannot smuggle HTML in
    expect(markdownToHtml('<details>\n<summary><img src=x onerror=alert(1)></summary>\n</details>')).not.toContain('<img');
  });

  it('gives math no link or HTML of its own (KaTeX trust off) and escapes raw HTML', () => {
    const html = markdownToHtml('$\\href{javascript:alert(1)}{x}$ $\\htmlClass{a}{b}$ <script>alert(1)</script> <img src=x onerror=alert(1)>');
    expect(html).not.toMatch(/href="javascript/i);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('gives headings unique ids and an anchor link, and lists them for the table of contents', () => {
    const env = newMarkdownEnv();
    const a = markdownToHtml('# Fig. 2(c): maps of $S$\n\n## Setup\n\n## Setup', env);
    const b = markdownToHtml('### Setup `code`', env);
    expect(a).toContain('<h1 id="fig-2c-maps-of-s">');
    expect(a).toContain('<h2 id="setup">');
    expect(a).toContain('<h2 id="setup-1">');
    expect(b).toContain('<h3 id="setup-code">Setup <code>code</code><a class="anchor-link" href="#setup-code"');
    expect(env.headings.map((h) => [h.level, h.id, h.text])).toEqual([
      [1, 'fig-2c-maps-of-s', 'Fig. 2(c): maps of $S$'], [2, 'setup', 'Setup'], [2, 'setup-1', 'Setup'], [3, 'setup-code', 'Setup code']]);
  });
});

describe('HTML report: the page', () => {
  it('puts a nested table of contents first, linking every heading of level 1 to 3', () => {
    const html = notebookHtml(nb(md('# Title\n\nintro'), md('## A\n\n### A.1\n\n#### deep'), code('1'), md('## B')), 't');
    const toc = /<nav class="toc">([\s\S]*?)<\/nav>/.exec(html)![1];
    expect(toc).toBe('<details open><summary>Contents</summary><ul><li><a href="#title">Title</a><ul><li><a href="#a">A</a><ul><li><a href="#a1">A.1</a>'
      + '</li></ul></li><li><a href="#b">B</a></li></ul></li></ul></details>');
    for (const id of ['title', 'a', 'a1', 'b']) expect(html).toContain(`id="${id}"`);
    expect(html.indexOf('<nav class="toc">')).toBeLessThan(html.indexOf('<div class="cell'));
    expect(notebookHtml(nb(md('# only one')), 't')).not.toContain('class="toc"');
    const math = /<nav class="toc">[\s\S]*?<\/nav>/.exec(notebookHtml(nb(md('# Maps of $S_i$ by [Fan](https://example.org)\n\n## `msd` *fits*')), 't'))![0];
    expect(math).toMatch(/<li><a href="#maps-of-s_i-by-fan">Maps of <span class="katex">[\s\S]*<\/span> by Fan<\/a>/); // math typeset, no link in the link
    expect(math).toContain('<li><a href="#msd-fits"><code>msd</code> <em>fits</em></a>');
    expect(math).not.toContain('$');
  });

  it('highlights code cells as TypeScript, escaped, and folds cells longer than FOLD_LINES', () => {
    const short = 'const a: number = 1; // "</script>"';
    const long = ['// panel (a): the long helper', ...Array.from({ length: FOLD_LINES }, (_, i) => `let x${i} = ${i};`)].join('\n');
    const html = notebookHtml(nb(code(short), code(long)), 't');
    expect(html).toMatch(/<span class="hljs-keyword">const<\/span> .*<span class="hljs-built_in">number<\/span> = <span class="hljs-number">1<\/span>;/);
    expect(html).toContain('<span class="hljs-comment">// &quot;&lt;/script&gt;&quot;</span>');
    expect(html).toContain('&quot;&lt;/script&gt;&quot;');
    const folded = html.match(/<details class="fold"><summary>(.*?)<\/summary>/g)!;
    expect(folded).toEqual([`<details class="fold"><summary><code>// panel (a): the long helper</code> <span class="fold-note">(${FOLD_LINES + 1} lines: show)</span></summary>`]);
    expect(html.indexOf('hljs-keyword">const</span>')).toBeLessThan(html.indexOf('<details class="fold">'));
  });

  it('styles an error as its name and message with the traceback folded, ANSI codes removed', () => {
    const err = { output_type: 'error', ename: 'RangeError', evalue: 'n must be < 3', traceback: ['\u001b[31mRangeError\u001b[0m: n must be < 3', '    at <anonymous>:1:7'] };
    const html = notebookHtml(nb(code('f(3)', [err])), 't');
    expect(html).toContain('<div class="output error"><div class="ename"><strong>RangeError</strong>: n must be &lt; 3</div>'
      + '<details><summary>traceback (2 lines)</summary><pre>RangeError: n must be &lt; 3\n    at &lt;anonymous&gt;:1:7</pre></details></div>');
  });

  it('escapes stream and text outputs and renders text/markdown outputs with the same renderer', () => {
    const outs = [
      { output_type: 'stream', name: 'stdout', text: ['<script>window.hacked = 1</script>\n', '<img src=x onerror=alert(1)>'] },
      { output_type: 'execute_result', execution_count: 1, metadata: {}, data: { 'text/plain': '<b>bold?</b>' } },
      { output_type: 'display_data', metadata: {}, data: { 'text/markdown': '## Result\n\n| k | v |\n|---|---|\n| $T$ | 0.3 |', 'text/plain': 'x' } },
    ];
    const html = notebookHtml(nb(md('# Run'), code('run()', outs)), 't');
    expect(html).toContain('<pre class="output stream">&lt;script&gt;window.hacked = 1&lt;/script&gt;\n&lt;img src=x onerror=alert(1)&gt;</pre>');
    expect(html).toContain('<pre class="output">&lt;b&gt;bold?&lt;/b&gt;</pre>');
    expect(html).toContain('<div class="output markdown"><h2 id="result">');
    expect(html).toContain('<a href="#result">Result</a>'); // in the table of contents too
    expect(html).toMatch(/<td><span class="katex">/);
  });

  it('loads KaTeX only with math: inline as woff2 data: URLs, or from the shared assets folder', () => {
    expect(notebookHtml(nb(md('no math')), 't')).not.toMatch(/KaTeX_|katex-[0-9]/);
    const page = nb(md('$x$'));
    const inline = notebookHtml(page, 't');
    expect(inline).toMatch(/@font-face\{[^}]*src:url\(data:font\/woff2;base64,[A-Za-z0-9+/=]+\) format\("woff2"\)\}/);
    expect(inline).not.toMatch(/url\(fonts\//);
    expect(inline).not.toMatch(/\.woff\)|\.ttf\)/);
    const shared = notebookHtml(page, 't', { assets: { mode: 'shared', href: 'assets' } });
    expect(shared).toMatch(/<link rel="stylesheet" href="assets\/katex-[0-9.]+\/katex\.min\.css">/);
    expect(shared).not.toContain('base64');
    expect(shared.length).toBeLessThan(inline.length - 200_000);
  });

  it('writes the shared assets once per version, complete, and repairs an incomplete folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-assets-'));
    try {
      const root = writeReportAssets(dir);
      const folders = readdirSync(root).sort();
      expect(folders).toHaveLength(2);
      expect(folders[0]).toMatch(/^katex-[0-9.]+$/);
      expect(folders[1]).toMatch(/^plotly\.js-[0-9.]+$/);
      const css = readFileSync(join(root, folders[0], 'katex.min.css'), 'utf8');
      const fonts = [...css.matchAll(/url\((fonts\/[^)]+)\)/g)].map((m) => m[1]);
      expect(fonts.length).toBeGreaterThan(15);
      for (const f of fonts) expect(existsSync(join(root, folders[0], f)), f).toBe(true);
      const plotly = join(root, folders[1], 'plotly.min.js');
      expect(statSync(plotly).size).toBeGreaterThan(1e6);
      const mtime = statSync(plotly).mtimeMs;
      writeReportAssets(dir); // complete: left alone
      expect(statSync(plotly).mtimeMs).toBe(mtime);
      rmSync(join(root, folders[0], fonts[0]));
      writeReportAssets(dir);
      expect(existsSync(join(root, folders[0], fonts[0]))).toBe(true);
      expect(readdirSync(root).sort()).toEqual(folders); // no temporary folder left
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('HTML report: Markdown links', () => {
  it('keeps a quote in a link target inside the href (issue 7: onmouseover injection)', () => {
    const html = markdownToHtml('see [z](x"/onmouseover="alert(1)") here');
    expect(html).not.toMatch(/onmouseover="/);
    expect(tags(html)).toEqual([{ name: 'p', attrs: [] }, { name: 'a', attrs: ['href'] }]);
    // CommonMark: the parentheses of alert(1) balance, so the target runs to the last quote
    expect(html).toBe('<p>see <a href="x%22/onmouseover=%22alert(1)%22">z</a> here</p>');
  });

  it('escapes quotes and angle brackets in link text and single quotes in targets', () => {
    const html = markdownToHtml(`[a "b" <i>](it's.html) and [<img src=x onerror=alert(1)>](y)`);
    expect(html).toBe('<p><a href="it%27s.html">a &quot;b&quot; &lt;i&gt;</a> and <a href="y">&lt;img src=x onerror=alert(1)&gt;</a></p>');
  });

  it('refuses javascript:, data: and vbscript: targets, however spelled', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', '\u0001javascript:alert(1)', 'java\u0000script:alert(1)',
      'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox', 'javascript&colon;alert(1)'.replace('&colon;', ':')]) {
      expect(safeHref(url), url).toBeNull();
      const html = markdownToHtml(`[click](${url})`);
      expect(html, url).not.toContain('<a');
      expect(html, url).not.toContain('<script');
    }
  });

  it('keeps http, https, mailto, relative and fragment links, percent-encoding what needs it', () => {
    expect(safeHref('https://example.org/a?b=1&c=2#d')).toBe('https://example.org/a?b=1&c=2#d');
    expect(markdownToHtml('[q](https://example.org/a?b=1&c=2)')).toBe('<p><a href="https://example.org/a?b=1&amp;c=2">q</a></p>');
    expect(safeHref('HTTP://example.org')).toBe('HTTP://example.org');
    expect(safeHref('mailto:a@b.org')).toBe('mailto:a@b.org');
    expect(safeHref('figures/g(r).svg')).toBe('figures/g(r).svg');
    expect(safeHref('#section-2')).toBe('#section-2');
    expect(safeHref('Glas_übergang%20x')).toBe('Glas_%C3%BCbergang%20x');
    expect(safeHref('a<b>`c')).toBe('a%3Cb%3E%60c');
  });

  it('renders a refused link as its text, escaped', () => {
    expect(markdownToHtml('[x](javascript:alert("1"))')).toBe('<p>[x](javascript:alert(&quot;1&quot;))</p>');
  });
});


/** A test-only script appended to a page: once fonts settle, writes each font face's family:status into body[data-fonts]. */
const FONT_PROBE = '<script>document.fonts.ready.then(() => { document.body.setAttribute("data-fonts", '
  + '[...document.fonts].map((f) => f.family.replace(/"/g, "") + ":" + f.status).join(" ")); '
  + 'document.body.setAttribute("data-hacked", String(window.hacked)); });</script>';

describe('HTML report offline in a browser', () => {
  const page = nb(md('# Math\n\n| a | b |\n|---|---|\n| $\\alpha$ | 2 |\n\n$$S(i) = \\sum_{\\omega < \\omega_c} \\frac{D_i(\\omega)}{\\sum_j D_j(\\omega)}$$'));
  for (const mode of ['inline', 'shared'] as const) {
    it.runIf(requireTool('chromium', 'the headless-browser test of the HTML report'))(
      `typesets math with KaTeX's own fonts, loaded with no network (${mode} assets)`, () => {
        const dir = mkdtempSync(join(tmpdir(), 'glasslab-offline-'));
        try {
          if (mode === 'shared') writeReportAssets(dir);
          const file = join(dir, 'math.html');
          const html = notebookHtml(page, 'math', mode === 'shared' ? { assets: { mode, href: 'assets' } } : {});
          writeFileSync(file, html.replace('</body>', `${FONT_PROBE}</body>`));
          const dom = browse(file, join(dir, 'profile'));
          expect(dom).not.toContain('$$');
          expect(dom).not.toContain('|---|');
          expect(dom).toContain('class="katex-display"');
          const fonts = Object.fromEntries(/data-fonts="([^"]*)"/.exec(dom)![1].split(' ').map((f) => f.split(':')));
          expect(fonts.KaTeX_Main).toBe('loaded');
          expect(fonts.KaTeX_Math).toBe('loaded');
          expect(Object.values(fonts)).not.toContain('error');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }, 120_000);
  }

  it.runIf(requireTool('chromium', 'the headless-browser test of the HTML report'))(
    'runs no script from Markdown or from a text, stream, error or Markdown output', () => {
      const hostile = '<script>window.hacked = 1</script><img src=x onerror="window.hacked = 2">';
      const outs = [
        { output_type: 'stream', name: 'stderr', text: hostile },
        { output_type: 'execute_result', execution_count: 1, metadata: {}, data: { 'text/plain': hostile } },
        { output_type: 'display_data', metadata: {}, data: { 'text/markdown': `**out** ${hostile}`, 'text/plain': 'x' } },
        { output_type: 'error', ename: hostile, evalue: hostile, traceback: [hostile] },
      ];
      const dir = mkdtempSync(join(tmpdir(), 'glasslab-hostile-'));
      try {
        const file = join(dir, 'hostile.html');
        writeFileSync(file, notebookHtml(nb(md(`# x ${hostile}\n\n${hostile}`), code(hostile, outs)), 'hostile').replace('</body>', `${FONT_PROBE}</body>`));
        const dom = browse(file, join(dir, 'profile'));
        expect(dom).toContain('data-hacked="undefined"');
        expect(dom).not.toMatch(/<img/);
        expect(dom).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i); // no element has a handler (the text shows them, escaped)
        expect(dom).toContain('&lt;img src=x onerror=');
        expect(dom.match(/<script/g)).toHaveLength(1); // the probe
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
});

describe('HTML report: hostile Markdown in a browser', () => {
  it.runIf(requireTool('chromium', 'the headless-browser test of hostile Markdown in the HTML report'))(
    'gives no element an event handler or a javascript: link', () => {
      const md = ['# Links', '[z](x"/onmouseover="alert(1)")', "[y](x'/onclick='alert(1)')", '[j](javascript:alert(1))',
        '[c](\u0001javascript:alert(1))', '[ok](https://example.org/?a=1&b="2")'].join('\n\n');
      const dir = mkdtempSync(join(tmpdir(), 'glasslab-hostile-'));
      try {
        const page = join(dir, 'hostile.html');
        writeFileSync(page, notebookHtml({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'markdown', source: md, metadata: {} }] }, 'hostile'));
        const r = spawnSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--proxy-server=127.0.0.1:9', `--user-data-dir=${join(dir, 'profile')}`,
          '--dump-dom', `file://${page}`], { encoding: 'utf8', timeout: 90_000 });
        expect(r.status).toBe(0);
        // the heading's own anchor link aside, every <a> comes from a Markdown link
        const all = [...r.stdout.matchAll(/<a\b([^>]*)>/g)].map((m) => m[1].trim());
        expect(all.filter((a) => a.startsWith('class="anchor-link" href="#links"'))).toHaveLength(1);
        const anchors = all.filter((a) => !a.startsWith('class="anchor-link"'));
        expect(anchors).toHaveLength(3);
        for (const a of anchors) expect(a, a).toMatch(/^href="[^"]*"$/); // one attribute, the href
        expect(r.stdout).not.toMatch(/\son[a-z]+=/i);
        expect(r.stdout).not.toMatch(/href="\s*javascript:/i);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
});
