/**
 * f32 gpu.js kernels for Lennard-Jones-family pair potentials over a dense
 * FULL neighbour list (src/neighbor/types.ts): one thread per atom i gathers
 * over neighbors[i*stride .. i*stride + counts[i]) (entries < 0 skipped), so
 * no two threads write the same output and no atomics are needed.
 *
 * Potential: the plain-data `LjPairTable` of src/potential/lennard-jones.ts
 * (KA: `createKobAndersen(scheme).pairTable()`). For r^2 < cutsq,
 *   u(r)          = lj1/r^12 - lj2/r^6 - eshift - fshift (r - rc)
 *   -u'(r)/r      = (12 lj1/r^12 - 6 lj2/r^6)/r^2 + fshift/r
 * (truncated-and-shifted: fshift = 0; shifted force, Toxvaerd & Dyre,
 * J. Chem. Phys. 134, 081102 (2011): fshift = phi_LJ'(rc)). The
 * shifted-force kernel is a separate compiled variant, so the plain shifted
 * one pays no square root.
 *
 * Kernels (per atom i, full list, r_ij = r_i - r_j under minimum image):
 *  - force + energy: F_i = sum_j (-u'(r)/r) r_ij, e_i = 1/2 sum_j u(r_ij)
 *    (energy comes in the same pass: one extra add per pair);
 *  - virial: W_i,ab = 1/2 sum_j (-u'(r)/r) r_ij,a r_ij,b (convention of
 *    src/core/types.ts), components xx yy zz xy xz yz (3D) / xx yy xy (2D).
 *    In 3D the six components come from two passes over the list (a gpu.js
 *    kernel returns at most 4 numbers per thread).
 *
 * Minimum image inside the kernel, z then y then x with tilt corrections,
 * exactly `Box.minimumImage`, so orthorhombic and (restricted) triclinic
 * boxes both work.
 *
 * Precision (test/core/gpu-pair-forces.test.ts, against an f64 all-pairs
 * reference, every backend): positions are wrapped in f64 and sent as f32
 * relative to the cell centre (gpu-kernel-io.ts), so a pair distance is off
 * by ~ulp(L/2) (2.4e-7 for L = 7.5, 9.5e-7 for L = 22), amplified ~14x in an
 * LJ force at contact. Measured: per-atom force, energy and virial errors
 * <= 30 ulp(L/2) relative to the sum of the magnitudes of the atom's pair
 * terms (6e-6 for KA N=512 3D, 2.9e-5 for N=529 2D at L = 22), total
 * energy relative error ~1e-7..6e-7. The error grows with the box edge: for
 * L/2 in [16, 32) expect ~6e-5. Good for finite-temperature MD and per-atom
 * statistics; NOT for minimisation to tight force tolerances,
 * Hessians or LTE: use the f64 path there (ARCHITECTURE.md, "Conventions").
 */
import type { LjPairTable } from '../potential/lennard-jones.ts';
import type { NeighborList } from '../neighbor/types.ts';
import type { System } from '../system/system.ts';
import type { ForceOptions, ForceResult } from './types.ts';
import { resolveBackend, sharedGpu, type BackendName, type BackendRequest } from './backend.ts';
import {
  assertSync, boxScalars, cachedKernel, F32_EXACT_INT, kernelMode, packCentredPositions, unpackVectors,
  type KernelSpec,
} from './gpu-kernel-io.ts';

/** Longest neighbour row the kernels accept (their loop bound, checked on the host). */
export const MAX_NEIGHBOR_STRIDE = 1024;

/** Numbers per type pair in the packed coefficient array the kernels read. */
const COEF = 6;

type Quantity = 'forceEnergy' | 'virialDiag' | 'virialOff' | 'virial2d';

/**
 * Kernel arguments: x = per atom (coordinates, 0-based type) as f32, stride
 * dim+1 (the type rides with the coordinates: one cache line per neighbour
 * gather, measured 15-20% faster than a separate type array in webasm).
 */
const ARG_NAMES = 'x, nbr, cnt, coef, stride, nt, lx, ly, lz, ilx, ily, ilz, xy, xz, yz';

