import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cached, cachePath, canonicalJson } from '../../src/io/cache.ts';

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
});
