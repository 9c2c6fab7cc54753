/**
 * Pairwise cluster alignment (src/analysis/cluster-alignment.ts) of
 * B-centred first-shell clusters of a Kob-Andersen inherent structure
 * (N = 1000, quenched from a random configuration), n = 20, 40, 80 clusters
 * (n(n-1)/2 alignments), against the same algorithm in numpy/scipy
 * (bench/cluster-alignment.py: linear_sum_assignment + SVD Kabsch). Reports
 * CPU seconds, the ratio, the scaling exponent in n, and the largest score
 * difference between the two implementations.
 *
 *   npx tsx bench/cluster-alignment.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomConfiguration } from '../src/system/random-config.ts';
import { createForceProvider } from '../src/core/force-provider.ts';
import { minimize } from '../src/minimize/minimize.ts';
import { getPotential } from '../src/potential/registry.ts';
import { clusterSimilarityMatrix, extractFirstShellClusters } from '../src/analysis/structure/cluster-alignment.ts';

const start = randomConfiguration({ n: 1000, density: 1.2, dim: 3, composition: [0, 0.8, 0.2], typeMasses: [0, 1, 1], seed: 3, jitter: 0.2 });
const glass = minimize(start, createForceProvider(getPotential('ka')), { ftol: 1e-8 }).system;
const B = [...Array(glass.n).keys()].filter((i) => glass.types[i] === 2);
const dir = mkdtempSync(join(tmpdir(), 'bench-align-'));
const rows: { n: number; ts: number; py: number; maxDiff: number }[] = [];
for (const n of [20, 40, 80]) {
  const clusters = extractFirstShellClusters(glass, B.slice(0, n));
  const c0 = process.cpuUsage();
  const S = await clusterSimilarityMatrix(clusters, { yieldEveryMs: 1e9 });
  const c1 = process.cpuUsage(c0);
  const ts = (c1.user + c1.system) / 1e6;
  const file = join(dir, `clusters-${n}.json`);
  writeFileSync(file, JSON.stringify(clusters.map((c) => [...c.positions])));
  const peer = JSON.parse(execFileSync('python3', ['bench/cluster-alignment.py', file], { encoding: 'utf8' })) as { seconds: number; scores: number[] };
  let k = 0, maxDiff = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) maxDiff = Math.max(maxDiff, Math.abs(S[i * n + j] - peer.scores[k++]));
  rows.push({ n, ts, py: peer.seconds, maxDiff });
  console.log(`n = ${n}: ${n * (n - 1) / 2} pairs, glasslab ${ts.toFixed(3)} s CPU, numpy/scipy ${peer.seconds.toFixed(3)} s CPU, ratio (py/ts) ${(peer.seconds / ts).toFixed(1)}x, max |score difference| ${maxDiff.toExponential(1)}`);
}
const a = rows[0], b = rows[rows.length - 1];
console.log(`scaling exponent in n (pairs ~ n^2): glasslab ${(Math.log(b.ts / a.ts) / Math.log(b.n / a.n)).toFixed(2)}, numpy/scipy ${(Math.log(b.py / a.py) / Math.log(b.n / a.n)).toFixed(2)}`);
