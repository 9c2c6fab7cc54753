/**
 * The one declarative command registry (ARCHITECTURE.md, "What glasslab is made of").
 *
 * A command is described once: name, summary, positional arguments, typed
 * options with defaults and units, and a `run(args, ctx)` returning a typed
 * result. Two thin front ends use it: the CLI (`glasslab md --n 4000`) and,
 * the Jupyter magics (`%md --n 4000`). Both call `parseArgs` on the
 * tokens after the command name and `formatHelp` for `--help`, so the parser,
 * the error messages and the help text are the same everywhere.
 *
 * Option names are declared in camelCase (`tempFinal`) and written on the
 * command line in kebab-case (`--temp-final`); parsed values come back under
 * the camelCase key.
 *
 * Accepted syntax: `--name value`, `--name=value`, booleans `--flag`,
 * `--no-flag`, `--flag=true|false`; single-letter aliases `-o value`;
 * `-h`/`--help`; `--` ends option parsing. Every error is a `UsageError`
 * naming the option, the bad value and what was expected, with a
 * "did you mean" for near misses.
 */
import type { ProgressReporter } from '../display/progress.ts';

// ---------------------------------------------------------------------------
// Option and argument specifications

interface OptionBase {
  /** one-line description shown in the help */
  summary: string;
  /** physical unit shown in the help, e.g. 'tau', 'sigma^-3', 'eV/A' */
  unit?: string;
  /** single-letter alias, e.g. 'o' for `-o` */
  short?: string;
  /** must be given (no default) */
  required?: boolean;
  /** may be given several times; the value is then an array in order */
  repeatable?: boolean;
  /** placeholder shown in the help instead of the type name (e.g. 'FILE') */
  metavar?: string;
}

export interface StringOption extends OptionBase {
  type: 'string';
  default?: string;
}

/** A real number; `min`/`max` bounds are inclusive unless `exclusiveMin` is set. */
export interface NumberOption extends OptionBase {
  type: 'number';
  default?: number;
  min?: number;
  max?: number;
  /** the value must be strictly greater than `min` */
  exclusiveMin?: boolean;
}

export interface IntegerOption extends OptionBase {
  type: 'integer';
  default?: number;
  min?: number;
  max?: number;
}

export interface BooleanOption extends OptionBase {
  type: 'boolean';
  default?: boolean;
}

export interface EnumOption<C extends string = string> extends OptionBase {
  type: 'enum';
  choices: readonly C[];
  default?: C;
}

/** A closed interval written `lo:hi`, e.g. `--freq 0:0.6`. */
export interface RangeOption extends OptionBase {
  type: 'range';
  default?: Range;
}

export interface Range {
  lo: number;
  hi: number;
}

export type OptionSpec = StringOption | NumberOption | IntegerOption | BooleanOption | EnumOption | RangeOption;

/** A positional argument: a string (file names) unless declared otherwise. */
export interface PositionalSpec {
  name: string;
  summary: string;
  type?: 'string' | 'number' | 'integer';
  /** default true */
  required?: boolean;
  metavar?: string;
}

// ---------------------------------------------------------------------------
// Value types derived from the specifications (so `run` gets typed args)

type ScalarValue<O> = O extends { type: 'string' } ? string
  : O extends { type: 'number' | 'integer' } ? number
  : O extends { type: 'boolean' } ? boolean
  : O extends { type: 'enum'; choices: readonly (infer C)[] } ? C
  : O extends { type: 'range' } ? Range
  : never;

type HasValue<O> = O extends { required: true } ? true
  : O extends { default: unknown } ? true
  : O extends { type: 'boolean' } ? true
  : false;

export type OptionValue<O> = O extends { repeatable: true } ? ScalarValue<O>[]
  : HasValue<O> extends true ? ScalarValue<O> : ScalarValue<O> | undefined;

type PositionalValue<P> = P extends { type: 'number' | 'integer' } ? number : string;

