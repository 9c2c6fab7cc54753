/**
 * Per-mode and per-atom measures of normal modes (normal-modes.ts layout:
 * modes as rows, mode m's atom i part at vectors[m*N*dim + i*dim ..]).
 *
 * - Participation ratio of mode m (Bell & Dean, Discuss. Faraday Soc. 50,
 *   55 (1970); Mazzacurati, Ruocco & Sampoli, EPL 34, 681 (1996)):
 *     PR_m = (sum_i |e_i|^2)^2 / (N sum_i |e_i|^4),
 *   1 for a mode spread evenly over all N atoms, 1/N for one atom.
 * - Participation fraction of atom i over a set S of modes (Wei et al.,
 *   PRB 99, 014115 (2019), Eq. 4; Widmer-Cooper et al., Nat. Phys. 4, 711
 *   (2008)): p_i = sum_{m in S} |e_i^m|^2, with S the lowest 0.25% of the
 *   modes in Wei et al. With S the first 30 non-zero modes this is the
 *   normal-mode softness field used as reference by Zylberg et al., PNAS
 *   114, 7289 (2017). sum_i p_i = |S| for unit-norm modes.
 * - DM-VDOS: histogram of the angular frequencies, normalised to unit area
 *   (Fan et al. compare it with the velocity-autocorrelation VDOS).
 */

export interface ModeSet {
  readonly nAtoms: number;
  readonly dim: 2 | 3;
  readonly count: number;
  readonly vectors: Float64Array;
}

function checkModes(m: ModeSet, where: string): void {
  if (m.vectors.length < m.count * m.nAtoms * m.dim) {
    throw new Error(`${where}: vectors hold ${m.vectors.length} values, fewer than count * nAtoms * dim = ${m.count * m.nAtoms * m.dim}`);
  }
}

/** PR_m for every mode m (module doc). */
export function participationRatio(modes: ModeSet): Float64Array {
  checkModes(modes, 'participationRatio');
  const { nAtoms: N, dim, count, vectors } = modes;
  const nd = N * dim;
  const out = new Float64Array(count);
  for (let m = 0; m < count; m++) {
    let s2 = 0, s4 = 0;
    const o = m * nd;
    for (let i = 0; i < N; i++) {
      let a2 = 0;
      for (let x = 0; x < dim; x++) { const v = vectors[o + i * dim + x]; a2 += v * v; }
      s2 += a2;
      s4 += a2 * a2;
    }
    out[m] = s4 > 0 ? (s2 * s2) / (N * s4) : 0;
  }
  return out;
}

/**
 * Number of lowest modes in a fraction of all modes: max(1, round(fraction *
 * totalModes)); Wei et al. use fraction 0.0025 of the 3N modes.
 */
export function modeCountForFraction(totalModes: number, fraction: number): number {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`modeCountForFraction: fraction must lie in (0, 1], got ${fraction}`);
  return Math.max(1, Math.round(fraction * totalModes));
}

/**
 * p_i = sum over the first `modeCount` modes (rows) of |e_i|^2 (Wei et al.
 * Eq. 4). Pass the modes sorted by frequency, translations removed (as
 * lowestModes / allModes return them). Default modeCount: all given modes.
 */
export function participationFraction(modes: ModeSet, modeCount = modes.count): Float64Array {
  checkModes(modes, 'participationFraction');
  if (!Number.isInteger(modeCount) || modeCount < 1 || modeCount > modes.count) {
    throw new Error(`participationFraction: modeCount must be an integer in [1, ${modes.count}] (the modes given), got ${modeCount}`);
  }
  const { nAtoms: N, dim, vectors } = modes;
  const nd = N * dim;
  const p = new Float64Array(N);
  for (let m = 0; m < modeCount; m++) {
    const o = m * nd;
    for (let i = 0; i < N; i++) {
      let a2 = 0;
      for (let x = 0; x < dim; x++) { const v = vectors[o + i * dim + x]; a2 += v * v; }
      p[i] += a2;
    }
  }
  return p;
}

export interface Histogram {
  /** bin edges, length bins + 1 */
  readonly edges: Float64Array;
  readonly centers: Float64Array;
  /** counts per bin */
  readonly counts: Float64Array;
  /** counts / (total * width): integrates to 1 over [min, max] */
  readonly density: Float64Array;
  /** samples outside [min, max] (not counted) */
  readonly outside: number;
}

export interface VdosOptions {
  /** number of bins (default 100) */
  bins?: number;
  /** lower edge (default 0) */
  min?: number;
  /** upper edge (default the largest frequency, included in the last bin) */
  max?: number;
}

/**
 * DM-VDOS D(omega): histogram of the angular frequencies, normalised so that
 * sum density * width = 1 over the samples inside [min, max].
 */
export function vdosHistogram(frequencies: ArrayLike<number>, opts: VdosOptions = {}): Histogram {
  const bins = opts.bins ?? 100;
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`vdosHistogram: option bins must be a positive integer, got ${bins}`);
  let fmax = -Infinity;
  for (let q = 0; q < frequencies.length; q++) fmax = Math.max(fmax, frequencies[q]);
  const lo = opts.min ?? 0, hi = opts.max ?? fmax;
  if (!(hi > lo)) throw new Error(`vdosHistogram: need max > min, got min = ${lo}, max = ${hi}${frequencies.length === 0 ? ' (no frequencies given)' : ''}`);
  const width = (hi - lo) / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, b) => lo + b * width);
  const centers = Float64Array.from({ length: bins }, (_, b) => lo + (b + 0.5) * width);
  const counts = new Float64Array(bins);
  let outside = 0, inside = 0;
  for (let q = 0; q < frequencies.length; q++) {
    const f = frequencies[q];
    if (!(f >= lo && f <= hi)) { outside++; continue; }
    counts[Math.min(bins - 1, Math.floor((f - lo) / width))]++;
    inside++;
  }
  const density = counts.map((c) => (inside > 0 ? c / (inside * width) : 0));
  return { edges, centers, counts, density, outside };
}
