/**
 * TEMPORARY, the one place to remove when the platform seam (branch
 * lite-seam, issue [14] item 1) lands: an esbuild plugin that stands in for
 * Node's built-ins when the library is bundled into the browser kernel's
 * worker, plus the `process` global the display code reads (`process.pid`)
 * and the `setImmediate` the run loops yield with.
 *
 * What works: `node:path` (POSIX), `node:util` `inspect` (npm
 * object-inspect), `node:os` core count (1: the worker pools need the seam's
 * asynchronous start) and memory, `node:v8` flags (a no-op), `node:url`
 * `fileURLToPath`, and `node:fs` `readFileSync` of an http(s) URL (a
 * synchronous XHR, allowed in a worker: the wasm kernels next to the bundle
 * load this way, so MD runs on the wasm force kernels). Every other export
 * is a function that throws "... is not available in the browser kernel",
 * so a library path that needs a file system fails with a message, not a
 * crash at load.
 */
/** Export names per module that the library imports (grep "from 'node:" src). */
const NAMES = {
  fs: ['accessSync', 'appendFileSync', 'closeSync', 'constants', 'createReadStream', 'createWriteStream', 'existsSync', 'fsyncSync', 'mkdirSync', 'mkdtempSync',
    'openSync', 'promises', 'readFileSync', 'readSync', 'readdirSync', 'realpathSync', 'renameSync', 'rmSync', 'rmdirSync', 'statSync',
    'unlinkSync', 'writeFileSync', 'writeSync'],
  'fs/promises': ['mkdir', 'readFile', 'writeFile'],
  os: ['availableParallelism', 'tmpdir', 'totalmem', 'cpus', 'loadavg'],
  path: ['basename', 'delimiter', 'dirname', 'join', 'relative', 'resolve', 'sep'],
  util: ['inspect'],
  v8: ['setFlagsFromString'],
  url: ['fileURLToPath', 'pathToFileURL'],
  module: ['createRequire'],
  worker_threads: ['MessageChannel', 'Worker', 'parentPort', 'workerData'],
  child_process: ['spawn', 'spawnSync', 'execFileSync'],
  stream: ['pipeline', 'Readable', 'Writable'],
  zlib: ['createGunzip', 'createGzip'],
};

/** Real implementations (module source), keyed by module; the rest throw. */
const IMPL = {
  fs: `
export function readFileSync(file, enc) {
  const url = typeof file === 'string' ? file : file.href;
  if (!/^https?:/.test(url)) unavailable('fs', 'readFileSync of ' + url)();
  const xhr = new XMLHttpRequest();
  xhr.open('GET', url, false);
  if (enc) { xhr.send(); if (xhr.status !== 200) throw new Error('GET ' + url + ': ' + xhr.status); return xhr.responseText; }
  xhr.overrideMimeType('text/plain; charset=x-user-defined');
  xhr.send();
  if (xhr.status !== 200) throw new Error('GET ' + url + ': ' + xhr.status);
  const s = xhr.responseText, b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}
export function existsSync() { return false; }
export const constants = { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 };
export const promises = new Proxy({}, { get: (_, k) => unavailable('fs', 'promises.' + String(k)) });
`,
  os: `
export function availableParallelism() { return 1; }
export function cpus() { return [{}]; }
export function totalmem() { return 4 * 2 ** 30; }
export function tmpdir() { return '/tmp'; }
export function loadavg() { return [0, 0, 0]; } // unknown in a browser (as Node on Windows reports it)
`,
  path: `
export const sep = '/';
export const delimiter = ':';
function normalize(p) {
  const abs = p.startsWith('/'), out = [];
  for (const s of p.split('/')) { if (!s || s === '.') continue; if (s === '..' && out.length && out[out.length - 1] !== '..') out.pop(); else if (s !== '..' || !abs) out.push(s); }
  return (abs ? '/' : '') + out.join('/') || (abs ? '/' : '.');
}
export function join(...parts) { return normalize(parts.filter(Boolean).join('/')); }
export function resolve(...parts) { let p = ''; for (const s of parts) p = s.startsWith('/') ? s : p + '/' + s; return normalize(p.startsWith('/') ? p : '/' + p); }
export function basename(p, ext) { const b = p.replace(/\\/+$/, '').split('/').pop() ?? ''; return ext && b.endsWith(ext) ? b.slice(0, -ext.length) : b; }
export function dirname(p) { const i = p.replace(/\\/+$/, '').lastIndexOf('/'); return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i); }
export function relative(from, to) { const a = resolve(from).split('/').filter(Boolean), b = resolve(to).split('/').filter(Boolean); let i = 0; while (i < a.length && a[i] === b[i]) i++; return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/'); }
`,
  util: `
import objectInspect from 'object-inspect';
export function inspect(value, opts = {}) { return typeof value === 'string' ? value : objectInspect(value, { depth: opts.depth ?? 2 }); }
`,
  v8: `export function setFlagsFromString() {}`,
  url: `
export function fileURLToPath(u) { return decodeURIComponent(new URL(String(u)).pathname); }
export function pathToFileURL(p) { return new URL('file://' + p); }
`,
  worker_threads: `export const parentPort = null; export const workerData = null;`,
};

function moduleSource(name) {
  const impl = IMPL[name] ?? '';
  const defined = new Set([...impl.matchAll(/export (?:function|const|class) (\w+)/g)].map((m) => m[1]));
  const rest = NAMES[name].filter((n) => !defined.has(n)).map((n) => `export const ${n} = unavailable(${JSON.stringify(name)}, ${JSON.stringify(n)});`);
  return `function unavailable(mod, what) {
  return function () { throw new Error('node:' + mod + ' ' + what + ' is not available in the browser kernel (it needs a file system or processes: use the Node kernel)'); };
}
${impl}
${rest.join('\n')}
export default {};
`;
}

/** The esbuild plugin: `node:X` and bare `X` of the modules above -> the stubs. */
export function nodeStubs() {
  const names = Object.keys(NAMES);
  const filter = new RegExp(`^(node:)?(${names.map((n) => n.replace('/', '\\/')).join('|')})$`);
  return {
    name: 'glasslab-node-stubs',
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: args.path.replace(/^node:/, ''), namespace: 'node-stub' }));
      build.onLoad({ filter: /.*/, namespace: 'node-stub' }, (args) => ({
        contents: moduleSource(args.path),
        loader: 'js',
        resolveDir: new URL('.', import.meta.url).pathname,
      }));
    },
  };
}

/**
 * Source run before the worker bundle: the `process` global the library
 * reads, and `setImmediate` (the run loops yield with it): a MessageChannel
 * round trip, a macrotask without setTimeout's 4 ms clamp.
 */
export const PROCESS_SHIM = `globalThis.setImmediate ??= (f, ...a) => { const c = new MessageChannel(); c.port1.onmessage = () => { c.port1.close(); f(...a); }; c.port2.postMessage(0); };
globalThis.process ??= { pid: 1, env: {}, argv: [], platform: 'browser', versions: {}, cwd: () => '/',
  stdout: { write: (s) => { console.log(String(s).replace(/\\n$/, '')); return true; }, isTTY: false },
  stderr: { write: (s) => { console.error(String(s).replace(/\\n$/, '')); return true; }, isTTY: false },
  on() {}, off() {}, exit() { throw new Error('process.exit in the browser kernel'); } };`;
