/**
 * Local thermal energy (src/analysis/lte.ts) against a literal, slow
 * evaluation of Zylberg et al.'s Eq. 1 in which every derivative is a finite
 * difference: U''' from central differences of the assembled Hessian, f_alpha
 * and d f_alpha / dx from finite differences of eps_alpha(x) = phi(|x_i - x_j|),
 * and M^+ = (M + P)^-1 - P (P the projector on the translations) by
 * Gauss-Jordan elimination on number[][] (independent of the eigensolver and
 * of the selected inversion), whose diagonal also checks the Debye-Waller factor. Also: physics sum rules (the harmonic term
 * gives equipartition sum_alpha = n dim - dim; sum f.X = 0 at a minimum),
 * the stress-free-by-symmetry triangular crystal (X = 0, E = (2n-2)/(3n) on
 * every bond) and dense = sparse to 1e-8 on 2D and 3D IPL glasses (the KA
 * path is the same pair code; bench/lte.ts runs it).
 */
import { describe, expect, it } from 'vitest';
import { assembleHessian, toDense } from '../../src/core/hessian.ts';
import { buildNeighborList } from '../../src/neighbor/neighbor-list.ts';
import { localThermalEnergy, type LteResult } from '../../src/analysis/lte/lte.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { getPotential } from '../../src/potential/registry.ts';
import type { PairPotential } from '../../src/potential/types.ts';
import { ipl, iplGlass } from './lte-fixtures.ts';

/** eps(x) of the pair (i, j) with all positions x (minimum image through the box). */
function pairEnergy(sys: System, pot: PairPotential, x: Float64Array, i: number, j: number): number {
  const v = new Float64Array(sys.dim);
  for (let k = 0; k < sys.dim; k++) v[k] = x[i * sys.dim + k] - x[j * sys.dim + k];
  sys.box.minimumImage(v);
  const out = new Float64Array(4);
  pot.radial(sys.types[i], sys.types[j], Math.hypot(...v), out);
  return out[0];
}

