/**
 * Variables across cells and the library's modules in cells, as notebook
 * authors write them: one kernel process, driven over ZeroMQ.
 */
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryDeclarations, PACKAGE_ROOT } from '../../kernel/library.ts';
import { declaredNames, originalOffset, rewriteCell } from '../../kernel/cell-rewrite.ts';
import { KernelClient } from '../../kernel/protocol/client.ts';
import { kernelArgv } from '../../kernel/runner.ts';

describe('cell rewrites (unit)', () => {
  it('collects the value names earlier cells declared', () => {
    const d = "declare const a: number;\ndeclare let b: string, c: number;\ndeclare function f(): void;\ndeclare class K {}\ninterface I {}\nimport { x as y } from 'm';\nimport * as ns from 'n';\nimport def from 'o';";
    expect([...declaredNames(d)].sort()).toEqual(['K', 'a', 'b', 'c', 'def', 'f', 'ns', 'y']);
  });

  it('expands only shorthands naming earlier declarations, blanks `export`, and maps offsets back', () => {
    const prev = new Set(['dt', 'n']);
    const src = 'f({ dt, stop: 3, other });\nexport const z = { n, ...o };';
    const cell = rewriteCell(src, prev);
    expect(cell.source).toBe('f({ dt: dt, stop: 3, other });\n       const z = { n: n, ...o };');
    const bad = cell.source.indexOf('other');
    expect(originalOffset(cell, bad)).toBe(src.indexOf('other'));
    expect(originalOffset(cell, cell.source.indexOf('...o'))).toBe(src.indexOf('...o'));
    expect(originalOffset(cell, cell.source.indexOf(': dt'))).toBe(src.indexOf('dt') + 2); // inside an insertion: its start
    expect(rewriteCell('const a = { b };', prev)).toEqual({ source: 'const a = { b };', insertions: [] });
    expect(rewriteCell('export default 1', prev).source).toBe('export default 1');
  });
});

let kernel: KernelClient;
beforeAll(async () => {
  kernel = await KernelClient.start({ argv: kernelArgv(), cwd: process.cwd() });
}, 120_000);
afterAll(async () => {
  await kernel?.close();
});

async function value(code: string): Promise<string> {
  const r = await kernel.execute(code);
  if (r.reply.status !== 'ok') throw new Error(`${code}\n-> ${r.reply.ename}: ${r.reply.evalue}`);
  const out = r.outputs.find((o) => o.output_type === 'execute_result') as { data: Record<string, string> } | undefined;
  return out?.data['text/plain'] ?? '';
}

describe('variables of earlier cells', () => {
  it('are seen by object shorthands, destructuring, templates and default parameters', async () => {
    await value('const frameDt = 0.05;\nlet count = 2;\nfunction twice(x: number) { return 2 * x; }');
    expect(await value('const f = (o: { frameDt: number; stop: number }) => o.frameDt * o.stop;\nf({ frameDt, stop: 3 })')).toBe('0.15000000000000002');
    expect(await value('({ count, twice, frameDt }).twice(4)')).toBe('8');
    expect(await value('const { frameDt: copied } = { frameDt };\ncopied')).toBe('0.05');
    expect(await value('const { missing = frameDt } = {} as { missing?: number };\nmissing')).toBe('0.05');
    expect(await value('`dt = ${frameDt}`')).toBe("'dt = 0.05'");
    expect(await value('function step(dt = frameDt) { return { dt, count }; }\nstep().dt')).toBe('0.05');
    expect(await value('count = 5;\n({ count }).count')).toBe('5');
  });

  it('keeps `export`ed declarations of a cell usable in later cells', async () => {
    expect((await kernel.execute('export const exported = 7;\nexport function half(x = exported) { return x / 2; }')).reply.status).toBe('ok');
    expect(await value('`${exported}: ${half()}`')).toBe("'7: 3.5'");
    expect(await value('({ exported, half }).half(1)')).toBe('0.5');
  });

  it('reports compile errors at the column of the cell as written', async () => {
    const r = await kernel.execute('const o = { frameDt, nope };');
    expect(r.reply).toMatchObject({ status: 'error', ename: 'CompileError' });
    // `nope` starts at column 22 of the original line (21 before it), not after the inserted `: frameDt`
    expect(r.reply.evalue).toMatch(/^line 1, column 22: No value exists in scope for the shorthand property 'nope'/);
  });
});

