/**
 * LAMMPS box headers <-> {@link Box}, with the smallest possible rounding.
 *
 * A LAMMPS header stores lo/hi bounds (data files) or bounding-box bounds
 * (triclinic dumps), while `Box` stores lo and edge lengths L. Reading
 * computes L = hi - lo (and, for triclinic dumps, lo = lo_bound - min(...)),
 * which rounds. The writers therefore choose, among the doubles next to the
 * naive value, one the reader maps back to exactly the same lo and L when
 * such a double exists. It does not always exist (hi - lo is a multiple of
 * ulp(lo) of fixed parity when hi and lo are close; lo_bound - offset loses
 * bits when the offset is larger than lo), so box lengths round-trip to 1-2
 * ulps and triclinic-dump lo to a few ulps; tilts are always exact.
 *
 * Triclinic dump convention (LAMMPS manual, "Triclinic (non-orthogonal)
 * simulation boxes", Howto triclinic):
 *   xlo_bound = xlo + min(0, xy, xz, xy+xz),  xhi_bound = xhi + max(0, xy, xz, xy+xz)
 *   ylo_bound = ylo + min(0, yz),             yhi_bound = yhi + max(0, yz)
 *   zlo_bound = zlo,                          zhi_bound = zhi
 */
import { Box, type Dim } from '../system/box.ts';

/** One header's worth of box information, as written in the file. */
export interface LammpsBoxHeader {
  /** xlo, ylo, zlo (true lower corner, not the bounding box) */
  lo: [number, number, number];
  /** xhi, yhi, zhi */
  hi: [number, number, number];
  xy: number;
  xz: number;
  yz: number;
  triclinic: boolean;
  periodic: [boolean, boolean, boolean];
}

/** Offsets between true bounds and bounding-box bounds: [xlo, xhi, ylo, yhi]. */
export function boundOffsets(xy: number, xz: number, yz: number): [number, number, number, number] {
  return [Math.min(0, xy, xz, xy + xz), Math.max(0, xy, xz, xy + xz), Math.min(0, yz), Math.max(0, yz)];
}

/** Convert triclinic dump bounding-box values to the true lo/hi (in place on a copy). */
export function boundsToLoHi(loB: number[], hiB: number[], xy: number, xz: number, yz: number): { lo: number[]; hi: number[] } {
  const [mxl, mxh, myl, myh] = boundOffsets(xy, xz, yz);
  return {
    lo: [loB[0] - mxl, loB[1] - myl, loB[2]],
    hi: [hiB[0] - mxh, hiB[1] - myh, hiB[2]],
  };
}

/**
 * Build a Box from a header. For dim = 2 the z bounds are ignored (LAMMPS
 * writes -0.5 0.5 for 2D boxes) and xz, yz must be zero.
 */
export function boxFromHeader(h: LammpsBoxHeader, dim: Dim, where: string): Box {
  if (dim === 2 && (h.xz !== 0 || h.yz !== 0)) {
    throw new Error(`${where}: a 2D box cannot have xz=${h.xz} or yz=${h.yz} tilt; read it with dim: 3`);
  }
  const lengths = [h.hi[0] - h.lo[0], h.hi[1] - h.lo[1], h.hi[2] - h.lo[2]].slice(0, dim);
  for (let k = 0; k < dim; k++) {
    if (!(lengths[k] > 0) || !Number.isFinite(lengths[k])) {
      throw new Error(`${where}: box ${'xyz'[k]}hi (${h.hi[k]}) must be finite and greater than ${'xyz'[k]}lo (${h.lo[k]})`);
    }
  }
  return new Box({
    dim,
    lo: h.lo.slice(0, dim),
    lengths,
    tilt: h.triclinic ? { xy: h.xy, xz: dim === 3 ? h.xz : 0, yz: dim === 3 ? h.yz : 0 } : undefined,
    periodic: h.periodic.slice(0, dim),
  });
}

/** Next representable double above / below x. */
function nextAfter(x: number, up: boolean): number {
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  i[0] += (x > 0) === up ? 1n : -1n;
  return f[0];
}

/** A double near `guess` for which `f(x) === target`, or `guess` if none within 32 ulps. */
function solveExact(f: (x: number) => number, target: number, guess: number): number {
  if (f(guess) === target) return guess;
  let up = guess, down = guess;
  for (let k = 0; k < 32; k++) {
    up = nextAfter(up, true);
    if (f(up) === target) return up;
    down = nextAfter(down, false);
    if (f(down) === target) return down;
  }
  return guess;
}

/**
 * Header values that read back as exactly `lo` and `L`: returns the [low, high]
 * numbers to print, where the reader computes lo' = low - offLow,
 * L' = (high - offHigh) - lo'.
 */
export function exactBounds(lo: number, L: number, offLow = 0, offHigh = 0): [number, number] {
  const low = solveExact((b) => b - offLow, lo, lo + offLow);
  const lo2 = low - offLow;
  const hi = solveExact((h) => h - lo2, L, lo2 + L);
  const high = solveExact((b) => b - offHigh, hi, hi + offHigh);
  return [low, high];
}

/** Periodicity flag pair for a header ("pp" or "ff"). */
export function flagPair(periodic: boolean): string {
  return periodic ? 'pp' : 'ff';
}

/**
 * Header rows (3 rows of [low, high]) for a Box, with the given bounding-box
 * convention (dumps use bounding boxes for triclinic; data files do not).
 * 2D boxes get z bounds -0.5 0.5 as LAMMPS writes them.
 */
export function headerRows(box: Box, boundingBox: boolean): [number, number][] {
  const { xy, xz, yz } = box;
  const [mxl, mxh, myl, myh] = boundingBox ? boundOffsets(xy, xz, yz) : [0, 0, 0, 0];
  const rows: [number, number][] = [
    exactBounds(box.lo[0], box.lengths[0], mxl, mxh),
    exactBounds(box.lo[1], box.lengths[1], myl, myh),
  ];
  rows.push(box.dim === 3 ? exactBounds(box.lo[2], box.lengths[2]) : [-0.5, 0.5]);
  return rows;
}
