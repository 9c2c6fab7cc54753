/**
 * The host the library runs on: core count, environment variables, files the
 * physics layers read (potential files, the wasm kernels), V8 flags and
 * worker threads. Among the physics layers (levels 0-9 of ARCHITECTURE.md)
 * only this module imports Node's built-ins, so a browser build (issue [14])
 * replaces this one module; test/architecture/layers.test.ts holds the rule.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';

export { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

/** Cores this process may use (at least 1). */
export function cpuCount(): number {
  return Math.max(1, availableParallelism());
}

/** An environment variable, or undefined (a browser has none). */
export function envVar(name: string): string | undefined {
  return process.env[name];
}

/** The environment as a read-only map (for options that take one). */
export function environment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

/** Bytes of a file next to a module (`new URL('./x.wasm', import.meta.url)`) or at a path. */
export function readBytes(file: URL | string): Uint8Array {
  return readFileSync(file);
}

/** A UTF-8 text file. */
export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** True for an existing regular file. */
export function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** True for an existing directory. */
export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Path segments joined with the host's separator. */
export function joinPath(...parts: string[]): string {
  return join(...parts);
}

/** V8 command-line flags set at run time (e.g. '--no-liftoff'); a no-op where the host has none. */
export function setEngineFlags(flags: string): void {
  setFlagsFromString(flags);
}
