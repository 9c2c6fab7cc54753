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
