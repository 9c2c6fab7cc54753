/**
 * The browser kernel's session (kernel/lite/session.ts) run in Node on the
 * library's sources: what the JupyterLite worker runs, message for message.
 */
import { describe, expect, it } from 'vitest';
import { LiteSession, type LiteOutputs } from '../../kernel/lite/session.ts';
import { PLOTLY_MIME, type MimeBundle } from '../../src/display/index.ts';
import { buildMagicTable } from '../../kernel/magics/table.ts';
import { addLibraryCommands } from '../../src/commands/index.ts';
import { Registry } from '../../src/commands/registry.ts';

const LIBRARY: Record<string, () => Promise<unknown>> = {
  glasslab: () => import('../../src/index.ts'),
  'glasslab/plot': () => import('../../src/plot/index.ts'),
  'glasslab/display': () => import('../../src/display/index.ts'),
};
const importer = async (spec: string): Promise<unknown> => {
  const load = LIBRARY[spec];
  if (!load) throw new Error(`Cannot find module '${spec}'`);
  return load();
};

interface Recorded { streams: { name: string; text: string }[]; displays: { bundle: MimeBundle; opts: object }[]; results: MimeBundle[] }

function recorder(): Recorded & LiteOutputs {
  const r: Recorded = { streams: [], displays: [], results: [] };
  return {
    ...r,
    stream: (name, text) => r.streams.push({ name, text }),
    display: (bundle, opts) => r.displays.push({ bundle, opts }),
    result: (bundle) => r.results.push(bundle),
  };
}

