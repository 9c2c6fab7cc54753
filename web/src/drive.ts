/**
 * The JupyterLite drive (the files of the file browser) as the kernel
 * worker's file system (issue [14]): the library reads and writes files
 * synchronously (src/platform's `FileStore`), while the drive lives on the
 * page behind JupyterLab's asynchronous contents manager. So the worker
 * posts each request to the page and blocks in `Atomics.wait` on a shared
 * buffer until the page has answered there (a worker may block; the page's
 * main thread stays free to serve it). This needs a cross-origin isolated
 * page (SharedArrayBuffer): `npm run serve:lite` sends the headers; without
 * them the kernel's files stay in its memory (see kernel-worker.ts).
 *
 * Paths: the worker's '/' is the drive's root ('/notebooks/a.dump' is the
 * contents path 'notebooks/a.dump'). Files are written as base64 (binary
 * safe; JupyterLab converts them to text or JSON when an editor opens them).
 *
 * Answer protocol, in `ctl` (an Int32Array of two words): word 0 is the
 * status (0 pending, 1 done, 2 too big for the data buffer, 3 error,
 * 4 absent), word 1 the byte length of the answer in `data` (for status 2,
 * the size needed: the worker sends a larger buffer with op 'collect').
 */
import type { Contents } from '@jupyterlab/services';
import type { FileStat, FileStore } from '../../src/platform/types.ts';

export type DriveOp = 'stat' | 'read' | 'list' | 'write' | 'makeDir' | 'remove' | 'rename' | 'collect';

