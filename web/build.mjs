#!/usr/bin/env node
/**
 * `npm run build:lite`: the glasslab JupyterLite site, offline and static,
 * in site/ (issue [14] item 3). No Python: `jupyter lite build` is replaced by
 *  - esbuild bundles of the lab app (web/src/app.ts: JupyterLite 0.8's lab
 *    with its extensions linked statically) and of the kernel's worker
 *    (web/src/kernel-worker.ts: the library and the session), plus the
 *    library's wasm kernels next to the worker;
 *  - what @jupyter/builder and the Python addons write: the settings
 *    schemas (build/schemas/all.json), the themes (build/themes/...), and the
 *    contents index of the notebooks (api/contents/.../all.json, files/...);
 *  - lab/index.html with the page config.
 * The site is built in a temporary folder next to site/ and renamed into
 * place (an interrupted build leaves the old site). `npm ci --prefix web`
 * runs first when web/node_modules is missing or older than the lock file.
 *
 * Usage: node web/build.mjs [--out DIR] [--dev]   (--dev: no minification)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(WEB, '..');

function usage(msg) {
  console.error(`build:lite: ${msg}\nusage: node web/build.mjs [--out DIR] [--dev]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let outDir = join(ROOT, 'site');
let dev = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') { if (!args[i + 1]) usage('--out needs a folder'); outDir = resolve(args[++i]); }
  else if (args[i] === '--dev') dev = true;
  else usage(`unknown option '${args[i]}'`);
}

// the old site is replaced: never a folder that is not one (the repository, web/, a typo)
if (existsSync(outDir) && readdirSync(outDir).length > 0 && !existsSync(join(outDir, 'lab', 'index.html'))) {
  usage(`--out ${outDir} exists and is not a glasslab site (no lab/index.html): give a new or empty folder`);
}
if (ROOT.startsWith(outDir)) usage(`--out ${outDir} contains the repository: give a folder of its own`);

/**
 * npm ci --prefix web when web/node_modules is missing or differs from the
 * lock file: some package of the lock absent or at another version in
 * npm's own record of the install (node_modules/.package-lock.json). A
 * checkout that only touches the lock file's time does not reinstall.
 */
