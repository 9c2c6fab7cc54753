/**
 * Pseudo-inverse of a Hessian (or dynamical matrix) of a periodic solid by
 * sparse LDL^T with one atom pinned: solves H^+ b and the blocks of H^+ on
 * the Hessian's sparsity pattern (selected inversion), without dense storage.
 *
 * Zero modes. The Hessian of a periodic system has the dim uniform
 * translations in its null space: H w_alpha = 0 with (w_alpha)_{i beta} =
 * a_i delta_{alpha beta}, a_i = 1 (Hessian) or sqrt(m_i) (mass-weighted
 * dynamical matrix). Pinning atom p (deleting its dim rows and columns)
 * leaves a nonsingular matrix for a rigid glass; let G be its inverse padded
 * with zeros in the rows/columns of p.
 *
 * Claim: H^+ = P G P, with P = I - sum_alpha w_alpha w_alpha^T / M,
 * M = sum_i a_i^2 (the projector orthogonal to the translations).
 * Proof: for f with w_alpha^T f = 0, u = G f satisfies H u = f on every row
 * but those of p by construction, and on the rows of p too because
 * w_alpha^T H = 0 gives a_p (H u)_{p alpha} = -sum_{k != p} a_k (H u)_{k alpha}
 * = -sum_{k != p} a_k f_{k alpha} = a_p f_{p alpha}. So H G P b = P b for all
 * b, and P G P b is the solution orthogonal to the null space, i.e. H^+ b.
 *
 * Blocks. With c_j[alpha][beta] = sum_k a_k G_{k alpha, j beta} = (G w_alpha)_{j beta}
 * (dim solves) and s = sum_j a_j c_j:
 *   (H^+)_ij = G_ij - (a_i/M) c_j - (a_j/M) c_i^T + (a_i a_j / M^2) s.
 * In a translation-invariant combination such as the relative compliance
 * G_ii + G_jj - G_ij - G_ji (unweighted Hessian) every correction cancels,
 * so the pinned G already gives the pseudo-inverse value exactly.
 * Numerics: supernodal LDL^T and selected inversion (sparse-supernodal.ts)
 * in a nested-dissection order of the atoms (sparse-ordering.ts).
 * Units: those of 1/H (length^2 / energy; mass-weighted: length^2 mass / energy).
 */
import type { SparseHessian } from '../linalg/block-sparse.ts';
import type { System } from '../system/system.ts';
import { hessianToCsr } from '../linalg/sparse-matrix.ts';
import { expandAtomOrder, hessianAtomGraph, nestedDissectionOrder } from '../linalg/sparse-ordering.ts';
import { cellGeometry, wrappedFractional } from '../neighbor/cell-geometry.ts';
import { supernodalEntry, supernodalFactor, supernodalSelectedInverse, supernodalSolve, type DenseKernelOptions, type SupernodalFactor } from '../linalg/sparse-supernodal.ts';

/** kernel / threads: the dense block products of the factorization (sparse-supernodal.ts DenseKernelOptions) */
export interface HessianFactorOptions extends DenseKernelOptions {
  /** atom held fixed (its rows and columns removed); default 0 */
  pinnedAtom?: number;
  /** fill-reducing order of the atoms: 'nested-dissection' (default) or 'natural' (atom index order) */
  ordering?: 'nested-dissection' | 'natural';
  /** nested dissection leaf size (default 8 atoms) */
  leafSize?: number;
  /** zero-pivot tolerance, see LdltOptions.pivotTol */
  pivotTol?: number;
}

export interface PinnedHessianFactor {
  readonly n: number;
  readonly dim: 2 | 3;
  readonly pinnedAtom: number;
  /** LDL^T of the pinned Hessian; its rows are the unknowns of the atoms != pinnedAtom, in atom order */
  readonly factor: SupernodalFactor;
  /** a_i: 1 (Hessian) or sqrt(m_i) (mass-weighted), defining the translations */
  readonly weights: Float64Array;
  /** M = sum_i a_i^2 */
  readonly weightNorm: number;
  /** c_j[alpha][beta] = (G w_alpha)_{j beta}, stored at j*dim*dim + alpha*dim + beta */
  readonly translationResponse: Float64Array;
  /** s = sum_j a_j c_j, dim x dim */
  readonly translationSum: Float64Array;
}

/**
 * Coordinates steering the bisection, stride 3: wrapped fractional
 * coordinates times the perpendicular cell widths (Cartesian lengths for an
 * orthogonal box; for a triclinic one, distances between lattice planes).
 */
