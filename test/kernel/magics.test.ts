import { describe, expect, it } from 'vitest';
import { defineCommand, formatHelp, Registry, UsageError } from '../../src/commands/registry.ts';
import { blankMagics, interpolate, matchMagicLine, planCell, RUNTIME } from '../../kernel/magics/parse.ts';
import { MagicRuntime } from '../../kernel/magics/runtime.ts';
import { buildMagicTable } from '../../kernel/magics/table.ts';
import { formatTime, timeit, TimeitResult } from '../../kernel/magics/timing.ts';

// a registry command like the CLI's, to check that magics use its parser and help
const vdos = defineCommand({
  name: 'vdos',
  summary: 'vibrational density of states',
  positionals: [{ name: 'traj', summary: 'trajectory file', metavar: 'FILE' }],
  options: {
    band: { type: 'range', summary: 'frequency band', unit: 'omega' },
    frames: { type: 'integer', min: 1, default: 100, summary: 'frames to use' },
    window: { type: 'enum', choices: ['hann', 'none'], default: 'hann', summary: 'window' },
  },
  async run(args) { return { file: args.traj, frames: args.frames }; },
});
const table = buildMagicTable(new Registry().add(vdos), { typedResults: false }); // a stand-in, not src/commands/vdos.ts

function usage(code: string): string {
  try {
    planCell(code, table);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no UsageError for ${code}`);
}

describe('magic syntax', () => {
  it('recognizes line magics, bindings and help, and leaves TypeScript alone', () => {
    expect(matchMagicLine('%vdos a.dump --frames 10')).toMatchObject({ name: 'vdos', args: 'a.dump --frames 10', help: false });
    expect(matchMagicLine('  const r: any = %vdos a.dump;')).toMatchObject({ binding: 'const r: any =', name: 'vdos', args: 'a.dump', indent: '  ' });
    expect(matchMagicLine('%vdos?')).toMatchObject({ name: 'vdos', help: true });
    expect(matchMagicLine('const m = a % b')).toBeUndefined();
    expect(matchMagicLine('x = 5 %2')).toBeUndefined();
    expect(matchMagicLine('%%time')).toBeUndefined();
  });

  it('rewrites each magic line on its own line (cell line numbers are kept)', () => {
    const code = 'const a = 1;\n%vdos t.dump --frames 5\nconst r = %vdos t.dump\na + 1';
    const plan = planCell(code, table);
    expect(plan.kind).toBe('code');
    const src = (plan as { source: string }).source.split('\n');
    expect(src).toHaveLength(4);
    expect(src[0]).toBe('const a = 1;');
    expect(src[1]).toBe(`await ${RUNTIME}.magic("vdos", "t.dump --frames 5");`);
    expect(src[2]).toBe(`const r = await ${RUNTIME}.magic("vdos", "t.dump") as any;`);
    expect(src[3]).toBe('a + 1');
  });

  it('binds %timeit to its typed result and keeps unbound %timeit silent', () => {
    const bound = (planCell('const t = %timeit -n 3 f()', table) as { source: string }).source;
    expect(bound).toContain('.timeit(["-n","3"], () => (f()))');
    expect(bound).toMatch(/as \{ readonly loops: number;/);
    expect((planCell('%timeit await g()', table) as { source: string }).source).toBe(`void await ${RUNTIME}.timeit([], async () => (await g()));`);
    expect((planCell('%time for (const x of xs) f(x)', table) as { source: string }).source).toContain('() => { for (const x of xs) f(x) }');
  });

  it('interpolates {expr} in magic arguments (IPython convention), checked at run time', () => {
    const src = (planCell('const r = %vdos {file} --frames {n * 2}', table) as { source: string }).source;
    expect(src).toBe(`const r = await ${RUNTIME}.magic("vdos", \`\${file} --frames \${n * 2}\`) as any;`);
    expect(interpolate('a {{b}} `c` $d {x}')).toBe('`a {b} \\`c\\` \\$d ${x}`');
    expect(interpolate('no braces {{here}}')).toBeUndefined();
    expect(() => interpolate('{x} {y')).toThrow(/unclosed '\{' at column 5/);
  });

  it('makes a cell with a top-level for-await asynchronous', () => {
    expect((planCell('for await (const x of xs) f(x)', table) as { source: string }).source).toBe('await 0; for await (const x of xs) f(x)');
    expect((planCell('for (const x of xs) f(x)', table) as { source: string }).source).toBe('for (const x of xs) f(x)');
  });

  it('plans cell magics', () => {
    expect(planCell('%%time\nconst x = 1\nx', table)).toEqual({ kind: 'time', body: 'const x = 1\nx' });
    const t = planCell('%%timeit -r 2\nf()', table) as { kind: string; source: string };
    expect(t.source.split('\n')).toEqual([`void await ${RUNTIME}.timeit(["-r","2"], () => {`, 'f()', '});']);
  });

  it('rejects mistakes with messages that name the magic, option and line', () => {
    expect(usage('%vdso t.dump')).toMatch(/unknown magic %vdso; did you mean '%vdos'\?.*cell line 1/);
    expect(usage('%nothinglikeit')).toMatch(/unknown magic %nothinglikeit; %lsmagic lists them/);
    expect(usage('const a = 1\n%vdos t.dump --frames ten')).toMatch(/invalid value 'ten' for --frames: expected an integer \(cell line 2/);
    expect(usage('%vdos t.dump --frames 0')).toMatch(/--frames: must be >= 1/);
    expect(usage('%vdos t.dump --band 1')).toMatch(/--band.*lo:hi/);
    expect(usage('%vdos t.dump --window box')).toMatch(/expected one of hann, none/);
    expect(usage('%vdos t.dump --frames')).toMatch(/--frames needs a value/);
    expect(usage('%vdos t.dump --frame 3')).toMatch(/unknown option --frame; did you mean '--frames'/);
    expect(usage('%vdos')).toMatch(/missing argument FILE/);
    expect(usage('%timeit -n x f()')).toMatch(/invalid value 'x' for --number/);
    expect(usage('%timeit')).toMatch(/needs a statement/);
    expect(usage('%%vdos\nx')).toMatch(/%vdos is a line magic/);
    expect(usage('%%time -n 3\nx')).toMatch(/time: unknown option -n/);
    expect(usage('%%time let y = 1\nx')).toMatch(/%%time takes no arguments/);
  });

  it('shows the registry help for %name?, %name --help and %%name?', () => {
    for (const code of ['%vdos?', '%vdos --help', '%vdos t.dump -h', '%%timeit?']) {
      expect((planCell(code, table) as { source: string }).source).toMatch(/\.help\("(vdos|timeit)"\);$/);
    }
    // the same help text as the CLI, with the magic as invocation
    expect(table.help('vdos')).toBe(formatHelp(vdos, '%vdos'));
    expect(formatHelp(vdos).replace('glasslab vdos', '%vdos')).toBe(table.help('vdos'));
    expect(table.help('vdos')).toContain('--band LO:HI');
  });

  it('lists magics with %lsmagic text and blanks magic lines for TypeScript tools', () => {
    const text = table.describe();
    expect(text).toMatch(/%timeit\s+time repeated executions/);
    expect(text).toMatch(/%vdos\s+vibrational density of states/);
    expect(text).toContain('%%time  %%timeit');
    const code = 'const a = 1\n%vdos t.dump\na.toFixed()';
    const blank = blankMagics(code);
    expect(blank).toHaveLength(code.length);
    expect(blank.split('\n')[1].trim()).toBe('');
  });
});

