/**
 * A Jupyter kernel client over ZeroMQ, written in TypeScript (no Python):
 * starts a kernel process from a connection file, sends requests on the
 * shell/control channels and gathers the iopub messages of each request into
 * nbformat outputs. Used by the notebook runner and the protocol tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import * as zmq from 'zeromq';
import { decodeMessage, encodeMessage, newHeader, type ConnectionInfo, type Message } from './wire.ts';
import { applyIopubMessage, type NotebookOutput } from './outputs.ts';

export interface StartOptions {
  /** command line of the kernel; `{connection_file}` is replaced (kernelspec convention) */
  argv: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** how long to wait for the kernel to answer kernel_info (ms); default 60 s */
  startTimeoutMs?: number;
}

export interface ExecuteOutcome {
  /** the execute_reply content */
  reply: Record<string, any>;
  /** every iopub message whose parent is this request, in arrival order */
  messages: Message[];
  /** the nbformat outputs those messages produce */
  outputs: NotebookOutput[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

type Waiter = (msg: Message) => void;

/** The kernel process ended while a request waited for its answer. */
export class KernelDiedError extends Error {
  constructor(readonly exitCode: number | null, readonly signal: NodeJS.Signals | null, readonly stderrTail: string[], during: string) {
    super(`the kernel process died during ${during} (${describeExit(exitCode, signal)})${stderrTail.length ? `; its last stderr lines:\n${stderrTail.join('\n')}` : '; it wrote nothing to stderr'}`);
    this.name = 'KernelDiedError';
  }
}

/** "exit code 3" / "killed by signal SIGKILL". */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by signal ${signal}` : `exit code ${code}`;
}

/**
 * The last `n` non-empty lines of a text, without the native stack frames a
 * fatal V8 error prints (" 7: 0x10e91f1 v8::internal::..."): they would push
 * the lines that say why (FATAL ERROR: ... heap out of memory) out of the tail.
 */
export function lastLines(text: string, n: number): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !/^\s*\d+: 0x[0-9a-f]+ /.test(l)).slice(-n);
}

export class KernelClient {
  private readonly session = randomUUID();
  private readonly shell = new zmq.Dealer();
  private readonly control = new zmq.Dealer();
  private readonly iopub = new zmq.Subscriber();
  private readonly replyWaiters = new Map<string, Waiter>();
  private readonly iopubWaiters = new Map<string, Waiter>();
  private closed = false;
  /** stderr of the kernel process (for error messages) */
  stderr = '';
  exitCode: number | null = null;
  /** the signal that ended the kernel process, if one did */
  exitSignal: NodeJS.Signals | null = null;
  /** resolves once the kernel process has exited and its stderr is read to the end */
  private exited: Promise<void> = new Promise(() => {});

  private constructor(readonly info: ConnectionInfo, readonly proc?: ChildProcess, private readonly tmp?: string) {}

  /** Start a kernel process and wait until it answers on shell and publishes on iopub. */
  static async start(opts: StartOptions): Promise<KernelClient> {
    const tmp = mkdtempSync(join(tmpdir(), 'glasslab-kernel-'));
    const info: ConnectionInfo = {
      transport: 'tcp', ip: '127.0.0.1',
      shell_port: await freePort(), iopub_port: await freePort(), stdin_port: await freePort(),
      control_port: await freePort(), hb_port: await freePort(),
      key: randomBytes(16).toString('hex'), signature_scheme: 'hmac-sha256', kernel_name: 'glasslab',
    };
    const file = join(tmp, 'kernel.json');
    writeFileSync(file, JSON.stringify(info));
    const [cmd, ...args] = opts.argv.map((a) => a.replace('{connection_file}', file));
    const proc = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'inherit', 'pipe'] });
    const client = new KernelClient(info, proc, tmp);
    proc.stderr!.on('data', (d: Buffer) => {
      client.stderr += d.toString();
      if (client.stderr.length > 100_000) client.stderr = client.stderr.slice(-50_000);
    });
    proc.on('exit', (code, sig) => { client.exitCode = code ?? (sig ? 128 : -1); client.exitSignal = sig; });
    client.exited = new Promise((r) => proc.once('close', () => r()));
    await client.connect();
    try {
      await client.waitReady(opts.startTimeoutMs ?? 60_000);
    } catch (e) {
      await client.close();
      throw e;
    }
    return client;
  }

  private async connect(): Promise<void> {
    const addr = (port: number) => `${this.info.transport}://${this.info.ip}:${port}`;
    this.shell.connect(addr(this.info.shell_port));
    this.control.connect(addr(this.info.control_port));
    this.iopub.connect(addr(this.info.iopub_port));
    this.iopub.subscribe();
    void this.readLoop(this.shell, this.replyWaiters);
    void this.readLoop(this.control, this.replyWaiters);
    void this.readLoop(this.iopub, this.iopubWaiters);
  }

  private async readLoop(sock: zmq.Dealer | zmq.Subscriber, waiters: Map<string, Waiter>): Promise<void> {
    try {
      for await (const frames of sock) {
        const msg = decodeMessage(this.info.key, frames);
        const id = msg.parent_header.msg_id;
        if (id) waiters.get(id)?.(msg);
      }
    } catch (e) {
      if (!this.closed) throw e;
    }
  }

