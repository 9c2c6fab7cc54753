/**
 * Voronoi and radical (Laguerre) tessellation of a periodic 3D configuration,
 * cell by cell, with the per-atom quantities of Wei et al., Phys. Rev. B 99,
 * 014115 (2019), Sec. III: cell volume, faces (area, neighbour across),
 * coordination, Voronoi index <n3, n4, n5, n6, ...> and L5FS, the fraction
 * of pentagonal faces.
 *
 * Units: positions and radii in the system's length unit; volumes in
 * length^3, areas in length^2.
 *
 * Algorithm (the voro++ approach, C. H. Rycroft, Chaos 19, 041111 (2009)):
 * the cell of atom i starts as a cube of half-size R around i (R the search
 * radius) and is cut by the plane of each neighbour j in order of distance
 * d = |r_j - r_i|. The Voronoi plane is the bisector d.x = |d|^2 / 2 (x
 * relative to r_i); the radical plane is d.x = (|d|^2 + R_i^2 - R_j^2) / 2
 * with the radii R_i, R_j of the two types. The plane's distance from r_i,
 * h(d) = (d^2 + R_i^2 - R_j^2) / (2 d), must be below the farthest vertex
 * distance rho for the plane to cut, so the cutting stops at the first
 * neighbour with (d^2 + R_i^2 - Rmax^2) / (2 d) >= rho (this bound grows
 * with d, so no later neighbour can cut). If the neighbours within R run out
 * before that, R grows by 1.5x (first up to the neighbour list's radius,
 * 4 (V/N)^(1/3) + 2 Rmax) and the cell is rebuilt.
 *
 * Neighbours are minimum-image displacements from a full neighbour list
 * (src/neighbor) while R is below half the smallest perpendicular width of
 * the cell; beyond it (small boxes, very open cells) every periodic image
 * within R is enumerated directly. Orthorhombic and triclinic cells; all
 * directions must be periodic.
 *
 * Representation: vertices (relative to r_i) and faces as vertex cycles,
 * counter-clockwise seen from outside, each face tagged with the atom index
 * across it (-1 for a wall of the starting cube). A cut drops the vertices
 * outside the plane, keeps those within a tolerance of it as they are (so a
 * plane through an existing vertex, as in fcc and bcc, makes no zero-length
 * edge), adds one vertex per crossed edge (shared by its two faces), and
 * closes the hole with one new face chained from the edges left without a
 * twin.
 * The tolerance is 1e-11 R in distance from the plane: vertices closer
 * than that are taken as on it. In perturbed crystals (displacements of
 * 1e-12 to 1e-10) the volumes then sum to the box volume to ~1e-12 relative
 * instead of ~1e-15; tiny edges and faces of such cells are real and are
 * what `minEdgeLength` and `faceAreaFraction` filter.
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
import { buildNeighborList } from '../../neighbor/neighbor-list.ts';
import { cellGeometry, maxListRadius, pairDelta, wrappedFractional } from '../../neighbor/cell-geometry.ts';

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
  /** atom index (storage order) across the face */
  neighbor: number;
  /**
   * centre-to-centre distance to that neighbour, length units: the distance
   * to the periodic image whose plane made the face (so right in boxes
   * smaller than twice the neighbour distance, where the minimum image of
   * the index is not that image)
   */
  distance: number;
  /** area, length^2 */
  area: number;
  /** number of edges (all edges) */
  edges: number;
  /** number of edges longer than minEdgeLength */
  countedEdges: number;
  /** whether the face passes the area threshold */
  counted: boolean;
}

export interface VoronoiData {
  readonly n: number;
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
  return makeVoronoiResult(resultData<VoronoiData>(json, 'voronoi', VERSION));
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
    table: () => ({
      columns: ['id', 'type', 'volume', 'coordination', 'n3', 'n4', 'n5', 'n6', 'n7plus', 'l5fs'],
      rows: order.map((i) => {
        const ix = d.index.subarray(i * L, (i + 1) * L);
        let n7 = 0;
        for (let k = 4; k < L; k++) n7 += ix[k];
        return [d.ids[i], d.types[i], d.volumes[i], d.coordination[i], ix[0], ix[1], ix[2], ix[3], n7, d.l5fs[i]];
      }),
    }),
    figure: () => {
      const sorted = Float64Array.from(d.volumes).sort();
      return lineFigure([{ name: 'cell volume', x: sorted, y: Float64Array.from(sorted, (_, k) => (k + 1) / n) }],
        { xTitle: 'cell volume [length^3]', yTitle: 'fraction of atoms below' });
    },
    toJSON: () => resultJSON('voronoi', VERSION, d),
  };
}

