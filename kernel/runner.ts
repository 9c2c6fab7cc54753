/**
 * The notebook runner (`glasslab run-notebooks`): for each notebook, start a
 * glasslab kernel, inject the parameters (papermill convention), execute the
 * code cells in order over the Jupyter protocol (ZeroMQ, from Node: no
 * Python), and write the executed .ipynb and a standalone HTML report.
 * A failing cell stops the notebook with its file, cell number (see
 * CellPlace) and traceback;
 * a kernel process that dies mid-cell stops it with the cell number, the exit
 * code or signal and the kernel's last stderr lines (NotebookKernelDiedError);
 * either way the executed notebook up to the failure is still written.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { CACHE_LOG_ENV, readCacheLog, type CacheUse } from '../src/io/cache.ts';
import { describeExit, KernelClient, KernelDiedError } from './protocol/client.ts';
import { toNbformat } from './protocol/outputs.ts';
import { cellSource, engineParameters, ENGINES, injectParameters, readNotebook, SCALES, writeAtomic, type Notebook, type NotebookCell, type NotebookEngine, type Scale } from './notebook.ts';
import { setProvenance, startProvenance } from './provenance.ts';
import { ASSETS_DIR, writeReportAssets } from './report-assets.ts';
import { notebookHtml } from './report-html.ts';
import { kernelInfo, DISPLAY_NAME, KERNEL_NAME } from './server.ts';
import { LAUNCHER } from './install.ts';


/**
 * Where a cell sits in the user's notebook, as the errors name it: "cell 4
 * (code cell 3)" is the 4th cell of the input .ipynb counting every cell
 * (markdown too, as Jupyter lists them, from 1) and the 3rd of its code
 * cells; the parameters cell the runner injects is not one of them.
 */
export interface CellPlace {
  /** 1-based position among all cells of the input notebook; null for the injected parameters cell */
  cell: number | null;
  /** 1-based position among the input notebook's code cells; null for the injected parameters cell */
  codeCell: number | null;
}

export function describeCell(p: CellPlace): string {
  return p.cell === null ? 'the injected parameters cell' : `cell ${p.cell} (code cell ${p.codeCell})`;
}

export class NotebookCellError extends Error {
  constructor(readonly notebook: string, readonly place: CellPlace, readonly ename: string, readonly evalue: string, readonly traceback: string[]) {
    super(`${notebook}: ${describeCell(place)} failed: ${ename}: ${evalue}\n${traceback.join('\n')}`);
    this.name = 'NotebookCellError';
  }
}

/** The kernel process ended in the middle of a cell (crash, out of memory, killed). */
export class NotebookKernelDiedError extends Error {
  constructor(readonly notebook: string, readonly place: CellPlace, readonly exitCode: number | null, readonly signal: NodeJS.Signals | null, readonly stderrTail: string[]) {
    super(`${notebook}: the kernel died while running ${describeCell(place)}: ${describeExit(exitCode, signal)}`
      + (stderrTail.length ? `; last kernel stderr lines:\n${stderrTail.join('\n')}` : '; the kernel wrote nothing to stderr'));
    this.name = 'NotebookKernelDiedError';
  }
}

export interface RunOptions {
  scale: Scale;
  /** the engine of the notebooks' %md, %minimize and %shear (injected as `engine` and `%engine`); default the embedded one */
  engine?: NotebookEngine;
  outDir: string;
  /** per-cell time limit [ms] (default 30 min) */
  cellTimeoutMs?: number;
  /** one line per event (cell started, notebook written) */
  log?: (line: string) => void;
  signal?: AbortSignal;
  /**
   * Put KaTeX's fonts and plotly.js inside each HTML report (one file that
   * can be mailed, about 5 MB with figures) instead of the shared folder
   * <outDir>/assets/ that the reports load them from (default).
   */
  singleFile?: boolean;
}

export interface NotebookRun {
  notebook: string;
  ipynb: string;
  html: string;
  cells: number;
  seconds: number;
}

/** Command line of the kernel the runner starts (same as the kernelspec). */
export function kernelArgv(): string[] {
  return [process.execPath, LAUNCHER, '{connection_file}'];
}

/**
 * Execute one notebook; writes <outDir>/<name>.ipynb and .html (and the
 * shared <outDir>/assets/ the report reads KaTeX and plotly.js from, unless
 * `singleFile`). The executed notebook's `metadata.glasslab.run` and the top
 * of the report hold the run's provenance (provenance.ts), with the cold
 * time when cache entries were reused: the kernel logs each use of `cached`
 * to a temporary file named by GLASSLAB_CACHE_LOG (io/cache.ts).
 * Throws NotebookCellError or NotebookKernelDiedError. Every code cell starts
 * without outputs and execution count: the written notebook and report show
 * only what this run produced, never outputs saved in the input (a cell after
 * a failure stays empty).
 */
