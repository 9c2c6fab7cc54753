/**
 * The `glasslab` command-line front end over the command registry.
 *
 *   glasslab --help                 list of commands
 *   glasslab <command> --help       usage of one command (same text as `%command?`)
 *   glasslab <command> [args]       run it
 *
 * Exit codes: 0 success, 2 usage error (bad option or value; the message
 * names it), 1 runtime error (one line `glasslab <cmd>: error: ...`; the stack
 * trace only with GLASSLAB_DEBUG=1), 130 interrupted (Ctrl-C during an
 * interruptible command such as `md`, `minimize` or `shear`, which stops
 * cleanly after a step).
 */
import { createProgress } from '../display/progress.ts';
import {
  formatCommandList, formatHelp, parseArgs, UsageError, type Registry, type RunContext,
} from '../commands/registry.ts';

export interface MainIO {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  cwd: string;
  /** cancellation from the caller (tests); aborts the command's ctx.signal */
  signal?: AbortSignal;
  /**
   * Install a SIGINT handler while an interruptible command runs: the first
   * Ctrl-C aborts it cleanly (checkpoint written, outputs closed), a second
   * one exits at once. Set by the bin script, not by tests.
   */
  handleSignals?: boolean;
}

const defaultIO = (): MainIO => ({ stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });

/** Run the CLI on `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[], io: MainIO = defaultIO(), registry: Registry): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const target = name === 'help' ? rest[0] : undefined;
    if (target !== undefined) {
      try {
        io.stdout.write(formatHelp(registry.get(target)));
        return 0;
      } catch (e) {
        return reportError(e, io, undefined);
      }
    }
    (name === undefined ? io.stderr : io.stdout).write(formatCommandList(registry));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`glasslab ${await packageVersion()}\n`);
    return 0;
  }
  try {
    const cmd = registry.get(name);
    const parsed = parseArgs(cmd, rest);
    if (parsed.help) {
      io.stdout.write(formatHelp(cmd));
      return 0;
    }
    const quiet = parsed.args.quiet;
    const controller = new AbortController();
    io.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    const ctx: RunContext = {
      progress: (label, total, unit) => createProgress(label, total, { stream: io.stderr, quiet, unit }),
      print: (line) => { io.stdout.write(`${line}\n`); },
      note: (line) => { if (!quiet) io.stderr.write(`${line}\n`); },
      signal: controller.signal,
      cwd: io.cwd,
    };
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(130);
      io.stderr.write(`\nglasslab ${name}: interrupt received, stopping after the current step (Ctrl-C again to kill)\n`);
      controller.abort();
    };
    const trap = io.handleSignals === true && cmd.interruptible === true;
    if (trap) process.on('SIGINT', onSigint);
    try {
      await cmd.run(parsed.args, ctx);
    } catch (e) {
      if (controller.signal.aborted) {
        io.stderr.write(`glasslab ${name}: interrupted: ${e instanceof Error ? e.message : String(e)}\n`);
        return 130;
      }
      throw e;
    } finally {
      if (trap) process.off('SIGINT', onSigint);
    }
    return 0;
  } catch (e) {
    return reportError(e, io, name);
  }
}

function reportError(e: unknown, io: MainIO, command: string | undefined): number {
  const prefix = command ? `glasslab ${command}` : 'glasslab';
  if (e instanceof UsageError) {
    // the message already starts with the command name when it concerns one
    io.stderr.write(`${e.command ? 'glasslab ' : 'glasslab: '}${e.message}\n`);
    return 2;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  if (io.env.GLASSLAB_DEBUG === '1') io.stderr.write(`${prefix}: error: ${err.stack ?? err.message}\n`);
  else io.stderr.write(`${prefix}: error: ${err.message.split('\n')[0]}\n`);
  return 1;
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
