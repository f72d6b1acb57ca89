package array_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	arrowarray "github.com/apache/arrow-go/v18/arrow/array"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/array"
	"github.com/gask-dev/gask/bag"
	"github.com/gask-dev/gask/dataframe"
)

type obs struct {
	ID    int64    `gask:"id"`
	X     float64  `gask:"x"`
	Y     *float32 `gask:"y"`
	Ok    bool     `gask:"ok"`
	Label string   `gask:"label"`
}

func obsRows(n int) []obs {
	rows := make([]obs, n)
	for i := range rows {
		rows[i] = obs{ID: int64(i), X: float64(i) / 4, Ok: i%3 == 0, Label: fmt.Sprint("r", i)}
		if i%5 != 2 {
			y := float32(i) * 1.5
			rows[i].Y = &y
		}
	}
	return rows
}

// The dataframe side of these conversions runs in process only, for now:
// dataframe.FromRecords reads its rows in closures, and the dataframe steps pushed into
// a source's read tasks ([]dataframe.Step, in every dataframe.pipeline task and in
// ToDataFrame's reads when a dataframe operation follows) are not yet registered with
// gob by the dataframe package. ToDataFrame computed as it is ships.
func TestFromDataFrame(t *testing.T) {
	eachLocal(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		rows := obsRows(23)
		df := dataframe.FromRecords(rows, 4).Filter(dataframe.Col("id").Ne(dataframe.Lit(int64(7))))
		a, err := array.FromDataFrame(ctx, df, []string{"x", "y", "id", "ok"}, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Shape(), []int{22, 4}) || a.DType() != array.Float64 {
			t.Fatalf("%v", a)
		}
		// partition lengths as chunks: 23 rows in 4 partitions, row 7 (partition 1) filtered out
		if got := a.Chunks()[0]; !slices.Equal(got, []int{5, 5, 6, 6}) {
			t.Fatalf("row chunks %v", got)
		}
		d, err := a.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		r := 0
		for _, row := range rows {
			if row.ID == 7 {
				continue
			}
			y := math.NaN()
			if row.Y != nil {
				y = float64(*row.Y)
			}
			ok := 0.0
			if row.Ok {
				ok = 1
			}
			want := []float64{row.X, y, float64(row.ID), ok}
			got := d.Data[r*4 : r*4+4]
			for j := range want {
				if !(got[j] == want[j] || math.IsNaN(got[j]) && math.IsNaN(want[j])) {
					t.Fatalf("row %d: %v, want %v", r, got, want)
				}
			}
			r++
		}
		ints, err := array.FromDataFrame(ctx, df, []string{"id"}, opt)
		if err != nil || ints.DType() != array.Int64 {
			t.Fatalf("integer column: %v %v", ints, err)
		}
		// the array's operations run on it
		s, err := a.Sum(array.Axis(0)).Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		if want := (253.0 - 7) / 4; s.Data[0] != want {
			t.Fatalf("sum of x %v, want %v", s.Data[0], want)
		}
	})
}

func TestFromDataFrameErrors(t *testing.T) {
	ctx := context.Background()
	df := dataframe.FromRecords(obsRows(10), 2)
	if _, err := array.FromDataFrame(ctx, df, []string{"x", "label"}); err == nil || !strings.Contains(err.Error(), `"label"`) {
		t.Fatalf("string column: %v", err)
	}
	if _, err := array.FromDataFrame(ctx, df, []string{"nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("unknown column: %v", err)
	}
	// wrong lengths fail when the block is computed, naming the partition
	a := array.FromDataFrameChunks(df, []int{5, 4}, []string{"x"})
	if _, err := a.Compute(ctx); err == nil || !strings.Contains(err.Error(), "partition 1 has 5 rows") {
		t.Fatalf("wrong lengths: %v", err)
	}
	if err := array.FromDataFrameChunks(df, []int{10}, []string{"x"}).Err(); err == nil {
		t.Fatal("one length for two partitions")
	}
}

func TestToDataFrame(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		x := array.FromSlice(seq(30), []int{10, 3}, array.Chunks(4, 2)).Mul(2)
		tbl, err := array.ToDataFrame(x, "a", "b", "c").Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		b := tbl.Column(1).Data().Chunks()
		if tbl.NumRows() != 10 || len(b) != 3 || b[2].(*arrowarray.Float64).Value(1) != 56 {
			t.Fatalf("%v", tbl)
		}
	})
	eachLocal(t, func(t *testing.T, opt gask.Option) {
		ctx := context.Background()
		// chunks split the columns too: ToDataFrame rechunks to whole rows
		x := array.FromSlice(seq(30), []int{10, 3}, array.Chunks(4, 2)).Mul(2)
		df := array.ToDataFrame(x, "a", "b", "c")
		if df.NPartitions() != 3 || !slices.Equal(df.Columns(), []string{"a", "b", "c"}) {
			t.Fatalf("%d partitions, columns %v", df.NPartitions(), df.Columns())
		}
		type abc struct{ A, B, C float64 }
		got, err := dataframe.ToRecords[abc](ctx, df.Rename(map[string]string{"a": "A", "b": "B", "c": "C"}), opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 10 || got[9] != (abc{54, 56, 58}) || got[0] != (abc{0, 2, 4}) {
			t.Fatalf("%v", got)
		}
		// dataframe operations after it, and the round trip back
		n, err := df.Filter(dataframe.Col("b").Gt(dataframe.Lit(20.0))).Len(ctx, opt)
		if err != nil || n != 6 { // b = 6i+2 > 20 for i = 4..9
			t.Fatalf("filtered len %d %v", n, err)
		}
		back, err := array.FromDataFrame(ctx, df, nil, opt)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := x.Compute(ctx, opt)
		d, err := back.Compute(ctx, opt)
		if err != nil || !slices.Equal(d.Data, want.Data) {
			t.Fatalf("round trip %v %v", d, err)
		}
		// 1-d, default names, Bool and Int64 columns
		flags := array.ToDataFrame(array.FromSlice(seq(5), []int{5}, array.Chunks(2)).Gt(2))
		if !slices.Equal(flags.Columns(), []string{"0"}) || flags.Schema().Field(0).Type.String() != "bool" {
			t.Fatalf("bool column: %v", flags.Schema())
		}
		tbl, err := flags.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		if tbl.NumRows() != 5 {
			t.Fatalf("%d rows", tbl.NumRows())
		}
		if err := array.ToDataFrame(x, "a").Err(); err == nil {
			t.Fatal("one name for three columns")
		}
		if err := array.ToDataFrame(array.Zeros([]int{2, 2, 2}, array.Chunks(1))).Err(); err == nil {
			t.Fatal("3-d array")
		}
	})
}

