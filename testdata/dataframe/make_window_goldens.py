#!/usr/bin/python3
"""Input and golden results for the window tests (shift, diff, rolling), by real pandas.

Run with Debian's pandas: /usr/bin/python3 testdata/dataframe/make_window_goldens.py
It writes window-input.csv (an irregular, sorted timestamp series t with duplicates,
an int column a, float columns x and y with missing values) and one golden CSV per
operation in golden/window_*.csv; dataframe/window_test.go runs the same operations with
gask over one and over many partitions (some empty, some shorter than the windows) and
compares row by row. Missing values print as "".

Count passes min_periods explicitly: pandas 1.5 defaults it to 0 for count (with a
FutureWarning), pandas 2 to the window size like the others, as gask does.
"""

import os
import random

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")


def make_input():
    rnd = random.Random(20240611)
    rows = []
    t = pd.Timestamp("2026-03-01 12:00:00")
    for i in range(41):
        t += pd.Timedelta(seconds=rnd.choice([0, 1, 1, 2, 3, 5]))
        a = rnd.randint(-20, 40)
        x = "" if rnd.random() < 0.2 else f"{rnd.uniform(-50, 50):.3f}"
        y = "" if i in (7, 8, 9, 10, 11, 12, 30) else f"{rnd.uniform(0, 1e6):.2f}"
        rows.append((t.strftime("%Y-%m-%d %H:%M:%S"), a, x, y))
    with open(os.path.join(HERE, "window-input.csv"), "w") as f:
        f.write("t,a,x,y\n")
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")


def out(name, res):
    res.to_csv(os.path.join(GOLDEN, "window_" + name + ".csv"), index=False, na_rep="",
               float_format="%.10g")


def main():
    make_input()
    df = pd.read_csv(os.path.join(HERE, "window-input.csv"), parse_dates=["t"])
    num = df[["a", "x", "y"]]
    out("shift_2", df[["t", "a", "x"]].shift(2))
    out("shift_-3", df[["t", "a", "x"]].shift(-3))
    out("diff_1", num.diff(1))
    out("diff_-2", num.diff(-2))
    out("diff_5", num.diff(5))
    aggs = ["sum", "mean", "min", "max", "count", "std", "var"]
    for w in (3, 7):
        for agg in aggs:
            kw = dict(min_periods=w) if agg == "count" else {}
            out(f"rolling_{w}_{agg}", getattr(num.rolling(w, **kw), agg)())
    for agg in aggs:
        out(f"rolling_7_minp2_{agg}", getattr(num.rolling(7, min_periods=2), agg)())
    for w in (4, 5):
        for agg in ("sum", "mean", "max", "std", "count"):
            kw = dict(min_periods=w) if agg == "count" else {}
            out(f"rolling_{w}_center_{agg}", getattr(num.rolling(w, center=True, **kw), agg)())
    out("rolling_5_center_minp1_mean", num.rolling(5, center=True, min_periods=1).mean())
    tdf = df[["t", "a", "x", "y"]]
    for w in ("2s", "5s"):
        for agg in aggs:
            out(f"rolling_{w}_{agg}", getattr(tdf.rolling(w, on="t"), agg)())
    out("rolling_5s_minp3_mean", tdf.rolling("5s", on="t", min_periods=3).mean())
    out("rolling_5s_minp3_count", tdf.rolling("5s", on="t", min_periods=3).count())
    print(f"pandas {pd.__version__}: {len(df)} rows, window goldens in {GOLDEN}")


if __name__ == "__main__":
    main()
