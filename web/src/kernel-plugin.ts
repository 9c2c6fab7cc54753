/**
 * The glasslab kernel of the JupyterLite site (issue [14] item 2): a
 * JupyterLite `BaseKernel` on the page that runs each cell in a Web Worker
 * (./kernel-worker.ts, built to build/kernel-worker.js), as
 * @jupyterlite/javascript-kernel does. The worker holds the session (its
 * scope survives from cell to cell) and posts stream, display and result
 * messages, which this class sends on iopub with the cell's parent header.
 *
 * Interrupt: JupyterLite's kernel client only cancels the queued cells, so
 * the plugin wraps its `interrupt` to also post an interrupt to the worker,
 * which aborts the session's signal: a command that yields (an MD run, a
 * minimisation) stops after its current step, as in the Node kernel. A
 * loop that never yields cannot be stopped this way (the platform seam's
 * shared flag, branch lite-seam).
 *
 * Files: the worker reaches the JupyterLite drive through this page
 * (./drive.ts): each of its file requests is answered here with the
 * contents manager, so the kernel sees the file browser's files, with the
 * notebook's folder as its working folder.
 *
 * Not yet here: completion and inspection (a TypeScript language service in
 * a second worker), input().
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import type { Contents, KernelMessage } from '@jupyterlab/services';
import { BaseKernel, IKernelClient, IKernelSpecs, type IKernel } from '@jupyterlite/services';
import { serveDrive, type DriveRequest } from './drive.ts';

/** Messages from the worker (see kernel-worker.ts). */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | DriveRequest
  | { type: 'stream'; id: number; name: 'stdout' | 'stderr'; text: string }
  | { type: 'display'; id: number; bundle: Record<string, unknown>; displayId?: string; update?: boolean }
  | { type: 'result'; id: number; bundle: Record<string, unknown> }
  | { type: 'reply'; id: number; reply: { status: 'ok' } | { status: 'error'; ename: string; evalue: string; traceback: string[] } };

export class GlasslabKernel extends BaseKernel {
  private readonly worker: Worker;
  private readonly started: Promise<void>;
  private next = 0;
  private readonly pending = new Map<number, { header: KernelMessage.IHeader<KernelMessage.MessageType> | undefined; done: (r: Extract<WorkerMessage, { type: 'reply' }>['reply']) => void }>();

  constructor(options: IKernel.IOptions, contents: Contents.IManager) {
    super(options);
    const url = URLExt.join(PageConfig.getOption('fullStaticUrl'), 'kernel-worker.js');
    this.worker = new Worker(url, { type: 'module', name: `glasslab-kernel-${options.id}` });
    const held = new Map<number, Uint8Array>();
    this.started = new Promise((resolve, reject) => {
      this.worker.addEventListener('error', (e) => reject(new Error(`the glasslab kernel worker failed to start: ${e.message}`)), { once: true });
      this.worker.addEventListener('message', (e: MessageEvent<WorkerMessage>) => {
        if (e.data.type === 'ready') resolve();
        else if (e.data.type === 'failed') reject(new Error(`the glasslab kernel worker failed to start: ${e.data.message}`));
        else if (e.data.type === 'drive') void serveDrive(contents, e.data, held);
        else this.onWorkerMessage(e.data);
      });
    });
    // the notebook's folder is the kernel's working folder
    this.worker.postMessage({ type: 'init', cwd: `/${options.location ?? ''}` });
  }

  override get ready(): Promise<void> {
    return this.started;
  }

  /** Abort the running cell's signal (see the module comment). */
  interrupt(): void {
    this.worker.postMessage({ type: 'interrupt' });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.worker.terminate();
    super.dispose();
  }

  private onWorkerMessage(m: WorkerMessage): void {
    if (m.type === 'ready' || m.type === 'failed' || m.type === 'drive') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    switch (m.type) {
      case 'stream': this.stream({ name: m.name, text: m.text }, p.header); break;
      case 'display':
        if (m.update) this.updateDisplayData({ data: m.bundle as never, metadata: {}, transient: { display_id: m.displayId ?? '' } }, p.header);
        else this.displayData({ data: m.bundle as never, metadata: {}, ...(m.displayId ? { transient: { display_id: m.displayId } } : {}) }, p.header);
        break;
      case 'result': this.publishExecuteResult({ execution_count: this.executionCount, data: m.bundle as never, metadata: {} }, p.header); break;
      case 'reply': this.pending.delete(m.id); p.done(m.reply); break;
    }
  }

