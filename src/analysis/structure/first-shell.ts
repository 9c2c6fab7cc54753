/**
 * Nearest-neighbour distance d_NN and first-shell radii from the partial
 * radial distribution functions (./structure.ts `partialRdf`), as used by
 * Fan et al., PRB 105, 104112 (2022): d_NN = 0.9, "the nearest distance
 * between the B particle and the A particle" (Sec. III), i.e. the first peak
 * of g_AB; first-shell clusters for the cluster alignment of Fig. 5 hold the
 * neighbours within the first minimum of g_ab (./local-softness.ts
 * `integrationLimitsFromRdf`: for well-sampled pairs the lowest point of the
 * smoothed g between the first fall below 1 after the main peak and the next
 * rise above 1; for rare pairs whose highest peak is a later shell, such as
 * Kob-Andersen B-B, the lowest point after the first-shell peak of a g
 * smoothed over a window that widens with the counting noise; see there).
 * On KA glasses the B-B cutoff is 1.0-1.2 and B-centred shells hold 7-11
 * atoms (the main-peak rule alone put g_BB's "first minimum" past the second
 * shell, at 1.5-2.1, and gave B-centred shells of 13-17 atoms).
 *
 * Measured on a 1000-atom KA inherent structure: first peak of g_AB 0.885
 * (the paper's 0.9 to the bin width and sample noise).
 */
import type { System } from '../../system/system.ts';
import { integrationLimitsFromRdf, type FirstMinimumRule } from '../softness/local-softness.ts';
import { partialRdf, speciesPairIndex, type PartialRdfOptions } from './structure.ts';

/** Position of the highest point of g(r) after a 3-bin moving average (the first-shell peak of a dense liquid or glass). */
export function rdfFirstPeak(r: Float64Array, g: Float64Array): number {
  let best = -1, bestValue = -Infinity;
  for (let i = 0; i < g.length; i++) {
    const s = (g[Math.max(0, i - 1)] + g[i] + g[Math.min(g.length - 1, i + 1)]) / 3;
    if (s > bestValue) { bestValue = s; best = i; }
  }
  if (best < 0 || !(bestValue > 0)) throw new Error('rdfFirstPeak: g(r) is empty (no pairs in range); raise rMax or check the types');
  return r[best];
}

/**
 * Nearest-neighbour distance d_NN: the first peak of g_ab (Fan et al. use the
 * A-B pair of Kob-Andersen, types 1 and 2, giving 0.9). Averaged over the
 * Systems given.
 */
export function nearestNeighbourDistance(systems: System | Iterable<System>, typeA = 1, typeB = 2, opts: PartialRdfOptions = {}): number {
  const rdf = partialRdf(systems, opts);
  if (!(typeA >= 1 && typeA <= rdf.ntypes && typeB >= 1 && typeB <= rdf.ntypes)) {
    throw new Error(`nearestNeighbourDistance: type pair (${typeA}, ${typeB}) out of range 1..${rdf.ntypes}; pass dNNTypes [1, 1] for a one-component system`);
  }
  return rdfFirstPeak(rdf.r, rdf.pair(typeA, typeB));
}

/** First-shell radii per type pair: the first minimum of g_ab. */
export interface FirstShellCutoffs {
  readonly ntypes: number;
  /** r_c of the 1-based type pair (a, b) at index speciesPairIndex(a, b, ntypes) = (a - 1) ntypes + (b - 1) */
  readonly cutoffs: Float64Array;
  /** how each r_c was found (same index; integrationLimitsFromRdf): 'main-peak', 'first-shell-window' (rare pair) or 'scaled' */
  readonly rules?: readonly FirstMinimumRule[];
  /** 'first-shell-window' pairs: depth of the minimum in Poisson standard deviations (below ~2: add frames); NaN otherwise */
  readonly dipSignificance?: Float64Array;
}

/** First minima of all partial g_ab of the Systems given (see the module doc). */
export function firstShellCutoffs(systems: System | Iterable<System>, opts: PartialRdfOptions = {}): FirstShellCutoffs {
  const lim = integrationLimitsFromRdf(partialRdf(systems, opts));
  return { ntypes: lim.ntypes, cutoffs: lim.upper, rules: lim.rules, dipSignificance: lim.dipSignificance };
}

