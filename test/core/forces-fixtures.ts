/**
 * Test fixtures for the force engine and the Hessian: random configurations,
 * small analytic potentials implementing the interfaces of
 * src/potential/types.ts, literal slow reference energies (all pairs over
 * all images), and finite-difference helpers.
 */
import { Box, type Dim } from '../../src/system/box.ts';
import { createSystem, type System } from '../../src/system/system.ts';
import type { EamPotential, PairPotential, Potential } from '../../src/potential/types.ts';
import { mulberry32 } from '../support/random.ts';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export const rng = mulberry32;

export interface BoxSpec {
  dim: Dim;
  lengths: number[];
  tilt?: { xy?: number; xz?: number; yz?: number };
  lo?: number[];
  periodic?: boolean[];
}

/**
 * Cells with N that every neighbour-list build is checked on against the
 * TypeScript one (test/neighbor/pair-search-wasm, test/core/forces-wasm-threads):
 * tilted, small, partly non-periodic and 2D.
 */
export const LIST_TEST_CELLS: readonly (readonly [BoxSpec, number])[] = [
  [{ dim: 3, lengths: [9.2, 9.0, 9.4], tilt: { xy: 1.1, xz: 0.4, yz: -0.9 } }, 400],
  [{ dim: 3, lengths: [6.0, 6.2, 6.4] }, 150],
  [{ dim: 3, lengths: [8.0, 7.5, 8.2], periodic: [true, false, true] }, 250],
  [{ dim: 2, lengths: [13.5, 13.1], tilt: { xy: 1.3 } }, 150],
];

export function makeBox(spec: BoxSpec): Box {
  return new Box({ dim: spec.dim, lo: spec.lo ?? new Array(spec.dim).fill(0), lengths: spec.lengths, tilt: spec.tilt ?? {}, periodic: spec.periodic });
}

/**
 * n atoms at random fractional positions (so tilted cells are filled
 * uniformly), types 1/2 alternating with probability, no two atoms closer
 * than `minDist` (rejection sampling with minimum image by brute force).
 * Positions are shifted by random whole cell vectors when `unwrapped`, to
 * test that loops do not assume wrapped coordinates.
 */
export function randomSystem(box: Box, n: number, seed: number, opts: { minDist?: number; unwrapped?: boolean; ntypes?: number } = {}): System {
  const r = rng(seed);
  const d = box.dim;
  const pos = new Float64Array(n * d);
  const s = new Float64Array(d);
  const x = new Float64Array(d);
  const minD2 = (opts.minDist ?? 0) ** 2;
  let placed = 0, tries = 0;
  while (placed < n) {
    if (++tries > 200000) throw new Error(`randomSystem: could not place ${n} atoms with minDist ${opts.minDist}`);
    for (let k = 0; k < d; k++) s[k] = r();
    box.fromFractional(s, 0, x, 0);
    let ok = true;
    if (minD2 > 0) {
      for (let j = 0; j < placed && ok; j++) {
        if (minImageDist2(box, x, 0, pos, j * d) < minD2) ok = false;
      }
    }
    if (!ok) continue;
    pos.set(x, placed * d);
    placed++;
  }
  if (opts.unwrapped) {
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) {
        if (!box.periodic[k]) continue;
        const shift = Math.floor(r() * 3) - 1; // -1, 0, 1: image loops over +-3 cells cover every pair
        // add shift * edge vector k
        const e = edgeVector(box, k);
        for (let c = 0; c < d; c++) pos[i * d + c] += shift * e[c];
      }
    }
  }
  const nt = opts.ntypes ?? 2;
  const types = Int32Array.from({ length: n }, () => 1 + Math.floor(r() * nt));
  const masses = Float64Array.from(types, (t) => (t === 1 ? 1 : 1.7));
  return createSystem({ box, positions: pos, types, masses });
}

