/**
 * Provenance of an executed notebook: which code ran it (git commit, and
 * whether the checkout had uncommitted changes), when, at which scale, how
 * long it took, and on what machine (os.cpus(), os.loadavg(): a wall time
 * means little without the load it ran under). The runner stores it in the
 * executed notebook's metadata (`metadata.glasslab.run`) and shows it at the
 * top of the HTML report; the gallery index reads it back from there.
 */
import { cpus, totalmem } from 'node:os';
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

/** Start recording a run in `dir` (the notebook's directory); `finish()` stamps the wall time and the final load. */
export function startProvenance(dir: string, scale: string): { finish(): RunProvenance } {
  const t0 = performance.now();
  const { commit, dirty } = codeState(dir);
  const cpu = cpus();
  const start = {
    commit, dirty, date: new Date().toISOString(), scale,
    machine: { cpus: cpu.length, model: cpu[0]?.model.trim() ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), loadStart: loadAverage() },
    node: process.version,
  };
  return {
    finish: () => ({ ...start, wallSeconds: round2((performance.now() - t0) / 1000), machine: { ...start.machine, loadEnd: loadAverage() } }),
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

/** One line of text: scale, wall time, commit, date, machine and load. */
export function provenanceText(p: RunProvenance): string {
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  return `scale ${p.scale}, wall time ${formatWall(p.wallSeconds)}, commit ${p.commit.slice(0, 12)}${p.dirty ? ' (with uncommitted changes)' : ''}, `
    + `run ${p.date.replace(/\.\d+Z$/, 'Z')}, ${p.machine.cpus} x ${p.machine.model}, ${p.machine.memoryGiB} GiB, `
    + `load average ${load(p.machine.loadStart)} at the start and ${load(p.machine.loadEnd)} at the end, Node ${p.node}`;
}

/** The provenance block at the top of a report (a `<div class="provenance">`). */
export function provenanceHtml(p: RunProvenance): string {
  return `<div class="provenance"><strong>Run:</strong> ${esc(provenanceText(p))}</div>`;
}
