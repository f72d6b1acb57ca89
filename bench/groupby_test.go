package bench

import (
	"context"
	"os"
	"testing"

	"github.com/gask-dev/gask/bench/h2oq"
	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/internal/h2o"
)

// h2oRows is the size of the db-benchmark group-by data: 1e5 rows by default,
// 1e7 (G1_1e7_1e2_0_0, 485 MB) with GASK_BENCH_FULL.
func h2oRows() int {
	if full() {
		return 10_000_000
	}
	return 100_000
}

// groupByData returns the path of the cached G1 file, generating it on first use.
func groupByData(b *testing.B) string {
	b.Helper()
	dir, err := h2o.CacheDir()
	if err != nil {
		b.Fatal(err)
	}
	path, err := h2o.EnsureGroupBy(dir, h2oRows(), 100, 0, false)
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkH2OLoad reads the G1 CSV into memory (ReadCSV + Persist).
func BenchmarkH2OLoad(b *testing.B) {
	path := groupByData(b)
	st, _ := os.Stat(path)
	ctx := context.Background()
	peak := startPeak()
	for b.Loop() {
		x, err := dataframe.ReadCSV(path, dataframe.Blocksize(32<<20), dataframe.Categorical("id1", "id2", "id3")).Persist(ctx)
		if err != nil {
			b.Fatal(err)
		}
		_ = x
	}
	b.SetBytes(st.Size())
	b.ReportMetric(float64(h2oRows())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(peak.Stop(), "peak-heap-MiB")
}

// BenchmarkH2OGroupBy runs q1–q10 on the loaded data.
func BenchmarkH2OGroupBy(b *testing.B) {
	path := groupByData(b)
	ctx := context.Background()
	x, err := dataframe.ReadCSV(path, dataframe.Blocksize(32<<20), dataframe.Categorical("id1", "id2", "id3")).Persist(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range h2oq.GroupBy() {
		if q.Build == nil {
			continue
		}
		b.Run(q.Name, func(b *testing.B) {
			peak := startPeak()
			for b.Loop() {
				tbl, err := q.Build(x).Compute(ctx)
				if err != nil {
					b.Fatal(err)
				}
				tbl.Release()
			}
			b.ReportMetric(float64(h2oRows())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(peak.Stop(), "peak-heap-MiB")
		})
	}
}
