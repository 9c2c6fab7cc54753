/**
 * Precision contract of the f32 pair kernels (src/core/gpu-pair-forces.ts):
 * on EVERY available backend, per-atom forces, energies and virials agree
 * with a literal f64 all-pairs reference written here.
 *
 * Tolerance: |gpu - ref| <= tol * scale_i per atom, where scale_i is the sum
 * of the magnitudes of the pair terms entering atom i (the size of the
 * cancellation f32 has to survive), and tol = TOL_ULPS * ulp(L/2) with L the
 * largest box edge. Budget: f32 positions relative to the box centre carry
 * <= ulp(L/2)/2 absolute error each, so a pair distance is off by <~ ulp(L/2)
 * (sigma = 1), which moves an LJ pair force by |d ln F/d ln r| (~14 near
 * contact) x ulp(L/2) relatively; the ~10 f32 operations per pair and ~60
 * accumulations add a few 6e-8 more. Measured worst case: 25-30 ulp(L/2)
 * (6e-6 at L = 7.5 in 3D, 2.9e-5 at L = 22 in 2D), so TOL_ULPS = 150 leaves a
 * margin of 5, while a single missing or wrong pair (relative size >~ 1e-2 of
 * scale_i) fails by orders of magnitude.
 */
import { describe, expect, it } from 'vitest';
import { availableBackends, type BackendName } from '../../src/core/backend.ts';
import { GpuLjForces, MAX_NEIGHBOR_STRIDE } from '../../src/core/gpu-pair-forces.ts';
import type { ForceResult } from '../../src/core/types.ts';
import type { NeighborList } from '../../src/neighbor/types.ts';
import { createLjMixture, type LjPairTable } from '../../src/potential/lennard-jones.ts';
import type { CutoffScheme } from '../../src/potential/cutoff.ts';
import { Box, type Dim } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';

const TOL_ULPS = 150;

/** f32 unit in the last place at x > 0. */
function ulp32(x: number): number {
  return 2 ** (Math.floor(Math.log2(x)) - 23);
}

/** Tolerance for a box (see the file comment). */
function tolFor(sys: System): number {
  return TOL_ULPS * ulp32(Math.max(...sys.box.lengths) / 2);
}

const backends = (await availableBackends()).filter((p) => p.available).map((p) => p.name);

// ---------------------------------------------------------------- model data

interface Mixture {
  ntypes: number;
  eps: number[][]; // 1-based symmetric
  sigma: number[][];
  rc: number[][]; // absolute cutoffs
}

const KA_EPS = [[0, 0, 0], [0, 1.0, 1.5], [0, 1.5, 0.5]];
const KA_SIG = [[0, 0, 0], [0, 1.0, 0.8], [0, 0.8, 0.88]];
const KA: Mixture = { ntypes: 2, eps: KA_EPS, sigma: KA_SIG, rc: KA_SIG.map((r) => r.map((s) => 2.5 * s)) };

/** A 3-type mixture with all-different parameters (types > 2). */
const TERNARY: Mixture = {
  ntypes: 3,
  eps: [[0, 0, 0, 0], [0, 1.0, 1.2, 0.7], [0, 1.2, 0.6, 0.9], [0, 0.7, 0.9, 1.3]],
  sigma: [[0, 0, 0, 0], [0, 1.0, 0.9, 1.05], [0, 0.9, 0.85, 0.95], [0, 1.05, 0.95, 1.1]],
  rc: [[0, 0, 0, 0], [0, 2.5, 2.2, 2.4], [0, 2.2, 2.0, 2.3], [0, 2.4, 2.3, 2.6]],
};

function tableOf(m: Mixture, scheme: CutoffScheme): LjPairTable {
  return createLjMixture({
    name: 'test', ntypes: m.ntypes, scheme, typeMasses: new Array(m.ntypes + 1).fill(1),
    epsilon: (a, b) => m.eps[a][b], sigma: (a, b) => m.sigma[a][b], cutoff: (a, b) => m.rc[a][b],
  }).pairTable();
}

