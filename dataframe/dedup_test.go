package dataframe_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

// TestDropDuplicatesGoldens keeps the first, the last or none of each set of
// duplicates against pandas (testdata/dataframe/make_sort_goldens.py), from one
// partition and from several (shuffled on the subset first), with city plain and as a
// category, on every scheduler.
func TestDropDuplicatesGoldens(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe")
	cases := []struct {
		golden string
		subset []string
		keep   dataframe.Keep
	}{
		{"dedup_city_first", []string{"city"}, dataframe.KeepFirst},
		{"dedup_city_grade_last", []string{"city", "grade"}, dataframe.KeepLast},
		{"dedup_city_grade_ok_none", []string{"city", "grade", "ok"}, dataframe.KeepNone},
	}
	for _, tc := range cases {
		want := readGolden(t, filepath.Join(dir, "golden", tc.golden+".csv"))
		for _, bs := range []int64{700, 64 << 20} {
			for _, cats := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/blocksize=%d/categories=%v", tc.golden, bs, cats), func(t *testing.T) {
					opts := []dataframe.CSVOption{dataframe.Blocksize(bs)}
					if cats {
						opts = append(opts, dataframe.Categorical("city"))
					}
					in := dataframe.ReadCSV(filepath.Join(dir, "people-*.csv"), opts...)
					df := in.DropDuplicates(tc.subset, tc.keep)
					if err := df.Err(); err != nil {
						t.Fatal(err)
					}
					if !strings.Contains(df.Explain(), "DropDuplicates") || (in.NPartitions() > 1) != strings.Contains(df.Explain(), "Shuffle") {
						t.Fatalf("plan:\n%s", df.Explain())
					}
					eachScheduler(t, func(t *testing.T, opt gask.Option) {
						ctx := checked(t)
						tbl, err := df.Compute(ctx, opt)
						if err != nil {
							t.Fatal(err)
						}
						defer tbl.Release()
						compareRowSets(t, tc.golden, tableRows(tbl), want)
					})
				})
			}
		}
	}
}

func TestDropDuplicatesErrors(t *testing.T) {
	in := dataframe.ReadCSV(filepath.Join("..", "testdata", "dataframe", "people-*.csv"))
	if err := in.DropDuplicates([]string{"nope"}, dataframe.KeepFirst).Err(); err == nil || !strings.Contains(err.Error(), `unknown column "nope"`) {
		t.Errorf("unknown column: %v", err)
	}
	if err := in.DropDuplicates(nil, "middle").Err(); err == nil || !strings.Contains(err.Error(), `keep "middle"`) {
		t.Errorf("bad keep: %v", err)
	}
}
