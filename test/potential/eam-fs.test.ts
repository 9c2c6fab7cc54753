import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EamFsPotential, loadEamFs, parseFsFile } from '../../src/potential/eam-fs.ts';
import { findPotentialFile } from '../../src/potential/potential-file.ts';
import { fdCheck, syntheticFsText } from './helpers.ts';

const CUZR = findPotentialFile('CuZr_mm.eam.fs');
const cuzr = loadEamFs(CUZR, { name: 'cuzr' });
const synth = new EamFsPotential(parseFsFile('synthetic.eam.fs', syntheticFsText()));
const TYPE_PAIRS = [[1, 1], [1, 2], [2, 1], [2, 2]] as const;
const out = new Float64Array(4);

describe('setfl reader', () => {
  it('reads CuZr_mm.eam.fs: elements, grid, masses', () => {
    const f = cuzr.file;
    expect(f.elements).toEqual(['Cu', 'Zr']);
    expect(f.atomicNumbers).toEqual([29, 40]);
    expect([f.nrho, f.drho, f.nr, f.dr, f.cutoff]).toEqual([10000, 0.03, 10000, 7.6e-4, 7.6]);
    expect(cuzr.typeMasses).toEqual([0, 63.546, 91.224]);
    expect(cuzr.elements).toEqual(['', 'Cu', 'Zr']);
    expect(cuzr.units).toBe('metal');
    expect(cuzr.maxCutoff).toBe(7.6);
    expect(cuzr.cutoff(1, 2)).toBe(7.6);
    // first values of F_Cu as printed in the file
    expect(f.frho[0][0]).toBe(0);
    expect(f.frho[0][1]).toBe(-1.732050808e-1);
  });

  it('maps types to elements by name', () => {
    const swapped = new EamFsPotential(cuzr.file, { typeElements: ['Zr', 'Cu'] });
    expect(swapped.typeMasses).toEqual([0, 91.224, 63.546]);
    const a = new Float64Array(4), b = new Float64Array(4);
    swapped.density(1, 2, 3.1, a);
    cuzr.density(2, 1, 3.1, b);
    expect([...a]).toEqual([...b]);
    expect(() => new EamFsPotential(cuzr.file, { typeElements: ['Cu', 'Ni'] })).toThrow(/'Ni' \(type 2\) is not in the file; it has Cu, Zr/);
  });

  const good = syntheticFsText().split('\n');
  it.each([
    ['a truncated file', good.slice(0, 300).join('\n'), /synthetic\.eam\.fs:300: unexpected end of file: F\(rho\) of B|synthetic\.eam\.fs:\d+: unexpected end of file/],
    ['a bad number', good.map((l, i) => (i === 10 ? l.replace(/^\S+/, '1.0.0') : l)).join('\n'), /synthetic\.eam\.fs:11: '1\.0\.0' is not a number \(F\(rho\) of A/],
    ['a wrong element count', good.map((l, i) => (i === 3 ? '3 A B' : l)).join('\n'), /synthetic\.eam\.fs:4: element line declares 3 elements but names 2/],
    ['a short grid line', good.map((l, i) => (i === 4 ? '500 0.02 2000' : l)).join('\n'), /synthetic\.eam\.fs:5: expected at least 5 values/],
    ['a zero mass', good.map((l, i) => (i === 5 ? '1 0 3.5 fcc' : l)).join('\n'), /synthetic\.eam\.fs:6: mass of A must be positive/],
  ])('reports %s with file name and line', (_what, text, re) => {
    expect(() => parseFsFile('synthetic.eam.fs', text)).toThrow(re);
  });
});

describe.each([['CuZr_mm', cuzr], ['synthetic', synth]] as const)('EAM interpolation (%s)', (_label, pot) => {
  const f = pot.file;

  it('reproduces the tabulated grid values', () => {
    const ms = [1, 2, 3, 17, 100, 1234, Math.floor(f.nr / 2), f.nr - 3, f.nr - 2];
    for (const [a, b] of TYPE_PAIRS) {
      const ia = a - 1, ib = b - 1;
      const rscale = Math.max(...f.rhor[ib][ia].map(Math.abs));
      for (const m of ms.filter((k) => k >= 1)) {
        const r = m * f.dr;
        pot.density(a, b, r, out);
        expect(Math.abs(out[0] - f.rhor[ib][ia][m])).toBeLessThan(1e-12 * rscale);
        pot.pair(a, b, r, out);
        const z = f.z2r[ia][ib][m];
        expect(Math.abs(out[0] * r - z)).toBeLessThan(1e-12 * Math.max(...f.z2r[ia][ib].map(Math.abs)));
      }
    }
    for (const t of [1, 2]) {
      const fscale = Math.max(...f.frho[t - 1].map(Math.abs));
      for (const m of [0, 1, 2, 50, Math.floor(f.nrho / 2), f.nrho - 2, f.nrho - 1]) {
        pot.embed(t, m * f.drho, out);
        expect(Math.abs(out[0] - f.frho[t - 1][m])).toBeLessThan(1e-12 * fscale);
      }
    }
  });

  // points in the middle of grid intervals; the 5-point stencil spans +-delta/10,
  // so it stays inside one cubic piece (f'' and f''' jump at grid points)
  const mid = (delta: number, ms: number[]) => ms.map((m) => (m + 0.5) * delta);
  const rMs = [Math.floor(1.2 / f.dr), Math.floor(2.0 / f.dr), Math.floor(2.7 / f.dr), Math.floor(3.5 / f.dr), Math.floor(5.0 / f.dr), f.nr - 10];
  const rs = mid(f.dr, rMs);

  it.each(TYPE_PAIRS)('pair (%i,%i): phi\', phi\'\', phi\'\'\' match finite differences', (a, b) => {
    expect(fdCheck((r, o) => pot.pair(a, b, r, o), rs, () => f.dr / 20, 1e-7, [1e-12, 1e-9, 1e-6])).toEqual([]);
  });

  it.each(TYPE_PAIRS)('density (%i<-%i): derivatives match finite differences', (a, b) => {
    expect(fdCheck((r, o) => pot.density(a, b, r, o), rs, () => f.dr / 20, 1e-7, [1e-12, 1e-9, 1e-6])).toEqual([]);
  });

  it.each([1, 2])('embedding F_%i: derivatives match finite differences', (t) => {
    const rhos = mid(f.drho, [3, 40, Math.floor(f.nrho / 3), Math.floor(f.nrho / 2), f.nrho - 5]);
    expect(fdCheck((x, o) => pot.embed(t, x, o), rhos, () => f.drho / 20, 1e-7, [1e-12, 1e-9, 1e-6])).toEqual([]);
  });

  it('third derivative is constant on each cubic piece and jumps at grid points', () => {
    const m = Math.floor(3.0 / f.dr);
    const d3 = (r: number) => { pot.density(1, 2, r, out); return out[3]; };
    expect(d3((m + 0.1) * f.dr)).toBe(d3((m + 0.9) * f.dr));
    expect(d3((m + 0.9) * f.dr)).not.toBe(d3((m + 1.1) * f.dr));
  });

  it('embedding is extrapolated linearly beyond rhomax, as in LAMMPS', () => {
    const rhomax = (f.nrho - 1) * f.drho;
    const top = new Float64Array(4);
    pot.embed(1, rhomax, top);
    for (const rho of [rhomax + 0.5 * f.drho, rhomax + 1, 1.5 * rhomax]) {
      pot.embed(1, rho, out);
      expect(out[0]).toBeCloseTo(top[0] + top[1] * (rho - rhomax), 10);
      expect(out[1]).toBe(top[1]);
      expect([out[2], out[3]]).toEqual([0, 0]);
    }
  });

  it('eamTable() evaluated by its documented rules reproduces density/pair/embed', () => {
    const t = pot.eamTable();
    expect([t.nr, t.nrho, t.stride, t.ntypes]).toEqual([f.nr, f.nrho, 3, 2]);
    const piece = (c: Float64Array, p0: number, mlo: number, nmax: number) => {
      let m = Math.trunc(p0);
      m = Math.max(mlo, Math.min(m, nmax - 1));
      const p = Math.min(p0 - m, 1.0), k = 7 * m;
      return [((c[k + 3] * p + c[k + 4]) * p + c[k + 5]) * p + c[k + 6], (c[k] * p + c[k + 1]) * p + c[k + 2]];
    };
    for (const [a, b] of TYPE_PAIRS) {
      for (const r of [0.7, 1.9, 2.45, 3.3, f.cutoff - 1e-4]) {
        const [rho] = piece(t.rhor[a * t.stride + b], r * t.rdr + 1.0, 0, t.nr);
        pot.density(a, b, r, out);
        expect(rho).toBe(out[0]);
        const [z2, z2p] = piece(t.z2r[a * t.stride + b], r * t.rdr + 1.0, 0, t.nr);
        pot.pair(a, b, r, out);
        const recip = 1.0 / r, phi = z2 * recip; // LAMMPS's order of operations
        expect(phi).toBe(out[0]);
        expect(z2p * recip - phi * recip).toBe(out[1]);
      }
    }
    for (const rho of [0.01, 3.3, 0.7 * t.rhomax, 1.2 * t.rhomax]) {
      let [F, Fp] = piece(t.frho[2], rho * t.rdrho + 1.0, 1, t.nrho);
      if (rho > t.rhomax) F += Fp * (rho - t.rhomax);
      pot.embed(2, rho, out);
      expect([F, Fp]).toEqual([out[0], out[1]]);
    }
  });

  it('pair and density vanish at and beyond the cutoff', () => {
    for (const r of [f.cutoff, f.cutoff + 0.1]) {
      pot.pair(1, 2, r, out);
      expect([...out]).toEqual([0, 0, 0, 0]);
      pot.density(2, 1, r, out);
      expect([...out]).toEqual([0, 0, 0, 0]);
    }
  });
});

describe('potential file search', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glasslab-pot-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses --potential (file or directory), then $LAMMPS_POTENTIALS, then the system directory', () => {
    const file = join(dir, 'X.eam.fs');
    writeFileSync(file, syntheticFsText());
    expect(findPotentialFile('X.eam.fs', { potentialPath: file })).toBe(file);
    expect(findPotentialFile('X.eam.fs', { potentialPath: dir })).toBe(file);
    expect(findPotentialFile('X.eam.fs', { env: { LAMMPS_POTENTIALS: dir } })).toBe(file);
    expect(findPotentialFile('CuZr_mm.eam.fs', { env: {} })).toBe('/usr/share/lammps/potentials/CuZr_mm.eam.fs');
  });

  it('says which paths were tried and how to fix it', () => {
    expect(() => findPotentialFile('Nope.eam.fs', { env: { LAMMPS_POTENTIALS: dir } })).toThrow(
      /'Nope\.eam\.fs' not found; tried:\n.*glasslab-pot-.*Nope\.eam\.fs\n.*\/usr\/share\/lammps\/potentials\/Nope\.eam\.fs\n.*lammps-data.*--potential/s,
    );
    expect(() => findPotentialFile('CuZr_mm.eam.fs', { potentialPath: join(dir, 'missing.fs') })).toThrow(/not found at --potential .*missing\.fs/);
  });
});
