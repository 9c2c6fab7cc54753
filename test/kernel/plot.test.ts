import { describe, expect, it } from 'vitest';
import { isPlotlyFigure, lineFigure, msdFigure, rdfFigure, thermoFigure } from '../../src/plot/figure.ts';
import {
  figureBundle, newDisplayState, PLOTLY_MIME, plotlyJs, progressBundle, scriptSafeJson, tableHtml, tableText, toMimeBundle, toMimeBundles,
} from '../../src/display/mime.ts';
import { notebookHtml } from '../../kernel/report-html.ts';
import { markdownToHtml } from '../../kernel/report-markdown.ts';
import { withExportsTypes } from '../../kernel/library.ts';

describe('figure builders', () => {
  it('builds line figures from typed arrays, as plain JSON', () => {
    const f = lineFigure([{ name: 'A', x: new Float64Array([1, 2]), y: new Float64Array([3, 4]) }], { xTitle: 'r [sigma]', logY: true });
    expect(isPlotlyFigure(f)).toBe(true);
    expect(JSON.parse(JSON.stringify(f)).data[0]).toEqual({ type: 'scatter', mode: 'lines', name: 'A', x: [1, 2], y: [3, 4] });
    expect(f.layout.yaxis).toMatchObject({ type: 'log' });
    expect(() => lineFigure([{ name: 'bad', x: [1, 2], y: [1] }])).toThrow(/series 'bad' has 2 x values but 1 y values/);
  });

  it('drops t = 0 from the log-log MSD plot and labels units', () => {
    const f = msdFigure([0, 0.1, 1], { A: [0, 0.01, 0.1] });
    expect(f.data[0].x).toEqual([0.1, 1]);
    expect(f.data[0].y).toEqual([0.01, 0.1]);
    expect(f.layout.xaxis).toMatchObject({ type: 'log', title: { text: 't [tau]' } });
    const g = rdfFigure([1, 2], { AA: [0.5, 1], AB: [0.2, 1] });
    expect(g.data.map((t) => t.name)).toEqual(['AA', 'AB']);
  });

  it('stacks thermo panels on one shared x axis', () => {
    const f = thermoFigure([0, 10, 20], { temp: [1, 0.9, 0.8], pe: [-5, -6, -7] });
    expect(f.data.map((t) => t.yaxis)).toEqual(['y', 'y2']);
    const d1 = (f.layout.yaxis as { domain: number[] }).domain;
    const d2 = (f.layout.yaxis2 as { domain: number[] }).domain;
    expect(d1[0]).toBeGreaterThan(d2[1]); // first panel on top, no overlap
    expect(f.layout.xaxis).toMatchObject({ anchor: 'y2' });
    expect(() => thermoFigure([0], {})).toThrow(/no columns/);
  });
});

