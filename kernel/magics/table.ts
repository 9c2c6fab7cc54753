/**
 * The magics of the kernel: every command of the CLI registry (`%md`,
 * `%load`, and the domain commands as they register) plus the kernel's own
 * (`%time`, `%timeit`, `%lsmagic`), all described as registry commands so
 * that parsing and help are the registry's `parseArgs` and `formatHelp`.
 */
import { envVar, exists } from '../../src/platform/index.ts';
import { LOAD_SYSTEM_TYPE, LOAD_TRAJECTORY_TYPE, loadCommand } from './load.ts';
import { defineCommand, formatHelp, Registry, UsageError, didYouMean, type AnyCommand } from '../../src/commands/registry.ts';
import { engineOptions, lammpsLaunch } from '../../src/commands/common.ts';
import { onPath } from '../../src/engine/lammps-job.ts';

export interface Magic {
  command: AnyCommand;
  /**
   * 'args': the line is the command's arguments (every registry command);
   * 'code': after its options, the rest of the line is TypeScript (%time, %timeit).
   */
  line: 'args' | 'code';
  /** usable as a cell magic `%%name` */
  cell: boolean;
  /**
   * TypeScript type of the value, for `const r = %name ...` (default `any`);
   * a function gets the parsed arguments (when known before the cell runs).
   */
  resultType?: string | ((args: Record<string, unknown>) => string);
}

export class MagicTable {
  private readonly magics = new Map<string, Magic>();
  /** the engine options `%engine` set, given to the magics that take them (runtime.ts) */
  readonly engineDefault = new EngineDefault();

  add(m: Magic): this {
    if (this.magics.has(m.command.name)) throw new Error(`magic %${m.command.name} is defined twice`);
    this.magics.set(m.command.name, m);
    return this;
  }

  /** The magic called `name`, or a UsageError naming the closest one. */
  get(name: string, cell = false): Magic {
    const m = this.magics.get(name);
    const sigil = cell ? '%%' : '%';
    if (!m) {
      const names = cell ? this.cellNames() : this.names();
      const hint = didYouMean(name, names, sigil);
      throw new UsageError(`unknown magic ${sigil}${name}${hint.startsWith(';') ? hint : ''}; %lsmagic lists them`);
    }
    if (cell && !m.cell) throw new UsageError(`%${name} is a line magic, not a cell magic: write %${name} ... on a line of its own`);
    return m;
  }

  has(name: string): boolean {
    return this.magics.has(name);
  }

  names(): string[] {
    return [...this.magics.keys()].sort();
  }

  cellNames(): string[] {
    return this.names().filter((n) => this.magics.get(n)!.cell);
  }

  list(): Magic[] {
    return this.names().map((n) => this.magics.get(n)!);
  }

  help(name: string): string {
    return formatHelp(this.get(name).command, `%${name}`);
  }

  /** %lsmagic text: line and cell magics with their one-line summaries. */
  describe(): string {
    const rows = this.list().map((m) => [`%${m.command.name}`, m.command.summary] as const);
    const w = Math.max(...rows.map((r) => r[0].length)) + 2;
    return [
      'Available line magics:',
      ...rows.map(([n, s]) => `  ${n.padEnd(w)}${s}`),
      '',
      'Available cell magics:',
      `  ${this.cellNames().map((n) => `%%${n}`).join('  ')}`,
      '',
      "Type %name? or %name --help for the options of a magic.",
    ].join('\n') + '\n';
  }
}

/** The kernel's own magics (their run is done by the runtime; these specs give parsing and help). */
export const timeCommand = defineCommand({
  name: 'time',
  summary: 'time one execution of a TypeScript statement or of the cell (%%time): CPU and wall time',
  description: 'Prints "CPU times: user ..., sys: ..., total: ...\\nWall time: ..." as IPython does; '
    + 'the value of an expression is the value of the magic (const r = %time f()).',
  positionals: [{ name: 'statement', summary: 'TypeScript statement or expression (line form)', required: false, metavar: 'STATEMENT' }],
  options: {},
  examples: ['await sleep(100)', 'const x = heavy()'],
  async run() { throw new Error('%time is run by the kernel runtime'); },
});

