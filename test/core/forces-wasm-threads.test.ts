/**
 * The wasm force kernels on worker threads (src/core/wasm/force-threads.ts)
 * against the same kernels on one thread: forces, energy, virial and
 * per-atom terms of KA (both cutoff schemes) and CuZr EAM (N > 1000)
 * to 1e-12 relative; reproducible bits for a thread count whatever list
 * the positions are evaluated with; the asynchronous start; rebuilds while
 * a configuration moves; the neighbour list built by the pool's threads in
 * its memory (the same list as the serial build, entry for entry; two
 * providers sharing the pool; results that outlive a rebuild; MD on 1 and
 * 2 threads equal to round-off); the checked-in shared-memory binaries.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { computeForcesF64, F64Workspace, ljCoefficientsOf, wasmTableOf } from '../../src/core/forces-f64.ts';
import type { NeighborListOptions } from '../../src/neighbor/neighbor-list.ts';
import { LIST_TEST_CELLS, makeBox, randomSystem } from './forces-fixtures.ts';
import { AUTO_THREADED_MIN_ATOMS, createForceProvider, createForceProviderAsync } from '../../src/core/force-provider.ts';
import { defaultThreads } from '../../src/core/lj-thread-pool.ts';
import { sharedWasmForcePool, startWasmForcePool, WasmForcePool } from '../../src/core/wasm/force-threads.ts';
import { buildNeighborList } from '../../src/neighbor/neighbor-list.ts';
import { createKobAndersen } from '../../src/potential/ka.ts';
import { loadEamFs } from '../../src/potential/eam-fs.ts';
import { createIpl } from '../../src/potential/ipl.ts';
import type { Potential } from '../../src/potential/types.ts';
import type { ForceResult } from '../../src/core/types.ts';
import type { System } from '../../src/system/system.ts';
import { cloneSystem } from '../../src/system/system.ts';
import { expectFreshBuild } from '../support/wasm-build.ts';
import { maxDiff } from './forces-fixtures.ts';
import { latticeSystem } from '../md/fixtures.ts';
import { runMd } from '../../src/md/run.ts';
import { nvt } from '../../src/md/nose-hoover-integrator.ts';
import { initVelocities } from '../../src/md/velocities.ts';

const CUZR = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';

/** max |a - b| / max |b| */
function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = maxDiff(a, b);
  return d.scale === 0 ? d.diff : d.diff / d.scale;
}

function expectClose(t: ForceResult, s: ForceResult, tol: number): void {
  expect(rel(t.forces, s.forces)).toBeLessThanOrEqual(tol);
  expect(Math.abs(t.energy - s.energy)).toBeLessThanOrEqual(tol * Math.abs(s.energy));
  expect(rel(t.virial, s.virial)).toBeLessThanOrEqual(tol);
  if (s.peratomEnergy) {
    expect(rel(t.peratomEnergy!, s.peratomEnergy)).toBeLessThanOrEqual(tol);
    expect(rel(t.peratomVirial!, s.peratomVirial!)).toBeLessThanOrEqual(tol);
  }
}

function expectSameBits(a: ForceResult, b: ForceResult): void {
  expect(Array.from(a.forces)).toEqual(Array.from(b.forces));
  expect(a.energy).toBe(b.energy);
  expect(Array.from(a.virial)).toEqual(Array.from(b.virial));
}

/** KA at density 1.2, 1458 atoms on a jiggled bcc lattice (random placement is too slow at this size). */
function kaSystem(seed: number): System {
  return latticeSystem(3, 9, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.08, seed });
}

/** CuZr-like liquid density (0.05 / A^3), 1024 atoms (half Cu, half Zr) on a jiggled bcc lattice (nearest neighbours 3.0 A, jiggle +-0.3 A). */
function cuzrSystem(seed: number): System {
  return latticeSystem(3, 8, 0.05, { basis: 'bcc', fracA: 0.5, jiggle: 0.6, seed });
}

/** The Zylberg IPL glass former at its density (50:50; 3D 0.82, 2D 0.86), 1458 and 2048 atoms on jiggled lattices. */
function iplSystem(dim: 2 | 3, seed: number): System {
  return dim === 3 ? latticeSystem(3, 9, 0.82, { basis: 'bcc', fracA: 0.5, jiggle: 0.1, seed }) : latticeSystem(2, 32, 0.86, { basis: 'bcc', fracA: 0.5, jiggle: 0.1, seed });
}

/** The rows of a list, each as long as its count. */
function rowsOf(nl: { n: number; stride: number; counts: Int32Array; neighbors: Int32Array }): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < nl.n; i++) rows.push(Array.from(nl.neighbors.subarray(i * nl.stride, i * nl.stride + nl.counts[i])));
  return rows;
}

