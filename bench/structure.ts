/**
 * Partial g(r), direct partial S(q) and the local caging depth (Sharma et al.
 * 2022, Eq. 8 with Eqs. 5-6) on disordered KA-like configurations (jiggled
 * bcc, rho 1.2, 80:20) against the numpy/scipy peer bench/structure.py
 * (cKDTree pairs + histogram; vectorized exp over chunks of q vectors),
 * which reads the same positions (checksums compared).
 *
 * Usage: npx tsx bench/structure.ts [--scale]   (N = 1024, 2000, 4394 (bcc 13^3 = 4394))
 * g(r): r_max 4, dr 0.01; S(q): q_max 20, bins 2 pi / L; local: delta 0.09, dr 0.005, A centres.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localCagingDepth } from '../src/analysis/softness/local-softness.ts';
import { partialRdf, structureFactorDirect } from '../src/analysis/structure/structure.ts';
import { getPotential } from '../src/potential/registry.ts';
import type { PairPotential } from '../src/potential/types.ts';
import { latticeSystem } from '../test/md/fixtures.ts';

const KA = getPotential('ka') as PairPotential;
const LIMITS = { ntypes: 2, lower: Float64Array.of(0.8, 0.7, 0.7, 0.75), upper: Float64Array.of(1.45, 1.3, 1.3, 1.9) };
const sizes = process.argv.includes('--scale') ? [8, 10, 13] : [13];

const rows: string[] = [];
const perf: { n: number; rdf: number; sq: number; loc: number; npRdf: number; npSq: number }[] = [];
for (const m of sizes) {
  const sys = latticeSystem(3, m, 1.2, { basis: 'bcc', fracA: 0.8, jiggle: 0.6, seed: 1 });
  const n = sys.n, L = sys.box.lengths[0];
  let t = performance.now();
  const g = partialRdf(sys, { rMax: 4, dr: 0.01 });
  const rdfS = (performance.now() - t) / 1000;
  t = performance.now();
  const sq = structureFactorDirect(sys, { qMax: 20 });
  const sqS = (performance.now() - t) / 1000;
  t = performance.now();
  localCagingDepth(sys, KA, { temperature: 0.7, limits: LIMITS });
  const locS = (performance.now() - t) / 1000;

  const pf = join(tmpdir(), `glasslab-bench-structure-${process.pid}.f64`), tf = pf + '.types';
  writeFileSync(pf, new Uint8Array(sys.positions.buffer, sys.positions.byteOffset, sys.positions.byteLength));
  writeFileSync(tf, new Uint8Array(sys.types.buffer, sys.types.byteOffset, sys.types.byteLength));
  let np: Record<string, number>;
  try {
    const script = fileURLToPath(new URL('./structure.py', import.meta.url));
    np = JSON.parse(execFileSync('python3', [script, pf, tf, String(n), String(L), '4', '0.01', '20'], { encoding: 'utf8' }).trim().split('\n').pop()!);
  } finally {
    rmSync(pf, { force: true }); rmSync(tf, { force: true });
  }
  const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
  const ours = { gAA_sum: sum(g.pair(1, 1)), gAB_sum: sum(g.pair(1, 2)), SAA_sum: sum(sq.pair(1, 1)), SAB_sum: sum(sq.pair(1, 2)), SBB_sum: sum(sq.pair(2, 2)) };
  const worst = Math.max(...Object.entries(ours).map(([k, v]) => Math.abs(v - np[k]) / Math.abs(np[k])));
  perf.push({ n, rdf: rdfS, sq: sqS, loc: locS, npRdf: np.rdf_s, npSq: np.sq_s });
  rows.push(`N ${n}: g(r) ${rdfS.toFixed(3)} s (numpy/scipy ${np.rdf_s.toFixed(3)} s, ratio ${(np.rdf_s / rdfS).toFixed(2)}x) | ` +
    `S(q) ${sqS.toFixed(2)} s (numpy ${np.sq_s.toFixed(2)} s, ratio ${(np.sq_s / sqS).toFixed(2)}x) | local depth ${locS.toFixed(3)} s | checksums max rel diff ${worst.toExponential(1)}`);
  console.log(rows[rows.length - 1]);
}
if (perf.length > 1) {
  const slope = (key: 'rdf' | 'sq' | 'loc' | 'npRdf' | 'npSq') => Math.log(perf[perf.length - 1][key] / perf[0][key]) / Math.log(perf[perf.length - 1].n / perf[0].n);
  console.log(`scaling exponents (time ~ N^x): g(r) ${slope('rdf').toFixed(2)} (numpy ${slope('npRdf').toFixed(2)}), S(q) ${slope('sq').toFixed(2)} (numpy ${slope('npSq').toFixed(2)}), local ${slope('loc').toFixed(2)}`);
}