// ------------------------------------------------------- literal f64 reference

interface Reference extends ForceResult {
  peratomEnergy: Float64Array;
  peratomVirial: Float64Array;
  /** per-atom scales: sum |pair force|, sum |pair energy|/2, sum |pair virial|/2 */
  fScale: Float64Array;
  eScale: Float64Array;
  wScale: Float64Array;
}

/** 4 eps [(s/r)^12 - (s/r)^6] and its r-derivative. */
function lj(eps: number, s: number, r: number): [number, number] {
  const x6 = (s / r) ** 6;
  return [4 * eps * (x6 * x6 - x6), (4 * eps * (-12 * x6 * x6 + 6 * x6)) / r];
}

/** All pairs i<j, minimum image by Box.minimumImage, f64. */
function reference(sys: System, m: Mixture, scheme: CutoffScheme): Reference {
  const { n, dim, box } = sys;
  const nv = dim === 3 ? 6 : 3;
  const F = new Float64Array(n * dim), E = new Float64Array(n), W = new Float64Array(n * nv);
  const fS = new Float64Array(n), eS = new Float64Array(n), wS = new Float64Array(n);
  const d = new Float64Array(3);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let k = 0; k < dim; k++) d[k] = sys.positions[i * dim + k] - sys.positions[j * dim + k];
      box.minimumImage(d);
      let r2 = 0;
      for (let k = 0; k < dim; k++) r2 += d[k] * d[k];
      const a = sys.types[i], b = sys.types[j];
      const rc = m.rc[a][b];
      if (r2 >= rc * rc) continue;
      const r = Math.sqrt(r2);
      const [u0, du0] = lj(m.eps[a][b], m.sigma[a][b], r);
      const [uc, duc] = lj(m.eps[a][b], m.sigma[a][b], rc);
      const u = scheme === 'shift' ? u0 - uc : u0 - uc - (r - rc) * duc;
      const du = scheme === 'shift' ? du0 : du0 - duc;
      const fr = -du / r; // force on i = fr * d
      for (let k = 0; k < dim; k++) {
        F[i * dim + k] += fr * d[k];
        F[j * dim + k] -= fr * d[k];
      }
      E[i] += u / 2; E[j] += u / 2;
      const comps = dim === 3
        ? [d[0] * d[0], d[1] * d[1], d[2] * d[2], d[0] * d[1], d[0] * d[2], d[1] * d[2]]
        : [d[0] * d[0], d[1] * d[1], d[0] * d[1]];
      for (let c = 0; c < nv; c++) {
        W[i * nv + c] += 0.5 * fr * comps[c];
        W[j * nv + c] += 0.5 * fr * comps[c];
      }
      for (const p of [i, j]) {
        fS[p] += Math.abs(du);
        eS[p] += Math.abs(u) / 2;
        wS[p] += 0.5 * Math.abs(fr) * r2;
      }
    }
  }
  const virial = new Float64Array(nv);
  let energy = 0;
  for (let i = 0; i < n; i++) {
    energy += E[i];
    for (let c = 0; c < nv; c++) virial[c] += W[i * nv + c];
  }
  return { energy, forces: F, virial, peratomEnergy: E, peratomVirial: W, fScale: fS, eScale: eS, wScale: wS };
}

// ------------------------------------------------------------ configurations

/**
 * Dense liquid-like configuration: a simple-cubic (square) lattice at number
 * density rho, every atom displaced by up to +-jitter*spacing, random types
 * with the given fractions, coordinates shifted by whole box images at random
 * (so the kernels see unwrapped input). Distances span ~0.75..rc: contact
 * and tail both tested.
 */
