/**
 * `glasslab minimize`, `glasslab shear` and `glasslab quench` are
 * interruptible: they run on the async drivers (minimizeAsync,
 * aqsShearAsync, runMd), stop cleanly when
 * ctx.signal aborts from the event loop, write what they reached and say so,
 * and report progress through ctx.progress.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../src/app/registry.ts';
import { main, type MainIO } from '../../src/cli/main.ts';
import { parseArgs, type RunContext } from '../../src/commands/registry.ts';
import { writeLammpsData } from '../../src/io/index.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { ipl2dGlass } from '../analysis/shear-fixtures.ts';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-interrupt-'));
  // big enough that relaxing it takes far more than one yield interval (50 ms)
  await writeLammpsData(join(dir, 'liquid.data'), randomConfiguration({ n: 2000, density: 0.86, dim: 2, composition: [0, 0.5, 0.5], typeMasses: [0, 1, 1], seed: 2, jitter: 0.2 }));
  await writeLammpsData(join(dir, 'glass.data'), ipl2dGlass(64, 3));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run a command with a signal that the event loop aborts as soon as the command yields. */
async function runInterrupted(line: string[]): Promise<{ error: Error; progress: number[] }> {
  const registry = createRegistry();
  const cmd = registry.get(line[0]);
  expect(cmd.interruptible).toBe(true);
  const parsed = parseArgs(cmd, line.slice(1));
  if (parsed.help) throw new Error('help');
  const ac = new AbortController();
  setImmediate(() => ac.abort());
  const progress: number[] = [];
  const ctx: RunContext = {
    progress: () => ({ update: (d: number) => { progress.push(d); }, finish() {} }),
    print() {}, note() {}, signal: ac.signal, cwd: dir,
  };
  const error = await cmd.run(parsed.args, ctx).then(() => new Error('finished'), (e: unknown) => e as Error);
  return { error, progress };
}

describe('interrupting minimize, shear and quench', () => {
  it('minimize stops, writes the configuration reached and says it was interrupted', async () => {
    const { error } = await runInterrupted(['minimize', 'liquid.data', '--model', 'ipl2d', '--out', 'min.data']);
    expect(error.message).toMatch(/^stopped after \d+ iterations \(max force .* > ftol 1e-10\); the configuration reached was written to min.data$/);
    expect(existsSync(join(dir, 'min.data'))).toBe(true);
  });

  it('quench stops between MD steps, keeps the history up to there and writes no glass', async () => {
    const { error, progress } = await runInterrupted(['quench', '--n', '256', '--skin', '0.5', '--out', 'quenched.data', '--thermo-csv', 'quench.csv', '--history-every', '1']);
    expect(error.message).toMatch(/^stopped after \d+ MD steps; the history up to there is in quench.csv; no glass written$/);
    const steps = Number(/after (\d+) MD/.exec(error.message)![1]);
    expect(steps).toBeLessThan(10000 + 99950); // 20 ps at 2000 K, then 1999 K at 1e13 K/s, in 2 fs steps
    const rows = readFileSync(join(dir, 'quench.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^stage,step,/);
    expect(rows.at(-1)!.split(',')[1]).toBe(String(steps));
    expect(existsSync(join(dir, 'quenched.data'))).toBe(false);
    expect(progress.every((p) => p < 100)).toBe(true);
  });

  it('shear stops after a strain step and writes the steps and events up to there', async () => {
    const { error, progress } = await runInterrupted(['shear', 'glass.data', '--model', 'ipl2d', '--strain-step', '1e-5', '--max-events', '1',
      '--out', 'events.csv', '--stress-strain', 'curve.csv']);
    expect(error.message).toMatch(/^stopped at strain \S+ \(step \d+\) with 0 of 1 events; the steps and events up to there were written to events.csv and curve.csv$/);
    const curve = readFileSync(join(dir, 'curve.csv'), 'utf8').trim().split('\n');
    expect(curve[0]).toBe('step,strain,stress,energy,event');
    const steps = Number(/step (\d+)/.exec(error.message)![1]);
    expect(curve).toHaveLength(steps + 2);
    expect(progress.at(-1)).toBe(steps);
  });

  it('the CLI turns the interrupt into exit code 130 and one line on stderr', async () => {
    const ac = new AbortController();
    setImmediate(() => ac.abort());
    let err = '';
    const io: MainIO = { stdout: { write() {} }, stderr: { write: (s: string) => { err += s; } }, env: {}, cwd: dir, signal: ac.signal };
    const code = await main(['minimize', 'liquid.data', '--model', 'ipl2d', '--out', 'min2.data', '-q'], io, createRegistry());
    expect(code).toBe(130);
    expect(err).toMatch(/^glasslab minimize: interrupted: stopped after \d+ iterations .*min2.data\n$/);
  });
});
