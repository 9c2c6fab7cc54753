/**
 * Where a model's glasses are usually made: number density, composition and
 * temperature scale, with the literature source. Used by setup helpers and
 * notebooks so that "make a KA glass" needs no numbers typed in.
 */
export interface ModelDefaults {
  readonly dim: 2 | 3;
  /** number density N/V (model length unit^-dim) */
  readonly numberDensity: number;
  /** fraction of each type, index 0 unused (sums to 1) */
  readonly composition: readonly number[];
  /** unit of temperature, e.g. 'eps_AA/k_B', 'eps/k_B', 'K' */
  readonly temperatureUnit: string;
  /** named reference temperatures in temperatureUnit (T_MCT, T_g, melt, ...) */
  readonly referenceTemperatures: Readonly<Record<string, number>>;
  /** literature source of these numbers */
  readonly source: string;
  /** what was inferred rather than read from the source, if anything */
  readonly inferred?: string;
}
