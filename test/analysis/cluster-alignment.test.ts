import { describe, expect, it } from 'vitest';
import {
  alignClusters, alignToTemplates, CLUSTER_TEMPLATE_NAMES, clusterSimilarityMatrix, clusterTemplate, extractFirstShellClusters, kabschRotation,
  normalizedClusterPositions, templateMatchFractions, type ClusterShape,
} from '../../src/analysis/structure/cluster-alignment.ts';
import { nearestNeighbourDistance } from '../../src/analysis/structure/first-shell.ts';
import { minCostAssignment } from '../../src/numeric/hungarian.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';

function randomRotation(rnd: () => number): Float64Array {
  // unit quaternion from 4 gaussians (Box-Muller)
  const g = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  let [w, x, y, z] = [g(), g(), g(), g()];
  const n = Math.hypot(w, x, y, z); w /= n; x /= n; y /= n; z /= n;
  return Float64Array.of(
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y));
}

function apply(R: Float64Array, p: Float64Array): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length / 3; i++) for (let r = 0; r < 3; r++) out[i * 3 + r] = R[r * 3] * p[i * 3] + R[r * 3 + 1] * p[i * 3 + 1] + R[r * 3 + 2] * p[i * 3 + 2];
  return out;
}

function det3(R: Float64Array): number {
  return R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
}

function rss(R: Float64Array, P: Float64Array, Q: Float64Array): number {
  const x = apply(R, P);
  let s = 0;
  for (let k = 0; k < x.length; k++) s += (x[k] - Q[k]) ** 2;
  return s;
}

/** rotate, permute and perturb a cluster */
function scramble(c: ClusterShape, seed: number, noise: number): { shape: ClusterShape; perm: number[]; R: Float64Array } {
  const rnd = mulberry32(seed);
  const R = randomRotation(rnd);
  const rotated = apply(R, c.positions);
  const perm = [...Array(c.size).keys()];
  for (let i = perm.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [perm[i], perm[j]] = [perm[j], perm[i]]; }
  const pos = new Float64Array(3 * c.size);
  // atom k of the new cluster is atom perm[k] of the old one
  for (let k = 0; k < c.size; k++) for (let r = 0; r < 3; r++) pos[k * 3 + r] = rotated[perm[k] * 3 + r] + noise * (rnd() - 0.5);
  return { shape: { size: c.size, positions: pos }, perm, R };
}

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let k = 0; k <= p.length; k++) out.push([...p.slice(0, k), n - 1, ...p.slice(k)]);
  return out;
}

describe('minCostAssignment (Hungarian)', () => {
  it('equals brute force over all injective maps on random rectangular matrices', () => {
    const rnd = mulberry32(3);
    for (let t = 0; t < 40; t++) {
      const r = 1 + (t % 5), c = r + (t % 3);
      const cost = Float64Array.from({ length: r * c }, () => Math.round(rnd() * 20) / 4);
      const out = new Int32Array(r);
      const got = minCostAssignment(cost, r, c, out);
      let best = Infinity;
      for (const p of permutations(c)) {
        let s = 0;
        for (let i = 0; i < r; i++) s += cost[i * c + p[i]];
        best = Math.min(best, s);
      }
      expect(got).toBeCloseTo(best, 12);
      expect(new Set(out).size).toBe(r);
      let s = 0;
      for (let i = 0; i < r; i++) s += cost[i * c + out[i]];
      expect(s).toBeCloseTo(got, 12);
    }
  });
});

describe('kabschRotation', () => {
  it('recovers a known rotation and is optimal against random rotations', () => {
    const rnd = mulberry32(11);
    const P = Float64Array.from({ length: 30 }, () => rnd() - 0.5);
    const Rt = randomRotation(rnd);
    const Q = apply(Rt, P).map((x) => x + 1e-3 * (rnd() - 0.5));
    const R = new Float64Array(9);
    const res = kabschRotation(P, Q, 10, R);
    expect(det3(R)).toBeCloseTo(1, 12);
    for (let k = 0; k < 9; k++) expect(R[k]).toBeCloseTo(Rt[k], 2);
    expect(res).toBeCloseTo(rss(R, P, Q), 12);
    expect(res).toBeLessThanOrEqual(rss(Rt, P, Q) + 1e-15);
    for (let t = 0; t < 500; t++) expect(res).toBeLessThanOrEqual(rss(randomRotation(rnd), P, Q));
  });

  it('returns a proper rotation (det +1) when the best orthogonal map is a reflection', () => {
    const rnd = mulberry32(5);
    const P = Float64Array.from({ length: 24 }, () => rnd() - 0.5);
    const Q = P.map((x) => -x); // inversion: det -1
    const R = new Float64Array(9);
    const res = kabschRotation(P, Q, 8, R);
    expect(det3(R)).toBeCloseTo(1, 10);
    for (let t = 0; t < 300; t++) expect(res).toBeLessThanOrEqual(rss(randomRotation(rnd), P, Q) + 1e-12);
  });

  it('handles planar point sets', () => {
    const P = Float64Array.of(1, 0, 0, 0, 1, 0, -1, 0, 0, 0, -1, 0);
    const R0 = randomRotation(mulberry32(2));
    const R = new Float64Array(9);
    expect(kabschRotation(P, apply(R0, P), 4, R)).toBeLessThan(1e-20);
    expect(det3(R)).toBeCloseTo(1, 12);
  });
});