export const timeitCommand = defineCommand({
  name: 'timeit',
  summary: 'time repeated executions of a statement: mean ± std. dev. per loop (IPython format)',
  description: 'Without -n, the loop count is the smallest power of ten for which one run takes at least 0.2 s. '
    + 'Bind the result to keep it: const t = %timeit f()  (t.average, t.stdev, t.timings in seconds).',
  positionals: [{ name: 'statement', summary: 'TypeScript statement or expression (line form)', required: false, metavar: 'STATEMENT' }],
  options: {
    number: { type: 'integer', short: 'n', min: 1, summary: 'loops per run (default: automatic)' },
    repeat: { type: 'integer', short: 'r', min: 1, default: 7, summary: 'number of runs' },
  },
  examples: ['-n 100 -r 5 Math.sqrt(2)', 'f(x)'],
  async run() { throw new Error('%timeit is run by the kernel runtime'); },
});

export function lsmagicCommand(table: MagicTable) {
  return defineCommand({
    name: 'lsmagic',
    summary: 'list the available magics',
    positionals: [],
    options: {},
    async run(_args, ctx) {
      ctx.print(table.describe().trimEnd());
      return undefined;
    },
  });
}

/**
 * The engine the magics run with when their line does not say (`%engine`):
 * option tokens put before the line of each command in COMMANDS. A line
 * that names an engine option itself (--engine, --mpi, --launcher, --lmp),
 * or continues a checkpoint (--resume: a glasslab checkpoint continues in
 * glasslab), is left as written.
 */
export class EngineDefault {
  static readonly COMMANDS: ReadonlySet<string> = new Set(['md', 'minimize', 'shear']);
  private static readonly OWN = ['--engine', '--mpi', '--launcher', '--lmp', '--resume'];
  tokens: string[] = [];

  /** The tokens of `command`'s line with the default put first. */
  apply(command: string, tokens: readonly string[]): string[] {
    if (this.tokens.length === 0 || !EngineDefault.COMMANDS.has(command)) return [...tokens];
    if (tokens.some((t) => EngineDefault.OWN.some((o) => t === o || t.startsWith(`${o}=`)))) return [...tokens];
    return [...this.tokens, ...tokens];
  }
}

/**
 * `%engine [glasslab|lammps] [--mpi N | --launcher CMD] [--lmp PATH]`: the
 * engine of every later %md, %minimize and %shear line that does not name one
 * (run-notebooks injects it with the scale: LAMMPS at paper scale when lmp is
 * found). Prints which engine runs; without arguments, prints the current one.
 */
export function engineCommand(table: MagicTable) {
  return defineCommand({
    name: 'engine',
    summary: 'choose the engine of the later %md, %minimize and %shear lines that do not give --engine (and print it)',
    description: 'lammps: each such line runs as if it had --engine lammps and the options given here (--mpi N, --launcher, --lmp);\n'
      + 'glasslab: the embedded engine again. A line that gives --engine, --mpi, --launcher, --lmp or --resume is run as written.',
    positionals: [{ name: 'engine', summary: 'glasslab | lammps (none: print the current choice)', required: false, metavar: 'glasslab|lammps' }],
    options: { mpi: engineOptions.mpi, launcher: engineOptions.launcher, lmp: engineOptions.lmp },
    examples: ['lammps --mpi 2', 'glasslab', ''],
    async run(args, ctx) {
      const d = table.engineDefault;
      const given = args.engine ?? (args.mpi !== undefined || args.launcher !== undefined || args.lmp !== undefined ? 'lammps' : undefined);
      if (given !== undefined && given !== 'glasslab' && given !== 'lammps') {
        throw new UsageError(`engine: '${given}' is not an engine; give glasslab or lammps`, 'engine');
      }
      if (given !== undefined) {
        const launch = lammpsLaunch({ engine: given, mpi: args.mpi, launcher: args.launcher, lmp: args.lmp }, 'engine');
        if (given === 'lammps') {
          const lmp = launch.lmp ?? envVar('GLASSLAB_LMP') ?? 'lmp';
          if (!(lmp.includes('/') ? exists(lmp) : onPath(lmp) !== undefined)) {
            throw new UsageError(`engine: LAMMPS binary '${lmp}' not found; install LAMMPS (Debian: apt install lammps) or give --lmp PATH`, 'engine');
          }
          d.tokens = ['--engine', 'lammps',
            ...(args.mpi !== undefined ? ['--mpi', String(args.mpi)] : []),
            ...(args.launcher !== undefined ? ['--launcher', args.launcher] : []),
            ...(args.lmp !== undefined ? ['--lmp', args.lmp] : [])];
        } else {
          d.tokens = [];
        }
      }
      const lammps = d.tokens.length > 0;
      const how = lammps ? `LAMMPS (${d.tokens.slice(2).join(' ') || 'lmp, one process'})` : 'the embedded glasslab engine';
      ctx.print(`engine: %md, %minimize and %shear run with ${how}${lammps ? ' unless a line gives --engine' : ''}`);
      return { engine: lammps ? 'lammps' : 'glasslab', options: [...d.tokens] };
    },
  });
}

