/**
 * Plotly figure builders: pure data in, figure JSON out (the
 * `application/vnd.plotly.v1+json` schema: `{data: Trace[], layout}`).
 * No DOM, no plotly.js: the JSON renders in JupyterLab, in the standalone
 * HTML reports and in any Plotly front end.
 * https://plotly.com/javascript/reference/
 */

/** One Plotly trace; the builders fill the common keys, any Plotly key may be added. */
export interface PlotlyTrace {
  type: string;
  name?: string;
  x?: ArrayLike<number> | readonly (number | string)[];
  y?: ArrayLike<number> | readonly (number | string)[];
  mode?: 'lines' | 'markers' | 'lines+markers';
  [key: string]: unknown;
}

export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export interface Series {
  name?: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  mode?: 'lines' | 'markers' | 'lines+markers';
}

export interface AxesOptions {
  title?: string;
  /** axis titles, with units, e.g. 'r [sigma]' */
  xTitle?: string;
  yTitle?: string;
  logX?: boolean;
  logY?: boolean;
  /** figure height in px (default 380) */
  height?: number;
}

/** Typed arrays become plain arrays so that JSON.stringify writes lists. */
function plain(a: ArrayLike<number>): number[] {
  return Array.from(a, (v) => (Number.isFinite(v) ? v : NaN));
}

/** Line (or marker) plot of several series on shared axes. */
export function lineFigure(series: readonly Series[], opts: AxesOptions = {}): PlotlyFigure {
  for (const s of series) {
    if (s.x.length !== s.y.length) {
      throw new Error(`lineFigure: series '${s.name ?? '?'}' has ${s.x.length} x values but ${s.y.length} y values`);
    }
  }
  return {
    data: series.map((s) => ({ type: 'scatter', mode: s.mode ?? 'lines', name: s.name, x: plain(s.x), y: plain(s.y) })),
    layout: {
      title: opts.title ? { text: opts.title } : undefined,
      xaxis: { title: { text: opts.xTitle ?? '' }, type: opts.logX ? 'log' : 'linear' },
      yaxis: { title: { text: opts.yTitle ?? '' }, type: opts.logY ? 'log' : 'linear' },
      height: opts.height ?? 380,
      margin: { l: 60, r: 20, t: opts.title ? 50 : 20, b: 50 },
      showlegend: series.length > 1,
    },
  };
}

/** Radial distribution function g(r); `r` in length units (sigma for LJ). */
export function rdfFigure(r: ArrayLike<number>, partials: Record<string, ArrayLike<number>>, opts: AxesOptions = {}): PlotlyFigure {
  return lineFigure(Object.entries(partials).map(([name, g]) => ({ name, x: r, y: g })),
    { xTitle: 'r [sigma]', yTitle: 'g(r)', ...opts });
}

