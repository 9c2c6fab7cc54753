/**
 * `minimize --engine lammps` against the embedded minimiser, KA N = 500:
 * - the same inherent structure: our minimum (ftol 1e-10), every coordinate
 *   displaced by up to 1e-3, relaxed again by both engines (CG): the two
 *   land in the same minimum, energies within 1e-11 relative, positions
 *   within 1e-6, both with max |F_i| < ftol (LAMMPS's own final forces).
 * From a liquid the two minimisers take other paths and end in other
 * minima (from one T = 1.5 liquid of N = 500: -7.530 and -7.551 per atom),
 * so only a start inside one basin compares the engines.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSystem, writeLammpsData } from '../../src/io/index.ts';
import { cloneSystem, unwrappedPositions } from '../../src/system/system.ts';
import { kaGlass } from '../lammps/configs.ts';
import { lammpsOrSkip } from '../lammps/lammps-runner.ts';
import { runCli } from './run-cli.ts';

const haveLmp = lammpsOrSkip('minimize --engine lammps');
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-min-engine-'));
  await writeLammpsData(join(dir, 'liquid.data'), await kaGlass());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const peOf = (out: string) => Number(/^pe\/atom (\S+)/m.exec(out)![1]);
const maxForceOf = (out: string) => Number(/^max_force (\S+)/m.exec(out)![1]);

describe.skipIf(!haveLmp)('minimize --engine lammps', () => {
  it('reaches the same minimum as the embedded minimiser from a slightly displaced one', async () => {
    const first = await runCli(dir, 'minimize', 'liquid.data', '--ftol', '1e-10', '--out', 'is.data');
    expect(first.code, first.err).toBe(0);
    const is = await readSystem(join(dir, 'is.data'));
    const moved = cloneSystem(is);
    let s = 9;
    for (let k = 0; k < moved.positions.length; k++) moved.positions[k] += 1e-3 * (2 * ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 1);
    await writeLammpsData(join(dir, 'moved.data'), moved);
    const ours = await runCli(dir, 'minimize', 'moved.data', '--method', 'cg', '--ftol', '1e-10', '--out', 'ours.data');
    const lmp = await runCli(dir, 'minimize', 'moved.data', '--method', 'cg', '--ftol', '1e-10', '--out', 'lmp.data', '--engine', 'lammps');
    expect(ours.code, ours.err).toBe(0);
    expect(lmp.code, lmp.err).toBe(0);
    expect(maxForceOf(lmp.out)).toBeLessThan(1e-10);
    const [eo, el] = [peOf(ours.out), peOf(lmp.out)];
    expect(Math.abs(eo - el) / Math.abs(eo)).toBeLessThan(1e-11);
    const [a, b] = [await readSystem(join(dir, 'ours.data')), await readSystem(join(dir, 'lmp.data'))];
    const [ua, ub] = [unwrappedPositions(a), unwrappedPositions(b)];
    let dx = 0;
    for (let k = 0; k < ua.length; k++) dx = Math.max(dx, Math.abs(ua[k] - ub[k]));
    expect(dx).toBeLessThan(1e-6);
    expect(readdirSync(dir).filter((f) => f.startsWith('.glasslab-lammps-'))).toEqual([]);
  }, 60_000);

});
