/**
 * Box geometry against literal slow references: minimum image vs a brute-force
 * search over periodic images, wrap/unwrap with image flags, fractional maps.
 */
import { describe, expect, it } from 'vitest';
import { Box, type Dim } from '../../src/system/box.ts';
import { rng } from '../io/helpers.ts';

/** A random box; triclinic tilts within the LAMMPS limits |xy| <= lx/2, |xz| <= lx/2, |yz| <= ly/2. */
function randomBox(r: () => number, dim: Dim, triclinic: boolean): Box {
  const lengths = Array.from({ length: dim }, () => 2 + 6 * r());
  const lo = Array.from({ length: dim }, () => 10 * (r() - 0.5));
  const tilt = triclinic
    ? { xy: (r() - 0.5) * lengths[0], ...(dim === 3 ? { xz: (r() - 0.5) * lengths[0], yz: (r() - 0.5) * lengths[1] } : {}) }
    : undefined;
  return new Box({ dim, lo, lengths, tilt });
}

/** Cell edge vectors a, b, c as arrays of length dim. */
function edges(box: Box): number[][] {
  const [lx, ly] = box.lengths;
  if (box.dim === 2) return [[lx, 0], [box.xy, ly]];
  return [[lx, 0, 0], [box.xy, ly, 0], [box.xz, box.yz, box.lengths[2]]];
}

/** Shortest v + n.cell over all integer n in [-R, R]^dim: the literal definition. */
function bruteMinImage(box: Box, v: number[], R: number): number[] {
  const e = edges(box);
  const d = box.dim;
  let best = v.slice();
  let bestLen = Infinity;
  const n = new Array(d).fill(-R);
  for (;;) {
    const w = v.map((x, k) => x + n.reduce((s, nj, j) => s + nj * e[j][k], 0));
    const len = Math.hypot(...w);
    if (len < bestLen) { bestLen = len; best = w; }
    let j = 0;
    while (j < d && ++n[j] > R) n[j++] = -R;
    if (j === d) break;
  }
  return best;
}

const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));

describe('Box.minimumImage', () => {
  for (const dim of [2, 3] as const) {
    for (const triclinic of [false, true]) {
      it(`${dim}D ${triclinic ? 'triclinic' : 'orthorhombic'}: equals the brute-force shortest image within half the perpendicular width`, () => {
        const r = rng(dim * 10 + (triclinic ? 1 : 0));
        let checkedShort = 0;
        for (let b = 0; b < 8; b++) {
          const box = randomBox(r, dim, triclinic);
          const half = box.minPerpendicularWidth / 2;
          const e = edges(box);
          for (let t = 0; t < 60; t++) {
            // a short vector shifted by a random lattice vector, or an arbitrary one
            const short = Array.from({ length: dim }, () => (r() - 0.5) * 1.2 * half);
            const shift = Array.from({ length: dim }, () => Math.floor(r() * 7) - 3);
            const v = t % 2 === 0
              ? short.map((x, k) => x + shift.reduce((s, nj, j) => s + nj * e[j][k], 0))
              : Array.from({ length: dim }, (_, k) => (r() - 0.5) * 6 * box.lengths[k]);
            const got = v.slice();
            box.minimumImage(got);
            const ref = bruteMinImage(box, v, 6);
            // always a lattice translate of the input
            const diff = new Float64Array(dim);
            const fr = new Float64Array(dim);
            for (let k = 0; k < dim; k++) diff[k] = got[k] - v[k];
            const origin = new Box({ dim, lo: new Array(dim).fill(0), lengths: box.lengths, tilt: { xy: box.xy, xz: box.xz, yz: box.yz } });
            origin.toFractional(diff, 0, fr);
            for (let k = 0; k < dim; k++) expect(Math.abs(fr[k] - Math.round(fr[k]))).toBeLessThan(1e-9);
            expect(norm(got)).toBeGreaterThanOrEqual(norm(ref) - 1e-12);
            if (norm(ref) < half) {
              checkedShort++;
              for (let k = 0; k < dim; k++) expect(got[k]).toBeCloseTo(ref[k], 10);
            }
          }
        }
        expect(checkedShort).toBeGreaterThan(200);
      });
    }
  }

  it('leaves non-periodic directions alone', () => {
    const box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [4, 4, 4], periodic: [true, false, true] });
    const v = [3.5, 3.5, -3.5];
    box.minimumImage(v);
    expect(v).toEqual([-0.5, 3.5, 0.5]);
  });

  it('works at an offset inside a flat array', () => {
    const box = Box.cube(2, 2);
    const v = new Float64Array([9, 9, 1.5, -1.5, 9]);
    box.minimumImage(v, 2);
    expect([...v]).toEqual([9, 9, -0.5, 0.5, 9]);
  });
});

