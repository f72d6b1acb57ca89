#!/usr/bin/python3
"""Dask side of bench/procs_test.go (issue 7): per-task overhead of the foundation
issue's graph (N trivial inc tasks and a tree sum with fan-in 100, inc_tree_sum of
bench/dask_overhead.py) on Dask's processes scheduler and on a distributed
LocalCluster of two single-threaded worker processes, and moving record batches
between that cluster's workers.

    /usr/bin/python3 bench/peers/dask_procs.py [--n-processes N] [--n-cluster N]
                                               [--batches B] [--batch-mib M] [--runs R]

Lines on stdout (minimum over runs):

    dask processes N=<n> tasks=<t> ns/task=<f> cpu-ns/task=<f> sum=<s> start_ms=<f> ...
    dask cluster N=<n> tasks=<t> ns/task=<f> cpu-ns/task=<f> sum=<s> start_ms=<f>
    dask transfer batches=<b> batch_mib=<m> crossed_mib=<c> seconds=<f> GB/s=<f>
        cpu-s/GB=<f> sum=<s>

cpu figures are the CPU time of this process and all its children (pool, nannies,
workers) during the timed run, as go test's cpu-ns/task and cpu-s/GB.

The processes scheduler runs dask.multiprocessing.get (what scheduler="processes"
runs) on a pool of two processes made once (its start is start_ms, as a gask
session's), with Dask's defaults otherwise (graph culling and fusion, batches of
chunksize=6 tasks a submission). The cluster runs client.get of the same graph dict.
The transfer makes B pandas DataFrames of an int64 column i and a float64 column f
(M MiB each, 16 bytes a row, i = seed*rows + j, f = i / 2), half on each worker
(pinned with workers=); then, timed, B consumer tasks each take one frame made on
each worker, so one of the two crosses to it wherever it runs, and report the bytes
they got from the other process: GB/s is those bytes over the consumers' wall time.
Batch size follows go test: 64 MiB with GASK_BENCH_FULL, 4 MiB otherwise.
"""
import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import dask
import dask.multiprocessing
import numpy as np
import pandas as pd
import psutil

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))  # bench/, for dask_overhead
import peerlib  # noqa: E402
from dask_overhead import inc_tree_sum  # noqa: E402


def cpu_seconds():
    """CPU time (user and system) of this process and every live process under it
    (the pool's, the cluster's nannies and workers): what a run costs on a machine
    shared with other work, where wall times stretch."""
    me = psutil.Process()
    total = 0.0
    for p in [me] + me.children(recursive=True):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def tasks_and_want(n):
    dsk, _ = inc_tree_sum(n)
    return len(dsk), n * (n + 1) // 2


def run_graph(get, n, runs, label):
    """The least wall time of runs get(dsk, out) calls, checking the sum, and the
    CPU time of that run."""
    want = n * (n + 1) // 2
    best, best_cpu = float("inf"), 0.0
    for _ in range(runs):
        dsk, out = inc_tree_sum(n)
        c, t = cpu_seconds(), time.perf_counter()
        got = get(dsk, out)
        t, c = time.perf_counter() - t, cpu_seconds() - c
        if t < best:
            best, best_cpu = t, c
        if got != want:
            sys.exit(f"dask_procs: {label} N={n}: sum {got}, want {want}")
    return best, best_cpu, want


def warm(x):
    return x


def bench_processes(n, runs):
    t = time.perf_counter()
    ctx = dask.multiprocessing.get_context()
    pool = ProcessPoolExecutor(2, mp_context=ctx)
    # The pool starts its processes lazily: make them run something first.
    list(pool.map(warm, range(4)))
    start = time.perf_counter() - t
    try:
        def get(dsk, out):
            return dask.multiprocessing.get(dsk, out, pool=pool)
        secs, cpu, s = run_graph(get, n, runs, "processes")
    finally:
        pool.shutdown()
    tasks, _ = tasks_and_want(n)
    print(f"dask processes N={n} tasks={tasks} ns/task={secs * 1e9 / tasks:.1f} "
          f"cpu-ns/task={cpu * 1e9 / tasks:.1f} sum={s} start_ms={start * 1e3:.1f} "
          f"context={ctx.get_start_method()}", flush=True)


