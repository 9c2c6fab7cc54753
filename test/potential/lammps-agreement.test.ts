/**
 * Energies of dimers and small clusters against LAMMPS itself (`lmp`,
 * non-periodic box, `run 0`), to 1e-10 relative. Our side is a literal O(N^2)
 * sum over the potential's public API:
 *   pair:  E = sum_{i<j} phi(r_ij)
 *   EAM:   E = sum_i F_{t_i}( sum_{j != i} rho_{t_j -> t_i}(r_ij) ) + sum_{i<j} phi(r_ij)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EamFsPotential, loadEam, parseFsFile } from '../../src/potential/eam-fs.ts';
import { createKobAndersen } from '../../src/potential/ka.ts';
import { getPotential } from '../../src/potential/registry.ts';
import type { EamPotential, PairPotential } from '../../src/potential/types.ts';
import { dimer, lammpsEnergies, lammpsOrSkip, syntheticFsText, type LmpConfig, type LmpSetup } from './helpers.ts';

const RTOL = 1e-10;
const out = new Float64Array(4);
const haveLmp = lammpsOrSkip('potential energies vs LAMMPS');

function dist(c: LmpConfig, i: number, j: number): number {
  const p = c.positions;
  return Math.hypot(p[3 * i] - p[3 * j], p[3 * i + 1] - p[3 * j + 1], p[3 * i + 2] - p[3 * j + 2]);
}

function pairEnergy(pot: PairPotential, c: LmpConfig): number {
  let e = 0;
  for (let i = 0; i < c.types.length; i++) {
    for (let j = i + 1; j < c.types.length; j++) { pot.radial(c.types[i], c.types[j], dist(c, i, j), out); e += out[0]; }
  }
  return e;
}

function eamEnergy(pot: EamPotential, c: LmpConfig): number {
  const n = c.types.length;
  let e = 0;
  for (let i = 0; i < n; i++) {
    let rho = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      pot.density(c.types[i], c.types[j], dist(c, i, j), out);
      rho += out[0];
      if (j > i) { pot.pair(c.types[i], c.types[j], dist(c, i, j), out); e += out[0]; }
    }
    pot.embed(c.types[i], rho, out);
    e += out[0];
  }
  return e;
}

/** a random cluster of n atoms in a cube of edge L with minimum separation dmin (deterministic LCG) */
function cluster(n: number, ntypes: number, L: number, dmin: number, seed: number): LmpConfig {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const c: LmpConfig = { types: [], positions: [] };
  while (c.types.length < n) {
    const p = [rnd() * L - L / 2, rnd() * L - L / 2, rnd() * L - L / 2];
    const k = c.types.length;
    c.positions.push(...p);
    c.types.push(1 + Math.floor(rnd() * ntypes));
    let ok = true;
    for (let j = 0; j < k && ok; j++) if (dist(c, j, k) < dmin) ok = false;
    if (!ok) { c.positions.length -= 3; c.types.pop(); }
  }
  return c;
}

function expectAgreement(ours: number[], lmp: number[], configs: LmpConfig[]): void {
  const bad = ours
    .map((e, k) => ({ k, ours: e, lmp: lmp[k], rel: Math.abs(e - lmp[k]) / Math.max(Math.abs(lmp[k]), 1e-300) }))
    .filter((d) => !(Math.abs(d.ours - d.lmp) <= RTOL * Math.abs(d.lmp) + 1e-15))
    .map((d) => ({ ...d, types: configs[d.k].types.join('-'), r: configs[d.k].types.length === 2 ? dist(configs[d.k], 0, 1) : undefined }));
  expect(bad).toEqual([]);
}

const KA_PAIR_COEFFS = ['pair_coeff 1 1 1.0 1.0 2.5', 'pair_coeff 1 2 1.5 0.8 2.0', 'pair_coeff 2 2 0.5 0.88 2.2', 'mass * 1.0'];
const KA_SETUPS: Record<'ka' | 'ka-sf', LmpSetup> = {
  ka: { units: 'lj', ntypes: 2, halfBox: 20, pairLines: ['pair_style lj/cut 2.5', ...KA_PAIR_COEFFS, 'pair_modify shift yes'] },
  // lj/smooth/linear: the per-pair cutoff in pair_coeff is an absolute distance,
  // and energy and force are shifted there (no inner cutoff, unlike lj/smooth)
  'ka-sf': { units: 'lj', ntypes: 2, halfBox: 20, pairLines: ['pair_style lj/smooth/linear 2.5', ...KA_PAIR_COEFFS] },
};

