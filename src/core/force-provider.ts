/**
 * `createForceProvider(potential, options)`: the object MD, minimisers and
 * analyses call for forces. It owns a Verlet neighbour list
 * (src/neighbor/neighbor-list.ts), rebuilds it when an atom moved more than
 * skin/2 or the cell changed, checks the configuration against the
 * potential at every rebuild, and runs a force kernel over the list.
 *
 * Precision (ARCHITECTURE.md, "Conventions"):
 * - 'f64' (default): the double-precision loops of ./forces-f64.ts over a
 *   half list. Needed for minimisation to tight tolerances, Hessians, LTE.
 * - 'f32': a gpu.js kernel over a full list, supplied through the `kernel`
 *   option (the extension point: any object with
 *   `compute(sys, fullList, opts): ForceResult`, e.g. `GpuLjForces` of
 *   ./gpu-pair-forces.ts), or built by `createForceProviderAsync` from the
 *   potential's LJ table on the requested gpu.js `backend`.
 *
 * f64 loops (`kernels`, ./forces-f64.ts `ForceKernels`): 'wasm' (default),
 * the WebAssembly f64x2 SIMD kernels of ./wasm/ for LJ-family tables, IPL
 * and EAM, and the wasm cell search of the neighbour-list build
 * (src/neighbor/wasm/); 'js', the TypeScript loops, the reference (and the
 * fallback where WebAssembly SIMD is missing or the potential has no wasm
 * loop). With `threads` >= 2 the wasm LJ-table, IPL and EAM loops run on
 * the wasm thread pool (./wasm/force-threads.ts: shared memory, equal row
 * ranges of a balanced half list, shares added in thread order; for LJ
 * and IPL tables the pool's threads also build the neighbour list in its
 * memory); with kernels 'js' (or a potential without a wasm loop) the
 * LJ-table loop runs in TypeScript on ./lj-thread-pool.ts. By default
 * LJ-family models on the wasm loops take 2 threads from
 * AUTO_THREADED_MIN_ATOMS atoms on, where 2 cores are there; IPL and EAM
 * take 1 unless `threads` says otherwise (IPL gains only ~1.15x on 2
 * threads: its force loop is a small part of its step, bench/RESULTS.md).
 *
 * Speed (bench/forces-f64.ts): per-type-pair list radii as LAMMPS (16% fewer
 * pairs for KA), rows sorted by index (force sums fixed by the positions:
 * bit-identical checkpoint resumes), the virial computed on first read, and
 * the LJ loop on `threads` threads (./lj-thread-pool.ts) for N >= 1000.
 * `sortAtoms` puts the atoms in a spatial order inside the provider (as
 * LAMMPS `atom_modify sort`; src/md/run.ts does it every 1000 steps): an
 * atom's neighbours then sit next to it in memory, and each thread's rows
 * are a slab of the cell (bench/RESULTS.md, session 11). The sums then
 * depend on the positions and the order in place, which MD checkpoints store.
 */