/** r_c(a, b) of a FirstShellCutoffs table. */
export function firstShellCutoff(c: FirstShellCutoffs, a: number, b: number): number {
  if (!(a >= 1 && a <= c.ntypes && b >= 1 && b <= c.ntypes)) throw new Error(`firstShellCutoff: type pair (${a}, ${b}) out of range 1..${c.ntypes}`);
  return c.cutoffs[speciesPairIndex(a, b, c.ntypes)];
}

/**
 * Total (number-weighted) g(r) of a multi-component g_uv(r):
 *   g(r) = sum_uv x_u x_v g_uv(r),
 * the pair distribution of all atoms regardless of species (LAMMPS
 * `compute rdf` with no type pairs, up to its N/(N-1) normalisation). This is
 * the curve whose minima Wei et al., PRB 99, 014115 (2019), quote for Cu50Zr50
 * (troughs at 3.9, 6.4, 8.8 and 11.2 A).
 */
export function totalRdf(rdf: { ntypes: number; fractions: Float64Array; g: readonly Float64Array[]; r: Float64Array }): Float64Array {
  const out = new Float64Array(rdf.r.length);
  for (let u = 1; u <= rdf.ntypes; u++) {
    for (let v = 1; v <= rdf.ntypes; v++) {
      const w = rdf.fractions[u - 1] * rdf.fractions[v - 1], g = rdf.g[speciesPairIndex(u, v, rdf.ntypes)];
      for (let b = 0; b < out.length; b++) out[b] += w * g[b];
    }
  }
  return out;
}

export interface RdfTroughOptions {
  /** moving-average window of the smoothing, in bins (odd; default 5) */
  smoothBins?: number;
  /**
   * a trough is the lowest point of the smoothed g within +-halfWidth
   * (length); default 0.4 x the first-peak position (1.1 A for CuZr,
   * 0.4 sigma for KA): wide enough to skip the dip inside the split second
   * peak of a metallic glass, narrow enough to keep every shell (shells are
   * ~0.9 x the first peak apart)
   */
  halfWidth?: number;
}

/**
 * Positions of the minima of g(r) after its first (highest) peak: the
 * troughs between coordination shells. Each is the lowest point of the
 * g smoothed over `smoothBins` bins within +-`halfWidth` of it; bin centres,
 * so the precision is the bin width. Troughs closer than halfWidth to the end
 * of the range are not reported (the window would be cut).
 */
export function rdfTroughs(r: Float64Array, g: Float64Array, opts: RdfTroughOptions = {}): number[] {
  const k = opts.smoothBins ?? 5;
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0) throw new Error(`rdfTroughs: option smoothBins must be an odd integer >= 1, got ${k}`);
  if (r.length !== g.length || r.length < 3) throw new Error(`rdfTroughs: r and g must have the same length >= 3 (got ${r.length}, ${g.length})`);
  const half = (k - 1) / 2, n = g.length;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0, cnt = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(n - 1, i + half); j++) { sum += g[j]; cnt++; }
    s[i] = sum / cnt;
  }
  let peak = 0;
  for (let i = 1; i < n; i++) if (s[i] > s[peak]) peak = i;
  const h = opts.halfWidth ?? 0.4 * r[peak];
  if (!(h > 0)) throw new Error(`rdfTroughs: option halfWidth must be a positive length, got ${h}`);
  const out: number[] = [];
  for (let i = peak + 1; i < n; i++) {
    if (r[i] + h > r[n - 1]) break;
    let lowest = true;
    for (let j = i - 1; j >= 0 && r[i] - r[j] <= h && lowest; j--) if (s[j] < s[i]) lowest = false;
    for (let j = i + 1; j < n && r[j] - r[i] <= h && lowest; j++) if (s[j] <= s[i]) lowest = false;
    if (lowest) out.push(r[i]);
  }
  return out;
}
