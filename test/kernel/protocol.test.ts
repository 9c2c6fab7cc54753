/**
 * The kernel over ZeroMQ, as a Jupyter front end sees it: one kernel
 * process for the file, driven by our TypeScript client.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zmq from 'zeromq';
import { KernelClient } from '../../kernel/protocol/client.ts';
import { encodeMessage, newHeader } from '../../kernel/protocol/wire.ts';
import { kernelArgv } from '../../kernel/runner.ts';
import { PLOTLY_MIME } from '../../src/display/mime.ts';

let kernel: KernelClient;

beforeAll(async () => {
  kernel = await KernelClient.start({ argv: kernelArgv(), cwd: process.cwd() });
});

afterAll(async () => {
  await kernel?.close();
});

const types = (r: { messages: { header: { msg_type: string } }[] }) => r.messages.map((m) => m.header.msg_type);

describe('glasslab kernel protocol', () => {
  it('answers kernel_info as glasslab, TypeScript, protocol 5.3', async () => {
    const r = await kernel.request('kernel_info_request', {});
    expect(r.header.msg_type).toBe('kernel_info_reply');
    expect(r.content).toMatchObject({ status: 'ok', protocol_version: '5.3', implementation: 'glasslab', language_info: { name: 'typescript', file_extension: '.ts' } });
  });

  it('executes TypeScript: execute_input, stream, execute_result, busy/idle', async () => {
    const r = await kernel.execute('const a: number = 6;\nconsole.log("a =", a);\na * 7');
    expect(r.reply).toMatchObject({ status: 'ok', execution_count: expect.any(Number) });
    expect(types(r)).toEqual(['status', 'execute_input', 'stream', 'execute_result', 'status']);
    expect(r.outputs[0]).toEqual({ output_type: 'stream', name: 'stdout', text: 'a = 6\n' });
    expect(r.outputs[1]).toMatchObject({ output_type: 'execute_result', data: { 'text/plain': '42' }, execution_count: r.reply.execution_count });
    const top = await kernel.execute('await new Promise((res) => setTimeout(res, 10)); a + 1');
    expect(top.outputs).toMatchObject([{ data: { 'text/plain': '7' } }]);
  });

  it('turns runtime errors into error outputs and keeps the session alive', async () => {
    const sync = await kernel.execute('const keep = "kept";\nthrow new RangeError("bad box length")');
    expect(sync.reply).toMatchObject({ status: 'error', ename: 'RangeError', evalue: 'bad box length' });
    expect(sync.outputs).toMatchObject([{ output_type: 'error', ename: 'RangeError', evalue: 'bad box length' }]);
    expect((sync.outputs[0] as { traceback: string[] }).traceback.join('\n')).toContain('RangeError: bad box length');
    const async_ = await kernel.execute('await Promise.resolve(); JSON.parse("{oops")');
    expect(async_.reply).toMatchObject({ status: 'error', ename: 'SyntaxError' });
    const thrown = await kernel.execute('throw 42');
    expect(thrown.reply).toMatchObject({ status: 'error', evalue: 'Uncaught 42' });
    // the next cell runs, and earlier variables are still there
    const next = await kernel.execute('a + 100');
    expect(next.reply.status).toBe('ok');
    expect(next.outputs).toMatchObject([{ output_type: 'execute_result', data: { 'text/plain': '106' } }]);
  });

  it('survives errors thrown in timers and unhandled rejections (reported on stderr)', async () => {
    const r = await kernel.execute([
      "setTimeout(() => { throw new Error('thrown later'); }, 20);",
      "void Promise.reject(new Error('nobody awaits me'));",
      'await new Promise((res) => setTimeout(res, 300));',
      "'survived'",
    ].join('\n'));
    expect(r.reply.status).toBe('ok');
    const stderr = r.outputs.filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => (o as { text: string }).text).join('');
    expect(stderr).toMatch(/Uncaught Error: thrown later/);
    expect(stderr).toMatch(/Unhandled promise rejection: Error: nobody awaits me/);
    expect(r.outputs.at(-1)).toMatchObject({ data: { 'text/plain': "'survived'" } });
  });

  it('reports type errors with the cell line and column, and bad magics as UsageError', async () => {
    const r = await kernel.execute('const s = 1;\nconst t: string = s;');
    expect(r.reply).toMatchObject({ status: 'error', ename: 'CompileError' });
    expect(r.reply.evalue).toMatch(/line 2, column 7: Type 'number' is not assignable to type 'string'/);
    const m = await kernel.execute('%timeit --repeat=many 1 + 1');
    expect(m.reply).toMatchObject({ status: 'error', ename: 'UsageError' });
    expect(m.reply.evalue).toMatch(/invalid value 'many' for --repeat: expected an integer/);
    const u = await kernel.execute('%timit 1');
    expect(u.reply.evalue).toMatch(/unknown magic %timit; did you mean '%timeit'/);
  });

  it('runs magics: %time, %timeit bound to a typed value, %lsmagic, help', async () => {
    const t = await kernel.execute('%time Math.hypot(3, 4)');
    expect(t.outputs[0]).toMatchObject({ output_type: 'stream', text: expect.stringMatching(/^CPU times: user .+, sys: .+, total: .+\nWall time: .+\n$/) });
    expect(t.outputs[1]).toMatchObject({ data: { 'text/plain': '5' } });
    const ti = await kernel.execute('const ti = %timeit -n 20 -r 3 Math.sqrt(2)');
    expect(ti.outputs[0]).toMatchObject({ text: expect.stringMatching(/ per loop \(mean ± std\. dev\. of 3 runs, 20 loops each\)\n$/) });
    expect((await kernel.execute('ti.loops * ti.repeat')).outputs).toMatchObject([{ data: { 'text/plain': '60' } }]);
    // the binding is typed: a wrong property is a compile error
    expect((await kernel.execute('ti.nope')).reply).toMatchObject({ ename: 'CompileError', evalue: expect.stringMatching(/Property 'nope' does not exist/) });
    const ls = await kernel.execute('%lsmagic');
    expect(ls.outputs[0]).toMatchObject({ text: expect.stringContaining('%timeit') });
    const h = await kernel.execute('%timeit?');
    expect(h.outputs[0]).toMatchObject({ text: expect.stringMatching(/^Usage: %timeit \[STATEMENT\] \[options\]/) });
    const ct = await kernel.execute('%%time\nconst inCell = 2;\ninCell * 3');
    expect(ct.outputs.map((o) => o.output_type)).toEqual(['execute_result', 'stream']);
    expect((await kernel.execute('inCell')).outputs).toMatchObject([{ data: { 'text/plain': '2' } }]);
  });

  it('loads files with %load into typed values (System, Trajectory)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-load-'));
    const frame = (t: number, dx: number) => `ITEM: TIMESTEP\n${t}\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 5\n0 5\n0 5\n`
      + `ITEM: ATOMS id type x y z\n1 1 ${1 + dx} 1 1\n2 2 3 3 3\n`;
    writeFileSync(join(dir, 'two.dump'), frame(0, 0) + frame(100, 0.5));
    try {
      const one = await kernel.execute(`const sys = %load ${join(dir, 'two.dump')} --frame -1\nsys.positions[0] + sys.n`);
      expect(one.outputs[0]).toMatchObject({ output_type: 'stream', text: expect.stringMatching(/two\.dump: 2 atoms, 3D box 5\.00000 x 5\.00000 x 5\.00000, timestep 100/) });
      expect(one.outputs[1]).toMatchObject({ data: { 'text/plain': '3.5' } });
      expect((await kernel.execute('sys.nope')).reply).toMatchObject({ ename: 'CompileError', evalue: expect.stringMatching(/Property 'nope' does not exist on type 'System'/) });
      const tr = await kernel.execute(`const traj = %load ${join(dir, 'two.dump')} --trajectory\nawait traj.count()`);
      expect(tr.outputs.at(-1)).toMatchObject({ data: { 'text/plain': '2' } });
      const bad = await kernel.execute(`%load ${join(dir, 'two.dump')} --stride 2`);
      expect(bad.reply).toMatchObject({ ename: 'UsageError', evalue: expect.stringMatching(/--stride needs --trajectory/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('displays Plotly figures as one bundle and progress with update_display_data', async () => {
    const r = await kernel.execute([
      "import { lineFigure } from 'glasslab/plot';",
      "import { display, progressDisplay } from 'glasslab/display';",
      "const fig = lineFigure([{ name: 'g', x: [1, 2, 3], y: [0, 2, 1] }], { xTitle: 'r [sigma]' });",
      'display(fig);',
      "const bar = progressDisplay('frames', 4);",
      'for (let i = 1; i <= 4; i++) { await new Promise((res) => setTimeout(res, 300)); bar.update(i); }',
      'bar.finish();',
      'fig',
    ].join('\n'));
    expect(r.reply.status).toBe('ok');
    const shown = r.messages.filter((m) => m.header.msg_type === 'display_data');
    expect(shown).toHaveLength(2);
    expect(Object.keys(shown[0].content.data).sort()).toEqual([PLOTLY_MIME, 'text/html', 'text/plain'].sort());
    expect(shown[0].content.data[PLOTLY_MIME].data[0]).toMatchObject({ name: 'g', y: [0, 2, 1] });
    const progressId = shown[1].content.transient.display_id;
    expect(progressId).toMatch(/^glasslab-progress-/);
    const updates = r.messages.filter((m) => m.header.msg_type === 'update_display_data');
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.every((m) => m.content.transient.display_id === progressId)).toBe(true);
    expect(updates.at(-1)!.content.data['text/plain']).toMatch(/^frames: 100\.0% \(4\/4, .* done$/);
    // the figure as last expression displays itself (execute_result)
    const result = r.messages.find((m) => m.header.msg_type === 'execute_result')!;
    expect(result.content.data[PLOTLY_MIME]).toBeDefined();
    // plotly.js is inlined in the first figure of the session only
    expect((shown[0].content.data['text/html'] as string).length).toBeGreaterThan(1e6);
    expect((result.content.data['text/html'] as string).length).toBeLessThan(5000);
  });

  it('imports danfojs (types only in package.json exports) and shows a DataFrame as an HTML table', async () => {
    const r = await kernel.execute([
      "import * as dfd from 'danfojs';",
      'const df = new dfd.DataFrame({ id: Array.from({ length: 100 }, (_, i) => i + 1), p: Array.from({ length: 100 }, (_, i) => i / 4) });',
      'df.query(df.p.gt(5))',
    ].join('\n'), { timeoutMs: 60_000 });
    expect(r.reply.status, JSON.stringify(r.reply)).toBe('ok');
    const html = (r.outputs.at(-1) as { data: Record<string, string> }).data['text/html'];
    expect(html).toContain('<th>id</th><th>p</th>');
    expect(html).toContain('<tr><th>21</th><td>22</td><td>5.25000</td></tr>'); // the original row label
    expect(html).toContain('<p>79 rows × 2 columns</p>');
    expect(html.match(/<tr><th>\d+<\/th>/g)).toHaveLength(20); // row limit: head and tail
  }, 90_000);

  it('completes magic names, flags and TypeScript members', async () => {
    const names = await kernel.request('complete_request', { code: '%tim', cursor_pos: 4 });
    expect(names.content).toMatchObject({ status: 'ok', cursor_start: 0, cursor_end: 4, matches: ['%time', '%timeit'] });
    const flags = await kernel.request('complete_request', { code: '%timeit --rep', cursor_pos: 13 });
    expect(flags.content).toMatchObject({ cursor_start: 8, matches: ['--repeat'] });
    const ts = await kernel.request('complete_request', { code: 'const q = %time 1\nMath.hyp', cursor_pos: 26 });
    expect(ts.content.matches).toContain('hypot');
  });

  it('inspects: usage of a magic, the type of a variable', async () => {
    const m = await kernel.request('inspect_request', { code: '%timeit -n 3 f()', cursor_pos: 3, detail_level: 0 });
    expect(m.content).toMatchObject({ status: 'ok', found: true });
    expect(m.content.data['text/plain']).toMatch(/^Usage: %timeit/);
    const v = await kernel.request('inspect_request', { code: 'fig', cursor_pos: 1, detail_level: 0 });
    expect(v.content.data['text/plain']).toMatch(/const fig: PlotlyFigure/);
  });

  it('interrupts a running cell (SIGINT and interrupt_request) and keeps the variables', async () => {
    for (const mode of ['signal', 'message'] as const) {
      const run = kernel.execute('await new Promise((res) => setTimeout(res, 60_000))');
      await new Promise((res) => setTimeout(res, 500));
      await kernel.interrupt(mode);
      const r = await run;
      expect(r.reply).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
      expect((await kernel.execute('a')).outputs).toMatchObject([{ data: { 'text/plain': '6' } }]);
    }
    // an interruptible command (an MD run) stops cleanly and says where
    const md = kernel.execute('%md --n 300 --density 1.2 --temp 1 --steps 10000000 --thermo 0');
    await new Promise((res) => setTimeout(res, 2500));
    const t0 = Date.now();
    await kernel.interrupt('signal');
    const mdr = await md;
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(mdr.reply).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
    expect(mdr.reply.evalue).not.toBe('the cell was interrupted'); // the command's own message
    const bar = mdr.messages.filter((m) => m.header.msg_type === 'update_display_data').at(-1)!;
    expect(bar.content.data['text/plain']).toMatch(/^md: .*steps.* stopped$/);
    // a busy synchronous loop is stopped by SIGINT too
    const busy = kernel.execute('while (true) {}');
    await new Promise((res) => setTimeout(res, 800));
    await kernel.interrupt('signal');
    expect((await busy).reply).toMatchObject({ status: 'error', ename: 'KeyboardInterrupt' });
    // `keep` was declared by a cell that then threw: still there, and typed
    expect((await kernel.execute('keep.toUpperCase()')).outputs).toMatchObject([{ data: { 'text/plain': "'KEPT'" } }]);
  });

  it('runs a validly signed execute_request once when it is replayed, and logs the replays on stderr', async () => {
    const shell = new zmq.Dealer();
    shell.connect(`tcp://${kernel.info.ip}:${kernel.info.shell_port}`);
    try {
      const header = newHeader('execute_request', 'replay-session');
      const code = '(globalThis as any).__replayed = ((globalThis as any).__replayed ?? 0) + 1;';
      const frames = encodeMessage(kernel.info.key, { header, parent_header: {}, metadata: {}, content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true } });
      const stderrBefore = kernel.stderr.length;
      for (let i = 0; i < 3; i++) await shell.send(frames);
      const [, , , , , content] = await shell.receive(); // the first one's execute_reply
      expect(JSON.parse(content.toString())).toMatchObject({ status: 'ok' });
      await new Promise((res) => setTimeout(res, 500));
      expect((await kernel.execute('(globalThis as any).__replayed')).outputs).toMatchObject([{ data: { 'text/plain': '1' } }]);
      const log = kernel.stderr.slice(stderrBefore);
      expect(log.match(/glasslab kernel: dropped a bad message: Jupyter message with a duplicate signature/g)).toHaveLength(2);
      expect(log).toContain(header.msg_id);
    } finally {
      shell.close();
    }
  });

  it('shuts down on shutdown_request', async () => {
    const reply = await kernel.request('shutdown_request', { restart: false }, 'control');
    expect(reply.header.msg_type).toBe('shutdown_reply');
    const proc = kernel.proc!;
    if (kernel.exitCode === null) await new Promise((res) => proc.once('exit', res));
    expect(kernel.exitCode).toBe(0);
  });
});
