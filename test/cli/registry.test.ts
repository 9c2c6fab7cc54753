import { describe, expect, it } from 'vitest';
import {
  defineCommand, didYouMean, editDistance, formatCommandList, formatHelp, kebab, parseArgs, Registry,
  tokenize, UsageError,
} from '../../src/commands/registry.ts';

const cmd = defineCommand({
  name: 'md',
  summary: 'run molecular dynamics',
  positionals: [{ name: 'file', summary: 'input configuration', required: false }],
  options: {
    n: { type: 'integer', summary: 'number of atoms', default: 4000, min: 1 },
    density: { type: 'number', summary: 'number density', unit: 'sigma^-3', default: 1.2, min: 0, exclusiveMin: true },
    tempFinal: { type: 'number', summary: 'final temperature', unit: 'epsilon/k_B' },
    pressure: { type: 'number', summary: 'pressure' },
    ensemble: { type: 'enum', choices: ['nve', 'nvt', 'npt'] as const, summary: 'ensemble', default: 'nvt' },
    velocities: { type: 'boolean', summary: 'dump velocities' },
    wrap: { type: 'boolean', summary: 'wrap atoms', default: true },
    out: { type: 'string', summary: 'output file', short: 'o', metavar: 'FILE' },
    freq: { type: 'range', summary: 'frequency window', unit: 'omega' },
    col: { type: 'string', summary: 'column', repeatable: true },
    model: { type: 'string', summary: 'model', required: true },
  },
  async run(args) {
    return args;
  },
});

function parse(argv: string[]) {
  const r = parseArgs(cmd, argv);
  if (r.help) throw new Error('unexpected help');
  return r.args;
}