describe('IPython time formats', () => {
  it('formats spans like IPython _format_time', () => {
    expect(formatTime(1.5)).toBe('1.5 s');
    expect(formatTime(0.5)).toBe('500 ms');
    expect(formatTime(0.0123456)).toBe('12.3 ms');
    expect(formatTime(0.0005)).toBe('500 \u00b5s');
    expect(formatTime(1.234e-9)).toBe('1.23 ns');
    expect(formatTime(0)).toBe('0 ns');
    expect(formatTime(75)).toBe('1min 15s');
    expect(formatTime(3725)).toBe('1h 2min 5s');
  });

  it('writes the %timeit line with mean and population std. dev. per loop', () => {
    const r = new TimeitResult(1000, 2, [0.010, 0.012]);
    expect(r.average).toBeCloseTo(11e-6, 15);
    expect(r.stdev).toBeCloseTo(1e-6, 15);
    expect(r.toString()).toBe('11 \u00b5s \u00b1 1 \u00b5s per loop (mean \u00b1 std. dev. of 2 runs, 1,000 loops each)');
    expect(new TimeitResult(1, 1, [2]).toString()).toBe('2 s \u00b1 0 ns per loop (mean \u00b1 std. dev. of 1 run, 1 loop each)');
  });

  it('chooses the loop count as the smallest power of ten with a run >= 0.2 s', async () => {
    const busy = () => { const t = performance.now(); while (performance.now() - t < 30); };
    const r = await timeit(busy, { repeat: 2 });
    expect(r.loops).toBe(10);
    expect(r.allRuns).toHaveLength(2);
    expect(r.average).toBeGreaterThan(0.029);
    const fixed = await timeit(() => 1, { loops: 7, repeat: 3 });
    expect(fixed.loops).toBe(7);
    expect(fixed.repeat).toBe(3);
  });
});

