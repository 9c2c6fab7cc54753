/**
 * The curated notebooks (notebooks/*.ipynb) as files, without running them
 * (`npm run reproduce` runs them): each has a parameters cell that declares
 * `scale`, sizes its runs with bySize(quick, medium, paper) from the
 * library's `sizesAt(scale)`, names its
 * gallery headline, and writes folded sections (an exercise's solution) as
 * the report folds them: `<details>`, `<summary>...</summary>` and
 * `</details>` each alone on a line, balanced (kernel/report-markdown.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownToHtml } from '../../kernel/report-markdown.ts';

const DIR = join(import.meta.dirname, '..', '..', 'notebooks');

interface Cell { cell_type: string; source: string | string[]; metadata?: { tags?: string[] } }
const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join('') : c.source);
const notebooks = readdirSync(DIR).filter((f) => f.endsWith('.ipynb')).sort()
  .map((f) => [f, JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { cells: Cell[]; metadata: { glasslab?: { gallery?: { headline?: string } } } }] as const);

/**
 * Notebooks whose `scale` cell lacks the `parameters` tag and whose metadata
 * names no gallery headline, with the reason. Without the tag run-notebooks
 * puts the injected scale first, and the notebook's own `const scale =
 * 'quick'` may then override it. The list may only shrink: a listed
 * notebook that has the tag or a headline fails the test.
 */
const UNTAGGED: Record<string, string> = {
};

describe('the curated notebooks', () => {
  it('are there, the workshop among them', () => {
    expect(notebooks.map(([f]) => f)).toContain('05-workshop-indicators.ipynb');
  });

  it.each(notebooks)('%s: a parameters cell with scale, bySize for the sizes, a gallery headline', (f, nb) => {
    const params = nb.cells.filter((c) => c.cell_type === 'code' && c.metadata?.tags?.includes('parameters'));
    expect(params).toHaveLength(f in UNTAGGED ? 0 : 1);
    const scaleCell = params[0] ?? nb.cells.find((c) => c.cell_type === 'code' && text(c).includes('const scale'));
    // the notebooks a workshop runs in the browser also have the workshop scale (src/util/scale.ts)
    expect(scaleCell && text(scaleCell)).toMatch(/const scale: 'quick' \| 'medium' \| 'paper'( \| 'workshop')? = 'quick';/);
    expect(nb.cells.some((c) => c.cell_type === 'code' && /\bbySize\(/.test(text(c)))).toBe(true);
    // the library's chooser (src/util/scale.ts: sizesAt), not a copy of it in each notebook
    expect(nb.cells.filter((c) => c.cell_type === 'code' && /^const bySize = sizesAt\(scale\);/m.test(text(c)))).toHaveLength(1);
    expect(nb.cells.filter((c) => c.cell_type === 'code' && /const bySize = </.test(text(c)))).toEqual([]);
    if (f in UNTAGGED) expect(nb.metadata.glasslab?.gallery?.headline).toBeUndefined();
    else expect(nb.metadata.glasslab?.gallery?.headline).toMatch(/\S/);
  });

  it.each(notebooks)('%s: folded sections are balanced, each with a summary, and fold in the report', (_f, nb) => {
    for (const c of nb.cells.filter((x) => x.cell_type === 'markdown')) {
      const src = text(c);
      const opens = src.match(/<details>/g)?.length ?? 0;
      expect(src.match(/^<details>$/gm)?.length ?? 0).toBe(opens); // alone on its line
      expect(src.match(/^<\/details>$/gm)?.length ?? 0).toBe(opens);
      expect(src.match(/^<summary>.+<\/summary>$/gm)?.length ?? 0).toBe(opens);
      const html = markdownToHtml(src);
      expect(html.match(/<details class="fold-md">/g)?.length ?? 0).toBe(opens);
      expect(html).not.toContain('&lt;details');
    }
  });

  it('the workshop has its exercises with a solution each', () => {
    const nb = notebooks.find(([f]) => f === '05-workshop-indicators.ipynb')![1];
    const md = nb.cells.filter((c) => c.cell_type === 'markdown').map(text).join('\n');
    const exercises = md.match(/\*\*Exercise \d+\.\*\*/g) ?? [];
    expect(exercises.length).toBeGreaterThanOrEqual(5);
    expect(md.match(/^<summary>Solution<\/summary>$/gm)).toHaveLength(exercises.length);
  });
});
