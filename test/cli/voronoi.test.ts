/**
 * `glasslab voronoi` through the CLI front end: the CSV of a small bcc
 * crystal (every cell <0,6,0,8>, volume a^3/2) and of a radical tessellation
 * (volumes sum to the box volume), of a 2D square lattice, its help, and each usage mistake with its
 * one-line message and exit code 2.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { writeLammpsData } from '../../src/io/index.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem } from '../../src/system/system.ts';

let dir: string;
const a = 1.4, m = 3;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-voronoi-'));
  const pos: number[] = [], types: number[] = [];
  for (let x = 0; x < m; x++) for (let y = 0; y < m; y++) for (let z = 0; z < m; z++) {
    pos.push((x + 0.2) * a, (y + 0.2) * a, (z + 0.2) * a, (x + 0.7) * a, (y + 0.7) * a, (z + 0.7) * a);
    types.push(1, 2);
  }
  await writeLammpsData(join(dir, 'bcc.data'), createSystem({ box: Box.cube(3, m * a), positions: pos, types, typeMasses: [0, 1, 1] }));
  const sq: number[] = [];
  for (let x = 0; x < 4; x++) for (let y = 0; y < 4; y++) sq.push((x + 0.5) * a, (y + 0.5) * a);
  await writeLammpsData(join(dir, 'square.data'), createSystem({ box: Box.cube(2, 4 * a), positions: sq, typeMasses: [0, 1] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(dir, ...argv);
const csv = (name: string) => {
  const lines = readFileSync(join(dir, name), 'utf8').trim().split('\n');
  return { header: lines[0], rows: lines.slice(1).map((l) => l.split(',').map(Number)) };
};

describe('glasslab voronoi', () => {
  it('has help', async () => {
    const r = await cli('voronoi', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('--face-threshold');
  });

  it('writes the per-atom table of a bcc crystal', async () => {
    const r = await cli('voronoi', 'bcc.data', '--out', 'vor.csv');
    expect(r.code).toBe(0);
    expect(r.out).toContain('mean_coordination 14');
    const t = csv('vor.csv');
    expect(t.header).toBe('id,type,volume,coordination,n3,n4,n5,n6,n7plus,l5fs');
    expect(t.rows.length).toBe(2 * m ** 3);
    for (const row of t.rows) {
      expect(Math.abs(row[2] / (a ** 3 / 2) - 1)).toBeLessThan(1e-12);
      expect(row.slice(3)).toEqual([14, 0, 6, 0, 8, 0, 0]);
    }
  });

  it('2D: the per-atom areas of a square lattice', async () => {
    const r = await cli('voronoi', 'square.data', '--dim', '2', '--out', 'sq.csv');
    expect(r.code).toBe(0);
    const t = csv('sq.csv');
    expect(t.header).toBe('id,type,area,perimeter,coordination');
    expect(t.rows.length).toBe(16);
    for (const row of t.rows) {
      expect(Math.abs(row[2] / a ** 2 - 1)).toBeLessThan(1e-12);
      expect(Math.abs(row[3] / (4 * a) - 1)).toBeLessThan(1e-12);
      expect(row[4]).toBe(4);
    }
  });

  it('walls along z: cells clipped at the box faces still fill the box, the ones at the walls are smaller', async () => {
    const r = await cli('voronoi', 'bcc.data', '--walls', 'z', '--out', 'walls.csv');
    expect(r.code).toBe(0);
    const t = csv('walls.csv');
    const total = t.rows.reduce((sum, row) => sum + row[2], 0);
    expect(Math.abs(total / (m * a) ** 3 - 1)).toBeLessThan(1e-12);
    expect(t.rows.some((row) => Math.abs(row[2] / (a ** 3 / 2) - 1) > 0.1)).toBe(true);
  });

  it('radical tessellation: the volumes still fill the box', async () => {
    const r = await cli('voronoi', 'bcc.data', '--radical', '--radii', '0.5,0.6', '--out', 'rad.csv');
    expect(r.code).toBe(0);
    const t = csv('rad.csv');
    const total = t.rows.reduce((s, row) => s + row[2], 0);
    expect(Math.abs(total / (m * a) ** 3 - 1)).toBeLessThan(1e-12);
    expect(t.rows.find((row) => row[1] === 2)![2]).toBeGreaterThan(t.rows.find((row) => row[1] === 1)![2]);
  });

  it('refuses usage mistakes with one line', async () => {
    const cases: [string[], RegExp][] = [
      [['--radical'], /--radical needs --radii/],
      [['--radii', '1,1'], /--radii is used by --radical only/],
      [['--radical', '--radii', '1,x'], /--radii 1,x: expected non-negative numbers/],
      [['--radical', '--radii', '1'], /--radii gives 1 radii but bcc\.data has atom type 2/],
      [['--face-threshold', '2'], /--face-threshold/],
      [['--walls', 'w'], /--walls w: expected directions among x, y, z/],
    ];
    for (const [extra, msg] of cases) {
      const r = await cli('voronoi', 'bcc.data', ...extra);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n').length).toBe(1);
    }
  });
});
