/**
 * `import { ... } from 'glasslab'` inside notebook cells.
 *
 * tslab compiles a cell with its own TypeScript (5.0, Node10 module
 * resolution, which ignores package.json "exports" and rejects `.ts`
 * import paths) and runs it as CommonJS. So we give each side what it can use:
 *  - types: declaration files of src/ emitted by the project's TypeScript
 *    (cached under the OS temp dir, keyed by the sources' sizes and mtimes),
 *    served to tslab's compiler as `<cwd>/node_modules/glasslab`;
 *  - runtime: `require('glasslab')` resolves to src/index.ts, which tsx's
 *    CommonJS hook compiles on load.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Root of this package (the directory holding package.json). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LIBRARY_ENTRY = join(PACKAGE_ROOT, 'src', 'index.ts');

/** 'plot' -> src/plot/index.ts (or src/plot.ts). */
function librarySubpath(sub: string): string {
  const dir = join(PACKAGE_ROOT, 'src', sub, 'index.ts');
  if (existsSync(dir)) return dir;
  const file = join(PACKAGE_ROOT, 'src', `${sub}.ts`);
  if (existsSync(file)) return file;
  throw Object.assign(new Error(`Cannot find module 'glasslab/${sub}': no ${dir} or ${file}`), { code: 'MODULE_NOT_FOUND' });
}

/** Bumped when the set of emitted entries changes (2: with the command modules; 3: they moved to src/commands). */
const DECLARATIONS_LAYOUT = 3;

function listSources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listSources(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Cache key of the library's declarations: paths, sizes and mtimes of src/**.ts. */
function sourcesKey(srcDir: string): string {
  const h = createHash('sha256');
  for (const f of listSources(srcDir).sort()) {
    const s = statSync(f);
    h.update(`${relative(srcDir, f)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * Declaration files for src/ (a directory with package.json and index.d.ts),
 * emitted by the project's TypeScript without type checking (`noCheck`),
 * with `.ts` import paths rewritten to `.js` so that TypeScript 5.0 reads them.
 */
export function libraryDeclarations(root = PACKAGE_ROOT): string {
  const srcDir = join(root, 'src');
  // the package entry and every folder's index.ts ('glasslab/plot', ...)
  // and each CLI command module, whose `run` types a bound magic value (kernel/magics/table.ts);
  // not commands/index.ts, which imports the kernel's own commands from outside src/
  const commandsDir = join(srcDir, 'commands');
  const commands = existsSync(commandsDir)
    ? readdirSync(commandsDir).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => join(commandsDir, f)) : [];
  const entries = [join(srcDir, 'index.ts'), ...readdirSync(srcDir).map((d) => join(srcDir, d, 'index.ts')), ...commands].filter((f) => existsSync(f));
  if (entries.length === 0) throw new Error(`glasslab: no ${join(srcDir, 'index.ts')}, so 'glasslab' cannot be imported`);
  // the key names the layout too: declarations cached by an older kernel lack the command modules
  const outDir = join(tmpdir(), 'glasslab-types', `${DECLARATIONS_LAYOUT}-${sourcesKey(srcDir)}`);
  if (existsSync(join(outDir, 'package.json'))) return outDir;
  const ts = require('typescript') as typeof import('typescript');
  const tmp = `${outDir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const program = ts.createProgram(entries, {
    declaration: true, emitDeclarationOnly: true, noCheck: true, skipLibCheck: true,
    allowImportingTsExtensions: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022, strict: true, esModuleInterop: true, resolveJsonModule: true,
    types: ['node'], rootDir: srcDir, outDir: tmp,
  });
  const rewrite = (text: string) => text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1$2.js$3');
  program.emit(undefined, (file, text) => {
    if (!file.startsWith(tmp)) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, rewrite(text));
  });
  writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'glasslab', types: 'index.d.ts' }));
  mkdirSync(dirname(outDir), { recursive: true });
  try {
    renameSync(tmp, outDir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another kernel won the race
  }
  removeStaleDeclarations(dirname(outDir), outDir);
  return outDir;
}

/** Declaration sets of older sources, unused for a day (a running kernel may still read a recent one). */
function removeStaleDeclarations(root: string, keep: string): void {
  const dayAgo = Date.now() - 86_400_000;
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    if (p === keep) continue;
    try {
      if (statSync(p).mtimeMs < dayAgo) rmSync(p, { recursive: true, force: true });
    } catch { /* removed by another kernel meanwhile */ }
  }
}

