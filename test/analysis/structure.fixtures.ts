/**
 * Shared inputs of the structure / caging-potential / local-softness tests:
 * a small Kob-Andersen liquid (N = 250, rho = 1.2) from a short NVT run, and
 * a literal O(N^2) pair loop.
 */
import { createForceProvider } from '../../src/core/force-provider.ts';
import { nvt } from '../../src/md/nose-hoover-integrator.ts';
import { runMd } from '../../src/md/run.ts';
import { getPotential } from '../../src/potential/registry.ts';
import type { PairPotential } from '../../src/potential/types.ts';
import { cloneSystem, type System } from '../../src/system/system.ts';
import { kaStart } from '../md/fixtures.ts';

export const KA = getPotential('ka') as PairPotential;

/**
 * `frames` snapshots of a KA liquid at temperature T, `every` steps apart
 * after `equil` steps from the jiggled bcc start (dt 0.005, Nose-Hoover).
 */
export async function kaLiquidFrames(T: number, frames: number, opts: { equil?: number; every?: number; seed?: number } = {}): Promise<System[]> {
  const sys = kaStart(T * 2, opts.seed ?? 5);
  const provider = createForceProvider(KA, { skin: 0.3 });
  let run = await runMd(sys, provider, { integrator: nvt({ Tstart: T, Tdamp: 0.5 }), dt: 0.005, steps: opts.equil ?? 1500 });
  const out: System[] = [];
  for (let f = 0; f < frames; f++) {
    run = await runMd(run.state, provider, { integrator: nvt({ Tstart: T, Tdamp: 0.5 }), dt: 0.005, steps: opts.every ?? 100, newRun: true });
    out.push(cloneSystem(run.state.sys));
  }
  return out;
}

/**
 * Literal minimum-image distance |r_i - r_j|: the shortest over the 27 (9 in
 * 2D) periodic images around the fractional-rounded one (correct in any
 * triclinic cell).
 */
export function literalDistance(sys: System, i: number, j: number): number {
  const b = sys.box, d = sys.dim;
  const a = [[b.lengths[0], 0, 0], [b.xy, b.lengths[1], 0], [b.xz, b.yz, d === 3 ? b.lengths[2] : 0]];
  const dx = [0, 1, 2].map((k) => (k < d ? sys.positions[i * d + k] - sys.positions[j * d + k] : 0));
  let best = Infinity;
  const R = 2;
  for (let n0 = -R; n0 <= R; n0++) for (let n1 = -R; n1 <= R; n1++) for (let n2 = d === 3 ? -R : 0; n2 <= (d === 3 ? R : 0); n2++) {
    let r2 = 0;
    for (let k = 0; k < 3; k++) { const c = dx[k] + n0 * a[0][k] + n1 * a[1][k] + n2 * a[2][k]; r2 += c * c; }
    if (r2 < best) best = r2;
  }
  return Math.sqrt(best);
}