export function orderingCoordinates(sys: System): Float64Array {
  const s = wrappedFractional(sys, undefined, 'orderingCoordinates');
  const w = cellGeometry(sys.box).widths;
  const wz = sys.dim === 3 ? w[2] : 0;
  for (let i = 0; i < sys.n; i++) { s[3 * i] *= w[0]; s[3 * i + 1] *= w[1]; s[3 * i + 2] *= wz; }
  return s;
}

/** Factor the Hessian H of the configuration `sys` with one atom pinned (module doc). */
export function factorHessian(H: SparseHessian, sys: System, opts: HessianFactorOptions = {}): PinnedHessianFactor {
  const { n, dim } = H;
  if (sys.n !== n || sys.dim !== dim) throw new Error(`factorHessian: the system has n = ${sys.n}, dim = ${sys.dim} but the Hessian n = ${n}, dim = ${dim}; pass the configuration the Hessian was assembled at`);
  if (n < 2) throw new Error(`factorHessian: need at least 2 atoms, got ${n}`);
  const p = opts.pinnedAtom ?? 0;
  if (!(Number.isInteger(p) && p >= 0 && p < n)) throw new Error(`factorHessian: option pinnedAtom must be an atom index in [0, ${n}), got ${p}`);
  const ordering = opts.ordering ?? 'nested-dissection';
  let atomOrder: Int32Array;
  if (ordering === 'natural') atomOrder = Int32Array.from({ length: n }, (_, a) => a);
  else if (ordering === 'nested-dissection') atomOrder = nestedDissectionOrder(hessianAtomGraph(H), orderingCoordinates(sys), { leafSize: opts.leafSize });
  else throw new Error(`factorHessian: option ordering must be 'nested-dissection' or 'natural', got '${String(ordering)}'`);
  const reduced = new Int32Array(n - 1);
  for (let k = 0, o = 0; k < n; k++) { const a = atomOrder[k]; if (a !== p) reduced[o++] = a > p ? a - 1 : a; }
  const factor = supernodalFactor(hessianToCsr(H, p), expandAtomOrder(reduced, dim), { pivotTol: opts.pivotTol, kernel: opts.kernel, threads: opts.threads });
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) weights[i] = H.massWeighted ? Math.sqrt(sys.masses[i]) : 1;
  let weightNorm = 0;
  for (let i = 0; i < n; i++) weightNorm += weights[i] * weights[i];
  const dd = dim * dim;
  const translationResponse = new Float64Array(n * dd), translationSum = new Float64Array(dd);
  const w = new Float64Array(n * dim);
  const partial = { n, dim, pinnedAtom: p, factor };
  for (let al = 0; al < dim; al++) {
    w.fill(0);
    for (let i = 0; i < n; i++) w[i * dim + al] = weights[i];
    const y = pinnedSolve(partial, w);
    for (let j = 0; j < n; j++) for (let be = 0; be < dim; be++) {
      translationResponse[j * dd + al * dim + be] = y[j * dim + be];
      translationSum[al * dim + be] += weights[j] * y[j * dim + be];
    }
  }
  return { n, dim, pinnedAtom: p, factor, weights, weightNorm, translationResponse, translationSum };
}

/** u = G b: the pinned solve (u_p = 0, b_p ignored); vectors of length n*dim. */
export function pinnedSolve(F: Pick<PinnedHessianFactor, 'n' | 'dim' | 'pinnedAtom' | 'factor'>, b: Float64Array): Float64Array {
  const { n, dim, pinnedAtom: p } = F;
  if (b.length !== n * dim) throw new Error(`pinnedSolve: b has length ${b.length}, expected n*dim = ${n * dim}`);
  const r = new Float64Array((n - 1) * dim);
  r.set(b.subarray(0, p * dim), 0);
  r.set(b.subarray((p + 1) * dim), p * dim);
  const x = supernodalSolve(F.factor, r, r);
  const u = new Float64Array(n * dim);
  u.set(x.subarray(0, p * dim), 0);
  u.set(x.subarray(p * dim), (p + 1) * dim);
  return u;
}

/** x = P v in place: remove the translation components (sum_i a_i x_{i alpha} = 0 afterwards). */
export function projectTranslations(F: Pick<PinnedHessianFactor, 'n' | 'dim' | 'weights' | 'weightNorm'>, v: Float64Array): Float64Array {
  const { n, dim, weights: a, weightNorm: M } = F;
  for (let al = 0; al < dim; al++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i] * v[i * dim + al];
    s /= M;
    for (let i = 0; i < n; i++) v[i * dim + al] -= s * a[i];
  }
  return v;
}

