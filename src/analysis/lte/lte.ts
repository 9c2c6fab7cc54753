/**
 * Local thermal energy (LTE) of every interaction of an inherent structure:
 * Zylberg, Lerner, Bar-Sinai & Bouchbinder, PNAS 114, 7289 (2017).
 *
 * For an observable A, to leading order in T (their Eq. 1)
 *   (<A>_T - A^(0)) / (k_B T / 2) = A'' : M^-1 - A' . M^-1 . U''' : M^-1,
 * M = d^2 U / dx dx the Hessian (no masses: configurational average),
 * U''' = d^3 U / dx^3, M^-1 the pseudo-inverse (the translations are free).
 * With A = x (Eq. 2) the normalized thermal displacement is
 *   X = lim <x>_T / (k_B T / 2) = -M^-1 . (U''' : M^-1)     [length / energy],
 * and with A = eps_alpha, the energy phi(r_alpha) of the pair alpha = (i, j)
 * (U = sum_alpha eps_alpha; f_alpha = d eps_alpha / dx) (Eq. 3)
 *   E_alpha = (d f_alpha / dx) : M^-1 + f_alpha . X        [dimensionless].
 *
 * Per pair (lte-pair.ts): (d f_alpha / dx) : M^-1 = K_alpha : C_ij and
 * f_alpha . X = phi'(r) e . (X_i - X_j), K_alpha the pair stiffness, e the
 * unit vector from j to i, C_ij = G_ii + G_jj - G_ij - G_ji the relative
 * compliance; U''' : M^-1 = sum over bonds of +-(T_alpha : C_ij) on i / j,
 * T_alpha the third derivative of phi in the relative coordinate. So only
 * C_ij on bonds and one solve are needed (sparse path: selected inversion,
 * lte-inverse.ts), never M^-1 itself.
 *
 * Checks of the conventions (test/analysis/lte.test.ts): sum_alpha K:C =
 * tr(M M^+) = n dim - dim (the harmonic term gives equipartition, the
 * paper's first example), sum_alpha f_alpha . X = (dU/dx) . X = 0 at a
 * minimum, so sum_alpha E_alpha = n dim - dim; X and E_alpha equal a
 * finite-difference evaluation of Eq. 1 and low-T MD (lte-md.ts).
 * Also returned: the local Debye-Waller factor tr (M^+)_ii, with
 * <|x_i|^2>_T = k_B T tr (M^+)_ii (harmonic).
 *
 * Bonds: the pairs with r < cutoff(t_i, t_j) (minimum image; the Hessian's
 * pattern). Potentials: any pair potential; the expansion needs phi''' at
 * the bond lengths only, so a truncated-shifted cutoff (ka) is fine for E
 * itself, but a finite-T check by MD needs a potential smooth at the cutoff
 * (ipl2d, ipl3d; see src/protocols/lte-validation.ts). Units: k_B = 1 in LJ units, so T is in energy units.
 * EAM: the energy is not a sum of pair terms (the embedding couples all
 * neighbours of an atom), so eps_alpha has no unique definition and U'''
 * has three-body terms; refused with an error.
 */
import { assembleHessian, type SparseHessian } from '../../core/hessian.ts';
import type { HessianFactorOptions } from '../../core/hessian-inverse.ts';
import { cellGeometry, pairDelta, wrappedFractional } from '../../neighbor/cell-geometry.ts';
import type { PairPotential, Potential } from '../../potential/types.ts';
import type { System } from '../../system/system.ts';
import { denseLteInverse, sparseLteInverse, type LteInverse } from './inverse.ts';
import { lteStiffnessContraction, lteThirdContraction } from './pair.ts';

/** Interacting pairs of a configuration with their geometry and radial derivatives. */
export interface LteBonds {
  readonly count: number;
  /** atom indices (input order), i < j */
  readonly i: Int32Array;
  readonly j: Int32Array;
  /** minimum-image displacement x_i - x_j, stride dim */
  readonly delta: Float64Array;
  /** distance |x_i - x_j| */
  readonly r: Float64Array;
  /** phi, phi', phi'', phi''' of the pair at r (stride 4) */
  readonly radial: Float64Array;
}

export interface LteOptions {
  /** 'dense' (eigendecomposition, reference), 'sparse' (selected inversion) or 'auto' (dense up to denseMaxDof, default) */
  method?: 'auto' | 'dense' | 'sparse';
  /** largest n*dim for which 'auto' picks the dense path (default 600) */
  denseMaxDof?: number;
  /** options of the sparse factorisation (pinned atom, ordering) */
  factor?: HessianFactorOptions;
  /** the Hessian of `sys` if already assembled (not mass-weighted) */
  hessian?: SparseHessian;
}

export interface LteResult {
  readonly n: number;
  readonly dim: 2 | 3;
  readonly method: 'dense' | 'sparse';
  readonly bonds: LteBonds;
  /** E_alpha per bond (Eq. 3), dimensionless */
  readonly lte: Float64Array;
  /** harmonic part (d f_alpha / dx) : M^-1 = K : C per bond */
  readonly harmonic: Float64Array;
  /** anharmonic part f_alpha . X per bond */
  readonly anharmonic: Float64Array;
  /** X (Eq. 2) per atom, stride dim, length / energy */
  readonly thermalDisplacement: Float64Array;
  /** tr (M^+)_ii per atom, length^2 / energy (local Debye-Waller factor / k_B T) */
  readonly debyeWaller: Float64Array;
}

