/**
 * Nose-Hoover NVT and isotropic MTK NPT (LAMMPS `fix nvt temp Tstart Tstop
 * Tdamp` and `fix npt temp Tstart Tstop Tdamp iso Pstart Pstop Pdamp`).
 *
 * One implementation (FixNH in LAMMPS is one class too); NVT is NPT with the
 * barostat switched off.
 *
 * Equations of motion (Martyna, Tobias & Klein, J. Chem. Phys. 101, 4177
 * (1994), "MTK"; chains of Martyna, Klein & Tuckerman 1992), isotropic cell
 * with L = V^(1/d), strain rate epsDot = dL/dt / L:
 *   dx/dt       = v + epsDot x
 *   dv/dt       = F/m - (1 + 1/N) epsDot v - etaDot_0 v
 *   d epsDot/dt = [ (P - P0) V + 2K/(d N) ] / W - etapDot_0 epsDot
 *   W           = (N + 1) kB T / Pfreq^2      (per dimension, LAMMPS omega_mass)
 * and NH chains on the particles (target dof kB T, Q_0 = dof kB T / Tfreq^2)
 * and on the barostat (target kB T, Q = kB T / Pfreq^2), Tfreq = 1/Tdamp,
 * Pfreq = 1/Pdamp. Pressures are in the unit system's pressure unit
 * (LJ: eps/sigma^d; metal: bar). The LAMMPS iso barostat keeps d equal copies
 * of epsDot with mass W each; here one variable carries their total kinetic
 * energy d W epsDot^2 / 2, which gives the same dynamics and conserved quantity.
 *
 * Step (Trotter splitting, order of LAMMPS FixNH::initial/final_integrate):
 *   barostat chain dt/2, particle chain dt/2, epsDot dt/2, v scaling dt/2,
 *   kick dt/2, box dilation dt/2, drift dt, box dilation dt/2, forces,
 *   kick dt/2, v scaling dt/2, epsDot dt/2, particle chain dt/2, barostat chain dt/2.
 *
 * Anisotropic and triclinic cells (`barostat: 'aniso' | 'tri'`, LAMMPS
 * `fix npt ... aniso|tri Pstart Pstop Pdamp`): one barostat velocity per
 * controlled cell component, the same step order with the cell operations
 * of ./mtk-cell.ts (equations there), and tilt flips (tri) before the force
 * call. The barostat chain then couples pdof = 2..6 components: target
 * pdof kB T, first mass kB T / Pfreq^2 (LAMMPS nhc_press_integrate).
 *
 * Targets ramp linearly over the run window (state.rampBegin..rampEnd, set by
 * runMd like LAMMPS `run N`): T(step) = Tstart + f (Tstop - Tstart).
 */
import type { ForceProvider } from '../core/types.ts';
import { exp } from '../util/portable-math.ts';
import { Box } from '../system/box.ts';
import type { System } from '../system/system.ts';
import { requireFinite, requireOwnState, requirePositive, type Integrator, type StepOptions, type Targets } from './integrator.ts';
import { activeComponents, cellTwiceKinetic, flipTilts, omegaDotHalf, remapCell, velocityPressHalf, type BarostatStyle } from './mtk-cell.ts';
import { chainEnergy, chainHalfStep, createChain, type ChainVars } from './nose-hoover.ts';
import {
  closingKick, createBaseState, drift, finishStep, kick, pressureInternal, scaleKickDrift, scaleVelocities,
  twiceKinetic, wrapAndComputeForces, type MdState, type StateOptions,
} from './state.ts';

export interface NvtOptions {
  /** target temperature at the start of the run (temperature unit) */
  Tstart: number;
  /** target temperature at the end of the run; default Tstart (no ramp) */
  Tstop?: number;
  /** thermostat damping time (time unit); LAMMPS advice: about 100 timesteps */
  Tdamp: number;
  /** thermostat chain length (LAMMPS tchain, default 3) */
  tchain?: number;
  /** inner loops of the thermostat update (LAMMPS tloop, default 1) */
  tloop?: number;
}