describe('MIME bundles', () => {
  const fig = lineFigure([{ name: 'A', x: [1, 2], y: [3, 4] }], { title: 'T' });

  it('sends the figure JSON, offline HTML and text, with plotly.js inlined once per session', () => {
    const state = newDisplayState();
    const first = figureBundle(fig, state);
    const second = figureBundle(fig, state);
    expect(first[PLOTLY_MIME]).toEqual(JSON.parse(JSON.stringify({ data: fig.data, layout: fig.layout })));
    expect(first['text/plain']).toBe("<Plotly figure 'T': 1 trace (A)>");
    const { code, version } = plotlyJs();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect((first['text/html'] as string).length).toBeGreaterThan(code.length);
    expect((second['text/html'] as string).length).toBeLessThan(5000);
    for (const b of [first, second]) {
      const html = b['text/html'] as string;
      expect(html).not.toMatch(/<script[^>]+src=/i); // nothing fetched: no CDN
      expect(html).toContain('Plotly.newPlot');
    }
  });

  it('escapes JSON placed inside a script element', () => {
    expect(scriptSafeJson({ s: '</script><b>' })).toBe('{"s":"\\u003c/script>\\u003cb>"}');
    expect(JSON.parse(scriptSafeJson({ s: '</script>' }))).toEqual({ s: '</script>' });
  });

  it('limits table rows (head and tail around an ellipsis) and states the size', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [i, i / 3]);
    const html = tableHtml({ columns: ['id', 'x'], rows });
    expect((html.match(/<tr>/g) ?? []).length).toBe(1 + 10 + 1 + 10);
    expect(html).toContain('<th>99</th>');
    expect(html).not.toContain('<th>50</th>');
    expect(html).toContain('100 rows × 2 columns');
    expect(tableText({ columns: ['a'], rows: [[1], [2]] })).toBe('   a\n0  1\n1  2\n\n[2 rows x 1 columns]');
  });

  it('dispatches values: toMimeBundle, figures, analysis results, tables, text', () => {
    const state = newDisplayState();
    expect(toMimeBundle({ toMimeBundle: () => ({ 'text/plain': 'mine' }) }, state)).toEqual({ 'text/plain': 'mine' });
    expect(Object.keys(toMimeBundle(fig, state)).sort()).toEqual([PLOTLY_MIME, 'text/html', 'text/plain'].sort());
    const table = () => ({ columns: ['omega', 'D'], rows: [[1, 2]] });
    const result = { kind: 'vdos', figure: () => [fig, fig], summary: () => 'VDOS of 10 frames', table, toJSON: () => ({ kind: 'vdos', version: 1, data: {} }) };
    const b = toMimeBundle(result, state);
    expect(b['text/plain']).toBe('VDOS of 10 frames');
    expect(b[PLOTLY_MIME]).toEqual(JSON.parse(JSON.stringify({ data: fig.data, layout: fig.layout })));
    expect((b['text/html'] as string).match(/Plotly\.newPlot/g)).toHaveLength(2); // every figure of the result
    expect(b['text/html']).toContain('<pre class="glasslab-summary">VDOS of 10 frames</pre>');
    // no figure to draw: the summary and the table
    const flat = toMimeBundle({ ...result, figure: () => { throw new Error('2D only'); } }, state);
    expect(flat['text/html']).toContain('<th>omega</th>');
    // a figure() without the rest of the protocol is not sniffed
    expect(toMimeBundle({ figure: () => fig, summary: () => 'x' }, state)[PLOTLY_MIME]).toBeUndefined();
    const df = { columns: ['a', 'b'], shape: [1, 2], values: [[1, 2]] }; // danfojs DataFrame shape
    expect(toMimeBundle(df, state)['text/html']).toContain('<th>a</th>');
    expect(toMimeBundle(42, state)).toEqual({ 'text/plain': '42' });
  });

  it('shows real danfojs DataFrames and Series as tables with their index labels and a row limit', async () => {
    const dfd = await import('danfojs'); // slow import (some seconds): this one test only
    const n = 100;
    const df = new dfd.DataFrame({ id: Array.from({ length: n }, (_, i) => i + 1), p: Array.from({ length: n }, (_, i) => i / 4) });
    const html = toMimeBundle(df, newDisplayState())['text/html'] as string;
    expect(html).toContain('<th>id</th><th>p</th>');
    expect(html.match(/<tr><th>\d+<\/th>/g)).toHaveLength(20); // head and tail of 10 rows
    expect(html).toContain('<tr><th>99</th><td>100</td><td>24.7500</td></tr>');
    expect(html).toContain(`<p>${n} rows × 2 columns</p>`);

    const top = df.query(df.p.gt(24)); // keeps the original row labels 97..99
    expect(toMimeBundle(top, newDisplayState())['text/plain']).toBe('     id        p\n97   98  24.2500\n98   99  24.5000\n99  100  24.7500\n\n[3 rows x 2 columns]');
    const stats = toMimeBundle(df.describe(), newDisplayState())['text/html'] as string;
    expect(stats).toContain('<tr><th>mean</th><td>50.5000</td><td>12.3750</td></tr>');
    const series = toMimeBundle(df.p, newDisplayState())['text/html'] as string; // one column
    expect(series).toContain('<th>p</th>');
    expect(series).toContain('<tr><th>1</th><td>0.250000</td></tr>');
  }, 60_000);

  it('gives the kernel\'s TypeScript 5.0 the types a package names only in exports', () => {
    const danfo = JSON.stringify({ name: 'danfojs', exports: { '.': { types: './dist/index.d.ts', node: './dist/index.js' } } });
    expect(JSON.parse(withExportsTypes('/p/node_modules/danfojs/package.json', danfo)).types).toBe('./dist/index.d.ts');
    const scoped = JSON.stringify({ exports: { import: { types: './a.d.mts' }, require: { types: './a.d.cts' } } });
    expect(JSON.parse(withExportsTypes('/p/node_modules/@s/x/package.json', scoped)).types).toBe('./a.d.mts');
    const typed = JSON.stringify({ types: 'own.d.ts', exports: { '.': { types: './other.d.ts' } } });
    expect(withExportsTypes('/p/node_modules/x/package.json', typed)).toBe(typed);
    expect(withExportsTypes('/p/src/package.json', danfo)).toBe(danfo); // not a dependency
    expect(withExportsTypes('/p/node_modules/x/package.json', '{broken')).toBe('{broken');
  });

  it('renders progress as text and an HTML progress bar', () => {
    const b = progressBundle('md', 50, 200, 2);
    expect(b['text/plain']).toBe('md: 25.0% (50/200, 2.0 s ETA 6.0 s)');
    expect(b['text/html']).toContain('<progress value="50" max="200"');
    expect(progressBundle('md', 200, 200, 8, true)['text/plain']).toBe('md: 100.0% (200/200, 8.0 s) done');
    expect(progressBundle('md', 120, 200, 8, true)['text/plain']).toBe('md: 60.0% (120/200, 8.0 s) stopped');
    expect(progressBundle('md', 500, 2000, 2, false, 'steps')['text/plain']).toBe('md: 25.0% (500/2000 steps, 2.0 s, 250 steps/s ETA 6.0 s)');
  });
});

