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
 *
 * Each entry also records how it was computed (`computed`: date, wall and
 * CPU seconds, commit, load average; CacheComputation), and each use of
 * `cached` in a process is logged (`cacheUses()`, and one JSON line per use
 * appended to the file named by the environment variable GLASSLAB_CACHE_LOG
 * when it is set: the notebook runner sets it for its kernel). So a run that
 * reused entries can state its cold time, the time it would take without the
 * cache (`summarizeCacheUses`), instead of passing the minutes of a rebuild
 * off as the cost of the computation.
 */
import { platform } from '../platform/index.ts';
import { decodeResultData, encodeResultData } from '../plot/result.ts';
import { codeState, loadAverage } from './code-state.ts';
import { readTextWhole, writeTextAtomic } from './files.ts';
import { envVar } from '../platform/index.ts';

/** How a cache entry was computed; stored in the entry's file as `computed`. */
export interface CacheComputation {
  /** start of compute(), ISO 8601 UTC */
  date: string;
  /** wall time of compute() [s] */
  wallSeconds: number;
  /**
   * what compute() costs without the cache [s]: its wall time, less the time
   * it spent reading entries it reused itself (a nested `cached`), plus their
   * own cold times; equal to wallSeconds when it reused none
   */
  coldSeconds: number;
  /**
   * CPU time (user + system) of the whole process during compute() [s]
   * (process.cpuUsage): above the wall time when worker threads helped; it
   * also counts other work the process did meanwhile
   */
  cpuSeconds: number;
  /** CPUs this process may use (platform.cpuCount) */
  cpus: number;
  /** git commit of the checkout holding the cache file; 'unknown' outside one */
  commit: string;
  /** the checkout had uncommitted changes to tracked files */
  dirty: boolean;
  /** 1-, 5- and 15-minute load averages at the start of compute() */
  loadAverage: number[];
}

/** One call of `cached`: the entry computed now, or read back. */
export interface CacheUse {
  /** the cache file */
  path: string;
  /** 'computed': compute() ran in this call; 'reused': the value was read from the file */
  kind: 'computed' | 'reused';
  /** time this call took [s]: computing and writing, or reading */
  seconds: number;
  /** the entry's record; absent for an entry written before records were kept */
  computed?: CacheComputation;
}

/** The environment variable naming a file to which each use of `cached` appends one JSON line (a CacheUse). */
export const CACHE_LOG_ENV = 'GLASSLAB_CACHE_LOG';

const uses: CacheUse[] = [];
/** sum over reused entries of (their cold time - the time taken to read them) [s]; a compute() adds the change to its own cold time */
let reuseSavings = 0;

function logUse(u: CacheUse): void {
  uses.push(u);
  const log = envVar(CACHE_LOG_ENV);
  if (log) platform.appendText(log, `${JSON.stringify(u)}\n`);
}

/** Log the reuse of an entry read since `t0` (performance.now()), and count its recorded cold time for an enclosing compute(). */
function logReuse(path: string, t0: number, computed: CacheComputation | undefined): void {
  const seconds = (performance.now() - t0) / 1000;
  if (computed) reuseSavings += computed.coldSeconds - seconds;
  logUse({ path, kind: 'reused', seconds, ...(computed ? { computed } : {}) });
}

/** Every call of `cached` and `cachedFiles` in this process so far, in order. */
export function cacheUses(): readonly CacheUse[] {
  return uses;
}

/** The uses logged to a GLASSLAB_CACHE_LOG file (none when the file does not exist). */
export function readCacheLog(path: string): CacheUse[] {
  if (!platform.exists(path)) return [];
  return platform.readText(path).split('\n').filter((l) => l.trim()).map((l, i) => {
    try {
      return JSON.parse(l) as CacheUse;
    } catch (e) {
      throw new Error(`${path}:${i + 1}: not a cache-use line (${(e as Error).message}); the log is written by cached() alone`);
    }
  });
}

/** What a run took from the cache and what it would have cost without it. */
export interface CacheSummary {
  /** entries computed by this run */
  computed: number;
  /** entries read back */
  reused: number;
  /** reused entries without a record of their computation (written before records were kept) */
  unrecorded: number;
  /** time spent reading the reused entries [s] */
  readSeconds: number;
  /** the recorded cold times of the reused entries, summed [s] */
  reusedColdSeconds: number;
  /** earliest and latest date at which a reused entry was computed (ISO 8601); absent when none is recorded */
  firstDate?: string;
  lastDate?: string;
}

/** Summarise the uses of one run (an entry used twice counts twice: a cold run computes it once, so this errs high only for repeated reads of one entry). */
export function summarizeCacheUses(list: readonly CacheUse[]): CacheSummary {
  const s: CacheSummary = { computed: 0, reused: 0, unrecorded: 0, readSeconds: 0, reusedColdSeconds: 0 };
  for (const u of list) {
    if (u.kind === 'computed') { s.computed++; continue; }
    s.reused++;
    s.readSeconds += u.seconds;
    if (!u.computed) { s.unrecorded++; continue; }
    s.reusedColdSeconds += u.computed.coldSeconds;
    if (!s.firstDate || u.computed.date < s.firstDate) s.firstDate = u.computed.date;
    if (!s.lastDate || u.computed.date > s.lastDate) s.lastDate = u.computed.date;
  }
  return s;
}

