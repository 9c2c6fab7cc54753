/**
 * One neighbour-list type for everything that loops over pairs (forces,
 * g(r), Hessians, local descriptors).
 *
 * Dense layout: the neighbours of atom i are
 *   neighbors[i*stride .. i*stride + counts[i])
 * as atom indices (storage order of the System, not LAMMPS ids).
 * A `full` list has every pair twice (j in i's row and i in j's row), which
 * is what per-atom parallel kernels (gpu.js) want; a `half` list stores each
 * pair once (by default in the row of the smaller index, so j > i; with
 * `halfRows: 'balanced'` of neighbor-list.ts in either row, evenly), which is
 * what serial f64 loops want. Rows are sorted by neighbour index.
 *
 * The list holds all pairs closer than `cutoff + skin` at build time; it
 * stays valid until some atom moved more than skin/2 (or the box changed),
 * which `needsRebuild` checks against the reference positions kept here.
 */
export interface NeighborList {
  readonly kind: 'full' | 'half';
  readonly n: number;
  /** row stride of `neighbors` (>= max count) */
  readonly stride: number;
  readonly neighbors: Int32Array;
  readonly counts: Int32Array;
  /** interaction cutoff (largest over type pairs) */
  readonly cutoff: number;
  /** Verlet skin added to the cutoff */
  readonly skin: number;
}