func TestFromBag(t *testing.T) {
	ctx := context.Background()
	items := bag.FromSlice([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3)
	// A filter's closure stays in process (and a registered one cannot leave it yet:
	// the bag package's pipeline steps are not registered with gob).
	filtered := bag.Filter(items, func(x int) bool { return x%4 != 0 })
	eachLocal(t, func(t *testing.T, opt gask.Option) {
		a, err := array.FromBag(ctx, filtered, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Chunks()[0], []int{3, 3, 3}) {
			t.Fatalf("chunks %v", a.Chunks())
		}
		d, err := a.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Data, []float64{1, 2, 3, 5, 6, 7, 9, 10, 11}) {
			t.Fatalf("%v", d.Data)
		}
		if _, err := array.FromBagChunks(filtered, []int{3, 3, 2}).Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), "partition 2 has 3 items") {
			t.Fatalf("wrong lengths: %v", err)
		}
	})
	checkUnshippable(t, array.FromBagChunks(filtered, []int{3, 3, 3}), "array_test.TestFromBag.func")
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		a, err := array.FromBag(ctx, items, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Chunks()[0], []int{4, 4, 3}) {
			t.Fatalf("chunks %v", a.Chunks())
		}
		d, err := a.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Data, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) {
			t.Fatalf("%v", d.Data)
		}
		if _, err := array.FromBagChunks(items, []int{4, 4, 4}).Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), "partition 2 has 3 items") {
			t.Fatalf("wrong lengths: %v", err)
		}
	})
}

func ExampleFromDataFrame() {
	type point struct{ X, Y float64 }
	df := dataframe.FromRecords([]point{{1, 2}, {3, 4}, {5, 6}}, 2)
	a, err := array.FromDataFrame(context.Background(), df, []string{"X", "Y"})
	if err != nil {
		panic(err)
	}
	m, _ := a.Mean(array.Axis(0)).Compute(context.Background())
	fmt.Println(a.Shape(), a.Chunks(), m.Data)
	// Output: [3 2] [[1 2] [2]] [3 4]
}

func ExampleFromBag() {
	b := bag.FromSlice([]int{1, 2, 3, 4, 5}, 2)
	a, _ := array.FromBag(context.Background(), b)
	s, _ := a.Sum().Compute(context.Background())
	fmt.Println(a.Chunks(), s.Data)
	// Output: [[3 2]] [15]
}

func ExampleToNPY() {
	dir, _ := os.MkdirTemp("", "gask-npy")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "x.npy")
	x := array.Arange(0, 6, 1, array.Chunks(4))
	if err := array.ToNPY(context.Background(), x, path); err != nil {
		panic(err)
	}
	back, _ := array.FromNPY(path, array.Chunks(2)).Compute(context.Background())
	fmt.Println(back.Data)
	// Output: [0 1 2 3 4 5]
}

func ExampleToZarr() {
	dir, _ := os.MkdirTemp("", "gask-zarr")
	defer os.RemoveAll(dir)
	x := array.FromSlice([]float64{1, 2, 3, 4, 5, 6}, []int{2, 3}, array.Chunks(1, 2))
	if err := array.ToZarr(context.Background(), x, filepath.Join(dir, "x.zarr"), array.ZarrZstd); err != nil {
		panic(err)
	}
	z := array.FromZarr(filepath.Join(dir, "x.zarr"))
	d, _ := z.Compute(context.Background())
	fmt.Println(z.Chunks(), d.Data)
	// Output: [[1 1] [2 1]] [1 2 3 4 5 6]
}
