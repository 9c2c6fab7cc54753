/**
 * Plastic-event analysis (src/analysis/plastic-events.ts).
 *
 * - D2min equals a literal implementation on random data (2D and 3D,
 *   tilted cells): all pairs by brute force over periodic images, the best
 *   local J by solving the normal equations with Gaussian elimination on
 *   number[][]; it vanishes for an affine deformation and is a minimum over J.
 * - The non-affine displacement vanishes for a pure affine shear, also across
 *   a tilt flip, and equals the added noise otherwise.
 * - Detection thresholds and their defaults.
 */
import { describe, expect, it } from 'vitest';
import {
  affineShearDisplacement, d2minField, isPlasticStep, largestDisplacement, meanInterparticleDistance, nonAffineDisplacement,
  resolveDetection, shearTiltChange,
} from '../../src/analysis/plastic/plastic-events.ts';
import { applyShear } from '../../src/protocols/aqs.ts';
import { Box } from '../../src/system/box.ts';
import { cloneSystem, createSystem, type System } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';

/** n random points in a (possibly tilted) box, no two closer than dmin (random sequential addition). */
function randomPoints(box: Box, n: number, seed: number, dmin = 0.5): System {
  const rnd = mulberry32(seed);
  const d = box.dim, pos: number[] = [];
  const s = new Float64Array(3), x = new Float64Array(3), v = new Float64Array(3);
  while (pos.length < n * d) {
    for (let k = 0; k < d; k++) s[k] = rnd();
    box.fromFractional(s, 0, x, 0);
    let ok = true;
    for (let j = 0; j < pos.length / d && ok; j++) {
      for (let k = 0; k < d; k++) v[k] = x[k] - pos[j * d + k];
      box.minimumImage(v, 0);
      let r2 = 0;
      for (let k = 0; k < d; k++) r2 += v[k] * v[k];
      ok = r2 > dmin * dmin;
    }
    if (ok) for (let k = 0; k < d; k++) pos.push(x[k]);
  }
  return createSystem({ box, positions: pos });
}

/** Shortest periodic image of b - a by brute force over image shifts -2..2 (no minimum-image shortcut). */
function literalSeparation(box: Box, a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const d = box.dim, L = box.lengths;
  const cell = d === 2 ? [[L[0], 0], [box.xy, L[1]]] : [[L[0], 0, 0], [box.xy, L[1], 0], [box.xz, box.yz, L[2]]];
  let best: number[] = [], b2 = Infinity;
  const rng = [-2, -1, 0, 1, 2];
  for (const i of rng) for (const j of rng) for (const k of d === 3 ? rng : [0]) {
    const v = Array.from({ length: d }, (_, c) => b[c] - a[c] + i * cell[0][c] + j * cell[1][c] + (d === 3 ? k * cell[2][c] : 0));
    const q = v.reduce((s, t) => s + t * t, 0);
    if (q < b2) { b2 = q; best = v; }
  }
  return best;
}

/** Solve A x = b by Gaussian elimination with partial pivoting (number[][]). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length, M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) { const f = M[r][c] / M[c][c]; for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k]; }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) { let s = M[r][n]; for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k]; x[r] = s / M[r][r]; }
  return x;
}

/** Falk-Langer D2min literally: neighbours within rc in `before`, J minimising sum |d1 - J d0|^2 row by row. */
function literalD2min(before: System, after: System, rc: number): { d2: number[]; J: number[][][]; nbrs: number[][] } {
  const d = before.dim, xb = before.positions, xa = after.positions;
  const d2: number[] = [], Js: number[][][] = [], nbrs: number[][] = [];
  for (let i = 0; i < before.n; i++) {
    const pairs: { d0: number[]; d1: number[] }[] = [];
    const list: number[] = [];
    for (let j = 0; j < before.n; j++) {
      if (j === i) continue;
      const d0 = literalSeparation(before.box, xb.subarray(i * d, i * d + d), xb.subarray(j * d, j * d + d));
      if (Math.hypot(...d0) >= rc) continue;
      const d1 = literalSeparation(after.box, xa.subarray(i * d, i * d + d), xa.subarray(j * d, j * d + d));
      pairs.push({ d0, d1 });
      list.push(j);
    }
    // each row a of J solves the least-squares problem min sum_j (d1_a - J_a . d0)^2: normal equations Y J_a = X_a
    const Y = Array.from({ length: d }, (_, p) => Array.from({ length: d }, (_, q) => pairs.reduce((s, t) => s + t.d0[p] * t.d0[q], 0)));
    const J = Array.from({ length: d }, (_, a) => solve(Y, Array.from({ length: d }, (_, q) => pairs.reduce((s, t) => s + t.d1[a] * t.d0[q], 0))));
    d2.push(sumSq(pairs, J));
    Js.push(J);
    nbrs.push(list);
  }
  return { d2, J: Js, nbrs };
}

