/**
 * The import graph of the repository's TypeScript (src/, kernel/), read from
 * the source text: static `import`/`export ... from`, `import type`, and
 * dynamic `import('...')` with a literal path. Used by layers.test.ts to hold
 * the layer rule of ARCHITECTURE.md.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface ImportEdge {
  /** importing file, relative to the repository root */
  from: string;
  /** the specifier as written */
  spec: string;
  /** imported file relative to the root, or undefined for a package / built-in */
  to?: string;
  /** 1-based line of the import */
  line: number;
}

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*(['"])([^'"]+)\1|import\(\s*(['"])([^'"]+)\3\s*\)|^\s*import\s+(['"])([^'"]+)\5/gm;

export function sourceFiles(dirs: readonly string[] = ['src', 'kernel']): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(join(ROOT, d), { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      // AssemblyScript sources compile to wasm; they are not part of the graph
      else if (/\.(ts|mts|mjs)$/.test(e.name) && !e.name.endsWith('.as.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const d of dirs) walk(d);
  return out.sort();
}

function resolveSpec(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const p = resolve(ROOT, dirname(from), spec);
  for (const c of [p, `${p}.ts`, p.replace(/\.js$/, '.ts'), join(p, 'index.ts')]) {
    if (existsSync(c) && statSync(c).isFile()) return relative(ROOT, c);
  }
  throw new Error(`${from}: cannot resolve import '${spec}'`);
}

/** Strips comments so that an example in a doc comment is not an import. */
export function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1');
}

export function importEdges(files: readonly string[] = sourceFiles()): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const text = stripComments(readFileSync(join(ROOT, from), 'utf8'));
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[2] ?? m[4] ?? m[6];
      const line = text.slice(0, m.index).split('\n').length;
      edges.push({ from, spec, to: resolveSpec(from, spec), line });
    }
  }
  return edges;
}

/** Strongly connected components with more than one file (Tarjan), i.e. the import cycles. */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const adj = new Map<string, string[]>();
  for (const e of edges) {
    if (!e.to) continue;
    if (!adj.has(e.from)) adj.set(e.from, []);
    adj.get(e.from)!.push(e.to);
    if (!adj.has(e.to)) adj.set(e.to, []);
  }
  let counter = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
  const stack: string[] = [], cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter); low.set(v, counter); counter++;
    stack.push(v); onStack.add(v);
    for (const w of adj.get(v)!) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) cycles.push(comp.sort());
    }
  };
  for (const v of adj.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
