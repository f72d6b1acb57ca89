#!/usr/bin/python3
"""Dask and NumPy side of bench/array_test.go: ((x + 1) * 2).sum() on a persisted
random x and including its generation, and the mean of each column, printing
seconds (minimum over runs).

    /usr/bin/python3 bench/peers/dask_array.py                    # 4000x4000, as go test
    GASK_BENCH_FULL=1 /usr/bin/python3 bench/peers/dask_array.py  # 20000x20000 in 2000x2000

Dask uses its threaded scheduler; NumPy runs on one in-memory array (one thread).
"""
import os
import sys

import dask.array as da
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

full = bool(os.environ.get("GASK_BENCH_FULL"))
n, c = (20000, 2000) if full else (4000, 1000)
runs = int(os.environ.get("RUNS", "3"))
gb = 8 * n * n / 1e9


def best(f):
    return peerlib.best(f, runs)


t = best(lambda: ((da.random.random((n, n), chunks=c) + 1) * 2).sum().compute())
print(f"dask  ((x+1)*2).sum() {n}x{n} chunks {c}, with generation: {t:.3f} s")
x = da.random.random((n, n), chunks=c).persist()
t = best(lambda: ((x + 1) * 2).sum().compute())
print(f"dask  ((x+1)*2).sum() persisted x: {t:.3f} s  {gb / t:.2f} GB/s")
t = best(lambda: x.mean(axis=0).compute())
print(f"dask  x.mean(axis=0) persisted x: {t:.3f} s  {gb / t:.2f} GB/s")
xn = x.compute()
del x
t = best(lambda: ((xn + 1) * 2).sum())
print(f"numpy ((x+1)*2).sum() in memory: {t:.3f} s  {gb / t:.2f} GB/s")
t = best(lambda: xn.mean(axis=0))
print(f"numpy x.mean(axis=0) in memory: {t:.3f} s  {gb / t:.2f} GB/s")
