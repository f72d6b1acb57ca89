package dataframe_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

var summarySchema = arrow.NewSchema([]arrow.Field{
	{Name: "city", Type: arrow.BinaryTypes.String},
	{Name: "rows", Type: arrow.PrimitiveTypes.Int64},
	{Name: "top2", Type: arrow.PrimitiveTypes.Float64},
	{Name: "best_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
}, nil)

// summary is one row per group: its city, size, two best scores' sum and best id,
// as make_sort_goldens.py computes with pandas.
func summary(ctx context.Context, g arrow.RecordBatch) (arrow.RecordBatch, error) {
	col := func(name string) arrow.Array { return g.Column(g.Schema().FieldIndices(name)[0]) }
	score, id := col("score").(*array.Float64), col("id").(*array.Int64)
	best, second := -1, -1
	for i := range g.NumRows() {
		r := int(i)
		if score.IsNull(r) {
			continue
		}
		switch {
		case best < 0 || score.Value(r) > score.Value(best):
			best, second = r, best
		case second < 0 || score.Value(r) > score.Value(second):
			second = r
		}
	}
	b := array.NewRecordBuilder(compute.GetAllocator(ctx), summarySchema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).Append(col("city").ValueStr(0))
	b.Field(1).(*array.Int64Builder).Append(g.NumRows())
	top := 0.0
	for _, r := range []int{best, second} {
		if r >= 0 {
			top += score.Value(r)
		}
	}
	b.Field(2).(*array.Float64Builder).Append(top)
	if best >= 0 {
		b.Field(3).(*array.Int64Builder).Append(id.Value(best))
	} else {
		b.Field(3).AppendNull()
	}
	return b.NewRecordBatch(), nil
}

var demeanSchema = arrow.NewSchema([]arrow.Field{
	{Name: "score_dm", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "n", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// demean is each score less its group's mean score, and the group's size.
func demean(ctx context.Context, g arrow.RecordBatch) (arrow.RecordBatch, error) {
	score := g.Column(g.Schema().FieldIndices("score")[0]).(*array.Float64)
	sum, n := 0.0, 0
	for i := range score.Len() {
		if score.IsValid(i) {
			sum, n = sum+score.Value(i), n+1
		}
	}
	b := array.NewRecordBuilder(compute.GetAllocator(ctx), demeanSchema)
	defer b.Release()
	for i := range score.Len() {
		if score.IsValid(i) {
			b.Field(0).(*array.Float64Builder).Append(score.Value(i) - sum/float64(n))
		} else {
			b.Field(0).AppendNull()
		}
		b.Field(1).(*array.Int64Builder).Append(g.NumRows())
	}
	return b.NewRecordBatch(), nil
}

// TestGroupApplyTransform runs Go functions per group against pandas' apply and
// transform (testdata/dataframe/make_sort_goldens.py), from one partition and from
// several shuffled on the key, city plain and as a category, on the in-process
// schedulers.
func TestGroupApplyTransform(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe")
	applied := readGolden(t, filepath.Join(dir, "golden", "apply_city.csv"))
	transformed := readGolden(t, filepath.Join(dir, "golden", "transform_city.csv"))
	for _, bs := range []int64{700, 64 << 20} {
		for _, cats := range []bool{false, true} {
			t.Run(fmt.Sprintf("blocksize=%d/categories=%v", bs, cats), func(t *testing.T) {
				opts := []dataframe.CSVOption{dataframe.Blocksize(bs)}
				if cats {
					opts = append(opts, dataframe.Categorical("city"))
				}
				in := dataframe.ReadCSV(filepath.Join(dir, "people-*.csv"), opts...)
				app := in.GroupBy("city").Apply(summary, summarySchema)
				tr := in.GroupBy("city").Transform(demean, demeanSchema)
				for _, df := range []*dataframe.DataFrame{app, tr} {
					if err := df.Err(); err != nil {
						t.Fatal(err)
					}
				}
				if got := strings.Join(tr.Columns(), ","); got != "id,city,grade,score,bonus,ok,note,score_dm,n" {
					t.Fatalf("transform columns %s", got)
				}
				// The functions run in process: Apply and Transform have no registered
				// form, and the procs scheduler refuses them.
				refused(t, app, "summary")
				refused(t, tr, "demean")
				eachLocal(t, func(t *testing.T, opt gask.Option) {
					ctx := checked(t)
					tbl, err := app.Compute(ctx, opt)
					if err != nil {
						t.Fatal(err)
					}
					defer tbl.Release()
					compareRowSets(t, "apply", sortedRows(tbl), applied)
					tt, err := tr.Select("id", "score_dm", "n").Compute(ctx, opt)
					if err != nil {
						t.Fatal(err)
					}
					defer tt.Release()
					compareRowSets(t, "transform", sortedRows(tt), transformed)
				})
			})
		}
	}
}

// TestGroupApplyErrors: a function's error, a wrong schema and a transform of the
// wrong length are errors naming the group; bad plans fail before running.
func TestGroupApplyErrors(t *testing.T) {
	ctx := checked(t)
	in := dataframe.FromRecords(trips, 2)
	boom := func(_ context.Context, g arrow.RecordBatch) (arrow.RecordBatch, error) {
		return nil, errors.New("boom")
	}
	same := func(_ context.Context, g arrow.RecordBatch) (arrow.RecordBatch, error) { g.Retain(); return g, nil }
	fare := in.Select("fare").Schema()
	first := func(_ context.Context, g arrow.RecordBatch) (arrow.RecordBatch, error) {
		c := array.NewSlice(g.Column(g.Schema().FieldIndices("fare")[0]), 0, 1)
		defer c.Release()
		return array.NewRecordBatch(fare, []arrow.Array{c}, 1), nil
	}
	cases := []struct {
		name string
		df   *dataframe.DataFrame
		want string
	}{
		{"error", in.GroupBy("city").Apply(boom, summarySchema), "group (lyon): boom"},
		{"schema", in.GroupBy("city").Apply(same, summarySchema), "came back with schema"},
		{"length", in.GroupBy("city").Transform(first, fare), "group (lyon) has 2 rows, the function returned 1"},
		{"no keys", in.GroupBy().Apply(same, in.Schema()), "needs group keys"},
		{"unknown key", in.GroupBy("nope").Apply(same, in.Schema()), `"nope"`},
		{"no function", in.GroupBy("city").Apply(nil, in.Schema()), "needs a function"},
		{"key replaced", in.GroupBy("city").Transform(same, in.Select("city").Schema()), `cannot replace the key column "city"`},
	}
	for _, tc := range cases {
		_, err := tc.df.Compute(ctx, gask.WithScheduler(schedulers[0]))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestSplitOutReductions spreads ValueCounts and DropDuplicates over several
// partitions: the same rows as pandas, each partition of counts sorted by count.
func TestSplitOutReductions(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe")
	counts := readGolden(t, filepath.Join(dir, "golden", "value_counts.csv"))
	dedup := readGolden(t, filepath.Join(dir, "golden", "dedup_city_grade_last.csv"))
	in := dataframe.ReadCSV(filepath.Join(dir, "people-*.csv"), dataframe.Blocksize(700))
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		vc := in.ValueCounts("city", dataframe.SplitOut(3))
		if vc.NPartitions() != 3 {
			t.Fatalf("%d partitions", vc.NPartitions())
		}
		tbl, err := vc.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		compareRowSets(t, "value_counts", sortedRows(tbl), counts)
		for p, ch := range tbl.Column(1).Data().Chunks() {
			c := ch.(*array.Int64).Int64Values()
			for i := 1; i < len(c); i++ {
				if c[i] > c[i-1] {
					t.Fatalf("partition %d: counts %v not descending", p, c)
				}
			}
		}
		dd := in.DropDuplicates([]string{"city", "grade"}, dataframe.KeepLast, dataframe.SplitOut(2))
		if dd.NPartitions() != 2 {
			t.Fatalf("%d partitions", dd.NPartitions())
		}
		dt, err := dd.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer dt.Release()
		compareRowSets(t, "drop_duplicates", tableRows(dt), dedup)
	})
}

func ExampleGroupBy_Apply() {
	ctx := context.Background()
	df := dataframe.FromRecords([]struct {
		City string  `gask:"city"`
		Fare float64 `gask:"fare"`
	}{{"paris", 10}, {"lyon", 7}, {"paris", 30}, {"lyon", 5}, {"paris", 20}}, 2)
	spread := arrow.NewSchema([]arrow.Field{
		{Name: "city", Type: arrow.BinaryTypes.String},
		{Name: "spread", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	// One row per group: the city and the gap between its dearest and cheapest fare.
	out := df.GroupBy("city").Apply(func(ctx context.Context, g arrow.RecordBatch) (arrow.RecordBatch, error) {
		fares := g.Column(1).(*array.Float64).Float64Values()
		b := array.NewRecordBuilder(compute.GetAllocator(ctx), spread)
		defer b.Release()
		b.Field(0).(*array.StringBuilder).Append(g.Column(0).ValueStr(0))
		b.Field(1).(*array.Float64Builder).Append(slices.Max(fares) - slices.Min(fares))
		return b.NewRecordBatch(), nil
	}, spread)
	tbl, err := out.SortValues([]string{"city"}, dataframe.SortPartitions(1)).Compute(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tbl.Release()
	for i := range int(tbl.NumRows()) {
		fmt.Println(tbl.Column(0).Data().Chunk(0).ValueStr(i), tbl.Column(1).Data().Chunk(0).ValueStr(i))
	}
	// Output:
	// lyon 2
	// paris 20
}
