package bench

import (
	"context"
	"testing"

	"github.com/gask-dev/gask/dataframe"
)

// BenchmarkSortValues sorts the db-benchmark group-by data (G1, 1e5 rows; 1e7 with
// GASK_BENCH_FULL) by one integer column (id6) and by one string column (id3),
// materialising the whole sorted table, as bench/cmd/gask-sort and the peers in
// bench/peers/run_sort.sh do. id1..id3 are loaded as plain strings, not categories,
// so the string sort compares strings.
func BenchmarkSortValues(b *testing.B) {
	path := groupByData(b)
	ctx := context.Background()
	x, err := dataframe.ReadCSV(path, dataframe.Blocksize(32<<20)).Persist(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, by string }{{"int", "id6"}, {"string", "id3"}} {
		b.Run(c.name, func(b *testing.B) {
			peak := startPeak()
			for b.Loop() {
				tbl, err := x.SortValues([]string{c.by}).Compute(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if tbl.NumRows() != int64(h2oRows()) {
					b.Fatalf("%d rows, want %d", tbl.NumRows(), h2oRows())
				}
				tbl.Release()
			}
			b.ReportMetric(float64(h2oRows())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(peak.Stop(), "peak-heap-MiB")
		})
	}
}

// BenchmarkSetIndex sets id6 as the index of the same data (G1, 1e5 rows; 1e7 with
// GASK_BENCH_FULL): the pass computing the divisions from quantiles, then the range
// shuffle and the sort within the partitions, materialising the result, as
// bench/cmd/gask-sort's step s3 and Dask's set_index in bench/peers/run_sort.sh.
func BenchmarkSetIndex(b *testing.B) {
	path := groupByData(b)
	ctx := context.Background()
	x, err := dataframe.ReadCSV(path, dataframe.Blocksize(32<<20)).Persist(ctx)
	if err != nil {
		b.Fatal(err)
	}
	peak := startPeak()
	for b.Loop() {
		ix, err := x.SetIndex(ctx, "id6")
		if err != nil {
			b.Fatal(err)
		}
		tbl, err := ix.Compute(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if tbl.NumRows() != int64(h2oRows()) {
			b.Fatalf("%d rows, want %d", tbl.NumRows(), h2oRows())
		}
		if _, ok := ix.Divisions(); !ok {
			b.Fatal("divisions unknown after SetIndex")
		}
		tbl.Release()
	}
	b.ReportMetric(float64(h2oRows())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(peak.Stop(), "peak-heap-MiB")
}