export type ParsedArgs<O extends Record<string, OptionSpec>, P extends readonly PositionalSpec[]> =
  { [K in keyof O]: OptionValue<O[K]> } &
  { [Q in P[number] as Q['name']]: Q extends { required: false } ? PositionalValue<Q> | undefined : PositionalValue<Q> } &
  { quiet: boolean };

// ---------------------------------------------------------------------------
// Commands

/**
 * What a command gets from its front end: progress display (stderr bar in
 * the CLI, an updating display in the kernel), a line-oriented output sink
 * (stdout in the CLI) and a cancellation signal.
 */
export interface RunContext {
  /** start a progress display for a task of `total` units of work (named by `unit`, e.g. 'steps') */
  progress(label: string, total: number, unit?: string): ProgressReporter;
  /** one line of regular output (thermo lines, summaries) */
  print(line: string): void;
  /** one line of diagnostics (warnings, notes) */
  note(line: string): void;
  /** aborted when the user interrupts (Ctrl-C, kernel interrupt) */
  signal: AbortSignal;
  /** directory that relative paths are resolved against */
  cwd: string;
}

export interface Command<
  O extends Record<string, OptionSpec> = Record<string, OptionSpec>,
  P extends readonly PositionalSpec[] = readonly PositionalSpec[],
  R = unknown,
> {
  name: string;
  /** one line, shown in the command list */
  summary: string;
  /** optional paragraph(s) shown after the usage line */
  description?: string;
  positionals: P;
  options: O;
  /** example invocations (arguments after the command name) */
  examples?: readonly string[];
  /**
   * The command yields to the event loop and stops cleanly when ctx.signal
   * aborts (a long MD run). Front ends then turn the first Ctrl-C / kernel
   * interrupt into an abort; for other commands an interrupt kills at once.
   */
  interruptible?: boolean;
  /**
   * Former option names (kebab-case) mapped to their current ones: the old
   * spelling is still an unknown option, but its error names the new one.
   */
  renamed?: Readonly<Record<string, string>>;
  /**
   * The library type of run()'s value, by its export from 'glasslab/<from>'
   * (e.g. { from: 'analysis', name: 'VdosAnalysis' }): the type a notebook
   * binds with `const r = %vdos ...` (kernel/magics/table.ts). Commands that
   * return a library result name it; run() is declared to return it. Those
   * of 'analysis' and 'protocols' are AnalysisResults (src/plot/result.ts).
   */
  result?: { from: 'analysis' | 'protocols' | 'minimize'; name: string };
  run(args: ParsedArgs<O, P>, ctx: RunContext): Promise<R>;
}

/**
 * Identity helper that keeps the literal types of the option specs, so that
 * `run` receives precisely typed arguments.
 */
export function defineCommand<
  const O extends Record<string, OptionSpec>,
  const P extends readonly PositionalSpec[],
  R,
>(cmd: Command<O, P, R>): Command<O, P, R> {
  for (const [key, spec] of Object.entries(cmd.options)) {
    if (key === 'help' || key === 'quiet') throw new Error(`command ${cmd.name}: option name '${key}' is reserved`);
    if (spec.short === 'h' || spec.short === 'q') throw new Error(`command ${cmd.name}: short option -${spec.short} is reserved (help, quiet)`);
    if (spec.short !== undefined && !/^[a-zA-Z]$/.test(spec.short)) throw new Error(`command ${cmd.name}: short option of --${kebab(key)} must be one letter`);
    if (spec.type === 'enum' && spec.default !== undefined && !spec.choices.includes(spec.default)) {
      throw new Error(`command ${cmd.name}: default '${spec.default}' of --${kebab(key)} is not among its choices`);
    }
  }
  const flags = new Set(Object.keys(cmd.options).map(kebab));
  for (const [from, to] of Object.entries(cmd.renamed ?? {})) {
    if (flags.has(from)) throw new Error(`command ${cmd.name}: --${from} is renamed to --${to} but is still an option`);
    if (!flags.has(to)) throw new Error(`command ${cmd.name}: --${from} is renamed to --${to}, which is not an option`);
  }
  const run = cmd.run;
  return {
    ...cmd,
    // each run gets its own context object, so that work registered with onRunEnd (committing outputs) ends with it
    async run(args, ctx) {
      const own: RunContext = Object.create(ctx) as RunContext;
      const hooks: RunEndHook[] = [];
      runEndHooks.set(own, hooks);
      let result: R;
      try {
        result = await run.call(cmd, args, own);
      } catch (e) {
        for (const h of hooks) await h(false).catch(() => {});
        throw e;
      }
      for (let k = 0; k < hooks.length; k++) {
        try {
          await hooks[k](true);
        } catch (e) {
          for (const h of hooks.slice(k + 1)) await h(false).catch(() => {});
          throw e;
        }
      }
      return result;
    },
  };
}

