/**
 * The README's "Command line" block is a walkthrough that works in order on a
 * fresh clone: this test extracts it, scales it down by the substitution the
 * README documents (SCALE_DOWN), and runs every line in order in an empty
 * directory through the CLI's main().
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tokenize } from '../../src/commands/registry.ts';
import { runCli } from './run-cli.ts';

const README = join(import.meta.dirname, '..', '..', 'README.md');

/** option -> [value in the README, value in this test]; the README names the same substitution. */
export const SCALE_DOWN: Record<string, [string, string]> = {
  '--n': ['1000', '256'],
  '--steps': ['10000', '1000'],
  '--window': ['15', '1'],
  '--max-events': ['3', '1'],
};

/** README_FULL=1 runs the block as written (minutes), not scaled down. */
const FULL = process.env.README_FULL === '1';

/** The `npx glasslab ...` lines of the first sh block under "## Command line", continuation lines joined, comments dropped. */
export function readmeCommands(text: string): string[][] {
  const section = text.slice(text.indexOf('## Command line'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: no sh block under "## Command line"');
  return block[1].replace(/\\\n\s*/g, ' ').split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const tokens = tokenize(l);
      if (tokens[0] !== 'npx' || tokens[1] !== 'glasslab') throw new Error(`README.md: not a glasslab command: ${l}`);
      return tokens.slice(2);
    });
}

/** Apply SCALE_DOWN; every substituted option must carry the README's value (so the README and this table agree). */
export function scaleDown(argv: string[]): string[] {
  const out = [...argv];
  for (let i = 0; i < out.length - 1; i++) {
    const sub = SCALE_DOWN[out[i]];
    if (!sub) continue;
    if (out[i + 1] !== sub[0]) throw new Error(`README.md: ${out[i]} ${out[i + 1]} is not the documented ${out[i]} ${sub[0]} (update SCALE_DOWN and the README note)`);
    out[i + 1] = sub[1];
  }
  return out;
}

describe('README command line block', () => {
  const text = readFileSync(README, 'utf8');
  const commands = readmeCommands(text);
  const dir = mkdtempSync(join(tmpdir(), 'glasslab-readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('documents the substitution this test makes', () => {
    for (const [opt, [from, to]] of Object.entries(SCALE_DOWN)) {
      expect(text.replace(/\s+/g, ' ')).toContain(`\`${opt} ${from}\` -> \`${opt} ${to}\``);
    }
    expect(commands.length).toBeGreaterThan(10);
  });

  it('runs every line in order in an empty directory', async () => {
    for (const argv of commands) {
      const scaled = FULL ? argv : scaleDown(argv);
      const t0 = performance.now();
      const r = await runCli(dir, ...scaled, ...(scaled[0] === '--help' ? [] : ['--quiet']));
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      expect({ line: `glasslab ${scaled.join(' ')} (${s} s)`, code: r.code, err: r.code === 0 ? '' : r.err })
        .toEqual({ line: expect.any(String), code: 0, err: '' });
      if (process.env.README_TEST_VERBOSE) console.log(`glasslab ${scaled.join(' ')}: ${s} s`);
    }
  }, FULL ? 3_600_000 : 600_000);
});
