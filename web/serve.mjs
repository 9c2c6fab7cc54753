#!/usr/bin/env node
/**
 * `npm run serve:lite`: serves the built site (site/) on 127.0.0.1 with the
 * cross-origin isolation headers (COOP same-origin, COEP require-corp) that
 * SharedArrayBuffer, and so the threaded wasm kernels, need in a browser.
 * A workshop host who wants the room to connect passes --host 0.0.0.0.
 *
 * Usage: node web/serve.mjs [--port N (8765; 0: any free port)] [--host H] [--dir site]
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.ipynb': 'application/json; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.wasm': 'application/wasm', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8', '.ico': 'image/x-icon',
};

/** Headers of every response: cross-origin isolation, and no caching surprises during a workshop's rebuilds. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

/** Serve `dir` on host:port; resolves with the server and its URL once listening. */
export function serveSite(dir, { port = 8765, host = '127.0.0.1' } = {}) {
  const root = resolve(dir);
  if (!existsSync(join(root, 'lab', 'index.html'))) {
    throw new Error(`serve:lite: ${root} has no lab/index.html: build the site first (npm run build:lite)`);
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (path !== root && !path.startsWith(root + sep)) { res.writeHead(403, ISOLATION_HEADERS).end('forbidden'); return; }
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    if (!existsSync(path) || !statSync(path).isFile()) { res.writeHead(404, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain' }).end('not found'); return; }
    res.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream', 'Content-Length': statSync(path).size });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(path).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const a = server.address();
      ok({ server, url: `http://${host}:${a.port}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opts = { port: 8765, host: '127.0.0.1' };
  let dir = join(fileURLToPath(new URL('..', import.meta.url)), 'site');
  for (let i = 0; i < args.length; i++) {
    const v = args[i + 1];
    if (args[i] === '--port' && v !== undefined && /^\d+$/.test(v)) { opts.port = Number(v); i++; }
    else if (args[i] === '--host' && v) { opts.host = v; i++; }
    else if (args[i] === '--dir' && v) { dir = v; i++; }
    else { console.error(`serve:lite: bad option '${args[i]}'${['--port', '--host', '--dir'].includes(args[i]) ? ' (needs a value; --port a number)' : ''}\nusage: node web/serve.mjs [--port N] [--host H] [--dir site]`); process.exit(2); }
  }
  try {
    const { url } = await serveSite(dir, opts);
    console.log(`glasslab site on ${url}lab/index.html (Ctrl-C stops)`);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
