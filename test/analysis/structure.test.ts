import { describe, expect, it } from 'vitest';
import {
  makePartialStructureFactor, directCorrelationMatrix, partialRdf, speciesPairIndex, structureFactorDirect, structureFactorFromRdf,
} from '../../src/analysis/structure/structure.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';
import { kaLiquidFrames, literalDistance } from './structure.fixtures.ts';

function randomSystem(n: number, box: Box, fracA: number, seed: number): System {
  const rnd = mulberry32(seed);
  const d = box.dim;
  const pos = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    // uniform in the (possibly tilted) cell: x = lo + H s
    const s = [rnd(), rnd(), rnd()];
    pos[i * d] = box.lo[0] + box.lengths[0] * s[0] + box.xy * s[1] + (d === 3 ? box.xz * s[2] : 0);
    pos[i * d + 1] = box.lo[1] + box.lengths[1] * s[1] + (d === 3 ? box.yz * s[2] : 0);
    if (d === 3) pos[i * d + 2] = box.lo[2] + box.lengths[2] * s[2];
  }
  const types = Int32Array.from({ length: n }, (_, i) => (i < Math.round(fracA * n) ? 1 : 2));
  return createSystem({ box, positions: pos, types });
}

function latticeSystem(m: number, a: number, basis: { s: number[]; type: number }[]): System {
  const pos: number[] = [], types: number[] = [];
  for (let x = 0; x < m; x++) for (let y = 0; y < m; y++) for (let z = 0; z < m; z++) {
    for (const b of basis) { pos.push((x + b.s[0]) * a, (y + b.s[1]) * a, (z + b.s[2]) * a); types.push(b.type); }
  }
  return createSystem({ box: Box.cube(3, m * a), positions: pos, types });
}

describe('partial g(r)', () => {
  it('is 1 within Poisson noise for an ideal gas (uniform random points), every partial', () => {
    const sys = randomSystem(1500, Box.cube(3, 11), 0.8, 7);
    const rdf = partialRdf(sys, { rMax: 5, dr: 0.1 });
    const V = sys.box.volume, nA = 1200, nB = 300;
    for (const [u, v, pairs] of [[1, 1, nA * (nA - 1) / 2], [1, 2, nA * nB], [2, 2, nB * (nB - 1) / 2]] as const) {
      const g = rdf.pair(u, v);
      let chi2 = 0, mean = 0, wsum = 0;
      for (let b = 5; b < g.length; b++) {
        const lo = b * 0.1, hi = lo + 0.1;
        const expected = (pairs * (4 * Math.PI / 3) * (hi ** 3 - lo ** 3)) / V; // unordered pairs in the shell
        chi2 += (g[b] - 1) ** 2 * expected;
        mean += g[b] * expected; wsum += expected;
      }
      const dof = g.length - 5;
      expect(chi2 / dof).toBeLessThan(1.6);
      expect(Math.abs(mean / wsum - 1)).toBeLessThan(0.01);
    }
    expect(rdf.pair(1, 2)).toEqual(rdf.pair(2, 1));
    expect(rdf.density).toBeCloseTo(1500 / 1331, 12);
  });

  it('equals a literal all-pairs histogram in a triclinic cell, averaged over frames', () => {
    const box = new Box({ dim: 3, lo: [0.5, -1, 2], lengths: [6, 5.5, 6.5], tilt: { xy: 1.2, xz: -0.8, yz: 0.9 } });
    const frames = [randomSystem(120, box, 0.7, 1), randomSystem(120, box, 0.7, 2)];
    const rMax = 2.3, dr = 0.05, nb = Math.round(rMax / dr);
    const rdf = partialRdf(frames, { rMax, dr });
    const hist = [new Float64Array(nb * 4)];
    let norm = new Float64Array(4);
    for (const f of frames) {
      const cnt = [0, 0];
      for (let i = 0; i < f.n; i++) cnt[f.types[i] - 1]++;
      for (let u = 0; u < 2; u++) for (let v = 0; v < 2; v++) norm[u * 2 + v] += cnt[u] * (cnt[v] - (u === v ? 1 : 0)) / f.box.volume;
      for (let i = 0; i < f.n; i++) for (let j = 0; j < f.n; j++) {
        if (i === j) continue;
        const r = literalDistance(f, i, j);
        if (r >= rMax) continue;
        hist[0][((f.types[i] - 1) * 2 + f.types[j] - 1) * nb + Math.floor(r / dr)] += 1;
      }
    }
    for (let p = 0; p < 4; p++) {
      for (let b = 0; b < nb; b++) {
        const shell = (4 * Math.PI / 3) * (((b + 1) * dr) ** 3 - (b * dr) ** 3);
        expect(rdf.g[p][b]).toBeCloseTo(hist[0][p * nb + b] / (norm[p] * shell), 10);
      }
    }
    norm = new Float64Array(0);
  });

  it('refuses an rMax beyond half the cell', () => {
    expect(() => partialRdf(randomSystem(50, Box.cube(3, 4), 1, 3), { rMax: 2.5 })).toThrow(/half the smallest cell width/);
  });
});

