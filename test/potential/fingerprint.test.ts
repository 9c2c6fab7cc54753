import { describe, expect, it } from 'vitest';
import { potentialFingerprint } from '../../src/potential/fingerprint.ts';
import { createIpl } from '../../src/potential/ipl.ts';
import { getPotential } from '../../src/potential/registry.ts';

describe('potentialFingerprint', () => {
  it('is stable for a model and differs between models and parameter sets', () => {
    const ka = potentialFingerprint(getPotential('ka'));
    expect(ka).toMatch(/^[0-9a-f]{16}$/);
    expect(potentialFingerprint(getPotential('ka'))).toBe(ka);
    const all = ['ka', 'ka-sf', 'ipl2d', 'ipl3d'].map((n) => potentialFingerprint(getPotential(n)));
    expect(new Set(all).size).toBe(4);
    expect(potentialFingerprint(createIpl({ dim: 3 }))).toBe(potentialFingerprint(createIpl({ dim: 3 })));
    expect(potentialFingerprint(createIpl({ dim: 3, n: 12 }))).not.toBe(potentialFingerprint(createIpl({ dim: 3 })));
  });
});
