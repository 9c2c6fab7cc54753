/**
 * A notebook cell of TypeScript -> the body of an async function that runs
 * it on a persistent scope: what the browser kernel (web/, issue [14]) runs
 * in a Web Worker, where tslab cannot (no `ts.sys`, no `vm`).
 *
 * Two steps, both line-preserving so that an error's line is the cell's line:
 *  1. Types are stripped by sucrase (`transforms: ['typescript']`): a
 *     pure-JavaScript stripper of ~250 KB min that runs synchronously in a
 *     worker in well under a millisecond per cell and keeps line numbers;
 *     the TypeScript compiler (~9 MB) or esbuild-wasm (~10 MB of wasm and
 *     an asynchronous start) would dominate the site's first load. It does
 *     not type-check: a type error is not reported, only a syntax error.
 *     `keepUnusedImports` keeps an import whose names only a later cell uses.
 *  2. The stripped JavaScript is parsed by acorn and its top-level
 *     declarations are rewritten into assignments to names of the scope
 *     object, which the runner puts around the cell with `with (scope)`:
 *     - `const/let/var a = 1, {b, c: [d]} = e` -> `a = 1, ({b, c: [d]} = e)`;
 *     - `class C {}` -> `C = class C {}`;
 *     - `function f() {}` stays (hoisted within the cell) and the prologue
 *       stores it: `__scope.f = f`;
 *     - `import x, {a as b} from 'm'` -> `const __m0 = await __import('m'); x = __m0.default; b = __m0.a`
 *       (`import * as ns` takes the whole module; `import('m')` calls `__import`);
 *     - `export` is dropped (a cell has no module to export from);
 *     - the last statement, when it is an expression, is returned: the cell's value.
 *
 * Decisions (where this differs from a module): a name declared again in a
 * later cell is assigned again, as in tslab and the Node REPL (a `const` can
 * therefore be redeclared); `const` is not enforced after its cell; the cell
 * runs in sloppy mode (`with` needs it), so an assignment to an undeclared
 * name creates a global instead of throwing. Names in nested blocks and
 * functions stay local, as in a module.
 */
import { Parser, type Node as AcornNode } from 'acorn';
import { transform as sucrase } from 'sucrase';

/** A cell rewritten for `runCell`. */
export interface TransformedCell {
  /** Body of the async function `(__scope, __import) => ...` (sloppy mode, wrapped in `with (__scope)`). */
  code: string;
  /** Names the cell declares at top level (the runner creates them on the scope before the cell runs). */
  declared: string[];
  /** Module specifiers the cell imports statically, in order. */
  imports: string[];
}

/** A cell's syntax error, with its 1-based line and column in the cell. */
export class CellSyntaxError extends SyntaxError {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(`${message} (cell line ${line}, column ${column})`);
    this.name = 'SyntaxError';
  }
}

interface N extends AcornNode {
  [key: string]: unknown;
}

const SCOPE = '__scope';
const IMPORT = '__import';

/** TypeScript -> JavaScript with the same lines (see the module comment, step 1). */
export function stripTypes(source: string): string {
  try {
    return sucrase(source, { transforms: ['typescript'], disableESTransforms: true, keepUnusedImports: true }).code;
  } catch (err) {
    const e = err as Error & { loc?: { line: number; column: number } };
    if (e.loc) throw new CellSyntaxError(e.message.replace(/\s*\(\d+:\d+\)$/, ''), e.loc.line, e.loc.column + 1);
    throw err;
  }
}

/** Every identifier a binding pattern binds (`{a, b: [c, ...d]}` -> a, c, d). */
function patternNames(p: N, out: string[]): string[] {
  switch (p.type) {
    case 'Identifier': out.push(p.name as string); break;
    case 'ObjectPattern': for (const prop of p.properties as N[]) patternNames((prop.type === 'RestElement' ? prop.argument : prop.value) as N, out); break;
    case 'ArrayPattern': for (const el of p.elements as (N | null)[]) if (el) patternNames(el, out); break;
    case 'RestElement': patternNames(p.argument as N, out); break;
    case 'AssignmentPattern': patternNames(p.left as N, out); break;
    default: break;
  }
  return out;
}

/** Rewrite `import()` calls anywhere in `node` to `__import()`. */
function importCalls(node: N, edits: Edit[]): void {
  if (node.type === 'ImportExpression') edits.push({ start: node.start, end: node.start + 'import'.length, text: IMPORT });
  for (const key of Object.keys(node)) {
    const v = node[key];
    if (Array.isArray(v)) for (const c of v) { if (c && typeof c === 'object' && typeof (c as N).type === 'string') importCalls(c as N, edits); }
    else if (v && typeof v === 'object' && typeof (v as N).type === 'string') importCalls(v as N, edits);
  }
}

interface Edit { start: number; end: number; text: string }

/**
 * Rewrite a TypeScript cell for `runCell` (see the module comment). Throws
 * a `CellSyntaxError` naming the cell's line on a syntax error.
 */
