#!/usr/bin/python3
"""Dask counterpart of BenchmarkSchedulerOverhead in bench/overhead_test.go.

Builds, as a plain Dask graph dict, the same graph as incTreeSum: N trivial
tasks ('inc', i) = inc(i), then a tree sum with fan-in 100 whose level d has
keys ('sum-d', j), until a single key remains. Times graph building and
running on Dask's sync and threads schedulers and prints one line per run:

    dask <sched> N=<n> ns/task=<f> tasks=<n> build_s=<f> run_s=<f> sum_ok=true

Run with /usr/bin/python3 (Debian's python3-dask); see compare_overhead.sh.
"""

import argparse
import platform
import sys
import time

import dask
import dask.local
import dask.threaded

FAN_IN = 100
DEFAULT_SIZES = (10_000, 100_000)
SCHEDULERS = (
    ("sync", dask.local.get_sync),
    ("threads", dask.threaded.get),
)


def inc(x):
    return x + 1


def inc_tree_sum(n):
    """Return (graph, output key) mirroring incTreeSum(n) in Go."""
    dsk = {}
    level = [("inc", i) for i in range(n)]
    for i, key in enumerate(level):
        dsk[key] = (inc, i)
    d = 0
    while len(level) > 1:
        name = f"sum-{d}"
        nxt = []
        for i in range(0, len(level), FAN_IN):
            key = (name, i // FAN_IN)
            # A list of keys in a task is replaced by the list of their values.
            dsk[key] = (sum, level[i:i + FAN_IN])
            nxt.append(key)
        level = nxt
        d += 1
    return dsk, level[0]


def bench(get, n, reps):
    """Return (tasks, best build seconds, best run seconds) over reps runs."""
    want = n * (n + 1) // 2
    best_build = best_run = float("inf")
    tasks = 0
    for _ in range(reps):
        t0 = time.perf_counter()
        dsk, out = inc_tree_sum(n)
        t1 = time.perf_counter()
        got = get(dsk, out)
        t2 = time.perf_counter()
        if got != want:
            sys.exit(f"dask_overhead: wrong sum for N={n}: got {got}, "
                     f"want {want}")
        tasks = len(dsk)
        best_build = min(best_build, t1 - t0)
        best_run = min(best_run, t2 - t1)
        del dsk
    return tasks, best_build, best_run


def versions():
    try:
        import pandas
        pandas_version = pandas.__version__
    except ImportError:
        pandas_version = "not-installed"
    return (f"# python={platform.python_version()} dask={dask.__version__} "
            f"pandas={pandas_version}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int,
                        default=list(DEFAULT_SIZES),
                        help="graph sizes N (default: %(default)s)")
    parser.add_argument("--reps", type=int, default=3,
                        help="repetitions per run, minimum taken "
                             "(max 3; 1 for N >= 1e6)")
    args = parser.parse_args()
    if any(n < 1 for n in args.sizes):
        parser.error("sizes must be positive")

    print(versions(), flush=True)
    for name, get in SCHEDULERS:
        for n in args.sizes:
            reps = 1 if n >= 1_000_000 else max(1, min(args.reps, 3))
            tasks, build_s, run_s = bench(get, n, reps)
            print(f"dask {name} N={n} ns/task={run_s * 1e9 / tasks:.1f} "
                  f"tasks={tasks} build_s={build_s:.6f} run_s={run_s:.6f} "
                  f"sum_ok=true", flush=True)


if __name__ == "__main__":
    main()
