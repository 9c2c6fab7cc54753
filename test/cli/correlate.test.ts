/**
 * `glasslab correlate` through the CLI front end on small synthetic files: a
 * random configuration written as a LAMMPS data file and per-atom CSVs whose
 * rows are in another order than the atoms (so matching by id is what makes
 * the numbers agree with the library's on the same arrays), each usage
 * mistake with its one-line message.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { binnedCorrelation } from '../../src/analysis/statistics/binned.ts';
import { slabMap } from '../../src/analysis/statistics/slab.ts';
import { spatialAutocorrelation } from '../../src/analysis/statistics/spatial.ts';
import { writeLammpsData } from '../../src/io/index.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import type { System } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';

let dir: string, sys: System;
/** per atom (storage order): the columns of the CSVs */
let vmsd: Float64Array, dq: Float64Array, s: Float64Array;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-correlate-'));
  sys = randomConfiguration({ n: 500, density: 1, dim: 3, composition: [0, 0.5, 0.5], typeMasses: [0, 1, 1], seed: 3, jitter: 0.2 });
  await writeLammpsData(join(dir, 'g.data'), sys);
  const rnd = mulberry32(5), n = sys.n, L = sys.box.lengths[0];
  vmsd = Float64Array.from({ length: n }, () => rnd());
  dq = Float64Array.from(vmsd, (v) => 2 * v + rnd());
  s = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI / L) * sys.positions[3 * i]) + 0.3 * rnd());
  // desc.csv: rows by descending id; dq.csv: rows by ascending id, with an extra atom nobody asks for
  const byId = Array.from({ length: n }, (_, i) => i).sort((a, b) => sys.ids[a] - sys.ids[b]);
  writeFileSync(join(dir, 'desc.csv'), ['id,type,vmsd,s', ...[...byId].reverse().map((i) => `${sys.ids[i]},${sys.types[i]},${vmsd[i]},${s[i]}`)].join('\n') + '\n');
  writeFileSync(join(dir, 'dq.csv'), ['# barriers', 'id,dq', ...byId.map((i) => `${sys.ids[i]},${dq[i]}`), '9999,1'].join('\n') + '\n');
  writeFileSync(join(dir, 'dq-short.csv'), ['id,dq', ...byId.slice(3).map((i) => `${sys.ids[i]},${dq[i]}`)].join('\n') + '\n');
  writeFileSync(join(dir, 'bad.csv'), 'id,vmsd\n1,0.5\n2,abc\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(dir, ...argv);
const csv = (name: string) => {
  const lines = readFileSync(join(dir, name), 'utf8').trim().split('\n');
  return { header: lines[0], rows: lines.slice(1).map((l) => l.split(',').map(Number)) };
};
/** The descending-id row order of desc.csv, as the library sees its columns. */
const descOrder = () => Array.from({ length: sys.n }, (_, i) => i).sort((a, b) => sys.ids[b] - sys.ids[a]);

describe('glasslab correlate', () => {
  it('binned correlation with --y joined from a second CSV by id', async () => {
    const r = await cli('correlate', 'desc.csv', '--x', 'vmsd', '--y', 'dq', '--join', 'dq.csv', '--bin', '50', '--out', 'bins.csv');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const o = descOrder();
    const lib = binnedCorrelation(Float64Array.from(o, (i) => vmsd[i]), Float64Array.from(o, (i) => dq[i]), { binSize: 50 });
    expect(r.out).toContain(`binned_pearson ${lib.binnedPearson} (10 bins of ~50 atoms, 500 atoms)`);
    expect(r.out).toContain(`pearson ${lib.pearson}`);
    expect(r.out).toContain(`spearman ${lib.spearman}`);
    expect(lib.binnedPearson).toBeGreaterThan(0.9);
    const t = csv('bins.csv');
    expect(t.header).toBe('bin,count,vmsd_mean,dq_mean');
    expect(t.rows.map((row) => row[3])).toEqual(Array.from(lib.yMean));
  });

  it('spatial autocorrelation of a column, matched to the atoms of --data by id, normalised at --ref', async () => {
    const r = await cli('correlate', 'desc.csv', '--spatial', 's', '--data', 'g.data', '--rmax', '3', '--dr', '0.25', '--ref', '1', '--out', 'c.csv');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lib = spatialAutocorrelation(sys, s, { rMax: 3, dr: 0.25, reference: 1, fieldName: 's' });
    expect(r.out).toContain(`xi ${lib.xi} `);
    const t = csv('c.csv');
    expect(t.header).toBe('r,C,count');
    expect(t.rows[4][1]).toBe(1); // the shell [1, 1.25) holds --ref
    expect(t.rows.map((row) => row[1])).toEqual(Array.from(lib.C));
  });

  it('slab map: grid CSV and summary', async () => {
    const r = await cli('correlate', 'desc.csv', '--slab', 's', '--data', 'g.data', '--thickness', '2', '--axis', 'y', '--grid', '12', '--field-units', 'eV', '--out', 'slab.csv');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lib = slabMap(sys, s, { axis: 'y', thickness: 2, grid: [12, 12] });
    expect(r.out).toContain(`slab_atoms ${lib.nSlab} of 500`);
    expect(r.out).toContain('map of s [eV]: 12 x 12 grid');
    const t = csv('slab.csv');
    expect(t.header).toBe('x,z,s,weight');
    expect(t.rows.map((row) => row[2])).toEqual(Array.from(lib.value));
  });

  it('one-line errors naming the file and the column or ids', async () => {
    const cases: [string[], number, RegExp][] = [
      [['desc.csv', '--x', 'vmsd', '--y', 'nope'], 1, /^glasslab correlate: error: desc\.csv: no column 'nope' \(columns: id, type, vmsd, s\)$/],
      [['desc.csv', '--x', 'vmsd', '--y', 'dq', '--join', 'dq-short.csv'], 1, /^glasslab correlate: error: dq-short\.csv: no row for 3 of the 500 ids of desc\.csv \(ids \d+, \d+, \d+\)$/],
      [['desc.csv', '--slab', 'dq', '--data', 'g.data', '--thickness', '2'], 1, /^glasslab correlate: error: desc\.csv: no column 'dq'/],
      [['bad.csv', '--x', 'vmsd', '--y', 'id'], 1, /^glasslab correlate: error: bad\.csv: line 3, column 'vmsd': 'abc' is not a finite number$/],
      [['missing.csv', '--x', 'a', '--y', 'b'], 1, /missing\.csv: no such file/],
      [['desc.csv', '--x', 'vmsd'], 2, /^glasslab correlate: --x and --y go together \(got only --x\)$/],
      [['desc.csv', '--x', 'vmsd', '--y', 's', '--spatial', 's'], 2, /give one of --x COL --y COL, --spatial COL or --slab COL/],
      [['desc.csv', '--spatial', 's'], 2, /--spatial needs --data FILE/],
      [['desc.csv', '--slab', 's', '--data', 'g.data'], 2, /--slab needs --thickness/],
      [['desc.csv', '--slab', 's', '--data', 'g.data', '--thickness', '50'], 2, /^glasslab correlate: --thickness must lie in \(0, [\d.]+\]/],
      [['desc.csv', '--spatial', 's', '--data', 'g.data', '--rmax', '2', '--ref', '3'], 2, /--ref 3 must be below --rmax 2/],
      [['desc.csv', '--x', 'vmsd', '--y', 's', '--field-units', 'eV'], 2, /--field-units applies to --slab only/],
      [['desc.csv', '--x', 'vmsd', '--y', 's', '--out', 'desc.csv'], 2, /--out desc\.csv is the input file/],
    ];
    for (const [argv, code, msg] of cases) {
      const r = await cli('correlate', ...argv);
      expect([argv.join(' '), r.code]).toEqual([argv.join(' '), code]);
      expect(r.err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.err.trim(), argv.join(' ')).toMatch(msg);
    }
  });
});