export function edgeVector(box: Box, k: number): number[] {
  const L = box.lengths;
  if (k === 0) return box.dim === 3 ? [L[0], 0, 0] : [L[0], 0];
  if (k === 1) return box.dim === 3 ? [box.xy, L[1], 0] : [box.xy, L[1]];
  return [box.xz, box.yz, L[2]];
}

/** Literal all-images minimum distance squared for two points inside the cell (images -1..1 per periodic direction). */
export function minImageDist2(box: Box, a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number): number {
  let best = Infinity;
  for (const v of imageVectors(box, 1)) {
    let r2 = 0;
    for (let c = 0; c < box.dim; c++) {
      const dc = a[ao + c] - b[bo + c] + v[c];
      r2 += dc * dc;
    }
    if (r2 < best) best = r2;
  }
  return best;
}

/** All lattice vectors n . edges with |n_k| <= m along periodic directions. */
export function imageVectors(box: Box, m: number): number[][] {
  const d = box.dim;
  const out: number[][] = [];
  const range = (k: number) => (k < d && box.periodic[k] ? m : 0);
  const edges = [0, 1, 2].map((k) => (k < d ? edgeVector(box, k) : new Array(d).fill(0)));
  for (let a = -range(0); a <= range(0); a++) {
    for (let b = -range(1); b <= range(1); b++) {
      for (let c = -range(2); c <= range(2); c++) {
        out.push(Array.from({ length: d }, (_, q) => a * edges[0][q] + b * edges[1][q] + c * edges[2][q]));
      }
    }
  }
  return out;
}

/**
 * Smooth polynomial pair potential, two types:
 *   q = rc - r,  phi(r) = A q^4 - B q^3 for r < rc, 0 beyond
 * (phi, phi', phi'' continuous at rc). A, B, rc depend on the type pair.
 */
export function polyPair(dim?: 2 | 3): PairPotential {
  const A = [[0, 0, 0], [0, 1.0, 1.3], [0, 1.3, 0.7]];
  const B = [[0, 0, 0], [0, 1.5, 1.1], [0, 1.1, 1.9]];
  const RC = [[0, 0, 0], [0, 1.6, 1.45], [0, 1.45, 1.3]];
  return {
    kind: 'pair', name: 'poly-test', ntypes: 2, ...(dim ? { dim } : {}), maxCutoff: 1.6, typeMasses: [0, 1, 1.7], units: 'lj',
    cutoff: (a, b) => RC[a][b],
    radial(a, b, r, out) {
      const q = RC[a][b] - r;
      if (q <= 0) { out[0] = 0; out[1] = 0; out[2] = 0; out[3] = 0; return; }
      const Aab = A[a][b], Bab = B[a][b];
      out[0] = Aab * q ** 4 - Bab * q ** 3;
      out[1] = -(4 * Aab * q ** 3 - 3 * Bab * q ** 2);
      out[2] = 12 * Aab * q * q - 6 * Bab * q;
      out[3] = -(24 * Aab * q - 6 * Bab);
    },
  };
}

/**
 * Small analytic Finnis-Sinclair EAM, two types:
 *   density at an `at` atom from a `from` atom: C[at][from] (rc - r)^4
 *   (asymmetric C, to test the FS ordering), pair: polynomial as polyPair
 *   with rc = 1.6, embedding F_t(rho) = -D_t sqrt(1 + rho).
 */
export function polyEam(): EamPotential {
  const rc = 1.6;
  const C = [[0, 0, 0], [0, 1.0, 0.6], [0, 1.4, 0.8]];
  const D = [0, 1.2, 0.9];
  const pair = polyPair();
  return {
    kind: 'eam', name: 'poly-eam-test', ntypes: 2, maxCutoff: rc, typeMasses: [0, 1, 1.7], units: 'lj', elements: ['', 'X', 'Y'],
    cutoff: () => rc,
    pair: (a, b, r, out) => pair.radial(a, b, r, out),
    density(at, from, r, out) {
      const q = rc - r;
      if (q <= 0) { out[0] = 0; out[1] = 0; out[2] = 0; out[3] = 0; return; }
      const c = C[at][from];
      out[0] = c * q ** 4;
      out[1] = -4 * c * q ** 3;
      out[2] = 12 * c * q * q;
      out[3] = -24 * c * q;
    },
    embed(t, rho, out) {
      const s = Math.sqrt(1 + rho), d = D[t];
      out[0] = -d * s;
      out[1] = -d / (2 * s);
      out[2] = d / (4 * s * s * s);
      out[3] = (-3 * d) / (8 * s ** 5);
    },
  };
}

