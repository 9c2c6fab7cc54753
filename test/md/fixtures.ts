/**
 * Test fixtures: literal O(N^2) force providers (slow, obviously correct) and
 * small configurations. Used by test/md and test/minimize.
 */
import type { ForceOptions, ForceProvider, ForceResult } from '../../src/core/types.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem, unwrappedPositions, type System } from '../../src/system/system.ts';
import type { Observer } from '../../src/md/observers.ts';
import type { MdState } from '../../src/md/state.ts';
import { Rng } from '../../src/util/random.ts';
import { initVelocities } from '../../src/md/velocities.ts';

export interface PairTable {
  eps: number[][];
  sig: number[][];
  /** cutoff in units of sigma_ab */
  rcut: number;
  /** shifted-force cutoff (force and energy continuous) instead of energy-shifted */
  shiftedForce?: boolean;
}

/** Kob-Andersen parameters (types 1 = A, 2 = B; index 0 unused). */
export const KA_TABLE: PairTable = {
  eps: [[0, 0, 0], [0, 1, 1.5], [0, 1.5, 0.5]],
  sig: [[0, 0, 0], [0, 1, 0.8], [0, 0.8, 0.88]],
  rcut: 2.5,
};

/**
 * Brute-force Lennard-Jones over all pairs with the minimum image (needs
 * rc < half the box width). Fixed summation order (i < j ascending), so
 * results depend on positions only: bit-reproducible.
 */
export function bruteForceLJ(table: PairTable): ForceProvider & { calls: number } {
  // per type-pair constants: 4 eps sig^12, 4 eps sig^6, rc^2, energy and force shifts
  const nt = table.eps.length;
  const c12 = new Float64Array(nt * nt), c6 = new Float64Array(nt * nt), rc2 = new Float64Array(nt * nt);
  const ushift = new Float64Array(nt * nt), fshift = new Float64Array(nt * nt), rcs = new Float64Array(nt * nt);
  for (let a = 1; a < nt; a++) {
    for (let b = 1; b < nt; b++) {
      const eps = table.eps[a][b], sig = table.sig[a][b], rc = table.rcut * sig, q = a * nt + b;
      c12[q] = 4 * eps * sig ** 12; c6[q] = 4 * eps * sig ** 6; rc2[q] = rc * rc; rcs[q] = rc;
      ushift[q] = c12[q] / rc ** 12 - c6[q] / rc ** 6;
      // dU/dr at rc
      fshift[q] = table.shiftedForce ? (-12 * c12[q] / rc ** 12 + 6 * c6[q] / rc ** 6) / rc : 0;
    }
  }
  const p = {
    calls: 0,
    compute(sys: System, opts: ForceOptions = {}): ForceResult {
      p.calls++;
      const d = sys.dim, n = sys.n, x = sys.positions;
      const forces = new Float64Array(n * d);
      const virial = new Float64Array(d === 3 ? 6 : 3);
      const pe = opts.peratom ? new Float64Array(n) : undefined;
      const dr = new Float64Array(d);
      let energy = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          for (let k = 0; k < d; k++) dr[k] = x[i * d + k] - x[j * d + k];
          sys.box.minimumImage(dr);
          let r2 = 0;
          for (let k = 0; k < d; k++) r2 += dr[k] * dr[k];
          const q = sys.types[i] * nt + sys.types[j];
          if (r2 >= rc2[q]) continue;
          const ir2 = 1 / r2, ir6 = ir2 * ir2 * ir2;
          const r = Math.sqrt(r2);
          let u = c12[q] * ir6 * ir6 - c6[q] * ir6 - ushift[q];
          // fr = -(dU/dr)/r so that F_ij = fr * dr
          let fr = (12 * c12[q] * ir6 * ir6 - 6 * c6[q] * ir6) * ir2;
          if (table.shiftedForce) { u -= (r - rcs[q]) * fshift[q]; fr += fshift[q] / r; }
          energy += u;
          if (pe) { pe[i] += 0.5 * u; pe[j] += 0.5 * u; }
          for (let k = 0; k < d; k++) { forces[i * d + k] += fr * dr[k]; forces[j * d + k] -= fr * dr[k]; }
          if (d === 3) {
            virial[0] += fr * dr[0] * dr[0]; virial[1] += fr * dr[1] * dr[1]; virial[2] += fr * dr[2] * dr[2];
            virial[3] += fr * dr[0] * dr[1]; virial[4] += fr * dr[0] * dr[2]; virial[5] += fr * dr[1] * dr[2];
          } else {
            virial[0] += fr * dr[0] * dr[0]; virial[1] += fr * dr[1] * dr[1]; virial[2] += fr * dr[0] * dr[1];
          }
        }
      }
      const res: ForceResult = { energy, forces, virial };
      if (pe) res.peratomEnergy = pe;
      return res;
    },
  };
  return p;
}

