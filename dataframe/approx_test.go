package dataframe_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

// TestApproxQuantileGolden checks ApproxQuantile against pandas' exact quantile
// (groupby_more.csv's score_q25): groups of about 60 values stay whole in their
// digests, merged from partial digests of 12 partitions or computed from one.
func TestApproxQuantileGolden(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe")
	want := readGolden(t, filepath.Join(dir, "golden", "groupby_more.csv"))
	for _, bs := range []int64{700, 64 << 20} {
		t.Run(fmt.Sprintf("blocksize=%d", bs), func(t *testing.T) {
			in := dataframe.ReadCSV(filepath.Join(dir, "people-*.csv"), dataframe.Blocksize(bs))
			df := in.GroupBy("grade").SplitEvery(2).Agg(dataframe.ApproxQuantile("score", 0.25).As("score_q25"))
			eachScheduler(t, func(t *testing.T, opt gask.Option) {
				ctx := checked(t)
				tbl, err := df.Compute(ctx, opt)
				if err != nil {
					t.Fatal(err)
				}
				defer tbl.Release()
				got := tableRows(tbl)
				// want: grade, city_nunique, score_q25, ok_any, ok_all
				proj := make([][]string, len(want))
				for i, r := range want {
					proj[i] = []string{r[0], r[2]}
				}
				compareRows(t, "approx_quantile", got, proj)
			})
		})
	}
}