function pseudoInverseLiteral(M: Float64Array, nd: number, dim: number): number[][] {
  const n = nd / dim;
  const P = (r: number, c: number) => (r % dim === c % dim ? 1 / n : 0);
  // augmented [M + P | I], Gauss-Jordan with partial pivoting
  const a: number[][] = Array.from({ length: nd }, (_, r) => [...Array.from({ length: nd }, (_, c) => M[r * nd + c] + P(r, c)), ...Array.from({ length: nd }, (_, c) => (r === c ? 1 : 0))]);
  for (let c = 0; c < nd; c++) {
    let p = c;
    for (let r = c + 1; r < nd; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    const piv = a[c][c];
    for (let k = 0; k < 2 * nd; k++) a[c][k] /= piv;
    for (let r = 0; r < nd; r++) {
      if (r === c || a[r][c] === 0) continue;
      const f = a[r][c];
      for (let k = 0; k < 2 * nd; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((row, r) => row.slice(nd).map((v, c) => v - P(r, c)));
}

/** Literal Eq. 1-3 by finite differences for the bonds of `res` (module doc). */
function lteByFiniteDifferences(sys: System, pot: PairPotential, res: LteResult): { lte: number[]; X: number[]; debyeWaller: number[] } {
  const nd = sys.n * sys.dim, h = 1e-5;
  const G = pseudoInverseLiteral(toDense(assembleHessian(sys, pot)), nd, sys.dim);
  const neighborList = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0.05, kind: 'half' }); // valid for the +-h displacements
  // b_k = sum_lm U'''_klm G_lm, U'''_klm = d H_kl / dx_m
  const b = new Array<number>(nd).fill(0);
  for (let m = 0; m < nd; m++) {
    const Hm = [1, -1].map((s) => {
      const y = Float64Array.from(sys.positions);
      y[m] += s * h;
      return toDense(assembleHessian({ ...sys, positions: y }, pot, { neighborList }));
    });
    for (let k = 0; k < nd; k++) for (let l = 0; l < nd; l++) b[k] += ((Hm[0][k * nd + l] - Hm[1][k * nd + l]) / (2 * h)) * G[l][m];
  }
  const X = G.map((row) => -row.reduce((s, g, l) => s + g * b[l], 0));
  const lte: number[] = [];
  for (let a = 0; a < res.bonds.count; a++) {
    const i = res.bonds.i[a], j = res.bonds.j[a];
    const dofs = [...Array.from({ length: sys.dim }, (_, k) => i * sys.dim + k), ...Array.from({ length: sys.dim }, (_, k) => j * sys.dim + k)];
    const eps = (shift: [number, number][]) => {
      const y = Float64Array.from(sys.positions);
      for (const [k, s] of shift) y[k] += s;
      return pairEnergy(sys, pot, y, i, j);
    };
    let e = 0;
    for (const l of dofs) {
      e += ((eps([[l, h]]) - eps([[l, -h]])) / (2 * h)) * X[l]; // f . X
      for (const m of dofs) {
        const d2 = (eps([[l, h], [m, h]]) - eps([[l, h], [m, -h]]) - eps([[l, -h], [m, h]]) + eps([[l, -h], [m, -h]])) / (4 * h * h);
        e += d2 * G[l][m];
      }
    }
    lte.push(e);
  }
  const debyeWaller = Array.from({ length: sys.n }, (_, i) => Array.from({ length: sys.dim }, (_, x) => G[i * sys.dim + x][i * sys.dim + x]).reduce((p, q) => p + q, 0));
  return { lte, X, debyeWaller };
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, k) => Math.max(m, Math.abs(v - b[k])), 0);
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

describe('local thermal energy: literal finite-difference Eq. 1', () => {
  for (const [model, n] of [['ipl2d', 24], ['ipl3d', 100]] as const) {
    it(`${model} N=${n}: E_alpha and X equal the finite-difference evaluation`, () => {
      const sys = iplGlass(model, n, 11);
      const pot = ipl(model);
      const res = localThermalEnergy(sys, pot, { method: 'sparse' });
      const ref = lteByFiniteDifferences(sys, pot, res);
      expect(res.bonds.count).toBeGreaterThan(2 * n);
      expect(maxDiff(res.lte, ref.lte)).toBeLessThan(1e-5 * Math.max(1, maxAbs(ref.lte)));
      expect(maxDiff(res.thermalDisplacement, ref.X)).toBeLessThan(1e-5 * maxAbs(ref.X));
      expect(maxDiff(res.debyeWaller, ref.debyeWaller)).toBeLessThan(1e-9 * maxAbs(ref.debyeWaller));
      expect(maxAbs(ref.X)).toBeGreaterThan(1e-3); // the anharmonic part is really exercised
      expect(maxAbs(res.anharmonic)).toBeGreaterThan(0.05);
    }, 60000);
  }
});

describe('local thermal energy: physics', () => {
  it('the harmonic term alone gives equipartition; sum f.X = 0 at a minimum', { timeout: 60000 }, () => {
    const sys = iplGlass('ipl2d', 64, 5);
    const res = localThermalEnergy(sys, ipl('ipl2d'));
    const dof = sys.n * sys.dim - sys.dim;
    expect(sum(res.harmonic)).toBeCloseTo(dof, 8);
    expect(Math.abs(sum(res.anharmonic))).toBeLessThan(1e-8 * maxAbs(res.anharmonic) * res.bonds.count);
    expect(sum(res.lte)).toBeCloseTo(dof, 8);
  });

  it('triangular crystal: X = 0 by inversion symmetry and every bond has E = (2n - 2) / (3n)', () => {
    // the supercell (m a, 0), (m a / 2, m h) keeps the 6-fold symmetry (a rectangular box would break it)
    const m = 6, a = 1.0, h = (a * Math.sqrt(3)) / 2;
    const pos: number[] = [];
    for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) pos.push((c + 0.5 * r) * a, r * h);
    const box = new Box({ dim: 2, lo: [0, 0], lengths: [m * a, m * h], tilt: { xy: (m * a) / 2 } });
    const sys = createSystem({ box, positions: pos, types: new Array(m * m).fill(1), typeMasses: [0, 1, 1] });
    const res = localThermalEnergy(sys, ipl('ipl2d'), { method: 'dense' });
    const n = sys.n;
    expect(res.bonds.count).toBe(3 * n); // nearest neighbours only (sqrt(3) a > cutoff 1.48)
    expect(maxAbs(res.thermalDisplacement)).toBeLessThan(1e-10);
    for (const e of res.lte) expect(e).toBeCloseTo((2 * n - 2) / (3 * n), 10);
    // the Debye-Waller factor is the same on every site
    for (const dw of res.debyeWaller) expect(dw).toBeCloseTo(res.debyeWaller[0], 10);
  });

  it('refuses EAM with a message that names the pair models', () => {
    const sys = iplGlass('ipl2d', 24, 11);
    const fakeEam = { ...getPotential('ipl2d'), kind: 'eam' } as unknown as Parameters<typeof localThermalEnergy>[1];
    expect(() => localThermalEnergy(sys, fakeEam)).toThrow(/pair potentials only/);
  });
});

describe('local thermal energy: dense and sparse paths agree', () => {
  const check = (sys: System, pot: PairPotential) => {
    const d = localThermalEnergy(sys, pot, { method: 'dense' });
    const s = localThermalEnergy(sys, pot, { method: 'sparse', factor: { pinnedAtom: sys.n - 1 } });
    expect(s.method).toBe('sparse');
    expect(maxDiff(d.lte, s.lte)).toBeLessThan(1e-8 * Math.max(1, maxAbs(d.lte)));
    expect(maxDiff(d.thermalDisplacement, s.thermalDisplacement)).toBeLessThan(1e-8 * maxAbs(d.thermalDisplacement));
    expect(maxDiff(d.debyeWaller, s.debyeWaller)).toBeLessThan(1e-8 * maxAbs(d.debyeWaller));
    expect(sum(s.lte)).toBeCloseTo(sys.n * sys.dim - sys.dim, 7);
  };
  it('2D IPL, N = 120', () => check(iplGlass('ipl2d', 120, 2), ipl('ipl2d')), 60000);
  it('3D IPL, N = 100', () => check(iplGlass('ipl3d', 100, 11), ipl('ipl3d')), 60000);
});