/** Convex polyhedron around the origin: vertices (x, y, z) and faces (vertex cycles, CCW from outside). */
interface Poly {
  v: number[];
  faces: number[][];
  tags: number[];
}

function cube(R: number): Poly {
  const v: number[] = [];
  for (let k = 0; k < 8; k++) v.push(k & 1 ? R : -R, k & 2 ? R : -R, k & 4 ? R : -R);
  // outward CCW cycles
  const faces = [[0, 4, 6, 2], [1, 3, 7, 5], [0, 1, 5, 4], [2, 6, 7, 3], [0, 2, 3, 1], [4, 5, 7, 6]];
  return { v, faces, tags: faces.map(() => -1) };
}

/**
 * Cut poly by the half-space nx*x + ny*y + nz*z <= c, tagging the new face.
 * tol: tolerance on the signed value (units of n.x). Returns false if nothing was cut.
 */
function cut(p: Poly, nx: number, ny: number, nz: number, c: number, tol: number, tag: number): boolean {
  const v = p.v, nv = v.length / 3;
  const side = new Int8Array(nv);
  const sv = new Float64Array(nv);
  let anyOut = false;
  for (let k = 0; k < nv; k++) {
    const s = nx * v[3 * k] + ny * v[3 * k + 1] + nz * v[3 * k + 2] - c;
    sv[k] = s;
    side[k] = s > tol ? 1 : s < -tol ? -1 : 0;
    if (side[k] === 1) anyOut = true;
  }
  if (!anyOut) return false;
  const cross = new Map<number, number>();
  const crossing = (a: number, b: number): number => {
    const key = a < b ? a * 1048576 + b : b * 1048576 + a;
    let w = cross.get(key);
    if (w === undefined) {
      const t = sv[a] / (sv[a] - sv[b]);
      w = v.length / 3;
      v.push(v[3 * a] + t * (v[3 * b] - v[3 * a]), v[3 * a + 1] + t * (v[3 * b + 1] - v[3 * a + 1]),
        v[3 * a + 2] + t * (v[3 * b + 2] - v[3 * a + 2]));
      cross.set(key, w);
    }
    return w;
  };
  const faces: number[][] = [], tags: number[] = [];
  // without vertices on the plane, the new face's edges are exactly the
  // chords of the clipped faces (exit point -> entry point), run backwards
  let anyOn = false;
  for (let k = 0; k < nv; k++) if (side[k] === 0) { anyOn = true; break; }
  const next = new Map<number, number>();
  for (let f = 0; f < p.faces.length; f++) {
    const cyc = p.faces[f], m = cyc.length;
    let k0 = 0;
    while (k0 < m && side[cyc[k0]] === 1) k0++;
    if (k0 === m) continue;
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
        const w = crossing(a, b);
        if (skipped && !anyOn) next.set(w, out[out.length - 1]);
        skipped = false;
        out.push(w);
      }
    }
    if (skipped && !anyOn) next.set(out[0], out[out.length - 1]);
    if (out.length >= 3) { faces.push(out); tags.push(p.tags[f]); }
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
    const start = next.keys().next().value as number;
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
  const map = new Int32Array(v.length / 3).fill(-1);
  const nvOut: number[] = [];
  for (const cyc of faces) {
    for (let k = 0; k < cyc.length; k++) {
      const a = cyc[k];
      if (map[a] < 0) { map[a] = nvOut.length / 3; nvOut.push(v[3 * a], v[3 * a + 1], v[3 * a + 2]); }
      cyc[k] = map[a];
    }
  }
  p.v = nvOut; p.faces = faces; p.tags = tags;
  return true;
}

function maxVertexDistance(p: Poly): number {
  let m = 0;
  const v = p.v;
  for (let k = 0; k < v.length; k += 3) m = Math.max(m, v[k] * v[k] + v[k + 1] * v[k + 1] + v[k + 2] * v[k + 2]);
  return Math.sqrt(m);
}

/** Candidate neighbours of one atom: atom index and displacement r_j - r_i, sorted by distance. */
interface Candidates { j: number[]; d: number[]; r2: number[] }