/** Mean squared displacement on log-log axes; `t` in time units (tau for LJ). */
export function msdFigure(t: ArrayLike<number>, msd: Record<string, ArrayLike<number>>, opts: AxesOptions = {}): PlotlyFigure {
  // log axes cannot show t = 0
  const keep = Array.from(t, (v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0);
  const pick = (a: ArrayLike<number>) => keep.map((i) => a[i]);
  return lineFigure(Object.entries(msd).map(([name, m]) => ({ name, x: pick(t), y: pick(m) })),
    { xTitle: 't [tau]', yTitle: 'MSD [sigma^2]', logX: true, logY: true, ...opts });
}

/** One panel of a stacked figure: its y axis title and its series (sharing the figure's x). */
export interface Panel {
  yTitle: string;
  series: readonly { name: string; y: ArrayLike<number> }[];
  logY?: boolean;
}

/**
 * Panels stacked top to bottom on one shared x axis (drawn under the bottom
 * panel); panel k (top first) is y axis k + 1. A legend only when a panel
 * holds more than one series.
 */
export function stackedFigure(x: ArrayLike<number>, panels: readonly Panel[], opts: { xTitle?: string; title?: string; logX?: boolean; height?: number } = {}): PlotlyFigure {
  if (panels.length === 0) throw new Error('stackedFigure: no panels to plot');
  const gap = 0.04;
  const h = (1 - gap * (panels.length - 1)) / panels.length;
  const bottom = panels.length === 1 ? 'y' : `y${panels.length}`;
  const layout: Record<string, unknown> = {
    title: opts.title ? { text: opts.title } : undefined,
    height: opts.height ?? Math.max(260, 170 * panels.length),
    showlegend: panels.some((p) => p.series.length > 1),
    margin: { l: 70, r: 20, t: opts.title ? 50 : 20, b: 50 },
    xaxis: { title: { text: opts.xTitle ?? 'step' }, anchor: bottom, type: opts.logX ? 'log' : 'linear' },
  };
  const data: PlotlyTrace[] = panels.flatMap((p, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    const top = 1 - k * (h + gap);
    layout[`yaxis${suffix}`] = { title: { text: p.yTitle }, domain: [Math.max(0, top - h), top], anchor: 'x', type: p.logY ? 'log' : 'linear' };
    return p.series.map((s): PlotlyTrace => {
      if (s.y.length !== x.length) throw new Error(`stackedFigure: series '${s.name}' has ${s.y.length} values for ${x.length} x values`);
      return { type: 'scatter', mode: 'lines', name: s.name, x: plain(x), y: plain(s.y), xaxis: 'x', yaxis: `y${suffix}` };
    });
  });
  return { data, layout };
}

/**
 * Thermodynamic log: one panel per quantity, stacked, sharing the step (or
 * time) axis. `columns` maps a column name (e.g. 'temp', 'pe') to its values.
 */
export function thermoFigure(step: ArrayLike<number>, columns: Record<string, ArrayLike<number>>, opts: { xTitle?: string; title?: string } = {}): PlotlyFigure {
  const names = Object.keys(columns);
  if (names.length === 0) throw new Error('thermoFigure: no columns to plot');
  return stackedFigure(step, names.map((name) => ({ yTitle: name, series: [{ name, y: columns[name] }] })), opts);
}

/** The points with y > 0 and finite (what a log y axis can draw), as plain arrays. */
export function positivePoints(x: ArrayLike<number>, y: ArrayLike<number>): { x: number[]; y: number[] } {
  const X: number[] = [], Y: number[] = [];
  for (let k = 0; k < x.length; k++) if (y[k] > 0 && Number.isFinite(y[k])) { X.push(x[k]); Y.push(y[k]); }
  return { x: X, y: Y };
}

/** Draw the traces named in `names` dashed (Plotly line.dash); returns the figure. */
export function dashTraces(fig: PlotlyFigure, names: readonly string[], dash = 'dash'): PlotlyFigure {
  for (const t of fig.data) if (t.name !== undefined && names.includes(t.name)) t.line = { ...(t.line as object | undefined), dash };
  return fig;
}

/** A dotted vertical line at x over the whole plot height, labelled at the top (a Plotly shape and annotation); returns the figure. */
export function verticalLine(fig: PlotlyFigure, x: number, label: string): PlotlyFigure {
  const log = (fig.layout.xaxis as { type?: string } | undefined)?.type === 'log';
  fig.layout.shapes = [...((fig.layout.shapes as unknown[] | undefined) ?? []),
    { type: 'line', xref: 'x', yref: 'paper', x0: x, x1: x, y0: 0, y1: 1, line: { dash: 'dot', color: 'gray' } }];
  // annotations on a log axis take log10(x)
  fig.layout.annotations = [...((fig.layout.annotations as unknown[] | undefined) ?? []),
    { x: log ? Math.log10(x) : x, y: 1, xref: 'x', yref: 'paper', text: label, showarrow: false, yanchor: 'bottom' }];
  return fig;
}

/**
 * Square matrices side by side as heatmaps on one colour scale (e.g. the
 * similarity matrices of two groups); each panel square, row 0 at the top.
 */
export function heatmapPanels(panels: readonly { name: string; z: readonly (readonly number[])[] }[],
  opts: { title?: string; zmin?: number; zmax?: number; colorscale?: string; height?: number } = {}): PlotlyFigure {
  if (panels.length === 0) throw new Error('heatmapPanels: no panels to plot');
  const w = 1 / panels.length, gap = 0.05;
  const layout: Record<string, unknown> = { title: opts.title ? { text: opts.title } : undefined, height: opts.height ?? 430 };
  const data: PlotlyTrace[] = panels.map((p, k) => {
    const sx = k === 0 ? '' : String(k + 1);
    layout[`xaxis${sx}`] = { domain: [k * w + (k > 0 ? gap : 0), (k + 1) * w - (k < panels.length - 1 ? gap : 0)], title: { text: p.name } };
    layout[`yaxis${sx}`] = { autorange: 'reversed', scaleanchor: `x${sx}`, ...(k > 0 ? { anchor: `x${sx}` } : {}) };
    return {
      type: 'heatmap', name: p.name, z: p.z.map((r) => plain(r)), colorscale: opts.colorscale ?? 'Viridis', showscale: k === panels.length - 1,
      ...(opts.zmin !== undefined ? { zmin: opts.zmin } : {}), ...(opts.zmax !== undefined ? { zmax: opts.zmax } : {}),
      xaxis: `x${sx}`, yaxis: `y${sx}`,
    };
  });
  return { data, layout };
}

/** True for a value shaped like a Plotly figure (used to display it). */
export function isPlotlyFigure(v: unknown): v is PlotlyFigure {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as { data?: unknown; layout?: unknown };
  return Array.isArray(f.data) && f.data.every((t) => typeof t === 'object' && t !== null && typeof (t as PlotlyTrace).type === 'string')
    && (f.layout === undefined || (typeof f.layout === 'object' && f.layout !== null));
}
