/**
 * Memory an MD run of N atoms needs, estimated from N before anything is
 * allocated, so that a command can refuse a size the machine cannot hold
 * (instead of being killed by the out-of-memory killer after minutes).
 *
 * Per atom (d = dimension, 8-byte floats, 4-byte integers):
 *   positions, velocities, forces, the start configuration's copy     4 d x 8
 *   neighbour-list reference positions and fractional coordinates     d x 8 + 3 x 8
 *   image flags, types (and their copy), ids, masses, lattice sites   d x 4 + 4 x 4 + 8
 *   neighbour list: one 4-byte index per neighbour within cutoff + skin,
 *   rows padded to the fullest one (x 1.5), plus the cell list           1.5 x 4 x n_nb + 8
 * where n_nb = density x the volume of a sphere (disc) of radius cutoff +
 * skin. A dump frame in flight holds one more copy of positions and
 * velocities. The estimate is meant to be within a factor of 2 of the
 * resident size; it leaves out the fixed cost of the program (~100 MB).
 */
export interface MdMemoryInput {
  n: number;
  dim: 2 | 3;
  /** number density (atoms per length^dim) */
  density: number;
  /** neighbour-list radius: largest cutoff + skin */
  listRadius: number;
  /** a dump is written (one frame copy in flight) */
  dump?: boolean;
}

export interface MdMemoryEstimate {
  bytes: number;
  bytesPerAtom: number;
  /** mean neighbours within the list radius */
  neighbors: number;
}

export function estimateMdMemory(o: MdMemoryInput): MdMemoryEstimate {
  const d = o.dim;
  const r = o.listRadius;
  const ball = d === 3 ? (4 / 3) * Math.PI * r ** 3 : Math.PI * r ** 2;
  const neighbors = o.density * ball;
  let perAtom = 4 * d * 8 + d * 8 + 3 * 8 + d * 4 + 4 * 4 + 8 + 1.5 * 4 * neighbors + 8;
  if (o.dump) perAtom += 2 * d * 8;
  return { bytes: perAtom * o.n, bytesPerAtom: perAtom, neighbors };
}
