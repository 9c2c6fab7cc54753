/**
 * Local force updates: forces, energy and virial of a configuration in which
 * only some atoms moved since the previous evaluation, recomputing only the
 * terms those atoms touch (issue [9] item 4: ARTn pushes, relaxation near a
 * defect, finite differences along a localised vector).
 *
 * Units and conventions are those of ./forces-f64.ts and ./types.ts (forces
 * energy/length, energies and virials energy; r_ij = r_i - r_j, the virial
 * W_ab = sum_pairs r_ij,a F_ij,b, per-atom terms split half/half).
 *
 * State. `LocalForces` keeps the configuration of its previous evaluation
 * (positions, wrapped fractional coordinates, the box and the types) and, per
 * atom, the force F_i, the energy e_i (LAMMPS pe/atom) and the virial w_i
 * (half/half split, src/core/types.ts), plus for EAM the host density rho_i
 * and F'_i(rho_i). The first call, and any call that cannot be local, is a
 * full evaluation of ./forces-f64.ts with per-atom terms, which seeds the state.
 *
 * Which atoms moved is found by comparing every position with the kept one
 * (exact equality, O(N), a few tens of microseconds at N = 20,000): the caller
 * passes nothing and cannot get it wrong. With M the moved atoms and nb(a)
 * the neighbours of a in the Verlet list (a superset of the interacting
 * pairs; valid while no atom moved more than skin/2 since the build, which
 * the neighbour-list manager checks):
 *
 * - Pair potential, E = 1/2 sum_{i != j} phi_ij(r_ij). F_i, e_i and w_i
 *   depend on the positions of i and its neighbours only, so they change
 *   exactly for i in A1 = M + nb(M). Each is recomputed from scratch as a
 *   sum over i's whole row of the (full) adjacency.
 * - EAM, E = sum_i F_i(rho_i) + 1/2 sum_{i != j} phi_ij, rho_i = sum_j f_{j->i}(r_ij).
 *   rho_i (so F_i and F'_i) depends on i and its neighbours: it changes for
 *   i in A1. The force
 *     F_i = -sum_j [phi'_ij + F'_i f'_{j->i} + F'_j f'_{i->j}](r_ij) e_ij
 *   (e_ij = r_ij / r_ij) depends on r_ij (i or j in M: i in A1), on F'_i
 *   (i in A1) and on F'_j for every neighbour j: F'_j changed for j in A1,
 *   so F_i changes for every neighbour of A1 as well, i.e. for i in
 *   A2 = A1 + nb(A1), the second neighbours of the moved atoms (and nowhere
 *   else: no term of F_i involves an atom more than two list hops away).
 *   The per-atom virial w_i has the same pair terms: it changes on A2. The
 *   per-atom energy e_i = F_i(rho_i) + 1/2 sum_j phi_ij changes on A1 only.
 *   So: rho_i, F'_i fresh on A1 (pass 1), then F_i, w_i, e_i fresh on A2
 *   (pass 2, F_i(rho_i) re-evaluated from the kept rho_i outside A1).
 *
 * Every updated quantity is a fresh sum over the current pair terms, never
 * an old value plus a difference: repeated local updates do not drift, and
 * each update equals a full evaluation up to the order of the summation
 * (round-off, ~1e-15 relative). The total energy and virial are the sums of
 * the per-atom terms (O(N)).
 *
 * Falls back to (and re-seeds with) a full evaluation when the neighbour list
 * was rebuilt, the box, the atom count or any type changed, or the atoms to
 * recompute exceed `maxFraction` of all atoms (a row recompute visits each
 * pair from both ends, so beyond ~1/4 of the atoms the half-list loop is
 * cheaper).
 *
 * Cost: one moved atom recomputes |A1| ~ 1 + z rows for a pair potential
 * (z ~ 50-100 list neighbours) and |A2| ~ 2^3 z rows for EAM (the sphere of
 * twice the list radius; outside A1 only the F'_j part of the row, see
 * `eamRows`): O(z^2) and O(8 z^2) pair terms against N z / 2 for a full
 * evaluation, plus O(N) copies and sums. bench/forces-local.ts, N = 19,652,
 * one thread: KA 1 atom ~1 ms against 17 ms, CuZr 1 atom ~7 ms against
 * ~140 ms (20 atoms: ~1.3 and ~13 ms).
 */
