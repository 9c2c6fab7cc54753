/**
 * Potential interfaces. A pair potential is a radial evaluator per type pair
 * (energy and radial derivatives up to third order, needed by Hessians and the
 * local thermal energy). EAM is a two-pass many-body evaluator.
 *
 * Types are LAMMPS 1-based atom types. Energies in the model's energy unit
 * (epsilon_AA for LJ models, eV for metal units), lengths in its length unit.
 */

/** Output slots of `PairPotential.radial`. */
export const PHI = 0, DPHI = 1, D2PHI = 2, D3PHI = 3;

export interface PairPotential {
  readonly kind: 'pair';
  /** registry name, e.g. 'ka', 'ka-sf', 'ipl2d' */
  readonly name: string;
  /** number of atom types this potential defines (types 1..ntypes) */
  readonly ntypes: number;
  /** dimension the model is defined for, if any (IPL models are 2D or 3D) */
  readonly dim?: 2 | 3;
  /** largest cutoff over all type pairs */
  readonly maxCutoff: number;
  /** default per-type masses, index 0 unused */
  readonly typeMasses: readonly number[];
  /** units of the model */
  readonly units: 'lj' | 'metal';
  /** cutoff distance of the type pair (ti, tj) */
  cutoff(ti: number, tj: number): number;
  /**
   * Fill out[PHI..D3PHI] with phi(r), dphi/dr, d2phi/dr2, d3phi/dr3 for the
   * type pair at distance r. Beyond the cutoff all four are zero.
   */
  radial(ti: number, tj: number, r: number, out: Float64Array): void;
}

/**
 * Embedded-atom (Finnis-Sinclair) potential, LAMMPS `eam/fs` conventions:
 *   E_i = F_{t_i}(rho_i) + 1/2 sum_{j} phi_{t_i t_j}(r_ij),
 *   rho_i = sum_{j} rho_{t_j -> t_i}(r_ij)   (density contributed by j at i).
 */
export interface EamPotential {
  readonly kind: 'eam';
  readonly name: string;
  readonly ntypes: number;
  readonly maxCutoff: number;
  readonly typeMasses: readonly number[];
  readonly units: 'lj' | 'metal';
  /** element symbols by type (index 0 unused) */
  readonly elements: readonly string[];
  cutoff(ti: number, tj: number): number;
  /** pair term phi_{ti tj}(r) and derivatives, like PairPotential.radial */
  pair(ti: number, tj: number, r: number, out: Float64Array): void;
  /** density contributed at an atom of type `at` by a neighbour of type `from`, and derivatives */
  density(at: number, from: number, r: number, out: Float64Array): void;
  /** embedding energy F_t(rho) and derivatives F', F'', F''' in out[0..3] */
  embed(t: number, rho: number, out: Float64Array): void;
}

export type Potential = PairPotential | EamPotential;