function sortCandidates(j: number[], d: number[], r2: number[]): Candidates {
  const m = j.length;
  const order = new Uint32Array(m);
  for (let k = 0; k < m; k++) order[k] = k;
  order.sort((a, b) => r2[a] - r2[b] || j[a] - j[b]);
  const js = new Array<number>(m), ds = new Array<number>(3 * m), rs = new Array<number>(m);
  for (let q = 0; q < m; q++) {
    const k = order[q];
    js[q] = j[k]; rs[q] = r2[k];
    ds[3 * q] = d[3 * k]; ds[3 * q + 1] = d[3 * k + 1]; ds[3 * q + 2] = d[3 * k + 2];
  }
  return { j: js, d: ds, r2: rs };
}

/**
 * Build the cell of atom i from candidates within R; returns null if the
 * candidates did not suffice (R must grow). Each face is tagged with the
 * index in `cand` of the neighbour across it (-1: a wall of the cube).
 */
function buildCell(cand: Candidates, R: number, ri: number, rad: (j: number) => number, rmax: number): Poly | null {
  const p = cube(R);
  let rho = maxVertexDistance(p);
  const tolLen = 1e-11 * R;
  for (let k = 0; k < cand.j.length; k++) {
    const dd = cand.r2[k], dist = Math.sqrt(dd);
    if ((dd + ri * ri - rmax * rmax) / (2 * dist) >= rho) return p;
    const rj = rad(cand.j[k]);
    const c = (dd + ri * ri - rj * rj) / 2;
    if (cut(p, cand.d[3 * k], cand.d[3 * k + 1], cand.d[3 * k + 2], c, tolLen * dist, k)) {
      rho = maxVertexDistance(p);
    }
  }
  // all candidates within R used: complete if no atom beyond R can cut
  return (R * R + ri * ri - rmax * rmax) / (2 * R) >= rho ? p : null;
}

/**
 * Voronoi (or, with `radii`, radical) tessellation of a periodic 3D system;
 * see the module doc for the algorithm, the thresholds and the reference.
 */