/**
 * Source of one pair kernel. `accumulate` runs once per pair inside the
 * cutoff with dx, dy(, dz), fr = -u'(r)/r and u in scope; `result` is the
 * returned expression. Generated (not hand-copied) for 2D/3D and both
 * cutoff schemes.
 */
function pairKernelSource(dim: 2 | 3, shiftedForce: boolean, triclinic: boolean, init: string, accumulate: string, result: string): string {
  const d = dim + 1;
  const z = dim === 3;
  // orthorhombic boxes skip the tilt corrections (measured ~15% faster in webasm)
  const tiltZ = triclinic ? `
      dy = dy - sz * yz;
      dx = dx - sz * xz;` : '';
  const tiltY = triclinic ? `
      dx = dx - sy * xy;` : '';
  return `function (${ARG_NAMES}) {
  const i = this.thread.x;
  const xi = x[i * ${d}];
  const yi = x[i * ${d} + 1];
  ${z ? `const zi = x[i * ${d} + 2];` : ''}
  const ti = x[i * ${d} + ${dim}] * nt;
  const n = cnt[i];
  const row = i * stride;
  ${init}
  for (let k = 0; k < n; k++) {
    const j = nbr[row + k];
    if (j >= 0 && j !== i) {
      let dx = xi - x[j * ${d}];
      let dy = yi - x[j * ${d} + 1];
      ${z ? `let dz = zi - x[j * ${d} + 2];
      const sz = Math.round(dz * ilz);
      dz = dz - sz * lz;${tiltZ}` : ''}
      const sy = Math.round(dy * ily);
      dy = dy - sy * ly;${tiltY}
      dx = dx - lx * Math.round(dx * ilx);
      const r2 = dx * dx + dy * dy${z ? ' + dz * dz' : ''};
      const c = (ti + x[j * ${d} + ${dim}]) * ${COEF};
      if (r2 < coef[c + 2]) {
        const ir2 = 1.0 / r2;
        const ir6 = ir2 * ir2 * ir2;
        const a12 = coef[c] * ir6 * ir6;
        const a6 = coef[c + 1] * ir6;
        ${shiftedForce
          ? `const r = Math.sqrt(r2);
        const fr = (12.0 * a12 - 6.0 * a6) * ir2 + coef[c + 4] / r;
        const u = a12 - a6 - coef[c + 3] - coef[c + 4] * (r - coef[c + 5]);`
          : `const fr = (12.0 * a12 - 6.0 * a6) * ir2;
        const u = a12 - a6 - coef[c + 3];`}
        ${accumulate}
      }
    }
  }
  ${result}
}`;
}

function kernelSource(q: Quantity, dim: 2 | 3, sf: boolean, tri: boolean): string {
  switch (q) {
    case 'forceEnergy':
      return dim === 3
        ? pairKernelSource(3, sf, tri, 'let fx = 0.0; let fy = 0.0; let fz = 0.0; let e = 0.0;',
          'fx += fr * dx; fy += fr * dy; fz += fr * dz; e += u;', 'return [fx, fy, fz, 0.5 * e];')
        : pairKernelSource(2, sf, tri, 'let fx = 0.0; let fy = 0.0; let e = 0.0;',
          'fx += fr * dx; fy += fr * dy; e += u;', 'return [fx, fy, 0.5 * e];');
    case 'virial2d':
      return pairKernelSource(2, sf, tri, 'let wxx = 0.0; let wyy = 0.0; let wxy = 0.0;',
        'wxx += fr * dx * dx; wyy += fr * dy * dy; wxy += fr * dx * dy;',
        'return [0.5 * wxx, 0.5 * wyy, 0.5 * wxy];');
    case 'virialDiag':
      return pairKernelSource(3, sf, tri, 'let wa = 0.0; let wb = 0.0; let wc = 0.0;',
        'wa += fr * dx * dx; wb += fr * dy * dy; wc += fr * dz * dz;',
        'return [0.5 * wa, 0.5 * wb, 0.5 * wc];');
    case 'virialOff':
      return pairKernelSource(3, sf, tri, 'let wa = 0.0; let wb = 0.0; let wc = 0.0;',
        'wa += fr * dx * dy; wb += fr * dx * dz; wc += fr * dy * dz;',
        'return [0.5 * wa, 0.5 * wb, 0.5 * wc];');
  }
}

