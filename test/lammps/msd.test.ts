/**
 * Dynamics agreement with LAMMPS: the mean squared displacement MSD(t) of
 * the A and B particles of the Kob-Andersen 80:20 liquid (Kob & Andersen,
 * PRE 51, 4626 (1995)) at rho = 1.2, T = 0.8 from the embedded engine (the
 * WebAssembly force kernels, `kernels: 'wasm'`) agrees with LAMMPS run with
 * the same protocol, within the statistical noise.
 *
 * Protocol (both codes): N = 500 from one start written with our data writer
 * (configs.ts kaGlass, then 2000 NVT steps at T = 0.8 with our engine),
 * velocities drawn at T = 0.8 by each code's own generator (different seeds:
 * the runs are independent samples), Nose-Hoover chain NVT (LAMMPS `fix nvt
 * temp 0.8 0.8 0.5`, ours `nvt({ Tstart: 0.8, Tdamp: 0.5 })`), dt = 0.005,
 * skin 0.3; DISCARD steps dropped, then PROD steps with the unwrapped
 * positions every EVERY steps (LAMMPS: `dump custom ... xu yu zu`, read
 * with our dump reader; ours: a dump observer into memory). MSD from the
 * library's `msd` for both.
 *
 * The trajectories diverge chaotically, so the comparison is statistical.
 * Noise: each production is cut into BLOCKS consecutive blocks of
 * BLOCK_FRAMES frames (12.5 tau, longer than the last lag, 10 tau, and than
 * tau_alpha ~ 3-5 at T = 0.8), and MSD(t) is computed in each block (time
 * origins inside the block). The block values are taken as independent
 * samples. Under the hypothesis that both codes sample the same dynamics,
 * the 2 x BLOCKS values at a lag come from one distribution, so
 *   t = (mean_lmp - mean_ours) / (s_pooled sqrt(2 / BLOCKS))
 * is Student-t with 2 BLOCKS - 2 = 14 degrees of freedom. We check 5 lags
 * x 2 species = 10 values of t, spanning the ballistic (0.1), cage/plateau
 * (0.5, 2) and alpha/diffusive (5, 10) regimes, and require |t| < T_CRIT,
 * the two-sided Bonferroni bound for a family-wise false alarm of 1e-3:
 * T_CRIT = t_14 quantile at 1 - 0.001 / (2 x 10) = 5.36
 * (scipy.stats.t.isf(5e-5, 14)). The bound is on the noise, not tuned: a
 * wrong temperature (0.9) or timestep in one code fails it by far (the
 * ballistic MSD alone moves by 12% against a block noise of ~0.1%).
 *
 * Measured (this protocol, 4 seed pairs from the same start, outside the
 * test): t over the pairs of runs of one code has sd 0.98 (LAMMPS-LAMMPS)
 * and 1.39 (ours-ours), LAMMPS-ours 1.18 (t_14: 1.15), max |t| 4.06 of 160;
 * the four-run means agree within 0.8% (1.5% for B at t = 10, z 0.4), and
 * the block standard error matches the run-to-run spread within its own
 * uncertainty. The test's seeds are fixed, so on a given build it gives the
 * same numbers every run; its own largest |t| is 2.35 (A, t = 0.5). LAMMPS
 * at T = 0.9 gives |t| = 38.9, LAMMPS with dt = 0.0055 gives 46.7 (both at
 * t = 0.1; at t = 10 the T = 0.9 run is 23% above ours, t = 4.6).
 *
 * Cost: 2 x 21,000 steps of N = 500 (our engine and a serial `lmp` side by
 * side, ~8 s CPU each on this machine) plus 2000 equilibration steps and a
 * 1001-frame dump read.
 *
 * Run with GLASSLAB_VERBOSE=1 to print the table (MSDs, standard errors of
 * the means, t values) and the timings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { msd } from '../../src/analysis/dynamics/dynamics.ts';
import { framesFromArrays, loadFrames, type TrajectoryFrames } from '../../src/analysis/dynamics/frames.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { writeLammpsData } from '../../src/io/index.ts';
import { nvt } from '../../src/md/nose-hoover-integrator.ts';
import { dumpObserver } from '../../src/md/observers.ts';
import { runMd } from '../../src/md/run.ts';
import { initVelocities } from '../../src/md/velocities.ts';
import { getPotential } from '../../src/potential/registry.ts';
import { cloneSystem, createSystem, unwrappedPositions, type System } from '../../src/system/system.ts';
import { KA_LMP, kaGlass } from './configs.ts';
import { lammpsOrSkip, runLammpsAsync } from './lammps-runner.ts';

const T = 0.8;
const TDAMP = 0.5;
const DT = 0.005;
const SKIN = 0.3;
/** equilibration of the common start with our engine (10 tau) */
const EQUILIBRATE = 2000;
/** steps dropped by each code after its fresh velocities (5 tau) */
const DISCARD = 1000;
/** steps between frames (0.1 tau) */
const EVERY = 20;
/** frames per block (12.5 tau) and blocks per code */
const BLOCK_FRAMES = 125;
const BLOCKS = 8;
const PROD = BLOCKS * BLOCK_FRAMES * EVERY;
/** lags in frames: t = 0.1, 0.5, 2, 5, 10 tau */
const LAGS = [1, 5, 20, 50, 100];
const SPECIES = [1, 2];
/** see the module doc: t_{2 BLOCKS - 2} two-sided at family-wise 1e-3 over LAGS x SPECIES */
const T_CRIT = 5.36;

