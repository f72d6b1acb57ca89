package parquet_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/dataframe/parquet"
	"github.com/gask-dev/gask/internal/schedtest"
	"github.com/gask-dev/gask/internal/shipcheck"
	"github.com/gask-dev/gask/sched"
	schedsync "github.com/gask-dev/gask/sched/sync"
)

func TestMain(m *testing.M) { schedtest.Main(m) }

// eachScheduler runs f on the scheduler matrix: sync (checking that every task's
// arguments and result survive the trip to a worker process, see shipcheck),
// threads and procs.
func eachScheduler(t *testing.T, f func(t *testing.T, opt gask.Option)) {
	all := schedtest.All()
	all[0] = shipcheck.Wrap(all[0])
	for _, s := range all {
		t.Run(s.String(), func(t *testing.T) { f(t, gask.WithScheduler(s)) })
	}
}

func checked(t *testing.T) context.Context {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return compute.WithAllocator(context.Background(), mem)
}

type sale struct {
	ID     int64   `gask:"id"`
	Store  string  `gask:"store"`
	Amount float64 `gask:"amount"`
}

func sales() []sale {
	var out []sale
	stores := []string{"north", "south", "east"}
	for i := range 30 {
		out = append(out, sale{int64(i), stores[i%3], float64(i) * 1.5})
	}
	return out
}

func rows(t *testing.T, tbl arrow.Table) string {
	t.Helper()
	var b strings.Builder
	for r := 0; r < int(tbl.NumRows()); r++ {
		for c := 0; c < int(tbl.NumCols()); c++ {
			ch := tbl.Column(c).Data().Chunks()
			off := r
			for _, a := range ch {
				if off < a.Len() {
					b.WriteString(a.ValueStr(off) + " ")
					break
				}
				off -= a.Len()
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestRoundTripProjectionAndPruning(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		dir := t.TempDir()
		src := dataframe.FromRecords(sales(), 3) // ids 0-9, 10-19, 20-29: one file (row group) each
		files, err := parquet.Write(ctx, src, filepath.Join(dir, "part-*.parquet"), "zstd", opt)
		if err != nil || len(files) != 3 {
			t.Fatal(files, err)
		}
		df := parquet.Read(dir)
		if df.NPartitions() != 3 {
			t.Fatalf("%d partitions", df.NPartitions())
		}
		want, _ := src.Compute(ctx, opt)
		defer want.Release()
		got, err := df.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer got.Release()
		if rows(t, got) != rows(t, want) {
			t.Fatalf("round trip\n%s\nwant\n%s", rows(t, got), rows(t, want))
		}
		// A filter on id right after the read prunes the row groups that cannot match:
		// only one task reads data.
		q := df.Filter(dataframe.Col("id").Ge(dataframe.Lit(25))).Select("id")
		if plan := q.Explain(); !strings.Contains(plan, "columns=[id]") {
			t.Fatalf("projection not pushed down:\n%s", plan)
		}
		var nonEmpty atomic.Int64
		cb := gask.WithCallbacks(sched.Callbacks{Finish: func(i sched.TaskInfo) {
			if i.Size > 0 {
				nonEmpty.Add(1)
			}
		}})
		res, err := q.Compute(ctx, cb, opt)
		if err == nil {
			defer res.Release()
		}
		if err != nil || res.NumRows() != 5 || rows(t, res) != "25 \n26 \n27 \n28 \n29 \n" {
			t.Fatalf("filtered: %v", err)
		}
		if n := nonEmpty.Load(); n != 1 {
			t.Fatalf("%d row groups read data, want 1 (the others pruned by statistics)", n)
		}
	})
}

func TestHivePartitions(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		dir := t.TempDir()
		for _, store := range []string{"east", "north"} {
			part := dataframe.FromRecords(sales(), 1).Filter(dataframe.Col("store").Eq(dataframe.Lit(store))).Select("id", "amount")
			if _, err := parquet.Write(ctx, part, filepath.Join(dir, "store="+store, "year=2026", "*.parquet"), "snappy", opt); err != nil {
				t.Fatal(err)
			}
		}
		df := parquet.Read(dir)
		if got := strings.Join(df.Columns(), ","); got != "id,amount,store,year" {
			t.Fatalf("columns %s", got)
		}
		agg, err := df.GroupBy("store", "year").Agg(dataframe.Size().As("n"), dataframe.Sum("id")).Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer agg.Release()
		if got := rows(t, agg); got != "east 2026 10 155 \nnorth 2026 10 135 \n" {
			t.Fatalf("got\n%s", got)
		}
	})
}

