/**
 * Double-precision force, energy and virial loops over a HALF neighbour list
 * (each pair once, src/neighbor/types.ts), for pair potentials and EAM, in 2D
 * and 3D, orthorhombic or triclinic cells.
 *
 * Conventions (src/core/types.ts): r_ij = r_i - r_j under minimum image,
 * force on i from a pair term phi(r): F_ij = -phi'(r) r_ij / r; virial
 * W_ab = sum_pairs r_ij,a F_ij,b (positive for repulsion); per-atom virials
 * and per-atom pair energies split each pair half/half (LAMMPS `pe/atom`,
 * minus `stress/atom`). Tensor order xx, yy, zz, xy, xz, yz (3D) and xx, yy,
 * xy (2D).
 *
 * EAM (Daw & Baskes, Phys. Rev. B 29, 6443 (1984); Finnis & Sinclair, Philos.
 * Mag. A 50, 45 (1984)), LAMMPS `eam/fs`:
 *   E = sum_i [F_i(rho_i) + 1/2 sum_j phi_ij(r_ij)],  rho_i = sum_j rho_{j->i}(r_ij).
 * Two passes: densities, then forces with the effective pair derivative
 *   psi'_ij(r) = phi'_ij(r) + F'_i(rho_i) rho'_{j->i}(r) + F'_j(rho_j) rho'_{i->j}(r),
 * so forces and virials take the pair form above with phi' -> psi'. The
 * per-atom energy is F_i(rho_i) + 1/2 sum_j phi_ij (LAMMPS pe/atom).
 *
 * Pair displacements come from wrapped fractional coordinates (see
 * src/neighbor/cell-geometry.ts: exact minimum image for every pair closer
 * than half the smallest perpendicular width, which the neighbour list
 * enforces). 2D runs through the same loops with s_z = 0.
 */
import type { System } from '../system/system.ts';
import type { NeighborList } from '../neighbor/types.ts';
import { cellGeometry, wrappedFractional, type CellGeometry } from '../neighbor/cell-geometry.ts';
import type { EamPotential, PairPotential, Potential } from '../potential/types.ts';
import type { LjPairTable } from '../potential/lennard-jones.ts';
import type { ForceOptions, ForceResult } from './types.ts';
import { checkConfiguration } from './check-configuration.ts';
import { kernelGeometry, ljForceRows, packLjTable } from './lj-kernel.ts';
import type { LjThreadPool } from './lj-thread-pool.ts';
import { WasmForceWorkspace, type WasmAtomViews, type WasmPotentialTable } from './wasm/force-runtime.ts';
import { WasmForcePool } from './wasm/force-threads.ts';
import type { IplPairTable } from '../potential/ipl.ts';
import type { EamTable } from '../potential/eam-fs.ts';

/**
 * Which loops evaluate f64 forces: 'wasm', the WebAssembly f64x2 SIMD
 * kernels (./wasm/force-kernels.as.ts) for the LJ family (table), the
 * smoothed IPL with an even exponent and tabulated EAM, or 'js', the
 * TypeScript loops of this file (the reference; every other potential runs
 * here whatever is asked). For LJ and EAM the two give the same bits (same
 * arithmetic in the same order); for IPL they agree to round-off (x^-n by
 * repeated multiplication in wasm, by Math.pow in TypeScript).
 */
export type ForceKernels = 'wasm' | 'js';

/**
 * Plain-data coefficient table of an LJ-family potential with shift or
 * shifted-force cutoff: the fields of `LjPairTable`
 * (src/potential/lennard-jones.ts) that the force loop reads.
 */
export type LjCoefficients = Pick<LjPairTable, 'kind' | 'stride' | 'lj1' | 'lj2' | 'cutsq' | 'rc' | 'eshift' | 'fshift'>;

/** The LJ table of a potential that offers one (`pairTable()`), else null. */
export function ljCoefficientsOf(pot: Potential): LjCoefficients | null {
  const p = pot as Potential & { pairTable?: () => unknown };
  if (pot.kind !== 'pair' || typeof p.pairTable !== 'function') return null;
  const t = p.pairTable() as Partial<LjCoefficients> | null;
  if (!t || t.kind !== 'lj' || !t.lj1 || !t.lj2 || !t.cutsq || !t.rc || !t.eshift || !t.fshift || !t.stride) return null;
  return t as LjCoefficients;
}

