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

const files = new Map<string, Uint8Array>();

export const memoryFiles = {
  put(path: string, content: Uint8Array | string): void {
    files.set(normalisePath(path), typeof content === 'string' ? new TextEncoder().encode(content) : content);
  },
  remove(path: string): boolean {
    return files.delete(normalisePath(path));
  },
  get(path: string): Uint8Array | undefined {
    return files.get(normalisePath(path));
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
    for (const [k, v] of files) if (k.slice(k.lastIndexOf('/') + 1) === name) return v;
    return undefined;
  },
};
