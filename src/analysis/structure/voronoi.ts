/**
 * Voronoi and radical (Laguerre) tessellation of a 2D or 3D configuration,
 * cell by cell, with the per-atom quantities of Wei et al., Phys. Rev. B 99,
 * 014115 (2019), Sec. III: cell volume, faces (area, neighbour across),
 * coordination, Voronoi index <n3, n4, n5, n6, ...> and L5FS, the fraction
 * of pentagonal faces. In 2D a cell is a polygon: its "volume" is its area,
 * its "surface" its perimeter, its faces are its edges (`area` = the edge's
 * length, `edges` = 1), and the Voronoi index and L5FS are zero.
 *
 * Units: positions and radii in the system's length unit; volumes in
 * length^3 (2D: length^2), areas in length^2 (2D: length).
 *
 * Algorithm (the voro++ approach, C. H. Rycroft, Chaos 19, 041111 (2009)):
 * the cell of atom i starts as a cube (square) that holds the whole box,
 * is cut by the box faces along non-periodic directions (walls, as voro++
 * without -p there; tags -1 x lo, -2 x hi, -3 y lo, -4 y hi, -5 z lo,
 * -6 z hi), and then by the plane of each neighbour j. The Voronoi plane is
 * the bisector d.x = |d|^2 / 2 (d = r_j - r_i, x relative to r_i); the
 * radical plane is d.x = (|d|^2 + R_i^2 - R_j^2) / 2 with the radii R_i,
 * R_j of the two types. A plane cuts only if its distance from r_i,
 * h(d) = (|d|^2 + R_i^2 - R_j^2) / (2 |d|), is below the farthest vertex
 * distance rho.
 *
 * Neighbours come from a grid of bins in fractional coordinates (about 2
 * atoms a bin). The 27 (9) bins around atom i's bin are
 * taken first, their atoms in order of distance; then the other bins in
 * order of a lower bound D on the distance to any of their points, each
 * bin's atoms in storage order, until (D^2 + R_i^2 - Rmax^2) / (2 D) >= rho
 * (h grows with the distance, so no farther atom can cut). Periodic images
 * are bins beyond the grid's edge (any number of them, so small boxes work);
 * along a wall direction there are none. If the listed bins run out first
 * (very open cells), the list grows and the cell is rebuilt. Orthorhombic
 * and triclinic cells (2D: xy tilt).
 *
 * Representation: vertices (relative to r_i) and faces as vertex cycles,
 * counter-clockwise seen from outside, each face tagged with the atom index
 * across it (a wall's tag above). A cut drops the vertices
 * outside the plane, keeps those within a tolerance of it as they are (so a
 * plane through an existing vertex, as in fcc and bcc, makes no zero-length
 * edge), adds one vertex per crossed edge (shared by its two faces), and
 * closes the hole with one new face chained from the edges left without a
 * twin. In 2D the polygon is clipped by each line in one pass round it.
 * The tolerance is 1e-11 Rt in distance from the plane, Rt = 2.5 (V/N)^(1/d)
 * + 2 Rmax: vertices closer than that are taken as on it. In perturbed crystals (displacements of
 * 1e-12 to 1e-10) the volumes then sum to the box volume to ~1e-12 relative
 * instead of ~1e-15; tiny edges and faces of such cells are real and are
 * what `minEdgeLength` and `faceAreaFraction` filter.
 *
 * Checked against libvoro++ (Debian voro++-dev 0.4.6, full precision,
 * test/support/voro-exact.cc): per-atom volumes, surfaces and face areas to
 * 1e-8 and the same faces and Voronoi indices on a CuZr glass (orthorhombic
 * and tilted, Voronoi and radical), with walls, and in 2D as a thin 3D slab.
 *
 * Decisions:
 * - A face counts for the index, the coordination and L5FS only if its area
 *   exceeds `faceAreaFraction` (default 0.01) of the cell's total surface;
 *   an edge counts only if longer than `minEdgeLength` (default 0). Faces
 *   with fewer than 3 counted edges are not in the index. `faces` lists all
 *   faces, counted or not.
 * - The index stores n3..n9 and, last, the faces with 10 or more edges.
 * - Radii are per type (radii[t - 1] for type t); without radii, the plain
 *   Voronoi tessellation. In a radical tessellation a cell may be empty
 *   (volume 0, no faces).
 */
import { lineFigure, type PlotlyFigure } from '../../plot/figure.ts';
import { resultData, resultJSON, type AnalysisResult, type TableData } from '../../plot/result.ts';
import type { System } from '../../system/system.ts';
import { cellGeometry, wrappedFractional, type CellGeometry } from '../../neighbor/cell-geometry.ts';

/** number of entries per atom in `VoronoiResult.index`: n3 .. n9, n10+ */
export const VORONOI_INDEX_LENGTH = 8;

export interface VoronoiOptions {
  /** radius per type (radii[t - 1] for type t), length units: radical tessellation */
  radii?: ArrayLike<number>;
  /** a face counts if its area > this fraction of the cell's surface (default 0.01) */
  faceAreaFraction?: number;
  /** an edge counts if longer than this, length units (default 0) */
  minEdgeLength?: number;
}

