import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CACHE_LOG_ENV, cached, cachedFiles, computedRecordPath, cachePath, cacheUses, canonicalJson, coldSeconds, readCacheLog, summarizeCacheUses, type CacheComputation } from '../../src/io/cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'glasslab-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cached: computations keyed by their parameters', () => {
  it('computes once per parameter set, keeps typed arrays and NaN, and keys by every parameter', async () => {
    let calls = 0;
    const compute = () => { calls++; return { e: Float64Array.of(1.5, NaN, -Infinity), n: [3, 4], label: 'is' }; };
    const stem = join(dir, 'track');
    const a = await cached(stem, { N: 500, T: 0.26, frames: 12 }, compute);
    const b = await cached(stem, { frames: 12, T: 0.26, N: 500 }, compute); // same parameters, other key order
    expect(calls).toBe(1);
    expect(b.e).toBeInstanceOf(Float64Array);
    expect(b).toEqual(a);
    await cached(stem, { N: 500, T: 0.26, frames: 13 }, compute);
    expect(calls).toBe(2);
    expect(cachePath(stem, { N: 500, T: 0.26, frames: 13 })).not.toBe(cachePath(stem, { N: 500, T: 0.26, frames: 12 }));
    expect(JSON.parse(readFileSync(cachePath(stem, { N: 500, T: 0.26, frames: 12 }), 'utf8')).params).toEqual({ N: 500, T: 0.26, frames: 12 });
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: Int32Array.of(1, 2) } })).toBe('{"a":{"c":[1,2],"d":[1,{"e":3,"f":2}]},"b":1}');
  });

  it('refuses a file that holds other parameters or is not JSON, naming the file and what to do', async () => {
    const stem = join(dir, 'bad');
    const p = cachePath(stem, { x: 1 });
    writeFileSync(p, JSON.stringify({ params: { x: 2 }, value: 0 }));
    await expect(cached(stem, { x: 1 }, () => 0)).rejects.toThrow(/holds parameters \{"x":2\}, not \{"x":1\}; delete it to compute the value again/);
    writeFileSync(p, '{oops');
    await expect(cached(stem, { x: 1 }, () => 0)).rejects.toThrow(/not a readable cache file .*delete it/);
    expect(existsSync(p)).toBe(true);
  });

  it('records how an entry was computed, and logs each use: computed now or reused with its record', async () => {
    const log = join(dir, 'uses.jsonl');
    process.env[CACHE_LOG_ENV] = log;
    try {
      const stem = join(dir, 'timed');
      const before = cacheUses().length;
      const spin = () => { const c = process.cpuUsage(); while (process.cpuUsage(c).user < 60_000); return 42; };   // 60 ms of CPU
      expect(await cached(stem, { a: 1 }, spin)).toBe(42);
      const rec = JSON.parse(readFileSync(cachePath(stem, { a: 1 }), 'utf8')).computed as CacheComputation;
      expect(rec.wallSeconds).toBeGreaterThanOrEqual(0.06);
      expect(rec.coldSeconds).toBe(rec.wallSeconds);
      expect(rec.cpuSeconds).toBeGreaterThanOrEqual(0.06);
      expect(rec.commit).toBe('unknown');                                 // a temporary folder is no git checkout
      expect(rec.loadAverage).toHaveLength(3);
      expect(Date.parse(rec.date)).toBeGreaterThan(Date.parse('2020-01-01'));
      expect(await cached(stem, { a: 1 }, () => { throw new Error('must not compute'); })).toBe(42);
      const mine = cacheUses().slice(before);
      expect(mine.map((u) => u.kind)).toEqual(['computed', 'reused']);
      expect(mine[1].computed).toEqual(rec);
      expect(readCacheLog(log)).toEqual(mine);
      expect(readCacheLog(join(dir, 'no-such-log'))).toEqual([]);
    } finally {
      delete process.env[CACHE_LOG_ENV];
    }
  });

  it('cold time: reused entries count with their recorded cold time, nested ones inside the entry that reused them', async () => {
    const stem = join(dir, 'cold');
    // an entry computed a day ago in 100 s, and one written before records were kept
    const old: CacheComputation = { date: '2026-12-05T10:00:00.000Z', wallSeconds: 100, coldSeconds: 100, cpuSeconds: 190, cpus: 2, commit: 'abc', dirty: false, loadAverage: [1, 1, 1] };
    writeFileSync(cachePath(stem, { k: 'inner' }), JSON.stringify({ params: { k: 'inner' }, computed: old, value: 1 }));
    writeFileSync(cachePath(stem, { k: 'legacy' }), JSON.stringify({ params: { k: 'legacy' }, value: 2 }));
    const before = cacheUses().length;
    const outer = await cached(stem, { k: 'outer' }, async () => 10 * (await cached(stem, { k: 'inner' }, () => 0)));
    expect(outer).toBe(10);
    const rec = JSON.parse(readFileSync(cachePath(stem, { k: 'outer' }), 'utf8')).computed as CacheComputation;
    expect(rec.coldSeconds).toBeGreaterThan(100);
    expect(rec.coldSeconds).toBeLessThan(100 + rec.wallSeconds);
    await cached(stem, { k: 'legacy' }, () => 0);
    await cached(stem, { k: 'outer' }, () => 0);
    const s = summarizeCacheUses(cacheUses().slice(before));
    expect(s).toMatchObject({ computed: 1, reused: 3, unrecorded: 1, firstDate: old.date });
    expect(s.reusedColdSeconds).toBeCloseTo(100 + rec.coldSeconds, 9);
    expect(s.lastDate! > old.date).toBe(true);
    expect(coldSeconds(5, { ...s, readSeconds: 1 })).toBeCloseTo(4 + s.reusedColdSeconds, 9);
    expect(coldSeconds(5, summarizeCacheUses([]))).toBe(5);
  });

  it('cachedFiles: makes files once, records how, and counts files made before records as reused without one', async () => {
    const a = join(dir, 'run-a.data'), b = join(dir, 'run-a.dump');
    const before = cacheUses().length;
    let calls = 0;
    const make = async () => { calls++; writeFileSync(a, 'x'); await new Promise((r) => setTimeout(r, 30)); writeFileSync(b, 'y'); };
    await cachedFiles([a, b], make);
    await cachedFiles([a, b], make);
    expect(calls).toBe(1);
    const rec = JSON.parse(readFileSync(computedRecordPath(a), 'utf8'));
    expect(rec.files).toEqual([a, b]);
    expect(rec.computed.wallSeconds).toBeGreaterThanOrEqual(0.025);
    const mine = cacheUses().slice(before);
    expect(mine.map((u) => [u.path, u.kind])).toEqual([[a, 'computed'], [a, 'reused']]);
    expect(mine[1].computed).toEqual(rec.computed);
    // one file missing: made again
    rmSync(b);
    await cachedFiles([a, b], make);
    expect(calls).toBe(2);
    // files from before records were kept
    const old = join(dir, 'old.data');
    writeFileSync(old, 'z');
    await cachedFiles([old], () => { throw new Error('must not run'); });
    expect(cacheUses().at(-1)).toEqual({ path: old, kind: 'reused', seconds: expect.any(Number) });
    expect(summarizeCacheUses(cacheUses().slice(-1)).unrecorded).toBe(1);
  });

  it('cachedFiles: names the file compute() did not write, and refuses an empty list', async () => {
    const a = join(dir, 'never.data');
    await expect(cachedFiles([a], () => {})).rejects.toThrow(`cachedFiles: compute() did not write ${a}; make it write every file listed`);
    expect(existsSync(computedRecordPath(a))).toBe(false);
    await expect(cachedFiles([], () => {})).rejects.toThrow(/no files named/);
  });
});
