/**
 * The notebook runner (`glasslab run-notebooks`): for each notebook, start a
 * glasslab kernel, inject the parameters (papermill convention), execute the
 * code cells in order over the Jupyter protocol (ZeroMQ, from Node: no
 * Python), and write the executed .ipynb and a standalone HTML report.
 * A failing cell stops the notebook with its file, cell index and traceback;
 * a kernel process that dies mid-cell stops it with the cell index, the exit
 * code or signal and the kernel's last stderr lines (NotebookKernelDiedError);
 * either way the executed notebook up to the failure is still written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { describeExit, KernelClient, KernelDiedError } from './protocol/client.ts';
import { toNbformat } from './protocol/outputs.ts';
import { cellSource, injectParameters, readNotebook, SCALES, type Notebook, type Scale } from './notebook.ts';
import { notebookHtml } from './report-html.ts';
import { kernelInfo, DISPLAY_NAME, KERNEL_NAME } from './server.ts';
import { LAUNCHER } from './install.ts';


export class NotebookCellError extends Error {
  constructor(readonly notebook: string, readonly cellIndex: number, readonly ename: string, readonly evalue: string, readonly traceback: string[]) {
    super(`${notebook}: cell ${cellIndex} failed: ${ename}: ${evalue}\n${traceback.join('\n')}`);
    this.name = 'NotebookCellError';
  }
}

/** The kernel process ended in the middle of a cell (crash, out of memory, killed). */
export class NotebookKernelDiedError extends Error {
  constructor(readonly notebook: string, readonly cellIndex: number, readonly exitCode: number | null, readonly signal: NodeJS.Signals | null, readonly stderrTail: string[]) {
    super(`${notebook}: the kernel died while running cell ${cellIndex} (${describeExit(exitCode, signal)})`
      + (stderrTail.length ? `; last kernel stderr lines:\n${stderrTail.join('\n')}` : '; the kernel wrote nothing to stderr'));
    this.name = 'NotebookKernelDiedError';
  }
}

export interface RunOptions {
  scale: Scale;
  outDir: string;
  /** per-cell time limit [ms] (default 30 min) */
  cellTimeoutMs?: number;
  /** one line per event (cell started, notebook written) */
  log?: (line: string) => void;
  signal?: AbortSignal;
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

/** Execute one notebook; writes <outDir>/<name>.ipynb and .html. Throws NotebookCellError. */
export async function runNotebook(path: string, opts: RunOptions): Promise<NotebookRun> {
  const t0 = performance.now();
  const file = resolve(path);
  const name = basename(file, extname(file));
  const nb: Notebook = injectParameters(readNotebook(file), { scale: opts.scale }, { scale: SCALES.map((s) => `'${s}'`).join(' | ') });
  const log = opts.log ?? (() => {});
  mkdirSync(opts.outDir, { recursive: true });
  const ipynb = join(opts.outDir, `${name}.ipynb`);
  const html = join(opts.outDir, `${name}.html`);
  const write = () => {
    nb.metadata = {
      ...nb.metadata,
      kernelspec: { name: KERNEL_NAME, display_name: DISPLAY_NAME, language: 'typescript' },
      language_info: (kernelInfo().language_info as Record<string, unknown>),
    };
    writeFileSync(ipynb, `${JSON.stringify(nb, null, 1)}\n`);
    writeFileSync(html, notebookHtml(nb, name));
  };
  // like nbclient, the kernel runs in the notebook's directory
  const kernel = await KernelClient.start({ argv: kernelArgv(), cwd: dirname(file) });
  const onAbort = () => { void kernel.interrupt('signal'); };
  opts.signal?.addEventListener('abort', onAbort);
  let executed = 0;
  try {
    for (let i = 0; i < nb.cells.length; i++) {
      const cell = nb.cells[i];
      if (cell.cell_type !== 'code') continue;
      opts.signal?.throwIfAborted();
      log(`${name}: cell ${i}`);
      let r: Awaited<ReturnType<KernelClient['execute']>>;
      try {
        r = await kernel.execute(cellSource(cell), { timeoutMs: opts.cellTimeoutMs ?? 30 * 60_000 });
      } catch (e) {
        if (!(e instanceof KernelDiedError)) throw e;
        cell.outputs = [{ output_type: 'error', ename: 'KernelDied', evalue: e.message, traceback: [e.message] }];
        write();
        throw new NotebookKernelDiedError(file, i, e.exitCode, e.signal, e.stderrTail);
      }
      cell.outputs = toNbformat(r.outputs);
      cell.execution_count = (r.reply.execution_count as number | undefined) ?? null;
      executed++;
      if (r.reply.status !== 'ok') {
        write();
        throw new NotebookCellError(file, i, String(r.reply.ename ?? 'Error'), String(r.reply.evalue ?? ''), (r.reply.traceback as string[] | undefined) ?? []);
      }
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await kernel.shutdown();
  }
  write();
  log(`${name}: wrote ${ipynb} and ${html}`);
  return { notebook: file, ipynb, html, cells: executed, seconds: (performance.now() - t0) / 1000 };
}

/** Execute notebooks one after the other; stops at the first failure. */
export async function runNotebooks(paths: readonly string[], opts: RunOptions): Promise<NotebookRun[]> {
  const runs: NotebookRun[] = [];
  for (const p of paths) runs.push(await runNotebook(p, opts));
  return runs;
}
