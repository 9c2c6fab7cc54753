import { describe, expect, it } from 'vitest';
import { SCALES, sizesAt } from '../../src/util/scale.ts';

describe('sizesAt: a notebook size parameter at its scale', () => {
  it('picks the quick, medium or paper value, of any type', () => {
    expect(SCALES.map((s) => sizesAt(s)(500, 2000, 4000, 256))).toEqual([500, 2000, 4000, 256]);
    // the three original scales ignore a workshop size; the workshop scale needs one
    expect(SCALES.slice(0, 3).map((s) => sizesAt(s)(500, 2000, 4000))).toEqual([500, 2000, 4000]);
    expect(() => sizesAt('workshop')(500, 2000, 4000)).toThrow(/this notebook has no workshop size .*run it at scale quick/);
    const bySize = sizesAt('medium');
    expect(bySize([500], [500, 2000], [500, 4000, 8000])).toEqual([500, 2000]);
    expect(bySize('a', 'b', 'c')).toBe('b');
  });

  it('refuses another scale, naming it and the allowed ones', () => {
    expect(() => sizesAt('Medium')).toThrow("scale 'Medium' is not one of quick, medium, paper, workshop: set the notebook's scale parameter (run-notebooks --scale) to one of them");
  });
});
