/**
 * The glasslab kernel: tslab's ZeroMQ server with our execute path.
 *
 * tslab keeps doing sockets, signing, heartbeat, busy/idle status,
 * kernel_info and is_complete. We replace execute (execute_input,
 * execute_result, error outputs with ename/evalue/traceback, aborting the
 * queue after an error as ipykernel does), complete/inspect (magic names,
 * flags, usage) and add interrupt_request and a correct comm_info_reply,
 * which tslab 1.0.22 lacks. Like ipykernel's Session, a message whose
 * signature was seen before (a replay) is dropped and logged on stderr.
 */
import { readFileSync, writeSync } from 'node:fs';
import { decodeMessage, DigestHistory, encodeMessage, newHeader, type Message } from './protocol/wire.ts';
import { jupyter, tslabTypescriptVersion, tslabVersion, type TslabExecutor, type TslabMessage, type TslabZmqServer } from './tslab.ts';
import type { CellIO, KernelSession } from './session.ts';

export const KERNEL_NAME = 'glasslab';
export const DISPLAY_NAME = 'glasslab (TypeScript)';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** kernel_info_reply content. */
export function kernelInfo(): Record<string, unknown> {
  return {
    status: 'ok',
    protocol_version: '5.3',
    implementation: KERNEL_NAME,
    implementation_version: packageVersion(),
    language_info: {
      name: 'typescript',
      version: tslabTypescriptVersion,
      mimetype: 'text/typescript',
      file_extension: '.ts',
      codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
    },
    banner: `glasslab ${packageVersion()}: TypeScript kernel for the physics of glasses (tslab ${tslabVersion}, TypeScript ${tslabTypescriptVersion}, Node ${process.version}). %lsmagic lists the magics.`,
  };
}

/** tslab's JupyterHandlerImpl with glasslab's kernel_info, completion and inspection. */
function createHandler(session: KernelSession) {
  const Base = jupyter.JupyterHandlerImpl;
  const handler = new Base(session.executor as TslabExecutor, false);
  handler.handleKernel = () => kernelInfo();
  handler.handleComplete = (req) => ({ status: 'ok', metadata: {}, ...session.complete(req.code, req.cursor_pos) });
  handler.handleInspect = (req) => ({ status: 'ok', metadata: {}, ...session.inspect(req.code, req.cursor_pos) });
  handler.close = () => session.close();
  return handler;
}

/**
 * A line on the kernel process's own stderr (the Jupyter server's log), not
 * on a cell's stream: process.stderr.write is redirected to the running cell.
 */
export function kernelLog(line: string): void {
  try {
    writeSync(2, `glasslab kernel: ${line}\n`);
  } catch { /* stderr closed: nowhere to log */ }
}

export interface KernelServer {
  /** resolves once the sockets are bound */
  ready: Promise<void>;
}

/** Start serving the connection file `configPath` with `session`. */
export function startServer(session: KernelSession, configPath: string, onShutdown: () => void): KernelServer {
  const server = new jupyter.ZmqServer(createHandler(session), configPath) as TslabZmqServer;
  let executionCount = 0;
  let received = 0; // execute requests received so far
  let abortThrough = 0; // requests received up to this one are aborted (after an error)
  let queue: Promise<void> = Promise.resolve();
  // signatures seen on shell and control: a replayed message is dropped (jupyter_client's digest_history)
  const digests = new DigestHistory();

  const publish = (parent: TslabMessage, msgType: string, content: unknown) => {
    const m = parent.createReply();
    m.header.msg_type = msgType;
    m.content = content;
    m.signAndSend(server.connInfo.key, server.iopub);
  };

  const runExecute = async (sock: unknown, msg: TslabMessage, seq: number) => {
    const req = msg.content as { code: string; silent?: boolean; store_history?: boolean; stop_on_error?: boolean };
    const reply = msg.createReply();
    reply.header.msg_type = 'execute_reply';
    if (seq <= abortThrough) {
      reply.content = { status: 'aborted', execution_count: executionCount };
      reply.signAndSend(server.connInfo.key, sock);
      return;
    }
    const silent = req.silent === true;
    if (!silent && req.store_history !== false) executionCount++;
    const count = executionCount;
    if (!silent) publish(msg, 'execute_input', { code: req.code, execution_count: count });
    const io: CellIO = {
      stream: (name, text) => { if (!silent) publish(msg, 'stream', { name, text }); },
      display: (content, update) => { if (!silent) publish(msg, update ? 'update_display_data' : 'display_data', { transient: {}, ...content, metadata: content.metadata ?? {} }); },
      result: (data) => { if (!silent) publish(msg, 'execute_result', { execution_count: count, data, metadata: {} }); },
      error: (e) => publish(msg, 'error', e),
    };
    const outcome = await session.execute(req.code, io);
    if (outcome.status === 'error') {
      if (req.stop_on_error !== false) abortThrough = received;
      reply.content = { ...outcome, execution_count: count };
    } else {
      reply.content = { status: 'ok', execution_count: count, payload: [], user_expressions: {} };
    }
    reply.signAndSend(server.connInfo.key, sock);
  };

  server.handleExecute = (sock, msg) => {
    const seq = ++received;
    const run = queue.then(() => runExecute(sock, msg, seq));
    queue = run.catch(() => {});
    return run;
  };

  const baseShell = server.handleShellMessage.bind(server);
  server.handleShellMessage = async (sock, ...frames) => {
    let msg: Message;
    try {
      msg = decodeMessage(server.connInfo.key, frames, digests);
    } catch (e) {
      kernelLog(`dropped a bad message: ${(e as Error).message}`);
      return;
    }
    const type = msg.header.msg_type;
    const replyWith = (msgType: string, content: Record<string, unknown>) => {
      const header = newHeader(msgType, msg.header.session, msg.header.username);
      void (sock as { send(f: Buffer[]): Promise<void> }).send(encodeMessage(server.connInfo.key, {
        identities: msg.identities, header, parent_header: msg.header, metadata: {}, content,
      }));
    };
    if (type === 'interrupt_request') {
      session.interrupt();
      replyWith('interrupt_reply', { status: 'ok' });
      return;
    }
    if (type === 'comm_info_request') {
      replyWith('comm_info_reply', { status: 'ok', comms: {} });
      return;
    }
    await baseShell(sock, ...frames);
    if (type === 'shutdown_request') {
      // tslab closed the sockets; leave once the reply is flushed
      setTimeout(() => { onShutdown(); }, 100);
    }
  };

  return { ready: server.init() };
}