  async kernelInfoRequest(): Promise<KernelMessage.IInfoReplyMsg['content']> {
    return {
      implementation: 'glasslab-lite',
      implementation_version: '0.1.0',
      language_info: { name: 'typescript', version: '5', mimetype: 'text/typescript', file_extension: '.ts', codemirror_mode: { name: 'typescript' } },
      protocol_version: '5.3',
      status: 'ok',
      banner: 'glasslab in the browser: TypeScript cells on the glasslab library (JupyterLite)',
      help_links: [],
    };
  }

  async executeRequest(content: KernelMessage.IExecuteRequestMsg['content']): Promise<KernelMessage.IExecuteReplyMsg['content']> {
    await this.started;
    const id = this.next++;
    const header = this.parentHeader;
    const reply = await new Promise<Extract<WorkerMessage, { type: 'reply' }>['reply']>((done) => {
      this.pending.set(id, { header, done });
      this.worker.postMessage({ type: 'execute', id, code: content.code });
    });
    if (reply.status === 'error') {
      this.publishExecuteError({ ename: reply.ename, evalue: reply.evalue, traceback: reply.traceback }, header);
      return { status: 'error', execution_count: this.executionCount, ename: reply.ename, evalue: reply.evalue, traceback: reply.traceback };
    }
    return { status: 'ok', execution_count: this.executionCount, user_expressions: {} } as KernelMessage.IExecuteReplyMsg['content'];
  }

  async completeRequest(content: KernelMessage.ICompleteRequestMsg['content']): Promise<KernelMessage.ICompleteReplyMsg['content']> {
    return { status: 'ok', matches: [], cursor_start: content.cursor_pos, cursor_end: content.cursor_pos, metadata: {} };
  }

  async inspectRequest(): Promise<KernelMessage.IInspectReplyMsg['content']> {
    return { status: 'ok', found: false, data: {}, metadata: {} };
  }

  async isCompleteRequest(): Promise<KernelMessage.IIsCompleteReplyMsg['content']> {
    return { status: 'complete' };
  }

  async commInfoRequest(): Promise<KernelMessage.ICommInfoReplyMsg['content']> {
    return { status: 'ok', comms: {} };
  }

  inputReply(): void {}
  async commOpen(): Promise<void> {}
  async commMsg(): Promise<void> {}
  async commClose(): Promise<void> {}
}

/** Registers the `glasslab` kernel spec with JupyterLite's kernel specs. */
export const glasslabKernelPlugin: JupyterFrontEndPlugin<void> = {
  id: 'glasslab-lite:kernel',
  description: 'The glasslab TypeScript kernel, in a Web Worker',
  autoStart: true,
  requires: [IKernelSpecs],
  optional: [IKernelClient],
  activate: (app: JupyterFrontEnd, kernelspecs: IKernelSpecs, client: IKernelClient | null) => {
    if (client) {
      const cancelQueued = client.interrupt.bind(client);
      client.interrupt = async (id: string) => {
        // the client keeps its kernels in a private map (@jupyterlite/services 0.8 LiteKernelClient)
        const kernel = (client as unknown as { _kernels?: Map<string, unknown> })._kernels?.get(id);
        if (kernel instanceof GlasslabKernel) kernel.interrupt();
        return cancelQueued(id);
      };
    }
    const logo = URLExt.join(PageConfig.getOption('fullStaticUrl'), 'glasslab-logo.svg');
    kernelspecs.register({
      spec: {
        name: 'glasslab',
        display_name: 'glasslab (TypeScript, in the browser)',
        language: 'typescript',
        argv: [],
        resources: { 'logo-32x32': logo, 'logo-64x64': logo },
      },
      create: async (options: IKernel.IOptions) => new GlasslabKernel(options, app.serviceManager.contents),
    });
  },
};
