/**
 * Anisotropic and triclinic MTK barostat: the cell half of LAMMPS
 * `fix npt ... aniso Pstart Pstop Pdamp` and `fix npt ... tri Pstart Pstop Pdamp`
 * (FixNH in fix_nh.cpp; written from its equations, not its code).
 *
 * Equations (Martyna, Tobias & Klein, J. Chem. Phys. 101, 4177 (1994);
 * Shinoda, Shiga & Mikami, Phys. Rev. B 69, 134103 (2004), the form LAMMPS
 * implements): the cell matrix h (upper triangular, LAMMPS restricted
 * triclinic: rows of edges a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz))
 * moves as dh/dt = omegaDot h with omegaDot upper triangular, one
 * barostat velocity per controlled component, each of mass
 *   W = (N + 1) kB T / Pfreq^2                     (LAMMPS omega_mass)
 * and forces (pressure tensor P_ab = (sum m v_a v_b + W_ab) / V, internal units)
 *   diagonal k:     d omegaDot_k/dt  = [ (P_kk - P0) V + 2K / (d N) ] / W
 *   off-diagonal:   d omegaDot_ab/dt = P_ab V / W  (target tilt stress 0)
 * Particles: dv/dt = F/m - (omegaDot + tr(omegaDot)/(d N)) v - etaDot_0 v.
 * The targets are hydrostatic (every diagonal component at P0, off-diagonal
 * at 0), which is what `aniso P P` and `tri P P` ask for, so LAMMPS's
 * deviatoric (sigma/fdev) terms vanish and are not implemented.
 *
 * Components are stored in a Float64Array(6) `omegaDot` ordered
 * x, y, z, xy, xz, yz (the virial order of src/core/types.ts; LAMMPS orders
 * the off-diagonals yz, xz, xy). Inactive slots stay 0: aniso controls
 * x, y, z (2D: x, y); tri also xy, xz, yz (2D: xy).
 *
 * Cell update (LAMMPS FixNH::remap, per half step h = dt/2): the tilts by a
 * palindromic splitting xz, yz, xy, xz around the scaling of the lengths
 * about the cell centre, the tilt updates reading the edge lengths from
 * before the scaling (as LAMMPS, whose domain->h is refreshed only after);
 * atoms keep their fractional coordinates. In aniso a nonzero tilt scales
 * with its second edge (LAMMPS scalexy/scalexz/scaleyz defaults).
 *
 * Tilt flips (LAMMPS FixNH::pre_exchange, `flip yes`): when |yz| exceeds
 * (0.5 + 0.1) ly, or |xz|, |xy| exceed (0.5 + 0.1) lx, the tilt is moved by
 * one edge length (the same lattice, another basis); image flags follow so
 * unwrapped coordinates are unchanged (LAMMPS Domain::image_flip).
 */
import { Box } from '../system/box.ts';
import { exp } from '../util/portable-math.ts';
import type { System } from '../system/system.ts';
import type { MdState } from './state.ts';
import { kineticTensor } from './velocities.ts';

export type BarostatStyle = 'iso' | 'aniso' | 'tri';

/** LAMMPS DELTAFLIP: a flip happens at |tilt| > (0.5 + DELTAFLIP) edge, so a flipped tilt does not flip back at once */
export const DELTAFLIP = 0.1;

/** LAMMPS TILTMAX: a tilt beyond 1.5 edge lengths after a cell update (flips come later) means the cell is far from equilibrium */
export const TILTMAX = 1.5;

/** Indices (into the 6-slot layout) of the components a style controls in dimension d. */
export function activeComponents(style: 'aniso' | 'tri', dim: 2 | 3): number[] {
  const diag = dim === 3 ? [0, 1, 2] : [0, 1];
  if (style === 'aniso') return diag;
  return dim === 3 ? [...diag, 3, 4, 5] : [...diag, 3];
}

/**
 * Pressure tensor in internal units (energy / volume) in the 6-slot layout
 * x, y, z, xy, xz, yz (2D: z, xz, yz are 0), and 2K = sum m v^2 (energy).
 */
