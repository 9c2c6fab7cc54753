/**
 * Radial functions and the generic per-type-pair container that turns them
 * into a `PairPotential`.
 *
 * A `RadialFunction` is the bare analytic form phi(r) of one type pair,
 * without any cutoff: it writes phi, dphi/dr, d2phi/dr2 and d3phi/dr3 into
 * out[PHI..D3PHI] (slots from ./types.ts). Cutoff treatments (./cutoff.ts)
 * wrap any radial function; `RadialPairPotential` stores one wrapped function
 * and one cutoff per unordered type pair.
 */
import { D2PHI, D3PHI, DPHI, PHI, type PairPotential } from './types.ts';

/** phi(r) and its first three radial derivatives into out[0..3]; no allocation, no cutoff. */
export type RadialFunction = (r: number, out: Float64Array) => void;

/** One type pair of a pair potential: the (already cut) radial function and its cutoff. */
export interface PairEntry {
  /** radial function including its cutoff treatment (zeros for r >= cutoff) */
  readonly fn: RadialFunction;
  /** cutoff distance (length unit of the model) */
  readonly cutoff: number;
}

export interface RadialPairPotentialInit {
  name: string;
  ntypes: number;
  dim?: 2 | 3;
  units: 'lj' | 'metal';
  /** masses by type, index 0 unused */
  typeMasses: readonly number[];
  /** entry for the unordered pair (ti, tj), 1 <= ti <= tj <= ntypes */
  pair: (ti: number, tj: number) => PairEntry;
}

/**
 * A pair potential defined by one radial function per unordered type pair.
 * Lookup tables are flat arrays indexed ti*(ntypes+1)+tj (1-based types,
 * filled symmetrically).
 */
export class RadialPairPotential implements PairPotential {
  readonly kind = 'pair' as const;
  readonly name: string;
  readonly ntypes: number;
  readonly dim?: 2 | 3;
  readonly units: 'lj' | 'metal';
  readonly typeMasses: readonly number[];
  readonly maxCutoff: number;
  private readonly stride: number;
  private readonly fns: (RadialFunction | undefined)[];
  private readonly cutoffs: Float64Array;

  constructor(init: RadialPairPotentialInit) {
    if (!Number.isInteger(init.ntypes) || init.ntypes < 1) {
      throw new Error(`potential '${init.name}': ntypes must be a positive integer, got ${init.ntypes}`);
    }
    if (init.typeMasses.length !== init.ntypes + 1) {
      throw new Error(`potential '${init.name}': typeMasses must have ntypes+1 = ${init.ntypes + 1} entries (index 0 unused), got ${init.typeMasses.length}`);
    }
    this.name = init.name;
    this.ntypes = init.ntypes;
    if (init.dim !== undefined) this.dim = init.dim;
    this.units = init.units;
    this.typeMasses = Object.freeze([...init.typeMasses]);
    this.stride = init.ntypes + 1;
    this.fns = new Array<RadialFunction | undefined>(this.stride * this.stride).fill(undefined);
    this.cutoffs = new Float64Array(this.stride * this.stride);
    let maxCut = 0;
    for (let ti = 1; ti <= init.ntypes; ti++) {
      for (let tj = ti; tj <= init.ntypes; tj++) {
        const e = init.pair(ti, tj);
        if (!(e.cutoff > 0) || !Number.isFinite(e.cutoff)) {
          throw new Error(`potential '${init.name}': cutoff of pair (${ti},${tj}) must be positive and finite, got ${e.cutoff}`);
        }
        for (const [a, b] of [[ti, tj], [tj, ti]] as const) {
          this.fns[a * this.stride + b] = e.fn;
          this.cutoffs[a * this.stride + b] = e.cutoff;
        }
        maxCut = Math.max(maxCut, e.cutoff);
      }
    }
    this.maxCutoff = maxCut;
  }

  cutoff(ti: number, tj: number): number {
    this.checkTypes(ti, tj);
    return this.cutoffs[ti * this.stride + tj];
  }

  radial(ti: number, tj: number, r: number, out: Float64Array): void {
    const fn = this.fns[ti * this.stride + tj];
    if (fn === undefined || ti < 1 || tj < 1 || ti > this.ntypes || tj > this.ntypes) this.checkTypes(ti, tj);
    (fn as RadialFunction)(r, out);
  }

  private checkTypes(ti: number, tj: number): void {
    const ok = (t: number) => Number.isInteger(t) && t >= 1 && t <= this.ntypes;
    if (!ok(ti) || !ok(tj)) {
      throw new RangeError(`potential '${this.name}' defines atom types 1..${this.ntypes}; got type pair (${ti}, ${tj}). Check the types in your data file or choose a potential with more types.`);
    }
  }
}

/** Set out[PHI..D3PHI] to zero (beyond a cutoff). */
export function zeroRadial(out: Float64Array): void {
  out[PHI] = 0;
  out[DPHI] = 0;
  out[D2PHI] = 0;
  out[D3PHI] = 0;
}
