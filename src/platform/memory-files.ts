/**
 * The in-memory files of this process (`putFile` of ./types.ts), shared by
 * both hosts: Node reads them before the disk, a browser has no others.
 * Paths are POSIX, absolute and normalised ('/a/./b/../c' is '/a/c'; a
 * relative path is taken from '/').
 */

/** `path` made absolute from '/' and normalised: no '.', '..', empty or trailing segments. */
export function normalisePath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

/** POSIX join of path segments, normalised; relative when the first segment is. */
export function joinPosix(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  const abs = normalisePath(joined);
  return joined.startsWith('/') ? abs : abs.slice(1) || '.';
}

/** `path` made absolute from `cwd` (itself absolute) and normalised. */
export function resolvePosix(cwd: string, ...parts: string[]): string {
  let p = cwd;
  for (const s of parts) if (s !== '') p = s.startsWith('/') ? s : `${p}/${s}`;
  return normalisePath(p);
}

/** The POSIX path of `to` relative to `from` (both made absolute from `cwd`). */
export function relativePosix(cwd: string, from: string, to: string): string {
  const a = resolvePosix(cwd, from).split('/').filter(Boolean), b = resolvePosix(cwd, to).split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

/** The folder part of a POSIX path ('.' for a bare name, '/' for a top-level one). */
export function dirnamePosix(path: string): string {
  const p = path.replace(/\/+$/, '');
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
}

/** The last segment of a POSIX path, without `ext` where it ends with it. */
export function basenamePosix(path: string, ext?: string): string {
  const b = path.replace(/\/+$/, '').split('/').pop() ?? '';
  return ext && b.endsWith(ext) && b !== ext ? b.slice(0, -ext.length) : b;
}

const files = new Map<string, { bytes: Uint8Array; mtimeMs: number }>();

export const memoryFiles = {
  put(path: string, content: Uint8Array | string): void {
    files.set(normalisePath(path), { bytes: typeof content === 'string' ? new TextEncoder().encode(content) : content, mtimeMs: Date.now() });
  },
  remove(path: string): boolean {
    return files.delete(normalisePath(path));
  },
  /** removes every file under the folder `path`; true if there was one */
  removeTree(path: string): boolean {
    const p = normalisePath(path);
    const prefix = p === '/' ? '/' : p + '/';
    let any = false;
    for (const k of [...files.keys()]) if (k.startsWith(prefix)) { files.delete(k); any = true; }
    return any;
  },
  get(path: string): Uint8Array | undefined {
    return files.get(normalisePath(path))?.bytes;
  },
  mtimeMs(path: string): number | undefined {
    return files.get(normalisePath(path))?.mtimeMs;
  },
  /** names of the files and folders directly in the folder `path` */
  list(path: string): string[] {
    const p = normalisePath(path);
    const prefix = p === '/' ? '/' : p + '/';
    const names = new Set<string>();
    for (const k of files.keys()) if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split('/')[0]);
    return [...names];
  },
  /** a directory is any proper path prefix of a file */
  isDirectory(path: string): boolean {
    const p = normalisePath(path);
    const prefix = p === '/' ? '/' : p + '/';
    for (const k of files.keys()) if (k.startsWith(prefix)) return true;
    return false;
  },
  /** the first file whose name (last segment) is `name`, for a URL of a bundled module's neighbour */
  byName(name: string): Uint8Array | undefined {
    for (const [k, v] of files) if (k.slice(k.lastIndexOf('/') + 1) === name) return v.bytes;
    return undefined;
  },
};