import type { System } from '../system/system.ts';
import { NeighborListManager, type VerletList } from '../neighbor/neighbor-list.ts';
import type { NeighborList } from '../neighbor/types.ts';
import type { Potential } from '../potential/types.ts';
import { computeForcesF64, F64Workspace, ljCoefficientsOf, wasmTableOf, type ForceKernels, type LjCoefficients } from './forces-f64.ts';
import type { WasmPotentialTable } from './wasm/force-runtime.ts';
import type { ForceOptions, ForceProvider, ForceResult } from './types.ts';
import { checkConfiguration } from './check-configuration.ts';
import { LocalForces, type LocalUpdateStats } from './forces-local.ts';
import type { BackendRequest } from './backend.ts';
import { defaultThreads, sharedLjThreadPool, startSharedLjThreadPool, threadPoolError, type LjThreadPool } from './lj-thread-pool.ts';
import { sharedWasmForcePool, startWasmForcePool, wasmForcePoolError, type PoolListClient, WasmForcePool } from './wasm/force-threads.ts';
import type { ListTarget } from '../neighbor/wasm/pair-search.ts';
import { spatialOrder } from '../neighbor/spatial-order.ts';
import { AtomOrder } from './atom-order.ts';
import { wrappedFractional } from '../neighbor/cell-geometry.ts';

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
  /** receives neighbour-list messages (stride growth) and the thread fallback notice */
  log?: (message: string) => void;
  /**
   * The f64 force loops: 'wasm' (default) or 'js' (see the module doc).
   * For LJ and EAM both give the same bits; for IPL they agree to round-off.
   */
  kernels?: ForceKernels;
  /**
   * Threads for the f64 force loops: the wasm LJ-table and EAM kernels
   * (./wasm/force-threads.ts; for LJ tables the neighbour-list build too)
   * with kernels 'wasm', else the TypeScript LJ-table loop
   * (./lj-thread-pool.ts); 1 runs serially. Given, it is used from
   * `threadedMinAtoms` atoms on (below, waking the workers costs more than
   * they save). Default: for LJ-family tables on the wasm loops, 2 where
   * this process may use 2 cores or more, used from AUTO_THREADED_MIN_ATOMS
   * atoms on (the measured crossover, see there; `threadedMinAtoms`
   * overrides); other wasm loops 1;
   * without a wasm loop the number of cores. Results equal the serial loop
   * up to summation order and depend only on the positions, the thread
   * count and the atom order in place (`sortAtoms`; bit-identical
   * checkpoint resumes with the same count: give it to resume on a machine
   * with another core count). If workers cannot be
   * started the provider runs serially and says so through `log`.
   */
  threads?: number;
  /**
   * Smallest system (atoms) that `threads` >= 2 is used for; default
   * THREADED_MIN_ATOMS, or AUTO_THREADED_MIN_ATOMS with the default thread
   * count of the wasm LJ-table loops. Lower it where the workers pay off on smaller
   * systems, or to run a small test system on the pool.
   */
  threadedMinAtoms?: number;
  /**
   * `computeLocal` runs a full evaluation when more than this share of the
   * atoms would be recomputed (default LOCAL_MAX_FRACTION = 0.25 of
   * ./forces-local.ts; 0 makes every call full).
   */
  localMaxFraction?: number;
}

/** Smallest system that the threaded LJ loop is used for. */
export const THREADED_MIN_ATOMS = 1000;

/**
 * Smallest system that the default thread count (2, wasm LJ-table loops)
 * runs threaded: the crossover where 2 threads (force loop and list build)
 * beat 1 in MD. Measured for KA (rho 1.2, T 0.8, NVT, skin 0.3) on 2
 * cores under other load (load average ~12, min over interleaved 20-step
 * bursts, ms/step 1 -> 2 threads): N = 1000: 0.49 -> 0.54 (0.91x),
 * N = 1500: 1.39x, N = 2000: 1.11x, N = 4000: 1.90x; on a quiet machine
 * before the list was built on both threads (bench/RESULTS.md, session 6)
 * 1.03x at N = 1000 and 1.20x at N = 2000. 2000 is on the safe side of
 * both.
 */
export const AUTO_THREADED_MIN_ATOMS = 2000;

