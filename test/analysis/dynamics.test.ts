/**
 * Dynamics toolkit against literal loops on random trajectories (linear
 * and log-spaced frames, every origin), and physics: alpha_2 = 0 and
 * F_s = exp(-k^2 MSD / 6) for Gaussian displacements, MSD = d s^2 t/dt for
 * a random walk and v^2 t^2 for ballistic motion, q(t) and tau_alpha of a
 * known case, C_S = 1 for a frozen field and 0 for an uncorrelated one.
 */
import { describe, expect, it } from 'vitest';
import {
  alpha2Peak, besselJ0, lagPlan, sinc, msd, overlapBySoftness, selfDynamics, softnessAutocorrelation, softnessPropagator,
} from '../../src/analysis/dynamics/dynamics.ts';
import { framesFromArrays, type TrajectoryFrames } from '../../src/analysis/dynamics/frames.ts';
import { Box } from '../../src/system/box.ts';
import { mulberry32 } from '../support/random.ts';
import { gaussian, randomWalk } from './dynamics-fixtures.ts';

/** Literal: for a time lag dt, every frame pair (a, b) with t_b - t_a = dt, every atom in `atoms`. */
function literal(fr: TrajectoryFrames, lagTime: number, atoms: number[], a: number, k: number) {
  let c = 0, r2s = 0, r4s = 0, ov = 0, fs = 0;
  for (let fa = 0; fa < fr.nFrames; fa++) {
    for (let fb = fa; fb < fr.nFrames; fb++) {
      if (Math.abs(fr.times[fb] - fr.times[fa] - lagTime) > 1e-9) continue;
      for (const i of atoms) {
        const dr: number[] = [];
        for (let d = 0; d < fr.dim; d++) dr.push(fr.positions[(fb * fr.n + i) * fr.dim + d] - fr.positions[(fa * fr.n + i) * fr.dim + d]);
        const r = Math.hypot(...dr);
        c++; r2s += r * r; r4s += r ** 4; ov += r < a ? 1 : 0;
        fs += fr.dim === 3 ? (r === 0 ? 1 : Math.sin(k * r) / (k * r)) : besselJ0(k * r);
      }
    }
  }
  const m2 = r2s / c, m4 = r4s / c, d = fr.dim;
  return { msd: m2, alpha2: m2 > 0 ? (d * m4) / ((d + 2) * m2 * m2) - 1 : NaN, q: ov / c, fs: fs / c };
}

function compareWithLiteral(fr: TrajectoryFrames, opts: Parameters<typeof selfDynamics>[1]) {
  const res = selfDynamics(fr, opts);
  const a = opts?.a ?? 0.3, k = opts?.k ?? 7.25;
  for (const s of res.series) {
    const atoms = Array.from({ length: fr.n }, (_, i) => i).filter((i) => (s.type === 0 || fr.types[i] === s.type)
      && (!opts?.select || !('indices' in opts.select) || Array.from(opts.select.indices).includes(i)));
    expect(s.atoms).toBe(atoms.length);
    res.t.forEach((t, l) => {
      const ref = literal(fr, t, atoms, a, k);
      expect(s.msd[l]).toBeCloseTo(ref.msd, 12);
      if (t > 0) expect(s.alpha2[l]).toBeCloseTo(ref.alpha2, 10);
      expect(s.overlap[l]).toBeCloseTo(ref.q, 12);
      expect(s.fs[l]).toBeCloseTo(ref.fs, 12);
    });
  }
  return res;
}

