/**
 * A cell that exhausts the JavaScript heap: stopped with a MemoryError
 * before the heap runs out, with a warning on its stderr stream, and the
 * kernel lives on; where it cannot be stopped, the warning comes before the
 * kernel dies. The kernel gets a small heap so this takes seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelClient, KernelDiedError } from '../../kernel/protocol/client.ts';
import { LAUNCHER } from '../../kernel/install.ts';

const HEAP_MB = 256;
let kernel: KernelClient;

beforeAll(async () => {
  kernel = await KernelClient.start({ argv: [process.execPath, `--max-old-space-size=${HEAP_MB}`, LAUNCHER, '{connection_file}'], cwd: process.cwd() });
}, 120_000);

afterAll(async () => {
  await kernel?.shutdown();
});

const stderrOf = (r: { outputs: { output_type: string; name?: string; text?: string }[] }) =>
  r.outputs.filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => o.text).join('');

describe('heap exhaustion in a cell', () => {
  it('stops a synchronous allocation loop with a MemoryError and keeps the kernel', async () => {
    const t0 = Date.now();
    const r = await kernel.execute('const big: number[][] = [];\nwhile (true) big.push(new Array(1e5).fill(1.5));', { timeoutMs: 60_000 });
    const seconds = (Date.now() - t0) / 1000;
    expect(r.reply, JSON.stringify(r.reply)).toMatchObject({ status: 'error', ename: 'MemoryError' });
    expect(r.reply.evalue).toMatch(/^the cell used 0\.2\d GB of the 0\.2\d GB JavaScript heap and was stopped before the heap ran out/);
    expect(r.reply.evalue).toMatch(/--max-old-space-size/);
    expect(stderrOf(r)).toMatch(/glasslab: this cell uses 0\.2\d GB of the 0\.2\d GB JavaScript heap; interrupting it/);
    expect(seconds).toBeLessThan(30);
    expect(kernel.exitCode).toBeNull();
    expect(kernel.stderr).toMatch(/glasslab kernel: the running cell uses .* interrupting it/);
    // the variable holds the memory until released; then cells run as before
    const freed = await kernel.execute('big.length = 0;\n"freed"');
    expect(freed.outputs).toMatchObject([{ data: { 'text/plain': "'freed'" } }]);
  }, 90_000);

  it('leaves a cell alone that stays below the limit', async () => {
    const r = await kernel.execute('const keep: number[][] = [];\nfor (let i = 0; i < 150; i++) keep.push(new Array(1e5).fill(i));\nkeep.length', { timeoutMs: 60_000 });
    expect(r.reply.status, JSON.stringify(r.reply)).toBe('ok');
    const after = await kernel.execute('let s = 0; for (let i = 0; i < 1e6; i++) s += i; s');
    expect(after.reply.status).toBe('ok');
  }, 90_000);
  it('warns on the cell\'s stream before the kernel dies of a loop after an await (which no interrupt stops)', async () => {
    const seen: string[] = [];
    const onMessage = (m: { header: { msg_type: string }; content: Record<string, any> }) => {
      if (m.header.msg_type === 'stream') seen.push(String(m.content.text));
    };
    const err = await kernel.execute('await null;\nconst big2: number[][] = [];\nwhile (true) big2.push(new Array(1e5).fill(2.5));', { timeoutMs: 60_000, onMessage })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KernelDiedError);
    expect(seen.join('')).toMatch(/glasslab: this cell uses 0\.2\d GB of the 0\.2\d GB JavaScript heap; interrupting it/);
    expect((err as KernelDiedError).message).toMatch(/glasslab kernel: the running cell uses 0\.2\d GB/);
    expect((err as KernelDiedError).message).toMatch(/JavaScript heap out of memory/);
  }, 90_000);
});