function sumSq(pairs: { d0: number[]; d1: number[] }[], J: number[][]): number {
  let s = 0;
  for (const { d0, d1 } of pairs) for (let a = 0; a < d0.length; a++) { let r = d1[a]; for (let b = 0; b < d0.length; b++) r -= J[a][b] * d0[b]; s += r * r; }
  return s;
}

/** `before` sheared affinely by dxy (with flip if it passes lx/2) plus uniform noise of amplitude eta. */
function deformed(before: System, dxy: number, eta: number, seed: number): { after: System; noise: Float64Array } {
  const after = cloneSystem(before);
  after.images = new Int32Array(after.n * after.dim);
  applyShear(after, dxy);
  const rnd = mulberry32(seed);
  const noise = new Float64Array(after.positions.length);
  for (let i = 0; i < noise.length; i++) { noise[i] = eta * (2 * rnd() - 1); after.positions[i] += noise[i]; }
  return { after, noise };
}

describe('D2min (Falk & Langer)', () => {
  const cases: [string, Box][] = [
    ['2D orthogonal', new Box({ dim: 2, lo: [0, 0], lengths: [7, 6] })],
    ['2D tilted', new Box({ dim: 2, lo: [-1, 2], lengths: [7, 6], tilt: { xy: 1.3 } })],
    ['3D tilted', new Box({ dim: 3, lo: [0, 0, 0], lengths: [5, 5.5, 6], tilt: { xy: 0.7, xz: -0.4, yz: 0.5 } })],
  ];
  for (const [name, box] of cases) {
    it(`equals a literal implementation on random data (${name})`, () => {
      const before = randomPoints(box, box.dim === 2 ? 50 : 60, 11);
      const { after } = deformed(before, 0.02 * box.lengths[1], 0.05, 12);
      const rc = 1.7;
      const fast = d2minField(before, after, { cutoff: rc });
      const lit = literalD2min(before, after, rc);
      for (let i = 0; i < before.n; i++) {
        expect(Math.abs(fast[i] - lit.d2[i])).toBeLessThan(1e-10 * Math.max(1, lit.d2[i]));
        expect(fast[i]).toBeGreaterThan(0);
      }
      // J is the minimiser: perturbing it raises the sum
      const rnd = mulberry32(5);
      const d = box.dim;
      for (const i of [0, 7, 19]) {
        const pairs = lit.nbrs[i].map((j) => ({
          d0: literalSeparation(before.box, before.positions.subarray(i * d, i * d + d), before.positions.subarray(j * d, j * d + d)),
          d1: literalSeparation(after.box, after.positions.subarray(i * d, i * d + d), after.positions.subarray(j * d, j * d + d)),
        }));
        const Jp = lit.J[i].map((row) => row.map((v) => v + 1e-3 * (2 * rnd() - 1)));
        expect(sumSq(pairs, Jp)).toBeGreaterThan(fast[i]);
      }
    });
  }

  it('vanishes for an affine shear (also across a tilt flip)', () => {
    const box = new Box({ dim: 2, lo: [0, 0], lengths: [8, 7], tilt: { xy: 3.95 } });
    const before = randomPoints(box, 60, 3);
    const { after } = deformed(before, 0.1, 0, 1);
    expect(after.box.xy).toBeCloseTo(3.95 + 0.1 - 8, 12);
    const f = d2minField(before, after);
    for (const v of f) expect(Math.abs(v)).toBeLessThan(1e-20);
  });

  it('uses the default cutoff 2.5 (V/N)^(1/d) and rejects a bad one', () => {
    const box = new Box({ dim: 2, lo: [0, 0], lengths: [8, 8] });
    const before = randomPoints(box, 40, 4);
    const { after } = deformed(before, 0.05, 0.03, 2);
    const a = meanInterparticleDistance(before);
    expect(a).toBeCloseTo(Math.sqrt(64 / 40), 12);
    expect(Array.from(d2minField(before, after))).toEqual(Array.from(d2minField(before, after, { cutoff: 2.5 * a })));
    expect(() => d2minField(before, after, { cutoff: -1 })).toThrow(/cutoff/);
  });
});