/** Pack an LjPairTable (1-based, stride ntypes+1) into the kernels' 0-based f32 layout. */
export function packLjCoefficients(table: LjPairTable): Float32Array {
  const nt = table.ntypes;
  const out = new Float32Array(nt * nt * COEF);
  for (let a = 1; a <= nt; a++) {
    for (let b = 1; b <= nt; b++) {
      const src = a * table.stride + b;
      const o = ((a - 1) * nt + (b - 1)) * COEF;
      out[o] = table.lj1[src];
      out[o + 1] = table.lj2[src];
      out[o + 2] = table.cutsq[src];
      out[o + 3] = table.eshift[src];
      out[o + 4] = table.fshift[src];
      out[o + 5] = table.rc[src];
    }
  }
  return out;
}

/** Output buffers of `forcesAndEnergies`. */
export interface ForceEnergyOut {
  /** n*dim forces */
  forces: Float64Array;
  /** n per-atom energies (half of each pair energy) */
  peratomEnergy: Float64Array;
  /** their sum */
  energy: number;
}

/**
 * LJ-family forces, energies and virials on a gpu.js backend (f32).
 *
 * ```ts
 * const lj = await GpuLjForces.create(createKobAndersen().pairTable(), { backend: 'webasm' });
 * const { forces, energy } = lj.forcesAndEnergies(sys, fullList);
 * ```
 */
export class GpuLjForces {
  readonly backend: BackendName;
  readonly table: LjPairTable;
  private readonly coef: Float32Array;
  private readonly shiftedForce: boolean;
  private readonly maxCutoff: number;
  /** gpu.js mode that executed the most recent kernel (gpu.js may degrade a kernel to 'cpu') */
  lastMode: string | undefined;
  private xs = new Float32Array(0);

  /** Resolve the backend (see backend.ts) and build the evaluator. */
  static async create(table: LjPairTable, opts: { backend?: BackendRequest } = {}): Promise<GpuLjForces> {
    return new GpuLjForces(table, await resolveBackend(opts.backend));
  }

  constructor(table: LjPairTable, backend: BackendName) {
    if (table.kind !== 'lj') throw new Error(`GpuLjForces: expected an LJ pair table (kind 'lj'), got '${String(table.kind)}'`);
    this.table = table;
    this.backend = backend;
    this.coef = packLjCoefficients(table);
    this.shiftedForce = table.scheme === 'shifted-force';
    let rc = 0;
    for (let a = 1; a <= table.ntypes; a++) {
      for (let b = 1; b <= table.ntypes; b++) rc = Math.max(rc, table.rc[a * table.stride + b]);
    }
    this.maxCutoff = rc;
  }

  /** Per-atom forces and energies (one pass over the list). */
  forcesAndEnergies(sys: System, nl: NeighborList, out?: Partial<ForceEnergyOut>): ForceEnergyOut {
    const [kernel, args] = this.prepare(sys, nl, 'forceEnergy');
    return this.unpackForceEnergy(sys, assertSync(kernel(...args), 'GpuLjForces.forcesAndEnergies'), out);
  }

  /** Same as `forcesAndEnergies`, awaiting the kernel (works on every backend, webgpu included). */
  async forcesAndEnergiesAsync(sys: System, nl: NeighborList, out?: Partial<ForceEnergyOut>): Promise<ForceEnergyOut> {
    const [kernel, args] = this.prepare(sys, nl, 'forceEnergy');
    return this.unpackForceEnergy(sys, await kernel(...args), out);
  }

