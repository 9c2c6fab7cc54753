import { describe, expect, it } from 'vitest';
import { squaredDisplacements } from '../../src/analysis/dynamics/dynamics.ts';
import { framesFromArrays } from '../../src/analysis/dynamics/frames.ts';
import { Box } from '../../src/system/box.ts';

describe('squaredDisplacements', () => {
  // 3 atoms, 3 frames in 2D; atom 0 moves by (3, 4) between frames 0 and 2, the others by (1, 0) (unwrapped, beyond the box)
  const positions = Float64Array.from([
    0, 0, 1, 1, 2, 2,
    1, 1, 1.5, 1, 2.5, 2,
    3, 4, 2, 1, 3, 2,
  ]);
  const frames = framesFromArrays({ n: 3, dim: 2, positions, times: [0, 1, 2], box: Box.cube(2, 2) });

  it('is |r(to) - r(from)|^2 per atom without the mean displacement, or with it', () => {
    expect(Array.from(squaredDisplacements(frames, { removeDrift: false }))).toEqual([25, 1, 1]);
    // drift (5/3, 4/3)
    const d = squaredDisplacements(frames);
    expect(d[0]).toBeCloseTo((3 - 5 / 3) ** 2 + (4 - 4 / 3) ** 2, 12);
    expect(d[1]).toBeCloseTo((1 - 5 / 3) ** 2 + (4 / 3) ** 2, 12);
    expect(Array.from(squaredDisplacements(frames, { from: 1, to: 1 }))).toEqual([0, 0, 0]);
  });

  it('refuses a frame outside the trajectory', () => {
    expect(() => squaredDisplacements(frames, { to: 3 })).toThrow(/option to must be a frame index in 0..2 of frames, got 3/);
  });
});
