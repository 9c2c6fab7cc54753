/**
 * File plumbing shared by the readers and writers: gzip detection, chunked
 * streaming of (possibly gzipped) text, atomic output (write to a temporary
 * sibling, rename on close) and a guard that refuses to write over a file
 * that is currently being read.
 */
import { platform, type OutputFile } from '../platform/index.ts';

/** Chunk size for streaming reads (bytes). Large chunks amortise per-chunk work. */
export const READ_CHUNK = 1 << 20;

/** True if the file is gzip-compressed: by its magic bytes 1f 8b (the extension is not trusted). */
export async function isGzipFile(path: string): Promise<boolean> {
  const b = new Uint8Array(2);
  const bytesRead = await platform.readAt(path, b, 0);
  return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Whether an output path asks for gzip compression (by its extension). */
export function wantsGzip(path: string): boolean {
  return path.endsWith('.gz');
}

/** A piece of a text file, decoded as latin1 so that string index = byte offset. */
export interface TextChunk {
  text: string;
  /** byte offset of text[0] in the (uncompressed) file */
  offset: number;
}

/**
 * Stream a text file (plain or gzip) as latin1 chunks, starting at byte
 * `start` (plain files only). Only one chunk is held at a time; breaking out
 * of the loop closes the file.
 */
export async function* readTextChunks(path: string, start = 0): AsyncGenerator<TextChunk> {
  const gz = await isGzipFile(path);
  if (gz && start !== 0) throw new Error(`${path}: cannot seek inside a gzip file (byte ${start}); read it from the start`);
  const file = platform.readChunks(path, start, READ_CHUNK);
  const source = gz ? platform.gunzip(file, READ_CHUNK) : file;
  let offset = start;
  try {
    for await (const buf of source) {
      const text = platform.latin1(buf);
      yield { text, offset };
      offset += buf.length;
    }
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(`${path}: read failed after ${offset} bytes${gz ? ' (gzip stream)' : ''}: ${msg}`);
  }
}

// ---- guard against overwriting an input -----------------------------------

const openInputs = new Map<string, number>();

function canonical(path: string): string {
  try {
    return platform.realPath(path);
  } catch {
    return platform.resolvePath(path);
  }
}

/** Mark `path` as being read until the returned release function is called. */
export function holdInput(path: string): () => void {
  const key = canonical(path);
  openInputs.set(key, (openInputs.get(key) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = (openInputs.get(key) ?? 1) - 1;
    if (n <= 0) openInputs.delete(key);
    else openInputs.set(key, n);
  };
}

/** Throw if `path` is an input currently being read by this process. */
export function assertNotBeingRead(path: string): void {
  if (openInputs.has(canonical(path))) {
    throw new Error(`${path}: refusing to write a file that is being read in this process; choose another output name`);
  }
}

// ---- atomic output -----------------------------------------------------------

/**
 * A text output that becomes visible under its final name only when closed
 * (the platform's `openOutput`: in Node, data goes to `<path>.tmp-<pid>` and
 * is renamed over `path` by `close()`). gzip-compressed when `path` ends in
 * `.gz`. `write` honours back-pressure.
 */
export class AtomicTextOutput {
  readonly path: string;
  readonly tmpPath: string;
  private readonly out: OutputFile;

  constructor(path: string) {
    assertNotBeingRead(path);
    this.path = path;
    this.out = platform.openOutput(path, { gzip: wantsGzip(path) });
    this.tmpPath = this.out.tmpPath;
  }

  /** Append text (latin1/ASCII). Resolves once the stream accepts more. */
  write(text: string): Promise<void> {
    return this.out.write(text);
  }

  /** Flush, close and rename the temporary file to the final name. */
  close(): Promise<void> {
    return this.out.close();
  }

  /** Discard the output: close and delete the temporary file; the final name is untouched. */
  abort(): Promise<void> {
    return this.out.abort();
  }
}

/** Write a whole text file atomically (tmp + rename; gzip by extension). */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  const out = new AtomicTextOutput(path);
  try {
    await out.write(text);
    await out.close();
  } catch (e) {
    await out.abort();
    throw e;
  }
}

/** Read a whole (possibly gzipped) text file as latin1. For inputs that are not streamed. */
export async function readTextWhole(path: string): Promise<string> {
  const parts: string[] = [];
  for await (const c of readTextChunks(path)) parts.push(c.text);
  return parts.join('');
}
