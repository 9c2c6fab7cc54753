/**
 * Cluster alignment of first-shell clusters (Fan et al., PRB 105, 104112
 * (2022), Fig. 5; the method of Fang et al., PRB 82, 184204 (2010) and Sun
 * et al., Sci. Rep. 6, 23734 (2016), as used by Fan et al., PRB 101, 214104
 * (2020)).
 *
 * A cluster is a centre atom and its first shell: the neighbours j closer
 * than r_c(t_i, t_j), the first minimum of g_ab (./first-shell.ts), stored
 * as positions relative to the centre (minimum image).
 *
 * Alignment score of two clusters A and B (dimensionless):
 *
 *   score(A, B) = min_{R in SO(3), P injective}
 *                 sqrt( (1/m) sum_{i=1}^{m} | R a_i - b_P(i) |^2 )
 *
 * where both clusters are first scaled to unit mean centre-shell distance,
 * A is the smaller cluster (m atoms) and P maps its atoms to distinct atoms
 * of B. The centres coincide (no translation is fitted). So a score is an RMS
 * misfit in units of the mean bond length; Fan et al. call two clusters
 * identical below 0.10.
 *
 * Choices and substitutions (quoted by the notebook):
 *  - Scale: Fang et al. minimise over a scale factor alpha of the template;
 *    we normalise both clusters to unit mean centre-shell distance instead,
 *    which makes the score symmetric, score(A, B) = score(B, A). For a
 *    cluster equal to a scaled template both give 0; they differ at second
 *    order in the radial distortion.
 *  - Sizes: with equal sizes P is a permutation (the usual case). When the
 *    sizes differ, the smaller cluster is matched into the larger one and the
 *    surplus atoms of the larger are ignored ('subset', as Fang et al. align a
 *    template into a cluster extracted with more atoms); `sizeMismatch:
 *    'reject'` gives score = Infinity instead, so that clusters with
 *    different coordination never match.
 *  - Optimisation: the joint problem over R and P is solved by
 *    assignment-rotation iteration (Hungarian assignment at fixed R, Kabsch
 *    rotation at fixed P, to a fixed point) from many starting rotations:
 *    every rotation that maps a fixed anchor pair of A (atom 0 and the atom
 *    at the angle nearest 90 degrees from it) onto an ordered pair of B with
 *    the same angle (within `angleTolerance`). This finds the global minimum
 *    for clusters close to each other (checked against brute-force
 *    enumeration of permutations in the tests); for very dissimilar clusters
 *    the score may be slightly above the global minimum, which does not
 *    change which pairs fall below a cutoff of 0.1.
 *  - Rotations are proper (det R = +1): mirror images are different motifs.
 */
import { buildNeighborList } from '../../neighbor/neighbor-list.ts';
import type { System } from '../../system/system.ts';
import { AssignmentWorkspace, minCostAssignment } from '../../numeric/hungarian.ts';
import { firstShellCutoff, firstShellCutoffs, type FirstShellCutoffs } from './first-shell.ts';
import { stopRequested, yieldToHost } from '../../platform/index.ts';

/** Positions of the shell atoms relative to the centre, flat xyz (3D). */
export interface ClusterShape {
  readonly size: number;
  readonly positions: Float64Array;
}

/** A first-shell cluster taken from a System. */
export interface FirstShellCluster extends ClusterShape {
  /** index of the centre atom in the System, its id and type */
  readonly centre: number;
  readonly id: number;
  readonly type: number;
  /** indices of the shell atoms in the System */
  readonly neighbours: Int32Array;
  /** types of the shell atoms */
  readonly neighbourTypes: Int32Array;
}

export interface ClusterExtractionOptions {
  /**
   * Shell radius: one length for all pairs, or per type pair (the result of
   * `firstShellCutoffs`). Default: the first minima of g_ab of `sys`.
   */
  cutoff?: number | FirstShellCutoffs;
}