describe('selfDynamics against literal loops', () => {
  it('linear frames, every lag and origin, 3D, per species', () => {
    const fr = randomWalk({ n: 20, frames: 15, step: 0.15, seed: 11 });
    const res = compareWithLiteral(fr, { lags: 'all', a: 0.3, k: 6.5 });
    expect(res.t.length).toBe(15);
    expect(res.series.map((s) => s.label)).toEqual(['all', 'type 1', 'type 2']);
  });

  it('log-spaced frames (pairs that exist), 2D, a selection by indices', () => {
    const times = [0, 0.01, 0.02, 0.04, 0.08, 0.16, 0.17, 0.18, 0.2, 0.24, 0.32];
    const fr = randomWalk({ n: 12, frames: times.length, dim: 2, step: 0.2, seed: 5, times });
    const res = compareWithLiteral(fr, { select: { indices: [0, 3, 4, 10, 11] }, k: 4 });
    // lags 0.01 (pairs 0-1, 1-2, 5-6, 6-7) and 0.16 (0-5, 1-6, 2-7, 5-10) exist several times
    const plan = lagPlan(fr.times);
    const l01 = Array.from(plan.times).findIndex((t) => Math.abs(t - 0.01) < 1e-12);
    expect(plan.start[l01 + 1] - plan.start[l01]).toBe(4);
    expect(res.get(2).atoms).toBe(2);
  });

  it('log lags with a limited number of origins on linear frames', () => {
    const fr = randomWalk({ n: 6, frames: 60, step: 0.1, seed: 2 });
    const plan = lagPlan(fr.times, { lags: 'log', pointsPerDecade: 5, maxOrigins: 7 });
    expect(Array.from(plan.frameLags!)).toEqual([0, 1, 2, 3, 4, 6, 10, 16, 25, 40, 59]);
    for (let l = 0; l < plan.times.length; l++) {
      const lag = plan.frameLags![l];
      const n = plan.start[l + 1] - plan.start[l];
      expect(n).toBe(Math.min(7, 60 - lag));
      for (let p = plan.start[l]; p < plan.start[l + 1]; p++) expect(plan.b[p] - plan.a[p]).toBe(lag);
    }
    const res = selfDynamics(fr, { lags: [0, 5, 20], maxOrigins: 60 });
    const all = Array.from({ length: 6 }, (_, i) => i);
    expect(res.series[0].msd[2]).toBeCloseTo(literal(fr, fr.times[20], all, 0.3, 7.25).msd, 12);
  });

  it('msd() of a mask equals the selection of the same atoms', () => {
    const fr = randomWalk({ n: 30, frames: 20, step: 0.1, seed: 8 });
    const mask = Array.from({ length: 30 }, (_, i) => i % 3 === 0);
    const m = msd(fr, { mask });
    const idx = msd(fr, { indices: mask.flatMap((b, i) => (b ? [i] : [])) });
    expect(m.atoms).toBe(10);
    expect(Array.from(m.msd)).toEqual(Array.from(idx.msd));
    m.t.forEach((t, l) => expect(m.msd[l]).toBeCloseTo(literal(fr, t, mask.flatMap((b, i) => (b ? [i] : [])), 0.3, 1).msd, 12));
    expect(() => msd(fr, { mask: [true] })).toThrow(/1 entries for 30 atoms/);
    expect(() => msd(fr, { types: [7] })).toThrow(/no atoms/);
  });
});

