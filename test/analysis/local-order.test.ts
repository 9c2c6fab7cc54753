import { describe, expect, it } from 'vitest';
import { alignClusters, clusterTemplate } from '../../src/analysis/structure/cluster-alignment.ts';
import { localOrderAnalysis, topAtomsByValue } from '../../src/analysis/structure/local-order.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';

describe('topAtomsByValue', () => {
  it('equals a literal filter-sort-slice', () => {
    const rnd = mulberry32(4);
    const v = Float64Array.from({ length: 200 }, () => rnd());
    const t = Int32Array.from({ length: 200 }, () => (rnd() < 0.2 ? 2 : 1));
    const lit = [...Array(200).keys()].filter((i) => t[i] === 2).sort((a, b) => v[b] - v[a]);
    const k = Math.round(0.05 * lit.length);
    expect([...topAtomsByValue(v, t, { fraction: 0.05, type: 2 })]).toEqual(lit.slice(0, k));
    expect([...topAtomsByValue(v, t, { fraction: 0.05, type: 2, smallest: true })]).toEqual(lit.reverse().slice(0, k));
    expect(() => topAtomsByValue(v, t, { fraction: 0 })).toThrow(/fraction/);
  });
});

describe('localOrderAnalysis (Fig. 5 workflow)', () => {
  it('finds FCC order in the ordered half of a crystal and not in the disordered half', async () => {
    const m = 6, a = 1.6, L = m * a;
    const basis = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]];
    const rnd = mulberry32(2);
    const pos: number[] = [];
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) for (const b of basis) {
      const x = [(i + b[0]) * a, (j + b[1]) * a, (k + b[2]) * a];
      const amp = x[0] < L / 2 ? 0.02 : 0.3;
      pos.push(...x.map((c) => c + amp * (rnd() - 0.5)));
    }
    const sys = createSystem({ box: Box.cube(3, L), positions: pos });
    const inside = (lo: number, hi: number) => [...Array(sys.n).keys()].filter((i) => sys.positions[3 * i] > lo && sys.positions[3 * i] < hi).slice(0, 12);
    const r = await localOrderAnalysis(sys, { hard: inside(1, 3.5), soft: inside(6, 8.5) }, { shellCutoff: 0.85 * a, templates: ['fcc', 'icosahedron'] });
    const [hard, soft] = r.groups;
    expect(r.dominantGroup).toBe('hard');
    expect(hard.cliques.dominant.length).toBe(12);
    expect(hard.matchFractions.fcc).toBe(1);
    expect(hard.matchFractions.dominant).toBe(1);
    expect(soft.matchFractions.fcc).toBeLessThan(0.5);
    expect(soft.cliques.dominant.length).toBeLessThan(12);
    expect(alignClusters(r.dominant, clusterTemplate('fcc')).score).toBeLessThan(0.05);
    expect(hard.similarity.length).toBe(144);
    expect(hard.templateScores.templates).toEqual(['dominant', 'fcc', 'icosahedron']);
  });
});
