/**
 * Figures of the local thermal energy (Zylberg et al., PNAS 114, 7289
 * (2017)): Fig. 1 (the thermal displacement field X and the LTE map of a 2D
 * glass: bond lines, red for negative and black for positive E_alpha,
 * thickness and opacity growing with |E_alpha|), Fig. 2 (p(E_alpha) on
 * log-log axes with the -9/4 line; the MD validation inset) and Fig. 3 (the
 * coarse-grained softness field with its soft spots).
 * Pure data in, Plotly JSON out (src/plot/figure.ts).
 */
import { lineFigure, type PlotlyFigure, type PlotlyTrace } from '../../plot/figure.ts';

/** What the bond map needs of a configuration and its LTE (structurally, to keep src/plot free of analysis imports). */
export interface LteMapInput {
  readonly dim: number;
  readonly positions: ArrayLike<number>;
  readonly bonds: { readonly count: number; readonly j: ArrayLike<number>; readonly delta: ArrayLike<number> };
  readonly lte: ArrayLike<number>;
}

/**
 * Bond lines of a 2D LTE map (Fig. 1 right, Fig. 3 left). Bonds are drawn
 * from x_j to x_j + (x_i - x_j) (the minimum image, so lines across the
 * periodic boundary stick out of the box). |E| is cut into `classes`
 * logarithmic classes between the `floorQuantile` quantile and the maximum
 * (weaker bonds are drawn in the thinnest class); each class and sign is one
 * trace with NaN-separated segments.
 */
export function lteBondMapFigure(input: LteMapInput, opts: { classes?: number; floorQuantile?: number; maxWidth?: number; title?: string } = {}): PlotlyFigure {
  if (input.dim !== 2) throw new Error(`lteBondMapFigure: the bond map is drawn for 2D glasses (got dim = ${input.dim}); for 3D use the softness field`);
  const m = input.bonds.count, classes = opts.classes ?? 8, maxWidth = opts.maxWidth ?? 6;
  const mags = Array.from({ length: m }, (_, a) => Math.abs(input.lte[a])).sort((p, q) => p - q);
  const hi = mags[m - 1] || 1;
  const lo = Math.max(mags[Math.floor((opts.floorQuantile ?? 0.5) * (m - 1))], hi * 1e-6);
  const cls = (v: number) => (v <= lo ? 0 : Math.min(classes - 1, Math.floor((Math.log(v / lo) / Math.log(hi / lo)) * classes)));
  const segs: { x: number[]; y: number[] }[] = Array.from({ length: 2 * classes }, () => ({ x: [], y: [] }));
  for (let a = 0; a < m; a++) {
    const e = input.lte[a];
    const s = segs[(e < 0 ? classes : 0) + cls(Math.abs(e))];
    const j = input.bonds.j[a];
    const xj = input.positions[2 * j], yj = input.positions[2 * j + 1];
    s.x.push(xj, xj + input.bonds.delta[2 * a], NaN);
    s.y.push(yj, yj + input.bonds.delta[2 * a + 1], NaN);
  }
  const data: PlotlyTrace[] = [];
  for (let k = 0; k < 2 * classes; k++) {
    if (segs[k].x.length === 0) continue;
    const c = k % classes, neg = k >= classes, f = (c + 1) / classes;
    data.push({
      type: 'scatter', mode: 'lines', x: segs[k].x, y: segs[k].y, hoverinfo: 'skip', showlegend: false,
      name: `${neg ? 'E < 0' : 'E > 0'} class ${c + 1}`,
      line: { color: neg ? 'rgb(200,0,0)' : 'rgb(0,0,0)', width: 0.3 + (maxWidth - 0.3) * f * f }, opacity: 0.15 + 0.85 * f,
    });
  }
  return {
    data,
    layout: {
      title: { text: opts.title ?? 'local thermal energy (black E > 0, red E < 0)' },
      xaxis: { title: { text: 'x' }, scaleanchor: 'y', showgrid: false, zeroline: false },
      yaxis: { title: { text: 'y' }, showgrid: false, zeroline: false },
      height: 600, margin: { l: 50, r: 20, t: 50, b: 50 }, plot_bgcolor: 'white',
    },
  };
}

/** The thermal displacement field X as arrows (lines from x_i to x_i + scale X_i; default scale: longest arrow = 1.5 length units). */
export function lteDisplacementFigure(dim: number, positions: ArrayLike<number>, X: ArrayLike<number>, opts: { scale?: number; title?: string } = {}): PlotlyFigure {
  if (dim !== 2) throw new Error(`lteDisplacementFigure: drawn for 2D glasses (got dim = ${dim})`);
  const n = positions.length / 2;
  let mx = 0;
  for (let i = 0; i < n; i++) mx = Math.max(mx, Math.hypot(X[2 * i], X[2 * i + 1]));
  const s = opts.scale ?? (mx > 0 ? 1.5 / mx : 1);
  const x: number[] = [], y: number[] = [];
  for (let i = 0; i < n; i++) x.push(positions[2 * i], positions[2 * i] + s * X[2 * i], NaN), y.push(positions[2 * i + 1], positions[2 * i + 1] + s * X[2 * i + 1], NaN);
  return {
    data: [{ type: 'scatter', mode: 'lines', x, y, line: { color: 'rgb(30,60,160)', width: 1.2 }, hoverinfo: 'skip', name: 'X' }],
    layout: { title: { text: opts.title ?? `thermal displacement X (x ${s.toPrecision(3)})` }, xaxis: { scaleanchor: 'y', title: { text: 'x' } }, yaxis: { title: { text: 'y' } }, height: 600 },
  };
}

