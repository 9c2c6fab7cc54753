/**
 * The WebAssembly force kernels (src/core/wasm/) against the TypeScript
 * loops of src/core/forces-f64.ts, the reference: forces, energy, virial and
 * per-atom terms on random KA (both cutoff schemes), IPL 2D/3D and CuZr EAM
 * configurations in tilted cells; the provider's default and fallback; and
 * the checked-in binary against a fresh build.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { computeForcesF64, F64Workspace, wasmTableOf, type ForceKernels } from '../../src/core/forces-f64.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { wasmForcesAvailable, wasmForceLoadError } from '../../src/core/wasm/force-runtime.ts';
import { WasmFile } from '../../src/platform/index.ts';
import { buildNeighborList } from '../../src/neighbor/neighbor-list.ts';
import { createKobAndersen } from '../../src/potential/ka.ts';
import { createIpl } from '../../src/potential/ipl.ts';
import { loadEam, loadEamFs } from '../../src/potential/eam-fs.ts';
import type { Potential } from '../../src/potential/types.ts';
import type { ForceResult } from '../../src/core/types.ts';
import { cloneSystem, type System } from '../../src/system/system.ts';
import { expectFreshBuild } from '../support/wasm-build.ts';
import { makeBox, maxDiff, polyPair, randomSystem, type BoxSpec } from './forces-fixtures.ts';

const CUZR = '/usr/share/lammps/potentials/CuZr_mm.eam.fs';
const CU_ALLOY = '/usr/share/lammps/potentials/Cu_mishin1.eam.alloy';
const NIALH = '/usr/share/lammps/potentials/NiAlH_jea.eam.fs';

function both(sys: System, pot: Potential, skin: number, peratom: boolean): { js: ForceResult; wasm: ForceResult } {
  const nl = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin, kind: 'half' });
  const run = (k: ForceKernels) => computeForcesF64(sys, pot, nl, { peratom }, new F64Workspace(k));
  return { js: run('js'), wasm: run('wasm') };
}

/** max |a - b| / max |b| over all entries (0 for equal arrays) */
function rel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = maxDiff(a, b);
  return d.scale === 0 ? d.diff : d.diff / d.scale;
}

function expectClose(w: ForceResult, j: ForceResult, tol: number): void {
  expect(w.forces.length).toBe(j.forces.length);
  expect(rel(w.forces, j.forces)).toBeLessThanOrEqual(tol);
  expect(Math.abs(w.energy - j.energy)).toBeLessThanOrEqual(tol * Math.abs(j.energy));
  expect(rel(w.virial, j.virial)).toBeLessThanOrEqual(tol);
  if (j.peratomEnergy) {
    expect(rel(w.peratomEnergy!, j.peratomEnergy)).toBeLessThanOrEqual(tol);
    expect(rel(w.peratomVirial!, j.peratomVirial!)).toBeLessThanOrEqual(tol);
  }
}

function expectSameBits(w: ForceResult, j: ForceResult): void {
  expect(Array.from(w.forces)).toEqual(Array.from(j.forces));
  expect(w.energy).toBe(j.energy);
  expect(Array.from(w.virial)).toEqual(Array.from(j.virial));
  if (j.peratomEnergy) {
    expect(Array.from(w.peratomEnergy!)).toEqual(Array.from(j.peratomEnergy));
    expect(Array.from(w.peratomVirial!)).toEqual(Array.from(j.peratomVirial!));
  }
}

const tilted3: BoxSpec = { dim: 3, lengths: [9.2, 9.0, 9.4], tilt: { xy: 1.1, xz: 0.4, yz: -0.9 } };

describe('WasmFile (src/platform)', () => {
  it('fails soft on a missing or invalid file, with the reason and the fallback', () => {
    const missing = new WasmFile(new URL('./no-such-kernels.wasm', import.meta.url), 'using the TypeScript loops');
    expect(missing.available).toBe(false);
    expect(missing.instantiate()).toBeNull();
    expect(missing.error).toMatch(/no-such-kernels\.wasm failed to load \(.*\); using the TypeScript loops/);
    const notWasm = new WasmFile(new URL(import.meta.url), 'using X');
    expect(notWasm.available).toBe(false);
    expect(notWasm.error).toMatch(/failed to load.*using X/);
  });
});

