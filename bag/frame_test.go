package bag_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/bag"
	"github.com/gask-dev/gask/dataframe"
)

// The conversion to Arrow runs in process: these tests run on the in-process
// schedulers.

func TestToDataFrame(t *testing.T) {
	eachLocal(t, func(t *testing.T, opt gask.Option) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		cctx := compute.WithAllocator(context.Background(), mem)
		b := bag.ReadJSON[record](textDir+"records.jsonl", 200, "")
		big := bag.Filter(b, func(r record) bool { return r.Amount > 10 })
		df := bag.ToDataFrame(big)
		equal(t, "columns", df.Columns(), []string{"name", "amount", "id"})
		equal(t, "npartitions", df.NPartitions(), b.NPartitions())
		got := val(dataframe.ToRecords[record](cctx, df.Filter(dataframe.Col("amount").Gt(dataframe.Lit(12))), opt)).must(t)
		want := val(bag.Filter(b, func(r record) bool { return r.Amount > 12 }).Compute(ctx, opt)).must(t)
		equal(t, "rows", got, want)
		if len(want) == 0 {
			t.Fatal("no rows to compare")
		}
	})
	if err := bag.ToDataFrame(bag.FromSlice([]int{1}, 1)).Err(); err == nil || !strings.HasPrefix(err.Error(), "bag: ToDataFrame") {
		t.Errorf("ints: %v", err)
	}
}

func TestMapsToDataFrame(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "amount", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "id", Type: arrow.PrimitiveTypes.Int32},
	}, nil)
	eachLocal(t, func(t *testing.T, opt gask.Option) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		cctx := compute.WithAllocator(context.Background(), mem)
		maps := bag.ReadJSON[map[string]any](textDir+"records.jsonl", 200, "")
		df := bag.MapsToDataFrame(maps, schema)
		equal(t, "columns", df.Columns(), []string{"name", "amount", "id"})
		equal(t, "npartitions", df.NPartitions(), maps.NPartitions())
		type row struct {
			Name   string `gask:"name"`
			Amount int64  `gask:"amount"`
			ID     int32  `gask:"id"`
		}
		got := val(dataframe.ToRecords[row](cctx, df.Filter(dataframe.Col("amount").Gt(dataframe.Lit(12))), opt)).must(t)
		recs := val(bag.Filter(bag.ReadJSON[record](textDir+"records.jsonl", 200, ""), func(r record) bool { return r.Amount > 12 }).Compute(ctx, opt)).must(t)
		var want []row
		for _, r := range recs {
			want = append(want, row{r.Name, int64(r.Amount), int32(r.ID)})
		}
		equal(t, "rows", got, want)
		if len(want) == 0 {
			t.Fatal("no rows to compare")
		}

		// Missing keys and nil are null; every converted type; errors name the element and key.
		typed := arrow.NewSchema([]arrow.Field{
			{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
			{Name: "u8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
			{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
			{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
			{Name: "s", Type: arrow.BinaryTypes.LargeString, Nullable: true},
			{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		}, nil)
		in := []map[string]any{
			{"b": true, "u8": 200.0, "f32": 1.5, "f": 7, "s": "x", "t": "2026-11-22T04:00:00Z", "other": 1},
			{"u8": json.Number("3"), "f": json.Number("2.25"), "t": time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), "s": nil},
		}
		type trow struct {
			B   *bool      `gask:"b"`
			U8  *uint64    `gask:"u8"`
			F32 *float64   `gask:"f32"`
			F   *float64   `gask:"f"`
			S   *string    `gask:"s"`
			T   *time.Time `gask:"t"`
		}
		trows := val(dataframe.ToRecords[trow](cctx, bag.MapsToDataFrame(bag.FromSlice(in, 2), typed), opt)).must(t)
		equal(t, "typed rows", len(trows), 2)
		if trows[0].B == nil || !*trows[0].B || *trows[0].U8 != 200 || *trows[0].F32 != 1.5 || *trows[0].F != 7 || *trows[0].S != "x" || !trows[0].T.Equal(time.Date(2026, 11, 22, 4, 0, 0, 0, time.UTC)) {
			t.Errorf("row 0: %+v", trows[0])
		}
		if trows[1].B != nil || *trows[1].U8 != 3 || trows[1].F32 != nil || *trows[1].F != 2.25 || trows[1].S != nil || !trows[1].T.Equal(time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)) {
			t.Errorf("row 1: %+v", trows[1])
		}
		for _, c := range []struct {
			m    map[string]any
			want string
		}{
			{map[string]any{"u8": 256.0}, `element 1 key "u8": 256 does not fit`},
			{map[string]any{"u8": 1.5}, `element 1 key "u8": 1.5 does not fit`},
			{map[string]any{"b": "yes"}, `element 1 key "b": string yes is not a bool`},
			{map[string]any{"f": "1"}, `element 1 key "f": string 1 is not a number`},
			{map[string]any{"t": "noon"}, `element 1 key "t": parsing time`},
		} {
			_, err := dataframe.ToRecords[trow](cctx, bag.MapsToDataFrame(bag.FromSlice([]map[string]any{{}, c.m}, 1), typed), opt)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "partition 0") {
				t.Errorf("%v: %v, want %q", c.m, err, c.want)
			}
		}
		_, err := dataframe.ToRecords[row](cctx, bag.MapsToDataFrame(bag.FromSlice([]map[string]any{{"name": "a"}}, 1), schema), opt)
		if err == nil || !strings.Contains(err.Error(), `element 0 has no value for the non-nullable column "id"`) {
			t.Errorf("non-nullable: %v", err)
		}
	})
	bad := arrow.NewSchema([]arrow.Field{{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)}}, nil)
	if err := bag.MapsToDataFrame(bag.FromSlice([]map[string]any{{}}, 1), bad).Err(); err == nil || !strings.Contains(err.Error(), `column "l" has type list`) {
		t.Errorf("list column: %v", err)
	}
}
