/**
 * F_n(Delta-epsilon) and delta F_n (src/analysis/predictive-power.ts)
 * against a literal loop on synthetic soft spots and events: for every n
 * and every grid value, count the realizations whose n-th event's closest
 * spot (brute force over periodic images, no minimum-image shortcut) has
 * Delta-epsilon <= the value, over the realizations with an n-th event.
 * Known cases: events on the softest spot give F_n = 1 from Delta-epsilon = 1;
 * the ratio of a map with itself is 1 where defined.
 */
import { describe, expect, it } from 'vitest';
import {
  closestSpot, empiricalCdfAt, eventPositionsOf, predictivePower, predictivePowerFigure, predictivePowerRatio,
  predictivePowerRatioFigure, randomPlacementBaseline, type SpotEventRealization,
} from '../../src/analysis/plastic/predictive-power.ts';
import { Box } from '../../src/system/box.ts';
import { mulberry32 } from '../support/random.ts';

function synthetic(count: number, seed: number): SpotEventRealization[] {
  const rnd = mulberry32(seed);
  const out: SpotEventRealization[] = [];
  for (let r = 0; r < count; r++) {
    const dim = r % 3 === 2 ? 3 : 2;
    const box = dim === 2
      ? new Box({ dim: 2, lo: [rnd(), -rnd()], lengths: [10 + 5 * rnd(), 8 + 5 * rnd()], tilt: { xy: r % 2 ? 2 * rnd() - 1 : 0 } })
      : new Box({ dim: 3, lo: [0, 0, 0], lengths: [9, 10, 11], tilt: { xy: 1, xz: -0.5, yz: 0.3 } });
    const inBox = (k: number) => {
      const s = Array.from({ length: dim }, () => rnd()), x = new Float64Array(dim);
      box.fromFractional(s, 0, x, 0);
      return Array.from(x).map((v, a) => v + (k % 2 ? 0 : (a === 0 ? box.lengths[0] : 0))); // some points outside the primary cell
    };
    const ns = 1 + Math.floor(6 * rnd());
    const soft = Array.from({ length: ns }, () => 1 + 4 * rnd());
    const m = Math.max(...soft.map((v) => 1 / v));
    const de = soft.map((v) => m / (1 / v)); // max softness / softness, >= 1, the softest = 1
    const ne = Math.floor(5 * rnd()); // 0..4 events
    out.push({
      box, spotPositions: Array.from({ length: ns }, (_, k) => inBox(k)).flat(), spotDeltaEpsilon: de,
      eventPositions: Array.from({ length: ne }, (_, k) => inBox(k + 1)).flat(),
    });
  }
  return out;
}

/** Closest spot by brute force over image shifts -2..2 of each spot. */
function literalClosestDe(r: SpotEventRealization, p: number[]): number {
  const b = r.box, d = b.dim, L = b.lengths;
  const cell = d === 2 ? [[L[0], 0], [b.xy, L[1]]] : [[L[0], 0, 0], [b.xy, L[1], 0], [b.xz, b.yz, L[2]]];
  let best = Infinity, de = NaN;
  const sh = [-2, -1, 0, 1, 2];
  for (let s = 0; s < r.spotDeltaEpsilon.length; s++) {
    for (const i of sh) for (const j of sh) for (const k of d === 3 ? sh : [0]) {
      let q = 0;
      for (let c = 0; c < d; c++) {
        const v = r.spotPositions[s * d + c] - p[c] + i * cell[0][c] + j * cell[1][c] + (d === 3 ? k * cell[2][c] : 0);
        q += v * v;
      }
      if (q < best) { best = q; de = r.spotDeltaEpsilon[s]; }
    }
  }
  return de;
}

function literalF(rs: SpotEventRealization[], n: number, grid: ArrayLike<number>): number[] {
  return Array.from(grid, (x) => {
    let have = 0, hit = 0;
    for (const r of rs) {
      const d = r.box.dim;
      if (r.eventPositions.length / d < n) continue;
      have++;
      const p = Array.from({ length: d }, (_, c) => r.eventPositions[(n - 1) * d + c]);
      if (literalClosestDe(r, p) <= x) hit++;
    }
    return have ? hit / have : NaN;
  });
}

