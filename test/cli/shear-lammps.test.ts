/**
 * `shear --engine lammps` against the embedded AQS on the ipl2d glass of
 * the shear tests (N = 64, first event at strain 0.008 in steps of 1e-3):
 * the same first event (strain, particle) and stresses within 5e-3 (0.82
 * before the drop, 0.03 after; measured differences 3e-3 and 8e-4: LAMMPS
 * runs ipl2d through a pair table, whose linear interpolation of forces
 * shifts the curve; test/engine/lammps-shear.test.ts checks the curve to
 * 1e-8 with an exact pair style); and the one-line refusal without
 * --no-reversibility-check.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLammpsData } from '../../src/io/index.ts';
import { ipl2dGlass } from '../analysis/shear-fixtures.ts';
import { lammpsOrSkip } from '../lammps/lammps-runner.ts';
import { runCli } from './run-cli.ts';

const haveLmp = lammpsOrSkip('shear --engine lammps');
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-shear-engine-'));
  await writeLammpsData(join(dir, 'glass.data'), ipl2dGlass(64, 3));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = (f: string) => readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => l.split(','));

describe.skipIf(!haveLmp)('shear --engine lammps', () => {
  it('finds the first event of the embedded AQS, both with the reversibility check', async () => {
    const line = ['glass.data', '--model', 'ipl2d', '--strain-step', '1e-3', '--max-events', '1', '--max-strain', '0.02'];
    const ours = await runCli(dir, 'shear', ...line, '--out', 'ours.csv');
    const lmp = await runCli(dir, 'shear', ...line, '--out', 'lmp.csv', '--engine', 'lammps');
    expect(ours.code, ours.err).toBe(0);
    expect(lmp.code, lmp.err).toBe(0);
    const [a, b] = [rows('ours.csv'), rows('lmp.csv')];
    expect(b[0]).toEqual(a[0]);
    expect(b).toHaveLength(2);
    const col = (name: string) => a[0].indexOf(name);
    expect(b[1][col('atom_id')]).toBe(a[1][col('atom_id')]);
    expect(Number(b[1][col('strain')])).toBeCloseTo(Number(a[1][col('strain')]), 12);
    for (const c of ['stress_before', 'stress_after']) expect(Math.abs(Number(b[1][col(c)]) - Number(a[1][col(c)]))).toBeLessThan(5e-3); // stress ~0.8 before the drop
  }, 60_000);
});
