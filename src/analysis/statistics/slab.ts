/**
 * Slab map of a per-atom field: the atoms of a slice of the cell and the
 * field coarse-grained on a 2D grid in the slice's plane, as in the contour
 * maps of Wei et al., PRB 99, 014115 (2019), Figs. 1(a), 2, 3 and 6 (slices
 * 3.9 A thick, "the activation energies are therefore coarse grained on such
 * a thickness normal to the shown plane").
 *
 * Geometry (LAMMPS cell, edges a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz)):
 * the slab normal to `axis` is bounded by planes of constant fractional
 * coordinate s_axis, i.e. planes spanned by the other two edges (a, b for z;
 * a, c for y; b, c for x). For z these are planes z = const in any cell; for x
 * and y in a tilted cell they are the cell's faces, not x = const. These are
 * the only planes that are periodic in a tilted cell.
 *  - `center` is the mid-plane's distance from the lower face through `lo`,
 *    measured along the face normal, plus lo[axis]: in an orthorhombic cell
 *    simply the coordinate (default: the middle of the cell);
 *  - an atom is in the slab when its minimum-image distance from the mid-plane
 *    along the normal, |s_axis - s_center| w_axis (w the perpendicular width of
 *    the cell), is <= thickness / 2 (length units).
 *
 * In-plane coordinates (u, v), length units: the perpendicular projection of
 * r - o on the mid-plane (o = lo + s_center e_axis), with u along the first
 * in-plane edge e1 (a for y and z, b for x) and v perpendicular to it in the
 * plane. The plane is periodic under the 2D lattice E1 = (|e1|, 0),
 * E2 = (e2.u, |e2 - (e2.u)u|), and the rectangle [0, Lu) x [0, Lv) with
 * Lu = |e1|, Lv = E2_v is one of its cells, also when E2 is tilted; every
 * atom's (u, v) is wrapped into it. For z in any cell (u, v) = (x, y) - o.
 *
 * Coarse graining (a Gaussian-weighted local average, Nadaraya-Watson, so the
 * map keeps the field's units):
 *
 *   F(g) = sum_i sum_L K(|g - p_i - L|) f_i / W(g),   W(g) = sum_i sum_L K(|g - p_i - L|),
 *   K(d) = exp(-d^2 / (2 smoothing^2)) for d < cutoff = 4 smoothing, else 0,
 *
 * over the slab's atoms i at in-plane points p_i and every lattice vector L of
 * the plane (all images within the cutoff, also when the cutoff exceeds the
 * cell). W / (2 pi smoothing^2) is the kernel estimate of the atoms per unit
 * area. A grid point with no atom within the cutoff gets F = NaN (a gap).
 * Grid: nu x nv points at the cell centres ((p + 1/2) Lu/nu, (q + 1/2) Lv/nv);
 * default spacing smoothing / 2, at most 400 points a side. Default
 * smoothing: thickness / 2 (the paper does not state its width; 1.95 A for
 * its 3.9 A slab, about its correlation length of ~2.2 A, Sec. IV).
 * Cost: O(N) to select the slab, O(n_slab (2 cutoff)^2 / (du dv)) for the map.
 *
 * A 2D system is its own plane: every atom is in the "slab" and axis,
 * center and thickness are not used.
 *
 *   const m = slabMap(sys, barrier, { axis: 'z', thickness: 3.9, fieldName: 'dQ', units: 'eV' });
 *   m.figure(); m.table() // u,v,value,weight per grid point
 */