describe('magics in cells', () => {
  it('%md -q shows no thermo lines, notes or progress; the value has the thermo rows', async () => {
    const r = await kernel.execute('const quiet = %md --n 256 --temp 1 --steps 20 --thermo 5 -q\nquiet.thermo.length');
    expect(r.reply.status, JSON.stringify(r.reply)).toBe('ok');
    expect(r.outputs).toEqual([expect.objectContaining({ output_type: 'execute_result', data: expect.objectContaining({ 'text/plain': '5' }) })]);
    const loud = await kernel.execute('%md --n 256 --temp 1 --steps 20 --thermo 5');
    expect(loud.outputs.some((o) => o.output_type === 'stream' && /Step\s+Time/.test(String((o as { text: string }).text)))).toBe(true);
  });

  it('a bound value has the type of the command\'s result, not any', async () => {
    const ok = await kernel.execute('const typed = %md --n 256 --temp 1 --steps 10 --thermo 5 -q\nconst steps: number = typed.stepsDone;\nsteps');
    expect(ok.reply.status, JSON.stringify(ok.reply)).toBe('ok');
    const wrong = await kernel.execute('const typed2 = %md --n 256 --temp 1 --steps 10 --thermo 5 -q\ntyped2.noSuchField');
    expect(wrong.reply).toMatchObject({ status: 'error', ename: 'CompileError' });
    expect(wrong.reply.evalue).toMatch(/noSuchField/);
  });
});