export function pressureTensor6(state: MdState): { P: Float64Array; twoK: number } {
  const { sys } = state;
  const t = kineticTensor(sys, state.units);
  const W = state.force.virial;
  const V = sys.box.volume;
  const P = new Float64Array(6);
  const map = sys.dim === 3 ? [0, 1, 2, 3, 4, 5] : [0, 1, 3];
  for (let k = 0; k < map.length; k++) P[map[k]] = (t[k] + W[k]) / V;
  let twoK = 0;
  for (let k = 0; k < sys.dim; k++) twoK += t[k];
  return { P, twoK };
}

/** Sum of W omegaDot_k^2 over the controlled components: the "2K" of the cell (energy). */
export function cellTwiceKinetic(omegaDot: Float64Array, active: readonly number[], W: number): number {
  let s = 0;
  for (const k of active) s += W * omegaDot[k] * omegaDot[k];
  return s;
}

/**
 * omegaDot += (dt/2) force / W (LAMMPS FixNH::nh_omega_dot, no drag).
 * @param P0 target pressure, internal units (energy / volume)
 * @param W barostat mass per component (energy * time^2)
 */
export function omegaDotHalf(state: MdState, omegaDot: Float64Array, active: readonly number[], W: number, P0: number): void {
  const { sys } = state;
  const { P, twoK } = pressureTensor6(state);
  const V = sys.box.volume;
  const mtk1 = twoK / (sys.dim * sys.n);
  const h = 0.5 * state.dt;
  for (const k of active) {
    const f = k < 3 ? (P[k] - P0) * V + mtk1 : P[k] * V;
    omegaDot[k] += (h * f) / W;
  }
}

/**
 * Velocity update of the barostat over dt/2 (LAMMPS FixNH::nh_v_press):
 * v_k *= exp(-dt/4 (omegaDot_k + mtk2)), then (tri) the off-diagonal
 * coupling v_x -= dt/2 (v_y omegaDot_xy + v_z omegaDot_xz),
 * v_y -= dt/2 v_z omegaDot_yz, then the scaling again;
 * mtk2 = (omegaDot_x + omegaDot_y [+ omegaDot_z]) / (d N).
 */
export function velocityPressHalf(state: MdState, omegaDot: Float64Array): void {
  const { sys } = state;
  const d = sys.dim, n = sys.n;
  let tr = 0;
  for (let k = 0; k < d; k++) tr += omegaDot[k];
  const mtk2 = tr / (d * n);
  const q = 0.25 * state.dt, h = 0.5 * state.dt;
  const fx = exp(-q * (omegaDot[0] + mtk2)), fy = exp(-q * (omegaDot[1] + mtk2));
  const fz = d === 3 ? exp(-q * (omegaDot[2] + mtk2)) : 1;
  const wxy = omegaDot[3], wxz = omegaDot[4], wyz = omegaDot[5];
  const v = sys.velocities!;
  if (d === 3) {
    for (let i = 0, o = 0; i < n; i++, o += 3) {
      let vx = v[o] * fx, vy = v[o + 1] * fy;
      const vz = v[o + 2] * fz;
      vx -= h * (vy * wxy + vz * wxz);
      vy -= h * vz * wyz;
      v[o] = vx * fx; v[o + 1] = vy * fy; v[o + 2] = vz * fz;
    }
  } else {
    for (let i = 0, o = 0; i < n; i++, o += 2) {
      let vx = v[o] * fx;
      const vy = v[o + 1] * fy;
      vx -= h * vy * wxy;
      v[o] = vx * fx; v[o + 1] = vy * fy;
    }
  }
}

/**
 * Move the cell by h = dt/2 under dh/dt = omegaDot h and carry the atoms
 * along in fractional coordinates (LAMMPS FixNH::remap with `dilate all`).
 */