const haveLmp = lammpsOrSkip('KA MSD(t) agreement with LAMMPS');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Block means of MSD at LAGS: [block][lag] (length^2), origins inside each block. */
function blockMsd(fr: TrajectoryFrames, type: number): number[][] {
  expect(fr.nFrames).toBe(BLOCKS * BLOCK_FRAMES + 1);
  const out: number[][] = [];
  const atomSize = fr.n * fr.dim;
  for (let b = 0; b < BLOCKS; b++) {
    const f0 = b * BLOCK_FRAMES, f1 = f0 + BLOCK_FRAMES + 1;
    const block = framesFromArrays({
      n: fr.n, dim: fr.dim, box: fr.box, types: fr.types, ids: fr.ids, source: `${fr.source} block ${b}`,
      positions: fr.positions.subarray(f0 * atomSize, f1 * atomSize), times: fr.times.subarray(f0, f1),
    });
    out.push(Array.from(msd(block, { types: [type] }, { lags: LAGS }).msd));
  }
  return out;
}

function meanVar(x: readonly number[]): { mean: number; variance: number } {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return { mean, variance: x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1) };
}

/** Our production: fresh velocities, DISCARD + PROD steps, frames from step DISCARD on. */
async function oursProduction(start: System, seed: number): Promise<{ frames: TrajectoryFrames; wasmCopies: number }> {
  const pot = getPotential('ka');
  const sys = cloneSystem(start);
  initVelocities(sys, T, seed);
  const provider = createForceProvider(pot, { skin: SKIN, kernels: 'wasm', threads: 1 });
  const nFrames = PROD / EVERY + 1;
  const positions = new Float64Array(nFrames * sys.n * 3);
  let f = 0;
  await runMd(sys, provider, {
    integrator: nvt({ Tstart: T, Tdamp: TDAMP }), dt: DT, steps: DISCARD + PROD, units: pot.units,
    observers: [dumpObserver(EVERY, (fr) => {
      if (fr.step >= DISCARD) positions.set(unwrappedPositions(fr.system), (f++) * sys.n * 3);
    })],
  });
  expect(f).toBe(nFrames);
  const frames = framesFromArrays({
    n: sys.n, dim: 3, positions, times: Float64Array.from({ length: nFrames }, (_, k) => k * EVERY * DT),
    box: start.box, types: start.types, source: 'glasslab',
  });
  return { frames, wasmCopies: provider.wasmListCopies };
}

