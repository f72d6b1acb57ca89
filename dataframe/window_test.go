package dataframe_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/graph"
)

// windowLayout are the partition sizes of the many-partition runs: 41 rows with empty
// partitions (first and last too) and partitions shorter than the windows.
var windowLayout = []int{0, 2, 0, 1, 5, 0, 0, 3, 1, 1, 4, 0, 6, 2, 1, 0, 9, 6, 0}

// windowInput reads testdata's window-input.csv into one record batch, released when
// the test ends (before the allocator's check).
func windowInput(t *testing.T, ctx context.Context) arrow.RecordBatch {
	t.Helper()
	path := filepath.Join("..", "testdata", "dataframe", "window-input.csv")
	tbl, err := dataframe.ReadCSV(path).Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	rec := tableRecord(t, ctx, tbl)
	t.Cleanup(rec.Release)
	return rec
}

// tableRecord concatenates a table's chunks into one record batch.
func tableRecord(t *testing.T, ctx context.Context, tbl arrow.Table) arrow.RecordBatch {
	t.Helper()
	cols := make([]arrow.Array, tbl.NumCols())
	for i := range cols {
		c, err := array.Concatenate(tbl.Column(i).Data().Chunks(), compute.GetAllocator(ctx))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Release()
		cols[i] = c
	}
	return array.NewRecordBatch(tbl.Schema(), cols, tbl.NumRows())
}

// split cuts rec into partitions of the given sizes (the last takes the rest).
func split(t *testing.T, rec arrow.RecordBatch, sizes []int) *dataframe.DataFrame {
	t.Helper()
	var parts []arrow.RecordBatch
	lo := int64(0)
	for i, n := range sizes {
		hi := min(lo+int64(n), rec.NumRows())
		if i == len(sizes)-1 {
			hi = rec.NumRows()
		}
		parts = append(parts, rec.NewSlice(lo, hi))
		lo = hi
	}
	if lo != rec.NumRows() {
		t.Fatalf("layout covers %d of %d rows", lo, rec.NumRows())
	}
	t.Cleanup(func() {
		for _, p := range parts {
			p.Release()
		}
	})
	return dataframe.FromArrow(parts...)
}

func windowGoldenQueries() map[string]func(*dataframe.DataFrame) *dataframe.DataFrame {
	num := func(df *dataframe.DataFrame) *dataframe.DataFrame { return df.Select("a", "x", "y") }
	qs := map[string]func(*dataframe.DataFrame) *dataframe.DataFrame{
		"shift_2":  func(df *dataframe.DataFrame) *dataframe.DataFrame { return df.Select("t", "a", "x").Shift(2) },
		"shift_-3": func(df *dataframe.DataFrame) *dataframe.DataFrame { return df.Select("t", "a", "x").Shift(-3) },
		"diff_1":   func(df *dataframe.DataFrame) *dataframe.DataFrame { return num(df).Diff(1) },
		"diff_-2":  func(df *dataframe.DataFrame) *dataframe.DataFrame { return num(df).Diff(-2) },
		"diff_5": func(df *dataframe.DataFrame) *dataframe.DataFrame {
			return df.Diff(5, "a", "x", "y").Select("a", "x", "y")
		},
		"rolling_5_center_minp1_mean": func(df *dataframe.DataFrame) *dataframe.DataFrame {
			return num(df).Rolling(5, dataframe.Center(), dataframe.MinPeriods(1)).Mean()
		},
		"rolling_5s_minp3_mean": func(df *dataframe.DataFrame) *dataframe.DataFrame {
			return df.Rolling("5s", dataframe.RollingOn("t"), dataframe.MinPeriods(3)).Mean()
		},
		"rolling_5s_minp3_count": func(df *dataframe.DataFrame) *dataframe.DataFrame {
			return df.Rolling(5*time.Second, dataframe.RollingOn("t"), dataframe.MinPeriods(3)).Count()
		},
	}
	aggs := map[string]func(*dataframe.Rolling) *dataframe.DataFrame{
		"sum": (*dataframe.Rolling).Sum, "mean": (*dataframe.Rolling).Mean, "min": (*dataframe.Rolling).Min,
		"max": (*dataframe.Rolling).Max, "count": (*dataframe.Rolling).Count, "std": (*dataframe.Rolling).Std,
		"var": (*dataframe.Rolling).Var,
	}
	for name, agg := range aggs {
		for _, w := range []int{3, 7} {
			qs[fmt.Sprintf("rolling_%d_%s", w, name)] = func(df *dataframe.DataFrame) *dataframe.DataFrame { return agg(num(df).Rolling(w)) }
		}
		qs["rolling_7_minp2_"+name] = func(df *dataframe.DataFrame) *dataframe.DataFrame {
			return agg(num(df).Rolling(7, dataframe.MinPeriods(2)))
		}
		if name == "sum" || name == "mean" || name == "max" || name == "std" || name == "count" {
			for _, w := range []int{4, 5} {
				qs[fmt.Sprintf("rolling_%d_center_%s", w, name)] = func(df *dataframe.DataFrame) *dataframe.DataFrame {
					return agg(num(df).Rolling(w, dataframe.Center()))
				}
			}
		}
		for _, w := range []string{"2s", "5s"} {
			qs[fmt.Sprintf("rolling_%s_%s", w, name)] = func(df *dataframe.DataFrame) *dataframe.DataFrame {
				return agg(df.Rolling(w, dataframe.RollingOn("t")))
			}
		}
	}
	return qs
}

