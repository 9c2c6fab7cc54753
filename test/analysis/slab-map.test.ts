import { describe, expect, it } from 'vitest';
import { slabBubblesFigure, slabMap, SLAB_KERNEL_CUTOFF, type SlabAxis } from '../../src/analysis/statistics/slab.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { mulberry32, poissonSystem } from '../support/random.ts';

type V = number[];
const sub = (p: V, q: V) => p.map((x, k) => x - q[k]);
const add = (p: V, q: V, f = 1) => p.map((x, k) => x + f * q[k]);
const dot = (p: V, q: V) => p.reduce((s, x, k) => s + x * q[k], 0);
const cross = (p: V, q: V) => [p[1] * q[2] - p[2] * q[1], p[2] * q[0] - p[0] * q[2], p[0] * q[1] - p[1] * q[0]];
const unit = (p: V) => p.map((x) => x / Math.hypot(...p));

/**
 * The literal version in Cartesian geometry: the slab is the set of atoms
 * with some image within thickness/2 of the mid-plane (plane through
 * o = lo + s_c e_axis, normal n = e1 x e2); each is projected on the plane;
 * every grid point sums the kernel over all atoms and all in-plane images
 * i e1 + j e2, |i|, |j| <= 4.
 */
function literalMap(sys: System, f: ArrayLike<number>, axis: SlabAxis, center: number, thickness: number, smoothing: number, gu: ArrayLike<number>, gv: ArrayLike<number>) {
  const b = sys.box, L = b.lengths;
  const edges = [[L[0], 0, 0], [b.xy, L[1], 0], [b.xz, b.yz, L[2]]];
  const k = 'xyz'.indexOf(axis), [i1, i2] = [0, 1, 2].filter((q) => q !== k);
  const e1 = edges[i1], e2 = edges[i2], ek = edges[k];
  const nrm = unit(cross(e1, e2)), width = Math.abs(dot(ek, nrm));
  const o = add([0, 0, 0], ek, (center - b.lo[k]) / width);
  const uh = unit(e1), vh = unit(sub(e2, uh.map((x) => x * dot(e2, uh))));
  const pts: { u: number; v: number; f: number }[] = [];
  for (let i = 0; i < sys.n; i++) {
    const r = [0, 1, 2].map((c) => sys.positions[3 * i + c]);
    for (let m = -2; m <= 2; m++) {
      const rm = sub(add(r, ek, m), o);
      if (Math.abs(dot(rm, nrm)) > thickness / 2) continue;
      pts.push({ u: dot(rm, uh), v: dot(rm, vh), f: f[i] });
    }
  }
  const E1 = [dot(e1, uh), dot(e1, vh)], E2 = [dot(e2, uh), dot(e2, vh)];
  const cut = SLAB_KERNEL_CUTOFF * smoothing;
  const value: number[] = [], weight: number[] = [];
  for (let q = 0; q < gv.length; q++) {
    for (let p = 0; p < gu.length; p++) {
      let w = 0, wf = 0;
      for (const a of pts) {
        for (let i = -4; i <= 4; i++) for (let j = -4; j <= 4; j++) {
          const d = Math.hypot(gu[p] - a.u - i * E1[0] - j * E2[0], gv[q] - a.v - i * E1[1] - j * E2[1]);
          if (d >= cut) continue;
          const x = Math.exp(-(d * d) / (2 * smoothing * smoothing));
          w += x; wf += x * a.f;
        }
      }
      value.push(w > 0 ? wf / w : NaN);
      weight.push(w);
    }
  }
  return { value, weight, nSlab: pts.length };
}

