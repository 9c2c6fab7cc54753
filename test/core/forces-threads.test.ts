import { describe, expect, it } from 'vitest';
import { createForceProvider, createForceProviderAsync, THREADED_MIN_ATOMS } from '../../src/core/force-provider.ts';
import { computeForcesF64, F64Workspace } from '../../src/core/forces-f64.ts';
import { LjThreadPool, sharedLjThreadPool, startSharedLjThreadPool } from '../../src/core/lj-thread-pool.ts';
import { buildNeighborList } from '../../src/neighbor/neighbor-list.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { cloneSystem } from '../../src/system/system.ts';
import { latticeSystem } from '../md/fixtures.ts';
import { maxDiff } from './forces-fixtures.ts';

/** KA at density 1.2, 1458 atoms on a jiggled bcc lattice (atom order follows the lattice: spatially sorted). */
const ka1458 = () => latticeSystem(3, 9, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.08, seed: 4 });

describe('threaded LJ force loop', () => {
  const pot = getPotential('ka');

  it('equals the serial loop up to summation order (forces, energy, virial, per-atom terms)', () => {
    const sys = ka1458();
    expect(sys.n).toBeGreaterThanOrEqual(THREADED_MIN_ATOMS);
    const serial = createForceProvider(pot, { threads: 1 }).compute(sys, { peratom: true });
    for (const threads of [2, 3]) {
      const par = createForceProvider(pot, { threads }).compute(sys, { peratom: true });
      const d = maxDiff(par.forces, serial.forces);
      expect(d.diff).toBeLessThan(1e-12 * d.scale);
      expect(par.energy).toBeCloseTo(serial.energy, 9);
      for (let k = 0; k < 6; k++) expect(par.virial[k]).toBeCloseTo(serial.virial[k], 8);
      expect(maxDiff(par.peratomEnergy!, serial.peratomEnergy!).diff).toBeLessThan(1e-12);
    }
  });

  it('starts its workers without blocking (createForceProviderAsync) and then computes what the serial loop does', async () => {
    const sys = ka1458();
    const serial = createForceProvider(pot, { threads: 1 }).compute(sys);
    const provider = await createForceProviderAsync(pot, { threads: 4 });
    const pool = sharedLjThreadPool(4);
    expect(pool).not.toBeNull();
    expect(await startSharedLjThreadPool(4)).toBe(pool); // one pool per thread count
    const par = provider.compute(sys);
    const d = maxDiff(par.forces, serial.forces);
    expect(d.diff).toBeLessThan(1e-12 * d.scale);
    expect(par.energy).toBeCloseTo(serial.energy, 9);
  });

  it('depends only on the positions: lists built elsewhere (other skin pairs) give the same bits', () => {
    const sys = ka1458();
    const moved = cloneSystem(sys);
    for (let k = 0; k < moved.positions.length; k++) moved.positions[k] += 0.08 * Math.cos(3.1 * k); // |shift| < skin/2: the list of `moved` covers `sys`
    moved.box.wrap(moved.positions);
    const pool = sharedLjThreadPool(2)!;
    expect(pool).not.toBeNull();
    const list = (at: typeof sys) => buildNeighborList(at, { cutoff: pot.maxCutoff, skin: 0.3, kind: 'half', typeCutoffs: pot, halfRows: 'balanced' });
    const la = list(sys), lb = list(moved);
    expect(lb.entries).not.toBe(la.entries); // other skin pairs
    const a = computeForcesF64(sys, pot, la, {}, new F64Workspace(), undefined, pool);
    const b = computeForcesF64(sys, pot, lb, {}, new F64Workspace(), undefined, pool);
    expect(Array.from(b.forces)).toEqual(Array.from(a.forces));
    expect(b.energy).toBe(a.energy);
  });

  it('follows a moving configuration through list rebuilds (state handed to the workers again)', () => {
    const sys = ka1458();
    const par = createForceProvider(pot, { threads: 2 }), serial = createForceProvider(pot, { threads: 1 });
    for (let step = 0; step < 4; step++) {
      for (let k = 0; k < sys.positions.length; k++) sys.positions[k] += 0.2 * Math.sin(k + step); // beyond skin/2: a rebuild every step
      sys.box.wrap(sys.positions);
      const a = par.compute(sys), b = serial.compute(sys);
      const d = maxDiff(a.forces, b.forces);
      expect(d.diff).toBeLessThan(1e-12 * d.scale);
    }
    expect(par.rebuildCount).toBe(4);
  });

  it('splits rows into contiguous ranges covering every atom once', () => {
    for (const [n, t] of [[1000, 2], [1001, 3], [7, 4]]) {
      let next = 0;
      for (let k = 0; k < t; k++) {
        const [i0, i1] = LjThreadPool.rows(n, t, k);
        expect(i0).toBe(next);
        next = i1;
      }
      expect(next).toBe(n);
    }
  });

  it("'balanced' half rows hold each pair once and about half of each atom's partners, also in a lattice-ordered system", () => {
    const sys = ka1458();
    const lower = buildNeighborList(sys, { cutoff: 2.5, skin: 0.3, kind: 'half' });
    const bal = buildNeighborList(sys, { cutoff: 2.5, skin: 0.3, kind: 'half', halfRows: 'balanced' });
    const pairs = (nl: typeof lower) => {
      const out: string[] = [];
      for (let i = 0; i < nl.n; i++) for (let k = 0; k < nl.counts[i]; k++) { const j = nl.neighbors[i * nl.stride + k]; out.push(i < j ? `${i},${j}` : `${j},${i}`); }
      return out;
    };
    const pb = pairs(bal);
    expect(new Set(pb).size).toBe(pb.length);
    expect(new Set(pb)).toEqual(new Set(pairs(lower)));
    // work of the two halves of the index range: equal within 5% (the 'lower' rule puts 2/3 or more in the first half here)
    const work = (nl: typeof lower, a: number, b: number) => { let w = 0; for (let i = a; i < b; i++) w += nl.counts[i]; return w; };
    const h = Math.floor(sys.n / 2);
    expect(Math.abs(work(bal, 0, h) / work(bal, h, sys.n) - 1)).toBeLessThan(0.05);
    for (let i = 0; i < bal.n; i++) for (let k = 1; k < bal.counts[i]; k++) expect(bal.neighbors[i * bal.stride + k]).toBeGreaterThan(bal.neighbors[i * bal.stride + k - 1]);
  });

  it('rejects a bad thread count', () => {
    expect(() => createForceProvider(pot, { threads: 0 })).toThrow(/option threads must be an integer >= 1, got 0/);
    expect(() => LjThreadPool.create(1)).toThrow(/threads must be an integer >= 2/);
  });
});