/** One face of a cell. */
export interface VoronoiFace {
  /** atom index (storage order) across the face; a wall: -1 x lo, -2 x hi, -3 y lo, -4 y hi, -5 z lo, -6 z hi */
  neighbor: number;
  /**
   * centre-to-centre distance to that neighbour, length units: the distance
   * to the periodic image whose plane made the face (so right in boxes
   * smaller than twice the neighbour distance, where the minimum image of
   * the index is not that image); for a wall, twice the distance to it (the
   * mirror image)
   */
  distance: number;
  /** area, length^2 (2D: the edge's length) */
  area: number;
  /** number of edges (all edges; 1 in 2D) */
  edges: number;
  /** number of edges longer than minEdgeLength */
  countedEdges: number;
  /** whether the face passes the area threshold */
  counted: boolean;
}

export interface VoronoiData {
  readonly n: number;
  /** 2 or 3; in 2D a cell's volume is its area, its surface its perimeter, a face an edge */
  readonly dim: 2 | 3;
  /** atom ids and types, storage order */
  readonly ids: Int32Array;
  readonly types: Int32Array;
  readonly radical: boolean;
  readonly faceAreaFraction: number;
  readonly minEdgeLength: number;
  /** cell volume per atom, length^3 */
  readonly volumes: Float64Array;
  /** total cell surface per atom, length^2 */
  readonly surfaces: Float64Array;
  /** number of counted faces per atom */
  readonly coordination: Int32Array;
  /** Voronoi index, stride VORONOI_INDEX_LENGTH: n3 .. n9, n10+ (counted faces) */
  readonly index: Int32Array;
  /** fraction of pentagonal faces among counted faces (0 for an empty cell) */
  readonly l5fs: Float64Array;
  /** all faces of each cell */
  readonly faces: VoronoiFace[][];
}

export interface VoronoiResult extends AnalysisResult<'voronoi'>, VoronoiData {
  /** id,type,volume,coordination,n3,n4,n5,n6,n7plus,l5fs, rows by id */
  table(): TableData;
  /** distribution of the cell volumes */
  figure(): PlotlyFigure;
}

/** 2: faces carry `distance` */
const VERSION = 2;

export function loadVoronoiResult(json: unknown): VoronoiResult {
  const d = resultData<VoronoiData>(json, 'voronoi', VERSION);
  return makeVoronoiResult({ ...d, dim: d.dim ?? 3 });
}

function makeVoronoiResult(d: VoronoiData): VoronoiResult {
  const { n } = d, L = VORONOI_INDEX_LENGTH;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d.ids[a] - d.ids[b]);
  const mean = (v: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < v.length; i++) s += v[i]; return n > 0 ? s / n : 0; };
  return {
    kind: 'voronoi', ...d,
    summary: () => [
      `atoms ${n}`,
      `tessellation ${d.radical ? 'radical' : 'voronoi'}`,
      `mean_volume ${mean(d.volumes)}`,
      `mean_coordination ${mean(d.coordination)}`,
      `mean_l5fs ${mean(d.l5fs)}`,
    ].join('\n'),
    table: () => d.dim === 2 ? {
      columns: ['id', 'type', 'area', 'perimeter', 'coordination'],
      rows: order.map((i) => [d.ids[i], d.types[i], d.volumes[i], d.surfaces[i], d.coordination[i]]),
    } : {
      columns: ['id', 'type', 'volume', 'coordination', 'n3', 'n4', 'n5', 'n6', 'n7plus', 'l5fs'],
      rows: order.map((i) => {
        const ix = d.index.subarray(i * L, (i + 1) * L);
        let n7 = 0;
        for (let k = 4; k < L; k++) n7 += ix[k];
        return [d.ids[i], d.types[i], d.volumes[i], d.coordination[i], ix[0], ix[1], ix[2], ix[3], n7, d.l5fs[i]];
      }),
    },
    figure: () => {
      const sorted = Float64Array.from(d.volumes).sort();
      return lineFigure([{ name: 'cell volume', x: sorted, y: Float64Array.from(sorted, (_, k) => (k + 1) / n) }],
        { xTitle: 'cell volume [length^3]', yTitle: 'fraction of atoms below' });
    },
    toJSON: () => resultJSON('voronoi', VERSION, d),
  };
}

/**
 * A convex cell around the origin that planes (3D) or lines (2D) cut down:
 * `cut` keeps the half-space nx*x + ny*y + nz*z <= c and tags the new face
 * with the atom across it; `rho` is the farthest vertex distance, `empty` says
 * whether the cut removed everything (a radical cell may vanish).
 */
interface Cell {
  cut(nx: number, ny: number, nz: number, c: number, tol: number, tag: number): boolean;
  rho(): number;
  empty(): boolean;
}

/** scratch of Poly.cut: side of each vertex and its signed distance (one cut at a time) */
let side3 = new Int8Array(256), sv3 = new Float64Array(256), map3 = new Int32Array(256);

