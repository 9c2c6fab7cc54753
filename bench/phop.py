"""numpy peer of bench/phop.ts: p_hop with prefix sums and the self-dynamics
toolkit (MSD, alpha_2, overlap q, F_s with sin(kr)/kr), vectorized.

Usage: python3 bench/phop.py POSITIONS.f64 N T WINDOW_FRAMES LAGS(comma) A K NTYPE_A
Reads the (T, N, 3) float64 unwrapped positions written by bench/phop.ts,
prints one JSON line: seconds of each part and checksums to compare.
"""
import json
import sys
import time

import numpy as np


def phop(X, w):
    """p_hop[t, i] = sqrt(<(r - <r>_U)^2>_V <(r - <r>_V)^2>_U), U = [t-hU, t], V = [t, t+hV]."""
    T, N, _ = X.shape
    hU = w // 2
    hV = w - hU
    Y = X - X[0]
    nu, nv = hU + 1, hV + 1
    P1 = np.zeros((T + 1, N, 3))
    np.cumsum(Y, axis=0, out=P1[1:])
    P2 = np.zeros((T + 1, N))
    np.cumsum(np.einsum('tnd,tnd->tn', Y, Y), axis=0, out=P2[1:])
    m = T - w  # number of frames where the window fits: t = hU .. T-1-hV
    # prefix ranges as slices (views): U = [t-hU, t] -> P[t+1] - P[t-hU]; V = [t, t+hV] -> P[t+hV+1] - P[t]
    mU = (P1[hU + 1:hU + 1 + m] - P1[0:m]) / nu
    mV = (P1[w + 1:w + 1 + m] - P1[hU:hU + m]) / nv
    x2U = (P2[hU + 1:hU + 1 + m] - P2[0:m]) / nu
    x2V = (P2[w + 1:w + 1 + m] - P2[hU:hU + m]) / nv
    mUmV = np.einsum('tnd,tnd->tn', mU, mV)
    A = np.maximum(x2V - 2 * mUmV + np.einsum('tnd,tnd->tn', mU, mU), 0)
    B = np.maximum(x2U - 2 * mUmV + np.einsum('tnd,tnd->tn', mV, mV), 0)
    out = np.full((T, N), np.nan)
    out[hU:T - hV] = np.sqrt(A * B)
    return out


def dynamics(X, lags, a, k, nA):
    """msd, alpha2, q, Fs of all atoms and of types 1 (first nA atoms) and 2, every origin per lag."""
    T, N, _ = X.shape
    groups = [slice(0, N), slice(0, nA), slice(nA, N)]
    res = np.zeros((3, len(lags), 4))
    chunk = max(1, int(2e7 // (N * 3)))  # origins per chunk, ~160 MB of differences
    for li, lag in enumerate(lags):
        sums = np.zeros((3, 5))
        for o0 in range(0, T - lag, chunk):
            o1 = min(T - lag, o0 + chunk)
            d = X[o0 + lag:o1 + lag] - X[o0:o1]
            r2 = np.einsum('tnd,tnd->tn', d, d)
            kr = k * np.sqrt(r2)
            fs = np.sinc(kr / np.pi)  # sin(kr)/kr
            ov = r2 < a * a
            for g, sl in enumerate(groups):
                x = r2[:, sl]
                sums[g] += [x.size, x.sum(), (x * x).sum(), ov[:, sl].sum(), fs[:, sl].sum()]
        c = sums[:, 0]
        m2 = sums[:, 1] / c
        m4 = sums[:, 2] / c
        with np.errstate(invalid='ignore', divide='ignore'):
            res[:, li, 0] = m2
            res[:, li, 1] = 3 * m4 / (5 * m2 * m2) - 1
        res[:, li, 2] = sums[:, 3] / c
        res[:, li, 3] = sums[:, 4] / c
    return res


def main():
    path, N, T, w = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    lags = [int(x) for x in sys.argv[5].split(',')]
    a, k, nA = float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])
    X = np.fromfile(path, dtype=np.float64).reshape(T, N, 3)
    best = float('inf')
    for _ in range(2):  # best of two, as bench/phop.ts
        t0 = time.perf_counter()
        p = phop(X, w)
        best = min(best, time.perf_counter() - t0)
    t1 = time.perf_counter()
    d = dynamics(X, lags, a, k, nA)
    t2 = time.perf_counter()
    print(json.dumps({
        'n': N, 'frames': T, 'phop_s': best, 'dynamics_s': t2 - t1,
        'phop_mean': float(np.nanmean(p)), 'phop_max': float(np.nanmax(p)),
        'msd_last': float(d[0, -1, 0]), 'alpha2_mid': float(d[0, len(lags) // 2, 1]),
        'q_mid': float(d[1, len(lags) // 2, 2]), 'fs_mid': float(d[2, len(lags) // 2, 3]),
    }))


if __name__ == '__main__':
    main()
