package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/bench/h2oq"
	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/internal/h2o"
)

type joinX struct {
	ID1 int64   `gask:"id1"`
	ID2 int64   `gask:"id2"`
	ID3 int64   `gask:"id3"`
	ID4 string  `gask:"id4"`
	ID5 string  `gask:"id5"`
	ID6 string  `gask:"id6"`
	V   float64 `gask:"v1"`
}

type joinSmall struct {
	ID1 int64   `gask:"id1"`
	ID4 string  `gask:"id4"`
	V2  float64 `gask:"v2"`
}

type joinMedium struct {
	ID1 int64   `gask:"id1"`
	ID2 int64   `gask:"id2"`
	ID4 string  `gask:"id4"`
	ID5 string  `gask:"id5"`
	V2  float64 `gask:"v2"`
}

type joinBig struct {
	ID1 int64   `gask:"id1"`
	ID2 int64   `gask:"id2"`
	ID3 int64   `gask:"id3"`
	ID4 string  `gask:"id4"`
	ID5 string  `gask:"id5"`
	ID6 string  `gask:"id6"`
	V2  float64 `gask:"v2"`
}

// joinTables returns the db-benchmark join tables. With GASK_BENCH_FULL they are the
// real J1_1e7_NA_0_0 files (generated into the cache on first use); by default, 1e5
// rows made here with the same shape: keys of x that match the small (10 rows), medium
// (n/1e3) and big (n) tables about 90% of the time.
func joinTables(b *testing.B) (h2oq.JoinTables, int) {
	b.Helper()
	ctx := context.Background()
	var t h2oq.JoinTables
	n := 100_000
	if full() {
		n = 10_000_000
		dir, err := h2o.CacheDir()
		if err != nil {
			b.Fatal(err)
		}
		paths, err := h2o.EnsureJoin(dir, n, 0)
		if err != nil {
			b.Fatal(err)
		}
		read := func(p string, cats ...string) *dataframe.DataFrame {
			return dataframe.ReadCSV(p, dataframe.Categorical(cats...))
		}
		t = h2oq.JoinTables{X: read(paths[0], "id4", "id5"), Small: read(paths[1], "id4"),
			Medium: read(paths[2], "id4", "id5"), Big: read(paths[3], "id4", "id5")}
	} else {
		rng := rand.New(rand.NewPCG(1, 2))
		id := func(v int64) string { return fmt.Sprintf("id%d", v) }
		m := n / 1000
		xs := make([]joinX, n)
		for i := range xs {
			a, c, d := rng.Int64N(11)+1, rng.Int64N(int64(m*11/10))+1, rng.Int64N(int64(n*11/10))+1
			xs[i] = joinX{a, c, d, id(a), id(c), id(d), rng.Float64() * 100}
		}
		small := make([]joinSmall, 10)
		for i := range small {
			small[i] = joinSmall{int64(i + 1), id(int64(i + 1)), rng.Float64() * 100}
		}
		medium := make([]joinMedium, m)
		for i := range medium {
			a := rng.Int64N(10) + 1
			medium[i] = joinMedium{a, int64(i + 1), id(a), id(int64(i + 1)), rng.Float64() * 100}
		}
		big := make([]joinBig, n)
		for i, p := range rng.Perm(n) {
			a, c, d := rng.Int64N(10)+1, rng.Int64N(int64(m))+1, int64(p+1)
			big[i] = joinBig{a, c, d, id(a), id(c), id(d), rng.Float64() * 100}
		}
		t = h2oq.JoinTables{X: dataframe.FromRecords(xs, 4), Small: dataframe.FromRecords(small, 1),
			Medium: dataframe.FromRecords(medium, 1), Big: dataframe.FromRecords(big, 4)}
	}
	if err := gask.PersistAll(ctx, []gask.PersistTarget{gask.PersistInto(&t.X), gask.PersistInto(&t.Small),
		gask.PersistInto(&t.Medium), gask.PersistInto(&t.Big)}); err != nil {
		b.Fatal(err)
	}
	return t, n
}

// BenchmarkH2OJoin runs the db-benchmark join questions q1–q5.
func BenchmarkH2OJoin(b *testing.B) {
	t, n := joinTables(b)
	ctx := context.Background()
	for _, q := range h2oq.Join() {
		b.Run(q.Name, func(b *testing.B) {
			peak := startPeak()
			for b.Loop() {
				tbl, err := q.Build(t).Compute(ctx)
				if err != nil {
					b.Fatal(err)
				}
				tbl.Release()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(peak.Stop(), "peak-heap-MiB")
		})
	}
}
