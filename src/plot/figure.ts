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

/**
 * Thermodynamic log: one panel per quantity, stacked, sharing the step (or
 * time) axis. `columns` maps a column name (e.g. 'temp', 'pe') to its values.
 */
export function thermoFigure(step: ArrayLike<number>, columns: Record<string, ArrayLike<number>>, opts: { xTitle?: string; title?: string } = {}): PlotlyFigure {
  const names = Object.keys(columns);
  if (names.length === 0) throw new Error('thermoFigure: no columns to plot');
  const gap = 0.04;
  const h = (1 - gap * (names.length - 1)) / names.length;
  const bottom = names.length === 1 ? 'y' : `y${names.length}`;
  // one shared x axis drawn under the bottom panel; panel k (top first) is y axis k
  const layout: Record<string, unknown> = {
    title: opts.title ? { text: opts.title } : undefined,
    height: Math.max(260, 170 * names.length),
    showlegend: false,
    margin: { l: 70, r: 20, t: opts.title ? 50 : 20, b: 50 },
    xaxis: { title: { text: opts.xTitle ?? 'step' }, anchor: bottom },
  };
  const data: PlotlyTrace[] = names.map((name, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    const top = 1 - k * (h + gap);
    layout[`yaxis${suffix}`] = { title: { text: name }, domain: [Math.max(0, top - h), top], anchor: 'x' };
    return { type: 'scatter', mode: 'lines', name, x: plain(step), y: plain(columns[name]), xaxis: 'x', yaxis: `y${suffix}` };
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
