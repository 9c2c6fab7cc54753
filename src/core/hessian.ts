/**
 * Sparse Hessian (dynamical matrix) H = d^2 E / dx dx of a pair or EAM
 * potential, assembled analytically.
 *
 * Pair term phi(r), r_ij = r_i - r_j, unit vector e = r_ij / r:
 *   K_ij = phi''(r) e e^T + (phi'(r) / r) (I - e e^T)
 *   H_ij = -K_ij (i != j),   H_ii = sum_{j != i} K_ij  (= minus the row sum)
 *
 * EAM, E = sum_i F_i(rho_i) + 1/2 sum_{i != j} phi_ij, rho_i = sum_j f_{j->i}(r_ij):
 *   H = sum_i [F''_i (grad rho_i)(grad rho_i)^T + F'_i Hess(rho_i)] + pair part.
 * - F'_i Hess(rho_i) is pair-shaped: per pair use the effective radial function
 *     psi_ij(r) = phi_ij(r) + F'_i f_{j->i}(r) + F'_j f_{i->j}(r)
 *   in K_ij above (psi', psi'').
 * - F''_i (grad rho_i)(grad rho_i)^T couples every two atoms a, b of the set
 *   {i} + neighbours(i): with u_ij = d rho_i / d x_j = -f'_{j->i}(r_ij) e_ij
 *   (j != i) and u_ii = -sum_j u_ij,
 *     H_ab += F''_i u_ia u_ib^T,
 *   which connects second neighbours (a, b both neighbours of i). See e.g.
 *   Daw, Foiles & Baskes, Mater. Sci. Rep. 9, 251 (1993), and the LAMMPS
 *   `dynamical_matrix` package for the same terms by finite differences.
 *
 * Storage: block CSR with dim x dim blocks, full symmetric storage (both
 * (i, j) and (j, i) blocks present), columns sorted within each block row,
 * diagonal block always present:
 *   block row i holds blocks b = rowPtr[i] .. rowPtr[i+1]-1,
 *   colIdx[b] = j,  values[b*dim*dim + alpha*dim + beta] = H_{(i,alpha),(j,beta)}.
 * With `massWeighted` the blocks are divided by sqrt(m_i m_j) (dynamical
 * matrix D; its eigenvalues are omega^2 with omega the angular frequency).
 * Units: energy / length^2 (mass weighted: energy / (length^2 mass)).
 *
 * `factoredHessian` returns the same matrix unassembled, as its per-pair
 * terms K_ij and per-atom terms F''_i (grad rho_i)(grad rho_i)^T
 * (linalg/factored-hessian.ts): no second-neighbour blocks, for products
 * only (Lanczos, KPM). CuZr_mm, N = 4000: 12 MB and ~40 ms against 186 MB
 * and ~1.3 s assembled, whose fresh cost is mostly the first touch of the
 * block values (bench/eam-hessian.ts, bench/RESULTS.md).
 */
import type { System } from '../system/system.ts';
import { buildNeighborList } from '../neighbor/neighbor-list.ts';
import type { NeighborList } from '../neighbor/types.ts';
import { cellGeometry, pairDelta, wrappedFractional } from '../neighbor/cell-geometry.ts';
import type { EamPotential, Potential } from '../potential/types.ts';
import { accumulateDensities } from './forces-f64.ts';
import { checkConfiguration } from './check-configuration.ts';
import type { SparseHessian } from '../linalg/block-sparse.ts';
import type { FactoredHessian } from '../linalg/factored-hessian.ts';

export { blockIndex, hessianMatVec, hessianPairs, toDense, type HessianBlock, type HessianOperator, type SparseHessian } from '../linalg/block-sparse.ts';
export type { FactoredHessian } from '../linalg/factored-hessian.ts';


export interface HessianOptions {
  /** divide block (i, j) by sqrt(m_i m_j) (the dynamical matrix); default false */
  massWeighted?: boolean;
  /**
   * Half neighbour list to use (cutoff >= the potential's maxCutoff, valid for
   * these positions); default: built here with zero skin.
   */
  neighborList?: NeighborList;
  /**
   * A Hessian from an earlier call that the caller no longer needs (AQS
   * steps, repeated analyses): its value storage is reused when it is large
   * enough, and overwritten, and its sparsity pattern (shared with the new
   * Hessian) when the interacting pairs are the same. Saves the first touch
   * of fresh memory, which dominates an EAM assembly on these VMs (~0.55 s
   * CPU for the 186 MB of CuZr N = 4000, measured; bench/eam-hessian.ts).
   */
  reuse?: SparseHessian;
}