describe('LiteSession', () => {
  it('a declaration in one cell is used by the next; the value displays as text/plain', async () => {
    const s = new LiteSession(importer);
    const out = recorder();
    expect(await s.execute('const n: number = 20;', out)).toEqual({ status: 'ok' });
    expect(await s.execute('n * 2 + 2', out)).toEqual({ status: 'ok' });
    expect(out.results).toEqual([{ 'text/plain': '42' }]);
  });

  it('console goes out as streams (values inspected), and console is restored after the cell', async () => {
    const s = new LiteSession(importer);
    const out = recorder();
    const before = console.log;
    await s.execute("console.log('T =', 0.5, { a: 1 }); console.error('careful')", out);
    expect(out.streams).toEqual([{ name: 'stdout', text: 'T = 0.5 { a: 1 }\n' }, { name: 'stderr', text: 'careful\n' }]);
    expect(console.log).toBe(before);
  });

  it('an error is an error reply naming the exception; the session goes on', async () => {
    const s = new LiteSession(importer);
    const out = recorder();
    const r = await s.execute('const a = 1;\nthrow new RangeError(`bad ${a}`)', out);
    expect(r).toMatchObject({ status: 'error', ename: 'RangeError', evalue: 'bad 1' });
    expect(await s.execute('a', out)).toEqual({ status: 'ok' });
    const syntax = await s.execute('const = 1', out);
    expect(syntax).toMatchObject({ status: 'error', ename: 'SyntaxError' });
    expect((syntax as { evalue: string }).evalue).toMatch(/cell line 1/);
    const missing = await s.execute("import { x } from 'numpy'", out);
    expect(missing).toMatchObject({ status: 'error', evalue: "Cannot find module 'numpy'" });
  });

  it('a small KA run through the library, and a figure displayed with the Node kernel\'s bundle (no plotly.js inlined)', async () => {
    const s = new LiteSession(importer, { plotlyInline: false });
    const out = recorder();
    const cell1 = `import { createForceProvider, getPotential, initVelocities, modelDefaults, nvt, randomConfiguration, runMd } from 'glasslab';
const ka = getPotential('ka');
const sys = randomConfiguration({ n: 256, density: 1.2, dim: 3, composition: modelDefaults.ka.composition, typeMasses: ka.typeMasses, seed: 3 });
initVelocities(sys, 0.8, 7);
const run = await runMd(sys, createForceProvider(ka), { integrator: nvt({ Tstart: 0.8, Tdamp: 0.5 }), dt: 0.002, steps: 200, thermoEvery: 20 });
run.thermo.length`;
    expect(await s.execute(cell1, out)).toEqual({ status: 'ok' });
    expect(out.results[0]).toEqual({ 'text/plain': '11' });
    const cell2 = `import { thermoFigure } from 'glasslab/plot';
thermoFigure(run.thermo.map((r) => r.time), { 'T': run.thermo.map((r) => r.T) }, { xTitle: 't', title: 'KA' })`;
    expect(await s.execute(cell2, out)).toEqual({ status: 'ok' });
    const fig = out.results[1];
    expect(fig[PLOTLY_MIME]).toBeDefined();
    expect(String(fig['text/html'])).not.toContain('plotly.js 4'); // not inlined
    const T = (fig[PLOTLY_MIME] as { data: { y: number[] }[] }).data[0].y;
    expect(T).toHaveLength(11);
    expect(T.at(-1)!).toBeGreaterThan(0.3);
    expect(T.at(-1)!).toBeLessThan(2);
  }, 60_000);

  it('display() inside a cell goes through the session\'s display host, and the host is removed after', async () => {
    const s = new LiteSession(importer);
    const out = recorder();
    await s.execute("import { display, displayHost } from 'glasslab/display';\ndisplay({ columns: ['a'], rows: [[1], [2]] });", out);
    expect(out.displays).toHaveLength(1);
    expect(String(out.displays[0].bundle['text/html'])).toContain('<table');
    const { displayHost } = await import('../../src/display/index.ts');
    expect(displayHost()).toBeUndefined();
  });

  it('magics through the command registry: %md bound to a name, its help, %%time, and a bad option as an error', async () => {
    const magics = buildMagicTable(addLibraryCommands(new Registry()), { typedResults: false });
    const s = new LiteSession(importer, { magics });
    const out = recorder();
    expect(await s.execute('const steps = 100;\nconst run = %md --model ka --n 256 --density 1.2 --temp 0.8 --steps {steps} --thermo 0 --seed 1 -q', out)).toEqual({ status: 'ok' });
    expect(await s.execute('run.stepsDone', out)).toEqual({ status: 'ok' });
    expect(out.results.at(-1)).toEqual({ 'text/plain': '100' });
    await s.execute('%md?', out);
    expect(out.streams.map((x) => x.text).join('')).toContain('--temp');
    expect(await s.execute('%%time\nconst t = 1 + 1', out)).toEqual({ status: 'ok' });
    expect(out.streams.at(-1)!.text).toMatch(/Wall time/);
    const bad = await s.execute('%md --tmep 0.8', out);
    expect(bad).toMatchObject({ status: 'error', ename: 'UsageError' });
    expect((bad as { evalue: string }).evalue).toMatch(/--tmep/);
  }, 60_000);

  it('an analysis result is several outputs, as in the Node kernel: the summary as the result, each figure and the table as displays', async () => {
    const s = new LiteSession(importer, { plotlyInline: false });
    const out = recorder();
    const cell = `import { lineFigure } from 'glasslab/plot';
const fig = (t: string) => lineFigure([{ x: [0, 1], y: [1, 2], name: t }], { title: t });
({ kind: 'demo', summary: () => 'two figures', table: () => ({ columns: ['a'], rows: [[1]] }), figure: () => [fig('one'), fig('two')], toJSON: () => ({}) })`;
    expect(await s.execute(cell, out)).toEqual({ status: 'ok' });
    expect(out.results).toHaveLength(1);
    expect(out.results[0]['text/plain']).toBe('two figures');
    const titles = out.displays.map((d) => (d.bundle[PLOTLY_MIME] as { layout: { title: { text: string } } } | undefined)?.layout.title.text).filter(Boolean);
    expect(titles).toEqual(['one', 'two']);
  });
});
