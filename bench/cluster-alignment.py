"""Peer of bench/cluster-alignment.ts: the same cluster-alignment algorithm
(unit mean radius, anchor-pair starting rotations, Hungarian assignment +
Kabsch iteration) with scipy.optimize.linear_sum_assignment and numpy SVD.

    python3 bench/cluster-alignment.py clusters.json   -> JSON {seconds, scores}
"""
import json, sys, time
import numpy as np
from scipy.optimize import linear_sum_assignment

def normalized(p):
    p = np.asarray(p, float).reshape(-1, 3)
    return p / np.linalg.norm(p, axis=1).mean()

def angle(x, a, b):
    c = x[a] @ x[b] / (np.linalg.norm(x[a]) * np.linalg.norm(x[b]))
    return np.arccos(np.clip(c, -1, 1))

def frame(x, a, b):
    e1 = x[a] / np.linalg.norm(x[a])
    e2 = x[b] - (x[b] @ e1) * e1
    e2 /= np.linalg.norm(e2)
    return np.column_stack([e1, e2, np.cross(e1, e2)])

def kabsch(P, Q):
    H = P.T @ Q
    U, S, Vt = np.linalg.svd(H)
    d = np.sign(np.linalg.det(Vt.T @ U.T))
    R = Vt.T @ np.diag([1, 1, d]) @ U.T
    return R, ((P @ R.T - Q) ** 2).sum()

def align(A, B, tol=0.35, max_it=30):
    S, L = (A, B) if len(A) <= len(B) else (B, A)
    m = len(S)
    b0 = min(range(1, m), key=lambda j: abs(angle(S, 0, j) - np.pi / 2))
    theta = angle(S, 0, b0)
    FS = frame(S, 0, b0)
    best = np.inf
    for la in range(len(L)):
        for lb in range(len(L)):
            if la == lb or abs(angle(L, la, lb) - theta) > tol:
                continue
            R = frame(L, la, lb) @ FS.T
            prev = None
            rss = np.inf
            for _ in range(max_it):
                cost = ((S @ R.T)[:, None, :] - L[None, :, :]) ** 2
                _, cols = linear_sum_assignment(cost.sum(axis=2))
                if prev is not None and np.array_equal(cols, prev):
                    break
                prev = cols
                R, rss = kabsch(S, L[cols])
            best = min(best, rss)
    return np.sqrt(best / m)

clusters = [normalized(c) for c in json.load(open(sys.argv[1]))]
n = len(clusters)
t0 = time.process_time()
scores = [align(clusters[i], clusters[j]) for i in range(n) for j in range(i + 1, n)]
print(json.dumps({"seconds": time.process_time() - t0, "scores": scores}))
