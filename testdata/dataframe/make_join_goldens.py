#!/usr/bin/python3
"""Golden results for the merge (join) tests, computed by real pandas.

Run with Debian's pandas: /usr/bin/python3 testdata/dataframe/make_join_goldens.py
It writes the inputs (orders-0.csv .. orders-2.csv, the left side, the last file
without rows; customers.csv, the right side), both with null and duplicate keys,
and one golden CSV per merge in golden/join_*.csv. dataframe/merge_test.go runs the
same merges with gask and compares them as sets of rows (row order across
partitions is not defined).

gask's default is SQL's: a null key matches nothing. pandas matches nulls to each
other, so for those goldens the null-key rows are set aside, the rest merged by
pandas, and the null-key rows added back unmatched where the join type keeps them.
The nulls_equal golden is pandas' own merge.
"""

import os
import random

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")


def make_inputs():
    rng = random.Random(3)
    regions = ["north", "south", "east", "west, far"]
    orders = []
    for i in range(90):
        orders.append({
            "order_id": i,
            "cust": None if i % 13 == 4 else rng.randint(1, 30),
            "region": None if i % 17 == 6 else rng.choice(regions),
            "amount": round(rng.uniform(1, 100), 2),
        })
    left = pd.DataFrame(orders)
    left["cust"] = left["cust"].astype("Int64")
    for part, (lo, hi) in enumerate([(0, 50), (50, 90), (90, 90)]):
        left.iloc[lo:hi].to_csv(os.path.join(HERE, f"orders-{part}.csv"),
                                index=False, na_rep="")
    customers = []
    for c in range(1, 36):
        # Some customers twice (duplicate right keys), some never ordered.
        for dup in range(2 if c % 7 == 0 else 1):
            customers.append({
                "cust": c,
                "region": rng.choice(regions),
                "name": f"c{c}" + ("b" if dup else ""),
                "amount": round(rng.uniform(0, 10), 1),
                "cust_f": float(c),
            })
    customers.append({"cust": None, "region": "north", "name": "nobody",
                      "amount": 0.5, "cust_f": None})
    customers.append({"cust": None, "region": None, "name": "ghost",
                      "amount": 1.5, "cust_f": None})
    right = pd.DataFrame(customers)
    right["cust"] = right["cust"].astype("Int64")
    right.to_csv(os.path.join(HERE, "customers.csv"), index=False, na_rep="")
    left = pd.concat([pd.read_csv(os.path.join(HERE, f"orders-{p}.csv"))
                      for p in range(3)], ignore_index=True)
    right = pd.read_csv(os.path.join(HERE, "customers.csv"))
    return left, right


def sql_merge(left, right, how, left_on, right_on):
    """pandas' merge with SQL null semantics: a null key matches nothing."""
    lnull = left[left_on].isna().any(axis=1)
    rnull = right[right_on].isna().any(axis=1)
    lk, rk = left[~lnull], right[~rnull]
    if how == "semi":
        m = lk.merge(rk[right_on].drop_duplicates(), left_on=left_on,
                     right_on=right_on, how="inner")
        return m[left.columns]
    if how == "anti":
        m = left.merge(rk[right_on].drop_duplicates(), left_on=left_on,
                       right_on=right_on, how="left", indicator=True)
        return m[m["_merge"] == "left_only"][left.columns]
    out = lk.merge(rk, left_on=left_on, right_on=right_on, how=how)
    cols = out.columns
    parts = [out]
    if how in ("left", "outer"):
        parts.append(left[lnull].merge(right.iloc[0:0], left_on=left_on,
                                       right_on=right_on, how="left"))
    if how in ("right", "outer"):
        parts.append(left.iloc[0:0].merge(right[rnull], left_on=left_on,
                                          right_on=right_on, how="right"))
    return pd.concat(parts, ignore_index=True)[cols]


def merges(left, right):
    g = {}
    for how in ["inner", "left", "right", "outer", "semi", "anti"]:
        g[f"join_{how}_cust"] = sql_merge(left, right, how, ["cust"], ["cust"])
    for how in ["inner", "left", "outer"]:
        g[f"join_{how}_multi"] = sql_merge(left, right, how, ["cust", "region"],
                                           ["cust", "region"])
    g["join_inner_nulls_equal"] = left.merge(right, on="cust", how="inner")
    g["join_left_mixed"] = sql_merge(left, right[["cust_f", "name"]], "left",
                                     ["cust"], ["cust_f"])
    return g


def main():
    os.makedirs(GOLDEN, exist_ok=True)
    left, right = make_inputs()
    for name, res in merges(left, right).items():
        res.to_csv(os.path.join(GOLDEN, name + ".csv"), index=False,
                   na_rep="", float_format="%.10g")
    print(f"pandas {pd.__version__}: {len(left)} orders, {len(right)} customers,"
          f" join goldens in {GOLDEN}")


if __name__ == "__main__":
    main()
