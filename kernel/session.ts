/**
 * One kernel session: tslab's executor with the magic preprocessor in
 * front, and every outcome of a cell turned into a Jupyter output:
 * the value of the last expression -> execute_result (rich MIME bundle;
 * an analysis result continues with display_data: each figure, its table),
 * TypeScript diagnostics -> error output `CompileError`,
 * an exception (sync or async) -> error output with ename/evalue/traceback,
 * a bad magic -> error output `UsageError`, an interrupt -> `KeyboardInterrupt`.
 * The session survives all of them; variables of earlier cells stay.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, inspect } from 'node:util';
import { kebab, UsageError } from '../src/commands/registry.ts';
import { setDisplayHost, progressDisplay } from '../src/display/display.ts';
import { newDisplayState, toMimeBundles, type DisplayState, type MimeBundle } from '../src/display/mime.ts';
import { heapError, type HeapWatch } from './heap-watch.ts';
import { declaredNames, lineAndCharacter, originalOffset, rewriteCell, type RewrittenCell } from './cell-rewrite.ts';
import { blankMagics, magicAt, planCell, type CellPlan } from './magics/parse.ts';
import { MagicRuntime, type MagicHost } from './magics/runtime.ts';
import type { MagicTable } from './magics/table.ts';
import { formatTimeReport, timeOnce } from './magics/timing.ts';
import { createConverterSet, createExecutor, jupyter, printQuickInfo, type TslabConverter, type TslabDiagnostic, type TslabExecutor } from './tslab.ts';

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** Where the outputs of the running cell go (iopub in the kernel). */
export interface CellIO {
  stream(name: 'stdout' | 'stderr', text: string): void;
  /** display_data, or update_display_data when `update` */
  display(content: { data: MimeBundle; metadata: Record<string, unknown>; transient?: { display_id?: string } }, update: boolean): void;
  result(data: MimeBundle): void;
  error(e: ErrorContent): void;
}

export type CellOutcome = { status: 'ok' } | ({ status: 'error' } & ErrorContent);

/** Messages tslab's executor reports through its console, for one cell. */
interface Capture {
  errors: unknown[][];
  value?: { v: unknown };
}