/** Interacting pairs (r < maxCutoff) with their displacement r_i - r_j and distance. */
interface PairSet {
  count: number;
  i: Int32Array;
  j: Int32Array;
  /** displacement r_i - r_j, stride 3 (z = 0 in 2D) */
  d: Float64Array;
  r: Float64Array;
}

/** Assemble the sparse Hessian of `pot` at the configuration `sys` (see the module doc). */
export function assembleHessian(sys: System, pot: Potential, opts: HessianOptions = {}): SparseHessian {
  checkConfiguration(sys, pot);
  const nl = halfList(sys, pot, opts.neighborList, 'assembleHessian');
  const pairs = interactingPairs(sys, nl, pot.maxCutoff);
  const adj = adjacency(sys.n, pairs);
  const eam = pot.kind === 'eam';
  const pattern = reusablePattern(opts.reuse, adj, eam) ?? (eam ? secondNeighbourPattern(sys.n, adj) : firstNeighbourPattern(sys.n, adj));
  builtFrom.set(pattern.colIdx, { adj, eam });
  const dim = sys.dim;
  const H: SparseHessian = {
    n: sys.n, dim, rowPtr: pattern.rowPtr, colIdx: pattern.colIdx,
    values: valueStorage(pattern.colIdx.length * dim * dim, opts.reuse), massWeighted: opts.massWeighted === true,
  };
  const radial = eam ? eamRadial(sys, pot, nl, pairs) : pairRadial(sys, pot, pairs);
  assembleRows(sys, pairs, adj, radial, eam ? embeddingCurvature(sys.n, pairs, adj, radial) : null, H);
  return H;
}

export interface FactoredHessianOptions {
  /** the dynamical matrix M^-1/2 H M^-1/2; default false */
  massWeighted?: boolean;
  /** half neighbour list, as for assembleHessian */
  neighborList?: NeighborList;
}

/**
 * The Hessian of `pot` at `sys` as its pair and embedding terms
 * (linalg/factored-hessian.ts), not assembled: the same matrix as
 * assembleHessian for everything that needs only products H x (Lanczos,
 * KPM). No sparsity pattern and no second-neighbour blocks: CuZr_mm at
 * N = 4000 takes 12 MB instead of 186 MB (bench/eam-hessian.ts).
 */
export function factoredHessian(sys: System, pot: Potential, opts: FactoredHessianOptions = {}): FactoredHessian {
  checkConfiguration(sys, pot);
  const nl = halfList(sys, pot, opts.neighborList, 'factoredHessian');
  const ps = interactingPairs(sys, nl, pot.maxCutoff);
  const rad = pot.kind === 'eam' ? eamRadial(sys, pot, nl, ps) : pairRadial(sys, pot, ps);
  const kB = rad.kB;
  for (let p = 0; p < ps.count; p++) kB[p] /= ps.r[p] * ps.r[p]; // kB e e^T = (kB / r^2) d d^T
  const massWeighted = opts.massWeighted === true;
  return {
    kind: 'factored', n: sys.n, dim: sys.dim, massWeighted, count: ps.count, i: ps.i, j: ps.j, d: ps.d, kA: rad.kA, kB,
    embedding: rad.fpp ? { fi: rad.fi!, fj: rad.fj!, curvature: rad.fpp } : null,
    invSqrtMass: massWeighted ? sys.masses.map((m) => 1 / Math.sqrt(m)) : null,
  };
}

/** The caller's half list after checks, or one built here with zero skin. */
function halfList(sys: System, pot: Potential, given: NeighborList | undefined, where: string): NeighborList {
  const nl = given ?? buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0, kind: 'half' });
  if (nl.kind !== 'half') throw new Error(`${where}: option neighborList must be a 'half' list, got '${nl.kind}'`);
  if (nl.cutoff + nl.skin < pot.maxCutoff) throw new Error(`${where}: neighbour list radius ${nl.cutoff + nl.skin} is below the potential cutoff ${pot.maxCutoff}`);
  return nl;
}

