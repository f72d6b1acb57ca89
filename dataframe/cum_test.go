package dataframe_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

// TestCumulativeGoldens runs cumsum, cummax and cummin across 1 and 12 partitions
// (one of them empty) against pandas, on every scheduler.
func TestCumulativeGoldens(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe")
	cases := map[string]func(*dataframe.DataFrame) *dataframe.DataFrame{
		"cumsum": func(df *dataframe.DataFrame) *dataframe.DataFrame {
			return df.Select("id", "score", "bonus").CumSum()
		},
		"cummax": func(df *dataframe.DataFrame) *dataframe.DataFrame {
			return df.Select("score", "bonus").CumMax("score", "bonus")
		},
		"cummin": func(df *dataframe.DataFrame) *dataframe.DataFrame {
			return df.Select("score", "grade").CumMin()
		},
	}
	for name, q := range cases {
		want := readGolden(t, filepath.Join(dir, "golden", name+".csv"))
		for _, bs := range []int64{700, 64 << 20} {
			t.Run(fmt.Sprintf("%s/blocksize=%d", name, bs), func(t *testing.T) {
				df := q(dataframe.ReadCSV(filepath.Join(dir, "people-*.csv"), dataframe.Blocksize(bs)))
				if err := df.Err(); err != nil {
					t.Fatal(err)
				}
				eachScheduler(t, func(t *testing.T, opt gask.Option) {
					ctx := checked(t)
					tbl, err := df.Compute(ctx, opt)
					if err != nil {
						t.Fatal(err)
					}
					defer tbl.Release()
					compareRows(t, name, tableRows(tbl), want)
				})
			})
		}
	}
}

// TestCumProd checks the running product over partitions, with a missing value.
func TestCumProd(t *testing.T) {
	type row struct {
		X *int64   `gask:"x"`
		Y *float64 `gask:"y"`
	}
	i := func(v int64) *int64 { return &v }
	f := func(v float64) *float64 { return &v }
	rows := []row{{i(2), f(0.5)}, {nil, f(2)}, {i(3), nil}, {i(-1), f(4)}, {i(5), f(1)}}
	ctx := checked(t)
	tbl, err := dataframe.FromRecords(rows, 3).CumProd().Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if got := tableString(t, tbl); got != "x,y\n2,0.5\n(null),1\n6,(null)\n-6,4\n-30,4\n" {
		t.Fatalf("cumprod:\n%s", got)
	}
	if err := dataframe.FromRecords(rows, 1).CumSum("nope").Err(); err == nil || !strings.Contains(err.Error(), `unknown column "nope"`) {
		t.Fatalf("unknown column: %v", err)
	}
}
