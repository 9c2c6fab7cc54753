/**
 * Configurations and LAMMPS pair settings shared by the agreement tests.
 *
 * The LAMMPS lines are written out literally from the papers' parameters
 * (Kob & Andersen, PRE 51, 4626 (1995): eps_AB = 1.5, eps_BB = 0.5,
 * sigma_AB = 0.8, sigma_BB = 0.88, rc = 2.5 sigma_ab), independently of
 * src/potential, so a wrong parameter there shows up as a disagreement here.
 */
import { randomConfiguration } from '../../src/system/random-config.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { nvt } from '../../src/md/nose-hoover-integrator.ts';
import { runMd } from '../../src/md/run.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';

const KA_COEFFS = [
  'pair_coeff 1 1 1.0 1.0 2.5',
  'pair_coeff 1 2 1.5 0.8 2.0',
  'pair_coeff 2 2 0.5 0.88 2.2',
].join('\n');

/** glasslab `ka`: truncated and shifted LJ. */
export const KA_LMP = `pair_style lj/cut 2.5\n${KA_COEFFS}\npair_modify shift yes\nmass * 1.0`;
/** glasslab `ka-sf`: shifted force; the pair_coeff cutoff is an absolute distance. */
export const KA_SF_LMP = `pair_style lj/smooth/linear 2.5\n${KA_COEFFS}\nmass * 1.0`;
/** glasslab `cuzr`: Mendelev's Cu-Zr Finnis-Sinclair EAM, types 1 = Cu, 2 = Zr. */
export const CUZR_LMP = 'pair_style eam/fs\npair_coeff * * /usr/share/lammps/potentials/CuZr_mm.eam.fs Cu Zr';

let kaCache: Promise<System> | undefined;

/**
 * A disordered KA configuration: N = 500 at rho = 1.2 from a random start,
 * melted by 200 NVT steps at T = 1.5 (dt 0.005), velocities removed. A
 * liquid-like structure, so pair distances fill the whole range up to the
 * cutoffs (a jittered lattice would leave shells). Cached: same for all tests.
 */
export function kaGlass(): Promise<System> {
  kaCache ??= (async () => {
    const pot = getPotential('ka');
    const sys = randomConfiguration({ n: 500, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: pot.typeMasses, seed: 11 });
    initVelocities(sys, 1.5, 11);
    const r = await runMd(sys, createForceProvider(pot), { integrator: nvt({ Tstart: 1.5, Tdamp: 0.5 }), dt: 0.005, steps: 200 });
    return stripped(r.state.sys);
  })();
  return kaCache;
}

/**
 * Cu64Zr36, N = 500 at 0.06 atoms/A^3 (box ~20.3 A): a jittered FCC lattice
 * with random types (nearest-neighbour distance 2.87 A, displacements up to
 * 0.2 a_nn per axis). Masses Cu 63.546, Zr 91.224 g/mol.
 */
export function cuzrGlass(): System {
  const pot = getPotential('cuzr');
  return randomConfiguration({ n: 500, density: 0.06, dim: 3, composition: [0, 0.64, 0.36], typeMasses: pot.typeMasses, seed: 5, jitter: 0.2 });
}

/** `eam` with Mishin's Cu (eam/alloy), type 1 = Cu. */
export const CU_MISHIN = '/usr/share/lammps/potentials/Cu_mishin1.eam.alloy';
export const CU_ALLOY_LMP = `pair_style eam/alloy\npair_coeff * * ${CU_MISHIN} Cu`;

/**
 * fcc Cu (a0 = 3.6149 A), cells^3 cubic cells, with one vacancy (atom 0
 * removed) when `vacancy`, every coordinate displaced by up to +-jiggle A
 * (deterministic LCG). Type 1, mass 63.546 g/mol.
 */
export function cuFcc(cells: number, opts: { vacancy?: boolean; jiggle?: number; seed?: number } = {}): System {
  const a0 = 3.6149, jig = opts.jiggle ?? 0;
  let s = opts.seed ?? 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const basis = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]];
  const pos: number[] = [];
  for (let i = 0; i < cells; i++) for (let j = 0; j < cells; j++) for (let k = 0; k < cells; k++) {
    for (const b of basis) pos.push((i + b[0]) * a0, (j + b[1]) * a0, (k + b[2]) * a0);
  }
  if (opts.vacancy) pos.splice(0, 3);
  for (let q = 0; q < pos.length; q++) pos[q] += jig * (2 * rnd() - 1);
  const n = pos.length / 3;
  const L = cells * a0;
  return createSystem({
    box: new Box({ dim: 3, lo: [0, 0, 0], lengths: [L, L, L] }),
    positions: pos, types: new Int32Array(n).fill(1), masses: new Float64Array(n).fill(63.546),
  });
}

/** Positions and types only (no velocities or images), ids 1..n in storage order. */
function stripped(s: System): System {
  return createSystem({ box: s.box, positions: s.positions, types: s.types, masses: s.masses });
}

/**
 * The same configuration in a triclinic cell with the given tilts: fractional
 * coordinates are kept, so the structure is sheared affinely (tilt/L ~ 4%).
 */
export function triclinicCopy(s: System, tilt: { xy: number; xz: number; yz: number }): System {
  const box = new Box({ dim: 3, lo: s.box.lo, lengths: s.box.lengths, tilt });
  const frac = new Float64Array(3);
  const positions = new Float64Array(s.positions.length);
  for (let i = 0; i < s.n; i++) {
    s.box.toFractional(s.positions, 3 * i, frac);
    box.fromFractional(frac, 0, positions, 3 * i);
  }
  return createSystem({ box, positions, types: s.types, masses: s.masses });
}
