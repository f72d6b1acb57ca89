#!/usr/bin/python3
"""Golden results for the dataframe tests, computed by real pandas.

Run with Debian's pandas: /usr/bin/python3 testdata/dataframe/make_goldens.py
It writes the inputs (people-0.csv .. people-2.csv, a deterministic table with
nulls, NaN, quoted fields and mixed types) and one golden CSV per query in
golden/. dataframe/golden_test.go runs the same queries with gask and compares.
"""

import json
import os
import random

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")


def make_input():
    rng = random.Random(7)
    cities = ["paris", "lyon", "nice", "lille, nord", 'say "hi"']
    rows = []
    for i in range(240):
        rows.append({
            "id": i,
            "city": None if i % 17 == 5 else rng.choice(cities),
            "grade": None if i % 23 == 3 else rng.randint(1, 4),
            "score": float("nan") if i % 11 == 2 else round(rng.uniform(-50, 150), 3),
            "bonus": None if i % 3 == 0 else rng.randint(0, 20),
            "ok": None if i % 29 == 0 else rng.random() < 0.5,
            "note": None if i % 13 == 0 else rng.choice(["a", "b\nc", "", "d,e"]),
        })
    df = pd.DataFrame(rows)
    df["grade"] = df["grade"].astype("Int64")
    df["bonus"] = df["bonus"].astype("Int64")
    df["ok"] = df["ok"].astype("boolean")
    # Three files; the last is empty of rows (an empty partition).
    for part, (lo, hi) in enumerate([(0, 130), (130, 240), (240, 240)]):
        df.iloc[lo:hi].to_csv(os.path.join(HERE, f"people-{part}.csv"),
                              index=False, na_rep="")
    return pd.concat(
        [pd.read_csv(os.path.join(HERE, f"people-{p}.csv"), keep_default_na=True)
         for p in range(3)], ignore_index=True)


def make_json():
    """events.jsonl: JSON lines with missing keys, nulls, mixed ints and floats."""
    rng = random.Random(11)
    path = os.path.join(HERE, "events.jsonl")
    with open(path, "w") as f:
        for i in range(120):
            obj = {"id": i, "kind": rng.choice(["click", "view", "buy"])}
            if i % 7:
                obj["amount"] = rng.choice([1, 2.5, 10, 0.25])
            if i % 5 == 0:
                obj["user"] = None
            elif i % 3:
                obj["user"] = f"u{rng.randint(1, 9)}"
            obj["ok"] = i % 4 != 0
            obj["note"] = 'say "hi"\tnow' if i % 11 == 0 else "plain"
            f.write(json.dumps(obj) + "\n")
    return pd.read_json(path, lines=True)


def make_times():
    """times.csv: dates and naive timestamps, with gaps."""
    rng = random.Random(5)
    rows = []
    for i in range(80):
        day = pd.Timestamp("2026-01-01") + pd.Timedelta(days=rng.randint(0, 400))
        at = day + pd.Timedelta(seconds=rng.randint(0, 86399))
        rows.append({"id": i, "day": None if i % 9 == 4 else day.date().isoformat(),
                     "at": None if i % 13 == 6 else at.isoformat(sep=" ")})
    path = os.path.join(HERE, "times.csv")
    pd.DataFrame(rows).to_csv(path, index=False, na_rep="")
    t = pd.read_csv(path, parse_dates=["day", "at"])
    out = pd.DataFrame({
        "id": t.id, "year": t.day.dt.year, "month": t.day.dt.month,
        "weekday": t.day.dt.weekday, "hour": t["at"].dt.hour, "day_of_at": t["at"].dt.day,
        "at_hour": t["at"].dt.floor("H"), "at_month": t["at"].dt.to_period("M").dt.to_timestamp(),
        "late": t["at"] >= pd.Timestamp("2026-09-01")})
    out["late"] = out["late"].where(t["at"].notna())
    return out


