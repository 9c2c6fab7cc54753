/**
 * Cost of the two Wei et al. (PRB 99, 014115 (2019)) descriptors on Cu64Zr36
 * inherent structures (Mendelev CuZr_mm EAM/FS): pairExcessEntropy (Eq. 3,
 * rc = 11.2 A, sigma = 0.2 A, default dr = sigma / 4, both forms) and
 * participationFraction (Eq. 4, lowest 0.25 % of the modes, Lanczos).
 * One run each (a Lanczos run is minutes at large N); prints a Markdown
 * table and the fitted exponents t ~ N^a between the sizes given.
 *
 * The inputs are LAMMPS data files of glasses, e.g. made by LAMMPS: fcc
 * lattice at 0.0599 atoms/A^3, 36 % Zr at random, 2 ps NVT at 2500 K, CG to
 * 1e-4 eV/A (see the report of issue [8] item 4).
 *
 * Usage: npx tsx bench/s2-pfrac.ts [--skip-pfrac N] glass2048.data glass4000.data ...
 *        (--skip-pfrac N: no participationFraction above N atoms)
 */
import { pairExcessEntropy } from '../src/analysis/structure/excess-entropy.ts';
import { participationFraction, participationModeCount } from '../src/analysis/vdos/participation.ts';
import { readLammpsData } from '../src/io/lammps-data.ts';
import { getPotential } from '../src/potential/registry.ts';

const args = process.argv.slice(2);
const k = args.indexOf('--skip-pfrac');
const skipAbove = k >= 0 ? Number(args.splice(k, 2)[1]) : Infinity;
const pot = getPotential('cuzr');
const time = (f: () => void): number => { const t0 = performance.now(); f(); return (performance.now() - t0) / 1000; };
const rows: { n: number; s2: number; s2t: number; pf: number }[] = [];
console.log('| N | S2 species (s) | S2 total (s) | p_i modes | p_i Lanczos (s) | mean S2 species / total (kB) |');
console.log('|---|---|---|---|---|---|');
for (const file of args) {
  const sys = await readLammpsData(file, { dim: 3 });
  let s2: Float64Array = new Float64Array(0), s2t: Float64Array = new Float64Array(0);
  const ts = time(() => { s2 = pairExcessEntropy(sys, { cutoff: 11.2, sigma: 0.2 }); });
  const tt = time(() => { s2t = pairExcessEntropy(sys, { cutoff: 11.2, sigma: 0.2, form: 'total' }); });
  const tp = sys.n <= skipAbove ? time(() => { participationFraction(sys, pot, { method: 'lanczos' }); }) : NaN;
  rows.push({ n: sys.n, s2: ts, s2t: tt, pf: tp });
  const mean = (a: Float64Array): string => (a.reduce((x, y) => x + y, 0) / sys.n).toFixed(3);
  console.log(`| ${sys.n} | ${ts.toFixed(2)} | ${tt.toFixed(2)} | ${participationModeCount(sys.n, 3)} | ${Number.isNaN(tp) ? '-' : tp.toFixed(1)} | ${mean(s2)} / ${mean(s2t)} |`);
}
const exponent = (key: 's2' | 'pf'): string => {
  const ok = rows.filter((r) => Number.isFinite(r[key]));
  if (ok.length < 2) return '-';
  const a = ok[0], b = ok[ok.length - 1];
  return (Math.log(b[key] / a[key]) / Math.log(b.n / a.n)).toFixed(2);
};
console.log(`\nexponent a (t ~ N^a, first to last size): S2 ${exponent('s2')}, p_i ${exponent('pf')}`);
