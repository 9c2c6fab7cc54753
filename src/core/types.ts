import type { System } from '../system/system.ts';

/**
 * Result of one force evaluation.
 *
 * Virial convention: W_ab = sum over pairs r_ij,a F_ij,b (r_ij = r_i - r_j,
 * F_ij = force on i due to j), positive for repulsion, energy units. The
 * pressure is P = (2 K / d + W_trace / d) / V. Per-atom virials split each
 * pair half/half (LAMMPS `compute stress/atom` gives minus this, without the
 * kinetic part). Tensor components are ordered xx, yy, zz, xy, xz, yz in 3D
 * and xx, yy, xy in 2D.
 */
export interface ForceResult {
  /** total potential energy */
  energy: number;
  /** forces, n*dim, same atom order as the System */
  forces: Float64Array;
  /** global virial tensor (6 components in 3D, 3 in 2D) */
  virial: Float64Array;
  /** per-atom potential energy (LAMMPS pe/atom), when requested */
  peratomEnergy?: Float64Array;
  /** per-atom virial, n*6 (3D) or n*3 (2D), when requested */
  peratomVirial?: Float64Array;
}

export interface ForceOptions {
  /** also compute per-atom energies and virials */
  peratom?: boolean;
  /**
   * A result of an earlier call that the caller gives up (MD passes the
   * forces of the previous step): the provider may write the new forces
   * into its arrays, and need not keep what that result would need later
   * (the inputs of a lazily computed virial). Its contents are undefined
   * after the call. Results are the same bits with or without it.
   */
  reuse?: ForceResult;
}

/**
 * Anything that gives forces for a configuration: owns its neighbour list
 * and rebuilds it when atoms moved more than half the skin or the box changed.
 */
export interface ForceProvider {
  compute(sys: System, opts?: ForceOptions): ForceResult;
  /**
   * Optional: the same forces, recomputing only the terms touched by the
   * atoms that moved since the previous call (src/core/forces-local.ts);
   * callers use `provider.computeLocal?.(sys) ?? provider.compute(sys)`.
   */
  computeLocal?(sys: System, opts?: ForceOptions): ForceResult;
  /** Verlet skin of its neighbour list (length units), when it keeps one: MD takes a step longer than it as a blow-up */
  readonly skin?: number;
  /**
   * Optional, with `atomOrder` and `setAtomOrder`: keep the atoms in a
   * spatial order inside the provider (faster loops; results in the
   * caller's order, equal up to the order of summation). They depend on the
   * order in place, so a bit-for-bit resume restores it: src/md/run.ts sorts
   * at fixed steps (`RunOptions.sortEvery`) and checkpoints store the order.
   */
  sortAtoms?(sys: System): void;
  /** the order in place (order[k]: the caller's index of the atom at place k), or null (the System's own) */
  atomOrder?(): Int32Array | null;
  /** put an order in place (a permutation of 0..n-1), or null for the System's own */
  setAtomOrder?(order: Int32Array | null): void;
}
