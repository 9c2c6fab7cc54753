import { describe, expect, it } from 'vitest';
import { ARTN_DEFAULTS, type ArtnEvent, type ArtnOutcome } from '../../src/protocols/artn.ts';
import { makeArtnCampaignResult, type ArtnCampaignData } from '../../src/protocols/artn-campaign.ts';

/** A campaign's data with `perAtom` events on each of `atoms` atoms, barrier b(atom, attempt). */
function campaignData(atoms: number, perAtom: number, outcome: ArtnOutcome, b: (atom: number, attempt: number) => number): ArtnCampaignData {
  const events: (ArtnEvent & { attempt: number })[] = [];
  for (let atom = 0; atom < atoms; atom++) {
    for (let attempt = 0; attempt < perAtom; attempt++) {
      const barrier = b(atom, attempt);
      events.push({
        atom, id: atom + 1, attempt, outcome, initialEnergy: -1, saddleEnergy: -1 + barrier, finalEnergy: -1, barrier,
        saddleEigenvalue: -1, saddleForce: 0.01, saddleDisplacement: 0.5, finalDisplacement: 1, movedAtoms: 3,
        basinSteps: 4, saddleSteps: 5, lanczosRuns: 6, lanczosProducts: 60, curvatureRetries: 0, forceCalls: 100, saddleForceCalls: 80,
      });
    }
  }
  return {
    n: atoms, initialEnergy: -1, params: { ...ARTN_DEFAULTS }, eventsPerAtom: perAtom, seed: 1, duplicateTol: 1e-3,
    atoms: Array.from({ length: atoms }, (_, i) => i), ids: Array.from({ length: atoms }, (_, i) => i + 1), types: new Array(atoms).fill(1),
    events, aborted: false, seconds: 1,
  };
}

describe('ARTn campaign summary', () => {
  it('says there is no Delta-Q when no search was accepted (no Infinity, no NaN)', () => {
    const s = makeArtnCampaignResult(campaignData(4, 2, 'curvature', () => 0)).summary();
    expect(s).toMatch(/no accepted event, so no Delta-Q yet; 0 of 4 atoms have a barrier/);
    expect(s).not.toMatch(/Infinity|NaN/);
  });

  it('summarises a paper-sized campaign (20,000 atoms x 10 events) without exceeding the argument limit', () => {
    const r = makeArtnCampaignResult(campaignData(20_000, 10, 'accepted', (atom, attempt) => 0.1 + 1e-5 * atom + 1e-3 * attempt));
    const s = r.summary();
    expect(s).toMatch(/Delta-Q over 200000 accepted events: mean [\d.]+, min 0\.1000, max 0\.3090; 20000 of 20000 atoms have a barrier/);
    expect(r.barriers.count[123]).toBe(10);
    expect(JSON.stringify(r.figure!())).toMatch(/ARTn barrier spectrum/); // the spectrum's range is found by a loop too
  });
});
