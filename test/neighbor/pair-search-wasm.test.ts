/**
 * The WebAssembly cell search (src/neighbor/wasm/) against the TypeScript
 * findPairs of src/neighbor/neighbor-list.ts: the same lists, entry for
 * entry, over cell shapes, list kinds, per-type radii and cells per cutoff;
 * the same overlap error; and the checked-in binary against a fresh build.
 */
import { describe, expect, it } from 'vitest';
import { buildNeighborList, type NeighborListOptions } from '../../src/neighbor/neighbor-list.ts';
import { wasmPairSearchAvailable, wasmPairSearchLoadError } from '../../src/neighbor/wasm/pair-search.ts';
import { createKobAndersen } from '../../src/potential/ka.ts';
import { createSystem } from '../../src/system/system.ts';
import { expectFreshBuild } from '../support/wasm-build.ts';
import { LIST_TEST_CELLS, makeBox, randomSystem } from '../core/forces-fixtures.ts';

const ka = createKobAndersen('shift');

describe.skipIf(!wasmPairSearchAvailable())(`WebAssembly pair search ${wasmPairSearchLoadError()}`, () => {
  it('search and row sort build the same lists as the TypeScript ones (tilted, orthorhombic, 2D, small and non-periodic cells; half, balanced, full; per-type radii; 1-3 cells per cutoff; stride growth)', () => {
    const specs = LIST_TEST_CELLS;
    const variants: Partial<NeighborListOptions>[] = [
      { kind: 'half' }, { kind: 'half', typeCutoffs: ka }, { kind: 'half', typeCutoffs: ka, halfRows: 'balanced' },
      { kind: 'full' }, { kind: 'half', cellsPerCutoff: 1 }, { kind: 'full', cellsPerCutoff: 2, typeCutoffs: ka },
      { kind: 'half', maxNeighbors: 4 }, { kind: 'full', maxNeighbors: 150 }, // stride grown past maxNeighbors; a wider stride than needed
    ];
    let entries = 0;
    for (const [spec, n] of specs) {
      const sys = randomSystem(makeBox(spec), n, n, { minDist: 0.75, unwrapped: true });
      for (const v of variants) {
        const opts = { cutoff: 2.5, skin: 0.3, kind: 'half', ...v } as NeighborListOptions;
        const logs: string[] = [];
        const w = buildNeighborList(sys, { ...opts, kernels: 'wasm', log: (m) => logs.push(m) }), j = buildNeighborList(sys, { ...opts, kernels: 'js' });
        expect(w.stride).toBe(j.stride);
        expect(w.overflowGrowths).toBe(j.overflowGrowths);
        expect(w.entries).toBe(j.entries);
        expect(logs.length).toBe(w.overflowGrowths);
        if (v.maxNeighbors === 4) expect(w.overflowGrowths).toBe(1);
        expect(Array.from(w.counts)).toEqual(Array.from(j.counts));
        expect(Array.from(w.neighbors)).toEqual(Array.from(j.neighbors));
        entries += j.entries;
      }
    }
    expect(entries).toBeGreaterThan(10000);
  });

  it('builds the same list in a memory it is given (listTarget), leaving the rows there, and again over the last build', () => {
    const WA = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer; grow(p: number): number } } }).WebAssembly;
    const memory = new WA.Memory({ initial: 1, maximum: 65536 });
    const bases: number[] = [];
    const target = { memory, listBase: (n: number) => { bases.push(n); return 12345; } };
    const sys = randomSystem(makeBox({ dim: 3, lengths: [9.2, 9.0, 9.4], tilt: { xy: 1.1, xz: 0.4, yz: -0.9 } }), 400, 7, { minDist: 0.75, unwrapped: true });
    for (const v of [{ kind: 'half' }, { kind: 'half', typeCutoffs: ka, halfRows: 'balanced' }, { kind: 'full', typeCutoffs: ka }] as Partial<NeighborListOptions>[]) {
      const opts = { cutoff: 2.5, skin: 0.3, kind: 'half', ...v } as NeighborListOptions;
      const w = buildNeighborList(sys, { ...opts, listTarget: () => target }), j = buildNeighborList(sys, { ...opts, kernels: 'js' });
      expect(w.neighbors.buffer).toBe(memory.buffer);
      expect(w.counts.buffer).toBe(memory.buffer);
      expect(w.neighbors.byteOffset).toBeGreaterThanOrEqual(12345);
      expect(w.stride).toBe(j.stride);
      expect(Array.from(w.counts)).toEqual(Array.from(j.counts));
      expect(Array.from(w.neighbors)).toEqual(Array.from(j.neighbors));
    }
    expect(bases).toEqual([400, 400, 400]);
  });

  it('reports an overlap as the TypeScript search does', () => {
    const box = makeBox({ dim: 3, lengths: [6, 6, 6] });
    const sys = createSystem({ box, positions: Float64Array.of(1, 1, 1, 3, 3, 3, 3, 3, 3 + 1e-9), types: Int32Array.of(1, 1, 2) });
    const msg = (k: 'wasm' | 'js') => { try { buildNeighborList(sys, { cutoff: 2.5, skin: 0.3, kind: 'half', kernels: k }); return ''; } catch (e) { return (e as Error).message; } };
    expect(msg('wasm')).toMatch(/overlap/);
    expect(msg('wasm')).toBe(msg('js'));
  });

  it('the checked-in pair-search.wasm and pair-search-import.wasm equal a fresh build of pair-search.as.ts (npm run build:wasm)', async () => {
    await expectFreshBuild('neighbor/wasm/pair-search.wasm');
    await expectFreshBuild('neighbor/wasm/pair-search-import.wasm');
  }, 240_000);
});
