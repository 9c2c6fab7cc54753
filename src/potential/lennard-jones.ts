/**
 * Lennard-Jones 12-6 radial function and multi-component LJ mixtures with a
 * cutoff scheme, plus the plain-data coefficient table a fast force loop
 * inlines (`LjPairTable`).
 *
 *   phi_LJ(r) = 4 eps [ (sigma/r)^12 - (sigma/r)^6 ]
 *
 * Units: energies in the unit of eps, lengths in the unit of sigma (reduced
 * LJ units when eps_AA = sigma_AA = 1).
 */
import { applyCutoff, valueAtCutoff, type CutoffScheme } from './cutoff.ts';
import { RadialPairPotential, type RadialFunction } from './radial.ts';
import { D2PHI, D3PHI, DPHI, PHI, type PairPotential } from './types.ts';

/**
 * Bare (uncut) LJ 12-6 with analytic derivatives. With x6 = (sigma/r)^6:
 *   phi   = 4 eps (x6^2 - x6)
 *   phi'  = 4 eps (-12 x6^2 + 6 x6) / r
 *   phi'' = 4 eps (156 x6^2 - 42 x6) / r^2
 *   phi'''= 4 eps (-2184 x6^2 + 336 x6) / r^3
 */
export function lennardJones(epsilon: number, sigma: number): RadialFunction {
  if (!(epsilon > 0) || !(sigma > 0)) throw new Error(`lennardJones: epsilon and sigma must be positive, got eps=${epsilon}, sigma=${sigma}`);
  const e4 = 4 * epsilon;
  const s2 = sigma * sigma;
  return (r, out) => {
    const ir = 1 / r;
    const q = s2 * ir * ir;
    const x6 = q * q * q;
    const x12 = x6 * x6;
    out[PHI] = e4 * (x12 - x6);
    out[DPHI] = e4 * (-12 * x12 + 6 * x6) * ir;
    out[D2PHI] = e4 * (156 * x12 - 42 * x6) * ir * ir;
    out[D3PHI] = e4 * (-2184 * x12 + 336 * x6) * ir * ir * ir;
  };
}

/**
 * Per-type-pair coefficients of an LJ-family potential with a shift or
 * shifted-force cutoff, as flat arrays for a force loop that inlines the
 * arithmetic (no call per pair). Index k = ti*stride + tj with 1-based LAMMPS
 * types and stride = ntypes+1 (row/column 0 unused, filled symmetrically).
 *
 * For r^2 < cutsq[k], with ir2 = 1/r^2, ir6 = ir2^3:
 *   phi(r)        = ir6 (lj1[k] ir6 - lj2[k]) - eshift[k] - fshift[k] (r - rc[k])
 *   -phi'(r) / r  = ir2 ir6 (12 lj1[k] ir6 - 6 lj2[k]) + fshift[k] / r
 * (the force on i from j is (-phi'(r)/r) (r_i - r_j)); for r^2 >= cutsq[k]
 * everything is zero.
 *
 * - lj1 = 4 eps sigma^12, lj2 = 4 eps sigma^6
 * - cutsq = rc^2, rc = rc
 * - eshift = phi_LJ(rc) (0 if no shift)
 * - fshift = phi_LJ'(rc) for shifted force, 0 for truncated-and-shifted. In
 *   the truncated-and-shifted case the fshift terms vanish and only r^2 is needed.
 */
export interface LjPairTable {
  readonly kind: 'lj';
  readonly ntypes: number;
  readonly stride: number;
  readonly scheme: CutoffScheme;
  readonly lj1: Float64Array;
  readonly lj2: Float64Array;
  readonly cutsq: Float64Array;
  readonly rc: Float64Array;
  readonly eshift: Float64Array;
  readonly fshift: Float64Array;
}

/** A pair potential from the LJ family that also exposes its coefficient table. */
export interface LjPotential extends PairPotential {
  /** flat per-type-pair coefficients, see `LjPairTable` (a fresh copy each call) */
  pairTable(): LjPairTable;
}

/** Parameters of an LJ mixture, symmetric matrices indexed [ti][tj] with 1-based types. */
export interface LjMixtureSpec {
  name: string;
  ntypes: number;
  /** epsilon(ti, tj), symmetric */
  epsilon: (ti: number, tj: number) => number;
  /** sigma(ti, tj), symmetric */
  sigma: (ti: number, tj: number) => number;
  /** cutoff distance rc(ti, tj), absolute (not in units of sigma) */
  cutoff: (ti: number, tj: number) => number;
  scheme: CutoffScheme;
  typeMasses: readonly number[];
  dim?: 2 | 3;
}

/** Build an LJ mixture: radial evaluators with the cutoff scheme, plus its pair table. */
export function createLjMixture(spec: LjMixtureSpec): LjPotential {
  const { ntypes, scheme } = spec;
  const stride = ntypes + 1;
  const size = stride * stride;
  const t = {
    lj1: new Float64Array(size), lj2: new Float64Array(size), cutsq: new Float64Array(size),
    rc: new Float64Array(size), eshift: new Float64Array(size), fshift: new Float64Array(size),
  };
  for (let a = 1; a <= ntypes; a++) {
    for (let b = a; b <= ntypes; b++) {
      const eps = spec.epsilon(a, b), sig = spec.sigma(a, b), rc = spec.cutoff(a, b);
      const bare = lennardJones(eps, sig);
      const at = valueAtCutoff(bare, rc);
      for (const k of [a * stride + b, b * stride + a]) {
        t.lj1[k] = 4 * eps * sig ** 12;
        t.lj2[k] = 4 * eps * sig ** 6;
        t.cutsq[k] = rc * rc;
        t.rc[k] = rc;
        t.eshift[k] = at.phi;
        t.fshift[k] = scheme === 'shifted-force' ? at.dphi : 0;
      }
    }
  }
  const base = new RadialPairPotential({
    name: spec.name, ntypes, units: 'lj', typeMasses: spec.typeMasses,
    ...(spec.dim !== undefined ? { dim: spec.dim } : {}),
    pair: (a, b) => {
      const rc = spec.cutoff(a, b);
      return { fn: applyCutoff(lennardJones(spec.epsilon(a, b), spec.sigma(a, b)), rc, scheme), cutoff: rc };
    },
  });
  return Object.assign(base, {
    pairTable(): LjPairTable {
      return {
        kind: 'lj', ntypes, stride, scheme,
        lj1: t.lj1.slice(), lj2: t.lj2.slice(), cutsq: t.cutsq.slice(), rc: t.rc.slice(),
        eshift: t.eshift.slice(), fshift: t.fshift.slice(),
      };
    },
  });
}