/** The adjacency (interacting pairs) each pattern was built from, by its colIdx array. */
const builtFrom = new WeakMap<Int32Array, { adj: Adjacency; eam: boolean }>();

/**
 * The pattern of `reuse` when it was built here from the same interacting
 * pairs (same sorted adjacency) and kind of potential, else null.
 */
function reusablePattern(reuse: SparseHessian | undefined, adj: Adjacency, eam: boolean): Pattern | null {
  const from = reuse ? builtFrom.get(reuse.colIdx) : undefined;
  if (!reuse || !from || from.eam !== eam || !sameInts(from.adj.ptr, adj.ptr) || !sameInts(from.adj.nb, adj.nb)) return null;
  return { rowPtr: reuse.rowPtr, colIdx: reuse.colIdx };
}

function sameInts(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** Zeroed storage for `len` values: a view of `reuse`'s buffer when it is large enough, else fresh. */
function valueStorage(len: number, reuse: SparseHessian | undefined): Float64Array {
  const buf = reuse?.values.buffer;
  if (!buf || buf.byteLength < 8 * len) return new Float64Array(len);
  return new Float64Array(buf, 0, len).fill(0);
}

function interactingPairs(sys: System, nl: NeighborList, cutoff: number): PairSet {
  const g = cellGeometry(sys.box);
  const s = wrappedFractional(sys, undefined, 'assembleHessian');
  let total = 0;
  for (let i = 0; i < nl.n; i++) total += nl.counts[i];
  const ps: PairSet = { count: 0, i: new Int32Array(total), j: new Int32Array(total), d: new Float64Array(3 * total), r: new Float64Array(total) };
  const v = new Float64Array(3);
  const c2 = cutoff * cutoff;
  for (let i = 0; i < nl.n; i++) {
    for (let k = 0; k < nl.counts[i]; k++) {
      const j = nl.neighbors[i * nl.stride + k];
      pairDelta(g, s, i, j, v);
      const r2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
      if (r2 >= c2) continue;
      const p = ps.count++;
      ps.i[p] = i; ps.j[p] = j;
      ps.d[3 * p] = v[0]; ps.d[3 * p + 1] = v[1]; ps.d[3 * p + 2] = v[2];
      ps.r[p] = Math.sqrt(r2);
    }
  }
  return ps;
}

/**
 * Full adjacency in CSR form, rows sorted by neighbour index. Entry e of
 * atom a: neighbour nb[e], pair index pair[e], sign +1 if a is the pair's i
 * (so e_a,nb = sign d_p / r_p), and mirror[e] = the entry of nb that points
 * back to a.
 */
interface Adjacency { ptr: Int32Array; nb: Int32Array; pair: Int32Array; sign: Int8Array; mirror: Int32Array }

function adjacency(n: number, ps: PairSet): Adjacency {
  const ptr = new Int32Array(n + 1);
  for (let p = 0; p < ps.count; p++) { ptr[ps.i[p] + 1]++; ptr[ps.j[p] + 1]++; }
  for (let a = 0; a < n; a++) ptr[a + 1] += ptr[a];
  let fill = ptr.slice(0, n);
  const m = 2 * ps.count;
  const nb0 = new Int32Array(m), pair0 = new Int32Array(m), sign0 = new Int8Array(m), mirror0 = new Int32Array(m);
  for (let p = 0; p < ps.count; p++) {
    const i = ps.i[p], j = ps.j[p];
    const e = fill[i]++, f = fill[j]++;
    nb0[e] = j; pair0[e] = p; sign0[e] = 1; mirror0[e] = f;
    nb0[f] = i; pair0[f] = p; sign0[f] = -1; mirror0[f] = e;
  }
  // sort every row by neighbour index, for any list: visiting rows x in
  // ascending order, entry e (x -> y) is placed in row y as the entry y -> x
  // (it stands for the old entry mirror0[e]); rows fill in ascending x
  fill = ptr.slice(0, n);
  const nb = new Int32Array(m), pair = new Int32Array(m), sign = new Int8Array(m), mirror = new Int32Array(m), T = new Int32Array(m);
  for (let x = 0; x < n; x++) {
    for (let e = ptr[x]; e < ptr[x + 1]; e++) {
      const q = fill[nb0[e]]++;
      nb[q] = x; pair[q] = pair0[e]; sign[q] = -sign0[e]; T[e] = q;
    }
  }
  for (let e = 0; e < m; e++) mirror[T[e]] = T[mirror0[e]];
  return { ptr, nb, pair, sign, mirror };
}

interface Pattern { rowPtr: Int32Array; colIdx: Int32Array }

/** Row a: {a} + neighbours(a), sorted. */
function firstNeighbourPattern(n: number, adj: Adjacency): Pattern {
  const rowPtr = new Int32Array(n + 1);
  for (let a = 0; a < n; a++) rowPtr[a + 1] = rowPtr[a] + 1 + adj.ptr[a + 1] - adj.ptr[a];
  const colIdx = new Int32Array(rowPtr[n]);
  for (let a = 0; a < n; a++) {
    let o = rowPtr[a];
    colIdx[o++] = a;
    for (let e = adj.ptr[a]; e < adj.ptr[a + 1]; e++) colIdx[o++] = adj.nb[e];
    colIdx.subarray(rowPtr[a], rowPtr[a + 1]).sort();
  }
  return { rowPtr, colIdx };
}

/**
 * Row a: {a} + neighbours(a) + neighbours of neighbours(a), sorted, unique.
 * The pattern is symmetric: first the columns c >= a of every row (the
 * adjacency rows are sorted and the entry b -> a is mirror[e], so the
 * c >= a of nb(b) are those from it on), set as bits of an n-bit set and
 * read back in ascending order (no sort); then the columns below the
 * diagonal by transposition.
 */
function secondNeighbourPattern(n: number, adj: Adjacency): Pattern {
  const bits = new Int32Array((n + 31) >> 5);
  const { ptr, nb, mirror } = adj;
  const upPtr = new Int32Array(n + 1);
  let up = new Int32Array(Math.max(16, 4 * nb.length)); // pages past the end are never touched
  let o = 0;
  for (let a = 0; a < n; a++) {
    if (o + n > up.length) {
      const grown = new Int32Array(Math.max(2 * up.length, o + n));
      grown.set(up.subarray(0, o));
      up = grown;
    }
    let lo = a >> 5, hi = lo;
    bits[lo] |= 1 << (a & 31);
    for (let e = ptr[a]; e < ptr[a + 1]; e++) {
      const b = nb[e];
      for (let f = b > a ? mirror[e] : mirror[e] + 1; f < ptr[b + 1]; f++) {
        const c = f === mirror[e] ? b : nb[f], w = c >> 5; // f === mirror[e] stands for b itself
        bits[w] |= 1 << (c & 31);
        if (w > hi) hi = w;
      }
    }
    for (let w = lo; w <= hi; w++) {
      let word = bits[w];
      if (word === 0) continue;
      bits[w] = 0;
      const base = w << 5;
      while (word !== 0) {
        const low = word & -word;
        up[o++] = base + 31 - Math.clz32(low);
        word ^= low;
      }
    }
    upPtr[a + 1] = o;
  }
  return withLowerHalf(n, upPtr, up);
}

/**
 * The symmetric pattern from its upper part (row a: sorted columns >= a,
 * diagonal included): row a = the rows b < a whose upper part holds a (met
 * in ascending b) followed by its own upper part.
 */
function withLowerHalf(n: number, upPtr: Int32Array, up: Int32Array): Pattern {
  const low = new Int32Array(n);
  for (let a = 0; a < n; a++) for (let k = upPtr[a] + 1; k < upPtr[a + 1]; k++) low[up[k]]++;
  const rowPtr = new Int32Array(n + 1);
  for (let a = 0; a < n; a++) rowPtr[a + 1] = rowPtr[a] + low[a] + upPtr[a + 1] - upPtr[a];
  const colIdx = new Int32Array(rowPtr[n]);
  const cursor = rowPtr.slice(0, n);
  for (let a = 0; a < n; a++) {
    for (let k = upPtr[a] + 1; k < upPtr[a + 1]; k++) colIdx[cursor[up[k]]++] = a;
    colIdx.set(up.subarray(upPtr[a], upPtr[a + 1]), rowPtr[a] + low[a]);
  }
  return { rowPtr, colIdx };
}

/**
 * Per interacting pair p, the pair-shaped block K_p = kA[p] I + kB[p] e e^T
 * (module doc: kA = psi'/r, kB = psi'' - psi'/r), and for EAM F''_i per atom.
 */
interface PairRadial {
  kA: Float64Array;
  kB: Float64Array;
  /** EAM: F''_i per atom, and per pair fi = f'_{j->i}(r)/r, fj = f'_{i->j}(r)/r (so d rho_i / d x_j = -fi d_p) */
  fpp: Float64Array | null;
  fi: Float64Array | null;
  fj: Float64Array | null;
}

function pairRadial(sys: System, pot: Potential & { kind: 'pair' }, ps: PairSet): PairRadial {
  const kA = new Float64Array(ps.count), kB = new Float64Array(ps.count), out = new Float64Array(4), types = sys.types;
  for (let p = 0; p < ps.count; p++) {
    const r = ps.r[p];
    pot.radial(types[ps.i[p]], types[ps.j[p]], r, out);
    kA[p] = out[1] / r;
    kB[p] = out[2] - kA[p];
  }
  return { kA, kB, fpp: null, fi: null, fj: null };
}

/** EAM: densities, F' and F'', and the effective pair function psi_ij = phi_ij + F'_i f_{j->i} + F'_j f_{i->j} per pair. */
function eamRadial(sys: System, pot: EamPotential, nl: NeighborList, ps: PairSet): PairRadial {
  const n = sys.n, types = sys.types;
  const tmp = new Float64Array(4);
  const rho = new Float64Array(n);
  accumulateDensities(sys, pot, nl, cellGeometry(sys.box), wrappedFractional(sys, undefined, 'assembleHessian'), rho, tmp);
  const fp = new Float64Array(n), fpp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    pot.embed(types[i], rho[i], tmp);
    fp[i] = tmp[1];
    fpp[i] = tmp[2];
  }
  const a = new Float64Array(4), b = new Float64Array(4), c = new Float64Array(4);
  const kA = new Float64Array(ps.count), kB = new Float64Array(ps.count), fi = new Float64Array(ps.count), fj = new Float64Array(ps.count);
  for (let p = 0; p < ps.count; p++) {
    const i = ps.i[p], j = ps.j[p], r = ps.r[p], ti = types[i], tj = types[j];
    pot.pair(ti, tj, r, a);
    pot.density(ti, tj, r, b); // f_{j->i}
    pot.density(tj, ti, r, c); // f_{i->j}
    const d1 = a[1] + fp[i] * b[1] + fp[j] * c[1];
    const d2 = a[2] + fp[i] * b[2] + fp[j] * c[2];
    kA[p] = d1 / r;
    kB[p] = d2 - kA[p];
    fi[p] = b[1] / r;
    fj[p] = c[1] / r;
  }
  return { kA, kB, fpp, fi, fj };
}