export interface NptOptions extends NvtOptions {
  /** target pressure at the start of the run (pressure unit of the unit system) */
  Pstart: number;
  /** target pressure at the end of the run; default Pstart */
  Pstop?: number;
  /** barostat damping time (time unit); LAMMPS advice: about 1000 timesteps */
  Pdamp: number;
  /** barostat thermostat chain length (LAMMPS pchain, default 3) */
  pchain?: number;
  /** inner loops of the barostat chain update (LAMMPS ploop, default 1) */
  ploop?: number;
  /**
   * which cell components the barostat drives (LAMMPS iso/aniso/tri):
   * 'iso' (default) one strain rate for the volume; 'aniso' each edge length
   * by its diagonal pressure component (2D: x, y); 'tri' also the tilts
   * xy, xz, yz by the off-diagonal components (2D: xy), with tilt flips
   */
  barostat?: BarostatStyle;
}

interface Resolved {
  Tstart: number; Tstop: number; Tdamp: number; tfreq: number; tchain: number; tloop: number;
  baro: null | { Pstart: number; Pstop: number; Pdamp: number; pfreq: number; pchain: number; ploop: number; style: BarostatStyle };
}

function chainLength(who: string, name: string, v: number | undefined, def: number): number {
  const c = v ?? def;
  if (!Number.isInteger(c) || c < 1) throw new Error(`md/${who}: option '${name}' must be an integer >= 1, got ${c}`);
  return c;
}

function resolve(who: string, o: NvtOptions, p?: NptOptions): Resolved {
  const Tstart = requirePositive(who, 'Tstart', o.Tstart);
  const Tstop = o.Tstop === undefined ? Tstart : requirePositive(who, 'Tstop', o.Tstop);
  const Tdamp = requirePositive(who, 'Tdamp', o.Tdamp);
  const r: Resolved = { Tstart, Tstop, Tdamp, tfreq: 1 / Tdamp, tchain: chainLength(who, 'tchain', o.tchain, 3), tloop: chainLength(who, 'tloop', o.tloop, 1), baro: null };
  if (p) {
    const Pstart = requireFinite(who, 'Pstart', p.Pstart);
    const Pdamp = requirePositive(who, 'Pdamp', p.Pdamp);
    const style = p.barostat ?? 'iso';
    if (style !== 'iso' && style !== 'aniso' && style !== 'tri') {
      throw new Error(`md/${who}: option 'barostat' must be 'iso', 'aniso' or 'tri', got ${JSON.stringify(style)}`);
    }
    r.baro = {
      style,
      Pstart,
      Pstop: p.Pstop === undefined ? Pstart : requireFinite(who, 'Pstop', p.Pstop),
      Pdamp,
      pfreq: 1 / Pdamp,
      pchain: chainLength(who, 'pchain', p.pchain, 3),
      ploop: chainLength(who, 'ploop', p.ploop, 1),
    };
  }
  return r;
}

function chainOf(state: MdState, prefix: 'eta' | 'etap'): ChainVars {
  const e = state.ext;
  const eta = e[prefix], etaDot = e[prefix + 'Dot'], etaDotDot = e[prefix + 'DotDot'];
  if (!eta || !etaDot || !etaDotDot) {
    throw new Error(`md/${state.integrator}: the state has no '${prefix}' chain variables; create it with the integrator's init (or load a checkpoint written by it)`);
  }
  return { eta, etaDot, etaDotDot };
}

function storeChain(state: MdState, prefix: 'eta' | 'etap', c: ChainVars): void {
  state.ext[prefix] = c.eta;
  state.ext[prefix + 'Dot'] = c.etaDot;
  state.ext[prefix + 'DotDot'] = c.etaDotDot;
}