/** Work to finish when a command run ends: ok = true when run returned, false when it threw. */
export type RunEndHook = (ok: boolean) => Promise<void>;

const runEndHooks = new WeakMap<RunContext, RunEndHook[]>();

/**
 * Call `hook` when the command run that received `ctx` ends (in the order
 * registered). Used to commit a run's outputs together at its end, or remove
 * them when it fails. A context not made by a defineCommand run (a direct
 * call of a command's work function) gets no hook: the caller then finishes
 * the work itself; `onRunEnd` returns false.
 */
export function onRunEnd(ctx: RunContext, hook: RunEndHook): boolean {
  for (let c: object | null = ctx; c !== null; c = Object.getPrototypeOf(c) as object | null) {
    const hooks = runEndHooks.get(c as RunContext);
    if (hooks) {
      hooks.push(hook);
      return true;
    }
  }
  return false;
}

/** A command with its argument types erased, as stored in a registry. */
export type AnyCommand = Command<Record<string, OptionSpec>, readonly PositionalSpec[], unknown>;

export class Registry {
  private readonly commands = new Map<string, AnyCommand>();

  add<O extends Record<string, OptionSpec>, P extends readonly PositionalSpec[], R>(cmd: Command<O, P, R>): this {
    if (this.commands.has(cmd.name)) throw new Error(`command '${cmd.name}' is registered twice`);
    this.commands.set(cmd.name, cmd as unknown as AnyCommand);
    return this;
  }

  /** The command called `name`; a UsageError with a suggestion if there is none. */
  get(name: string): AnyCommand {
    const c = this.commands.get(name);
    if (!c) {
      const hint = didYouMean(name, [...this.commands.keys()]);
      throw new UsageError(`unknown command '${name}'${hint} Commands: ${[...this.commands.keys()].join(', ')}.`);
    }
    return c;
  }

  has(name: string): boolean {
    return this.commands.has(name);
  }

  list(): AnyCommand[] {
    return [...this.commands.values()];
  }
}

// ---------------------------------------------------------------------------
// Parsing

/** A mistake in how a command was invoked (CLI exit code 2). */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type ParseOutcome<A> = { help: true } | { help: false; args: A };

/** Options every command accepts; handled by the parser itself. */
const BUILTIN_FLAGS = ['help', 'quiet'] as const;

/**
 * Parse the tokens after the command name. Returns `{help: true}` when
 * `-h`/`--help` is present (anywhere), otherwise the typed arguments with
 * defaults filled in. Throws `UsageError` on any mistake.
 */