describe('slabMap', () => {
  it.each<[SlabAxis, { xy: number; xz: number; yz: number }]>([
    ['z', { xy: 0, xz: 0, yz: 0 }],
    ['z', { xy: 1.5, xz: -1, yz: 0.7 }],
    ['x', { xy: 1.5, xz: -1, yz: 0.7 }],
    ['y', { xy: 1.5, xz: -1, yz: 0.7 }],
  ])('normal %s, tilts %o: equals the literal sum over atoms and images, with wrap across the cell edges', (axis, tilt) => {
    const sys = poissonSystem(300, 6, tilt, 7), rnd = mulberry32(8);
    const f = Float64Array.from({ length: sys.n }, () => rnd());
    // the mid-plane near the lower face: the slab wraps through the face; smoothing 0.9 puts the cutoff (3.6) beyond half the cell
    const m = slabMap(sys, f, { axis, center: 0.4, thickness: 1.6, smoothing: 0.9, grid: [7, 6] });
    const lit = literalMap(sys, f, axis, 0.4, 1.6, 0.9, m.gridU, m.gridV);
    expect(m.nSlab).toBe(lit.nSlab);
    expect(m.nSlab).toBeGreaterThan(40);
    m.value.forEach((v, q) => expect(v).toBeCloseTo(lit.value[q], 10));
    m.weight.forEach((w, q) => expect(w).toBeCloseTo(lit.weight[q], 10));
    // every atom of the slab inside the in-plane cell, within half a thickness of the mid-plane
    m.atomU.forEach((u) => expect(u >= 0 && u < m.lu).toBe(true));
    m.atomV.forEach((v) => expect(v >= 0 && v < m.lv).toBe(true));
    m.atomDepth.forEach((d) => expect(Math.abs(d)).toBeLessThanOrEqual(0.8 + 1e-12));
  });

  it('a translation by one grid step rolls the map by one column, through the periodic edge', () => {
    const sys = poissonSystem(200, 5, { xy: 0, xz: 0, yz: 0 }, 3), rnd = mulberry32(4);
    const f = Float64Array.from({ length: sys.n }, () => rnd());
    const a = slabMap(sys, f, { axis: 'z', center: 2.5, thickness: 2, smoothing: 0.5, grid: [10, 8] });
    const moved = createSystem({ box: sys.box, positions: Float64Array.from(sys.positions, (x, k) => (k % 3 === 0 ? x + 0.5 : x)), types: sys.types });
    const b = slabMap(moved, f, { axis: 'z', center: 2.5, thickness: 2, smoothing: 0.5, grid: [10, 8] });
    for (let q = 0; q < 8; q++) for (let p = 0; p < 10; p++) expect(b.value[q * 10 + (p + 1) % 10]).toBeCloseTo(a.value[q * 10 + p], 10);
  });

  it('one atom near an edge: its Gaussian wraps to the far side; a constant field maps to itself; gaps are NaN', () => {
    const box = Box.cube(3, 10);
    const one = createSystem({ box, positions: [0.2, 5, 5, 5, 5, 0.1] });
    const m = slabMap(one, [2, 7], { axis: 'z', center: 5, thickness: 1, smoothing: 0.5, grid: [20, 20] });
    expect(m.nSlab).toBe(1);
    expect(m.atomIds[0]).toBe(1);
    // grid point (9.75, 4.75) is 0.45 and 0.25 away through the x edge
    expect(m.weight[9 * 20 + 19]).toBeCloseTo(Math.exp(-(0.45 ** 2 + 0.25 ** 2) / 0.5), 12);
    expect(m.value[9 * 20 + 19]).toBe(2);
    expect(Number.isNaN(m.value[9 * 20 + 8])).toBe(true); // 4.55 away: beyond the 2.0 cutoff
    expect(m.summary()).toMatch(/grid points with no atom within the cutoff/);
    const sys = poissonSystem(300, 6, { xy: 2, xz: 1, yz: -1 }, 2);
    const c = slabMap(sys, new Float64Array(sys.n).fill(3.25), { axis: 'x', thickness: 3, smoothing: 1 });
    c.value.forEach((v) => expect(v).toBeCloseTo(3.25, 12));
    expect(c.gridU.length).toBe(Math.ceil(c.lu / 0.5)); // default spacing smoothing / 2
  });

  it('table, figure and a 2D system', () => {
    const sys = poissonSystem(300, 6, { xy: 0, xz: 0, yz: 0 }, 5);
    const m = slabMap(sys, Float64Array.from({ length: sys.n }, (_, i) => sys.positions[3 * i]), { axis: 'y', thickness: 2, fieldName: 'dQ', units: 'eV', lengthUnit: 'A' });
    expect([m.uName, m.vName, m.smoothing]).toEqual(['x', 'z', 1]);
    expect(m.table().columns).toEqual(['x', 'z', 'dQ', 'weight']);
    expect(m.table().rows.length).toBe(m.gridU.length * m.gridV.length);
    const fig = m.figure();
    expect(fig.data.map((t) => t.type)).toEqual(['contour', 'scatter']);
    expect((fig.data[0].colorbar as { title: { text: string } }).title.text).toBe('dQ [eV]');
    expect((fig.data[1].text as string[])[0]).toMatch(/^id \d+<br>type [12]<br>dQ [-\d.e]+ eV$/);
    expect((fig.layout.xaxis as { title: { text: string } }).title.text).toBe('x [A]');
    const flat = createSystem({ box: Box.cube(2, 4), positions: [1, 1, 3, 3] });
    const f = slabMap(flat, [1, 3], { smoothing: 0.5, grid: [8, 8] });
    expect([f.nSlab, f.axis, f.uName, f.vName]).toEqual([2, '', 'x', 'y']);
  });

  it('rejects bad input in one line', () => {
    const sys = poissonSystem(50, 5, { xy: 0, xz: 0, yz: 0 }, 1), f = new Float64Array(50);
    expect(() => slabMap(sys, new Float64Array(49), { thickness: 1 })).toThrow(/49 values for 50 atoms/);
    expect(() => slabMap(sys, f, {})).toThrow(/thickness is required/);
    expect(() => slabMap(sys, f, { thickness: 6 })).toThrow(/thickness must lie in \(0, 5\]/);
    expect(() => slabMap(sys, f, { thickness: 1, axis: 'w' as SlabAxis })).toThrow(/axis must be x, y or z/);
    expect(() => slabMap(sys, f, { thickness: 1, grid: [1, 5] })).toThrow(/grid must be two integers/);
    expect(() => slabMap(sys, f, { thickness: 1e-9 })).toThrow(/no atom lies within/);
  });
});

