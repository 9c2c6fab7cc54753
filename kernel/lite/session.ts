/**
 * One notebook session of the browser kernel (issue [14]): what the
 * JupyterLite kernel's Web Worker (web/src/kernel-worker.ts) runs for each
 * execute_request, kept free of Node and of JupyterLite so that Node tests
 * run it as it is.
 *
 * A cell is transformed by src/cell/transform.ts (types stripped, top-level
 * names on the session's scope), its imports resolved by the `importer`
 * (the bundled library in the browser), `console` output goes out as
 * stdout/stderr streams while it runs, `display()` and progress displays go
 * through the library's display host (src/display), and the cell's value is
 * shown with the same `toMimeBundles` as the Node kernel's.
 *
 * Magics (`%md ...`, `const r = %vdos ...`, `%%time`, `%lsmagic`) go
 * through the Node kernel's own parser and runtime (kernel/magics) on the
 * table the session is given (`buildMagicTable` of the command registry):
 * the same options, help and results. A command that reads or writes files
 * needs the platform seam's browser file system (issue [14] item 1).
 */
import { cellStack, newCellScope, runCell, transformCell, type CellScope } from '../../src/cell/transform.ts';
import { newDisplayState, plainText, progressDisplay, setDisplayHost, toMimeBundles, type DisplayState, type MimeBundle } from '../../src/display/index.ts';
import { planCell, type CellPlan } from '../magics/parse.ts';
import { platform } from '../../src/platform/index.ts';
import { MagicRuntime } from '../magics/runtime.ts';
import type { MagicTable } from '../magics/table.ts';
import { formatTimeReport, timeOnce } from '../magics/timing.ts';

/** Where a session's outputs go (the worker posts them to the kernel, which sends iopub messages). */
export interface LiteOutputs {
  stream(name: 'stdout' | 'stderr', text: string): void;
  display(bundle: MimeBundle, opts: { displayId?: string; update?: boolean }): void;
  result(bundle: MimeBundle): void;
}

/** The content of an error reply (Jupyter's ename, evalue, traceback). */
export interface LiteError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type LiteReply = { status: 'ok' } | ({ status: 'error' } & LiteError);

/** Module specifier -> module namespace (the bundled library). */
export type Importer = (specifier: string) => Promise<unknown>;

const CONSOLE_STREAMS = { log: 'stdout', info: 'stdout', debug: 'stdout', warn: 'stderr', error: 'stderr' } as const;

/** A console argument as Node's console.log prints it: strings as they are, values inspected. */
function consoleText(args: unknown[]): string {
  return args.map((a) => (typeof a === 'string' ? a : plainText(a))).join(' ');
}

export class LiteSession {
  readonly scope: CellScope = newCellScope();
  /**
   * Display state of the session. `plotlyInline: false` (the site) leaves
   * plotly.js out of figure HTML: the site's own renderer draws the Plotly
   * MIME part, so no output carries 4.6 MB of plotly.js.
   */
  readonly display: DisplayState;

  private readonly magics: MagicTable | undefined;
  private out: LiteOutputs | undefined;
  private abort = new AbortController();

  /**
   * `magics`: the magic table (kernel/magics/table.ts `buildMagicTable`);
   * without it a `%` line is TypeScript (a syntax error). `cwd`: where
   * commands resolve relative paths (default: the platform's working
   * folder at each command; in the browser kernel the notebook's folder).
   */
  constructor(private readonly importer: Importer, opts: { plotlyInline?: boolean; magics?: MagicTable; cwd?: string } = {}) {
    this.display = newDisplayState();
    if (opts.plotlyInline === false) this.display.plotlyIncluded = true;
    this.magics = opts.magics;
    if (this.magics) {
      const runtime = new MagicRuntime(this.magics, () => ({
        stdout: (t) => this.out?.stream('stdout', t),
        stderr: (t) => this.out?.stream('stderr', t),
        progress: (label, total, unit) => progressDisplay(label, total, { unit }),
        signal: this.abort.signal,
        cwd: opts.cwd ?? platform.cwd(),
      }));
      // the object the rewritten magic lines call (kernel/magics/parse.ts RUNTIME)
      (globalThis as { __glasslab__?: MagicRuntime }).__glasslab__ = runtime;
    }
  }

  /** Stop the running cell's commands at their next check (an MD run stops after its current step). */
  interrupt(): void {
    this.abort.abort();
  }

  /** Run one cell; outputs go to `out` while it runs. */
  async execute(code: string, out: LiteOutputs): Promise<LiteReply> {
    const saved = new Map<keyof typeof CONSOLE_STREAMS, (...a: unknown[]) => void>();
    const con = console as unknown as Record<string, (...a: unknown[]) => void>;
    for (const [method, stream] of Object.entries(CONSOLE_STREAMS) as [keyof typeof CONSOLE_STREAMS, 'stdout' | 'stderr'][]) {
      saved.set(method, con[method]);
      con[method] = (...args: unknown[]) => out.stream(stream, `${consoleText(args)}\n`);
    }
    setDisplayHost({ send: (bundle, opts) => out.display(bundle, opts), state: this.display });
    this.out = out;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    try {
      if (!code.trim()) return { status: 'ok' };
      const plan: CellPlan = this.magics ? planCell(code, this.magics) : { kind: 'code', source: code };
      const value = await this.run(plan);
      if (value !== undefined) {
        // as the Node kernel: an analysis result is several outputs (summary, each figure, table), the first is the cell's result
        const [first, ...rest] = toMimeBundles(value, this.display);
        out.result(first);
        for (const b of rest) out.display(b, {});
      }
      return { status: 'ok' };
    } catch (err) {
      return { status: 'error', ...errorContent(err) };
    } finally {
      for (const [method, f] of saved) con[method] = f;
      setDisplayHost(undefined);
      this.out = undefined;
    }
  }

  /** A planned cell: TypeScript (magic lines already rewritten), or `%%time` over a body. */
  private async run(plan: CellPlan): Promise<unknown> {
    if (plan.kind === 'time') {
      const timed = await timeOnce(() => this.run(planCell(plan.body, this.magics!)));
      this.out?.stream('stdout', formatTimeReport(timed));
      return timed.value;
    }
    return runCell(transformCell(plan.source), this.scope, this.importer);
  }
}

/** Jupyter's error content of a thrown value. */
export function errorContent(err: unknown): LiteError {
  if (err instanceof Error) {
    return { ename: err.name || 'Error', evalue: err.message, traceback: [err.stack ? cellStack(err.stack) : `${err.name}: ${err.message}`] };
  }
  return { ename: 'Error', evalue: plainText(err), traceback: [`Uncaught ${plainText(err)}`] };
}