describe('HTML report', () => {
  it('renders the markdown subset notebooks use', () => {
    expect(markdownToHtml('# Title\nsome *it* and **bold** `x<y`\n\n- a\n- b')).toBe(
      '<h1 id="title">Title<a class="anchor-link" href="#title" aria-label="link to this section">¶</a></h1>\n'
      + '<p>some <em>it</em> and <strong>bold</strong> <code>x&lt;y</code></p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>');
  });

  it('puts plotly.js once in the head and draws each figure from its JSON', () => {
    const out = { output_type: 'display_data', data: { [PLOTLY_MIME]: fig2(), 'text/plain': 'f' }, metadata: {} };
    const html = notebookHtml({
      nbformat: 4, nbformat_minor: 5, metadata: {},
      cells: [{ cell_type: 'code', source: 'f', metadata: {}, execution_count: 1, outputs: [out, out] }],
    }, 'nb');
    expect(html.split('/* plotly.js ').length - 1).toBe(1);
    expect(html.indexOf('/* plotly.js ')).toBeLessThan(html.indexOf('</head>'));
    expect(html.split('Plotly.newPlot').length - 1).toBe(2);
  });

  it('shows an analysis result with its summary, every figure and its table, plotly.js still once', () => {
    const result = { kind: 'vdos', figure: () => [fig2(), fig2()], summary: () => 'VDOS <of> 10 frames', table: () => ({ columns: ['omega', 'D'], rows: [[1, 2]] }), toJSON: () => ({ kind: 'vdos', version: 1, data: {} }) };
    const out = { output_type: 'execute_result', data: toMimeBundle(result, newDisplayState()), metadata: {}, execution_count: 1 };
    expect((out.data['text/html'] as string)).toContain('/* plotly.js '); // the bundle inlines it for a bare notebook
    const html = notebookHtml({
      nbformat: 4, nbformat_minor: 5, metadata: {},
      cells: [{ cell_type: 'code', source: 'r', metadata: {}, execution_count: 1, outputs: [out] }],
    }, 'nb');
    expect(html).toContain('<pre class="glasslab-summary">VDOS &lt;of&gt; 10 frames</pre>');
    expect(html.split('Plotly.newPlot').length - 1).toBe(2);
    expect(html).toContain('<details class="glasslab-result-table">');
    expect(html).toContain('<th>omega</th>');
    expect(html.split('/* plotly.js ').length - 1).toBe(1);
    expect(html.indexOf('/* plotly.js ')).toBeLessThan(html.indexOf('</head>'));
  });
});