describe('slabBubblesFigure', () => {
  const box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [10, 10, 10] });
  const sys = createSystem({ box, positions: [1, 1, 5, 3, 4, 5.5, 7, 7, 4.8, 2, 8, 1], types: [1, 2, 1, 2] });
  const dq = [0.5, 0.7, 0.9, 1.1], d2 = [0, 0.2, 0.05, 3];
  const geom = { axis: 'z' as const, center: 5, thickness: 2 };

  it('draws the contour of one map and bubbles of the slab atoms with a positive value, sized in proportion', () => {
    const fig = slabBubblesFigure(slabMap(sys, dq, geom), slabMap(sys, d2, { ...geom, fieldName: 'D2min' }), { scale: 100 });
    expect(fig.data.map((t) => t.type)).toEqual(['contour', 'scatter']);
    const b = fig.data[1] as unknown as { x: number[]; y: number[]; name: string; marker: { size: number[] } };
    // atom 0 (D2min 0) is not drawn; atom 3 (z = 1) is outside the slab
    expect(b.name).toBe('D2min');
    expect(b.x).toEqual([3, 7]);
    expect(b.y).toEqual([4, 7]);
    expect(b.marker.size.map((s) => +s.toFixed(9))).toEqual([20, 5]);
  });

  it('refuses two maps of different slabs', () => {
    expect(() => slabBubblesFigure(slabMap(sys, dq, geom), slabMap(sys, d2, { ...geom, center: 4 }))).toThrow(/not the same slab .*center 5 \/ 4/);
  });
});