def queries(df):
    """name -> pandas result; dataframe/golden_test.go has the same names."""
    q = {}
    q["filter_select"] = df[df.score > 50][["id", "city", "score"]]
    q["with_column"] = df.assign(
        total=df.score + df.bonus.fillna(0),
        ratio=df.score / (df.bonus + 1))[["id", "total", "ratio"]]
    q["isin_between"] = df[df.city.isin(["paris", "nice"])
                           & df.score.between(0, 100)][["id", "city"]]
    q["null_tests"] = df[df.bonus.isna() | df.city.isna()][["id"]]
    q["fillna_astype"] = df.fillna({"bonus": 0, "city": "?"}).astype(
        {"bonus": "float64", "id": "str"})[["id", "city", "bonus"]]
    q["dropna"] = df.dropna(subset=["score", "city"])[["id"]]
    q["concat"] = pd.concat([df[df.id < 50][["id", "score"]],
                             df[df.id >= 200][["id", "score"]]])
    city = df.city.fillna("")
    q["strings"] = pd.DataFrame({
        "id": df.id,
        "has_i": city.str.contains("i", regex=False).where(df.city.notna()),
        "starts_l": city.str.startswith("l").where(df.city.notna()),
        "ends_e": city.str.endswith("e").where(df.city.notna()),
        "upper": df.city.str.upper(), "n": df.city.str.len(),
        "cut": df.city.str.slice(1, -1),
        "swapped": df.city.str.replace("i", "I", regex=False)})
    q["when"] = pd.DataFrame({
        "id": df.id,
        "band": np.where(df.score > 100, "high",
                         np.where(df.score > 0, "mid", "low")),
        "capped": np.where(df.bonus.fillna(0) > 10, 10, df.bonus.fillna(0))})
    g = df.groupby("city")
    q["groupby_city"] = pd.DataFrame({
        "score_sum": g.score.sum(), "score_mean": g.score.mean(),
        "score_min": g.score.min(), "score_max": g.score.max(),
        "score_count": g.score.count(), "size": g.size(),
        "score_std": g.score.std(), "score_var": g.score.var(),
        "bonus_sum": g.bonus.sum(), "id_first": g.id.first(),
        "id_last": g.id.last()}).reset_index()
    g2 = df.groupby(["city", "grade"])
    q["groupby_two_keys"] = pd.DataFrame({
        "score_sum": g2.score.sum(), "n": g2.size(),
        "bonus_mean": g2.bonus.mean()}).reset_index()
    g7 = df.groupby("city")
    q["min_count"] = pd.DataFrame({
        "bonus_sum": g7.bonus.sum(min_count=25),
        "score_sum": g7.score.sum(min_count=1)}).reset_index()
    q["group_nlargest"] = df.groupby("city").score.nlargest(2) \
        .reset_index()[["city", "score"]]
    g3 = df.groupby("grade", dropna=False)
    q["groupby_keep_nulls"] = pd.DataFrame({
        "score_mean": g3.score.mean(), "n": g3.size()}).reset_index()
    g4 = df.groupby("ok")
    q["groupby_bool"] = pd.DataFrame({
        "score_max": g4.score.max(),
        # pandas 1.5 cannot min an object column holding NaN; skipna means this:
        "city_min": g4.city.agg(lambda s: s.dropna().min())}).reset_index()
    g5 = df.groupby("grade")
    q["groupby_median_corr"] = pd.DataFrame({
        "score_median": g5.score.median(),
        "corr_score_bonus": g5.apply(
            lambda d: d.score.corr(d.bonus.astype("float64")))}).reset_index()
    g6 = df.groupby("grade")
    q["groupby_more"] = pd.DataFrame({
        "city_nunique": g6.city.nunique(), "score_q25": g6.score.quantile(0.25),
        "ok_any": g6.ok.agg(lambda s: bool(s.dropna().any())),
        "ok_all": g6.ok.agg(lambda s: bool(s.dropna().all()))}).reset_index()
    vc = df.city.value_counts().rename_axis("city").reset_index(name="count")
    q["value_counts"] = vc.sort_values(["count", "city"], ascending=[False, True])
    q["unique"] = pd.DataFrame({"city": df.city.unique()})
    q["nlargest"] = df.nlargest(7, "score")[["id", "score"]]
    q["nsmallest"] = df.nsmallest(7, "bonus")[["id", "bonus"]]
    q["describe"] = df[["id", "score", "bonus"]].astype("float64").describe() \
        .rename_axis("stat").reset_index()
    num = df[["id", "score", "bonus"]]
    q["sum"] = num.sum().to_frame().T
    q["mean"] = num.mean().to_frame().T
    q["std"] = num.std().to_frame().T
    q["count"] = df.count().to_frame().T
    return q


def main():
    os.makedirs(GOLDEN, exist_ok=True)
    make_times().to_csv(os.path.join(GOLDEN, "times.csv"), index=False,
                        na_rep="")
    ev = make_json()
    ev[["id", "kind", "amount", "user", "ok", "note"]].to_csv(
        os.path.join(GOLDEN, "json_read.csv"), index=False, na_rep="",
        float_format="%.10g")
    df = make_input()
    for name, res in queries(df).items():
        res.to_csv(os.path.join(GOLDEN, name + ".csv"), index=False,
                   na_rep="", float_format="%.10g")
    print(f"pandas {pd.__version__}, numpy {np.__version__}: "
          f"{len(df)} rows, goldens in {GOLDEN}")


if __name__ == "__main__":
    main()
