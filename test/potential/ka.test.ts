import { describe, expect, it } from 'vitest';
import { shiftForce, truncateAndShift } from '../../src/potential/cutoff.ts';
import { createKobAndersen } from '../../src/potential/ka.ts';
import { lennardJones, type LjPairTable } from '../../src/potential/lennard-jones.ts';
import type { RadialFunction } from '../../src/potential/radial.ts';
import { pairTableOf } from '../../src/potential/pair-table.ts';
import { fdCheck, grid } from './helpers.ts';

const PAIRS = [[1, 1], [1, 2], [2, 1], [2, 2]] as const;
const SIGMA: Record<string, number> = { '1,1': 1.0, '1,2': 0.8, '2,1': 0.8, '2,2': 0.88 };
const EPS: Record<string, number> = { '1,1': 1.0, '1,2': 1.5, '2,1': 1.5, '2,2': 0.5 };

/** literal LJ, written independently of the module */
const lj = (eps: number, sig: number, r: number) => 4 * eps * (Math.pow(sig / r, 12) - Math.pow(sig / r, 6));

describe('Lennard-Jones radial function', () => {
  it('has analytic derivatives that match finite differences', () => {
    const f = lennardJones(1.5, 0.8);
    const fails = fdCheck(f, grid(0.7, 3.0, 60), (x) => 1e-3 * x, 1e-7);
    expect(fails).toEqual([]);
  });

  it('has its minimum -eps at 2^(1/6) sigma and a zero at sigma', () => {
    const out = new Float64Array(4);
    lennardJones(1.5, 0.8)(2 ** (1 / 6) * 0.8, out);
    expect(out[0]).toBeCloseTo(-1.5, 14);
    expect(Math.abs(out[1])).toBeLessThan(1e-12);
    lennardJones(1.5, 0.8)(0.8, out);
    expect(Math.abs(out[0])).toBeLessThan(1e-14);
  });
});

describe('generic cutoff wrappers', () => {
  // a non-LJ radial function: Morse-like, to show the wrappers are generic
  const morse: RadialFunction = (r, out) => {
    const e = Math.exp(-2 * (r - 1));
    out[0] = e * e - 2 * e;
    out[1] = -4 * e * e + 4 * e;
    out[2] = 16 * e * e - 8 * e;
    out[3] = -64 * e * e + 16 * e;
  };
  const rc = 2.2;
  const bare = new Float64Array(4), out = new Float64Array(4);
  morse(rc, bare);
  const phiC = bare[0], dphiC = bare[1];

  it('truncate-and-shift: phi - phi(rc), same derivatives, zeros at and beyond rc', () => {
    const f = truncateAndShift(morse, rc);
    for (const r of [0.9, 1.3, 2.0]) {
      f(r, out); morse(r, bare);
      expect(out[0]).toBe(bare[0] - phiC);
      expect([out[1], out[2], out[3]]).toEqual([bare[1], bare[2], bare[3]]);
    }
    f(rc * (1 - 1e-12), out);
    expect(Math.abs(out[0])).toBeLessThan(1e-12);
    for (const r of [rc, rc + 1e-9, 5]) { f(r, out); expect([...out]).toEqual([0, 0, 0, 0]); }
  });

  it('shifted force: phi - phi(rc) - (r-rc) phi\'(rc); phi and phi\' vanish at rc', () => {
    const f = shiftForce(morse, rc);
    for (const r of [0.9, 1.3, 2.0]) {
      f(r, out); morse(r, bare);
      expect(out[0]).toBeCloseTo(bare[0] - phiC - (r - rc) * dphiC, 14);
      expect(out[1]).toBeCloseTo(bare[1] - dphiC, 14);
      expect([out[2], out[3]]).toEqual([bare[2], bare[3]]);
    }
    f(rc * (1 - 1e-10), out);
    expect(Math.abs(out[0])).toBeLessThan(1e-15);
    expect(Math.abs(out[1])).toBeLessThan(1e-9);
    expect(fdCheck(f, grid(0.9, 2.1, 30), (x) => 1e-3 * x, 1e-7)).toEqual([]);
  });
});

