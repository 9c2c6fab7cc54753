/**
 * Clique analysis of a cluster similarity matrix (Fang et al., PRB 82,
 * 184204 (2010); Sun et al., Sci. Rep. 6, 23734 (2016); Fan et al., PRB 105,
 * 104112 (2022), Fig. 5a): clusters are the vertices of a graph with an edge
 * between i and j when their alignment score is below a cutoff (Fan et al.:
 * 0.10); a clique is a set of clusters that are all pairwise alike, i.e. a
 * shared packing motif. Its size and number measure the degree of order.
 *
 * - `maximalCliques`: every maximal clique, by Bron-Kerbosch with the
 *   Tomita pivot (Bron & Kerbosch 1973; Tomita, Tanaka & Takahashi 2006:
 *   the pivot u maximises |P cap N(u)|, worst case O(3^(n/3))).
 * - `cliqueAnalysis`: the partition used to draw the similarity matrix: take
 *   the largest maximal clique, remove its vertices, repeat on the rest
 *   (ties: the clique with the smallest mean internal score). Its first
 *   clique is the dominant motif; its representative is the member with the
 *   smallest mean score to the other members (the cluster to use as the
 *   "dominant SRO" template).
 */

import type { PlotlyFigure } from '../../plot/figure.ts';

/** Adjacency as one sorted neighbour list per vertex. */
export type CliqueGraph = readonly (readonly number[])[];

/** Graph of a flat n x n score matrix: i ~ j when i != j and score < cutoff. */
export function similarityGraph(scores: Float64Array, n: number, cutoff: number): number[][] {
  if (scores.length !== n * n) throw new Error(`similarityGraph: scores has ${scores.length} entries, expected n * n = ${n * n}`);
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && scores[i * n + j] < cutoff) adj[i].push(j);
  return adj;
}

/** All maximal cliques of an undirected graph (each as ascending vertex indices). */
export function maximalCliques(adj: CliqueGraph): number[][] {
  const n = adj.length;
  const nbr: Set<number>[] = adj.map((row) => new Set(row));
  for (let i = 0; i < n; i++) {
    for (const j of nbr[i]) {
      if (j < 0 || j >= n || j === i) throw new Error(`maximalCliques: vertex ${i} lists an invalid neighbour ${j}`);
      if (!nbr[j].has(i)) throw new Error(`maximalCliques: the graph is not symmetric (${i} -> ${j} but not ${j} -> ${i})`);
    }
  }
  const out: number[][] = [];
  const R: number[] = [];
  const expand = (P: number[], X: number[]) => {
    if (P.length === 0 && X.length === 0) { out.push([...R].sort((a, b) => a - b)); return; }
    // Tomita pivot: the vertex of P cup X with the most neighbours in P
    let pivot = -1, most = -1;
    for (const u of [...P, ...X]) {
      let c = 0;
      for (const v of P) if (nbr[u].has(v)) c++;
      if (c > most) { most = c; pivot = u; }
    }
    const candidates = P.filter((v) => !nbr[pivot].has(v));
    let Pc = P.slice(), Xc = X.slice();
    for (const v of candidates) {
      R.push(v);
      expand(Pc.filter((w) => nbr[v].has(w)), Xc.filter((w) => nbr[v].has(w)));
      R.pop();
      Pc = Pc.filter((w) => w !== v);
      Xc = [...Xc, v];
    }
  };
  expand(Array.from({ length: n }, (_, i) => i), []);
  return out;
}

export interface CliqueAnalysis {
  /** the disjoint cliques, largest first (singletons included) */
  readonly cliques: number[][];
  /** vertex order that groups the cliques (rows/columns of the reordered matrix) */
  readonly order: Int32Array;
  /** the largest clique (the dominant motif) */
  readonly dominant: number[];
  /** member of the dominant clique with the smallest mean score to the others */
  readonly representative: number;
  /** number of maximal cliques of the full graph */
  readonly maximalCliqueCount: number;
}

function meanInternal(scores: Float64Array, n: number, c: readonly number[]): number {
  if (c.length < 2) return 0;
  let s = 0;
  for (const i of c) for (const j of c) if (i !== j) s += scores[i * n + j];
  return s / (c.length * (c.length - 1));
}

/** Greedy disjoint clique partition of the similarity graph (see the module doc). */
export function cliqueAnalysis(scores: Float64Array, n: number, cutoff: number): CliqueAnalysis {
  if (n === 0) throw new Error('cliqueAnalysis: no clusters');
  const adj = similarityGraph(scores, n, cutoff);
  const all = maximalCliques(adj);
  const alive = new Uint8Array(n).fill(1);
  const cliques: number[][] = [];
  let remaining = n;
  while (remaining > 0) {
    // maximal cliques restricted to the remaining vertices
    const sub = adj.map((row, i) => (alive[i] ? row.filter((j) => alive[j]) : []));
    const idx = [...Array(n).keys()].filter((i) => alive[i]);
    const local = maximalCliques(idx.map((i) => sub[i].map((j) => idx.indexOf(j)))).map((c) => c.map((k) => idx[k]));
    let best = local[0];
    for (const c of local) {
      if (c.length > best.length || (c.length === best.length && meanInternal(scores, n, c) < meanInternal(scores, n, best))) best = c;
    }
    cliques.push(best);
    for (const v of best) alive[v] = 0;
    remaining -= best.length;
  }
  const dominant = cliques[0];
  let representative = dominant[0], bestMean = Infinity;
  for (const i of dominant) {
    let s = 0;
    for (const j of dominant) if (j !== i) s += scores[i * n + j];
    const m = dominant.length > 1 ? s / (dominant.length - 1) : 0;
    if (m < bestMean) { bestMean = m; representative = i; }
  }
  return { cliques, order: Int32Array.from(cliques.flat()), dominant, representative, maximalCliqueCount: all.length };
}

/**
 * Fig. 5a of Fan et al.: the similarity matrix with rows and columns in
 * clique order (`analysis.order`), as a Plotly heatmap of alignment scores.
 */
export function similarityMatrixFigure(scores: Float64Array, n: number, analysis: Pick<CliqueAnalysis, 'order'>, opts: { title?: string; zmax?: number } = {}): PlotlyFigure {
  if (scores.length !== n * n) throw new Error(`similarityMatrixFigure: scores has ${scores.length} entries, expected n * n = ${n * n}`);
  const o = analysis.order;
  const z = Array.from(o, (i) => Array.from(o, (j) => scores[i * n + j]));
  return {
    data: [{ type: 'heatmap', z, colorscale: 'Viridis', zmin: 0, zmax: opts.zmax ?? 0.3, colorbar: { title: { text: 'score' } } }],
    layout: {
      ...(opts.title ? { title: { text: opts.title } } : {}),
      xaxis: { title: { text: 'cluster (clique order)' } }, yaxis: { title: { text: 'cluster (clique order)' }, autorange: 'reversed' },
      height: 420, width: 460, margin: { l: 60, r: 20, t: opts.title ? 50 : 20, b: 50 },
    },
  };
}
