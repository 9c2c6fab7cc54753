import type { Box } from '../system/box.ts';
import type { System } from '../system/system.ts';

/**
 * Plain-number view of a periodic cell for hot pair loops.
 *
 * Every pair loop in glasslab (neighbour-list build, forces, Hessians) works
 * on fractional coordinates s wrapped into [0, 1) along periodic directions.
 * The displacement of a pair is
 *   ds = s_j - s_i,  ds_k -= 1 if ds_k > 1/2,  ds_k += 1 if ds_k < -1/2  (periodic k),
 *   d  = H ds,  H = [[lx, xy, xz], [0, ly, yz], [0, 0, lz]]   (LAMMPS cell matrix).
 *
 * Why fractional rounding: if some image of j lies closer to i than half the
 * smallest perpendicular width w of the cell, then |ds_k| = |d . n_k| / w_k
 * < 1/2 for that image (n_k the unit normal of face k), so rounding each
 * fractional component picks exactly that image, also in strongly tilted
 * cells (Cartesian z-then-y-then-x rounding, as in `Box.minimumImage`, can
 * pick a wrong image there). Every neighbour cutoff is checked against w/2.
 *
 * 2D cells are handled as 3D cells with s_z = 0 (stride 3 throughout), so
 * that one loop serves both dimensions.
 */
export interface CellGeometry {
  readonly dim: 2 | 3;
  readonly lx: number;
  readonly ly: number;
  readonly lz: number;
  readonly xy: number;
  readonly xz: number;
  readonly yz: number;
  /** periodic flags for x, y, z (z false in 2D) */
  readonly px: boolean;
  readonly py: boolean;
  readonly pz: boolean;
  /** perpendicular widths of the cell along the three reciprocal directions (z = Infinity in 2D) */
  readonly widths: Float64Array;
  /**
   * Branch-free minimum-image factors: 1 along periodic directions, 0 along
   * the others, used as `ds -= wrap[k] * Math.floor(ds + 0.5)`. Kept in a
   * Float64Array so that hot loops read them as doubles: a small-integer
   * constant here made V8's loop ~1.5x slower (measured).
   */
  readonly wrap: Float64Array;
}

export function cellGeometry(box: Box): CellGeometry {
  const d = box.dim;
  const lx = box.lengths[0], ly = box.lengths[1], lz = d === 3 ? box.lengths[2] : 1;
  const xy = box.xy, xz = box.xz, yz = box.yz;
  const widths = new Float64Array(3);
  if (d === 3) {
    const V = lx * ly * lz;
    // |b x c|, |c x a|, |a x b| with a=(lx,0,0), b=(xy,ly,0), c=(xz,yz,lz)
    widths[0] = V / Math.hypot(ly * lz, -xy * lz, xy * yz - ly * xz);
    widths[1] = V / Math.hypot(lx * lz, lx * yz);
    widths[2] = lz;
  } else {
    widths[0] = (lx * ly) / Math.hypot(xy, ly);
    widths[1] = ly;
    widths[2] = Infinity;
  }
  return {
    dim: d, lx, ly, lz, xy, xz, yz,
    px: box.periodic[0], py: box.periodic[1], pz: d === 3 ? box.periodic[2] : false,
    widths,
    wrap: Float64Array.of(box.periodic[0] ? 1 : 0, box.periodic[1] ? 1 : 0, d === 3 && box.periodic[2] ? 1 : 0),
  };
}

/**
 * Fractional coordinates of all atoms, stride 3, wrapped into [0, 1) along
 * periodic directions (left as is along non-periodic ones; s_z = 0 in 2D).
 * Throws naming the atom id if a coordinate is not finite.
 *
 * @param where  name of the caller, used in the error message
 */
