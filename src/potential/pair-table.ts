/**
 * Plain-data coefficient tables of the analytic pair potentials, for force
 * loops that inline the pair arithmetic instead of calling `radial()` per
 * pair. Each variant documents its formula next to its definition.
 */
import type { IplPairTable } from './ipl.ts';
import type { LjPairTable } from './lennard-jones.ts';
import type { PairPotential } from './types.ts';

export type { IplPairTable, LjPairTable };

/** Any inlinable pair table; switch on `kind`. */
export type PairTable = LjPairTable | IplPairTable;

/** The pair table of a potential, or undefined when it has none (then use `radial()`). */
export function pairTableOf(pot: PairPotential): PairTable | undefined {
  const p = pot as PairPotential & { pairTable?: () => PairTable };
  return typeof p.pairTable === 'function' ? p.pairTable() : undefined;
}
