import { describe, expect, it } from 'vitest';
import { buildNeighborList, needsRebuild, NeighborListManager, type VerletList } from '../../src/neighbor/neighbor-list.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { imageVectors, makeBox, randomSystem, type BoxSpec } from '../core/forces-fixtures.ts';

/** Literal reference: every pair (and every image) closer than rlist, checking that no pair has two images within. */
function bruteForcePairs(sys: System, rlist: number, kind: 'half' | 'full'): Set<string> {
  const d = sys.dim, x = sys.positions;
  const images = imageVectors(sys.box, 3);
  const out = new Set<string>();
  let multiple = 0;
  for (let i = 0; i < sys.n; i++) {
    for (let j = kind === 'half' ? i + 1 : 0; j < sys.n; j++) {
      if (j === i) continue;
      let hits = 0;
      for (const v of images) {
        let r2 = 0;
        for (let c = 0; c < d; c++) { const dc = x[j * d + c] + v[c] - x[i * d + c]; r2 += dc * dc; }
        if (r2 < rlist * rlist) hits++;
      }
      if (hits > 1) multiple++;
      if (hits) out.add(`${i},${j}`);
    }
  }
  expect(multiple, 'pairs with two images within the list radius').toBe(0);
  return out;
}

function listPairs(nl: VerletList): string[] {
  const out: string[] = [];
  for (let i = 0; i < nl.n; i++) {
    for (let k = 0; k < nl.counts[i]; k++) out.push(`${i},${nl.neighbors[i * nl.stride + k]}`);
  }
  return out;
}

function expectSameAsBruteForce(sys: System, cutoff: number, skin: number, kind: 'half' | 'full', extra: object = {}): VerletList {
  const nl = buildNeighborList(sys, { cutoff, skin, kind, ...extra });
  const got = listPairs(nl);
  // no duplicates, and exactly the reference set
  expect(new Set(got).size).toBe(got.length);
  const want = bruteForcePairs(sys, cutoff + skin, kind);
  expect(new Set(got)).toEqual(want);
  if (kind === 'half') for (const p of got) { const [i, j] = p.split(',').map(Number); expect(j).toBeGreaterThan(i); }
  expectSortedRows(nl);
  return nl;
}

/** Every row strictly increasing (the order force sums follow; see the module doc of neighbor-list.ts). */
function expectSortedRows(nl: VerletList): void {
  let unsorted = 0;
  for (let i = 0; i < nl.n; i++) {
    for (let k = 1; k < nl.counts[i]; k++) if (!(nl.neighbors[i * nl.stride + k] > nl.neighbors[i * nl.stride + k - 1])) unsorted++;
  }
  expect(unsorted, 'row entries out of increasing order').toBe(0);
}

const boxes: Record<string, BoxSpec> = {
  'ortho 3D': { dim: 3, lengths: [7.3, 8.1, 6.9], lo: [-1, 2, 0.5] },
  'triclinic 3D': { dim: 3, lengths: [7.3, 8.1, 6.9], tilt: { xy: 2.9, xz: -3.1, yz: 2.5 } },
  'ortho 2D': { dim: 2, lengths: [9.1, 7.7] },
  'triclinic 2D': { dim: 2, lengths: [9.1, 7.7], tilt: { xy: -3.7 } },
  'slab 3D (z not periodic)': { dim: 3, lengths: [7.3, 8.1, 6.9], tilt: { xy: 1.1 }, periodic: [true, true, false] },
  'elongated 3D': { dim: 3, lengths: [3.3, 3.5, 20.0], tilt: { xy: 0.8, yz: -1.2 } },
};