/** CLI commands that are not magics. */
export const CLI_ONLY: ReadonlySet<string> = new Set(['kernel', 'run-notebooks', 'gallery']);

/**
 * The magic table: kernel builtins plus every command of `cli` (when given).
 * `typedResults` (default true) types bound values from the command modules
 * of src/commands; pass false for a registry of other commands.
 */
export function buildMagicTable(cli?: Registry, opts: { typedResults?: boolean } = {}): MagicTable {
  const typed = opts.typedResults ?? true;
  const table = new MagicTable();
  table.add({ command: timeCommand as unknown as AnyCommand, line: 'code', cell: true });
  table.add({
    command: timeitCommand as unknown as AnyCommand, line: 'code', cell: true,
    resultType: '{ readonly loops: number; readonly repeat: number; readonly allRuns: readonly number[]; readonly timings: number[]; readonly average: number; readonly stdev: number; readonly best: number; readonly worst: number }',
  });
  table.add({ command: lsmagicCommand(table) as unknown as AnyCommand, line: 'args', cell: false, resultType: 'void' });
  table.add({ command: engineCommand(table) as unknown as AnyCommand, line: 'args', cell: false, resultType: "{ engine: 'glasslab' | 'lammps'; options: string[] }" });
  table.add({
    command: loadCommand as unknown as AnyCommand, line: 'args', cell: false,
    resultType: (args) => (args.trajectory ? LOAD_TRAJECTORY_TYPE : LOAD_SYSTEM_TYPE),
  });
  for (const command of cli?.list() ?? []) {
    // kernel builtins win (none of the CLI's names today); commands that drive
    // Jupyter itself make no sense inside a cell
    if (table.has(command.name) || CLI_ONLY.has(command.name)) continue;
    // typed from src/commands/<name>.ts: off for registries of other commands (tests)
    table.add({ command, line: 'args', cell: false, resultType: typed ? commandResultType(command.name, command.result) : 'any' });
  }
  return table;
}

/**
 * The TypeScript type of a CLI command's value in a cell, `const r = %vdos ...`:
 * the library type the command names (`result`, e.g.
 * `import("glasslab/analysis").VdosAnalysis`), so that notebooks read result
 * types from the library; else the awaited return type of its `run`, read
 * from the emitted declarations of src/commands/<name>.ts, whose export is
 * `<camelName>Command` (the convention of every command module;
 * test/kernel/magics.test.ts checks both). `any` for a command that follows
 * neither.
 */
export function commandResultType(name: string, result?: { from: string; name: string }): string {
  if (result && /^[a-z]+$/.test(result.from) && /^[A-Za-z_$][\w$]*$/.test(result.name)) return `import("glasslab/${result.from}").${result.name}`;
  if (!/^[a-z][a-z0-9-]*$/.test(name)) return 'any';
  const file = new URL(`${name}.ts`, COMMANDS_DIR);
  if (file.protocol !== 'file:' || !exists(decodeURIComponent(file.pathname))) return 'any';
  return `Awaited<ReturnType<typeof import("glasslab/commands/${name}").${commandExportName(name)}.run>>`;
}

/** 'run-notebooks' -> 'runNotebooksCommand' */
export function commandExportName(name: string): string {
  return `${name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Command`;
}

/** src/commands/ of a checkout (in a browser bundle an http URL, where no command has declarations) */
const COMMANDS_DIR = new URL('../../src/commands/', import.meta.url);