import { cellGeometry, wrappedFractional } from '../../neighbor/cell-geometry.ts';
import { bubbleTrace, fieldMapFigure } from '../../plot/map.ts';
import type { PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';
import type { System } from '../../system/system.ts';

export type SlabAxis = 'x' | 'y' | 'z';

export interface SlabMapOptions {
  /** the slab's normal (see the module doc); default 'z' */
  axis?: SlabAxis;
  /** mid-plane position along the normal, length units (see the module doc); default the middle of the cell */
  center?: number;
  /** slab thickness, length units (3.9 A in the paper); required in 3D */
  thickness?: number;
  /** Gaussian kernel width (standard deviation), length units; default thickness / 2 */
  smoothing?: number;
  /** grid points along u and v; default spacing smoothing / 2 (at most 400) */
  grid?: readonly [number, number];
  /** field name and units for the summary, table and figure; default 'P', none */
  fieldName?: string;
  units?: string;
  /** length unit for the axis titles, e.g. 'A' or 'sigma'; default none */
  lengthUnit?: string;
  /** bubble size in the figure: by type or fixed; default 'type' */
  bubbles?: 'type' | 'fixed';
}

/** What a SlabMap is built from (and saved as). */
export interface SlabMapData {
  fieldName: string;
  units: string;
  lengthUnit: string;
  bubbles: 'type' | 'fixed';
  /** 'x' | 'y' | 'z', or '' for a 2D system */
  axis: string;
  center: number;
  thickness: number;
  smoothing: number;
  cutoff: number;
  /** atoms in the system and in the slab */
  nTotal: number;
  nSlab: number;
  /** names of the in-plane axes ('x', 'y', 'z' when the direction is a Cartesian axis, else 'u', 'v') */
  uName: string;
  vName: string;
  /** in-plane cell [0, lu) x [0, lv) and the tilt e2u of its second edge */
  lu: number;
  lv: number;
  e2u: number;
  /** grid coordinates */
  gridU: Float64Array;
  gridV: Float64Array;
  /** F and W at grid point (p, q), index q * nu + p */
  value: Float64Array;
  weight: Float64Array;
  /** the slab's atoms: in-plane position, signed distance from the mid-plane, id, type, value */
  atomU: Float64Array;
  atomV: Float64Array;
  atomDepth: Float64Array;
  atomIds: Int32Array;
  atomTypes: Int32Array;
  atomValues: Float64Array;
}

export interface SlabMap extends AnalysisResult<'slab-map'>, SlabMapData {
  /** <u>,<v>,<field>,weight per grid point (v slowest) */
  table(): TableData;
  /** contour of the map with the atoms as bubbles */
  figure(): PlotlyFigure;
}

const VERSION = 1;
/** kernel cutoff in units of the smoothing width */
export const SLAB_KERNEL_CUTOFF = 4;
const AXES: readonly SlabAxis[] = ['x', 'y', 'z'];

type Vec3 = [number, number, number];
const dot = (p: Vec3, q: Vec3) => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];

/** Name of the Cartesian axis a unit vector lies along, or `fallback`. */
function axisName(e: Vec3, fallback: string): string {
  const k = e.findIndex((c) => Math.abs(Math.abs(c) - 1) < 1e-12);
  return k >= 0 ? 'xyz'[k] : fallback;
}