/**
 * Cold time of a run [s]: its wall time, less the time it spent reading
 * cache entries, plus the recorded cold time of each entry it reused. A
 * lower bound when `s.unrecorded > 0`.
 */
export function coldSeconds(wallSeconds: number, s: CacheSummary): number {
  return Math.max(0, wallSeconds - s.readSeconds) + s.reusedColdSeconds;
}

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

/** Run `compute()` and record how: wall, cold and CPU seconds, commit of the checkout holding `path`, load. */
async function timedCompute<T>(path: string, compute: () => T | Promise<T>): Promise<{ value: T; computed: CacheComputation }> {
  const { commit, dirty } = codeState(platform.dirName(platform.resolvePath(path)));
  const start = { date: new Date().toISOString(), cpu: platform.cpuTimes(), load: loadAverage(), savings: reuseSavings };
  const t1 = performance.now();
  const value = await compute();
  const wallSeconds = (performance.now() - t1) / 1000;
  const end = platform.cpuTimes();
  const cpuSeconds = end.user + end.system - start.cpu.user - start.cpu.system;
  return {
    value,
    computed: {
      date: start.date, wallSeconds, coldSeconds: wallSeconds + (reuseSavings - start.savings), cpuSeconds,
      cpus: platform.cpuCount(), commit, dirty, loadAverage: start.load,
    },
  };
}

/** Where cachedFiles keeps the record of how `file` was made. */
export function computedRecordPath(file: string): string {
  return `${file}.computed.json`;
}

/**
 * Files made once, for steps whose product is files rather than a value
 * (an MD run's final configuration and dump, written by `%md`):
 *
 *   await cachedFiles([melt, dump], async () => { %md ... --final {melt} ... %md ... --dump {dump} });
 *
 * `compute()` runs when any of `files` is missing, and must write all of
 * them (an error names the one it did not write). The record of how they
 * were made (CacheComputation) goes to `<files[0]>.computed.json`; the use
 * is logged like `cached`'s, so a run that finds the files counts their
 * recorded cost in its cold time (files made before records were kept count
 * as reused without a record). Unlike `cached`, no parameters are checked:
 * the file names must say what the files hold.
 */
export async function cachedFiles(files: readonly string[], compute: () => unknown): Promise<void> {
  if (files.length === 0) throw new Error('cachedFiles: no files named; list the files compute() writes');
  const record = computedRecordPath(files[0]);
  const t0 = performance.now();
  if (files.every((f) => platform.exists(f))) {
    let computed: CacheComputation | undefined;
    if (platform.exists(record)) {
      try {
        computed = (JSON.parse(await readTextWhole(record)) as { computed?: CacheComputation }).computed;
      } catch (e) {
        throw new Error(`${record}: not a readable record (${(e as Error).message}); delete it (the files stay, counted without a record)`);
      }
    }
    logReuse(files[0], t0, computed);
    return;
  }
  const { computed } = await timedCompute(files[0], compute);
  const missing = files.find((f) => !platform.exists(f));
  if (missing) throw new Error(`cachedFiles: compute() did not write ${missing}; make it write every file listed`);
  await writeTextAtomic(record, JSON.stringify({ files, computed }));
  logUse({ path: files[0], kind: 'computed', seconds: (performance.now() - t0) / 1000, computed });
}

/**
 * `compute()` once per parameter set: the value read back from the cache
 * file when it exists, else computed, saved (with the record of its
 * computation, CacheComputation) and returned. `params` must be JSON
 * (numbers, strings, booleans, arrays, plain objects). Each call is logged
 * (`cacheUses`, GLASSLAB_CACHE_LOG). Nested calls inside compute() count in
 * its cold time; concurrent calls (Promise.all over `cached`) would mix
 * their nested reuses, so run those one after the other.
 */
export async function cached<T>(stem: string, params: Record<string, unknown>, compute: () => T | Promise<T>): Promise<T> {
  const path = cachePath(stem, params);
  const key = canonicalJson(params);
  const t0 = performance.now();
  if (platform.exists(path)) {
    let saved: { params?: unknown; value?: unknown; computed?: CacheComputation };
    try {
      saved = JSON.parse(await readTextWhole(path)) as typeof saved;
    } catch (e) {
      throw new Error(`${path}: not a readable cache file (${(e as Error).message}); delete it to compute the value again`);
    }
    if (canonicalJson(saved.params) !== key) throw new Error(`${path}: holds parameters ${canonicalJson(saved.params)}, not ${key}; delete it to compute the value again`);
    const value = decodeResultData<T>(saved.value);
    logReuse(path, t0, saved.computed && typeof saved.computed.coldSeconds === 'number' ? saved.computed : undefined);
    return value;
  }
  const { value, computed } = await timedCompute(path, compute);
  await writeTextAtomic(path, JSON.stringify({ params: JSON.parse(key) as unknown, computed, value: encodeResultData(value) }));
  logUse({ path, kind: 'computed', seconds: (performance.now() - t0) / 1000, computed });
  return value;
}
