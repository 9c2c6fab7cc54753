"""Peer of bench/vdos.ts: per-atom VDOS with numpy's batched rfft.

Usage: python3 bench/vdos.py VELOCITIES.f32 N F FRAME_DT OUT_TOTAL.f64
VELOCITIES.f32 holds float32 velocities laid out [atom][component][frame].
Per atom i: D_i(omega_k) = dt sum_a |rfft(v_i^a, L)_k|^2 / sum_{a,t} v_i^a(t)^2 with
L = next power of two >= 2F (the paper's normalisation C_i(0) = 1, the same
estimator as src/analysis/vdos.ts); the total VDOS is sum_i D_i and the
per-atom values on the bands [0, 0.6) and [11, 12) are kept. Atoms go in
batches of 256 so that memory stays bounded. Prints JSON {seconds (wall), cpu (process CPU time), L}.
"""
import json
import sys
import time

import numpy as np


def main():
    path, n, frames, dt, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    x = np.fromfile(path, dtype=np.float32).reshape(n, 3, frames)
    L = 1
    while L < 2 * frames:
        L *= 2
    omega = 2 * np.pi * np.arange(L // 2 + 1) / (L * dt)
    kept = np.nonzero(((omega >= 0) & (omega < 0.6)) | ((omega >= 11) & (omega < 12)))[0]
    t0 = time.perf_counter()
    c0 = time.process_time()
    total = np.zeros(L // 2 + 1)
    kept_values = np.empty((n, kept.size))
    batch = 256
    for b in range(0, n, batch):
        xb = x[b:b + batch].astype(np.float64)
        power = (np.abs(np.fft.rfft(xb, n=L, axis=-1)) ** 2).sum(axis=1)
        norm = (xb * xb).sum(axis=(1, 2))
        D = dt * power / norm[:, None]
        total += D.sum(axis=0)
        kept_values[b:b + batch] = D[:, kept]
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    total.tofile(out)
    print(json.dumps({"seconds": seconds, "cpu": cpu, "L": L}))


if __name__ == "__main__":
    main()
