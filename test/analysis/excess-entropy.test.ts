import { describe, expect, it } from 'vitest';
import { pairExcessEntropy } from '../../src/analysis/structure/excess-entropy.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import { cuzrGlass } from '../lammps/configs.ts';
import { mulberry32 } from '../support/random.ts';
import { literalDistance } from './structure.fixtures.ts';

/** n uniform random points in the cell (types 1..ntypes in proportions `fractions`), at least `dmin` apart. */
function randomSystem(n: number, box: Box, fractions: number[], seed: number, dmin = 0.3): System {
  const rnd = mulberry32(seed);
  const d = box.dim;
  const pos: number[] = [];
  while (pos.length < n * d) {
    const s = [rnd(), rnd(), rnd()];
    const p = [box.lo[0] + box.lengths[0] * s[0] + box.xy * s[1] + (d === 3 ? box.xz * s[2] : 0),
      box.lo[1] + box.lengths[1] * s[1] + (d === 3 ? box.yz * s[2] : 0), d === 3 ? box.lo[2] + box.lengths[2] * s[2] : 0];
    const trial = createSystem({ box, positions: [...pos, ...p.slice(0, d)], types: new Int32Array(pos.length / d + 1).fill(1) });
    const m = pos.length / d;
    let ok = true;
    for (let j = 0; j < m && ok; j++) ok = literalDistance(trial, m, j) >= dmin;
    if (ok) pos.push(...p.slice(0, d));
  }
  const types = new Int32Array(n);
  let i = 0;
  fractions.forEach((f, t) => { for (const end = Math.round((fractions.slice(0, t + 1).reduce((a, b) => a + b, 0)) * n); i < end; i++) types[i] = t + 1; });
  return createSystem({ box, positions: pos, types });
}

/**
 * Eq. 3 of Wei et al. (and the one-channel form) written out literally: every
 * other atom j by the brute-force minimum image, every grid point, the
 * truncated Gaussian, g_i^{mu nu}(r_k), then rho_nu (g ln g - g + 1) s_d(r_k)
 * on the trapezoid rule. O(N^2 K).
 */
function literalS2(sys: System, cutoff: number, sigma: number, dr: number, form: 'species' | 'total'): Float64Array {
  const n = sys.n, V = sys.box.volume, d = sys.dim;
  const K = Math.ceil(cutoff / dr - 1e-12), h = cutoff / K;
  const nt = Math.max(...sys.types);
  const species = form === 'species' ? Array.from({ length: nt }, (_, t) => [t + 1]) : [Array.from({ length: nt }, (_, t) => t + 1)];
  const dist: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => (i === j ? NaN : literalDistance(sys, i, j))));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (const nu of species) {
      const rhoNu = sys.types.filter((t) => nu.includes(t)).length / V;
      if (rhoNu === 0) continue;
      let integral = 0;
      for (let k = 0; k <= K; k++) {
        const r = k * h;
        const shell = d === 3 ? 4 * Math.PI * r * r : 2 * Math.PI * r;
        if (shell === 0) continue;
        let kernelSum = 0;
        for (let j = 0; j < n; j++) {
          if (j === i || !nu.includes(sys.types[j])) continue;
          const x = r - dist[i][j];
          if (Math.abs(x) <= 3 * sigma) kernelSum += Math.exp(-(x * x) / (2 * sigma * sigma)) / Math.sqrt(2 * Math.PI * sigma * sigma);
        }
        const g = kernelSum / (shell * rhoNu);
        const f = g > 0 ? g * Math.log(g) - (g - 1) : 1;
        integral += (k === 0 || k === K ? h / 2 : h) * rhoNu * f * shell;
      }
      total += integral;
    }
    out[i] = -0.5 * total;
  }
  return out;
}

function expectClose(a: Float64Array, b: Float64Array, rel: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-12, Math.abs(b[i])));
  expect(worst).toBeLessThan(rel);
}