function usage(argv: string[]): string {
  try {
    parseArgs(cmd, argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`expected a UsageError for ${argv.join(' ')}`);
}

describe('parseArgs', () => {
  it('fills defaults and types the values', () => {
    const a = parse(['--model', 'ka']);
    expect(a).toEqual({
      n: 4000, density: 1.2, ensemble: 'nvt', velocities: false, wrap: true, col: [], model: 'ka', quiet: false,
    });
    expect(a.tempFinal).toBeUndefined();
    expect(a.file).toBeUndefined();
  });

  it('accepts --name value, --name=value, short aliases and positionals in any order', () => {
    const a = parse(['in.data', '--n=500', '--density', '1.1', '-o', 'x.dump', '--model=ka', '--temp-final', '0.4']);
    expect(a.file).toBe('in.data');
    expect(a.n).toBe(500);
    expect(a.density).toBe(1.1);
    expect(a.out).toBe('x.dump');
    expect(a.tempFinal).toBe(0.4);
  });

  it('parses negative numbers and scientific notation as values', () => {
    const a = parse(['--model', 'ka', '--pressure', '-1.5e-2', '--freq', '-1:2.5e1']);
    expect(a.pressure).toBe(-0.015);
    expect(a.freq).toEqual({ lo: -1, hi: 25 });
  });

  it('handles booleans: --flag, --no-flag, --flag=false', () => {
    expect(parse(['--model', 'ka', '--velocities']).velocities).toBe(true);
    expect(parse(['--model', 'ka', '--no-wrap']).wrap).toBe(false);
    expect(parse(['--model', 'ka', '--wrap=false']).wrap).toBe(false);
    expect(parse(['--model', 'ka', '--velocities=yes']).velocities).toBe(true);
    // a boolean never swallows the next token
    expect(parse(['--model', 'ka', '--velocities', 'in.data']).file).toBe('in.data');
    expect(usage(['--model', 'ka', '--wrap=maybe'])).toMatch(/invalid value 'maybe' for --wrap: expected true or false/);
    expect(usage(['--model', 'ka', '--no-wrap=1'])).toMatch(/--no-wrap takes no value/);
  });

  it('collects repeatable options in order', () => {
    expect(parse(['--model', 'ka', '--col', 'x', '--col=y']).col).toEqual(['x', 'y']);
  });

  it('recognises --quiet/-q and --help/-h for every command', () => {
    expect(parse(['--model', 'ka', '--quiet']).quiet).toBe(true);
    expect(parse(['-q', '--model', 'ka']).quiet).toBe(true);
    expect(parseArgs(cmd, ['--n', 'bad', '--help'])).toEqual({ help: true });
    expect(parseArgs(cmd, ['-h'])).toEqual({ help: true });
  });

  it('treats everything after -- as positional', () => {
    expect(parse(['--model', 'ka', '--', '--weird-name.data']).file).toBe('--weird-name.data');
  });

  it('rejects unknown options with a did-you-mean', () => {
    expect(usage(['--model', 'ka', '--densty', '1'])).toMatch(/unknown option --densty; did you mean '--density'\?/);
    expect(usage(['--model', 'ka', '--ensembel', 'nve'])).toMatch(/did you mean '--ensemble'/);
    expect(usage(['--model', 'ka', '--temp', '1'])).toMatch(/did you mean '--temp-final'/);
    expect(usage(['--model', 'ka', '--zzzzzz'])).not.toMatch(/did you mean/);
    expect(usage(['--model', 'ka', '-x', '1'])).toMatch(/unknown option -x/);
    expect(usage(['--model', 'ka', '--no-n'])).toMatch(/unknown option --no-n/);
  });

  it('names the option, the bad value and the expected type', () => {
    expect(usage(['--model', 'ka', '--n', '4.5'])).toBe("md: invalid value '4.5' for --n: expected an integer");
    expect(usage(['--model', 'ka', '--n', '0'])).toBe("md: invalid value '0' for --n: must be >= 1");
    expect(usage(['--model', 'ka', '--density', '0'])).toBe("md: invalid value '0' for --density: must be > 0");
    expect(usage(['--model', 'ka', '--density', '1.2x'])).toMatch(/'1.2x' for --density: expected a finite number/);
    for (const bad of ['', 'NaN', 'Infinity', '0x10', '1e', '1,5']) {
      expect(usage(['--model', 'ka', `--pressure=${bad}`])).toMatch(/for --pressure: expected a finite number/);
    }
    expect(usage(['--model', 'ka', '--ensemble', 'nvx'])).toBe(
      "md: invalid value 'nvx' for --ensemble: expected one of nve, nvt, npt; did you mean 'nve'?");
    expect(usage(['--model', 'ka', '--ensemble', 'langevin'])).toBe(
      "md: invalid value 'langevin' for --ensemble: expected one of nve, nvt, npt.");
    expect(usage(['--model', 'ka', '--freq', '0.6'])).toMatch(/expected a range lo:hi/);
    expect(usage(['--model', 'ka', '--freq', '1:0'])).toMatch(/lower end 1 is above the upper end 0/);
    expect(usage(['--model', 'ka', '--freq', 'a:b'])).toMatch(/expected a range lo:hi/);
  });

  it('reports missing values, missing required options, repeats and extra positionals', () => {
    expect(usage(['--model'])).toMatch(/option --model needs a value/);
    expect(usage(['--model', '--n', '3'])).toMatch(/option --model needs a value/);
    expect(usage([])).toMatch(/option --model is required/);
    expect(usage(['--model', 'ka', '--n', '1', '--n', '2'])).toMatch(/--n given twice/);
    expect(usage(['--model', 'ka', 'a.data', 'b.data'])).toMatch(/too many arguments: 'b.data'/);
  });

  it('requires required positionals and converts numeric ones', () => {
    const c = defineCommand({
      name: 'rep',
      summary: 'replicate',
      positionals: [{ name: 'file', summary: 'input' }, { name: 'times', summary: 'copies', type: 'integer' }] as const,
      options: {},
      async run(a) { return a; },
    });
    expect(() => parseArgs(c, ['x.data'])).toThrow(/missing argument TIMES \(copies\)/);
    expect(() => parseArgs(c, ['x.data', 'two'])).toThrow(/invalid value 'two' for TIMES: expected an integer/);
    const r = parseArgs(c, ['x.data', '3']);
    expect(r.help ? null : r.args.times).toBe(3);
  });
});

describe('defineCommand', () => {
  it('rejects reserved names and an enum default outside the choices', () => {
    expect(() => defineCommand({
      name: 'x', summary: '', positionals: [], options: { quiet: { type: 'boolean', summary: '' } }, async run() {},
    })).toThrow(/reserved/);
    expect(() => defineCommand({
      name: 'x', summary: '', positionals: [], options: { query: { type: 'string', short: 'q', summary: '' } }, async run() {},
    })).toThrow(/short option -q is reserved/);
    expect(() => defineCommand({
      name: 'x', summary: '', positionals: [],
      options: { m: { type: 'enum', choices: ['a', 'b'], default: 'c' as 'a', summary: '' } }, async run() {},
    })).toThrow(/not among its choices/);
  });

  it('checks a rename table, and a renamed option fails naming its successor', () => {
    const opts = { stride: { type: 'integer', summary: 'every k-th frame' } } as const;
    expect(() => defineCommand({ name: 'x', summary: '', positionals: [], options: opts, renamed: { stride: 'stride' }, async run() {} }))
      .toThrow(/is still an option/);
    expect(() => defineCommand({ name: 'x', summary: '', positionals: [], options: opts, renamed: { every: 'strides' }, async run() {} }))
      .toThrow(/not an option/);
    const cmd = defineCommand({ name: 'x', summary: '', positionals: [], options: opts, renamed: { every: 'stride' }, async run() {} });
    expect(() => parseArgs(cmd, ['--every', '2'])).toThrow("x: unknown option --every; did you mean '--stride'? (see --help)");
    expect(() => parseArgs(cmd, ['--every=2'])).toThrow("x: unknown option --every; did you mean '--stride'? (see --help)");
    // names that are not renamed keep the edit-distance suggestion
    expect(() => parseArgs(cmd, ['--strid', '2'])).toThrow("x: unknown option --strid; did you mean '--stride'? (see --help)");
  });
});

describe('Registry', () => {
  const reg = new Registry().add(cmd).add(defineCommand({
    name: 'energy', summary: 'per-atom energies and forces', positionals: [], options: {}, async run() { return 1; },
  }));

  it('finds commands and suggests near misses', () => {
    expect(reg.get('md').name).toBe('md');
    expect(() => reg.get('enrgy')).toThrow(/unknown command 'enrgy'; did you mean 'energy'\? Commands: md, energy/);
    expect(() => reg.add(cmd)).toThrow(/registered twice/);
  });

  it('lists the commands with their summaries', () => {
    const text = formatCommandList(reg);
    expect(text).toMatch(/^Usage: glasslab <command> \[options\]/);
    expect(text).toMatch(/ {2}md +run molecular dynamics/);
    expect(text).toMatch(/ {2}energy +per-atom energies and forces/);
  });
});

describe('formatHelp', () => {
  it('shows usage, types, units, choices, defaults and requirements', () => {
    const h = formatHelp(cmd);
    expect(h).toMatch(/^Usage: glasslab md \[FILE\] \[options\]\n/);
    expect(h).toMatch(/--density NUM +number density \[sigma\^-3\] \(default: 1.2\)/);
    expect(h).toMatch(/--ensemble nve\|nvt\|npt +ensemble \(default: nvt\)/);
    expect(h).toMatch(/-o, --out FILE +output file/);
    expect(h).toMatch(/--freq LO:HI +frequency window \[omega\]/);
    expect(h).toMatch(/--model STR +model \(required\)/);
    expect(h).toMatch(/--col STR +column \(repeatable\)/);
    expect(h).toMatch(/--velocities +dump velocities\n/);
    expect(h).toMatch(/-h, --help +show this help/);
  });

  it('is the same text for the magic front end apart from the invocation', () => {
    const cli = formatHelp(cmd);
    const magic = formatHelp(cmd, '%md');
    expect(magic.replaceAll('%md', 'glasslab md')).toBe(cli);
  });
});

describe('tokenize (magic lines)', () => {
  it('splits on whitespace and honours quotes and escapes', () => {
    expect(tokenize(' --n 4000  --out "my run.dump" ')).toEqual(['--n', '4000', '--out', 'my run.dump']);
    expect(tokenize(`--a 'x y' b\\ c "q\\"d"`)).toEqual(['--a', 'x y', 'b c', 'q"d']);
    expect(tokenize(`--empty ''`)).toEqual(['--empty', '']);
    expect(() => tokenize(`--a 'x`)).toThrow(/unterminated single quote at column 5/);
    expect(() => tokenize(`--a "x`)).toThrow(/unterminated double quote/);
  });
});

describe('helpers', () => {
  it('kebab-cases option keys', () => {
    expect(kebab('tempFinal')).toBe('temp-final');
    expect(kebab('n')).toBe('n');
  });

  it('computes edit distances with transpositions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('nvt', 'ntv')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(didYouMean('densiyt', ['density', 'dump'])).toBe("; did you mean 'density'?");
    expect(didYouMean('qqq', ['density', 'dump'])).toBe('.');
    // unique prefix
    expect(didYouMean('therm', ['thermo', 'temp'], '--')).toBe("; did you mean '--thermo'?");
  });
});