describe('direct S(q)', () => {
  it('equals the literal double sum of the paper (1/sqrt(N_u N_v)) sum_ij cos(q.(r_i - r_j)) in a triclinic cell', () => {
    const box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [4, 4.5, 5], tilt: { xy: 0.7, xz: 0.3, yz: -0.6 } });
    const sys = randomSystem(40, box, 0.6, 11);
    const qMax = 6, dq = 0.25;
    const sq = structureFactorDirect(sys, { qMax, dq });
    // literal: enumerate the reciprocal vectors by brute force, q = 2 pi H^-T n
    const H = [[4, 0.7, 0.3], [0, 4.5, -0.6], [0, 0, 5]];
    const det = 4 * 4.5 * 5;
    // rows of H^-1 (upper triangular inverse, written out)
    const Hi = [[1 / 4, -0.7 / (4 * 4.5), (0.7 * -0.6 - 4.5 * 0.3) / det], [0, 1 / 4.5, 0.6 / (4.5 * 5)], [0, 0, 1 / 5]];
    void H;
    const nbins = Math.floor(qMax / dq) + 1;
    const sums = Array.from({ length: 4 }, () => new Float64Array(nbins)), cnt = new Float64Array(nbins);
    const N = [24, 16];
    for (let a = -8; a <= 8; a++) for (let b = -8; b <= 8; b++) for (let c = -8; c <= 8; c++) {
      if (a === 0 && b === 0 && c === 0) continue;
      const q = [0, 1, 2].map((k) => 2 * Math.PI * (a * Hi[0][k] + b * Hi[1][k] + c * Hi[2][k]));
      const qa = Math.hypot(q[0], q[1], q[2]);
      if (qa > qMax) continue;
      const bin = Math.floor(qa / dq);
      cnt[bin]++;
      for (let i = 0; i < sys.n; i++) for (let j = 0; j < sys.n; j++) {
        let ph = 0;
        for (let k = 0; k < 3; k++) ph += q[k] * (sys.positions[3 * i + k] - sys.positions[3 * j + k]);
        const u = sys.types[i] - 1, v = sys.types[j] - 1;
        sums[u * 2 + v][bin] += Math.cos(ph) / Math.sqrt(N[u] * N[v]);
      }
    }
    const kept = Array.from(cnt.keys()).filter((b) => cnt[b] > 0);
    expect(sq.q.length).toBe(kept.length);
    kept.forEach((b, k) => {
      for (let p = 0; p < 4; p++) expect(sq.S[p][k]).toBeCloseTo(sums[p][b] / cnt[b], 9);
      expect(sq.vectors![k]).toBe(cnt[b] / 2);
    });
  });

  it('simple cubic lattice: Bragg peaks of height N at the reciprocal lattice vectors, 0 elsewhere', () => {
    const sys = latticeSystem(4, 1, [{ s: [0, 0, 0], type: 1 }]);
    const sq = structureFactorDirect(sys, { qMax: 9.5, dq: 0.01 });
    const at = (q: number) => sq.S[0][sq.q.findIndex((x) => Math.abs(x - q) < 1e-9)];
    expect(at(2 * Math.PI)).toBeCloseTo(64, 9); // (1,0,0)
    expect(at(2 * Math.PI * Math.SQRT2)).toBeCloseTo(64, 9); // (1,1,0)
    expect(at((2 * Math.PI / 4) * Math.sqrt(17))).toBeCloseTo(0, 9); // n = (4,1,0): not a lattice vector
    expect(at(2 * Math.PI / 4)).toBeCloseTo(0, 9);
  });

  it('CsCl lattice: partial Bragg heights N_A, N_B and S_AB = +-sqrt(N_A N_B) with the basis phase', () => {
    const sys = latticeSystem(2, 1, [{ s: [0, 0, 0], type: 1 }, { s: [0.5, 0.5, 0.5], type: 2 }]);
    const sq = structureFactorDirect(sys, { qMax: 9.5, dq: 0.01 });
    const idx = (q: number) => sq.q.findIndex((x) => Math.abs(x - q) < 1e-9);
    const k100 = idx(2 * Math.PI), k110 = idx(2 * Math.PI * Math.SQRT2);
    expect(sq.pair(1, 1)[k100]).toBeCloseTo(8, 9);
    expect(sq.pair(2, 2)[k100]).toBeCloseTo(8, 9);
    expect(sq.pair(1, 2)[k100]).toBeCloseTo(-8, 9); // cos(pi (h+k+l)) = -1
    expect(sq.pair(1, 2)[k110]).toBeCloseTo(8, 9);
  });

  it('ideal gas: S_uu -> 1 and S_uv -> 0 (the Ashcroft-Langreth normalisation)', () => {
    const sys = randomSystem(400, Box.cube(3, 7), 0.75, 5);
    const sq = structureFactorDirect(sys, { qMax: 12, dq: 1 });
    for (const [p, expected] of [[0, 1], [3, 1], [1, 0]] as const) {
      let m = 0, w = 0;
      sq.S[p].forEach((s, k) => { m += s * sq.vectors![k]; w += sq.vectors![k]; });
      expect(Math.abs(m / w - expected)).toBeLessThan(0.03);
    }
  });
});

