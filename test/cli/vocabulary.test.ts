/**
 * One option vocabulary across the commands (src/commands/common.ts): an
 * option name has one type, unit and meaning (summary) in every command that
 * has it, save the short list of EXCEPTIONS below; retired spellings fail with
 * the unknown-option error naming the new one; and every command line written
 * in README.md, kernel/README.md and the notebooks uses options that exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/app/registry.ts';
import { formatHelp, kebab, parseArgs, tokenize, UsageError, type AnyCommand, type OptionSpec } from '../../src/commands/registry.ts';
import { loadCommand } from '../../kernel/magics/load.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every command of the CLI and the magics, with the kernel's %load. */
const COMMANDS: AnyCommand[] = [...createRegistry().list(), loadCommand as unknown as AnyCommand];

/**
 * Names whose summary (and choices) may differ between commands, each with
 * the reason. Their type must still agree.
 */
const EXCEPTIONS: Record<string, string> = {
  out: "each command's main output: what the file (or, for demo and run-notebooks, the directory) holds is the command's own",
  method: "the algorithm of the command's own computation (minimiser, eigensolver, inverse); the choices name it",
  memory: "the memory budget (MiB) of the command's trajectory data; what happens beyond it is the command's (dynamics, phop: refused before reading; vdos: a temporary file)",
  checkpoint: "the command's own saved state: md writes the integrator's state at intervals (continued with --resume); artn keeps the searches done after each one and continues from the same file",
  engine: "md, minimize and shear: who computes this run; run-notebooks: who runs the notebooks' %md, %minimize and %shear lines (the same choices; its default picks lammps at --scale paper when lmp is found)",
  normalization: "the normalisation convention of the command's own quantity (vdos: the VACF; softness: the density of the local g(r)); the choices name it",
};

/** What each word means, for the words that used to mean several things. */
const VOCABULARY: { name: string; type: OptionSpec['type']; only?: string[] }[] = [
  { name: 'every', type: 'integer', only: ['md'] }, // MD steps between dumped frames
  { name: 'stride', type: 'integer' }, // every k-th frame of a file
  { name: 'frameDt', type: 'number' }, // time between the frames of a file
  { name: 'temp', type: 'number' }, // temperature in the model's units
  { name: 'maxEvents', type: 'integer', only: ['shear'] }, // a count of plastic events
  { name: 'events', type: 'string', only: ['phop'] }, // a file of events
];

/** Spellings that no command may use any more (the rename tables name their successors). */
const RETIRED = ['step', 'temperature', 'normalisation'];

function uses(): Map<string, { command: string; spec: OptionSpec }[]> {
  const m = new Map<string, { command: string; spec: OptionSpec }[]>();
  for (const c of COMMANDS) {
    for (const [name, spec] of Object.entries(c.options)) {
      if (!m.has(name)) m.set(name, []);
      m.get(name)!.push({ command: c.name, spec });
    }
  }
  return m;
}

