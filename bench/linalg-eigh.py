"""Reference timings of numpy.linalg.eigh (LAPACK syevd) for bench/linalg-eigen.ts.

Usage: python3 bench/linalg-eigh.py [--reps R] [--values] 1500 3000
Prints one JSON line per n:
  {"n":..., "seconds": [per repetition], "cpuSeconds": [process CPU time per repetition, all threads],
   "valuesOnlySeconds": [..] (with --values), "maxRssMB": ..., "numpy": version, "python": executable}
The BLAS thread count is whatever the environment says (the TS bench sets
OPENBLAS_NUM_THREADS / OMP_NUM_THREADS for the 1-thread runs). maxRssMB is
the process's peak resident memory (ru_maxrss), so run one n per process to
get the peak of that n. Matrices: symmetric, entries uniform in [-0.5, 0.5)
(a different random stream from the TS bench; timing does not depend on it).
"""
import json, resource, sys, time
import numpy as np

args = sys.argv[1:]
reps, values, sizes = 1, False, []
i = 0
while i < len(args):
    if args[i] == "--reps": reps = int(args[i + 1]); i += 2; continue
    if args[i] == "--values": values = True; i += 1; continue
    sizes.append(int(args[i])); i += 1

def times(f, cpu=None):
    out = []
    for _ in range(reps):
        c0 = time.process_time(); t0 = time.perf_counter(); f(); out.append(time.perf_counter() - t0)
        if cpu is not None: cpu.append(time.process_time() - c0)
    return out

for n in sizes or [500, 1000, 1500]:
    rng = np.random.default_rng(1)
    A = rng.random((n, n)) - 0.5
    A = np.tril(A) + np.tril(A, -1).T
    cpu = []
    r = {"n": n, "seconds": times(lambda: np.linalg.eigh(A), cpu), "cpuSeconds": cpu}
    if values: r["valuesOnlySeconds"] = times(lambda: np.linalg.eigvalsh(A))
    r["maxRssMB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    r["numpy"] = np.__version__; r["python"] = sys.executable
    print(json.dumps(r), flush=True)
