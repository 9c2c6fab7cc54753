/**
 * A Hessian kept as its terms, never assembled: per interacting pair p =
 * (i, j) with displacement d_p = r_i - r_j, a pair-shaped 3x3 term, and per
 * atom a a rank-one term (the embedding curvature of an EAM potential):
 *
 *   H = sum_p (delta_i - delta_j)(delta_i - delta_j)^T (x) (kA_p I + kB_p d_p d_p^T)
 *     + sum_a c_a g_a g_a^T,
 *   g_a . x = sum_{p: a = i_p} fi_p d_p . (x_i - x_j) + sum_{p: a = j_p} fj_p d_p . (x_i - x_j).
 *
 * For the EAM Hessian of src/core/hessian.ts (its module doc has the
 * formulas): kA = psi'/r and kB = (psi'' - psi'/r) / r^2 with psi the
 * effective pair function, c_a = F''_a, g_a = grad rho_a, so
 * fi_p = f'_{j->i}(r)/r and fj_p = f'_{i->j}(r)/r. The assembled matrix
 * couples second neighbours (CuZr_mm, N = 4000: 2.58 M blocks, 186 MB);
 * these terms take 64 bytes per pair (12 MB) and a product H x costs about
 * 40 flops per pair (bench/eam-hessian.ts). What needs only products
 * (Lanczos, KPM: `lowestModes`, `kpmVdos`, `lowModeParticipation` with
 * Lanczos) takes it where it takes a SparseHessian; factorisations and
 * dense copies need the assembled one.
 * With `invSqrtMass` the operator is M^-1/2 H M^-1/2 (the dynamical matrix).
 * Units as the assembled Hessian: energy / length^2 (mass weighted:
 * energy / (length^2 mass)). Pure numerics: arrays in, products out.
 */
export interface FactoredHessian {
  readonly kind: 'factored';
  readonly n: number;
  readonly dim: 2 | 3;
  readonly massWeighted: boolean;
  /** number of pair terms */
  readonly count: number;
  /** atoms of pair p (i[p] may equal j[p] for a periodic image; its terms then vanish) */
  readonly i: Int32Array;
  readonly j: Int32Array;
  /** d_p = r_i - r_j, stride 3 (z = 0 in 2D) */
  readonly d: Float64Array;
  /** coefficients of the pair term: kA I + kB d d^T */
  readonly kA: Float64Array;
  readonly kB: Float64Array;
  /** the rank-one terms (module doc), null for a pair potential */
  readonly embedding: { readonly fi: Float64Array; readonly fj: Float64Array; readonly curvature: Float64Array } | null;
  /** 1/sqrt(m_a) per atom when mass weighted, else null */
  readonly invSqrtMass: Float64Array | null;
}

let scratch = new Float64Array(0);

/** y = H x for vectors of length n*dim (y allocated if not given); two passes over the pairs. */
export function factoredMatVec(H: FactoredHessian, x: Float64Array, y?: Float64Array): Float64Array {
  const { n, dim, count, i: I, j: J, d, kA, kB, embedding: emb, invSqrtMass: w } = H, nd = n * dim;
  if (x.length !== nd) throw new Error(`hessianMatVec: x has length ${x.length}, expected n*dim = ${nd}`);
  const out = y ?? new Float64Array(nd);
  out.fill(0);
  if (scratch.length < nd + n) scratch = new Float64Array(nd + n); // M^-1/2 x, then s
  if (w) {
    for (let a = 0; a < n; a++) for (let c = 0; c < dim; c++) scratch[a * dim + c] = w[a] * x[a * dim + c];
  }
  const v = w ? scratch : x; // the vector H acts on (M^-1/2 x when mass weighted)
  const z2 = dim === 3;
  let s: Float64Array | null = null;
  if (emb) {
    // s_a = c_a g_a . v
    s = scratch.subarray(nd, nd + n).fill(0);
    const { fi, fj, curvature } = emb;
    for (let p = 0; p < count; p++) {
      const oi = I[p] * dim, oj = J[p] * dim;
      const t = d[3 * p] * (v[oi] - v[oj]) + d[3 * p + 1] * (v[oi + 1] - v[oj + 1]) + (z2 ? d[3 * p + 2] * (v[oi + 2] - v[oj + 2]) : 0);
      s[I[p]] += fi[p] * t;
      s[J[p]] += fj[p] * t;
    }
    for (let a = 0; a < n; a++) s[a] *= curvature[a];
  }
  const fi = emb?.fi, fj = emb?.fj;
  for (let p = 0; p < count; p++) {
    const i = I[p], j = J[p], oi = i * dim, oj = j * dim;
    const d0 = d[3 * p], d1 = d[3 * p + 1], d2 = d[3 * p + 2];
    const v0 = v[oi] - v[oj], v1 = v[oi + 1] - v[oj + 1], v2 = z2 ? v[oi + 2] - v[oj + 2] : 0;
    const A = kA[p];
    let c = kB[p] * (d0 * v0 + d1 * v1 + d2 * v2);
    if (s) c += s[i] * fi![p] + s[j] * fj![p];
    const y0 = A * v0 + c * d0, y1 = A * v1 + c * d1;
    out[oi] += y0; out[oi + 1] += y1;
    out[oj] -= y0; out[oj + 1] -= y1;
    if (z2) { const y2 = A * v2 + c * d2; out[oi + 2] += y2; out[oj + 2] -= y2; }
  }
  if (w) for (let a = 0; a < n; a++) for (let c = 0; c < dim; c++) out[a * dim + c] *= w[a];
  return out;
}