/** First-shell clusters around the atoms `centres` (indices into `sys`), 3D only. */
export function extractFirstShellClusters(sys: System, centres: ArrayLike<number>, opts: ClusterExtractionOptions = {}): FirstShellCluster[] {
  if (sys.dim !== 3) throw new Error('extractFirstShellClusters: cluster alignment is implemented for 3D systems only');
  const c = opts.cutoff ?? firstShellCutoffs(sys);
  let rmax = 0;
  if (typeof c === 'number') rmax = c;
  else for (const x of c.cutoffs) rmax = Math.max(rmax, x);
  if (!(rmax > 0)) throw new Error(`extractFirstShellClusters: option cutoff must be positive, got ${typeof c === 'number' ? c : 'an all-zero table'}`);
  const nl = buildNeighborList(sys, { cutoff: rmax, skin: 0, kind: 'full' });
  const out: FirstShellCluster[] = [];
  const dr = new Float64Array(3);
  for (let q = 0; q < centres.length; q++) {
    const i = centres[q];
    if (!Number.isInteger(i) || i < 0 || i >= sys.n) throw new Error(`extractFirstShellClusters: centre index ${i} out of range 0..${sys.n - 1}`);
    const ti = sys.types[i];
    const pos: number[] = [], nb: number[] = [], nbt: number[] = [];
    for (let k = 0; k < nl.counts[i]; k++) {
      const j = nl.neighbors[i * nl.stride + k];
      for (let a = 0; a < 3; a++) dr[a] = sys.positions[j * 3 + a] - sys.positions[i * 3 + a];
      sys.box.minimumImage(dr);
      const r2 = dr[0] * dr[0] + dr[1] * dr[1] + dr[2] * dr[2];
      const tj = sys.types[j];
      const rc = typeof c === 'number' ? c : firstShellCutoff(c, ti, tj);
      if (r2 < rc * rc) { pos.push(dr[0], dr[1], dr[2]); nb.push(j); nbt.push(tj); }
    }
    if (nb.length < 3) throw new Error(`extractFirstShellClusters: atom id ${sys.ids[i]} has only ${nb.length} first-shell neighbours; check the cutoff`);
    out.push({
      size: nb.length, positions: Float64Array.from(pos), centre: i, id: sys.ids[i], type: ti,
      neighbours: Int32Array.from(nb), neighbourTypes: Int32Array.from(nbt),
    });
  }
  return out;
}

// ---------------------------------------------------------------- Kabsch

/** Eigen-decomposition of a symmetric 3x3 matrix by cyclic Jacobi: values descending, vectors as columns of V (row-major). */
function symmetricEigen3(A: Float64Array, values: Float64Array, V: Float64Array): void {
  const a = A.slice();
  V.fill(0); V[0] = V[4] = V[8] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5];
    if (off < 1e-30 * (a[0] * a[0] + a[4] * a[4] + a[8] * a[8]) || off === 0) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = a[p * 3 + q];
      if (apq === 0) continue;
      const tau = (a[q * 3 + q] - a[p * 3 + p]) / (2 * apq);
      const t = tau >= 0 ? 1 / (tau + Math.sqrt(1 + tau * tau)) : -1 / (-tau + Math.sqrt(1 + tau * tau));
      const cs = 1 / Math.sqrt(1 + t * t), sn = t * cs;
      for (let k = 0; k < 3; k++) {
        const akp = a[k * 3 + p], akq = a[k * 3 + q];
        a[k * 3 + p] = cs * akp - sn * akq; a[k * 3 + q] = sn * akp + cs * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p * 3 + k], aqk = a[q * 3 + k];
        a[p * 3 + k] = cs * apk - sn * aqk; a[q * 3 + k] = sn * apk + cs * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = V[k * 3 + p], vkq = V[k * 3 + q];
        V[k * 3 + p] = cs * vkp - sn * vkq; V[k * 3 + q] = sn * vkp + cs * vkq;
      }
    }
  }
  // sort descending (columns of V follow)
  const idx = [0, 1, 2].sort((x, y) => a[y * 4] - a[x * 4]);
  const W = V.slice();
  for (let c = 0; c < 3; c++) {
    values[c] = a[idx[c] * 4];
    for (let k = 0; k < 3; k++) V[k * 3 + c] = W[k * 3 + idx[c]];
  }
}