/**
 * The gradients of the densities (module doc): U[e] = u_{a, nb[e]} =
 * d rho_a / d x_nb for entry e of atom a, uSelf[a] = u_aa = -sum_e U[e]
 * (stride 3), and F''_a.
 */
interface Curvature { U: Float64Array; uSelf: Float64Array; fpp: Float64Array }

function embeddingCurvature(n: number, ps: PairSet, adj: Adjacency, rad: PairRadial): Curvature {
  const fi = rad.fi!, fj = rad.fj!;
  const U = new Float64Array(3 * adj.nb.length);
  const uSelf = new Float64Array(3 * n);
  for (let a = 0; a < n; a++) {
    for (let e = adj.ptr[a]; e < adj.ptr[a + 1]; e++) {
      const p = adj.pair[e];
      const s = adj.sign[e] > 0 ? -fi[p] : fj[p]; // -f'_{nb -> a}(r) sign / r
      for (let x = 0; x < 3; x++) {
        const v = s * ps.d[3 * p + x];
        U[3 * e + x] = v;
        uSelf[3 * a + x] -= v;
      }
    }
  }
  return { U, uSelf, fpp: rad.fpp! };
}

/**
 * Fill H block row by block row, each row through a scatter map col -> block
 * index (no searches, each row written while it is in cache), the blocks
 * (a, b >= a) only:
 * - pair-shaped terms: for every neighbour j of a, K_aj to (a, a) and, for
 *   j > a, -K_aj to (a, j);
 * - EAM embedding curvature, sum_i F''_i u_ia u_ib^T over i in {a} + nb(a)
 *   and b >= a in {i} + nb(i) (module doc). The rows of the adjacency are
 *   sorted, so the b >= a of nb(i) are the entries from mirror (the entry
 *   i -> a) on: half the work of the full rows;
 * - mass weights 1/sqrt(m_a m_b) when asked.
 * The blocks (a, b < a) are the transposes of the final (b, a) (`mirrorInto`).
 */
