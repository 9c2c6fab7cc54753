/**
 * MD checkpoints: everything a run needs to continue bit for bit.
 *
 * File format (version 1), little-endian:
 *   bytes 0..7    ASCII magic "GLCKPT1\n"
 *   bytes 8..11   uint32 length H of the header
 *   bytes 12..    H bytes of UTF-8 JSON header (CheckpointHeader)
 *   zero padding to a multiple of 8 bytes, then the binary section: the arrays
 *   listed in header.arrays, each at its byte `offset` from the start of the
 *   binary section (8-byte aligned), as float64 ('f64') or int32 ('i32').
 * Every floating-point number (box, dt, time, energy, virial, thermostat and
 * barostat chains) is stored in binary so it round-trips exactly; the JSON
 * holds only integers, strings and the RNG words.
 *
 * Files are written atomically (platform `writeFileAtomic`: in Node a
 * temporary file in the same directory, fsync'ed, then renamed over the
 * target; in a browser an in-memory file).
 *
 * The header also names the model of the run (name and potential
 * fingerprint, optional: older checkpoints lack it) so that a resume with
 * another model is refused.
 *
 * Not stored: System.props (per-atom extras) and per-atom energies.
 * Bit-for-bit continuation also needs a force provider whose result depends
 * on positions only (not on when its neighbour list was built): true of
 * providers that sum pairs in a fixed (index) order. A provider that keeps
 * its atoms in a spatial order (ForceProvider `sortAtoms`) sums in that
 * order: the state's `atomOrder` is stored (array 'atomOrder', absent in
 * older files) and runMd puts it back in place on resume.
 */
import { readBytes, writeFileAtomic } from '../platform/index.ts';
import { Box } from '../system/box.ts';
import { createSystem } from '../system/system.ts';
import { Rng, type RngState } from '../util/random.ts';
import type { MdState } from './state.ts';
import { getUnits, type UnitsName } from '../util/units.ts';
import { notAPermutation } from '../core/atom-order.ts';

const MAGIC = 'GLCKPT1\n';

interface ArrayEntry { name: string; dtype: 'f64' | 'i32'; offset: number; length: number }

export interface CheckpointHeader {
  format: 'glasslab-md-checkpoint';
  version: 1;
  integrator: string;
  params: Record<string, number | string>;
  units: UnitsName;
  dim: 2 | 3;
  n: number;
  step: number;
  dof: number;
  rampBegin: number;
  rampEnd: number;
  /** time and step the time axis counts from (time = timeOrigin + (step - stepOrigin) dt) */
  timeOrigin?: number;
  stepOrigin?: number;
  periodic: boolean[];
  ext: string[];
  rng: RngState | null;
  arrays: ArrayEntry[];
  /** model name and potential fingerprint (absent in checkpoints written before it was stored) */
  model?: { name: string; potential: string };
}

/** scalars array layout: dt, time, energy, then box lo[d], lengths[d], xy, xz, yz */
function packScalars(s: MdState): Float64Array {
  const b = s.sys.box;
  return Float64Array.from([s.dt, s.time, s.force.energy, ...b.lo, ...b.lengths, b.xy, b.xz, b.yz]);
}

/** Write `state` to `path` atomically (temp file + rename). */
export function saveCheckpoint(path: string, state: MdState): void {
  const { sys } = state;
  if (!sys.velocities || !sys.images) throw new Error('md/checkpoint: the state has no velocities or images; create it with an integrator init');
  if (state.units.name !== 'lj' && state.units.name !== 'metal') throw new Error(`md/checkpoint: unknown units ${state.units.name}`);
  const extNames = Object.keys(state.ext).sort();
  const arrays: [string, Float64Array | Int32Array][] = [
    ['scalars', packScalars(state)],
    ['positions', sys.positions], ['velocities', sys.velocities], ['images', sys.images],
    ['types', sys.types], ['ids', sys.ids], ['masses', sys.masses],
    ['forces', state.force.forces], ['virial', state.force.virial],
    ...extNames.map((k): [string, Float64Array] => ['ext.' + k, state.ext[k]]),
    ...(state.atomOrder ? [['atomOrder', state.atomOrder] as [string, Int32Array]] : []),
  ];
  const entries: ArrayEntry[] = [];
  let off = 0;
  for (const [name, a] of arrays) {
    entries.push({ name, dtype: a instanceof Float64Array ? 'f64' : 'i32', offset: off, length: a.length });
    off += Math.ceil(a.byteLength / 8) * 8;
  }
  const header: CheckpointHeader = {
    format: 'glasslab-md-checkpoint', version: 1,
    integrator: state.integrator, params: { ...state.params }, units: state.units.name,
    dim: sys.dim, n: sys.n, step: state.step, dof: state.dof,
    rampBegin: state.rampBegin, rampEnd: state.rampEnd,
    timeOrigin: state.timeOrigin, stepOrigin: state.stepOrigin,
    periodic: [...sys.box.periodic], ext: extNames,
    rng: state.rng ? state.rng.getState() : null, arrays: entries,
    ...(state.model ? { model: { name: state.model.name, potential: state.model.potential } } : {}),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headEnd = Math.ceil((12 + json.length) / 8) * 8;
  const buf = new Uint8Array(headEnd + off);
  const view = new DataView(buf.buffer);
  for (let k = 0; k < MAGIC.length; k++) buf[k] = MAGIC.charCodeAt(k);
  view.setUint32(8, json.length, true);
  buf.set(json, 12);
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i][1];
    const start = headEnd + entries[i].offset;
    if (a instanceof Float64Array) for (let k = 0; k < a.length; k++) view.setFloat64(start + 8 * k, a[k], true);
    else for (let k = 0; k < a.length; k++) view.setInt32(start + 4 * k, a[k], true);
  }
  writeFileAtomic(path, buf);
}

