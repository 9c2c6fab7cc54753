/**
 * The browser host's file system (src/platform/browser.ts), run in Node:
 * memory files and /tmp first, then a mounted store standing for the
 * JupyterLite drive (here a Map, as the kernel worker's drive client is
 * one synchronous store); gzip through Compression/DecompressionStream,
 * atomic outputs, folders, renames across memory and the store; and the
 * browser's `inspect` against Node's util.inspect.
 */
import { describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { inspect as nodeInspect } from 'node:util';
import { platform as browser } from '../../src/platform/browser.ts';
import { inspect } from '../../src/platform/inspect.ts';
import type { FileStat, FileStore } from '../../src/platform/types.ts';

/** A drive in a Map: files by path, folders as a set. */
function mapStore(): FileStore & { files: Map<string, Uint8Array>; dirs: Set<string>; calls: string[] } {
  const files = new Map<string, Uint8Array>(), dirs = new Set<string>(['/']), calls: string[] = [];
  const parent = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';
  return {
    files, dirs, calls,
    stat(p): FileStat | undefined {
      calls.push(`stat ${p}`);
      const f = files.get(p);
      if (f) return { size: f.length, mtimeMs: 1, isFile: true, isDirectory: false };
      return dirs.has(p) ? { size: 0, mtimeMs: 1, isFile: false, isDirectory: true } : undefined;
    },
    read(p) { calls.push(`read ${p}`); return files.get(p); },
    write(p, b) {
      if (!dirs.has(parent(p))) throw new Error(`no folder ${parent(p)}`);
      calls.push(`write ${p}`);
      files.set(p, b);
    },
    list(p) {
      if (!dirs.has(p)) return undefined;
      const pre = p === '/' ? '/' : `${p}/`;
      return [...files.keys(), ...dirs].filter((k) => k !== p && k.startsWith(pre) && !k.slice(pre.length).includes('/')).map((k) => k.slice(pre.length));
    },
    makeDir(p) { calls.push(`mkdir ${p}`); dirs.add(p); },
    remove(p) { calls.push(`rm ${p}`); files.delete(p); for (const k of [...files.keys()]) if (k.startsWith(`${p}/`)) files.delete(k); dirs.delete(p); },
    rename(a, b) { calls.push(`mv ${a} ${b}`); const f = files.get(a); if (f) { files.set(b, f); files.delete(a); } },
  };
}

describe('the browser file system', () => {
  const store = mapStore();
  browser.mountFiles(store);

  it('reads and writes the mounted store relative to the working folder; /tmp stays in memory', async () => {
    store.dirs.add('/notebooks');
    store.files.set('/notebooks/a.dump', new TextEncoder().encode('ITEM: TIMESTEP\n0\n'));
    browser.setCwd('/notebooks');
    expect(browser.cwd()).toBe('/notebooks');
    expect(browser.readText('a.dump')).toBe('ITEM: TIMESTEP\n0\n');
    expect(browser.stat('a.dump')).toMatchObject({ size: 17, isFile: true });
    expect(browser.exists('/notebooks')).toBe(true);
    expect(browser.resolvePath('x/../b.csv')).toBe('/notebooks/b.csv');
    expect(browser.relativePath('/notebooks', '/data/x')).toBe('../data/x');
    browser.makeDir('out/deep');
    expect(store.dirs.has('/notebooks/out') && store.dirs.has('/notebooks/out/deep')).toBe(true);
    browser.writeFileAtomic('out/deep/r.json', new TextEncoder().encode('{}'));
    expect(new TextDecoder().decode(store.files.get('/notebooks/out/deep/r.json'))).toBe('{}');
    expect(browser.readDir('out').sort()).toEqual(['deep']);
    const t = browser.makeTempDir('glasslab-md-');
    expect(t).toMatch(/^\/tmp\/glasslab-md-\w{6}$/);
    browser.writeFileAtomic(`${t}/final.data`, new Uint8Array([1, 2]));
    expect([...store.files.keys()].some((k) => k.startsWith('/tmp'))).toBe(false);
    expect(browser.readDir(t)).toEqual(['final.data']);
    // a rename from memory into the store copies the file there
    browser.rename(`${t}/final.data`, 'out/final.data');
    expect(store.files.get('/notebooks/out/final.data')).toEqual(new Uint8Array([1, 2]));
    expect(browser.exists(`${t}/final.data`)).toBe(false);
    browser.remove(t, { recursive: true });
    expect(browser.exists(t)).toBe(false);
    browser.appendText('log.jsonl', 'a\n');
    browser.appendText('log.jsonl', 'b\n');
    expect(browser.readText('/notebooks/log.jsonl')).toBe('a\nb\n');
    expect(() => browser.readText('nope.dump')).toThrow(/file not found: nope.dump in the browser's files/);
    browser.remove('out', { recursive: true });
    expect(browser.exists('out/deep/r.json')).toBe(false);
    browser.setCwd('/');
  });

  it('gzip outputs and reads, chunked reads and reads at an offset', async () => {
    const out = browser.openOutput('/g.dump.gz', { gzip: true });
    await out.write('hello ');
    await out.write(new TextEncoder().encode('world'));
    expect(browser.exists('/g.dump.gz')).toBe(false); // appears on close
    await out.close();
    const gz = store.files.get('/g.dump.gz')!;
    expect(gunzipSync(gz).toString()).toBe('hello world');
    store.files.set('/n.gz', gzipSync(Buffer.from('x'.repeat(100_000))));
    let text = '';
    for await (const c of browser.gunzip(browser.readChunks('/n.gz', 0, 1000), 1 << 16)) text += browser.latin1(c);
    expect(text).toBe('x'.repeat(100_000));
    const b = new Uint8Array(3);
    expect(await browser.readAt('/g.dump.gz', b, gz.length - 2)).toBe(2);
    const aborted = browser.openOutput('/never.txt');
    await aborted.write('x');
    await aborted.abort();
    expect(browser.exists('/never.txt')).toBe(false);
  });

  it('a browser has no processes, says so, and names the way out', () => {
    expect(() => browser.startProcess(['lmp'], { cwd: '/' })).toThrow(/a browser has no processes.*CLI or the Node kernel/);
    expect(browser.commandOutput(['git', 'status'], { cwd: '/' })).toBeUndefined();
  });
});

describe("the browser's inspect writes what Node's util.inspect writes", () => {
  class Point { constructor(public x = 1, public y = [2, 3]) {} }
  const cases: unknown[] = [
    42, -0, 'a', "it's", 1n, true, undefined, null, [], {}, [1, 'b', [2, [3, [4, [5]]]]], { a: 1, 'b-c': { d: { e: { f: 1 } } } },
    new Float64Array([1.5, 2]), new Map([['k', 1]]), new Set([1, 2]), new Point(), [undefined, null],
    Array.from({ length: 120 }, (_, i) => i % 5), { long: 'x'.repeat(60), other: 'y'.repeat(30) }, function named() {}, class K {},
  ];
  for (const v of cases) {
    it(Object.prototype.toString.call(v) + ' ' + String(v).slice(0, 30), () => {
      const opts = { depth: 2, maxArrayLength: 100, breakLength: 100 };
      const ours = inspect(v, opts), node = nodeInspect(v, opts);
      // Node groups long arrays of numbers into columns: compare those without layout
      if (Array.isArray(v) && v.length > 6) expect(ours.replace(/\s+/g, ' ')).toBe(node.replace(/\s+/g, ' '));
      else expect(ours).toBe(node);
    });
  }
});