  /** Per-atom virial tensors, n*6 (xx yy zz xy xz yz) in 3D, n*3 (xx yy xy) in 2D. */
  peratomVirial(sys: System, nl: NeighborList, out?: Float64Array): Float64Array {
    const w = this.virialBuffer(sys, out);
    if (sys.dim === 2) {
      const [k, args] = this.prepare(sys, nl, 'virial2d');
      unpackVectors(assertSync(k(...args), 'GpuLjForces.peratomVirial'), sys.n, 3, w, 3);
    } else {
      const [kd, argsD] = this.prepare(sys, nl, 'virialDiag');
      unpackVectors(assertSync(kd(...argsD), 'GpuLjForces.peratomVirial'), sys.n, 3, w, 6, 0);
      const [ko, argsO] = this.prepare(sys, nl, 'virialOff');
      unpackVectors(assertSync(ko(...argsO), 'GpuLjForces.peratomVirial'), sys.n, 3, w, 6, 3);
    }
    return w;
  }

  /** Same as `peratomVirial`, awaiting the kernels. */
  async peratomVirialAsync(sys: System, nl: NeighborList, out?: Float64Array): Promise<Float64Array> {
    const w = this.virialBuffer(sys, out);
    if (sys.dim === 2) {
      const [k, args] = this.prepare(sys, nl, 'virial2d');
      unpackVectors(await k(...args), sys.n, 3, w, 3);
    } else {
      const [kd, argsD] = this.prepare(sys, nl, 'virialDiag');
      unpackVectors(await kd(...argsD), sys.n, 3, w, 6, 0);
      const [ko, argsO] = this.prepare(sys, nl, 'virialOff');
      unpackVectors(await ko(...argsO), sys.n, 3, w, 6, 3);
    }
    return w;
  }

  /**
   * Everything a `ForceResult` holds: forces, energy, global virial (sum of
   * the per-atom virials), and the per-atom arrays when `opts.peratom`.
   * Costs two (2D) or three (3D) passes over the list; an MD step that
   * needs no virial should call `forcesAndEnergies` alone.
   */
  compute(sys: System, nl: NeighborList, opts: ForceOptions = {}): ForceResult {
    return assembleResult(sys, this.forcesAndEnergies(sys, nl), this.peratomVirial(sys, nl), opts);
  }

  /** Same as `compute`, awaiting the kernels (webgpu). */
  async computeAsync(sys: System, nl: NeighborList, opts: ForceOptions = {}): Promise<ForceResult> {
    const fe = await this.forcesAndEnergiesAsync(sys, nl);
    return assembleResult(sys, fe, await this.peratomVirialAsync(sys, nl), opts);
  }

  /**
   * The force+energy kernel bound to arguments packed now, for timing the
   * kernel apart from the host-side packing and unpacking (bench/gpu-kernels.ts).
   * gpu.js still copies the arguments into its memory on every call.
   */
  boundForceKernel(sys: System, nl: NeighborList): () => unknown {
    const [kernel, args] = this.prepare(sys, nl, 'forceEnergy');
    const frozen = args.map((a) => (ArrayBuffer.isView(a) ? (a as Float32Array).slice() : a));
    return () => kernel(...frozen);
  }

  private virialBuffer(sys: System, out?: Float64Array): Float64Array {
    const m = sys.dim === 3 ? 6 : 3;
    if (out && out.length !== sys.n * m) throw new Error(`GpuLjForces.peratomVirial: out has length ${out.length}, expected n*${m} = ${sys.n * m}`);
    return out ?? new Float64Array(sys.n * m);
  }

  private unpackForceEnergy(sys: System, result: unknown, out?: Partial<ForceEnergyOut>): ForceEnergyOut {
    const { n, dim } = sys;
    const forces = out?.forces ?? new Float64Array(n * dim);
    const peratomEnergy = out?.peratomEnergy ?? new Float64Array(n);
    if (forces.length !== n * dim) throw new Error(`GpuLjForces: out.forces has length ${forces.length}, expected n*dim = ${n * dim}`);
    if (peratomEnergy.length !== n) throw new Error(`GpuLjForces: out.peratomEnergy has length ${peratomEnergy.length}, expected n = ${n}`);
    const rows = result as ArrayLike<ArrayLike<number>>;
    if (!rows || rows.length !== n) throw new Error(`GpuLjForces: kernel returned ${rows?.length} rows, expected ${n}`);
    let energy = 0;
    for (let i = 0; i < n; i++) {
      const v = rows[i];
      for (let k = 0; k < dim; k++) forces[i * dim + k] = v[k];
      const e = v[dim];
      peratomEnergy[i] = e;
      energy += e;
    }
    return { forces, peratomEnergy, energy };
  }

