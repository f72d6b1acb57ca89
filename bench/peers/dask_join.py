#!/usr/bin/python3
"""db-benchmark (H2O) join questions q1..q5 on Dask, following db-benchmark's
dask solution (join-dask.py).

Run it with /usr/bin/python3, which has Debian's Dask 2022.12 and pandas 1.5.3
(the first python3 on PATH may not):

    /usr/bin/python3 bench/peers/dask_join.py [--runs N] [--q q1,q2] \\
        X.csv SMALL.csv MEDIUM.csv BIG.csv

(J1_1e7_NA_0_0.csv J1_1e7_1e1_0_0.csv J1_1e7_1e4_0_0.csv J1_1e7_1e7_0_0.csv.)
It uses dask.dataframe with its default scheduler for dataframes without a
distributed Client, the threaded one (one thread per core), and Dask's default
merge strategy: a right table of one partition (small, medium) is merged into
every partition of x; big is hash-joined after shuffling both sides by id3
(Dask's default shuffle without distributed, "disk", through partd). Each
question is x.merge(...).compute() into a pandas DataFrame. It prints one line
per step (see README.md for the contract):

    peer=dask q=<load|q1..q5> seconds=<float> rows=<n> sums=<s1,s2> peak_rss_mib=<n>
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
import pandas as pd

warnings.filterwarnings("ignore")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import line, peak_field, reset_peak_rss  # noqa: E402










def dtypes(cols, vcol, strings):
    """db-benchmark's dask dtypes for the join tables: the string ids
    (id4..id6) category (or, with --strings object, plain Python strings);
    the integer ids int64 and v1/v2 float64 (what pandas infers; given
    explicitly)."""
    out = {}
    for c in cols:
        out[c] = strings if c in ("id4", "id5", "id6") else "int64"
    out[vcol] = "float64"
    return out


TABLES = [
    ("x", ["id1", "id2", "id3", "id4", "id5", "id6"], "v1"),
    ("small", ["id1", "id4"], "v2"),
    ("medium", ["id1", "id2", "id4", "id5"], "v2"),
    ("big", ["id1", "id2", "id3", "id4", "id5", "id6"], "v2"),
]


def load(paths, strings):
    # Read and persist in memory (the threaded scheduler computes the
    # partitions before persist returns), as db-benchmark does; na_filter=False
    # as there (the data has no missing values).
    return [dd.read_csv(p, na_filter=False, dtype=dtypes(cols, vcol, strings)).persist()
            for p, (_, cols, vcol) in zip(paths, TABLES)]


def questions(x, small, medium, big):
    # db-benchmark's solution: pandas' merge semantics; the right table's
    # clashing non-key columns get the _x/_y suffixes.
    return [
        ("q1", lambda: x.merge(small, on="id1")),               # small inner on int
        ("q2", lambda: x.merge(medium, on="id2")),              # medium inner on int
        ("q3", lambda: x.merge(medium, how="left", on="id2")),  # medium outer (left) on int
        ("q4", lambda: x.merge(medium, on="id5")),              # medium inner on factor
        ("q5", lambda: x.merge(big, on="id3")),                 # big inner on int
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1,
                    help="repetitions per step; the minimum time is reported")
    ap.add_argument("--q", default="", help="comma-separated questions (default all)")
    ap.add_argument("--strings", choices=["category", "object"], default="category",
                    help="dtype of id4..id6: category (db-benchmark's, the default) "
                    "or object (plain strings; several times faster here, since "
                    "id6 has ~1e7 distinct values and every partition its own "
                    "categories, which .compute() must unify)")
    ap.add_argument("paths", nargs=4, metavar="CSV", help="x, small, medium, big")
    a = ap.parse_args()
    if a.runs < 1:
        ap.error("--runs must be >= 1")
    for p in a.paths:
        if not os.path.exists(p):
            sys.exit("dask_join: no such file: %s" % p)
    only = set(q for q in a.q.split(",") if q)
    unknown = only - {"q1", "q2", "q3", "q4", "q5"}
    if unknown:
        ap.error("unknown question(s) %s (q1..q5)" % ",".join(sorted(unknown)))

    print("dask %s, pandas %s, scheduler %s, shuffle %s, strings %s, x %s, runs %d"
          % (dask.__version__, pd.__version__,
             dask.config.get("scheduler", "threads (default)"),
             dask.config.get("shuffle", "disk (default)"), a.strings, a.paths[0], a.runs),
          file=sys.stderr)

    # Load the four tables, timed together.
    best = math.inf
    tables = None
    reset_peak_rss()
    for _ in range(a.runs):
        tables = None
        gc.collect()
        t0 = time.perf_counter()
        tables = load(a.paths, a.strings)
        best = min(best, time.perf_counter() - t0)
    peak = peak_field()
    x, small, medium, big = tables
    n, s1 = dask.compute(x.shape[0], x["v1"].sum())
    print("dask: x %d rows in %d partitions, small %d, medium %d, big %d in %d"
          % (n, x.npartitions, len(small), len(medium), len(big), big.npartitions),
          file=sys.stderr)
    line("load", best, n, [s1], peak)

    for name, build in questions(x, small, medium, big):
        if only and name not in only:
            continue
        best = math.inf
        ans = None
        gc.collect()
        reset_peak_rss()
        for _ in range(a.runs):
            ans = None
            gc.collect()
            t0 = time.perf_counter()
            ans = build().compute()
            best = min(best, time.perf_counter() - t0)
        peak = peak_field()
        # Sums skip NaN (pandas' skipna): q3's v2 is NaN for the rows of x
        # without a match.
        line(name, best, len(ans), [ans["v1"].sum(), ans["v2"].sum()], peak)
        ans = None


if __name__ == "__main__":
    main()
