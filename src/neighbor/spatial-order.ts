import type { System } from '../system/system.ts';
import { cellGeometry, wrappedFractional } from './cell-geometry.ts';

/**
 * A spatial order of the atoms, as LAMMPS `atom_modify sort`: the cell is
 * cut into bins at least `binWidth` wide along each reciprocal direction
 * (fractional coordinates, so tilted cells too), and the atoms are listed
 * bin by bin, x fastest and the last axis (z in 3D, y in 2D) slowest, by
 * index within a bin (a stable counting sort, O(N)). Atoms listed in this
 * order sit next to their neighbours in memory, and an equal split of the
 * order into T ranges cuts the cell into T slabs along the last axis, as a
 * domain decomposition does.
 *
 * Returns `order`, order[k] = the index of the atom at place k. It depends
 * on the positions, the cell and binWidth only.
 *
 * @param binWidth  smallest bin width (length units), > 0; LAMMPS sorts
 *                  with half the neighbour cutoff
 */
export function spatialOrder(sys: System, binWidth: number): Int32Array {
  if (!(binWidth > 0) || !Number.isFinite(binWidth)) throw new Error(`spatialOrder: binWidth must be a positive number, got ${binWidth}`);
  const n = sys.n, g = cellGeometry(sys.box);
  const s = wrappedFractional(sys, undefined, 'spatialOrder');
  const d = sys.dim;
  const nb = [0, 1, 2].map((k) => k < d ? Math.max(1, Math.min(1024, Math.floor(g.widths[k] / binWidth))) : 1);
  const bins = nb[0] * nb[1] * nb[2];
  const bin = new Int32Array(n);
  const starts = new Int32Array(bins + 1);
  const at = (x: number, m: number) => Math.min(m - 1, Math.max(0, Math.floor(x * m))); // clamped: non-periodic axes are not wrapped
  for (let i = 0; i < n; i++) {
    const b = (at(s[3 * i + 2], nb[2]) * nb[1] + at(s[3 * i + 1], nb[1])) * nb[0] + at(s[3 * i], nb[0]);
    bin[i] = b;
    starts[b + 1]++;
  }
  for (let b = 0; b < bins; b++) starts[b + 1] += starts[b];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[starts[bin[i]]++] = i;
  return order;
}
