/**
 * Smallest and largest of many values, by a loop. `Math.min(...values)`
 * passes every value as an argument and overflows the stack past about
 * 100,000 of them (a per-atom field of a large glass, the events of a
 * paper-scale ARTn campaign); use this for arrays of any length.
 */

/** [min, max] of the values; with `finite: true` NaN and +-Infinity are skipped. [Infinity, -Infinity] when nothing is counted. */
export function extent(values: ArrayLike<number>, opts: { finite?: boolean } = {}): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (opts.finite && !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
