/**
 * Local Debye-Waller factor (src/analysis/vdos-ldwf.ts) against the paper's
 * literal alpha_i = <[r_i(t) - r_i(0)]^2> (and the fluctuation about the mean
 * position), from memory and from a dump with image flags; the softness-LDWF
 * correlation curve equals Pearson of vdosSoftness on [0, omega_c) per omega_c.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localDebyeWaller, localDebyeWallerFromDump, softnessCorrelationCurve } from '../../src/analysis/vdos/ldwf.ts';
import { pearsonCorrelation } from '../../src/numeric/correlation.ts';
import { vdosFromVelocities, vdosSoftness } from '../../src/analysis/vdos/vdos.ts';
import { DumpWriter } from '../../src/io/lammps-dump.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem } from '../../src/system/system.ts';
import { mulberry32 } from '../support/random.ts';

const dir = mkdtempSync(join(tmpdir(), 'glasslab-ldwf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const n = 6, F = 30, dim = 3;
const rnd = mulberry32(5);
const frames: Float64Array[] = [];
{
  let r = Float64Array.from({ length: n * dim }, () => 6 * rnd());
  for (let t = 0; t < F; t++) {
    frames.push(r);
    r = r.map((x, p) => x + (0.05 + 0.1 * Math.floor(p / dim)) * (rnd() - 0.5));
  }
}

function literal(reference: 'initial' | 'mean'): number[] {
  return Array.from({ length: n }, (_, i) => {
    const mean = [0, 1, 2].map((c) => frames.reduce((s, f) => s + f[i * dim + c], 0) / F);
    const ts = reference === 'initial' ? frames.slice(1) : frames;
    return ts.reduce((s, f) => s + [0, 1, 2].reduce((q, c) => q + (f[i * dim + c] - (reference === 'initial' ? frames[0][i * dim + c] : mean[c])) ** 2, 0), 0) / ts.length;
  });
}

describe('local Debye-Waller factor', () => {
  it('equals the literal averages for both references', () => {
    for (const ref of ['initial', 'mean'] as const) {
      const a = localDebyeWaller(frames, dim, ref);
      literal(ref).forEach((v, i) => expect(a[i]).toBeCloseTo(v, 12));
    }
  });

  it('reads unwrapped positions from a dump written with wrapped x y z and image flags', async () => {
    const box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [3, 3, 3] });
    const path = join(dir, 'pos.dump');
    const w = new DumpWriter(path, { columns: ['id', 'type', 'x', 'y', 'z', 'ix', 'iy', 'iz'] });
    for (const f of frames) {
      const images = Int32Array.from(f, (x) => Math.floor(x / 3));
      await w.write(createSystem({ box, positions: f.map((x) => x - 3 * Math.floor(x / 3)), images }));
    }
    await w.close();
    const r = await localDebyeWallerFromDump(path);
    expect(r.frames).toBe(F);
    literal('initial').forEach((v, i) => expect(r.alpha[i]).toBeCloseTo(v, 10));
  });
});

describe('softness-LDWF correlation curve', () => {
  it('is Pearson(S on [0, omega_c), field) for each omega_c', async () => {
    const v = Array.from({ length: 64 }, () => Float64Array.from({ length: n * dim }, () => rnd() - 0.5));
    const r = await vdosFromVelocities(v, { dim }, { frameDt: 0.1, keepBelow: 20 });
    const field = localDebyeWaller(frames, dim);
    const wc = [1, 5, 10, 19];
    const curve = softnessCorrelationCurve(r, field, wc);
    wc.forEach((w, q) => expect(curve.pearson[q]).toBeCloseTo(pearsonCorrelation(vdosSoftness(r, [0, w]), field), 14));
    expect(() => softnessCorrelationCurve(r, field, [25])).toThrow(/was not kept/);
  });
});