  /** Validate inputs, pack them to f32, and pick the kernel for `q`. */
  private prepare(sys: System, nl: NeighborList, q: Quantity): [(...a: unknown[]) => unknown, unknown[]] {
    const { n, dim, box } = sys;
    const where = 'GpuLjForces (src/core/gpu-pair-forces.ts)';
    if (nl.kind !== 'full') {
      throw new Error(`${where}: needs a FULL neighbour list (every pair in both rows); got kind '${nl.kind}'. Build it with kind: 'full'.`);
    }
    if (nl.n !== n) throw new Error(`${where}: neighbour list is for ${nl.n} atoms, the system has ${n}; rebuild the list`);
    if (nl.stride > MAX_NEIGHBOR_STRIDE) {
      throw new Error(`${where}: neighbour row stride ${nl.stride} exceeds ${MAX_NEIGHBOR_STRIDE} (the kernels' loop bound); is the cutoff or density unphysical?`);
    }
    if (n * Math.max(nl.stride, 1) >= F32_EXACT_INT) {
      throw new Error(`${where}: n*stride = ${n * nl.stride} >= 2^24; neighbour indices would not be exact in f32. Use the f64 path for systems this large.`);
    }
    if (nl.cutoff < this.maxCutoff * (1 - 1e-12)) {
      throw new Error(`${where}: neighbour list cutoff ${nl.cutoff} is below the potential's largest cutoff ${this.maxCutoff}; pairs would be missed`);
    }
    if (2 * this.maxCutoff > box.minPerpendicularWidth) {
      throw new Error(`${where}: cutoff ${this.maxCutoff} exceeds half the smallest box width ${box.minPerpendicularWidth}; the minimum image is ambiguous. Use a larger box.`);
    }
    if (nl.neighbors.length < n * nl.stride || nl.counts.length !== n) {
      throw new Error(`${where}: neighbour list arrays are too short for n = ${n}, stride = ${nl.stride}`);
    }
    const nt = this.table.ntypes;
    const S = dim + 1;
    if (this.xs.length !== n * S) this.xs = new Float32Array(n * S);
    const xs = this.xs;
    packCentredPositions(box, sys.positions, xs, S);
    const types = sys.types;
    for (let i = 0; i < n; i++) {
      const t = types[i];
      if (t < 1 || t > nt) throw new Error(`${where}: atom index ${i} (id ${sys.ids[i]}) has type ${t}, but the pair table defines types 1..${nt}`);
      xs[i * S + dim] = t - 1;
    }
    const gpu = sharedGpu(this.backend);
    const spec: KernelSpec = {
      source: kernelSource(q, dim, this.shiftedForce, box.triclinic),
      output: [n],
      loopMaxIterations: MAX_NEIGHBOR_STRIDE,
    };
    const shortcut = cachedKernel(gpu, spec);
    const kernel = (...a: unknown[]): unknown => {
      const r = (shortcut as unknown as (...b: unknown[]) => unknown)(...a);
      this.lastMode = kernelMode(shortcut);
      return r;
    };
    const args = [xs, nl.neighbors, nl.counts, this.coef, nl.stride, nt, ...boxScalars(box)];
    return [kernel, args];
  }
}

function assembleResult(sys: System, fe: ForceEnergyOut, w: Float64Array, opts: ForceOptions): ForceResult {
  const m = sys.dim === 3 ? 6 : 3;
  const virial = new Float64Array(m);
  for (let i = 0; i < sys.n; i++) for (let c = 0; c < m; c++) virial[c] += w[i * m + c];
  const res: ForceResult = { energy: fe.energy, forces: fe.forces, virial };
  if (opts.peratom) {
    res.peratomEnergy = fe.peratomEnergy;
    res.peratomVirial = w;
  }
  return res;
}