describe('a result as several outputs (JupyterLab draws only the Plotly part of a bundle)', () => {
  const result = { kind: 'vdos', figure: () => [fig2(), lineFigure([{ name: 'C', x: [0, 1], y: [0, 2] }])], summary: () => 'VDOS <of> 10 frames', table: () => ({ columns: ['omega', 'D'], rows: [[1, 2]] }), toJSON: () => ({ kind: 'vdos', version: 1, data: {} }) };

  it('gives the summary, one bundle per figure with its own Plotly part, then the folded table', () => {
    const state = newDisplayState();
    const [summary, f1, f2, table, ...more] = toMimeBundles(result, state);
    expect(more).toEqual([]);
    expect(summary).toEqual({ 'text/html': '<pre class="glasslab-summary">VDOS &lt;of&gt; 10 frames</pre>', 'text/plain': 'VDOS <of> 10 frames' });
    expect((f1[PLOTLY_MIME] as { data: { name: string }[] }).data[0].name).toBe('B');
    expect((f2[PLOTLY_MIME] as { data: { name: string }[] }).data[0].name).toBe('C');
    expect(f1['text/html']).toContain('/* plotly.js '); // inlined once, in the first figure of the session
    expect(f2['text/html']).not.toContain('/* plotly.js ');
    expect(table['text/html']).toMatch(/^<details class="glasslab-result-table"><summary>table: 1 rows × 2 columns \(omega, D\)<\/summary>/);
    expect(table['text/plain']).toBe(tableText(result.table()));
    expect(table[PLOTLY_MIME]).toBeUndefined();
    // nothing to draw: one bundle, as before; any other value: its one bundle
    expect(toMimeBundles({ ...result, figure: () => { throw new Error('3D'); } }, state)).toHaveLength(1);
    expect(toMimeBundles(fig2(), state)).toHaveLength(1);
    expect(toMimeBundles(42, state)).toEqual([{ 'text/plain': '42' }]);
    expect(toMimeBundles({ ...result, toMimeBundle: () => ({ 'text/plain': 'mine' }) }, state)).toEqual([{ 'text/plain': 'mine' }]);
  });

  it('renders in the HTML report as the single bundle did: the summary, every figure, the folded table, plotly.js once', () => {
    const page = (outputs: Record<string, unknown>[]) => notebookHtml({
      nbformat: 4, nbformat_minor: 5, metadata: {},
      cells: [{ cell_type: 'code', source: 'r', metadata: {}, execution_count: 1, outputs }],
    }, 'nb');
    const [first, ...rest] = toMimeBundles(result, newDisplayState());
    const split = page([{ output_type: 'execute_result', data: first, metadata: {}, execution_count: 1 }, ...rest.map((data) => ({ output_type: 'display_data', data, metadata: {} }))]);
    const single = page([{ output_type: 'execute_result', data: toMimeBundle(result, newDisplayState()), metadata: {}, execution_count: 1 }]);
    for (const html of [split, single]) {
      expect(html).toContain('<div class="output html result"><pre class="glasslab-summary">VDOS &lt;of&gt; 10 frames</pre>');
      expect(html.split('Plotly.newPlot').length - 1).toBe(2);
      expect(html.split('/* plotly.js ').length - 1).toBe(1);
      expect(html).toContain('<details class="glasslab-result-table">');
    }
    // the same order on the page: summary, figure B, figure C, table
    const at = (html: string) => ['glasslab-summary', '"name":"B"', '"name":"C"', 'glasslab-result-table'].map((k) => html.indexOf(k));
    for (const html of [split, single]) expect(at(html)).toEqual([...at(html)].sort((a, b) => a - b));
  });
});

function fig2() {
  return lineFigure([{ name: 'B', x: [0, 1], y: [1, 0] }]);
}