export async function runNotebook(path: string, opts: RunOptions): Promise<NotebookRun> {
  const t0 = performance.now();
  const file = resolve(path);
  const provenance = startProvenance(dirname(file), opts.scale);
  const name = basename(file, extname(file));
  const input = readNotebook(file);
  const eng = engineParameters(opts.engine ?? { engine: 'glasslab' });
  let nb: Notebook;
  try {
    nb = injectParameters(input, { scale: opts.scale, ...eng.params }, {
      scale: SCALES.map((s) => `'${s}'`).join(' | '), engine: ENGINES.map((s) => `'${s}'`).join(' | '),
    }, eng.code);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const inputCodeCells = input.cells.filter((c) => c.cell_type === 'code');
  const placeOf = (cell: NotebookCell): CellPlace => {
    const i = input.cells.indexOf(cell);
    return i < 0 || cell.metadata.tags?.includes('injected-parameters')
      ? { cell: null, codeCell: null }
      : { cell: i + 1, codeCell: inputCodeCells.indexOf(cell) + 1 };
  };
  for (const c of nb.cells) {
    if (c.cell_type !== 'code') continue;
    c.outputs = [];
    c.execution_count = null;
  }
  const ran = new Set<NotebookCell>();
  const log = opts.log ?? (() => {});
  mkdirSync(opts.outDir, { recursive: true });
  const ipynb = join(resolve(opts.outDir), `${name}.ipynb`);
  const html = join(resolve(opts.outDir), `${name}.html`);
  if (ipynb === file) throw new Error(`${file}: run-notebooks would overwrite this input notebook with its executed copy; choose another --out directory than ${opts.outDir}`);
  if (!opts.singleFile) writeReportAssets(resolve(opts.outDir));
  const assets = opts.singleFile ? { mode: 'inline' as const } : { mode: 'shared' as const, href: ASSETS_DIR };
  const logDir = mkdtempSync(join(tmpdir(), 'glasslab-cache-log-'));
  const cacheLog = join(logDir, 'uses.jsonl');
  let cacheUses: CacheUse[] | undefined;  // read once the kernel has stopped
  const write = () => {
    nb.metadata = {
      ...nb.metadata,
      kernelspec: { name: KERNEL_NAME, display_name: DISPLAY_NAME, language: 'typescript' },
      language_info: (kernelInfo().language_info as Record<string, unknown>),
    };
    setProvenance(nb, provenance.finish(cacheUses ?? readCacheLog(cacheLog)));
    writeAtomic(ipynb, `${JSON.stringify(nb, null, 1)}\n`);
    writeAtomic(html, notebookHtml(nb, name, { executed: ran, assets }));
  };
  // like nbclient, the kernel runs in the notebook's directory
  let kernel: KernelClient;
  try {
    kernel = await KernelClient.start({ argv: kernelArgv(), cwd: dirname(file), env: { ...process.env, [CACHE_LOG_ENV]: cacheLog } });
  } catch (e) {
    rmSync(logDir, { recursive: true, force: true });
    throw e;
  }
  const onAbort = () => { void kernel.interrupt('signal'); };
  opts.signal?.addEventListener('abort', onAbort);
  try {
    for (const cell of nb.cells) {
      if (cell.cell_type !== 'code') continue;
      opts.signal?.throwIfAborted();
      const place = placeOf(cell);
      log(`${name}: ${describeCell(place)}`);
      ran.add(cell);
      let r: Awaited<ReturnType<KernelClient['execute']>>;
      try {
        r = await kernel.execute(cellSource(cell), { timeoutMs: opts.cellTimeoutMs ?? 30 * 60_000 });
      } catch (e) {
        if (!(e instanceof KernelDiedError)) throw e;
        cell.outputs = [{ output_type: 'error', ename: 'KernelDied', evalue: e.message, traceback: [e.message] }];
        write();
        throw new NotebookKernelDiedError(file, place, e.exitCode, e.signal, e.stderrTail);
      }
      cell.outputs = toNbformat(r.outputs);
      cell.execution_count = (r.reply.execution_count as number | undefined) ?? null;
      if (r.reply.status !== 'ok') {
        write();
        throw new NotebookCellError(file, place, String(r.reply.ename ?? 'Error'), String(r.reply.evalue ?? ''), (r.reply.traceback as string[] | undefined) ?? []);
      }
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await kernel.shutdown();
    cacheUses = readCacheLog(cacheLog);
    rmSync(logDir, { recursive: true, force: true });
  }
  write();
  log(`${name}: wrote ${ipynb} and ${html}`);
  return { notebook: file, ipynb, html, cells: ran.size, seconds: (performance.now() - t0) / 1000 };
}

/** Execute notebooks one after the other; stops at the first failure. */
export async function runNotebooks(paths: readonly string[], opts: RunOptions): Promise<NotebookRun[]> {
  const runs: NotebookRun[] = [];
  for (const p of paths) runs.push(await runNotebook(p, opts));
  return runs;
}
