/**
 * p_hop: the prefix-sum version against the formula written out literally
 * (product of the two window means of squared deviations; U = [t-hU, t],
 * V = [t, t+hV], hU = floor(w/2), hV = w - hU, NaN at the edges) on random
 * trajectories for odd and even windows, 2D and 3D; a mean of products
 * instead (the known public bug) is told apart; a single cage jump of
 * length J gives the hand-computed p_hop, 0 where the jump is outside the window; events are the
 * runs above p_c; a window longer than the trajectory is refused.
 */
import { describe, expect, it } from 'vitest';
import { framesFromArrays, type TrajectoryFrames } from '../../src/analysis/dynamics/frames.ts';
import { computePhop, hopEvents, phopThreshold, phopWindowFrames } from '../../src/analysis/dynamics/phop.ts';
import { selfDynamics } from '../../src/analysis/dynamics/dynamics.ts';
import { Box } from '../../src/system/box.ts';
import { randomWalk } from './dynamics-fixtures.ts';

/** Position of atom i at frame f, axis d. */
const at = (fr: TrajectoryFrames, f: number, i: number, d: number) => fr.positions[(f * fr.n + i) * fr.dim + d];

/** Literal p_hop(i, t) = sqrt(<(r - <r>_U)^2>_V <(r - <r>_V)^2>_U); `meanOfProducts` gives the wrong variant. */
function literalPhop(fr: TrajectoryFrames, i: number, t: number, w: number, meanOfProducts = false): number {
  const hU = Math.floor(w / 2), hV = w - hU;
  if (t - hU < 0 || t + hV >= fr.nFrames) return NaN;
  const U = Array.from({ length: hU + 1 }, (_, j) => t - hU + j);
  const V = Array.from({ length: hV + 1 }, (_, j) => t + j);
  const mean = (frames: number[], d: number) => frames.reduce((s, f) => s + at(fr, f, i, d), 0) / frames.length;
  const mU = Array.from({ length: fr.dim }, (_, d) => mean(U, d));
  const mV = Array.from({ length: fr.dim }, (_, d) => mean(V, d));
  const sq = (f: number, m: number[]) => m.reduce((s, md, d) => s + (at(fr, f, i, d) - md) ** 2, 0);
  if (meanOfProducts) {
    // <(r - <r>_U)^2 (r - <r>_V)^2> over the whole window: not the product of means
    const W = [...new Set([...U, ...V])];
    return Math.sqrt(W.reduce((s, f) => s + sq(f, mU) * sq(f, mV), 0) / W.length);
  }
  const A = V.reduce((s, f) => s + sq(f, mU), 0) / V.length;
  const B = U.reduce((s, f) => s + sq(f, mV), 0) / U.length;
  return Math.sqrt(A * B);
}

describe('p_hop fast against literal', () => {
  for (const [dim, w] of [[3, 2], [3, 3], [3, 4], [3, 7], [2, 10], [2, 5], [3, 18]] as const) {
    it(`random walk, ${dim}D, window ${w} frames`, () => {
      const fr = randomWalk({ n: 70, frames: 25, dim, step: 0.12, seed: 100 + w, L: 4 });
      const ph = computePhop(fr, { windowFrames: w });
      expect(ph.hU + ph.hV).toBe(w);
      expect(ph.firstFrame).toBe(Math.floor(w / 2));
      expect(ph.lastFrame).toBe(24 - Math.ceil(w / 2));
      let differs = 0;
      for (let i = 0; i < fr.n; i++) {
        for (let t = 0; t < fr.nFrames; t++) {
          const ref = literalPhop(fr, i, t, w);
          const got = ph.values[t * fr.n + i];
          if (Number.isNaN(ref)) expect(got).toBeNaN();
          else {
            expect(Math.abs(got - ref)).toBeLessThan(1e-11 * Math.max(1, ref));
            if (Math.abs(literalPhop(fr, i, t, w, true) - ref) > 1e-3 * ref) differs++;
          }
        }
      }
      // the mean-of-products variant disagrees on random data
      expect(differs).toBeGreaterThan(0.9 * fr.n * (ph.lastFrame - ph.firstFrame + 1));
      // the sqrt form is the square root
      const sq = computePhop(fr, { windowFrames: w, form: 'sqrt' });
      for (let k = 0; k < ph.values.length; k++) if (!Number.isNaN(ph.values[k])) expect(sq.values[k]).toBeCloseTo(Math.sqrt(ph.values[k]), 12);
    });
  }

  it('large unwrapped coordinates do not cost precision (positions relative to the first frame)', () => {
    const fr = randomWalk({ n: 10, frames: 30, step: 0.05, seed: 9 });
    const shifted = framesFromArrays({ ...fr, positions: fr.positions.map((x) => x + 1e4) });
    const a = computePhop(fr, { windowFrames: 8 }), b = computePhop(shifted, { windowFrames: 8 });
    for (let k = 0; k < a.values.length; k++) if (!Number.isNaN(a.values[k])) expect(Math.abs(a.values[k] - b.values[k])).toBeLessThan(1e-12);
  });
});

