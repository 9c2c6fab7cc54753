/**
 * Dense symmetric eigensolver timings against numpy eigh (same machine, same run).
 *
 * Usage: npx tsx bench/linalg-eigen.ts [n ...]     (default 500 1000 1500)
 * Prints per n: our time split into stages, the residual max|A v - lambda v|,
 * the orthogonality max|V V^T - I|, and numpy's eigh time from
 * bench/linalg-eigh.py when python3 with numpy is available.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { symmetricEigen, tridiagonalize } from '../src/linalg/dense-eigen.ts';
import { randomSymmetric } from '../test/linalg/fixtures.ts';


/** max |A v_k - lambda_k v_k| over a sample of eigenpairs, and max |v_k . v_l - delta| over a sample of pairs. */
function checks(A: Float64Array, n: number, values: Float64Array, V: Float64Array): { residual: number; orthogonality: number } {
  let residual = 0, orthogonality = 0;
  const sample = Array.from({ length: Math.min(n, 20) }, (_, s) => Math.floor((s * (n - 1)) / Math.max(1, Math.min(n, 20) - 1)));
  for (const k of sample) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * V[k * n + j];
      residual = Math.max(residual, Math.abs(s - values[k] * V[k * n + i]));
    }
    for (let l = 0; l < n; l++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += V[k * n + j] * V[l * n + j];
      orthogonality = Math.max(orthogonality, Math.abs(s - (k === l ? 1 : 0)));
    }
  }
  return { residual, orthogonality };
}

/** numpy eigh / eigvalsh times; threads: BLAS thread count (undefined: numpy's default, all cores) */
function numpyTimes(sizes: number[], threads?: number): Map<number, { seconds: number; valuesOnlySeconds: number }> {
  const out = new Map<number, { seconds: number; valuesOnlySeconds: number }>();
  try {
    const script = fileURLToPath(new URL('./linalg-eigh.py', import.meta.url));
    const env = threads === undefined ? process.env : { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    const text = execFileSync('python3', [script, ...sizes.map(String)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env });
    for (const line of text.trim().split('\n')) { const r = JSON.parse(line); out.set(r.n, r); }
  } catch (err) {
    console.log(`numpy reference unavailable (${(err as Error).message.split('\n')[0]})`);
  }
  return out;
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
if (sizes.length === 0) sizes.push(500, 1000, 1500);
const np = numpyTimes(sizes);
const np1 = numpyTimes(sizes, 1);
console.log('Columns: our eigh (dc), its tridiagonalisation, our eigh with method ql, our eigvalsh; numpy eigh with all cores (np) and with 1 BLAS thread (np1); ratios ours/numpy.');
console.log('n  dc_s  tridiag_s  ql_s  values_s  np_eigh_s  dc/np  np1_eigh_s  dc/np1  np_eigvalsh_s  values/np  residual  orthogonality  matrix_MB');
for (const n of sizes) {
  const A = randomSymmetric(n, 7);
  const t0 = performance.now();
  const a = Float64Array.from(A);
  tridiagonalize(a, n, new Float64Array(n), new Float64Array(n), new Float64Array(n));
  const tTri = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  symmetricEigen(A, n, { vectors: false });
  const tVal = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  const r = symmetricEigen(A, n);
  const tAll = (performance.now() - t2) / 1000;
  let tQl: number | undefined;
  if (n <= 1000) {
    const t3 = performance.now();
    symmetricEigen(A, n, { method: 'ql' });
    tQl = (performance.now() - t3) / 1000;
  }
  const c = checks(A, n, r.values, r.vectors!);
  const ref = np.get(n), ref1 = np1.get(n);
  const f = (x: number | undefined, p = 3) => (x === undefined ? '-' : x.toFixed(p));
  console.log([n, f(tAll), f(tTri), f(tQl), f(tVal), f(ref?.seconds), f(ref ? tAll / ref.seconds : undefined, 1), f(ref1?.seconds), f(ref1 ? tAll / ref1.seconds : undefined, 1),
    f(ref?.valuesOnlySeconds), f(ref ? tVal / ref.valuesOnlySeconds : undefined, 1),
    c.residual.toExponential(1), c.orthogonality.toExponential(1), ((8 * n * n) / 1e6).toFixed(0)].join('  '));
}
