/**
 * The VDOS softness analysis of a trajectory as one result (the `vdos`
 * command and `%vdos` return it): the per-atom spectra of vdos.ts, the
 * softness per band (raw, or scaled by its system average), the peak of
 * the total VDOS, and the figures of Fan et al. (2022), Fig. 2.
 *
 *   const r = await vdosAnalysis('run.dump', { frameDt: 0.02, bands: [[0, 0.6]], scale: 'mean' });
 *   r.softness[0]; r.peakOmega; r.figures.total; r.table(); r.spectraTable()
 */
import { Trajectory } from '../../io/trajectory.ts';
import { resultData, resultJSON, type AnalysisResult, type ResultJSON, type TableData } from '../../plot/result.ts';
import type { PlotlyFigure } from '../../plot/figure.ts';
import { atomSpectraFigure, softnessMapFigure, vdosSpectrumFigure } from './figures.ts';
import type { DumpVelocityOptions } from './stream.ts';
import { bandLabel, vdosFromDump, vdosSoftness, type MdVdosOptions, type MdVdosResult, type VdosBand } from './vdos.ts';
import { extent } from '../../util/extent.ts';

export type VdosScale = 'none' | 'mean';

export interface VdosAnalysisOptions extends MdVdosOptions, Omit<DumpVelocityOptions, 'onProgress'> {
  /** softness as the formula ('none', default) or divided by its system average ('mean') */
  scale?: VdosScale;
}

/** What a VdosAnalysis is built from (and saved as). */
export interface VdosAnalysisData {
  vdos: MdVdosResult;
  scale: VdosScale;
  /** softness[b][i] as reported (raw or scaled), atoms in id order */
  softness: Float64Array[];
  /** positions of the first frame used (the softness map); absent for a velocity-only dump */
  firstFrame?: { dim: number; positions: Float64Array };
  /** the input's name (the message of a missing map) */
  source?: string;
}

export interface VdosAnalysis extends AnalysisResult<'vdos'>, VdosAnalysisData {
  bands: VdosBand[];
  /** column names of the softness table after id,type */
  labels: string[];
  /** frequency of the largest total VDOS above omega = 0 */
  peakOmega: number;
  /** total VDOS (the figure()), per-atom spectra of the softest and hardest atoms (first band), softness map of a slab */
  figures: { total: PlotlyFigure; atoms: PlotlyFigure; map: PlotlyFigure };
  figure(): PlotlyFigure;
  /** id, type, one softness column per band (the softness CSV) */
  table(): TableData;
  /** omega, total, type_T... (the MD-VDOS and its per-type parts) */
  spectraTable(): TableData;
}

const VERSION = 1;

/** Per-atom VDOS of a dump (vdosFromDump), the softness of each band, scaled as asked, and the figures. */
export async function vdosAnalysis(path: string, opts: VdosAnalysisOptions): Promise<VdosAnalysis> {
  const bands = opts.bands && opts.bands.length > 0 ? opts.bands : [[0, 0.6] as const];
  const labels = bands.map(bandLabel);
  if (new Set(labels).size !== labels.length) throw new Error(`vdos: the same band is given twice (${labels.join(', ')})`);
  const vdos = await vdosFromDump(path, { ...opts, bands });
  const scale = opts.scale ?? 'none';
  const softness = scale === 'mean' ? bands.map((b) => vdosSoftness(vdos, b, { scale: 'mean' })) : vdos.softness;
  const first = await new Trajectory(path, { start: opts.start, stop: opts.stop, step: opts.step, positionsOptional: true }).frame(0);
  return makeVdosAnalysis({
    vdos, scale, softness, source: path,
    ...(first.hasPositions ? { firstFrame: { dim: first.dim, positions: Float64Array.from(first.positions) } } : {}),
  });
}