describe.runIf(haveLmp)('agreement with LAMMPS', () => {
  describe.each(['ka', 'ka-sf'] as const)('%s', (name) => {
    const pot = createKobAndersen(name === 'ka' ? 'shift' : 'shifted-force');

    it('dimers AA, AB, BB at distances across the well and the cutoff', () => {
      const configs: LmpConfig[] = [];
      for (const [a, b] of [[1, 1], [1, 2], [2, 1], [2, 2]]) {
        const sig = a === b ? (a === 1 ? 1 : 0.88) : 0.8;
        for (let k = 0; k <= 24; k++) configs.push(dimer(a, b, sig * (0.85 + 0.075 * k))); // up to 2.65 sigma
        configs.push(dimer(a, b, sig * 2.5 * (1 - 1e-7)));
      }
      const lmp = lammpsEnergies(KA_SETUPS[name], configs);
      expectAgreement(configs.map((c) => pairEnergy(pot, c)), lmp, configs);
      expect(lmp.filter((e) => e === 0).length).toBe(4 * 3); // the three points beyond 2.5 sigma for each ordered pair
    });

    it('a 40-atom cluster', () => {
      const configs = [cluster(40, 2, 4.0, 0.85, 7), cluster(40, 2, 4.0, 0.85, 11)];
      expectAgreement(configs.map((c) => pairEnergy(pot, c)), lammpsEnergies(KA_SETUPS[name], configs), configs);
    });
  });

  describe('cuzr (CuZr_mm.eam.fs)', () => {
    const pot = getPotential('cuzr') as EamPotential;
    const setup: LmpSetup = {
      units: 'metal', ntypes: 2, halfBox: 30,
      pairLines: ['pair_style eam/fs', 'pair_coeff * * /usr/share/lammps/potentials/CuZr_mm.eam.fs Cu Zr'],
    };

    it('Cu-Cu, Cu-Zr, Zr-Zr dimers from 0.5 A to beyond the cutoff', () => {
      const rs = [0.5, 1.0, 1.7, 2.2, 2.5, 2.55, 2.7, 3.1, 3.333, 4.0, 4.5, 5.25, 6.0, 7.0, 7.5, 7.599, 7.5995, 7.59999, 7.6, 8.0];
      const configs = [[1, 1], [1, 2], [2, 1], [2, 2]].flatMap(([a, b]) => rs.map((r) => dimer(a, b, r)));
      expectAgreement(configs.map((c) => eamEnergy(pot, c)), lammpsEnergies(setup, configs), configs);
    });

    it('a 30-atom Cu-Zr cluster, and a compressed one with rho > rhomax', () => {
      const configs = [cluster(30, 2, 7.0, 2.2, 3)];
      // 14 Zr around a Zr at 1.0 A: rho ~ 14 x 48 > rhomax ~ 300 (extrapolated embedding)
      const dense: LmpConfig = { types: [2], positions: [0, 0, 0] };
      const dirs = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1],
        ...[-1, 1].flatMap((x) => [-1, 1].flatMap((y) => [-1, 1].map((z) => [x, y, z].map((v) => v / Math.sqrt(3)))))];
      for (const d of dirs) { dense.types.push(2); dense.positions.push(...d); }
      let rho = 0;
      for (let j = 1; j < 15; j++) { pot.density(2, 2, dist(dense, 0, j), out); rho += out[0]; }
      expect(rho).toBeGreaterThan(300); // the table ends at rhomax = 299.97
      const lmpDense = lammpsEnergies(setup, [dense]);
      expectAgreement([eamEnergy(pot, dense)], lmpDense, [dense]);
      expectAgreement(configs.map((c) => eamEnergy(pot, c)), lammpsEnergies(setup, configs), configs);
    });
  });

  describe('synthetic Finnis-Sinclair file (all density blocks differ)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-fs-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'AB.eam.fs');
    writeFileSync(file, syntheticFsText());
    const pot = new EamFsPotential(parseFsFile(file));
    const setup: LmpSetup = { units: 'metal', ntypes: 2, halfBox: 20, pairLines: ['pair_style eam/fs', `pair_coeff * * ${file} A B`] };

    it('dimers of every ordered type pair, including rho > rhomax at short range', () => {
      const rs = [0.3, 0.6, 0.79, 1.0, 1.5, 2.0, 2.8, 3.7, 4.9, 5.5, 5.9985, 5.99999, 6.2];
      const configs = [[1, 1], [1, 2], [2, 1], [2, 2]].flatMap(([a, b]) => rs.map((r) => dimer(a, b, r)));
      pot.density(2, 1, 0.3, out);
      expect(out[0]).toBeGreaterThan(9.98);
      expectAgreement(configs.map((c) => eamEnergy(pot, c)), lammpsEnergies(setup, configs), configs);
    });

    it('a 25-atom cluster', () => {
      const configs = [cluster(25, 2, 5.0, 0.9, 5)];
      expectAgreement(configs.map((c) => eamEnergy(pot, c)), lammpsEnergies(setup, configs), configs);
    });
  });

  describe('synthetic eam/alloy file (one density per element), read by loadEam', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glasslab-alloy-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'AB.eam.alloy');
    writeFileSync(file, syntheticFsText('alloy'));
    const pot = loadEam(file);
    const setup: LmpSetup = { units: 'metal', ntypes: 2, halfBox: 20, pairLines: ['pair_style eam/alloy', `pair_coeff * * ${file} A B`] };

    it('is read as eam/alloy', () => {
      expect([pot.name, pot.file.format]).toEqual(['eam/alloy', 'alloy']);
    });

    it('dimers of every ordered type pair, and a 25-atom cluster', () => {
      const rs = [0.3, 0.6, 1.0, 1.5, 2.0, 2.8, 3.7, 4.9, 5.9985, 6.2];
      const configs = [[1, 1], [1, 2], [2, 1], [2, 2]].flatMap(([a, b]) => rs.map((r) => dimer(a, b, r)));
      expectAgreement(configs.map((c) => eamEnergy(pot, c)), lammpsEnergies(setup, configs), configs);
      const cl = [cluster(25, 2, 5.0, 0.9, 5)];
      expectAgreement(cl.map((c) => eamEnergy(pot, c)), lammpsEnergies(setup, cl), cl);
    });

    it('types mapped to elements in another order (pair_coeff * * FILE B A B)', () => {
      const swapped = loadEam(file, { typeElements: ['B', 'A', 'B'] });
      const swSetup: LmpSetup = { ...setup, ntypes: 3, pairLines: ['pair_style eam/alloy', `pair_coeff * * ${file} B A B`] };
      const configs = [cluster(25, 3, 5.0, 0.9, 9)];
      expectAgreement(configs.map((c) => eamEnergy(swapped, c)), lammpsEnergies(swSetup, configs), configs);
    });
  });
});