/** Any unit vector orthogonal to unit vector (x, y, z). */
function orthogonalUnit(x: number, y: number, z: number, out: Float64Array, o: number): void {
  const ax = Math.abs(x), ay = Math.abs(y), az = Math.abs(z);
  // cross with the axis least aligned with the vector
  let cx: number, cy: number, cz: number;
  if (ax <= ay && ax <= az) { cx = 0; cy = z; cz = -y; } else if (ay <= az) { cx = -z; cy = 0; cz = x; } else { cx = y; cy = -x; cz = 0; }
  const n = Math.hypot(cx, cy, cz);
  out[o] = cx / n; out[o + 1] = cy / n; out[o + 2] = cz / n;
}

/**
 * Kabsch (1976) optimal rotation: the proper rotation R (row-major 3x3,
 * det R = +1) minimising sum_i w_i |R p_i - q_i|^2 over the pairs
 * (p_{i}, q_{map[i]}) (map defaults to the identity). With H = sum p q^T =
 * U S V^T, R = V diag(1, 1, det(V U^T)) U^T: the third singular direction is
 * flipped when the best orthogonal map would be a reflection (the
 * proper-rotation check). Returns the residual sum of squares.
 */
export function kabschRotation(
  P: Float64Array, Q: Float64Array, count: number, R: Float64Array, map?: Int32Array,
): number {
  const H = new Float64Array(9);
  for (let i = 0; i < count; i++) {
    const j = map ? map[i] : i;
    const px = P[i * 3], py = P[i * 3 + 1], pz = P[i * 3 + 2];
    const qx = Q[j * 3], qy = Q[j * 3 + 1], qz = Q[j * 3 + 2];
    H[0] += px * qx; H[1] += px * qy; H[2] += px * qz;
    H[3] += py * qx; H[4] += py * qy; H[5] += py * qz;
    H[6] += pz * qx; H[7] += pz * qy; H[8] += pz * qz;
  }
  // H^T H = V S^2 V^T
  const A = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let k = 0; k < 3; k++) s += H[k * 3 + r] * H[k * 3 + c];
    A[r * 3 + c] = s;
  }
  const s2 = new Float64Array(3), V = new Float64Array(9);
  symmetricEigen3(A, s2, V);
  // U columns: u_k = H v_k / s_k, completed to a right-handed frame
  const U = new Float64Array(9);
  const Hv = (c: number, o: Float64Array, oo: number) => {
    for (let r = 0; r < 3; r++) o[oo + r] = H[r * 3] * V[c] + H[r * 3 + 1] * V[3 + c] + H[r * 3 + 2] * V[6 + c];
  };
  const u1 = new Float64Array(3), u2 = new Float64Array(3);
  Hv(0, u1, 0);
  let n1 = Math.hypot(u1[0], u1[1], u1[2]);
  if (!(n1 > 0)) { u1[0] = 1; u1[1] = 0; u1[2] = 0; n1 = 1; }
  for (let r = 0; r < 3; r++) u1[r] /= n1;
  Hv(1, u2, 0);
  const d12 = u1[0] * u2[0] + u1[1] * u2[1] + u1[2] * u2[2];
  for (let r = 0; r < 3; r++) u2[r] -= d12 * u1[r];
  const n2 = Math.hypot(u2[0], u2[1], u2[2]);
  if (n2 > 1e-12 * n1) for (let r = 0; r < 3; r++) u2[r] /= n2;
  else orthogonalUnit(u1[0], u1[1], u1[2], u2, 0);
  const u3x = u1[1] * u2[2] - u1[2] * u2[1], u3y = u1[2] * u2[0] - u1[0] * u2[2], u3z = u1[0] * u2[1] - u1[1] * u2[0];
  for (let r = 0; r < 3; r++) { U[r * 3] = u1[r]; U[r * 3 + 1] = u2[r]; }
  U[2] = u3x; U[5] = u3y; U[8] = u3z;
  // det U = +1 by construction, so R = V diag(1, 1, det V) U^T (see the doc)
  const detV = V[0] * (V[4] * V[8] - V[5] * V[7]) - V[1] * (V[3] * V[8] - V[5] * V[6]) + V[2] * (V[3] * V[7] - V[4] * V[6]);
  const dd = detV < 0 ? -1 : 1;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) {
    R[r * 3 + c] = V[r * 3] * U[c * 3] + V[r * 3 + 1] * U[c * 3 + 1] + dd * V[r * 3 + 2] * U[c * 3 + 2];
  }
  let rss = 0;
  for (let i = 0; i < count; i++) {
    const j = map ? map[i] : i;
    const px = P[i * 3], py = P[i * 3 + 1], pz = P[i * 3 + 2];
    for (let r = 0; r < 3; r++) {
      const x = R[r * 3] * px + R[r * 3 + 1] * py + R[r * 3 + 2] * pz - Q[j * 3 + r];
      rss += x * x;
    }
  }
  return rss;
}