def make_batch(seed, rows):
    i = np.arange(seed * rows, (seed + 1) * rows, dtype=np.int64)
    return {"pid": os.getpid(), "df": pd.DataFrame({"i": i, "f": i / 2})}


def consume(*batches):
    """The sum of column i of the batches, checking f, and the bytes of those made by
    another process."""
    s, crossed = 0, 0
    for b in batches:
        df = b["df"]
        i, f = df["i"].to_numpy(), df["f"].to_numpy()
        s += int(i.sum())
        if not np.array_equal(f[::4096], i[::4096] / 2):
            raise ValueError("column f is not i / 2")
        if b["pid"] != os.getpid():
            crossed += i.nbytes + f.nbytes
    return s, crossed


def batch_sum(seed, rows):
    return seed * rows * rows + rows * (rows - 1) // 2


def bench_cluster(n, runs, batches, mib):
    from distributed import Client, LocalCluster, wait

    t = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        start = time.perf_counter() - t
        secs, cpu, s = run_graph(client.get, n, runs, "cluster")
        tasks, _ = tasks_and_want(n)
        print(f"dask cluster N={n} tasks={tasks} ns/task={secs * 1e9 / tasks:.1f} "
              f"cpu-ns/task={cpu * 1e9 / tasks:.1f} sum={s} start_ms={start * 1e3:.1f}",
              flush=True)

        workers = sorted(client.scheduler_info()["workers"])
        if len(workers) != 2:
            sys.exit(f"dask_procs: {len(workers)} workers, want 2")
        rows = mib * (1 << 20) // 16
        best, best_cpu, crossed_once, total = float("inf"), 0.0, 0, 0
        for r in range(runs):
            made = [client.submit(make_batch, i, rows, workers=[workers[i % 2]],
                                  allow_other_workers=False, pure=False,
                                  key=f"batch-{r}-{i}")
                    for i in range(batches)]
            wait(made)
            sides = [made[0::2], made[1::2]]
            want = 0
            c0, t = cpu_seconds(), time.perf_counter()
            outs = []
            for c in range(batches):
                x, y = c % len(sides[0]), c % len(sides[1])
                want += batch_sum(2 * x, rows) + batch_sum(2 * y + 1, rows)
                outs.append(client.submit(consume, sides[0][x], sides[1][y],
                                          pure=False, key=f"consume-{r}-{c}"))
            res = client.gather(outs)
            t, c0 = time.perf_counter() - t, cpu_seconds() - c0
            if t < best:
                best, best_cpu = t, c0
            got = sum(x for x, _ in res)
            crossed = sum(c for _, c in res)
            if got != want:
                sys.exit(f"dask_procs: transfer sum {got}, want {want}")
            if crossed != batches * rows * 16:
                sys.exit(f"dask_procs: {crossed} bytes crossed, want {batches * rows * 16}")
            crossed_once, total = crossed, got
            del made, outs, sides
        print(f"dask transfer batches={batches} batch_mib={mib} "
              f"crossed_mib={crossed_once / (1 << 20):.0f} seconds={best:.6f} "
              f"GB/s={crossed_once / best / 1e9:.4f} "
              f"cpu-s/GB={best_cpu / (crossed_once / 1e9):.3f} sum={total}", flush=True)


def main():
    full = bool(os.environ.get("GASK_BENCH_FULL"))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n-processes", type=int, default=10_000,
                   help="inc tasks on the processes scheduler (default %(default)s)")
    p.add_argument("--n-cluster", type=int, default=2_000,
                   help="inc tasks on the LocalCluster (default %(default)s)")
    p.add_argument("--batches", type=int, default=16)
    p.add_argument("--batch-mib", type=int, default=64 if full else 4)
    p.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "3")))
    args = p.parse_args()
    print(f"# python={sys.version.split()[0]} dask={dask.__version__} "
          f"pandas={pd.__version__} numpy={np.__version__}", flush=True)
    bench_processes(args.n_processes, args.runs)
    bench_cluster(args.n_cluster, args.runs, args.batches, args.batch_mib)


if __name__ == "__main__":
    main()
