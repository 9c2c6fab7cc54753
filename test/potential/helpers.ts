/**
 * Test helpers for potentials: finite-difference derivative checks and a
 * LAMMPS runner that evaluates the potential energy of small configurations.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Evaluates f, f', f'', f''' into out[0..3]. */
export type Eval4 = (x: number, out: Float64Array) => void;

export interface FdFailure { x: number; order: number; analytic: number; fd: number; tol: number }

/**
 * Five-point central differences of f^(k-1) against the analytic f^(k), k = 1..3:
 *   fd = (-g(x+2h) + 8 g(x+h) - 8 g(x-h) + g(x-2h)) / (12 h),  error O(h^4 g^(5)).
 * Tolerance per point: rtol (|f^(k)| + |f^(k-1)| / x) + atol[k-1] (the second
 * term covers zero crossings of f^(k); atol covers round-off where f^(k) is a
 * small difference of large terms). Returns the failures (empty when all pass).
 */
export function fdCheck(f: Eval4, xs: readonly number[], h: (x: number) => number, rtol: number, atol: readonly number[] = [0, 0, 0]): FdFailure[] {
  const a = new Float64Array(4), p1 = new Float64Array(4), p2 = new Float64Array(4), m1 = new Float64Array(4), m2 = new Float64Array(4);
  const fails: FdFailure[] = [];
  for (const x of xs) {
    const hx = h(x);
    f(x, a); f(x + hx, p1); f(x + 2 * hx, p2); f(x - hx, m1); f(x - 2 * hx, m2);
    for (let k = 1; k <= 3; k++) {
      const fd = (-p2[k - 1] + 8 * p1[k - 1] - 8 * m1[k - 1] + m2[k - 1]) / (12 * hx);
      const tol = rtol * (Math.abs(a[k]) + Math.abs(a[k - 1]) / Math.abs(x)) + atol[k - 1];
      if (!(Math.abs(fd - a[k]) <= tol)) fails.push({ x, order: k, analytic: a[k], fd, tol });
    }
  }
  return fails;
}

/** x0, x0+dx, ... (n points) */
export function grid(x0: number, x1: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => x0 + ((x1 - x0) * i) / (n - 1));
}

// ---------------------------------------------------------------- LAMMPS

let lmpChecked: boolean | undefined;

/** Whether `lmp` runs here. */
export function lmpAvailable(): boolean {
  if (lmpChecked === undefined) {
    const r = spawnSync('lmp', ['-h'], { encoding: 'utf8' });
    lmpChecked = r.status === 0 && /LAMMPS/.test(r.stdout ?? '');
  }
  return lmpChecked;
}

/**
 * True when LAMMPS comparisons can run. Without `lmp`: a loud warning (and
 * false) on a developer machine, an exception under CI (process.env.CI set).
 */
export function lammpsOrSkip(what: string): boolean {
  if (lmpAvailable()) return true;
  const msg = `LAMMPS ('lmp') not found: cannot run "${what}". Install the Debian package 'lammps' (and 'lammps-data').`;
  if (process.env.CI) throw new Error(`${msg} CI is set, so this is a failure.`);
  console.warn(`\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!!! SKIPPED: ${msg}\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n`);
  return false;
}

/** One configuration: atom types (1-based) and 3D positions (x y z per atom). */
export interface LmpConfig { types: number[]; positions: number[] }

export interface LmpSetup {
  units: 'lj' | 'metal';
  ntypes: number;
  /** half edge of the cubic, non-periodic box centred at 0 */
  halfBox: number;
  /** pair_style, pair_coeff, pair_modify, mass ... lines */
  pairLines: string[];
}

/**
 * Total potential energy of each configuration (all with the same atom
 * count) from one `lmp` run: `run 0` per configuration, energy printed with
 * 17 significant digits.
 */