// ---------------------------------------------------------------- alignment

export interface ClusterAlignmentOptions {
  /** 'subset' (default): match the smaller cluster into the larger; 'reject': Infinity when sizes differ */
  sizeMismatch?: 'subset' | 'reject';
  /** angle tolerance (radians) when pairing anchor atoms for starting rotations, default 0.35 */
  angleTolerance?: number;
  /** assignment-rotation iterations per start, default 30 */
  maxIterations?: number;
}

export interface ClusterAlignment {
  /** RMS misfit after scaling to unit mean radius (see the module doc) */
  readonly score: number;
  /** rotation applied to the smaller cluster (or to `a` when sizes are equal), row-major */
  readonly rotation: Float64Array;
  /** assignment[i] = atom of the other cluster matched to atom i of the rotated cluster */
  readonly assignment: Int32Array;
  /** true when `a` was the rotated (smaller or equal) cluster */
  readonly rotatedIsA: boolean;
}

/** Copy of the shell positions scaled to unit mean centre-shell distance. */
export function normalizedClusterPositions(c: ClusterShape): Float64Array {
  if (c.positions.length !== 3 * c.size) throw new Error(`cluster-alignment: a cluster of size ${c.size} has ${c.positions.length} coordinates, expected ${3 * c.size}`);
  let mean = 0;
  for (let i = 0; i < c.size; i++) mean += Math.hypot(c.positions[i * 3], c.positions[i * 3 + 1], c.positions[i * 3 + 2]);
  mean /= c.size;
  if (!(mean > 0)) throw new Error('cluster-alignment: a cluster has all its atoms at the centre');
  return Float64Array.from(c.positions, (x) => x / mean);
}

/** Reusable buffers for repeated alignments. */
class AlignWork {
  cost = new Float64Array(0);
  rotated = new Float64Array(0);
  assign = new Int32Array(0);
  prev = new Int32Array(0);
  R = new Float64Array(9);
  ws = new AssignmentWorkspace();
  ensure(m: number, M: number): void {
    if (this.cost.length < m * M) this.cost = new Float64Array(m * M);
    if (this.rotated.length < 3 * m) { this.rotated = new Float64Array(3 * m); this.assign = new Int32Array(m); this.prev = new Int32Array(m); }
  }
}

function frameOf(x: Float64Array, a: number, b: number, F: Float64Array): void {
  // orthonormal frame (columns e1, e2, e3) from atoms a, b
  const ax = x[a * 3], ay = x[a * 3 + 1], az = x[a * 3 + 2];
  const na = Math.hypot(ax, ay, az);
  const e1 = [ax / na, ay / na, az / na];
  const bx = x[b * 3], by = x[b * 3 + 1], bz = x[b * 3 + 2];
  const d = bx * e1[0] + by * e1[1] + bz * e1[2];
  let e2 = [bx - d * e1[0], by - d * e1[1], bz - d * e1[2]];
  const n2 = Math.hypot(e2[0], e2[1], e2[2]);
  if (n2 < 1e-9) { const t = new Float64Array(3); orthogonalUnit(e1[0], e1[1], e1[2], t, 0); e2 = [t[0], t[1], t[2]]; } else e2 = e2.map((v) => v / n2);
  const e3 = [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]];
  for (let r = 0; r < 3; r++) { F[r * 3] = e1[r]; F[r * 3 + 1] = e2[r]; F[r * 3 + 2] = e3[r]; }
}

