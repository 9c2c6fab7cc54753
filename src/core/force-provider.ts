/**
 * `createForceProvider(potential, options)`: the object MD, minimisers and
 * analyses call for forces. It owns a Verlet neighbour list
 * (src/neighbor/neighbor-list.ts), rebuilds it when an atom moved more than
 * skin/2 or the cell changed, checks the configuration against the
 * potential at every rebuild, and runs a force kernel over the list.
 *
 * Precision (DESIGN.md principle 6):
 * - 'f64' (default): the double-precision loops of ./forces-f64.ts over a
 *   half list. Needed for minimisation to tight tolerances, Hessians, LTE.
 * - 'f32': a gpu.js kernel over a full list, supplied through the `kernel`
 *   option (the extension point: any object with
 *   `compute(sys, fullList, opts): ForceResult`, e.g. `GpuLjForces` of
 *   ./gpu-pair-forces.ts), or built by `createForceProviderAsync` from the
 *   potential's LJ table on the requested gpu.js `backend`.
 */
import type { System } from '../system/system.ts';
import { NeighborListManager } from '../neighbor/neighbor-list.ts';
import type { NeighborList } from '../neighbor/types.ts';
import type { Potential } from '../potential/types.ts';
import { computeForcesF64, F64Workspace, ljCoefficientsOf, type LjCoefficients } from './forces-f64.ts';
import type { ForceOptions, ForceProvider, ForceResult } from './types.ts';
import { checkConfiguration } from './check-configuration.ts';
import type { BackendRequest } from './backend.ts';

export { checkConfiguration };

/** Default Verlet skin in reduced LJ units (sigma), as LAMMPS `neighbor 0.3 bin`. */
export const DEFAULT_SKIN_LJ = 0.3;
/**
 * Default Verlet skin in metal units (Angstrom). LAMMPS defaults to 2.0 A in
 * metal units; 1.0 A (common in EAM glass work) keeps the list ~40% shorter
 * for a cutoff near 6 A while rebuilding only every ~10-20 steps at 1 fs.
 */
export const DEFAULT_SKIN_METAL = 1.0;

/** A force kernel that runs over a neighbour list it is given (the f32/gpu.js extension point). */
export interface ListForceKernel {
  /** list layout the kernel wants; default 'full' */
  readonly listKind?: 'full' | 'half';
  compute(sys: System, nl: NeighborList, opts?: ForceOptions): ForceResult;
}

export interface ForceProviderOptions {
  /** Verlet skin (length units); default 0.3 for LJ units, 1.0 Angstrom for metal units */
  skin?: number;
  /** 'f64' (default) or 'f32' (needs `kernel`) */
  precision?: 'f64' | 'f32';
  /** gpu.js backend for precision 'f32' ('webasm' | 'cpu' | 'webgpu' | 'auto'), used by `createForceProviderAsync` */
  backend?: BackendRequest;
  /** force kernel for precision 'f32' (see the module doc) */
  kernel?: ListForceKernel;
  /** initial neighbour-row stride (grows automatically on overflow) */
  maxNeighbors?: number;
  /** receives neighbour-list messages (stride growth) */
  log?: (message: string) => void;
}

/** Forces of one potential for any configuration, with automatic neighbour-list rebuilds. */
export class PotentialForceProvider implements ForceProvider {
  readonly potential: Potential;
  readonly precision: 'f64' | 'f32';
  readonly skin: number;
  readonly neighbors: NeighborListManager;
  private readonly kernel: ListForceKernel | null;
  private readonly lj: LjCoefficients | null;
  private readonly ws = new F64Workspace();
  private checkedAtBuild = -1;

  constructor(potential: Potential, opts: ForceProviderOptions = {}) {
    this.potential = potential;
    this.precision = opts.precision ?? 'f64';
    if (this.precision !== 'f64' && this.precision !== 'f32') {
      throw new Error(`createForceProvider: option precision must be 'f64' or 'f32', got '${String(this.precision)}'`);
    }
    this.kernel = opts.kernel ?? null;
    if (this.precision === 'f32' && !this.kernel) {
      throw new Error(
        "createForceProvider: precision 'f32' needs a gpu.js kernel in option `kernel`, e.g. " +
        "`kernel: await GpuLjForces.create(potential.pairTable(), { backend: 'webasm' })` (src/core/gpu-pair-forces.ts); " +
        "or use precision 'f64'");
    }
    this.skin = opts.skin ?? (potential.units === 'metal' ? DEFAULT_SKIN_METAL : DEFAULT_SKIN_LJ);
    if (!(this.skin >= 0) || !Number.isFinite(this.skin)) throw new Error(`createForceProvider: option skin must be a non-negative number, got ${opts.skin}`);
    const kind = this.precision === 'f32' ? (this.kernel?.listKind ?? 'full') : 'half';
    this.neighbors = new NeighborListManager({
      cutoff: potential.maxCutoff, skin: this.skin, kind,
      ...(opts.maxNeighbors !== undefined ? { maxNeighbors: opts.maxNeighbors } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
    this.lj = potential.kind === 'pair' ? ljCoefficientsOf(potential) : null;
  }

  /** Number of neighbour-list builds so far. */
  get rebuildCount(): number {
    return this.neighbors.rebuildCount;
  }

  /** The neighbour list valid for `sys` (rebuilt if needed). */
  neighborList(sys: System): NeighborList {
    const nl = this.neighbors.update(sys);
    if (this.checkedAtBuild !== this.neighbors.rebuildCount) {
      checkConfiguration(sys, this.potential);
      this.checkedAtBuild = this.neighbors.rebuildCount;
    }
    return nl;
  }

  compute(sys: System, opts: ForceOptions = {}): ForceResult {
    const nl = this.neighborList(sys);
    if (this.kernel) return this.kernel.compute(sys, nl, opts);
    return computeForcesF64(sys, this.potential, nl, opts, this.ws, this.lj);
  }
}

/** Build a force provider (see the module doc and `ForceProviderOptions`). */
export function createForceProvider(potential: Potential, opts: ForceProviderOptions = {}): PotentialForceProvider {
  return new PotentialForceProvider(potential, opts);
}

/**
 * Like `createForceProvider`, but for precision 'f32' without a `kernel` it
 * builds the gpu.js LJ kernel (./gpu-pair-forces.ts) from the potential's
 * coefficient table on `opts.backend` (gpu.js is loaded only here).
 */
export async function createForceProviderAsync(potential: Potential, opts: ForceProviderOptions = {}): Promise<PotentialForceProvider> {
  if (opts.precision !== 'f32' || opts.kernel) return new PotentialForceProvider(potential, opts);
  const withTable = potential as Potential & { pairTable?: () => import('../potential/lennard-jones.ts').LjPairTable };
  if (potential.kind !== 'pair' || typeof withTable.pairTable !== 'function') {
    throw new Error(`createForceProviderAsync: precision 'f32' has gpu.js kernels for LJ-family potentials only; '${potential.name}' has no LJ coefficient table: use precision 'f64'`);
  }
  const { GpuLjForces } = await import('./gpu-pair-forces.ts');
  const kernel = await GpuLjForces.create(withTable.pairTable(), opts.backend !== undefined ? { backend: opts.backend } : {});
  return new PotentialForceProvider(potential, { ...opts, kernel });
}
