/**
 * The parts of tslab 1.0.22 the kernel reuses, loaded from its CommonJS
 * build: the ZeroMQ server (sockets, signing, heartbeat, kernel_info,
 * is_complete), the executor (TypeScript -> JS conversion, top-level await,
 * variables kept across cells, interrupts) and its converters (type-aware
 * completion and inspection). Only the typings we rely on are declared here.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface TsQuickInfo {
  textSpan?: { start: number; length: number };
  displayParts?: { text: string }[];
  documentation?: { text: string }[];
}

export interface TsCompletionInfo {
  start: number;
  end: number;
  candidates: string[];
}

/** A compiler message; positions are 0-based, in the cell's source (fileName unset) or in another file. */
export interface TslabDiagnostic {
  start?: { offset: number; line: number; character: number };
  end?: { offset: number; line: number; character: number };
  messageText: string;
  category: number;
  code: number;
  fileName?: string;
}

export interface TslabConversion {
  declOutput?: string;
  diagnostics: TslabDiagnostic[];
}

/** tslab's converter: `prevDecl` holds the declarations of the earlier cells. */
export interface TslabConverter {
  convert(prevDecl: string, src: string): TslabConversion;
  inspect(prevDecl: string, src: string, position: number): TsQuickInfo | undefined;
  complete(prevDecl: string, src: string, position: number): TsCompletionInfo;
  close(): void;
}

export interface TslabConverterSet {
  readonly node: TslabConverter;
  readonly browser: TslabConverter;
  close(): void;
}

export interface TslabExecutor {
  /** false when the cell failed (the reason went to the console passed at creation) */
  execute(src: string): Promise<boolean>;
  inspect(src: string, position: number): TsQuickInfo | undefined;
  complete(src: string, position: number): TsCompletionInfo;
  reset(): void;
  interrupt(): void;
  locals: Record<string, unknown>;
  close(): void;
}

export interface TslabConsole {
  log(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** A received message as tslab's ZmqServer hands it to its handlers. */
export interface TslabMessage {
  header: { msg_type: string; msg_id: string; session: string; username: string };
  content: Record<string, any>;
  createReply(): TslabMessage & { header: { msg_type: string }; content: any; signAndSend(key: string, sock: unknown): void };
}

export interface TslabHandler {
  handleKernel(): Record<string, any>;
  handleExecute(req: Record<string, any>, writeStream: (name: string, text: string) => void, writeDisplayData: (data: unknown, update: boolean) => void): Promise<Record<string, unknown>>;
  handleIsComplete(req: { code: string }): Record<string, unknown>;
  handleInspect(req: { code: string; cursor_pos: number; detail_level: number }): Record<string, unknown>;
  handleComplete(req: { code: string; cursor_pos: number }): Record<string, unknown>;
  handleShutdown(req: unknown): Record<string, unknown>;
  close(): void;
}

export interface TslabZmqServer {
  connInfo: { key: string };
  iopub: unknown;
  handleShellMessage(sock: unknown, ...frames: Buffer[]): Promise<void>;
  handleExecute(sock: unknown, msg: TslabMessage): Promise<void>;
  publishStatus(status: string, parent: TslabMessage): void;
  init(): Promise<void>;
  close(): void;
}

export interface TslabJupyterModule {
  ZmqServer: new (handler: TslabHandler, configPath: string) => TslabZmqServer;
  JupyterHandlerImpl: new (executor: TslabExecutor, isJs: boolean) => TslabHandler;
  lastWriteDisplayData: ((data: unknown, update: boolean) => void) | null;
}

export const jupyter = require('tslab/dist/jupyter.js') as TslabJupyterModule;
const executorModule = require('tslab/dist/executor.js') as {
  createExecutor(rootDir: string, convs: TslabConverterSet, console: TslabConsole): TslabExecutor;
};
const converterModule = require('tslab/dist/converter.js') as {
  createConverter(options: { isJS: boolean; isBrowser: boolean }): TslabConverter;
  isCompleteCode(code: string): { completed: boolean; indent?: string };
};
const inspectModule = require('tslab/dist/inspect.js') as { printQuickInfo(info: TsQuickInfo): string };

export const createExecutor = executorModule.createExecutor;
export const printQuickInfo = inspectModule.printQuickInfo;
export const tslabVersion = (require('tslab/package.json') as { version: string }).version;
export const tslabTypescriptVersion = (require('@tslab/typescript-for-tslab/package.json') as { version: string }).version;

/** TypeScript converters for Node.js cells (and browser cells, created on first use). */
export function createConverterSet(): TslabConverterSet {
  let node: TslabConverter | undefined;
  let browser: TslabConverter | undefined;
  return {
    get node() { return (node ??= converterModule.createConverter({ isJS: false, isBrowser: false })); },
    get browser() { return (browser ??= converterModule.createConverter({ isJS: false, isBrowser: true })); },
    close() { node?.close(); browser?.close(); },
  };
}
