/** Block averaging for correlated time series (Flyvbjerg & Petersen, J. Chem. Phys. 91, 461 (1989)). */
export function blockStats(x: ArrayLike<number>, nblocks = 20): { mean: number; sem: number } {
  const n = Math.floor(x.length / nblocks) * nblocks;
  const b = n / nblocks;
  const means: number[] = [];
  for (let k = 0; k < nblocks; k++) {
    let s = 0;
    for (let i = k * b; i < (k + 1) * b; i++) s += x[i];
    means.push(s / b);
  }
  const mean = means.reduce((a, c) => a + c, 0) / nblocks;
  const v = means.reduce((a, c) => a + (c - mean) ** 2, 0) / (nblocks - 1);
  return { mean, sem: Math.sqrt(v / nblocks) };
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}