/** Pairs within their type-pair cutoff, read off the Hessian's block pattern. */
export function lteBonds(sys: System, pot: PairPotential, H: SparseHessian): LteBonds {
  const { n, dim } = sys;
  let total = 0;
  for (let a = 0; a < n; a++) for (let b = H.rowPtr[a]; b < H.rowPtr[a + 1]; b++) if (H.colIdx[b] > a) total++;
  const I = new Int32Array(total), J = new Int32Array(total), delta = new Float64Array(total * dim), R = new Float64Array(total), radial = new Float64Array(total * 4);
  const g = cellGeometry(sys.box), s = wrappedFractional(sys, undefined, 'lte');
  const v = new Float64Array(3), out = new Float64Array(4);
  let c = 0;
  for (let a = 0; a < n; a++) {
    for (let b = H.rowPtr[a]; b < H.rowPtr[a + 1]; b++) {
      const j = H.colIdx[b];
      if (j <= a) continue;
      pairDelta(g, s, a, j, v);
      const r = Math.hypot(v[0], v[1], v[2]);
      if (r >= pot.cutoff(sys.types[a], sys.types[j])) continue;
      pot.radial(sys.types[a], sys.types[j], r, out);
      I[c] = a; J[c] = j; R[c] = r;
      for (let x = 0; x < dim; x++) delta[c * dim + x] = v[x];
      radial.set(out, 4 * c);
      c++;
    }
  }
  return { count: c, i: I.slice(0, c), j: J.slice(0, c), delta: delta.slice(0, c * dim), r: R.slice(0, c), radial: radial.slice(0, 4 * c) };
}

/** The M^+ pieces for the chosen method (LteOptions.method). */
export function lteInverse(sys: System, H: SparseHessian, opts: LteOptions = {}): LteInverse {
  const method = opts.method ?? 'auto';
  if (method !== 'auto' && method !== 'dense' && method !== 'sparse') throw new Error(`lte: option method must be 'auto', 'dense' or 'sparse', got '${String(method)}'`);
  const dense = method === 'dense' || (method === 'auto' && sys.n * sys.dim <= (opts.denseMaxDof ?? 600));
  return dense ? denseLteInverse(H) : sparseLteInverse(H, sys, opts.factor);
}

/** E_alpha for every bond, X and the local Debye-Waller factor of an inherent structure (module doc). */
export function localThermalEnergy(sys: System, pot: Potential, opts: LteOptions = {}): LteResult {
  if (pot.kind !== 'pair') {
    throw new Error(`lte: potential '${pot.name}' is EAM; the local thermal energy is defined here for pair potentials only ` +
      '(an EAM energy is not a sum of pair energies eps_alpha). Use a pair model (ka, ka-sf, ipl2d, ipl3d)');
  }
  const H = opts.hessian ?? assembleHessian(sys, pot);
  if (H.massWeighted) throw new Error('lte: option hessian must be the Hessian, not the mass-weighted dynamical matrix');
  const bonds = lteBonds(sys, pot, H);
  const inv = lteInverse(sys, H, opts);
  return lteFromInverse(sys, bonds, inv);
}

/** Eqs. 2-3 from the bonds and an M^+ provider (shared by both paths). */
export function lteFromInverse(sys: System, bonds: LteBonds, inv: LteInverse): LteResult {
  const { n, dim } = sys;
  const m = bonds.count, dd = dim * dim;
  const C = new Float64Array(m * dd);
  const harmonic = new Float64Array(m), anharmonic = new Float64Array(m), lte = new Float64Array(m);
  const b = new Float64Array(n * dim), tc = new Float64Array(3);
  const { delta, r, radial } = bonds;
  for (let a = 0; a < m; a++) {
    const Ca = C.subarray(a * dd, (a + 1) * dd);
    inv.relativeCompliance(bonds.i[a], bonds.j[a], Ca);
    const d1 = radial[4 * a + 1], d2 = radial[4 * a + 2], d3 = radial[4 * a + 3];
    harmonic[a] = lteStiffnessContraction(dim, delta, a * dim, r[a], d1, d2, Ca);
    lteThirdContraction(dim, delta, a * dim, r[a], d1, d2, d3, Ca, tc);
    const io = bonds.i[a] * dim, jo = bonds.j[a] * dim;
    for (let x = 0; x < dim; x++) { b[io + x] += tc[x]; b[jo + x] -= tc[x]; }
  }
  const X = inv.solve(b);
  for (let k = 0; k < X.length; k++) X[k] = -X[k];
  for (let a = 0; a < m; a++) {
    const io = bonds.i[a] * dim, jo = bonds.j[a] * dim;
    let s = 0;
    for (let x = 0; x < dim; x++) s += (delta[a * dim + x] / r[a]) * (X[io + x] - X[jo + x]);
    anharmonic[a] = radial[4 * a + 1] * s;
    lte[a] = harmonic[a] + anharmonic[a];
  }
  const debyeWaller = new Float64Array(n), blk = new Float64Array(dd);
  for (let i = 0; i < n; i++) {
    inv.diagonalBlock(i, blk);
    let t = 0;
    for (let x = 0; x < dim; x++) t += blk[x * dim + x];
    debyeWaller[i] = t;
  }
  return { n, dim, method: inv.method, bonds, lte, harmonic, anharmonic, thermalDisplacement: X, debyeWaller };
}
