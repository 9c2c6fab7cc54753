import { describe, expect, it } from 'vitest';
import { checkInputAgainstModel, planarSystem, zSpread } from '../../src/core/check-configuration.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { Box } from '../../src/system/box.ts';
import { createSystem } from '../../src/system/system.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';

const flat = (z: number) => {
  const s = randomConfiguration({ n: 100, density: 0.9, dim: 2, composition: [0, 0.5, 0.5], typeMasses: [0, 1, 1], seed: 2 });
  const pos = new Float64Array(300), vel = new Float64Array(300), img = new Int32Array(300);
  for (let i = 0; i < 100; i++) {
    pos[3 * i] = s.positions[2 * i]; pos[3 * i + 1] = s.positions[2 * i + 1]; pos[3 * i + 2] = z;
    vel[3 * i] = i; vel[3 * i + 1] = -i; vel[3 * i + 2] = 0;
    img[3 * i] = 1; img[3 * i + 1] = -1;
  }
  const b = s.box;
  return { two: s, three: createSystem({
    box: new Box({ dim: 3, lo: [b.lo[0], b.lo[1], -0.5], lengths: [b.lengths[0], b.lengths[1], 1], tilt: { xy: 0.25 } }),
    positions: pos, velocities: vel, images: img, types: s.types, ids: s.ids, timestep: 7, time: 0.5,
  }) };
};

describe('planarSystem', () => {
  it('makes a flat 3D configuration 2D (positions, velocities, images, box, step) and refuses a 3D one', () => {
    const { two, three } = flat(0);
    expect(zSpread(three)).toBe(0);
    const p = planarSystem(three);
    expect(p.dim).toBe(2);
    expect(Array.from(p.positions)).toEqual(Array.from(two.positions));
    expect(p.velocities![2]).toBe(1);
    expect(p.velocities![3]).toBe(-1);
    expect(Array.from(p.images!.subarray(0, 2))).toEqual([1, -1]);
    expect(Array.from(p.box.lengths)).toEqual(Array.from(two.box.lengths));
    expect(p.box.xy).toBe(0.25);
    expect([p.timestep, p.time]).toEqual([7, 0.5]);
    expect(() => checkInputAgainstModel(p, getPotential('ipl2d'), { file: 'f', model: 'ipl2d' })).not.toThrow();
    three.positions[5] = 0.1;
    expect(() => planarSystem(three)).toThrow(/spread over z by 0\.1; not a 2D configuration/);
  });
});
