/**
 * Issue [13]'s check on the real notebooks: each curated notebook's prose
 * (its Markdown cells, rendered as the report renders them) shows no raw
 * table or display-math source in a browser and typesets its math; each
 * notebook's report in docs/gallery/ (written by `npm run gallery`) draws
 * every figure it carries with no network. A screenshot of each report is
 * saved under out/report-screenshots/ for a person to look at.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Notebook } from '../../kernel/notebook.ts';
import { notebookHtml } from '../../kernel/report-html.ts';
import { browse, requireTool } from './tools.ts';

describe('the curated notebooks\' reports in a browser', () => {
  const root = join(import.meta.dirname, '..', '..');
  const names = readdirSync(join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort().map((f) => f.replace(/\.ipynb$/, ''));
  it('lists the curated notebooks, each with a gallery report', () => {
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const n of names) expect(existsSync(join(root, 'docs', 'gallery', `${n}.html`)), `docs/gallery/${n}.html: run npm run gallery`).toBe(true);
  });
  for (const name of names) {
    it.runIf(requireTool('chromium', 'the headless-browser test of the curated notebooks\' reports'))(
      `${name}: Markdown and math typeset, every figure drawn offline`, () => {
        const dir = mkdtempSync(join(tmpdir(), 'glasslab-curated-'));
        try {
          const source = JSON.parse(readFileSync(join(root, 'notebooks', `${name}.ipynb`), 'utf8')) as Notebook;
          const prose = source.cells.filter((c) => c.cell_type === 'markdown');
          const file = join(dir, `${name}.html`);
          writeFileSync(file, notebookHtml({ ...source, cells: prose }, name));
          const dom = browse(file, join(dir, 'profile'));
          const text = dom.replace(/<annotation[^>]*>[\s\S]*?<\/annotation>/g, '');
          expect(text).not.toContain('$$');
          expect(text).not.toContain('|---|');
          const hasMath = prose.some((c) => /\$[^$\s][^$]*\$/.test(Array.isArray(c.source) ? c.source.join('') : c.source));
          if (hasMath) expect(dom).toContain('class="katex');

          const report = join(root, 'docs', 'gallery', `${name}.html`);
          const figures = (readFileSync(report, 'utf8').match(/Plotly\.newPlot\(/g) ?? []).length;
          expect(figures).toBeGreaterThan(0);
          const drawn = browse(report, join(dir, 'profile2'));
          expect((drawn.match(/js-plotly-plot/g) ?? []).length).toBe(figures);
          const shots = join(root, 'out', 'report-screenshots');
          mkdirSync(shots, { recursive: true });
          const r = spawnSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
            '--proxy-server=127.0.0.1:9', `--user-data-dir=${join(dir, 'profile3')}`, '--virtual-time-budget=5000', '--window-size=1280,2400',
            `--screenshot=${join(shots, `${name}.png`)}`, `file://${report}`], { timeout: 90_000 });
          expect(r.status).toBe(0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }, 300_000);
  }
});
