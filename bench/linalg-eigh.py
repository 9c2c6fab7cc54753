"""Reference timings of numpy.linalg.eigh (LAPACK syevd) for bench/linalg-eigen.ts.

Usage: python3 bench/linalg-eigh.py 500 1000 1500
Prints one JSON line per n: {"n":..., "seconds":..., "valuesOnlySeconds":...}
Same matrices as the TS bench: symmetric, entries uniform in [-0.5, 0.5)
(a different random stream; timing does not depend on it).
"""
import json, sys, time
import numpy as np

def best_of(f, reps):
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter(); f(); best = min(best, time.perf_counter() - t0)
    return best

for n in [int(a) for a in sys.argv[1:]] or [500, 1000, 1500]:
    rng = np.random.default_rng(1)
    A = rng.random((n, n)) - 0.5
    A = np.tril(A) + np.tril(A, -1).T
    reps = 3 if n <= 1500 else 1
    t = best_of(lambda: np.linalg.eigh(A), reps)
    tv = best_of(lambda: np.linalg.eigvalsh(A), reps)
    print(json.dumps({"n": n, "seconds": t, "valuesOnlySeconds": tv}), flush=True)