/**
 * Read a checkpoint written by saveCheckpoint. The returned state continues
 * the run when passed to runMd together with an integrator of the same name
 * and parameters (runMd checks both).
 */
export function loadCheckpoint(path: string): MdState {
  const buf = readBytes(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const bad = (why: string) => new Error(`md/checkpoint: ${path} is not a valid glasslab checkpoint (${why})`);
  if (buf.length < 12 || String.fromCharCode(...buf.subarray(0, 8)) !== MAGIC) throw bad('wrong magic bytes');
  const hlen = view.getUint32(8, true);
  if (12 + hlen > buf.length) throw bad('truncated header');
  let h: CheckpointHeader;
  try {
    h = JSON.parse(new TextDecoder().decode(buf.subarray(12, 12 + hlen))) as CheckpointHeader;
  } catch {
    throw bad('header is not JSON');
  }
  if (h.format !== 'glasslab-md-checkpoint' || h.version !== 1) throw bad(`format ${h.format} version ${h.version}; this reader knows version 1`);
  const headEnd = Math.ceil((12 + hlen) / 8) * 8;
  const get = (name: string): Float64Array | Int32Array => {
    const e = h.arrays.find((a) => a.name === name);
    if (!e) throw bad(`array '${name}' missing`);
    const start = headEnd + e.offset;
    const size = e.dtype === 'f64' ? 8 : 4;
    if (start + size * e.length > buf.length) throw bad(`array '${name}' truncated`);
    if (e.dtype === 'f64') return Float64Array.from({ length: e.length }, (_, k) => view.getFloat64(start + 8 * k, true));
    return Int32Array.from({ length: e.length }, (_, k) => view.getInt32(start + 4 * k, true));
  };
  const f64 = (name: string) => { const a = get(name); if (!(a instanceof Float64Array)) throw bad(`${name} is not f64`); return a; };
  const i32 = (name: string) => { const a = get(name); if (!(a instanceof Int32Array)) throw bad(`${name} is not i32`); return a; };
  const d = h.dim;
  const sc = f64('scalars');
  if (sc.length !== 3 + 2 * d + 3) throw bad('scalars has the wrong length');
  const box = new Box({
    dim: d, lo: sc.subarray(3, 3 + d), lengths: sc.subarray(3 + d, 3 + 2 * d),
    tilt: { xy: sc[3 + 2 * d], xz: sc[4 + 2 * d], yz: sc[5 + 2 * d] }, periodic: h.periodic,
  });
  const sys = createSystem({
    box, positions: f64('positions'), velocities: f64('velocities'), images: i32('images'),
    types: i32('types'), ids: i32('ids'), masses: f64('masses'), timestep: h.step, time: sc[1],
  });
  if (sys.n !== h.n) throw bad(`atom count ${sys.n} != header n ${h.n}`);
  const ext: Record<string, Float64Array> = {};
  for (const k of h.ext) ext[k] = f64('ext.' + k);
  const state: MdState = {
    sys, units: getUnits(h.units), dt: sc[0], step: h.step, time: sc[1],
    force: { energy: sc[2], forces: f64('forces'), virial: f64('virial') },
    dof: h.dof, rampBegin: h.rampBegin, rampEnd: h.rampEnd,
    timeOrigin: h.timeOrigin ?? sc[1], stepOrigin: h.stepOrigin ?? h.step,
    integrator: h.integrator, params: h.params, ext,
  };
  if (h.rng) state.rng = Rng.fromState(h.rng);
  if (h.model) state.model = { name: h.model.name, potential: h.model.potential };
  if (h.arrays.some((a) => a.name === 'atomOrder')) {
    const order = i32('atomOrder');
    if (order.length !== sys.n) throw bad(`atomOrder has ${order.length} entries for ${sys.n} atoms`);
    const why = notAPermutation(order);
    if (why) throw bad(`atomOrder is not a permutation of the ${sys.n} atoms: ${why}`);
    state.atomOrder = order;
  }
  return state;
}
