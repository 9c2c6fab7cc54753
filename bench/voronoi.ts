/**
 * Voronoi and radical tessellation (voronoiTessellation) against the voro++
 * command line (Debian `voro++` 0.4.6, `-p -o -c "%i %v %s %n %f"`, time
 * including its file I/O) on uniform random points at number density 1.2,
 * two types (radical radii 0.5 and 0.44). Best of three runs each; the total
 * volumes and the largest per-atom volume difference are printed as checks
 * (voro++ prints 6 significant digits).
 *
 * Usage: npx tsx bench/voronoi.ts [--n 2000,8000]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { voronoiTessellation } from '../src/analysis/structure/voronoi.ts';
import { Box } from '../src/system/box.ts';
import { createSystem } from '../src/system/system.ts';
import { Rng } from '../src/util/random.ts';

const i = process.argv.indexOf('--n');
const sizes = (i >= 0 ? process.argv[i + 1] : '2000,8000').split(',').map(Number);
const radii = [0.5, 0.44];
const dir = mkdtempSync(join(tmpdir(), 'glasslab-bench-voronoi-'));
const best = (f: () => void): number => {
  let t = Infinity;
  for (let k = 0; k < 3; k++) { const t0 = performance.now(); f(); t = Math.min(t, performance.now() - t0); }
  return t / 1000;
};
try {
  console.log('| N | tessellation | glasslab (s) | voro++ CLI (s) | ratio | sum V / box - 1 | max rel. diff. to voro++ |');
  console.log('|---|---|---|---|---|---|---|');
  for (const n of sizes) {
    const L = Math.cbrt(n / 1.2), rng = new Rng(5);
    const pos = Float64Array.from({ length: 3 * n }, () => rng.uniform() * L);
    const types = Int32Array.from({ length: n }, (_, k) => 1 + (k % 2));
    const sys = createSystem({ box: Box.cube(3, L), positions: pos, types });
    for (const radical of [false, true]) {
      const file = join(dir, `pts${n}${radical ? 'r' : ''}`);
      writeFileSync(file, Array.from({ length: n }, (_, k) =>
        `${k + 1} ${pos[3 * k]} ${pos[3 * k + 1]} ${pos[3 * k + 2]}${radical ? ` ${radii[types[k] - 1]}` : ''}`).join('\n') + '\n');
      const args = ['-p', '-o', ...(radical ? ['-r'] : []), '-c', '%i %v %s %n %f', '0', `${L}`, '0', `${L}`, '0', `${L}`, file];
      const opts = radical ? { radii } : {};
      let r = voronoiTessellation(sys, opts);
      const tg = best(() => { r = voronoiTessellation(sys, opts); });
      const tv = best(() => execFileSync('voro++', args));
      const vol = readFileSync(`${file}.vol`, 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
      let dmax = 0;
      for (const row of vol) dmax = Math.max(dmax, Math.abs(r.volumes[row[0] - 1] / row[1] - 1));
      const sum = r.volumes.reduce((s, v) => s + v, 0) / L ** 3 - 1;
      console.log(`| ${n} | ${radical ? 'radical' : 'Voronoi'} | ${tg.toFixed(3)} | ${tv.toFixed(3)} | ${(tg / tv).toFixed(1)} | ${sum.toExponential(1)} | ${dmax.toExponential(1)} |`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