/** crossed edges of the current cut (a few dozen at most; a linear search beats a Map here) */
let crossKey = new Float64Array(64), crossW = new Int32Array(64), crossCount = 0;

/**
 * The vertex where the plane crosses edge (a, b) of the vertex list v (sv: the
 * signed values of the plane at the vertices), made once per edge and shared
 * by the edge's two faces.
 */
function crossing(v: number[], sv: Float64Array, a: number, b: number): number {
  const key = a < b ? a * 1048576 + b : b * 1048576 + a;
  for (let k = 0; k < crossCount; k++) if (crossKey[k] === key) return crossW[k];
  const t = sv[a] / (sv[a] - sv[b]);
  const w = v.length / 3;
  v.push(v[3 * a] + t * (v[3 * b] - v[3 * a]), v[3 * a + 1] + t * (v[3 * b + 1] - v[3 * a + 1]),
    v[3 * a + 2] + t * (v[3 * b + 2] - v[3 * a + 2]));
  if (crossCount === crossKey.length) {
    const k2 = new Float64Array(2 * crossCount), w2 = new Int32Array(2 * crossCount);
    k2.set(crossKey); w2.set(crossW); crossKey = k2; crossW = w2;
  }
  crossKey[crossCount] = key; crossW[crossCount++] = w;
  return w;
}

/** Successor map over the small vertex ids of one cut (the new face's cycle); a Map, without allocation. */
class Successors {
  private to = new Int32Array(256).fill(-1);
  private keys: number[] = [];
  reset(): void {
    for (const k of this.keys) this.to[k] = -1;
    this.keys.length = 0;
  }
  get size(): number { return this.keys.length; }
  first(): number { return this.keys[0]; }
  has(a: number): boolean { return a < this.to.length && this.to[a] >= 0; }
  get(a: number): number | undefined {
    const w = a < this.to.length ? this.to[a] : -1;
    return w >= 0 ? w : undefined;
  }
  set(a: number, b: number): void {
    if (a >= this.to.length) {
      const to = new Int32Array(2 * a + 2).fill(-1);
      to.set(this.to);
      this.to = to;
    }
    if (this.to[a] < 0) this.keys.push(a);
    this.to[a] = b;
  }
}
const successors = new Successors();

/** tag of the faces of the starting cube (or square); none survives, the box is inside it */
const START_TAG = -7;

/** Convex polyhedron around the origin: vertices (x, y, z) and faces (vertex cycles, CCW from outside). */
class Poly implements Cell {
  v: number[];
  faces: number[][];
  tags: number[];

  constructor(R: number) {
    const v: number[] = [];
    for (let k = 0; k < 8; k++) v.push(k & 1 ? R : -R, k & 2 ? R : -R, k & 4 ? R : -R);
    // outward CCW cycles
    this.faces = [[0, 4, 6, 2], [1, 3, 7, 5], [0, 1, 5, 4], [2, 6, 7, 3], [0, 2, 3, 1], [4, 5, 7, 6]];
    this.v = v;
    this.tags = this.faces.map(() => START_TAG);
  }

  rho(): number {
    let m = 0;
    const v = this.v;
    for (let k = 0; k < v.length; k += 3) m = Math.max(m, v[k] * v[k] + v[k + 1] * v[k + 1] + v[k + 2] * v[k + 2]);
    return Math.sqrt(m);
  }

  empty(): boolean { return this.faces.length === 0; }

