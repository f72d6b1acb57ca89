#!/usr/bin/python3
"""Golden results for the set_index and repartition-by-divisions tests, by real Dask.

Run with Debian's Dask: /usr/bin/python3 testdata/dataframe/make_index_goldens.py
It reads people-0.csv .. people-2.csv (one Dask partition per file, the last empty,
as gask's ReadCSV partitions them) and writes:
  golden/index_sorted_divisions.csv  divisions of set_index("id", sorted=True)
  golden/index_given_p<i>.csv        partition i of set_index("score", divisions=GIVEN)
  golden/index_repartition.csv       row counts of those sorted-by-id partitions
                                     repartitioned to divisions REPART (force=True)
dataframe/index_test.go runs the same with gask. Both drop the empty partition when
the index is sorted already. Dask sorts inside a partition with an unstable sort, so the
partitions are compared as sets of rows; their order is checked by gask's test.
"""

import os

import dask
import dask.dataframe as dd
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")
GIVEN = [-100, 0, 50, 500]
REPART = [-10, 50, 100, 200, 400]


def main():
    dask.config.set(scheduler="sync")
    ddf = dd.read_csv(os.path.join(HERE, "people-*.csv"))
    by_id = ddf.set_index("id", sorted=True)
    pd.DataFrame({"division": by_id.divisions}).to_csv(
        os.path.join(GOLDEN, "index_sorted_divisions.csv"), index=False)
    by_score = ddf.set_index("score", divisions=GIVEN)
    for i in range(by_score.npartitions):
        part = by_score.partitions[i].compute().reset_index()
        part.to_csv(os.path.join(GOLDEN, f"index_given_p{i}.csv"), index=False,
                    na_rep="", float_format="%.10g")
    rep = by_id.repartition(divisions=REPART, force=True)
    counts = [len(rep.partitions[i].compute()) for i in range(rep.npartitions)]
    pd.DataFrame({"rows": counts}).to_csv(
        os.path.join(GOLDEN, "index_repartition.csv"), index=False)
    print(f"dask {dask.__version__}, pandas {pd.__version__}: set_index goldens in {GOLDEN}")


if __name__ == "__main__":
    main()