/** Slab map of a per-atom field (see module doc). */
export function slabMap(sys: System, field: ArrayLike<number>, opts: SlabMapOptions = {}): SlabMap {
  const where = 'slabMap';
  const n = sys.n, box = sys.box, g = cellGeometry(box);
  if (field.length !== n) throw new Error(`${where}: the field has ${field.length} values for ${n} atoms`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(field[i])) throw new Error(`${where}: field value of atom id ${sys.ids[i]} (index ${i}) is not finite`);
  }
  const flat = sys.dim === 2;
  const axis = opts.axis ?? 'z';
  const k = AXES.indexOf(axis);
  if (k < 0) throw new Error(`${where}: option axis must be x, y or z, got '${axis}'`);
  if (!flat && !box.periodic.every((p) => p)) throw new Error(`${where}: needs a box periodic in x, y and z`);
  if (flat && !(box.periodic[0] && box.periodic[1])) throw new Error(`${where}: needs a box periodic in x and y`);
  const width = flat ? Infinity : g.widths[k];
  const thickness = opts.thickness ?? (flat ? NaN : undefined);
  if (thickness === undefined) throw new Error(`${where}: option thickness is required for a 3D system`);
  if (!flat && !(thickness > 0 && thickness <= width)) throw new Error(`${where}: option thickness must lie in (0, ${width}] (the cell's width normal to ${axis}), got ${thickness}`);
  const smoothing = opts.smoothing ?? thickness / 2;
  if (!(smoothing > 0) || !Number.isFinite(smoothing)) throw new Error(`${where}: option smoothing must be a positive length${flat ? ' (required for a 2D system)' : ''}, got ${smoothing}`);
  const lo = box.lo[flat ? 0 : k];
  const center = flat ? NaN : opts.center ?? lo + width / 2;
  if (!Number.isFinite(flat ? 0 : center)) throw new Error(`${where}: option center must be a finite number, got ${center}`);

  // edges, the plane's frame (u along e1, v perpendicular in the plane), the 2D lattice
  const edges: Vec3[] = [[g.lx, 0, 0], [g.xy, g.ly, 0], flat ? [0, 0, 1] : [g.xz, g.yz, g.lz]];
  const kk = flat ? 2 : k;
  const [i1, i2] = [0, 1, 2].filter((q) => q !== kk);
  const e1 = edges[i1], e2 = edges[i2], ek = edges[kk];
  const lu = Math.hypot(...e1);
  const uh: Vec3 = [e1[0] / lu, e1[1] / lu, e1[2] / lu];
  const e2u = dot(e2, uh);
  const perp: Vec3 = [e2[0] - e2u * uh[0], e2[1] - e2u * uh[1], e2[2] - e2u * uh[2]];
  const lv = Math.hypot(...perp);
  const vh: Vec3 = [perp[0] / lv, perp[1] / lv, perp[2] / lv];
  // in-plane projection of e_axis in the basis E1, E2: P = alpha E1 + beta E2
  const pu = dot(ek, uh), pv = dot(ek, vh);
  const beta = pv / lv, alpha = (pu - beta * e2u) / lu;

  const s = wrappedFractional(sys, undefined, where);
  const sc = flat ? 0 : (center - lo) / width;
  const half = flat ? Infinity : thickness / 2;
  const sel: number[] = [], depth: number[] = [], pu2: number[] = [], pv2: number[] = [];
  for (let i = 0; i < n; i++) {
    let ds = flat ? 0 : s[3 * i + kk] - sc;
    ds -= Math.round(ds);
    if (!flat && Math.abs(ds) * width > half) continue;
    // (t1, t2): fractional coordinates of the projected point in the basis E1, E2
    let t2 = s[3 * i + i2] + ds * beta;
    t2 -= Math.floor(t2);
    const t1 = s[3 * i + i1] + ds * alpha;
    // t2 in [0, 1): v = t2 lv; u = t1 lu + t2 e2u, wrapped by multiples of E1 into [0, lu)
    let u = t1 * lu + t2 * e2u;
    u -= Math.floor(u / lu) * lu;
    if (u >= lu) u = 0;
    let v = t2 * lv;
    if (v >= lv) v = 0;
    sel.push(i); depth.push(ds * (flat ? 0 : width)); pu2.push(u); pv2.push(v);
  }
  if (sel.length === 0) {
    throw new Error(`${where}: no atom lies within ${thickness / 2} of the mid-plane at ${center} (normal ${axis}); choose another center or a thicker slab`);
  }

  const spacing = smoothing / 2;
  const [nu, nv] = opts.grid ?? [Math.min(400, Math.max(2, Math.ceil(lu / spacing))), Math.min(400, Math.max(2, Math.ceil(lv / spacing)))];
  for (const m of [nu, nv]) {
    if (!Number.isInteger(m) || m < 2 || m > 4000) throw new Error(`${where}: option grid must be two integers in [2, 4000], got ${nu} x ${nv}`);
  }
  const du = lu / nu, dv = lv / nv;
  const gridU = Float64Array.from({ length: nu }, (_, p) => (p + 0.5) * du);
  const gridV = Float64Array.from({ length: nv }, (_, q) => (q + 0.5) * dv);
  const cutoff = SLAB_KERNEL_CUTOFF * smoothing, cut2 = cutoff * cutoff, inv2s2 = 1 / (2 * smoothing * smoothing);
  const sumF = new Float64Array(nu * nv), weight = new Float64Array(nu * nv);
  const values = Float64Array.from(sel, (i) => field[i]);
  for (let a = 0; a < sel.length; a++) {
    const f = values[a];
    // every image p + m E2 + l E1 that lies within the cutoff of the rectangle
    for (let m = Math.ceil((-cutoff - pv2[a]) / lv); m <= Math.floor((lv + cutoff - pv2[a]) / lv); m++) {
      const y = pv2[a] + m * lv, xm = pu2[a] + m * e2u;
      for (let l = Math.ceil((-cutoff - xm) / lu); l <= Math.floor((lu + cutoff - xm) / lu); l++) {
        const x = xm + l * lu;
        const p0 = Math.max(0, Math.ceil((x - cutoff) / du - 0.5)), p1 = Math.min(nu - 1, Math.floor((x + cutoff) / du - 0.5));
        const q0 = Math.max(0, Math.ceil((y - cutoff) / dv - 0.5)), q1 = Math.min(nv - 1, Math.floor((y + cutoff) / dv - 0.5));
        for (let q = q0; q <= q1; q++) {
          const dy = gridV[q] - y;
          for (let p = p0; p <= p1; p++) {
            const dx = gridU[p] - x, d2 = dx * dx + dy * dy;
            if (d2 >= cut2) continue;
            const w = Math.exp(-d2 * inv2s2);
            weight[q * nu + p] += w;
            sumF[q * nu + p] += w * f;
          }
        }
      }
    }
  }
  const value = Float64Array.from(sumF, (v, q) => (weight[q] > 0 ? v / weight[q] : NaN));
  return makeSlabMap({
    fieldName: opts.fieldName ?? 'P', units: opts.units ?? '', lengthUnit: opts.lengthUnit ?? '', bubbles: opts.bubbles ?? 'type',
    axis: flat ? '' : axis, center, thickness, smoothing, cutoff, nTotal: n, nSlab: sel.length,
    uName: axisName(uh, 'u'), vName: axisName(vh, 'v'), lu, lv, e2u, gridU, gridV, value, weight,
    atomU: Float64Array.from(pu2), atomV: Float64Array.from(pv2), atomDepth: Float64Array.from(depth),
    atomIds: Int32Array.from(sel, (i) => sys.ids[i]), atomTypes: Int32Array.from(sel, (i) => sys.types[i]), atomValues: values,
  });
}