function liquid(dim: Dim, side: number, rho: number, fractions: number[], seed: number, tilt?: { xy: number; xz: number; yz: number }): System {
  const rnd = mulberry32(seed);
  const n = side ** dim;
  const L = Math.pow(n / rho, 1 / dim);
  const a = L / side;
  const box = new Box({ dim, lo: new Array(dim).fill(-0.3 * L), lengths: new Array(dim).fill(L), ...(tilt ? { tilt } : {}) });
  const s = new Float64Array(3), x = new Float64Array(3);
  const pos = new Float64Array(n * dim);
  const types = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const idx = [i % side, Math.floor(i / side) % side, Math.floor(i / side / side)];
    for (let k = 0; k < dim; k++) s[k] = ((idx[k] + 0.5) * a + (rnd() - 0.5) * 0.3 * a) / L;
    box.fromFractional(s, 0, x, 0);
    for (let k = 0; k < dim; k++) pos[i * dim + k] = x[k] + Math.floor(rnd() * 3 - 1) * L * (tilt ? 0 : 1);
    const u = rnd();
    let t = 1, acc = fractions[0];
    while (u > acc && t < fractions.length) acc += fractions[t++];
    types[i] = t;
  }
  return createSystem({ box, positions: pos, types });
}

/**
 * Literal full neighbour list: all j != i within rc + skin, rows padded with
 * `pad` extra slots holding -1 (the kernels must ignore both the padding and
 * the entries beyond counts[i]).
 */
function fullList(sys: System, cutoff: number, skin: number, pad = 3): NeighborList {
  const { n, dim, box } = sys;
  const rows: number[][] = Array.from({ length: n }, () => []);
  const d = new Float64Array(3);
  const rl2 = (cutoff + skin) ** 2;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      for (let k = 0; k < dim; k++) d[k] = sys.positions[i * dim + k] - sys.positions[j * dim + k];
      box.minimumImage(d);
      let r2 = 0;
      for (let k = 0; k < dim; k++) r2 += d[k] * d[k];
      if (r2 < rl2) rows[i].push(j);
    }
  }
  const stride = Math.max(...rows.map((r) => r.length)) + pad;
  const neighbors = new Int32Array(n * stride).fill(-1);
  const counts = new Int32Array(n);
  rows.forEach((r, i) => { neighbors.set(r, i * stride); counts[i] = r.length; });
  return { kind: 'full', n, stride, neighbors, counts, cutoff, skin };
}

function maxRc(m: Mixture): number {
  return Math.max(...m.rc.flat());
}

// ------------------------------------------------------------ comparisons

async function evaluate(backend: BackendName, table: LjPairTable, sys: System, nl: NeighborList): Promise<{ res: ForceResult; mode: string | undefined }> {
  const ev = new GpuLjForces(table, backend);
  const res = backend === 'webgpu' ? await ev.computeAsync(sys, nl, { peratom: true }) : ev.compute(sys, nl, { peratom: true });
  return { res, mode: ev.lastMode };
}

/** Largest per-atom error in units of the atom's scale (0 when the scale is 0 and the error is 0). */
function worst(got: Float64Array, want: Float64Array, scale: Float64Array, per: number): number {
  let w = 0;
  for (let i = 0; i < got.length; i++) {
    const s = scale[Math.floor(i / per)];
    const e = Math.abs(got[i] - want[i]);
    w = Math.max(w, s > 0 ? e / s : e > 0 ? Infinity : 0);
  }
  return w;
}

function expectAgreement(res: ForceResult, ref: Reference, sys: System): void {
  const TOL = tolFor(sys);
  const dim = sys.dim;
  const nv = dim === 3 ? 6 : 3;
  expect(worst(res.forces, ref.forces, ref.fScale, dim)).toBeLessThan(TOL);
  expect(worst(res.peratomEnergy!, ref.peratomEnergy, ref.eScale, 1)).toBeLessThan(TOL);
  expect(worst(res.peratomVirial!, ref.peratomVirial, ref.wScale, nv)).toBeLessThan(TOL);
  const eTot = ref.eScale.reduce((s, v) => s + v, 0);
  const wTot = ref.wScale.reduce((s, v) => s + v, 0);
  expect(Math.abs(res.energy - ref.energy)).toBeLessThan(TOL * eTot);
  for (let c = 0; c < nv; c++) expect(Math.abs(res.virial[c] - ref.virial[c])).toBeLessThan(TOL * wTot);
}

