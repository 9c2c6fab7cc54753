/**
 * Issue [10], "What it must show": Delta-Q changes by less than a few meV
 * when the saddle force threshold is tightened 5x, on a small CuZr
 * inherent structure. The same seeds give the same searches up to the
 * looser threshold; the tighter ones go on converging on the same saddles.
 *
 * Measured (2026-12-06, atom 0, attempt 0, max-atom force): Delta-Q =
 * 0.32358 eV at Wei et al.'s 0.05 eV/A (the search stops at max |F_i| =
 * 0.017), 0.31638 at 0.01, 0.31444 at 0.002; with the 3N norm, 0.31924 at
 * 0.05 and 0.31449 at 0.01; atom 1, attempt 1: 0.02869, 0.02070, 0.02007
 * (max-atom 0.05, 0.01, 0.002). So 0.01 -> 0.002 moves Delta-Q by 2 meV
 * and less, but Wei's 0.05 -> 0.01 by 7-8 meV: the energy keeps falling as
 * the perpendicular directions (soft in a glass) relax, and a largest-
 * atomic-force test at 0.05 eV/A leaves 2% of a 0.32 eV barrier and 40% of
 * a 0.02 eV one. The test holds both bounds.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { getPotential } from '../../src/potential/index.ts';
import { artnCampaign } from '../../src/protocols/artn-campaign.ts';
import { artnEvent, eventSeed } from '../../src/protocols/artn.ts';
import { CUZR_FILE, cuzrConfiguration } from './artn-fixtures.ts';

describe.skipIf(!existsSync(CUZR_FILE))('ARTn Delta-Q against the force threshold (CuZr N = 320)', () => {
  it('tightening forceThSaddle 5x from 0.01 eV/A moves each accepted barrier by less than 3 meV; from Wei\'s 0.05 eV/A, by less than 10 meV', async () => {
    const pot = getPotential('cuzr');
    const provider = createForceProvider(pot, { threads: 1 });
    const is = cuzrConfiguration(320, 4, 5000, 1e-4);
    const opts = { atoms: [0, 1], eventsPerAtom: 2, seed: 1 };
    const paper = await artnCampaign(is, provider, opts);
    const accepted = paper.events.filter((e) => e.outcome === 'accepted');
    expect(accepted.length).toBeGreaterThanOrEqual(2);
    for (const e of accepted) {
      const again = (forceThSaddle: number) => artnEvent(is, provider, e.atom, { seed: eventSeed(opts.seed, e.atom, e.attempt), initialEnergy: paper.initialEnergy, forceThSaddle });
      const t1 = await again(0.01), t2 = await again(0.002);
      console.log(`atom ${e.atom} attempt ${e.attempt}: Delta-Q ${e.barrier.toFixed(5)} eV at 0.05 eV/A (max |F_i| ${e.saddleForce.toFixed(3)}), ` +
        `${t1.barrier.toFixed(5)} at 0.01 (${t1.saddleForce.toFixed(4)}), ${t2.barrier.toFixed(5)} at 0.002 (${t2.saddleForce.toFixed(4)}); ` +
        `calls to the saddle ${e.saddleForceCalls}, ${t1.saddleForceCalls}, ${t2.saddleForceCalls}`);
      for (const t of [t1, t2]) expect(t.outcome).toBe('accepted');
      expect(t2.saddleForce).toBeLessThan(0.002);
      expect(Math.abs(t2.barrier - t1.barrier)).toBeLessThan(3e-3);
      expect(Math.abs(t1.barrier - e.barrier)).toBeLessThan(1e-2);
    }
  }, 600_000);
});
