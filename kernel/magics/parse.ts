/**
 * Magic syntax, parsed before TypeScript sees the cell (IPython conventions):
 *
 *   %%name args        first line: a cell magic over the rest of the cell
 *   %name args         a line magic on a line of its own
 *   const r = %name a  the magic's value bound to a variable (also let/var,
 *                      with an optional type annotation)
 *   %name? / %name??   usage of the magic; `%name --help` too
 *
 * Each magic line is rewritten, on the same line (so TypeScript's line
 * numbers stay those of the cell), into an awaited call of the kernel
 * runtime `globalThis.__glasslab__`. Arguments are checked here with the
 * registry's parser, so an unknown magic or a bad option fails the cell
 * before any of it runs.
 */
import { parseArgs, tokenize, UsageError } from '../../src/commands/registry.ts';
import type { MagicTable, Magic } from './table.ts';

/** The runtime object the rewritten code calls (installed by the session). */
// (no parenthesis right after `await`: TypeScript would read `await (...)` as a call)
export const RUNTIME = 'Reflect.get(globalThis, "__glasslab__")';

export type CellPlan =
  /** TypeScript source (magic lines rewritten) */
  | { kind: 'code'; source: string }
  /** %%time: run `body` (itself planned) and report its time */
  | { kind: 'time'; body: string };

const LINE_MAGIC = /^(\s*)((?:export\s+)?(?:const|let|var)\s+[A-Za-z_$][\w$]*\s*(?::[^=]+)?=\s*)?%([A-Za-z_][\w-]*)(\?{1,2})?(?:\s+(.*?))?\s*;?\s*$/;
const CELL_MAGIC = /^\s*%%([A-Za-z_][\w-]*)(\?{1,2})?(?:\s+(.*?))?\s*$/;
const STATEMENT_START = /^(const|let|var|for|while|if|do|switch|try|function|class|throw|return)\b/;

/** A magic line found in a cell (0-based line index). */
export interface MagicLine {
  line: number;
  indent: string;
  /** `const r = ` (with type annotation) when the value is bound */
  binding?: string;
  name: string;
  help: boolean;
  args: string;
}

/** Recognize a magic line; undefined for ordinary TypeScript. */
export function matchMagicLine(text: string, line = 0): MagicLine | undefined {
  if (!text.includes('%')) return undefined;
  const m = LINE_MAGIC.exec(text);
  if (!m || m[3] === undefined) return undefined;
  // `%%` at the start of a line is a cell magic, handled elsewhere
  if (/^\s*%%/.test(text)) return undefined;
  return { line, indent: m[1], binding: m[2]?.trimEnd(), name: m[3], help: m[4] !== undefined, args: m[5] ?? '' };
}

function located(e: unknown, line: number, text: string): never {
  if (e instanceof UsageError) {
    const err = new UsageError(`${e.message} (cell line ${line + 1}: ${text.trim()})`, e.command);
    throw err;
  }
  throw e;
}

/**
 * Split the leading options of a code magic (`-n 10 -r 3 f(x)`) from its
 * code, and check them with the registry's parser.
 */
export function splitCodeMagic(magic: Magic, args: string): { options: string[]; code: string } {
  const specs = magic.command.options;
  const takesValue = (tok: string): boolean => {
    if (tok.includes('=')) return false;
    const name = tok.replace(/^-+/, '');
    for (const [key, spec] of Object.entries(specs)) {
      if ((tok.startsWith('--') ? key === name || key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) === name : spec.short === name)) {
        return spec.type !== 'boolean';
      }
    }
    return false;
  };
  const options: string[] = [];
  let rest = args.trimStart();
  for (;;) {
    const m = /^(-{1,2}[A-Za-z][\w-]*(?:=\S*)?)(?:\s+|$)/.exec(rest);
    if (!m) break;
    options.push(m[1]);
    rest = rest.slice(m[0].length);
    if (takesValue(m[1])) {
      const v = /^(\S+)(?:\s+|$)/.exec(rest);
      if (v) {
        options.push(v[1]);
        rest = rest.slice(v[0].length);
      }
    }
  }
  parseArgs(magic.command, options); // throws UsageError on a bad option
  return { options, code: rest.trim() };
}

/** `() => (expr)` or `async () => { stmt }`, as the code needs. */
export function thunk(code: string): string {
  const prefix = /\bawait\b/.test(code) ? 'async () => ' : '() => ';
  return STATEMENT_START.test(code) ? `${prefix}{ ${code} }` : `${prefix}(${code})`;
}

/** The TypeScript that replaces one magic line (a single line). */
export function rewriteLine(ml: MagicLine, table: MagicTable): string {
  const magic = table.get(ml.name);
  const args = ml.args;
  const bind = ml.binding ? `${ml.binding} ` : '';
  let resultType = typeof magic.resultType === 'string' ? magic.resultType : 'any';
  const typed = (call: string) => (ml.binding ? `await ${call} as ${resultType}` : `await ${call}`);
  if (ml.help || (magic.line === 'args' && tokenize(args).some((t) => t === '--help' || t === '-h'))
    || (magic.line === 'code' && /^\s*(--help|-h)\s*$/.test(args))) {
    return `${ml.indent}${bind}${RUNTIME}.help(${JSON.stringify(ml.name)});`;
  }
  if (magic.line === 'code') {
    const { options, code } = splitCodeMagic(magic, args);
    if (code === '') throw new UsageError(`%${ml.name} needs a statement to time, e.g. %${ml.name} f(x)`, ml.name);
    const call = `${RUNTIME}.${ml.name}(${JSON.stringify(options)}, ${thunk(code)})`;
    // %timeit prints its report; like IPython it has a value only when bound
    if (ml.name === 'timeit' && !ml.binding) return `${ml.indent}void await ${call};`;
    return `${ml.indent}${bind}${typed(call)};`;
  }
  const template = interpolate(args);
  if (template === undefined) {
    const parsed = parseArgs(magic.command, tokenize(args)); // validate now: fail before running anything
    if (parsed.help) return `${ml.indent}${bind}${RUNTIME}.help(${JSON.stringify(ml.name)});`;
    if (typeof magic.resultType === 'function') resultType = magic.resultType(parsed.args as Record<string, unknown>);
  } // with {expr} the values are known only at run time, where the same parser checks them
  return `${ml.indent}${bind}${typed(`${RUNTIME}.magic(${JSON.stringify(ml.name)}, ${template ?? JSON.stringify(args)})`)};`;
}

