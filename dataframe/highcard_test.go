package dataframe_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

// TestSplitOutManyGroups groups partitions whose keys hardly repeat, which the chunk
// step passes on ungrouped (adaptive pre-aggregation), and checks the result against
// the same aggregation without split_out, with and without null keys.
func TestSplitOutManyGroups(t *testing.T) {
	// 60000 rows in two partitions of about 30000; the key (a, b, c) repeats exactly
	// once, 30000 rows apart, so each partition's keys are all distinct.
	path := filepath.Join(t.TempDir(), "many.csv")
	var b strings.Builder
	b.WriteString("a,b,c,v\n")
	for i := range 60000 {
		a := fmt.Sprintf("k%05d", i%30000)
		if i%30000 == 17 || i%30000 == 29 {
			a = "" // null keys, in both partitions
		}
		fmt.Fprintf(&b, "%s,%d,c%d,%d.5\n", a, i%2, i%30000%3, i%1000)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	input := dataframe.ReadCSV(path, dataframe.Blocksize(int64(b.Len()/2+1)), dataframe.Categorical("c"))
	if input.NPartitions() != 2 {
		t.Fatalf("%d partitions", input.NPartitions())
	}
	aggs := []dataframe.Agg{dataframe.Sum("v").As("sum"), dataframe.Size().As("n"), dataframe.Max("v").As("max"),
		dataframe.Median("v").As("median"), dataframe.Std("v").As("std")}
	for _, keepNulls := range []bool{false, true} {
		t.Run(fmt.Sprintf("keepNulls=%v", keepNulls), func(t *testing.T) {
			eachScheduler(t, func(t *testing.T, opt gask.Option) {
				ctx := checked(t)
				group := func() *dataframe.GroupBy {
					g := input.GroupBy("a", "b", "c")
					if keepNulls {
						g = g.KeepNullKeys()
					}
					return g
				}
				want, err := group().Agg(aggs...).Compute(ctx, opt)
				if err != nil {
					t.Fatal(err)
				}
				defer want.Release()
				got, err := group().SplitOut(3).Agg(aggs...).Compute(ctx, opt)
				if err != nil {
					t.Fatal(err)
				}
				defer got.Release()
				wantRows := strings.Split(strings.TrimSpace(tableString(t, want)), "\n")
				gotRows := strings.Split(strings.TrimSpace(tableString(t, got)), "\n")
				if wantRows[0] != "a,b,c,sum,n,max,median,std" || gotRows[0] != wantRows[0] {
					t.Fatalf("columns %q, want %q", gotRows[0], wantRows[0])
				}
				groups := 30000 - 2
				if keepNulls {
					groups++ // rows 17 and 29 (mod 30000) both have the key (null, 1, c2)
				}
				slices.Sort(gotRows[1:])
				slices.Sort(wantRows[1:])
				if !slices.Equal(gotRows, wantRows) {
					t.Fatalf("split_out result differs: %d rows, want %d", len(gotRows)-1, len(wantRows)-1)
				}
				if len(wantRows)-1 != groups {
					t.Fatalf("%d groups, want %d", len(wantRows)-1, groups)
				}
			})
		})
	}
}