describe('non-affine displacement', () => {
  const box = new Box({ dim: 2, lo: [0, 0], lengths: [8, 7], tilt: { xy: 3.9 } });
  const before = randomPoints(box, 60, 8);

  it('is zero for an affine shear, including across a flip, and equals added noise otherwise', () => {
    const { after } = deformed(before, 0.2, 0, 1);
    expect(after.box.xy).toBeLessThan(0); // flipped
    expect(shearTiltChange(before.box, after.box)).toBeCloseTo(0.2, 12);
    expect(largestDisplacement(nonAffineDisplacement(before, after), 2).norm).toBeLessThan(1e-12);
    const noisy = deformed(before, 0.2, 0.04, 9);
    const u = nonAffineDisplacement(before, noisy.after);
    for (let i = 0; i < u.length; i++) expect(Math.abs(u[i] - noisy.noise[i])).toBeLessThan(1e-12);
    const { atom, norm } = largestDisplacement(u, 2);
    let best = 0;
    for (let i = 0; i < before.n; i++) best = Math.max(best, Math.hypot(noisy.noise[2 * i], noisy.noise[2 * i + 1]));
    expect(norm).toBeCloseTo(best, 14);
    expect(Math.hypot(u[2 * atom], u[2 * atom + 1])).toBeCloseTo(norm, 15);
  });

  it('the affine shear moves x by s_y dxy (3D, tilted)', () => {
    const b3 = new Box({ dim: 3, lo: [1, 2, 3], lengths: [5, 6, 7], tilt: { xy: 0.5, xz: 0.2, yz: -0.3 } });
    const p = randomPoints(b3, 20, 2);
    const dx = affineShearDisplacement(p.positions, b3, 0.12);
    const s = new Float64Array(3);
    for (let i = 0; i < p.n; i++) {
      b3.toFractional(p.positions, 3 * i, s, 0);
      expect(dx[i]).toBeCloseTo(s[1] * 0.12, 14);
    }
  });

  it('refuses cells that differ by more than the xy tilt', () => {
    const other = cloneSystem(before);
    other.box = before.box.with({ lengths: [8.1, 7] });
    expect(() => nonAffineDisplacement(before, other)).toThrow(/only a change of the xy tilt/);
  });
});

describe('detection', () => {
  it('needs a stress drop and a rearrangement above the thresholds', () => {
    const box = new Box({ dim: 2, lo: [0, 0], lengths: [10, 10] });
    const det = resolveDetection({ n: 100, dim: 2, box });
    expect(det.minDisplacement).toBeCloseTo(0.05, 14);
    expect(det.minStressDrop).toBe(0);
    expect(isPlasticStep(1, 0.9, 0.3, det)).toBe(true);
    expect(isPlasticStep(1, 1.1, 0.3, det)).toBe(false); // stress rose
    expect(isPlasticStep(1, 0.9, 0.01, det)).toBe(false); // no rearrangement
    expect(isPlasticStep(1, 0.95, 0.3, resolveDetection({ n: 100, dim: 2, box }, { minStressDrop: 0.1 }))).toBe(false);
    expect(() => resolveDetection({ n: 100, dim: 2, box }, { minDisplacement: 0 })).toThrow(/minDisplacement/);
  });
});