describe('Box fractional coordinates', () => {
  for (const dim of [2, 3] as const) {
    it(`${dim}D triclinic: fromFractional(toFractional(x)) = x, and s maps the cell corners to 0/1`, () => {
      const r = rng(300 + dim);
      for (let b = 0; b < 10; b++) {
        const box = randomBox(r, dim, true);
        const x = Array.from({ length: dim }, () => (r() - 0.5) * 30);
        const s = new Float64Array(dim), y = new Float64Array(dim);
        box.toFractional(x, 0, s);
        box.fromFractional(s, 0, y);
        for (let k = 0; k < dim; k++) expect(y[k]).toBeCloseTo(x[k], 12);
        // the corner lo + a + b (+ c) has s = (1, 1[, 1])
        const e = edges(box);
        const corner = Array.from({ length: dim }, (_, k) => box.lo[k] + e.reduce((acc, ej) => acc + ej[k], 0));
        box.toFractional(corner, 0, s);
        for (let k = 0; k < dim; k++) expect(s[k]).toBeCloseTo(1, 12);
        box.toFractional(box.lo, 0, s);
        for (let k = 0; k < dim; k++) expect(s[k]).toBeCloseTo(0, 12);
      }
    });
  }
});

describe('Box.wrap / unwrap with image flags', () => {
  for (const dim of [2, 3] as const) {
    for (const triclinic of [false, true]) {
      it(`${dim}D ${triclinic ? 'triclinic' : 'orthorhombic'}: wrap puts atoms in the cell and unwrap restores them`, () => {
        const r = rng(400 + dim + (triclinic ? 5 : 0));
        const box = randomBox(r, dim, triclinic);
        const n = 500;
        const x = new Float64Array(n * dim);
        const s0 = new Float64Array(dim);
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < dim; k++) s0[k] = (r() - 0.5) * 9;
          box.fromFractional(s0, 0, x, i * dim);
        }
        // start from non-zero image flags: unwrapped = x + img0.cell
        const img = Int32Array.from({ length: n * dim }, () => Math.floor(r() * 5) - 2);
        const unwrapped0 = box.unwrap(x, img);
        const w = x.slice();
        box.wrap(w, img);
        const s = new Float64Array(dim);
        for (let i = 0; i < n; i++) {
          box.toFractional(w, i * dim, s);
          for (let k = 0; k < dim; k++) {
            expect(s[k]).toBeGreaterThanOrEqual(-1e-12);
            expect(s[k]).toBeLessThan(1 + 1e-12);
          }
        }
        const unwrapped1 = box.unwrap(w, img);
        for (let j = 0; j < n * dim; j++) expect(unwrapped1[j]).toBeCloseTo(unwrapped0[j], 10);
        // wrapping again changes nothing
        const w2 = w.slice(), img2 = img.slice();
        box.wrap(w2, img2);
        expect([...img2]).toEqual([...img]);
      });
    }
  }

  it('an atom a hair below lo keeps unwrap(wrap(x)) = x (no whole-cell jump from rounding)', () => {
    const box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [5, 5, 5] });
    const x = new Float64Array([-1e-300, 2, 2]);
    const img = new Int32Array(3);
    box.wrap(x, img);
    const u = box.unwrap(x, img);
    expect(Math.abs(u[0])).toBeLessThan(1e-12);
  });

  it('non-periodic directions are not wrapped', () => {
    const box = new Box({ dim: 2, lo: [0, 0], lengths: [1, 1], periodic: [true, false] });
    const x = new Float64Array([1.25, 3.5]);
    const img = new Int32Array(2);
    box.wrap(x, img);
    expect([...img]).toEqual([1, 0]);
    expect(x[0]).toBeCloseTo(0.25, 14);
    expect(x[1]).toBe(3.5);
  });

  it('lammpsBounds follows the documented triclinic bounding box', () => {
    const box = new Box({ dim: 3, lo: [-1, 0.5, -2], lengths: [5, 4, 3], tilt: { xy: 1.5, xz: -0.7, yz: 0.9 } });
    const { lo, hi } = box.lammpsBounds();
    // values LAMMPS writes for `region prism -1 4 0.5 4.5 -2 1 1.5 -0.7 0.9` (see test/io/lammps-compat)
    expect(lo[0]).toBeCloseTo(-1.7, 14);
    expect(hi[0]).toBeCloseTo(5.5, 14);
    expect(lo[1]).toBeCloseTo(0.5, 14);
    expect(hi[1]).toBeCloseTo(5.4, 14);
    expect([lo[2], hi[2]]).toEqual([-2, 1]);
  });
});
