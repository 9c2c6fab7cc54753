/**
 * The pieces of M^+ (the pseudo-inverse of the Hessian M = d^2 U / dx dx)
 * that the local thermal energy needs, behind one interface with a dense
 * and a sparse implementation:
 *  - the relative compliance C_ij = G_ii + G_jj - G_ij - G_ji of a bond,
 *  - the diagonal block G_ii (local Debye-Waller factor <x_i^2>_T = k_B T tr G_ii),
 *  - the solve M^+ b.
 * G = M^+ excludes the dim uniform translations (free in a periodic box, they
 * change no energy); every other zero mode (a rattler, a floppy mode) makes
 * the thermal expansion of Zylberg et al. undefined and is refused.
 *
 * M is the Hessian, not mass-weighted: thermal averages <A>_T over the
 * Boltzmann weight exp(-U / k_B T) do not involve masses (Zylberg et al.,
 * PNAS 114, 7289 (2017), Eq. 1, "M = d^2 U / dx dx").
 * Units: length^2 / energy.
 */
import type { SparseHessian } from '../../core/hessian.ts';
import { toDense } from '../../core/hessian.ts';
import { symmetricEigen } from '../../linalg/dense-eigen.ts';
import { factorHessian, greenBlock, hessianInverseBlocks, pseudoInverseSolve, relativeCompliance, type HessianFactorOptions, type PinnedHessianFactor } from '../../core/hessian-inverse.ts';
import type { System } from '../../system/system.ts';

export interface LteInverse {
  readonly method: 'dense' | 'sparse';
  /** C_ij (dim x dim, row-major) into out */
  relativeCompliance(i: number, j: number, out: Float64Array): void;
  /** (M^+)_ii (dim x dim) into out */
  diagonalBlock(i: number, out: Float64Array): void;
  /** M^+ b (b is not modified) */
  solve(b: Float64Array): Float64Array;
}

export interface DenseLteInverseOptions {
  /** eigenvalues with |lambda| <= zeroTol * max |lambda| count as zero modes (default 1e-10) */
  zeroTol?: number;
  /** largest n*dim accepted (default 6000) */
  maxDof?: number;
}

/**
 * Dense reference: full eigendecomposition M = sum_k lambda_k v_k v_k^T, and
 * every needed piece of G = sum_{lambda_k != 0} v_k v_k^T / lambda_k straight
 * from the modes (never G itself): C_ij[x][y] = sum_k (v_k,ix - v_k,jx)(v_k,iy - v_k,jy) / lambda_k,
 * O(n dim) per entry, and G b = V^T (Lambda^+ (V b)), O((n dim)^2); the
 * eigendecomposition, O((n dim)^3), dominates (n dim <= a few thousand).
 */
