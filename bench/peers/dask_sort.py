#!/usr/bin/python3
"""Sorting the db-benchmark (H2O) group-by data on Dask, beside gask's
bench/cmd/gask-sort: s1 sorts every row by id6 (an integer column), s2 by id3 (a
string column), each materialising the whole sorted table in memory
(x.sort_values(col).persist()); s3 sets id6 as the index (x.set_index("id6"),
its pass computing the divisions included). set_index has no tie-breaker, so
s3's order checksum is always "unstable" (first and last value compared).

Run it with /usr/bin/python3, which has Debian's Dask 2022.12 and pandas 1.5.3
(the first python3 on PATH may not):

    /usr/bin/python3 bench/peers/dask_sort.py [--runs N] [--q s1,s2] \\
        [--tiebreak row|none] [--shuffle disk|tasks] [--blocksize BYTES] \\
        G1_1e7_1e2_0_0.csv

Stability. Dask 2022.12 sorts a multi-partition frame by one column only: it
computes the quantiles of that column, shuffles the rows into range partitions
and sorts every partition with pandas. Neither step keeps ties in file order by
itself: the default "disk" shuffle (partd) appends the pieces of an output
partition in whatever order the threads finish, and pandas' default sort is a
quicksort. So the load gives x a global row number as its index (named "_row",
file order; its cost is part of the load), and each partition is sorted by
[col, "_row"] (sort_function_kwargs overrides the by of the per-partition
pandas sort_values, which accepts index level names), which makes the result
the stable order, as in gask, DuckDB (rowid) and Polars (maintainOrder). With
--tiebreak none the partitions are sorted by the column alone (pandas'
quicksort), and the order checksum is reported as "unstable" (the sum is
written to stderr).

It uses the default scheduler for dataframes without a distributed Client, the
threaded one (one thread per core), and prints one line per step (see
README.md, section Sort):

    peer=dask q=<load|s1|s2> seconds=<float> rows=<n> sums=<first>,<last>,<sum v1[i]*(i%7)> peak_rss_mib=<n>
"""
import argparse
import gc
import math
import os
import sys
import time
import warnings

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import line, peak_field, reset_peak_rss  # noqa: E402

STEPS = [
    ("s1", "id6"),  # int32, 1e5 distinct values at 1e7 rows
    ("s2", "id3"),  # object strings ("id0000012345"), 1e5 distinct values
    ("s3", "id6"),  # set_index: divisions from a pass over id6, then the sort
]








# id1..id3 as plain Python strings (object, not category: the string sort
# compares strings), the other ids and v1, v2 int32, v3 float64.
DTYPES = {"id1": "object", "id2": "object", "id3": "object",
          "id4": "int32", "id5": "int32", "id6": "int32",
          "v1": "int32", "v2": "int32", "v3": "float64"}


def with_rows(df, offsets, partition_info=None):
    """The partition with its rows' global numbers (file order) as the index."""
    start = offsets[partition_info["number"]] if partition_info else 0
    df.index = pd.RangeIndex(start, start + len(df), name="_row")
    return df


def load(path, tiebreak, blocksize):
    x = dd.read_csv(path, na_filter=False, dtype=DTYPES, blocksize=blocksize).persist()
    if tiebreak == "row":
        lens = x.map_partitions(len).compute()
        offsets = np.concatenate([[0], np.cumsum(lens)[:-1]]).tolist()
        meta = x._meta.copy()
        meta.index = pd.RangeIndex(0, 0, name="_row")
        x = x.map_partitions(with_rows, offsets, meta=meta).persist()
    return x


def order_sums(parts, by):
    """The sort steps' checksum over the sorted partitions (pandas frames, in
    order): the first and the last value of column by, then the sum over the
    rows i (from 0) of v1[i] * (i mod 7)."""
    parts = [p for p in parts if len(p)]
    first, last = parts[0][by].iloc[0], parts[-1][by].iloc[-1]
    total, i = 0, 0
    for p in parts:
        w = (np.arange(i, i + len(p), dtype=np.int64) % 7)
        total += int((p["v1"].to_numpy(dtype=np.int64) * w).sum())
        i += len(p)
    return "%s,%s,%d" % (first, last, total), i


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1,
                    help="repetitions per step; the minimum time is reported")
    ap.add_argument("--q", default="", help="comma-separated steps (default all)")
    ap.add_argument("--tiebreak", choices=["row", "none"], default="row",
                    help="row: sort every partition by [col, global row number], a "
                    "stable sort (the default); none: by col alone")
    ap.add_argument("--shuffle", choices=["disk", "tasks"], default=None,
                    help="Dask's shuffle method (default: its own, disk without "
                    "a distributed Client)")
    ap.add_argument("--blocksize", default="default",
                    help="bytes of CSV per partition (default: dd.read_csv's, 64 MB)")
    ap.add_argument("path", metavar="CSV")
    a = ap.parse_args()
    if a.runs < 1:
        ap.error("--runs must be >= 1")
    if not os.path.exists(a.path):
        sys.exit("dask_sort: no such file: %s" % a.path)
    only = set(q for q in a.q.split(",") if q)
    unknown = only - {"s1", "s2", "s3"}
    if unknown:
        ap.error("unknown step(s) %s (s1, s2, s3)" % ",".join(sorted(unknown)))
    if a.shuffle:
        dask.config.set(shuffle=a.shuffle)
    if a.blocksize != "default":
        a.blocksize = int(float(a.blocksize))

    print("dask %s, pandas %s, scheduler %s, shuffle %s, tiebreak %s, csv %s, runs %d"
          % (dask.__version__, pd.__version__,
             dask.config.get("scheduler", "threads (default)"),
             dask.config.get("shuffle", "disk (default)"), a.tiebreak, a.path, a.runs),
          file=sys.stderr)

    best = math.inf
    x = None
    reset_peak_rss()
    for _ in range(a.runs):
        x = None
        gc.collect()
        t0 = time.perf_counter()
        x = load(a.path, a.tiebreak, a.blocksize)
        best = min(best, time.perf_counter() - t0)
    peak = peak_field()
    n, s1, s2, s3 = dask.compute(x.shape[0], x["v1"].sum(), x["v2"].sum(), x["v3"].sum())
    print("dask: %d rows in %d partitions" % (n, x.npartitions), file=sys.stderr)
    line("load", best, n, [s1, s2, s3], peak)

    for name, by in STEPS:
        if only and name not in only:
            continue
        kw = {"by": [by, "_row"]} if a.tiebreak == "row" else None
        best = math.inf
        ans = None
        gc.collect()
        reset_peak_rss()
        for _ in range(a.runs):
            ans = None
            gc.collect()
            t0 = time.perf_counter()
            if name == "s3":
                ans = x.set_index(by).persist()
            else:
                ans = x.sort_values(by, sort_function_kwargs=kw).persist()
            best = min(best, time.perf_counter() - t0)
        peak = peak_field()  # before the checksum's own work
        parts = dask.compute(*ans.to_delayed())
        if name == "s3":
            parts = [p.reset_index() for p in parts]
        sums, rows = order_sums(parts, by)
        parts = None
        if a.tiebreak == "none" or name == "s3":
            print("dask_sort: %s without a tie-breaker: sums=%s" % (name, sums), file=sys.stderr)
            sums = sums[:sums.rindex(",")] + ",unstable"
        line(name, best, rows, sums, peak)
        ans = None


if __name__ == "__main__":
    main()