/** x = H^+ b = P G P b (module doc); b is not modified. */
export function pseudoInverseSolve(F: PinnedHessianFactor, b: Float64Array): Float64Array {
  return projectTranslations(F, pinnedSolve(F, projectTranslations(F, Float64Array.from(b))));
}

/** dim x dim blocks of an inverse on the Hessian's block pattern (same rowPtr / colIdx as the Hessian). */
export interface GreenBlocks {
  readonly n: number;
  readonly dim: 2 | 3;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  /** block b = (i, colIdx[b]) at values[b*dim*dim + alpha*dim + beta] */
  readonly values: Float64Array;
  /** true: blocks of H^+ (= P G P); false: blocks of the pinned inverse G (zero in the pinned atom's row and column) */
  readonly projected: boolean;
}

/**
 * Blocks G_ij of the inverse for every (i, j) stored in H (diagonal blocks
 * G_ii and interacting pairs), by selected inversion of the pinned factor.
 * projected (default true): blocks of H^+; false: of the pinned inverse.
 * kernel / threads: the dense block products (sparse-supernodal.ts DenseKernelOptions).
 */
export function hessianInverseBlocks(H: SparseHessian, F: PinnedHessianFactor, opts: { projected?: boolean } & DenseKernelOptions = {}): GreenBlocks {
  const { n, dim } = F;
  if (H.n !== n || H.dim !== dim) throw new Error(`hessianInverseBlocks: Hessian (n = ${H.n}, dim = ${H.dim}) does not match the factor (n = ${n}, dim = ${dim})`);
  const projected = opts.projected ?? true;
  const Z = supernodalSelectedInverse(F.factor, { kernel: opts.kernel, threads: opts.threads });
  const p = F.pinnedAtom, dd = dim * dim;
  const values = new Float64Array(H.colIdx.length * dd);
  const red = (a: number) => (a > p ? a - 1 : a);
  for (let i = 0; i < n; i++) {
    if (i === p) continue;
    for (let b = H.rowPtr[i]; b < H.rowPtr[i + 1]; b++) {
      const j = H.colIdx[b];
      if (j === p) continue;
      for (let x = 0; x < dim; x++) for (let y = 0; y < dim; y++) {
        const v = supernodalEntry(F.factor, Z, red(i) * dim + x, red(j) * dim + y);
        values[b * dd + x * dim + y] = v;
      }
    }
  }
  if (projected) {
    const a = F.weights, M = F.weightNorm, c = F.translationResponse, s = F.translationSum;
    for (let i = 0; i < n; i++) {
      for (let b = H.rowPtr[i]; b < H.rowPtr[i + 1]; b++) {
        const j = H.colIdx[b];
        for (let x = 0; x < dim; x++) for (let y = 0; y < dim; y++) {
          values[b * dd + x * dim + y] += -(a[i] / M) * c[j * dd + x * dim + y] - (a[j] / M) * c[i * dd + y * dim + x] + ((a[i] * a[j]) / (M * M)) * s[x * dim + y];
        }
      }
    }
  }
  return { n, dim, rowPtr: H.rowPtr, colIdx: H.colIdx, values, projected };
}

/** View of block (i, j) of G; throws if (i, j) is not in the Hessian pattern. */
export function greenBlock(G: GreenBlocks, i: number, j: number): Float64Array {
  let lo = G.rowPtr[i], hi = G.rowPtr[i + 1] - 1;
  const dd = G.dim * G.dim;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1, c = G.colIdx[mid];
    if (c === j) return G.values.subarray(mid * dd, (mid + 1) * dd);
    if (c < j) lo = mid + 1; else hi = mid - 1;
  }
  throw new Error(`greenBlock: block (${i}, ${j}) is not in the Hessian pattern (atoms ${i} and ${j} do not interact); only diagonal and interacting-pair blocks are computed`);
}

/**
 * Relative compliance G_ii + G_jj - G_ij - G_ji (dim x dim, row-major): the
 * response of the separation u_i - u_j to equal and opposite forces on i and
 * j. Independent of pinning and projection for the unweighted Hessian
 * (module doc). (i, j) must be an interacting pair or i = j.
 */
export function relativeCompliance(G: GreenBlocks, i: number, j: number, out?: Float64Array): Float64Array {
  const dim = G.dim, dd = dim * dim;
  const r = out ?? new Float64Array(dd);
  const gii = greenBlock(G, i, i), gjj = greenBlock(G, j, j), gij = greenBlock(G, i, j), gji = greenBlock(G, j, i);
  for (let x = 0; x < dim; x++) for (let y = 0; y < dim; y++) r[x * dim + y] = gii[x * dim + y] + gjj[x * dim + y] - gij[x * dim + y] - gji[x * dim + y];
  return r;
}
