/**
 * The wasm force kernels on worker threads (src/core/wasm/force-threads.ts)
 * against the same kernels on one thread: forces, energy, virial and
 * per-atom terms of KA (both cutoff schemes) and CuZr EAM (N > 1000)
 * to 1e-12 relative; reproducible bits for a thread count whatever list
 * the positions are evaluated with; the asynchronous start; rebuilds while
 * a configuration moves; the checked-in shared-memory binary.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { computeForcesF64, F64Workspace } from '../../src/core/forces-f64.ts';
import { createForceProvider, createForceProviderAsync } from '../../src/core/force-provider.ts';
import { sharedWasmForcePool, startWasmForcePool, WasmForcePool } from '../../src/core/wasm/force-threads.ts';
import { buildNeighborList } from '../../src/neighbor/neighbor-list.ts';
import { createKobAndersen } from '../../src/potential/ka.ts';
import { loadEamFs } from '../../src/potential/eam-fs.ts';
import type { Potential } from '../../src/potential/types.ts';
import type { ForceResult } from '../../src/core/types.ts';
import type { System } from '../../src/system/system.ts';
import { cloneSystem } from '../../src/system/system.ts';
import { expectFreshBuild } from '../support/wasm-build.ts';
import { maxDiff } from './forces-fixtures.ts';
import { latticeSystem } from '../md/fixtures.ts';

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

  it('rejects thread counts it cannot run', () => {
    expect(() => WasmForcePool.create(1)).toThrow(/threads must be an integer in \[2, 16\]/);
    expect(() => WasmForcePool.create(17)).toThrow(/threads must be an integer/);
  });

  it('the checked-in force-kernels-shared.wasm equals a fresh build of force-kernels.as.ts (npm run build:wasm)', async () => {
    await expectFreshBuild('core/wasm/force-kernels-shared.wasm');
  }, 120_000);
});
