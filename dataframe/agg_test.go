package dataframe_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

func TestGroupByAgg(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		df := dataframe.FromRecords(trips, 3).GroupBy("city").SplitEvery(2).Agg(
			dataframe.Sum("fare"), dataframe.Mean("tip").As("tip_mean"), dataframe.Count("tip").As("tips"),
			dataframe.Size(), dataframe.Min("fare").As("fare_min"), dataframe.Max("id").As("id_max"),
			dataframe.Std("fare").As("fare_std"), dataframe.First("tip").As("tip_first"), dataframe.Last("riders").As("riders_last"),
		)
		if err := df.Err(); err != nil {
			t.Fatal(err)
		}
		tbl, err := df.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		want := "city,fare,tip_mean,tips,size,fare_min,id_max,fare_std,tip_first,riders_last\n" +
			"lyon,35,2,1,2,15,5,3.5355339059327378,2,4\n" +
			"nice,45,2,2,2,5,7,24.748737341529164,0,1\n" +
			"paris,65,2,2,3,10,6,10.408329997330663,1,2\n"
		if got := tableString(t, tbl); got != want {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
		whole, err := dataframe.FromRecords(trips, 4).Select("fare", "tip").Sum().Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer whole.Release()
		if got := tableString(t, whole); got != "fare,tip\n145,10\n" {
			t.Fatalf("sum\n%s", got)
		}
	})
}

func TestGroupByUnsorted(t *testing.T) {
	ctx := checked(t)
	df := dataframe.FromRecords(trips, 1).GroupBy("city").Sort(false).Agg(dataframe.Size())
	tbl, err := df.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	// Order of first appearance: paris, lyon, nice.
	if got := tableString(t, tbl); got != "city,size\nparis,3\nlyon,2\nnice,2\n" {
		t.Fatalf("got\n%s", got)
	}
}

func TestRowWiseErrors(t *testing.T) {
	df := dataframe.FromRecords(trips, 2)
	for _, tt := range []struct {
		df   *dataframe.DataFrame
		want string
	}{
		{df.Astype(map[string]string{"nope": "int64"}), `astype: unknown column "nope"`},
		{df.Astype(map[string]string{"city": "decimal"}), `unknown type "decimal"`},
		{df.FillNA(map[string]any{"zz": 1}), `fillna: unknown column "zz"`},
		{df.FillNA(map[string]any{"fare": "x"}), `cannot fill nulls of fare (float64) with "x" (utf8)`},
		{df.DropNA("zz"), `dropna: unknown column "zz"`},
		{dataframe.Concat(df, df.Select("id")), `concat: DataFrame 1 has 1 columns (id), DataFrame 0 has 5`},
		{dataframe.Concat(df, df.Rename(map[string]string{"city": "town"})), `concat: DataFrame 1 column 1 is "town" (utf8), DataFrame 0 has "city" (utf8)`},
	} {
		if err := tt.df.Err(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("got %v, want %q", err, tt.want)
		}
	}
}

// firstRow keeps a partition's first row; badPartition fails. Registered, they run
// in worker processes too.
func firstRow(_ context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	return rec.NewSlice(0, min(1, rec.NumRows())), nil
}

func badPartition(context.Context, arrow.RecordBatch) (arrow.RecordBatch, error) {
	return nil, errors.New("bad partition")
}

func init() {
	gask.Register("dataframe_test.firstRow", firstRow)
	gask.Register("dataframe_test.badPartition", badPartition)
}

// TestMapPartitions maps partitions with registered functions on every scheduler, and
// with closures in process (the procs scheduler refuses them).
func TestMapPartitions(t *testing.T) {
	base := dataframe.FromRecords(trips, 3).Select("id", "fare")
	check := func(t *testing.T, opt gask.Option, first, boom dataframe.PartitionFunc) {
		ctx := checked(t)
		// Each partition keeps its first row only.
		df := base.MapPartitions(first, base.Schema()).Filter(dataframe.Col("fare").Gt(dataframe.Lit(0)))
		tbl, err := df.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		if got := tableString(t, tbl); got != "id,fare\n1,10\n3,30\n5,15\n" {
			t.Fatalf("got\n%s", got)
		}
		// A function that returns another schema than declared fails, naming the partition.
		wrong := base.MapPartitions(first, dataframe.FromRecords(trips, 1).Schema())
		if _, err := wrong.Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), "came back with schema") || !strings.Contains(err.Error(), "partition ") {
			t.Fatalf("schema mismatch: %v", err)
		}
		if _, err := base.MapPartitions(boom, base.Schema()).Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), "bad partition") {
			t.Fatalf("error: %v", err)
		}
	}
	eachScheduler(t, func(t *testing.T, opt gask.Option) { check(t, opt, firstRow, badPartition) })
	first := func(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
		return rec.NewSlice(0, min(1, rec.NumRows())), nil
	}
	boom := func(context.Context, arrow.RecordBatch) (arrow.RecordBatch, error) {
		return nil, errors.New("bad partition")
	}
	t.Run("closure", func(t *testing.T) {
		eachLocal(t, func(t *testing.T, opt gask.Option) { check(t, opt, first, boom) })
		refused(t, base.MapPartitions(first, base.Schema()), "TestMapPartitions")
	})
}