describe('buildNeighborList equals brute force over images', () => {
  for (const [name, spec] of Object.entries(boxes)) {
    for (const kind of ['half', 'full'] as const) {
      for (const cellsPerCutoff of [1, 2, 3] as const) {
        it(`${name}, ${kind}, ${cellsPerCutoff} cell(s) per cutoff`, () => {
          const box = makeBox(spec);
          const n = spec.dim === 3 ? 160 : 90;
          const sys = randomSystem(box, n, 11 + n, { unwrapped: true });
          expectSameAsBruteForce(sys, 1.2, 0.25, kind, { cellsPerCutoff });
        });
      }
    }
  }

  it('small boxes: cutoff + skin just below half the perpendicular width (fewer than 3 cells per direction)', () => {
    for (const spec of [
      { dim: 3, lengths: [4.0, 4.2, 4.4], tilt: { xy: 1.3, xz: -0.9, yz: 1.1 } },
      { dim: 3, lengths: [4.0, 4.0, 4.0] },
      { dim: 2, lengths: [4.0, 4.5], tilt: { xy: 1.9 } },
    ] as BoxSpec[]) {
      const box = makeBox(spec);
      const w = perpendicularHalfWidth(box);
      const sys = randomSystem(box, spec.dim === 3 ? 70 : 40, 5, { unwrapped: true });
      for (const kind of ['half', 'full'] as const) {
        for (const cellsPerCutoff of [1, 2, 3] as const) {
          expectSameAsBruteForce(sys, w * 0.99 - 0.1, 0.1, kind, { cellsPerCutoff });
          expectSameAsBruteForce(sys, w * 0.6, 0.05, kind, { cellsPerCutoff });
        }
      }
    }
  });

  it('refuses cutoff + skin >= half the perpendicular width, naming both numbers', () => {
    const box = makeBox({ dim: 3, lengths: [4, 4, 4], tilt: { xy: 1.5 } });
    const sys = randomSystem(box, 10, 1);
    const w = perpendicularHalfWidth(box);
    expect(() => buildNeighborList(sys, { cutoff: w - 0.1, skin: 0.1, kind: 'half' })).toThrow(/too small for the cutoff/);
    expect(() => buildNeighborList(sys, { cutoff: w - 0.1, skin: 0.1, kind: 'half' })).toThrow(new RegExp(`${(w - 0.1).toString().slice(0, 6)}.*${w.toPrecision(6).slice(0, 6)}`));
  });

  it('says a flat 3D box may be a 2D configuration read as 3D (LAMMPS data files do not state the dimension)', () => {
    const flat = randomSystem(makeBox({ dim: 3, lengths: [20, 20, 1] }), 40, 2);
    expect(() => buildNeighborList(flat, { cutoff: 1.5, skin: 0.3, kind: 'half' })).toThrow(/flat .*\{ dim: 2 \}/);
    const cube = randomSystem(makeBox({ dim: 3, lengths: [2, 2, 2] }), 10, 3);
    expect(() => buildNeighborList(cube, { cutoff: 1.5, skin: 0.3, kind: 'half' })).toThrow(/too small for the cutoff/);
    expect(() => buildNeighborList(cube, { cutoff: 1.5, skin: 0.3, kind: 'half' })).not.toThrow(/flat/);
  });
});

function perpendicularHalfWidth(box: ReturnType<typeof makeBox>): number {
  return box.minPerpendicularWidth / 2;
}