function angleBetween(x: Float64Array, a: number, b: number): number {
  const dot = x[a * 3] * x[b * 3] + x[a * 3 + 1] * x[b * 3 + 1] + x[a * 3 + 2] * x[b * 3 + 2];
  const na = Math.hypot(x[a * 3], x[a * 3 + 1], x[a * 3 + 2]), nb = Math.hypot(x[b * 3], x[b * 3 + 1], x[b * 3 + 2]);
  return Math.acos(Math.max(-1, Math.min(1, dot / (na * nb))));
}

/**
 * Best alignment of normalised positions S (m atoms) into L (M >= m atoms):
 * minimum over starts of the assignment-rotation iteration; returns the
 * residual sum of squares and leaves the best R / assignment in `best`.
 */
function alignNormalized(
  S: Float64Array, m: number, L: Float64Array, M: number, tol: number, maxIt: number, w: AlignWork,
  best: { R: Float64Array; assign: Int32Array },
): number {
  w.ensure(m, M);
  // anchors: atom 0 and the atom whose angle with it is closest to 90 degrees
  const a0 = 0;
  let b0 = 1, bestDev = Infinity;
  for (let j = 1; j < m; j++) {
    const dev = Math.abs(angleBetween(S, a0, j) - Math.PI / 2);
    if (dev < bestDev) { bestDev = dev; b0 = j; }
  }
  const theta = angleBetween(S, a0, b0);
  const FS = new Float64Array(9), FL = new Float64Array(9);
  frameOf(S, a0, b0, FS);
  let bestRss = Infinity;
  const { R, cost, rotated, assign, prev } = w;
  for (let la = 0; la < M; la++) {
    for (let lb = 0; lb < M; lb++) {
      if (la === lb || Math.abs(angleBetween(L, la, lb) - theta) > tol) continue;
      frameOf(L, la, lb, FL);
      // R0 = FL FS^T maps the anchor frame of S onto that of L
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) {
        R[r * 3 + c] = FL[r * 3] * FS[c * 3] + FL[r * 3 + 1] * FS[c * 3 + 1] + FL[r * 3 + 2] * FS[c * 3 + 2];
      }
      prev.fill(-1, 0, m);
      let rss = Infinity;
      for (let it = 0; it < maxIt; it++) {
        for (let i = 0; i < m; i++) {
          const x = S[i * 3], y = S[i * 3 + 1], z = S[i * 3 + 2];
          for (let r = 0; r < 3; r++) rotated[i * 3 + r] = R[r * 3] * x + R[r * 3 + 1] * y + R[r * 3 + 2] * z;
        }
        for (let i = 0; i < m; i++) {
          const x = rotated[i * 3], y = rotated[i * 3 + 1], z = rotated[i * 3 + 2];
          for (let j = 0; j < M; j++) {
            const dx = x - L[j * 3], dy = y - L[j * 3 + 1], dz = z - L[j * 3 + 2];
            cost[i * M + j] = dx * dx + dy * dy + dz * dz;
          }
        }
        minCostAssignment(cost, m, M, assign, w.ws);
        let same = true;
        for (let i = 0; i < m; i++) if (assign[i] !== prev[i]) { same = false; break; }
        if (same) break;
        prev.set(assign.subarray(0, m));
        rss = kabschRotation(S, L, m, R, assign);
      }
      if (rss < bestRss) {
        bestRss = rss;
        best.R.set(R);
        best.assign.set(prev.subarray(0, m));
      }
    }
  }
  if (bestRss === Infinity) {
    // no anchor pair within tolerance (very dissimilar angles): plain Kabsch on the nearest-angle pair
    return alignNormalized(S, m, L, M, Math.PI, maxIt, w, best);
  }
  return bestRss;
}

const sharedWork = new AlignWork();

