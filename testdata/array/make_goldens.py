#!/usr/bin/python3
"""Writes goldens.json: small input arrays and NumPy's results of every array operation
gask tests (array/golden_test.go builds the same cases by name).

Run with Debian's NumPy: /usr/bin/python3 testdata/array/make_goldens.py
"""
import json
import math
import os

import numpy as np

rng = np.random.default_rng(20261121)
x = rng.normal(size=(7, 11))
xn = x.copy()
xn[1, 3] = np.nan
xn[4, :] = np.nan        # a whole NaN row
xn[5, 10] = np.nan
y = rng.uniform(0.5, 3.0, size=(7, 11))
row = rng.normal(size=(1, 11))
col = rng.normal(size=(7, 1))
vec = rng.normal(size=(11,))
t = rng.normal(size=(4, 5, 6))
m = (rng.uniform(size=(7, 11)) > 0.3).astype(float)
m[2, :] = 1.0
m[3, :] = 0.0
e = np.zeros((0, 5))
ties = np.array([[3.0, 1.0, 1.0, 5.0], [2.0, 2.0, 0.0, 0.0], [np.nan, 1.0, np.nan, 0.0]])

inputs = dict(x=x, xn=xn, y=y, row=row, col=col, vec=vec, t=t, m=m, e=e, ties=ties)

with np.errstate(all="ignore"):
    cases = {
        # elementwise and fusion
        "add_scalar": x + 1,
        "chain": (x + 1) * 2,
        "chain_sum": ((x + 1) * 2).sum(),
        "sub_div": (x - y) / y,
        "scalar_left": (1 - x) / 2,
        "rdiv": 2 / y + 1,
        "chain3": (x * 3 - 1) / 2 + 5,
        "subdiv": (x - 1) / 4,
        "mulsub": x * 2 - 3,
        "rpow": 2 ** x,
        "pow": y ** x,
        "pow_scalar": x ** 2,
        "neg_abs": np.abs(-x),
        "exp": np.exp(x),
        "log": np.log(y),
        "log_neg": np.log(x),
        "sqrt": np.sqrt(y),
        "trig": np.sin(x) + np.cos(y) * np.tan(x),
        "arctan_tanh": np.arctan(x) - np.tanh(y),
        "maximum": np.maximum(x, xn),
        "minimum": np.minimum(x, y),
        "lt": (x < y).astype(float),
        "ge_nan": (xn >= 0).astype(float),
        "eq": (x == x).astype(float),
        "where": np.where(x > 0, x, y),
        "clip": np.clip(xn, -0.5, 0.5),
        "div_zero": x / (m - m),
        # broadcasting
        "bcast_row": x + row,
        "bcast_col": x * col,
        "bcast_vec": x - vec,
        "bcast_outer": col + row,
        "bcast_3d": t + t[0],
        # reductions
        "sum": x.sum(),
        "sum_0": x.sum(axis=0),
        "sum_1": x.sum(axis=1),
        "sum_keep": x.sum(axis=1, keepdims=True),
        "mean_0": x.mean(axis=0),
        "mean": x.mean(),
        "std": x.std(),
        "var_1": x.var(axis=1),
        "std_ddof": x.std(axis=0, ddof=1),
        "min_1": x.min(axis=1),
        "max": x.max(),
        "prod_0": y.prod(axis=0),
        "argmin": x.argmin(),
        "argmax_0": x.argmax(axis=0),
        "argmin_1": x.argmin(axis=1),
        "ties_argmin_1": ties.argmin(axis=1),
        "ties_argmax_0": ties.argmax(axis=0),
        "any_1": m.any(axis=1).astype(float),
        "all_1": m.all(axis=1).astype(float),
        "all": m.all().astype(float),
        "t_sum_02": t.sum(axis=(0, 2)),
        "t_mean_1": t.mean(axis=1),
        "t_max_neg1": t.max(axis=-1),
        "t_argmax": t.argmax(),
        "t_argmin_2": t.argmin(axis=2),
        "fused_reduce": (np.exp(x) * y - 1).sum(axis=0),
        # NaN handling
        "nan_sum": xn.sum(axis=1),
        "nan_max": xn.max(axis=0),
        "nansum_1": np.nansum(xn, axis=1),
        "nansum": np.nansum(xn),
        "nanmean_1": np.nanmean(xn, axis=1),
        "nanmean_0": np.nanmean(xn, axis=0),
        "nanstd_0": np.nanstd(xn, axis=0),
        "nanvar": np.nanvar(xn),
        "nanmin_1": np.nanmin(xn, axis=1),
        "nanmax_0": np.nanmax(xn, axis=0),
        "nanprod_0": np.nanprod(xn, axis=0),
        "nanargmax_0": np.nanargmax(xn, axis=0),
        "nanargmin": np.nanargmin(xn),
        "argmin_nan_1": xn.argmin(axis=1),
        "any_nan": np.isnan(xn).any(axis=0).astype(float),
        # empty
        "e_sum_0": e.sum(axis=0),
        "e_sum_1": e.sum(axis=1),
        "e_mean_0": e.mean(axis=0),
        "e_add": e + 1,
        "e_sum": e.sum(),
        # cumulative
        "cumsum_0": np.cumsum(x, axis=0),
        "cumsum_1": np.cumsum(x, axis=1),
        "cumsum_chain": np.cumsum(x * 2 + 1, axis=1),
        "t_cumsum_1": np.cumsum(t, axis=1),
        "cumsum_nan": np.cumsum(xn, axis=0),
        # structure
        "slice_basic": x[1:6, 2:9],
        "slice_step": x[::2, 1::3],
        "slice_neg": x[::-1, -2:-9:-2],
        "slice_empty": x[5:2, :],
        "slice_sum": x[1:, ::2].sum(axis=0),
        "transpose": x.T,
        "t_transpose": t.transpose(1, 2, 0),
        "transpose_fused": (x.T * 2).sum(axis=1),
        "rechunk": x * 1,
        "rechunk_t": t * 1,
        "map_blocks": x * x,
        # creation
        "arange": np.arange(0.1, 3.3, 0.2),
        "arange_neg": np.arange(10.0, -3.0, -1.5),
        "linspace": np.linspace(-1.0, 2.0, 13),
        "linspace_noend": np.linspace(0.0, 1.0, 10, endpoint=False),
        "eye": np.eye(7, 9, 2),
        "eye_neg": np.eye(6, 6, -1),
        "full": np.full((3, 4), 2.5),
    }


def enc(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def pack(a):
    a = np.asarray(a, dtype=float)
    return {"shape": list(a.shape), "data": [enc(v) for v in a.ravel()]}


out = {
    "numpy": np.__version__,
    "inputs": {k: pack(v) for k, v in inputs.items()},
    "cases": {k: pack(v) for k, v in cases.items()},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "goldens.json")
with open(path, "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {path}")
