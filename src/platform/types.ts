/**
 * The host API the physics layers use (src/platform/index.ts re-exports one
 * implementation of it): ./node.ts in Node, ./browser.ts in a browser, the
 * one chosen by the `#platform` import of package.json (conditions
 * "browser" and "default"). Both implementations satisfy this interface, so
 * a library module runs unchanged on either.
 */

/**
 * A worker as the library drives it: Node's `worker_threads.Worker` has
 * this shape; in a browser a wrapped `Worker` (no 'online' event; 'exit'
 * fires on `terminate`).
 */
export interface HostWorker {
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  on(event: 'message', listener: (message: any) => void): this; // eslint-disable-line @typescript-eslint/no-explicit-any
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  once(event: 'message', listener: (message: any) => void): this; // eslint-disable-line @typescript-eslint/no-explicit-any
  once(event: 'error', listener: (err: Error) => void): this;
  once(event: 'exit', listener: (code: number) => void): this;
  /** stops the worker; resolves with its exit code */
  terminate(): Promise<number>;
  /** lets the process exit while the worker runs (a no-op in a browser) */
  unref(): void;
}

/** What may travel in `transfer` lists: ports and array buffers. */
export type Transferable = ArrayBuffer | { postMessage(m: unknown): void };

/** The end of a worker's channel to its parent, in the worker. */
export interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
}

/** A message channel's two ports (Node's `MessageChannel`, or the browser's). */
export interface HostMessageChannel {
  readonly port1: { postMessage(m: unknown, transfer?: readonly Transferable[]): void; unref?(): void };
  readonly port2: Transferable;
}

/** A temporary file for data that does not fit in memory (`Platform.scratchFile`), read and written at byte positions. */
export interface ScratchFile {
  write(bytes: Uint8Array, position: number): Promise<void>;
  /** Reads into `bytes` from `position`; resolves with the number of bytes read (fewer at the end). */
  read(bytes: Uint8Array, position: number): Promise<number>;
  /** Closes and deletes it (again: a no-op). */
  close(): Promise<void>;
}

/** What `Platform.stat` says of a path. */
export interface FileStat {
  /** bytes */
  size: number;
  /** last modification, ms since the epoch */
  mtimeMs: number;
  isFile: boolean;
  isDirectory: boolean;
}

/**
 * An output file that appears under its name only when closed (`openOutput`):
 * Node writes `tmpPath` and renames it over the name; a browser keeps the
 * bytes and stores the file on `close()`. gzip-compressed when asked.
 */
export interface OutputFile {
  /** where the bytes go until `close()` (Node: a sibling `<name>.tmp-<pid>`) */
  readonly tmpPath: string;
  /** Appends bytes, or a string written as latin1 (one byte per char); resolves when more may be written. */
  write(data: Uint8Array | string): Promise<void>;
  /** Flushes and puts the file in place under its name. */
  close(): Promise<void>;
  /** Discards the output; the name is untouched. */
  abort(): Promise<void>;
}

/**
 * A synchronous file store a browser host mounts (`Platform.mountFiles`):
 * the JupyterLite drive, that is the files of the file browser. Paths are
 * absolute POSIX paths ('/' is the drive's root). Node ignores it (it has
 * its disk).
 */
export interface FileStore {
  stat(path: string): FileStat | undefined;
  /** the file's bytes; undefined where there is no such file */
  read(path: string): Uint8Array | undefined;
  write(path: string, bytes: Uint8Array): void;
  /** names in a folder; undefined where there is no such folder */
  list(path: string): string[] | undefined;
  makeDir(path: string): void;
  remove(path: string): void;
  rename(from: string, to: string): void;
}

/** A child process (`Platform.startProcess`), in its own process group. */
export interface HostProcess {
  readonly pid: number | undefined;
  /** text as it arrives on stdout / stderr (UTF-8, in arbitrary chunks) */
  onStdout(f: (text: string) => void): void;
  onStderr(f: (text: string) => void): void;
  /** the start failed: `notFound` when the program does not exist */
  onError(f: (err: Error & { notFound?: boolean }) => void): void;
  /** exit code (null when killed) and signal, after the output is read */
  onClose(f: (code: number | null, signal: string | null) => void): void;
  /** sends a signal to its whole process group (a no-op once it exited) */
  killGroup(signal: 'SIGTERM' | 'SIGKILL'): void;
  /** true while it runs */
  readonly running: boolean;
}