  /** kernel_info until both the reply and an iopub status for it arrived (the subscription is live). */
  private async waitReady(timeoutMs: number): Promise<void> {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      if (this.exitCode !== null) throw new Error(`kernel exited with code ${this.exitCode} during startup:\n${this.stderr}`);
      const header = newHeader('kernel_info_request', this.session);
      let sawIopub = false;
      this.iopubWaiters.set(header.msg_id, () => { sawIopub = true; });
      const reply = new Promise<Message>((resolve) => this.replyWaiters.set(header.msg_id, resolve));
      await this.shell.send(encodeMessage(this.info.key, { header, parent_header: {}, metadata: {}, content: {} }));
      const got = await Promise.race([reply, sleep(1000).then(() => null)]);
      await sleep(50);
      this.iopubWaiters.delete(header.msg_id);
      this.replyWaiters.delete(header.msg_id);
      if (got && sawIopub) return;
    }
    throw new Error(`kernel did not answer kernel_info within ${timeoutMs} ms:\n${this.stderr}`);
  }

  /** Send a request and resolve with its reply (shell or control channel). */
  async request(msgType: string, content: Record<string, unknown>, channel: 'shell' | 'control' = 'shell', timeoutMs = 60_000): Promise<Message> {
    const header = newHeader(msgType, this.session);
    const reply = new Promise<Message>((resolve) => this.replyWaiters.set(header.msg_id, resolve));
    await (channel === 'shell' ? this.shell : this.control).send(
      encodeMessage(this.info.key, { header, parent_header: {}, metadata: {}, content }));
    try {
      return await withTimeout(reply, timeoutMs, () => `no ${msgType} reply within ${timeoutMs} ms${this.exitCode !== null ? ` (kernel exited with code ${this.exitCode})` : ''}\n${this.stderr}`);
    } finally {
      this.replyWaiters.delete(header.msg_id);
    }
  }

  /**
   * Execute `code`; resolves when the execute_reply and the iopub `idle`
   * status of the request have both arrived. `onMessage` sees each iopub
   * message as it comes (progress displays, streams).
   */
  async execute(code: string, opts: { timeoutMs?: number; onMessage?: (m: Message) => void; silent?: boolean } = {}): Promise<ExecuteOutcome> {
    const timeoutMs = opts.timeoutMs ?? 600_000;
    const header = newHeader('execute_request', this.session);
    const messages: Message[] = [];
    const outputs: NotebookOutput[] = [];
    let idle!: () => void;
    const idleSeen = new Promise<void>((r) => { idle = r; });
    this.iopubWaiters.set(header.msg_id, (m) => {
      messages.push(m);
      applyIopubMessage(outputs, m);
      opts.onMessage?.(m);
      if (m.header.msg_type === 'status' && m.content.execution_state === 'idle') idle();
    });
    const reply = new Promise<Message>((resolve) => this.replyWaiters.set(header.msg_id, resolve));
    const content = { code, silent: opts.silent ?? false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true };
    await this.shell.send(encodeMessage(this.info.key, { header, parent_header: {}, metadata: {}, content }));
    try {
      const [r] = await withTimeout(Promise.race([Promise.all([reply, idleSeen]), this.died('execute_request')]), timeoutMs,
        () => `cell did not finish within ${timeoutMs} ms${this.exitCode !== null ? ` (kernel exited with code ${this.exitCode})` : ''}\n${this.stderr}`);
      return { reply: r.content, messages, outputs };
    } finally {
      this.replyWaiters.delete(header.msg_id);
      this.iopubWaiters.delete(header.msg_id);
    }
  }

  /** Rejects with a KernelDiedError once the kernel process is gone (never settles for a kernel not started here). */
  private async died(during: string): Promise<never> {
    await this.exited;
    await sleep(100); // a reply sent just before the exit wins the race
    throw new KernelDiedError(this.exitCode, this.exitSignal, lastLines(this.stderr, 20), during);
  }

  /** Interrupt the running cell: SIGINT (interrupt_mode "signal") or an interrupt_request on control. */
  async interrupt(mode: 'signal' | 'message' = 'signal'): Promise<void> {
    if (mode === 'signal') {
      if (!this.proc) throw new Error('interrupt by signal needs a kernel process started by this client');
      this.proc.kill('SIGINT');
    } else {
      await this.request('interrupt_request', {}, 'control', 10_000);
    }
  }

  /** shutdown_request, then wait for the process to exit (kill it after `graceMs`). */
  async shutdown(graceMs = 5000): Promise<void> {
    if (this.exitCode === null) {
      try {
        await this.request('shutdown_request', { restart: false }, 'control', graceMs);
      } catch { /* a dead kernel does not reply */ }
    }
    await this.waitExit(graceMs);
    await this.close();
  }

  private async waitExit(ms: number): Promise<void> {
    const proc = this.proc;
    if (!proc || this.exitCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    if (await Promise.race([exited.then(() => true), sleep(ms).then(() => false)])) return;
    proc.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.shell.close();
    this.control.close();
    this.iopub.close();
    if (this.proc && this.exitCode === null) this.proc.kill('SIGKILL');
    if (this.tmp) rmSync(this.tmp, { recursive: true, force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function withTimeout<T>(p: Promise<T>, ms: number, why: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(why())), ms); });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}
