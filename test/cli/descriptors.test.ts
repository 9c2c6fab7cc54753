/**
 * `glasslab descriptors` end to end on a small CuZr glass (Mendelev 2007
 * eam/fs): a random start relaxed by `glasslab minimize` is the inherent
 * structure, a short NVT run at 300 K from it by `glasslab md` writes the
 * vib dump, and the descriptors CSV equals the library's
 * structuralDescriptors on the same files, row by row in the input's order
 * (the order the input is read in: by id for LAMMPS files, whatever the
 * order in the file); s2 and pfrac equal pairExcessEntropy and
 * participationFraction, --skip leaves them out. Also: the
 * neighbour spacing of the flexibility volume, the warning for an input that
 * is not a minimum, each usage mistake with its one-line message, and the
 * %descriptors magic that the registry gives the kernel.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { readSystem, writeLammpsData } from '../../src/io/index.ts';
import { Trajectory } from '../../src/io/trajectory.ts';
import { structuralDescriptors } from '../../src/analysis/descriptors/descriptors.ts';
import { pairExcessEntropy } from '../../src/analysis/structure/excess-entropy.ts';
import { participationFraction } from '../../src/analysis/vdos/participation.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { createRegistry } from '../../src/app/registry.ts';
import { buildMagicTable } from '../../kernel/magics/table.ts';
import { planCell } from '../../kernel/magics/parse.ts';
import type { System } from '../../src/system/system.ts';

const CUZR = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
let dir: string;
let is: System;
const cli = (...argv: string[]) => runCli(dir, ...argv);
const csv = (name: string) => {
  const lines = readFileSync(join(dir, name), 'utf8').trim().split('\n');
  return { header: lines[0], rows: lines.slice(1).map((l) => l.split(',').map(Number)) };
};

describe.skipIf(!existsSync(CUZR))('glasslab descriptors (CuZr)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'glasslab-descriptors-'));
    // 320 atoms: the smallest box wider than twice the 7.6 A cutoff + skin
    const steps: string[][] = [
      ['md', '--model', 'cuzr', '--n', '320', '--steps', '0', '--temp', '300', '--seed', '3', '--final', 'start.data'],
      ['minimize', 'start.data', '--model', 'cuzr', '--ftol', '1e-8', '--out', 'is.data'],
      ['md', '--model', 'cuzr', '--init', 'is.data', '--temp', '300', '--steps', '300', '--every', '20', '--seed', '2', '--dump', 'vib.dump'],
    ];
    for (const argv of steps) {
      const r = await cli(...argv);
      expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(0);
    }
    is = await readSystem(join(dir, 'is.data'));
    // the same inherent structure with its atoms in another order in the file
    const order = Array.from({ length: is.n }, (_, i) => (i * 37) % is.n);
    await writeLammpsData(join(dir, 'shuffled.data'), {
      ...is,
      positions: Float64Array.from(order.flatMap((i) => [is.positions[3 * i], is.positions[3 * i + 1], is.positions[3 * i + 2]])),
      types: Int32Array.from(order, (i) => is.types[i]), ids: Int32Array.from(order, (i) => is.ids[i]),
      masses: Float64Array.from(order, (i) => is.masses[i]),
    });
    // a dump whose atom ids are not those of is.data
    const dump = readFileSync(join(dir, 'vib.dump'), 'utf8').split('\n');
    const first = dump.findIndex((l) => l.startsWith('ITEM: ATOMS')) + 1;
    dump[first] = dump[first].replace(/^\d+/, '9999');
    writeFileSync(join(dir, 'wrong-ids.dump'), dump.join('\n'));
  }, 240_000);
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('has help, and is a magic typed by DescriptorsResult', async () => {
    const r = await cli('descriptors', '--help');
    expect(r.code).toBe(0);
    for (const o of ['--vib', '--flex-length', '--radical', '--face-threshold', '--start']) expect(r.out).toContain(o);
    const table = buildMagicTable(createRegistry());
    expect(table.describe()).toMatch(/%descriptors\s+per-atom structural descriptors/);
    const plan = planCell('const d = %descriptors is.data --model cuzr --vib vib.dump --out d.csv', table) as { source: string };
    expect(plan.source).toContain('import("glasslab/analysis").DescriptorsResult');
  });

  // the 17.5 A box of 320 atoms holds rc + 3 sigma below half its width only for rc = 6.4 A (not Wei's 11.2)
  const S2 = ['--s2-cutoff', '6.4', '--s2-sigma', '0.2'];

  it('writes id,type,vmsd,vflex,s2,pfrac,l5fs,volume equal to the library values, in the input order', async () => {
    const r = await cli('descriptors', 'is.data', '--model', 'cuzr', '--vib', 'vib.dump', '--start', '5', ...S2, '--out', 'desc.csv');
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toMatch(/warning/);
    expect(r.err).toMatch(/pfrac from the lowest 2 modes of the dynamical matrix \(960 degrees of freedom\)/);
    expect(r.out).toMatch(/^frames 11$/m); // frames 5..15 of the 16 (steps 0, 20, ..., 300)
    const t = csv('desc.csv');
    expect(t.header).toBe('id,type,vmsd,vflex,s2,pfrac,l5fs,volume');
    const pot = getPotential('cuzr');
    const lib = await structuralDescriptors(is, new Trajectory(join(dir, 'vib.dump'), { start: 5 }), {
      s2: (sys) => pairExcessEntropy(sys, { cutoff: 6.4, sigma: 0.2 }),
      pfrac: (sys) => participationFraction(sys, pot, { modeFraction: 0.0025 }),
    });
    expect(t.rows).toEqual(lib.table().rows);
    let volume = 0, pfrac = 0;
    t.rows.forEach(([id, type, vmsd, vflex, s2, pf, , vol], i) => {
      expect(s2).toBeLessThanOrEqual(0);
      pfrac += pf;
      expect(id).toBe(is.ids[i]);
      expect(type).toBe(is.types[i]);
      // 300 K in a CuZr glass: a few hundredths of A^2 (Wei et al. Fig. 4 spans ~0.005-0.05)
      expect(vmsd).toBeGreaterThan(0.002);
      expect(vmsd).toBeLessThan(0.2);
      expect(vflex).toBeCloseTo(vmsd * Math.cbrt(vol), 12);
      volume += vol;
    });
    expect(volume / is.box.volume).toBeCloseTo(1, 9);
    expect(pfrac).toBeCloseTo(2, 6); // each of the 2 modes is normalised: the p_i sum to the mode count
    expect(lib.maxDisplacement).toBeLessThan(1); // no atom left its basin

    // the same structure stored in another order in the file: the reader orders LAMMPS files by id, the values stay
    const s = await cli('descriptors', 'shuffled.data', '--model', 'cuzr', '--vib', 'vib.dump', '--start', '5', ...S2, '--out', 'shuffled.csv');
    expect(s.code, s.err).toBe(0);
    expect(readFileSync(join(dir, 'shuffled.csv'), 'utf8')).toBe(readFileSync(join(dir, 'desc.csv'), 'utf8'));
  });

  it('--flex-length neighbour and a radical tessellation give the library values; --skip leaves s2 and pfrac out', async () => {
    const r = await cli('descriptors', 'is.data', '--model', 'cuzr', '--vib', 'vib.dump', '--start', '5', '--flex-length', 'neighbour',
      '--radical', '--radii', '1.28,1.60', '--face-threshold', '0.02', '--skip', 's2,pfrac', '--out', 'nb.csv');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/flex_length neighbour/);
    expect(csv('nb.csv').header).toBe('id,type,vmsd,vflex,l5fs,volume');
    const lib = await structuralDescriptors(is, new Trajectory(join(dir, 'vib.dump'), { start: 5 }),
      { flexLength: 'neighbour', voronoi: { radii: [1.28, 1.60], faceAreaFraction: 0.02 } });
    expect(csv('nb.csv').rows).toEqual(lib.table().rows);
    // Voronoi-neighbour distances (~2.5-3.2 A) differ from Omega^(1/3) (~2.5-2.7 A): another column
    expect(csv('nb.csv').rows.map((row) => row[3])).not.toEqual(csv('desc.csv').rows.map((row) => row[3]));
    // --s2-form total: the total-density form is >= the species-resolved one for every atom (convexity)
    const tot = await cli('descriptors', 'is.data', '--model', 'cuzr', '--vib', 'vib.dump', '--start', '5', ...S2, '--s2-form', 'total', '--skip', 'pfrac', '--out', 'tot.csv');
    expect(tot.code, tot.err).toBe(0);
    const species = csv('desc.csv').rows.map((row) => row[4]);
    csv('tot.csv').rows.forEach((row, i) => expect(row[4]).toBeGreaterThanOrEqual(species[i] - 1e-12));
  });

  it('warns when the input is not a minimum', async () => {
    const r = await cli('descriptors', 'start.data', '--model', 'cuzr', '--vib', 'vib.dump', '--skip', 's2,pfrac', '--out', 'start.csv');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/descriptors: warning: start\.data is not at a minimum .*vmsd is measured about it/);
  });

  it('refuses usage mistakes with one line naming the option or the file', async () => {
    const cases: [string[], RegExp][] = [
      [['is.data', '--out', 'x.csv'], /--vib/],
      [['is.data', '--vib', 'wrong-ids.dump', '--out', 'x.csv'], /--vib wrong-ids\.dump: frame 0 holds atom id 9999, which is\.data lacks/],
      [['is.data', '--vib', 'none.dump', '--out', 'x.csv'], /none\.dump: no such file/],
      [['is.data', '--vib', 'vib.dump', '--start', '100', '--out', 'x.csv'], /--vib vib\.dump: no frames in the selected range/],
      [['is.data', '--vib', 'vib.dump', '--radical', '--out', 'x.csv'], /--radical needs --radii/],
      [['is.data', '--vib', 'vib.dump', '--radical', '--radii', '1.28', '--out', 'x.csv'], /--radii gives 1 radii but is\.data has atom type 2/],
      [['is.data', '--vib', 'vib.dump', '--flex-length', 'cell', '--out', 'x.csv'], /--flex-length/],
      [['is.data', '--vib', 'vib.dump', '--out', 'vib.dump'], /--out vib\.dump is the input file/],
      [['is.data', '--vib', 'vib.dump', '--out', 'x.data'], /--out/],
      [['is.data', '--vib', 'vib.dump', '--skip', 'vmsd', '--out', 'x.csv'], /--skip takes s2, pfrac \(comma separated\), got 'vmsd'/],
      [['is.data', '--vib', 'vib.dump', '--mode-fraction', '2', '--out', 'x.csv'], /--mode-fraction/],
    ];
    for (const [argv, msg] of cases) {
      const r = await cli('descriptors', '--model', 'cuzr', ...S2, ...argv);
      expect(r.code, argv.join(' ')).not.toBe(0);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
      expect(existsSync(join(dir, 'x.csv'))).toBe(false);
    }
    // Wei's default cutoff 11.2 A does not fit the 17.5 A box: refused before the frames are read
    const wide = await cli('descriptors', 'is.data', '--model', 'cuzr', '--vib', 'vib.dump', '--out', 'x.csv');
    expect(wide.err).toMatch(/--s2-cutoff 11\.2 with --s2-sigma 0\.2 in is\.data: cutoff \+ 3 sigma = 11\.8 must be below half the smallest cell width/);
    expect(wide.err.trim().split('\n')).toHaveLength(1);
    // S2 has defaults in metal units only
    const lj = await cli('descriptors', 'is.data', '--model', 'ka', '--vib', 'vib.dump', '--out', 'x.csv');
    expect(lj.err).toMatch(/--model ka is in lj units, where S2 has no default cutoff and width: give --s2-cutoff and --s2-sigma/);
    expect(lj.err.trim().split('\n')).toHaveLength(1);
  });
});
