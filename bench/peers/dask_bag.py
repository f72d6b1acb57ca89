"""Dask bag runner of the bag benchmarks (issue 6), beside bench/cmd/gask-bag:

  wc    read_text -> str.split -> flatten -> frequencies -> topk(100 by count)
  json  read_text -> map(json.loads) -> filter(kind != "view") -> foldby(user:
        count, sum of amount)

  /usr/bin/python3 bench/peers/dask_bag.py [--runs N] [--q wc,json]
      [--scheduler processes|threads] [--blocksize BYTES] TEXT_GLOB JSON_GLOB

Prints one line per step in the bench/peers format (README, section Bag) with
peer=dask for the processes scheduler (Dask bag's default) and peer=dask-threads
for threads. The check sums are gask-bag's: wc's rows are the words of the top 100,
its sums the sum of their counts and of count * h(word), h(w) = sum over the bytes
of (position+1) * byte; json's rows are the users, its sums the sums over users of
the count, the amount, u * count and u * amount (u00042: u = 42)."""
import argparse
import json
import sys
import time

import dask
import dask.bag as db

from peerlib import fmt


def word_hash(w):
    return sum((i + 1) * c for i, c in enumerate(w.encode()))


def not_view(r):
    return r["kind"] != "view"


def user(r):
    return r["user"]


def add_record(a, r):
    return (a[0] + 1, a[1] + r["amount"])


def add_acc(a, b):
    return (a[0] + b[0], a[1] + b[1])


def count_of(kv):
    return kv[1]


def wc(text, blocksize, scheduler):
    words = db.read_text(text, blocksize=blocksize).str.split().flatten()
    top = words.frequencies().topk(100, key=count_of).compute(scheduler=scheduler)
    sums = [sum(n for _, n in top), sum(n * word_hash(w) for w, n in top)]
    return len(top), sums


def fold(js, blocksize, scheduler):
    recs = db.read_text(js, blocksize=blocksize).map(json.loads)
    groups = recs.filter(not_view).foldby(user, add_record, (0, 0.0), add_acc, (0, 0.0)).compute(scheduler=scheduler)
    s = [0, 0.0, 0, 0.0]
    for k, (n, amount) in groups:
        u = int(k[1:])
        s[0] += n
        s[1] += amount
        s[2] += u * n
        s[3] += u * amount
    return len(groups), s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--q", default="wc,json")
    ap.add_argument("--scheduler", default="processes", choices=["processes", "threads"])
    ap.add_argument("--blocksize", type=int, default=16 << 20)
    ap.add_argument("text")
    ap.add_argument("json")
    a = ap.parse_args()
    peer = "dask" if a.scheduler == "processes" else "dask-threads"
    steps = {"wc": (wc, a.text), "json": (fold, a.json)}
    for q in a.q.split(","):
        if q not in steps:
            sys.exit("dask_bag.py: unknown step %r (wc, json)" % q)
        fn, path = steps[q]
        best = None
        for _ in range(a.runs):
            t0 = time.perf_counter()
            rows, sums = fn(path, a.blocksize, a.scheduler)
            sec = time.perf_counter() - t0
            best = sec if best is None else min(best, sec)
        print("peer=%s q=%s seconds=%.6f rows=%d sums=%s" % (peer, q, best, rows, ",".join(fmt(v) for v in sums)), flush=True)


if __name__ == "__main__":
    main()