function noseHoover(name: 'nvt' | 'npt', r: Resolved): Integrator {
  const params: Record<string, number | string> = { Tstart: r.Tstart, Tstop: r.Tstop, Tdamp: r.Tdamp, tchain: r.tchain, tloop: r.tloop };
  const baro = r.baro;
  if (baro) Object.assign(params, { Pstart: baro.Pstart, Pstop: baro.Pstop, Pdamp: baro.Pdamp, pchain: baro.pchain, ploop: baro.ploop });
  // iso keeps the parameter set (and checkpoints) of before the option existed
  if (baro && baro.style !== 'iso') params.barostat = baro.style;

  /** targets at step s: T, kB T (energy) and P0 in energy/volume */
  const targetsAt = (state: MdState, s: number) => {
    const span = state.rampEnd - state.rampBegin;
    const f = span > 0 ? (s - state.rampBegin) / span : 0;
    const T = r.Tstart + f * (r.Tstop - r.Tstart);
    const P = baro ? baro.Pstart + f * (baro.Pstop - baro.Pstart) : 0;
    return { T, kT: state.units.kB * T, P, P0: P / state.units.nktv2p };
  };
  /** barostat mass per dimension, LAMMPS omega_mass = (N + 1) kT / Pfreq^2 */
  const baroMass = (state: MdState, kT: number) => ((state.sys.n + 1) * kT) / (baro!.pfreq * baro!.pfreq);

  /** particle chain dt/2 given the current 2K; returns the velocity scaling factor */
  const particleChainHalf = (state: MdState, kT: number, ke2: number) =>
    chainHalfStep(chainOf(state, 'eta'), ke2, state.dof * kT, kT, r.tfreq, state.dt, r.tloop);
  const baroChainHalf = (state: MdState, kT: number) => {
    const epsDot = state.ext.epsDot!;
    const ke2 = state.sys.dim * baroMass(state, kT) * epsDot[0] * epsDot[0];
    epsDot[0] *= chainHalfStep(chainOf(state, 'etap'), ke2, kT, kT, baro!.pfreq, state.dt, baro!.ploop);
  };
  const epsDotHalf = (state: MdState, kT: number, P0: number) => {
    const ke2 = twiceKinetic(state);
    const P = pressureInternal(state, ke2);
    const V = state.sys.box.volume;
    const force = (P - P0) * V + ke2 / (state.sys.dim * state.sys.n);
    state.ext.epsDot![0] += (0.5 * state.dt * force) / baroMass(state, kT);
  };
  const velocityScaleHalf = (state: MdState) => {
    const epsDot = state.ext.epsDot![0];
    scaleVelocities(state, exp(-0.5 * state.dt * epsDot * (1 + 1 / state.sys.n)));
  };
  /** dilate cell and atoms by exp(h epsDot) about the cell centre; images unchanged */
  const dilate = (state: MdState, h: number) => {
    const s = exp(h * state.ext.epsDot![0]);
    const { sys } = state;
    const box = sys.box;
    const d = sys.dim;
    const c = new Float64Array(d);
    for (let k = 0; k < d; k++) c[k] = box.lo[k] + 0.5 * box.lengths[k];
    const x = sys.positions;
    for (let i = 0; i < sys.n; i++) for (let k = 0; k < d; k++) x[i * d + k] = c[k] + s * (x[i * d + k] - c[k]);
    sys.box = new Box({
      dim: d,
      lo: Array.from(box.lo, (lo, k) => c[k] + s * (lo - c[k])),
      lengths: Array.from(box.lengths, (L) => s * L),
      tilt: { xy: s * box.xy, xz: s * box.xz, yz: s * box.yz },
      periodic: box.periodic,
    });
  };

  /** the barostat's cell operations, one implementation per style (iso: the functions above) */
  interface Cell {
    chainHalf(state: MdState, kT: number): void;
    forceHalf(state: MdState, kT: number, P0: number): void;
    velocityHalf(state: MdState): void;
    move(state: MdState, h: number): void;
    /** kinetic energy of the barostat */
    kinetic(state: MdState, kT: number): number;
    /** energy of the barostat's chain */
    chain(state: MdState, kT: number): number;
    create(state: MdState): void;
  }
  const isoCell: Cell = {
    chainHalf: baroChainHalf, forceHalf: epsDotHalf, velocityHalf: velocityScaleHalf, move: dilate,
    kinetic(state, kT) {
      const epsDot = state.ext.epsDot![0];
      return 0.5 * state.sys.dim * baroMass(state, kT) * epsDot * epsDot;
    },
    chain: (state, kT) => chainEnergy(chainOf(state, 'etap'), kT, kT, baro!.pfreq),
    create(state) { state.ext.epsDot = new Float64Array(1); },
  };
  const tensorCell = (style: 'aniso' | 'tri'): Cell => {
    const omegaDotOf = (state: MdState) => {
      const w = state.ext.omegaDot;
      if (!w) throw new Error(`md/${state.integrator}: the state has no 'omegaDot' barostat variables; create it with the integrator's init (or load a checkpoint written by it)`);
      return w;
    };
    const active = (state: MdState) => activeComponents(style, state.sys.dim);
    /** barostat chain: target pdof kB T, first mass kB T / Pfreq^2 */
    const chainArgs = (state: MdState, kT: number) => ({ target2: active(state).length * kT, q0: kT / (baro!.pfreq * baro!.pfreq) });
    return {
      chainHalf(state, kT) {
        const w = omegaDotOf(state), act = active(state);
        const { target2, q0 } = chainArgs(state, kT);
        const ke2 = cellTwiceKinetic(w, act, baroMass(state, kT));
        const f = chainHalfStep(chainOf(state, 'etap'), ke2, target2, kT, baro!.pfreq, state.dt, baro!.ploop, q0);
        for (const k of act) w[k] *= f;
      },
      forceHalf(state, kT, P0) { omegaDotHalf(state, omegaDotOf(state), active(state), baroMass(state, kT), P0); },
      velocityHalf(state) { velocityPressHalf(state, omegaDotOf(state)); },
      move(state, h) { remapCell(state, omegaDotOf(state), style, h); },
      kinetic: (state, kT) => 0.5 * cellTwiceKinetic(omegaDotOf(state), active(state), baroMass(state, kT)),
      chain(state, kT) {
        const { target2, q0 } = chainArgs(state, kT);
        return chainEnergy(chainOf(state, 'etap'), target2, kT, baro!.pfreq, q0);
      },
      create(state) { state.ext.omegaDot = new Float64Array(6); },
    };
  };
  const cell: Cell | null = !baro ? null : baro.style === 'iso' ? isoCell : tensorCell(baro.style);
  const flips = baro?.style === 'tri';

  const self: Integrator = {
    name,
    params,
    init(sys: System, provider: ForceProvider, opts: StateOptions): MdState {
      const state = createBaseState(sys, provider, self, opts);
      const { kT } = targetsAt(state, state.step);
      storeChain(state, 'eta', createChain(r.tchain, kT, r.tfreq));
      if (baro) {
        if (!sys.box.periodic.every(Boolean)) {
          throw new Error(`md/npt: the ${baro.style} barostat needs a box periodic in every direction (got periodic = ${JSON.stringify(sys.box.periodic)}); make the box periodic or use nvt`);
        }
        storeChain(state, 'etap', createChain(baro.pchain, kT, baro.pfreq));
        cell!.create(state);
      }
      return state;
    },
    step(state: MdState, provider: ForceProvider, opts: StepOptions = {}): void {
      requireOwnState(state, name);
      const { kT, P0 } = targetsAt(state, state.step + 1);
      const h = 0.5 * state.dt;
      if (cell) cell.chainHalf(state, kT);
      const scale = particleChainHalf(state, kT, twiceKinetic(state));
      if (cell) {
        scaleVelocities(state, scale);
        cell.forceHalf(state, kT, P0);
        cell.velocityHalf(state);
        kick(state, h);
        cell.move(state, h);
        drift(state, state.dt);
        cell.move(state, h);
        if (flips) flipTilts(state.sys);
      } else {
        scaleKickDrift(state, scale, h, state.dt); // = scaleVelocities, kick, drift in one pass
      }
      wrapAndComputeForces(state, provider, opts.peratom ?? false, !!cell);
      if (cell) {
        kick(state, h);
        cell.velocityHalf(state);
        cell.forceHalf(state, kT, P0);
        scaleVelocities(state, particleChainHalf(state, kT, twiceKinetic(state)));
        cell.chainHalf(state, kT);
      } else {
        scaleVelocities(state, particleChainHalf(state, kT, closingKick(state, h))); // closingKick = kick, twiceKinetic (and the force check)
      }
      finishStep(state);
    },
    conserved(state: MdState): number {
      const { kT, P0 } = targetsAt(state, state.step);
      let e = state.force.energy + 0.5 * twiceKinetic(state);
      e += chainEnergy(chainOf(state, 'eta'), state.dof * kT, kT, r.tfreq);
      if (cell) {
        e += cell.kinetic(state, kT);
        e += P0 * state.sys.box.volume;
        e += cell.chain(state, kT);
      }
      return e;
    },
    targets(state: MdState): Targets {
      const t = targetsAt(state, state.step);
      return baro ? { T: t.T, P: t.P } : { T: t.T };
    },
  };
  return self;
}

/** Nose-Hoover chain NVT (LAMMPS `fix nvt temp Tstart Tstop Tdamp`). */
export function nvt(opts: NvtOptions): Integrator {
  return noseHoover('nvt', resolve('nvt', opts));
}

/**
 * Nose-Hoover NPT with an MTK barostat: isotropic by default (LAMMPS
 * `fix npt temp ... iso Pstart Pstop Pdamp`), `barostat: 'aniso'` or 'tri'
 * for LAMMPS `aniso` / `tri` (then the state carries `omegaDot` instead of `epsDot`).
 */
export function npt(opts: NptOptions): Integrator {
  return noseHoover('npt', resolve('npt', opts, opts));
}
