/**
 * Unit systems of the MD engine, as LAMMPS defines them (`units lj`,
 * `units metal`; LAMMPS src/update.cpp `Update::set_units`).
 *
 * Every conversion the integrators need is an explicit field, so no formula
 * silently assumes reduced units:
 *   kinetic energy  K = 1/2 * mvv2e * sum m v^2                 [energy]
 *   acceleration    a = ftm2v * F / m                            [length/time^2]
 *   temperature     T = 2 K / (dof * kB)                         [temperature]
 *   pressure        P = nktv2p * (2 K + tr W) / (d V)            [pressure unit]
 *
 * | units | length | time | mass  | energy | temperature | pressure |
 * |-------|--------|------|-------|--------|-------------|----------|
 * | lj    | sigma  | tau  | m     | eps    | eps/kB      | eps/sigma^d |
 * | metal | Angstrom | ps | g/mol | eV     | K           | bar      |
 */
export interface Units {
  readonly name: 'lj' | 'metal';
  /** Boltzmann constant in energy / temperature */
  readonly kB: number;
  /** mass * velocity^2 -> energy */
  readonly mvv2e: number;
  /** force / mass -> acceleration (length/time^2); = 1 / mvv2e */
  readonly ftm2v: number;
  /** energy / volume -> pressure unit */
  readonly nktv2p: number;
  /** LAMMPS default timestep of the unit system (time unit) */
  readonly defaultDt: number;
  /** names of the units, for thermo headers and error messages */
  readonly label: { readonly time: string; readonly temperature: string; readonly pressure: string; readonly energy: string };
}

export const LJ_UNITS: Units = Object.freeze({
  name: 'lj',
  kB: 1,
  mvv2e: 1,
  ftm2v: 1,
  nktv2p: 1,
  defaultDt: 0.005,
  label: Object.freeze({ time: 'tau', temperature: 'eps/kB', pressure: 'eps/sigma^d', energy: 'eps' }),
});

/**
 * LAMMPS `units metal` constants (Update::set_units, LAMMPS 2Aug2023; kB is
 * CODATA 2018). LAMMPS releases before 2022 (e.g. Debian's 29Sep2021) use
 * kB = 8.617343e-5 (CODATA 2006): temperatures then differ by 1.1e-6
 * relative; pass `{ ...METAL_UNITS, kB: 8.617343e-5 }` to reproduce them.
 */
export const METAL_UNITS: Units = Object.freeze({
  name: 'metal',
  kB: 8.617333262e-5,
  mvv2e: 1.0364269e-4,
  ftm2v: 1 / 1.0364269e-4,
  nktv2p: 1.6021765e6,
  defaultDt: 0.001,
  label: Object.freeze({ time: 'ps', temperature: 'K', pressure: 'bar', energy: 'eV' }),
});

export type UnitsName = 'lj' | 'metal';

/** Units record by name; throws on an unknown name. */
export function getUnits(name: UnitsName | Units): Units {
  if (typeof name === 'object') return name;
  if (name === 'lj') return LJ_UNITS;
  if (name === 'metal') return METAL_UNITS;
  throw new Error(`md/units: unknown units '${String(name)}'; use 'lj' or 'metal'`);
}
