/**
 * Figures of the VDOS softness analysis (Fan et al., PRB 105, 104112 (2022),
 * Fig. 2): the total MD-VDOS with its per-type parts, the per-atom spectra
 * of the softest and hardest atoms, and a slab of the softness field.
 */
import { lineFigure, type PlotlyFigure, type Series } from '../../plot/figure.ts';

/** Total VDOS and per-type spectra against frequency (Fig. 2a upper). */
export function vdosSpectrumFigure(omega: ArrayLike<number>, total: ArrayLike<number>, byType: readonly { type: number; spectrum: ArrayLike<number> }[],
  opts: { xTitle?: string; omegaMax?: number; title?: string } = {}): PlotlyFigure {
  const m = cutoffIndex(omega, opts.omegaMax);
  const cut = (a: ArrayLike<number>) => Array.prototype.slice.call(a, 0, m) as number[];
  const series: Series[] = [{ name: 'total', x: cut(omega), y: cut(total) }];
  for (const { type, spectrum } of byType.length > 1 ? byType : []) series.push({ name: `type ${type}`, x: cut(omega), y: cut(spectrum) });
  return lineFigure(series, { xTitle: opts.xTitle ?? 'omega [rad / tau]', yTitle: 'D(omega)', title: opts.title ?? 'MD-VDOS' });
}

/** Per-atom spectra of chosen atoms (Fig. 2a lower: the softest and the hardest). */
export function atomSpectraFigure(centers: ArrayLike<number>, atoms: readonly { name: string; spectrum: ArrayLike<number> }[],
  opts: { xTitle?: string; omegaMax?: number; title?: string } = {}): PlotlyFigure {
  const m = cutoffIndex(centers, opts.omegaMax);
  const cut = (a: ArrayLike<number>) => Array.prototype.slice.call(a, 0, m) as number[];
  return lineFigure(atoms.map((a) => ({ name: a.name, x: cut(centers), y: cut(a.spectrum) })),
    { xTitle: opts.xTitle ?? 'omega [rad / tau]', yTitle: 'D_i(omega)', title: opts.title ?? 'per-atom VDOS' });
}

/**
 * Softness map of the atoms in a slab |z - zCenter| < thickness / 2
 * (Fig. 2c: S scaled by its system average, slab thickness 2).
 */
export function softnessMapFigure(positions: ArrayLike<number>, dim: number, values: ArrayLike<number>,
  opts: { zCenter?: number; thickness?: number; title?: string; colorTitle?: string } = {}): PlotlyFigure {
  const n = values.length;
  const x: number[] = [], y: number[] = [], c: number[] = [];
  let zc = opts.zCenter;
  if (dim === 3 && zc === undefined) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) { lo = Math.min(lo, positions[3 * i + 2]); hi = Math.max(hi, positions[3 * i + 2]); }
    zc = 0.5 * (lo + hi);
  }
  const half = 0.5 * (opts.thickness ?? 2);
  for (let i = 0; i < n; i++) {
    if (dim === 3 && Math.abs(positions[3 * i + 2] - zc!) >= half) continue;
    x.push(positions[dim * i]);
    y.push(positions[dim * i + 1]);
    c.push(values[i]);
  }
  return {
    data: [{
      type: 'scatter', mode: 'markers', x, y,
      marker: { color: c, colorscale: 'RdBu', reversescale: true, size: 7, colorbar: { title: { text: opts.colorTitle ?? 'S / <S>' } } },
    }],
    layout: {
      title: { text: opts.title ?? (dim === 3 ? `softness, slab |z - ${zc!.toPrecision(4)}| < ${half}` : 'softness') },
      xaxis: { title: { text: 'x' } },
      yaxis: { title: { text: 'y' }, scaleanchor: 'x' },
      height: 460,
      margin: { l: 60, r: 20, t: 50, b: 50 },
    },
  };
}

function cutoffIndex(x: ArrayLike<number>, max: number | undefined): number {
  if (max === undefined) return x.length;
  let m = 0;
  while (m < x.length && x[m] <= max) m++;
  return m;
}