// TestWindowGoldens runs Shift, Diff and Rolling over one partition and over many
// (empty ones, ones shorter than the windows) against pandas, on every scheduler; the
// many-partition results are also compared with the one-partition ones.
func TestWindowGoldens(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe", "golden")
	qs := windowGoldenQueries()
	matches, err := filepath.Glob(filepath.Join(dir, "window_*.csv"))
	if err != nil || len(matches) != len(qs) {
		t.Fatalf("%d window goldens for %d queries (%v)", len(matches), len(qs), err)
	}
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		rec := windowInput(t, ctx)
		one, many := dataframe.FromArrow(rec), split(t, rec, windowLayout)
		for name, q := range qs {
			want := readGolden(t, filepath.Join(dir, "window_"+name+".csv"))
			var single [][]string
			for _, in := range []*dataframe.DataFrame{one, many} {
				df := q(in)
				if err := df.Err(); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				tbl, err := df.Compute(ctx, opt)
				if err != nil {
					t.Fatalf("%s over %d partitions: %v", name, in.NPartitions(), err)
				}
				got := tableRows(tbl)
				tbl.Release()
				compareRows(t, fmt.Sprintf("%s over %d partitions", name, in.NPartitions()), got, want)
				if single == nil {
					single = got
				} else {
					compareRows(t, name+": many partitions against one", got, single)
				}
			}
		}
	})
}

// movingSum is a centered moving sum of column a over 2 rows either side: the
// function given to MapOverlap, which sees its neighbours' rows.
func movingSum(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	a := rec.Column(rec.Schema().FieldIndices("a")[0]).(*array.Int64)
	b := array.NewInt64Builder(compute.GetAllocator(ctx))
	defer b.Release()
	for i := range a.Len() {
		s := int64(0)
		for j := max(i-2, 0); j <= min(i+2, a.Len()-1); j++ {
			s += a.Value(j)
		}
		b.Append(s)
	}
	col := b.NewArray()
	defer col.Release()
	return array.NewRecordBatch(movingSchema, []arrow.Array{rec.Column(0), col}, rec.NumRows()), nil
}