export function voronoiTessellation(sys: System, opts: VoronoiOptions = {}): VoronoiResult {
  if (sys.dim !== 3) throw new Error(`voronoiTessellation: needs a 3D system, got dim=${sys.dim}`);
  if (!sys.box.periodic.every((p) => p)) throw new Error('voronoiTessellation: every direction of the box must be periodic');
  const faceAreaFraction = opts.faceAreaFraction ?? 0.01;
  const minEdgeLength = opts.minEdgeLength ?? 0;
  if (!(faceAreaFraction >= 0 && faceAreaFraction < 1)) throw new Error(`voronoiTessellation: option faceAreaFraction must be in [0, 1), got ${faceAreaFraction}`);
  if (!(minEdgeLength >= 0) || !Number.isFinite(minEdgeLength)) throw new Error(`voronoiTessellation: option minEdgeLength must be a non-negative finite number, got ${minEdgeLength}`);
  const n = sys.n, types = sys.types;
  let radius: (i: number) => number = () => 0;
  let rmax = 0;
  if (opts.radii) {
    const radii = Float64Array.from(opts.radii);
    for (let i = 0; i < n; i++) {
      const r = radii[types[i] - 1];
      if (!(r >= 0) || !Number.isFinite(r)) throw new Error(`voronoiTessellation: option radii has no non-negative radius for type ${types[i]} (atom id ${sys.ids[i]}); give one radius per type`);
    }
    for (const r of radii) rmax = Math.max(rmax, r);
    radius = (i) => radii[types[i] - 1];
  }
  const g = cellGeometry(sys.box);
  const s = wrappedFractional(sys, undefined, 'voronoiTessellation');
  const rList = maxListRadius(g);
  const scale = Math.cbrt(sys.box.volume / Math.max(n, 1));
  // first search radius, and the neighbour list's radius: R grows within the
  // list first (rare open cells of random points), then by image enumeration
  const R0 = 2.5 * scale + 2 * rmax;
  const Rl = Math.min(0.999 * rList, 4 * scale + 2 * rmax);
  const nl = R0 <= Rl && n > 1 ? buildNeighborList(sys, { cutoff: Rl, skin: 0, kind: 'full' }) : null;
  const H = [g.lx, g.xy, g.xz, g.ly, g.yz, g.lz];
  const delta = new Float64Array(3);

  const listCandidates = (i: number, R: number): Candidates => {
    const j: number[] = [], d: number[] = [], r2: number[] = [];
    const row = i * nl!.stride;
    for (let k = 0; k < nl!.counts[i]; k++) {
      const jj = nl!.neighbors[row + k];
      pairDelta(g, s, jj, i, delta);
      const q = delta[0] * delta[0] + delta[1] * delta[1] + delta[2] * delta[2];
      if (q < R * R) { j.push(jj); d.push(delta[0], delta[1], delta[2]); r2.push(q); }
    }
    return sortCandidates(j, d, r2);
  };
  const imageCandidates = (i: number, R: number): Candidates => {
    const j: number[] = [], d: number[] = [], r2: number[] = [];
    const kx = Math.ceil(R / g.widths[0]) + 1, ky = Math.ceil(R / g.widths[1]) + 1, kz = Math.ceil(R / g.widths[2]) + 1;
    for (let jj = 0; jj < n; jj++) {
      pairDelta(g, s, jj, i, delta);
      // back to fractional minimum image: ds = H^-1 delta
      const sz = delta[2] / H[5];
      const sy = (delta[1] - H[4] * sz) / H[3];
      const sx = (delta[0] - H[1] * sy - H[2] * sz) / H[0];
      for (let a = -kx; a <= kx; a++) for (let b = -ky; b <= ky; b++) for (let c = -kz; c <= kz; c++) {
        if (jj === i && a === 0 && b === 0 && c === 0) continue;
        const fx = sx + a, fy = sy + b, fz = sz + c;
        const x = H[0] * fx + H[1] * fy + H[2] * fz, y = H[3] * fy + H[4] * fz, z = H[5] * fz;
        const q = x * x + y * y + z * z;
        if (q < R * R) { j.push(jj); d.push(x, y, z); r2.push(q); }
      }
    }
    return sortCandidates(j, d, r2);
  };

  const volumes = new Float64Array(n), surfaces = new Float64Array(n), l5fs = new Float64Array(n);
  const coordination = new Int32Array(n), index = new Int32Array(n * VORONOI_INDEX_LENGTH);
  const faces: VoronoiFace[][] = [];
  for (let i = 0; i < n; i++) {
    const ri = radius(i);
    let R = R0, p: Poly | null = null;
    let cand: Candidates = { j: [], d: [], r2: [] };
    for (let tries = 0; tries < 60 && !p; tries++, R = nl && R < Rl && 1.5 * R > Rl ? Rl : 1.5 * R) {
      cand = nl && R <= Rl ? listCandidates(i, R) : imageCandidates(i, R);
      p = buildCell(cand, R, ri, radius, rmax);
    }
    if (!p) throw new Error(`voronoiTessellation: the cell of atom id ${sys.ids[i]} did not close`);
    const v = p.v;
    let vol = 0, surf = 0;
    const cellFaces: VoronoiFace[] = [];
    const counts: number[] = [];
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
      const area = 0.5 * Math.hypot(ax, ay, az);
      surf += area;
      let ce = 0;
      for (let k = 0; k < m; k++) {
        const b = cyc[k], c = cyc[(k + 1) % m];
        if (Math.hypot(v[3 * c] - v[3 * b], v[3 * c + 1] - v[3 * b + 1], v[3 * c + 2] - v[3 * b + 2]) > minEdgeLength) ce++;
      }
      const t = p.tags[f];
      cellFaces.push({ neighbor: t < 0 ? -1 : cand.j[t], distance: t < 0 ? Infinity : Math.sqrt(cand.r2[t]), area, edges: m, countedEdges: ce, counted: false });
      counts.push(ce);
    }
    volumes[i] = vol / 6;
    surfaces[i] = surf;
    let nc = 0, n5 = 0;
    for (const f of cellFaces) {
      if (!(f.area > faceAreaFraction * surf)) continue;
      f.counted = true;
      nc++;
      if (f.countedEdges >= 3) index[i * VORONOI_INDEX_LENGTH + Math.min(f.countedEdges, 10) - 3]++;
      if (f.countedEdges === 5) n5++;
    }
    coordination[i] = nc;
    l5fs[i] = nc > 0 ? n5 / nc : 0;
    faces.push(cellFaces);
  }
  return makeVoronoiResult({ n, ids: Int32Array.from(sys.ids), types: Int32Array.from(types), radical: opts.radii !== undefined, faceAreaFraction, minEdgeLength, volumes, surfaces, coordination, index, l5fs, faces });
}