export function transformCell(source: string): TransformedCell {
  const js = stripTypes(source);
  let program: N;
  try {
    program = Parser.parse(js, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true, allowHashBang: true, locations: true }) as unknown as N;
  } catch (err) {
    const e = err as Error & { loc?: { line: number; column: number } };
    if (e.loc) throw new CellSyntaxError(e.message.replace(/\s*\(\d+:\d+\)$/, ''), e.loc.line, e.loc.column + 1);
    throw err;
  }
  const declared: string[] = [];
  const imports: string[] = [];
  const functions: string[] = [];
  const edits: Edit[] = [];
  const body = program.body as N[];
  let moduleCount = 0;

  const declaration = (st: N, start: number): void => {
    // `st` is a declaration; `start` is where its replacement begins (before an `export`)
    if (st.type === 'VariableDeclaration') {
      // in place, so that separators, comments and newlines stay: drop the
      // keyword, parenthesise patterns, give `let x` its undefined
      const decls = st.declarations as N[];
      edits.push({ start, end: decls[0].start, text: ';' });
      for (const d of decls) {
        const id = d.id as N;
        const names = patternNames(id, []);
        declared.push(...names);
        if (d.init) {
          if (id.type !== 'Identifier') {
            edits.push({ start: d.start, end: d.start, text: '(' });
            edits.push({ start: d.end, end: d.end, text: ')' });
          }
          importCalls(d.init as N, edits);
        } else {
          edits.push({ start: d.start, end: d.end, text: st.kind === 'var' ? 'void 0' : names.map((n) => `${n} = undefined`).join(', ') });
        }
      }
    } else if (st.type === 'FunctionDeclaration') {
      const name = (st.id as N).name as string;
      declared.push(name);
      functions.push(name);
      if (start !== st.start) edits.push({ start, end: st.start, text: '' });
      importCalls(st, edits);
    } else if (st.type === 'ClassDeclaration') {
      const name = (st.id as N).name as string;
      declared.push(name);
      edits.push({ start, end: st.start, text: `${name} = ` });
      importCalls(st, edits);
      edits.push({ start: st.end, end: st.end, text: ';' });
    }
  };

  for (let i = 0; i < body.length; i++) {
    const st = body[i];
    if (st.type === 'ImportDeclaration') {
      const spec = (st.source as N).value as string;
      imports.push(spec);
      const m = `__m${moduleCount++}`;
      const assigns: string[] = [];
      for (const s of st.specifiers as N[]) {
        const local = (s.local as N).name as string;
        declared.push(local);
        if (s.type === 'ImportDefaultSpecifier') assigns.push(`${local} = ${m}.default`);
        else if (s.type === 'ImportNamespaceSpecifier') assigns.push(`${local} = ${m}`);
        else {
          const imported = s.imported as N;
          const key = imported.type === 'Identifier' ? `.${imported.name as string}` : `[${JSON.stringify(imported.value)}]`;
          assigns.push(`${local} = ${m}${key}`);
        }
      }
      const text = `const ${m} = await ${IMPORT}(${JSON.stringify(spec)});${assigns.length ? ` ${assigns.join('; ')};` : ''}`;
      edits.push({ start: st.start, end: st.end, text: text + newlinesOf(js.slice(st.start, st.end)) });
    } else if (st.type === 'ExportNamedDeclaration' && st.declaration) {
      declaration(st.declaration as N, st.start);
    } else if (st.type === 'ExportNamedDeclaration' || st.type === 'ExportAllDeclaration') {
      throw new CellSyntaxError(`a cell cannot re-export ('${js.slice(st.start, Math.min(st.end, st.start + 40))}'): import the names instead`, (st.loc as { start: { line: number } }).start.line, 1);
    } else if (st.type === 'ExportDefaultDeclaration') {
      edits.push({ start: st.start, end: (st.declaration as N).start, text: '' });
      importCalls(st.declaration as N, edits);
    } else if (st.type === 'VariableDeclaration' || st.type === 'FunctionDeclaration' || st.type === 'ClassDeclaration') {
      declaration(st, st.start);
    } else if (st.type === 'ExpressionStatement' && i === body.length - 1 && !st.directive) {
      const expr = st.expression as N;
      edits.push({ start: st.start, end: expr.start, text: 'return (' });
      importCalls(expr, edits);
      edits.push({ start: expr.end, end: st.end, text: ');' });
    } else {
      importCalls(st, edits);
    }
  }

  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of edits) {
    out += js.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  out += js.slice(pos);
  const prologue = functions.map((f) => `${SCOPE}.${f} = ${f};`).join(' ');
  return { code: `with (${SCOPE}) { ${prologue}${out}\n}`, declared: [...new Set(declared)], imports };
}

function newlinesOf(s: string): string {
  return s.replace(/[^\n]/g, '');
}


/** The persistent scope of a notebook session: names declared by its cells. */
export type CellScope = Record<string, unknown>;

/** A scope for a new session (no prototype: `with` must not find `toString` & co. on it). */
export function newCellScope(): CellScope {
  return Object.create(null) as CellScope;
}

/**
 * A stack trace with the frames of a cell (code of `runCell`'s function:
 * `<anonymous>:LINE:COL`, two lines below the cell's own because of the
 * function's header) given as `cell line N`. Other frames stay as they are.
 */
export function cellStack(stack: string): string {
  return stack.replace(/\(eval at [^\n]*?, <anonymous>:(\d+):(\d+)\)|<anonymous>:(\d+):(\d+)/g, (m, l1: string | undefined, _c1, l2: string | undefined) => {
    const line = Number(l1 ?? l2) - FUNCTION_HEADER_LINES;
    return line >= 1 ? `(cell line ${line})` : m;
  });
}

/** Lines the AsyncFunction constructor puts before the body (`async function anonymous(a,b\n) {\n`). */
const FUNCTION_HEADER_LINES = 2;

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (scope: CellScope, importer: (spec: string) => Promise<unknown>) => Promise<unknown>;

/**
 * Run a transformed cell on `scope`: its declared names are created there
 * (undefined until the cell assigns them), `importer` resolves its imports,
 * and the promise gives the value of its last expression (undefined when the
 * cell ends with a statement).
 */
export function runCell(cell: TransformedCell, scope: CellScope, importer: (spec: string) => Promise<unknown>): Promise<unknown> {
  for (const name of cell.declared) if (!(name in scope)) scope[name] = undefined;
  const fn = new AsyncFunction(SCOPE, IMPORT, cell.code);
  return fn(scope, importer);
}
