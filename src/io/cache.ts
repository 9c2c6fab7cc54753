/**
 * Cached computations keyed by their parameters: a notebook's expensive
 * step (an inherent-structure track, an isoconfigurational ensemble) runs
 * once per set of parameters and is read back from a JSON file afterwards.
 *
 *   const track = await cached(`${cache}/fan22-is-track`, { N, T, frames }, async () => ({ ... }));
 *
 * The file is `<stem>-<hash>.json`, the hash (FNV-1a, 32 bits, hex) of the
 * parameters as canonical JSON (keys sorted), so a change of any parameter
 * makes a new file instead of reading a stale one; the file also holds the
 * parameters, checked on reading (a hash collision or a hand-edited file is
 * an error, not a wrong result). The value is saved with the result
 * encoding (src/plot/result.ts): typed arrays, NaN and infinities come back
 * as they went in. Written atomically (io/files.ts).
 */
import { existsSync } from 'node:fs';
import { decodeResultData, encodeResultData } from '../plot/result.ts';
import { readTextWhole, writeTextAtomic } from './files.ts';

/** JSON with object keys sorted at every level (the same parameters give the same text). */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) return ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : x;
    return Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]]));
  });
}

/** FNV-1a hash (32 bits) of a string's UTF-16 code units, as 8 hex digits. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The cache file of `stem` for `params`. */
export function cachePath(stem: string, params: Record<string, unknown>): string {
  return `${stem}-${fnv1a(canonicalJson(params))}.json`;
}

/**
 * `compute()` once per parameter set: the value read back from the cache
 * file when it exists, else computed, saved and returned. `params` must be
 * JSON (numbers, strings, booleans, arrays, plain objects).
 */
export async function cached<T>(stem: string, params: Record<string, unknown>, compute: () => T | Promise<T>): Promise<T> {
  const path = cachePath(stem, params);
  const key = canonicalJson(params);
  if (existsSync(path)) {
    let saved: { params?: unknown; value?: unknown };
    try {
      saved = JSON.parse(await readTextWhole(path)) as typeof saved;
    } catch (e) {
      throw new Error(`${path}: not a readable cache file (${(e as Error).message}); delete it to compute the value again`);
    }
    if (canonicalJson(saved.params) !== key) throw new Error(`${path}: holds parameters ${canonicalJson(saved.params)}, not ${key}; delete it to compute the value again`);
    return decodeResultData<T>(saved.value);
  }
  const value = await compute();
  await writeTextAtomic(path, JSON.stringify({ params: JSON.parse(key) as unknown, value: encodeResultData(value) }));
  return value;
}