describe('p_hop physics and events', () => {
  it('one jump of length J: p_hop = (5/6)^(3/2) J^2 at the jump, 0 far from it, one event', () => {
    const T = 41, J = 1.2, w = 10;
    const X = new Float64Array(T * 2 * 3);
    for (let f = 0; f < T; f++) { X[(f * 2) * 3] = f >= 20 ? J : 0; X[(f * 2 + 1) * 3 + 1] = 0.5; }
    const fr = framesFromArrays({ n: 2, dim: 3, positions: X, times: Float64Array.from({ length: T }, (_, f) => f * 0.5), box: Box.cube(3, 10), types: [1, 2], ids: [5, 9] });
    expect(phopWindowFrames(fr, 5)).toBe(10);
    const ph = computePhop(fr, { window: 5 });
    // at t = 20: U = frames 15..20 (5 at 0, 1 at J), V = 20..25 (all at J)
    // A = <(r - J/6)^2>_V = (5J/6)^2, B = <(r - J)^2>_U = 5/6 J^2
    expect(ph.values[20 * 2]).toBeCloseTo(Math.sqrt(((5 * J) / 6) ** 2 * ((5 / 6) * J * J)), 12);
    expect(ph.values[10 * 2]).toBe(0);
    expect(ph.values[20 * 2 + 1]).toBe(0);
    // at t = 15 and t = 24 the jump sits at the window's end: p_hop = J^2 / sqrt(216) = 0.098
    expect(ph.values[15 * 2]).toBeCloseTo((J * J) / Math.sqrt(216), 12);
    expect(ph.values[25 * 2]).toBe(0);
    const { events, perAtom } = hopEvents(ph, 0.05);
    expect(Array.from(perAtom)).toEqual([1, 0]);
    const e = events[0];
    expect(e).toMatchObject({ atom: 0, id: 5, type: 1 });
    // p_hop > 0 while the jump is inside the window: frames 15..24 (t - hU < 20 <= t + hV)
    expect(e.frameStart).toBe(15);
    expect(e.frameEnd).toBe(24);
    expect(hopEvents(ph, 0.1).events[0]).toMatchObject({ frameStart: 16, frameEnd: 23, tStart: 8, tEnd: 11.5 });
    expect(e.tMax).toBe(9.5); // t = 19 and 20 tie (U, V mirror each other); the first maximum is reported
    expect(ph.trace(0).length).toBe(T);
    expect(ph.figure({ pc: 0.1 }).data.length).toBe(3); // two atoms and the threshold
  });

  it('p_c from the alpha_2 peak is MSD(t*) of the chosen group', () => {
    const fr = randomWalk({ n: 50, frames: 40, step: 0.1, seed: 3 });
    const dyn = selfDynamics(fr, { lags: 'all' });
    const th = phopThreshold(dyn);
    expect(th.pc).toBeCloseTo(dyn.get().alpha2Peak.msd, 15);
    expect(th.tStar).toBeGreaterThan(0);
  });

  it('refuses a window longer than the trajectory or shorter than 2 frames', () => {
    const fr = randomWalk({ n: 3, frames: 10, step: 0.1, seed: 1 });
    expect(() => computePhop(fr, { window: 15 })).toThrow(/window of 300 frames is longer than the trajectory \(10 frames, 0\.45 time units\)/);
    expect(() => computePhop(fr, { window: 0.05 })).toThrow(/at least 2 frames, got 1/);
    expect(() => computePhop(fr, { windowFrames: 9 })).not.toThrow();
  });
});