export function lammpsEnergies(setup: LmpSetup, configs: readonly LmpConfig[]): number[] {
  const n = configs[0].types.length;
  const b = setup.halfBox;
  const num = (x: number) => String(x); // shortest round-trip representation
  const lines = [
    `units ${setup.units}`, 'atom_style atomic', 'atom_modify map array', 'boundary f f f',
    `region box block ${-b} ${b} ${-b} ${b} ${-b} ${b}`, `create_box ${setup.ntypes} box`,
  ];
  for (let i = 0; i < n; i++) lines.push(`create_atoms 1 single ${i * 0.5} 0 0`);
  // norm no: lj units would otherwise print pe per atom
  lines.push(...setup.pairLines, 'thermo_style custom pe', 'thermo_modify norm no', 'neighbor 0.5 bin', 'neigh_modify every 1 delay 0 check yes');
  configs.forEach((c, k) => {
    if (c.types.length !== n) throw new Error('lammpsEnergies: all configurations need the same atom count');
    for (let i = 0; i < n; i++) {
      const [x, y, z] = c.positions.slice(3 * i, 3 * i + 3);
      lines.push(`set atom ${i + 1} type ${c.types[i]}`, `set atom ${i + 1} x ${num(x)} y ${num(y)} z ${num(z)}`);
    }
    lines.push('run 0', `print "RESULT ${k} $(pe:%.17g)"`);
  });
  const dir = mkdtempSync(join(tmpdir(), 'glasslab-lmp-'));
  try {
    const input = join(dir, 'in.test');
    writeFileSync(input, lines.join('\n') + '\n');
    // own TMPDIR: concurrent lmp processes otherwise race on OpenMPI's session directory
    const env = { ...process.env, TMPDIR: dir };
    const r = spawnSync('lmp', ['-in', input, '-log', 'none', '-nocite', '-echo', 'none'], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`lmp failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
    const out = new Array<number>(configs.length).fill(NaN);
    for (const m of r.stdout.matchAll(/^RESULT (\d+) (\S+)$/gm)) out[Number(m[1])] = Number(m[2]);
    if (out.some((v) => Number.isNaN(v))) throw new Error(`lmp output lacks some RESULT lines:\n${r.stdout}`);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A dimer along x at distance r. */
export function dimer(t1: number, t2: number, r: number): LmpConfig {
  return { types: [t1, t2], positions: [0, 0, 0, r, 0, 0] };
}

// ---------------------------------------------------------------- synthetic setfl

/**
 * Text of a small 2-element Finnis-Sinclair setfl file ("A", "B") whose four
 * density blocks all differ (rho_{A->B} != rho_{B->A}) and whose density
 * table ends at rhomax = 9.98, reachable by a dimer at r < 0.8, so that the
 * orientation of the blocks and the embedding extrapolation are tested.
 * Grid: Nrho = 500, drho = 0.02, Nr = 2000, dr = 0.003, cutoff 6.
 */
export function syntheticFsText(layout: 'fs' | 'alloy' = 'fs'): string {
  const nrho = 500, drho = 0.02, nr = 2000, dr = 0.003, rc = 6.0;
  const fmt = (v: number) => v.toExponential(16);
  const block = (n: number, d: number, f: (x: number) => number) => {
    const vals = Array.from({ length: n }, (_, m) => fmt(f(m * d)));
    const lines: string[] = [];
    for (let i = 0; i < n; i += 5) lines.push(vals.slice(i, i + 5).join(' '));
    return lines.join('\n');
  };
  const cut2 = (r: number) => (r < rc ? ((rc - r) / rc) ** 2 : 0);
  const F = [(rho: number) => -Math.sqrt(rho + 0.25) + 0.01 * rho * rho, (rho: number) => -1.5 * Math.sqrt(rho + 0.5) + 0.02 * rho];
  // dens[I][J]: density an I atom contributes at a J atom
  const dens = [
    [(r: number) => 10 * Math.exp(-r) * cut2(r), (r: number) => 30 * Math.exp(-r) * cut2(r)],
    [(r: number) => 5 * Math.exp(-0.7 * r) * cut2(r), (r: number) => 20 * Math.exp(-1.2 * r) * cut2(r)],
  ];
  const phi = (a: number, s: number) => (r: number) => (a * Math.exp(-2 * (r - s)) - 0.5 * Math.exp(-(r - s))) * cut2(r) ** 1.5;
  const z2r = [[phi(1.0, 2.2)], [phi(1.3, 2.5), phi(0.8, 2.9)]];
  const parts = [
    'synthetic Finnis-Sinclair file for glasslab tests', 'densities differ per ordered pair', '#',
    '2 A B', `${nrho} ${fmt(drho)} ${nr} ${fmt(dr)} ${fmt(rc)}`,
  ];
  for (let i = 0; i < 2; i++) {
    parts.push(`${i + 1} ${fmt(10 + 20 * i)} 3.5 fcc`, block(nrho, drho, F[i]));
    // eam/alloy: one density per element (I's density at an A atom)
    if (layout === 'alloy') parts.push(block(nr, dr, dens[i][0]));
    else for (let j = 0; j < 2; j++) parts.push(block(nr, dr, dens[i][j]));
  }
  for (let i = 0; i < 2; i++) for (let j = 0; j <= i; j++) parts.push(block(nr, dr, (r) => r * z2r[i][j](r)));
  return parts.join('\n') + '\n';
}
