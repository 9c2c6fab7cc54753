/**
 * The browser kernel's cell transform (src/cell/transform.ts): TypeScript
 * cells run one after another on one scope, as in a notebook.
 */
import { describe, expect, it } from 'vitest';
import { CellSyntaxError, cellStack, newCellScope, runCell, stripTypes, transformCell, type CellScope } from '../../src/cell/transform.ts';

const modules: Record<string, unknown> = {
  glasslab: { default: 'the default', md: (n: number) => n * 2, Box: class Box { constructor(readonly l: number) {} } },
  'glasslab/plot': { lines: () => 'fig' },
};
const importer = async (spec: string): Promise<unknown> => {
  if (!(spec in modules)) throw new Error(`no module '${spec}'`);
  return modules[spec];
};

/** Run cells in order on one scope; the value of each. */
async function session(...cells: string[]): Promise<{ values: unknown[]; scope: CellScope }> {
  const scope = newCellScope();
  const values: unknown[] = [];
  for (const c of cells) values.push(await runCell(transformCell(c), scope, importer));
  return { values, scope };
}

describe('transformCell', () => {
  it('a declaration in one cell is seen by the next, and the last expression is the value', async () => {
    const { values, scope } = await session('const x: number = 2;\nlet y = x + 1', 'x * y');
    expect(values).toEqual([undefined, 6]);
    expect(scope.x).toBe(2);
  });

  it('destructuring (object, array, rest, defaults, nested) declares every name', async () => {
    const { values } = await session(
      'const { a, b: [c, ...d], e = 5 } = { a: 1, b: [2, 3, 4] }, [f, , g] = [6, 7, 8]',
      '[a, c, d, e, f, g]',
    );
    expect(values[1]).toEqual([1, 2, [3, 4], 5, 6, 8]);
  });

  it('a function is hoisted within its cell and callable from a later cell', async () => {
    const { values } = await session('const early = twice(3);\nfunction twice<T extends number>(n: T): number { return 2 * n; }', '[early, twice(5)]');
    expect(values[1]).toEqual([6, 10]);
  });

  it('a class is defined where it stands and usable later (types and modifiers stripped)', async () => {
    const { values } = await session('class P { constructor(private readonly k: number) {} get v(): number { return this.k } }', 'new P(4).v');
    expect(values[1]).toBe(4);
  });

  it('top-level await, and a function of an earlier cell sees later values of the scope', async () => {
    const { values } = await session('let n = 1; const get = () => n;', 'n = await Promise.resolve(7);', 'get()');
    expect(values[2]).toBe(7);
  });

  it('imports: named, renamed, default and namespace, from the importer; type-only imports vanish', async () => {
    const { values } = await session(
      "import def, { md, Box as B } from 'glasslab';\nimport * as plot from 'glasslab/plot';\nimport type { System } from 'glasslab';",
      '[def, md(3), new B(2).l, plot.lines()]',
    );
    expect(values[1]).toEqual(['the default', 6, 2, 'fig']);
  });

  it('an import only a later cell uses is kept (a notebook imports first)', async () => {
    const cell = transformCell("import { md } from 'glasslab'");
    expect(cell.imports).toEqual(['glasslab']);
    expect(cell.declared).toEqual(['md']);
  });

  it('dynamic import() goes through the importer, at any depth', async () => {
    const { values } = await session("const f = async () => (await import('glasslab/plot')).lines()", 'await f()');
    expect(values[1]).toBe('fig');
  });

  it('a name declared again in a later cell is assigned again (const and let alike)', async () => {
    const { values } = await session('const z = 1', 'const z = 2; let w', '[z, w]');
    expect(values[2]).toEqual([2, undefined]);
  });

  it('export is dropped, enums work, names in blocks stay local', async () => {
    const { values, scope } = await session('export const k = 3;\nenum Dir { Up, Down }\nfor (let i = 0; i < 2; i++) { const inner = i; }', '[k, Dir.Down]');
    expect(values[1]).toEqual([3, 1]);
    expect('inner' in scope).toBe(false);
    expect('i' in scope).toBe(false);
  });

  it('a cell ending in a statement has no value; a cell without declarations leaves the scope alone', async () => {
    const { values, scope } = await session('const q = 1;', 'if (q) { q + 1 }');
    expect(values).toEqual([undefined, undefined]);
    expect(Object.keys(scope)).toEqual(['q']);
  });

  it('keeps lines: a runtime error points at the cell line', async () => {
    const src = 'const a = 1;\nconst { b } = {\n  b: 2 };\nthrow new Error(`line 4 ${a + b}`)';
    const cell = transformCell(src);
    expect(cell.code.split('\n').length).toBe(src.split('\n').length + 1); // the closing brace of `with`
    expect(stripTypes('const x: {\n a: number } = { a: 1 };\nx').split('\n').length).toBe(3);
    await expect(runCell(cell, newCellScope(), importer)).rejects.toThrow('line 4 3');
  });

  it('a syntax error is a CellSyntaxError naming the cell line', () => {
    expect(() => transformCell('const ok = 1;\nconst = 2')).toThrow(CellSyntaxError);
    expect(() => transformCell('const ok = 1;\nconst = 2')).toThrow(/cell line 2/);
    expect(() => transformCell("export { x } from 'glasslab'")).toThrow(/cannot re-export/);
  });

  it('a statement after a call on the previous line without a semicolon keeps its own statement', async () => {
    const { values } = await session('let calls = 0; const f = () => { calls++; return 1 }\nf()\nconst { length } = [1, 2]', '[calls, length]');
    expect(values[1]).toEqual([1, 2]);
  });

  it('a runtime error\'s stack names the cell line (the function header is not counted)', async () => {
    const err = await runCell(transformCell('const a = 1;\n\nnull.x'), newCellScope(), importer).catch((e: Error) => e);
    expect(cellStack((err as Error).stack!)).toMatch(/\(cell line 3\)/);
    expect(cellStack('at f (http://h/x.js:10:2)')).toBe('at f (http://h/x.js:10:2)');
  });
});
