/**
 * Notebooks end to end with our runner (ZeroMQ from Node, no Python), and
 * the exported HTML rendered offline by headless chromium.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NotebookCellError, NotebookKernelDiedError, runNotebook, type NotebookRun } from '../../kernel/runner.ts';
import { PLOTLY_MIME } from '../../src/display/mime.ts';
import { cachePath, type CacheComputation } from '../../src/io/cache.ts';
import { requireTool } from './tools.ts';
import { lammpsOrSkip } from '../lammps/lammps-runner.ts';

const haveLmp = lammpsOrSkip('notebooks with the lammps engine');

const tmp = mkdtempSync(join(tmpdir(), 'glasslab-nb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Cell = [type: 'code' | 'markdown', source: string, tags?: string[]];

/** `saved`: per cell index, outputs and execution count as an earlier run left them in the file. */
function writeNotebook(name: string, cells: Cell[], saved: Record<number, { execution_count: number; outputs: unknown[] }> = {}): string {
  const nb = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'glasslab', display_name: 'glasslab (TypeScript)', language: 'typescript' } },
    cells: cells.map(([cell_type, source, tags], i) => ({
      cell_type, id: `c${i}`, source, metadata: tags ? { tags } : {},
      ...(cell_type === 'code' ? (saved[i] ?? { outputs: [], execution_count: null }) : {}),
    })),
  };
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(nb));
  return path;
}

const FIGURE_CELL = "import { lineFigure } from 'glasslab/plot';\nlineFigure([{ name: 'sq', x: [0, 1, 2, 3], y: [0, 1, 4, 9] }], { title: 'squares' })";

let run: NotebookRun | undefined;