function ensureDeps() {
  const installed = join(WEB, 'node_modules', '.package-lock.json');
  const lock = JSON.parse(readFileSync(join(WEB, 'package-lock.json'), 'utf8')).packages;
  const have = existsSync(installed) ? JSON.parse(readFileSync(installed, 'utf8')).packages : {};
  const stale = Object.entries(lock).filter(([k, v]) => k !== '' && !v.optional && have[k]?.version !== v.version);
  if (stale.length === 0) return;
  console.log(`[build:lite] npm ci --prefix web (the site's own dependencies; ${existsSync(installed) ? `${stale.length} differ from the lock, e.g. ${stale[0][0]}` : 'not installed'})`);
  execFileSync('npm', ['ci', '--prefix', WEB, '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

ensureDeps();
const require = createRequire(join(WEB, 'package.json'));
const esbuild = require('esbuild');

const tmp = `${outDir}.tmp-${process.pid}`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(join(tmp, 'build'), { recursive: true });
const t0 = performance.now();

/** `~pkg/...` in JupyterLab CSS (webpack's module prefix) -> `pkg/...`; SVG imported by JS is a string, by CSS a data URL. */
const jupyterlabAssets = {
  name: 'jupyterlab-assets',
  setup(build) {
    build.onResolve({ filter: /^~/ }, (a) => build.resolve(a.path.slice(1), { kind: a.kind, resolveDir: a.resolveDir }));
    build.onResolve({ filter: /\.svg([#?].*)?$/ }, async (a) => {
      if (a.namespace === 'svg-url' || a.pluginData === 'svg') return undefined;
      const r = await build.resolve(a.path.replace(/[#?].*$/, ''), { kind: a.kind, resolveDir: a.resolveDir, pluginData: 'svg' });
      if (r.errors.length) return r;
      return { path: r.path, namespace: a.kind === 'url-token' ? 'svg-url' : 'svg-text' };
    });
    build.onLoad({ filter: /.*/, namespace: 'svg-text' }, (a) => ({ contents: readFileSync(a.path, 'utf8'), loader: 'text' }));
    build.onLoad({ filter: /.*/, namespace: 'svg-url' }, (a) => ({ contents: readFileSync(a.path), loader: 'dataurl' }));
  },
};

const loaders = { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.png': 'file', '.gif': 'file', '.jpg': 'file', '.wasm': 'file', '.md': 'text', '.txt': 'text' };
const common = {
  bundle: true, minify: !dev, sourcemap: false, legalComments: 'none', target: ['chrome110', 'firefox115', 'safari16'],
  loader: loaders, logLevel: 'warning', absWorkingDir: ROOT, nodePaths: [join(WEB, 'node_modules')],
  define: { 'process.env.NODE_ENV': dev ? '"development"' : '"production"' },
};

// 1. the lab app: code-split ES modules (plotly.js and mathjax load on first use)
const app = await esbuild.build({
  ...common, entryPoints: { app: join(WEB, 'src', 'app.ts') }, outdir: join(tmp, 'build'), format: 'esm', splitting: true,
  chunkNames: 'chunks/[name]-[hash]', assetNames: 'assets/[name]-[hash]', plugins: [jupyterlabAssets], metafile: true,
});

// 2. the kernel's worker: the library for the browser platform (conditions ['browser']: src/platform/browser.ts, no Node module)
// and the session, with the wasm kernels next to it (the worker puts them into the platform's files at start)
const wasmFiles = ['src/core/wasm', 'src/linalg/wasm', 'src/neighbor/wasm'].flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.wasm')).map((f) => join(ROOT, d, f)));
const worker = await esbuild.build({
  ...common, entryPoints: { 'kernel-worker': join(WEB, 'src', 'kernel-worker.ts') }, outdir: join(tmp, 'build'), format: 'esm',
  platform: 'browser', conditions: ['browser'], metafile: true,
  define: { ...common.define, GLASSLAB_WASM: JSON.stringify(wasmFiles.map((f) => basename(f))) },
});
for (const wasm of wasmFiles) cpSync(wasm, join(tmp, 'build', basename(wasm)));
cpSync(join(WEB, 'src', 'glasslab-logo.svg'), join(tmp, 'build', 'glasslab-logo.svg'));

// 3. settings schemas (@jupyter/builder's ensureAssets + jupyterlite's CompileSchemasPlugin)
const webPkg = JSON.parse(readFileSync(join(WEB, 'package.json'), 'utf8'));
const allSchemas = [];
for (const name of Object.keys(webPkg.dependencies)) {
  const pj = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8'));
  const schemaDir = pj.jupyterlab?.schemaDir;
  if (!schemaDir || !existsSync(join(dirname(require.resolve(`${name}/package.json`)), schemaDir))) continue;
  const dir = join(dirname(require.resolve(`${name}/package.json`)), schemaDir);
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    allSchemas.push({ id: `${name}:${basename(f, '.json')}`, raw: '{}', schema, settings: {}, version: pj.version });
  }
}
mkdirSync(join(tmp, 'build', 'schemas'), { recursive: true });
writeFileSync(join(tmp, 'build', 'schemas', 'all.json'), JSON.stringify(allSchemas));
writeFileSync(join(tmp, 'build', 'schemas', 'all_federated.json'), '[]');
// the translations API of `jupyter lite build` (English only)
mkdirSync(join(tmp, 'api', 'translations'), { recursive: true });
writeFileSync(join(tmp, 'api', 'translations', 'all.json'), JSON.stringify({ data: { en: { displayName: 'English', nativeName: 'English' } }, message: '' }));
writeFileSync(join(tmp, 'api', 'translations', 'en.json'), JSON.stringify({ data: {}, message: '' }));

// 4. themes: each theme's CSS bundled with its fonts and images, where the theme plugin loads it
for (const theme of ['@jupyterlab/theme-light-extension', '@jupyterlab/theme-dark-extension']) {
  const pj = JSON.parse(readFileSync(require.resolve(`${theme}/package.json`), 'utf8'));
  await esbuild.build({
    ...common, entryPoints: { index: join(dirname(require.resolve(`${theme}/package.json`)), pj.jupyterlab.themePath) },
    outdir: join(tmp, 'build', 'themes', theme), assetNames: '[name]-[hash]', plugins: [jupyterlabAssets],
  });
}

/**
 * A notebook that has the workshop scale (its parameters cell declares
 * `'workshop'` among its scales: src/util/scale.ts) starts at it on the
 * site, which runs on one thread in a browser tab; the others keep theirs.
 */
function atWorkshopScale(file) {
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  const cell = nb.cells.find((c) => c.metadata?.tags?.includes('parameters'));
  const text = cell && (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
  if (!text || !/const scale: [^=]*'workshop'[^=]*= '\w+';/.test(text)) return;
  cell.source = text.replace(/(const scale: [^=]*= )'\w+';/, "$1'workshop';");
  writeFileSync(file, JSON.stringify(nb, null, 1) + '\n');
}

// 5. contents: the notebooks (and the small data files they read) in the file browser
const CONTENTS = [{ from: join(ROOT, 'notebooks'), to: 'notebooks', keep: (f) => f.endsWith('.ipynb') || f.endsWith('.md') }];
const EPOCH = new Date(0).toISOString();
function writeContents(src, rel, keep) {
  const entries = [];
  for (const f of readdirSync(src).sort()) {
    const full = join(src, f);
    const path = rel ? `${rel}/${f}` : f;
    const st = statSync(full);
    if (st.isDirectory()) {
      if (writeContents(full, path, keep) === 0) continue;
      entries.push({ name: f, path, type: 'directory', created: EPOCH, last_modified: st.mtime.toISOString(), format: 'json', mimetype: null, size: null, writable: true, content: null });
    } else if (keep(f)) {
      mkdirSync(join(tmp, 'files', rel), { recursive: true });
      cpSync(full, join(tmp, 'files', path));
      if (f.endsWith('.ipynb')) atWorkshopScale(join(tmp, 'files', path));
      const nb = f.endsWith('.ipynb');
      entries.push({ name: f, path, type: nb ? 'notebook' : 'file', created: EPOCH, last_modified: st.mtime.toISOString(), format: nb ? 'json' : 'text',
        mimetype: nb ? 'application/x-ipynb+json' : 'text/markdown', size: statSync(join(tmp, 'files', path)).size, writable: true, content: null });
    }
  }
  mkdirSync(join(tmp, 'api', 'contents', rel), { recursive: true });
  writeFileSync(join(tmp, 'api', 'contents', rel, 'all.json'), JSON.stringify({ name: basename(rel), path: rel, type: 'directory', created: EPOCH,
    last_modified: EPOCH, format: 'json', mimetype: null, size: null, writable: true, content: entries }));
  return entries.length;
}
const rootEntries = [];
for (const c of CONTENTS) {
  writeContents(c.from, c.to, c.keep);
  rootEntries.push({ name: c.to, path: c.to, type: 'directory', created: EPOCH, last_modified: statSync(c.from).mtime.toISOString(), format: 'json', mimetype: null, size: null, writable: true, content: null });
}
writeFileSync(join(tmp, 'api', 'contents', 'all.json'), JSON.stringify({ name: '', path: '', type: 'directory', created: EPOCH, last_modified: EPOCH,
  format: 'json', mimetype: null, size: null, writable: true, content: rootEntries }));

// 6. pages: lab/index.html with the page config (URLs made absolute against the site root at load, as config-utils.js does)
const liteVersion = JSON.parse(readFileSync(require.resolve('@jupyterlite/services/package.json'), 'utf8')).version;
const labVersion = JSON.parse(readFileSync(require.resolve('@jupyterlab/application/package.json'), 'utf8')).version;
const config = {
  appName: 'glasslab', appVersion: liteVersion, appUrl: './lab', baseUrl: './', defaultKernelName: 'glasslab', fullStaticUrl: './build',
  settingsUrl: './build/schemas', themesUrl: 'build/themes', contentsAllJsonFile: 'all.json', federated_extensions: [], mode: 'multiple-document',
  treePath: '', workspacesUrl: './lab/workspaces', treeUrl: './lab/tree', licensesUrl: 'lab/api/licenses', fullLabextensionsUrl: './extensions',
  exposeAppInBrowser: 'true', disabledExtensions: [], notebookStartsKernel: true,
  versionInfo: { '@jupyterlab/application': { label: 'JupyterLab', version: labVersion } },
};
// app.css, then the CSS esbuild split off with lazily imported chunks (all small): loaded with the page
const cssFiles = Object.keys(app.metafile.outputs).filter((f) => f.endsWith('.css')).sort((a, b) => Number(b.endsWith('/app.css')) - Number(a.endsWith('/app.css')))
  .map((f) => `../${relative(tmp, join(ROOT, f)).split(sep).join('/')}`);
mkdirSync(join(tmp, 'lab'), { recursive: true });
writeFileSync(join(tmp, 'lab', 'index.html'), `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>glasslab</title>
${cssFiles.map((c) => `<link rel="stylesheet" href="${c}">`).join('\n')}
<script id="jupyter-config-data" type="application/json">${JSON.stringify(config)}</script>
<script>
  // URLs of the config, made absolute against the site root (the folder above lab/)
  (function () {
    var el = document.getElementById('jupyter-config-data');
    var c = JSON.parse(el.textContent);
    var root = new URL('..', window.location.href);
    for (var k in c) if (typeof c[k] === 'string' && /Url$/.test(k) && c[k].startsWith('./')) c[k] = new URL(c[k], root).href;
    c.baseUrl = root.href;
    el.textContent = JSON.stringify(c);
  })();
</script>
</head>
<body>
<script type="module" src="../build/app.js"></script>
</body>
</html>
`);
writeFileSync(join(tmp, 'index.html'), '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=lab/index.html"><title>glasslab</title></head>'
  + '<body><a href="lab/index.html">glasslab in the browser</a></body></html>\n');

// swap into place
const old = `${outDir}.old-${process.pid}`;
if (existsSync(outDir)) renameSync(outDir, old);
renameSync(tmp, outDir);
rmSync(old, { recursive: true, force: true });

function sizeOf(dir) {
  let s = 0;
  for (const f of readdirSync(dir)) { const p = join(dir, f); const st = statSync(p); s += st.isDirectory() ? sizeOf(p) : st.size; }
  return s;
}
const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;
const workerBytes = Object.entries(worker.metafile.outputs).reduce((s, [, o]) => s + o.bytes, 0);
console.log(`[build:lite] ${relative(ROOT, outDir)}/: ${mb(sizeOf(outDir))} in all (kernel worker ${mb(workerBytes)}), ${((performance.now() - t0) / 1000).toFixed(1)} s`);
