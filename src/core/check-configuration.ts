import { Box } from '../system/box.ts';
import { createSystem, type System } from '../system/system.ts';
import type { Potential } from '../potential/types.ts';

/**
 * Check that `sys` can be evaluated with `pot`: every atom type within
 * 1..ntypes, and the dimension matching a dimension-specific potential.
 * Throws an Error that names the offending atom/type and what the model defines.
 */
export function checkConfiguration(sys: System, pot: Potential): void {
  const dimOf = pot.kind === 'pair' ? pot.dim : undefined;
  if (dimOf !== undefined && dimOf !== sys.dim) {
    throw new Error(`potential '${pot.name}' is defined for ${dimOf}D systems, but the system is ${sys.dim}D; choose the ${sys.dim}D variant of the model`);
  }
  for (let i = 0; i < sys.n; i++) {
    const t = sys.types[i];
    if (!(t >= 1 && t <= pot.ntypes)) {
      const names = pot.kind === 'eam' ? ` (${pot.elements.slice(1).map((e, k) => `${k + 1}=${e}`).join(', ')})` : '';
      throw new Error(`atom id ${sys.ids[i]} has type ${t}, unknown to potential '${pot.name}', which defines types 1..${pot.ntypes}${names}; remap the types or choose another potential`);
    }
  }
}

/** Dimension a model is defined for: 2 or 3, or undefined when it works in both (e.g. ka). */
export function modelDimension(pot: Potential): 2 | 3 | undefined {
  return pot.kind === 'pair' ? pot.dim : 3;
}

/** Spread max z - min z of the atoms (0 in 2D): a file read as 3D whose atoms all sit in one plane is a 2D configuration. */
export function zSpread(sys: System): number {
  if (sys.dim !== 3 || sys.n === 0) return 0;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < sys.n; i++) {
    const z = sys.positions[3 * i + 2];
    if (z < lo) lo = z;
    if (z > hi) hi = z;
  }
  return hi - lo;
}

/** Atoms further than this many box lengths outside a periodic box are refused (a corrupt file; positions that far out lose precision). */
export const FAR_OUTSIDE_BOX_LENGTHS = 1e6;

const fmt = (x: number) => String(Number(x.toPrecision(4)));

/**
 * Check a configuration read from `file` against model `model` (potential
 * `pot`) before any work starts: the dimension (a 3D file under a 2D model,
 * a 2D or flat file under a 3D one), the atom types (all within
 * 1..ntypes) and the positions (no atom far outside the box: more than
 * FAR_OUTSIDE_BOX_LENGTHS box lengths in a periodic direction, more than one
 * box length in a non-periodic one). Throws one Error naming the file, the
 * atom and what the model defines.
 */
export function checkInputAgainstModel(sys: System, pot: Potential, where: { file: string; model: string }): void {
  const { file, model } = where;
  const modelDim = modelDimension(pot);
  if (modelDim === 2 && sys.dim === 3) {
    throw new Error(`${file} is 3D (atoms spread over z by ${fmt(zSpread(sys))}, z width ${fmt(sys.box.lengths[2])}); model ${model} is 2D; use a 2D configuration or a 3D model`);
  }
  if (modelDim === 3 && sys.dim === 2) {
    throw new Error(`${file} is 2D; model ${model} is 3D; use a 3D configuration or a 2D model`);
  }
  if (modelDim === 3 && sys.n > 1 && zSpread(sys) === 0) {
    throw new Error(`${file} is 2D (all atoms at z = ${fmt(sys.positions[2])}, z width ${fmt(sys.box.lengths[2])}); model ${model} is 3D; use a 3D configuration or a 2D model`);
  }
  let maxType = 0, maxAt = -1;
  for (let i = 0; i < sys.n; i++) if (sys.types[i] > maxType) { maxType = sys.types[i]; maxAt = i; }
  if (maxType > pot.ntypes) {
    const names = pot.kind === 'eam' ? ` (${pot.elements.slice(1).map((e, k) => `${k + 1}=${e}`).join(', ')})` : '';
    throw new Error(`${file} has atom type ${maxType} (atom id ${sys.ids[maxAt]}); model ${model} has types 1-${pot.ntypes}${names}; remap the types or choose another model`);
  }
  const { box } = sys, d = sys.dim;
  for (let k = 0; k < d; k++) {
    const lo = box.lo[k], L = box.lengths[k];
    // tilt shifts the upper faces by at most one box length: generous bounds
    const slack = (box.periodic[k] ? FAR_OUTSIDE_BOX_LENGTHS : 1) * L + Math.abs(box.xy) + Math.abs(box.xz) + Math.abs(box.yz);
    for (let i = 0; i < sys.n; i++) {
      const x = sys.positions[i * d + k];
      const out = x < lo ? lo - x : x - (lo + L);
      if (out > slack) {
        throw new Error(`${file}: atom id ${sys.ids[i]} is at ${'xyz'[k]} = ${x}, ${fmt(out / L)} box lengths outside the box ` +
          `(${'xyz'[k]} in [${fmt(lo)}, ${fmt(lo + L)}]${box.periodic[k] ? '' : ', not periodic'}); the file is corrupt or mis-scaled`);
      }
    }
  }
}

/**
 * The 2D system of a configuration read as 3D whose atoms all lie in one
 * plane z = const (a LAMMPS 2D dump keeps a z column): x and y of positions,
 * velocities and image flags, the xy part of the box. Per-atom props are
 * kept as they are (scalars per atom). Throws when the atoms are not planar.
 */
export function planarSystem(sys: System): System {
  if (sys.dim === 2) return sys;
  if (zSpread(sys) !== 0) throw new Error(`planarSystem: the atoms are spread over z by ${zSpread(sys)}; not a 2D configuration`);
  const pick = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
    const out = make(2 * sys.n);
    for (let i = 0; i < sys.n; i++) { out[2 * i] = a[3 * i]; out[2 * i + 1] = a[3 * i + 1]; }
    return out;
  };
  const b = sys.box;
  const box = new Box({ dim: 2, lo: [b.lo[0], b.lo[1]], lengths: [b.lengths[0], b.lengths[1]], tilt: { xy: b.xy }, periodic: [b.periodic[0], b.periodic[1]] });
  return createSystem({
    box, positions: pick(sys.positions, (n) => new Float64Array(n)), types: sys.types, ids: sys.ids, masses: sys.masses,
    ...(sys.velocities ? { velocities: pick(sys.velocities, (n) => new Float64Array(n)) } : {}),
    ...(sys.images ? { images: pick(sys.images, (n) => new Int32Array(n)) } : {}),
    props: sys.props,
    ...(sys.timestep !== undefined ? { timestep: sys.timestep } : {}),
    ...(sys.time !== undefined ? { time: sys.time } : {}),
  });
}
