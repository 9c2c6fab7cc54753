/**
 * The force provider's spatial atom order (sortAtoms, src/core/atom-order.ts,
 * src/neighbor/spatial-order.ts): the same forces, energies, virials and
 * per-atom terms as the System's own order, up to the order of summation,
 * for every loop (LJ table serial and threaded, IPL in 2D, EAM, computeLocal).
 */
import { describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import type { ForceResult } from '../../src/core/types.ts';
import { spatialOrder } from '../../src/neighbor/spatial-order.ts';
import { cellGeometry, wrappedFractional } from '../../src/neighbor/cell-geometry.ts';
import { createKobAndersen, KA_DEFAULTS } from '../../src/potential/ka.ts';
import { createIpl } from '../../src/potential/ipl.ts';
import type { Potential } from '../../src/potential/types.ts';
import { cloneSystem, type System } from '../../src/system/system.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { makeBox, maxDiff, polyEam, randomSystem, type BoxSpec } from './forces-fixtures.ts';

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, what).toBe(b.length);
  const { diff, scale } = maxDiff(a, b);
  expect(diff, what).toBeLessThanOrEqual(1e-12 * Math.max(1, scale));
}

function expectSameResult(a: ForceResult, b: ForceResult): void {
  expectClose(a.forces, b.forces, 'forces');
  expect(Math.abs(a.energy - b.energy)).toBeLessThanOrEqual(1e-12 * Math.abs(b.energy));
  expectClose(a.virial, b.virial, 'virial');
  if (b.peratomEnergy) expectClose(a.peratomEnergy!, b.peratomEnergy, 'per-atom energies');
  if (b.peratomVirial) expectClose(a.peratomVirial!, b.peratomVirial, 'per-atom virials');
}

describe('spatialOrder', () => {
  it('lists every atom once, bin by bin up the last axis, neighbours close in the order (3D tilted, 2D, non-periodic)', () => {
    const cells: [BoxSpec, number][] = [
      [{ dim: 3, lengths: [9.2, 9.0, 9.4], tilt: { xy: 1.1, xz: 0.4, yz: -0.9 } }, 400],
      [{ dim: 3, lengths: [8.0, 7.5, 8.2], periodic: [true, false, true] }, 250],
      [{ dim: 2, lengths: [13.5, 13.1], tilt: { xy: 1.3 } }, 150],
    ];
    for (const [spec, n] of cells) {
      const sys = randomSystem(makeBox(spec), n, 3, { unwrapped: true });
      const order = spatialOrder(sys, 1.4);
      expect(new Set(order).size).toBe(n);
      expect(Math.min(...order)).toBe(0);
      expect(Math.max(...order)).toBe(n - 1);
      expect(Array.from(spatialOrder(sys, 1.4))).toEqual(Array.from(order)); // a function of the positions
      // along the order the last axis goes up, bin by bin (bins of 1 / floor(width / 1.4)): an equal split is a stack of slabs
      const s = wrappedFractional(sys);
      const last = sys.dim - 1;
      const bin = 1 / Math.floor(cellGeometry(sys.box).widths[last] / 1.4);
      let highest = -Infinity;
      for (const i of order) {
        expect(s[3 * i + last]).toBeGreaterThan(highest - bin);
        highest = Math.max(highest, s[3 * i + last]);
      }
      const place = new Int32Array(n);
      order.forEach((i, k) => { place[i] = k; });
      // atoms closer than 1.5 are on average much closer in the order than in a random one (n / 3)
      let sum = 0, pairs = 0;
      const dv = new Float64Array(sys.dim);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          for (let k = 0; k < sys.dim; k++) dv[k] = sys.positions[sys.dim * i + k] - sys.positions[sys.dim * j + k];
          sys.box.minimumImage(dv);
          if (Math.hypot(...dv) < 1.5) { sum += Math.abs(place[i] - place[j]); pairs++; }
        }
      }
      expect(pairs).toBeGreaterThan(n / 2);
      expect(sum / pairs).toBeLessThan(n / 5);
    }
    expect(() => spatialOrder(randomSystem(makeBox({ dim: 3, lengths: [5, 5, 5] }), 10, 1), 0)).toThrow(/binWidth must be a positive number, got 0/);
  });
});

describe('a provider with its atoms in a spatial order', () => {
  const ka = createKobAndersen();
  const liquid = randomConfiguration({ n: 1200, density: 1.2, dim: 3, composition: KA_DEFAULTS.composition, typeMasses: [0, 1, 1], seed: 4 });
  const cases: [string, Potential, System, number, number][] = [
    ['KA, LJ table, 1 thread', ka, liquid, 1, 0.3],
    ['KA, LJ table, 2 threads (pool)', ka, liquid, 2, 0.3],
    ['IPL 2D, tilted', createIpl({ dim: 2 }), randomSystem(makeBox({ dim: 2, lengths: [19.5, 19.1], tilt: { xy: 1.7 } }), 300, 21, { minDist: 0.8, unwrapped: true }), 1, 0.3],
    ['EAM (polynomial), tilted', polyEam(), randomSystem(makeBox({ dim: 3, lengths: [6.4, 6.6, 6.5], tilt: { xy: 0.6, yz: -0.4 } }), 400, 3, { minDist: 0.55, unwrapped: true }), 2, 0.1],
  ];
  for (const [name, pot, start, threads, skin] of cases) {
    it(`${name}: the same forces, energy, virial and per-atom terms, through moves, reuse and a new sort`, () => {
      const plain = createForceProvider(pot, { skin, threads, threadedMinAtoms: 100 });
      const sorted = createForceProvider(pot, { skin, threads, threadedMinAtoms: 100 });
      const sys = cloneSystem(start);
      sorted.sortAtoms(sys);
      expect(sorted.atomOrder()).not.toBeNull();
      let last: ForceResult | undefined;
      for (let step = 0; step < 6; step++) {
        const peratom = step % 2 === 1;
        const a = plain.compute(sys, { peratom });
        const b = sorted.compute(sys, { peratom, ...(last ? { reuse: last } : {}) });
        expectSameResult(b, a);
        last = b;
        for (let k = 0; k < sys.positions.length; k++) sys.positions[k] += 0.03 * Math.sin(3.1 * k + step); // < skin/2 or not: rebuilds too
        if (step === 3) sorted.sortAtoms(sys);
      }
      expectSameResult(sorted.computeLocal(sys, { peratom: true }), plain.compute(sys, { peratom: true }));
      sys.positions[7] += 0.02;
      expectSameResult(sorted.computeLocal(sys), plain.compute(sys));
    });
  }

  it('says what is wrong with a bad order, and hands out its list only in the System order', () => {
    const p = createForceProvider(ka);
    expect(() => p.setAtomOrder(Int32Array.of(0, 2, 2))).toThrow(/setAtomOrder: the atom order is not a permutation of 0..2 \(place 2 holds 2, listed twice\)/);
    expect(() => p.setAtomOrder(Int32Array.of(0, 3, 1))).toThrow(/place 1 holds 3\)/);
    const sys = cloneSystem(liquid);
    p.sortAtoms(sys);
    expect(() => p.neighborList(sys)).toThrow(/keeps the atoms in a spatial order .* build a list of your own/);
    p.setAtomOrder(null);
    expect(p.neighborList(sys).n).toBe(sys.n);
    // a non-finite position is named by the caller's index
    p.sortAtoms(sys);
    sys.positions[3 * 17 + 1] = NaN;
    expect(() => p.compute(sys)).toThrow(/atom id 18 \(index 17\) has a non-finite position/);
  });
});
