/**
 * Normal modes of a Hessian / dynamical matrix (src/core/hessian.ts).
 *
 * With `massWeighted` Hessians (D = M^-1/2 H M^-1/2) the eigenvalues are
 * omega^2, omega the ANGULAR frequency (rad per model time unit; reduced LJ
 * units for KA), and the eigenvectors are the polarization vectors e (unit
 * norm, atom i's part e[i*dim .. i*dim+dim-1]). Without mass weighting the
 * eigenvalues are stiffnesses (energy / length^2) and `frequencies` are
 * sqrt(lambda) as if all masses were 1.
 * Negative eigenvalues (unstable directions, a configuration that is not a
 * minimum) are reported as negative frequencies, omega = -sqrt(|lambda|).
 *
 * Rigid translations: a periodic system's Hessian has d exact zero modes,
 * e_alpha (each atom displaced by the same vector) for H, and
 * sqrt(m_i) e_alpha for D. Both solvers here remove them and return the
 * non-trivial modes only (count = n*dim - dim for `allModes`).
 */
import { hessianMatVec, toDense, type HessianOperator, type SparseHessian } from './block-sparse.ts';
import { symmetricEigen } from './dense-eigen.ts';
import { kpmCumulative, kpmMoments, type KpmMoments, type KpmOptions } from './kpm.ts';
import { filteredLanczosLowest, type FilteredLanczosOptions } from './filtered-lanczos.ts';
import { lanczosLowest } from './lanczos.ts';
import { modeCountForFraction, participationFraction, type Histogram } from './mode-analysis.ts';

export interface NormalModes {
  readonly nAtoms: number;
  readonly dim: 2 | 3;
  /** number of modes returned */
  readonly count: number;
  /** eigenvalues, ascending (omega^2 when mass weighted) */
  readonly eigenvalues: Float64Array;
  /** signed angular frequencies omega = sign(lambda) sqrt(|lambda|) */
  readonly frequencies: Float64Array;
  /** eigenvectors as rows, count x (nAtoms*dim), unit norm: vectors[m*nAtoms*dim + i*dim + alpha] */
  readonly vectors: Float64Array;
  readonly massWeighted: boolean;
}

