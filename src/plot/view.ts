/**
 * A 3D view of a configuration: one Plotly `scatter3d` trace of the atoms,
 * coloured by a per-atom field with a colour bar (name and units), sized by
 * type (radius grows with the type number, or one size for all), hover
 * showing id, type and value, and the edges of the box (atoms wrapped into it). Optionally only a
 * slab |coordinate - centre| < thickness / 2 (the paper's 2D maps as a
 * slice you can turn). Pure data in, figure JSON out: plotly.js (bundled,
 * offline) draws it in the notebook and the HTML report.
 *
 *   view(system, { color: softness, field: 'S / <S>' })
 *   view(system, { color: lte, field: 'E', units: 'eps', slab: { axis: 'z', thickness: 3 } })
 *
 * 2D configurations are drawn in the plane z = 0.
 */
import type { PlotlyFigure, PlotlyTrace } from './figure.ts';

/** What view needs of a configuration (a glasslab System has it). */
export interface ViewAtoms {
  n: number;
  dim: number;
  /** coordinates, dim per atom (length units) */
  positions: ArrayLike<number>;
  types: ArrayLike<number>;
  ids?: ArrayLike<number>;
  /** orthogonal extent of the box: its lower corner and edge lengths (drawn as 12 edges; tilt is ignored) */
  box?: { lo: ArrayLike<number>; lengths: ArrayLike<number> };
}

export interface ViewOptions {
  /** per-atom values to colour by (one per atom); default: colour by type */
  color?: ArrayLike<number>;
  /** name of the field for the colour bar and hover (default 'value') */
  field?: string;
  /** its units, shown in the colour bar as 'field [units]' */
  units?: string;
  /** keep the atoms with |x_axis - center| < thickness / 2; center defaults to the middle of the atoms' extent */
  slab?: { axis?: 'x' | 'y' | 'z'; center?: number; thickness: number };
  /** marker size in px: 'type' (default: 5 for type 1, +2 per further type) or one number for all */
  size?: number | 'type';
  /** put the atoms back into the box (orthogonal wrap, default true when the box is known) */
  wrap?: boolean;
  /** Plotly colour scale (default 'RdBu': low blue, high red) */
  colorscale?: string;
  /** colour range (default: the finite range of the shown values) */
  cmin?: number;
  cmax?: number;
  title?: string;
  /** length unit for the axis titles (default 'sigma') */
  lengthUnit?: string;
  height?: number;
}

const AXES = { x: 0, y: 1, z: 2 } as const;

