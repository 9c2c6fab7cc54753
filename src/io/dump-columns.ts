/**
 * Meaning of the per-atom columns of a LAMMPS `dump custom` / `dump atom`
 * file (LAMMPS manual, `dump` command): which columns give ids, types,
 * masses, positions (and in which representation), image flags and
 * velocities; every other column is kept as a per-atom property.
 */
import type { Dim } from '../system/box.ts';

/** How positions are stored in the file. */
export type PositionKind =
  /** xu yu zu: unwrapped Cartesian */
  | 'unwrapped'
  /** xsu ysu zsu: unwrapped fractional */
  | 'scaled-unwrapped'
  /** x y z: wrapped Cartesian (+ ix iy iz if present) */
  | 'wrapped'
  /** xs ys zs: wrapped fractional (+ ix iy iz if present) */
  | 'scaled'
  /** no position columns (allowed only when positions are optional, e.g. a velocity dump for the VDOS) */
  | 'none';

/** Position column sets in order of preference, with their name suffix. */
const POSITION_SETS: [PositionKind, string][] = [
  ['unwrapped', 'u'],
  ['scaled-unwrapped', 'su'],
  ['wrapped', ''],
  ['scaled', 's'],
];

/** Column indices resolved for one `ITEM: ATOMS` header. */
export interface ColumnPlan {
  names: readonly string[];
  dim: Dim;
  id: number;
  type: number;
  mass: number; // -1 if absent
  positionKind: PositionKind;
  position: number[]; // dim indices (empty for 'none')
  image: number[] | null; // dim indices (only for wrapped/scaled kinds)
  velocity: number[] | null;
  /** every column not used above, kept by name */
  props: [string, number][];
}

const AXES = ['x', 'y', 'z'];

/**
 * Resolve column names. `dim` forces the dimension; otherwise it is 3 when
 * any z position column (z, zu, zs, zsu) is present and 2 if none is.
 * `where` prefixes error messages (file:line). With `requirePositions`
 * false a header without position columns is accepted (positionKind
 * 'none'; the dimension then comes from vz).
 */
export function planColumns(names: readonly string[], dim: Dim | undefined, where: string, requirePositions = true): ColumnPlan {
  const listed = `columns are: ${names.join(' ') || '(none)'}`;
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    if (index.has(name)) throw new Error(`${where}: column '${name}' appears twice in ITEM: ATOMS (${listed})`);
    index.set(name, i);
  });
  const need = (name: string): number => {
    const i = index.get(name);
    if (i === undefined) {
      throw new Error(`${where}: missing required column '${name}' in ITEM: ATOMS (${listed}); add '${name}' to the LAMMPS dump custom command`);
    }
    return i;
  };
  const id = need('id');
  const type = need('type');
  const anyPosition = ['x', 'xu', 'xs', 'xsu'].some((c) => index.has(c));
  const d: Dim = dim ?? (['z', 'zu', 'zs', 'zsu'].some((c) => index.has(c)) || (!anyPosition && !requirePositions && index.has('vz')) ? 3 : 2);
  const axes = AXES.slice(0, d);
  const used = new Set<number>([id, type]);

  /** indices of all axes with this suffix, null if none present, error if partial */
  const fullSet = (prefixes: string[], what: string, partialIsError: boolean): number[] | null => {
    const found = prefixes.map((p) => index.get(p));
    const have = found.filter((v) => v !== undefined).length;
    if (have === 0) return null;
    if (have < prefixes.length) {
      if (!partialIsError) return null;
      const missing = prefixes.filter((_, k) => found[k] === undefined);
      throw new Error(`${where}: ${what} columns incomplete for dim=${d}: missing ${missing.join(' ')} (${listed})`);
    }
    return found as number[];
  };

  let positionKind: PositionKind | null = null;
  let position: number[] | null = null;
  for (const [kind, suffix] of POSITION_SETS) {
    const set = fullSet(axes.map((a) => a + suffix), 'position', false);
    if (set) {
      positionKind = kind;
      position = set;
      break;
    }
  }
  if (!positionKind && !anyPosition && !requirePositions) {
    positionKind = 'none';
    position = [];
  }
  if (!positionKind || !position) {
    const sets = POSITION_SETS.map(([, s]) => axes.map((a) => a + s).join(' ')).join(' | ');
    throw new Error(`${where}: no complete set of position columns for dim=${d} (${listed}); expected one of: ${sets}`);
  }
  position.forEach((i) => used.add(i));

  let image: number[] | null = null;
  if (positionKind === 'wrapped' || positionKind === 'scaled') {
    image = fullSet(axes.map((a) => 'i' + a), 'image flag', true);
    image?.forEach((i) => used.add(i));
  }
  const velocity = fullSet(axes.map((a) => 'v' + a), 'velocity', true);
  velocity?.forEach((i) => used.add(i));
  const mass = index.get('mass') ?? -1;
  if (mass >= 0) used.add(mass);
  const props: [string, number][] = [];
  names.forEach((name, i) => { if (!used.has(i)) props.push([name, i]); });
  return { names, dim: d, id, type, mass, positionKind, position, image, velocity, props };
}

/** Default columns written by the dump writer: ids, types, unwrapped positions. */
export function defaultColumns(dim: Dim): string[] {
  return ['id', 'type', ...AXES.slice(0, dim).map((a) => a + 'u')];
}

/** Names of the per-axis columns `prefix+axis` (e.g. vx vy vz) for a dimension. */
export function axisColumns(prefix: string, dim: Dim, suffix = ''): string[] {
  return AXES.slice(0, dim).map((a) => prefix + a + suffix);
}
