/**
 * `glasslab softness` through the CLI front end on a two-frame dump of a
 * disordered KA-like configuration (N = 250): the missing calibration is a
 * usage error that says how to get one; --mean-field prints the mean-field
 * values the library computes; --calibration writes id,type,frame,t,phi_r0,S
 * equal to localCagingDepth and Eq. 7 on the frames read back.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cagingDepthR } from '../../src/analysis/softness/caging-potential.ts';
import { integrationLimitsFromRdf, localCagingDepth } from '../../src/analysis/softness/local-softness.ts';
import { partialRdf } from '../../src/analysis/structure/structure.ts';
import { readSystem } from '../../src/io/index.ts';
import { writeDump } from '../../src/io/lammps-dump.ts';
import type { System } from '../../src/system/system.ts';
import { latticeSystem } from '../md/fixtures.ts';
import { KA } from '../analysis/structure.fixtures.ts';
import { runCli } from './run-cli.ts';

let dir: string;
let frames: System[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-softness-'));
  const a = latticeSystem(3, 5, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.6, seed: 3 });
  const b = latticeSystem(3, 5, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.6, seed: 4 });
  b.types.set(a.types);
  b.timestep = 100;
  a.timestep = 0;
  await writeDump(join(dir, 'liq.dump'), [a, b]);
  frames = [await readSystem(join(dir, 'liq.dump'), { frame: 0 }), await readSystem(join(dir, 'liq.dump'), { frame: 1 })];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('glasslab softness', () => {
  it('without --calibration: a usage error that explains Eq. 7 and --mean-field', async () => {
    const r = await runCli(dir, 'softness', 'liq.dump', '--temp', '0.7');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--calibration c0,c1 is missing/);
    expect(r.err).toMatch(/--mean-field/);
    const bad = await runCli(dir, 'softness', 'liq.dump', '--temp', '0.7', '--calibration', '1;2', '--out', 's.csv');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/two numbers c0,c1/);
  });

  it('--mean-field prints S_av, phi_q_av and the phi_r_av of Eq. 5 with the Appendix B limits', async () => {
    const r = await runCli(dir, 'softness', 'liq.dump', '--temp', '0.7', '--mean-field', '--qmax', '20');
    expect(r.code).toBe(0);
    const val = (k: string) => Number(new RegExp(`^${k} (\\S+)$`, 'm').exec(r.out)![1]);
    const rdf = partialRdf(frames, { dr: 0.01, ntypes: 2 });
    const expected = cagingDepthR(rdf, KA, { temperature: 0.7, limits: integrationLimitsFromRdf(rdf) });
    expect(val('phi_r_av')).toBeCloseTo(expected, 10);
    expect(val('S_av')).toBeGreaterThan(0);
    expect(Number.isFinite(val('phi_q_av'))).toBe(true);
    expect(r.out).toMatch(/^limits AA \[/m);
  });

  it('--calibration writes phi_r0 and S per A particle and frame, equal to the library', async () => {
    const r = await runCli(dir, 'softness', 'liq.dump', '--temp', '0.7', '--calibration', '200,-20', '--frame-dt', '0.5', '--out', 's.csv');
    expect(r.code).toBe(0);
    const lines = readFileSync(join(dir, 's.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,type,frame,t,phi_r0,S');
    expect(lines.length - 1).toBe(2 * 200);
    const rdf = partialRdf(frames, { dr: 0.01, ntypes: 2 });
    const limits = integrationLimitsFromRdf(rdf);
    for (const f of [0, 1]) {
      const lib = localCagingDepth(frames[f], KA, { temperature: 0.7, limits });
      const rows = lines.slice(1).map((l) => l.split(',')).filter((c) => Number(c[2]) === f);
      expect(rows.length).toBe(lib.phi.length);
      for (let k = 0; k < rows.length; k += 17) {
        const i = lib.index[k];
        expect(Number(rows[k][0])).toBe(frames[f].ids[i]);
        expect(Number(rows[k][1])).toBe(1);
        expect(Number(rows[k][3])).toBe(f * 0.5);
        expect(Number(rows[k][4])).toBeCloseTo(lib.phi[k], 10);
        const d = 200 - 20 * lib.phi[k];
        if (d > 0) expect(Number(rows[k][5])).toBeCloseTo(1 / d, 14);
      }
    }
    const same = await runCli(dir, 'softness', 'liq.dump', '--temp', '0.7', '--calibration', '200,-20', '--out', 'liq.dump');
    expect(same.code).not.toBe(0);
    expect(same.err).toMatch(/is the input file/);
  });

  it('refuses two atoms at one place, naming the file, the frame and the atoms', async () => {
    const a = latticeSystem(3, 5, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.6, seed: 3 });
    a.positions.set(a.positions.subarray(0, 3), 3 * 7); // atom 7 on top of atom 0
    await writeDump(join(dir, 'dup.dump'), [frames[0], a]);
    const r = await runCli(dir, 'softness', 'dup.dump', '--temp', '0.7', '--calibration', '200,-20', '--out', 'dup.csv');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n').filter((l) => /error/.test(l))).toHaveLength(1);
    expect(r.err).toMatch(/dup\.dump: frame 1 \(timestep 1\): atoms id 1 and id 8 are 0\.000e\+0 apart .*the same atom written twice\? remove the duplicated atoms/);
  });

  it('refuses a calibration that is 0,0 or has an empty number, and a --dr wider than the integration window', async () => {
    for (const [cal, msg] of [['0,0', /--calibration 0,0 makes 1\/S .* zero/], ['216,', /--calibration takes two numbers c0,c1 .* got '216,'/], [',-14', /got ',-14'/]] as const) {
      const r = await runCli(dir, 'softness', 'liq.dump', '--temp', '0.7', '--calibration', cal, '--out', 'c.csv');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
    }
    const dr = await runCli(dir, 'softness', 'liq.dump', '--temp', '0.7', '--calibration', '200,-20', '--dr', '1', '--out', 'dr.csv');
    expect(dr.code).toBe(2);
    expect(dr.err).toMatch(/--dr 1 is not narrower than the integration window of A[AB], \[\S+, \S+\] \(width \S+\); give --dr well below it/);
  });

  it('--delta too wide for the box suggests --delta, an option that exists', async () => {
    const r = await runCli(dir, 'softness', 'liq.dump', '--temp', '0.7', '--calibration', '200,-20', '--delta', '100', '--out', 'd.csv');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/use a smaller delta \(--delta; the paper's is 0\.09\) or a bigger system/);
    expect(r.err).not.toMatch(/rMax/);
  });

  it('frames with other atoms: the g(r) error names the file, the frame and what to do', async () => {
    const small = latticeSystem(3, 5, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.6, seed: 5 });
    small.types.set(frames[0].types);
    small.types[small.types.indexOf(1)] = 2; // one A fewer
    small.timestep = 700;
    await writeDump(join(dir, 'mixed.dump'), [frames[0], frames[1], small]);
    const r = await runCli(dir, 'softness', 'mixed.dump', '--temp', '0.7', '--mean-field');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/mixed\.dump: frame 2 \(timestep 700\) has 199 atoms of type 1, the first frame 200; .*--start\/--stop/);
  });
});
