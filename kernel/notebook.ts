/**
 * nbformat 4 notebooks: reading, papermill-style parameters, writing.
 * https://nbformat.readthedocs.io/en/latest/format_description.html
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/** Problem sizes of the curated notebooks, passed as the `scale` parameter (src/util/scale.ts). */
import type { Scale } from '../src/util/scale.ts';
export { SCALES, type Scale } from '../src/util/scale.ts';

/** The engines of the notebooks' %md, %minimize and %shear lines, passed as the `engine` parameter. */
export const ENGINES = ['glasslab', 'lammps'] as const;
export type EngineName = (typeof ENGINES)[number];

/** How the notebooks' MD and minimisations run: the engine, and LAMMPS's MPI ranks. */
export interface NotebookEngine {
  engine: EngineName;
  /** MPI ranks of LAMMPS (mpirun -np N); absent or 1: lmp alone */
  mpi?: number;
}

/**
 * The engine of a run: the one asked for, else (auto) LAMMPS at paper scale
 * when `lmpFound`, the embedded engine otherwise. The ranks come from
 * `mpi`, else from $GLASSLAB_MPI (`env`).
 */
export function chooseEngine(scale: Scale, asked: EngineName | undefined, lmpFound: boolean, mpi: number | undefined, env: NodeJS.ProcessEnv = process.env): NotebookEngine {
  const engine = asked ?? (scale === 'paper' && lmpFound ? 'lammps' : 'glasslab');
  if (engine === 'glasslab') return { engine };
  let ranks = mpi;
  if (ranks === undefined && env.GLASSLAB_MPI !== undefined && env.GLASSLAB_MPI !== '') {
    ranks = Number(env.GLASSLAB_MPI);
    if (!Number.isInteger(ranks) || ranks < 1) throw new Error(`GLASSLAB_MPI=${env.GLASSLAB_MPI} is not a positive integer (MPI ranks of LAMMPS)`);
  }
  return ranks !== undefined && ranks > 1 ? { engine, mpi: ranks } : { engine };
}

/** The injected parameters and magic line of an engine choice. */
export function engineParameters(e: NotebookEngine): { params: { engine: EngineName }; code: string[] } {
  return { params: { engine: e.engine }, code: [`%engine ${e.engine}${e.mpi !== undefined ? ` --mpi ${e.mpi}` : ''}`] };
}

export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: { tags?: string[]; [k: string]: unknown };
  id?: string;
  execution_count?: number | null;
  outputs?: Record<string, unknown>[];
  attachments?: unknown;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/**
 * Write `text` (UTF-8) to `path` atomically: a temporary file in the same
 * directory, renamed over it (executed notebooks, reports, the gallery index).
 */
export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new Error(`${path}: write failed: ${(e as Error).message}`);
  }
}

export function readNotebook(path: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(readFileSync(path, 'utf8')) as Notebook;
  } catch (e) {
    throw new Error(`${path}: not a readable notebook (${(e as Error).message})`);
  }
  if (nb.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new Error(`${path}: nbformat ${nb.nbformat} is not supported (need nbformat 4)`);
  }
  return nb;
}

/**
 * papermill's convention: the cell tagged `parameters` holds defaults; a
 * cell tagged `injected-parameters` inserted right after it overrides them.
 * Values are written as TypeScript `const` declarations (tslab lets a later
 * cell redeclare a name). A string value is typed with the union given in
 * `types` (e.g. `'quick' | 'medium' | 'paper'`) so comparisons with the other choices
 * still type-check. `code` lines follow the declarations (a magic such as
 * `%engine lammps`). Without a parameters cell the injected cell goes first,
 * unless a cell declares one of the parameters at its top level (`const
 * scale = ...`): that cell would override the injected value and the run
 * would silently keep its default, so that is an error naming the cell.
 */
export function injectParameters(nb: Notebook, params: Record<string, string | number | boolean>, types: Record<string, string> = {}, code: readonly string[] = []): Notebook {
  const names = Object.keys(params);
  if (names.length === 0) return nb;
  const lines = [...names.map((k) => `const ${k}${types[k] ? `: ${types[k]}` : ''} = ${JSON.stringify(params[k])};`), ...code];
  const cell: NotebookCell = {
    cell_type: 'code',
    id: 'injected-parameters',
    metadata: { tags: ['injected-parameters'] },
    source: `// Parameters injected by glasslab run-notebooks\n${lines.join('\n')}`,
    execution_count: null,
    outputs: [],
  };
  const cells = nb.cells.filter((c) => !c.metadata.tags?.includes('injected-parameters'));
  const at = cells.findIndex((c) => c.metadata.tags?.includes('parameters'));
  if (at < 0) {
    const declares = new RegExp(`^(?:const|let|var)\\s+(${names.join('|')})\\b`, 'm');
    const k = cells.findIndex((c) => c.cell_type === 'code' && declares.test(cellSource(c)));
    if (k >= 0) {
      const name = declares.exec(cellSource(cells[k]))![1];
      throw new Error(`cell ${k + 1} declares the parameter '${name}' but no cell is tagged 'parameters': tag that cell 'parameters' (cell metadata "tags": ["parameters"]) so that run-notebooks can override it`);
    }
  }
  cells.splice(at + 1, 0, cell);
  return { ...nb, cells };
}
