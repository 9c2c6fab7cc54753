/**
 * The thermo table of an MD run: the columns of `md --thermo-csv` (LAMMPS
 * thermo names) and a row's values in that order. Whichever engine ran
 * (embedded, LAMMPS now, or LAMMPS on a cluster read back by `collect`), the
 * CSV has these columns.
 */
import type { ThermoRow } from './observers.ts';

/** The standard columns: step, time (time unit), T (energy/kB), PE, KE, Etot (energy, totals), P (pressure), V (volume), the conserved quantity (energy). */
export const THERMO_COLUMNS = ['Step', 'Time', 'Temp', 'PotEng', 'KinEng', 'TotEng', 'Press', 'Volume', 'Conserved'] as const;

/**
 * Thermo columns: the standard ones, and with an aniso/tri barostat the
 * pressure tensor, the edge lengths and (tri) the tilts.
 */
export function thermoColumns(barostat: string | undefined, dim: 2 | 3): string[] {
  if (barostat !== 'aniso' && barostat !== 'tri') return [...THERMO_COLUMNS];
  const three = dim === 3;
  return [
    ...THERMO_COLUMNS,
    ...(three ? ['Pxx', 'Pyy', 'Pzz', 'Pxy', 'Pxz', 'Pyz'] : ['Pxx', 'Pyy', 'Pxy']),
    ...(three ? ['Lx', 'Ly', 'Lz'] : ['Lx', 'Ly']),
    ...(barostat === 'tri' ? (three ? ['Xy', 'Xz', 'Yz'] : ['Xy']) : []),
  ];
}

/** A row's values in the order of `columns` (from thermoColumns). */
export function thermoValues(r: ThermoRow, columns: readonly string[]): number[] {
  const v = [r.step, r.time, r.T, r.PE, r.KE, r.Etot, r.P, r.volume, r.conserved];
  if (columns.length === v.length) return v;
  v.push(...r.pressureTensor, ...r.lengths);
  if (columns.length > v.length) v.push(...r.tilts);
  return v;
}

/** The CSV text of `rows` (header line, then full double precision). */
export function thermoCsv(rows: readonly ThermoRow[], columns: readonly string[]): string {
  const num = (x: number) => String(x);
  return [columns.join(','), ...rows.map((row) => thermoValues(row, columns).map(num).join(','))].join('\n') + '\n';
}