describe('option vocabulary', () => {
  it('an option name has the same type, unit and summary in every command', () => {
    const problems: string[] = [];
    for (const [name, list] of uses()) {
      if (list.length < 2) continue;
      const [first, ...rest] = list;
      for (const { command, spec } of rest) {
        const where = `--${kebab(name)}: ${first.command} vs ${command}`;
        if (spec.type !== first.spec.type) problems.push(`${where}: type ${first.spec.type} vs ${spec.type}`);
        if (name in EXCEPTIONS) continue;
        if (spec.unit !== first.spec.unit) problems.push(`${where}: unit ${first.spec.unit} vs ${spec.unit}`);
        if (spec.summary !== first.spec.summary) problems.push(`${where}: summary '${first.spec.summary}' vs '${spec.summary}'`);
        if (spec.type === 'enum' && first.spec.type === 'enum' && spec.choices.join() !== first.spec.choices.join()) {
          problems.push(`${where}: choices ${first.spec.choices.join('|')} vs ${spec.choices.join('|')}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every exception is an option shared by several commands and gives a reason', () => {
    const m = uses();
    for (const [name, reason] of Object.entries(EXCEPTIONS)) {
      expect(m.get(name)?.length ?? 0, `--${kebab(name)} is no longer shared: drop the exception`).toBeGreaterThan(1);
      expect(reason.length).toBeGreaterThan(20);
    }
  });

  it('the words that used to mean several things mean one', () => {
    const m = uses();
    for (const v of VOCABULARY) {
      const list = m.get(v.name) ?? [];
      expect(list.length, `--${kebab(v.name)} is used`).toBeGreaterThan(0);
      for (const { command, spec } of list) {
        expect(spec.type, `${command} --${kebab(v.name)}`).toBe(v.type);
        if (v.only) expect(v.only, `--${kebab(v.name)} in ${command}`).toContain(command);
      }
    }
    for (const name of RETIRED) expect(m.get(name)?.map((u) => u.command) ?? [], `--${name}`).toEqual([]);
  });

  it('--out is the main output everywhere: -o, a string; a FILE that is written atomically and never the input', () => {
    for (const { command, spec } of uses().get('out')!) {
      expect([command, spec.type, spec.short]).toEqual([command, 'string', 'o']);
      if (spec.metavar === 'FILE') expect(spec.summary, command).toMatch(/ \(written atomically; never the input\)$/);
      else expect([command, spec.metavar]).toEqual([command, 'DIR']);
    }
  });

  it('every command that reads the frames of a file selects them with --start, --stop, --stride', () => {
    for (const c of COMMANDS) {
      const names = Object.keys(c.options);
      if (!names.includes('frameDt') && !names.includes('start')) continue;
      expect(names, c.name).toEqual(expect.arrayContaining(['start', 'stop', 'stride']));
    }
  });

  it('a renamed option fails with the one-line unknown-option error naming the new one', () => {
    const cases: [string, string, string][] = [
      ['dynamics', 'every', 'stride'], ['phop', 'every', 'stride'], ['softness', 'every', 'stride'],
      ['vdos', 'step', 'stride'], ['vdos', 'window', 'taper'], ['vdos', 'scale', 'softness-scale'],
      ['load', 'step', 'stride'], ['shear', 'events', 'max-events'],
      ['softness', 'temperature', 'temp'], ['softness', 'normalisation', 'normalization'],
    ];
    const all = COMMANDS.flatMap((c) => Object.entries(c.renamed ?? {}).map(([from, to]): [string, string, string] => [c.name, from, to]));
    expect(all).toEqual(expect.arrayContaining(cases));
    for (const [name, from, to] of all) {
      const cmd = COMMANDS.find((c) => c.name === name)!;
      let err: unknown;
      try {
        parseArgs(cmd, ['x', `--${from}`, '1']);
      } catch (e) {
        err = e;
      }
      expect(err, `${name} --${from}`).toBeInstanceOf(UsageError);
      expect((err as Error).message).toBe(`${name}: unknown option --${from}; did you mean '--${to}'? (see --help)`);
    }
  });
});

describe('the commands\' own help', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s: the examples parse', (_name, cmd) => {
    for (const ex of cmd.examples ?? []) expect(() => parseArgs(cmd, tokenize(ex)), ex).not.toThrow();
  });

  it('every --option the help texts mention exists (no retired spelling survives in a summary)', () => {
    const all = new Set(['help', 'quiet', ...COMMANDS.flatMap((c) => Object.keys(c.options).map(kebab))]);
    const bad: string[] = [];
    for (const c of COMMANDS) {
      for (const m of formatHelp(c).matchAll(/--([a-z][a-z0-9-]*)/g)) {
        const name = m[1].startsWith('no-') && !all.has(m[1]) ? m[1].slice(3) : m[1];
        if (!all.has(name)) bad.push(`${c.name}: --${m[1]}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

/** `glasslab CMD ...` and `%CMD ...` lines of a text, with continuation lines joined. */
function commandLines(text: string): { command: string; flags: string[]; line: string }[] {
  const names = new Set(COMMANDS.map((c) => c.name));
  const joined = text.replace(/\\\n\s*/g, ' ');
  const out: { command: string; flags: string[]; line: string }[] = [];
  for (const m of joined.matchAll(/(?:glasslab |%)([a-z][a-z-]*)((?: +[^\s`"|]+)*)/g)) {
    if (!names.has(m[1])) continue;
    const flags = [...m[2].matchAll(/ --([a-z][a-z0-9-]*)/g)].map((f) => f[1]);
    out.push({ command: m[1], flags, line: m[0] });
  }
  return out;
}

function notebookSources(file: string): string {
  const nb = JSON.parse(readFileSync(file, 'utf8')) as { cells: { source: string | string[] }[] };
  return nb.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
}

describe('command lines in the documentation and notebooks', () => {
  const dir = join(ROOT, 'notebooks');
  const texts: [string, string][] = [
    ['README.md', readFileSync(join(ROOT, 'README.md'), 'utf8')],
    ['kernel/README.md', readFileSync(join(ROOT, 'kernel', 'README.md'), 'utf8')],
    ...readdirSync(dir).filter((f) => f.endsWith('.ipynb')).map((f): [string, string] => [`notebooks/${f}`, notebookSources(join(dir, f))]),
  ];

  it.each(texts)('%s uses only options that exist', (_file, text) => {
    const bad: string[] = [];
    const lines = commandLines(text);
    for (const { command, flags, line } of lines) {
      const cmd = COMMANDS.find((c) => c.name === command)!;
      const known = new Set(['help', 'quiet', ...Object.keys(cmd.options).map(kebab)]);
      for (const f of flags) {
        const base = f.startsWith('no-') && !known.has(f) ? f.slice(3) : f;
        if (!known.has(base)) bad.push(`${command} --${f}  (in: ${line.slice(0, 100)})`);
      }
    }
    expect(bad).toEqual([]);
  });
});