/** Forces of one potential for any configuration, with automatic neighbour-list rebuilds. */
export class PotentialForceProvider implements ForceProvider {
  readonly potential: Potential;
  readonly precision: 'f64' | 'f32';
  readonly skin: number;
  readonly neighbors: NeighborListManager;
  private readonly kernel: ListForceKernel | null;
  private readonly lj: LjCoefficients | null;
  private readonly ws: F64Workspace;
  /** the f64 loops asked for (see ForceProviderOptions.kernels) */
  readonly kernels: ForceKernels;
  private checkedAtBuild = -1;
  /** threads asked for the LJ-table loop (1: serial) */
  readonly threads: number;
  /** smallest system the threads are used for (ForceProviderOptions.threadedMinAtoms) */
  readonly threadedMinAtoms: number;
  private readonly log: ((message: string) => void) | undefined;
  /** threads >= 2 run the wasm kernels on the wasm pool (LJ table or EAM with kernels 'wasm') */
  private readonly wasmThreaded: boolean;
  /** the thread fallback was logged */
  private warned = false;
  /** state of `computeLocal` (made on first use) */
  private local: LocalForces | null = null;
  private readonly localMaxFraction: number | undefined;
  /** told by the wasm pool when another provider's build or layout overwrote the list this one built there */
  private readonly poolClient: PoolListClient;
  /** the list built in the pool's memory was overwritten: rebuild before the next use */
  private poolListLost = false;
  /** the atom order the list and the loops run in (sortAtoms, setAtomOrder); null: the System's own */
  private atoms: AtomOrder | null = null;

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
    this.lj = potential.kind === 'pair' ? ljCoefficientsOf(potential) : null;
    this.kernels = opts.kernels ?? 'wasm';
    if (this.kernels !== 'wasm' && this.kernels !== 'js') throw new Error(`createForceProvider: option kernels must be 'wasm' or 'js', got '${String(this.kernels)}'`);
    this.ws = new F64Workspace(this.kernels);
    const wasmTable = this.kernels === 'wasm' ? wasmTableOf(potential, this.lj) : null;
    const wasmLoop = wasmTable !== null && this.ws.wasmWorkspace() !== null;
    const wasmLj = wasmLoop && wasmTable.kind === 'lj' && !this.kernel;
    this.threads = opts.threads ?? (wasmLj ? Math.min(2, defaultThreads()) : this.lj && !this.kernel && !wasmLoop ? defaultThreads() : 1);
    if (!Number.isInteger(this.threads) || this.threads < 1) throw new Error(`createForceProvider: option threads must be an integer >= 1, got ${opts.threads}`);
    this.threadedMinAtoms = opts.threadedMinAtoms ?? (opts.threads === undefined && wasmLj ? AUTO_THREADED_MIN_ATOMS : THREADED_MIN_ATOMS);
    if (!Number.isInteger(this.threadedMinAtoms) || this.threadedMinAtoms < 1) {
      throw new Error(`createForceProvider: option threadedMinAtoms must be an integer >= 1, got ${opts.threadedMinAtoms}`);
    }
    this.wasmThreaded = this.threads >= 2 && !this.kernel && wasmLoop;
    this.log = opts.log;
    this.localMaxFraction = opts.localMaxFraction;
    this.poolClient = { listOverwritten: () => { this.ws.release(undefined, true); this.poolListLost = true; } };
    const inPlace = wasmLoop && !this.kernel && wasmTable.kind !== 'eam';
    this.neighbors = new NeighborListManager({
      cutoff: potential.maxCutoff, skin: this.skin, kind,
      // pair potentials: list each pair within its own cutoff + skin (fewer entries, as LAMMPS);
      // EAM keeps one radius (its density and pair cutoffs need not agree per type pair)
      ...(potential.kind === 'pair' ? { typeCutoffs: potential } : {}),
      // equal index ranges of rows carry equal work for the threaded loops
      ...(this.threads > 1 ? { halfRows: 'balanced' as const } : {}),
      ...(opts.maxNeighbors !== undefined ? { maxNeighbors: opts.maxNeighbors } : {}),
      kernels: this.kernels, // the list build in wasm too, or all TypeScript
      // wasm LJ/IPL loops: the list is built in their memory and read there (no copy per rebuild),
      // on the pool's threads when the force loop runs there
      ...(inPlace ? { listTarget: (n: number) => this.listTarget(wasmTable, n) } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
  }

  /** Number of neighbour-list builds so far. */
  get rebuildCount(): number {
    return this.neighbors.rebuildCount;
  }

  /**
   * Neighbour lists taken into the wasm kernels' memory so far (one per
   * rebuild; 0 on the TypeScript loops): copied, or (serial LJ-table and
   * IPL loops) built there.
   */
  get wasmListCopies(): number {
    return this.ws.wasmWorkspace()?.listCopies ?? 0;
  }

  /**
   * Copies of a list built in place, taken at a rebuild for earlier results
   * whose lazy virial still reads it (a minimiser's superseded results):
   * at most one per rebuild, however many results there were.
   */
  get keptListCopies(): number {
    return this.ws.keptListCopies;
  }

  /**
   * The neighbour list valid for `sys` (rebuilt if needed). For pair
   * potentials it holds the pairs within cutoff(ti, tj) + skin only, and
   * with threads > 1 its half rows are 'balanced' (j < i occurs); with the
   * wasm LJ or IPL loops its arrays live in their memory (the thread pool's
   * shared memory when threaded) and are overwritten by the next rebuild
   * (or by another provider's build on the same pool): build your own list
   * for other uses.
   */
  neighborList(sys: System): NeighborList {
    if (this.atoms) {
      throw new Error('neighborList: this provider keeps the atoms in a spatial order (sortAtoms) and its list indexes that order; ' +
        'build a list of your own with buildNeighborList (src/neighbor/neighbor-list.ts), or call setAtomOrder(null) first');
    }
    return this.listFor(sys, undefined);
  }

  /**
   * Where the wasm list build of an n-atom system writes: the thread pool's
   * shared memory when the force loop runs there (built on all its threads),
   * else the serial kernels' memory.
   */
  private listTarget(table: WasmPotentialTable, n: number): ListTarget | null {
    const pool = this.wasmThreaded ? this.threadPool(n) : null;
    if (pool) return (pool as WasmForcePool).listTarget(table, this.poolClient);
    return this.ws.wasmWorkspace()?.listTarget(table) ?? null;
  }

  /** The list for `sys`; before a rebuild may overwrite what the last result reads, that result keeps copies (F64Workspace.release). */
  private listFor(sys: System, reuse: ForceResult | undefined): VerletList {
    if (this.poolListLost) {
      this.poolListLost = false;
      this.neighbors.invalidate();
    }
    const stale = this.neighbors.isStale(sys);
    this.ws.release(reuse, stale);
    const nl = this.neighbors.update(sys, stale);
    if (this.checkedAtBuild !== this.neighbors.rebuildCount) {
      checkConfiguration(sys, this.potential);
      this.checkedAtBuild = this.neighbors.rebuildCount;
    }
    return nl;
  }

  compute(sys: System, opts: ForceOptions = {}): ForceResult {
    const pool = this.threadPool(sys.n);
    if (pool instanceof WasmForcePool) pool.wake(); // the workers wake while the list is checked
    return this.inOrder(sys, opts, (s, o) => {
      const nl = this.listFor(s, o.reuse);
      if (this.kernel) return this.kernel.compute(s, nl, o);
      // a list with per-type radii holds a copy of the types, checked at its build and compared with s.types by the staleness check
      return computeForcesF64(s, this.potential, nl, o, this.ws, this.lj, pool, nl.refTypes ?? null);
    });
  }

  /** `run` on `sys`, or, with an atom order in place, on its view in that order, the result put back into the caller's order. */
  private inOrder(sys: System, opts: ForceOptions, run: (s: System, o: ForceOptions) => ForceResult): ForceResult {
    const atoms = this.atoms;
    if (!atoms || !atoms.fits(sys)) return run(sys, opts);
    let inner: ForceResult;
    try {
      inner = run(atoms.gather(sys), atoms.viewOptions(opts));
    } catch (e) {
      wrappedFractional(sys, undefined, 'computeForcesF64'); // a non-finite position: its error names the caller's atom index
      throw e;
    }
    return atoms.scatter(sys, inner, opts.reuse);
  }

  /**
   * Keep the atoms in a spatial order from now on (src/neighbor/spatial-order.ts,
   * bins of half the list radius, as LAMMPS `atom_modify sort`): the
   * neighbour list and the force loops run over the atoms listed bin by
   * bin, so that an atom's neighbours sit next to it in memory and each
   * thread's equal share of the rows is a slab of the cell. Results come
   * back in the caller's order and equal the unsorted ones up to the order
   * of summation; they depend on the positions, the thread count and the
   * order in place (`atomOrder`), which a bit-for-bit resume must restore
   * (`setAtomOrder`; runMd sorts at fixed steps and checkpoints store it).
   * Sort again now and then (runMd: every `sortEvery` steps) as atoms diffuse.
   */
  sortAtoms(sys: System): void {
    this.setAtomOrder(spatialOrder(sys, (this.potential.maxCutoff + this.skin) / 2));
  }

  /** The atom order in place (see sortAtoms; order[k] is the caller's index of the atom at place k), or null (the System's own). */
  atomOrder(): Int32Array | null {
    return this.atoms?.order ?? null;
  }

  /**
   * Put an atom order in place (a permutation of 0..n-1, e.g. `atomOrder()`
   * of a run being resumed), or null for the System's own order. The next
   * call rebuilds the neighbour list. A system of another size or dimension
   * runs in its own order. The order is not copied: do not change it afterwards.
   */
  setAtomOrder(order: Int32Array | null): void {
    if (order === (this.atoms?.order ?? null)) return;
    this.atoms = order ? new AtomOrder(order, 'setAtomOrder') : null;
    this.neighbors.invalidate();
  }

  /**
   * Forces for `sys` when only some atoms moved since this method's previous
   * call: recomputes only the pair terms (and, for EAM, the densities and
   * embedding terms) those atoms touch, and gives the same result as
   * `compute` up to round-off (./forces-local.ts has the reasoning). The
   * moved atoms are found by comparing positions with the kept ones, so any
   * change of positions is allowed between calls; mixing with `compute` is
   * fine. It runs a full evaluation (and keeps its per-atom terms) on the
   * first call, after a neighbour-list rebuild, when the box or the types
   * changed, or when more than `localMaxFraction` of the atoms would be
   * recomputed; `localStats` says what the last call did. The total energy
   * and virial are sums of per-atom terms; per-atom energies and virials are
   * returned when `opts.peratom`. For precision 'f32' it is `compute`.
   * Intended for ARTn pushes, local relaxation near a defect and finite
   * differences along localised vectors.
   */
  computeLocal(sys: System, opts: ForceOptions = {}): ForceResult {
    return this.inOrder(sys, opts, (s, o) => {
      const nl = this.listFor(s, o.reuse);
      if (this.kernel) return this.kernel.compute(s, nl, o);
      this.local ??= new LocalForces(this.localMaxFraction !== undefined ? { maxFraction: this.localMaxFraction } : {});
      return this.local.compute(s, this.potential, nl, o,
        (ws) => computeForcesF64(s, this.potential, nl, { peratom: true }, ws, this.lj, this.threadPool(s.n)));
    });
  }

  /** What the last `computeLocal` did (full or local, atoms moved, atoms recomputed), or null before the first. */
  get localStats(): LocalUpdateStats | null {
    return this.local?.stats ?? null;
  }

  /**
   * Start the force loop's worker threads now, without blocking (they
   * otherwise start, blocking, on the first threaded force call).
   */
  async startWorkers(): Promise<void> {
    if (this.wasmThreaded) await startWasmForcePool(this.threads);
    else if (this.threads >= 2 && this.lj) await startSharedLjThreadPool(this.threads);
  }

  /** The shared worker pool when this system is threaded, else null (serial). */
  private threadPool(n: number): LjThreadPool | WasmForcePool | null {
    if (this.threads < 2 || n < this.threadedMinAtoms) return null;
    if (!this.wasmThreaded && !this.lj) return null;
    const pool = this.wasmThreaded ? sharedWasmForcePool(this.threads) : sharedLjThreadPool(this.threads);
    if (!pool && !this.warned) {
      this.warned = true;
      const why = this.wasmThreaded ? wasmForcePoolError() : threadPoolError();
      this.log?.(`createForceProvider: worker threads could not be started (${why?.message}); running the force loop on one thread`);
    }
    return pool;
  }
}

/** Build a force provider (see the module doc and `ForceProviderOptions`). */
export function createForceProvider(potential: Potential, opts: ForceProviderOptions = {}): PotentialForceProvider {
  return new PotentialForceProvider(potential, opts);
}

/**
 * Like `createForceProvider`, but for precision 'f32' without a `kernel` it
 * builds the gpu.js LJ kernel (./gpu-pair-forces.ts) from the potential's
 * coefficient table on `opts.backend` (gpu.js is loaded only here); for
 * f64 it starts the force loop's worker threads without blocking.
 */
export async function createForceProviderAsync(potential: Potential, opts: ForceProviderOptions = {}): Promise<PotentialForceProvider> {
  if (opts.precision !== 'f32' || opts.kernel) {
    const provider = new PotentialForceProvider(potential, opts);
    await provider.startWorkers();
    return provider;
  }
  const withTable = potential as Potential & { pairTable?: () => import('../potential/lennard-jones.ts').LjPairTable };
  if (potential.kind !== 'pair' || typeof withTable.pairTable !== 'function') {
    throw new Error(`createForceProviderAsync: precision 'f32' has gpu.js kernels for LJ-family potentials only; '${potential.name}' has no LJ coefficient table: use precision 'f64'`);
  }
  const { GpuLjForces } = await import('./gpu-pair-forces.ts');
  const kernel = await GpuLjForces.create(withTable.pairTable(), opts.backend !== undefined ? { backend: opts.backend } : {});
  return new PotentialForceProvider(potential, { ...opts, kernel });
}