export function parseArgs<O extends Record<string, OptionSpec>, P extends readonly PositionalSpec[]>(
  cmd: Command<O, P, unknown>,
  argv: readonly string[],
): ParseOutcome<ParsedArgs<O, P>> {
  const where = cmd.name;
  const byFlag = new Map<string, string>(); // kebab name -> key
  const byShort = new Map<string, string>();
  for (const [key, spec] of Object.entries(cmd.options)) {
    byFlag.set(kebab(key), key);
    if (spec.short) byShort.set(spec.short, key);
  }
  // help wins over every other mistake on the line (but not after `--`)
  const end = argv.indexOf('--');
  if ((end < 0 ? argv : argv.slice(0, end)).some((t) => t === '-h' || t === '--help')) return { help: true };

  const values: Record<string, unknown> = {};
  const positional: string[] = [];
  let quiet = false;
  let optionsEnded = false;

  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i];
    if (optionsEnded || !tok.startsWith('-') || tok === '-' || isNumberLiteral(tok)) {
      positional.push(tok);
      continue;
    }
    if (tok === '--') { optionsEnded = true; continue; }

    let name: string;
    let inline: string | undefined;
    let key: string | undefined;
    let negated = false;
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      name = eq >= 0 ? tok.slice(2, eq) : tok.slice(2);
      inline = eq >= 0 ? tok.slice(eq + 1) : undefined;
      if (name === 'quiet') {
        quiet = inline === undefined ? true : parseBoolean('--quiet', inline, where);
        continue;
      }
      if (name === 'no-quiet' && inline === undefined) { quiet = false; continue; }
      key = byFlag.get(name);
      if (key === undefined && name.startsWith('no-')) {
        const k = byFlag.get(name.slice(3));
        if (k !== undefined && cmd.options[k].type === 'boolean') {
          if (inline !== undefined) throw new UsageError(`${where}: --${name} takes no value (got '${inline}')`, where);
          key = k;
          negated = true;
        }
      }
      if (key === undefined) {
        const known = [...byFlag.keys(), ...BUILTIN_FLAGS];
        const renamed = cmd.renamed !== undefined && Object.hasOwn(cmd.renamed, name) ? `; did you mean '--${cmd.renamed[name]}'?` : undefined;
        throw new UsageError(`${where}: unknown option --${name}${renamed ?? didYouMean(name, known, '--')} (see --help)`, where);
      }
    } else {
      name = tok.slice(1);
      if (name === 'q') { quiet = true; continue; }
      key = byShort.get(name);
      if (key === undefined) {
        throw new UsageError(`${where}: unknown option -${name} (see --help)`, where);
      }
    }

    const spec = cmd.options[key];
    const label = `--${kebab(key)}`;
    let value: unknown;
    if (spec.type === 'boolean') {
      value = negated ? false : inline === undefined ? true : parseBoolean(label, inline, where);
    } else {
      let raw = inline;
      if (raw === undefined) {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith('-') && next !== '-' && !isNumberLiteral(next))) {
          throw new UsageError(`${where}: option ${label} needs a value (${describeType(spec)})`, where);
        }
        raw = next;
        i++;
      }
      value = convertOption(label, spec, raw, where);
    }
    if (spec.repeatable) {
      ((values[key] ??= []) as unknown[]).push(value);
    } else {
      if (key in values) throw new UsageError(`${where}: option ${label} given twice`, where);
      values[key] = value;
    }
  }

  // positionals
  const specs = cmd.positionals;
  if (positional.length > specs.length) {
    const extra = positional.slice(specs.length).join(' ');
    throw new UsageError(specs.length === 0
      ? `${where}: takes no positional arguments, got '${extra}'`
      : `${where}: too many arguments: '${extra}' (expected ${specs.map(usageName).join(' ')})`, where);
  }
  for (let k = 0; k < specs.length; k++) {
    const p = specs[k];
    const raw = positional[k];
    if (raw === undefined) {
      if (p.required !== false) throw new UsageError(`${where}: missing argument ${usageName(p)} (${p.summary})`, where);
      continue;
    }
    values[p.name] = p.type === 'number' || p.type === 'integer'
      ? convertOption(usageName(p), { type: p.type, summary: p.summary }, raw, where)
      : raw;
  }

  // defaults and required options
  for (const [key, spec] of Object.entries(cmd.options)) {
    if (key in values) continue;
    if (spec.required) throw new UsageError(`${where}: option --${kebab(key)} is required (${spec.summary})`, where);
    if (spec.repeatable) values[key] = spec.default === undefined ? [] : [spec.default];
    else if (spec.default !== undefined) values[key] = spec.default;
    else if (spec.type === 'boolean') values[key] = false;
  }
  values.quiet = quiet;
  return { help: false, args: values as ParsedArgs<O, P> };
}