describe('per-type-pair list radii (option typeCutoffs)', () => {
  // cutoffs of a binary model, types 1..2 (the largest is the list cutoff)
  const rc = [[0, 0, 0], [0, 1.5, 1.2], [0, 1.2, 0.9]];
  const typeCutoffs = { ntypes: 2, cutoff: (a: number, b: number) => rc[a][b] };
  for (const [name, spec] of [['ortho 3D', boxes['ortho 3D']], ['triclinic 2D', boxes['triclinic 2D']]] as const) {
    for (const kind of ['half', 'full'] as const) {
      it(`${name}, ${kind}: exactly the pairs within cutoff(ti, tj) + skin`, () => {
        const sys = randomSystem(makeBox(spec), spec.dim === 3 ? 300 : 150, 11, { ntypes: 2 });
        const skin = 0.25;
        const nl = buildNeighborList(sys, { cutoff: 1.5, skin, kind, typeCutoffs, cellsPerCutoff: 3 });
        const all = bruteForcePairs(sys, 1.5 + skin, kind);
        const d = sys.dim, x = sys.positions, images = imageVectors(sys.box, 3);
        const want = [...all].filter((p) => {
          const [i, j] = p.split(',').map(Number);
          const r = rc[sys.types[i]][sys.types[j]] + skin;
          return images.some((v) => {
            let r2 = 0;
            for (let c = 0; c < d; c++) { const dc = x[j * d + c] + v[c] - x[i * d + c]; r2 += dc * dc; }
            return r2 < r * r;
          });
        });
        expect(want.length).toBeLessThan(all.size); // the per-type radii matter here
        expect(new Set(listPairs(nl))).toEqual(new Set(want));
        expect(nl.entries).toBe(want.length);
        expectSortedRows(nl);
      });
    }
  }

  it('is stale when an atom changes type (its pairs have other radii); the manager rebuilds to the right pairs', () => {
    const sys = randomSystem(makeBox({ dim: 3, lengths: [6, 6, 6] }), 300, 11, { ntypes: 2 });
    const mgr = new NeighborListManager({ cutoff: 1.5, skin: 0.25, kind: 'half', typeCutoffs });
    const nl = mgr.update(sys);
    expect(needsRebuild(nl, sys)).toBe(false);
    const i = sys.types.indexOf(2);
    sys.types[i] = 1; // a swap, as in a Monte Carlo move: type 1 pairs reach further
    expect(needsRebuild(nl, sys)).toBe(true);
    const rebuilt = mgr.update(sys);
    expect(new Set(listPairs(rebuilt))).toEqual(new Set(listPairs(buildNeighborList(sys, { cutoff: 1.5, skin: 0.25, kind: 'half', typeCutoffs }))));
    // a list with one radius does not depend on the types
    const plain = buildNeighborList(sys, { cutoff: 1.5, skin: 0.25, kind: 'half' });
    sys.types[i] = 2;
    expect(needsRebuild(plain, sys)).toBe(false);
  });

  it('rejects a type without a cutoff, and a type cutoff above the list cutoff', () => {
    const sys = randomSystem(makeBox({ dim: 3, lengths: [6, 6, 6] }), 40, 2, { ntypes: 3 });
    expect(() => buildNeighborList(sys, { cutoff: 1.5, skin: 0.3, kind: 'half', typeCutoffs })).toThrow(/has type 3, but option typeCutoffs defines types 1\.\.2/);
    const two = randomSystem(makeBox({ dim: 3, lengths: [6, 6, 6] }), 40, 2, { ntypes: 2 });
    expect(() => buildNeighborList(two, { cutoff: 1.4, skin: 0.3, kind: 'half', typeCutoffs })).toThrow(/typeCutoffs.cutoff\(1, 1\) = 1.5 must lie in \[0, cutoff = 1.4\]/);
  });
});

describe('overflow, overlaps, bad input', () => {
  it('grows the stride on overflow instead of truncating', () => {
    const sys = randomSystem(makeBox({ dim: 3, lengths: [6, 6, 6] }), 200, 3);
    const logs: string[] = [];
    const nl = expectSameAsBruteForce(sys, 1.5, 0.3, 'half', { maxNeighbors: 2, log: (m: string) => logs.push(m) });
    expect(nl.overflowGrowths).toBeGreaterThan(0);
    expect(logs.length).toBe(nl.overflowGrowths);
    expect(logs[0]).toMatch(/more than maxNeighbors = 2/);
    const mgr = new NeighborListManager({ cutoff: 1.5, skin: 0.3, kind: 'full', maxNeighbors: 1 });
    const full = mgr.update(sys);
    expect(mgr.overflowGrowths).toBeGreaterThan(0);
    expect(new Set(listPairs(full))).toEqual(bruteForcePairs(sys, 1.8, 'full'));
  });

  it('reports overlapping atoms with both ids and their distance', () => {
    const box = makeBox({ dim: 3, lengths: [5, 5, 5] });
    const sys = createSystem({ box, positions: [1, 1, 1, 3, 3, 3, 1 + 1e-9, 1, 5 + 1], ids: [7, 8, 9] });
    // atom id 9 sits at (1+1e-9, 1, 6) = image of (1+1e-9, 1, 1): overlaps id 7 across the boundary
    expect(() => buildNeighborList(sys, { cutoff: 2, skin: 0.3, kind: 'half' })).toThrow(/atoms id 7 and id 9 .* distance 1\.000e-9/);
  });

  it('reports a non-finite position naming the atom id', () => {
    const sys = randomSystem(makeBox({ dim: 2, lengths: [6, 6] }), 10, 2);
    sys.positions[2 * 4 + 1] = NaN;
    expect(() => buildNeighborList(sys, { cutoff: 1, skin: 0.2, kind: 'full' })).toThrow(/atom id 5 .*non-finite/);
  });

  it('rejects bad options', () => {
    const sys = randomSystem(makeBox({ dim: 2, lengths: [6, 6] }), 10, 2);
    expect(() => buildNeighborList(sys, { cutoff: -1, skin: 0.2, kind: 'full' })).toThrow(/cutoff must be a positive/);
    expect(() => buildNeighborList(sys, { cutoff: 1, skin: NaN, kind: 'full' })).toThrow(/skin must be/);
    expect(() => buildNeighborList(sys, { cutoff: 1, skin: 0.2, kind: 'both' as 'full' })).toThrow(/kind must be/);
  });
});