/**
 * Reusable scratch buffers for one system size (fractional coordinates,
 * stride-3 force accumulators, EAM densities). Keep one per force provider.
 */
export class F64Workspace {
  /** the loops asked for (see ForceKernels); 'js' unless given */
  readonly kernels: ForceKernels;
  private wasm: WasmForceWorkspace | null | undefined;
  constructor(kernels: ForceKernels = 'js') { this.kernels = kernels; }
  /** the WebAssembly workspace when kernels is 'wasm' and it loads here, else null */
  wasmWorkspace(): WasmForceWorkspace | null {
    if (this.wasm === undefined) this.wasm = this.kernels === 'wasm' ? WasmForceWorkspace.create() : null;
    return this.wasm;
  }
  readonly geom = new Float64Array(9);
  s = new Float64Array(0);
  f3 = new Float64Array(0);
  pe = new Float64Array(0);
  pv6 = new Float64Array(0);
  rho = new Float64Array(0);
  fp = new Float64Array(0);
  readonly radial = new Float64Array(4);
  readonly radial2 = new Float64Array(4);
  readonly radial3 = new Float64Array(4);
  /** the last result whose lazy virial reads this workspace's buffers, and how it takes copies of them */
  private live: { result: ForceResult; keep: (listChanging: boolean) => void } | null = null;
  /**
   * The list built in place (in the kernels' or the pool's memory) that
   * earlier results' lazy virials still read, through one box they all
   * share: the next rebuild copies it once into the box, for all of them,
   * and drops the box (so results that are gone cost nothing, and a
   * minimiser's thousands of superseded results between two rebuilds cost
   * one copy, not one each).
   */
  private listBox: ListBox | null = null;
  /** copies of in-place lists made for earlier results' lazy virials (at most one per rebuild) */
  keptListCopies = 0;
  /** a copy of the atom types, shared by results while the types stay the same */
  private typesCopy: Int32Array | null = null;

  /**
   * Call before anything overwrites this workspace's buffers (or the
   * neighbour list built in its memory, when `listChanging`): the last
   * result with a lazy virial takes copies of what it reads, unless the
   * caller gave it up (`reuse`, ForceOptions).
   */
  release(reuse: ForceResult | undefined, listChanging: boolean): void {
    const l = this.live;
    this.live = null;
    if (l && l.result !== reuse) l.keep(listChanging);
    if (listChanging && this.listBox) {
      const box = this.listBox;
      this.listBox = null;
      box.list = copiedList(box.list);
      this.keptListCopies++;
    }
  }

  /** Told by a thread pool (./wasm/force-threads.ts) before another workspace's call overwrites the pool's buffers that this one's last result reads. */
  atomsOverwritten(): void { this.release(undefined, false); }

  /** Register `result`, whose lazy virial reads this workspace's buffers until `keep` copies them. */
  holdLive(result: ForceResult, keep: (listChanging: boolean) => void): void { this.live = { result, keep }; }

  /** The box through which results read `list`, built in place, until the next rebuild copies it there (one box per build). */
  shareList(list: NeighborList): ListBox {
    if (this.listBox?.source !== list) this.listBox = { source: list, list };
    return this.listBox;
  }

  /** A copy of `types` (the same object while the types do not change). */
  typesSnapshot(types: Int32Array, n: number): Int32Array {
    const t = this.typesCopy;
    if (t && t.length === n) {
      let same = true;
      for (let i = 0; i < n; i++) if (t[i] !== types[i]) { same = false; break; }
      if (same) return t;
    }
    return (this.typesCopy = types.slice(0, n));
  }

  /** Size the buffers for n atoms and zero the accumulators. */
  prepare(n: number, peratom: boolean): void {
    if (this.f3.length !== 3 * n) {
      this.s = new Float64Array(3 * n);
      this.f3 = new Float64Array(3 * n);
      this.rho = new Float64Array(n);
      this.fp = new Float64Array(n);
    } else {
      this.f3.fill(0);
    }
    if (peratom) {
      if (this.pe.length !== n) {
        this.pe = new Float64Array(n);
        this.pv6 = new Float64Array(6 * n);
      } else {
        this.pe.fill(0);
        this.pv6.fill(0);
      }
    }
  }
}