/** A request from the worker to the page. */
export interface DriveRequest {
  type: 'drive';
  id: number;
  op: DriveOp;
  path: string;
  to?: string;
  bytes?: Uint8Array;
  ctl: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

const PENDING = 0, DONE = 1, TOO_BIG = 2, FAILED = 3, ABSENT = 4;
/** How long the worker waits for the page's answer [ms]. */
const ANSWER_MS = 120_000;

const contentsPath = (path: string) => path.replace(/^\/+/, '');

// ---- the worker half -----------------------------------------------------------

/**
 * The drive as a synchronous `FileStore` of the kernel worker; `post` sends
 * a request to the page. Reads are cached by path, size and modification
 * time (a dump read in several passes crosses to the page once).
 */
export function driveStore(post: (m: DriveRequest) => void): FileStore {
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  let data = new SharedArrayBuffer(1 << 20);
  let next = 0;
  const cache = new Map<string, { size: number; mtimeMs: number; bytes: Uint8Array }>();

  function call(op: DriveOp, path: string, extra: { to?: string; bytes?: Uint8Array } = {}): Uint8Array | undefined {
    const id = next++;
    const send = (o: DriveOp) => {
      Atomics.store(ctl, 0, PENDING);
      post({ type: 'drive', id, op: o, path, ...extra, ctl: ctl.buffer as SharedArrayBuffer, data });
      if (Atomics.wait(ctl, 0, PENDING, ANSWER_MS) === 'timed-out') {
        throw new Error(`the page did not answer the kernel's file request (${op} ${path}) in ${ANSWER_MS / 1000} s`);
      }
    };
    send(op);
    if (Atomics.load(ctl, 0) === TOO_BIG) {
      data = new SharedArrayBuffer(Math.max(2 * data.byteLength, ctl[1]));
      send('collect');
    }
    const status = Atomics.load(ctl, 0);
    const bytes = new Uint8Array(data, 0, ctl[1]).slice();
    if (status === ABSENT) return undefined;
    if (status === FAILED) throw new Error(`${path}: ${new TextDecoder().decode(bytes)}`);
    return bytes;
  }
  const json = <T>(b: Uint8Array | undefined): T | undefined => (b === undefined ? undefined : JSON.parse(new TextDecoder().decode(b)) as T);

  const store: FileStore = {
    stat: (path) => json<FileStat>(call('stat', path)),
    read(path) {
      const st = store.stat(path);
      if (!st?.isFile) return undefined;
      const hit = cache.get(path);
      if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.bytes;
      const bytes = call('read', path);
      if (bytes) cache.set(path, { size: st.size, mtimeMs: st.mtimeMs, bytes });
      return bytes;
    },
    write(path, bytes) {
      const st = json<FileStat>(call('write', path, { bytes }));
      if (st) cache.set(path, { size: st.size, mtimeMs: st.mtimeMs, bytes });
    },
    list: (path) => json<string[]>(call('list', path)),
    makeDir: (path) => { call('makeDir', path); },
    remove: (path) => { cache.delete(path); call('remove', path); },
    rename: (from, to) => { cache.delete(from); cache.delete(to); call('rename', from, { to }); },
  };
  return store;
}

// ---- the page half ---------------------------------------------------------------

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

const enc = new TextEncoder();

/** The bytes of a contents model with its content (base64 decoded, text as UTF-8, a notebook as its JSON). */
function modelBytes(m: Contents.IModel): Uint8Array {
  if (m.format === 'base64') return fromBase64(String(m.content ?? ''));
  if (m.format === 'json') return enc.encode(JSON.stringify(m.content));
  return enc.encode(String(m.content ?? ''));
}

function statOf(m: Contents.IModel): FileStat {
  const dir = m.type === 'directory';
  return { size: dir ? 0 : (m.size ?? 0), mtimeMs: Date.parse(m.last_modified) || 0, isFile: !dir, isDirectory: dir };
}

async function answer(contents: Contents.IManager, m: DriveRequest): Promise<Uint8Array | undefined> {
  const path = contentsPath(m.path);
  const get = (content: boolean) => contents.get(path, { content }).catch(() => undefined);
  switch (m.op) {
    case 'stat': {
      if (path === '') return enc.encode(JSON.stringify({ size: 0, mtimeMs: 0, isFile: false, isDirectory: true }));
      const model = await get(false);
      return model ? enc.encode(JSON.stringify(statOf(model))) : undefined;
    }
    case 'read': {
      const model = await get(true);
      return model && model.type !== 'directory' ? modelBytes(model) : undefined;
    }
    case 'list': {
      const model = await get(true);
      if (!model || model.type !== 'directory') return undefined;
      return enc.encode(JSON.stringify((model.content as Contents.IModel[]).map((c) => c.name)));
    }
    case 'write': {
      const saved = await contents.save(path, { type: 'file', format: 'base64', content: toBase64(m.bytes ?? new Uint8Array(0)) });
      return enc.encode(JSON.stringify(statOf({ ...saved, size: m.bytes?.length ?? 0 })));
    }
    case 'makeDir':
      await contents.save(path, { type: 'directory' });
      return new Uint8Array(0);
    case 'remove':
      await contents.delete(path);
      return new Uint8Array(0);
    case 'rename':
      await contents.rename(path, contentsPath(m.to ?? ''));
      return new Uint8Array(0);
    default:
      throw new Error(`unknown drive request '${m.op}'`);
  }
}

/**
 * The page's side: answer one request of the worker's `driveStore` with
 * the contents manager (`app.serviceManager.contents`). Answers too big for
 * the worker's buffer wait in `held` for its 'collect'.
 */
export async function serveDrive(contents: Contents.IManager, m: DriveRequest, held: Map<number, Uint8Array>): Promise<void> {
  const ctl = new Int32Array(m.ctl);
  const data = new Uint8Array(m.data);
  let status = DONE;
  let out: Uint8Array;
  try {
    const r = m.op === 'collect' ? held.get(m.id) : await answer(contents, m);
    held.delete(m.id);
    if (r === undefined) { status = ABSENT; out = new Uint8Array(0); } else out = r;
  } catch (e) {
    status = FAILED;
    out = enc.encode((e as Error).message ?? String(e)).subarray(0, data.length);
  }
  if (out.length > data.length) {
    held.set(m.id, out);
    status = TOO_BIG;
  } else {
    data.set(out);
  }
  Atomics.store(ctl, 1, out.length);
  Atomics.store(ctl, 0, status);
  Atomics.notify(ctl, 0);
}
