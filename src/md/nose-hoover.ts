/**
 * Nose-Hoover chain (NHC) half-step propagator, shared by the particle
 * thermostat of NVT/NPT and the thermostat of the NPT barostat.
 *
 * Equations: Martyna, Klein & Tuckerman, J. Chem. Phys. 97, 2635 (1992);
 * Trotter factorisation of Martyna, Tuckerman, Tobias & Klein, Mol. Phys. 87,
 * 1117 (1996), eqs. (29)-(32). The update sequence is the one of LAMMPS
 * `fix nvt/npt` (FixNH::nhc_temp_integrate / nhc_press_integrate) with one
 * Suzuki-Yoshida weight and `tloop`/`ploop` inner loops, so trajectories
 * follow LAMMPS for the same input.
 *
 * Chain variables (all in the state's ext record, hence checkpointed):
 *   eta[i]       thermostat positions (dimensionless)
 *   etaDot[i]    thermostat velocities (1/time); etaDot has one extra slot, always 0
 *   etaDotDot[i] thermostat accelerations (1/time^2), carried between half steps
 * Masses (energy*time^2), recomputed from the current target each half step
 * (LAMMPS eta_mass_flag): Q_0 = target2 / freq^2, Q_i = kT / freq^2 (i > 0),
 * where target2 is the "2K" of the coupled degrees of freedom at the target
 * temperature (dof kB T for particles, kB T for the isotropic barostat).
 * The anisotropic and triclinic barostats couple pdof = 2..6 cell degrees
 * of freedom with target2 = pdof kB T but keep Q_0 = kB T / freq^2 (LAMMPS
 * FixNH::nhc_press_integrate: etap_mass[0] = kB T_target / p_freq_max^2):
 * they pass that mass as `q0`.
 */
import { exp } from '../util/portable-math.ts';

export interface ChainVars {
  eta: Float64Array;
  etaDot: Float64Array;
  etaDotDot: Float64Array;
}

/** Fresh chain of length m at rest, with LAMMPS FixNH::setup accelerations. */
export function createChain(m: number, kT: number, freq: number): ChainVars {
  if (!Number.isInteger(m) || m < 1) throw new Error(`md/nose-hoover: chain length must be an integer >= 1, got ${m}`);
  const c: ChainVars = { eta: new Float64Array(m), etaDot: new Float64Array(m + 1), etaDotDot: new Float64Array(m) };
  const q = kT / (freq * freq);
  for (let i = 1; i < m; i++) c.etaDotDot[i] = (0 - kT) / q;
  return c;
}

/**
 * Propagate the chain by dt/2 and return the factor by which the coupled
 * velocities must be multiplied (particles: all v; barostat: epsDot).
 *
 * @param ke2 current "2K" of the coupled degrees of freedom (energy)
 * @param target2 its target, dof kB T_target (energy)
 * @param kT kB T_target (energy)
 * @param freq coupling frequency 1/Tdamp (1/time)
 * @param dt full timestep
 * @param loops inner loops (LAMMPS tloop/ploop, default 1)
 * @param q0 mass of the first chain element (energy*time^2); default target2 / freq^2
 */
export function chainHalfStep(c: ChainVars, ke2: number, target2: number, kT: number, freq: number, dt: number, loops = 1, q0 = target2 / (freq * freq)): number {
  const m = c.eta.length;
  const { eta, etaDot, etaDotDot } = c;
  const f2 = freq * freq;
  const qi = kT / f2;
  const ncfac = 1 / loops;
  const dt2 = 0.5 * dt * ncfac, dt4 = 0.25 * dt * ncfac, dt8 = 0.125 * dt * ncfac;
  let total = 1;
  etaDotDot[0] = q0 > 0 ? (ke2 - target2) / q0 : 0;
  for (let loop = 0; loop < loops; loop++) {
    for (let i = m - 1; i > 0; i--) {
      const e = exp(-dt8 * etaDot[i + 1]);
      etaDot[i] = (etaDot[i] * e + etaDotDot[i] * dt4) * e;
    }
    let e = exp(-dt8 * etaDot[1]);
    etaDot[0] = (etaDot[0] * e + etaDotDot[0] * dt4) * e;
    const factor = exp(-dt2 * etaDot[0]);
    total *= factor;
    ke2 *= factor * factor;
    etaDotDot[0] = q0 > 0 ? (ke2 - target2) / q0 : 0;
    for (let i = 0; i < m; i++) eta[i] += dt2 * etaDot[i];
    etaDot[0] = (etaDot[0] * e + etaDotDot[0] * dt4) * e;
    for (let i = 1; i < m; i++) {
      e = exp(-dt8 * etaDot[i + 1]);
      const qprev = i === 1 ? q0 : qi;
      etaDotDot[i] = (qprev * etaDot[i - 1] * etaDot[i - 1] - kT) / qi;
      etaDot[i] = (etaDot[i] * e + etaDotDot[i] * dt4) * e;
    }
  }
  return total;
}

/**
 * Energy of the chain, the term that makes the extended Hamiltonian
 * conserved (LAMMPS FixNH::compute_scalar):
 *   target2 eta_0 + Q_0 etaDot_0^2 / 2 + sum_{i>0} (kT eta_i + Q_i etaDot_i^2 / 2),
 * with Q_0 = q0 (default target2 / freq^2, as in `chainHalfStep`).
 */
export function chainEnergy(c: ChainVars, target2: number, kT: number, freq: number, q0 = target2 / (freq * freq)): number {
  const f2 = freq * freq;
  const qi = kT / f2;
  let e = target2 * c.eta[0] + 0.5 * q0 * c.etaDot[0] * c.etaDot[0];
  for (let i = 1; i < c.eta.length; i++) e += kT * c.eta[i] + 0.5 * qi * c.etaDot[i] * c.etaDot[i];
  return e;
}
