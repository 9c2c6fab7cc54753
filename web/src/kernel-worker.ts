/**
 * The glasslab kernel's Web Worker: one LiteSession (kernel/lite/session.ts)
 * on the bundled library. `import ... from 'glasslab'` and its subpaths
 * (package.json `exports`) resolve to the library modules bundled here.
 */
import { LiteSession } from '../../kernel/lite/session.ts';
import { buildMagicTable } from '../../kernel/magics/table.ts';
import { addLibraryCommands } from '../../src/commands/index.ts';
import { Registry } from '../../src/commands/registry.ts';
import * as glasslab from '../../src/index.ts';
import * as analysis from '../../src/analysis/index.ts';
import * as display from '../../src/display/index.ts';
import * as engine from '../../src/engine/index.ts';
import * as io from '../../src/io/index.ts';
import * as ioFiles from '../../src/io/files.ts';
import * as linalg from '../../src/linalg/index.ts';
import * as md from '../../src/md/index.ts';
import * as minimize from '../../src/minimize/index.ts';
import * as plot from '../../src/plot/index.ts';
import * as potential from '../../src/potential/index.ts';
import * as protocols from '../../src/protocols/index.ts';

const MODULES: Record<string, unknown> = {
  glasslab, 'glasslab/analysis': analysis, 'glasslab/display': display, 'glasslab/engine': engine, 'glasslab/io': io,
  'glasslab/io/files': ioFiles, 'glasslab/linalg': linalg, 'glasslab/md': md, 'glasslab/minimize': minimize, 'glasslab/plot': plot,
  'glasslab/potential': potential, 'glasslab/protocols': protocols,
};

async function importer(spec: string): Promise<unknown> {
  const m = MODULES[spec];
  if (m) return m;
  throw new Error(`Cannot find module '${spec}': the browser kernel has the glasslab library (${Object.keys(MODULES).join(', ')}) and no npm`);
}

// the library's commands as magics (the Node kernel's table, without its Jupyter-only commands)
const magics = buildMagicTable(addLibraryCommands(new Registry()), { typedResults: false });
const session = new LiteSession(importer, { plotlyInline: false, magics });
const post = (m: unknown) => (self as unknown as Worker).postMessage(m);
let queue: Promise<void> = Promise.resolve();

self.addEventListener('message', (e: MessageEvent<{ type: 'execute'; id: number; code: string } | { type: 'interrupt' }>) => {
  if (e.data.type === 'interrupt') { session.interrupt(); return; }
  const { id, code } = e.data;
  queue = queue.then(async () => {
    const reply = await session.execute(code, {
      stream: (name, text) => post({ type: 'stream', id, name, text }),
      display: (bundle, opts) => post({ type: 'display', id, bundle, ...opts }),
      result: (bundle) => post({ type: 'result', id, bundle }),
    });
    post({ type: 'reply', id, reply });
  });
});
post({ type: 'ready' });