  /**
   * Cut by the half-space nx*x + ny*y + nz*z <= c, tagging the new face.
   * tol: tolerance on the signed value (units of n.x). Returns false if nothing was cut.
   */
  cut(nx: number, ny: number, nz: number, c: number, tol: number, tag: number): boolean {
    const v = this.v, nv = v.length / 3;
    // most planes that reach the bounding sphere miss the cell: test before allocating
    let k1 = 0;
    while (k1 < nv && nx * v[3 * k1] + ny * v[3 * k1 + 1] + nz * v[3 * k1 + 2] - c <= tol) k1++;
    if (k1 === nv) return false;
    if (side3.length < nv) { side3 = new Int8Array(2 * nv); sv3 = new Float64Array(2 * nv); }
    const side = side3, sv = sv3;
    let anyOn = false;
    for (let k = 0; k < nv; k++) {
      const s = nx * v[3 * k] + ny * v[3 * k + 1] + nz * v[3 * k + 2] - c;
      sv[k] = s;
      side[k] = s > tol ? 1 : s < -tol ? -1 : 0;
      if (side[k] === 0) anyOn = true;
    }
    crossCount = 0;
    const faces: number[][] = [], tags: number[] = [];
    // the new face as a successor map over the vertices on the plane: without
    // vertices on the plane its edges are exactly the chords of the clipped
    // faces (exit point -> entry point), run backwards
    const next = successors;
    next.reset();
    for (let f = 0; f < this.faces.length; f++) {
      const cyc = this.faces[f], m = cyc.length;
      let k0 = 0;
      while (k0 < m && side[cyc[k0]] === 1) k0++;
      if (k0 === m) continue;
      if (!anyOn) {
        // faces entirely inside stay as they are
        let allIn = true;
        for (let q = 0; q < m; q++) if (side[cyc[q]] === 1) { allIn = false; break; }
        if (allIn) { faces.push(cyc); tags.push(this.tags[f]); continue; }
      }
      const out: number[] = [];
      let skipped = false;
      for (let q = 0; q < m; q++) {
        const a = cyc[(k0 + q) % m], b = cyc[(k0 + q + 1) % m];
        if (side[a] !== 1) {
          if (skipped && !anyOn) next.set(a, out[out.length - 1]);
          skipped = false;
          out.push(a);
        } else skipped = true;
        if ((side[a] === -1 && side[b] === 1) || (side[a] === 1 && side[b] === -1)) {
          const w = crossing(v, sv, a, b);
          if (skipped && !anyOn) next.set(w, out[out.length - 1]);
          skipped = false;
          out.push(w);
        }
      }
      if (skipped && !anyOn) next.set(out[0], out[out.length - 1]);
      if (out.length >= 3) { faces.push(out); tags.push(this.tags[f]); }
    }
    if (anyOn) {
      // general case: edges without a twin lie on the plane; the new face runs them backwards
      const edges = new Set<number>();
      for (const cyc of faces) for (let k = 0; k < cyc.length; k++) edges.add(cyc[k] * 1048576 + cyc[(k + 1) % cyc.length]);
      for (const cyc of faces) {
        for (let k = 0; k < cyc.length; k++) {
          const a = cyc[k], b = cyc[(k + 1) % cyc.length];
          if (!edges.has(b * 1048576 + a)) {
            if (next.has(b)) throw new Error('voronoi: degenerate cut (a vertex with two open edges); please report this configuration');
            next.set(b, a);
          }
        }
      }
    }
    if (next.size >= 3) {
      const start = next.first();
      const capFace: number[] = [start];
      for (let w = next.get(start)!; w !== start; w = next.get(w)!) {
        if (w === undefined || capFace.length > next.size) throw new Error('voronoi: open cut boundary; please report this configuration');
        capFace.push(w);
      }
      if (capFace.length !== next.size) throw new Error('voronoi: cut boundary in several loops; please report this configuration');
      faces.push(capFace);
      tags.push(tag);
    }
    // compact the vertices
    if (map3.length < v.length / 3) map3 = new Int32Array(v.length);
    const map = map3.fill(-1, 0, v.length / 3);
    const nvOut: number[] = [];
    for (const cyc of faces) {
      for (let k = 0; k < cyc.length; k++) {
        const a = cyc[k];
        if (map[a] < 0) { map[a] = nvOut.length / 3; nvOut.push(v[3 * a], v[3 * a + 1], v[3 * a + 2]); }
        cyc[k] = map[a];
      }
    }
    this.v = nvOut; this.faces = faces; this.tags = tags;
    return true;
  }
}

/**
 * Convex polygon around the origin (2D cell): vertices (x, y) counter-clockwise;
 * edge k runs from vertex k to vertex k + 1 and has the tag tags[k].
 */
class Polygon implements Cell {
  v: number[];
  tags: number[];

  constructor(R: number) {
    this.v = [-R, -R, R, -R, R, R, -R, R];
    this.tags = [START_TAG, START_TAG, START_TAG, START_TAG];
  }

  rho(): number {
    let m = 0;
    const v = this.v;
    for (let k = 0; k < v.length; k += 2) m = Math.max(m, v[k] * v[k] + v[k + 1] * v[k + 1]);
    return Math.sqrt(m);
  }

  empty(): boolean { return this.v.length === 0; }

  /** Cut by the half-plane nx*x + ny*y <= c (nz ignored); see `Cell`. */
  cut(nx: number, ny: number, _nz: number, c: number, tol: number, tag: number): boolean {
    const v = this.v, m = v.length / 2;
    let k1 = 0;
    while (k1 < m && nx * v[2 * k1] + ny * v[2 * k1 + 1] - c <= tol) k1++;
    if (k1 === m) return false;
    const out: number[] = [], tags: number[] = [];
    // one pass round the cycle (Sutherland-Hodgman for one line); a vertex
    // within tol of the line is on it and is kept as it is
    for (let k = 0; k < m; k++) {
      const k2 = (k + 1) % m;
      const ax = v[2 * k], ay = v[2 * k + 1], bx = v[2 * k2], by = v[2 * k2 + 1];
      const sa = nx * ax + ny * ay - c, sb = nx * bx + ny * by - c;
      const ina = sa <= tol, inb = sb <= tol;
      if (ina) {
        out.push(ax, ay);
        // the edge from an on-line vertex to an outside one is replaced by the new edge
        tags.push(!inb && sa >= -tol ? tag : this.tags[k]);
        if (!inb && sa < -tol) {
          const t = sa / (sa - sb);
          out.push(ax + t * (bx - ax), ay + t * (by - ay));
          tags.push(tag);
        }
      } else if (inb && sb < -tol) {
        const t = sa / (sa - sb);
        out.push(ax + t * (bx - ax), ay + t * (by - ay));
        tags.push(this.tags[k]);
      }
    }
    if (out.length < 6) { this.v = []; this.tags = []; } else { this.v = out; this.tags = tags; }
    return true;
  }
}