export interface Platform {
  /** 'node' or 'browser' */
  readonly name: 'node' | 'browser';
  /** Cores this process may use (at least 1): `os.availableParallelism()`, or `navigator.hardwareConcurrency`. */
  cpuCount(): number;
  /** An environment variable, or undefined; a browser has only what `setEnvVar` put there. */
  envVar(name: string): string | undefined;
  /** The environment as a read-only map (for options that take one). */
  environment(): Readonly<Record<string, string | undefined>>;
  /** Sets (a string) or removes (undefined) an environment variable of this process. */
  setEnvVar(name: string, value: string | undefined): void;
  /**
   * Bytes of a file: a path, or a URL next to a module (`new URL('./x.wasm',
   * import.meta.url)`). Files put with `putFile` come first; a browser has
   * no others (a URL is looked up by its path, then by its file name).
   */
  readBytes(file: URL | string): Uint8Array;
  /** A UTF-8 text file (as `readBytes`). */
  readText(path: string): string;
  /** True for an existing regular file (put with `putFile`, or on disk in Node). */
  isFile(path: string): boolean;
  /** True for an existing directory (in a browser: a path prefix of a put file). */
  isDirectory(path: string): boolean;
  /** Path segments joined with '/' (Node: the host's separator), normalised. */
  joinPath(...parts: string[]): string;
  /**
   * Adds a file to this process's in-memory files (a string is stored as
   * UTF-8), which the read functions above see before the disk: how a
   * browser host hands the library wasm binaries, potential files and
   * uploads. A relative path is taken from '/'.
   */
  putFile(path: string, content: Uint8Array | string): void;
  /**
   * Writes a file atomically: Node writes a temporary file in the same
   * folder, fsyncs it and renames it over `path` (a reader sees the old file
   * or the new one, never a part); a browser stores an in-memory file.
   */
  writeFileAtomic(path: string, bytes: Uint8Array): void;
  /**
   * A new temporary file: in Node in a new folder `<dir>/<prefix>XXXXXX`
   * (dir default the system's temporary folder), deleted with it on
   * `close()`; in a browser a growing buffer in memory (a page has no disk).
   */
  scratchFile(prefix: string, dir?: string): Promise<ScratchFile>;
  /** Removes an in-memory file; true if there was one. */
  removeFile(path: string): boolean;
  /**
   * The file system. Node: the disk (with the in-memory files first). A
   * browser: the in-memory files (those put with `putFile`, and everything
   * under /tmp), then the store the host mounted with `mountFiles` (the
   * JupyterLite drive); with none mounted, memory only.
   */
  stat(path: string): FileStat | undefined;
  /** True for an existing file or folder. */
  exists(path: string): boolean;
  /** Names in a folder (unsorted); throws where it is not one. */
  readDir(path: string): string[];
  /** Creates a folder and its parents (none exist yet or some do: no error). */
  makeDir(path: string): void;
  /** A new empty folder `<dir>/<prefix>XXXXXX` (dir default the temporary folder). */
  makeTempDir(prefix: string, dir?: string): string;
  /** Renames a file or folder (over an existing file). */
  rename(from: string, to: string): void;
  /** Removes a file, or a folder with `recursive`; a missing path is not an error. */
  remove(path: string, opts?: { recursive?: boolean }): void;
  /** The canonical path (links resolved); throws where it does not exist. */
  realPath(path: string): string;
  /** True where this process may write in the folder `dir`. */
  isWritable(dir: string): boolean;
  /** Appends UTF-8 text to a file (creating it). */
  appendText(path: string, text: string): void;
  /** Reads into `bytes` from byte `position`; resolves with the count read (fewer at the end). */
  readAt(path: string, bytes: Uint8Array, position: number): Promise<number>;
  /** The first `bytes` bytes of a file (fewer where it is shorter), read at once. */
  readHead(path: string, bytes: number): Uint8Array;
  /** A file's bytes from `start`, in chunks of about `chunkSize` bytes; breaking out closes it. */
  readChunks(path: string, start: number, chunkSize: number): AsyncIterable<Uint8Array>;
  /** gunzip of a byte stream (Node: zlib; a browser: DecompressionStream). */
  gunzip(source: AsyncIterable<Uint8Array>, chunkSize: number): AsyncIterable<Uint8Array>;
  /** An output file (see `OutputFile`), gzip-compressed with `gzip`. */
  openOutput(path: string, opts?: { gzip?: boolean }): OutputFile;
  /** Bytes as latin1 text: one char per byte, so that a string index is a byte offset. */
  latin1(bytes: Uint8Array): string;
  /** Browser: mounts the host's file store (the JupyterLite drive). Node: throws (it has its disk). */
  mountFiles(store: FileStore): void;
  /** Paths: absolute from the working folder (`cwd`), normalised. */
  resolvePath(...parts: string[]): string;
  /** The path of `to` relative to `from`. */
  relativePath(from: string, to: string): string;
  /** The folder part of a path. */
  dirName(path: string): string;
  /** The last segment of a path, without `ext` where it ends with it. */
  baseName(path: string, ext?: string): string;
  /** The path separator ('/'; '\\' on Windows) and the PATH list delimiter (':' or ';'). */
  readonly pathSep: string;
  readonly pathDelimiter: string;
  /** The working folder (a browser: '/' unless set with `setCwd`). */
  cwd(): string;
  /** Browser: sets the working folder (the notebook's folder). Node: process.chdir. */
  setCwd(path: string): void;
  /** Bytes of memory this process may use: the constrained limit where there is one, else the machine's. */
  totalMemory(): number;
  /** 1-, 5- and 15-minute load averages; zeros where the host has none (a browser). */
  loadAverage(): number[];
  /** CPU seconds this process used so far, user and system, all threads; NaN where the host does not say (a browser). */
  cpuTimes(): { user: number; system: number };
  /** An id of this process for unique names (Node: its pid; a browser: a random number fixed at load). */
  readonly processId: number;
  /** Text as Node's `util.inspect` shows it (a browser: ./inspect.ts, the same format for plain data). */
  inspect(value: unknown, opts?: { depth?: number; maxArrayLength?: number; breakLength?: number }): string;
  /** Text of a file of an installed npm package (`'plotly.js-dist-min/package.json'`); a browser has none and throws. */
  packageText(specifier: string): string;
  /** Writes text to the process's standard error / output (a browser: the console). */
  writeStderr(text: string): void;
  writeStdout(text: string): void;
  /** True where stderr is a terminal; its width in columns where known. */
  stderrTty(): { isTTY: boolean; columns?: number };
  /**
   * Starts a program (`argv[0]`, searched on PATH) in `cwd` in a new
   * process group, with `env` added to this process's environment. Node
   * kills the group if this process exits first. A browser has no processes
   * and throws.
   */
  startProcess(argv: string[], opts: { cwd: string; env?: Record<string, string> }): HostProcess;
  /** Runs a program to its end; its stdout, or undefined where it fails or the host has no processes. */
  commandOutput(argv: string[], opts: { cwd: string; timeoutMs?: number }): { status: number | null; stdout: string; stderr: string } | undefined;
  /** True when this process runs as root (a browser: false). */
  isRoot(): boolean;
  /** True when a process with this pid is alive (a browser: false). */
  processAlive(pid: number): boolean;
  /** V8 command-line flags set at run time (e.g. '--no-liftoff'); a no-op where the host has none (a browser). */
  setEngineFlags(flags: string): void;
  /**
   * WebGPU's entry (`navigator.gpu`), or why there is none. A browser has
   * it or not; Node gets it from the `webgpu` (Dawn) package, imported on
   * demand and guarded: a native binary that fails to load (a missing
   * GLIBCXX symbol version, no driver) becomes a reason, never a crash.
   */
  webgpu(): Promise<{ gpu: { requestAdapter(): Promise<unknown> } } | { reason: string }>;
  /** Resolves after the host's event loop has run pending events (messages, timers, I/O): where long async work lets an interrupt in. */
  yieldToHost(): Promise<void>;
  /**
   * A worker that runs JavaScript source `body` (a script, not a module)
   * with `workerData` in scope bound to a structured clone of `data`
   * (`transfer` moved, not copied). Node runs it as an eval worker (where
   * `receiveMessageOnPort` is in scope too); a browser as a module worker
   * from a Blob URL, its body run on the first message (the data).
   */
  startSourceWorker(body: string, data: unknown, transfer?: readonly Transferable[]): HostWorker;
  /** True where a worker can read a port synchronously (Node's `receiveMessageOnPort`); false in a browser. */
  readonly syncPorts: boolean;
  /** A new message channel. */
  messageChannel(): HostMessageChannel;
  /**
   * A worker that runs the library's ES module `module` (a URL), with `data`
   * as its `workerInput()`. Node: a worker thread, through tsx's loader for
   * TypeScript sources (./module-worker.mjs). Browser: `new Worker(url,
   * {type: 'module'})`, the URL taken from `setModuleUrl` by the module's
   * name where the host bundled it; the data goes in a handshake (the
   * worker's hello, the parent's answer). The caller then waits for the
   * module's own ready message.
   */
  startModuleWorker(module: URL, data: unknown): HostWorker;
  /** In a worker of `startModuleWorker`: its data, and the port to its parent (null on the main thread). */
  workerInput(): Promise<{ data: unknown; port: ParentPort | null }>;
  /** Browser: where the bundled worker module named `name` (file name without extension, e.g. 'artn-worker') is served. Node: ignored. */
  setModuleUrl(name: string, url: string | URL): void;
}
