#!/usr/bin/python3
"""Dask and NumPy side of bench/array_linalg_test.go: a square matmul and the TSQR of a
tall array, on persisted random inputs, printing seconds (minimum over runs).

    /usr/bin/python3 bench/peers/dask_array_linalg.py          # small sizes, as go test
    GASK_BENCH_FULL=1 /usr/bin/python3 bench/peers/dask_array_linalg.py  # the issue's

Dask uses its threaded scheduler; Dask and NumPy use the machine's OpenBLAS.
"""
import os
import sys

import dask
import dask.array as da
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

full = bool(os.environ.get("GASK_BENCH_FULL"))
n, c = (4000, 1000) if full else (2000, 500)
rows, cols, rc = (10_000_000, 10, 1_000_000) if full else (1_000_000, 10, 100_000)
runs = int(os.environ.get("RUNS", "3"))


def best(f):
    return peerlib.best(f, runs)


x = da.random.random((n, n), chunks=c).persist()
y = da.random.random((n, n), chunks=c).persist()
t = best(lambda: (x @ y).persist())
print(f"dask  matmul {n}x{n} chunks {c}: {t:.3f} s  {2 * n**3 / t / 1e9:.1f} GFLOP/s")
xn, yn = x.compute(), y.compute()
t = best(lambda: xn @ yn)
print(f"numpy matmul {n}x{n}: {t:.3f} s  {2 * n**3 / t / 1e9:.1f} GFLOP/s")
del x, y, xn, yn

a = da.random.normal(size=(rows, cols), chunks=(rc, cols)).persist()
t = best(lambda: dask.persist(*da.linalg.qr(a)))
print(f"dask  tsqr {rows}x{cols} chunks {rc}: {t:.3f} s  {rows / t:.3g} rows/s")
an = a.compute()
t = best(lambda: np.linalg.qr(an))
print(f"numpy qr {rows}x{cols}: {t:.3f} s  {rows / t:.3g} rows/s")
