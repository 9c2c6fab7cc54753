/**
 * The LJ-table force kernel over a range of half-list rows, in plain
 * arguments (typed arrays and numbers only), so that the serial path
 * (./forces-f64.ts) and the worker threads (./lj-thread-pool.ts, which runs
 * this function's own source) execute the same code.
 *
 * For rows i0 <= i < i1 of the half list (neighbors, counts, stride) it adds
 * the LJ forces to f (stride 3, both partners of each pair) and returns the
 * pair energy. Pair displacement by minimum image over wrapped fractional
 * coordinates s (stride 3, see src/neighbor/cell-geometry.ts):
 *   ds = s_i - s_j - wrap * round(s_i - s_j),  d = H ds,
 * geom = [lx, ly, lz, xy, xz, yz, wrap_x, wrap_y, wrap_z] (LAMMPS cell
 * matrix H, wrap 1 periodic / 0 not). Pair terms (LAMMPS lj/cut with
 * `pair_modify shift`, or lj/sf when fshift != 0), coefficients packed by
 * `packLjTable` per type pair [ti * tstride + tj]:
 *   phi(r) = r^-6 (lj1 r^-6 - lj2) - eshift - fshift (r - rc)      (r < rc)
 *   -phi'(r)/r = r^-8 (12 lj1 r^-6 - 6 lj2) + fshift / r
 * The cutoff test is branch-free (list entries in the skin, about 20% with
 * per-type list radii, are cheaper evaluated and multiplied by 0 than
 * mispredicted).
 */
export function ljForceRows(
  i0: number, i1: number, types: Int32Array, neighbors: Int32Array, counts: Int32Array, stride: number,
  geom: Float64Array, tstride: number, coef: Float64Array, shiftedForce: boolean,
  s: Float64Array, f: Float64Array,
): number {
  const lx = geom[0], ly = geom[1], lz = geom[2], xy = geom[3], xz = geom[4], yz = geom[5];
  const px = geom[6], py = geom[7], pz = geom[8];
  const tilted = xy !== 0 || xz !== 0 || yz !== 0;
  let energy = 0;
  for (let i = i0; i < i1; i++) {
    const cnt = counts[i];
    if (cnt === 0) continue;
    const row = types[i] * tstride;
    const sxi = s[3 * i], syi = s[3 * i + 1], szi = s[3 * i + 2];
    let fxi = 0, fyi = 0, fzi = 0;
    for (let k = i * stride, kend = k + cnt; k < kend; k++) {
      const j = neighbors[k];
      // minimum image, branch-free (the wrap is taken for a third of the pairs: unpredictable)
      let dsx = sxi - s[3 * j], dsy = syi - s[3 * j + 1], dsz = szi - s[3 * j + 2];
      dsx -= px * Math.floor(dsx + 0.5);
      dsy -= py * Math.floor(dsy + 0.5);
      dsz -= pz * Math.floor(dsz + 0.5);
      let dx = lx * dsx, dy = ly * dsy;
      if (tilted) { dx += xy * dsy + xz * dsz; dy += yz * dsz; } // loop-invariant: predicted
      const dz = lz * dsz;
      const r2 = dx * dx + dy * dy + dz * dz;
      const c = COEF_STRIDE * (row + types[j]);
      const inside = +(r2 < coef[c]);
      const ir2 = 1 / r2;
      const ir6 = ir2 * ir2 * ir2;
      let fpair = inside * ir6 * (coef[c + 1] * ir6 - coef[c + 2]) * ir2; // -phi'(r)/r
      let e = inside * (ir6 * (coef[c + 3] * ir6 - coef[c + 4]) - coef[c + 5]);
      if (shiftedForce) {
        const r = Math.sqrt(r2);
        fpair += inside * coef[c + 6] / r;
        e -= inside * coef[c + 6] * (r - coef[c + 7]);
      }
      const fx = dx * fpair, fy = dy * fpair, fz = dz * fpair;
      fxi += fx; fyi += fy; fzi += fz;
      f[3 * j] -= fx; f[3 * j + 1] -= fy; f[3 * j + 2] -= fz;
      energy += e;
    }
    f[3 * i] += fxi; f[3 * i + 1] += fyi; f[3 * i + 2] += fzi;
  }
  return energy;
}

/** Entries per type pair in the packed table of `packLjTable`. */
export const COEF_STRIDE = 8;

/**
 * The LJ table packed per type pair kk = ti * tstride + tj, so that one pair
 * reads one cache line: [cutsq, 12 lj1, 6 lj2, lj1, lj2, eshift, fshift, rc].
 * (12 lj1) r^-6 rounds exactly as 12 lj1 r^-6 evaluated left to right.
 */
export function packLjTable(lj: { lj1: Float64Array; lj2: Float64Array; cutsq: Float64Array; rc: Float64Array; eshift: Float64Array; fshift: Float64Array }): Float64Array {
  const m = lj.lj1.length;
  const out = new Float64Array(COEF_STRIDE * m);
  for (let k = 0; k < m; k++) {
    const o = COEF_STRIDE * k;
    out[o] = lj.cutsq[k]; out[o + 1] = 12 * lj.lj1[k]; out[o + 2] = 6 * lj.lj2[k];
    out[o + 3] = lj.lj1[k]; out[o + 4] = lj.lj2[k]; out[o + 5] = lj.eshift[k]; out[o + 6] = lj.fshift[k]; out[o + 7] = lj.rc[k];
  }
  return out;
}

/** geom vector of `ljForceRows` for a cell (see there). */
export function kernelGeometry(g: { lx: number; ly: number; lz: number; xy: number; xz: number; yz: number; wrap: Float64Array }, out = new Float64Array(9)): Float64Array {
  out[0] = g.lx; out[1] = g.ly; out[2] = g.lz; out[3] = g.xy; out[4] = g.xz; out[5] = g.yz;
  out[6] = g.wrap[0]; out[7] = g.wrap[1]; out[8] = g.wrap[2];
  return out;
}