describe('alignClusters', () => {
  it('recovers a rotated, permuted, perturbed icosahedron (score ~ noise, assignment = permutation)', () => {
    const ico = clusterTemplate('icosahedron');
    expect(alignClusters(scramble(ico, 21, 0.01).shape, ico).score).toBeLessThan(0.01);
    // an asymmetric cluster has a unique best assignment: the permutation undone
    const rnd = mulberry32(23);
    const asym: ClusterShape = { size: 12, positions: Float64Array.from({ length: 36 }, () => rnd() - 0.5) };
    const { shape, perm, R } = scramble(asym, 21, 0.01);
    const a = alignClusters(shape, asym);
    expect(a.score).toBeLessThan(0.02);
    // rotated cluster is `shape` (equal sizes): its atom k is original atom perm[k]; the rotation undoes R
    expect([...a.assignment]).toEqual(perm);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) expect(a.rotation[r * 3 + c]).toBeCloseTo(R[c * 3 + r], 1);
    const exact = alignClusters(scramble(ico, 22, 0).shape, ico);
    expect(exact.score).toBeLessThan(1e-7);
    expect(det3(exact.rotation)).toBeCloseTo(1, 10);
  });

  it('an icosahedron aligns better to the icosahedron template than to FCC, HCP, BCC', () => {
    const cl = scramble(clusterTemplate('icosahedron'), 4, 0.05).shape;
    const ico = alignClusters(cl, clusterTemplate('icosahedron')).score;
    for (const t of ['fcc', 'hcp', 'bcc'] as const) expect(ico).toBeLessThan(alignClusters(cl, clusterTemplate(t)).score);
    const fcc = scramble(clusterTemplate('fcc'), 5, 0.02).shape;
    expect(alignClusters(fcc, clusterTemplate('fcc')).score).toBeLessThan(0.02);
    expect(alignClusters(fcc, clusterTemplate('hcp')).score).toBeGreaterThan(0.1);
    expect(alignClusters(fcc, clusterTemplate('icosahedron')).score).toBeGreaterThan(0.1);
  });

  it('every built-in template aligns to itself (after scrambling) better than to any other', () => {
    for (const [k, name] of CLUSTER_TEMPLATE_NAMES.entries()) {
      const cl = scramble(clusterTemplate(name), 40 + k, 0.02).shape;
      const self = alignClusters(cl, clusterTemplate(name)).score;
      expect(self).toBeLessThan(0.02);
      for (const other of CLUSTER_TEMPLATE_NAMES) {
        if (other !== name) expect(alignClusters(cl, clusterTemplate(other), { sizeMismatch: 'reject' }).score).toBeGreaterThan(self + 0.05);
      }
    }
  });

  it('is symmetric and scale invariant', () => {
    const a = scramble(clusterTemplate('bicapped-square-antiprism'), 8, 0.15).shape;
    const b = scramble(clusterTemplate('bicapped-square-antiprism'), 9, 0.15).shape;
    const big = { size: b.size, positions: b.positions.map((x) => 1.7 * x) };
    const s = alignClusters(a, b).score;
    expect(alignClusters(b, a).score).toBeCloseTo(s, 8);
    expect(alignClusters(a, big).score).toBeCloseTo(s, 8);
  });

  it('equals the brute-force optimum over all permutations for similar small clusters', () => {
    const rnd = mulberry32(17);
    for (let t = 0; t < 12; t++) {
      const m = 5 + (t % 2);
      const base = Float64Array.from({ length: 3 * m }, () => rnd() - 0.5);
      const a: ClusterShape = { size: m, positions: base };
      const b = scramble(a, 100 + t, 0.1).shape;
      const fast = alignClusters(a, b).score;
      // literal: best Kabsch over every assignment, after the same normalisation
      const A = normalizedClusterPositions(a), B = normalizedClusterPositions(b);
      let best = Infinity;
      const R = new Float64Array(9);
      for (const p of permutations(m)) best = Math.min(best, kabschRotation(A, B, m, R, Int32Array.from(p)));
      expect(fast).toBeCloseTo(Math.sqrt(best / m), 9);
    }
  });

  it('size mismatch: subset matching by default, Infinity with reject', () => {
    const ico = clusterTemplate('icosahedron');
    const eleven: ClusterShape = { size: 11, positions: ico.positions.slice(3) };
    expect(alignClusters(eleven, ico).score).toBeLessThan(1e-7);
    expect(alignClusters(ico, eleven).score).toBeLessThan(1e-7);
    expect(alignClusters(eleven, ico, { sizeMismatch: 'reject' }).score).toBe(Infinity);
  });
});

describe('first-shell clusters of a crystal', () => {
  it('FCC: d_NN = a / sqrt 2, 12-atom shells matching the FCC template, fractions', async () => {
    const m = 4, a = 1.6;
    const basis = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]];
    const pos: number[] = [];
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) for (const b of basis) pos.push((i + b[0]) * a, (j + b[1]) * a, (k + b[2]) * a);
    const rnd = mulberry32(1);
    const sys = createSystem({ box: Box.cube(3, m * a), positions: pos.map((x) => x + 0.01 * (rnd() - 0.5)) });
    expect(nearestNeighbourDistance(sys, 1, 1, { dr: 0.005 })).toBeCloseTo(a / Math.SQRT2, 1);
    const clusters = extractFirstShellClusters(sys, [0, 5, 17, 100], { cutoff: 0.85 * a });
    for (const c of clusters) expect(c.size).toBe(12);
    // default radii: the first minimum of g(r), between the first (a/sqrt2) and second (a) shells
    for (const c of extractFirstShellClusters(sys, [3, 50])) expect(c.size).toBe(12);
    const S = await clusterSimilarityMatrix(clusters);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(S[i * 4 + j]).toBeLessThan(0.03);
    const scores = await alignToTemplates(clusters, { fcc: clusterTemplate('fcc'), icosahedron: clusterTemplate('icosahedron') });
    expect(templateMatchFractions(scores, 0.1)).toEqual({ fcc: 1, icosahedron: 0 });
  });
});