export interface LowestModes extends NormalModes {
  /** |D x - lambda x| per mode */
  readonly residuals: Float64Array;
  /** Lanczos steps (Krylov dimension) */
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Orthonormal basis of the rigid translations: for each axis alpha the
 * vector with components w_i (alpha) on every atom i, w_i = 1 (unweighted)
 * or sqrt(m_i) (mass weighted), normalised.
 */
export function translationModes(nAtoms: number, dim: 2 | 3, masses?: Float64Array): Float64Array[] {
  if (masses && masses.length !== nAtoms) throw new Error(`translationModes: masses has length ${masses.length}, expected nAtoms = ${nAtoms}`);
  let norm2 = 0;
  for (let i = 0; i < nAtoms; i++) norm2 += masses ? masses[i] : 1;
  const inv = 1 / Math.sqrt(norm2);
  const out: Float64Array[] = [];
  for (let a = 0; a < dim; a++) {
    const t = new Float64Array(nAtoms * dim);
    for (let i = 0; i < nAtoms; i++) t[i * dim + a] = (masses ? Math.sqrt(masses[i]) : 1) * inv;
    out.push(t);
  }
  return out;
}

function translationsFor(H: HessianOperator, masses: Float64Array | undefined, where: string): Float64Array[] {
  if (H.massWeighted && !masses) {
    throw new Error(`${where}: the Hessian is mass weighted, so its zero modes are sqrt(m_i) e_alpha; pass option masses (sys.masses, length ${H.n})`);
  }
  return translationModes(H.n, H.dim, H.massWeighted ? masses : undefined);
}

function signedSqrt(values: Float64Array): Float64Array {
  return values.map((l) => (l >= 0 ? Math.sqrt(l) : -Math.sqrt(-l)));
}

export interface LowestModesOptions extends Omit<FilteredLanczosOptions, 'k' | 'deflate'> {
  /** number of lowest non-trivial modes */
  k: number;
  /**
   * 'filtered' (default): Lanczos on a Chebyshev filter of D (filtered-lanczos.ts);
   * 'plain': Lanczos on D itself (lanczos.ts)
   */
  method?: 'filtered' | 'plain';
  /** per-atom masses (sys.masses); required when the Hessian is mass weighted */
  masses?: Float64Array;
}

/**
 * The k lowest non-trivial modes of the sparse Hessian, without dense
 * storage: Lanczos with full reorthogonalisation on hessianMatVec, by
 * default through a Chebyshev filter that separates the low end of the
 * spectrum (filtered-lanczos.ts), the d translations projected out.
 * Memory: Krylov basis of `iterations` x n*dim doubles.
 */
export function lowestModes(H: HessianOperator, opts: LowestModesOptions): LowestModes {
  const nd = H.n * H.dim;
  const method = opts.method ?? 'filtered';
  if (method !== 'filtered' && method !== 'plain') throw new Error(`lowestModes: option method must be 'filtered' or 'plain', got '${String(method)}'`);
  const matvec = (x: Float64Array, y: Float64Array) => { hessianMatVec(H, x, y); };
  const lopts = { ...opts, deflate: translationsFor(H, opts.masses, 'lowestModes') };
  const r = method === 'filtered' ? filteredLanczosLowest(nd, matvec, lopts) : lanczosLowest(nd, matvec, lopts);
  return {
    nAtoms: H.n, dim: H.dim, count: r.values.length, eigenvalues: r.values, frequencies: signedSqrt(r.values), vectors: r.vectors,
    massWeighted: H.massWeighted, residuals: r.residuals, iterations: r.iterations, converged: r.converged,
  };
}

export interface AllModesOptions {
  /** per-atom masses (sys.masses); required when the Hessian is mass weighted */
  masses?: Float64Array;
  /** refuse more degrees of freedom than this (default 12000: 1.15 GB dense) */
  maxDof?: number;
}

/**
 * All n*dim - dim non-trivial modes by dense diagonalisation
 * (symmetricEigen). The translations are split off exactly: the solver sees
 * P D P + sigma T T^T (P the projector off the translation basis T, sigma
 * below the Gershgorin bound of D), whose d lowest eigenpairs are the
 * translations and are dropped.
 */
export function allModes(H: SparseHessian, opts: AllModesOptions = {}): NormalModes {
  const nd = H.n * H.dim;
  const T = translationsFor(H, opts.masses, 'allModes');
  const A = toDense(H, opts.maxDof ?? 12000);
  let gersh = 0;
  for (let p = 0; p < nd; p++) {
    let s = 0;
    for (let q = 0; q < nd; q++) s += Math.abs(A[p * nd + q]);
    gersh = Math.max(gersh, s);
  }
  projectTranslations(A, nd, T, -(2 * gersh + 1));
  const r = symmetricEigen(A, nd, { overwrite: true, symmetryTol: 1e-9 });
  const d = T.length, count = nd - d;
  const eigenvalues = r.values.slice(d);
  return {
    nAtoms: H.n, dim: H.dim, count, eigenvalues, frequencies: signedSqrt(eigenvalues),
    vectors: r.vectors!.subarray(d * nd), massWeighted: H.massWeighted,
  };
}

/**
 * A <- P A P + sigma T T^T with P = I - T T^T (T orthonormal columns t_a):
 * with U = A T (columns u_a) and C = T^T A T,
 * P A P = A - U T^T - T U^T + T C T^T.
 */
function projectTranslations(A: Float64Array, n: number, T: readonly Float64Array[], sigma: number): void {
  const d = T.length;
  const U = T.map((t) => {
    const u = new Float64Array(n);
    for (let p = 0; p < n; p++) { let s = 0; for (let q = 0; q < n; q++) s += A[p * n + q] * t[q]; u[p] = s; }
    return u;
  });
  const C = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) { let s = 0; for (let q = 0; q < n; q++) s += T[a][q] * U[b][q]; C[a * d + b] = s; }
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      let s = 0;
      for (let a = 0; a < d; a++) {
        s -= U[a][p] * T[a][q] + T[a][p] * U[a][q];
        for (let b = 0; b < d; b++) s += T[a][p] * (C[a * d + b] + (a === b ? sigma : 0)) * T[b][q];
      }
      A[p * n + q] += s;
    }
  }
}