/**
 * Atoms binned on a grid in fractional coordinates (nb[k] bins along
 * direction k, nb[2] = 1 in 2D) and the bin offsets around a home bin in
 * order of a lower bound on the distance between a point of the home bin and
 * a point of the offset bin: along k the fractional gap is at least
 * (|o_k| - 1) / nb[k], that is (|o_k| - 1) w_k / nb[k] in length (w_k the
 * perpendicular width of the box); the bound is the root sum of squares of
 * the three gaps in an orthorhombic box and their maximum in a tilted one.
 */
interface Bins {
  nb: number[];
  start: Int32Array;
  atoms: Int32Array;
  home: Int32Array;
}

function binAtoms(s: Float64Array, n: number, nb: number[]): Bins {
  const nbin = nb[0] * nb[1] * nb[2];
  const home = new Int32Array(3 * n), bin = new Int32Array(n), start = new Int32Array(nbin + 1);
  for (let i = 0; i < n; i++) {
    let b = 0;
    for (let k = 2; k >= 0; k--) {
      const h = Math.min(nb[k] - 1, Math.max(0, Math.floor(s[3 * i + k] * nb[k])));
      home[3 * i + k] = h;
      b = b * nb[k] + h;
    }
    bin[i] = b;
    start[b + 1]++;
  }
  for (let b = 0; b < nbin; b++) start[b + 1] += start[b];
  const fill = start.slice(0, nbin), atoms = new Int32Array(n);
  for (let i = 0; i < n; i++) atoms[fill[bin[i]]++] = i;
  return { nb, start, atoms, home };
}

/** Offsets (stride 3) with lower bounds lb <= dmax, sorted by lb; `all` if no bin lies beyond. */
function binOffsets(g: CellGeometry, nb: number[], dmax: number): { o: Int32Array; lb: Float64Array; all: boolean } {
  const bw = [0, 1, 2].map((k) => g.widths[k] / nb[k]);
  const per = [g.px, g.py, g.pz];
  const K = [0, 1, 2].map((k) => (g.dim === 2 && k === 2 ? 0 : per[k] ? Math.ceil(dmax / bw[k]) + 1 : nb[k] - 1));
  const orth = g.xy === 0 && g.xz === 0 && g.yz === 0;
  const list: [number, number, number, number][] = [];
  let all = !per[0] && !per[1] && (g.dim === 2 || !per[2]);
  for (let a = -K[0]; a <= K[0]; a++) for (let b = -K[1]; b <= K[1]; b++) for (let c = -K[2]; c <= K[2]; c++) {
    const gap = (o: number, k: number): number => (Math.abs(o) > 1 ? (Math.abs(o) - 1) * bw[k] : 0);
    const gx = gap(a, 0), gy = gap(b, 1), gz = gap(c, 2);
    const lb = orth ? Math.sqrt(gx * gx + gy * gy + gz * gz) : Math.max(gx, gy, gz);
    if (lb <= dmax || all) list.push([lb, a, b, c]);
  }
  list.sort((p, q) => p[0] - q[0]);
  const o = new Int32Array(3 * list.length), lb = new Float64Array(list.length);
  list.forEach((e, q) => { lb[q] = e[0]; o[3 * q] = e[1]; o[3 * q + 1] = e[2]; o[3 * q + 2] = e[3]; });
  return { o, lb, all };
}
/**
 * Voronoi (or, with `radii`, radical) tessellation of a 2D or 3D system,
 * periodic or walled along each direction as the box says; see the module
 * doc for the algorithm, the thresholds and the reference.
 */