describe.each([['ka', 'shift'], ['ka-sf', 'shifted-force']] as const)('Kob-Andersen %s', (name, scheme) => {
  const pot = createKobAndersen(scheme);
  const out = new Float64Array(4);

  it('has the KA parameters, names and masses', () => {
    expect(pot.name).toBe(name);
    expect(pot.ntypes).toBe(2);
    expect(pot.units).toBe('lj');
    expect(pot.typeMasses).toEqual([0, 1, 1]);
    for (const [a, b] of PAIRS) expect(pot.cutoff(a, b)).toBeCloseTo(2.5 * SIGMA[`${a},${b}`], 15);
    expect(pot.maxCutoff).toBe(2.5);
  });

  it.each(PAIRS)('pair (%i,%i): derivatives match finite differences', (a, b) => {
    const sig = SIGMA[`${a},${b}`];
    const fails = fdCheck((r, o) => pot.radial(a, b, r, o), grid(0.75 * sig, 2.45 * sig, 50), (x) => 1e-3 * x, 1e-7);
    expect(fails).toEqual([]);
  });

  it.each(PAIRS)('pair (%i,%i): continuity at the cutoff and zeros beyond', (a, b) => {
    const rc = pot.cutoff(a, b);
    pot.radial(a, b, rc * (1 - 1e-12), out);
    expect(Math.abs(out[0])).toBeLessThan(1e-12);
    if (scheme === 'shifted-force') expect(Math.abs(out[1])).toBeLessThan(1e-10);
    else expect(Math.abs(out[1])).toBeGreaterThan(1e-3); // the known force jump of truncate-and-shift
    for (const r of [rc, rc * 1.01, 10]) { pot.radial(a, b, r, out); expect([...out]).toEqual([0, 0, 0, 0]); }
  });

  it.each(PAIRS)('pair (%i,%i): equals the literal formula', (a, b) => {
    const eps = EPS[`${a},${b}`], sig = SIGMA[`${a},${b}`], rc = 2.5 * sig;
    const dphiC = 4 * eps * (-12 * sig ** 12 / rc ** 13 + 6 * sig ** 6 / rc ** 7);
    for (const r of grid(0.8 * sig, 2.4 * sig, 17)) {
      pot.radial(a, b, r, out);
      const want = lj(eps, sig, r) - lj(eps, sig, rc) - (scheme === 'shifted-force' ? (r - rc) * dphiC : 0);
      expect(Math.abs(out[0] - want)).toBeLessThan(1e-12 * (1 + Math.abs(want)));
    }
  });

  it('phi_AA at the LJ minimum 2^(1/6) is -1 minus the cutoff value', () => {
    const rmin = 2 ** (1 / 6);
    pot.radial(1, 1, rmin, out);
    const shift = -lj(1, 1, 2.5); // +0.016316891136...
    expect(shift).toBeCloseTo(0.01631689113643, 12);
    if (scheme === 'shift') {
      expect(out[0]).toBeCloseTo(-1 + shift, 13);
      expect(Math.abs(out[1])).toBeLessThan(1e-12);
    } else {
      const dphiC = 4 * (-12 / 2.5 ** 13 + 6 / 2.5 ** 7);
      expect(out[0]).toBeCloseTo(-1 + shift - (rmin - 2.5) * dphiC, 13);
      expect(out[1]).toBeCloseTo(-dphiC, 13);
    }
  });

  it('pairTable reproduces radial() through its documented formula', () => {
    const t: LjPairTable = pot.pairTable();
    expect(pairTableOf(pot)).toEqual(t);
    expect(t.kind).toBe('lj');
    expect(t.scheme).toBe(scheme);
    expect(t.stride).toBe(3);
    for (const [a, b] of PAIRS) {
      const k = a * t.stride + b;
      expect(t.lj1[k]).toBeCloseTo(4 * EPS[`${a},${b}`] * SIGMA[`${a},${b}`] ** 12, 14);
      expect(t.lj2[k]).toBeCloseTo(4 * EPS[`${a},${b}`] * SIGMA[`${a},${b}`] ** 6, 14);
      for (const r of grid(0.8, 2.6, 40)) {
        const r2 = r * r;
        let e = 0, fOverR = 0;
        if (r2 < t.cutsq[k]) {
          const ir2 = 1 / r2, ir6 = ir2 * ir2 * ir2;
          e = ir6 * (t.lj1[k] * ir6 - t.lj2[k]) - t.eshift[k] - t.fshift[k] * (r - t.rc[k]);
          fOverR = ir2 * ir6 * (12 * t.lj1[k] * ir6 - 6 * t.lj2[k]) + t.fshift[k] / r;
        }
        pot.radial(a, b, r, out);
        expect(Math.abs(e - out[0])).toBeLessThan(1e-12 * (1 + Math.abs(out[0])));
        expect(Math.abs(fOverR - -out[1] / r)).toBeLessThan(1e-11 * (1 + Math.abs(out[1])));
      }
    }
    // a copy: mutating it does not change the potential
    t.lj1.fill(0);
    expect(pot.pairTable().lj1[4]).toBeGreaterThan(0);
  });

  it('rejects atom types it does not define, naming them', () => {
    expect(() => pot.radial(1, 3, 1.0, out)).toThrow(/types 1\.\.2.*\(1, 3\)/);
    expect(() => pot.cutoff(0, 1)).toThrow(/\(0, 1\)/);
  });
});