/** Plotly scatter3d view of the atoms (see the module comment). */
export function view(atoms: ViewAtoms, opts: ViewOptions = {}): PlotlyFigure {
  const { n, dim, positions, types } = atoms;
  if (dim !== 2 && dim !== 3) throw new Error(`view: dim must be 2 or 3, got ${dim}`);
  if (positions.length !== n * dim) throw new Error(`view: ${positions.length} coordinates for ${n} atoms in ${dim}D`);
  if (opts.color && opts.color.length !== n) throw new Error(`view: color has ${opts.color.length} values for ${n} atoms; give one per atom in the configuration's order`);
  // unwrapped coordinates (a dump's xu) are put back into the box, so the view shows the cell
  const box = opts.wrap === false ? undefined : atoms.box;
  const coord = (i: number, a: number) => {
    if (a >= dim) return 0;
    const x = positions[dim * i + a];
    if (!box) return x;
    const lo = box.lo[a], L = box.lengths[a];
    return x - L * Math.floor((x - lo) / L);
  };
  let keep = Array.from({ length: n }, (_, i) => i);
  const slab = opts.slab;
  if (slab) {
    const a = AXES[slab.axis ?? 'z'];
    if (a >= dim) throw new Error(`view: slab axis '${slab.axis}' of a ${dim}D configuration; use x or y`);
    if (!(slab.thickness > 0)) throw new Error(`view: slab thickness must be positive, got ${slab.thickness}`);
    let c = slab.center;
    if (c === undefined) {
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < n; i++) { lo = Math.min(lo, coord(i, a)); hi = Math.max(hi, coord(i, a)); }
      c = 0.5 * (lo + hi);
    }
    keep = keep.filter((i) => Math.abs(coord(i, a) - c!) < slab.thickness / 2);
  }
  const field = opts.field ?? (opts.color ? 'value' : 'type');
  const label = opts.units ? `${field} [${opts.units}]` : field;
  const values = keep.map((i) => (opts.color ? opts.color[i] : types[i]));
  let lo = opts.cmin ?? Infinity, hi = opts.cmax ?? -Infinity;
  if (opts.cmin === undefined || opts.cmax === undefined) {
    for (const v of values) if (Number.isFinite(v)) { if (opts.cmin === undefined) lo = Math.min(lo, v); if (opts.cmax === undefined) hi = Math.max(hi, v); }
  }
  const size = (t: number) => (typeof opts.size === 'number' ? opts.size : 5 + 2 * Math.max(0, t - 1));
  const id = (i: number) => (atoms.ids ? atoms.ids[i] : i + 1);
  const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));
  const data: PlotlyTrace[] = [{
    type: 'scatter3d', mode: 'markers', name: 'atoms',
    x: keep.map((i) => coord(i, 0)), y: keep.map((i) => coord(i, 1)), z: keep.map((i) => coord(i, 2)),
    text: keep.map((i, k) => `id ${id(i)}<br>type ${types[i]}<br>${field} ${fmt(values[k])}${opts.units ? ` ${opts.units}` : ''}`),
    hoverinfo: 'text',
    marker: {
      size: keep.map((i) => size(types[i])),
      color: values.map((v) => (Number.isFinite(v) ? v : NaN)),
      colorscale: opts.colorscale ?? 'RdBu',
      ...(Number.isFinite(lo) && Number.isFinite(hi) ? { cmin: lo, cmax: hi } : {}),
      colorbar: { title: { text: label } }, showscale: true, opacity: 1,
      line: { width: 0 },
    },
  }];
  if (atoms.box) data.push(boxEdges(atoms.box, dim));
  const unit = opts.lengthUnit ?? 'sigma';
  const axis = (name: string) => ({ title: { text: `${name} [${unit}]` } });
  const slabText = slab ? `, slab |${slab.axis ?? 'z'} - c| < ${slab.thickness / 2}` : '';
  return {
    data,
    layout: {
      title: { text: opts.title ?? `${keep.length} of ${n} atoms coloured by ${label}${slabText}` },
      scene: { xaxis: axis('x'), yaxis: axis('y'), zaxis: axis('z'), aspectmode: 'data' },
      height: opts.height ?? 560,
      margin: { l: 0, r: 0, t: 50, b: 0 },
      showlegend: false,
    },
  };
}

/** The 12 edges of an orthogonal box as one line trace (NaN breaks the line between edges). */
function boxEdges(box: { lo: ArrayLike<number>; lengths: ArrayLike<number> }, dim: number): PlotlyTrace {
  const lo = [box.lo[0], box.lo[1], dim === 3 ? box.lo[2] : 0];
  const hi = [lo[0] + box.lengths[0], lo[1] + box.lengths[1], dim === 3 ? lo[2] + box.lengths[2] : 0];
  const corner = (k: number) => [k & 1 ? hi[0] : lo[0], k & 2 ? hi[1] : lo[1], k & 4 ? hi[2] : lo[2]];
  const x: number[] = [], y: number[] = [], z: number[] = [];
  for (let a = 0; a < 8; a++) {
    for (const bit of [1, 2, 4]) {
      if (a & bit) continue;
      const p = corner(a), q = corner(a | bit);
      x.push(p[0], q[0], NaN); y.push(p[1], q[1], NaN); z.push(p[2], q[2], NaN);
    }
  }
  return { type: 'scatter3d', mode: 'lines', name: 'box', x, y, z, hoverinfo: 'skip', line: { color: 'gray', width: 2 } };
}