var movingSchema = arrow.NewSchema([]arrow.Field{
	{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
	{Name: "s", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// TestMapOverlap checks a user function over many partitions against the same over
// one, and against a centered rolling sum.
func TestMapOverlap(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		rec := windowInput(t, ctx)
		if !arrow.TypeEqual(rec.Schema().Field(0).Type, movingSchema.Field(0).Type) {
			t.Fatalf("input schema %s", rec.Schema())
		}
		var results [][][]string
		for _, in := range []*dataframe.DataFrame{dataframe.FromArrow(rec), split(t, rec, windowLayout), split(t, rec, []int{1, 1, 1, 0, 1, 1})} {
			df := in.Select("t", "a").MapOverlap(movingSum, 2, 2, movingSchema)
			if df.NPartitions() != in.NPartitions() || !strings.Contains(df.Explain(), "MapOverlap") {
				t.Fatalf("%d partitions\n%s", df.NPartitions(), df.Explain())
			}
			tbl, err := df.Compute(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			results = append(results, tableRows(tbl))
			tbl.Release()
		}
		compareRows(t, "many against one", results[1], results[0])
		compareRows(t, "ones against one", results[2], results[0])
		tbl, err := dataframe.FromArrow(rec).Select("a").Rolling(5, dataframe.Center(), dataframe.MinPeriods(1)).Sum().Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		for r, row := range tableRows(tbl) {
			if !sameCell(row[0], results[0][r][1]) && r > 0 {
				t.Fatalf("row %d: rolling %s, MapOverlap %s", r, row[0], results[0][r][1])
			}
		}

		// A function that drops rows, or changes the schema, is an error naming the
		// partition.
		checkShort(t, ctx, rec, opt, halfMovingSum)
		_, err = dataframe.FromArrow(rec).MapOverlap(movingSum, 1, 1, rec.Schema()).Compute(ctx, opt)
		if err == nil || !strings.Contains(err.Error(), "partition 0 came back with schema") {
			t.Fatalf("schema: %v", err)
		}
		if err := dataframe.FromArrow(rec).MapOverlap(movingSum, -1, 0, movingSchema).Err(); err == nil {
			t.Fatal("negative before accepted")
		}
	})
	// A closure runs in process only: the procs scheduler refuses it.
	drop := func(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
		return halfMovingSum(ctx, rec)
	}
	t.Run("closure", func(t *testing.T) {
		eachLocal(t, func(t *testing.T, opt gask.Option) {
			ctx := checked(t)
			rec := windowInput(t, ctx)
			checkShort(t, ctx, rec, opt, drop)
			refused(t, split(t, rec, windowLayout).Select("t", "a").MapOverlap(drop, 2, 1, movingSchema), "TestMapOverlap")
		})
	})
}

// halfMovingSum is movingSum cut to half its rows: a MapOverlap function that breaks
// its contract.
func halfMovingSum(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	out, err := movingSum(ctx, rec)
	if err != nil {
		return nil, err
	}
	defer out.Release()
	return out.NewSlice(0, out.NumRows()/2), nil
}

// checkShort checks that MapOverlap of a function that drops rows fails, naming the
// partition.
func checkShort(t *testing.T, ctx context.Context, rec arrow.RecordBatch, opt gask.Option, drop dataframe.PartitionFunc) {
	t.Helper()
	_, err := split(t, rec, windowLayout).Select("t", "a").MapOverlap(drop, 2, 1, movingSchema).Compute(ctx, opt)
	if err == nil || !strings.Contains(err.Error(), "came back with") || !strings.Contains(err.Error(), "rows") || !strings.Contains(err.Error(), "partition ") {
		t.Fatalf("short result: %v", err)
	}
}

// TestWindowMissing checks NaN and null alike skipped (or propagated) by hand, and
// Diff of timestamps.
func TestWindowMissing(t *testing.T) {
	type row struct {
		T time.Time `gask:"t"`
		X *float64  `gask:"x"`
		N int32     `gask:"n"`
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := []row{{t0, f64(1), 1}, {t0.Add(time.Second), f64(math.NaN()), 2}, {t0.Add(3 * time.Second), nil, 3}, {t0.Add(4 * time.Second), f64(4), 4}, {t0.Add(4500 * time.Millisecond), f64(6), 5}}
	for _, parts := range []int{1, 3, 5} {
		eachScheduler(t, func(t *testing.T, opt gask.Option) {
			ctx := checked(t)
			df := dataframe.FromRecords(rows, parts)
			cases := map[string]*dataframe.DataFrame{
				"x\n(null)\n(null)\n(null)\n(null)\n10\n":                 df.Select("x").Rolling(2).Sum(),
				"x\n1\n1\n(null)\n4\n10\n":                                df.Select("x").Rolling(2, dataframe.MinPeriods(1)).Sum(),
				"x\n1\n1\n0\n1\n2\n":                                      df.Select("x").Rolling(2, dataframe.MinPeriods(0)).Count(),
				"x\n(null)\n(null)\n(null)\n(null)\n1.4142135623730951\n": df.Select("x").Rolling(3, dataframe.MinPeriods(1)).Std(),
				"x\n(null)\nNaN\n(null)\n(null)\n2\n":                     df.Select("x").Diff(1),
				"n\n(null)\n1\n1\n1\n1\n":                                 df.Select("n").Diff(1),
				"n\n3\n6\n9\n12\n9\n":                                     df.Select("n").Rolling(3, dataframe.MinPeriods(1), dataframe.Center()).Sum(),
				"t,n\n(null),(null)\n2026-01-01T00:00:00Z,1\n2026-01-01T00:00:01Z,2\n2026-01-01T00:00:03Z,3\n2026-01-01T00:00:04Z,4\n": df.Select("t", "n").Shift(1),
				"n\n2\n3\n4\n5\n(null)\n": df.Select("n").Shift(-1),
				"t,n\n2026-01-01T00:00:00Z,1\n2026-01-01T00:00:01Z,2\n2026-01-01T00:00:03Z,3\n2026-01-01T00:00:04Z,4\n2026-01-01T00:00:04.5Z,9\n": df.Select("t", "n").Rolling("1s", dataframe.RollingOn("t")).Sum(),
			}
			for want, q := range cases {
				if err := q.Err(); err != nil {
					t.Fatal(err)
				}
				tbl, err := q.Compute(ctx, opt)
				if err != nil {
					t.Fatal(err)
				}
				got := tableString(t, tbl)
				tbl.Release()
				if got != want {
					t.Errorf("%d partitions, %s:\n%swant\n%s", parts, strings.Split(q.Explain(), "\n")[0], got, want)
				}
			}
			q := df.Select("t").Diff(1)
			if got := fmt.Sprint(q.Schema().Field(0).Type); got != "duration[us]" && got != "duration[ns]" {
				t.Fatalf("diff of timestamps is %s", got)
			}
			tbl, err := q.Compute(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			defer tbl.Release()
			d := tableRows(tbl)
			if d[1][0] != "" || !strings.HasPrefix(d[3][0], "2000000") && !strings.HasPrefix(d[3][0], "2s") {
				t.Fatalf("diff of timestamps: %v", d)
			}
		})
	}
}

// TestWindowErrors checks bad input by the errors' text: at plan time where the schema
// tells, at Compute (naming the partition) where only the data does.
func TestWindowErrors(t *testing.T) {
	type row struct {
		T    time.Time  `gask:"t"`
		Day  string     `gask:"city"`
		X    float64    `gask:"x"`
		Null *time.Time `gask:"maybe"`
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := []row{{t0, "a", 1, &t0}, {t0.Add(2 * time.Second), "b", 2, nil}, {t0.Add(time.Second), "c", 3, &t0}, {t0.Add(3 * time.Second), "d", 4, &t0}}
	df := dataframe.FromRecords(rows, 2)
	num := df.Select("t", "x")
	plan := map[string]error{
		`window must be positive`:                              num.Select("x").Rolling(0).Sum().Err(),
		`window must be positive, not -2`:                      num.Select("x").Rolling(-2).Mean().Err(),
		`needs a timestamp column: give RollingOn`:             num.Rolling(2 * time.Second).Sum().Err(),
		`column "x" is float64, not a timestamp`:               num.Rolling("2s", dataframe.RollingOn("x")).Sum().Err(),
		`unknown column "nope"`:                                num.Rolling("2s", dataframe.RollingOn("nope")).Sum().Err(),
		`column "city" is utf8, not a number`:                  df.Select("t", "city", "x").Rolling(2, dataframe.RollingOn("t")).Sum().Err(),
		`Center works with windows of rows`:                    num.Rolling("2s", dataframe.RollingOn("t"), dataframe.Center()).Sum().Err(),
		`min_periods 5 is more than the window of 3 rows`:      num.Select("x").Rolling(3, dataframe.MinPeriods(5)).Sum().Err(),
		`window "fortnight" is not a time span`:                num.Rolling("fortnight", dataframe.RollingOn("t")).Sum().Err(),
		`window is float64`:                                    num.Rolling(2.5).Sum().Err(),
		`dataframe: shift: unknown column "nope"`:              df.Shift(1, "nope").Err(),
		`dataframe: diff: column "city" is utf8, not a number`: df.Diff(1, "city").Err(),
		`dataframe: diff: unknown column "nope"`:               df.Diff(1, "nope").Err(),
	}
	for want, err := range plan {
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "dataframe: ") {
			t.Errorf("want %q, got %v", want, err)
		}
	}
	if err := num.Rolling("2s", dataframe.RollingOn("nope")).Err(); err == nil || !strings.HasPrefix(err.Error(), "dataframe: rolling: ") {
		t.Errorf("Rolling.Err: %v", err)
	}
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		_, err := num.Rolling("2s", dataframe.RollingOn("t")).Sum().Compute(ctx, opt)
		if err == nil || !strings.Contains(err.Error(), `dataframe: rolling: column "t" is not sorted: partition 1 row 0`) {
			t.Errorf("unsorted: %v", err)
		}
		_, err = df.Select("maybe", "x").Rolling("2s", dataframe.RollingOn("maybe")).Max().Compute(ctx, opt)
		if err == nil || !strings.Contains(err.Error(), `dataframe: rolling: column "maybe" has missing timestamps`) {
			t.Errorf("null timestamps: %v", err)
		}
		// Rows windows need no sorting; Diff of strings is refused but Shift is fine.
		tbl, err := df.Select("city").Shift(-3).Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		if got := tableString(t, tbl); got != "city\nd\n(null)\n(null)\n(null)\n" {
			t.Errorf("shift of strings:\n%s", got)
		}
	})
}

func init() {
	gask.Register("dataframe_test.movingSum", movingSum)
	gask.Register("dataframe_test.halfMovingSum", halfMovingSum)
}

// TestWindowGraph checks the shape of the plans: O(P) tasks, each partition's task
// depending on its own partition and its neighbours' edges only, built-ins shippable,
// and a registered MapOverlap function running through its registered kernel as a
// worker process would.
func TestWindowGraph(t *testing.T) {
	ctx := checked(t)
	rec := windowInput(t, ctx)
	in := split(t, rec, windowLayout)
	p := in.NPartitions()
	for name, df := range map[string]*dataframe.DataFrame{
		"rolling": in.Select("a", "x").Rolling(4, dataframe.Center()).Std(),
		"time":    in.Rolling("3s", dataframe.RollingOn("t")).Max(),
		"shift":   in.Shift(-2),
		"diff":    in.Diff(3, "a"),
		"overlap": in.Select("t", "a").MapOverlap(movingSum, 1, 1, movingSchema),
		"chained": in.Shift(1).Select("a").Rolling(3).Sum(),
	} {
		g, err := df.Graph()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if max := 5 * p * (1 + btoi(name == "chained")); g.Len() > max {
			t.Errorf("%s: %d tasks for %d partitions", name, g.Len(), p)
		}
		for _, k := range df.Keys() {
			task, _ := g.Task(k)
			if len(task.Deps) > 3 {
				t.Errorf("%s: %s depends on %v", name, k, task.Deps)
			}
		}
		if err := g.CheckShippable(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	unregistered := func(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
		return movingSum(ctx, rec)
	}
	g, err := in.Select("t", "a").MapOverlap(unregistered, 1, 1, movingSchema).Graph()
	if err != nil {
		t.Fatal(err)
	}
	if g.CheckShippable() == nil {
		t.Error("a closure's MapOverlap is shippable")
	}

	// The registered kernel, found by name as on a worker, on one partition.
	df := dataframe.FromArrow(rec).Select("t", "a").MapOverlap(movingSum, 2, 2, movingSchema)
	g, err = df.Graph()
	if err != nil {
		t.Fatal(err)
	}
	task, _ := g.Task(df.Keys()[0])
	kernel, ok := graph.Lookup(task.Func.Name())
	if !ok || task.Func.Name() != "dataframe.map-overlap" {
		t.Fatalf("MapOverlap runs %q", task.Func.Name())
	}
	sel, err := dataframe.ApplySteps(ctx, rec, []string{"t", "a"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sel.Release()
	args, err := task.Arguments([]any{sel})
	if err != nil {
		t.Fatal(err)
	}
	v, err := kernel(ctx, args)
	if err != nil {
		t.Fatal(err)
	}
	out := v.(arrow.RecordBatch)
	defer out.Release()
	want, err := df.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer want.Release()
	got := array.NewTableFromRecords(out.Schema(), []arrow.RecordBatch{out})
	defer got.Release()
	compareRows(t, "registered kernel", tableRows(got), tableRows(want))
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRollingPrecision checks windows after a huge value has left them, and variances
// of values with a large common offset, against direct computation.
func TestRollingPrecision(t *testing.T) {
	type row struct {
		X float64 `gask:"x"`
	}
	var rows []row
	for i := range 300 {
		v := 1e9 + float64(i%7)
		if i == 50 {
			v = 1e17
		}
		rows = append(rows, row{v})
	}
	ctx := checked(t)
	for _, agg := range []string{"sum", "var"} {
		r := dataframe.FromRecords(rows, 11).Rolling(4)
		df := r.Sum()
		if agg == "var" {
			df = r.Var()
		}
		tbl, err := df.Compute(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := tableRows(tbl)
		tbl.Release()
		for i := 3; i < len(rows); i++ {
			if i >= 50 && i < 54 {
				continue
			}
			w := rows[i-3 : i+1]
			sum, mean, ss := 0.0, 0.0, 0.0
			for _, x := range w {
				sum += x.X - 1e9
			}
			mean = sum / 4
			for _, x := range w {
				ss += (x.X - 1e9 - mean) * (x.X - 1e9 - mean)
			}
			want := fmt.Sprint(sum + 4e9)
			if agg == "var" {
				want = fmt.Sprint(ss / 3)
			}
			if !sameCell(got[i+1][0], want) {
				t.Fatalf("%s row %d: %s, want %s", agg, i, got[i+1][0], want)
			}
		}
	}
}
