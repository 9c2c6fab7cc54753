/**
 * Box.wrap screens atoms with division-free fractional coordinates and sends
 * only those near or beyond a face through the exact path. These tests hold
 * it to the literal per-atom definition (toFractional, shift by floor,
 * fromFractional if any direction moved), bit for bit, on atoms placed where
 * a screening error would show: exactly on faces, a hair inside or outside,
 * several cells away, in tilted and partly periodic cells, 2D and 3D.
 */
import { describe, expect, it } from 'vitest';
import { Box, type Dim } from '../../src/system/box.ts';
import { rng } from '../io/helpers.ts';

/** The literal definition of wrap, one atom at a time. */
function referenceWrap(box: Box, x: Float64Array, img: Int32Array): void {
  const d = box.dim;
  const s = new Float64Array(d);
  for (let i = 0; i < x.length / d; i++) {
    box.toFractional(x, i * d, s);
    let moved = false;
    for (let k = 0; k < d; k++) {
      if (!box.periodic[k]) continue;
      let f = Math.floor(s[k]);
      if (f === 0) continue;
      s[k] -= f;
      if (s[k] >= 1) { s[k] = 0; f += 1; }
      img[i * d + k] += f;
      moved = true;
    }
    if (moved) box.fromFractional(s, 0, x, i * d);
  }
}

/** Fractional coordinates that probe the faces: 0, 1, +-1 ulp-ish, the screening margin, far away. */
const AWKWARD = [0, 1, -0, 1e-300, -1e-300, 1e-17, -1e-17, 1 - 1e-16, 1 + 1e-16, 1e-9, 1 - 1e-9, 1.5e-9, -1e-9, 0.5, 2.25, -3.75, 1e6 + 0.5];

function awkwardPositions(box: Box, n: number, seed: number): Float64Array {
  const r = rng(seed);
  const d = box.dim;
  const x = new Float64Array(n * d);
  const s = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) s[k] = r() < 0.5 ? AWKWARD[Math.floor(r() * AWKWARD.length)] : r();
    box.fromFractional(s, 0, x, i * d);
  }
  return x;
}

describe('Box.wrap equals the literal per-atom definition bit for bit', () => {
  const cases: Array<[string, Dim, { xy?: number; xz?: number; yz?: number }, boolean[]]> = [
    ['3D orthorhombic', 3, {}, [true, true, true]],
    ['3D triclinic', 3, { xy: 1.7, xz: -2.1, yz: 0.9 }, [true, true, true]],
    ['3D triclinic, z not periodic', 3, { xy: -1.2, xz: 0.4, yz: 1.1 }, [true, true, false]],
    ['2D triclinic', 2, { xy: 2.3 }, [true, true]],
    ['2D, x not periodic', 2, {}, [false, true]],
  ];
  for (const [name, dim, tilt, periodic] of cases) {
    it(name, () => {
      const box = new Box({ dim, lo: dim === 3 ? [-3.3, 1.7, 0.25] : [-3.3, 1.7], lengths: dim === 3 ? [6.1, 5.3, 7.7] : [6.1, 5.3], tilt, periodic });
      const x = awkwardPositions(box, 3000, 7 + dim);
      const img = new Int32Array(x.length);
      const xr = x.slice(), imgr = img.slice();
      box.wrap(x, img);
      referenceWrap(box, xr, imgr);
      expect(Array.from(img)).toEqual(Array.from(imgr));
      for (let q = 0; q < x.length; q++) if (!Object.is(x[q], xr[q])) expect.fail(`coordinate ${q}: ${x[q]} != reference ${xr[q]}`);
      // and again on the wrapped atoms (round-off can leave a wrapped atom a hair outside: both must agree on it)
      box.wrap(x, img);
      referenceWrap(box, xr, imgr);
      expect(Array.from(img)).toEqual(Array.from(imgr));
      for (let q = 0; q < x.length; q++) if (!Object.is(x[q], xr[q])) expect.fail(`second wrap, coordinate ${q}: ${x[q]} != reference ${xr[q]}`);
    });
  }

  it('without image flags, and with a non-finite coordinate left as the definition leaves it', () => {
    const box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [2, 3, 4], tilt: { xy: 0.5 } });
    const x = Float64Array.of(2.5, 1, 1, NaN, 1, 1, 0.5, -0.25, 9);
    const xr = x.slice();
    box.wrap(x);
    referenceWrap(box, xr, new Int32Array(9));
    expect(Array.from(x)).toEqual(Array.from(xr));
  });
});