describe.skipIf(!haveLmp)('KA MSD(t) at T = 0.8 agrees with LAMMPS within the noise', () => {
  it('A and B, t = 0.1 ... 10 tau, 8 blocks of 12.5 tau per code', async () => {
    const wall0 = performance.now();
    const pot = getPotential('ka');
    const melt = cloneSystem(await kaGlass());
    initVelocities(melt, T, 21);
    const eq = await runMd(melt, createForceProvider(pot, { skin: SKIN }), { integrator: nvt({ Tstart: T, Tdamp: TDAMP }), dt: DT, steps: EQUILIBRATE });
    const s = eq.state.sys;
    const start = createSystem({ box: s.box, positions: s.positions, types: s.types, masses: s.masses });
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-lmp-msd-'));
    dirs.push(dir);
    await writeLammpsData(join(dir, 'start.data'), start);
    const tEq = performance.now();

    // LAMMPS in the background while our engine runs
    const lmp = runLammpsAsync(dir, [
      `units ${pot.units}`, 'atom_style atomic', 'boundary p p p', 'read_data start.data',
      KA_LMP,
      `neighbor ${SKIN} bin`, 'neigh_modify every 1 delay 0 check yes',
      `timestep ${DT}`,
      `velocity all create ${T} 4928459 dist gaussian mom yes`,
      `fix 1 all nvt temp ${T} ${T} ${TDAMP}`,
      'thermo 1000',
      `run ${DISCARD}`,
      `dump d all custom ${EVERY} prod.dump id type xu yu zu`,
      'dump_modify d format float %.10g sort id',
      `run ${PROD}`,
    ].join('\n'), { timeoutMs: 300_000 });
    const cpu0 = process.cpuUsage();
    const ours = await oursProduction(start, 1234);
    const cpuOurs = process.cpuUsage(cpu0);
    const tOurs = performance.now();
    const log = await lmp;
    const tLmp = performance.now();
    const ref = await loadFrames(join(dir, 'prod.dump'), { dt: DT });
    const tRead = performance.now();
    // the wasm force kernels ran (one list copy into their memory per rebuild)
    expect(ours.wasmCopies).toBeGreaterThan(0);

    const rows: string[] = [];
    const worst = { t: 0, what: '' };
    for (const type of SPECIES) {
      const a = blockMsd(ref, type), b = blockMsd(ours.frames, type);
      let prev = 0;
      LAGS.forEach((lag, l) => {
        const L = meanVar(a.map((r) => r[l])), O = meanVar(b.map((r) => r[l]));
        const pooled = (L.variance + O.variance) / 2;
        const tval = (L.mean - O.mean) / Math.sqrt((2 * pooled) / BLOCKS);
        const time = lag * EVERY * DT;
        const se = (v: number) => Math.sqrt(v / BLOCKS);
        rows.push(`type ${type} t ${time.toFixed(1).padStart(4)}: lammps ${L.mean.toPrecision(4)} +- ${se(L.variance).toPrecision(2)}, ` +
          `glasslab ${O.mean.toPrecision(4)} +- ${se(O.variance).toPrecision(2)}, diff ${(100 * (O.mean / L.mean - 1)).toFixed(2)}%, t ${tval.toFixed(2)}`);
        if (Math.abs(tval) > Math.abs(worst.t)) worst.t = tval, worst.what = rows.at(-1)!;
        // the lags span the regimes: MSD grows with t (LAMMPS's values)
        expect(L.mean).toBeGreaterThan(prev);
        prev = L.mean;
      });
    }
    if (process.env.GLASSLAB_VERBOSE) {
      console.log(rows.join('\n'));
      console.log(`equilibration ${((tEq - wall0) / 1000).toFixed(1)} s, ours ${((tOurs - tEq) / 1000).toFixed(1)} s, ` +
        `lammps done ${((tLmp - tEq) / 1000).toFixed(1)} s after start, dump read ${((tRead - tLmp) / 1000).toFixed(1)} s, ` +
        `total ${((performance.now() - wall0) / 1000).toFixed(1)} s; CPU: ours ${((cpuOurs.user + cpuOurs.system) / 1e6).toFixed(1)} s ` +
        `(process, while LAMMPS ran beside it), LAMMPS loop ${[...log.matchAll(/Loop time of ([\d.eE+-]+)/g)].reduce((a, m) => a + Number(m[1]), 0).toFixed(1)} s wall`);
    }
    expect(Math.abs(worst.t), `largest |t| ${worst.t.toFixed(2)} at ${worst.what}\n${rows.join('\n')}`).toBeLessThan(T_CRIT);
  }, 300_000);
});
