import { describe, expect, it } from 'vitest';
import { cliqueAnalysis, maximalCliques, similarityGraph, similarityMatrixFigure } from '../../src/analysis/structure/cliques.ts';
import { mulberry32 } from '../support/random.ts';

function randomGraph(n: number, p: number, seed: number): number[][] {
  const rnd = mulberry32(seed);
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rnd() < p) { adj[i].push(j); adj[j].push(i); }
  return adj;
}

/** Literal enumeration: every vertex subset that is a clique and cannot be extended. */
function bruteForceMaximalCliques(adj: number[][]): string[] {
  const n = adj.length;
  const has = (i: number, j: number) => adj[i].includes(j);
  const isClique = (mask: number) => {
    for (let i = 0; i < n; i++) if (mask & (1 << i)) for (let j = i + 1; j < n; j++) if (mask & (1 << j) && !has(i, j)) return false;
    return true;
  };
  const out: string[] = [];
  for (let mask = 1; mask < 1 << n; mask++) {
    if (!isClique(mask)) continue;
    let maximal = true;
    for (let v = 0; v < n && maximal; v++) if (!(mask & (1 << v)) && isClique(mask | (1 << v))) maximal = false;
    if (maximal) out.push([...Array(n).keys()].filter((i) => mask & (1 << i)).join(','));
  }
  return out.sort();
}

describe('maximalCliques (Bron-Kerbosch with pivoting)', () => {
  it('equals brute-force enumeration on random small graphs', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const n = 4 + (seed % 9);
      const adj = randomGraph(n, [0.2, 0.5, 0.8][seed % 3], seed);
      const got = maximalCliques(adj).map((c) => c.join(',')).sort();
      expect(got).toEqual(bruteForceMaximalCliques(adj));
    }
  });

  it('handles the empty graph and rejects an asymmetric one', () => {
    expect(maximalCliques([[], [], []]).map((c) => c.join())).toEqual(['0', '1', '2']);
    expect(() => maximalCliques([[1], []])).toThrow(/not symmetric/);
  });
});

describe('cliqueAnalysis', () => {
  it('finds a planted block of similar clusters as the dominant motif', () => {
    const n = 14, rnd = mulberry32(7);
    const block = [1, 4, 5, 8, 11, 13];
    const S = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const same = block.includes(i) && block.includes(j);
      const s = same ? 0.02 + 0.05 * rnd() : 0.08 + 0.3 * rnd();
      S[i * n + j] = s; S[j * n + i] = s;
    }
    const r = cliqueAnalysis(S, n, 0.07);
    expect(r.dominant).toEqual(block);
    expect(block).toContain(r.representative);
    // a partition: every vertex exactly once, order groups the cliques
    expect([...r.order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    expect(r.cliques.reduce((s, c) => s + c.length, 0)).toBe(n);
    for (let k = 1; k < r.cliques.length; k++) expect(r.cliques[k].length).toBeLessThanOrEqual(r.cliques[k - 1].length);
    // each clique is a clique of the graph
    const adj = similarityGraph(S, n, 0.07);
    for (const c of r.cliques) for (const i of c) for (const j of c) if (i !== j) expect(adj[i]).toContain(j);
    // Fig. 5a: heatmap in clique order
    const fig = similarityMatrixFigure(S, n, r);
    const z = fig.data[0].z as number[][];
    expect(z[0][1]).toBe(S[r.order[0] * n + r.order[1]]);
    expect(JSON.parse(JSON.stringify(fig)).data[0].type).toBe('heatmap');
  });
});