/** The result of vdosAnalysis from its data (also what loadResult calls). */
export function makeVdosAnalysis(d: VdosAnalysisData): VdosAnalysis {
  const { vdos: r, softness } = d;
  const bands = r.bands;
  const labels = bands.map(bandLabel);
  let kPeak = 1;
  for (let k = 1; k < r.total.length; k++) if (r.total[k] > r.total[kPeak]) kPeak = k;
  const peakOmega = r.omega[kPeak];
  const figures = vdosFigures(r, d, softness[0], labels[0]);
  const unit = r.units === 'angular' ? 'rad/time' : '1/time';
  const lines = [
    `atoms ${r.n}`,
    `frames ${r.frames} (frame interval ${r.frameDt}, transform length ${r.paddedLength})`,
    `frequency spacing ${r.dOmega} ${unit}, Nyquist ${r.omega[r.omega.length - 1]} ${unit}`,
    `peak of the total VDOS at ${peakOmega} ${unit}`,
    ...labels.map((l, b) => `${l}: mean ${mean(softness[b])}, max ${extent(softness[b])[1]}`),
  ];
  return {
    kind: 'vdos', ...d, bands, labels, peakOmega, figures,
    figure: () => figures.total,
    summary: () => lines.join('\n'),
    table: () => ({
      columns: ['id', 'type', ...labels],
      rows: Array.from({ length: r.n }, (_, i) => [r.ids[i], r.types[i], ...softness.map((s) => s[i])]),
    }),
    spectraTable: () => ({
      columns: ['omega', 'total', ...r.byType.map(({ type }) => `type_${type}`)],
      rows: Array.from(r.omega, (w, k) => [w, r.total[k], ...r.byType.map(({ spectrum }) => spectrum[k])]),
    }),
    toJSON: (): ResultJSON<'vdos'> => resultJSON('vdos', VERSION, d),
  };
}

export function loadVdosAnalysis(json: unknown): VdosAnalysis {
  return makeVdosAnalysis(resultData<VdosAnalysisData>(json, 'vdos', VERSION));
}

function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

function vdosFigures(r: MdVdosResult, d: VdosAnalysisData, S: Float64Array, label: string): VdosAnalysis['figures'] {
  const first = d.firstFrame;
  const xTitle = r.units === 'angular' ? 'omega [rad / time]' : 'nu [1 / time]';
  // show frequencies up to where the total VDOS has fallen below 1e-3 of its peak
  let top = 0, last = r.omega.length - 1;
  for (let k = 0; k < r.total.length; k++) top = Math.max(top, r.total[k]);
  while (last > 1 && r.total[last] < 1e-3 * top) last--;
  const omegaMax = r.omega[Math.min(r.omega.length - 1, Math.ceil(last * 1.1))];
  const total = vdosSpectrumFigure(r.omega, r.total, r.byType, { xTitle, omegaMax });
  let soft = 0, hard = 0;
  for (let i = 0; i < r.n; i++) {
    if (S[i] > S[soft]) soft = i;
    if (S[i] < S[hard]) hard = i;
  }
  const B = r.atomSpectra.values.length / r.n;
  const row = (i: number) => r.atomSpectra.values.subarray(i * B, (i + 1) * B);
  const atoms = atomSpectraFigure(r.atomSpectra.centers, [
    { name: `softest (id ${r.ids[soft]}, ${label} = ${S[soft].toPrecision(3)})`, spectrum: row(soft) },
    { name: `hardest (id ${r.ids[hard]}, ${label} = ${S[hard].toPrecision(3)})`, spectrum: row(hard) },
  ], { xTitle, omegaMax });
  const m = mean(S);
  // a velocity-only dump has no positions to map
  const map = first
    ? softnessMapFigure(first.positions, first.dim, Float64Array.from(S, (s) => (m > 0 ? s / m : s)), { colorTitle: `${label} / mean` })
    : { data: [], layout: { title: { text: `no softness map: ${d.source ?? 'the input'} has no position columns` } } };
  return { total, atoms, map };
}