describe('physics of known cases', () => {
  it('Gaussian random walk: MSD = d s^2 t/dt, alpha_2 = 0, F_s = exp(-k^2 MSD/(2d)) statistically', () => {
    const s = 0.05;
    const fr = randomWalk({ n: 2000, frames: 40, step: s, seed: 21, types: new Int32Array(2000).fill(1) });
    const res = selfDynamics(fr, { lags: [1, 4, 16, 39], k: 7.25 });
    const all = res.get();
    for (let l = 0; l < res.t.length; l++) {
      const steps = res.t[l] / 0.05;
      expect(all.msd[l] / (3 * s * s * steps)).toBeCloseTo(1, 1);
      expect(Math.abs(all.alpha2[l])).toBeLessThan(0.03);
      expect(all.fs[l]).toBeCloseTo(Math.exp((-7.25 * 7.25 * all.msd[l]) / 6), 2);
    }
  });

  it('ballistic motion: MSD = v^2 t^2, alpha_2 = -2/5 for equal speeds in 3D, q drops at a/v', () => {
    const n = 50, T = 30, v = 0.1, dt = 0.1;
    const u = mulberry32(4);
    const X = new Float64Array(T * n * 3);
    for (let i = 0; i < n; i++) {
      const z = 2 * u() - 1, ph = 2 * Math.PI * u(), rr = Math.sqrt(1 - z * z);
      const e = [rr * Math.cos(ph), rr * Math.sin(ph), z];
      for (let f = 0; f < T; f++) for (let d = 0; d < 3; d++) X[(f * n + i) * 3 + d] = 1 + v * f * dt * e[d];
    }
    const fr = framesFromArrays({ n, dim: 3, positions: X, times: Float64Array.from({ length: T }, (_, f) => f * dt), box: Box.cube(3, 10) });
    const res = selfDynamics(fr, { lags: 'all', a: 0.105 });
    const all = res.get();
    res.t.forEach((t, l) => {
      expect(all.msd[l]).toBeCloseTo(v * v * t * t, 12);
      if (t > 0) expect(all.alpha2[l]).toBeCloseTo(-0.4, 10);
      // |dr| = v t < a until t = a / v = 1.05
      expect(all.overlap[l]).toBe(v * t < 0.105 ? 1 : 0);
    });
    // q jumps from 1 to 0 between t = 1.0 and 1.1: 1/e is crossed at ln t interpolated
    expect(all.tauAlpha).toBeCloseTo(Math.exp((1 - Math.exp(-1)) * Math.log(1.1)), 10);
  });

  it('alpha_2 peak: a parabola in ln t is found exactly, MSD interpolated log-log, late noisy lags ignored', () => {
    const t = [0, 0.3, 0.7, 1.5, 3.1, 6.4, 12.8, 30];
    const a2 = t.map((x) => (x > 0 ? 0.5 - (Math.log(x) - Math.log(2.2)) ** 2 : NaN));
    a2[7] = 9; // a noisy last lag
    const m = t.map((x) => 0.01 * x ** 1.5);
    const pk = alpha2Peak(t, a2, m, 15);
    expect(pk.t).toBeCloseTo(2.2, 12);
    expect(pk.alpha2).toBeCloseTo(0.5, 12);
    expect(pk.msd).toBeCloseTo(0.01 * 2.2 ** 1.5, 12);
    expect(pk.lag).toBe(4); // t = 3.1 is the largest sample
    expect(alpha2Peak(t, a2, m).lag).toBe(7);
  });

  it('sinc = sin(x)/x to rounding over the range of k|dr|', () => {
    const u = mulberry32(12);
    for (let j = 0; j < 20000; j++) {
      const x = j < 10 ? j * 1e-5 : j < 19000 ? 200 * u() : 5e5 * u();
      const ref = x === 0 ? 1 : Math.sin(x) / x;
      expect(Math.abs(sinc(x) - ref) * Math.max(1, x)).toBeLessThan(1e-15);
    }
  });

  it('besselJ0 matches its series', () => {
    for (const x of [0, 0.5, 2.404825557695773, 5, 7.9, 8.1, 15]) {
      let s = 0, term = 1;
      for (let m = 0; m < 80; m++) { s += term; term *= -(x * x) / (4 * (m + 1) * (m + 1)); }
      expect(besselJ0(x)).toBeCloseTo(s, 7);
    }
    expect(besselJ0(40)).toBeCloseTo(0.0073668905842372, 7); // Abramowitz & Stegun
  });
});