export function remapCell(state: MdState, omegaDot: Float64Array, style: 'aniso' | 'tri', h: number): void {
  const { sys } = state;
  const box = sys.box;
  const d = sys.dim;
  const L = box.lengths;
  const lx = L[0], ly = L[1], lz = d === 3 ? L[2] : 1;
  let xy = box.xy, xz = box.xz, yz = box.yz;
  const [wx, wy, wz, wxy, wxz, wyz] = omegaDot;
  const h2 = h / 2, h4 = h / 4, h8 = h / 8;
  const tiltHalf = () => {
    if (d === 3) {
      let e = exp(h8 * wx);
      xz = (xz * e + h4 * (wxy * yz + wxz * lz)) * e;
      e = exp(h4 * wy);
      yz = (yz * e + h2 * wyz * lz) * e;
    }
    let e = exp(h4 * wx);
    xy = (xy * e + h2 * wxy * ly) * e;
    if (d === 3) {
      e = exp(h8 * wx);
      xz = (xz * e + h4 * (wxy * yz + wxz * lz)) * e;
    }
  };
  if (style === 'tri') tiltHalf();
  const scale = [exp(h * wx), exp(h * wy), d === 3 ? exp(h * wz) : 1];
  const lo = new Float64Array(d), lengths = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    const ctr = box.lo[k] + 0.5 * L[k];
    lo[k] = (box.lo[k] - ctr) * scale[k] + ctr;
    lengths[k] = L[k] * scale[k];
  }
  if (style === 'aniso') {
    xy *= scale[1];
    xz *= scale[2];
    yz *= scale[2];
  } else {
    tiltHalf();
  }
  if (Math.abs(xy) > TILTMAX * lengths[0] || Math.abs(xz) > TILTMAX * lengths[0] || (d === 3 && Math.abs(yz) > TILTMAX * lengths[1])) {
    throw new Error(`md/npt: the tri barostat tilted the cell beyond ${TILTMAX} edge lengths (xy ${xy}, xz ${xz}, yz ${yz}); ` +
      'the cell is far from equilibrium: equilibrate first (iso or aniso) or use a larger Pdamp');
  }
  const next = new Box({ dim: d, lo, lengths, tilt: { xy, xz, yz }, periodic: box.periodic });
  const x = sys.positions;
  const s = new Float64Array(d);
  for (let i = 0; i < sys.n; i++) {
    box.toFractional(x, i * d, s, 0);
    next.fromFractional(s, 0, x, i * d);
  }
  sys.box = next;
}

/**
 * Flip tilts that went past (0.5 + DELTAFLIP) of their edge (LAMMPS
 * FixNH::pre_exchange): yz first (which also moves xz by xy), then xz, then
 * xy; image flags are changed so that every unwrapped position stays the
 * same (LAMMPS Domain::image_flip). Positions are not moved: the next wrap
 * puts them into the new cell, and the neighbour list sees the new cell
 * (a strain of order 1) and is rebuilt. Checked after every step's cell
 * update (LAMMPS checks on reneighbouring steps only): a flip changes the
 * basis, not the lattice, so forces and the trajectory do not depend on when
 * it happens. Returns whether the cell flipped.
 */
export function flipTilts(sys: System): boolean {
  const box = sys.box;
  const d = sys.dim;
  const lx = box.lengths[0], ly = box.lengths[1];
  let { xy, xz, yz } = box;
  const xmax = (0.5 + DELTAFLIP) * lx, ymax = (0.5 + DELTAFLIP) * ly;
  let p = 0, n = 0, m = 0; // yz, xz, xy flips: tilt += flip * edge
  if (d === 3 && box.periodic[1]) {
    if (yz < -ymax) p = 1;
    else if (yz >= ymax) p = -1;
    yz += p * ly;
    xz += p * xy;
  }
  if (box.periodic[0]) {
    if (d === 3) {
      if (xz < -xmax) n = 1;
      else if (xz >= xmax) n = -1;
      xz += n * lx;
    }
    if (xy < -xmax) m = 1;
    else if (xy >= xmax) m = -1;
    xy += m * lx;
  }
  if (p === 0 && n === 0 && m === 0) return false;
  sys.box = box.with({ tilt: { xy, xz, yz } });
  const img = sys.images!;
  for (let i = 0; i < sys.n; i++) {
    const o = i * d;
    if (d === 3) {
      img[o + 1] -= p * img[o + 2];
      img[o] -= m * img[o + 1] + n * img[o + 2];
    } else {
      img[o] -= m * img[o + 1];
    }
  }
  return true;
}
