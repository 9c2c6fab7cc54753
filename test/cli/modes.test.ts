/**
 * `glasslab modes` through the CLI front end, on a small KA glass minimised
 * to |F| < 1e-10. Checked: the per-atom participation equals
 * participationFraction of the dense modes computed here, sums to the mode
 * count, and over all modes obeys completeness (p_i = dim (1 - m_i / sum m),
 * the translations being the only modes left out); frequencies are ascending,
 * positive and the same from Lanczos and the dense solver; an unrelaxed input
 * is warned about; usage mistakes are refused with exit code 2.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';
import { randomConfiguration } from '../../src/system/random-config.ts';
import { createForceProvider } from '../../src/core/force-provider.ts';
import { assembleHessian } from '../../src/core/hessian.ts';
import { readSystem, writeLammpsData } from '../../src/io/index.ts';
import { allModes, participationFraction, participationRatio, type NormalModes } from '../../src/linalg/index.ts';
import { minimize } from '../../src/minimize/minimize.ts';
import { getPotential } from '../../src/potential/registry.ts';
import type { System } from '../../src/system/system.ts';

const N = 256; // the smallest KA box at density 1.2 holding the cutoff 2.5 plus the skin: L = 5.98
let dir: string;
let glass: System;
let dense: NormalModes;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glasslab-modes-'));
  const start = randomConfiguration({ n: N, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 5 });
  await writeLammpsData(join(dir, 'start.data'), start);
  const pot = getPotential('ka');
  const relaxed = minimize(start, createForceProvider(pot), { ftol: 1e-10 });
  expect(relaxed.converged).toBe(true);
  await writeLammpsData(join(dir, 'glass.data'), relaxed.system);
  glass = await readSystem(join(dir, 'glass.data'));
  dense = allModes(assembleHessian(glass, pot, { massWeighted: true }), { masses: glass.masses });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(dir, ...argv);

function csv(name: string): { header: string; rows: number[][] } {
  const lines = readFileSync(join(dir, name), 'utf8').trim().split('\n');
  return { header: lines[0], rows: lines.slice(1).map((l) => l.split(',').map(Number)) };
}

/** participation column of the CSV indexed like the atoms of `glass` */
function participationByAtom(rows: number[][]): Float64Array {
  const index = new Map(Array.from(glass.ids, (id, i) => [id, i]));
  const p = new Float64Array(glass.n);
  for (const [id, type, value] of rows) {
    const i = index.get(id)!;
    expect(type).toBe(glass.types[i]);
    p[i] = value;
  }
  return p;
}

describe('glasslab modes', () => {
  it('writes the participation of the 30 lowest modes and their frequencies', async () => {
    const r = await cli('modes', 'glass.data', '--model', 'ka', '--lowest', '30', '--out', 'p.csv', '--frequencies', 'f.csv');
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toMatch(/warning/);
    const p = csv('p.csv');
    expect(p.header).toBe('id,type,participation');
    expect(p.rows.map((row) => row[0])).toEqual([...glass.ids].sort((a, b) => a - b));
    const got = participationByAtom(p.rows);
    const ref = participationFraction(dense, 30);
    for (let i = 0; i < N; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThan(1e-12);
    expect(Math.abs(got.reduce((s, v) => s + v, 0) - 30)).toBeLessThan(1e-10);

    const f = csv('f.csv');
    expect(f.header).toBe('mode,omega,participation_ratio');
    expect(f.rows.map((row) => row[0])).toEqual(Array.from({ length: 30 }, (_, m) => m + 1));
    const pr = participationRatio(dense);
    f.rows.forEach(([, omega, ratio], m) => {
      expect(omega).toBeGreaterThan(0);
      if (m > 0) expect(omega).toBeGreaterThanOrEqual(f.rows[m - 1][1]);
      expect(Math.abs(omega - dense.frequencies[m])).toBeLessThan(1e-10 * dense.frequencies[m]);
      expect(ratio).toBeGreaterThan(1 / N);
      expect(ratio).toBeLessThanOrEqual(1);
      expect(Math.abs(ratio - pr[m])).toBeLessThan(1e-12);
    });
    expect(r.out).toMatch(/^modes 30 of 765 \(dense, dynamical matrix\)$/m);
  });

  it('defaults to the lowest 0.25% and, with --all, obeys completeness', async () => {
    const d = await cli('modes', 'glass.data', '--out', 'default.csv', '--frequencies', 'default-f.csv');
    expect(d.code, d.err).toBe(0);
    expect(csv('default-f.csv').rows).toHaveLength(2); // round(0.0025 * 765) = 2
    const fr = await cli('modes', 'glass.data', '--fraction', '0.2', '--out', 'fifth.csv');
    expect(fr.out).toMatch(/^modes 153 of 765 /m);

    const a = await cli('modes', 'glass.data', '--all', '--out', 'all.csv');
    expect(a.code, a.err).toBe(0);
    const p = participationByAtom(csv('all.csv').rows);
    let mass = 0;
    for (let i = 0; i < N; i++) mass += glass.masses[i];
    // the complete basis minus the 3 mass-weighted translations sqrt(m_i / M) e_alpha
    for (let i = 0; i < N; i++) expect(Math.abs(p[i] - 3 * (1 - glass.masses[i] / mass))).toBeLessThan(1e-9);
  });

  it('finds the same lowest frequencies with Lanczos as with the dense solver', async () => {
    const r = await cli('modes', 'glass.data', '--lowest', '6', '--method', 'lanczos', '--out', 'l.csv', '--frequencies', 'lf.csv');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/\(lanczos, /);
    csv('lf.csv').rows.forEach(([, omega], m) => expect(Math.abs(omega - dense.frequencies[m])).toBeLessThan(1e-7 * dense.frequencies[m]));
  });

  it('warns when the input is not at a minimum', async () => {
    const r = await cli('modes', 'start.data', '--lowest', '3', '--out', 'hot.csv');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/start\.data is not at a minimum \(max \|F\| = .* > 1e-6\).*glasslab minimize/s);
    expect(r.err).toMatch(/3 of the chosen modes have negative eigenvalues/);
  });

  it('shows help and refuses bad options', async () => {
    const h = await cli('modes', '--help');
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/^Usage: glasslab modes FILE \[options\]/);
    for (const o of ['--lowest K', '--fraction NUM', '--all', '--mass-weighted', '--frequencies FILE']) expect(h.out).toContain(o);

    const cases: [string[], RegExp][] = [
      [['--lowest', '0', '--out', 'x.csv'], /invalid value '0' for --lowest: must be >= 1/],
      [['--fraction', '2', '--out', 'x.csv'], /invalid value '2' for --fraction: must be <= 1/],
      [['--lowest', '3', '--all', '--out', 'x.csv'], /give one of --lowest, --fraction, --all \(got --lowest and --all\)/],
      [['--all', '--method', 'lanczos', '--out', 'x.csv'], /--all needs every mode/],
      [['--lowest', '766', '--out', 'x.csv'], /--lowest 766 exceeds the 765 non-zero modes/],
      [['--lowset', '3', '--out', 'x.csv'], /unknown option --lowset; did you mean '--lowest'\?/],
      [['--lowest', '3'], /option --out is required/],
    ];
    for (const [argv, msg] of cases) {
      const r = await cli('modes', 'glass.data', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
    }
    const same = await cli('modes', 'glass.data', '--out', 'glass.data');
    expect(same.code).toBe(2);
    expect(same.err).toMatch(/--out glass\.data is the input file/);
  });
});