func TestReadErrors(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		dir := t.TempDir()
		if err := parquet.Read(filepath.Join(dir, "none.parquet")).Err(); err == nil || !strings.Contains(err.Error(), "none.parquet") {
			t.Fatalf("missing: %v", err)
		}
		bad := filepath.Join(dir, "bad.parquet")
		os.WriteFile(bad, []byte("PAR1 this is not parquet PAR1"), 0o644)
		if err := parquet.Read(bad).Err(); err == nil || !strings.Contains(err.Error(), "bad.parquet") {
			t.Fatalf("corrupt: %v", err)
		}
		a := filepath.Join(dir, "mix")
		if _, err := parquet.Write(ctx, dataframe.FromRecords(sales(), 1), filepath.Join(a, "a-*.parquet"), "none", opt); err != nil {
			t.Fatal(err)
		}
		if _, err := parquet.Write(ctx, dataframe.FromRecords(sales(), 1).Select("id"), filepath.Join(a, "b-*.parquet"), "none", opt); err != nil {
			t.Fatal(err)
		}
		if err := parquet.Read(a).Err(); err == nil || !strings.Contains(err.Error(), "b-0.parquet has schema") || !strings.Contains(err.Error(), "a-0.parquet") {
			t.Fatalf("schema mismatch: %v", err)
		}
		if _, err := parquet.Write(ctx, dataframe.FromRecords(sales(), 1), filepath.Join(dir, "x-*.parquet"), "lz5", opt); err == nil || !strings.Contains(err.Error(), `unknown compression "lz5"`) {
			t.Fatalf("codec: %v", err)
		}
	})
}

// FuzzRead feeds arbitrary bytes to Read: an error naming the file is fine, a panic
// is not.
func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	ctx := context.Background()
	paths, err := parquet.Write(ctx, dataframe.FromRecords(sales(), 1), filepath.Join(dir, "seed-*.parquet"), "snappy")
	if err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(paths[0])
	f.Add(seed)
	f.Add([]byte("PAR1garbagePAR1"))
	f.Fuzz(func(t *testing.T, body []byte) {
		path := filepath.Join(t.TempDir(), "f.parquet")
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		df := parquet.Read(path)
		if err := df.Err(); err != nil {
			if !strings.Contains(err.Error(), "f.parquet") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if tbl, err := df.Compute(ctx, gask.WithScheduler(schedsync.New())); err == nil {
			tbl.Release()
		}
	})
}

func TestWritePartitionedRoundTrip(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		dir := t.TempDir()
		type row struct {
			ID    int64   `gask:"id"`
			Store *string `gask:"store"`
			Year  int64   `gask:"year"`
			Amt   float64 `gask:"amt"`
		}
		s := func(v string) *string { return &v }
		data := []row{{1, s("north"), 2025, 1}, {2, s("south / east"), 2026, 2}, {3, s("north"), 2026, 3}, {4, nil, 2025, 4}, {5, s("north"), 2025, 5}}
		files, err := parquet.WritePartitioned(ctx, dataframe.FromRecords(data, 2), dir, []string{"store", "year"}, "snappy", opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 5 {
			t.Fatalf("wrote %v", files)
		}
		back := parquet.Read(dir)
		if got := strings.Join(back.Columns(), ","); got != "id,amt,store,year" {
			t.Fatalf("columns %s", got)
		}
		agg, err := back.GroupBy("store", "year").KeepNullKeys().Agg(dataframe.Sum("amt"), dataframe.Size().As("n")).Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer agg.Release()
		want := "north 2025 6 2 \nnorth 2026 3 1 \nsouth / east 2026 2 1 \n(null) 2025 4 1 \n"
		if got := rows(t, agg); got != want {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
		if _, err := parquet.WritePartitioned(ctx, dataframe.FromRecords(data, 1), dir, []string{"nope"}, "snappy", opt); err == nil || !strings.Contains(err.Error(), `unknown column "nope"`) {
			t.Fatalf("unknown column: %v", err)
		}
	})
}

// TestDecimalRoundTrip writes and reads decimal128 columns through Parquet and Arrow
// IPC, with a filter on another column on the way.
func TestDecimalRoundTrip(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		mem := compute.GetAllocator(ctx)
		schema := arrow.NewSchema([]arrow.Field{
			{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
			{Name: "price", Type: &arrow.Decimal128Type{Precision: 12, Scale: 2}, Nullable: true},
		}, nil)
		b := array.NewRecordBuilder(mem, schema)
		defer b.Release()
		prices := []string{"12.34", "-0.05", "", "99999.99"}
		for i, p := range prices {
			b.Field(0).(*array.Int64Builder).Append(int64(i))
			if p == "" {
				b.Field(1).AppendNull()
				continue
			}
			v, err := decimal128.FromString(p, 12, 2)
			if err != nil {
				t.Fatal(err)
			}
			b.Field(1).(*array.Decimal128Builder).Append(v)
		}
		rec := b.NewRecordBatch()
		defer rec.Release()
		dir := t.TempDir()
		src := dataframe.FromArrow(rec)
		if _, err := parquet.Write(ctx, src, filepath.Join(dir, "pq", "*.parquet"), "zstd", opt); err != nil {
			t.Fatal(err)
		}
		if _, err := src.ToIPC(ctx, filepath.Join(dir, "ipc", "*.arrow"), opt); err != nil {
			t.Fatal(err)
		}
		for _, df := range []*dataframe.DataFrame{parquet.Read(filepath.Join(dir, "pq")), dataframe.ReadIPC(filepath.Join(dir, "ipc", "*.arrow"))} {
			if got := df.Schema().Field(1).Type.String(); got != "decimal(12, 2)" {
				t.Fatalf("type %s", got)
			}
			tbl, err := df.Filter(dataframe.Col("id").Ge(dataframe.Lit(1))).Compute(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := rows(t, tbl); got != "1 -0.05 \n2 (null) \n3 99999.99 \n" {
				t.Fatalf("got\n%s", got)
			}
			tbl.Release()
		}
	})
}
