#!/usr/bin/python3
"""Writes structure_goldens.json: small inputs and NumPy's results of gask's indexing,
reshaping, joining, blockwise and overlap operations (array/structure_golden_test.go
builds the same cases by name). MapOverlap cases are checked against the stencil
applied to np.pad of the whole array (Dask's reflect is np.pad's symmetric, nearest is
edge, periodic is wrap, none is no padding: the stencil sees zeros).

Run with Debian's NumPy: /usr/bin/python3 testdata/array/make_structure_goldens.py
"""
import json
import math
import os

import numpy as np

rng = np.random.default_rng(20261123)
x = rng.normal(size=(7, 11))
y = rng.uniform(0.5, 3.0, size=(7, 11))
z = rng.normal(size=(11, 5))
t = rng.normal(size=(4, 5, 6))
u = rng.normal(size=(7,))
v = rng.normal(size=(11,))
row = rng.normal(size=(1, 11))
col = rng.normal(size=(7, 1))
e = np.zeros((0, 5))
mr = (rng.uniform(size=7) > 0.5).astype(float)   # 1-d masks as 0/1
mc = (rng.uniform(size=11) > 0.4).astype(float)
none7 = np.zeros(7)

inputs = dict(x=x, y=y, z=z, t=t, u=u, v=v, row=row, col=col, e=e, mr=mr, mc=mc, none7=none7)


def stencil_padded(p, d0, d1, shape):
    """out[i, j] = sum w[a, b] * p[i + a, j + b] over the (2*d0+1) x (2*d1+1) window."""
    out = np.zeros(shape)
    for a in range(2 * d0 + 1):
        for b in range(2 * d1 + 1):
            w = (a * (2 * d1 + 1) + b + 1) / 10.0
            out += w * p[a:a + shape[0], b:b + shape[1]]
    return out


def overlap(a, d0, d1, mode, **kw):
    return stencil_padded(np.pad(a, ((d0, d0), (d1, d1)), mode=mode, **kw), d0, d1, a.shape)


cases = {
    # integer indexing
    "take_0": np.take(x, [5, -1, 0, 0, 3], axis=0),
    "take_sorted_1": x[:, [0, 1, 2, 5, 6, 10]],
    "take_empty": x[:, []],
    "take_t_neg": np.take(t, [3, -6, 2, 2], axis=-1),
    "take_sum": np.take(x, [6, 1, 4], axis=0).sum(axis=0),
    # boolean masks
    "compress_0": x[mr != 0],
    "compress_1": x[:, mc != 0],
    "compress_none": x[none7 != 0],
    "compress_t": np.compress(mc[:5] != 0, t, axis=1),
    "mask_full": x[x > 0.3],
    "mask_none": x[x > 100],
    "mask_rows": x[u > 0],
    "mask_sizes_sum": x[x > 0].sum(),
    # reshape
    "reshape_flat": x.reshape(77),
    "reshape_11_7": x.reshape(11, 7),
    "reshape_infer": x.reshape(-1, 7),
    "reshape_t_20_6": t.reshape(20, 6),
    "reshape_t_4_30": t.reshape(4, 30),
    "reshape_t_split": t.reshape(2, 2, 5, 6),
    "reshape_t_swap": t.reshape(5, 4, 6),
    "reshape_t_flat_split": t.reshape(2, 3, 4, 5),
    "reshape_t_ones": t.reshape(4, 1, 5, 6, 1),
    "reshape_e": e.reshape(5, 0),
    "reshape_sum": x.reshape(11, 7).sum(axis=0),
    # squeeze, expand
    "squeeze_row": np.squeeze(row),
    "squeeze_col": np.squeeze(col, axis=1),
    "expand_1": np.expand_dims(x, 1),
    "expand_neg": np.expand_dims(x, -1),
    # concatenate, stack
    "concat_0": np.concatenate([x, y], axis=0),
    "concat_1": np.concatenate([x, y, x], axis=1),
    "concat_empty": np.concatenate([x[:, :5], e], axis=0),
    "concat_neg": np.concatenate([t, t * 2], axis=-1),
    "stack_0": np.stack([x, y], axis=0),
    "stack_neg": np.stack([x, y, x], axis=-1),
    "stack_sum": np.stack([x, y], axis=1).sum(axis=1),
    # blockwise
    "bw_add_t": x + y,
    "bw_matmul": x @ z,
    "bw_outer": np.outer(u, v),
    "bw_rowsum": x.sum(axis=1),
    # map_overlap
    "overlap_reflect_11": overlap(x, 1, 1, "symmetric"),
    "overlap_nearest_21": overlap(x, 2, 1, "edge"),
    "overlap_periodic_12": overlap(x, 1, 2, "wrap"),
    "overlap_none_11": overlap(x, 1, 1, "constant"),
    "overlap_const_10": overlap(x, 1, 0, "constant", constant_values=2.5),
    "overlap_reflect_02": overlap(x, 0, 2, "symmetric"),
}


def enc(val):
    val = float(val)
    if math.isnan(val):
        return "nan"
    if math.isinf(val):
        return "inf" if val > 0 else "-inf"
    return val


def pack(a):
    a = np.asarray(a, dtype=float)
    return {"shape": list(a.shape), "data": [enc(val) for val in a.ravel()]}


out = {
    "numpy": np.__version__,
    "inputs": {k: pack(val) for k, val in inputs.items()},
    "cases": {k: pack(val) for k, val in cases.items()},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "structure_goldens.json")
with open(path, "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {path}")