describe('glasslab run-notebooks', () => {
  it('executes a notebook with injected parameters and writes .ipynb and HTML', async () => {
    const path = writeNotebook('demo.ipynb', [
      ['markdown', '# Demo\nA *small* notebook.'],
      ['code', "const scale: 'quick' | 'paper' = 'quick';", ['parameters']],
      ['code', "scale === 'paper' ? 'big run' : 'small run'"],
      ['code', FIGURE_CELL],
      ['code', '%time 2 ** 10'],
    ]);
    run = await runNotebook(path, { scale: 'paper', outDir: join(tmp, 'out') });
    expect(run.cells).toBe(5);
    const nb = JSON.parse(readFileSync(run.ipynb, 'utf8'));
    expect(nb.metadata.kernelspec.name).toBe('glasslab');
    expect(nb.cells[2].metadata.tags).toEqual(['injected-parameters']);
    // provenance: scale and wall time in the metadata and at the top of the report
    expect(nb.metadata.glasslab.run).toMatchObject({ scale: 'paper' });
    expect(nb.metadata.glasslab.run.wallSeconds).toBeGreaterThan(0);
    expect(nb.cells[2].source).toContain(`const scale: 'quick' | 'medium' | 'paper' | 'workshop' = "paper";`);
    // no engine asked: the embedded one, said in the injected cell's output
    expect(nb.cells[2].source).toContain(`const engine: 'glasslab' | 'lammps' = "glasslab";\n%engine glasslab`);
    expect(nb.cells[2].outputs[0].text).toBe('engine: %md, %minimize and %shear run with the embedded glasslab engine\n');
    expect(nb.cells[3].outputs).toMatchObject([{ output_type: 'execute_result', data: { 'text/plain': "'big run'" } }]);
    expect(nb.cells[4].outputs[0].data[PLOTLY_MIME].layout.title.text).toBe('squares');
    expect(nb.cells[5].outputs[0].text).toMatch(/^CPU times/);
    const html = readFileSync(run.html, 'utf8');
    expect(html).toContain('<h1 id="demo">Demo<a class="anchor-link" href="#demo"');
    expect(html).toMatch(/<div class="provenance"><strong>Run:<\/strong> scale paper, wall time (\d+ min )?\d+ s \(cold: no cached result reused\), commit /);
    // plotly.js from the shared assets folder next to the report, not inlined
    expect(html).not.toContain('/* plotly.js ');
    const src = /<script src="(assets\/plotly\.js-[^"]+\/plotly\.min\.js)"><\/script>/.exec(html);
    expect(src).not.toBeNull();
    expect(existsSync(join(tmp, 'out', src![1]))).toBe(true);
  });

  it('a run that reuses cache entries states its cold time and the dates they were computed', async () => {
    const stem = join(tmp, 'cache', 'step');
    mkdirSync(join(tmp, 'cache'), { recursive: true });
    const old: CacheComputation = { date: '2026-12-01T08:00:00.000Z', wallSeconds: 600, coldSeconds: 600, cpuSeconds: 1150, cpus: 2, commit: 'abc', dirty: false, loadAverage: [2, 2, 2] };
    writeFileSync(cachePath(stem, { k: 1 }), JSON.stringify({ params: { k: 1 }, computed: old, value: 20 }));
    const path = writeNotebook('cached.ipynb', [
      ['code', "const scale: 'quick' | 'paper' = 'quick';", ['parameters']],
      ['code', `import { cached } from 'glasslab/io';\nconst a = await cached(${JSON.stringify(stem)}, { k: 1 }, () => 0);\nconst b = await cached(${JSON.stringify(stem)}, { k: 2 }, () => 22);\na + b`],
    ]);
    // a private temporary folder, to see that the run's cache log is removed (other runs may be logging at the same time)
    const privateTmp = join(tmp, 'tmpdir'), savedTmp = process.env.TMPDIR;
    mkdirSync(privateTmp);
    process.env.TMPDIR = privateTmp;
    let r: NotebookRun;
    try {
      r = await runNotebook(path, { scale: 'quick', outDir: join(tmp, 'out-cached') });
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = savedTmp;
    }
    const nb = JSON.parse(readFileSync(r.ipynb, 'utf8'));
    expect(nb.cells[2].outputs[0].data['text/plain']).toBe('42');
    const p = nb.metadata.glasslab.run;
    expect(p.cache).toMatchObject({ computed: 1, reused: 1, unrecorded: 0, firstDate: old.date, lastDate: old.date, reusedColdSeconds: 600 });
    expect(p.coldSeconds).toBeGreaterThan(600);
    expect(p.coldSeconds).toBeLessThanOrEqual(600 + p.wallSeconds);
    expect(readFileSync(r.html, 'utf8')).toMatch(/rebuilt from cached results computed on 2026-12-01 \(1 cache entry reused, 1 computed now\): wall time of this run \d+ s, cold time 10 min \d+ s/);
    // the kernel's log of cache uses is a temporary file, gone after the run
    expect(readdirSync(privateTmp).filter((f) => f.startsWith('glasslab-cache-log-'))).toEqual([]);
  });

  it.skipIf(!haveLmp)('the engine parameter: %md lines run by LAMMPS under mpirun, unless a line names its engine; the injected cell says so', async () => {
    const path = writeNotebook('engine.ipynb', [
      ['code', "const scale: 'quick' | 'paper' = 'quick';", ['parameters']],
      ['code', 'const a = %md --model ka --n 300 --temp 1.0 --steps 20 --thermo 0 -q\nconst b = %md --model ka --n 300 --temp 1.0 --steps 20 --thermo 0 --engine glasslab -q\n`${engine}: ${a.engine} ${b.engine}`'],
    ]);
    const r = await runNotebook(path, { scale: 'paper', engine: { engine: 'lammps', mpi: 2 }, outDir: join(tmp, 'out') });
    const nb = JSON.parse(readFileSync(r.ipynb, 'utf8'));
    expect(nb.cells[1].source).toContain('%engine lammps --mpi 2');
    expect(nb.cells[1].outputs[0].text).toBe('engine: %md, %minimize and %shear run with LAMMPS (--mpi 2) unless a line gives --engine\n');
    expect(nb.cells[2].outputs[0].data['text/plain']).toBe("'lammps: lammps glasslab'");
  });

  it('stops at a failing cell with the notebook, its cell number in the input notebook and traceback', async () => {
    const path = writeNotebook('broken.ipynb', [
      ['markdown', 'first a good cell'],
      ['code', 'const n = 3;'],
      ['code', "const scale = 'quick';", ['parameters']],
      ['code', 'if (n === 3) throw new Error("n must not be 3")'],
      ['code', 'n + 1'],
    ], {
      // outputs saved in the input notebook by an earlier run: stale, and hostile
      4: { execution_count: 9, outputs: [{ output_type: 'display_data', metadata: {}, data: { 'text/html': '<script>window.hacked = 1</script><b>stale</b>', 'text/plain': 'stale' } }] },
    });
    const err = await runNotebook(path, { scale: 'quick', outDir: join(tmp, 'out') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotebookCellError);
    const e = err as NotebookCellError;
    expect(e.notebook).toBe(path);
    // the 4th cell of broken.ipynb, its 3rd code cell: the injected parameters cell is not counted
    expect(e.place).toEqual({ cell: 4, codeCell: 3 });
    expect(e.message).toMatch(/broken\.ipynb: cell 4 \(code cell 3\) failed: Error: n must not be 3/);
    expect(e.traceback.join('\n')).toContain('Error: n must not be 3');
    const nb = JSON.parse(readFileSync(join(tmp, 'out', 'broken.ipynb'), 'utf8'));
    expect(nb.cells[3].metadata.tags).toEqual(['injected-parameters']);
    expect(nb.cells[4].outputs[0]).toMatchObject({ output_type: 'error', evalue: 'n must not be 3' });
    // the cell after the failure did not run: no saved outputs, no count, in the .ipynb and the HTML
    expect(nb.cells[5]).toMatchObject({ execution_count: null, outputs: [] });
    const html = readFileSync(join(tmp, 'out', 'broken.html'), 'utf8');
    expect(html).toContain('n must not be 3');
    expect(html).not.toContain('stale');
    expect(html).not.toContain('<script>window.hacked');
    expect(html).not.toContain('In [9]');
  });

  it('numbers a failing cell before the parameters cell in the input notebook too', async () => {
    const path = writeNotebook('early.ipynb', [
      ['markdown', '# Early failure'],
      ['code', 'throw new RangeError("too early")'],
      ['code', "const scale = 'quick';", ['parameters']],
    ]);
    const e = await runNotebook(path, { scale: 'quick', outDir: join(tmp, 'out') }).catch((x: unknown) => x) as NotebookCellError;
    expect(e).toBeInstanceOf(NotebookCellError);
    expect(e.place).toEqual({ cell: 2, codeCell: 1 });
    expect(e.message).toMatch(/early\.ipynb: cell 2 \(code cell 1\) failed: RangeError: too early/);
  });

  it('refuses an output directory where the executed copy would overwrite the input notebook', async () => {
    const path = writeNotebook('inplace.ipynb', [['code', '1 + 1']]);
    const before = readFileSync(path, 'utf8');
    await expect(runNotebook(path, { scale: 'quick', outDir: tmp })).rejects.toThrow(/inplace\.ipynb: run-notebooks would overwrite this input notebook .*choose another --out directory/);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('fails with the cell number, exit signal and last stderr lines when the kernel process dies mid-cell', async () => {
    const path = writeNotebook('dies.ipynb', [
      ['code', 'const n = 3;'],
      ['code', "import { writeSync } from 'node:fs';\nwriteSync(2, 'about to die\\n');\nawait new Promise((r) => setTimeout(r, 50));\nprocess.kill(process.pid, 'SIGKILL');\nawait new Promise((r) => setTimeout(r, 60_000));"],
      ['code', 'n + 1'],
    ]);
    const t0 = Date.now();
    const err = await runNotebook(path, { scale: 'quick', outDir: join(tmp, 'out'), cellTimeoutMs: 120_000 }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(30_000); // noticed at once, not at the cell time limit
    expect(err).toBeInstanceOf(NotebookKernelDiedError);
    const e = err as NotebookKernelDiedError;
    expect(e.place).toEqual({ cell: 2, codeCell: 2 });
    expect(e.signal).toBe('SIGKILL');
    expect(e.stderrTail).toContain('about to die');
    expect(e.message).toMatch(/dies\.ipynb: the kernel died while running cell 2 \(code cell 2\): killed by signal SIGKILL;/);
    expect(e.message).toContain('about to die');
    const nb = JSON.parse(readFileSync(join(tmp, 'out', 'dies.ipynb'), 'utf8'));
    expect(nb.cells[2].outputs[0]).toMatchObject({ output_type: 'error', ename: 'KernelDied' });
  }, 60_000);

  it.runIf(requireTool('chromium', 'the headless-browser test of the HTML report'))(
    'renders the HTML report offline in headless chromium (non-empty .main-svg)', () => {
      expect(run).toBeDefined();
      const profile = join(tmp, 'chromium-profile');
      const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        // no network at all: every request would go to a closed local port
        '--proxy-server=127.0.0.1:9', '--proxy-bypass-list=<-loopback>',
        `--user-data-dir=${profile}`, '--virtual-time-budget=10000', '--window-size=1000,1400'];
      const r = spawnSync('chromium', [...args, '--dump-dom', `file://${run!.html}`], { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 << 20 });
      expect(r.status).toBe(0);
      const svg = /<svg[^>]*class="main-svg"[^>]*>([\s\S]*?)<\/svg>/.exec(r.stdout);
      expect(svg).not.toBeNull();
      expect(r.stdout).toMatch(/class="scatterlayer[^"]*"[\s\S]*?class="trace scatter/);
      expect(r.stdout).toContain('squares');
      // GLASSLAB_SCREENSHOT=/path.png keeps a screenshot to look at (not by default: it costs a second browser run)
      if (process.env.GLASSLAB_SCREENSHOT) {
        spawnSync('chromium', [...args, `--screenshot=${process.env.GLASSLAB_SCREENSHOT}`, `file://${run!.html}`], { timeout: 90_000 });
        expect(existsSync(process.env.GLASSLAB_SCREENSHOT)).toBe(true);
      }
    });
});