describe('S(q) from g(r) and C(q)', () => {
  it('the Fourier transform of g(r) agrees with the direct S(q) of a KA liquid at moderate q', async () => {
    const frames = await kaLiquidFrames(1.0, 8, { equil: 600, every: 40 });
    const rdf = partialRdf(frames, { dr: 0.02 });
    const direct = structureFactorDirect(frames, { qMax: 12, dq: 0.5 });
    const ks = Array.from(direct.q.keys()).filter((k) => direct.q[k] > 5 && direct.q[k] < 12);
    // N = 250: g(r) reaches only r = 2.96, so the transform is trustworthy from q ~ 5 on
    const ft = structureFactorFromRdf(rdf, { q: ks.map((k) => direct.q[k]) });
    let worst = 0, mean = 0;
    for (const p of [0, 1, 3]) ks.forEach((k, m) => { const e = Math.abs(ft.S[p][m] - direct.S[p][k]); worst = Math.max(worst, e); mean += e / (3 * ks.length); });
    expect(worst).toBeLessThan(0.25);
    expect(mean).toBeLessThan(0.08);
    // the main peak of S_AA sits at the same q in both (q ~ 7.2)
    const peak = (arr: Float64Array, q: ArrayLike<number>) => q[arr.indexOf(Math.max(...arr))];
    expect(Math.abs(peak(ft.S[0], ft.q) - peak(Float64Array.from(ks, (k) => direct.S[0][k]), ft.q))).toBeLessThan(0.6);

    // C(q) = 1 - S^-1: S (1 - C) = identity at every q
    const C = directCorrelationMatrix(ft);
    for (let k = 0; k < ft.q.length; k++) {
      for (let u = 0; u < 2; u++) for (let v = 0; v < 2; v++) {
        let x = 0;
        for (let w = 0; w < 2; w++) x += ft.S[u * 2 + w][k] * ((w === v ? 1 : 0) - C.C[speciesPairIndex(w + 1, v + 1, 2)][k]);
        expect(x).toBeCloseTo(u === v ? 1 : 0, 10);
      }
    }
  }, 30000);

  it('one species: C(q) = 1 - 1/S(q); a singular S(q) is reported with its q', () => {
    const sq = makePartialStructureFactor({ ntypes: 1, q: Float64Array.of(1, 2), S: [Float64Array.of(0.5, 2)], fractions: Float64Array.of(1), density: 1 });
    expect(Array.from(directCorrelationMatrix(sq).C[0])).toEqual([-1, 0.5]);
    const bad = makePartialStructureFactor({ ...sq, S: [Float64Array.of(0.5, 0)] });
    expect(() => directCorrelationMatrix(bad)).toThrow(/singular at q = 2/);
  });
});
