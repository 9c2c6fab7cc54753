/**
 * Per-atom VACF (src/analysis/vdos-vacf.ts) against the paper's literal
 * C_i(t) = sum_{t0} v(t0+t).v(t0) / sum_{t0} v(t0).v(t0) with time-origin
 * sums, for every normalisation, per atom and averaged over atoms.
 */
import { describe, expect, it } from 'vitest';
import { vacfFromVelocities } from '../../src/analysis/vdos/vacf.ts';
import { mulberry32 } from '../support/random.ts';

describe('per-atom VACF', () => {
  it('equals the literal time-origin sums', async () => {
    const n = 4, F = 23, dim = 3, rnd = mulberry32(13);
    const frames = Array.from({ length: F }, () => Float64Array.from({ length: n * dim }, () => rnd() - 0.5));
    const masses = [1, 2, 0.5, 1.5];
    for (const normalization of ['atom', 'none', 'mass'] as const) {
      const r = await vacfFromVelocities(frames, { dim, masses }, { frameDt: 0.1, normalization, perAtom: true, maxLag: 15 });
      expect(r.t[15]).toBeCloseTo(1.5, 14);
      const mean = new Float64Array(16);
      for (let i = 0; i < n; i++) {
        const R = Array.from({ length: 16 }, (_, m) => {
          let s = 0;
          for (let t0 = 0; t0 + m < F; t0++) for (let c = 0; c < dim; c++) s += frames[t0 + m][i * dim + c] * frames[t0][i * dim + c];
          return s;
        });
        R.forEach((x, m) => {
          const ref = normalization === 'atom' ? x / R[0] : (normalization === 'mass' ? masses[i] : 1) * x / F;
          expect(r.perAtom![i * 16 + m]).toBeCloseTo(ref, 13);
          mean[m] += ref / n;
        });
      }
      mean.forEach((x, m) => expect(r.mean[m]).toBeCloseTo(x, 13));
      if (normalization === 'atom') expect(r.mean[0]).toBeCloseTo(1, 14);
    }
  });
});
