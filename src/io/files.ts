/**
 * File plumbing shared by the readers and writers: gzip detection, chunked
 * streaming of (possibly gzipped) text, atomic output (write to a temporary
 * sibling, rename on close) and a guard that refuses to write over a file
 * that is currently being read.
 */
import { createReadStream, createWriteStream, promises as fsp, realpathSync, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline, type Readable, type Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';

/** Chunk size for streaming reads (bytes). Large chunks amortise per-chunk work. */
export const READ_CHUNK = 1 << 20;

/** True if the file is gzip-compressed: by its magic bytes 1f 8b (the extension is not trusted). */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await fsp.open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
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
  const file = createReadStream(path, { start, highWaterMark: READ_CHUNK });
  const source: Readable = gz ? (pipeline(file, createGunzip({ chunkSize: READ_CHUNK }), () => {}) as unknown as Readable) : file;
  let offset = start;
  try {
    for await (const buf of source as AsyncIterable<Buffer>) {
      const text = buf.toString('latin1');
      yield { text, offset };
      offset += buf.length;
    }
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(`${path}: read failed after ${offset} bytes${gz ? ' (gzip stream)' : ''}: ${msg}`);
  } finally {
    source.destroy();
    file.destroy();
  }
}

// ---- guard against overwriting an input -----------------------------------

const openInputs = new Map<string, number>();

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
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
 * A text output that becomes visible under its final name only when closed:
 * data goes to `<path>.tmp-<pid>` and is renamed over `path` by `close()`.
 * gzip-compressed when `path` ends in `.gz`. `write` honours back-pressure.
 */
export class AtomicTextOutput {
  readonly path: string;
  readonly tmpPath: string;
  private readonly file: WriteStream;
  private readonly sink: Writable;
  private error: Error | undefined;
  private closed = false;

  constructor(path: string) {
    assertNotBeingRead(path);
    this.path = path;
    this.tmpPath = `${path}.tmp-${process.pid}`;
    this.file = createWriteStream(this.tmpPath);
    if (wantsGzip(path)) {
      const gz = createGzip();
      pipeline(gz, this.file, (e) => { if (e) this.error ??= e; });
      this.sink = gz;
    } else {
      this.sink = this.file;
      this.file.on('error', (e) => { this.error ??= e; });
    }
  }

  /** Append text (latin1/ASCII). Resolves once the stream accepts more. */
  async write(text: string): Promise<void> {
    if (this.closed) throw new Error(`${this.path}: write after close`);
    if (this.error) throw this.wrap(this.error);
    if (!this.sink.write(text, 'latin1')) {
      await new Promise<void>((res, rej) => {
        const onDrain = () => { this.sink.off('error', onErr); res(); };
        const onErr = (e: Error) => { this.sink.off('drain', onDrain); rej(this.wrap(e)); };
        this.sink.once('drain', onDrain);
        this.sink.once('error', onErr);
      });
    }
  }

  /** Flush, close and rename the temporary file to the final name. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((res, rej) => {
      this.file.once('close', () => (this.error ? rej(this.wrap(this.error)) : res()));
      this.file.once('error', (e) => rej(this.wrap(e)));
      this.sink.end();
    });
    await fsp.rename(this.tmpPath, this.path);
  }

  /** Discard the output: close and delete the temporary file; the final name is untouched. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      // wait for the file to be closed (its open may still be pending) before deleting it
      const closed = this.file.closed ? Promise.resolve() : new Promise<void>((res) => this.file.once('close', () => res()));
      this.sink.destroy();
      this.file.destroy();
      await closed;
    }
    await fsp.rm(this.tmpPath, { force: true });
  }

  private wrap(e: Error): Error {
    return new Error(`${this.path}: write failed: ${e.message}`);
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