function convertOption(label: string, spec: OptionSpec | IntegerOption | NumberOption, raw: string, where: string): unknown {
  const bad = (why: string) => new UsageError(`${where}: invalid value '${raw}' for ${label}: ${why}`, where);
  switch (spec.type) {
    case 'string':
      return raw;
    case 'boolean':
      return parseBoolean(label, raw, where);
    case 'number':
    case 'integer': {
      const v = parseNumber(raw);
      if (v === undefined) throw bad(`expected ${spec.type === 'integer' ? 'an integer' : 'a finite number'}`);
      if (spec.type === 'integer' && !Number.isSafeInteger(v)) throw bad('expected an integer');
      if (spec.min !== undefined) {
        const excl = spec.type === 'number' && spec.exclusiveMin;
        if (excl ? !(v > spec.min) : !(v >= spec.min)) throw bad(`must be ${excl ? '>' : '>='} ${spec.min}`);
      }
      if (spec.max !== undefined && !(v <= spec.max)) throw bad(`must be <= ${spec.max}`);
      return v;
    }
    case 'enum': {
      if (spec.choices.includes(raw)) return raw;
      throw bad(`expected one of ${spec.choices.join(', ')}${didYouMean(raw, spec.choices)}`);
    }
    case 'range': {
      const parts = raw.split(':');
      const lo = parts.length === 2 ? parseNumber(parts[0]) : undefined;
      const hi = parts.length === 2 ? parseNumber(parts[1]) : undefined;
      if (lo === undefined || hi === undefined) throw bad('expected a range lo:hi of two numbers, e.g. 0:0.6');
      if (lo > hi) throw bad(`the lower end ${lo} is above the upper end ${hi}`);
      return { lo, hi } satisfies Range;
    }
  }
}

/** Strict decimal/scientific number: rejects '', '1e', '0x10', 'Infinity', '1,5'. */
function parseNumber(s: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s.trim()) ) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

function isNumberLiteral(s: string): boolean {
  return parseNumber(s) !== undefined || /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?:/.test(s);
}

function parseBoolean(label: string, raw: string, where: string): boolean {
  const s = raw.toLowerCase();
  if (s === 'true' || s === 'yes' || s === '1') return true;
  if (s === 'false' || s === 'no' || s === '0') return false;
  throw new UsageError(`${where}: invalid value '${raw}' for ${label}: expected true or false`, where);
}

// ---------------------------------------------------------------------------
// Magic-line tokenizer

/**
 * Split a magic line (`%md --n 4000 --out "my run.dump"`) into tokens with
 * POSIX-shell-like quoting: single quotes literal, double quotes with `\"`
 * and `\\` escapes, backslash escapes outside quotes.
 */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new UsageError(`unterminated single quote at column ${i + 1}`);
      cur += line.slice(i + 1, end);
      i = end;
      inToken = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && (line[j + 1] === '"' || line[j + 1] === '\\')) j++;
        cur += line[j];
      }
      if (j >= line.length) throw new UsageError(`unterminated double quote at column ${i + 1}`);
      i = j;
      inToken = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inToken = true;
    } else if (/\s/.test(c)) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else {
      cur += c;
      inToken = true;
    }
  }
  if (inToken) out.push(cur);
  return out;
}

// ---------------------------------------------------------------------------
// Help text

/**
 * The usage text of a command. `invocation` is how the front end calls it:
 * 'glasslab md' for the CLI (default), '%md' for the magics; the rest of the
 * text is identical.
 */
