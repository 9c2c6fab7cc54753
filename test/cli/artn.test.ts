/**
 * `glasslab artn` end to end on fcc Cu with a vacancy (Mishin eam/alloy,
 * 499 atoms): events and per-atom CSVs, the checkpoint and its resume, and
 * one-line errors for bad --atoms, thresholds and a foreign checkpoint.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLammpsData } from '../../src/io/index.ts';
import { cuVacancy, CU_MISHIN_FILE } from '../protocols/artn-fixtures.ts';
import { runCli } from './run-cli.ts';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-cli-artn-'));
  await writeLammpsData(join(dir, 'vac.data'), cuVacancy(5).sys);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(dir, ...argv);
const MODEL = ['--model', 'eam', '--potential', CU_MISHIN_FILE, '--elements', 'Cu'];

describe.skipIf(!existsSync(CU_MISHIN_FILE))('glasslab artn', () => {
  it('--help names the paper\'s thresholds', async () => {
    const r = await cli('artn', '--help');
    expect(r.code).toBe(0);
    for (const o of ['--events-per-atom', '--cluster-radius', '--init-step', '--increment', '--eigen-threshold', '--force-threshold', '--force-norm', '--checkpoint', '--barriers']) expect(r.out).toContain(o);
  });

  it('searches around one atom, writes events and barriers, and resumes from its checkpoint without searching again', async () => {
    const argv = ['artn', 'vac.data', ...MODEL, '--atoms', '1', '--events-per-atom', '2', '--seed', '7', '--out', 'events.csv', '--barriers', 'dq.csv', '--checkpoint', 'artn.ckpt'];
    const r = await cli(...argv);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^ARTn: 2 searches on 1 atoms/m);
    const events = readFileSync(join(dir, 'events.csv'), 'utf8').trim().split('\n');
    expect(events[0]).toBe('id,attempt,outcome,e_initial,e_saddle,e_final,dq,eigenvalue_saddle,force_saddle,max_disp_saddle,max_disp_final,moved_atoms,basin_steps,saddle_steps,lanczos_runs,lanczos_products,saddle_force_calls,force_calls');
    expect(events).toHaveLength(3);
    const rows = events.slice(1).map((l) => l.split(','));
    const accepted = rows.filter((c) => c[2] === 'accepted').map((c) => Number(c[6]));
    const dq = readFileSync(join(dir, 'dq.csv'), 'utf8').trim().split('\n');
    expect(dq[0]).toBe('id,type,dq_mean,dq_min,dq_std,n_events');
    const [id, type, mean, , , count] = dq[1].split(',');
    expect([id, type, count]).toEqual(['1', '1', String(accepted.length)]);
    if (accepted.length) expect(Number(mean)).toBeCloseTo(accepted.reduce((s, v) => s + v, 0) / accepted.length, 8);
    expect(existsSync(join(dir, 'artn.ckpt'))).toBe(true);
    const t = performance.now();
    const again = await cli(...argv.map((a) => (a === 'events.csv' ? 'events2.csv' : a === 'dq.csv' ? 'dq2.csv' : a)));
    expect(again.code, again.err).toBe(0);
    expect(performance.now() - t).toBeLessThan(1500); // nothing searched: the events come from the checkpoint
    expect(readFileSync(join(dir, 'events2.csv'), 'utf8')).toBe(readFileSync(join(dir, 'events.csv'), 'utf8'));
  });

  it.each([
    ['an unknown atom id', ['--atoms', '1,100000'], /--atoms 1,100000: '100000' is not an atom id/],
    ['a positive eigenvalue threshold', ['--eigen-threshold', '0.3'], /option eigenThWell must be negative/],
    ['a checkpoint of other options', ['--checkpoint', 'other.ckpt'], /--checkpoint other\.ckpt was written for other options/],
    ['a file that is not a checkpoint', ['--checkpoint', 'junk.ckpt'], /--checkpoint junk\.ckpt is not an artn checkpoint/],
    ['no workers', ['--workers', '0'], /--workers/],
  ])('refuses %s in one line', async (_what, extra, re) => {
    writeFileSync(join(dir, 'junk.ckpt'), '{"a": 1}');
    writeFileSync(join(dir, 'other.ckpt'), JSON.stringify({ kind: 'artn-checkpoint', version: 1, data: { fingerprint: { n: 499, seed: 8 }, events: [] } }));
    const base: Record<string, string> = { '--atoms': '1', '--events-per-atom': '2', '--seed': '7', '--out': 'x.csv' };
    for (let k = 0; k < extra.length; k += 2) base[extra[k]] = extra[k + 1];
    const r = await cli('artn', 'vac.data', ...MODEL, ...Object.entries(base).flat());
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(re);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