interface TsSys {
  fileExists(p: string): boolean;
  readFile(p: string, enc?: string): string | undefined;
  directoryExists(p: string): boolean;
  realpath?(p: string): string;
  getDirectories(p: string): string[];
}

/**
 * TypeScript 5.0's Node10 resolution (tslab's compiler) reads a package's
 * types from its package.json `types`/`typings`/`main` only, so a package
 * that names its declarations only in `exports` (danfojs 1.2: `exports['.'].types`)
 * cannot be imported in a cell ("Cannot find module 'danfojs' or its
 * corresponding type declarations"). Given the text of a
 * `node_modules/<pkg>/package.json`, this returns it with `types` set from
 * `exports` (the root entry, first `types` condition found depth first);
 * any other file, or a package that already names its types, is returned as is.
 */
export function withExportsTypes(path: string, text: string): string {
  if (!/\/node_modules\/(@[^/]+\/)?[^/@][^/]*\/package\.json$/.test(path.replace(/\\/g, '/'))) return text;
  let pkg: { types?: unknown; typings?: unknown; exports?: unknown };
  try {
    pkg = JSON.parse(text) as typeof pkg;
  } catch {
    return text;
  }
  if (typeof pkg !== 'object' || pkg === null || pkg.types !== undefined || pkg.typings !== undefined) return text;
  const exp = pkg.exports;
  if (typeof exp !== 'object' || exp === null || Array.isArray(exp)) return text;
  const keys = Object.keys(exp);
  const root = keys.some((k) => k.startsWith('.')) ? (exp as Record<string, unknown>)['.'] : exp;
  const types = typesCondition(root);
  return types === undefined ? text : JSON.stringify({ ...pkg, types });
}

function typesCondition(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const e = entry as Record<string, unknown>;
  if (typeof e.types === 'string') return e.types;
  for (const v of Object.values(e)) {
    const t = typesCondition(v);
    if (t !== undefined) return t;
  }
  return undefined;
}

let installed = false;

/** Make 'glasslab' importable from cells run with working directory `cwd`. */
export function installLibraryResolution(cwd: string): void {
  if (installed) return;
  installed = true;
  // runtime: require('glasslab') -> src/index.ts
  const M = Module as unknown as { _resolveFilename(req: string, ...rest: unknown[]): string };
  const resolveFilename = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === 'glasslab') return LIBRARY_ENTRY;
    if (request.startsWith('glasslab/')) return librarySubpath(request.slice('glasslab/'.length));
    return resolveFilename.call(this, request, ...rest);
  };
  // types: <cwd>/node_modules/glasslab -> generated declarations (made on first use)
  const ts = require('@tslab/typescript-for-tslab') as { sys: TsSys };
  const sys = ts.sys;
  const virtual = join(cwd, 'node_modules', 'glasslab').replace(/\\/g, '/');
  let decl: string | null | undefined;
  const map = (p: string): string | undefined => {
    if (p !== virtual && !p.startsWith(`${virtual}/`)) return undefined;
    if (decl === undefined) {
      try {
        decl = libraryDeclarations();
      } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
        decl = null;
      }
    }
    return decl === null ? undefined : decl + p.slice(virtual.length);
  };
  const wrap = <K extends 'fileExists' | 'readFile' | 'directoryExists' | 'realpath' | 'getDirectories'>(key: K) => {
    const orig = sys[key] as ((p: string, ...r: unknown[]) => unknown) | undefined;
    if (!orig) return;
    (sys as unknown as Record<string, unknown>)[key] = (p: string, ...r: unknown[]) => orig.call(sys, map(p) ?? p, ...r);
  };
  wrap('fileExists');
  wrap('readFile');
  const readFile = sys.readFile;
  sys.readFile = (p: string, enc?: string) => {
    const text = readFile.call(sys, p, enc);
    return text === undefined ? undefined : withExportsTypes(p, text);
  };
  wrap('directoryExists');
  wrap('realpath');
  wrap('getDirectories');
}
