import { Box, type Dim } from './box.ts';

/**
 * One configuration of N particles: plain data in flat typed arrays.
 *
 * - `positions[i*dim + k]`: Cartesian coordinate k of atom i (f64). Whether it
 *   is wrapped into the cell or unwrapped is recorded by `images`: positions
 *   plus images . cell edges give the unwrapped trajectory (LAMMPS image flags).
 * - `types[i]`: LAMMPS atom type, 1-based (1 = A, 2 = B for binary models).
 * - `ids[i]`: LAMMPS atom id (kept as read; order of atoms in arrays is the
 *   storage order, not necessarily sorted by id).
 * - `masses[i]`: per-atom mass (mass unit of the model: 1 for LJ models,
 *   g/mol for metal units).
 * - `velocities`: optional, same layout as positions (length/time).
 * - `props`: extra per-atom columns (e.g. `c_pe`, `fx`), one value per atom,
 *   or vectors with a declared component count.
 */
export interface System {
  readonly dim: Dim;
  readonly n: number;
  box: Box;
  positions: Float64Array;
  types: Int32Array;
  ids: Int32Array;
  masses: Float64Array;
  velocities?: Float64Array;
  images?: Int32Array;
  /** Per-atom scalar properties keyed by name (length n). */
  props: Map<string, Float64Array>;
  /** Simulation time (model time unit) or timestep index if known. */
  time?: number;
  timestep?: number;
}

export interface SystemInit {
  box: Box;
  positions: ArrayLike<number>;
  types?: ArrayLike<number>;
  ids?: ArrayLike<number>;
  /** per-atom masses, or per-type masses given as `typeMasses` */
  masses?: ArrayLike<number>;
  /** masses indexed by type (index 0 unused, LAMMPS-style 1-based) */
  typeMasses?: ArrayLike<number>;
  velocities?: ArrayLike<number>;
  images?: ArrayLike<number>;
  props?: Map<string, Float64Array>;
  timestep?: number;
  time?: number;
}

/**
 * Build a System with validation: every coordinate finite, array lengths
 * consistent, types positive. Errors name the atom and what to fix.
 */
export function createSystem(init: SystemInit): System {
  const dim = init.box.dim;
  const n = init.positions.length / dim;
  if (!Number.isInteger(n)) {
    throw new Error(`createSystem: positions length ${init.positions.length} is not a multiple of dim=${dim}`);
  }
  const positions = Float64Array.from(init.positions);
  for (let i = 0; i < positions.length; i++) {
    if (!Number.isFinite(positions[i])) {
      const atom = Math.floor(i / dim);
      throw new Error(`createSystem: atom index ${atom} (id ${init.ids?.[atom] ?? atom + 1}) has a non-finite coordinate ${'xyz'[i % dim]} = ${positions[i]}`);
    }
  }
  const types = init.types ? Int32Array.from(init.types) : new Int32Array(n).fill(1);
  const ids = init.ids ? Int32Array.from(init.ids) : Int32Array.from({ length: n }, (_, i) => i + 1);
  checkLength('types', types.length, n);
  checkLength('ids', ids.length, n);
  for (let i = 0; i < n; i++) {
    if (!(types[i] >= 1)) throw new Error(`createSystem: atom id ${ids[i]} has type ${types[i]}; types are 1-based positive integers`);
  }
  let masses: Float64Array;
  if (init.masses) {
    masses = Float64Array.from(init.masses);
    checkLength('masses', masses.length, n);
  } else if (init.typeMasses) {
    const tm = init.typeMasses;
    masses = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const m = tm[types[i]];
      if (m === undefined) throw new Error(`createSystem: no mass given for type ${types[i]}`);
      masses[i] = m;
    }
  } else {
    masses = new Float64Array(n).fill(1);
  }
  for (let i = 0; i < n; i++) {
    if (!(masses[i] > 0)) throw new Error(`createSystem: atom id ${ids[i]} has non-positive mass ${masses[i]}`);
  }
  const sys: System = {
    dim, n, box: init.box, positions, types, ids, masses,
    props: init.props ?? new Map(),
  };
  if (init.velocities) {
    sys.velocities = Float64Array.from(init.velocities);
    checkLength('velocities', sys.velocities.length, n * dim);
    for (let i = 0; i < sys.velocities.length; i++) {
      if (!Number.isFinite(sys.velocities[i])) {
        throw new Error(`createSystem: atom id ${ids[Math.floor(i / dim)]} has a non-finite velocity`);
      }
    }
  }
  if (init.images) {
    sys.images = Int32Array.from(init.images);
    checkLength('images', sys.images.length, n * dim);
  }
  if (init.timestep !== undefined) sys.timestep = init.timestep;
  if (init.time !== undefined) sys.time = init.time;
  return sys;
}

