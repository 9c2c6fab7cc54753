/**
 * `glasslab quench` through the CLI front end: a tiny Cu50Zr50 (N = 256,
 * 0.1 ps melt, 1e16 K/s) writes the glass and the history CSV with its
 * documented header; the options are checked before any MD, each error
 * naming its option (--anneal, --composition with --init, an LJ model,
 * an unknown --barostat).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSystem } from '../../src/io/index.ts';
import { runCli } from './run-cli.ts';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'glasslab-quench-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('glasslab quench', () => {
  it('writes the glass and the thermo history', async () => {
    const r = await runCli(dir, 'quench', '--n', '256', '--composition', '0.5', '--skin', '0.5', '--melt-time', '0.1', '--rate', '1e16',
      '--ftol', '0.05', '--history-every', '10', '--out', 'glass.data', '--thermo-csv', 'history.csv');
    expect(r.err).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/quench of 256 atoms: 2000 K \(0\.1 ps\) -> 1 K at 10000 K\/ps \(1\.00e\+16 K\/s\)/);
    expect(r.out).toMatch(/total g\(r\) troughs: /);
    const glass = await readSystem(join(dir, 'glass.data'));
    expect(glass.n).toBe(256);
    expect(Array.from(glass.types).filter((t) => t === 1).length).toBe(128);
    const lines = readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('stage,step,time_ps,temp_K,target_K,pe_eV_per_atom,volume_A3,density_g_cm3,press_bar');
    expect(lines[1].startsWith('melt,0,0,')).toBe(true);
    expect(lines.at(-1)!.startsWith('quench,150,')).toBe(true);
  }, 120000);

  it('names the bad option before any work', async () => {
    const bad = async (...args: string[]) => {
      const r = await runCli(dir, 'quench', '--out', 'x.data', ...args);
      expect(r.code).not.toBe(0);
      return r.err.trim().split('\n')[0];
    };
    expect(await bad('--anneal', '700')).toMatch(/--anneal must be TEMP:TIME .* got '700'/);
    expect(await bad('--anneal', '700:-1')).toMatch(/--anneal must be TEMP:TIME/);
    expect(await bad('--model', 'ka')).toMatch(/--model ka uses lj units; the quench protocol is in metal units/);
    expect(await bad('--init', 'glass.data', '--composition', '0.6')).toMatch(/--composition applies to a random start/);
    expect(await bad('--composition', '1.5')).toMatch(/--composition/);
    expect(await bad('--barostat', 'diagonal')).toMatch(/--barostat/);
  });
});
