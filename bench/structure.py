"""numpy/scipy peer of bench/structure.ts: partial g(r) (cKDTree periodic pair search + histogram)
and the direct partial S(q) on the wave vectors of a cubic box (vectorized exp over chunks of q).

Usage: python3 bench/structure.py POSITIONS.f64 TYPES.i32 N L RMAX DR QMAX
Prints one JSON line: seconds of each part and checksums to compare.
"""
import json
import sys
import time

import numpy as np
from scipy.spatial import cKDTree


def rdf(X, types, L, rmax, dr):
    N = len(X)
    t = cKDTree(np.mod(X, L), boxsize=L)
    pairs = t.query_pairs(rmax, output_type='ndarray')
    d = X[pairs[:, 0]] - X[pairs[:, 1]]
    d -= L * np.round(d / L)
    r = np.sqrt((d * d).sum(1))
    nb = int(np.floor(rmax / dr + 1e-9))
    ta, tb = types[pairs[:, 0]], types[pairs[:, 1]]
    cnt = np.bincount(types, minlength=3)[1:]
    edges = np.arange(nb + 1) * dr
    shell = 4 * np.pi / 3 * (edges[1:] ** 3 - edges[:-1] ** 3)
    g = {}
    V = L ** 3
    for u in (1, 2):
        for v in (1, 2):
            if v < u:
                continue
            m = ((ta == u) & (tb == v)) | ((ta == v) & (tb == u))
            h, _ = np.histogram(r[m], bins=edges)
            h = h * (2.0 if u == v else 1.0)
            g[(u, v)] = h / (cnt[u - 1] * (cnt[v - 1] - (u == v)) / V * shell)
    return g


def sq_direct(X, types, L, qmax, dq):
    nmax = int(np.ceil(qmax * L / (2 * np.pi)))
    r = np.arange(-nmax, nmax + 1)
    n = np.array(np.meshgrid(r, r, r, indexing='ij')).reshape(3, -1).T
    # half space
    keep = (n[:, 0] > 0) | ((n[:, 0] == 0) & (n[:, 1] > 0)) | ((n[:, 0] == 0) & (n[:, 1] == 0) & (n[:, 2] > 0))
    q = 2 * np.pi / L * n[keep]
    qa = np.sqrt((q * q).sum(1))
    q, qa = q[qa <= qmax], qa[qa <= qmax]
    A, B = X[types == 1], X[types == 2]
    nbins = int(np.floor(qmax / dq)) + 1
    S = np.zeros((3, nbins))
    cntb = np.zeros(nbins)
    bins = np.floor(qa / dq).astype(int)
    for c in range(0, len(q), 2048):
        qc = q[c:c + 2048]
        ra = np.exp(1j * (qc @ A.T)).sum(1)
        rb = np.exp(1j * (qc @ B.T)).sum(1)
        b = bins[c:c + 2048]
        np.add.at(S[0], b, (ra * ra.conj()).real / len(A))
        np.add.at(S[1], b, (ra * rb.conj()).real / np.sqrt(len(A) * len(B)))
        np.add.at(S[2], b, (rb * rb.conj()).real / len(B))
        np.add.at(cntb, b, 1)
    k = cntb > 0
    return S[:, k] / cntb[k]


def main():
    pos, typ, N, L, rmax, dr, qmax = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
    X = np.fromfile(pos, dtype=np.float64).reshape(N, 3)
    types = np.fromfile(typ, dtype=np.int32)
    t = time.perf_counter()
    g = rdf(X, types, L, rmax, dr)
    t_rdf = time.perf_counter() - t
    t = time.perf_counter()
    S = sq_direct(X, types, L, qmax, 2 * np.pi / L)
    t_sq = time.perf_counter() - t
    print(json.dumps({'rdf_s': t_rdf, 'sq_s': t_sq, 'gAA_sum': float(g[(1, 1)].sum()), 'gAB_sum': float(g[(1, 2)].sum()),
                      'SAA_sum': float(S[0].sum()), 'SAB_sum': float(S[1].sum()), 'SBB_sum': float(S[2].sum())}))


main()
