/**
 * `glasslab lte` through the CLI front end on a small 2D IPL glass: the
 * bond CSV has the documented header, atom ids of the input (shuffled ids
 * here, so indices and ids differ) and the values of localThermalEnergy;
 * the field CSV has one row per bin with the soft spots ranked; the result
 * carries the 2D figures; an unrelaxed input is warned about; EAM and
 * --field = --out are refused.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { localThermalEnergy } from '../../src/analysis/lte/lte.ts';
import { readSystem, writeLammpsData } from '../../src/io/index.ts';
import { createRegistry } from '../../src/app/registry.ts';
import type { System } from '../../src/system/system.ts';
import { lteBondMapFigure } from '../../src/analysis/lte/figures.ts';
import { ipl, iplGlass } from '../analysis/lte-fixtures.ts';

let dir: string;
let glass: System;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-lte-'));
  const g = iplGlass('ipl2d', 64, 8);
  const ids = Int32Array.from({ length: g.n }, (_, i) => 1000 - 7 * i);
  await writeLammpsData(join(dir, 'glass.data'), { ...g, ids });
  glass = await readSystem(join(dir, 'glass.data'), { dim: 2 });
  const moved = Float64Array.from(glass.positions);
  moved[0] += 0.05;
  await writeLammpsData(join(dir, 'moved.data'), { ...glass, positions: moved });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('glasslab lte', () => {
  it('writes the bond CSV with input ids and the field CSV', async () => {
    const r = await runCli(dir, 'lte', 'glass.data', '--model', 'ipl2d', '--out', 'bonds.csv', '--field', 'field.csv');
    expect(r.err).not.toMatch(/warning/);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(dir, 'bonds.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('i,j,type_i,type_j,r,lte');
    const ref = localThermalEnergy(glass, ipl('ipl2d'));
    expect(lines.length - 1).toBe(ref.bonds.count);
    const index = new Map(Array.from(glass.ids, (id, i) => [id, i]));
    let total = 0;
    lines.slice(1).forEach((l, a) => {
      const [i, j, ti, tj, rr, e] = l.split(',').map(Number);
      expect(index.get(i)).toBe(ref.bonds.i[a]);
      expect(index.get(j)).toBe(ref.bonds.j[a]);
      expect(ti).toBe(glass.types[ref.bonds.i[a]]);
      expect(tj).toBe(glass.types[ref.bonds.j[a]]);
      expect(rr).toBe(ref.bonds.r[a]);
      expect(e).toBeCloseTo(ref.lte[a], 10);
      total += e;
    });
    expect(total).toBeCloseTo(2 * glass.n - 2, 6);
    const field = readFileSync(join(dir, 'field.csv'), 'utf8').trim().split('\n');
    expect(field[0]).toBe('bin,x,y,bonds,mean_abs_lte,softness,spot,delta_epsilon');
    const spots = field.slice(1).map((l) => l.split(',')).filter((c) => c[6] !== '0');
    expect(spots.length).toBeGreaterThan(0);
    expect(spots.some((c) => c[6] === '1' && Number(c[7]) === 1)).toBe(true);
  });

  it('is registered, draws the bond map and warns on an unrelaxed input', async () => {
    const r = await runCli(dir, 'lte', 'moved.data', '--model', 'ipl2d', '--out', 'moved.csv', '--method', 'sparse');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/not at a minimum/);
    expect(createRegistry().get('lte').name).toBe('lte');
    const ref = localThermalEnergy(glass, ipl('ipl2d'));
    const fig = lteBondMapFigure({ dim: 2, positions: glass.positions, bonds: ref.bonds, lte: ref.lte });
    const segments = fig.data.reduce((s, t) => s + (t.x as number[]).length / 3, 0);
    expect(segments).toBe(ref.bonds.count);
    const colors = new Set(fig.data.map((t) => (t.line as { color: string }).color));
    expect(colors).toEqual(new Set(['rgb(0,0,0)', 'rgb(200,0,0)'])); // both signs occur

  });

  it('refuses EAM and --field equal to --out', async () => {
    expect((await runCli(dir, 'lte', 'glass.data', '--model', 'cuzr', '--out', 'x.csv')).code).not.toBe(0);
    expect((await runCli(dir, 'lte', 'glass.data', '--model', 'ipl2d', '--out', 'x.csv', '--field', 'x.csv')).code).toBe(2);
  });
});