/** Align two clusters (see the module doc for the score and the choices). */
export function alignClusters(a: ClusterShape, b: ClusterShape, opts: ClusterAlignmentOptions = {}): ClusterAlignment {
  const mismatch = opts.sizeMismatch ?? 'subset';
  if (mismatch !== 'subset' && mismatch !== 'reject') throw new Error(`alignClusters: option sizeMismatch must be 'subset' or 'reject', got '${String(mismatch)}'`);
  if (a.size < 2 || b.size < 2) throw new Error(`alignClusters: clusters need at least 2 shell atoms, got ${a.size} and ${b.size}`);
  if (a.size !== b.size && mismatch === 'reject') {
    return { score: Infinity, rotation: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), assignment: new Int32Array(0), rotatedIsA: a.size <= b.size };
  }
  const rotatedIsA = a.size <= b.size;
  const small = rotatedIsA ? a : b, large = rotatedIsA ? b : a;
  const S = normalizedClusterPositions(small), L = normalizedClusterPositions(large);
  const best = { R: new Float64Array(9), assign: new Int32Array(small.size) };
  const rss = alignNormalized(S, small.size, L, large.size, opts.angleTolerance ?? 0.35, opts.maxIterations ?? 30, sharedWork, best);
  return { score: Math.sqrt(Math.max(0, rss) / small.size), rotation: best.R, assignment: best.assign, rotatedIsA };
}

export interface SimilarityOptions extends ClusterAlignmentOptions {
  onProgress?: (p: { done: number; total: number }) => void;
  /** wall time between yields to the event loop (ms, default 50) */
  yieldEveryMs?: number;
  signal?: AbortSignal;
}

/** Symmetric matrix of pairwise alignment scores, flat n x n (diagonal 0). */
export async function clusterSimilarityMatrix(clusters: readonly ClusterShape[], opts: SimilarityOptions = {}): Promise<Float64Array> {
  const n = clusters.length;
  const S = new Float64Array(n * n);
  const total = (n * (n - 1)) / 2;
  let done = 0, last = performance.now();
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = alignClusters(clusters[i], clusters[j], opts).score;
      S[i * n + j] = s; S[j * n + i] = s;
      done++;
      const now = performance.now();
      if (now - last >= (opts.yieldEveryMs ?? 50)) {
        if (stopRequested(opts.signal)) throw new Error(`clusterSimilarityMatrix: aborted after ${done} of ${total} pairs`);
        opts.onProgress?.({ done, total });
        await yieldToHost();
        last = performance.now();
      }
    }
  }
  opts.onProgress?.({ done: total, total });
  return S;
}

// ---------------------------------------------------------------- templates

export type ClusterTemplateName = 'icosahedron' | 'fcc' | 'hcp' | 'bcc' | 'bicapped-square-antiprism' | 'tricapped-trigonal-prism';

/** All built-in template names. */
export const CLUSTER_TEMPLATE_NAMES: readonly ClusterTemplateName[] = ['icosahedron', 'fcc', 'hcp', 'bcc', 'bicapped-square-antiprism', 'tricapped-trigonal-prism'];

/**
 * Ideal first-shell templates (shell positions, centre at the origin):
 * icosahedron (12), FCC cuboctahedron (12), HCP anticuboctahedron (12), BCC
 * first + second shell (8 + 6 = 14, as usual in cluster alignment), the
 * bicapped square antiprism (10, Voronoi <0,2,8>) and the tricapped trigonal
 * prism (9, <0,3,6>), the two B-centred motifs reported for Kob-Andersen and
 * metal-metalloid glasses (all edges of the prism equal, caps at the vertex
 * distance). A rapidly quenched KA glass (N = 1000) has B-centred shells of
 * 7-9 atoms with the first-minimum radii (measured). The dominant SRO of a sample is data, not a fixed
 * template: take it from `cliqueAnalysis` (./cliques.ts) and align to that
 * cluster directly.
 */