/**
 * Literal reference energy: all pairs i < j over all images within the cutoff
 * (sum over lattice vectors, no minimum-image shortcut), EAM by its definition.
 * Also returns per-atom energies (LAMMPS pe/atom convention). `imageRange`
 * (cells each way) must cover the largest separation: 3 for `randomSystem`
 * with `unwrapped`, 1 for positions inside the cell.
 */
export function referenceEnergy(sys: System, pot: Potential, imageRange = 3): { energy: number; peratom: Float64Array } {
  const n = sys.n, d = sys.dim, x = sys.positions, box = sys.box;
  const images = imageVectors(box, imageRange);
  const out = new Float64Array(4);
  const pe = new Float64Array(n);
  const rho = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (const v of images) {
        if (i === j && v.every((c) => c === 0)) continue;
        let r2 = 0;
        for (let c = 0; c < d; c++) { const dc = x[i * d + c] - x[j * d + c] + v[c]; r2 += dc * dc; }
        const r = Math.sqrt(r2);
        if (r >= pot.maxCutoff) continue;
        const ti = sys.types[i], tj = sys.types[j];
        if (pot.kind === 'pair') pot.radial(ti, tj, r, out);
        else pot.pair(ti, tj, r, out);
        pe[i] += 0.5 * out[0];
        if (pot.kind === 'eam') {
          pot.density(ti, tj, r, out);
          rho[i] += out[0];
        }
      }
    }
  }
  if (pot.kind === 'eam') {
    for (let i = 0; i < n; i++) {
      pot.embed(sys.types[i], rho[i], out);
      pe[i] += out[0];
    }
  }
  let energy = 0;
  for (let i = 0; i < n; i++) energy += pe[i];
  return { energy, peratom: pe };
}

/** A copy of sys with the box and positions deformed affinely by (I + eps), eps upper triangular (d x d, row-major). */
export function deformed(sys: System, eps: number[][]): System {
  const d = sys.dim, b = sys.box;
  const H = [0, 1, 2].map((k) => (k < d ? edgeVector(b, k) : null)).filter((e): e is number[] => e !== null);
  // H columns are the edge vectors: Hc[row][col] = edge(col)[row]
  const F = (r: number, c: number) => (r === c ? 1 : 0) + (eps[r]?.[c] ?? 0);
  const Hn = (r: number, c: number) => { let s = 0; for (let k = 0; k < d; k++) s += F(r, k) * H[c][k]; return s; };
  const lengths = Array.from({ length: d }, (_, k) => Hn(k, k));
  const tilt = d === 3 ? { xy: Hn(0, 1), xz: Hn(0, 2), yz: Hn(1, 2) } : { xy: Hn(0, 1) };
  const box = new Box({ dim: d, lo: b.lo, lengths, tilt, periodic: b.periodic });
  const pos = new Float64Array(sys.positions.length);
  for (let i = 0; i < sys.n; i++) {
    for (let r = 0; r < d; r++) {
      let s = b.lo[r];
      for (let c = 0; c < d; c++) s += F(r, c) * (sys.positions[i * d + c] - b.lo[c]);
      pos[i * d + r] = s;
    }
  }
  return createSystem({ box, positions: pos, types: sys.types, masses: sys.masses, ids: sys.ids });
}

/** Largest |a_k - b_k| over k, and largest |b_k| (for relative tolerances). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; scale: number } {
  let diff = 0, scale = 0;
  for (let k = 0; k < a.length; k++) {
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return { diff, scale };
}
