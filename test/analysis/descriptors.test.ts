/**
 * The structural descriptors of Wei et al. 2019 against literal
 * implementations on random data: the vibrational MSD (Eq. 1) of frames
 * built from known displacements, wrapped or unwrapped, shifted by whole box
 * vectors, drifting and stored in shuffled order; the flexibility volume
 * (Eq. 2) with a = Omega^(1/3) and with the mean Voronoi-neighbour distance
 * found by brute force over periodic images; the bundle's columns and its
 * optional s2/pfrac columns.
 */
import { describe, expect, it } from 'vitest';
import { Box } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { voronoiTessellation } from '../../src/analysis/structure/voronoi.ts';
import { flexibilityVolume, meanNeighbourDistance, structuralDescriptors, vibrationalMsd } from '../../src/analysis/index.ts';
import { mulberry32 } from '../support/random.ts';

const TRICLINIC = new Box({ dim: 3, lo: [-1, 0.5, 2], lengths: [7, 6.5, 7.5], tilt: { xy: 1.2, xz: -0.8, yz: 0.6 } });

function randomIs(n: number, box: Box, seed: number): System {
  const rnd = mulberry32(seed);
  const pos = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const f = [rnd(), rnd(), rnd()];
    pos[3 * i] = box.lo[0] + box.lengths[0] * f[0] + box.xy * f[1] + box.xz * f[2];
    pos[3 * i + 1] = box.lo[1] + box.lengths[1] * f[1] + box.yz * f[2];
    pos[3 * i + 2] = box.lo[2] + box.lengths[2] * f[2];
  }
  const types = Int32Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 2));
  return createSystem({ box, positions: pos, types, ids: Int32Array.from({ length: n }, (_, i) => 3 * i + 7), typeMasses: [0, 63.546, 91.224] });
}

/** Box vector combination a*i + b*j + c*k of a (possibly triclinic) box. */
function lattice(box: Box, a: number, b: number, c: number): [number, number, number] {
  return [a * box.lengths[0] + b * box.xy + c * box.xz, b * box.lengths[1] + c * box.yz, c * box.lengths[2]];
}

/**
 * Frames r_i(t) = r_i^IS + drift(t) + u_i(t) + (a random lattice vector, or
 * wrapped into the box), atoms in shuffled order; returns the frames and the
 * true vibrational displacements u_i(t) - U(t) (U the mass-weighted mean).
 */
function vibratingFrames(is: System, count: number, amp: number, driftStep: number, seed: number) {
  const rnd = mulberry32(seed), n = is.n, box = is.box;
  const frames: System[] = [], truth: Float64Array[] = [];
  let M = 0;
  for (let i = 0; i < n; i++) M += is.masses[i];
  for (let f = 0; f < count; f++) {
    const u = Float64Array.from({ length: 3 * n }, () => amp * (2 * rnd() - 1));
    const U = [0, 0, 0];
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) U[c] += is.masses[i] * u[3 * i + c] / M;
    truth.push(Float64Array.from(u, (x, k) => x - U[k % 3]));
    const order = Array.from({ length: n }, (_, i) => i).sort(() => rnd() - 0.5);
    const pos = new Float64Array(3 * n);
    order.forEach((i, j) => {
      const L = lattice(box, Math.floor(5 * rnd()) - 2, Math.floor(5 * rnd()) - 2, Math.floor(5 * rnd()) - 2);
      for (let c = 0; c < 3; c++) pos[3 * j + c] = is.positions[3 * i + c] + f * driftStep + u[3 * i + c] + L[c];
    });
    const fr = createSystem({ box, positions: pos, types: order.map((i) => is.types[i]), ids: order.map((i) => is.ids[i]) });
    if (f % 2 === 1) box.wrap(fr.positions);
    frames.push(fr);
  }
  return { frames, truth };
}

describe('vibrationalMsd (Wei et al. 2019, Eq. 1)', () => {
  it('equals the literal time average of |u_i - U|^2 for wrapped, unwrapped, image-shifted, drifting, shuffled frames', async () => {
    const is = randomIs(60, TRICLINIC, 1);
    // the drift over the run, 40 x 0.2 = 8, is more than half a box: only continuity unwraps it
    const { frames, truth } = vibratingFrames(is, 40, 0.3, 0.2, 2);
    const r = await vibrationalMsd(is, frames);
    expect(r.frames).toBe(40);
    let maxDisp = 0;
    for (let i = 0; i < is.n; i++) {
      let s = 0;
      for (const u of truth) {
        const d2 = u[3 * i] ** 2 + u[3 * i + 1] ** 2 + u[3 * i + 2] ** 2;
        s += d2;
        maxDisp = Math.max(maxDisp, Math.sqrt(d2));
      }
      expect(r.vmsd[i]).toBeCloseTo(s / truth.length, 10);
    }
    expect(r.maxDisplacement).toBeCloseTo(maxDisp, 10);
  });

  it('without drift removal, each frame is taken at its image nearest the inherent structure (brute force over 125 images)', async () => {
    const is = randomIs(40, TRICLINIC, 3);
    const { frames } = vibratingFrames(is, 12, 0.4, 0, 4);
    const r = await vibrationalMsd(is, frames, { removeDrift: false });
    const byId = new Map(Array.from(is.ids, (id, i) => [id, i]));
    const lit = new Float64Array(is.n);
    for (const fr of frames) {
      for (let j = 0; j < fr.n; j++) {
        const i = byId.get(fr.ids[j])!;
        let best = Infinity;
        for (let a = -2; a <= 2; a++) for (let b = -2; b <= 2; b++) for (let c = -2; c <= 2; c++) {
          const L = lattice(is.box, a, b, c);
          let s = 0;
          for (let k = 0; k < 3; k++) s += (fr.positions[3 * j + k] + L[k] - is.positions[3 * i + k]) ** 2;
          best = Math.min(best, s);
        }
        lit[i] += best / frames.length;
      }
    }
    for (let i = 0; i < is.n; i++) expect(r.vmsd[i]).toBeCloseTo(lit[i], 10);
  });

  it('names the frame and the atom id when the frames do not hold the atoms of the inherent structure', async () => {
    const is = randomIs(10, TRICLINIC, 5);
    const wrongId = createSystem({ box: is.box, positions: is.positions, types: is.types, ids: Int32Array.from(is.ids, (id, i) => (i === 4 ? 999 : id)) });
    await expect(vibrationalMsd(is, [is, wrongId], { reference: 'IS.data' })).rejects.toThrow(/frame 1 holds atom id 999, which IS\.data lacks/);
    const fewer = createSystem({ box: is.box, positions: is.positions.subarray(0, 27), types: is.types.subarray(0, 9) });
    await expect(vibrationalMsd(is, [fewer])).rejects.toThrow(/frame 0 has 9 atoms but the inherent structure has 10/);
    await expect(vibrationalMsd(is, [])).rejects.toThrow(/no frames/);
  });
});

