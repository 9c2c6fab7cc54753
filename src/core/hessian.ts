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
 */
import type { System } from '../system/system.ts';
import { buildNeighborList } from '../neighbor/neighbor-list.ts';
import type { NeighborList } from '../neighbor/types.ts';
import { cellGeometry, pairDelta, wrappedFractional } from '../neighbor/cell-geometry.ts';
import type { EamPotential, Potential } from '../potential/types.ts';
import { accumulateDensities } from './forces-f64.ts';
import { checkConfiguration } from './check-configuration.ts';
import { blockIndex, type SparseHessian } from '../linalg/block-sparse.ts';

export { blockIndex, hessianMatVec, hessianPairs, toDense, type HessianBlock, type SparseHessian } from '../linalg/block-sparse.ts';


export interface HessianOptions {
  /** divide block (i, j) by sqrt(m_i m_j) (the dynamical matrix); default false */
  massWeighted?: boolean;
  /**
   * Half neighbour list to use (cutoff >= the potential's maxCutoff, valid for
   * these positions); default: built here with zero skin.
   */
  neighborList?: NeighborList;
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
  const nl = opts.neighborList ?? buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0, kind: 'half' });
  if (nl.kind !== 'half') throw new Error(`assembleHessian: option neighborList must be a 'half' list, got '${nl.kind}'`);
  if (nl.cutoff + nl.skin < pot.maxCutoff) throw new Error(`assembleHessian: neighbour list radius ${nl.cutoff + nl.skin} is below the potential cutoff ${pot.maxCutoff}`);
  const pairs = interactingPairs(sys, nl, pot.maxCutoff);
  const adj = adjacency(sys.n, pairs);
  const eam = pot.kind === 'eam';
  const pattern = eam ? secondNeighbourPattern(sys.n, adj) : firstNeighbourPattern(sys.n, adj);
  const dim = sys.dim;
  const H: SparseHessian = {
    n: sys.n, dim, rowPtr: pattern.rowPtr, colIdx: pattern.colIdx,
    values: new Float64Array(pattern.colIdx.length * dim * dim), massWeighted: opts.massWeighted === true,
  };
  if (eam) addEamTerms(sys, pot, nl, pairs, adj, H);
  else {
    const types = sys.types;
    addPairTerms(pairs, H, (i, j, r, out) => pot.radial(types[i], types[j], r, out));
  }
  if (H.massWeighted) applyMassWeights(sys, H);
  return H;
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
 * Full adjacency in CSR form. Entry e of atom a: neighbour nb[e], pair index
 * pair[e], sign +1 if a is the pair's i (so e_a,nb = sign d_p / r_p), and
 * mirror[e] = the entry of nb that points back to a.
 */
interface Adjacency { ptr: Int32Array; nb: Int32Array; pair: Int32Array; sign: Int8Array; mirror: Int32Array }