import type { System } from '../system/system.ts';
import type { NeighborList } from '../neighbor/types.ts';
import { cellGeometry, pairDelta, wrappedFractional, type CellGeometry } from '../neighbor/cell-geometry.ts';
import type { EamPotential, PairPotential, Potential } from '../potential/types.ts';
import { F64Workspace, packResult } from './forces-f64.ts';
import type { ForceOptions, ForceResult } from './types.ts';

/** Default share of the atoms above which a local update falls back to a full evaluation. */
export const LOCAL_MAX_FRACTION = 0.25;

/** What the last `LocalForces.compute` did. */
export interface LocalUpdateStats {
  /** true when it was a full evaluation (first call or fallback) */
  full: boolean;
  /** why it was full ('' when local) */
  reason: string;
  /** atoms that moved since the previous evaluation */
  moved: number;
  /** atoms whose force was recomputed (A1 for pair potentials, A2 for EAM; n when full) */
  recomputed: number;
}

/** Full adjacency (both directions) of a half list, CSR: neighbours of a are nb[ptr[a] .. ptr[a+1]). */
interface Adjacency { ptr: Int32Array; nb: Int32Array }

function fullAdjacency(nl: NeighborList): Adjacency {
  const { n, neighbors, counts, stride } = nl;
  const ptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    ptr[i + 1] += counts[i];
    for (let k = i * stride, e = k + counts[i]; k < e; k++) ptr[neighbors[k] + 1]++;
  }
  for (let a = 0; a < n; a++) ptr[a + 1] += ptr[a];
  const fill = ptr.slice(0, n);
  const nb = new Int32Array(ptr[n]);
  for (let i = 0; i < n; i++) {
    for (let k = i * stride, e = k + counts[i]; k < e; k++) {
      const j = neighbors[k];
      nb[fill[i]++] = j;
      nb[fill[j]++] = i;
    }
  }
  return { ptr, nb };
}

/**
 * Incremental f64 forces for one potential (see the module doc). Keep one per
 * force provider; `compute` takes the provider's current neighbour list and
 * a function that runs the full evaluation into a given workspace.
 */
export class LocalForces {
  readonly maxFraction: number;
  /** what the last call did */
  stats: LocalUpdateStats = { full: true, reason: 'no state', moved: 0, recomputed: 0 };
  /** per-atom state: forces (stride 3), energies, virials (stride 6), fractional coordinates, EAM rho and F' */
  private readonly ws = new F64Workspace();
  private nl: NeighborList | null = null;
  private adj: Adjacency | null = null;
  private x0 = new Float64Array(0);
  private types0 = new Int32Array(0);
  private box0: number[] = [];
  /** epoch marks (mark[a] === epoch: a is in the current set) and the set lists */
  private mark = new Int32Array(0);
  private epoch = 0;
  private set1 = new Int32Array(0);
  private set2 = new Int32Array(0);
  private readonly a = new Float64Array(4);
  private readonly b = new Float64Array(4);
  private readonly c = new Float64Array(4);
  private readonly v = new Float64Array(3);
  /** EAM: the split F_i = P_i + Q_i and w_i = (P + Q)/2 (see `eamRows`), known where split[i] = 1 */
  private p3 = new Float64Array(0);
  private q3 = new Float64Array(0);
  private p6 = new Float64Array(0);
  private q6 = new Float64Array(0);
  private split = new Uint8Array(0);

  constructor(opts: { maxFraction?: number } = {}) {
    this.maxFraction = opts.maxFraction ?? LOCAL_MAX_FRACTION;
    if (!(this.maxFraction >= 0 && this.maxFraction <= 1)) throw new Error(`LocalForces: option maxFraction must be in [0, 1], got ${opts.maxFraction}`);
  }

  /** Forget the state: the next call is a full evaluation. */
  invalidate(): void {
    this.nl = null;
  }

