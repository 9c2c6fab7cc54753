/**
 * `--model eam --potential FILE --elements ...` through the CLI: the energy
 * of fcc Cu with Mishin's eam/alloy file, and one-line errors for a missing
 * --potential or --elements, an unknown element, too few elements for the
 * configuration's types, and --elements with another model.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLammpsData } from '../../src/io/index.ts';
import { createSystem } from '../../src/system/system.ts';
import { cuFcc, CU_MISHIN } from '../lammps/configs.ts';
import { runCli } from './run-cli.ts';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-cli-eam-'));
  await writeLammpsData(join(dir, 'cu.data'), cuFcc(4));
  const s = cuFcc(4);
  const types = Int32Array.from(s.types, (_, i) => (i % 2 === 0 ? 1 : 2));
  await writeLammpsData(join(dir, 'two.data'), createSystem({ box: s.box, positions: s.positions, types, masses: s.masses }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(dir, ...argv);

describe.skipIf(!existsSync(CU_MISHIN))('glasslab energy --model eam', () => {
  it('fcc Cu with Cu_mishin1.eam.alloy: E_coh = -3.5402 eV/atom, zero forces', async () => {
    const r = await cli('energy', 'cu.data', '--model', 'eam', '--potential', CU_MISHIN, '--elements', 'Cu', '--out', 'pe.csv');
    expect(r.code, r.err).toBe(0);
    const m = /^pe\/atom (\S+)/m.exec(r.out);
    expect(m, r.out).not.toBeNull();
    expect(Number(m![1])).toBeCloseTo(-3.5402, 4);
    const rows = readFileSync(join(dir, 'pe.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(rows).toHaveLength(256);
    for (const [, type, pe, fx, fy, fz] of rows) {
      expect(type).toBe(1);
      expect(pe).toBeCloseTo(-3.5402, 4);
      expect(Math.max(Math.abs(fx), Math.abs(fy), Math.abs(fz))).toBeLessThan(1e-10);
    }
  });

  it.each([
    ['no --potential', ['--elements', 'Cu'], /model 'eam' needs --potential FILE/],
    ['no --elements', ['--potential', CU_MISHIN], /model 'eam' needs --elements/],
    ['an unknown element', ['--potential', CU_MISHIN, '--elements', 'Zr'], /element 'Zr' \(type 1\) is not in the file; it has Cu/],
    ['an empty element', ['--potential', CU_MISHIN, '--elements', 'Cu,'], /--elements: type 2 has no element name/],
  ])('refuses %s in one line', async (_what, extra, re) => {
    const r = await cli('energy', 'cu.data', '--model', 'eam', ...extra, '--out', 'x.csv');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(re);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a configuration with more atom types than --elements', async () => {
    const r = await cli('energy', 'two.data', '--model', 'eam', '--potential', CU_MISHIN, '--elements', 'Cu', '--out', 'x.csv');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/^glasslab energy: error: two\.data has atom type 2 .*model eam has types 1-1 \(1=Cu\)/);
    const ok = await cli('energy', 'two.data', '--model', 'eam', '--potential', CU_MISHIN, '--elements', 'Cu,Cu', '--out', 'two.csv');
    expect(ok.code, ok.err).toBe(0);
    expect(Number(/^pe\/atom (\S+)/m.exec(ok.out)![1])).toBeCloseTo(-3.5402, 4);
  });

  it('refuses --elements with another model', async () => {
    const r = await cli('energy', 'cu.data', '--model', 'ka', '--elements', 'Cu', '--out', 'x.csv');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--elements applies only to --model eam \(got --model ka\)/);
  });
});