/** Independent harmonic springs to fixed anchors: U = k/2 sum |x - a|^2 (minimum image). */
export function harmonicAnchors(anchors: Float64Array, k: number): ForceProvider {
  return {
    compute(sys: System, opts: ForceOptions = {}): ForceResult {
      const d = sys.dim;
      const forces = new Float64Array(sys.n * d);
      const pe = new Float64Array(sys.n);
      const dr = new Float64Array(d);
      let energy = 0;
      for (let i = 0; i < sys.n; i++) {
        for (let c = 0; c < d; c++) dr[c] = sys.positions[i * d + c] - anchors[i * d + c];
        sys.box.minimumImage(dr);
        for (let c = 0; c < d; c++) { pe[i] += 0.5 * k * dr[c] * dr[c]; forces[i * d + c] = -k * dr[c]; }
        energy += pe[i];
      }
      const res: ForceResult = { energy, forces, virial: new Float64Array(d === 3 ? 6 : 3) };
      if (opts.peratom) res.peratomEnergy = pe;
      return res;
    },
  };
}

/**
 * Cubic lattice of m^d cells at number density rho: simple cubic (N = m^d) or
 * body-centred (N = 2 m^d, e.g. m = 5 -> 250 atoms), jiggled by `jiggle`
 * (length units), types 1/2 in the ratio fracA : 1 - fracA (deterministic
 * from the seed).
 */
export function latticeSystem(
  dim: 2 | 3, m: number, rho: number,
  opts: { fracA?: number; jiggle?: number; seed?: number; basis?: 'sc' | 'bcc' } = {},
): System {
  const basis = opts.basis === 'bcc' ? [0, 0.5] : [0];
  const cells = m ** dim;
  const n = cells * basis.length;
  const L = (n / rho) ** (1 / dim);
  const a = L / m;
  const rng = new Rng(opts.seed ?? 1);
  const pos = new Float64Array(n * dim);
  const types = new Int32Array(n).fill(1);
  for (let c = 0; c < cells; c++) {
    for (let b = 0; b < basis.length; b++) {
      const i = c * basis.length + b;
      let q = c;
      for (let k = 0; k < dim; k++) {
        pos[i * dim + k] = ((q % m) + 0.25 + basis[b]) * a + (opts.jiggle ?? 0) * (rng.uniform() - 0.5);
        q = Math.floor(q / m);
      }
    }
  }
  const nB = Math.round(n * (1 - (opts.fracA ?? 1)));
  // choose B atoms by a seeded partial shuffle
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < nB; i++) {
    const j = i + Math.floor(rng.uniform() * (n - i));
    const t = idx[i]; idx[i] = idx[j]; idx[j] = t;
    types[idx[i]] = 2;
  }
  return createSystem({ box: Box.cube(dim, L), positions: pos, types });
}

/** Kob-Andersen start: N = 250 (bcc 5^3), rho = 1.2, 80:20, jiggled lattice with velocities at T. */
export function kaStart(T: number, seed = 5): System {
  const sys = latticeSystem(3, 5, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.05, seed });
  initVelocities(sys, T, seed);
  return sys;
}

/**
 * Observer (every step) of the largest one-step change of any unwrapped
 * coordinate: wrapping or a cell flip must never show up as a jump of the
 * unwrapped path. `also` runs on each step's state too.
 */
export function jumpTracker(sys: System, also?: (st: MdState) => void): Observer & { readonly maxJump: number } {
  let prev = unwrappedPositions(sys), maxJump = 0;
  return {
    every: 1,
    get maxJump() { return maxJump; },
    observe(st) {
      const u = unwrappedPositions(st.sys);
      for (let i = 0; i < u.length; i++) maxJump = Math.max(maxJump, Math.abs(u[i] - prev[i]));
      prev = u;
      also?.(st);
    },
  };
}