// ------------------------------------------------------------------ tests

describe('f64 reference (the yardstick itself)', () => {
  it('forces are minus the finite-difference gradient of the energy, and sum to zero', () => {
    for (const [dim, scheme] of [[3, 'shift'], [2, 'shifted-force']] as const) {
      const sys = liquid(dim, dim === 3 ? 6 : 9, 1.2, [0.8, 0.2], 11);
      const ref = reference(sys, KA, scheme);
      const h = 1e-6;
      for (const i of [0, 7, 23]) {
        for (let k = 0; k < dim; k++) {
          const x0 = sys.positions[i * dim + k];
          sys.positions[i * dim + k] = x0 + h;
          const ep = reference(sys, KA, scheme).energy;
          sys.positions[i * dim + k] = x0 - h;
          const em = reference(sys, KA, scheme).energy;
          sys.positions[i * dim + k] = x0;
          expect(Math.abs(-(ep - em) / (2 * h) - ref.forces[i * dim + k])).toBeLessThan(1e-5 * ref.fScale[i]);
        }
      }
      for (let k = 0; k < dim; k++) {
        let s = 0;
        for (let i = 0; i < sys.n; i++) s += ref.forces[i * dim + k];
        expect(Math.abs(s)).toBeLessThan(1e-9 * ref.fScale.reduce((a, b) => a + b, 0));
      }
    }
  });
});

