/**
 * A System as plain data and back (what a saved result holds of a
 * configuration: src/plot/result.ts encodes the typed arrays).
 */
import { Box, type Dim } from './box.ts';
import { createSystem, type System } from './system.ts';

export interface SystemData {
  box: { dim: Dim; lo: Float64Array; lengths: Float64Array; tilt: { xy: number; xz: number; yz: number }; periodic: boolean[] };
  positions: Float64Array;
  types: Int32Array;
  ids: Int32Array;
  masses: Float64Array;
  velocities?: Float64Array;
  images?: Int32Array;
  timestep?: number;
  time?: number;
}

/** The data of `sys` (copies; per-atom props are left out). */
export function systemToData(sys: System): SystemData {
  const b = sys.box;
  return {
    box: { dim: b.dim, lo: Float64Array.from(b.lo), lengths: Float64Array.from(b.lengths), tilt: { xy: b.xy, xz: b.xz, yz: b.yz }, periodic: [...b.periodic] },
    positions: Float64Array.from(sys.positions), types: Int32Array.from(sys.types), ids: Int32Array.from(sys.ids), masses: Float64Array.from(sys.masses),
    ...(sys.velocities ? { velocities: Float64Array.from(sys.velocities) } : {}),
    ...(sys.images ? { images: Int32Array.from(sys.images) } : {}),
    ...(sys.timestep !== undefined ? { timestep: sys.timestep } : {}),
    ...(sys.time !== undefined ? { time: sys.time } : {}),
  };
}

/** A System from its data. */
export function systemFromData(d: SystemData): System {
  return createSystem({
    box: new Box({ dim: d.box.dim, lo: d.box.lo, lengths: d.box.lengths, tilt: d.box.tilt, periodic: d.box.periodic }),
    positions: d.positions, types: d.types, ids: d.ids, masses: d.masses, velocities: d.velocities, images: d.images,
    timestep: d.timestep, time: d.time,
  });
}