  /**
   * Forces of `pot` for `sys` over the half list `nl` (valid for `sys`),
   * recomputing only what the atoms moved since the previous call touch.
   * `full(ws)` must run the full evaluation with per-atom terms into `ws`
   * (computeForcesF64(sys, pot, nl, { peratom: true }, ws, ...)).
   */
  compute(sys: System, pot: Potential, nl: NeighborList, opts: ForceOptions, full: (ws: F64Workspace) => ForceResult): ForceResult {
    const n = sys.n;
    const why = this.nl !== nl ? (this.nl === null ? 'no state' : 'neighbour list rebuilt') : this.changed(sys);
    if (why) return this.seed(sys, nl, opts, full, why);
    // moved atoms: exact comparison with the kept positions
    const d = sys.dim, x = sys.positions, x0 = this.x0;
    const e1 = this.nextEpoch();
    let m = 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < d; c++) {
        if (x[i * d + c] !== x0[i * d + c]) { this.set1[m++] = i; this.mark[i] = e1; break; }
      }
    }
    if (m === 0) {
      this.stats = { full: false, reason: '', moved: 0, recomputed: 0 };
      return this.result(sys, opts);
    }
    const limit = Math.floor(this.maxFraction * n);
    const adj = this.adj!;
    const n1 = this.grow(this.set1, m, this.mark, e1, adj, limit);
    if (n1 < 0) return this.seed(sys, nl, opts, full, `more than ${limit} atoms to recompute`);
    let rows = this.set1, nrows = n1;
    if (pot.kind === 'eam') {
      this.set2.set(this.set1.subarray(0, n1));
      const e2 = this.nextEpoch();
      for (let k = 0; k < n1; k++) this.mark[this.set1[k]] = e2;
      nrows = this.grow(this.set2, n1, this.mark, e2, adj, limit);
      if (nrows < 0) return this.seed(sys, nl, opts, full, `more than ${limit} atoms to recompute`);
      rows = this.set2;
    }
    x0.set(x);
    wrappedFractional(sys, this.ws.s, 'computeLocal');
    const g = cellGeometry(sys.box);
    if (pot.kind === 'eam') {
      this.eamDensities(sys, pot, g, this.set1, n1);
      this.eamRows(sys, pot, g, rows, nrows, n1);
    } else {
      this.pairRows(sys, pot, g, rows, nrows);
    }
    this.stats = { full: false, reason: '', moved: m, recomputed: nrows };
    return this.result(sys, opts);
  }

  /** Why the kept state does not describe `sys` (box, atom count, types), or ''. */
  private changed(sys: System): string {
    if (sys.n * sys.dim !== this.x0.length) return 'atom count changed';
    const b = boxKey(sys);
    for (let k = 0; k < b.length; k++) if (b[k] !== this.box0[k]) return 'box changed';
    const t = sys.types, t0 = this.types0;
    for (let i = 0; i < sys.n; i++) if (t[i] !== t0[i]) return 'types changed';
    return '';
  }

  private seed(sys: System, nl: NeighborList, opts: ForceOptions, full: (ws: F64Workspace) => ForceResult, reason: string): ForceResult {
    const res = full(this.ws);
    if (!res.peratomEnergy) throw new Error('LocalForces: the full evaluation must compute per-atom terms');
    const n = sys.n;
    if (this.nl !== nl) this.adj = fullAdjacency(nl);
    this.nl = nl;
    this.x0 = sys.positions.slice();
    this.types0 = sys.types.slice();
    this.box0 = boxKey(sys);
    if (this.mark.length !== n) {
      this.mark = new Int32Array(n);
      this.epoch = 0;
      this.set1 = new Int32Array(n);
      this.set2 = new Int32Array(n);
    }
    if (sys.n > 0 && this.split.length !== n) {
      this.p3 = new Float64Array(3 * n); this.q3 = new Float64Array(3 * n);
      this.p6 = new Float64Array(6 * n); this.q6 = new Float64Array(6 * n);
      this.split = new Uint8Array(n);
    } else {
      this.split.fill(0);
    }
    this.stats = { full: true, reason, moved: n, recomputed: n };
    if (opts.peratom) return res;
    delete res.peratomEnergy;
    delete res.peratomVirial;
    return res;
  }

  private nextEpoch(): number {
    if (++this.epoch >= 0x7fffffff) { this.mark.fill(0); this.epoch = 1; }
    return this.epoch;
  }

  /**
   * Append the neighbours of set[0 .. count) to `set` (those not yet marked
   * with `epoch`); returns the new size, or -1 when it exceeds `limit`.
   */
  private grow(set: Int32Array, count: number, mark: Int32Array, epoch: number, adj: Adjacency, limit: number): number {
    let size = count;
    if (size > limit) return -1;
    for (let k = 0; k < count; k++) {
      const a = set[k];
      for (let e = adj.ptr[a]; e < adj.ptr[a + 1]; e++) {
        const b = adj.nb[e];
        if (mark[b] === epoch) continue;
        mark[b] = epoch;
        if (size === limit) return -1;
        set[size++] = b;
      }
    }
    return size;
  }

  /** EAM pass 1 on A1: rho_i and F'_i from scratch. */
  private eamDensities(sys: System, pot: EamPotential, g: CellGeometry, rows: Int32Array, count: number): void {
    const types = sys.types, { rho, fp } = this.ws, { ptr, nb } = this.adj!, t = this.a;
    const cut2 = pot.maxCutoff * pot.maxCutoff;
    for (let k = 0; k < count; k++) {
      const i = rows[k], ti = types[i];
      let sum = 0;
      for (let e = ptr[i]; e < ptr[i + 1]; e++) {
        const j = nb[e], r2 = this.delta(g, i, j);
        if (r2 >= cut2) continue;
        pot.density(ti, types[j], Math.sqrt(r2), t); // f_{j->i}
        sum += t[0];
      }
      rho[i] = sum;
      pot.embed(ti, sum, t);
      fp[i] = t[1];
    }
  }

  /**
   * Pair potential: rows rows[0 .. count) from scratch: F_i = -sum_j phi'_ij e_ij
   * into f3, e_i = 1/2 sum_j phi_ij into pe and w_i = 1/2 sum_j r_ij (x) F_ij
   * into pv6 (the pair arithmetic of ./forces-f64.ts, with the displacement
   * from `pairDelta`, the same minimum image).
   */
  private pairRows(sys: System, pot: PairPotential, g: CellGeometry, rows: Int32Array, count: number): void {
    const { f3, pe, pv6 } = this.ws, { ptr, nb } = this.adj!, types = sys.types, a = this.a, v = this.v;
    const cut2 = pot.maxCutoff * pot.maxCutoff;
    const S = new Float64Array(9); // force x, y, z, virial xx, yy, zz, xy, xz, yz
    for (let k = 0; k < count; k++) {
      const i = rows[k], ti = types[i];
      S.fill(0);
      let en = 0;
      for (let e = ptr[i]; e < ptr[i + 1]; e++) {
        const j = nb[e], r2 = this.delta(g, i, j);
        if (r2 >= cut2) continue;
        const r = Math.sqrt(r2);
        pot.radial(ti, types[j], r, a);
        en += a[0];
        addPairTerm(S, v[0], v[1], v[2], -a[1] / r);
      }
      for (let x = 0; x < 3; x++) f3[3 * i + x] = S[x];
      for (let x = 0; x < 6; x++) pv6[6 * i + x] = 0.5 * S[3 + x];
      pe[i] = 0.5 * en;
    }
  }

  /** Minimum-image r_i - r_j into this.v (`pairDelta`, as the force loops); returns |r_ij|^2. */
  private delta(g: CellGeometry, i: number, j: number): number {
    const v = this.v;
    pairDelta(g, this.ws.s, i, j, v);
    return v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
  }

  /**
   * EAM pass 2 on A2 = rows[0 .. count), of which rows[0 .. n1) are A1.
   * Each force and per-atom virial is kept as two fresh sums,
   *   F_i = P_i + Q_i,  P_i = -sum_j [phi'_ij + F'_i f'_{j->i}] e_ij,  Q_i = -sum_j F'_j f'_{i->j} e_ij
   * (and the same split of w_i). Outside A1 only Q_i can change (r_ij and
   * F'_i are unchanged), so there Q_i alone is recomputed (one density
   * derivative per pair instead of a pair term and two densities) and P_i
   * kept, once known from a full row: the result is still a fresh sum of
   * current terms (no drift). On A1 (and where P_i is not known yet) the
   * whole row is recomputed, and e_i = F_i(rho_i) + 1/2 sum_j phi_ij.
   */
  private eamRows(sys: System, pot: EamPotential, g: CellGeometry, rows: Int32Array, count: number, n1: number): void {
    const { f3, pe, pv6, rho, fp } = this.ws, { ptr, nb } = this.adj!, types = sys.types;
    const { p3, q3, p6, q6, split } = this;
    const a = this.a, b = this.b, c = this.c, v = this.v;
    const cut2 = pot.maxCutoff * pot.maxCutoff;
    const P = new Float64Array(9), Q = new Float64Array(9); // force x, y, z, virial xx, yy, zz, xy, xz, yz
    for (let k = 0; k < count; k++) {
      const i = rows[k], ti = types[i], fpi = fp[i];
      const whole = k < n1 || split[i] === 0;
      P.fill(0); Q.fill(0);
      let en = 0;
      for (let e = ptr[i]; e < ptr[i + 1]; e++) {
        const j = nb[e], r2 = this.delta(g, i, j);
        if (r2 >= cut2) continue;
        const r = Math.sqrt(r2), tj = types[j], dx = v[0], dy = v[1], dz = v[2];
        pot.density(tj, ti, r, c); // f_{i->j}
        addPairTerm(Q, dx, dy, dz, -fp[j] * c[1] / r);
        if (!whole) continue;
        pot.pair(ti, tj, r, a);
        pot.density(ti, tj, r, b); // f_{j->i}
        en += a[0];
        addPairTerm(P, dx, dy, dz, -(a[1] + fpi * b[1]) / r);
      }
      if (whole) {
        for (let x = 0; x < 3; x++) p3[3 * i + x] = P[x];
        for (let x = 0; x < 6; x++) p6[6 * i + x] = P[3 + x];
        pot.embed(ti, rho[i], a);
        pe[i] = a[0] + 0.5 * en;
        split[i] = 1;
      }
      for (let x = 0; x < 3; x++) { q3[3 * i + x] = Q[x]; f3[3 * i + x] = p3[3 * i + x] + Q[x]; }
      for (let x = 0; x < 6; x++) { q6[6 * i + x] = Q[3 + x]; pv6[6 * i + x] = 0.5 * (p6[6 * i + x] + Q[3 + x]); }
    }
  }

  /** The result from the per-atom state: E = sum_i e_i, W = sum_i w_i. */
  private result(sys: System, opts: ForceOptions): ForceResult {
    const n = sys.n, pe = this.ws.pe, pv = this.ws.pv6;
    let energy = 0;
    for (let i = 0; i < n; i++) energy += pe[i];
    const vir = new Float64Array(6);
    for (let i = 0; i < n; i++) for (let c = 0; c < 6; c++) vir[c] += pv[6 * i + c];
    return packResult(sys, energy, vir, this.ws, opts.peratom === true);
  }
}

/** Add the pair force r_ij * fpair (fpair = -psi'/r) to acc[0..3) and its virial r_ij (x) F to acc[3..9). */
function addPairTerm(acc: Float64Array, dx: number, dy: number, dz: number, fpair: number): void {
  const qx = dx * fpair, qy = dy * fpair, qz = dz * fpair;
  acc[0] += qx; acc[1] += qy; acc[2] += qz;
  acc[3] += dx * qx; acc[4] += dy * qy; acc[5] += dz * qz; acc[6] += dx * qy; acc[7] += dx * qz; acc[8] += dy * qz;
}

/** Box parameters that make the kept forces stale when they change. */
function boxKey(sys: System): number[] {
  const b = sys.box;
  return [...b.lo, ...b.lengths, b.xy, b.xz, b.yz, ...b.periodic.map((p) => (p ? 1 : 0))];
}
