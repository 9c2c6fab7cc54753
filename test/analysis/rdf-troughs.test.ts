/**
 * totalRdf and rdfTroughs (src/analysis/structure/first-shell.ts): the total
 * g(r) is the x_u x_v weighted sum of the partials; the troughs of a model
 * g(r) with known minima are found to the bin width, noise does not add
 * troughs, and the dip inside a split second peak (metallic glasses) is not
 * taken for a trough.
 */
import { describe, expect, it } from 'vitest';
import { rdfTroughs, totalRdf } from '../../src/analysis/structure/first-shell.ts';
import { mulberry32 } from '../support/random.ts';

const dr = 0.02;
const r = Float64Array.from({ length: 700 }, (_, b) => (b + 0.5) * dr); // up to 14 A

/** A damped-oscillation model g(r) with shells every `shell` A after a first peak at 2.7 A: minima at 2.7 + (k + 1/2) shell. */
function model(shell: number, split = 0): Float64Array {
  return Float64Array.from(r, (x) => {
    if (x < 2.2) return 0;
    const osc = 1 + 1.6 * Math.exp(-(x - 2.7) / 2.5) * Math.cos((2 * Math.PI * (x - 2.7)) / shell);
    // a split second peak: a narrow dip at 2.7 + shell (top of the second shell)
    return osc - split * Math.exp(-(((x - 2.7 - shell) / 0.12) ** 2));
  });
}

describe('rdfTroughs', () => {
  it('finds the minima of a damped-oscillation g(r) to the bin width', () => {
    const shell = 2.45;
    const found = rdfTroughs(r, model(shell));
    const want = [0, 1, 2, 3].map((k) => 2.7 + (k + 0.5) * shell).filter((x) => x + 0.4 * 2.7 <= r[r.length - 1]);
    expect(found.length).toBe(want.length);
    // the decaying envelope shifts the minima of exp(-x/2.5) cos(...) slightly outwards: within 0.1 A
    found.forEach((x, k) => expect(Math.abs(x - want[k])).toBeLessThan(0.1));
  });

  it('does not count the dip inside a split second peak, nor noise', () => {
    const rnd = mulberry32(5);
    const g = model(2.45, 0.5).map((v) => v + 0.04 * (rnd() - 0.5));
    const found = rdfTroughs(r, g);
    expect(found.length).toBe(4);
    expect(found.every((x) => Math.abs(x - 2.7 - 2.45) > 0.5)).toBe(true);
    // the window too narrow for the split peak does take the dip
    expect(rdfTroughs(r, g, { halfWidth: 0.2 }).some((x) => Math.abs(x - 2.7 - 2.45) < 0.1)).toBe(true);
  });

  it('names a bad option', () => {
    expect(() => rdfTroughs(r, model(2.45), { smoothBins: 4 })).toThrow(/option smoothBins must be an odd integer/);
    expect(() => rdfTroughs(r, model(2.45), { halfWidth: -1 })).toThrow(/option halfWidth/);
  });
});

describe('totalRdf', () => {
  it('is the x_u x_v weighted sum of the partials', () => {
    const g = [Float64Array.of(1, 2), Float64Array.of(3, 4), Float64Array.of(3, 4), Float64Array.of(5, 6)];
    const t = totalRdf({ ntypes: 2, fractions: Float64Array.of(0.25, 0.75), g, r: Float64Array.of(1, 2) });
    expect(Array.from(t)).toEqual([0.0625 * 1 + 2 * 0.1875 * 3 + 0.5625 * 5, 0.0625 * 2 + 2 * 0.1875 * 4 + 0.5625 * 6]);
  });
});