/** p(E) on log-log axes with a guide line of the given slope (default -9/4) through the tail. */
export function lteDistributionFigure(curves: readonly { name: string; centers: ArrayLike<number>; density: ArrayLike<number> }[],
  opts: { slope?: number; fit?: { exponent: number; xmin: number }; title?: string } = {}): PlotlyFigure {
  const series = curves.map((c) => {
    const keep = Array.from(c.density, (d, b) => (d > 0 ? b : -1)).filter((b) => b >= 0);
    return { name: c.name, x: keep.map((b) => c.centers[b]), y: keep.map((b) => c.density[b]), mode: 'markers' as const };
  });
  const fig = lineFigure(series, { xTitle: 'E_alpha', yTitle: 'p(E_alpha)', logX: true, logY: true, title: opts.title ?? 'distribution of the local thermal energy' });
  const slope = opts.slope ?? -9 / 4;
  const first = series[0];
  if (first && first.x.length > 1) {
    const k = Math.floor(first.x.length * 0.6), x0 = first.x[k], y0 = first.y[k] * 2, x1 = first.x[first.x.length - 1];
    fig.data.push({ type: 'scatter', mode: 'lines', name: `slope ${slope.toFixed(2)}`, x: [x0, x1], y: [y0, y0 * Math.pow(x1 / x0, slope)], line: { dash: 'dash', color: 'gray' } });
  }
  if (opts.fit) fig.layout.annotations = [{ text: `fit: ${opts.fit.exponent.toFixed(2)} (E >= ${opts.fit.xmin.toPrecision(3)})`, xref: 'paper', yref: 'paper', x: 0.95, y: 0.95, showarrow: false }];
  fig.layout.showlegend = true;
  return fig;
}

/** MD validation (Fig. 2 inset): measured (<eps>_T - eps0)/(T/2) with error bars against T, the exact E_alpha as lines. */
export function lteDynamicsFigure(md: { temperatures: ArrayLike<number>; bonds: ArrayLike<number>; exact: ArrayLike<number>; measured: ArrayLike<number>; error: ArrayLike<number> }): PlotlyFigure {
  const nT = md.temperatures.length, nb = md.bonds.length;
  const T = Array.from(md.temperatures);
  const data: PlotlyTrace[] = [];
  for (let k = 0; k < nb; k++) {
    data.push({ type: 'scatter', mode: 'markers', name: `bond ${md.bonds[k]} (MD)`, x: T, y: T.map((_, t) => md.measured[t * nb + k]), error_y: { type: 'data', array: T.map((_, t) => md.error[t * nb + k]), visible: true } });
    data.push({ type: 'scatter', mode: 'lines', name: `bond ${md.bonds[k]} (Eq. 3)`, x: [Math.min(...T) * 0.8, Math.max(...T) * 1.2], y: [md.exact[k], md.exact[k]], line: { dash: 'dash' } });
  }
  void nT;
  return { data, layout: { xaxis: { title: { text: 'k_B T' }, type: 'log' }, yaxis: { title: { text: '(<eps>_T - eps0) / (k_B T / 2)' } }, height: 380, title: { text: 'LTE: MD against Eq. 3' } } };
}

/** 2D softness field as a heat map over the bin grid (cell-vector coordinates), soft spots numbered by softness. */
export function lteFieldFigure(field: { dim: number; shape: readonly number[]; field: ArrayLike<number>; centers: ArrayLike<number>; spots: readonly { position: ArrayLike<number>; deltaEpsilon: number }[] },
  opts: { maxSpots?: number; title?: string } = {}): PlotlyFigure {
  if (field.dim !== 2) throw new Error(`lteFieldFigure: drawn for 2D fields (got dim = ${field.dim})`);
  const [nx, ny] = field.shape;
  const z = Array.from({ length: ny }, (_, iy) => Array.from({ length: nx }, (_, ix) => field.field[iy * nx + ix]));
  const xs = Array.from({ length: nx }, (_, ix) => field.centers[2 * ix]), ys = Array.from({ length: ny }, (_, iy) => field.centers[2 * iy * nx + 1]);
  const spots = field.spots.slice(0, opts.maxSpots ?? 10);
  return {
    data: [
      { type: 'heatmap', x: xs, y: ys, z, colorscale: 'Hot', reversescale: true, colorbar: { title: { text: '<|E|>' } } },
      { type: 'scatter', mode: 'text+markers' as 'markers', x: spots.map((s) => s.position[0]), y: spots.map((s) => s.position[1]), text: spots.map((_, k) => String(k + 1)), textposition: 'top center', marker: { color: 'blue', size: 6 }, name: 'soft spots', hovertext: spots.map((s) => `Delta-eps ${s.deltaEpsilon.toFixed(2)}`) },
    ],
    layout: { title: { text: opts.title ?? 'softness field (coarse-grained |E_alpha|)' }, xaxis: { scaleanchor: 'y', title: { text: 'x' } }, yaxis: { title: { text: 'y' } }, height: 600 },
  };
}
