/**
 * The gallery (`glasslab gallery`, `npm run gallery`; issue [12]): the HTML
 * reports of the executed notebooks in one folder (the executed notebooks
 * themselves stay where run-notebooks wrote them), all loading KaTeX and
 * plotly.js from one shared `assets/` (report-assets.ts), and an index page
 * with, per notebook, its title, its provenance (commit, date, scale, wall
 * time, machine), one headline figure and its ours-vs-paper table, each
 * linking to the full report.
 *
 * What the index takes from an executed notebook:
 *  - the headline figure: the first Plotly figure whose title starts with
 *    `metadata.glasslab.gallery.headline` (the notebook says which figure
 *    stands for it); without that key, or when no figure matches, the first
 *    figure of the notebook (a warning says so);
 *  - the summary table: the last table output (`glasslab-table`, as the
 *    kernel displays `{columns, rows}`) with a column whose name contains
 *    "paper" (the notebooks' "ours against the paper" tables);
 *  - the headline claims and their verdicts: the claims of that table when
 *    the notebook made it with `claimsTable` (src/plot/claims.ts; the
 *    display puts them beside the HTML as CLAIMS_MIME). The index lists
 *    each claim that has a verdict with the column "reproduced at <scale>
 *    scale", the scale the notebook ran at: generated from the notebook's
 *    numbers and its stated criterion, never typed into the index;
 *  - the provenance: `metadata.glasslab.run` (provenance.ts), written by
 *    `run-notebooks`; the index states each notebook's cold time (what it
 *    costs without the cache), not the wall time of a rebuild from cached
 *    results.
 *
 * Beside the index it writes `claims.json` (src/io/gallery-claims.ts): each
 * notebook's claims with the scale, commit, date and wall time of the run,
 * which the notebooks read back at quick scale for their "at medium scale"
 * column (claimsTable's `atScale`).
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CLAIMS_MIME, figureHtml, PLOTLY_MIME } from '../src/display/mime.ts';
import { verdictText, type Claim } from '../src/plot/claims.ts';
import { galleryClaimsJson, GALLERY_CLAIMS_FILE, type GalleryClaimsRecord } from '../src/io/gallery-claims.ts';
import type { PlotlyFigure } from '../src/plot/figure.ts';
import { cellSource, readNotebook, writeAtomic, type Notebook } from './notebook.ts';
import { coldTime, formatWall, getProvenance, provenanceText, type RunProvenance } from './provenance.ts';
import { ASSETS_DIR, plotlyHeadTags, writeReportAssets, type ReportAssets } from './report-assets.ts';
import { notebookHtml } from './report-html.ts';
import { escapeHtml as esc } from './report-markdown.ts';

export interface GalleryEntry {
  /** file name without .ipynb, e.g. `03-zylberg2017-lte` */
  name: string;
  /** the notebook's first level-1 heading (plain text), or its name */
  title: string;
  /** the full report, relative to the index */
  report: string;
  headline?: { title: string; figure: PlotlyFigure };
  /** the ours-vs-paper table: its column names and its HTML as the kernel rendered it */
  summary?: { columns: string[]; html: string };
  /** the summary table's claims (claimsTable); absent for a table made otherwise */
  claims?: Claim[];
  provenance?: RunProvenance;
  /** what the index could not find as asked (logged by the command) */
  warnings: string[];
}

function outputText(v: unknown): string {
  return Array.isArray(v) ? v.join('') : String(v ?? '');
}

function figureTitle(fig: PlotlyFigure): string {
  const t = fig.layout?.title as string | { text?: string } | undefined;
  return typeof t === 'string' ? t : t?.text ?? '';
}

function unescapeHtml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** Column names of a kernel table (`<thead>` of `tableHtml`, without the index column). */
function tableColumns(html: string): string[] {
  const head = /<thead>([\s\S]*?)<\/thead>/.exec(html);
  if (!head) return [];
  return [...head[1].matchAll(/<th>([\s\S]*?)<\/th>/g)].map((m) => unescapeHtml(m[1])).slice(1);
}