// TestCastToStringLikePandas checks Cast("string") against Python's str() of the same
// values (printed by /usr/bin/python3: str(x) for each).
func TestCastToStringLikePandas(t *testing.T) {
	type row struct {
		F float64 `gask:"f"`
		I int64   `gask:"i"`
		B bool    `gask:"b"`
	}
	rows := []row{{1.0, 1, true}, {0.25, -22, false}, {1e16, 0, true}, {2.5e-05, 7, true}, {1e6, 9, false},
		{-3.5, 1, true}, {123456789012345.6, 1, true}, {0.0001, 1, true}, {1.5e-7, 1, true}}
	ctx := checked(t)
	tbl, err := dataframe.FromRecords(rows, 2).Astype(map[string]string{"f": "string", "i": "string", "b": "string"}).Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	want := "f,i,b\n1.0,1,True\n0.25,-22,False\n1e+16,0,True\n2.5e-05,7,True\n1000000.0,9,False\n" +
		"-3.5,1,True\n123456789012345.6,1,True\n0.0001,1,True\n1.5e-07,1,True\n"
	if got := tableString(t, tbl); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// TestCustomAggregation defines the range (max - min) and a distinct-string list as
// custom aggregations, merged across partitions, in process.
func TestCustomAggregation(t *testing.T) {
	type span struct{ Lo, Hi float64 }
	rangeAgg := dataframe.Custom[float64, span, float64]{
		Init:  func() span { return span{Lo: 1e300, Hi: -1e300} },
		Chunk: func(s span, v float64) span { return span{min(s.Lo, v), max(s.Hi, v)} },
		Merge: func(a, b span) span { return span{min(a.Lo, b.Lo), max(a.Hi, b.Hi)} },
		Final: func(s span) float64 { return s.Hi - s.Lo },
	}
	cities := dataframe.Custom[string, []string, string]{
		Init:  func() []string { return nil },
		Chunk: func(s []string, v string) []string { return append(s, v) },
		Merge: func(a, b []string) []string { return append(a, b...) },
		Final: func(s []string) string { slices.Sort(s); return strings.Join(slices.Compact(s), "+") },
	}
	// Its functions are closures: it runs in process, and the procs scheduler refuses it.
	df := dataframe.FromRecords(trips, 3).GroupBy("riders").Agg(rangeAgg.Of("fare").As("fare_range"), cities.Of("city").As("cities"))
	refused(t, df, "custom aggregation")
	eachLocal(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		tbl, err := df.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		want := "riders,fare_range,cities\n1,35,nice+paris\n2,5,lyon+paris\n3,0,paris\n4,0,lyon\n"
		if got := tableString(t, tbl); got != want {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
	})
	if err := dataframe.FromRecords(trips, 1).GroupBy("city").Agg(rangeAgg.Of("city")).Err(); err == nil || !strings.Contains(err.Error(), "takes float64 values") {
		t.Fatalf("type check: %v", err)
	}
	bad := dataframe.Custom[float64, int, float64]{}
	if err := dataframe.FromRecords(trips, 1).Agg(bad.Of("fare")).Err(); err == nil || !strings.Contains(err.Error(), "needs Init, Chunk, Merge and Final") {
		t.Fatalf("incomplete: %v", err)
	}
}

// TestLargeStrings runs string functions, filters and a group-by on a large_utf8
// column (as Parquet or IPC files may hold).
func TestLargeStrings(t *testing.T) {
	ctx := checked(t)
	mem := compute.GetAllocator(ctx)
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.LargeString, Nullable: true}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, v := range []string{"apple", "Banana", "apple", "cherry"} {
		b.Field(0).(*array.LargeStringBuilder).Append(v)
	}
	b.Field(0).AppendNull()
	rec := b.NewRecordBatch()
	defer rec.Release()
	df := dataframe.FromArrow(rec).WithColumn("u", dataframe.Col("s").Upper()).
		Filter(dataframe.Col("s").StartsWith("a").Or(dataframe.Col("u").Contains("RR")))
	tbl, err := df.GroupBy("u").Agg(dataframe.Size().As("n")).Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if got := tableString(t, tbl); got != "u,n\nAPPLE,2\nCHERRY,1\n" {
		t.Fatalf("got\n%s", got)
	}
	keys, err := dataframe.FromArrow(rec).GroupBy("s").KeepNullKeys().Agg(dataframe.Size().As("n")).Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer keys.Release()
	if got := tableString(t, keys); got != "s,n\nBanana,1\napple,2\ncherry,1\n(null),1\n" {
		t.Fatalf("large string keys\n%s", got)
	}
}