describe('flexibilityVolume (Wei et al. 2019, Eq. 2)', () => {
  const is = randomIs(150, Box.cube(3, 7), 6);
  const vor = voronoiTessellation(is, { radii: [0.5, 0.65] });
  const rnd = mulberry32(7);
  const vmsd = Float64Array.from({ length: is.n }, () => 0.01 + 0.05 * rnd());

  it('a = Omega^(1/3): <dr^2> / a^2 * Omega', () => {
    const v = flexibilityVolume(vmsd, vor);
    for (let i = 0; i < is.n; i++) {
      const a = Math.cbrt(vor.volumes[i]);
      expect(v[i]).toBeCloseTo(vmsd[i] / (a * a) * vor.volumes[i], 12);
    }
  });

  it('a = mean distance to the Voronoi neighbours across counted faces, found by brute force over images', () => {
    const v = flexibilityVolume(vmsd, vor, 'neighbour');
    const a = meanNeighbourDistance(vor);
    for (let i = 0; i < is.n; i++) {
      const counted = vor.faces[i].filter((f) => f.area > vor.faceAreaFraction * vor.surfaces[i]);
      let s = 0;
      for (const f of counted) {
        let best = Infinity;
        for (let x = -1; x <= 1; x++) for (let y = -1; y <= 1; y++) for (let z = -1; z <= 1; z++) {
          best = Math.min(best, Math.hypot(
            is.positions[3 * f.neighbor] + 7 * x - is.positions[3 * i],
            is.positions[3 * f.neighbor + 1] + 7 * y - is.positions[3 * i + 1],
            is.positions[3 * f.neighbor + 2] + 7 * z - is.positions[3 * i + 2]));
        }
        s += best;
      }
      const lit = s / counted.length;
      expect(a[i]).toBeCloseTo(lit, 12);
      expect(v[i]).toBeCloseTo(vmsd[i] / (lit * lit) * vor.volumes[i], 12);
    }
  });

  it('refuses a length mismatch and an unknown a', () => {
    expect(() => flexibilityVolume(vmsd.subarray(1), vor)).toThrow(/149 vibrational MSD values for 150 Voronoi cells/);
    expect(() => flexibilityVolume(vmsd, vor, 'cell' as 'omega')).toThrow(/omega or neighbour/);
  });
});

describe('structuralDescriptors', () => {
  it('bundles vmsd, vflex, l5fs and volume in input order, and the s2/pfrac columns only when given', async () => {
    const is = randomIs(80, Box.cube(3, 6), 8);
    const { frames } = vibratingFrames(is, 6, 0.2, 0.05, 9);
    const opts = { voronoi: { faceAreaFraction: 0.02 }, flexLength: 'neighbour' as const };
    const r = await structuralDescriptors(is, frames, opts);
    const vor = voronoiTessellation(is, opts.voronoi);
    const vib = await vibrationalMsd(is, frames);
    expect(r.columns()).toEqual(['vmsd', 'vflex', 'l5fs', 'volume']);
    const t = r.table();
    expect(t.columns).toEqual(['id', 'type', 'vmsd', 'vflex', 'l5fs', 'volume']);
    t.rows.forEach((row, i) => {
      expect(row).toEqual([is.ids[i], is.types[i], vib.vmsd[i], flexibilityVolume(vib.vmsd, vor, 'neighbour')[i], vor.l5fs[i], vor.volumes[i]]);
    });
    expect(r.summary()).toMatch(/s2 not computed\npfrac not computed/);

    const s2 = (s: System) => Float64Array.from(s.ids, (id) => -id / 100);
    const withBoth = await structuralDescriptors(is, frames, { ...opts, s2, pfrac: (s) => new Float64Array(s.n).fill(0.25) });
    expect(withBoth.table().columns).toEqual(['id', 'type', 'vmsd', 'vflex', 's2', 'pfrac', 'l5fs', 'volume']);
    expect(withBoth.table().rows[3].slice(4, 6)).toEqual([-is.ids[3] / 100, 0.25]);
    expect(withBoth.figure().length).toBe(6);
  });

  it('refuses a provider that gives non-finite values or the wrong count', async () => {
    const is = randomIs(20, Box.cube(3, 4), 10);
    await expect(structuralDescriptors(is, [is], { s2: (s) => new Float64Array(s.n).fill(NaN) })).rejects.toThrow(/s2 provider gave NaN for atom id 7/);
    await expect(structuralDescriptors(is, [is], { pfrac: () => [1, 2] })).rejects.toThrow(/pfrac provider gave 2 values for 20 atoms/);
  });
});