export function voronoiTessellation(sys: System, opts: VoronoiOptions = {}): VoronoiResult {
  const faceAreaFraction = opts.faceAreaFraction ?? 0.01;
  const minEdgeLength = opts.minEdgeLength ?? 0;
  if (!(faceAreaFraction >= 0 && faceAreaFraction < 1)) throw new Error(`voronoiTessellation: option faceAreaFraction must be in [0, 1), got ${faceAreaFraction}`);
  if (!(minEdgeLength >= 0) || !Number.isFinite(minEdgeLength)) throw new Error(`voronoiTessellation: option minEdgeLength must be a non-negative finite number, got ${minEdgeLength}`);
  const n = sys.n, types = sys.types, dim = sys.dim;
  const radius = new Float64Array(n);
  let rmax = 0;
  if (opts.radii) {
    const radii = Float64Array.from(opts.radii);
    for (let i = 0; i < n; i++) {
      const r = radii[types[i] - 1];
      if (!(r >= 0) || !Number.isFinite(r)) throw new Error(`voronoiTessellation: option radii has no non-negative radius for type ${types[i]} (atom id ${sys.ids[i]}); give one radius per type`);
      radius[i] = r;
      rmax = Math.max(rmax, r);
    }
  }
  const g = cellGeometry(sys.box);
  const s = wrappedFractional(sys, undefined, 'voronoiTessellation');
  const per = [g.px, g.py, g.pz];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) {
      const f = s[3 * i + k];
      if (!per[k] && !(f >= 0 && f <= 1)) throw new Error(`voronoiTessellation: atom id ${sys.ids[i]} lies outside the box along ${'xyz'[k]}, a direction with walls (not periodic)`);
    }
  }
  const scale = (sys.box.volume / Math.max(n, 1)) ** (1 / dim);
  // on-plane tolerance 1e-11 Rt (Rt the old first search radius, kept so that results do not change)
  const tolLen = 1e-11 * (2.5 * scale + 2 * rmax);
  // bins of about 2 atoms (3D, CuZr glass, N = 20000: 1.5 to 2 atoms 8% faster than 3, 5 atoms 20% slower)
  const binLen = 2 ** (1 / dim) * scale;
  const nb = [0, 1, 2].map((k) => (k < dim ? Math.max(1, Math.floor(g.widths[k] / binLen)) : 1));
  const bins = binAtoms(s, n, nb);
  let dmax = 3 * scale + 2 * rmax;
  let offs = binOffsets(g, nb, dmax);
  const { lx, ly, lz, xy, xz, yz } = g;
  // the starting cube (square) holds the whole box and the cell of any point in it
  const edgeSum = dim === 3 ? lx + Math.hypot(xy, ly) + Math.hypot(xz, yz, lz) : lx + Math.hypot(xy, ly);
  // rows of H^-1 (fractional coordinate k = row_k . x): the wall planes
  const hinv = [[1 / lx, -xy / (lx * ly), (xy * yz - ly * xz) / (lx * ly * lz)], [0, 1 / ly, -yz / (ly * lz)], [0, 0, 1 / lz]];

  const near = new Candidates(g, s, bins);

  /** Cut the cell of atom i by the walls and by its neighbours, bin by bin; false if the offsets ran out. */
  // the planes that cut the cell being built: a face's tag t >= 0 is atom
  // planes.j[t] at distance planes.d[t]; a wall -(w + 1) has its mirror
  // image at distance planes.wall[w]
  const planes: Planes = { j: [], d: [], wall: new Float64Array(6) };
  // state of the cell being built, shared with cutBy (one closure for all cells)
  let cell: Cell = new Poly(edgeSum), rho = 0, ri2 = 0;
  /** cut the cell by the plane of candidate e of `near` unless the plane lies beyond rho */
  const cutBy = (e: number): void => {
    const j = near.j[e], dd = near.dd[e], rj = radius[j];
    const c = (dd + ri2 - rj * rj) / 2, dist = Math.sqrt(dd);
    if (c < rho * dist && cell.cut(near.x[3 * e], near.x[3 * e + 1], near.x[3 * e + 2], c, tolLen * dist, planes.j.length)) {
      planes.j.push(j); planes.d.push(dist);
      rho = cell.rho();
    }
  };
  const rmax2 = rmax * rmax;
  /** Cut a fresh cell of atom i by the walls and by its neighbours, bin by bin; false if the offsets ran out. */
  const buildCell = (i: number): boolean => {
    cell = dim === 3 ? new Poly(edgeSum) : new Polygon(edgeSum);
    planes.j.length = 0; planes.d.length = 0;
    ri2 = radius[i] * radius[i];
    for (let k = 0; k < dim; k++) {
      if (per[k]) continue;
      const row = hinv[k], len = Math.hypot(row[0], row[1], row[2]);
      const nx = row[0] / len, ny = row[1] / len, nz = row[2] / len, sk = s[3 * i + k];
      cell.cut(-nx, -ny, -nz, sk / len, tolLen, -(2 * k + 1));
      cell.cut(nx, ny, nz, (1 - sk) / len, tolLen, -(2 * k + 2));
      planes.wall[2 * k] = 2 * sk / len; planes.wall[2 * k + 1] = 2 * (1 - sk) / len;
    }
    rho = cell.rho();
    const lb = offs.lb, o = offs.o;
    // the bins next to the home bin (lb = 0) first, their atoms in order of
    // distance: the nearest planes shape the cell, later ones rarely cut
    let m = 0, q = 0;
    for (; q < lb.length && lb[q] === 0; q++) m = near.gather(i, o, q, m);
    const order = near.sortByDistance(m);
    for (let k = 0; k < m && !cell.empty(); k++) cutBy(order[k]);
    for (; q < lb.length; q++) {
      const d = lb[q];
      // no atom of this bin or a later one can cut: its plane lies beyond rho
      if (cell.empty() || d * d + ri2 - rmax2 >= 2 * d * rho) return true;
      const mq = near.gather(i, o, q, 0);
      for (let e = 0; e < mq; e++) cutBy(e);
    }
    return offs.all || cell.empty() || dmax * dmax + ri2 - rmax2 >= 2 * dmax * rho;
  };

  const volumes = new Float64Array(n), surfaces = new Float64Array(n), l5fs = new Float64Array(n);
  const coordination = new Int32Array(n), index = new Int32Array(n * VORONOI_INDEX_LENGTH);
  const faces: VoronoiFace[][] = [];
  for (let i = 0; i < n; i++) {
    while (!buildCell(i)) {
      // a very open cell: look farther
      dmax *= 2;
      offs = binOffsets(g, nb, dmax);
    }
    const m = cell instanceof Poly ? measurePoly(cell, planes, minEdgeLength) : measurePolygon(cell as Polygon, planes, minEdgeLength);
    volumes[i] = m.volume;
    surfaces[i] = m.surface;
    let nc = 0, n5 = 0;
    for (const f of m.faces) {
      if (!(f.area > faceAreaFraction * m.surface)) continue;
      f.counted = true;
      nc++;
      if (dim === 3 && f.countedEdges >= 3) index[i * VORONOI_INDEX_LENGTH + Math.min(f.countedEdges, 10) - 3]++;
      if (dim === 3 && f.countedEdges === 5) n5++;
    }
    coordination[i] = nc;
    l5fs[i] = nc > 0 ? n5 / nc : 0;
    faces.push(m.faces);
  }
  return makeVoronoiResult({ n, dim, ids: Int32Array.from(sys.ids), types: Int32Array.from(types), radical: opts.radii !== undefined, faceAreaFraction, minEdgeLength, volumes, surfaces, coordination, index, l5fs, faces });
}

