"""The machine's BLAS on the kernel shapes of `ptrain bench` (docs/performance.md, "numpy/OpenBLAS on the same
shapes"): single-threaded sgemm through numpy and scipy for
  - the hidden drive  x·W1:           10×784 · 784×H
  - the rank-10 update W1 += xᵀ·ΔV:   784×10 · 10×H, in place (scipy's sgemm with beta = 1, overwrite_c)
  - the output drive h·W2:            10×H · H×10
Run with OPENBLAS_NUM_THREADS=1 so it compares with one core of ptrain.
"""
import time
import numpy as np
from scipy.linalg.blas import sgemm

def best_seconds(f, minimum=0.3):
    f()
    best = float("inf")
    start = time.perf_counter()
    while time.perf_counter() - start < minimum:
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best

rng = np.random.default_rng(1)
print(f"numpy {np.__version__}")
for H in (800, 4500):
    x = rng.random((10, 784), dtype=np.float32)
    W1 = np.asfortranarray(rng.random((784, H), dtype=np.float32) * 1e-3)
    D = rng.random((10, H), dtype=np.float32) * 1e-6
    h = rng.random((10, H), dtype=np.float32)
    W2 = rng.random((H, 10), dtype=np.float32)
    W1c = np.ascontiguousarray(W1)
    drive = min(best_seconds(lambda: x @ W1), best_seconds(lambda: x @ W1c))
    xt = np.asfortranarray(x.T)
    Df = np.asfortranarray(D)
    update = best_seconds(lambda: sgemm(1.0, xt, Df, beta=1.0, c=W1, overwrite_c=True))
    numpy_update = best_seconds(lambda: np.add(W1, x.T @ D, out=W1))
    out = best_seconds(lambda: h @ W2)
    flops = 2 * 10 * 784 * H
    print(f"H={H}: drive {flops / drive / 1e9:.1f} GFLOP/s, rank-10 update in place (sgemm beta=1) "
          f"{flops / update / 1e9:.1f}, numpy x.T@D then add {flops / numpy_update / 1e9:.1f}, "
          f"output drive {2 * 10 * H * 10 / out / 1e9:.1f}")