describe('error outputs', () => {
  it('keeps the user frames of a stack and drops the kernel, tslab and Node ones', async () => {
    const { errorContent } = await import('../../kernel/session.ts');
    const e = new TypeError('x is not a function');
    e.stack = [
      'TypeError: x is not a function',
      '    at evalmachine.<anonymous>:3:1',
      `    at MagicRuntime.magic (${process.cwd()}/kernel/magics/runtime.ts:10:5)`,
      '    at Object.execute (/x/node_modules/tslab/dist/executor.js:150:20)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at analyse (/home/me/kernel/analysis.ts:4:2)',
    ].join('\n');
    expect(errorContent(e)).toEqual({
      ename: 'TypeError', evalue: 'x is not a function',
      traceback: ['TypeError: x is not a function', '    at evalmachine.<anonymous>:3:1', '    at analyse (/home/me/kernel/analysis.ts:4:2)'],
    });
    expect(errorContent(new UsageError('md: bad'))).toEqual({ ename: 'UsageError', evalue: 'md: bad', traceback: ['UsageError: md: bad'] });
    expect(errorContent({ code: 7 })).toMatchObject({ ename: 'Error', evalue: 'Uncaught { code: 7 }' });
    expect(errorContent(Object.assign(new Error('Script execution was interrupted by `SIGINT`'), { code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED' })).ename).toBe('KeyboardInterrupt');
  });
});

describe('magic runtime', () => {
  it('-q silences everything a command shows (printed lines, notes, progress) and keeps its value', async () => {
    const chatty = defineCommand({
      name: 'chatty', summary: 'prints, notes and reports progress', positionals: [], options: {},
      async run(_args, ctx) {
        ctx.print('thermo 0 1.5');
        ctx.note('chatty: done');
        const p = ctx.progress('work', 2);
        p.update(2);
        p.finish();
        return 42;
      },
    });
    const shown: string[] = [];
    const host = {
      stdout: (t: string) => { shown.push(`out:${t}`); },
      stderr: (t: string) => { shown.push(`err:${t}`); },
      progress: (label: string) => { shown.push(`progress:${label}`); return { update() {}, finish() {} }; },
      signal: new AbortController().signal, cwd: process.cwd(),
    };
    const runtime = new MagicRuntime(buildMagicTable(new Registry().add(chatty)), () => host);
    expect(await runtime.magic('chatty', '')).toBe(42);
    expect(shown).toEqual(['out:thermo 0 1.5\n', 'err:chatty: done\n', 'progress:work']);
    shown.length = 0;
    expect(await runtime.magic('chatty', '-q')).toBe(42);
    expect(await runtime.magic('chatty', '--quiet')).toBe(42);
    expect(shown).toEqual([]);
  });
});

describe('types of bound magic values', () => {
  it('every CLI command lives in src/commands/<name>.ts as <camelName>Command, so its result type can be named', async () => {
    const { createRegistry } = await import('../../src/app/registry.ts');
    const { CLI_ONLY, commandExportName, commandResultType } = await import('../../kernel/magics/table.ts');
    for (const command of createRegistry().list()) {
      if (CLI_ONLY.has(command.name)) continue;
      const mod = await import(`../../src/commands/${command.name}.ts`) as Record<string, unknown>;
      expect(mod[commandExportName(command.name)], command.name).toBe(command);
      if (command.result) continue; // typed from the library (next test)
      expect(commandResultType(command.name)).toContain(`import("glasslab/commands/${command.name}").${commandExportName(command.name)}.run`);
    }
    expect(commandExportName('run-notebooks')).toBe('runNotebooksCommand');
    expect(commandResultType('no-such-command')).toBe('any');
  });

  it('a command that returns a library result binds its library type, exported by glasslab/<from>, and run() declares it', async () => {
    const { readFileSync } = await import('node:fs');
    const { createRegistry } = await import('../../src/app/registry.ts');
    const { buildMagicTable } = await import('../../kernel/magics/table.ts');
    const magics = buildMagicTable(createRegistry());
    const typed = createRegistry().list().filter((c) => c.result);
    // the analyses: notebooks read their types from 'glasslab/analysis', not from the commands
    expect(typed.map((c) => c.name)).toEqual(expect.arrayContaining(['vdos', 'dynamics', 'phop', 'softness', 'lte', 'modes', 'energy', 'shear', 'minimize']));
    for (const command of typed) {
      const { from, name } = command.result!;
      expect(magics.get(command.name).resultType, command.name).toBe(`import("glasslab/${from}").${name}`);
      const source = readFileSync(new URL(`../../src/commands/${command.name}.ts`, import.meta.url), 'utf8');
      expect(source, `${command.name}: run() returns ${name}`).toMatch(new RegExp(`async run\\([^)]*\\): Promise<${name}>`));
      // exported by the folder's index (export * from each module)
      const index = readFileSync(new URL(`../../src/${from}/index.ts`, import.meta.url), 'utf8');
      const modules = [...index.matchAll(/export \* from '\.\/([^']+)'/g)].map((m) => m[1]);
      const declares = new RegExp(`\\btype ${name}\\b`).test(index) || modules.some((m) => {
        try {
          return new RegExp(`export (interface|type) ${name}\\b`).test(readFileSync(new URL(`../../src/${from}/${m}`, import.meta.url), 'utf8'));
        } catch { return false; }
      });
      expect(declares, `${name} is exported by glasslab/${from}`).toBe(true);
    }
  });
});