describe.each(backends)('backend %s', (backend) => {
  const cases: Array<{ name: string; dim: Dim; side: number; m: Mixture; fr: number[]; scheme: CutoffScheme; tilt?: { xy: number; xz: number; yz: number } }> = [
    { name: 'KA 3D N=512, shifted', dim: 3, side: 8, m: KA, fr: [0.8, 0.2], scheme: 'shift' },
    { name: 'KA 3D N=512, shifted force', dim: 3, side: 8, m: KA, fr: [0.8, 0.2], scheme: 'shifted-force' },
    { name: 'KA-like 2D N=529, shifted', dim: 2, side: 23, m: KA, fr: [0.65, 0.35], scheme: 'shift' },
    { name: 'KA-like 2D N=529, shifted force', dim: 2, side: 23, m: KA, fr: [0.65, 0.35], scheme: 'shifted-force' },
    { name: 'three types 3D N=343, shifted force', dim: 3, side: 7, m: TERNARY, fr: [0.4, 0.3, 0.3], scheme: 'shifted-force' },
    { name: 'KA 3D N=512 triclinic, shifted', dim: 3, side: 8, m: KA, fr: [0.8, 0.2], scheme: 'shift', tilt: { xy: 0.9, xz: -0.6, yz: 0.4 } },
  ];

  it.each(cases)('$name: forces, per-atom energies and virials match the f64 reference', async (c) => {
    const sys = liquid(c.dim, c.side, c.dim === 3 ? 1.2 : 1.1, c.fr, 42 + c.side);
    if (c.m === TERNARY) expect(new Set(sys.types).size).toBe(3);
    const nl = fullList(sys, maxRc(c.m), 0.3);
    const { res, mode } = await evaluate(backend, tableOf(c.m, c.scheme), sys, nl);
    expect(mode).toBe(backend); // gpu.js did not silently degrade to cpu
    expectAgreement(res, reference(sys, c.m, c.scheme), sys);
  });

  it('an atom with zero neighbours gets exactly zero force, energy and virial; counts bound the rows', async () => {
    // atoms 0,1 interact; atom 2 is alone (beyond every cutoff + skin)
    const box = Box.cube(3, 12);
    const sys = createSystem({ box, positions: [1, 1, 1, 2.1, 1.2, 0.9, 7, 7, 7], types: [1, 2, 1] });
    const nl = fullList(sys, 2.5, 0.3, 4);
    expect(Array.from(nl.counts)).toEqual([1, 1, 0]);
    // poison the slots beyond counts[i]: a kernel that ignored counts would pick these up
    nl.neighbors[2 * nl.stride] = 0;
    nl.neighbors[0 * nl.stride + 1] = 2;
    const { res } = await evaluate(backend, tableOf(KA, 'shift'), sys, nl);
    const ref = reference(sys, KA, 'shift');
    expectAgreement(res, ref, sys);
    expect(Array.from(res.forces.subarray(6, 9))).toEqual([0, 0, 0]);
    expect(res.peratomEnergy![2]).toBe(0);
    expect(Array.from(res.peratomVirial!.subarray(12, 18))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Math.abs(res.forces[0] + res.forces[3])).toBeLessThan(tolFor(sys) * ref.fScale[0]);
  });

  it('forcesAndEnergies alone equals the force part of compute; the async path gives the same numbers', async () => {
    if (backend === 'webgpu') return; // sync API only; computeAsync is covered above
    const sys = liquid(3, 6, 1.2, [0.8, 0.2], 5);
    const nl = fullList(sys, 2.5, 0.3);
    const ev = new GpuLjForces(tableOf(KA, 'shift'), backend);
    const a = ev.forcesAndEnergies(sys, nl);
    const b = ev.compute(sys, nl, { peratom: true });
    expect(Array.from(b.forces)).toEqual(Array.from(a.forces));
    expect(b.energy).toBe(a.energy);
    const c = await ev.computeAsync(sys, nl, { peratom: true });
    expect(Array.from(c.forces)).toEqual(Array.from(b.forces));
    expect(Array.from(c.peratomVirial!)).toEqual(Array.from(b.peratomVirial!));
    // a different size reuses the cached kernel with a new output size
    const sys2 = liquid(3, 7, 1.2, [0.8, 0.2], 6);
    const c2 = ev.compute(sys2, fullList(sys2, 2.5, 0.3), { peratom: true });
    expectAgreement(c2, reference(sys2, KA, 'shift'), sys2);
  });
});

describe('input validation (backend-independent, run on cpu)', () => {
  const sys = liquid(3, 6, 1.2, [0.8, 0.2], 3);
  const nl = fullList(sys, 2.5, 0.3);
  const ev = new GpuLjForces(tableOf(KA, 'shift'), 'cpu');

  it('rejects a half list, a list for another n, a too-short cutoff and unknown types', () => {
    expect(() => ev.compute(sys, { ...nl, kind: 'half' })).toThrow(/FULL neighbour list/);
    expect(() => ev.compute(sys, { ...nl, n: nl.n + 1 })).toThrow(/atoms/);
    expect(() => ev.compute(sys, { ...nl, cutoff: 2.0 })).toThrow(/below the potential's largest cutoff/);
    expect(() => ev.compute(sys, { ...nl, stride: MAX_NEIGHBOR_STRIDE + 1 })).toThrow(/stride/);
    const bad = createSystem({ box: sys.box, positions: sys.positions, types: Array.from(sys.types, (t, i) => (i === 4 ? 3 : t)) });
    expect(() => ev.compute(bad, nl)).toThrow(/atom index 4 .* type 3/);
  });

  it('rejects a box narrower than twice the cutoff', () => {
    const small = createSystem({ box: Box.cube(3, 4.5), positions: [0, 0, 0, 1, 1, 1], types: [1, 1] });
    expect(() => ev.compute(small, fullList(small, 2.5, 0.3))).toThrow(/half the smallest box width/);
  });
});