function checkLength(name: string, got: number, want: number): void {
  if (got !== want) throw new Error(`createSystem: ${name} has length ${got}, expected ${want}`);
}

/** Deep copy (arrays copied, box shared: boxes are immutable). */
export function cloneSystem(s: System): System {
  const c: System = {
    dim: s.dim, n: s.n, box: s.box,
    positions: s.positions.slice(), types: s.types.slice(), ids: s.ids.slice(), masses: s.masses.slice(),
    props: new Map([...s.props].map(([k, v]) => [k, v.slice()])),
  };
  if (s.velocities) c.velocities = s.velocities.slice();
  if (s.images) c.images = s.images.slice();
  if (s.time !== undefined) c.time = s.time;
  if (s.timestep !== undefined) c.timestep = s.timestep;
  return c;
}

/**
 * The atoms `indices` (storage order) of `s` as a System of their own in the
 * same box, in the order given: positions, types, ids, masses, velocities,
 * images and per-atom props are copied (vector props keep their component
 * count). For analyses of a field known on some atoms only (e.g. the
 * barriers of the atoms an ARTn campaign activated): a correlation or a
 * map over those atoms alone.
 */
export function selectAtoms(s: System, indices: ArrayLike<number>): System {
  const m = indices.length, d = s.dim;
  const seen = new Uint8Array(s.n);
  for (let k = 0; k < m; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= s.n) throw new Error(`selectAtoms: index ${i} is outside 0..${s.n - 1}`);
    if (seen[i]) throw new Error(`selectAtoms: index ${i} (atom id ${s.ids[i]}) is given twice`);
    seen[i] = 1;
  }
  const pick = <A extends Float64Array | Int32Array>(a: A, stride: number): A => {
    const out = new (a.constructor as new (len: number) => A)(m * stride);
    for (let k = 0; k < m; k++) for (let c = 0; c < stride; c++) out[k * stride + c] = a[indices[k] * stride + c];
    return out;
  };
  const c: System = {
    dim: d, n: m, box: s.box, positions: pick(s.positions, d), types: pick(s.types, 1), ids: pick(s.ids, 1), masses: pick(s.masses, 1),
    props: new Map([...s.props].map(([k, v]) => [k, pick(v, v.length / s.n)])),
  };
  if (s.velocities) c.velocities = pick(s.velocities, d);
  if (s.images) c.images = pick(s.images, d);
  if (s.time !== undefined) c.time = s.time;
  if (s.timestep !== undefined) c.timestep = s.timestep;
  return c;
}

/** Unwrapped positions (positions + images . cell); a copy. */
export function unwrappedPositions(s: System): Float64Array {
  if (!s.images) return s.positions.slice();
  return s.box.unwrap(s.positions, s.images);
}

/** Number of distinct atom types = max type index. */
export function typeCount(s: System): number {
  let m = 0;
  for (let i = 0; i < s.n; i++) if (s.types[i] > m) m = s.types[i];
  return m;
}

/** Number density N / V (V = area in 2D). */
export function numberDensity(s: System): number {
  return s.n / s.box.volume;
}