export interface KpmVdosOptions extends Omit<KpmOptions, 'deflate'> {
  /** per-atom masses (sys.masses); required when the Hessian is mass weighted */
  masses?: Float64Array;
  /** number of frequency bins (default 100) */
  bins?: number;
  /** upper edge of the frequency range (default sqrt of the upper spectral bound) */
  maxFrequency?: number;
}

/**
 * VDOS D(omega) of the non-trivial modes by the kernel polynomial method
 * (kpm.ts) on the sparse Hessian, without diagonalisation: for N = 10^5
 * atoms where the dense solver cannot go. Bin b holds the KPM estimate of
 * the fraction of modes with omega in [edge_b, edge_{b+1}) (omega^2 = lambda),
 * so `density` is comparable with vdosHistogram of exact frequencies;
 * `counts` are the expected mode numbers (fraction * (n*dim - dim)).
 * Resolution in lambda ~ pi * halfWidth / moments (Jackson kernel).
 */
export function kpmVdos(H: HessianOperator, opts: KpmVdosOptions = {}): Histogram & { moments: KpmMoments } {
  const nd = H.n * H.dim;
  const km = kpmMoments(nd, (x, y) => { hessianMatVec(H, x, y); }, { ...opts, deflate: translationsFor(H, opts.masses, 'kpmVdos') });
  const bins = opts.bins ?? 100;
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`kpmVdos: option bins must be a positive integer, got ${bins}`);
  const top = opts.maxFrequency ?? Math.sqrt(Math.max(0, km.center + km.halfWidth));
  if (!(top > 0)) throw new Error(`kpmVdos: option maxFrequency must be > 0, got ${top}`);
  const width = top / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, b) => b * width);
  const centers = Float64Array.from({ length: bins }, (_, b) => (b + 0.5) * width);
  const density = new Float64Array(bins), counts = new Float64Array(bins);
  let prev = kpmCumulative(km, 0);
  for (let b = 0; b < bins; b++) {
    const next = kpmCumulative(km, edges[b + 1] ** 2);
    density[b] = (next - prev) / width;
    counts[b] = (next - prev) * km.dimension;
    prev = next;
  }
  return { edges, centers, counts, density, outside: 0, moments: km };
}

export interface LowModeParticipationOptions {
  /** per-atom masses (sys.masses); required when the Hessian is mass weighted */
  masses?: Float64Array;
  /** fraction of the n*dim - dim non-trivial modes, lowest first (default 0.0025, Wei et al.) */
  fraction?: number;
  /** number of lowest modes (overrides `fraction`; 30 gives Zylberg et al.'s normal-mode softness) */
  count?: number;
  /** 'lanczos' (lowestModes), 'dense' (allModes) or 'auto' (default: dense when n*dim <= 1500) */
  method?: 'lanczos' | 'dense' | 'auto';
}

/** Whether lowModeParticipation diagonalises densely: method 'dense', or 'auto' and n*dim <= 1500. */
export function denseModes(nd: number, method: LowModeParticipationOptions['method'] = 'auto'): boolean {
  return method === 'dense' || (method === 'auto' && nd <= 1500);
}

/**
 * Per-atom participation fraction p_i = sum over the lowest modes of |e_i|^2
 * (Wei et al., PRB 99, 014115 (2019), Eq. 4; mode-analysis.ts) straight from
 * the Hessian, with the modes used.
 */
export function lowModeParticipation(H: HessianOperator, opts: LowModeParticipationOptions = {}): { participation: Float64Array; count: number; modes: NormalModes } {
  const nd = H.n * H.dim, total = nd - H.dim;
  const count = opts.count ?? modeCountForFraction(total, opts.fraction ?? 0.0025);
  if (!Number.isInteger(count) || count < 1 || count > total) throw new Error(`lowModeParticipation: option count must be an integer in [1, ${total}], got ${count}`);
  const method = opts.method ?? 'auto';
  if (method !== 'lanczos' && method !== 'dense' && method !== 'auto') throw new Error(`lowModeParticipation: option method must be 'lanczos', 'dense' or 'auto', got '${String(method)}'`);
  let modes: NormalModes;
  if (!denseModes(nd, method)) modes = lowestModes(H, { k: count, masses: opts.masses });
  else if ('rowPtr' in H) modes = allModes(H, { masses: opts.masses });
  else throw new Error(`lowModeParticipation: the dense method needs the assembled Hessian (assembleHessian), not the factored one`);
  return { participation: participationFraction(modes, count), count, modes };
}
