/**
 * Provenance of an executed notebook: which code ran it (git commit, and
 * whether the checkout had uncommitted changes), when, at which scale, how
 * long it took, and on what machine (os.cpus(), os.loadavg(): a wall time
 * means little without the load it ran under). The runner stores it in the
 * executed notebook's metadata (`metadata.glasslab.run`) and shows it at the
 * top of the HTML report; the gallery index reads it back from there.
 *
 * A run that reused cache entries (src/io/cache.ts: `cached`) took less than
 * the notebook costs: the provenance then also states the cold time, this
 * run's own work plus the recorded compute time of each reused entry, with
 * their count and the dates they were computed ("rebuilt from cached results
 * computed on ..."). Entries of `cached` and files of `cachedFiles` are
 * counted; files a notebook keeps by testing that they exist itself are
 * not, and their time is missing from the cold time.
 */
import { cpus, totalmem } from 'node:os';
import { coldSeconds, summarizeCacheUses, type CacheSummary, type CacheUse } from '../src/io/cache.ts';
import { codeState, loadAverage } from '../src/io/code-state.ts';
import type { Notebook } from './notebook.ts';
import { escapeHtml as esc } from './report-markdown.ts';

export interface RunProvenance {
  /** `git rev-parse HEAD` of the checkout holding the notebook; 'unknown' outside a git checkout */
  commit: string;
  /** the checkout had uncommitted changes to tracked files when the run started */
  dirty: boolean;
  /** start of the run, ISO 8601 UTC */
  date: string;
  /** the `scale` parameter the notebook ran with */
  scale: string;
  /** wall time of the whole notebook (kernel start to last cell) [s] */
  wallSeconds: number;
  /**
   * the cache entries the run computed and reused (io/cache.ts); absent in a
   * record written before runs logged their cache uses
   */
  cache?: CacheSummary;
  /**
   * cold time [s]: wallSeconds less the time spent reading reused cache
   * entries, plus their recorded compute times (io/cache.ts: coldSeconds); a
   * lower bound when `cache.unrecorded > 0`; absent with `cache`
   */
  coldSeconds?: number;
  machine: {
    /** logical CPUs as Node sees them (os.cpus().length) */
    cpus: number;
    /** the first CPU's model name */
    model: string;
    /** physical memory [GiB] */
    memoryGiB: number;
    /** 1-, 5- and 15-minute load averages at the start and at the end of the run */
    loadStart: number[];
    loadEnd: number[];
  };
  /** Node.js version (process.version) */
  node: string;
}

/**
 * Start recording a run in `dir` (the notebook's directory); `finish()`
 * stamps the wall time and the final load, and with the run's cache uses
 * (io/cache.ts: readCacheLog of the kernel's GLASSLAB_CACHE_LOG) its cold time.
 */
export function startProvenance(dir: string, scale: string): { finish(cacheUses?: readonly CacheUse[]): RunProvenance } {
  const t0 = performance.now();
  const { commit, dirty } = codeState(dir);
  const cpu = cpus();
  const start = {
    commit, dirty, date: new Date().toISOString(), scale,
    machine: { cpus: cpu.length, model: cpu[0]?.model.trim() ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), loadStart: loadAverage() },
    node: process.version,
  };
  return {
    finish: (uses) => {
      const wallSeconds = round2((performance.now() - t0) / 1000);
      const cache = uses ? summarizeCacheUses(uses) : undefined;
      return {
        ...start, wallSeconds, ...(cache ? { cache, coldSeconds: round2(coldSeconds(wallSeconds, cache)) } : {}),
        machine: { ...start.machine, loadEnd: loadAverage() },
      };
    },
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Store `p` in the notebook's metadata (`metadata.glasslab.run`), keeping other glasslab metadata. */
export function setProvenance(nb: Notebook, p: RunProvenance): void {
  const g = (nb.metadata.glasslab ?? {}) as Record<string, unknown>;
  nb.metadata.glasslab = { ...g, run: p };
}

/** The provenance of an executed notebook, or undefined when it was not run by `run-notebooks`. */
export function getProvenance(nb: Notebook): RunProvenance | undefined {
  const run = (nb.metadata.glasslab as { run?: RunProvenance } | undefined)?.run;
  return run && typeof run.commit === 'string' && typeof run.wallSeconds === 'number' ? run : undefined;
}

/** Wall time as "12 min 5 s" / "40 s". */
export function formatWall(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** What the notebook costs from scratch [s], and whether that is only a lower bound (reused entries without a record); the wall time for a run without cache records. */
export function coldTime(p: RunProvenance): { seconds: number; lowerBound: boolean } {
  return p.cache && p.coldSeconds !== undefined
    ? { seconds: p.coldSeconds, lowerBound: p.cache.unrecorded > 0 }
    : { seconds: p.wallSeconds, lowerBound: false };
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * The run's times in words: "wall time 40 s" for a run that reused nothing;
 * for a rebuild, "rebuilt from cached results computed on 2026-12-05 (...)"
 * with this run's wall time and the cold time.
 */
export function timeText(p: RunProvenance): string {
  const c = p.cache;
  if (!c || c.reused === 0) return `wall time ${formatWall(p.wallSeconds)}${c ? ' (cold: no cached result reused)' : ''}`;
  const cold = coldTime(p);
  const dates = !c.firstDate ? 'on a date not recorded'
    : day(c.firstDate) === day(c.lastDate!) ? `on ${day(c.firstDate)}` : `from ${day(c.firstDate)} to ${day(c.lastDate!)}`;
  return `rebuilt from cached results computed ${dates} (${c.reused} cache ${c.reused === 1 ? 'entry' : 'entries'} reused`
    + `${c.computed ? `, ${c.computed} computed now` : ''}): wall time of this run ${formatWall(p.wallSeconds)}, `
    + `cold time ${cold.lowerBound ? 'at least ' : ''}${formatWall(cold.seconds)} (this run's own work plus the recorded compute time of the reused entries`
    + `${c.unrecorded ? `; ${c.unrecorded} of them ${c.unrecorded === 1 ? 'has' : 'have'} no record of it` : ''})`;
}

/** One line of text: scale, wall time (and cold time for a rebuild from the cache), commit, date, machine and load. */
export function provenanceText(p: RunProvenance): string {
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  return `scale ${p.scale}, ${timeText(p)}, commit ${p.commit.slice(0, 12)}${p.dirty ? ' (with uncommitted changes)' : ''}, `
    + `run ${p.date.replace(/\.\d+Z$/, 'Z')}, ${p.machine.cpus} x ${p.machine.model}, ${p.machine.memoryGiB} GiB, `
    + `load average ${load(p.machine.loadStart)} at the start and ${load(p.machine.loadEnd)} at the end, Node ${p.node}`;
}

/** The provenance block at the top of a report (a `<div class="provenance">`). */
export function provenanceHtml(p: RunProvenance): string {
  return `<div class="provenance"><strong>Run:</strong> ${esc(provenanceText(p))}</div>`;
}
