/**
 * Flexibility volume of each atom, Wei et al., Phys. Rev. B 99, 014115
 * (2019), Sec. III B, Eq. 2, after Ding et al., Nat. Commun. 7, 13733 (2016):
 *
 *   v_flex,i = <dr_i^2> / a_i^2 * Omega_i
 *
 * with <dr_i^2> the vibrational MSD (vibrational-msd.ts, length^2), Omega_i
 * the atom's Voronoi volume (length^3) and a_i a length, the "average atomic
 * spacing". Units: length^3.
 *
 * Two choices of a_i (`length`):
 * - 'omega' (default): a_i = Omega_i^(1/3), as Wei et al. print it; then
 *   v_flex,i = <dr_i^2> Omega_i^(1/3).
 * - 'neighbour': a_i = the mean centre-to-centre distance from atom i to its
 *   Voronoi neighbours (the atoms across the faces that pass the face-area
 *   threshold of the tessellation), the spacing of Ding et al. 2016.
 *
 * Decision: a cell of volume 0 (possible in a radical tessellation) has
 * v_flex = 0, the limit of the formula for Omega -> 0 at finite a (its
 * `neighbour` spacing does not exist: the cell has no faces).
 */
import type { VoronoiData } from '../structure/voronoi.ts';

/** How a_i of Eq. 2 is taken (module doc). */
export type FlexLength = 'omega' | 'neighbour';

export const FLEX_LENGTHS: readonly FlexLength[] = ['omega', 'neighbour'];

/**
 * Mean distance from each atom to its Voronoi neighbours (the atoms across
 * its counted faces, each periodic image once per face), length units; 0
 * for a cell without counted faces.
 */
export function meanNeighbourDistance(vor: Pick<VoronoiData, 'n' | 'faces'>): Float64Array {
  const out = new Float64Array(vor.n);
  for (let i = 0; i < vor.n; i++) {
    let s = 0, m = 0;
    for (const f of vor.faces[i]) if (f.counted) { s += f.distance; m++; }
    out[i] = m > 0 ? s / m : 0;
  }
  return out;
}

/** Eq. 2 per atom from the vibrational MSD (length^2) and the tessellation; see the module doc. */
export function flexibilityVolume(vmsd: ArrayLike<number>, vor: Pick<VoronoiData, 'n' | 'volumes' | 'faces'>, length: FlexLength = 'omega'): Float64Array {
  const n = vor.n;
  if (vmsd.length !== n) throw new Error(`flexibilityVolume: ${vmsd.length} vibrational MSD values for ${n} Voronoi cells`);
  if (!FLEX_LENGTHS.includes(length)) throw new Error(`flexibilityVolume: length must be ${FLEX_LENGTHS.join(' or ')}, got '${String(length)}'`);
  const a = length === 'omega' ? Float64Array.from(vor.volumes, Math.cbrt) : meanNeighbourDistance(vor);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const omega = vor.volumes[i];
    out[i] = omega > 0 ? vmsd[i] / (a[i] * a[i]) * omega : 0;
  }
  return out;
}
