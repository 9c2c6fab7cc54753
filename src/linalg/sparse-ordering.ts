/**
 * Fill-reducing orderings for the sparse LDL^T of a Hessian.
 *
 * Nested dissection (George, SIAM J. Numer. Anal. 10, 345 (1973)) on the atom
 * graph of the Hessian (atoms a, b adjacent when block (a, b) is stored),
 * with the cuts chosen geometrically: the vertex set is split at the median
 * of the coordinate of largest extent (recursive coordinate bisection), and
 * the separator is the smaller of the two one-sided boundaries (the atoms of
 * one half that have a neighbour in the other). The separator is therefore a
 * true graph separator whatever the geometry (periodic images, triclinic
 * cells, holes): the coordinates only steer its quality, never its
 * correctness. Periodic boundaries are handled by the graph itself: the
 * first cut of a periodic box separates two faces (the median plane and the
 * box face), and the boundary rule picks up both.
 *
 * Order: [nested dissection of half A minus separator], [same for B],
 * [separator]; sets of at most `leafSize` vertices are kept in input order.
 * In 3D the top separator has O(N^(2/3)) atoms, so nnz(L) = O(N^(4/3)) and the
 * factorization costs O(N^2) flops (versus O(N^(5/3)) fill with a banded,
 * natural lattice order).
 */
import type { SparseHessian } from './block-sparse.ts';

/** Vertex graph in CSR form without self loops: neighbours of v are nb[ptr[v] .. ptr[v+1]). */
export interface Graph {
  readonly n: number;
  readonly ptr: Int32Array;
  readonly nb: Int32Array;
}

export interface NestedDissectionOptions {
  /** vertex sets at most this large are not split further (default 8) */
  leafSize?: number;
}

/** Atom graph of the Hessian's block pattern (off-diagonal blocks). */
export function hessianAtomGraph(H: SparseHessian): Graph {
  const { n, rowPtr, colIdx } = H;
  const ptr = new Int32Array(n + 1);
  for (let a = 0; a < n; a++) {
    let c = 0;
    for (let b = rowPtr[a]; b < rowPtr[a + 1]; b++) if (colIdx[b] !== a) c++;
    ptr[a + 1] = ptr[a] + c;
  }
  const nb = new Int32Array(ptr[n]);
  for (let a = 0, o = 0; a < n; a++) for (let b = rowPtr[a]; b < rowPtr[a + 1]; b++) if (colIdx[b] !== a) nb[o++] = colIdx[b];
  return { n, ptr, nb };
}

/**
 * Nested dissection order of the graph's vertices: order[k] = vertex
 * eliminated k-th (a permutation of 0 .. n-1). `coords` has stride 3.
 */
export function nestedDissectionOrder(g: Graph, coords: Float64Array, opts: NestedDissectionOptions = {}): Int32Array {
  const leaf = opts.leafSize ?? 8;
  if (!(Number.isInteger(leaf) && leaf >= 1)) throw new Error(`nestedDissectionOrder: option leafSize must be an integer >= 1, got ${leaf}`);
  if (coords.length < 3 * g.n) throw new Error(`nestedDissectionOrder: coords has ${coords.length} entries, expected 3*n = ${3 * g.n} (stride 3)`);
  const order = new Int32Array(g.n);
  let next = 0;
  const side = new Int8Array(g.n); // 0: outside the current set, 1: half A, 2: half B
  const key = new Float64Array(g.n);
  const emit = (set: Int32Array) => { order.set(set, next); next += set.length; };
  /** median cut of `set` along `axis`: the sorted set (first half = A) and the one-sided boundaries */
  const splitAlong = (set: Int32Array, axis: number) => {
    const m = set.length;
    for (let t = 0; t < m; t++) key[set[t]] = coords[3 * set[t] + axis];
    const sorted = Int32Array.from(set).sort((u, v) => key[u] - key[v] || u - v);
    const half = m >> 1;
    for (let t = 0; t < m; t++) side[sorted[t]] = t < half ? 1 : 2;
    let nA = 0, nB = 0;
    const onBoundary = new Uint8Array(m);
    for (let t = 0; t < m; t++) {
      const v = sorted[t], own = side[v];
      for (let e = g.ptr[v]; e < g.ptr[v + 1]; e++) {
        const s = side[g.nb[e]];
        if (s !== 0 && s !== own) { onBoundary[t] = 1; if (own === 1) nA++; else nB++; break; }
      }
    }
    for (let t = 0; t < m; t++) side[sorted[t]] = 0;
    return { sorted, onBoundary, nA, nB };
  };
  const dissect = (set: Int32Array): void => {
    const m = set.length;
    if (m <= leaf) { emit(set); return; }
    const ext = [0, 0, 0];
    for (let x = 0; x < 3; x++) {
      let lo = Infinity, hi = -Infinity;
      for (let t = 0; t < m; t++) { const c = coords[3 * set[t] + x]; if (c < lo) lo = c; if (c > hi) hi = c; }
      ext[x] = hi - lo;
    }
    const maxExt = Math.max(ext[0], ext[1], ext[2]);
    // try the median cut along every axis of at least half the largest extent; keep the smallest separator
    let sorted = set, onBoundary = new Uint8Array(0), nA = 0, nB = 0, bestSep = Infinity;
    for (let axis = 0; axis < 3; axis++) {
      if (ext[axis] === 0 || ext[axis] < 0.5 * maxExt) continue;
      const cut = splitAlong(set, axis);
      const sep = Math.min(cut.nA, cut.nB);
      if (sep < bestSep) { bestSep = sep; sorted = cut.sorted; onBoundary = cut.onBoundary; nA = cut.nA; nB = cut.nB; }
    }
    if (bestSep === Infinity) { emit(set); return; } // all vertices at one point: nothing to split on
    const half = m >> 1;
    const sepSide = nA <= nB ? 1 : 2, sepSize = Math.min(nA, nB);
    const A = new Int32Array(half - (sepSide === 1 ? sepSize : 0));
    const B = new Int32Array(m - half - (sepSide === 2 ? sepSize : 0));
    const S = new Int32Array(sepSize);
    let ia = 0, ib = 0, is = 0;
    for (let t = 0; t < m; t++) {
      const v = sorted[t], inA = t < half;
      if (onBoundary[t] && (inA ? 1 : 2) === sepSide) S[is++] = v;
      else if (inA) A[ia++] = v;
      else B[ib++] = v;
    }
    dissect(A);
    dissect(B);
    emit(S);
  };
  const all = new Int32Array(g.n);
  for (let v = 0; v < g.n; v++) all[v] = v;
  dissect(all);
  return order;
}

/** Scalar order of the unknowns from an atom order: atom order[k] gives rows order[k]*dim + alpha. */
export function expandAtomOrder(atomOrder: Int32Array, dim: number): Int32Array {
  const out = new Int32Array(atomOrder.length * dim);
  for (let k = 0; k < atomOrder.length; k++) for (let x = 0; x < dim; x++) out[k * dim + x] = atomOrder[k] * dim + x;
  return out;
}
