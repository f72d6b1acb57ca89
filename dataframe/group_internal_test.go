package dataframe

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestMostlyDistinct checks the HyperLogLog estimate that decides whether a partition
// is pre-aggregated: on either side of half distinct, with some margin.
func TestMostlyDistinct(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 100000
	for _, tc := range []struct {
		distinct int
		want     bool
	}{{n, true}, {70000, true}, {55000, true}, {45000, false}, {30000, false}, {1000, false}, {1, false}} {
		ints := array.NewInt64Builder(mem)
		strs := array.NewStringBuilder(mem)
		for i := range n {
			ints.Append(int64(i % tc.distinct % 7))
			strs.Append(fmt.Sprintf("s%d", i%tc.distinct))
		}
		a, s := ints.NewArray(), strs.NewArray()
		if got := mostlyDistinct([]arrow.Array{a, s}, n, true); got != tc.want {
			t.Errorf("%d distinct of %d: mostlyDistinct = %v", tc.distinct, n, got)
		}
		a.Release()
		s.Release()
		ints.Release()
		strs.Release()
	}
}