describe('NeighborListManager rebuild rules', () => {
  const skin = 0.4;
  const make = () => randomSystem(makeBox({ dim: 3, lengths: [6, 6.5, 7], tilt: { xy: 1, xz: 0.5, yz: -0.7 } }), 120, 9);

  it('keeps the list while every atom moved at most skin/2, rebuilds beyond', () => {
    const sys = make();
    const mgr = new NeighborListManager({ cutoff: 1.3, skin, kind: 'half' });
    const first = mgr.update(sys);
    expect(mgr.rebuildCount).toBe(1);
    sys.positions[3 * 10] += 0.49 * skin / 2 * 2 / 2; // 0.245 skin... below skin/2
    sys.positions[3 * 11 + 2] -= 0.19;
    expect(mgr.update(sys)).toBe(first);
    expect(mgr.rebuildCount).toBe(1);
    sys.positions[3 * 12 + 1] += 0.201; // > skin/2 = 0.2
    const second = mgr.update(sys);
    expect(second).not.toBe(first);
    expect(mgr.rebuildCount).toBe(2);
    expect(new Set(listPairs(second))).toEqual(bruteForcePairs(sys, 1.3 + skin, 'half'));
  });

  it('does not rebuild when an atom is re-wrapped by a cell vector', () => {
    const sys = make();
    const mgr = new NeighborListManager({ cutoff: 1.3, skin, kind: 'full' });
    mgr.update(sys);
    // shift atom 3 by the c edge vector (xz, yz, lz)
    sys.positions[9] += 0.5; sys.positions[10] += -0.7; sys.positions[11] += 7;
    mgr.update(sys);
    expect(mgr.rebuildCount).toBe(1);
  });

  it('keeps the list under a small cell deformation as long as it still holds every pair within the cutoff', () => {
    const sys = make();
    const cutoff = 1.3;
    const mgr = new NeighborListManager({ cutoff, skin, kind: 'half' });
    const nl = mgr.update(sys);
    const base = sys.box;
    const x0 = sys.positions.slice();
    let kept = 0;
    for (let step = 1; step <= 40; step++) {
      // affine shear + compression of box and atoms, plus a little non-affine noise
      const gamma = 0.004 * step, squeeze = 1 - 0.002 * step;
      sys.box = base.with({ lengths: [base.lengths[0], base.lengths[1], base.lengths[2] * squeeze], tilt: { xy: base.xy + gamma * base.lengths[1], xz: base.xz, yz: base.yz } });
      for (let i = 0; i < sys.n; i++) {
        const o = 3 * i;
        const sz = (x0[o + 2] - base.lo[2]) * squeeze;
        sys.positions[o] = x0[o] + gamma * (x0[o + 1] - base.lo[1]) + 0.01 * Math.sin(i + step);
        sys.positions[o + 1] = x0[o + 1];
        sys.positions[o + 2] = base.lo[2] + sz;
      }
      const cur = mgr.update(sys);
      if (cur === nl) kept++;
      // whatever was decided, the current list holds every pair within the cutoff
      const listed = new Set(listPairs(cur));
      for (const p of bruteForcePairs(sys, cutoff, 'half')) expect(listed.has(p)).toBe(true);
    }
    expect(kept).toBeGreaterThan(3); // small deformations reuse the list ...
    expect(mgr.rebuildCount).toBeGreaterThan(1); // ... large ones rebuild
    // an equal but distinct Box object is not a change
    const before = mgr.rebuildCount;
    sys.box = sys.box.with({});
    mgr.update(sys);
    expect(mgr.rebuildCount).toBe(before);
  });

  it('rebuilds (and then reports) when the deformed cell became too small for the cutoff', () => {
    const sys = make();
    const mgr = new NeighborListManager({ cutoff: 1.3, skin, kind: 'full' });
    const nl = mgr.update(sys);
    sys.box = sys.box.with({ lengths: [2.9, 6.5, 7] });
    expect(needsRebuild(nl, sys)).toBe(true);
    expect(() => mgr.update(sys)).toThrow(/too small for the cutoff/);
  });
});
