import { describe, expect, it } from 'vitest';
import { rdfAroundCentres } from '../../src/analysis/structure/centred-rdf.ts';
import { partialRdf, speciesPairIndex } from '../../src/analysis/structure/structure.ts';
import { framesFromArrays, frameSystem, strideFrames } from '../../src/analysis/dynamics/frames.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';

const sys = randomConfiguration({ n: 300, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 6, jitter: 0.25 });

describe('rdfAroundCentres', () => {
  it('around every A atom equals the partial g_AA and g_AB of partialRdf', () => {
    const A = Array.from(sys.types.keys()).filter((i) => sys.types[i] === 1);
    const c = rdfAroundCentres([sys, sys], [A, A], { rMax: 2.5, dr: 0.05 });
    const p = partialRdf(sys, { rMax: 2.5, dr: 0.05 });
    expect(c.centres).toBe(2 * A.length);
    expect(c.r.length).toBe(p.r.length);
    c.r.forEach((r, b) => expect(r).toBeCloseTo(p.r[b], 12));
    c.g[0].forEach((g, b) => expect(g).toBeCloseTo(p.g[speciesPairIndex(1, 1, 2)][b], 9));
    c.g[1].forEach((g, b) => expect(g).toBeCloseTo(p.g[speciesPairIndex(1, 2, 2)][b], 9));
  });

  it('refuses a centre of another type and mismatched lists', () => {
    const B = Array.from(sys.types.keys()).find((i) => sys.types[i] === 2)!;
    expect(() => rdfAroundCentres([sys], [[B]], { rMax: 2, dr: 0.1 })).toThrow(/centre \d+ of frame 0 has type 2, not 1/);
    expect(() => rdfAroundCentres([sys], [], { rMax: 2, dr: 0.1 })).toThrow(/1 frames but 0 lists/);
  });
});

describe('frameSystem and strideFrames', () => {
  it('take one frame as a System and every k-th frame with its time', () => {
    const n = sys.n, F = 7;
    const positions = new Float64Array(F * n * 3);
    for (let f = 0; f < F; f++) for (let k = 0; k < n * 3; k++) positions[f * n * 3 + k] = sys.positions[k] + 0.01 * f;
    const fr = framesFromArrays({ n, dim: 3, positions, times: Array.from({ length: F }, (_, f) => 0.5 * f), box: sys.box, types: sys.types, ids: sys.ids });
    const s3 = frameSystem(fr, 3);
    expect(s3.positions[5]).toBeCloseTo(sys.positions[5] + 0.03, 12);
    expect(Array.from(s3.types)).toEqual(Array.from(sys.types));
    const every3 = strideFrames(fr, 3);
    expect(Array.from(every3.times)).toEqual([0, 1.5, 3]);
    expect(frameSystem(every3, 2).positions[0]).toBeCloseTo(sys.positions[0] + 0.06, 12);
    expect(() => frameSystem(fr, 7)).toThrow(/frame 7 of 7/);
  });
});
