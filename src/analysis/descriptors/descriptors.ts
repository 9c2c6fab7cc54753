/**
 * The per-atom structural descriptors of Wei et al., Phys. Rev. B 99, 014115
 * (2019), Sec. III, side by side for one inherent structure:
 *
 *   vmsd    vibrational MSD about the inherent structure, Eq. 1 (length^2;
 *           vibrational-msd.ts)
 *   vflex   flexibility volume, Eq. 2 (length^3; flexibility.ts)
 *   s2      two-body excess entropy, Eq. 3 (k_B per atom), optional column
 *   pfrac   participation fraction of the low-frequency modes, Eq. 4
 *           (dimensionless), optional column
 *   l5fs    local fivefold symmetry: fraction of pentagonal faces of the
 *           atom's Voronoi cell (Sec. IV C, Fig. S1; structure/voronoi.ts)
 *   volume  Voronoi volume Omega_i (length^3)
 *
 * `structuralDescriptors(is, frames, opts)` computes them: the tessellation
 * of `is` (Voronoi, or radical with per-type radii, with the face-area
 * threshold of voronoi.ts), the vibrational MSD from `frames` (an MD run at
 * temperature T started from `is`), and Eq. 2 from both.
 *
 * s2 and pfrac come from their own library functions. They enter through
 * `opts.s2` and `opts.pfrac`, each a per-atom column provider called with
 * the inherent structure and returning one value per atom in its storage
 * order (pairExcessEntropy(is, {cutoff, sigma}) and
 * participationFraction(is, potential, {modeFraction})). A column without a
 * provider is absent from the result and its table: never filled with
 * placeholders. A provider's values must be finite.
 *
 * Rows of the table are in the inherent structure's storage order, with its
 * atom ids.
 */
import { lineFigure, type PlotlyFigure, type Series } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';
import type { System } from '../../system/system.ts';
import type { AnalysisFrameSource } from '../../system/frame-source.ts';
import { voronoiTessellation, type VoronoiOptions } from '../structure/voronoi.ts';
import { flexibilityVolume, type FlexLength } from './flexibility.ts';
import { vibrationalMsd, type VibrationalMsdOptions } from './vibrational-msd.ts';

/** One value per atom of the inherent structure, in its storage order. */
export type PerAtomColumn = (is: System) => ArrayLike<number> | Promise<ArrayLike<number>>;

export interface DescriptorsOptions extends VibrationalMsdOptions {
  /** tessellation (radii: radical; faceAreaFraction: counted faces for l5fs and the neighbour spacing) */
  voronoi?: VoronoiOptions;
  /** a_i of Eq. 2: 'omega' = Omega_i^(1/3) (default, Wei et al.), 'neighbour' = mean Voronoi-neighbour distance (Ding et al. 2016) */
  flexLength?: FlexLength;
  /** two-body excess entropy S_2,i (Eq. 3, k_B): e.g. (is) => pairExcessEntropy(is, { cutoff, sigma }) */
  s2?: PerAtomColumn;
  /** participation fraction p_i (Eq. 4): e.g. (is) => participationFraction(is, potential, { modeFraction }) */
  pfrac?: PerAtomColumn;
}

export interface DescriptorsData {
  readonly n: number;
  /** atom ids and types, inherent-structure storage order */
  readonly ids: Int32Array;
  readonly types: Int32Array;
  /** vibrational MSD, length^2 */
  readonly vmsd: Float64Array;
  /** flexibility volume, length^3 */
  readonly vflex: Float64Array;
  /** two-body excess entropy (k_B), when a provider was given */
  readonly s2?: Float64Array;
  /** participation fraction, when a provider was given */
  readonly pfrac?: Float64Array;
  /** fraction of pentagonal faces among counted faces */
  readonly l5fs: Float64Array;
  /** Voronoi volume, length^3 */
  readonly volume: Float64Array;
  /** frames averaged for vmsd */
  readonly frames: number;
  /** largest displacement from the inherent structure in the run (drift removed), length */
  readonly maxDisplacement: number;
  readonly flexLength: FlexLength;
  readonly radical: boolean;
  readonly faceAreaFraction: number;
}

export interface DescriptorsResult extends AnalysisResult<'descriptors'>, DescriptorsData {
  /** the descriptor columns present, in table order (vmsd, vflex, [s2], [pfrac], l5fs, volume) */
  columns(): string[];
  /** id,type,vmsd,vflex,[s2],[pfrac],l5fs,volume; rows in the inherent structure's order */
  table(): TableData;
  /** the distribution of vmsd per type, and each other descriptor against vmsd */
  figure(): PlotlyFigure[];
}

const VERSION = 1;

const UNITS: Record<string, string> = {
  vmsd: 'length^2', vflex: 'length^3', s2: 'k_B', pfrac: '1', l5fs: '1', volume: 'length^3',
};

export function loadDescriptorsResult(json: unknown): DescriptorsResult {
  return makeDescriptorsResult(resultData<DescriptorsData>(json, 'descriptors', VERSION));
}

