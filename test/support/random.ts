/**
 * Deterministic uniform [0, 1) generator for test fixtures (mulberry32), so
 * that a failing random test reproduces from its seed. Simulation code uses
 * the documented xoshiro128** stream of src/md/random.ts instead.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
