import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { getPotential } from '../../src/potential/index.ts';
import { artnCampaign } from '../../src/protocols/artn-campaign.ts';
import { liveArtnWorkers } from '../../src/protocols/artn-pool.ts';
import { CUZR_FILE, cuzrConfiguration, muellerBrownForces, muellerBrownSystem } from './artn-fixtures.ts';

const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

describe.skipIf(!existsSync(CUZR_FILE))('ARTn campaigns on worker threads (CuZr N = 320, Wei et al.\'s parameters)', () => {
  const pot = getPotential('cuzr');
  const is = cuzrConfiguration(320, 4, 5000, 1e-4);
  const opts = { atoms: [0, 1, 2], eventsPerAtom: 2, seed: 1 };
  let one: Awaited<ReturnType<typeof artnCampaign>> | undefined;
  const seq1: string[] = [];

  it('2 workers give the events, barriers and onEvent sequence of one thread for the same seed', async () => {
    const seq2: string[] = [];
    one = await artnCampaign(is, createForceProvider(pot, { threads: 1 }), { ...opts, onEvent: (e) => { seq1.push(`${e.atom}:${e.attempt}:${e.outcome}`); } });
    const progress: number[] = [];
    const two = await artnCampaign(is, createForceProvider(pot, { threads: 1 }), {
      ...opts, workers: 2, onEvent: (e) => { seq2.push(`${e.atom}:${e.attempt}:${e.outcome}`); }, onProgress: (p) => progress.push(p.etaSeconds),
    });
    console.log(`one thread ${one.seconds.toFixed(1)} s, two workers ${two.seconds.toFixed(1)} s; ${one.summary()}`);
    expect(liveArtnWorkers()).toBe(0);
    expect(seq2).toEqual(seq1);
    expect(plain(two.events)).toEqual(plain(one.events));
    expect(plain(two.barriersTable())).toEqual(plain(one.barriersTable()));
    expect(two.outcomes).toEqual(one.outcomes);
    expect(progress).toHaveLength(6);
    expect(progress.at(-1)).toBe(0);
    expect(progress.slice(0, -1).every((s) => s > 0)).toBe(true);
  }, 300_000);

  it('an AbortSignal terminates every worker and keeps the finished events (those of the one-thread run)', async () => {
    one ??= await artnCampaign(is, createForceProvider(pot, { threads: 1 }), opts);
    const stop = new AbortController();
    const r = await artnCampaign(is, createForceProvider(pot, { threads: 1 }), { ...opts, workers: 2, signal: stop.signal, onEvent: () => stop.abort() });
    expect(r.aborted).toBe(true);
    expect(liveArtnWorkers()).toBe(0);
    expect(r.events.length).toBeGreaterThanOrEqual(1);
    expect(r.events.length).toBeLessThan(6);
    for (const ev of r.events) expect(plain(ev)).toEqual(plain(one!.events.find((e) => e.atom === ev.atom && e.attempt === ev.attempt)));
    // stopped while the workers start: none is left either
    const early = new AbortController();
    const p = artnCampaign(is, createForceProvider(pot, { threads: 1 }), { ...opts, workers: 2, signal: early.signal });
    setTimeout(() => early.abort(), 200);
    const e = await p;
    expect(e.aborted).toBe(true);
    expect(e.events).toHaveLength(0);
    expect(liveArtnWorkers()).toBe(0);
  }, 300_000);
});

describe('ARTn workers: input checks', () => {
  it('a provider that is not createForceProvider\'s cannot be rebuilt in a worker: a one-line error naming the option', async () => {
    await expect(artnCampaign(muellerBrownSystem(-0.05, 0.467), muellerBrownForces, { eventsPerAtom: 2, workers: 2, minimizeFtol: 1e-6 }))
      .rejects.toThrow(/option workers > 1 needs an f64 force provider from createForceProvider/);
    await expect(artnCampaign(muellerBrownSystem(-0.05, 0.467), muellerBrownForces, { eventsPerAtom: 2, workers: 0, minimizeFtol: 1e-6 }))
      .rejects.toThrow(/option workers must be a positive integer/);
  });
});
