#!/usr/bin/python3
"""db-benchmark (H2O) group-by questions q1..q10 on Dask, following
db-benchmark's dask solution (groupby-dask.py).

Run it with /usr/bin/python3, which has Debian's Dask 2022.12 and pandas 1.5.3
(the first python3 on PATH may not):

    /usr/bin/python3 bench/peers/dask_groupby.py [--runs N] [--q q1,q2] G1_*.csv

It uses dask.dataframe with its default scheduler for dataframes without a
distributed Client, the threaded one (one thread per core), and calls
.compute() once per question. It prints one line per step (see README.md
for the contract):

    peer=dask q=<load|q1..q10> seconds=<float> rows=<n> sums=<s1,s2,...>
"""
import argparse
import math
import os
import sys
import time
import warnings

import dask
import dask.dataframe as dd
import pandas as pd

warnings.filterwarnings("ignore")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import line  # noqa: E402






def col_sums(df):
    """Sums of every result column, in order. The group keys are in the index
    (as .agg leaves them), so every column is a numeric result. NaN and NA
    values are left out (pandas' skipna, as SQL's sum does); e.g. q9's r2 is
    NaN for a group whose v1 or v2 is constant."""
    return [df.iloc[:, i].astype("float64").sum() for i in range(df.shape[1])]


# db-benchmark's dask dtypes: the string ids as category, the others nullable
# Int32.
DTYPES = {
    "id1": "category", "id2": "category", "id3": "category",
    "id4": "Int32", "id5": "Int32", "id6": "Int32",
    "v1": "Int32", "v2": "Int32", "v3": "float64",
}

GB = dict(dropna=False, observed=True)


def questions(x):
    return [
        ("q1", lambda: x.groupby("id1", **GB).agg({"v1": "sum"})),
        ("q2", lambda: x.groupby(["id1", "id2"], **GB).agg({"v1": "sum"})),
        ("q3", lambda: x.groupby("id3", **GB).agg({"v1": "sum", "v3": "mean"})),
        ("q4", lambda: x.groupby("id4", **GB).agg({"v1": "mean", "v2": "mean", "v3": "mean"})),
        ("q5", lambda: x.groupby("id6", **GB).agg({"v1": "sum", "v2": "sum", "v3": "sum"})),
        # Dask 2022.12 does support 'median' in groupby .agg, but only with a
        # shuffle-based aggregation (shuffle='tasks'; a tree reduction raises
        # ValueError): the rows are shuffled by key and pandas computes median
        # and std (ddof=1) per group. db-benchmark's later dask solution does
        # the same (with shuffle='p2p', which needs distributed).
        ("q6", lambda: x.groupby(["id4", "id5"], **GB).agg({"v3": ["median", "std"]}, shuffle="tasks")),
        ("q7", lambda: x.groupby("id3", **GB).agg({"v1": "max", "v2": "min"})
            .assign(range_v1_v2=lambda d: d["v1"] - d["v2"])[["range_v1_v2"]]),
        # As db-benchmark: groupby-apply of nlargest (a full shuffle by id6).
        ("q8", lambda: x[~x["v3"].isna()][["id6", "v3"]].groupby("id6", **GB)
            .apply(lambda d: d.nlargest(2, columns="v3"), meta={"id6": "Int32", "v3": "float64"})[["v3"]]),
        # As db-benchmark: groupby-apply of pandas' corr (no built-in grouped
        # corr aggregation in this Dask).
        ("q9", lambda: x[["id2", "id4", "v1", "v2"]].groupby(["id2", "id4"], **GB)
            .apply(lambda d: pd.Series({"r2": d.corr()["v1"]["v2"] ** 2}), meta={"r2": "float64"})),
        ("q10", lambda: x.groupby(["id1", "id2", "id3", "id4", "id5", "id6"], **GB)
            .agg({"v3": "sum", "v1": "size"})),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1,
                    help="repetitions per step; the minimum time is reported")
    ap.add_argument("--q", default="", help="comma-separated questions (default all)")
    ap.add_argument("csv")
    a = ap.parse_args()
    if a.runs < 1:
        ap.error("--runs must be >= 1")
    if not os.path.exists(a.csv):
        sys.exit("dask_groupby: no such file: %s" % a.csv)
    only = set(q for q in a.q.split(",") if q)

    print("dask %s, pandas %s, scheduler %s, csv %s, runs %d"
          % (dask.__version__, pd.__version__,
             dask.config.get("scheduler", "threads (default)"), a.csv, a.runs),
          file=sys.stderr)

    # Load: read and persist in memory (the threaded scheduler computes the
    # partitions before persist returns), as db-benchmark does.
    best = math.inf
    x = None
    for _ in range(a.runs):
        x = None
        t0 = time.perf_counter()
        x = dd.read_csv(a.csv, dtype=DTYPES).persist()
        best = min(best, time.perf_counter() - t0)
    n, s1, s2, s3 = dask.compute(x.shape[0], x["v1"].sum(), x["v2"].sum(), x["v3"].sum())
    line("load", best, n, [s1, s2, s3])

    for name, build in questions(x):
        if only and name not in only:
            continue
        best = math.inf
        ans = None
        for _ in range(a.runs):
            ans = None
            t0 = time.perf_counter()
            ans = build().compute()
            best = min(best, time.perf_counter() - t0)
        line(name, best, len(ans), col_sums(ans))


if __name__ == "__main__":
    main()
