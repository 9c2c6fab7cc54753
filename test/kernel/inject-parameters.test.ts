/**
 * The runner's parameters (kernel/notebook.ts: injectParameters): a
 * notebook that declares a parameter in a cell without the `parameters` tag
 * is refused, since that cell would override the injected value after it
 * and the run would silently keep its default (notebook 04 once ran at
 * quick scale whatever --scale said). The curated notebooks' own tags are
 * checked by notebook-files.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { injectParameters, type Notebook } from '../../kernel/notebook.ts';

describe('injectParameters', () => {
  it('refuses a notebook that declares a parameter in an untagged cell, naming the cell and what to do', () => {
    const nb: Notebook = {
      nbformat: 4, nbformat_minor: 5, metadata: {},
      cells: [
        { cell_type: 'markdown', source: '# x', metadata: {} },
        { cell_type: 'code', source: "// defaults\nconst scale: 'quick' | 'medium' = 'quick';", metadata: {}, outputs: [], execution_count: null },
      ],
    };
    expect(() => injectParameters(nb, { scale: 'medium' })).toThrow("cell 2 declares the parameter 'scale' but no cell is tagged 'parameters': tag that cell 'parameters'");
    // tagged: the injected cell follows it
    const tagged = { ...nb, cells: [nb.cells[0], { ...nb.cells[1], metadata: { tags: ['parameters'] } }] };
    expect(injectParameters(tagged, { scale: 'medium' }).cells[2].metadata.tags).toEqual(['injected-parameters']);
    // a notebook that declares none of them gets the injected cell first
    const plain = { ...nb, cells: [nb.cells[0]] };
    expect(injectParameters(plain, { scale: 'medium' }).cells[0].metadata.tags).toEqual(['injected-parameters']);
  });
});
