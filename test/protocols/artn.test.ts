import { describe, expect, it } from 'vitest';
import { artnEvent, ARTN_OUTCOMES, type ArtnEvent } from '../../src/protocols/artn.ts';
import { muellerBrown, muellerBrownForces, muellerBrownSystem, stationaryPoint } from './artn-fixtures.ts';

/** ARTn parameters for the Mueller-Brown surface (lengths ~1, curvatures ~10^3). */
const MB = {
  clusterRadius: 0, initStepSize: 0.01, incrementSize: 0.02, eigenThWell: -1, forceThSaddle: 1e-7, forceNorm: 'norm' as const,
  minNumKsteps: 0, minEigenStep: 1, maxParallelStep: 0.05, perpStepInit: 1e-3, maxPerpMove: 0.02, pushOverSaddle: 0.05,
  minimizeFtol: 1e-6, sameTol: 0.02, lanczosTol: 1e-10,
};

describe('ARTn on the Mueller-Brown surface', () => {
  const minima = [stationaryPoint(-0.558, 1.442), stationaryPoint(0.623, 0.028), stationaryPoint(-0.05, 0.467)];
  const saddles = [stationaryPoint(-0.822, 0.624), stationaryPoint(0.212, 0.293)];

  it('the exact stationary points: three minima, two first-order saddles (literature values)', () => {
    for (const m of minima) expect(m.eigen[0]).toBeGreaterThan(0);
    for (const s of saddles) { expect(s.eigen[0]).toBeLessThan(0); expect(s.eigen[1]).toBeGreaterThan(0); }
    expect(minima[0].e).toBeCloseTo(-146.70, 1);
    expect(saddles[0].e).toBeCloseTo(-40.66, 1);
    expect(saddles[1].e).toBeCloseTo(-72.25, 1);
  });

  it('from each minimum, every accepted event is one of the two saddles (position and energy to 1e-6) and ends in a neighbouring minimum', () => {
    const found = new Set<number>();
    const counts = new Map<string, number>();
    for (const [mi, m] of minima.entries()) {
      for (let seed = 1; seed <= 12; seed++) {
        const ev: ArtnEvent = artnEvent(muellerBrownSystem(m.x, m.y), muellerBrownForces, 0, { ...MB, seed, keepConfigurations: true });
        counts.set(ev.outcome, (counts.get(ev.outcome) ?? 0) + 1);
        if (ev.outcome !== 'accepted') continue;
        const [sx, sy] = ev.saddle!;
        const k = saddles.findIndex((s) => Math.hypot(s.x - sx, s.y - sy) < 1e-6);
        expect(k, `event from minimum ${mi} seed ${seed}: saddle (${sx}, ${sy})`).toBeGreaterThanOrEqual(0);
        found.add(k);
        expect(Math.abs(ev.saddleEnergy - saddles[k].e)).toBeLessThan(1e-6);
        expect(ev.barrier).toBeCloseTo(saddles[k].e - m.e, 6);
        expect(ev.saddleEigenvalue).toBeCloseTo(saddles[k].eigen[0], 2);
        const [fx, fy] = ev.final!;
        const j = minima.findIndex((q) => Math.hypot(q.x - fx, q.y - fy) < 1e-3);
        expect(j).toBeGreaterThanOrEqual(0);
        expect(j).not.toBe(mi);
        expect(ev.finalEnergy).toBeCloseTo(minima[j].e, 6);
        expect(muellerBrown(sx, sy).e).toBe(ev.saddleEnergy);
        expect(ev.forceCalls).toBeGreaterThan(0);
      }
    }
    console.log('Mueller-Brown outcomes', Object.fromEntries(counts));
    expect(found.size).toBe(2);
    for (const k of counts.keys()) expect(ARTN_OUTCOMES).toContain(k);
  });
});
