/**
 * Correlation between two per-atom fields (softness, Debye-Waller factor,
 * participation, stress, ...).
 *
 * Pearson's coefficient, as written in Fan et al., PRB 105, 104112 (2022),
 * Fig. 2(b):
 *     r = sum (A_i - <A>)(B_i - <B>) / sqrt(sum (A_i - <A>)^2 sum (B_i - <B>)^2),
 * computed in two passes (means first) so that large offsets do not cancel.
 * Spearman's coefficient is Pearson's on the ranks (ties share their mean rank).
 */

function checkPair(a: ArrayLike<number>, b: ArrayLike<number>, where: string): void {
  if (a.length !== b.length) throw new Error(`${where}: the two fields have ${a.length} and ${b.length} values; they must be per-atom fields of the same atoms`);
  if (a.length < 2) throw new Error(`${where}: need at least 2 atoms, got ${a.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) {
      throw new Error(`${where}: value ${i} is not finite (${a[i]}, ${b[i]}); drop such atoms (e.g. with a mask) before correlating`);
    }
  }
}

/** Pearson correlation coefficient of two per-atom fields (NaN when either is constant). */
export function pearsonCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPair(a, b, 'pearsonCorrelation');
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n;
  mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma, db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Ranks 1..n, ties sharing their mean rank. */
export function fieldRanks(a: ArrayLike<number>): Float64Array {
  const n = a.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i] - a[j]);
  const r = new Float64Array(n);
  for (let s = 0; s < n;) {
    let e = s + 1;
    while (e < n && a[order[e]] === a[order[s]]) e++;
    const rank = 0.5 * (s + 1 + e);
    for (let q = s; q < e; q++) r[order[q]] = rank;
    s = e;
  }
  return r;
}

/** Spearman rank correlation of two per-atom fields. */
export function spearmanCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPair(a, b, 'spearmanCorrelation');
  return pearsonCorrelation(fieldRanks(a), fieldRanks(b));
}

/** The entries of a field where mask is true (e.g. one atom type). */
export function maskField(a: ArrayLike<number>, mask: ArrayLike<boolean | number>): Float64Array {
  if (mask.length !== a.length) throw new Error(`maskField: mask has ${mask.length} entries for ${a.length} values`);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (mask[i]) out.push(a[i]);
  return Float64Array.from(out);
}
