import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { computeForcesF64 } from '../../src/core/forces-f64.ts';
import { loadCheckpoint } from '../../src/md/checkpoint.ts';
import { nvt } from '../../src/md/nose-hoover-integrator.ts';
import { runMd, SORT_MIN_ATOMS } from '../../src/md/run.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { KA_DEFAULTS } from '../../src/potential/ka.ts';
import { createIpl } from '../../src/potential/ipl.ts';
import type { Potential } from '../../src/potential/types.ts';
import type { System } from '../../src/system/system.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { buildNeighborList } from '../../src/neighbor/neighbor-list.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { cloneSystem } from '../../src/system/system.ts';
import { kaStart } from '../md/fixtures.ts';
import { makeBox, randomSystem } from './forces-fixtures.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('force sums fixed by the positions alone', () => {
  it('a KA run resumed from a checkpoint equals the uninterrupted run bit for bit (real provider, rebuilds at other steps)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-det-'));
    dirs.push(dir);
    const integ = () => nvt({ Tstart: 1.0, Tstop: 0.8, Tdamp: 0.1 });
    const prov = () => createForceProvider(getPotential('ka'));
    const p0 = prov();
    const full = await runMd(kaStart(1.0), p0, { integrator: integ(), dt: 0.005, steps: 300 });
    const path = join(dir, 'ka.ckpt');
    const ac = new AbortController();
    await runMd(kaStart(1.0), prov(), {
      integrator: integ(), dt: 0.005, steps: 300, signal: ac.signal, checkpoint: { path, every: 1000 },
      observers: [{ every: 1, observe: (st) => { if (st.step === 137) ac.abort(); } }],
    });
    const p1 = prov();
    const rest = await runMd(loadCheckpoint(path), p1, { integrator: integ(), dt: 0.005, steps: 163 });
    expect(rest.state.step).toBe(300);
    // the resumed provider built its lists at other steps than the uninterrupted one
    expect(p0.rebuildCount).toBeGreaterThan(5);
    expect(Array.from(rest.state.sys.positions)).toEqual(Array.from(full.state.sys.positions));
    expect(Array.from(rest.state.sys.velocities!)).toEqual(Array.from(full.state.sys.velocities!));
    expect(rest.state.force.energy).toBe(full.state.force.energy);
  });

  it('a run sorting its atoms every 50 steps, resumed mid-interval from a checkpoint, equals the uninterrupted run bit for bit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-det-'));
    dirs.push(dir);
    const integ = () => nvt({ Tstart: 1.0, Tstop: 0.8, Tdamp: 0.1 });
    // 2 threads from 100 atoms: the rows of each thread are a slab of the sorted order
    const prov = () => createForceProvider(getPotential('ka'), { threads: 2, threadedMinAtoms: 100 });
    const full = await runMd(kaStart(1.0), prov(), { integrator: integ(), dt: 0.005, steps: 300, sortEvery: 50 });
    const path = join(dir, 'ka.ckpt');
    const ac = new AbortController();
    const orders: Int32Array[] = [];
    await runMd(kaStart(1.0), prov(), {
      integrator: integ(), dt: 0.005, steps: 300, signal: ac.signal, checkpoint: { path, every: 1000 }, sortEvery: 50,
      observers: [{ every: 1, observe: (st) => { if (orders.at(-1) !== st.atomOrder) orders.push(st.atomOrder!); if (st.step === 137) ac.abort(); } }],
    });
    expect(orders.length).toBe(3); // sorted before step 0, at 50 and at 100
    expect(Array.from(orders[1])).not.toEqual(Array.from(orders[0]));
    const resumed = loadCheckpoint(path);
    expect(Array.from(resumed.atomOrder!)).toEqual(Array.from(orders[2]));
    const rest = await runMd(resumed, prov(), { integrator: integ(), dt: 0.005, steps: 163, sortEvery: 50 });
    expect(Array.from(rest.state.sys.positions)).toEqual(Array.from(full.state.sys.positions));
    expect(Array.from(rest.state.sys.velocities!)).toEqual(Array.from(full.state.sys.velocities!));
    expect(rest.state.force.energy).toBe(full.state.force.energy);
    // and the sorted run is the unsorted one up to round-off in the forces (a few steps, before chaos amplifies it)
    const a = await runMd(kaStart(1.0), prov(), { integrator: integ(), dt: 0.005, steps: 5, sortEvery: 0 });
    const b = await runMd(kaStart(1.0), prov(), { integrator: integ(), dt: 0.005, steps: 5 });
    expect(a.state.atomOrder).toBeUndefined();
    for (let k = 0; k < a.state.sys.n * 3; k++) expect(Math.abs(b.state.sys.positions[k] - a.state.sys.positions[k])).toBeLessThan(1e-11);
    // a damaged order in the file is refused, naming the file
    const bytes = readFileSync(path);
    const at = bytes.indexOf(Buffer.from('"atomOrder"'));
    expect(at).toBeGreaterThan(0);
    const end = bytes.length - 4 * 2; // the order is the last array: make its last two entries equal
    bytes.writeInt32LE(bytes.readInt32LE(end), end + 4);
    const bad = join(dir, 'bad.ckpt');
    writeFileSync(bad, bytes);
    expect(() => loadCheckpoint(bad)).toThrow(/bad\.ckpt is not a valid glasslab checkpoint \(atomOrder is not a permutation of the \d+ atoms: place \d+ holds \d+, listed twice\)/);
  });

  it('runMd sorts 3D systems of SORT_MIN_ATOMS atoms or more by default, smaller ones and 2D ones not', async () => {
    const big = randomConfiguration({ n: SORT_MIN_ATOMS, density: 1.2, dim: 3, composition: KA_DEFAULTS.composition, typeMasses: [0, 1, 1], seed: 2 });
    const flat = randomConfiguration({ n: SORT_MIN_ATOMS, density: 1.0, dim: 2, composition: KA_DEFAULTS.composition, typeMasses: [0, 1, 1], seed: 2 });
    const run = (sys: System, pot: Potential) => {
      initVelocities(sys, 0.5, 1);
      return runMd(sys, createForceProvider(pot), { integrator: nvt({ Tstart: 0.5, Tdamp: 0.1 }), dt: 0.001, steps: 1 });
    };
    expect((await run(big, getPotential('ka'))).state.atomOrder?.length).toBe(SORT_MIN_ATOMS);
    expect((await run(kaStart(1.0), getPotential('ka'))).state.atomOrder).toBeUndefined();
    expect((await run(flat, createIpl({ dim: 2 }))).state.atomOrder).toBeUndefined();
  });

  it('lists built from displaced reference positions give the same forces, to the bit', () => {
    const pot = getPotential('ka');
    const sys = randomSystem(makeBox({ dim: 3, lengths: [7.1, 6.8, 7.4], tilt: { xy: 0.9, xz: -0.6, yz: 0.4 } }), 300, 3, { minDist: 0.8, ntypes: 2 });
    // a list built at other positions (each atom moved by < skin/2) still covers sys, with other skin pairs and another traversal
    const moved = cloneSystem(sys);
    for (let k = 0; k < moved.positions.length; k++) moved.positions[k] += 0.08 * Math.sin(7.3 * k); // |shift| < skin/2
    moved.box.wrap(moved.positions);
    const la = buildNeighborList(sys, { cutoff: pot.maxCutoff, skin: 0.3, kind: 'half', typeCutoffs: pot });
    const lb = buildNeighborList(moved, { cutoff: pot.maxCutoff, skin: 0.3, kind: 'half', typeCutoffs: pot, cellsPerCutoff: 3 });
    expect(lb.entries).not.toBe(la.entries); // other skin pairs
    const a = computeForcesF64(sys, pot, la);
    const b = computeForcesF64(sys, pot, lb);
    expect(Array.from(b.forces)).toEqual(Array.from(a.forces));
    expect(b.energy).toBe(a.energy);
    expect(Array.from(b.virial)).toEqual(Array.from(a.virial));
  });
});
