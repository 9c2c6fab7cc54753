import { describe, expect, it } from 'vitest';
import { extent } from '../../src/util/extent.ts';

describe('extent', () => {
  it('finds min and max of an array too long for Math.min(...values)', () => {
    const v = Float64Array.from({ length: 500_000 }, (_, i) => Math.sin(i) * (1 + i / 1e5));
    expect(() => Math.min(...v)).toThrow(RangeError);
    let lo = Infinity, hi = -Infinity;
    for (const x of v) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
    expect(extent(v)).toEqual([lo, hi]);
  });
  it('skips non-finite values only when asked, and is empty-safe', () => {
    expect(extent([3, NaN, -Infinity, 1], { finite: true })).toEqual([1, 3]);
    expect(extent([3, -Infinity, 1])).toEqual([-Infinity, 3]);
    expect(extent([])).toEqual([Infinity, -Infinity]);
    expect(extent(Int32Array.from([2, 7, 1]))).toEqual([1, 7]);
  });
});