describe('softness-field analyses', () => {
  const fr = randomWalk({ n: 40, frames: 25, step: 0.2, seed: 31 });
  const g = gaussian(77);
  const noise = Float64Array.from({ length: 25 * 40 }, () => g());
  const frozen = Float64Array.from({ length: 25 * 40 }, (_, k) => noise[k % 40]);

  it('C_S: 1 at t = 0, 1 at all t for a frozen field, ~0 for an uncorrelated one; literal on a random mix', () => {
    const c0 = softnessAutocorrelation(fr, frozen, { lags: 'all' });
    c0.c.forEach((c) => expect(c).toBeCloseTo(1, 12));
    const c1 = softnessAutocorrelation(fr, noise, { lags: [0, 5, 10] });
    expect(c1.c[0]).toBeCloseTo(1, 12);
    expect(Math.abs(c1.c[1])).toBeLessThan(0.15);
    const mix = Float64Array.from(noise, (x, k) => 0.6 * frozen[k] + 0.8 * x);
    const c2 = softnessAutocorrelation(fr, mix, { lags: [3] });
    let mean = 0;
    mix.forEach((x) => { mean += x; });
    mean /= mix.length;
    let v = 0;
    mix.forEach((x) => { v += (x - mean) ** 2; });
    v /= mix.length;
    let s = 0, m = 0;
    for (let f = 0; f + 3 < 25; f++) for (let i = 0; i < 40; i++) { s += (mix[f * 40 + i] - mean) * (mix[(f + 3) * 40 + i] - mean); m++; }
    expect(c2.c[0]).toBeCloseTo(s / m / v, 12);
    expect(() => softnessAutocorrelation(fr, new Float64Array(3))).toThrow(/3 values; 25 frames x 40 atoms/);
  });

  it('q(S, t) groups particles by their field at the origin (literal)', () => {
    const edges = [-4, -0.5, 0.5, 4];
    const res = overlapBySoftness(fr, noise, { bins: edges, lags: [0, 2, 7], a: 0.3 });
    for (let b = 0; b < 3; b++) {
      res.t.forEach((t, l) => {
        const lag = Math.round(t / 0.05);
        let c = 0, o = 0;
        for (let f = 0; f + lag < 25; f++) {
          for (let i = 0; i < 40; i++) {
            const S = noise[f * 40 + i];
            if (!(S >= edges[b] && (b === 2 ? S <= edges[b + 1] : S < edges[b + 1]))) continue;
            let r2 = 0;
            for (let d = 0; d < 3; d++) r2 += (fr.positions[((f + lag) * 40 + i) * 3 + d] - fr.positions[(f * 40 + i) * 3 + d]) ** 2;
            c++; o += Math.sqrt(r2) < 0.3 ? 1 : 0;
          }
        }
        expect(res.q[b][l]).toBeCloseTo(o / c, 12);
      });
    }
  });

  it('propagator: a frozen field stays on the diagonal; the distance filter keeps only particles that stay close', () => {
    const bins = { min: -4, max: 4, count: 8 };
    const p = softnessPropagator(fr, frozen, { bins, lags: [4] });
    const B = 8;
    let off = 0, on = 0;
    for (let b0 = 0; b0 < B; b0++) for (let b = 0; b < B; b++) (b0 === b ? (on += p.counts[0][b0 * B + b]) : (off += p.counts[0][b0 * B + b]));
    expect(off).toBe(0);
    expect(on).toBe(40 * 21);
    for (let b0 = 0; b0 < B; b0++) {
      const row = p.density[0].slice(b0 * B, b0 * B + B).reduce((x, y) => x + y, 0);
      if (p.counts[0].slice(b0 * B, b0 * B + B).some((c) => c > 0)) expect(row).toBeCloseTo(1, 12); // bin width 1
    }
    const r = 0.35;
    const q = softnessPropagator(fr, frozen, { bins, lags: [4], maxDisplacement: r });
    let kept = 0;
    for (let f = 0; f + 4 < 25; f++) {
      for (let i = 0; i < 40; i++) {
        let ok = true;
        for (let h = 1; h <= 4; h++) {
          let r2 = 0;
          for (let d = 0; d < 3; d++) r2 += (fr.positions[((f + h) * 40 + i) * 3 + d] - fr.positions[(f * 40 + i) * 3 + d]) ** 2;
          if (Math.sqrt(r2) >= r) ok = false;
        }
        if (ok && Math.abs(frozen[i]) <= 4) kept++;
      }
    }
    expect(q.counts[0].reduce((x, y) => x + y, 0)).toBe(kept);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(40 * 21);
  });
});
