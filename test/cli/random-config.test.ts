import { describe, expect, it } from 'vitest';
import { compositionCounts, randomConfiguration } from '../../src/system/random-config.ts';
import type { System } from '../../src/system/system.ts';

/** Brute-force smallest minimum-image pair distance. */
function minDistance(s: System): number {
  const d = s.dim;
  const v = new Float64Array(d);
  let best = Infinity;
  for (let i = 0; i < s.n; i++) {
    for (let j = i + 1; j < s.n; j++) {
      for (let k = 0; k < d; k++) v[k] = s.positions[i * d + k] - s.positions[j * d + k];
      s.box.minimumImage(v);
      let r2 = 0;
      for (let k = 0; k < d; k++) r2 += v[k] * v[k];
      best = Math.min(best, r2);
    }
  }
  return Math.sqrt(best);
}

describe('compositionCounts', () => {
  it('rounds to counts that sum to n', () => {
    expect(compositionCounts(4000, [0, 0.8, 0.2])).toEqual([0, 3200, 800]);
    expect(compositionCounts(7, [0, 0.5, 0.5])).toEqual([0, 4, 3]);
    expect(compositionCounts(10, [0, 1 / 3, 1 / 3, 1 / 3]).reduce((a, b) => a + b)).toBe(10);
    expect(() => compositionCounts(10, [0, 0.5, 0.4])).toThrow(/summing to 1/);
  });
});

describe('randomConfiguration', () => {
  for (const [dim, n, density] of [[3, 500, 1.2], [3, 333, 1.2], [2, 300, 1.02]] as const) {
    it(`places ${n} atoms in ${dim}D at density ${density} without overlaps`, () => {
      const jitter = 0.1;
      const s = randomConfiguration({ n, density, dim, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 2], seed: 7, jitter });
      expect(s.n).toBe(n);
      expect(s.n / s.box.volume).toBeCloseTo(density, 12);
      const counts = [0, 0, 0];
      for (let i = 0; i < n; i++) counts[s.types[i]]++;
      expect(counts).toEqual(compositionCounts(n, [0, 0.8, 0.2]));
      for (let i = 0; i < n; i++) expect(s.masses[i]).toBe(s.types[i]);
      // every atom inside the box
      for (let i = 0; i < n * dim; i++) {
        expect(s.positions[i]).toBeGreaterThanOrEqual(0);
        expect(s.positions[i]).toBeLessThan(s.box.lengths[i % dim]);
      }
      // guaranteed lower bound on the closest approach (module doc)
      const sites = dim === 3 ? 4 * Math.ceil(Math.cbrt(n / 4) - 1e-9) ** 3 : Math.ceil(Math.sqrt(n) - 1e-9) ** 2;
      const ann = dim === 3 ? Math.cbrt(4 / (sites / s.box.volume)) / Math.SQRT2 : 1 / Math.sqrt(sites / s.box.volume);
      expect(minDistance(s)).toBeGreaterThanOrEqual((1 - 2 * Math.sqrt(dim) * jitter) * ann - 1e-12);
    });
  }

  it('is reproducible by seed and differs between seeds', () => {
    const o = { n: 100, density: 1.2, dim: 3 as const, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1] };
    const a = randomConfiguration({ ...o, seed: 1 });
    const b = randomConfiguration({ ...o, seed: 1 });
    const c = randomConfiguration({ ...o, seed: 2 });
    expect(b.positions).toEqual(a.positions);
    expect(b.types).toEqual(a.types);
    expect(c.positions).not.toEqual(a.positions);
  });

  it('rejects bad input with the reason', () => {
    const o = { n: 10, density: 1.2, dim: 3 as const, composition: [0, 1], typeMasses: [0, 1], seed: 1 };
    expect(() => randomConfiguration({ ...o, n: 0 })).toThrow(/n must be a positive integer/);
    expect(() => randomConfiguration({ ...o, density: -1 })).toThrow(/density must be positive/);
    expect(() => randomConfiguration({ ...o, jitter: 0.4 })).toThrow(/jitter 0.4 must lie in/);
  });
});