/** What the index shows of one executed notebook (module doc). */
export function galleryEntry(nb: Notebook, name: string): GalleryEntry {
  const warnings: string[] = [];
  let title = name;
  for (const c of nb.cells) {
    if (c.cell_type !== 'markdown') continue;
    const h1 = /^#\s+(.+)$/m.exec(cellSource(c));
    if (h1) { title = h1[1].replace(/[*_`]/g, '').trim(); break; }
  }
  const figures: PlotlyFigure[] = [];
  let summary: GalleryEntry['summary'];
  let claims: Claim[] | undefined;
  for (const c of nb.cells) {
    if (c.cell_type !== 'code') continue;
    for (const o of c.outputs ?? []) {
      const data = (o.data ?? {}) as Record<string, unknown>;
      if (data[PLOTLY_MIME]) figures.push(data[PLOTLY_MIME] as PlotlyFigure);
      const html = outputText(data['text/html']);
      if (!data[PLOTLY_MIME] && html.includes('glasslab-table')) {
        const columns = tableColumns(html);
        if (columns.some((col) => /paper/i.test(col))) {
          summary = { columns, html };
          const cl = (data[CLAIMS_MIME] as { claims?: unknown } | undefined)?.claims;
          claims = Array.isArray(cl) ? (cl as Claim[]) : undefined;
        }
      }
    }
  }
  const want = ((nb.metadata.glasslab as { gallery?: { headline?: unknown } } | undefined)?.gallery?.headline);
  let figure = typeof want === 'string' ? figures.find((f) => figureTitle(f).startsWith(want)) : undefined;
  if (typeof want === 'string' && !figure) warnings.push(`no figure titled "${want}..." (metadata.glasslab.gallery.headline): showing the first figure`);
  if (!figure && figures.length > 0) figure = figures[0];
  if (figures.length === 0) warnings.push('no figure in the executed notebook');
  if (!summary) warnings.push('no table with a "paper" column in the executed notebook');
  else if (!claims) warnings.push('the summary table carries no claims (make it with claimsTable, glasslab/plot): no verdicts on the index');
  else if (!claims.some((c) => typeof c.reproduced === 'boolean')) warnings.push('the summary table gives no claim a verdict (reproduced: true or false)');
  const provenance = getProvenance(nb);
  if (!provenance) warnings.push('no provenance (metadata.glasslab.run): not executed by run-notebooks');
  return { name, title, report: `${name}.html`, headline: figure ? { title: figureTitle(figure), figure } : undefined, summary, ...(claims ? { claims } : {}), provenance, warnings };
}

/**
 * A sentence on the scale of the reports: e.g. "quick scale; medium pending"
 * when no report ran at medium or paper scale.
 */
export function scaleNote(entries: readonly GalleryEntry[]): string {
  const scales = [...new Set(entries.map((e) => e.provenance?.scale ?? 'unknown'))];
  const s = scales.join(' and ');
  return scales.every((x) => x === 'medium' || x === 'paper')
    ? `${s} scale`
    : `${s} scale; medium pending (npm run gallery runs every notebook at --scale medium, at most an hour each on 2 cores)`;
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
section{border-top:1px solid #dde;margin-top:2em;padding-top:.5em}.provenance{background:#f3f7ee;border:1px solid #cdb;padding:.3em .8em;font-size:13px}
.note{background:#fff6e0;border:1px solid #eb7;padding:.4em 1em}
table.dataframe,table.claims{border-collapse:collapse;font-size:13px;margin:.6em 0}table.dataframe td,table.dataframe th,table.claims td,table.claims th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
table.claims tr.yes td:nth-child(4){background:#e3f4e0}table.claims tr.no td:nth-child(4){background:#fbe3e0}`;

/** The time a notebook costs, as the index states it: the cold time, and the rebuild's wall time when the run reused cached results. */
export function timeNote(p: RunProvenance): string {
  const cold = coldTime(p);
  const rebuilt = p.cache && p.cache.reused > 0;
  return `${cold.lowerBound ? 'at least ' : ''}${formatWall(cold.seconds)} cold at ${p.scale} scale`
    + (rebuilt ? `; this page rebuilt from ${p.cache!.reused} cached results in ${formatWall(p.wallSeconds)}` : '');
}

/** The claims of an entry that have a verdict (the headline claims). */
export function headlineClaims(e: GalleryEntry): Claim[] {
  return (e.claims ?? []).filter((c) => typeof c.reproduced === 'boolean');
}

const cellText = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v ?? ''));

/** The headline claims of an entry as an HTML table, with the column "reproduced at <scale> scale". */
export function claimsHtml(e: GalleryEntry): string {
  const list = headlineClaims(e);
  if (list.length === 0) return '';
  const scale = e.provenance?.scale ?? 'unknown';
  const head = ['claim', 'ours', 'paper', `reproduced at ${scale} scale`, 'criterion'];
  const rows = list.map((c) => `<tr class="${c.reproduced ? 'yes' : 'no'}">${[c.quantity, cellText(c.ours), cellText(c.paper), verdictText(c.reproduced), c.criterion ?? '']
    .map((x) => `<td>${esc(x)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="claims"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>\n<tbody>${rows}</tbody></table>`;
}

/** The index's overview: every notebook's headline claims and verdicts, one table. */
export function claimsOverviewHtml(entries: readonly GalleryEntry[]): string {
  const rows = entries.flatMap((e) => headlineClaims(e).map((c) => `<tr class="${c.reproduced ? 'yes' : 'no'}"><td><a href="#${esc(e.name)}">${esc(e.name)}</a></td>`
    + `<td>${esc(c.quantity)}</td><td>${esc(e.provenance?.scale ?? 'unknown')}</td><td>${esc(verdictText(c.reproduced))}</td><td>${esc(c.criterion ?? '')}</td></tr>`));
  if (rows.length === 0) return '';
  return `<h2>Headline claims</h2>\n<table class="claims"><thead><tr><th>notebook</th><th>claim</th><th>scale</th><th>reproduced</th><th>criterion</th></tr></thead>\n<tbody>${rows.join('\n')}</tbody></table>`;
}

/** The index page; `assets` says where plotly.js is (one shared bundle for the index and every report). */
export function galleryIndexHtml(entries: readonly GalleryEntry[], assets: ReportAssets): string {
  const sections = entries.map((e) => {
    const prov = e.provenance
      ? `<p class="provenance">${esc(provenanceText(e.provenance))}</p>`
      : '<p class="provenance">provenance unknown</p>';
    const fig = e.headline ? figureHtml(e.headline.figure, { includePlotly: false, divId: `headline-${e.name}` }) : '';
    const claims = claimsHtml(e);
    const table = (claims ? `<h3>Headline claims</h3>\n${claims}\n` : '')
      + (e.summary ? `<h3>Ours against the paper</h3>\n<div class="summary">${e.summary.html}</div>` : '');
    return `<section id="${esc(e.name)}">\n<h2><a href="${esc(e.report)}">${esc(e.title)}</a></h2>\n${prov}\n${fig}\n${table}\n`
      + `<p><a href="${esc(e.report)}">Full report: ${esc(e.name)}.html</a>${e.provenance ? ` (${esc(timeNote(e.provenance))})` : ''}</p>\n</section>`;
  }).join('\n');
  const hasFigure = entries.some((e) => e.headline);
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>glasslab gallery</title>\n<style>${STYLE}</style>\n${hasFigure ? plotlyHeadTags(assets) : ''}\n</head><body>\n`
    + `<h1>glasslab gallery: the papers' figures reproduced</h1>\n<p class="note">${esc(scaleNote(entries))}.</p>\n`
    + `<p>Each section: one headline figure of the notebook and its table of our numbers next to the paper's. `
    + `The full reports hold every figure, the code and the reading of each result. Pages open offline: plotly.js and KaTeX load from <code>${ASSETS_DIR}/</code>.</p>\n`
    + `<ul>${entries.map((e) => `<li><a href="#${esc(e.name)}">${esc(e.title)}</a></li>`).join('')}</ul>\n${claimsOverviewHtml(entries)}\n${sections}\n</body></html>\n`;
}

/**
 * The claims record of the gallery (src/io/gallery-claims.ts): every entry
 * with claims and provenance, so that a notebook run at another scale shows
 * what this run gave (claimsTable's `atScale`).
 */
export function galleryClaimsRecord(entries: readonly GalleryEntry[]): GalleryClaimsRecord {
  const notebooks: GalleryClaimsRecord['notebooks'] = {};
  for (const e of entries) {
    if (!e.claims || !e.provenance) continue;
    const p = e.provenance;
    notebooks[e.name] = { scale: p.scale, commit: p.commit, date: p.date, wallSeconds: p.wallSeconds, claims: e.claims };
  }
  return { notebooks };
}

export interface GalleryOptions {
  /** folder of executed notebooks (`run-notebooks --out`) */
  from: string;
  /** the gallery folder: reports, assets/, index.html */
  out: string;
  log?: (line: string) => void;
}

/**
 * Build the gallery from executed notebooks: for each `<from>/*.ipynb`, its
 * report `<out>/<name>.html` (rendered again, with the shared assets of
 * `<out>/assets/`), then `<out>/index.html`. Returns the entries in file
 * order. The executed notebooks stay in `from`: each carries plotly.js
 * inlined in its first figure's HTML output (about 5 MB), so a gallery meant
 * to be committed holds only the pages and one copy of the assets.
 */
export async function buildGallery(opts: GalleryOptions): Promise<{ index: string; entries: GalleryEntry[] }> {
  const from = resolve(opts.from), out = resolve(opts.out);
  if (!existsSync(from)) throw new Error(`gallery: --from ${opts.from} does not exist; run the notebooks first (glasslab run-notebooks --out ${opts.from})`);
  const files = readdirSync(from).filter((f) => f.endsWith('.ipynb')).sort();
  if (files.length === 0) throw new Error(`gallery: no executed notebooks (.ipynb) in ${from}; run the notebooks first (glasslab run-notebooks --out ${opts.from})`);
  mkdirSync(out, { recursive: true });
  writeReportAssets(out);
  const assets: ReportAssets = { mode: 'shared', href: ASSETS_DIR };
  const entries: GalleryEntry[] = [];
  for (const f of files) {
    const name = basename(f, '.ipynb');
    const nb = readNotebook(join(from, f));
    writeAtomic(join(out, `${name}.html`), notebookHtml(nb, name, { assets }));
    const e = galleryEntry(nb, name);
    for (const w of e.warnings) opts.log?.(`${name}: ${w}`);
    entries.push(e);
  }
  const index = join(out, 'index.html');
  writeAtomic(index, galleryIndexHtml(entries, assets));
  writeAtomic(join(out, GALLERY_CLAIMS_FILE), galleryClaimsJson(galleryClaimsRecord(entries)));
  opts.log?.(`gallery: wrote ${index} (${entries.length} notebooks)`);
  return { index, entries };
}
