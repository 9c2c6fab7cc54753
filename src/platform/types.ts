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
