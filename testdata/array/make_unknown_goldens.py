#!/usr/bin/python3
"""Writes unknown_goldens.json: NumPy's results of elementwise operations and
reductions over boolean-masked arrays (gask's unknown chunk sizes, Dask's NaN chunks).
array/unknown_test.go builds the same cases by name.

Run with Debian's NumPy: /usr/bin/python3 testdata/array/make_unknown_goldens.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(20261122)
x = rng.normal(size=(9, 10))
y = rng.normal(size=(9, 10))
i = rng.integers(-100, 100, size=(9, 10))
rows = rng.uniform(size=9) > 0.5
m = rng.uniform(size=(9, 10)) > 0.3

cases = {
    "rows_add": x[rows] + 1,
    "rows_chain": (x[rows] * 2 - y[rows]) / 3,
    "mask_mul": x[m] * y[m],
    "mask_where": np.where(x[m] > 0, x[m], y[m]),
    "mask_sum": x[m].sum(),
    "mask_chain_sum": ((x[m] + 1) * y[m]).sum(),
    "mask_mean": x[m].mean(),
    "mask_max": x[m].max(),
    "rows_sum_ax0": x[rows].sum(axis=0),
    "rows_var_ax0": x[rows].var(axis=0),
    "int_mask_sum": i[m].sum(),
    "int_rows_add_sum": (i[rows] + 1).sum(),
}


def pack(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "data": a.astype(np.float64).ravel().tolist()}


out = {"numpy": np.__version__,
       "inputs": {"x": pack(x), "y": pack(y), "i": pack(i), "rows": pack(rows), "m": pack(m)},
       "cases": {k: pack(v) for k, v in cases.items()}}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "unknown_goldens.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print("wrote", path, len(cases), "cases")
