/**
 * A 2D map of a coarse-grained per-atom field with the atoms on top: the
 * slab figures of Wei et al., PRB 99, 014115 (2019), Figs. 1(a), 2, 3 and 6
 * (a contour of the field in a slice, bubbles at the atoms).
 *
 * One Plotly `contour` trace of the grid values and one `scatter` trace of
 * the atoms, coloured by their own value on the same colour scale and range
 * as the contour (so a bubble that stands out from its background is an
 * atom unlike its neighbourhood), sized by type or all alike, with id, type
 * and value on hover. The axes have equal scale (a length is a length in
 * both directions). Pure data in, figure JSON out.
 */
import type { PlotlyFigure, PlotlyTrace } from './figure.ts';

export interface FieldMapAtoms {
  /** in-plane coordinates (length units) */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  ids: ArrayLike<number>;
  types: ArrayLike<number>;
  values: ArrayLike<number>;
}

export interface FieldMapInput {
  /** grid coordinates along the horizontal and vertical axes (length units), increasing */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** grid values, row-major with y slowest: z[q * x.length + p] at (x[p], y[q]); NaN draws nothing */
  z: ArrayLike<number>;
  atoms?: FieldMapAtoms;
  /** field name and units for the colour bar and hover, e.g. 'dQ', 'eV' */
  field: string;
  units?: string;
  /** axis titles, with units, e.g. 'x [A]' */
  xTitle?: string;
  yTitle?: string;
  title?: string;
  /** bubble size: 'type' (type 1 smallest, each further type larger) or 'fixed' (default 'type') */
  bubbles?: 'type' | 'fixed';
  /** colour scale (a Plotly name); default 'RdBu' reversed: low blue, high red as in the paper */
  colorscale?: string;
}

/** Finite values only, NaN for the rest (JSON.stringify would write null for NaN; Plotly reads null as a gap). */
function plain(a: ArrayLike<number>): number[] {
  return Array.from(a, (v) => (Number.isFinite(v) ? v : NaN));
}

/** Contour of a gridded field with the atoms as bubbles (see module doc). */
export function fieldMapFigure(m: FieldMapInput): PlotlyFigure {
  const nx = m.x.length, ny = m.y.length;
  if (m.z.length !== nx * ny) throw new Error(`fieldMapFigure: ${m.z.length} grid values for a ${nx} x ${ny} grid`);
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < m.z.length; k++) if (Number.isFinite(m.z[k])) { lo = Math.min(lo, m.z[k]); hi = Math.max(hi, m.z[k]); }
  const a = m.atoms;
  if (a) {
    for (let k = 0; k < a.values.length; k++) if (Number.isFinite(a.values[k])) { lo = Math.min(lo, a.values[k]); hi = Math.max(hi, a.values[k]); }
  }
  const label = m.units ? `${m.field} [${m.units}]` : m.field;
  const colorscale = m.colorscale ?? 'RdBu';
  const reverse = m.colorscale === undefined;
  const range = Number.isFinite(lo) ? { zmin: lo, zmax: hi } : {};
  const z = Array.from({ length: ny }, (_, q) => plain(Array.prototype.slice.call(m.z, q * nx, (q + 1) * nx) as number[]));
  const data: PlotlyFigure['data'] = [{
    type: 'contour', name: m.field, x: plain(m.x), y: plain(m.y), z, colorscale, reversescale: reverse, ...range,
    contours: { coloring: 'heatmap' }, line: { width: 0.5 },
    colorbar: { title: { text: label } },
    hovertemplate: `x %{x:.3g}<br>y %{y:.3g}<br>${m.field} %{z:.4g}<extra>coarse-grained</extra>`,
  }];
  if (a) {
    const n = a.x.length;
    if (a.y.length !== n || a.ids.length !== n || a.types.length !== n || a.values.length !== n) {
      throw new Error(`fieldMapFigure: the atoms' arrays differ in length (x ${n}, y ${a.y.length}, ids ${a.ids.length}, types ${a.types.length}, values ${a.values.length})`);
    }
    const size = Array.from(a.types, (t) => (m.bubbles === 'fixed' ? 8 : 6 + 4 * Math.max(0, t - 1)));
    data.push({
      type: 'scatter', mode: 'markers', name: 'atoms', x: plain(a.x), y: plain(a.y),
      text: Array.from({ length: n }, (_, i) => `id ${a.ids[i]}<br>type ${a.types[i]}<br>${m.field} ${a.values[i]}${m.units ? ` ${m.units}` : ''}`),
      hoverinfo: 'text',
      marker: {
        size, color: plain(a.values), colorscale, reversescale: reverse, showscale: false,
        ...(Number.isFinite(lo) ? { cmin: lo, cmax: hi } : {}),
        line: { color: 'white', width: 1 },
      },
    });
  }
  return {
    data,
    layout: {
      title: m.title ? { text: m.title } : undefined,
      xaxis: { title: { text: m.xTitle ?? 'x' }, constrain: 'domain' },
      yaxis: { title: { text: m.yTitle ?? 'y' }, scaleanchor: 'x', scaleratio: 1, constrain: 'domain' },
      height: 520,
      margin: { l: 60, r: 20, t: m.title ? 50 : 20, b: 50 },
      showlegend: false,
    },
  };
}

export interface BubbleInput {
  /** in-plane coordinates of the atoms (length units) */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** the bubble quantity per atom; only values > 0 are drawn */
  values: ArrayLike<number>;
  /** atom ids, for the hover text */
  ids?: ArrayLike<number>;
  /** name of the quantity (legend, hover), e.g. 'D2min' */
  name: string;
  units?: string;
  /** marker diameter (px) per unit of value; default: the largest value is 40 px */
  scale?: number;
}

/**
 * White bubbles at atoms, diameter proportional to a per-atom quantity, to
 * lay over a field map (Wei et al. 2019, Figs. 2 and 3: D2min of the AQS
 * events, the deviations of the vibrational and diffusive MSD from their
 * mean, over the activation-energy map). Only positive values are drawn
 * (the paper's bubbles are the atoms above the mean, or the D2min of the
 * atoms that rearranged).
 */
export function bubbleTrace(b: BubbleInput): PlotlyTrace {
  const n = b.x.length;
  if (b.y.length !== n || b.values.length !== n || (b.ids && b.ids.length !== n)) {
    throw new Error(`bubbleTrace: the arrays differ in length (x ${n}, y ${b.y.length}, values ${b.values.length}${b.ids ? `, ids ${b.ids.length}` : ''})`);
  }
  const keep: number[] = [];
  let top = 0;
  for (let i = 0; i < n; i++) if (b.values[i] > 0 && Number.isFinite(b.values[i])) { keep.push(i); top = Math.max(top, b.values[i]); }
  const scale = b.scale ?? (top > 0 ? 40 / top : 1);
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`bubbleTrace: option scale must be a positive number, got ${scale}`);
  const unit = b.units ? ` ${b.units}` : '';
  return {
    type: 'scatter', mode: 'markers', name: b.name,
    x: keep.map((i) => b.x[i]), y: keep.map((i) => b.y[i]),
    text: keep.map((i) => `${b.ids ? `id ${b.ids[i]}<br>` : ''}${b.name} ${b.values[i].toPrecision(4)}${unit}`),
    hoverinfo: 'text',
    marker: { size: keep.map((i) => scale * b.values[i]), sizemode: 'diameter', color: 'rgba(255,255,255,0.55)', line: { color: 'black', width: 1 } },
  };
}
