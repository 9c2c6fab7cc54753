/**
 * The glasslab kernel's Web Worker: one LiteSession (kernel/lite/session.ts)
 * on the bundled library, built for the browser platform (esbuild
 * conditions ['browser']: src/platform/browser.ts, no Node module).
 * `import ... from 'glasslab'` and its subpaths (package.json `exports`)
 * resolve to the library modules bundled here.
 *
 * Before it says 'ready', the worker puts the wasm kernels (served next to
 * it) into the platform's in-memory files, mounts the JupyterLite drive as
 * the platform's file system (./drive.ts: what the file browser shows, so
 * `%vdos upload.dump` reads an uploaded file and the notebooks' outputs
 * appear there) and takes the notebook's folder as its working folder. A
 * page that is not cross-origin isolated has no SharedArrayBuffer: then the
 * kernel's files are its memory only, and it says so once.
 */
import { LiteSession } from '../../kernel/lite/session.ts';
import { platform } from '../../src/platform/index.ts';
import { driveStore, type DriveRequest } from './drive.ts';
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

/** The wasm kernels' file names, copied next to this bundle by web/build.mjs (esbuild `define`). */
declare const GLASSLAB_WASM: string[];

const post = (m: unknown) => (self as unknown as Worker).postMessage(m);
// one thread for the dense eigensolver and the sparse factorisation: their pools start by blocking in Atomics.wait,
// where a browser never starts the worker (ARCHITECTURE.md, "The worker pools")
platform.setEnvVar('GLASSLAB_EIGEN_THREADS', '1');
platform.setEnvVar('GLASSLAB_SPARSE_THREADS', '1');
const isolated = typeof SharedArrayBuffer === 'function' && (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
if (isolated) platform.mountFiles(driveStore((m: DriveRequest) => post(m)));

const started = (async () => {
  await Promise.all(GLASSLAB_WASM.map(async (name) => {
    const r = await fetch(new URL(name, import.meta.url));
    if (!r.ok) throw new Error(`the wasm kernel ${name} did not load (${r.status})`);
    platform.putFile(`/wasm/${name}`, new Uint8Array(await r.arrayBuffer()));
  }));
})();

// the library's commands as magics (the Node kernel's table, without its Jupyter-only commands)
const magics = buildMagicTable(addLibraryCommands(new Registry()), { typedResults: false });
const session = new LiteSession(importer, { plotlyInline: false, magics });
let queue: Promise<void> = started.then(() => {}, () => {});
let noDriveNoted = false;

type Incoming = { type: 'execute'; id: number; code: string } | { type: 'interrupt' } | { type: 'init'; cwd: string };

self.addEventListener('message', (e: MessageEvent<Incoming>) => {
  if (e.data.type === 'interrupt') { session.interrupt(); return; }
  if (e.data.type === 'init') {
    const cwd = e.data.cwd;
    if (!isolated || platform.isDirectory(cwd)) platform.setCwd(cwd);
    return;
  }
  const { id, code } = e.data;
  queue = queue.then(async () => {
    if (!isolated && !noDriveNoted) {
      noDriveNoted = true;
      post({ type: 'stream', id, name: 'stderr', text: 'glasslab: this page is not cross-origin isolated, so the kernel cannot reach the file browser\'s files; what it writes stays in its memory (serve the site with npm run serve:lite)\n' });
    }
    const reply = await session.execute(code, {
      stream: (name, text) => post({ type: 'stream', id, name, text }),
      display: (bundle, opts) => post({ type: 'display', id, bundle, ...opts }),
      result: (bundle) => post({ type: 'result', id, bundle }),
    });
    post({ type: 'reply', id, reply });
  });
});
started.then(() => post({ type: 'ready' }), (err: Error) => post({ type: 'failed', message: err.message }));
