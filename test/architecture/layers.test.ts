/**
 * The layer rule of ARCHITECTURE.md: modules import downwards only (or
 * within their own folder), peers on one level do not import each other,
 * there is no import cycle, and Node's built-ins stay at the edges.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importCycles, importEdges, ROOT, sourceFiles, stripComments, type ImportEdge } from './import-graph.ts';

/**
 * Levels, bottom (0) to top; a module may import from its own folder and
 * from any folder on a lower level. Folders on one level are peers and do
 * not import each other. Keep in step with ARCHITECTURE.md.
 */
export const LEVELS: readonly (readonly string[])[] = [
  ['src/util', 'src/platform', 'src/cell'],
  ['src/numeric', 'src/linalg'],
  ['src/plot'],
  ['src/system'],
  ['src/io', 'src/potential'],
  ['src/neighbor'],
  ['src/core'],
  ['src/md', 'src/minimize'],
  ['src/analysis'],
  ['src/protocols'],
  ['src/display', 'src/engine'],
  ['src/commands'],
  ['src/cli', 'kernel'],
  ['src/app'],
];

/** The package entry ('glasslab') re-exports the library: everything below the commands. */
const ENTRY = 'src/index.ts';
const ENTRY_MAX_LEVEL = LEVELS.findIndex((l) => l.includes('src/display'));

/** Process entry points (what `bin` and the kernelspec run) stand with the composition root. */
const ENTRY_SCRIPTS = new Set(['kernel/launch.mjs']);

function folderOf(file: string): string {
  if (file === ENTRY) return ENTRY;
  if (ENTRY_SCRIPTS.has(file)) return 'src/app';
  if (file.startsWith('kernel/')) return 'kernel';
  const parts = file.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : file;
}

function levelOf(folder: string): number {
  const l = LEVELS.findIndex((lv) => lv.includes(folder));
  if (l < 0) throw new Error(`${folder} has no level: add it to LEVELS here and to ARCHITECTURE.md`);
  return l;
}

/** Which imports break the rule, one line each ('from:line -> to (why)'). */
export function layerViolations(edges: readonly ImportEdge[]): string[] {
  const bad: string[] = [];
  for (const e of edges) {
    if (!e.to) continue;
    const a = folderOf(e.from), b = folderOf(e.to);
    if (a === b) continue;
    if (a === ENTRY) {
      if (levelOf(b) > ENTRY_MAX_LEVEL) bad.push(`${e.from}:${e.line} -> ${e.to} (the package entry re-exports the library only)`);
      continue;
    }
    if (b === ENTRY) { bad.push(`${e.from}:${e.line} -> ${e.to} (import the module, not the package entry)`); continue; }
    const la = levelOf(a), lb = levelOf(b);
    if (lb > la) bad.push(`${e.from}:${e.line} -> ${e.to} (upward: ${a} is level ${la}, ${b} level ${lb})`);
    else if (lb === la) bad.push(`${e.from}:${e.line} -> ${e.to} (peers ${a} and ${b} do not import each other)`);
  }
  return bad;
}

/** Node built-ins and native add-ons: the platform edge. */
const NODE_ONLY = /^(node:|zeromq$|worker_threads$|fs$|os$|path$|child_process$)/;
/** Levels where Node's file system, processes and sockets belong. */
const NODE_EDGE = new Set(['src/platform', 'src/io', 'src/display', 'src/engine', 'src/commands', 'src/cli', 'kernel', 'src/app']);
/**
 * Physics modules that still import Node directly instead of going through
 * src/platform. Shrink this list; never grow it.
 */
const NODE_LEGACY = new Set([
  'src/linalg/wasm/build-kernels.ts', // the build script of the wasm kernels (npm run build:wasm), not library code
]);

describe('architecture: one-way layers', () => {
  const edges = importEdges();

  it('reads a graph of the whole tree', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.some((e) => e.from === 'src/app/registry.ts' && e.to === 'kernel/commands.ts')).toBe(true);
  });

  it('has no upward import and no import between peers', () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles(edges)).toEqual([]);
  });

  it('keeps Node built-ins out of the physics layers', () => {
    const bad = edges.filter((e) => !e.to && NODE_ONLY.test(e.spec)
      && !NODE_EDGE.has(folderOf(e.from)) && !NODE_LEGACY.has(e.from)).map((e) => `${e.from}:${e.line} imports ${e.spec}`);
    expect(bad).toEqual([]);
    for (const f of NODE_LEGACY) expect(edges.some((e) => e.from === f && NODE_ONLY.test(e.spec)), `${f} no longer imports Node: drop it from NODE_LEGACY`).toBe(true);
  });

  it('reads the process (environment, signals, exit) only at the edges', () => {
    const physics = sourceFiles(['src']).filter((f) => f !== ENTRY && levelOf(folderOf(f)) < LEVELS.findIndex((l) => l.includes('src/display'))
      && !NODE_EDGE.has(folderOf(f)) && !NODE_LEGACY.has(f));
    const bad = physics.filter((f) => /\bprocess\.[a-zA-Z]/.test(stripComments(readFileSync(join(ROOT, f), 'utf8'))));
    expect(bad).toEqual([]);
  });

  it('the rule catches an upward import, a peer import and a cycle', () => {
    const e = (from: string, to: string): ImportEdge => ({ from, to, spec: to, line: 1 });
    expect(layerViolations([e('src/system/box.ts', 'src/analysis/x.ts')])).toHaveLength(1);
    expect(layerViolations([e('src/md/run.ts', 'src/minimize/fire.ts')])).toHaveLength(1);
    expect(layerViolations([e('src/analysis/x.ts', 'src/system/box.ts')])).toHaveLength(0);
    expect(importCycles([e('a.ts', 'b.ts'), e('b.ts', 'c.ts'), e('c.ts', 'a.ts')])).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('points to ARCHITECTURE.md, not to notes outside the repository', () => {
    const outside = /DESIGN\.md|DESIGN principle|FIELD-NOTES|shared\/(papers|DESIGN)/;
    const bad = sourceFiles().filter((f) => outside.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(bad).toEqual([]);
  });
});