/**
 * Candidate neighbours of one atom gathered bin by bin (growable arrays):
 * atom, displacement r_j - r_i (stride 3, the image given by the bin
 * offset), squared distance.
 */
class Candidates {
  j = new Int32Array(256);
  x = new Float64Array(768);
  dd = new Float64Array(256);
  order = new Uint32Array(256);

  constructor(private readonly g: CellGeometry, private readonly s: Float64Array, private readonly bins: Bins) {}

  private grow(): void {
    const m = 2 * this.j.length;
    const j = new Int32Array(m), x = new Float64Array(3 * m), dd = new Float64Array(m);
    j.set(this.j); x.set(this.x); dd.set(this.dd);
    this.j = j; this.x = x; this.dd = dd; this.order = new Uint32Array(m);
  }

  /** Append the atoms of the bin at offset q (offsets o, stride 3) from atom i's bin, from slot m; returns the new count. */
  gather(i: number, o: Int32Array, q: number, m: number): number {
    const { g, s, bins } = this;
    const nbx = bins.nb[0], nby = bins.nb[1], nbz = bins.nb[2];
    let tx = bins.home[3 * i] + o[3 * q], ty = bins.home[3 * i + 1] + o[3 * q + 1], tz = bins.home[3 * i + 2] + o[3 * q + 2];
    const ix = Math.floor(tx / nbx), iy = Math.floor(ty / nby), iz = Math.floor(tz / nbz);
    if ((ix !== 0 && !g.px) || (iy !== 0 && !g.py) || (iz !== 0 && !g.pz)) return m;
    tx -= ix * nbx; ty -= iy * nby; tz -= iz * nbz;
    const b = (tz * nby + ty) * nbx + tx, end = bins.start[b + 1];
    const six = s[3 * i], siy = s[3 * i + 1], siz = s[3 * i + 2], three = g.dim === 3;
    for (let k = bins.start[b]; k < end; k++) {
      const j = bins.atoms[k];
      if (j === i && ix === 0 && iy === 0 && iz === 0) continue;
      const fx = s[3 * j] + ix - six, fy = s[3 * j + 1] + iy - siy, fz = s[3 * j + 2] + iz - siz;
      const x = g.lx * fx + g.xy * fy + g.xz * fz, y = g.ly * fy + g.yz * fz, z = three ? g.lz * fz : 0;
      if (m === this.j.length) this.grow();
      this.j[m] = j; this.x[3 * m] = x; this.x[3 * m + 1] = y; this.x[3 * m + 2] = z;
      this.dd[m] = x * x + y * y + z * z;
      m++;
    }
    return m;
  }

  /** Slots 0..m-1 in order of distance (ties by atom index): insertion sort, m is a few dozen. */
  sortByDistance(m: number): Uint32Array {
    const order = this.order, dd = this.dd, j = this.j;
    for (let k = 0; k < m; k++) {
      let p = k;
      while (p > 0 && (dd[order[p - 1]] > dd[k] || (dd[order[p - 1]] === dd[k] && j[order[p - 1]] > j[k]))) { order[p] = order[p - 1]; p--; }
      order[p] = k;
    }
    return order;
  }
}

/** The planes that cut one cell (see voronoiTessellation). */
interface Planes { j: number[]; d: number[]; wall: Float64Array }