export function wrappedFractional(sys: System, out?: Float64Array, where = 'glasslab'): Float64Array {
  const n = sys.n, d = sys.dim, x = sys.positions, box = sys.box;
  const s = out && out.length >= 3 * n ? out : new Float64Array(3 * n);
  const lo0 = box.lo[0], lo1 = box.lo[1], lo2 = d === 3 ? box.lo[2] : 0;
  const lx = box.lengths[0], ly = box.lengths[1], lz = d === 3 ? box.lengths[2] : 1;
  const xy = box.xy, xz = box.xz, yz = box.yz;
  const px = box.periodic[0], py = box.periodic[1], pz = d === 3 && box.periodic[2];
  if (d === 3 && px && py && pz) {
    // the MD case (every step of a 3D periodic run): one branch-free pass, the same bits as the general loop below
    for (let i = 0; i < n; i++) {
      const o = 3 * i;
      let sz = (x[o + 2] - lo2) / lz;
      let sy = (x[o + 1] - lo1 - yz * sz) / ly;
      let sx = (x[o] - lo0 - xy * sy - xz * sz) / lx;
      if (sx - sx + (sy - sy) + (sz - sz) !== 0) nonFinite(sys, i, where); // NaN or +-Infinity in any of them
      sx -= Math.floor(sx); if (sx >= 1) sx = 0;
      sy -= Math.floor(sy); if (sy >= 1) sy = 0;
      sz -= Math.floor(sz); if (sz >= 1) sz = 0;
      s[o] = sx; s[o + 1] = sy; s[o + 2] = sz;
    }
    return s;
  }
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let sz = 0;
    if (d === 3) {
      sz = (x[o + 2] - lo2) / lz;
    }
    let sy = (x[o + 1] - lo1 - yz * sz) / ly;
    let sx = (x[o] - lo0 - xy * sy - xz * sz) / lx;
    if (!(Number.isFinite(sx) && Number.isFinite(sy) && Number.isFinite(sz))) nonFinite(sys, i, where);
    if (px) { sx -= Math.floor(sx); if (sx >= 1) sx = 0; }
    if (py) { sy -= Math.floor(sy); if (sy >= 1) sy = 0; }
    if (pz) { sz -= Math.floor(sz); if (sz >= 1) sz = 0; }
    s[3 * i] = sx; s[3 * i + 1] = sy; s[3 * i + 2] = sz;
  }
  return s;
}

function nonFinite(sys: System, i: number, where: string): never {
  const d = sys.dim;
  throw new Error(`${where}: atom id ${sys.ids[i]} (index ${i}) has a non-finite position (${Array.from(sys.positions.subarray(i * d, i * d + d)).join(', ')}); the configuration has blown up or was read wrongly`);
}

/**
 * Minimum-image Cartesian displacement r_i - r_j (note the sign: from j to i,
 * the convention of the virial in core/types.ts) from wrapped fractional
 * coordinates, written to out[0..3). Reference implementation of the inlined
 * hot-loop versions; use it outside hot loops.
 */
export function pairDelta(g: CellGeometry, s: Float64Array, i: number, j: number, out: Float64Array): void {
  let sx = s[3 * i] - s[3 * j], sy = s[3 * i + 1] - s[3 * j + 1], sz = s[3 * i + 2] - s[3 * j + 2];
  if (g.px) { if (sx > 0.5) sx -= 1; else if (sx < -0.5) sx += 1; }
  if (g.py) { if (sy > 0.5) sy -= 1; else if (sy < -0.5) sy += 1; }
  if (g.pz) { if (sz > 0.5) sz -= 1; else if (sz < -0.5) sz += 1; }
  out[0] = g.lx * sx + g.xy * sy + g.xz * sz;
  out[1] = g.ly * sy + g.yz * sz;
  out[2] = g.dim === 3 ? g.lz * sz : 0;
}

/** Largest list radius allowed in this cell: half the smallest perpendicular width over periodic directions. */
export function maxListRadius(g: CellGeometry): number {
  let w = Infinity;
  if (g.px) w = Math.min(w, g.widths[0]);
  if (g.py) w = Math.min(w, g.widths[1]);
  if (g.pz) w = Math.min(w, g.widths[2]);
  return w / 2;
}
