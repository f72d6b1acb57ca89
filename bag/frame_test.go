package bag_test

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/bag"
	"github.com/gask-dev/gask/dataframe"
)

func TestToDataFrame(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
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