export function clusterTemplate(name: ClusterTemplateName): ClusterShape {
  const p: number[] = [];
  switch (name) {
    case 'icosahedron': {
      const g = (1 + Math.sqrt(5)) / 2;
      for (const s1 of [-1, 1]) for (const s2 of [-1, 1]) p.push(0, s1, s2 * g, s1, s2 * g, 0, s2 * g, 0, s1);
      break;
    }
    case 'fcc':
      for (const s1 of [-1, 1]) for (const s2 of [-1, 1]) p.push(s1, s2, 0, s1, 0, s2, 0, s1, s2);
      break;
    case 'hcp': {
      const c = Math.sqrt(2 / 3);
      for (let k = 0; k < 6; k++) p.push(Math.cos((k * Math.PI) / 3), Math.sin((k * Math.PI) / 3), 0);
      for (const z of [c, -c]) {
        for (let k = 0; k < 3; k++) {
          const phi = Math.PI / 6 + (2 * k * Math.PI) / 3;
          p.push(Math.cos(phi) / Math.sqrt(3), Math.sin(phi) / Math.sqrt(3), z);
        }
      }
      break;
    }
    case 'bcc':
      for (const sx of [-1, 1]) for (const sy of [-1, 1]) for (const sz of [-1, 1]) p.push(sx, sy, sz);
      for (const s of [-2, 2]) p.push(s, 0, 0, 0, s, 0, 0, 0, s);
      break;
    case 'bicapped-square-antiprism': {
      // unit-radius squares, all antiprism edges equal: half-height h = 2^(1/4)/2; caps at h + 1
      const h = 2 ** 0.25 / 2;
      for (let k = 0; k < 4; k++) p.push(Math.cos((k * Math.PI) / 2), Math.sin((k * Math.PI) / 2), h);
      for (let k = 0; k < 4; k++) p.push(Math.cos(((2 * k + 1) * Math.PI) / 4), Math.sin(((2 * k + 1) * Math.PI) / 4), -h);
      p.push(0, 0, h + 1, 0, 0, -h - 1);
      break;
    }
    case 'tricapped-trigonal-prism': {
      // prism vertices at unit distance with vertical edge = triangle edge: rho = 2/sqrt7, h = rho sqrt3 / 2
      const rho = 2 / Math.sqrt(7), h = (rho * Math.sqrt(3)) / 2;
      for (const z of [h, -h]) for (let k = 0; k < 3; k++) p.push(rho * Math.cos((2 * k * Math.PI) / 3), rho * Math.sin((2 * k * Math.PI) / 3), z);
      for (let k = 0; k < 3; k++) p.push(Math.cos(((2 * k + 1) * Math.PI) / 3), Math.sin(((2 * k + 1) * Math.PI) / 3), 0);
      break;
    }
    default:
      throw new Error(`clusterTemplate: unknown template '${String(name)}'; use one of ${CLUSTER_TEMPLATE_NAMES.join(', ')}`);
  }
  return { size: p.length / 3, positions: Float64Array.from(p) };
}

export interface TemplateScores {
  /** template names in row order */
  readonly templates: readonly string[];
  /** number of clusters */
  readonly clusters: number;
  /** score of cluster c against template t, [t * clusters + c] */
  readonly scores: Float64Array;
}

/** Alignment scores of every cluster against every template (Fig. 5b distributions). */
export async function alignToTemplates(
  clusters: readonly ClusterShape[], templates: Readonly<Record<string, ClusterShape>>, opts: SimilarityOptions = {},
): Promise<TemplateScores> {
  const names = Object.keys(templates);
  const nc = clusters.length, total = names.length * nc;
  const scores = new Float64Array(total);
  let last = performance.now();
  for (let t = 0; t < names.length; t++) {
    for (let c = 0; c < nc; c++) {
      scores[t * nc + c] = alignClusters(clusters[c], templates[names[t]], opts).score;
      if (performance.now() - last >= (opts.yieldEveryMs ?? 50)) {
        if (stopRequested(opts.signal)) throw new Error('alignToTemplates: aborted');
        opts.onProgress?.({ done: t * nc + c + 1, total });
        await yieldToHost();
        last = performance.now();
      }
    }
  }
  opts.onProgress?.({ done: total, total });
  return { templates: names, clusters: nc, scores };
}

/** Fraction of clusters whose score against each template is below `cutoff` (Fan et al.: 0.10), by template name. */
export function templateMatchFractions(s: TemplateScores, cutoff: number): Record<string, number> {
  const out: Record<string, number> = {};
  s.templates.forEach((name, t) => {
    let k = 0;
    for (let c = 0; c < s.clusters; c++) if (s.scores[t * s.clusters + c] < cutoff) k++;
    out[name] = s.clusters > 0 ? k / s.clusters : NaN;
  });
  return out;
}