/** One list (balanced half rows, as the threaded provider builds), evaluated on one thread and on `pool`. */
function onSameList(sys: System, pot: Potential, pool: WasmForcePool, peratom: boolean): { one: ForceResult; par: ForceResult } {
  const nl = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: pot.units === 'metal' ? 1 : 0.3, kind: 'half', halfRows: 'balanced' });
  return {
    one: computeForcesF64(sys, pot, nl, { peratom }, new F64Workspace('wasm')),
    par: computeForcesF64(sys, pot, nl, { peratom }, new F64Workspace('wasm'), undefined, pool),
  };
}

describe('wasm force kernels on threads', () => {
  const models: [string, () => Potential, (seed: number) => System, boolean][] = [
    ['KA (shift)', () => createKobAndersen('shift'), kaSystem, true],
    ['KA (shifted force)', () => createKobAndersen('shifted-force'), kaSystem, true],
    ['CuZr EAM/FS', () => loadEamFs(CUZR), cuzrSystem, existsSync(CUZR)],
    ['IPL 3D (Zylberg)', () => createIpl({ dim: 3 }), (seed) => iplSystem(3, seed), true],
    ['IPL 2D (Zylberg)', () => createIpl({ dim: 2 }), (seed) => iplSystem(2, seed), true],
  ];
  for (const [name, makePot, makeSys, have] of models) {
    it.skipIf(!have)(`${name}: equal to one thread to 1e-12 (forces, energy, virial, per-atom terms), 2 and 3 threads`, () => {
      const pot = makePot();
      const sys = makeSys(31);
      for (const threads of [2, 3]) {
        const pool = sharedWasmForcePool(threads);
        expect(pool).not.toBeNull();
        for (const peratom of [false, true]) {
          const { one, par } = onSameList(sys, pot, pool!, peratom);
          expectClose(par, one, 1e-12);
        }
        // the provider: its own list and pool, against the one-thread provider
        const a = createForceProvider(pot, { threads: 1 }).compute(sys, { peratom: true });
        const b = createForceProvider(pot, { threads }).compute(sys, { peratom: true });
        expectClose(b, a, 1e-12);
      }
    });
  }

  it('a wrong pool result would be seen: the shares are really added (no thread left out)', () => {
    const pot = createKobAndersen('shift');
    const sys = kaSystem(5);
    const { one, par } = onSameList(sys, pot, sharedWasmForcePool(2)!, false);
    // every atom's force has terms from both halves of the rows: the sums are not one share alone
    const nl = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0.3, kind: 'half', halfRows: 'balanced' });
    let rowsOfSecond = 0;
    for (let i = Math.floor(sys.n / 2); i < sys.n; i++) rowsOfSecond += nl.counts[i];
    expect(rowsOfSecond).toBeGreaterThan(0.4 * nl.entries);
    expect(rel(par.forces, one.forces)).toBeLessThanOrEqual(1e-12);
  });

  it('workers woken ahead of a job answer alike whether the job comes while they poll or after they went back to sleep', async () => {
    const pot = createKobAndersen('shift');
    const sys = kaSystem(9);
    const nl = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0.3, kind: 'half', halfRows: 'balanced' });
    const pool = sharedWasmForcePool(2)!;
    const call = () => computeForcesF64(sys, pot, nl, {}, new F64Workspace('wasm'), undefined, pool);
    const first = call();
    for (let k = 0; k < 5; k++) { pool.wake(); expectSameBits(call(), first); } // the job comes while the worker polls
    for (const pauseMs of [3, 20]) {
      pool.wake();
      await new Promise((r) => setTimeout(r, pauseMs)); // past the poll: the worker sleeps again
      const t0 = performance.now();
      expectSameBits(call(), first);
      expect(performance.now() - t0).toBeLessThan(2000); // woken by the job's notify, not by the 10 s timeout
    }
  });

  it('depends only on the positions and the thread count: lists with other skin pairs give the same bits', () => {
    for (const [pot, sys] of [[createKobAndersen('shift'), kaSystem(7)], ...(existsSync(CUZR) ? [[loadEamFs(CUZR), cuzrSystem(7)]] : [])] as [Potential, System][]) {
      const moved = cloneSystem(sys);
      const skin = pot.units === 'metal' ? 1 : 0.3;
      for (let k = 0; k < moved.positions.length; k++) moved.positions[k] += 0.3 * skin * Math.cos(3.1 * k);
      const list = (at: System) => buildNeighborList(at, { cutoff: pot.maxCutoff, skin, kind: 'half', halfRows: 'balanced' });
      const la = list(sys), lb = list(moved);
      expect(lb.entries).not.toBe(la.entries);
      const pool = sharedWasmForcePool(2)!;
      const a = computeForcesF64(sys, pot, la, {}, new F64Workspace('wasm'), undefined, pool);
      const b = computeForcesF64(sys, pot, lb, {}, new F64Workspace('wasm'), undefined, pool);
      expectSameBits(b, a);
      const again = computeForcesF64(sys, pot, la, {}, new F64Workspace('wasm'), undefined, pool);
      expectSameBits(again, a);
    }
  });

  it('starts without blocking (createForceProviderAsync) and follows a moving configuration through list rebuilds', async () => {
    const pot = createKobAndersen('shift');
    const sys = kaSystem(9);
    const provider = await createForceProviderAsync(pot, { threads: 4 });
    const pool = await startWasmForcePool(4);
    expect(pool).not.toBeNull();
    expect(sharedWasmForcePool(4)).toBe(pool); // one pool per thread count
    const serial = createForceProvider(pot, { threads: 1 });
    const copies = pool!.listCopies;
    for (let step = 0; step < 10; step++) {
      expectClose(provider.compute(sys), serial.compute(sys), 1e-12);
      for (let k = 0; k < sys.positions.length; k++) sys.positions[k] += 0.1 * Math.sin(7 * k + step);
    }
    expect(provider.rebuildCount).toBeGreaterThan(1);
    expect(pool!.listCopies - copies).toBeGreaterThanOrEqual(provider.rebuildCount);
  });

  it('builds the neighbour list on the threads in the shared memory: the same list as the serial build, entry for entry (2 and 3 threads, both KA cutoffs)', () => {
    for (const threads of [2, 3]) {
      for (const scheme of ['shift', 'shifted-force'] as const) {
        const pot = createKobAndersen(scheme);
        const sys = kaSystem(11 + threads);
        const provider = createForceProvider(pot, { threads });
        const pool = sharedWasmForcePool(threads)!;
        for (let step = 0; step < 3; step++) {
          const before = pool.listCopies;
          const r = provider.compute(sys);
          const nl = provider.neighbors.list!;
          expect(nl.neighbors.buffer).toBeInstanceOf(SharedArrayBuffer); // built in the pool's memory, not copied there
          expect(pool.listCopies - before).toBe(1);
          const ref = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0.3, kind: 'half', typeCutoffs: pot, halfRows: 'balanced', kernels: 'js' });
          expect(Array.from(nl.counts)).toEqual(Array.from(ref.counts));
          expect(rowsOf(nl)).toEqual(rowsOf(ref)); // the stride may differ: the provider keeps its last one
          expectClose(r, createForceProvider(pot, { threads: 1 }).compute(sys, {}), 1e-12);
          for (let k = 0; k < sys.positions.length; k++) sys.positions[k] += 0.2 * Math.sin(5 * k + step); // past skin/2: a rebuild
          provider.neighbors.invalidate();
        }
      }
    }
  });

  it('the threads build the same lists as the TypeScript build for every list kind and cell shape (half, balanced, full; per-type radii; tilted, small, 2D and non-periodic cells; 2 and 3 threads)', () => {
    const ka = createKobAndersen('shift');
    const table = wasmTableOf(ka, ljCoefficientsOf(ka))!;
    const specs = LIST_TEST_CELLS;
    const variants: Partial<NeighborListOptions>[] = [
      { kind: 'half' }, { kind: 'half', typeCutoffs: ka, halfRows: 'balanced' }, { kind: 'full', typeCutoffs: ka }, { kind: 'half', maxNeighbors: 4 },
    ];
    let entries = 0;
    for (const [spec, n] of specs) {
      const sys = randomSystem(makeBox(spec), n, n, { minDist: 0.75, unwrapped: true });
      for (const threads of [2, 3]) {
        const pool = sharedWasmForcePool(threads)!;
        const target = pool.listTarget(table, { listOverwritten: () => {} })!;
        expect(target.threads).toBe(pool);
        for (const v of variants) {
          const opts = { cutoff: 2.5, skin: 0.3, kind: 'half', ...v } as NeighborListOptions;
          const w = buildNeighborList(sys, { ...opts, listTarget: () => target }), j = buildNeighborList(sys, { ...opts, kernels: 'js' });
          expect(w.neighbors.buffer).toBeInstanceOf(SharedArrayBuffer);
          expect(w.stride).toBe(j.stride);
          expect(w.overflowGrowths).toBe(j.overflowGrowths);
          expect(Array.from(w.counts)).toEqual(Array.from(j.counts));
          expect(Array.from(w.neighbors)).toEqual(Array.from(j.neighbors));
          entries += j.entries;
        }
      }
    }
    expect(entries).toBeGreaterThan(20000);
  });

  it('two providers on one pool: each rebuilds after the other overwrote its list, and a result keeps the list its virial reads', () => {
    const a = createForceProvider(createKobAndersen('shift'), { threads: 2 });
    const b = createForceProvider(createKobAndersen('shifted-force'), { threads: 2 });
    const sa = kaSystem(21), sb = kaSystem(22);
    const refA = createForceProvider(createKobAndersen('shift'), { threads: 1 });
    const refB = createForceProvider(createKobAndersen('shifted-force'), { threads: 1 });
    const first = a.compute(sa); // its virial not read yet: it reads the list in the pool's memory
    const virialA = refA.compute(sa).virial;
    for (let k = 0; k < 3; k++) {
      expectClose(b.compute(sb), refB.compute(sb), 1e-12);
      expectClose(a.compute(sa), refA.compute(sa), 1e-12);
    }
    expect(a.rebuildCount).toBe(4);
    expect(b.rebuildCount).toBe(3);
    expect(rel(first.virial, virialA)).toBeLessThanOrEqual(1e-12);
  });

  it('an overlap found by the threads is reported as on one thread', () => {
    const sys = kaSystem(3);
    sys.positions.set([sys.positions[0] + 1e-9, sys.positions[1], sys.positions[2]], 3 * 700);
    const msg = (threads: number) => { try { createForceProvider(createKobAndersen('shift'), { threads }).compute(sys); return ''; } catch (e) { return (e as Error).message; } };
    expect(msg(2)).toMatch(/overlap/);
    expect(msg(2)).toBe(msg(1));
  });

  it('MD (NVT, 300 steps, list rebuilds) on 1 and 2 threads: the same trajectory to round-off', async () => {
    const pot = createKobAndersen('shift');
    const start = kaSystem(41);
    initVelocities(start, 0.8, 3);
    const run = async (threads: number) => {
      const sys = cloneSystem(start);
      const provider = createForceProvider(pot, { threads });
      const r = await runMd(sys, provider, { integrator: nvt({ Tstart: 0.8, Tdamp: 0.5 }), dt: 0.005, steps: 300, thermoEvery: 100, units: 'lj' });
      return { sys, rebuilds: provider.rebuildCount, pe: r.thermo.at(-1)!.PE };
    };
    const one = await run(1), two = await run(2);
    expect(two.rebuilds).toBeGreaterThan(5);
    expect(two.rebuilds).toBe(one.rebuilds);
    expect(rel(two.sys.positions, one.sys.positions)).toBeLessThanOrEqual(1e-10);
    expect(Math.abs(two.pe - one.pe)).toBeLessThanOrEqual(1e-9 * Math.abs(one.pe));
  });

  it('default thread count: 2 for the wasm LJ loops where 2 cores are there, threaded from AUTO_THREADED_MIN_ATOMS atoms on; --threads overrides', () => {
    const pot = createKobAndersen('shift');
    const cores = defaultThreads();
    const small = kaSystem(51); // 1458 atoms: below the crossover
    const big = latticeSystem(3, 10, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.08, seed: 52 }); // 2000 atoms
    expect(small.n).toBeLessThan(AUTO_THREADED_MIN_ATOMS);
    expect(big.n).toBeGreaterThanOrEqual(AUTO_THREADED_MIN_ATOMS);
    const auto = createForceProvider(pot);
    expect(auto.threads).toBe(Math.min(2, cores));
    const shared = (p: ReturnType<typeof createForceProvider>, sys: System) => { p.compute(sys); return p.neighbors.list!.neighbors.buffer instanceof SharedArrayBuffer; };
    expect(shared(auto, small)).toBe(false); // serial below the crossover
    expect(shared(createForceProvider(pot), big)).toBe(cores >= 2); // on the pool (list built there) from it on
    expect(shared(createForceProvider(pot, { threads: 2 }), small)).toBe(true); // given: from THREADED_MIN_ATOMS on
    expect(shared(createForceProvider(pot, { threads: 1 }), big)).toBe(false);
    if (existsSync(CUZR)) expect(createForceProvider(loadEamFs(CUZR)).threads).toBe(1); // EAM keeps 1
    expect(createForceProvider(createIpl({ dim: 2 })).threads).toBe(1); // and IPL (1.15x on 2 threads: bench/RESULTS.md)
  });

  it('rejects thread counts it cannot run', () => {
    expect(() => WasmForcePool.create(1)).toThrow(/threads must be an integer in \[2, 16\]/);
    expect(() => WasmForcePool.create(17)).toThrow(/threads must be an integer/);
  });

  it('the checked-in force-kernels-shared.wasm and pair-search-shared.wasm equal fresh builds (npm run build:wasm)', async () => {
    await expectFreshBuild('core/wasm/force-kernels-shared.wasm');
    await expectFreshBuild('neighbor/wasm/pair-search-shared.wasm');
  }, 240_000);
});