describe('pairExcessEntropy (Wei et al. Eq. 3; Piaggi-Parrinello total form)', () => {
  const binary = randomSystem(160, Box.cube(3, 5.2), [0.8, 0.2], 3);
  const tilted = randomSystem(140, new Box({ dim: 3, lo: [0, 0, 0], lengths: [5.4, 5.0, 5.2], tilt: { xy: 0.7, xz: -0.4, yz: 0.3 } }), [0.5, 0.3, 0.2], 8);
  const flat = randomSystem(120, Box.cube(2, 9), [0.65, 0.35], 5);

  it('species form equals the literal O(N^2) Eq. 3 on random binary data (cubic, triclinic ternary, 2D)', () => {
    expectClose(pairExcessEntropy(binary, { cutoff: 2.2, sigma: 0.1 }), literalS2(binary, 2.2, 0.1, 0.025, 'species'), 1e-10);
    expectClose(pairExcessEntropy(tilted, { cutoff: 2.0, sigma: 0.12, dr: 0.05 }), literalS2(tilted, 2.0, 0.12, 0.05, 'species'), 1e-10);
    expectClose(pairExcessEntropy(flat, { cutoff: 3.1, sigma: 0.15, dr: 0.07 }), literalS2(flat, 3.1, 0.15, 0.07, 'species'), 1e-10);
  });

  it('total form equals the literal one-channel reference', () => {
    expectClose(pairExcessEntropy(binary, { cutoff: 2.2, sigma: 0.1, form: 'total' }), literalS2(binary, 2.2, 0.1, 0.025, 'total'), 1e-10);
    expectClose(pairExcessEntropy(flat, { cutoff: 3.1, sigma: 0.15, dr: 0.07, form: 'total' }), literalS2(flat, 3.1, 0.15, 0.07, 'total'), 1e-10);
  });

  it('counts neighbours beyond the cutoff whose kernel reaches inside it', () => {
    // two atoms at distance rc + 2 sigma: the kernel tail at r = rc is exp(-2) of its peak
    const sys = createSystem({ box: Box.cube(3, 10), positions: [1, 1, 1, 1 + 2.2, 1, 1], types: [1, 1] });
    const s = pairExcessEntropy(sys, { cutoff: 2, sigma: 0.1 });
    expectClose(s, literalS2(sys, 2, 0.1, 0.025, 'species'), 1e-12);
    const far = createSystem({ box: Box.cube(3, 10), positions: [1, 1, 1, 1 + 2.31, 1, 1], types: [1, 1] });
    const s0 = pairExcessEntropy(far, { cutoff: 2, sigma: 0.1 });
    // empty neighbourhood: g = 0 everywhere, S2 = -1/2 rho (4/3 pi rc^3) up to the trapezoid error
    expect(s0[0]).toBeCloseTo(-0.5 * (2 / 1000) * (4 / 3) * Math.PI * 8, 3);
    expect(Math.abs(s[0] - s0[0])).toBeGreaterThan(1e-6);
  });

  it('S2_i <= 0 and species-resolved <= total-density, atom by atom (KA-like random data and CuZr)', () => {
    const cuzr = cuzrGlass();
    const cases: [System, number, number][] = [[binary, 2.25, 0.1], [tilted, 2.0, 0.1], [flat, 4, 0.1], [cuzr, 8.8, 0.2]];
    for (const [sys, cutoff, sigma] of cases) {
      const sp = pairExcessEntropy(sys, { cutoff, sigma });
      const tot = pairExcessEntropy(sys, { cutoff, sigma, form: 'total' });
      let gap = 0;
      for (let i = 0; i < sys.n; i++) {
        expect(sp[i]).toBeLessThanOrEqual(0);
        expect(tot[i]).toBeLessThanOrEqual(0);
        expect(sp[i]).toBeLessThanOrEqual(tot[i] + 1e-12 * Math.abs(tot[i]));
        gap = Math.max(gap, tot[i] - sp[i]);
      }
      expect(gap).toBeGreaterThan(0); // the inequality is strict somewhere: the two forms differ
    }
  });

  it('for one species the two forms are the same', () => {
    const one = createSystem({ box: binary.box, positions: binary.positions, types: new Int32Array(binary.n).fill(1) });
    expectClose(pairExcessEntropy(one, { cutoff: 2.2, sigma: 0.1 }), pairExcessEntropy(one, { cutoff: 2.2, sigma: 0.1, form: 'total' }), 1e-14);
  });

  it('CuZr: the species form equals the literal reference with the Zr/Cu densities', () => {
    const cuzr = cuzrGlass();
    expectClose(pairExcessEntropy(cuzr, { cutoff: 6.4, sigma: 0.2, dr: 0.1 }), literalS2(cuzr, 6.4, 0.2, 0.1, 'species'), 1e-10);
  });

  it('refuses a cutoff + 3 sigma beyond half the cell and bad options', () => {
    expect(() => pairExcessEntropy(binary, { cutoff: 2.5, sigma: 0.1 })).toThrow(/half the smallest cell width/);
    expect(() => pairExcessEntropy(binary, { cutoff: 2, sigma: 0 })).toThrow(/sigma/);
    expect(() => pairExcessEntropy(binary, { cutoff: 2, sigma: 0.1, form: 'x' as 'total' })).toThrow(/form/);
  });

  // LAMMPS `compute entropy/atom` (EXTRA-COMPUTE, USER-MISC before 2021) is
  // absent from the Debian build (`lmp -h`), so there is no LAMMPS comparison;
  // the literal reference above stands in.
});
