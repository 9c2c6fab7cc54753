/**
 * A notebook run by Jupyter's own client (nbconvert -> nbclient) with the
 * glasslab kernelspec installed into a temporary prefix (JUPYTER_PATH).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installKernelSpec } from '../../kernel/install.ts';
import { PLOTLY_MIME } from '../../src/display/mime.ts';
import { requireTool } from './tools.ts';

const tmp = mkdtempSync(join(tmpdir(), 'glasslab-nbconvert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeNotebook(name: string, cells: string[]): string {
  const nb = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'glasslab', display_name: 'glasslab (TypeScript)', language: 'typescript' } },
    cells: cells.map((source, i) => ({ cell_type: 'code', id: `c${i}`, source, metadata: {}, outputs: [], execution_count: null })),
  };
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(nb));
  return path;
}

const RESULT_CELL = "import { indicatorScores } from 'glasslab/analysis';\nindicatorScores({ a: [1, 2, 3, 4], b: [4, 1, 3, 2] }, [0, 0, 1, 1], { targetName: 'rearrangers' })";
const FIGURE_CELL = "import { lineFigure } from 'glasslab/plot';\nlineFigure([{ name: 'sq', x: [0, 1, 2, 3], y: [0, 1, 4, 9] }], { title: 'squares' })";

describe('Jupyter nbconvert with the glasslab kernelspec', () => {
  it.runIf(requireTool('jupyter', 'the nbconvert end-to-end test', ['nbconvert', '--version']))(
    'executes a notebook through nbclient: outputs, error output, and the cell after it', () => {
      installKernelSpec({ prefix: join(tmp, 'jp') });
      const path = writeNotebook('e2e.ipynb', [
        'const a: number = 2;\nconsole.log("a is", a);',
        'throw new RangeError("bad value of a")',
        'a * 21',
        FIGURE_CELL,
        '%timeit -n 10 -r 2 a + 1',
        RESULT_CELL,
      ]);
      const r = spawnSync('jupyter', ['nbconvert', '--to', 'notebook', '--execute', '--allow-errors',
        '--ExecutePreprocessor.kernel_name=glasslab', '--ExecutePreprocessor.timeout=120', '--output', 'e2e.out.ipynb', path], {
        encoding: 'utf8', cwd: tmp, timeout: 180_000,
        env: { ...process.env, JUPYTER_PATH: join(tmp, 'jp', 'share', 'jupyter'), PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      });
      expect(r.status, r.stderr).toBe(0);
      // nbformat may store multi-line strings as lists of lines: join them back
      const joined = (_k: string, v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') && _k !== 'traceback' && _k !== 'tags' ? v.join('') : v);
      const cells = JSON.parse(readFileSync(join(tmp, 'e2e.out.ipynb'), 'utf8'), joined).cells;
      expect(cells[0].outputs).toMatchObject([{ output_type: 'stream', name: 'stdout', text: 'a is 2\n' }]);
      expect(cells[1].outputs).toMatchObject([{ output_type: 'error', ename: 'RangeError', evalue: 'bad value of a' }]);
      expect(cells[2].outputs).toMatchObject([{ output_type: 'execute_result', data: { 'text/plain': '42' } }]);
      expect(Object.keys(cells[3].outputs[0].data).sort()).toEqual([PLOTLY_MIME, 'text/html', 'text/plain'].sort());
      expect(cells[4].outputs[0].text).toMatch(/per loop \(mean ± std\. dev\. of 2 runs, 10 loops each\)/);
      // an analysis result with two figures: Jupyter's client keeps the summary, each figure as its own output with
      // its Plotly part (what JupyterLab draws), and the table, in that order
      expect(cells[5].outputs.map((o: { output_type: string }) => o.output_type)).toEqual(['execute_result', 'display_data', 'display_data', 'display_data']);
      expect(cells[5].outputs[0].data['text/plain']).toMatch(/^2 indicator\(s\) scored against rearrangers/);
      expect(cells[5].outputs.slice(1, 3).map((o: { data: Record<string, { layout: { title: { text: string } } }> }) => o.data[PLOTLY_MIME].layout.title.text))
        .toEqual(['ROC against rearrangers', 'rearrangers among the top x% of each indicator']);
      expect(cells[5].outputs[3].data['text/html']).toMatch(/^<details class="glasslab-result-table">/);
    });
});