describe('%correlate in a cell', () => {
  it('shows the slab map as a Plotly figure (contour and atoms) and binds the result', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { writeLammpsData } = await import('../../src/io/index.ts');
    const { randomConfiguration } = await import('../../src/system/random-config.ts');
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-kernel-correlate-'));
    try {
      const sys = randomConfiguration({ n: 256, density: 1, dim: 3, composition: [0, 0.5, 0.5], typeMasses: [0, 1, 1], seed: 2 });
      await writeLammpsData(join(dir, 'g.data'), sys);
      writeFileSync(join(dir, 'p.csv'), ['id,p', ...Array.from(sys.ids, (id, i) => `${id},${Math.sin(sys.positions[3 * i])}`)].join('\n') + '\n');
      const shown = await kernel.execute(`%correlate ${join(dir, 'p.csv')} --slab p --data ${join(dir, 'g.data')} --thickness 1.5 -q`);
      expect(shown.reply.status, JSON.stringify(shown.reply)).toBe('ok');
      // a result is several outputs (summary, then each figure as its own display_data with its Plotly part)
      const figure = shown.outputs.find((o) => (o as { data?: Record<string, unknown> }).data?.['application/vnd.plotly.v1+json']) as { data: Record<string, unknown> } | undefined;
      const fig = figure?.data['application/vnd.plotly.v1+json'] as { data: { type: string }[] } | undefined;
      expect(fig?.data.map((t) => t.type)).toEqual(['contour', 'scatter']);
      const bound = await kernel.execute(`const slab = %correlate ${join(dir, 'p.csv')} --slab p --data ${join(dir, 'g.data')} --thickness 1.5 -q\nslab.kind + ' ' + slab.table().columns.join(',')`);
      expect(bound.outputs).toEqual([expect.objectContaining({ output_type: 'execute_result', data: expect.objectContaining({ 'text/plain': "'slab-map x,y,p,weight'" }) })]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

const PLOTLY = 'application/vnd.plotly.v1+json';

describe('results and 3D views as cell values', () => {
  it('a library result as the last expression renders its summary, figure and table; %view shows a scatter3d', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { writeLammpsData } = await import('../../src/io/index.ts');
    const { randomConfiguration } = await import('../../src/system/random-config.ts');
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-kernel-view-'));
    try {
      const sys = randomConfiguration({ n: 200, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 4 });
      await writeLammpsData(join(dir, 'g.data'), sys);
      writeFileSync(join(dir, 's.csv'), ['id,S', ...Array.from(sys.ids, (id, i) => `${id},${i}`)].join('\n') + '\n');
      const shown = await kernel.execute(`import { partialRdf } from 'glasslab/analysis';\nconst g = %load ${join(dir, 'g.data')}\npartialRdf(g, { dr: 0.1 })`);
      expect(shown.reply.status, JSON.stringify(shown.reply)).toBe('ok');
      // the messages: execute_result = the summary, then one display_data per figure (its own Plotly MIME part,
      // which JupyterLab draws instead of the HTML: one figure per output), then the folded table
      const { partialRdf: rdf } = await import('../../src/analysis/structure/structure.ts');
      const figures = [rdf(sys, { dr: 0.1 }).figure()].flat();
      const outs = shown.outputs.filter((o) => o.output_type !== 'stream'); // %load prints what it read
      const kinds = outs.map((o) => o.output_type);
      expect(kinds).toEqual(['execute_result', ...figures.map(() => 'display_data'), 'display_data']);
      // on the wire: iopub messages of those types in that order, before the kernel goes idle
      expect(shown.messages.map((m) => m.header.msg_type).filter((t) => t !== 'status' && t !== 'execute_input' && t !== 'stream')).toEqual(kinds);
      const [result, ...rest] = outs as { data: Record<string, unknown> }[];
      expect(result.data['text/plain']).toMatch(/^g\(r\) of 2 species, 1 frame\(s\)/);
      expect(result.data['text/html']).toMatch(/^<pre class="glasslab-summary">g\(r\) of 2 species[^]*<\/pre>$/);
      expect(result.data[PLOTLY]).toBeUndefined();
      figures.forEach((f, k) => {
        expect(rest[k].data[PLOTLY]).toEqual(JSON.parse(JSON.stringify({ data: f.data, layout: f.layout })));
        expect(rest[k].data['text/html']).toContain('Plotly.newPlot');
      });
      const table = rest.at(-1)!.data;
      expect(table[PLOTLY]).toBeUndefined();
      expect(table['text/html']).toMatch(/^<details class="glasslab-result-table">/);
      expect(table['text/html']).toContain('<th>g_AB</th>');
      // display(result) sends the same outputs, all display_data
      const displayed = await kernel.execute(`import { display } from 'glasslab/display';\ndisplay(partialRdf(g, { dr: 0.1 }));`);
      expect(displayed.outputs.map((o) => o.output_type)).toEqual(kinds.map(() => 'display_data'));
      expect(displayed.outputs.map((o) => Object.keys((o as { data: object }).data).sort())).toEqual(outs.map((o) => Object.keys((o as { data: object }).data).sort()));
      const view = await kernel.execute(`%view ${join(dir, 'g.data')} --color S --table ${join(dir, 's.csv')} --field-units eps -q`);
      expect(view.reply.status, JSON.stringify(view.reply)).toBe('ok');
      const v = view.outputs.find((o) => o.output_type === 'execute_result') as { data: Record<string, unknown> } | undefined;
      const fig = v?.data['application/vnd.plotly.v1+json'] as { data: { type: string; marker?: { colorbar?: { title: { text: string } } } }[] } | undefined;
      expect(fig?.data.map((t) => t.type)).toEqual(['scatter3d', 'scatter3d']);
      expect(fig?.data[0].marker?.colorbar?.title.text).toBe('S [eps]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the library in cells', () => {
  it('imports and type-checks a function from each entry point', async () => {
    const code = [
      "import { createSystem } from 'glasslab';",
      "import { participationRatio } from 'glasslab/linalg';",
      "import { lineFigure } from 'glasslab/plot';",
      "import { vdosSpectrumFigure } from 'glasslab/analysis';",
      "import { writeTextAtomic, readSystem } from 'glasslab/io';",
      "import { vdosSoftness } from 'glasslab/analysis';",
      'const checks: [typeof createSystem, typeof participationRatio, typeof vdosSpectrumFigure, typeof lineFigure, typeof writeTextAtomic, typeof readSystem, typeof vdosSoftness] =',
      '  [createSystem, participationRatio, vdosSpectrumFigure, lineFigure, writeTextAtomic, readSystem, vdosSoftness];',
      "const written: Promise<void> = writeTextAtomic('/dev/null/x', 'text').catch(() => {});",
      'checks.map((f) => typeof f).join()',
    ].join('\n');
    expect(await value(code)).toBe(`'${Array(7).fill('function').join()}'`);
    // a wrong argument type is caught: the declarations are real, not `any`
    const wrong = await kernel.execute("import { vdosSpectrumFigure as v } from 'glasslab/analysis';\nv('not an array', [], [])");
    expect(wrong.reply).toMatchObject({ status: 'error', ename: 'CompileError' });
  });
});

describe('library declarations', () => {
  it('declare every value each entry point exports at run time', async () => {
    const ts = createRequire(import.meta.url)('@tslab/typescript-for-tslab') as typeof import('typescript');
    const decl = libraryDeclarations();
    const src = join(PACKAGE_ROOT, 'src');
    const entries = ['', ...readdirSync(src).filter((d) => existsSync(join(src, d, 'index.ts')))];
    const files = entries.map((d) => join(decl, d, 'index.d.ts'));
    for (const f of files) expect(existsSync(f), f).toBe(true);
    // read the way tslab's compiler reads them (TypeScript 5.0, Node10 resolution)
    const program = ts.createProgram(files, { noEmit: true, skipLibCheck: true, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.NodeJs, target: ts.ScriptTarget.ES2022, types: [] });
    const checker = program.getTypeChecker();
    for (const [k, d] of entries.entries()) {
      const sf = program.getSourceFile(files[k])!;
      const declared = new Set(checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!).map((s) => s.name));
      const runtime = Object.keys(await import(join(src, d, 'index.ts')));
      const undeclared = runtime.filter((n) => !declared.has(n));
      expect(undeclared, `glasslab${d ? `/${d}` : ''}: exported at run time, missing from the declarations`).toEqual([]);
    }
    const analysis = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(join(decl, 'analysis', 'index.d.ts'))!)!).map((s) => s.name);
    expect(analysis).toEqual(expect.arrayContaining(['vdosSpectrumFigure', 'atomSpectraFigure', 'softnessMapFigure']));
  }, 120_000);

  it('type a bound magic value as its library result, read the way tslab reads it (not any)', async () => {
    const ts = createRequire(import.meta.url)('@tslab/typescript-for-tslab') as typeof import('typescript');
    const { createRegistry } = await import('../../src/app/registry.ts');
    const { buildMagicTable } = await import('../../kernel/magics/table.ts');
    const decl = libraryDeclarations();
    const magics = buildMagicTable(createRegistry());
    const typed = createRegistry().list().filter((c) => c.result);
    expect(typed.length).toBeGreaterThan(0);
    // const r = %name ...: the value has the magic's resultType (kernel/magics/parse.ts); kind, summary() and table() are typed
    const cell = typed.map((c, k) => [
      `declare const r${k}: ${magics.get(c.name).resultType as string};`,
      ...(c.result!.from === 'analysis' || c.result!.from === 'protocols' ? [
        `const s${k}: string = r${k}.summary(); const c${k}: readonly string[] = r${k}.table().columns;`,
        `// @ts-expect-error the kind is a string tag, not a number (an any would not complain)`,
        `const k${k}: number = r${k}.kind;`,
      ] : [
        `// @ts-expect-error a library result, not a number (an any would not complain)`,
        `const k${k}: number = r${k};`,
      ]),
    ].join('\n')).join('\n');
    const file = join(decl, '__magic_types_check.ts');
    const host = ts.createCompilerHost({});
    const read = host.readFile.bind(host);
    host.readFile = (f) => (f === file ? cell : read(f));
    const exists = host.fileExists.bind(host);
    host.fileExists = (f) => f === file || exists(f);
    const program = ts.createProgram([file], {
      noEmit: true, skipLibCheck: true, strict: true, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.NodeJs,
      target: ts.ScriptTarget.ES2022, types: [], baseUrl: decl, paths: { 'glasslab/*': [`${decl}/*`], glasslab: [decl] },
    }, host);
    const errors = ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors).toEqual([]);
  }, 120_000);
});