export function formatHelp(cmd: AnyCommand | Command<any, any, any>, invocation = `glasslab ${cmd.name}`): string {
  const lines: string[] = [];
  const pos = (cmd.positionals as readonly PositionalSpec[]).map((p) => (p.required === false ? `[${usageName(p)}]` : usageName(p)));
  lines.push(`Usage: ${[invocation, ...pos, '[options]'].join(' ')}`, '', cmd.summary);
  if (cmd.description) lines.push('', cmd.description.trim());
  const rows: [string, string][] = [];
  if (cmd.positionals.length > 0) {
    lines.push('', 'Arguments:');
    const prow = (cmd.positionals as readonly PositionalSpec[]).map((p): [string, string] => [usageName(p), p.summary]);
    lines.push(...table(prow));
  }
  for (const [key, spec] of Object.entries(cmd.options as Record<string, OptionSpec>)) {
    const head = `${spec.short ? `-${spec.short}, ` : ''}--${kebab(key)}${spec.type === 'boolean' ? '' : ` ${metavar(spec)}`}`;
    let text = spec.summary;
    if (spec.type === 'enum' && !metavar(spec).includes('|')) text += ` (${spec.choices.join(' | ')})`;
    if (spec.unit) text += ` [${spec.unit}]`;
    const notes: string[] = [];
    if (spec.required) notes.push('required');
    else if (spec.default !== undefined) notes.push(`default: ${formatDefault(spec)}`);
    if (spec.repeatable) notes.push('repeatable');
    if (notes.length) text += ` (${notes.join('; ')})`;
    rows.push([head, text]);
  }
  rows.push(['-q, --quiet', 'no progress display']);
  rows.push(['-h, --help', 'show this help']);
  lines.push('', 'Options:', ...table(rows));
  if (cmd.examples?.length) {
    lines.push('', 'Examples:', ...cmd.examples.map((e) => `  ${invocation} ${e}`));
  }
  return lines.join('\n') + '\n';
}

/** The command list shown by `glasslab --help` / `%lsmagic`. */
export function formatCommandList(registry: Registry, invocation = 'glasslab'): string {
  const rows = registry.list().map((c): [string, string] => [c.name, c.summary]);
  return [
    `Usage: ${invocation} <command> [options]`, '',
    'Commands:', ...table(rows), '',
    `Run '${invocation} <command> --help' for the options of a command.`,
  ].join('\n') + '\n';
}

function table(rows: [string, string][]): string[] {
  const w = Math.min(30, Math.max(...rows.map((r) => r[0].length)) + 2);
  return rows.map(([a, b]) => (a.length + 2 > w ? `  ${a}\n  ${' '.repeat(w)}${b}` : `  ${a.padEnd(w)}${b}`));
}

function metavar(spec: OptionSpec): string {
  if (spec.metavar) return spec.metavar;
  switch (spec.type) {
    case 'string': return 'STR';
    case 'number': return 'NUM';
    case 'integer': return 'INT';
    case 'enum': return spec.choices.length <= 4 ? spec.choices.join('|') : 'NAME';
    case 'range': return 'LO:HI';
    case 'boolean': return '';
  }
}

function formatDefault(spec: OptionSpec): string {
  if (spec.type === 'range' && spec.default) return `${spec.default.lo}:${spec.default.hi}`;
  return String(spec.default);
}

function describeType(spec: OptionSpec): string {
  switch (spec.type) {
    case 'string': return spec.metavar ?? 'a string';
    case 'number': return 'a number';
    case 'integer': return 'an integer';
    case 'enum': return `one of ${spec.choices.join(', ')}`;
    case 'range': return 'a range lo:hi';
    case 'boolean': return 'true or false';
  }
}

function usageName(p: PositionalSpec): string {
  return p.metavar ?? p.name.toUpperCase();
}

/** camelCase -> kebab-case: tempFinal -> temp-final. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

// ---------------------------------------------------------------------------
// "Did you mean"

/** "; did you mean 'x'?" for the closest candidate within a small edit distance, else '.'. */
export function didYouMean(input: string, candidates: readonly string[], prefix = ''): string {
  let best = '';
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(input.length / 3)));
  const isPrefix = input.length >= 2 && candidates.filter((c) => c.startsWith(input)).length === 1;
  if (isPrefix) best = candidates.find((c) => c.startsWith(input))!;
  return bestD <= limit || isPrefix ? `; did you mean '${prefix}${best}'?` : '.';
}

/** Damerau-Levenshtein distance (optimal string alignment: transpositions count 1). */
export function editDistance(a: string, b: string): number {
  const m = a.length, n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}