export function loadSlabMap(json: unknown): SlabMap {
  return makeSlabMap(resultData<SlabMapData>(json, 'slab-map', VERSION));
}

function makeSlabMap(d: SlabMapData): SlabMap {
  const nu = d.gridU.length, nv = d.gridV.length;
  const len = (name: string) => (d.lengthUnit ? `${name} [${d.lengthUnit}]` : name);
  const where = d.axis === '' ? 'the 2D system' : `slab normal to ${d.axis} at ${d.center}, thickness ${d.thickness}`;
  let lo = Infinity, hi = -Infinity;
  for (const v of d.value) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const gaps = d.value.reduce((c, v) => c + (Number.isFinite(v) ? 0 : 1), 0);
  return {
    kind: 'slab-map', ...d,
    summary: () => [
      `slab_atoms ${d.nSlab} of ${d.nTotal} (${where})`,
      `map of ${d.fieldName}${d.units ? ` [${d.units}]` : ''}: ${nu} x ${nv} grid on ${d.uName} in [0, ${d.lu}), ${d.vName} in [0, ${d.lv}); ` +
        `Gaussian average, smoothing ${d.smoothing}, cutoff ${d.cutoff}`,
      `range ${lo} .. ${hi}${gaps > 0 ? `; ${gaps} grid points with no atom within the cutoff (NaN)` : ''}`,
    ].join('\n'),
    table: () => {
      const rows: number[][] = [];
      for (let q = 0; q < nv; q++) for (let p = 0; p < nu; p++) rows.push([d.gridU[p], d.gridV[q], d.value[q * nu + p], d.weight[q * nu + p]]);
      return { columns: [d.uName, d.vName, d.fieldName, 'weight'], rows };
    },
    figure: () => fieldMapFigure({
      x: d.gridU, y: d.gridV, z: d.value, field: d.fieldName, units: d.units || undefined, bubbles: d.bubbles,
      atoms: { x: d.atomU, y: d.atomV, ids: d.atomIds, types: d.atomTypes, values: d.atomValues },
      xTitle: len(d.uName), yTitle: len(d.vName), title: `${d.fieldName}, ${where}; smoothing ${d.smoothing}`,
    }),
    toJSON: () => resultJSON('slab-map', VERSION, d),
  };
}

export interface SlabBubblesOptions {
  /** name and units of the bubble quantity; default the bubble map's field */
  name?: string;
  units?: string;
  /** marker diameter (px) per unit of value; default: the largest is 40 px */
  scale?: number;
  title?: string;
}

/**
 * The contour of `background` with the atoms of `bubbles` drawn as white
 * bubbles sized by their value (only values > 0; plot/map.ts bubbleTrace):
 * Wei et al. 2019, Fig. 2 (D2min over the Delta-Q map) and Fig. 3 (MSD
 * deviations). Both maps must be slabs of the same cell with the same axis,
 * centre and thickness (e.g. slabMap of two fields, or of two atom sets of
 * one glass, with the same options), so that their in-plane coordinates agree.
 */
export function slabBubblesFigure(background: SlabMapData, bubbles: SlabMapData, opts: SlabBubblesOptions = {}): PlotlyFigure {
  const same = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  if (background.axis !== bubbles.axis || !same(background.center, bubbles.center) || !same(background.thickness, bubbles.thickness)
    || !same(background.lu, bubbles.lu) || !same(background.lv, bubbles.lv) || !same(background.e2u, bubbles.e2u)) {
    throw new Error(`slabBubblesFigure: the two maps are not the same slab (axis ${background.axis} / ${bubbles.axis}, center ${background.center} / ${bubbles.center}, ` +
      `thickness ${background.thickness} / ${bubbles.thickness}, in-plane cell ${background.lu} x ${background.lv} / ${bubbles.lu} x ${bubbles.lv}); build both with the same options on the same cell`);
  }
  const fig = makeSlabMap(background).figure();
  fig.data = fig.data.filter((t) => t.type === 'contour');
  fig.data.push(bubbleTrace({
    x: bubbles.atomU, y: bubbles.atomV, values: bubbles.atomValues, ids: bubbles.atomIds,
    name: opts.name ?? bubbles.fieldName, units: opts.units ?? (bubbles.units || undefined), scale: opts.scale,
  }));
  if (opts.title) fig.layout.title = { text: opts.title };
  fig.layout.showlegend = true;
  return fig;
}
