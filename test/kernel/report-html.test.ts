/**
 * The HTML report's Markdown against hostile input: a link target never
 * leaves its href attribute, and only http, https, mailto and relative
 * targets become links.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notebookHtml } from '../../kernel/report-html.ts';
import { markdownToHtml, safeHref } from '../../kernel/report-markdown.ts';
import { requireTool } from './tools.ts';

/** Every tag of the page with its attributes, as a browser would split them (enough for our output). */
function tags(html: string): { name: string; attrs: string[] }[] {
  return [...html.matchAll(/<([a-z0-9]+)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*>/g)].map((m) => ({
    name: m[1],
    attrs: [...m[2].matchAll(/\s+([^\s=>]+)/g)].map((a) => a[1]),
  }));
}

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