/** Stack frames of the kernel itself, of tslab, tsx and Node internals: not the user's business. */
const KERNEL_DIR = dirname(fileURLToPath(import.meta.url));
function isInternalFrame(line: string): boolean {
  return line.includes(KERNEL_DIR) || /node_modules\/(tslab|tsx)\/|node:internal|\(node:/.test(line);
}

/** An exception as an error output; stack frames of the kernel itself are dropped. */
export function errorContent(e: unknown): ErrorContent {
  if (e instanceof UsageError) return { ename: 'UsageError', evalue: e.message, traceback: [`UsageError: ${e.message}`] };
  if (e instanceof Error) {
    const interrupted = (e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED'
      || e.message === 'Interrupted asynchronously' || e.name === 'AbortError';
    if (interrupted) return { ename: 'KeyboardInterrupt', evalue: 'the cell was interrupted', traceback: ['KeyboardInterrupt: the cell was interrupted'] };
    const stack = (e.stack ?? `${e.name}: ${e.message}`).split('\n');
    const head = stack.findIndex((l) => /^\s+at /.test(l));
    const message = head < 0 ? stack : stack.slice(0, head);
    const frames = head < 0 ? [] : stack.slice(head).filter((l) => !isInternalFrame(l));
    return { ename: e.name || e.constructor?.name || 'Error', evalue: e.message, traceback: [...message, ...frames] };
  }
  const text = inspect(e, { depth: 2 });
  return { ename: 'Error', evalue: `Uncaught ${text}`, traceback: [`Uncaught ${text}`] };
}

/** tslab's printDiagnostics format: ("%s%d:%d - %s", file, line, col, message). */
function isDiagnostic(args: unknown[]): boolean {
  return typeof args[0] === 'string' && args[0] === '%s%d:%d - %s';
}

/** A diagnostic of a rewritten cell, at its place in the cell as written. */
function mapDiagnostic(diag: TslabDiagnostic, cell: RewrittenCell, src: string): TslabDiagnostic {
  if (diag.fileName) return diag; // another file
  const at = (p: TslabDiagnostic['start']) => {
    if (!p || typeof p.offset !== 'number') return p;
    const offset = originalOffset(cell, p.offset);
    return { offset, ...lineAndCharacter(src, offset) };
  };
  return { ...diag, start: at(diag.start), end: at(diag.end) };
}

export interface SessionOptions {
  /** where tslab resolves relative imports (default process.cwd()) */
  cwd?: string;
  magics: MagicTable;
  /** stops a cell that is about to exhaust the heap (a MemoryError instead of a dead kernel) */
  heapWatch?: HeapWatch;
}

export class KernelSession {
  readonly executor: TslabExecutor;
  private capture: Capture | null = null;
  private io: CellIO | null = null;
  private abort = new AbortController();
  readonly display: DisplayState = newDisplayState();
  readonly magics: MagicTable;
  private readonly runtime: MagicRuntime;
  private readonly cwd: string;
  private readonly heapWatch: HeapWatch | undefined;

  constructor(opts: SessionOptions) {
    this.cwd = opts.cwd ?? process.cwd();
    this.heapWatch = opts.heapWatch;
    this.magics = opts.magics;
    const convs = createConverterSet();
    this.keepDeclarationsOfFailedCells(convs.node); // also warms the converter before the first cell
    this.executor = createExecutor(this.cwd, convs, {
      log: (...args) => {
        if (this.capture) this.capture.value = { v: args[0] };
        else process.stdout.write(`${format(...args)}\n`);
      },
      error: (...args) => {
        if (this.capture) this.capture.errors.push(args);
        else process.stderr.write(`${format(...args)}\n`);
      },
    });
    const runtime = new MagicRuntime(this.magics, () => this.host());
    this.runtime = runtime;
    (globalThis as { __glasslab__?: MagicRuntime }).__glasslab__ = runtime;
    setDisplayHost({
      state: this.display,
      send: (data, o) => this.io?.display({ data, metadata: {}, transient: o.displayId ? { display_id: o.displayId } : {} }, o.update === true),
    });
  }

  /** Declarations of the cells run so far, as TypeScript sees them (see below). */
  private declarations = '';
  /** Declarations of the cell being run, once it compiled. */
  private pendingDeclarations: string | undefined;

  /**
   * tslab forgets the declarations of a cell that throws at run time, so
   * `const x = load(); plot(x)` failing in `plot` leaves `x` set but unknown
   * to later cells. IPython keeps such variables; so do we: the converter
   * gets our record of the declarations, which advances after every cell
   * that compiled, whether it then ran to the end or threw.
   */
  private keepDeclarationsOfFailedCells(node: TslabConverter): void {
    const convert = node.convert.bind(node);
    const inspect = node.inspect.bind(node);
    const complete = node.complete.bind(node);
    let names = { of: '', names: new Set<string>() };
    node.convert = (_prev, src) => {
      if (names.of !== this.declarations) names = { of: this.declarations, names: declaredNames(this.declarations) };
      // `{ x }` naming an earlier cell's `x`, `export const` (see cell-rewrite.ts)
      const cell = rewriteCell(src, names.names);
      const r = convert(this.declarations, cell.source);
      if (cell.insertions.length > 0) r.diagnostics = r.diagnostics.map((d) => mapDiagnostic(d, cell, src));
      this.pendingDeclarations = r.diagnostics.length === 0 ? (r.declOutput ?? '') : undefined;
      return r;
    };
    node.inspect = (_prev, src, pos) => inspect(this.declarations, src, pos);
    node.complete = (_prev, src, pos) => complete(this.declarations, src, pos);
  }

  private host(): MagicHost {
    return {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      progress: (label, total, unit) => progressDisplay(label, total, { unit }),
      signal: this.abort.signal,
      cwd: this.cwd,
    };
  }

  /** Run one cell; every output goes to `io`. Never throws. */
  async execute(code: string, io: CellIO): Promise<CellOutcome> {
    this.io = io;
    // like IPython (and tslab), output written after the cell ends still goes to its stream
    process.stdout.write = ((chunk: string | Uint8Array) => { io.stream('stdout', typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')); return true; }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => { io.stream('stderr', typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')); return true; }) as typeof process.stderr.write;
    jupyter.lastWriteDisplayData = (data, update) => io.display(data as Parameters<CellIO['display']>[0], update);
    if (this.abort.signal.aborted) this.abort = new AbortController();
    let outcome: CellOutcome;
    this.heapWatch?.cellStarted();
    try {
      outcome = await this.runPlan(planCell(code, this.magics), io);
    } catch (e) {
      outcome = { status: 'error', ...errorContent(e) };
    }
    const heapTrip = this.heapWatch?.cellEnded();
    if (heapTrip) outcome = { status: 'error', ...heapError(heapTrip) };
    if (outcome.status === 'error' && this.abort.signal.aborted && outcome.ename !== 'KeyboardInterrupt') {
      // a command stopped by the interrupt says where it stopped: keep its message
      outcome = { ...outcome, ename: 'KeyboardInterrupt' };
    }
    if (outcome.status === 'error') io.error(outcome);
    return outcome;
  }

  private async runPlan(plan: CellPlan, io: CellIO): Promise<CellOutcome> {
    if (plan.kind === 'time') {
      const timed = await timeOnce(() => this.runPlan(planCell(plan.body, this.magics), io));
      process.stdout.write(formatTimeReport(timed));
      return timed.value;
    }
    return this.runSource(plan.source, io);
  }

  private async runSource(source: string, io: CellIO): Promise<CellOutcome> {
    const capture: Capture = { errors: [] };
    this.capture = capture;
    this.pendingDeclarations = undefined;
    let ok: boolean;
    try {
      ok = await this.executor.execute(source);
    } finally {
      this.capture = null;
      if (this.pendingDeclarations !== undefined) this.declarations = this.pendingDeclarations;
    }
    if (!ok) return { status: 'error', ...this.failure(capture.errors) };
    if (capture.value) {
      try {
        // an analysis result is several outputs (summary, each figure, table): the first is the cell's result
        const [first, ...rest] = toMimeBundles(capture.value.v, this.display);
        io.result(first);
        for (const data of rest) io.display({ data, metadata: {} }, false);
      } catch (e) {
        return { status: 'error', ...errorContent(e) };
      }
    }
    return { status: 'ok' };
  }

  private failure(errors: unknown[][]): ErrorContent {
    if (errors.length === 0) return { ename: 'Error', evalue: 'the cell failed without a message', traceback: [] };
    if (errors.every(isDiagnostic)) {
      const lines = errors.map((args) => {
        const [, file, line, col, msg] = args as [string, string, number, number, string];
        return `${file && !file.includes('__tslab__') ? `${file} ` : ''}line ${line}, column ${col}: ${msg}`;
      });
      return { ename: 'CompileError', evalue: lines[0], traceback: lines.map((l) => `CompileError: ${l}`) };
    }
    const first = errors.find((a) => !isDiagnostic(a))!;
    return errorContent(first.length === 1 ? first[0] : format(...first));
  }

  /**
   * Interrupt: abort the running command's signal. An interruptible command
   * (declared so in the registry: an MD run) then stops cleanly by itself
   * (closing its dump, writing its checkpoint) and the cell ends with its
   * message; otherwise the awaited cell is abandoned at once (tslab's
   * interrupt). A busy synchronous loop is stopped by SIGINT itself.
   */
  interrupt(): void {
    this.abort.abort(Object.assign(new Error('interrupted'), { name: 'AbortError' }));
    if (!this.runtime.runningInterruptible) this.executor.interrupt();
  }

  /** complete_request: magic names and flags on magic lines, TypeScript elsewhere. */
  complete(code: string, cursor: number): { cursor_start: number; cursor_end: number; matches: string[] } {
    const at = magicAt(code, cursor);
    if (at) {
      const before = at.text.slice(0, at.col);
      const word = /[^\s]*$/.exec(before)![0];
      const start = cursor - word.length;
      const nameMatch = /^(\s*(?:(?:export\s+)?(?:const|let|var)\s+[A-Za-z_$][\w$]*\s*(?::[^=]+)?=\s*)?)(%%?)([\w-]*)$/.exec(before);
      if (nameMatch) {
        const sigil = nameMatch[2];
        const names = sigil === '%%' ? this.magics.cellNames() : this.magics.names();
        return { cursor_start: cursor - nameMatch[3].length - sigil.length, cursor_end: cursor, matches: names.filter((n) => n.startsWith(nameMatch[3])).map((n) => sigil + n) };
      }
      const name = /%%?([\w-]+)/.exec(at.text)?.[1];
      if (name && this.magics.has(name) && word.startsWith('-')) {
        const flags = Object.entries(this.magics.get(name).command.options).map(([k]) => `--${kebab(k)}`).concat('--quiet', '--help');
        return { cursor_start: start, cursor_end: cursor, matches: flags.filter((f) => f.startsWith(word)) };
      }
      return { cursor_start: cursor, cursor_end: cursor, matches: [] };
    }
    const info = this.executor.complete(blankMagics(code), cursor);
    return { cursor_start: info.start, cursor_end: info.end, matches: info.candidates };
  }

  /** inspect_request: a magic's usage on magic lines, TypeScript quick info elsewhere. */
  inspect(code: string, cursor: number): { found: boolean; data: MimeBundle } {
    const at = magicAt(code, cursor);
    if (at) {
      const name = /%%?([\w-]+)/.exec(at.text)?.[1];
      if (name && this.magics.has(name)) return { found: true, data: { 'text/plain': this.magics.help(name) } };
      return { found: false, data: {} };
    }
    const info = this.executor.inspect(blankMagics(code), cursor);
    return info ? { found: true, data: { 'text/plain': printQuickInfo(info) } } : { found: false, data: {} };
  }

  /** A line on the running cell's stderr stream, sent at once (also in the middle of the cell). */
  warn(text: string): void {
    this.io?.stream('stderr', text);
  }

  close(): void {
    this.heapWatch?.close();
    this.executor.close();
    setDisplayHost(undefined);
  }
}