/** Which evaluator the pair loop inlines (plain numbers: a monomorphic switch). */
const Mode = { Radial: 1, Eam: 2 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/**
 * Forces, energy and virial of `pot` for `sys` over the half list `nl`.
 * LJ-family potentials with a coefficient table take the inlined path;
 * other pair potentials go through `radial()`; EAM through the two-pass loop.
 * `nl` must still be valid for the current positions (no atom moved more
 * than skin/2 since it was built): `createForceProvider` takes care of that.
 * Atom types are checked against the potential (O(N), negligible).
 * With `pool` the loops run on its threads (same results up to summation
 * order): an `LjThreadPool` (./lj-thread-pool.ts) runs the TypeScript
 * LJ-table loop; a `WasmForcePool` (./wasm/force-threads.ts) runs the wasm
 * kernels of the LJ table, IPL and EAM when ws.kernels is 'wasm'. Other
 * potentials ignore it.
 * `checkedTypes`: a copy of sys.types that the caller knows equal to them
 * and checked against `pot` (the force provider's list snapshot, taken and
 * checked at its last rebuild and compared at every staleness check): the
 * per-call type check is skipped and the LJ result's lazy virial reads it
 * instead of a copy of its own.
 */
export function computeForcesF64(
  sys: System, pot: Potential, nl: NeighborList, opts: ForceOptions = {}, ws: F64Workspace = new F64Workspace(),
  lj: LjCoefficients | null = pot.kind === 'pair' ? ljCoefficientsOf(pot) : null,
  pool: LjThreadPool | WasmForcePool | null = null, checkedTypes: Int32Array | null = null,
): ForceResult {
  if (nl.kind !== 'half') throw new Error(`computeForcesF64: needs a 'half' neighbour list, got '${nl.kind}' (build it with kind: 'half')`);
  if (nl.n !== sys.n) throw new Error(`computeForcesF64: neighbour list is for ${nl.n} atoms, the system has ${sys.n}; rebuild the list`);
  if (pot.maxCutoff > nl.cutoff * (1 + 1e-12)) {
    throw new Error(`computeForcesF64: neighbour list cutoff ${nl.cutoff} is below the potential's cutoff ${pot.maxCutoff} ('${pot.name}')`);
  }
  if (!checkedTypes) checkConfiguration(sys, pot);
  ws.release(opts.reuse, false);
  const peratom = opts.peratom === true;
  const n = sys.n;
  const g = cellGeometry(sys.box);
  const wasmPool = pool instanceof WasmForcePool ? pool : null;
  const ljPool = pool instanceof WasmForcePool ? null : pool;
  const table = ws.kernels === 'wasm' && !ljPool ? wasmTableOf(pot, lj) : null;
  if (wasmPool && table) {
    // the pool tells ws before another workspace's call overwrites its buffers (`atomsOverwritten`): ws owns them until then
    return wasmForces(sys, pot, lj, nl, g, wasmPool.bind(table, nl, sys.types, kernelGeometry(g, ws.geom), peratom, ws), wasmPool, peratom, ws, opts.reuse,
      checkedTypes);
  }
  const wasm = table ? ws.wasmWorkspace() : null;
  if (wasm && table) return wasmForces(sys, pot, lj, nl, g, wasm.bind(table, nl, sys.types, kernelGeometry(g, ws.geom), peratom), wasm, peratom, ws, opts.reuse,
    checkedTypes);
  ws.prepare(n, peratom);
  wrappedFractional(sys, ws.s, 'computeForcesF64');
  let energy = 0;
  const vir = new Float64Array(6);
  if (pot.kind === 'eam') {
    energy += eamEmbedding(sys, pot, nl, g, ws, peratom);
    energy += pairLoop(sys, Mode.Eam, null, pot, nl, g, ws, peratom, vir);
  } else if (lj) {
    energy += ljPool
      ? ljPool.compute({
        n, types: sys.types, neighbors: nl.neighbors, counts: nl.counts, stride: nl.stride, geom: kernelGeometry(g),
        tstride: lj.stride, coef: packedTable(lj), shiftedForce: hasForceShift(lj),
      }, ws.s, ws.f3)
      : ljForces(sys, lj, nl, g, ws.s, ws.f3);
    return ljResult(sys, lj, nl, g, energy, ws, peratom, ws, opts.reuse, undefined, checkedTypes);
  } else {
    energy += pairLoop(sys, Mode.Radial, pot, null, nl, g, ws, peratom, vir);
  }
  return packResult(sys, energy, vir, ws, peratom, opts.reuse);
}

/**
 * The result of the LJ-table path once forces and energy are in b.f3:
 * per-atom terms (and the virial) now when asked for, else the virial on
 * first read. With `owner` (the workspace whose buffers b are: nothing else
 * writes them) it reads b.s, the list and the types in place until
 * `owner.release` says they are about to change, and only then copies them
 * (not at all when the caller gives the result up first, as MD does);
 * without, it reads copies taken now. `forces`: the result's forces,
 * already summed there by the loop (else they are copied from b.f3).
 */
function ljResult(sys: System, lj: LjCoefficients, nl: NeighborList, g: CellGeometry, energy: number, b: AtomBuffers, peratom: boolean,
  owner: F64Workspace | null, reuse: ForceResult | undefined, forces?: Float64Array, checkedTypes: Int32Array | null = null): ForceResult {
  const n = sys.n;
  const vir = new Float64Array(6);
  if (peratom) {
    ljVirial(sys.types, n, lj, nl, g, b.s, vir, b.pe, b.pv6);
    return packResult(sys, energy, vir, b, true, reuse, forces);
  }
  const types = checkedTypes ?? (owner ? owner.typesSnapshot(sys.types, n) : sys.types.slice());
  let s = owner ? b.s : b.s.slice(0, 3 * n);
  let listBox: ListBox = { source: nl, list: nl };
  const res = packResult(sys, energy, vir, b, false, reuse, forces);
  let virial: Float64Array | null = null;
  Object.defineProperty(res, 'virial', {
    enumerable: true,
    configurable: true,
    get(): Float64Array {
      if (virial === null) {
        ljVirial(types, n, lj, listBox.list, g, s, vir, null, null);
        virial = sys.dim === 3 ? vir : Float64Array.of(vir[0], vir[1], vir[3]);
      }
      return virial;
    },
    set(v: Float64Array) { virial = v; },
  });
  owner?.holdLive(res, (listChanging) => {
    if (virial !== null) return;
    s = s.slice(0, 3 * n);
    // a list built in the kernels' (or the thread pool's) memory is overwritten by the next build: copied then
    if (nl.neighbors.byteLength === nl.neighbors.buffer.byteLength) return;
    listBox = listChanging ? { source: nl, list: copiedList(nl) } : owner.shareList(nl);
  });
  return res;
}

/** How results read a neighbour list built in place: `list` is `source` until a rebuild replaces it by a copy (F64Workspace.shareList). */
interface ListBox { readonly source: NeighborList; list: NeighborList }

/** A neighbour list whose rows and counts are copies (of views of memory the next build overwrites). */
function copiedList(list: NeighborList): NeighborList {
  return { ...list, neighbors: list.neighbors.slice(), counts: list.counts.slice() };
}

/** The atom arrays a force evaluation fills: an F64Workspace's own, or views of wasm memory. */
type AtomBuffers = Readonly<Record<'s' | 'f3' | 'rho' | 'fp' | 'pe' | 'pv6', Float64Array>>;

/**
 * The wasm kernels as `wasmForces` drives them: one instance (WasmForceWorkspace) or the threads of a WasmForcePool
 * (`sumsInto`: its ljForces(out) adds the threads' shares into out, stride 3, instead of into the bound f3).
 */
type WasmLoops = Pick<WasmForceWorkspace, 'eamDensities' | 'eamForces'> & Partial<Pick<WasmForceWorkspace, 'iplForces'>> &
  { ljForces(out?: Float64Array): number; readonly sumsInto?: boolean };

/**
 * The 'wasm' path (see ForceKernels): the same steps as the TypeScript path
 * with the pair loops in ./wasm/force-kernels.as.ts over the bound views v.
 * The EAM embedding F(rho), F'(rho) (O(N)) stays in TypeScript (`embed`).
 */
function wasmForces(
  sys: System, pot: Potential, lj: LjCoefficients | null, nl: NeighborList, g: CellGeometry,
  v: WasmAtomViews, wasm: WasmLoops, peratom: boolean, owner: F64Workspace | null, reuse: ForceResult | undefined,
  checkedTypes: Int32Array | null,
): ForceResult {
  wrappedFractional(sys, v.s, 'computeForcesF64');
  const vir = new Float64Array(6);
  if (pot.kind === 'eam') {
    wasm.eamDensities();
    let energy = embedding(sys, pot, v, peratom);
    energy += wasm.eamForces(vir, peratom);
    return packResult(sys, energy, vir, v, peratom, reuse);
  }
  if (lj) {
    // 3D: the loops may sum the forces straight into the result's array (the pool adds its threads' shares there)
    const out = wasm.sumsInto && sys.dim === 3 ? forcesArray(sys, reuse) : undefined;
    const energy = wasm.ljForces(out);
    return ljResult(sys, lj, nl, g, energy, v, peratom, owner, reuse, out, checkedTypes);
  }
  if (!wasm.iplForces) throw new Error('computeForcesF64: the wasm thread pool has no IPL loop');
  const energy = wasm.iplForces(vir, peratom);
  return packResult(sys, energy, vir, v, peratom, reuse);
}

const wasmTables = new WeakMap<Potential, WasmPotentialTable | null>();

/**
 * The table the wasm kernels read for `pot` (made once per potential), or
 * null when they have no loop for it: LJ-family tables, the smoothed IPL
 * (`pairTable()` of kind 'ipl') with an even integer exponent, and EAM with
 * spline tables (`eamTable()`, src/potential/eam-fs.ts).
 */
export function wasmTableOf(pot: Potential, lj: LjCoefficients | null): WasmPotentialTable | null {
  let t = wasmTables.get(pot);
  if (t !== undefined) return t;
  t = null;
  const p = pot as Potential & { pairTable?: () => unknown; eamTable?: () => EamTable };
  if (lj) {
    t = { kind: 'lj', tstride: lj.stride, coef: packedTable(lj), shiftedForce: hasForceShift(lj) };
  } else if (pot.kind === 'pair' && typeof p.pairTable === 'function') {
    const ipl = p.pairTable() as Partial<IplPairTable> | null;
    if (ipl && ipl.kind === 'ipl' && Number.isInteger(ipl.n! / 2) && ipl.n! > 0 && ipl.invLambda2 && ipl.cutsq && ipl.c) {
      const m = ipl.stride! * ipl.stride!;
      const pairs = new Float64Array(2 * m);
      for (let k = 0; k < m; k++) { pairs[2 * k] = ipl.cutsq[k]; pairs[2 * k + 1] = ipl.invLambda2[k]; }
      t = { kind: 'ipl', tstride: ipl.stride!, pairs, c: ipl.c, epsilon: ipl.epsilon!, h: ipl.n! / 2 };
    }
  } else if (pot.kind === 'eam' && typeof p.eamTable === 'function') {
    const e = p.eamTable();
    t = { kind: 'eam', tstride: e.stride, nr: e.nr, rdr: e.rdr, cutoff: e.cutoff, rhor: e.rhor, z2r: e.z2r };
  }
  wasmTables.set(pot, t);
  return t;
}

/**
 * The generic loop over the half list: pair potentials through `radial()`,
 * EAM pass 2 through `pair()`/`density()` with F' from pass 1 (ws.fp).
 * Accumulates forces into ws.f3, the virial into vir (6 components),
 * per-atom terms if asked. Returns the pair energy.
 */
function pairLoop(
  sys: System, mode: Mode, pp: PairPotential | null, eam: EamPotential | null,
  nl: NeighborList, g: CellGeometry, ws: F64Workspace, peratom: boolean, vir: Float64Array,
): number {
  const n = sys.n, types = sys.types;
  const { neighbors, counts, stride } = nl;
  const s = ws.s, f = ws.f3, pe = ws.pe, pv = ws.pv6, fp = ws.fp;
  const lx = g.lx, ly = g.ly, lz = g.lz, xy = g.xy, xz = g.xz, yz = g.yz;
  const px = g.wrap[0], py = g.wrap[1], pz = g.wrap[2]; // 1 periodic, 0 not
  const potCut = (pp ?? eam)!.maxCutoff;
  const potCut2 = potCut * potCut;
  const a = ws.radial, b = ws.radial2, c = ws.radial3;

  let energy = 0, wxx = 0, wyy = 0, wzz = 0, wxy = 0, wxz = 0, wyz = 0;
  for (let i = 0; i < n; i++) {
    const cnt = counts[i];
    if (cnt === 0) continue;
    const ti = types[i];
    const sxi = s[3 * i], syi = s[3 * i + 1], szi = s[3 * i + 2];
    const fpi = mode === Mode.Eam ? fp[i] : 0;
    let fxi = 0, fyi = 0, fzi = 0;
    const base = i * stride;
    for (let k = 0; k < cnt; k++) {
      const j = neighbors[base + k];
      // minimum image, branch-free (the wrap is taken for a third of the pairs: unpredictable)
      let dsx = sxi - s[3 * j], dsy = syi - s[3 * j + 1], dsz = szi - s[3 * j + 2];
      dsx -= px * Math.floor(dsx + 0.5);
      dsy -= py * Math.floor(dsy + 0.5);
      dsz -= pz * Math.floor(dsz + 0.5);
      const dx = lx * dsx + xy * dsy + xz * dsz;
      const dy = ly * dsy + yz * dsz;
      const dz = lz * dsz;
      const r2 = dx * dx + dy * dy + dz * dz;
      let e: number, fpair: number; // fpair = -psi'(r)/r
      if (mode === Mode.Radial) {
        if (r2 >= potCut2) continue;
        const r = Math.sqrt(r2);
        pp!.radial(ti, types[j], r, a);
        e = a[0];
        fpair = -a[1] / r;
      } else {
        if (r2 >= potCut2) continue;
        const r = Math.sqrt(r2);
        const tj = types[j];
        eam!.pair(ti, tj, r, a);
        eam!.density(ti, tj, r, b); // rho_{j->i}
        eam!.density(tj, ti, r, c); // rho_{i->j}
        e = a[0];
        fpair = -(a[1] + fpi * b[1] + fp[j] * c[1]) / r;
      }
      const fx = dx * fpair, fy = dy * fpair, fz = dz * fpair;
      fxi += fx; fyi += fy; fzi += fz;
      f[3 * j] -= fx; f[3 * j + 1] -= fy; f[3 * j + 2] -= fz;
      energy += e;
      const vxx = dx * fx, vyy = dy * fy, vzz = dz * fz, vxy = dx * fy, vxz = dx * fz, vyz = dy * fz;
      wxx += vxx; wyy += vyy; wzz += vzz; wxy += vxy; wxz += vxz; wyz += vyz;
      if (peratom) {
        const eh = 0.5 * e;
        pe[i] += eh; pe[j] += eh;
        const oi = 6 * i, oj = 6 * j;
        pv[oi] += 0.5 * vxx; pv[oi + 1] += 0.5 * vyy; pv[oi + 2] += 0.5 * vzz;
        pv[oi + 3] += 0.5 * vxy; pv[oi + 4] += 0.5 * vxz; pv[oi + 5] += 0.5 * vyz;
        pv[oj] += 0.5 * vxx; pv[oj + 1] += 0.5 * vyy; pv[oj + 2] += 0.5 * vzz;
        pv[oj + 3] += 0.5 * vxy; pv[oj + 4] += 0.5 * vxz; pv[oj + 5] += 0.5 * vyz;
      }
    }
    f[3 * i] += fxi; f[3 * i + 1] += fyi; f[3 * i + 2] += fzi;
  }
  vir[0] += wxx; vir[1] += wyy; vir[2] += wzz; vir[3] += wxy; vir[4] += wxz; vir[5] += wyz;
  return energy;
}

/**
 * The LJ-table fast path, forces and energy only: the loop of `pairLoop`
 * with the LJ arithmetic inlined and no branch on the cutoff (kept separate
 * so that V8 compiles it without the call sites of the generic path; ~1.7x
 * faster, measured). The virial (and per-atom terms) come from `ljVirial`, a
 * second pass over the same pair terms, which `computeForcesF64` runs only
 * when the virial is read: an NVT step that reads no pressure skips it
 * (the six tensor sums cost ~17% of this loop, measured). Forces are the same
 * bits whether or not the other terms are asked for.
 */
function ljForces(sys: System, lj: LjCoefficients, nl: NeighborList, g: CellGeometry, s: Float64Array, f: Float64Array): number {
  return ljForceRows(0, sys.n, sys.types, nl.neighbors, nl.counts, nl.stride, kernelGeometry(g), lj.stride, packedTable(lj), hasForceShift(lj), s, f);
}

const packed = new WeakMap<LjCoefficients, Float64Array>();

/** The packed coefficient table of `lj` (./lj-kernel.ts), made once per table. */
function packedTable(lj: LjCoefficients): Float64Array {
  let t = packed.get(lj);
  if (!t) { t = packLjTable(lj); packed.set(lj, t); }
  return t;
}

/** True when the table has a force shift (lj/sf-type cutoff): then every pair needs a sqrt. */
export function hasForceShift(lj: LjCoefficients): boolean {
  for (let k = 0; k < lj.fshift.length; k++) if (lj.fshift[k] !== 0) return true;
  return false;
}

/**
 * Virial of the LJ-table path into vir (6 components), and per-atom energies
 * and virials (half/half split) into pe, pv (n, 6n; zeroed by the caller)
 * when given; same pair arithmetic as `ljForces`.
 */
function ljVirial(
  types: Int32Array, n: number, lj: LjCoefficients, nl: NeighborList, g: CellGeometry, s: Float64Array,
  vir: Float64Array, pe: Float64Array | null, pv: Float64Array | null,
): void {
  const { neighbors, counts, stride } = nl;
  const lx = g.lx, ly = g.ly, lz = g.lz, xy = g.xy, xz = g.xz, yz = g.yz;
  const px = g.wrap[0], py = g.wrap[1], pz = g.wrap[2];
  const { stride: tstride, lj1, lj2, cutsq, rc: rcut, eshift, fshift } = lj;
  const shiftedForce = hasForceShift(lj);
  let wxx = 0, wyy = 0, wzz = 0, wxy = 0, wxz = 0, wyz = 0;
  for (let i = 0; i < n; i++) {
    const row = types[i] * tstride;
    const sxi = s[3 * i], syi = s[3 * i + 1], szi = s[3 * i + 2];
    for (let k = i * stride, kend = k + counts[i]; k < kend; k++) {
      const j = neighbors[k];
      let dsx = sxi - s[3 * j], dsy = syi - s[3 * j + 1], dsz = szi - s[3 * j + 2];
      dsx -= px * Math.floor(dsx + 0.5);
      dsy -= py * Math.floor(dsy + 0.5);
      dsz -= pz * Math.floor(dsz + 0.5);
      const dx = lx * dsx + xy * dsy + xz * dsz, dy = ly * dsy + yz * dsz, dz = lz * dsz;
      const r2 = dx * dx + dy * dy + dz * dz;
      const kk = row + types[j];
      if (!(r2 < cutsq[kk])) continue;
      const ir2 = 1 / r2;
      const ir6 = ir2 * ir2 * ir2;
      let fpair = ir6 * (12 * lj1[kk] * ir6 - 6 * lj2[kk]) * ir2;
      let e = ir6 * (lj1[kk] * ir6 - lj2[kk]) - eshift[kk];
      if (shiftedForce) {
        const r = Math.sqrt(r2);
        fpair += fshift[kk] / r;
        e -= fshift[kk] * (r - rcut[kk]);
      }
      const fx = dx * fpair, fy = dy * fpair, fz = dz * fpair;
      const vxx = dx * fx, vyy = dy * fy, vzz = dz * fz, vxy = dx * fy, vxz = dx * fz, vyz = dy * fz;
      wxx += vxx; wyy += vyy; wzz += vzz; wxy += vxy; wxz += vxz; wyz += vyz;
      if (pe !== null && pv !== null) {
        const eh = 0.5 * e;
        pe[i] += eh; pe[j] += eh;
        const oi = 6 * i, oj = 6 * j;
        pv[oi] += 0.5 * vxx; pv[oi + 1] += 0.5 * vyy; pv[oi + 2] += 0.5 * vzz;
        pv[oi + 3] += 0.5 * vxy; pv[oi + 4] += 0.5 * vxz; pv[oi + 5] += 0.5 * vyz;
        pv[oj] += 0.5 * vxx; pv[oj + 1] += 0.5 * vyy; pv[oj + 2] += 0.5 * vzz;
        pv[oj + 3] += 0.5 * vxy; pv[oj + 4] += 0.5 * vxz; pv[oj + 5] += 0.5 * vyz;
      }
    }
  }
  vir[0] += wxx; vir[1] += wyy; vir[2] += wzz; vir[3] += wxy; vir[4] += wxz; vir[5] += wyz;
}

/**
 * EAM pass 1: host densities rho_i, then F_i(rho_i) and F'_i into ws.fp.
 * Returns the embedding energy sum_i F_i; adds F_i to per-atom energies.
 */
function eamEmbedding(sys: System, pot: EamPotential, nl: NeighborList, g: CellGeometry, ws: F64Workspace, peratom: boolean): number {
  accumulateDensities(sys, pot, nl, g, ws.s, ws.rho, ws.radial);
  return embedding(sys, pot, ws, peratom);
}

/** F_i(rho_i) summed (returned) and added to b.pe, F'_i into b.fp, from the densities in b.rho. */
function embedding(sys: System, pot: EamPotential, b: AtomBuffers, peratom: boolean): number {
  const out = embedOut;
  let energy = 0;
  for (let i = 0; i < sys.n; i++) {
    pot.embed(sys.types[i], b.rho[i], out);
    energy += out[0];
    b.fp[i] = out[1];
    if (peratom) b.pe[i] += out[0];
  }
  return energy;
}
const embedOut = new Float64Array(4);

/**
 * Host electron densities rho_i = sum_j rho_{t_j -> t_i}(r_ij) over the half
 * list, written to `rho` (length n). Shared with the Hessian assembly.
 */
export function accumulateDensities(
  sys: System, pot: EamPotential, nl: NeighborList, g: CellGeometry, s: Float64Array, rho: Float64Array, tmp: Float64Array,
): void {
  const n = sys.n, types = sys.types;
  const { neighbors, counts, stride } = nl;
  const lx = g.lx, ly = g.ly, lz = g.lz, xy = g.xy, xz = g.xz, yz = g.yz;
  const px = g.wrap[0], py = g.wrap[1], pz = g.wrap[2];
  const cut2 = pot.maxCutoff * pot.maxCutoff;
  rho.fill(0);
  for (let i = 0; i < n; i++) {
    const ti = types[i];
    const sxi = s[3 * i], syi = s[3 * i + 1], szi = s[3 * i + 2];
    const base = i * stride, cnt = counts[i];
    for (let k = 0; k < cnt; k++) {
      const j = neighbors[base + k];
      let dsx = sxi - s[3 * j], dsy = syi - s[3 * j + 1], dsz = szi - s[3 * j + 2];
      dsx -= px * Math.floor(dsx + 0.5);
      dsy -= py * Math.floor(dsy + 0.5);
      dsz -= pz * Math.floor(dsz + 0.5);
      const dx = lx * dsx + xy * dsy + xz * dsz, dy = ly * dsy + yz * dsz, dz = lz * dsz;
      const r2 = dx * dx + dy * dy + dz * dz;
      if (r2 >= cut2) continue;
      const r = Math.sqrt(r2);
      const tj = types[j];
      pot.density(ti, tj, r, tmp);
      rho[i] += tmp[0];
      pot.density(tj, ti, r, tmp);
      rho[j] += tmp[0];
    }
  }
}

/** The forces array of a result for `sys`: the one of `reuse` when it has the right length (ForceOptions.reuse), else a new one. */
function forcesArray(sys: System, reuse: ForceResult | undefined): Float64Array {
  const len = sys.n * sys.dim;
  return reuse && reuse.forces.length === len ? reuse.forces : new Float64Array(len);
}

/**
 * Copy the stride-3 accumulators into a ForceResult with the System's
 * dimension (also used by ./forces-local.ts); the forces go into the arrays
 * of `reuse` when it has them at the right length (ForceOptions.reuse), or
 * are already in `summed` (3D, written there by the loop).
 */
export function packResult(sys: System, energy: number, vir: Float64Array, ws: AtomBuffers, peratom: boolean, reuse?: ForceResult,
  summed?: Float64Array): ForceResult {
  const n = sys.n, d = sys.dim;
  const forces = summed ?? forcesArray(sys, reuse);
  const f3 = ws.f3;
  if (summed) { /* the loop wrote them there */ } else if (d === 3) forces.set(f3.subarray(0, 3 * n));
  else for (let i = 0; i < n; i++) { forces[2 * i] = f3[3 * i]; forces[2 * i + 1] = f3[3 * i + 1]; }
  const res: ForceResult = { energy, forces, virial: d === 3 ? vir.slice() : Float64Array.of(vir[0], vir[1], vir[3]) };
  if (peratom) {
    res.peratomEnergy = ws.pe.slice(0, n);
    if (d === 3) {
      res.peratomVirial = ws.pv6.slice(0, 6 * n);
    } else {
      const pv = new Float64Array(3 * n), p6 = ws.pv6;
      for (let i = 0; i < n; i++) { pv[3 * i] = p6[6 * i]; pv[3 * i + 1] = p6[6 * i + 1]; pv[3 * i + 2] = p6[6 * i + 3]; }
      res.peratomVirial = pv;
    }
  }
  return res;
}