function adjacency(n: number, ps: PairSet): Adjacency {
  const ptr = new Int32Array(n + 1);
  for (let p = 0; p < ps.count; p++) { ptr[ps.i[p] + 1]++; ptr[ps.j[p] + 1]++; }
  for (let a = 0; a < n; a++) ptr[a + 1] += ptr[a];
  const fill = ptr.slice(0, n);
  const m = 2 * ps.count;
  const nb = new Int32Array(m), pair = new Int32Array(m), sign = new Int8Array(m), mirror = new Int32Array(m);
  for (let p = 0; p < ps.count; p++) {
    const i = ps.i[p], j = ps.j[p];
    const e = fill[i]++, f = fill[j]++;
    nb[e] = j; pair[e] = p; sign[e] = 1; mirror[e] = f;
    nb[f] = i; pair[f] = p; sign[f] = -1; mirror[f] = e;
  }
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

/** Row a: {a} + neighbours(a) + neighbours of neighbours(a), sorted, unique. */
function secondNeighbourPattern(n: number, adj: Adjacency): Pattern {
  const mark = new Int32Array(n).fill(-1);
  const rows: Int32Array[] = [];
  const buf: number[] = [];
  let total = 0;
  for (let a = 0; a < n; a++) {
    buf.length = 0;
    const add = (c: number) => { if (mark[c] !== a) { mark[c] = a; buf.push(c); } };
    add(a);
    for (let e = adj.ptr[a]; e < adj.ptr[a + 1]; e++) {
      const b = adj.nb[e];
      add(b);
      for (let f = adj.ptr[b]; f < adj.ptr[b + 1]; f++) add(adj.nb[f]);
    }
    const row = Int32Array.from(buf).sort();
    rows.push(row);
    total += row.length;
  }
  const rowPtr = new Int32Array(n + 1);
  const colIdx = new Int32Array(total);
  for (let a = 0; a < n; a++) {
    colIdx.set(rows[a], rowPtr[a]);
    rowPtr[a + 1] = rowPtr[a] + rows[a].length;
  }
  return { rowPtr, colIdx };
}


/** Radial function of the pair term of atoms i, j at distance r: out[1] = psi', out[2] = psi''. */
type PairRadial = (ti: number, tj: number, r: number, out: Float64Array) => void;

/** Add the pair-shaped blocks K_ij (see the module doc) for every interacting pair. */
function addPairTerms(ps: PairSet, H: SparseHessian, radial: PairRadial): void {
  const dim = H.dim, dd = dim * dim, val = H.values;
  const out = new Float64Array(4);
  const K = new Float64Array(9);
  for (let p = 0; p < ps.count; p++) {
    const i = ps.i[p], j = ps.j[p], r = ps.r[p];
    radial(i, j, r, out);
    const d1 = out[1], d2 = out[2];
    if (d1 === 0 && d2 === 0) continue;
    const a = d1 / r, b = d2 - a; // K = a I + (phi'' - phi'/r) e e^T
    for (let x = 0; x < dim; x++) {
      const ex = ps.d[3 * p + x] / r;
      for (let y = 0; y < dim; y++) K[x * dim + y] = b * ex * (ps.d[3 * p + y] / r) + (x === y ? a : 0);
    }
    const oii = blockIndex(H, i, i) * dd, ojj = blockIndex(H, j, j) * dd;
    const oij = blockIndex(H, i, j) * dd, oji = blockIndex(H, j, i) * dd;
    for (let q = 0; q < dd; q++) {
      val[oii + q] += K[q];
      val[ojj + q] += K[q];
      val[oij + q] -= K[q];
      val[oji + q] -= K[q]; // K is symmetric
    }
  }
}

function addEamTerms(sys: System, pot: EamPotential, nl: NeighborList, ps: PairSet, adj: Adjacency, H: SparseHessian): void {
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
  // F' Hess(rho) + pair: effective pair function psi
  const a = new Float64Array(4), b = new Float64Array(4), c = new Float64Array(4);
  addPairTerms(ps, H, (i, j, r, out) => {
    const ti = types[i], tj = types[j];
    pot.pair(ti, tj, r, a);
    pot.density(ti, tj, r, b); // f_{j->i}
    pot.density(tj, ti, r, c); // f_{i->j}
    out[1] = a[1] + fp[i] * b[1] + fp[j] * c[1];
    out[2] = a[2] + fp[i] * b[2] + fp[j] * c[2];
  });
  addEmbeddingCurvature(sys, pot, ps, adj, fpp, H);
}

/**
 * Add sum_i F''_i u_ia u_ib^T for a, b in {i} + neighbours(i) (module doc).
 * Row by row: block row a receives terms from i = a and from every
 * neighbour i of a; a scatter map col -> block index of row a makes each
 * update O(1) (no searches in the ~second-shell-sized rows).
 */
function addEmbeddingCurvature(sys: System, pot: EamPotential, ps: PairSet, adj: Adjacency, fpp: Float64Array, H: SparseHessian): void {
  const n = sys.n, types = sys.types, dim = H.dim, dd = dim * dim, val = H.values;
  const tmp = new Float64Array(4);
  // U[e] = u_{a, nb[e]} = d rho_a / d x_nb for entry e of atom a; uSelf[a] = u_aa = -sum_e U[e]
  const U = new Float64Array(3 * adj.nb.length);
  const uSelf = new Float64Array(3 * n);
  for (let a = 0; a < n; a++) {
    for (let e = adj.ptr[a]; e < adj.ptr[a + 1]; e++) {
      const p = adj.pair[e], r = ps.r[p];
      pot.density(types[a], types[adj.nb[e]], r, tmp); // f_{nb -> a}
      const s = (-tmp[1] * adj.sign[e]) / r;
      for (let x = 0; x < 3; x++) {
        const v = s * ps.d[3 * p + x];
        U[3 * e + x] = v;
        uSelf[3 * a + x] -= v;
      }
    }
  }
  const where = new Int32Array(n).fill(-1);
  // add f2 * w u_ib^T to row a (scatter map `where`) for b = i and every neighbour b of i; w = u_ia at wv[wo]
  const addFrom = (i: number, f2: number, wv: Float64Array, wo: number) => {
    const w0 = f2 * wv[wo], w1 = f2 * wv[wo + 1], w2 = f2 * wv[wo + 2];
    addOuterBlock(val, where[i] * dd, dim, w0, w1, w2, uSelf, 3 * i);
    for (let e = adj.ptr[i]; e < adj.ptr[i + 1]; e++) addOuterBlock(val, where[adj.nb[e]] * dd, dim, w0, w1, w2, U, 3 * e);
  };
  for (let a = 0; a < n; a++) {
    for (let bk = H.rowPtr[a]; bk < H.rowPtr[a + 1]; bk++) where[H.colIdx[bk]] = bk;
    if (fpp[a] !== 0) addFrom(a, fpp[a], uSelf, 3 * a);
    for (let e = adj.ptr[a]; e < adj.ptr[a + 1]; e++) {
      const i = adj.nb[e];
      if (fpp[i] !== 0) addFrom(i, fpp[i], U, 3 * adj.mirror[e]); // u_ia
    }
    for (let bk = H.rowPtr[a]; bk < H.rowPtr[a + 1]; bk++) where[H.colIdx[bk]] = -1;
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

function applyMassWeights(sys: System, H: SparseHessian): void {
  const dd = H.dim * H.dim;
  const isq = sys.masses.map((m) => 1 / Math.sqrt(m));
  for (let i = 0; i < H.n; i++) {
    for (let bk = H.rowPtr[i]; bk < H.rowPtr[i + 1]; bk++) {
      const w = isq[i] * isq[H.colIdx[bk]];
      for (let q = 0; q < dd; q++) H.values[bk * dd + q] *= w;
    }
  }
}