describe.skipIf(!wasmForcesAvailable())(`WebAssembly force kernels ${wasmForceLoadError()}`, () => {
  it('KA (shift and shifted-force), 3D tilted, 3D orthorhombic and 2D: the same bits as the TypeScript loops', () => {
    for (const scheme of ['shift', 'shifted-force'] as const) {
      const pot = createKobAndersen(scheme);
      for (const spec of [tilted3, { dim: 3, lengths: [8.1, 8.3, 7.9] }, { dim: 2, lengths: [13.5, 13.1], tilt: { xy: 1.3 } }] as BoxSpec[]) {
        const sys = randomSystem(makeBox(spec), spec.dim === 3 ? 300 : 150, 11, { minDist: 0.75, unwrapped: true });
        for (const peratom of [false, true]) {
          const { js, wasm } = both(sys, pot, 0.3, peratom);
          expect(js.energy).not.toBe(0);
          expectSameBits(wasm, js);
        }
      }
    }
  });

  it('IPL 2D and 3D: equal to the TypeScript loops to round-off (x^-10 by products vs Math.pow)', () => {
    for (const dim of [2, 3] as const) {
      const pot = createIpl({ dim });
      expect(wasmTableOf(pot, null)?.kind).toBe('ipl');
      const spec: BoxSpec = dim === 3 ? { dim, lengths: [8.0, 8.2, 8.4], tilt: { xz: 0.8, yz: 0.3 } } : { dim, lengths: [14.5, 14.1], tilt: { xy: 1.2 } };
      const sys = randomSystem(makeBox(spec), dim === 3 ? 300 : 150, 17, { minDist: 0.8 });
      for (const peratom of [false, true]) {
        const { js, wasm } = both(sys, pot, 0.3, peratom);
        expectClose(wasm, js, 1e-13);
        expect(rel(wasm.forces, js.forces)).toBeGreaterThan(0); // a real second evaluation, not the same loop
      }
    }
  });

  it.skipIf(!existsSync(CUZR))('CuZr EAM/FS, tilted cell: the same bits as the TypeScript loops (splines included)', () => {
    const pot = loadEamFs(CUZR);
    const L = 2.6 * pot.maxCutoff;
    const sys = randomSystem(makeBox({ dim: 3, lengths: [L, L + 0.3, L + 0.5], tilt: { xy: 1.0, yz: -0.6 } }), 400, 23, { minDist: 2.1, unwrapped: true });
    for (const peratom of [false, true]) {
      const { js, wasm } = both(sys, pot, 1.0, peratom);
      expect(js.energy).toBeLessThan(0);
      expectSameBits(wasm, js);
    }
  });

  it.skipIf(!existsSync(CU_ALLOY))('Mishin Cu (eam/alloy layout, one element): the same bits as the TypeScript loops', () => {
    const pot = loadEam(CU_ALLOY);
    const L = 2.4 * pot.maxCutoff;
    const sys = randomSystem(makeBox({ dim: 3, lengths: [L, L, L + 0.4], tilt: { xz: 0.7 } }), 150, 29, { minDist: 1.9, ntypes: 1 });
    const { js, wasm } = both(sys, pot, 1.0, true);
    expect(js.energy).toBeLessThan(0);
    expectSameBits(wasm, js);
  });

  it.skipIf(!existsSync(NIALH))('NiAlH (eam/fs, three elements: every density slot and z2r line of the wasm table): the same bits as the TypeScript loops', () => {
    const pot = loadEamFs(NIALH);
    const L = 2.4 * pot.maxCutoff;
    const sys = randomSystem(makeBox({ dim: 3, lengths: [L, L + 0.3, L + 0.6], tilt: { xy: 0.5 } }), 150, 31, { minDist: 1.8, ntypes: 3 });
    expect(new Set(sys.types).size).toBe(3);
    const { js, wasm } = both(sys, pot, 1.0, true);
    expectSameBits(wasm, js);
  });

  it('one workspace across sizes, potentials and a non-periodic direction: relaid out, still the same bits', () => {
    const ws = new F64Workspace('wasm');
    const ka = createKobAndersen('shift'), ipl = createIpl({ dim: 3 });
    const cases: [Potential, BoxSpec, number][] = [
      [ka, tilted3, 300], [ka, { dim: 3, lengths: [7.0, 7.2, 7.4], periodic: [true, false, true] }, 180],
      [ipl, { dim: 3, lengths: [8.0, 8.2, 8.4] }, 250], [ka, tilted3, 120],
    ];
    for (const [pot, spec, n] of cases) {
      const sys = randomSystem(makeBox(spec), n, n, { minDist: 0.8 });
      const nl = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0.3, kind: 'half' });
      const w = computeForcesF64(sys, pot, nl, { peratom: true }, ws);
      const j = computeForcesF64(sys, pot, nl, { peratom: true }, new F64Workspace('js'));
      if (pot === ka) expectSameBits(w, j);
      else expectClose(w, j, 1e-13);
    }
    expect(ws.wasmWorkspace()!.listCopies).toBe(cases.length);
  });

  it('potentials without a wasm loop run in TypeScript under kernels "wasm"', () => {
    const pot = polyPair(3);
    expect(wasmTableOf(pot, null)).toBeNull();
    const sys = randomSystem(makeBox(tilted3), 200, 5, { minDist: 0.8 });
    const { js, wasm } = both(sys, pot, 0.3, true);
    expectSameBits(wasm, js);
  });

  it('the provider defaults to wasm, takes the neighbour list in once per rebuild (built in the kernels\' memory), and equals kernels "js" along a trajectory', () => {
    const pot = createKobAndersen('shift');
    const sys = randomSystem(makeBox(tilted3), 300, 3, { minDist: 0.8 });
    const a = createForceProvider(pot, { threads: 1 });
    const b = createForceProvider(pot, { threads: 1, kernels: 'js' });
    expect(a.kernels).toBe('wasm');
    for (let step = 0; step < 12; step++) {
      const fa = a.compute(sys), fb = b.compute(sys);
      expectSameBits(fa, fb);
      for (let k = 0; k < sys.positions.length; k++) sys.positions[k] += 0.004 * fa.forces[k] / (1 + Math.abs(fa.forces[k]));
      for (let k = 0; k < sys.positions.length; k++) sys.positions[k] += 0.03 * Math.sin(7 * k + step);
    }
    expect(a.rebuildCount).toBeGreaterThan(1);
    expect(a.wasmListCopies).toBe(a.rebuildCount);
    // built in place: a view of the kernels' memory, not an array of its own
    const nl = a.neighborList(sys);
    expect(nl.neighbors.buffer.byteLength).toBeGreaterThan(nl.neighbors.byteLength);
    expect(nl.neighbors.buffer).toBe(nl.counts.buffer);
    expect(() => createForceProvider(pot, { kernels: 'gpu' as ForceKernels })).toThrow(/kernels must be 'wasm' or 'js'/);
  });

  it('keeps the lazy virial of every result right: results kept over later calls and list rebuilds, given up (reuse) or not', () => {
    const pot = createKobAndersen('shift');
    for (const kernels of ['wasm', 'js'] as const) {
      const sys = randomSystem(makeBox(tilted3), 300, 3, { minDist: 0.8 });
      const p = createForceProvider(pot, { threads: 1, kernels });
      const kept: { res: ForceResult; pos: Float64Array }[] = [];
      let prev: ForceResult | undefined;
      for (let step = 0; step < 8; step++) {
        // the results of even steps are kept; each odd one is given up (reuse, as MD does) by the call after it
        const res = p.compute(sys, step % 2 === 0 && prev ? { reuse: prev } : {});
        const fresh = createForceProvider(pot, { threads: 1, kernels }).compute(sys);
        expect(Array.from(res.forces)).toEqual(Array.from(fresh.forces)); // the virial is read only at the end
        expect(res.energy).toBe(fresh.energy);
        if (step % 2 === 0) kept.push({ res, pos: sys.positions.slice() });
        prev = res;
        for (let k = 0; k < sys.positions.length; k++) sys.positions[k] += (step % 3 === 2 ? 0.12 : 0.01) * Math.sin(5 * k + step);
      }
      expect(p.rebuildCount).toBeGreaterThan(2);
      for (const { res, pos } of kept) {
        if (res === prev) continue;
        const at = cloneSystem(sys);
        at.positions.set(pos);
        const want = createForceProvider(pot, { threads: 1, kernels: 'js' }).compute(at, { peratom: true }).virial;
        expect(rel(res.virial, want)).toBeLessThan(1e-12);
      }
    }
  });

  it('a minimiser\'s superseded results share one copy of the in-place list at the next rebuild (2000 results: one copy per rebuild, virials right)', () => {
    // AQS and CG keep thousands of results between two rebuilds; each once took its own copy
    // (and a WeakRef sweep per call made lammps-shear 10x slower): now one copy serves them all
    const pot = createKobAndersen('shift');
    const sys = randomSystem(makeBox(tilted3), 300, 3, { minDist: 0.8 });
    const p = createForceProvider(pot, { threads: 1 });
    const kept: { res: ForceResult; pos: Float64Array }[] = [];
    const t0 = performance.now();
    for (let call = 0; call < 2000; call++) {
      const res = p.compute(sys);
      if (call % 250 === 0) kept.push({ res, pos: sys.positions.slice() });
      const big = call % 500 === 499; // a rebuild every 500 calls
      for (let k = 0; k < sys.positions.length; k++) sys.positions[k] += (big ? 0.2 : 1e-6) * Math.sin(5 * k + call);
    }
    const ms = performance.now() - t0;
    expect(p.rebuildCount).toBeGreaterThanOrEqual(4);
    expect(p.keptListCopies).toBeGreaterThan(0);
    expect(p.keptListCopies).toBeLessThanOrEqual(p.rebuildCount);
    for (const { res, pos } of kept) {
      const at = cloneSystem(sys);
      at.positions.set(pos);
      const want = createForceProvider(pot, { threads: 1, kernels: 'js' }).compute(at, { peratom: true }).virial;
      expect(rel(res.virial, want)).toBeLessThan(1e-12);
    }
    expect(ms).toBeLessThan(20_000); // ~0.3 s here; the per-call sweep grew as calls^2
  });

  it('the checked-in force-kernels.wasm equals a fresh build of force-kernels.as.ts (npm run build:wasm)', async () => {
    await expectFreshBuild('core/wasm/force-kernels.wasm');
  }, 120_000);
});
