"""scipy reference for bench/linalg-lowest-modes.ts: lowest k modes of the same
mass-weighted sparse Hessian, by shift-invert eigsh (SuperLU), as in FIELD-NOTES.

Usage: python3 bench/linalg-lowest-modes.py PREFIX K
Reads PREFIX.rowptr (int32), PREFIX.colidx (int32), PREFIX.values (float64,
dim x dim blocks), PREFIX.json ({"n":..., "dim":..., "masses": [...]}) written
by the TS bench; projects nothing (eigsh sees the d zero modes too and we ask
for K + dim). Prints JSON: seconds and the K lowest non-trivial eigenvalues.
"""
import json, sys, time
import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sla

prefix, k = sys.argv[1], int(sys.argv[2])
meta = json.load(open(prefix + ".json"))
n, dim = meta["n"], meta["dim"]
rowptr = np.fromfile(prefix + ".rowptr", dtype=np.int32)
colidx = np.fromfile(prefix + ".colidx", dtype=np.int32)
values = np.fromfile(prefix + ".values", dtype=np.float64).reshape(-1, dim, dim)
D = sp.bsr_matrix((values, colidx, rowptr), shape=(n * dim, n * dim)).tocsc()
t0 = time.perf_counter()
vals = sla.eigsh(D, k=k + dim, sigma=-1e-3, which="LM", return_eigenvectors=True)[0]
t = time.perf_counter() - t0
vals = np.sort(vals)[dim:]
print(json.dumps({"seconds": t, "eigenvalues": vals.tolist()}))
