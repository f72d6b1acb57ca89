#!/usr/bin/python3
"""Golden results for the sort, drop_duplicates and cumulative tests, by real pandas.

Run with Debian's pandas: /usr/bin/python3 testdata/dataframe/make_sort_goldens.py
It reads people-0.csv .. people-2.csv (written by make_goldens.py) and writes one golden
CSV per sort in golden/sort_*.csv; dataframe/sort_test.go runs the same sorts with gask
and compares row by row. Sorts are stable (kind="mergesort"), as gask's are.
drop_duplicates goldens (golden/dedup_*.csv) are compared as sets of rows
(dataframe/dedup_test.go): gask shuffles several partitions by the subset first.
Cumulative goldens (golden/cum*.csv) are compared row by row (dataframe/cum_test.go).
Group apply and transform goldens (golden/apply_*.csv, golden/transform_*.csv) are
compared as sets of rows (dataframe/apply_test.go), which runs the same functions in Go;
pivot_table goldens (golden/pivot_*.csv) row by row (dataframe/pivot_test.go).
"""

import os

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")


def main():
    df = pd.concat([pd.read_csv(os.path.join(HERE, f"people-{p}.csv"))
                    for p in range(3)], ignore_index=True)
    sorts = {
        "sort_score": dict(by=["score"]),
        "sort_city_score_desc": dict(by=["city", "score"], ascending=[True, False]),
        "sort_grade_desc_nulls_first": dict(by=["grade", "id"],
                                            ascending=[False, True],
                                            na_position="first"),
        "sort_ok_bonus": dict(by=["ok", "bonus"]),
    }
    for name, kw in sorts.items():
        res = df.sort_values(kind="mergesort", **kw)
        res.to_csv(os.path.join(GOLDEN, name + ".csv"), index=False, na_rep="",
                   float_format="%.10g")
    dedups = {
        "dedup_city_first": dict(subset=["city"], keep="first"),
        "dedup_city_grade_last": dict(subset=["city", "grade"], keep="last"),
        "dedup_city_grade_ok_none": dict(subset=["city", "grade", "ok"], keep=False),
    }
    for name, kw in dedups.items():
        res = df.drop_duplicates(**kw)
        res.to_csv(os.path.join(GOLDEN, name + ".csv"), index=False, na_rep="",
                   float_format="%.10g")
    cums = {
        "cumsum": df[["id", "score", "bonus"]].cumsum(),
        "cummax": df[["score", "bonus"]].cummax(),
        "cummin": df[["score", "grade"]].cummin(),
    }
    for name, res in cums.items():
        res.to_csv(os.path.join(GOLDEN, name + ".csv"), index=False, na_rep="",
                   float_format="%.10g")
    # apply: per city, the group's size, its two best scores' sum and its best id.
    def summary(g):
        top = g.nlargest(2, "score", keep="first")
        return pd.DataFrame({"rows": [len(g)], "top2": [top.score.sum()],
                             "best_id": [top.id.iloc[0] if len(top) else None]})
    app = df.groupby("city").apply(summary).reset_index(level=0).reset_index(drop=True)
    app["best_id"] = app["best_id"].astype("Int64")
    app.to_csv(os.path.join(GOLDEN, "apply_city.csv"), index=False, na_rep="",
               float_format="%.10g")
    # transform: each score less its city's mean score, and its rank in the city.
    tr = pd.DataFrame({"id": df.id,
                       "score_dm": df.score - df.groupby("city").score.transform("mean"),
                       "n": df.groupby("city").id.transform("size").astype("Int64")})
    tr.to_csv(os.path.join(GOLDEN, "transform_city.csv"), index=False, na_rep="",
              float_format="%.10g")
    # pivot_table: mean score per grade and city; the bonus sum of high scores (some
    # grade and city pairs have none: NaN).
    piv = {
        "pivot_mean": df.pivot_table(index="grade", columns="city", values="score",
                                     aggfunc="mean"),
        "pivot_sum_high": df[df.score > 90].pivot_table(index="grade", columns="city",
                                                        values="bonus", aggfunc="sum"),
    }
    for name, res in piv.items():
        res.reset_index().to_csv(os.path.join(GOLDEN, name + ".csv"), index=False,
                                 na_rep="", float_format="%.10g")
    print(f"pandas {pd.__version__}: {len(df)} rows, sort, drop_duplicates, apply, pivot and"
          f" cumulative goldens in {GOLDEN}")


if __name__ == "__main__":
    main()