describe('F_n(Delta-epsilon)', () => {
  const rs = synthetic(60, 7);
  const grid = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 10];

  it('equals a literal loop on synthetic spots and events', () => {
    const res = predictivePower(rs, { orders: [1, 2, 3, 4], grid });
    expect(res.orders).toEqual([1, 2, 3, 4]);
    res.orders.forEach((n, k) => {
      const lit = literalF(rs, n, grid);
      expect(Array.from(res.F[k])).toEqual(lit);
      expect(res.counts[k]).toBe(rs.filter((r) => r.eventPositions.length / r.box.dim >= n).length);
      expect(res.closest[k].length).toBe(res.counts[k]);
    });
    // a CDF: non-decreasing, 1 at large Delta-epsilon
    for (const F of res.F) { for (let g = 1; g < F.length; g++) expect(F[g]).toBeGreaterThanOrEqual(F[g - 1]); expect(F.at(-1)).toBe(1); }
  });

  it('is 1 from Delta-epsilon = 1 when every event sits on the softest spot', () => {
    const onSoftest = rs.map((r) => {
      const d = r.box.dim, s = Array.from(r.spotDeltaEpsilon).indexOf(1);
      const p = Array.from({ length: d }, (_, c) => r.spotPositions[s * d + c] + 0.01);
      return { ...r, eventPositions: [...p, ...p] };
    });
    const res = predictivePower(onSoftest, { orders: [1, 2], grid: [0.99, 1, 3] });
    expect(Array.from(res.F[0])).toEqual([0, 1, 1]);
    expect(Array.from(res.F[1])).toEqual([0, 1, 1]);
    expect(closestSpot(onSoftest[0], onSoftest[0].eventPositions).distance).toBeCloseTo(0.01 * Math.sqrt(onSoftest[0].box.dim), 12);
  });

  it('default grid, empty orders and bad input', () => {
    const res = predictivePower(rs.slice(0, 5), { orders: [9] });
    expect(res.grid[0]).toBe(1);
    expect(res.grid.at(-1)).toBeCloseTo(5, 12);
    expect(res.counts[0]).toBe(0);
    expect(Number.isNaN(res.F[0][0])).toBe(true);
    expect(() => predictivePower(rs, { orders: [0] })).toThrow(/orders/);
    expect(() => predictivePower([{ ...rs[0], spotPositions: [], spotDeltaEpsilon: [], eventPositions: [1, 1] }])).toThrow(/no soft spots/);
    expect(empiricalCdfAt(Float64Array.from([1, 2, 2, 3]), 2)).toBe(0.75);
  });
});

describe('delta F_n', () => {
  const a = synthetic(80, 3);
  // a worse map: the same events, spots with shuffled Delta-epsilon
  const rnd = mulberry32(4);
  const b = a.map((r) => ({ ...r, spotDeltaEpsilon: Array.from(r.spotDeltaEpsilon).sort(() => rnd() - 0.5) }));
  const grid = [1, 1.5, 2, 3, 5];

  it('is the literal ratio F_n^a / F_n^b, NaN where F_n^b = 0', () => {
    const fa = predictivePower(a, { grid });
    const fb = predictivePower(b, { grid: [1, 2] }); // its own grid: re-evaluated on a's
    const r = predictivePowerRatio(fa, fb);
    r.orders.forEach((n, k) => {
      const la = literalF(a, n, grid), lb = literalF(b, n, grid);
      la.forEach((v, g) => {
        if (lb[g] > 0) expect(r.ratio[k][g]).toBeCloseTo(v / lb[g], 14);
        else expect(Number.isNaN(r.ratio[k][g])).toBe(true);
      });
    });
    const self = predictivePowerRatio(fa, fa);
    for (const row of self.ratio) for (const v of row) if (!Number.isNaN(v)) expect(v).toBe(1);
    expect(() => predictivePowerRatio(fa, predictivePower(b, { orders: [1] }))).toThrow(/order n = 2/);
    expect(predictivePowerFigure(fa, fb).data).toHaveLength(6);
    expect(predictivePowerRatioFigure(r).data).toHaveLength(3);
  });

  it('eventPositionsOf flattens AQS events', () => {
    expect(Array.from(eventPositionsOf([{ position: [1, 2] }, { position: [3, 4] }], 2))).toEqual([1, 2, 3, 4]);
  });
});

describe('randomPlacementBaseline', () => {
  it('is the fraction of places whose closest spot is at most x, averaged over realizations', () => {
    const box = new Box({ dim: 2, lo: [0, 0], lengths: [10, 10] });
    // spots at (1, 1) (softest) and (6, 6) (Delta-eps 3); places next to each
    const real = { box, spotPositions: [1, 1, 6, 6], spotDeltaEpsilon: [1, 3], eventPositions: [] };
    const places = [Float64Array.of(1.2, 1, 5.8, 6, 6, 6.3, 9.5, 0.5)]; // the last is nearest (1, 1) across the boundary
    const f = randomPlacementBaseline([...places, ...places], [real, real], [0.5, 1, 2, 3]);
    expect(Array.from(f)).toEqual([0, 0.5, 0.5, 1]);
    expect(() => randomPlacementBaseline(places, [real, real], [1])).toThrow(/1 sets of places for 2 realizations/);
  });
});
