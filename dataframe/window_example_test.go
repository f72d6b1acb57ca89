package dataframe_test

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/gask-dev/gask/dataframe"
)

type reading struct {
	At    time.Time `gask:"at"`
	Value float64   `gask:"value"`
}

func readings() []reading {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var rs []reading
	for i, s := range []int{0, 1, 3, 4, 4, 9} {
		rs = append(rs, reading{t0.Add(time.Duration(s) * time.Second), float64(i + 1)})
	}
	return rs
}

func printTable(df *dataframe.DataFrame) {
	tbl, err := df.Compute(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tbl.Release()
	for r := range tbl.NumRows() {
		for c := range tbl.NumCols() {
			if c > 0 {
				fmt.Print(" ")
			}
			col := array.NewChunkedSlice(tbl.Column(int(c)).Data(), r, r+1)
			ch := col.Chunks()[0]
			if ch.IsNull(0) {
				fmt.Print("-")
			} else {
				fmt.Print(ch.ValueStr(0))
			}
			col.Release()
		}
		fmt.Println()
	}
}

// Rolling windows reach across partitions: here six rows in three partitions, summed
// three rows at a time, and the mean over the last two seconds of a timestamp column.
func ExampleDataFrame_Rolling() {
	df := dataframe.FromRecords(readings(), 3)
	printTable(df.Select("value").Rolling(3).Sum())
	fmt.Println()
	printTable(df.Rolling(2*time.Second, dataframe.RollingOn("at")).Mean())
	// Output:
	// -
	// -
	// 6
	// 9
	// 12
	// 15
	//
	// 2026-03-01T12:00:00Z 1
	// 2026-03-01T12:00:01Z 1.5
	// 2026-03-01T12:00:03Z 3
	// 2026-03-01T12:00:04Z 3.5
	// 2026-03-01T12:00:04Z 4
	// 2026-03-01T12:00:09Z 6
}

// Shift and Diff look periods rows back (or ahead, when negative), across partitions.
func ExampleDataFrame_Diff() {
	df := dataframe.FromRecords(readings(), 4).Select("value")
	printTable(df.WithColumn("prev", dataframe.Col("value")).Shift(1, "prev").WithColumn("next", dataframe.Col("value")).Diff(-2, "next"))
	// Output:
	// 1 - -2
	// 2 1 -2
	// 3 2 -2
	// 4 3 -2
	// 5 4 -
	// 6 5 -
}

// MapOverlap runs a function on each partition with rows of its neighbours around
// it; here a centered three-row moving maximum over partitions of two rows.
func ExampleDataFrame_MapOverlap() {
	df := dataframe.FromRecords(readings(), 3).Select("value")
	schema := arrow.NewSchema([]arrow.Field{{Name: "max3", Type: arrow.PrimitiveTypes.Float64}}, nil)
	movingMax := func(ctx context.Context, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
		vs := rec.Column(0).(*array.Float64).Float64Values()
		b := array.NewFloat64Builder(compute.GetAllocator(ctx))
		defer b.Release()
		for i := range vs {
			m := vs[i]
			for j := max(i-1, 0); j <= min(i+1, len(vs)-1); j++ {
				m = max(m, vs[j])
			}
			b.Append(m)
		}
		col := b.NewArray()
		defer col.Release()
		return array.NewRecordBatch(schema, []arrow.Array{col}, rec.NumRows()), nil
	}
	printTable(df.MapOverlap(movingMax, 1, 1, schema))
	// Output:
	// 2
	// 3
	// 4
	// 5
	// 6
	// 6
}
