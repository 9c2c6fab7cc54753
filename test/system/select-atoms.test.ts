import { describe, expect, it } from 'vitest';
import { Box } from '../../src/system/box.ts';
import { createSystem, selectAtoms } from '../../src/system/system.ts';

describe('selectAtoms', () => {
  const box = new Box({ dim: 3, lo: [0, 0, 0], lengths: [5, 6, 7], tilt: { xy: 1, xz: 0, yz: 0 } });
  const sys = createSystem({
    box, positions: Array.from({ length: 15 }, (_, k) => k * 0.3), types: [1, 2, 1, 2, 2], ids: [10, 20, 30, 40, 50],
    masses: [1, 2, 3, 4, 5], velocities: Array.from({ length: 15 }, (_, k) => -k), images: Array.from({ length: 15 }, (_, k) => k % 3 - 1),
    props: new Map([['pe', Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5)], ['f', Float64Array.from({ length: 15 }, (_, k) => 100 + k)]]),
    timestep: 7,
  });

  it('copies every per-atom array of the chosen atoms, in the order given, in the same box', () => {
    const s = selectAtoms(sys, [3, 0]);
    expect(s.n).toBe(2);
    expect(s.box).toBe(box);
    expect(Array.from(s.ids)).toEqual([40, 10]);
    expect(Array.from(s.types)).toEqual([2, 1]);
    expect(Array.from(s.masses)).toEqual([4, 1]);
    expect(Array.from(s.positions)).toEqual([9, 10, 11, 0, 1, 2].map((k) => k * 0.3));
    expect(Array.from(s.velocities!)).toEqual([-9, -10, -11, -0, -1, -2]);
    expect(Array.from(s.images!)).toEqual([-1, 0, 1, -1, 0, 1]);
    expect(Array.from(s.props.get('pe')!)).toEqual([0.4, 0.1]);
    expect(Array.from(s.props.get('f')!)).toEqual([109, 110, 111, 100, 101, 102]);
    expect(s.timestep).toBe(7);
    s.positions[0] = 99;
    expect(sys.positions[9]).toBeCloseTo(2.7, 12); // a copy
  });

  it('refuses an index out of range or given twice', () => {
    expect(() => selectAtoms(sys, [0, 5])).toThrow(/index 5 is outside 0..4/);
    expect(() => selectAtoms(sys, [1, 1])).toThrow(/index 1 \(atom id 20\) is given twice/);
  });
});
