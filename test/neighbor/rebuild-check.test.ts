/**
 * `needsRebuild` runs every MD step and computes the displacement since the
 * last build without storing or dividing anything. Here it is held to the
 * literal criterion of its doc comment, evaluated the slow way: wrapped
 * fractional coordinates of every atom (`wrappedFractional`), minimum image
 * of their change, max over atoms of |H ds| against
 * ((1 - ||F - I||) r_list - cutoff) / 2, for atoms near that threshold (on
 * both sides), atoms that crossed a face and were re-wrapped, tilted and
 * deformed cells, 2D, and a non-periodic direction.
 */
import { describe, expect, it } from 'vitest';
import { buildNeighborList, deformationNorm, needsRebuild, NeighborListManager, type VerletList } from '../../src/neighbor/neighbor-list.ts';
import { cellGeometry, wrappedFractional } from '../../src/neighbor/cell-geometry.ts';
import type { System } from '../../src/system/system.ts';
import { makeBox, randomSystem, rng, type BoxSpec } from '../core/forces-fixtures.ts';

/** Largest minimum-image displacement since the build over the allowed one (> 1: rebuild), the slow way. */
function displacementRatio(nl: VerletList, sys: System): number {
  const g = cellGeometry(sys.box);
  const margin = (1 - deformationNorm(nl.box, sys.box)) * (nl.cutoff + nl.skin) - nl.cutoff;
  const s = wrappedFractional(sys);
  let worst = 0;
  for (let i = 0; i < sys.n; i++) {
    const ds = [0, 1, 2].map((k) => {
      const v = s[3 * i + k] - nl.refFractional[3 * i + k];
      return g.wrap[k] ? v - Math.round(v) : v;
    });
    const c = [g.lx * ds[0] + g.xy * ds[1] + g.xz * ds[2], g.ly * ds[1] + g.yz * ds[2], g.lz * ds[2]];
    worst = Math.max(worst, Math.hypot(c[0], c[1], c[2]));
  }
  return worst / (margin / 2);
}

const boxes: Record<string, BoxSpec> = {
  '3D triclinic': { dim: 3, lengths: [6, 6.5, 7], tilt: { xy: 1, xz: 0.5, yz: -0.7 }, lo: [-1, 2, 0.5] },
  '3D, z not periodic': { dim: 3, lengths: [6, 6.5, 7], tilt: { xy: -0.8 }, periodic: [true, true, false] },
  '2D triclinic': { dim: 2, lengths: [7, 6], tilt: { xy: 1.5 }, lo: [0.3, -2] },
};

describe('needsRebuild equals the literal displacement criterion', () => {
  for (const [name, spec] of Object.entries(boxes)) {
    it(name, () => {
      const cutoff = 1.3, skin = 0.4;
      const r = rng(5);
      let agree = 0, rebuilt = 0;
      for (let trial = 0; trial < 60; trial++) {
        const sys = randomSystem(makeBox(spec), 80, 100 + trial);
        const nl = buildNeighborList(sys, { cutoff, skin, kind: 'half' });
        const d = sys.dim;
        // optionally deform the cell a little (atoms follow affinely through fractional coordinates)
        if (trial % 3 === 2) {
          const s = new Float64Array(d);
          const old = sys.box;
          const e = 0.01 * (r() - 0.5);
          sys.box = old.with({ lengths: Array.from(old.lengths, (L) => L * (1 + e)), tilt: { xy: old.xy + 0.02 * r(), xz: old.xz, yz: old.yz } });
          for (let i = 0; i < sys.n; i++) { old.toFractional(sys.positions, i * d, s); sys.box.fromFractional(s, 0, sys.positions, i * d); }
        }
        // every atom jiggles, one atom moves to just below or just above the threshold
        for (let q = 0; q < sys.positions.length; q++) sys.positions[q] += 0.02 * (r() - 0.5);
        const pick = Math.floor(r() * sys.n), dir = Array.from({ length: d }, () => r() - 0.5);
        const len = Math.hypot(...dir);
        const target = (0.9 + 0.2 * r()) * skin / 2;
        for (let k = 0; k < d; k++) sys.positions[pick * d + k] += (target * dir[k]) / len;
        // and some atoms are pushed across a face and wrapped back (their image flags change)
        for (let i = 0; i < sys.n; i += 7) sys.positions[i * d] += sys.box.lengths[0] * (trial % 2 ? 1 : -1);
        sys.images = new Int32Array(sys.n * d);
        sys.box.wrap(sys.positions, sys.images);

        const ratio = displacementRatio(nl, sys);
        if (Math.abs(ratio - 1) < 1e-9) continue; // a tie at round-off: either answer is right
        expect(needsRebuild(nl, sys)).toBe(ratio > 1);
        agree++;
        if (ratio > 1) rebuilt++;
      }
      expect(agree).toBeGreaterThan(50);
      expect(rebuilt).toBeGreaterThan(5); // both outcomes were exercised
      expect(agree - rebuilt).toBeGreaterThan(5);
    });
  }

  it('a non-finite position triggers a rebuild, which names the atom', () => {
    const sys = randomSystem(makeBox(boxes['3D triclinic']), 80, 3);
    const mgr = new NeighborListManager({ cutoff: 1.3, skin: 0.4, kind: 'half' });
    const nl = mgr.update(sys);
    sys.positions[3 * 17 + 1] = NaN;
    expect(needsRebuild(nl, sys)).toBe(true);
    expect(() => mgr.update(sys)).toThrow(new RegExp(`atom id ${sys.ids[17]} .*non-finite`));
  });
});
