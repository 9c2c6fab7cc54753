/**
 * `glasslab view` through the CLI front end: a dump with its own per-atom
 * column and a data file with a per-atom CSV (rows in another order than
 * the atoms), the HTML page it writes, and each usage mistake.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { writeDump, writeLammpsData } from '../../src/io/index.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import type { System } from '../../src/system/system.ts';

let dir: string, sys: System;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-view-'));
  sys = randomConfiguration({ n: 300, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 8 });
  sys.props.set('c_pe', Float64Array.from({ length: sys.n }, (_, i) => -6 + i / 100));
  await writeLammpsData(join(dir, 'g.data'), sys);
  await writeDump(join(dir, 'g.dump'), [sys], { props: ['c_pe'] });
  const byId = Array.from({ length: sys.n }, (_, i) => i).sort((a, b) => sys.ids[b] - sys.ids[a]);
  writeFileSync(join(dir, 's.csv'), ['id,S', ...byId.map((i) => `${sys.ids[i]},${2 * i}`)].join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(dir, ...argv);

describe('glasslab view', () => {
  it('--help names the options with their units', async () => {
    const r = await cli('view', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: glasslab view FILE [options]');
    for (const o of ['--color COL', '--table FILE', '--thickness', '--field-units UNITS', '--out FILE']) expect(r.out).toContain(o);
  });

  it('colours by a column of the dump and writes an offline HTML page', async () => {
    const r = await cli('view', 'g.dump', '--color', 'c_pe', '--field-units', 'eps', '--out', 'v.html');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`view: 300 of 300 atoms, c_pe from -6.000 to ${(-6 + 299 / 100).toPrecision(4)} eps`);
    const html = readFileSync(join(dir, 'v.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('plotly.js');
    expect(html).toContain('"type":"scatter3d"');
    expect(html).toContain('c_pe [eps]');
    expect(html).not.toMatch(/<script[^>]+src=/); // nothing loaded from the network
  });

  it('takes the column from a CSV matched by id, and keeps a slab', async () => {
    const r = await cli('view', 'g.data', '--color', 'S', '--table', 's.csv', '--thickness', '2', '--out', 's.html');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const m = /view: (\d+) of 300 atoms, S from 0\.000 to 598\.0/.exec(r.out);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(300);
    const html = readFileSync(join(dir, 's.html'), 'utf8');
    // the atom at storage index i has S = 2 i, whatever the CSV's row order: each hover says so
    const fig = JSON.parse(/var fig = (.*);\n/.exec(html)![1]) as { data: { text: string[] }[] };
    const index = new Map(Array.from(sys.ids, (id, i) => [id, i]));
    expect(fig.data[0].text).toHaveLength(Number(m![1]));
    for (const t of fig.data[0].text) {
      const [, id, type, S] = /^id (\d+)<br>type (\d+)<br>S (\S+)$/.exec(t)!.map(Number);
      expect(S).toBe(2 * index.get(id)!);
      expect(type).toBe(sys.types[index.get(id)!]);
    }
  });

  it('explains each mistake in one line', async () => {
    const cases: [string[], RegExp][] = [
      [['view', 'g.data', '--color', 'S'], /g\.data has no per-atom column 'S' \(it has none\); give a per-atom CSV with --table/],
      [['view', 'g.dump', '--color', 'nope'], /g\.dump has no per-atom column 'nope' \(its columns: c_pe\)/],
      [['view', 'g.data', '--color', 'x1', '--table', 's.csv'], /s\.csv has no column 'x1' \(columns: id, S\)/],
      [['view', 'g.data', '--table', 's.csv'], /--table gives the --color column; add --color COL/],
      [['view', 'g.data', '--center', '1'], /--center places the slab; add --thickness/],
      [['view', 'g.data', '--out', 'v.png'], /--out v\.png: not a name this option writes; use \.html/],
      [['view', 'g.data', '--thickness', '2', '--center', '-50'], /the slab of thickness 2 holds no atoms/],
    ];
    for (const [argv, msg] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).not.toBe(0);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(msg);
    }
  });
});
