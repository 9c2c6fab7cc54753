/**
 * The gallery index (kernel/gallery.ts): from executed notebooks it picks
 * the headline figure the notebook names, the ours-vs-paper table and the
 * provenance; every page loads plotly.js from the one shared assets folder
 * (nothing inlined); the reports state their provenance; bad input fails
 * with the folder named.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGallery, claimsHtml, galleryEntry, scaleNote, timeNote } from '../../kernel/gallery.ts';
import type { Notebook, NotebookCell } from '../../kernel/notebook.ts';
import { cpus } from 'node:os';
import { getProvenance, provenanceText, startProvenance, type RunProvenance } from '../../kernel/provenance.ts';
import { newDisplayState, PLOTLY_MIME, tableBundle, toMimeBundle } from '../../src/display/mime.ts';
import { claimsTable, type Claim } from '../../src/plot/claims.ts';
import { GALLERY_CLAIMS_FILE, readScaleClaims, type GalleryClaimsRecord } from '../../src/io/gallery-claims.ts';

const tmp = mkdtempSync(join(tmpdir(), 'glasslab-gallery-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const provenance = (scale: string): RunProvenance => ({
  commit: '0123456789abcdef0123456789abcdef01234567', dirty: false, date: '2026-12-06T03:00:00.000Z', scale, wallSeconds: 754.3,
  machine: { cpus: 2, model: 'Test CPU @ 2.0GHz', memoryGiB: 8, loadStart: [1.5, 1.2, 1], loadEnd: [2.25, 1.5, 1.1] },
  node: 'v20.0.0',
});
const figure = (title: string) => ({ output_type: 'display_data', metadata: {}, data: { [PLOTLY_MIME]: { data: [{ type: 'scatter', x: [1, 2], y: [3, 4], name: title }], layout: { title: { text: title } } }, 'text/plain': title } });
const table = (columns: string[], rows: unknown[][]) => ({ output_type: 'execute_result', metadata: {}, execution_count: 1, data: tableBundle({ columns, rows }) });
const md = (source: string): NotebookCell => ({ cell_type: 'markdown', source, metadata: {} });
const code = (outputs: Record<string, unknown>[]): NotebookCell => ({ cell_type: 'code', source: 'x', metadata: {}, execution_count: 1, outputs });

function notebook(headline: string | undefined, scale = 'quick'): Notebook {
  return {
    nbformat: 4, nbformat_minor: 5,
    metadata: { glasslab: { run: provenance(scale), ...(headline ? { gallery: { headline } } : {}) } },
    cells: [
      md('# Local thermal energy (*Zylberg* et al.)\n\ntext'),
      code([figure('Fig. 1: the map'), table(['bond', 'E'], [[1, 2]])]),
      code([figure('Fig. 2: p(E_alpha), 2D IPL, 10 glasses')]),
      md('## Summary'),
      code([table(['quantity', 'ours', 'paper', 'note'], [['tail exponent of p(E > 0)', '-3.45 +- 0.12', '-9/4 = -2.25', 'N = 400 & <b>']])]),
      code([table(['step', 'value'], [[1, 2]])]),
    ],
  };
}

describe('run provenance', () => {
  it('records the commit of the checkout, the machine and the wall time; unknown outside git', async () => {
    const rec = startProvenance(process.cwd(), 'medium');
    await new Promise((r) => setTimeout(r, 30));
    const p = rec.finish();
    expect(p.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(p.scale).toBe('medium');
    expect(p.wallSeconds).toBeGreaterThanOrEqual(0.02);
    expect(p.machine.cpus).toBe(cpus().length);
    expect(p.machine.loadStart).toHaveLength(3);
    expect(Date.parse(p.date)).toBeGreaterThan(Date.parse('2020-01-01'));
    expect(startProvenance(tmp, 'quick').finish().commit).toBe('unknown');
    expect(getProvenance({ nbformat: 4, nbformat_minor: 5, metadata: { glasslab: { run: p } }, cells: [] })).toEqual(p);
    expect(getProvenance({ nbformat: 4, nbformat_minor: 5, metadata: { glasslab: { run: { commit: 1 } } }, cells: [] })).toBeUndefined();
  });
});

describe('cold time of a run rebuilt from the cache', () => {
  const rebuilt = (unrecorded: number): RunProvenance => ({
    ...provenance('medium'), wallSeconds: 95,
    cache: { computed: 1, reused: 3, unrecorded, readSeconds: 2, reusedColdSeconds: 3600, firstDate: '2026-12-04T22:10:00.000Z', lastDate: '2026-12-05T01:00:00.000Z' },
    coldSeconds: 3693,
  });

  it('says plainly that results were reused, when they were computed, and both times', () => {
    expect(provenanceText(rebuilt(0))).toContain('scale medium, rebuilt from cached results computed from 2026-12-04 to 2026-12-05 (3 cache entries reused, 1 computed now): '
      + "wall time of this run 1 min 35 s, cold time 1 h 1 min (this run's own work plus the recorded compute time of the reused entries), commit 0123456789ab");
    expect(provenanceText(rebuilt(1))).toContain('cold time at least 1 h 1 min (this run\'s own work plus the recorded compute time of the reused entries; 1 of them has no record of it)');
    expect(provenanceText({ ...provenance('quick'), cache: { computed: 2, reused: 0, unrecorded: 0, readSeconds: 0, reusedColdSeconds: 0 }, coldSeconds: 754.3 }))
      .toContain('scale quick, wall time 12 min 34 s (cold: no cached result reused), commit');
    // a record from before cache uses were logged: the wall time as it was
    expect(provenanceText(provenance('quick'))).toContain('scale quick, wall time 12 min 34 s, commit');
  });

  it('the index gives the cold time, and the rebuild time beside it', () => {
    expect(timeNote(rebuilt(0))).toBe('1 h 1 min cold at medium scale; this page rebuilt from 3 cached results in 1 min 35 s');
    expect(timeNote(rebuilt(2))).toMatch(/^at least 1 h 1 min cold/);
    expect(timeNote(provenance('quick'))).toBe('12 min 34 s cold at quick scale');
  });
});

describe('gallery index', () => {
  it('takes the headline figure the notebook names, the ours-vs-paper table and the provenance', () => {
    const e = galleryEntry(notebook('Fig. 2: p(E'), '03-zylberg2017-lte');
    expect(e.title).toBe('Local thermal energy (Zylberg et al.)');
    expect(e.headline?.title).toBe('Fig. 2: p(E_alpha), 2D IPL, 10 glasses');
    expect(e.summary?.columns).toEqual(['quantity', 'ours', 'paper', 'note']);
    expect(e.summary?.html).toContain('<td>-3.45 +- 0.12</td>');
    expect(e.summary?.html).toContain('N = 400 &amp; &lt;b&gt;');
    expect(e.provenance?.scale).toBe('quick');
    expect(e.warnings).toEqual(['the summary table carries no claims (make it with claimsTable, glasslab/plot): no verdicts on the index']);
  });

  it('falls back to the first figure, and says so, when the named one is missing', () => {
    const e = galleryEntry(notebook('Fig. 9'), 'x');
    expect(e.headline?.title).toBe('Fig. 1: the map');
    expect(e.warnings.join('\n')).toContain('no figure titled "Fig. 9..."');
    const bare = galleryEntry({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [code([table(['a'], [[1]])])] }, 'bare');
    expect(bare.headline).toBeUndefined();
    expect(bare.summary).toBeUndefined();
    expect(bare.warnings).toHaveLength(3);
  });

  it('reads the headline claims and their verdicts from a claimsTable summary, and lists them with the scale of the run', async () => {
    const claims: Claim[] = [
      { quantity: 'tail exponent of p(E > 0)', ours: '-2.41 +- 0.09', paper: '-9/4', reproduced: true, criterion: 'within 0.3 of -9/4' },
      { quantity: 'n_hop soft > diffusive > all', ours: '1.74 / 1.82 / 1.44', paper: '11 / 7 / 1.6', reproduced: false, criterion: 'ordered, error bars apart' },
      { quantity: 'F_1(1)', ours: 0.21, paper: '~0.2' },
    ];
    const nb = notebook('Fig. 2', 'medium');
    nb.cells.push(code([{ output_type: 'display_data', metadata: {}, data: toMimeBundle(claimsTable(claims), newDisplayState()) }]));
    const e = galleryEntry(nb, '03-zylberg2017-lte');
    expect(e.warnings).toEqual([]);
    expect(e.summary?.columns).toEqual(['quantity', 'ours', 'paper', 'reproduced', 'criterion']);
    expect(e.claims?.map((c) => c.reproduced)).toEqual([true, false, undefined]);
    const html = claimsHtml(e);
    expect(html).toContain('<th>reproduced at medium scale</th>');
    expect(html).toContain('<tr class="yes"><td>tail exponent of p(E &gt; 0)</td><td>-2.41 +- 0.09</td><td>-9/4</td><td>yes</td><td>within 0.3 of -9/4</td></tr>');
    expect(html).toContain('<td>no</td><td>ordered, error bars apart</td>');
    expect(html).not.toContain('F_1(1)');                 // no verdict: context, not a headline claim
    // a summary table made by hand: no verdicts, and the log says how to get them
    expect(galleryEntry(notebook('Fig. 2'), 'x').claims).toBeUndefined();
    expect(claimsHtml(galleryEntry(notebook('Fig. 2'), 'x'))).toBe('');
    const from = join(tmp, 'executed-claims'), out = join(tmp, 'gallery-claims');
    mkdirSync(from, { recursive: true });
    writeFileSync(join(from, '03-zylberg2017-lte.ipynb'), JSON.stringify(nb));
    writeFileSync(join(from, '04-wei.ipynb'), JSON.stringify(notebook(undefined)));
    const logs: string[] = [];
    const g = await buildGallery({ from, out, log: (l) => logs.push(l) });
    const index = readFileSync(g.index, 'utf8');
    expect(index).toContain('<h2>Headline claims</h2>');
    expect(index).toContain('<tr class="no"><td><a href="#03-zylberg2017-lte">03-zylberg2017-lte</a></td><td>n_hop soft &gt; diffusive &gt; all</td><td>medium</td><td>no</td>');
    expect(logs.join('\n')).toContain('04-wei: the summary table carries no claims (make it with claimsTable, glasslab/plot)');
    // claims.json: the claims and their run, read back as a quick run's "at medium scale" column; a notebook without claims has no entry
    const file = join(out, GALLERY_CLAIMS_FILE);
    const rec = JSON.parse(readFileSync(file, 'utf8')) as GalleryClaimsRecord;
    expect(Object.keys(rec.notebooks)).toEqual(['03-zylberg2017-lte']);
    expect(rec.notebooks['03-zylberg2017-lte']).toMatchObject({ scale: 'medium', commit: provenance('medium').commit, wallSeconds: 754.3 });
    const atMedium = readScaleClaims(file, '03-zylberg2017-lte')!;
    expect(atMedium.scale).toBe('medium');
    const quick = claimsTable([{ quantity: 'tail exponent of p(E > 0)', ours: '-3.45 +- 0.12', paper: '-9/4', reproduced: false, criterion: 'within 0.3 of -9/4' }], { atScale: atMedium });
    expect(quick.columns).toContain('at medium scale');
    expect(quick.rows[0]).toContain('-2.41 +- 0.09 (yes)');
    expect(readScaleClaims(file, '04-wei')).toBeNull();
    expect(readScaleClaims(join(out, 'nothing.json'), '03-zylberg2017-lte')).toBeNull();
    writeFileSync(join(out, 'bad.json'), '{"notebooks": ');
    expect(() => readScaleClaims(join(out, 'bad.json'), 'x')).toThrow(/bad\.json: not JSON .*rebuild it with glasslab gallery/);
    writeFileSync(join(out, 'other.json'), '{"pages": {}}');
    expect(() => readScaleClaims(join(out, 'other.json'), 'x')).toThrow(/other\.json: no "notebooks" object/);
  });

  it('says the scale: quick means medium is pending', () => {
    const q = galleryEntry(notebook(undefined, 'quick'), 'a'), m = galleryEntry(notebook(undefined, 'medium'), 'b');
    expect(scaleNote([q])).toMatch(/^quick scale; medium pending/);
    expect(scaleNote([m])).toBe('medium scale');
    expect(scaleNote([q, m])).toMatch(/^quick and medium scale; medium pending/);
  });

  it('builds index and reports with one shared plotly bundle, the provenance on every page', async () => {
    const from = join(tmp, 'executed'), out = join(tmp, 'gallery');
    mkdirSync(from, { recursive: true });
    writeFileSync(join(from, '03-zylberg2017-lte.ipynb'), JSON.stringify(notebook('Fig. 2')));
    writeFileSync(join(from, '01-fan.ipynb'), JSON.stringify(notebook(undefined)));
    const logs: string[] = [];
    const g = await buildGallery({ from, out, log: (l) => logs.push(l) });
    expect(g.entries.map((e) => e.name)).toEqual(['01-fan', '03-zylberg2017-lte']);
    const index = readFileSync(g.index, 'utf8');
    // headline figure drawn from the shared bundle, table and provenance on the index
    expect(index).toContain('id="headline-03-zylberg2017-lte"');
    expect(index).toContain('"text":"Fig. 2: p(E_alpha), 2D IPL, 10 glasses"');
    const zyl = index.slice(index.indexOf('<section id="03-zylberg2017-lte">'));
    expect(zyl).not.toContain('Fig. 1: the map');
    expect(index).toContain('id="headline-01-fan"'); // no headline named: the first figure
    expect(index).toContain('<td>-9/4 = -2.25</td>');
    expect(index).toContain('1 rows × 4 columns'); // written as UTF-8
    expect(index).toContain('commit 0123456789ab');
    expect(index).toContain('wall time 12 min 34 s');
    expect(index).toContain('2 x Test CPU @ 2.0GHz');
    expect(index).toContain('quick scale; medium pending');
    expect(index).toContain('<a href="03-zylberg2017-lte.html">');
    const src = /<script src="(assets\/plotly\.js-[^"]+\/plotly\.min\.js)"><\/script>/.exec(index);
    expect(src).not.toBeNull();
    expect(existsSync(join(out, src![1]))).toBe(true);
    for (const page of ['index.html', '01-fan.html', '03-zylberg2017-lte.html']) {
      const html = readFileSync(join(out, page), 'utf8');
      expect(html, page).not.toContain('/* plotly.js ');
      expect(html.length, page).toBeLessThan(100_000);
      expect(html, page).toContain(src![0]);
      expect(html, page).toContain('load average 1.50 1.20 1.00 at the start');
    }
    // the executed notebooks (plotly.js inlined in their first figure) stay out of the gallery
    expect(readdirSync(out).sort()).toEqual(['01-fan.html', '03-zylberg2017-lte.html', 'assets', 'claims.json', 'index.html']);
    expect(logs.join('\n')).toContain('gallery: wrote');
    // the same executed notebooks give the same pages (no churn when the gallery is regenerated and committed)
    const before = readdirSync(out).filter((f) => f.endsWith('.html')).map((f) => readFileSync(join(out, f), 'utf8'));
    await buildGallery({ from, out });
    expect(readdirSync(out).filter((f) => f.endsWith('.html')).map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(before);
  });

  it('names the folder and what to do when there is nothing to build from', async () => {
    await expect(buildGallery({ from: join(tmp, 'nowhere'), out: join(tmp, 'o') })).rejects.toThrow(/--from .*nowhere does not exist; run the notebooks first/);
    mkdirSync(join(tmp, 'empty'));
    await expect(buildGallery({ from: join(tmp, 'empty'), out: join(tmp, 'o') })).rejects.toThrow(/no executed notebooks \(\.ipynb\) in .*empty/);
  });
});
