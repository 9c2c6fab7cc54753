/**
 * What an HTML report needs besides itself, offline: the KaTeX stylesheet
 * and fonts (math is typeset at export time, but the glyphs are KaTeX's own
 * fonts) and plotly.js (figures are drawn in the page). Two ways to ship them:
 *  - inline: everything inside the page (fonts as data: URLs, about 0.35 MB
 *    more per page with math, plotly.js about 4.8 MB per page with figures):
 *    one file that can be mailed;
 *  - shared: one folder `assets/` next to the reports, written once per
 *    package version by `writeReportAssets` and referenced relatively, so
 *    a gallery of reports loads each library once.
 * Only woff2 fonts are kept (every browser that runs plotly.js reads woff2).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { plotlyJs, plotlyScriptTag } from '../src/display/mime.ts';
import { escapeHtml } from './report-markdown.ts';

const require = createRequire(import.meta.url);

/** How a page gets its assets: inside it, or from a shared folder at a relative URL (e.g. `assets`). */
export type ReportAssets = { mode: 'inline' } | { mode: 'shared'; href: string };

/** Folder name of the shared assets, next to the reports. */
export const ASSETS_DIR = 'assets';

interface Bundle {
  /** folder under assets/, versioned: a new version never mixes with old files */
  name: string;
  /** file name (relative to the bundle folder) -> contents */
  files: Map<string, Buffer | string>;
}

let katexBundle: Bundle & { css: string; fonts: Map<string, Buffer> } | undefined;

/** The KaTeX stylesheet with woff2-only font sources, and those fonts. */
function katex(): NonNullable<typeof katexBundle> {
  if (!katexBundle) {
    const dist = dirname(require.resolve('katex/dist/katex.min.css'));
    const version = (JSON.parse(readFileSync(join(dirname(dist), 'package.json'), 'utf8')) as { version: string }).version;
    const css = readFileSync(join(dist, 'katex.min.css'), 'utf8').replace(/src:([^;}]*)/g, (all, list: string) => {
      const woff2 = /url\((fonts\/[^)]+\.woff2)\)/.exec(list);
      if (!woff2) throw new Error(`katex ${version}: a @font-face without a woff2 source in katex.min.css: ${all.slice(0, 80)}`);
      return `src:url(${woff2[1]}) format("woff2")`;
    });
    const fonts = new Map<string, Buffer>();
    for (const f of readdirSync(join(dist, 'fonts')).filter((f) => f.endsWith('.woff2'))) fonts.set(`fonts/${f}`, readFileSync(join(dist, 'fonts', f)));
    katexBundle = { name: `katex-${version}`, css, fonts, files: new Map<string, Buffer | string>([['katex.min.css', css], ...fonts]) };
  }
  return katexBundle;
}

function plotly(): Bundle {
  const { version, code } = plotlyJs();
  return { name: `plotly.js-${version}`, files: new Map([['plotly.min.js', code]]) };
}

/** `<style>` or `<link>` that gives the page KaTeX's stylesheet and fonts. */
export function katexHeadTags(assets: ReportAssets): string {
  const k = katex();
  if (assets.mode === 'shared') return `<link rel="stylesheet" href="${escapeHtml(`${assets.href}/${k.name}/katex.min.css`)}">`;
  const css = k.css.replace(/url\((fonts\/[^)]+\.woff2)\)/g, (_, f: string) => `url(data:font/woff2;base64,${k.fonts.get(f)!.toString('base64')})`);
  return `<style>/* ${k.name} (inlined, offline) */\n${css}</style>`;
}

/** `<script>` tags that load plotly.js: inlined, or from the shared folder (AMD `define` hidden while it loads, as inline). */
export function plotlyHeadTags(assets: ReportAssets): string {
  if (assets.mode === 'inline') return plotlyScriptTag();
  return '<script>var __glasslabDefine = window.define; window.define = undefined;</script>\n'
    + `<script src="${escapeHtml(`${assets.href}/${plotly().name}/plotly.min.js`)}"></script>\n`
    + '<script>window.define = __glasslabDefine;</script>';
}

function complete(dir: string, b: Bundle): boolean {
  for (const [f, data] of b.files) {
    const p = join(dir, f);
    if (!existsSync(p) || statSync(p).size !== Buffer.byteLength(data)) return false;
  }
  return true;
}

/**
 * Write `<outDir>/assets/<bundle>-<version>/` for KaTeX and plotly.js
 * unless already there and complete. Each bundle folder is built under a
 * temporary name and renamed into place, so a report never sees half a
 * bundle; returns the assets folder.
 */
export function writeReportAssets(outDir: string): string {
  const root = join(outDir, ASSETS_DIR);
  mkdirSync(root, { recursive: true });
  for (const b of [katex(), plotly()]) {
    const dir = join(root, b.name);
    if (complete(dir, b)) continue;
    const tmp = `${dir}.tmp-${process.pid}`;
    const old = `${dir}.old-${process.pid}`;
    try {
      rmSync(tmp, { recursive: true, force: true });
      for (const [f, data] of b.files) {
        mkdirSync(dirname(join(tmp, f)), { recursive: true });
        writeFileSync(join(tmp, f), data);
      }
      if (existsSync(dir)) renameSync(dir, old);
      renameSync(tmp, dir);
      rmSync(old, { recursive: true, force: true });
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`${dir}: writing the report assets failed: ${(e as Error).message}`);
    }
  }
  return root;
}
