#!/usr/bin/python3
"""Golden results for the merge_asof tests, computed by real pandas.

Run with Debian's pandas: /usr/bin/python3 testdata/dataframe/make_asof_goldens.py
It writes the inputs — asof-trades-0.csv .. asof-trades-3.csv (the left side) and
asof-quotes-0.csv .. asof-quotes-3.csv (the right side), each sorted by time across
its files, with the second file of each without rows, equal times within and across
files, and a timestamp column ts that grows with time — and one golden CSV per
merge_asof in golden/asof_*.csv. dataframe/asof_test.go runs the same merges with
gask, one partition per file, and compares them row by row: merge_asof keeps the
left's order.
"""

import os
import random

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")
TICKERS = ["AAPL", "MSFT", "GOOG"]
START = pd.Timestamp("2024-01-02 09:30:00")


def times(rng, n, start, steps):
    out, t = [], start
    for _ in range(n):
        out.append(t)
        t += rng.choice(steps)
    return out


def write_parts(df, name, cuts):
    for part, (lo, hi) in enumerate(zip(cuts, cuts[1:])):
        df.iloc[lo:hi].to_csv(os.path.join(HERE, f"{name}-{part}.csv"),
                              index=False, na_rep="")


def make_inputs():
    rng = random.Random(11)
    tt = times(rng, 60, 3, [0, 1, 2, 3, 5])
    tt[20] = tt[19]  # the same time on both sides of a partition edge
    trades = pd.DataFrame({
        "time": tt,
        "ticker": [rng.choice(TICKERS) for _ in tt],
        "price": [round(rng.uniform(90, 110), 2) for _ in tt],
        "qty": [rng.randint(1, 500) for _ in tt],
    })
    trades["ts"] = START + pd.to_timedelta(trades["time"], unit="s")
    qt = times(rng, 80, 0, [0, 1, 1, 2, 4])
    qt[55] = qt[54]  # an equal time across the right's partition edge
    quotes = pd.DataFrame({
        "time": qt,
        "ticker": [rng.choice(TICKERS) for _ in qt],
        "bid": [None if i % 11 == 5 else round(rng.uniform(90, 110), 2)
                for i in range(len(qt))],
        "price": [round(rng.uniform(90, 110), 2) for _ in qt],
        "seq": list(range(len(qt))),
    })
    quotes["ts"] = START + pd.to_timedelta(quotes["time"], unit="s")
    write_parts(trades, "asof-trades", [0, 20, 20, 40, 60])
    write_parts(quotes, "asof-quotes", [0, 25, 25, 55, 80])
    left = pd.concat([pd.read_csv(os.path.join(HERE, f"asof-trades-{p}.csv"))
                      for p in range(4)], ignore_index=True)
    right = pd.concat([pd.read_csv(os.path.join(HERE, f"asof-quotes-{p}.csv"))
                       for p in range(4)], ignore_index=True)
    # A file without rows reads as text columns: give the columns their types.
    left = left.astype({"time": "int64", "price": "float64", "qty": "int64"})
    right = right.astype({"time": "int64", "bid": "float64",
                          "price": "float64", "seq": "int64"})
    for df in (left, right):
        df["ts"] = pd.to_datetime(df["ts"])
    return left, right


def merges(left, right):
    m = pd.merge_asof
    g = {}
    for d in ["backward", "forward", "nearest"]:
        g[f"asof_{d}"] = m(left, right, on="time", direction=d)
        g[f"asof_{d}_noexact"] = m(left, right, on="time", direction=d,
                                   allow_exact_matches=False)
        g[f"asof_{d}_tol1"] = m(left, right, on="time", direction=d, tolerance=1)
        g[f"asof_by_{d}"] = m(left, right, on="time", by="ticker", direction=d)
    g["asof_by_nearest_tol3_noexact"] = m(left, right, on="time", by="ticker",
                                          direction="nearest", tolerance=3,
                                          allow_exact_matches=False)
    g["asof_ts_backward_tol3s"] = m(left, right, on="ts", direction="backward",
                                    tolerance=pd.Timedelta("3s"))
    g["asof_ts_by_nearest_tol2s"] = m(left, right, on="ts", by="ticker",
                                      direction="nearest",
                                      tolerance=pd.Timedelta("2s"))
    g["asof_left_right_on"] = m(left, right.rename(columns={"time": "qtime"}),
                                left_on="time", right_on="qtime",
                                direction="forward")
    g["asof_empty_right"] = m(left, right.iloc[0:0], on="time")
    return g


def main():
    os.makedirs(GOLDEN, exist_ok=True)
    left, right = make_inputs()
    for name, res in merges(left, right).items():
        res.to_csv(os.path.join(GOLDEN, name + ".csv"), index=False,
                   na_rep="", float_format="%.10g")
    print(f"pandas {pd.__version__}: {len(left)} trades, {len(right)} quotes,"
          f" merge_asof goldens in {GOLDEN}")


if __name__ == "__main__":
    main()