function assembleRows(sys: System, ps: PairSet, adj: Adjacency, rad: PairRadial, cur: Curvature | null, H: SparseHessian): void {
  const n = sys.n, dim = H.dim, dd = dim * dim, val = H.values, { rowPtr, colIdx } = H;
  const { ptr, nb, pair, mirror } = adj, { kA, kB } = rad, d = ps.d, r = ps.r;
  const where = new Int32Array(n).fill(-1);
  const isq = H.massWeighted ? sys.masses.map((m) => 1 / Math.sqrt(m)) : null;
  const cursor = new Int32Array(n); // next block of row b above the diagonal to mirror into its row
  for (let a = 0; a < n; a++) {
    const first = upperStart(H, a);
    cursor[a] = first + 1;
    mirrorInto(H, a, first, cursor);
    for (let bk = first; bk < rowPtr[a + 1]; bk++) where[colIdx[bk]] = bk;
    const oaa = where[a] * dd;
    for (let e = ptr[a]; e < ptr[a + 1]; e++) {
      const p = pair[e], A = kA[p], B = kB[p];
      if (A === 0 && B === 0) continue;
      const ir = 1 / r[p];
      const ex = d[3 * p] * ir, ey = d[3 * p + 1] * ir, ez = d[3 * p + 2] * ir;
      const j = nb[e], oaj = j > a ? where[j] * dd : -1;
      if (dim === 3) {
        const kxx = B * ex * ex + A, kyy = B * ey * ey + A, kzz = B * ez * ez + A;
        const kxy = B * ex * ey, kxz = B * ex * ez, kyz = B * ey * ez;
        val[oaa] += kxx; val[oaa + 1] += kxy; val[oaa + 2] += kxz;
        val[oaa + 3] += kxy; val[oaa + 4] += kyy; val[oaa + 5] += kyz;
        val[oaa + 6] += kxz; val[oaa + 7] += kyz; val[oaa + 8] += kzz;
        if (oaj < 0) continue;
        val[oaj] -= kxx; val[oaj + 1] -= kxy; val[oaj + 2] -= kxz;
        val[oaj + 3] -= kxy; val[oaj + 4] -= kyy; val[oaj + 5] -= kyz;
        val[oaj + 6] -= kxz; val[oaj + 7] -= kyz; val[oaj + 8] -= kzz;
      } else {
        const kxx = B * ex * ex + A, kyy = B * ey * ey + A, kxy = B * ex * ey;
        val[oaa] += kxx; val[oaa + 1] += kxy; val[oaa + 2] += kxy; val[oaa + 3] += kyy;
        if (oaj < 0) continue;
        val[oaj] -= kxx; val[oaj + 1] -= kxy; val[oaj + 2] -= kxy; val[oaj + 3] -= kyy;
      }
    }
    if (cur) {
      const { U, uSelf, fpp } = cur;
      // i = a: w = u_aa, b in {a} + (nb(a) beyond a)
      let f2 = fpp[a];
      if (f2 !== 0) {
        const w0 = f2 * uSelf[3 * a], w1 = f2 * uSelf[3 * a + 1], w2 = f2 * uSelf[3 * a + 2];
        addOuterBlock(val, oaa, dim, w0, w1, w2, uSelf, 3 * a);
        let g0 = ptr[a + 1];
        while (g0 > ptr[a] && nb[g0 - 1] > a) g0--;
        addOuterRun(val, where, nb, U, g0, ptr[a + 1], dim, w0, w1, w2);
      }
      // every neighbour i of a: w = u_ia = U[mirror[e]], b in ({i} if i > a) + (nb(i) from a on)
      for (let e = ptr[a]; e < ptr[a + 1]; e++) {
        const i = nb[e], m = mirror[e];
        f2 = fpp[i];
        if (f2 === 0) continue;
        const w0 = f2 * U[3 * m], w1 = f2 * U[3 * m + 1], w2 = f2 * U[3 * m + 2];
        if (i > a) addOuterBlock(val, where[i] * dd, dim, w0, w1, w2, uSelf, 3 * i);
        addOuterRun(val, where, nb, U, m, ptr[i + 1], dim, w0, w1, w2);
      }
    }
    for (let bk = first; bk < rowPtr[a + 1]; bk++) {
      const c = colIdx[bk];
      where[c] = -1;
      if (isq) {
        const w = isq[a] * isq[c];
        for (let q = bk * dd; q < (bk + 1) * dd; q++) val[q] *= w;
      }
    }
  }
}