/**
 * IPython's `{expr}` interpolation in magic arguments (`%md --n {N}`): the
 * arguments become a template literal evaluated in the cell; `{{` and `}}`
 * stand for literal braces. undefined when there is nothing to interpolate.
 */
export function interpolate(args: string): string | undefined {
  if (!/\{[^{}]+\}/.test(args.replace(/\{\{|\}\}/g, ''))) return undefined;
  let out = '';
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (c === '{' && args[i + 1] === '{') { out += '{'; i++; continue; }
    if (c === '}' && args[i + 1] === '}') { out += '}'; i++; continue; }
    if (c === '{') {
      const end = args.indexOf('}', i + 1);
      if (end < 0) throw new UsageError(`unclosed '{' at column ${i + 1} of the magic arguments (write {{ for a literal brace)`);
      out += `\${${args.slice(i + 1, end)}}`;
      i = end;
      continue;
    }
    out += c === '`' || c === '\\' || c === '$' ? `\\${c}` : c;
  }
  return `\`${out}\``;
}

/** Rewrite every magic line of `code` (no cell magic). */
export function rewriteLineMagics(code: string, table: MagicTable): string {
  const lines = code.split('\n');
  return lines.map((text, i) => {
    const ml = matchMagicLine(text, i);
    if (!ml) return text;
    try {
      return rewriteLine(ml, table);
    } catch (e) {
      return located(e, i, text);
    }
  }).join('\n');
}

/** Plan a cell: cell magic or TypeScript with rewritten line magics. Throws UsageError. */
export function planCell(code: string, table: MagicTable): CellPlan {
  const nl = code.indexOf('\n');
  const first = nl < 0 ? code : code.slice(0, nl);
  const cm = CELL_MAGIC.exec(first);
  if (!cm) return { kind: 'code', source: forAwaitFix(rewriteLineMagics(code, table)) };
  const [, name, help, argsRaw] = cm;
  const args = argsRaw ?? '';
  let magic: Magic;
  try {
    magic = table.get(name, true);
  } catch (e) {
    return located(e, 0, first);
  }
  const body = nl < 0 ? '' : code.slice(nl + 1);
  if (help || /^\s*(--help|-h)\s*$/.test(args)) return { kind: 'code', source: `${RUNTIME}.help(${JSON.stringify(name)});` };
  try {
    const { options, code: setup } = splitCodeMagic(magic, args);
    if (name === 'time') {
      if (options.length > 0 || setup !== '') throw new UsageError('%%time takes no arguments: the cell body is what it times');
      return { kind: 'time', body };
    }
    // %%timeit [options] [setup]: setup runs once, the body is timed. The
    // wrapper opens on the magic's own line so the body keeps its line numbers.
    const async = /\bawait\b/.test(body) ? 'async ' : '';
    const open = `${setup ? `${setup}; ` : ''}void await ${RUNTIME}.timeit(${JSON.stringify(options)}, ${async}() => {`;
    return { kind: 'code', source: `${open}\n${rewriteLineMagics(body, table)}\n});` };
  } catch (e) {
    return located(e, 0, first);
  }
}

/**
 * tslab detects top-level await from TypeScript's diagnostic 1308 only, not
 * from the one a top-level `for await` gets, and would run such a cell
 * synchronously (a SyntaxError). A leading `await 0;` on the first line makes
 * it an async cell (columns on that line shift by 9 in compile errors).
 */
export function forAwaitFix(source: string): string {
  return /(^|[;{}\s])for\s+await\s*\(/.test(source) ? `await 0; ${source}` : source;
}

/**
 * The cell with every magic line blanked (same length, so offsets hold):
 * what TypeScript completion and inspection see.
 */
export function blankMagics(code: string): string {
  return code.split('\n').map((text, i) => (
    (i === 0 && CELL_MAGIC.test(text)) || matchMagicLine(text, i) ? ' '.repeat(text.length) : text
  )).join('\n');
}

/** The magic line (and position in it) under `cursor`, for completion and inspection. */
export function magicAt(code: string, cursor: number): { lineStart: number; text: string; col: number; cell: boolean } | undefined {
  const lineStart = code.lastIndexOf('\n', cursor - 1) + 1;
  const end = code.indexOf('\n', cursor);
  const text = code.slice(lineStart, end < 0 ? code.length : end);
  const col = cursor - lineStart;
  const cell = lineStart === 0 && /^\s*%%/.test(text);
  if (cell || /^\s*(?:(?:export\s+)?(?:const|let|var)\s+[A-Za-z_$][\w$]*\s*(?::[^=]+)?=\s*)?%/.test(text)) {
    return { lineStart, text, col, cell };
  }
  return undefined;
}