export function denseLteInverse(H: SparseHessian, opts: DenseLteInverseOptions = {}): LteInverse {
  const { n, dim } = H;
  const nd = n * dim;
  if (H.massWeighted) throw new Error('denseLteInverse: the LTE needs the Hessian, not the mass-weighted dynamical matrix (assembleHessian without massWeighted)');
  const eig = symmetricEigen(toDense(H, opts.maxDof ?? 6000), nd, { overwrite: true });
  const lam = eig.values, V = eig.vectors!;
  const tol = (opts.zeroTol ?? 1e-10) * Math.max(Math.abs(lam[0]), Math.abs(lam[nd - 1]));
  checkSpectrum('dense', lam, tol, dim);
  const inv = new Float64Array(nd);
  for (let k = 0; k < nd; k++) inv[k] = Math.abs(lam[k]) <= tol ? 0 : 1 / lam[k];
  // VT[c * nd + k] = component c of mode k, contiguous over modes; S = VT scaled by 1/lambda
  const VT = new Float64Array(nd * nd), S = new Float64Array(nd * nd);
  for (let k = 0; k < nd; k++) for (let c = 0; c < nd; c++) { const v = V[k * nd + c]; VT[c * nd + k] = v; S[c * nd + k] = v * inv[k]; }
  const du = new Float64Array(dim * nd), ds = new Float64Array(dim * nd);
  return {
    method: 'dense',
    relativeCompliance(i, j, out) {
      for (let x = 0; x < dim; x++) {
        const io = (i * dim + x) * nd, jo = (j * dim + x) * nd;
        for (let k = 0; k < nd; k++) { du[x * nd + k] = VT[io + k] - VT[jo + k]; ds[x * nd + k] = S[io + k] - S[jo + k]; }
      }
      for (let x = 0; x < dim; x++) for (let y = x; y < dim; y++) {
        let s = 0;
        for (let k = 0, xo = x * nd, yo = y * nd; k < nd; k++) s += du[xo + k] * ds[yo + k];
        out[x * dim + y] = s; out[y * dim + x] = s;
      }
    },
    diagonalBlock(i, out) {
      for (let x = 0; x < dim; x++) for (let y = x; y < dim; y++) {
        let s = 0;
        for (let k = 0, xo = (i * dim + x) * nd, yo = (i * dim + y) * nd; k < nd; k++) s += VT[xo + k] * S[yo + k];
        out[x * dim + y] = s; out[y * dim + x] = s;
      }
    },
    solve(b) {
      const w = new Float64Array(nd), u = new Float64Array(nd);
      for (let k = 0; k < nd; k++) {
        let s = 0;
        for (let c = 0; c < nd; c++) s += V[k * nd + c] * b[c];
        w[k] = s * inv[k];
      }
      for (let c = 0; c < nd; c++) {
        let s = 0;
        for (let k = 0; k < nd; k++) s += VT[c * nd + k] * w[k];
        u[c] = s;
      }
      return u;
    },
  };
}

/** Refuse negative curvature (not a minimum) and zero modes other than the translations. */
function checkSpectrum(where: string, lam: Float64Array, tol: number, dim: number): void {
  let zeros = 0, negative = 0;
  for (const l of lam) { if (Math.abs(l) <= tol) zeros++; else if (l < 0) negative++; }
  if (negative > 0) {
    throw new Error(`lte (${where}): the Hessian has ${negative} negative eigenvalue(s) (lowest ${lam[0].toExponential(3)}): the configuration is not at a minimum; minimise it (glasslab minimize) before computing the local thermal energy`);
  }
  if (zeros !== dim) {
    throw new Error(`lte (${where}): the Hessian has ${zeros} zero mode(s) where a rigid periodic solid has ${dim} (the translations): ` +
      'a rattler or floppy mode makes the low-temperature expansion undefined; remove rattlers or use a better-minimised, denser glass');
  }
}

/**
 * Sparse path: LDL^T of the Hessian with one atom pinned and selected
 * inversion on the Hessian's block pattern (src/linalg/sparse-hessian-inverse.ts);
 * the relative compliance is projection independent, the diagonal blocks and
 * the solve are projected so that they equal the pseudo-inverse.
 */
export function sparseLteInverse(H: SparseHessian, sys: System, opts: HessianFactorOptions = {}): LteInverse {
  if (H.massWeighted) throw new Error('sparseLteInverse: the LTE needs the Hessian, not the mass-weighted dynamical matrix (assembleHessian without massWeighted)');
  let F: PinnedHessianFactor;
  try {
    F = factorHessian(H, sys, opts);
  } catch (err) {
    throw new Error(`lte (sparse): factorising the Hessian failed (${(err as Error).message}); ` +
      'the configuration must be a minimum with no rattlers or floppy modes (glasslab minimize; try --method dense on small systems to see the spectrum)');
  }
  if (F.factor.negativePivots > 0) {
    throw new Error(`lte (sparse): the Hessian has ${F.factor.negativePivots} negative eigenvalue(s) (inertia of its LDL^T): the configuration is not at a minimum; minimise it (glasslab minimize) before computing the local thermal energy`);
  }
  const blocks = hessianInverseBlocks(H, F, { projected: true, kernel: opts.kernel, threads: opts.threads });
  return {
    method: 'sparse',
    relativeCompliance(i, j, out) { relativeCompliance(blocks, i, j, out); },
    diagonalBlock(i, out) { out.set(greenBlock(blocks, i, i)); },
    solve(b) { return pseudoInverseSolve(F, b); },
  };
}