/** First block of row a with column >= a (the diagonal; columns are sorted). */
function upperStart(H: SparseHessian, a: number): number {
  let lo = H.rowPtr[a], hi = H.rowPtr[a + 1];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (H.colIdx[mid] < a) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * Blocks (a, b < a) of row a: H_(a,b) = H_(b,a)^T, from rows b < a, already
 * final. Row a meets its columns b in ascending order and every row b is met
 * by its columns a in ascending order, so a cursor per row b (its next block
 * above the diagonal) finds them without searching.
 */
function mirrorInto(H: SparseHessian, a: number, first: number, cursor: Int32Array): void {
  const { dim, rowPtr, colIdx, values: val } = H, dd = dim * dim;
  for (let bk = rowPtr[a]; bk < first; bk++) {
    const b = colIdx[bk], t = cursor[b]++;
    if (colIdx[t] !== a) throw new Error(`assembleHessian: the sparsity pattern is not symmetric (block (${b}, ${a}) missing)`);
    const src = t * dd, dst = bk * dd;
    for (let x = 0; x < dim; x++) for (let y = 0; y < dim; y++) val[dst + x * dim + y] = val[src + y * dim + x];
  }
}

/**
 * For the adjacency entries g0 .. g1-1 (neighbour nb[g], gradient U[3g ..]):
 * block where[nb[g]] += w U_g^T (the inner loop of the embedding curvature,
 * written out for 3D).
 */
function addOuterRun(val: Float64Array, where: Int32Array, nb: Int32Array, U: Float64Array, g0: number, g1: number, dim: number, w0: number, w1: number, w2: number): void {
  if (dim !== 3) {
    for (let g = g0; g < g1; g++) addOuterBlock(val, where[nb[g]] * dim * dim, dim, w0, w1, w2, U, 3 * g);
    return;
  }
  for (let g = g0; g < g1; g++) {
    const o = 9 * where[nb[g]], u0 = U[3 * g], u1 = U[3 * g + 1], u2 = U[3 * g + 2];
    val[o] += w0 * u0; val[o + 1] += w0 * u1; val[o + 2] += w0 * u2;
    val[o + 3] += w1 * u0; val[o + 4] += w1 * u1; val[o + 5] += w1 * u2;
    val[o + 6] += w2 * u0; val[o + 7] += w2 * u1; val[o + 8] += w2 * u2;
  }
}

/** val[o ..] += w u^T for one dim x dim block (w given as 3 numbers, u the 3-vector at u[uo]). */
function addOuterBlock(val: Float64Array, o: number, dim: number, w0: number, w1: number, w2: number, u: Float64Array, uo: number): void {
  const u0 = u[uo], u1 = u[uo + 1], u2 = u[uo + 2];
  if (dim === 3) {
    val[o] += w0 * u0; val[o + 1] += w0 * u1; val[o + 2] += w0 * u2;
    val[o + 3] += w1 * u0; val[o + 4] += w1 * u1; val[o + 5] += w1 * u2;
    val[o + 6] += w2 * u0; val[o + 7] += w2 * u1; val[o + 8] += w2 * u2;
  } else {
    val[o] += w0 * u0; val[o + 1] += w0 * u1;
    val[o + 2] += w1 * u0; val[o + 3] += w1 * u1;
  }
}
