/**
 * The object behind `globalThis.__glasslab__`, which the rewritten magic
 * lines call: it parses the arguments with the registry (again, now with
 * their final values), runs the command with a RunContext wired to the
 * notebook (stdout/stderr streams, an updating progress display, the
 * interrupt signal), and returns its typed result.
 */
import { formatHelp, parseArgs, tokenize, type RunContext } from '../../src/commands/registry.ts';
import type { ProgressReporter } from '../../src/display/progress.ts';
import type { MagicTable } from './table.ts';
import { formatTimeReport, timeit, timeOnce, type TimeitResult } from './timing.ts';

/** What the runtime needs from the kernel session for the running cell. */
export interface MagicHost {
  stdout(text: string): void;
  stderr(text: string): void;
  progress(label: string, total: number, unit?: string): ProgressReporter;
  /** aborted by an interrupt */
  readonly signal: AbortSignal;
  readonly cwd: string;
}

export class MagicRuntime {
  constructor(private readonly table: MagicTable, private readonly host: () => MagicHost) {}

  /**
   * The command's context. `quiet` (`-q`): the command shows nothing, no
   * progress, notes or printed lines (an MD run's thermo lines): in a
   * notebook its value carries the results. (On the command line `--quiet`
   * keeps stdout, which is the command's data there.)
   */
  private context(quiet = false): RunContext {
    const h = this.host();
    const silent: ProgressReporter = { update() {}, finish() {} };
    return {
      progress: (label, total, unit) => (quiet ? silent : h.progress(label, total, unit)),
      print: (line) => { if (!quiet) h.stdout(line.endsWith('\n') ? line : `${line}\n`); },
      note: (line) => { if (!quiet) h.stderr(line.endsWith('\n') ? line : `${line}\n`); },
      signal: h.signal,
      cwd: h.cwd,
    };
  }

  /** Interruptible commands running now (they stop by themselves when the signal aborts). */
  private interruptibleRunning = 0;

  /** True while a command that stops cleanly on abort (an MD run) is running. */
  get runningInterruptible(): boolean {
    return this.interruptibleRunning > 0;
  }

  /** `%name args`: parse with the registry and run the command. */
  async magic(name: string, args: string): Promise<unknown> {
    const magic = this.table.get(name);
    const parsed = parseArgs(magic.command, this.table.engineDefault.apply(name, tokenize(args)));
    if (parsed.help) {
      this.help(name);
      return undefined;
    }
    const interruptible = magic.command.interruptible === true;
    if (interruptible) this.interruptibleRunning++;
    try {
      return await magic.command.run(parsed.args, this.context(parsed.args.quiet === true));
    } finally {
      if (interruptible) this.interruptibleRunning--;
    }
  }

  /** `%name?`: the registry's help text, with `%name` as the invocation. */
  help(name: string): void {
    this.host().stdout(formatHelp(this.table.get(name).command, `%${name}`));
  }

  /** `%time stmt`: run once, print IPython's CPU/wall report, return the value. */
  async time(_options: string[], fn: () => unknown): Promise<unknown> {
    const r = await timeOnce(fn);
    this.host().stdout(formatTimeReport(r));
    return r.value;
  }

  /** `%timeit [-n N] [-r R] stmt`: print "mean ± std per loop (...)", return the TimeitResult. */
  async timeit(options: string[], fn: () => unknown): Promise<TimeitResult> {
    const parsed = parseArgs(this.table.get('timeit').command, options);
    const a = parsed.help ? {} : (parsed.args as { number?: number; repeat?: number });
    const h = this.host();
    const r = await timeit(fn, { loops: a.number, repeat: a.repeat, signal: h.signal });
    if (r.worst > 4 * r.best && r.worst > 1e-6) {
      h.stdout(`The slowest run took ${(r.worst / r.best).toFixed(2)} times longer than the fastest. This could mean that an intermediate result is being cached.\n`);
    }
    h.stdout(`${r.toString()}\n`);
    return r;
  }
}