/** The face with tag t (its neighbour and distance from `planes`), not yet counted. */
/**
 * The Voronoi neighbour list in compressed rows (CSR), for indicators that
 * weight neighbours by their shared face (e.g. face-area-weighted averages,
 * Voronoi coordination shells): the neighbours of atom i (storage order) are
 * neighbors[offsets[i] .. offsets[i + 1]), each with the face area (length^2;
 * 2D: the edge length) and the centre-to-centre distance across it (length).
 * `counted` (default true) keeps the faces that pass the area threshold of
 * the tessellation; false keeps every face. Walls are left out. In a small
 * periodic box an atom can meet the same neighbour across several faces
 * (different images): each face is its own entry.
 */
export interface VoronoiNeighborList {
  readonly offsets: Int32Array;
  readonly neighbors: Int32Array;
  readonly areas: Float64Array;
  readonly distances: Float64Array;
}

export function voronoiNeighborList(vor: Pick<VoronoiData, 'n' | 'faces'>, opts: { counted?: boolean } = {}): VoronoiNeighborList {
  const countedOnly = opts.counted ?? true;
  const keep = (f: VoronoiFace) => f.neighbor >= 0 && (!countedOnly || f.counted);
  const offsets = new Int32Array(vor.n + 1);
  for (let i = 0; i < vor.n; i++) {
    let c = 0;
    for (const f of vor.faces[i]) if (keep(f)) c++;
    offsets[i + 1] = offsets[i] + c;
  }
  const m = offsets[vor.n];
  const neighbors = new Int32Array(m), areas = new Float64Array(m), distances = new Float64Array(m);
  for (let i = 0; i < vor.n; i++) {
    let k = offsets[i];
    for (const f of vor.faces[i]) {
      if (!keep(f)) continue;
      neighbors[k] = f.neighbor; areas[k] = f.area; distances[k] = f.distance; k++;
    }
  }
  return { offsets, neighbors, areas, distances };
}

function face(planes: Planes, t: number, area: number, edges: number, countedEdges: number): VoronoiFace {
  const atom = t >= 0;
  return {
    neighbor: atom ? planes.j[t] : t,
    distance: atom ? planes.d[t] : t >= -6 ? planes.wall[-t - 1] : Infinity,
    area, edges, countedEdges, counted: false,
  };
}

/** Volume, surface and faces of a polyhedron (faces not yet counted). */
function measurePoly(p: Poly, planes: Planes, minEdgeLength: number): { volume: number; surface: number; faces: VoronoiFace[] } {
  const v = p.v;
  let vol = 0, surf = 0;
  const faces: VoronoiFace[] = [];
  for (let f = 0; f < p.faces.length; f++) {
    const cyc = p.faces[f], m = cyc.length;
    const a = cyc[0];
    let ax = 0, ay = 0, az = 0;
    for (let k = 1; k + 1 < m; k++) {
      const b = cyc[k], c = cyc[k + 1];
      const ux = v[3 * b] - v[3 * a], uy = v[3 * b + 1] - v[3 * a + 1], uz = v[3 * b + 2] - v[3 * a + 2];
      const wx = v[3 * c] - v[3 * a], wy = v[3 * c + 1] - v[3 * a + 1], wz = v[3 * c + 2] - v[3 * a + 2];
      const cx = uy * wz - uz * wy, cy = uz * wx - ux * wz, cz = ux * wy - uy * wx;
      ax += cx; ay += cy; az += cz;
      vol += v[3 * a] * cx + v[3 * a + 1] * cy + v[3 * a + 2] * cz;
    }
    const area = 0.5 * Math.sqrt(ax * ax + ay * ay + az * az);
    surf += area;
    let ce = 0;
    const min2 = minEdgeLength * minEdgeLength;
    for (let k = 0; k < m; k++) {
      const b = cyc[k], c = cyc[(k + 1) % m];
      const ex = v[3 * c] - v[3 * b], ey = v[3 * c + 1] - v[3 * b + 1], ez = v[3 * c + 2] - v[3 * b + 2];
      if (ex * ex + ey * ey + ez * ez > min2) ce++;
    }
    faces.push(face(planes, p.tags[f], area, m, ce));
  }
  return { volume: vol / 6, surface: surf, faces };
}

/** Area, perimeter and edges of a polygon; an edge is a face of length `area`, with edges = 1. */
function measurePolygon(p: Polygon, planes: Planes, minEdgeLength: number): { volume: number; surface: number; faces: VoronoiFace[] } {
  const v = p.v, m = v.length / 2;
  let area = 0, perim = 0;
  const faces: VoronoiFace[] = [];
  for (let k = 0; k < m; k++) {
    const k2 = (k + 1) % m;
    area += v[2 * k] * v[2 * k2 + 1] - v[2 * k2] * v[2 * k + 1];
    const len = Math.hypot(v[2 * k2] - v[2 * k], v[2 * k2 + 1] - v[2 * k + 1]);
    perim += len;
    faces.push(face(planes, p.tags[k], len, 1, len > minEdgeLength ? 1 : 0));
  }
  return { volume: area / 2, surface: perim, faces };
}
