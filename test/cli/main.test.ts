import { describe, expect, it } from 'vitest';
import { main, type MainIO } from '../../src/cli/main.ts';
import { defineCommand, Registry } from '../../src/commands/registry.ts';

function capture(env: Record<string, string> = {}): MainIO & { out: () => string; err: () => string } {
  let out = '', err = '';
  return {
    stdout: { write: (s: string) => { out += s; } },
    stderr: { write: (s: string) => { err += s; } },
    env, cwd: process.cwd(),
    out: () => out, err: () => err,
  };
}

const registry = new Registry()
  .add(defineCommand({
    name: 'echo',
    summary: 'print the arguments back',
    positionals: [],
    options: { times: { type: 'integer', summary: 'repeat count', default: 1, min: 1 } },
    async run(args, ctx) {
      const p = ctx.progress('echo', args.times);
      for (let i = 0; i < args.times; i++) { ctx.print(`echo ${i}`); p.update(i + 1); }
      p.finish();
      ctx.note('done');
      return args.times;
    },
  }))
  .add(defineCommand({
    name: 'fail',
    summary: 'always fails',
    positionals: [],
    options: {},
    async run() { throw new Error('input.data line 12: bad atom count\nsecond line'); },
  }));

describe('main', () => {
  it('lists commands for --help (exit 0) and with no arguments (exit 2, on stderr)', async () => {
    const io = capture();
    expect(await main(['--help'], io, registry)).toBe(0);
    expect(io.out()).toMatch(/echo +print the arguments back/);
    const io2 = capture();
    expect(await main([], io2, registry)).toBe(2);
    expect(io2.err()).toMatch(/Usage: glasslab <command>/);
  });

  it('prints command help for `<cmd> --help` and `help <cmd>`', async () => {
    const io = capture();
    expect(await main(['echo', '--help'], io, registry)).toBe(0);
    expect(io.out()).toMatch(/^Usage: glasslab echo \[options\]/);
    const io2 = capture();
    expect(await main(['help', 'echo'], io2, registry)).toBe(0);
    expect(io2.out()).toBe(io.out());
  });

  it('runs a command: output on stdout, progress and notes on stderr, silent with --quiet', async () => {
    const io = capture();
    expect(await main(['echo', '--times', '3'], io, registry)).toBe(0);
    expect(io.out()).toBe('echo 0\necho 1\necho 2\n');
    expect(io.err()).toMatch(/echo: 100\.0%/);
    expect(io.err()).toMatch(/done\n$/);
    const q = capture();
    expect(await main(['echo', '--times', '3', '--quiet'], q, registry)).toBe(0);
    expect(q.err()).toBe('');
  });

  it('exits 2 on usage errors with the message', async () => {
    const io = capture();
    expect(await main(['echo', '--time', '3'], io, registry)).toBe(2);
    expect(io.err()).toBe("glasslab echo: unknown option --time; did you mean '--times'? (see --help)\n");
    const io2 = capture();
    expect(await main(['ecoh'], io2, registry)).toBe(2);
    expect(io2.err()).toMatch(/^glasslab: unknown command 'ecoh'; did you mean 'echo'\?/);
  });

  it('exits 1 on runtime errors with one line, the stack only with GLASSLAB_DEBUG=1', async () => {
    const io = capture();
    expect(await main(['fail'], io, registry)).toBe(1);
    expect(io.err()).toBe('glasslab fail: error: input.data line 12: bad atom count\n');
    const dbg = capture({ GLASSLAB_DEBUG: '1' });
    expect(await main(['fail'], dbg, registry)).toBe(1);
    expect(dbg.err()).toMatch(/second line\n\s+at /);
  });
});