/** The result of given columns (all per atom, length n); checks the lengths and that optional columns are finite. */
export function makeDescriptorsResult(d: DescriptorsData): DescriptorsResult {
  const { n } = d;
  const names = ['vmsd', 'vflex', ...(d.s2 ? ['s2'] : []), ...(d.pfrac ? ['pfrac'] : []), 'l5fs', 'volume'];
  const col = (name: string): Float64Array => d[name as 'vmsd'];
  for (const name of ['ids', 'types', ...names]) {
    const v = d[name as 'ids'];
    if (v.length !== n) throw new Error(`descriptors: column ${name} has ${v.length} values for ${n} atoms`);
  }
  const typeList = [...new Set(d.types)].sort((a, b) => a - b);
  const mean = (v: ArrayLike<number>, t?: number): number => {
    let s = 0, m = 0;
    for (let i = 0; i < n; i++) if (t === undefined || d.types[i] === t) { s += v[i]; m++; }
    return m > 0 ? s / m : NaN;
  };
  return {
    kind: 'descriptors', ...d,
    columns: () => names.slice(),
    summary: () => [
      `atoms ${n}`,
      `frames ${d.frames}`,
      `max_displacement ${d.maxDisplacement}`,
      `tessellation ${d.radical ? 'radical' : 'voronoi'}`,
      `flex_length ${d.flexLength}`,
      ...names.map((c) => `mean_${c} ${mean(col(c))}` + (typeList.length > 1 ? ` (${typeList.map((t) => `type ${t}: ${mean(col(c), t)}`).join(', ')})` : '')),
      ...(d.s2 ? [] : ['s2 not computed']),
      ...(d.pfrac ? [] : ['pfrac not computed']),
    ].join('\n'),
    table: () => ({
      columns: ['id', 'type', ...names],
      rows: Array.from({ length: n }, (_, i) => [d.ids[i], d.types[i], ...names.map((c) => col(c)[i])]),
    }),
    figure: () => {
      const byType = (t: number) => Array.from({ length: n }, (_, i) => i).filter((i) => d.types[i] === t);
      const groups = typeList.map((t) => ({ t, idx: byType(t) }));
      const cdf: Series[] = groups.map(({ t, idx }) => {
        const x = Float64Array.from(idx, (i) => d.vmsd[i]).sort();
        return { name: `type ${t}`, x, y: Float64Array.from(x, (_, k) => (k + 1) / x.length) };
      });
      const figs = [lineFigure(cdf, { xTitle: 'vibrational MSD [length^2]', yTitle: 'fraction of atoms below', title: 'vibrational MSD' })];
      for (const c of names.slice(1)) {
        const pts: Series[] = groups.map(({ t, idx }) => ({
          name: `type ${t}`, mode: 'markers',
          x: Float64Array.from(idx, (i) => d.vmsd[i]), y: Float64Array.from(idx, (i) => col(c)[i]),
        }));
        figs.push(lineFigure(pts, { xTitle: 'vibrational MSD [length^2]', yTitle: `${c} [${UNITS[c]}]`, title: `${c} against vmsd` }));
      }
      return figs;
    },
    toJSON: () => resultJSON('descriptors', VERSION, d),
  };
}

async function column(name: string, provider: PerAtomColumn, is: System): Promise<Float64Array> {
  const v = Float64Array.from(await provider(is));
  if (v.length !== is.n) throw new Error(`structuralDescriptors: the ${name} provider gave ${v.length} values for ${is.n} atoms`);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new Error(`structuralDescriptors: the ${name} provider gave ${v[i]} for atom id ${is.ids[i]}; every value must be finite`);
  }
  return v;
}

/**
 * The descriptors of the inherent structure `is` (3D, periodic) from the
 * frames of a run started from it; see the module doc.
 */
export async function structuralDescriptors(is: System, frames: AnalysisFrameSource, opts: DescriptorsOptions = {}): Promise<DescriptorsResult> {
  if (is.dim !== 3) throw new Error(`structuralDescriptors: needs a 3D inherent structure (the Voronoi volume), got dim=${is.dim}`);
  // the frames first: a run of other atoms fails before the tessellation's work
  const vib = await vibrationalMsd(is, frames, opts);
  const vor = voronoiTessellation(is, opts.voronoi);
  const flexLength = opts.flexLength ?? 'omega';
  return makeDescriptorsResult({
    n: is.n, ids: Int32Array.from(is.ids), types: Int32Array.from(is.types),
    vmsd: vib.vmsd,
    vflex: flexibilityVolume(vib.vmsd, vor, flexLength),
    s2: opts.s2 ? await column('s2', opts.s2, is) : undefined,
    pfrac: opts.pfrac ? await column('pfrac', opts.pfrac, is) : undefined,
    l5fs: vor.l5fs,
    volume: vor.volumes,
    frames: vib.frames, maxDisplacement: vib.maxDisplacement,
    flexLength, radical: vor.radical, faceAreaFraction: vor.faceAreaFraction,
  });
}
