package dataframe_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

// TestPivotTable spreads aggregations over the categories of city against pandas'
// pivot_table (testdata/dataframe/make_sort_goldens.py), city plain and as a
// category, from one and several partitions, on every scheduler.
func TestPivotTable(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe")
	for _, bs := range []int64{700, 64 << 20} {
		for _, cats := range []bool{false, true} {
			t.Run(fmt.Sprintf("blocksize=%d/categories=%v", bs, cats), func(t *testing.T) {
				opts := []dataframe.CSVOption{dataframe.Blocksize(bs)}
				if cats {
					opts = append(opts, dataframe.Categorical("city"))
				}
				in := dataframe.ReadCSV(filepath.Join(dir, "people-*.csv"), opts...)
				eachScheduler(t, func(t *testing.T, opt gask.Option) {
					ctx := checked(t)
					cities, err := in.Categories(ctx, "city", opt)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(cities, []string{"lille, nord", "lyon", "nice", "paris", `say "hi"`}) {
						t.Fatalf("categories %q", cities)
					}
					for name, df := range map[string]*dataframe.DataFrame{
						"pivot_mean":     in.PivotTable("grade", "city", dataframe.Mean("score"), cities),
						"pivot_sum_high": in.Filter(dataframe.Col("score").Gt(dataframe.Lit(90.0))).PivotTable("grade", "city", dataframe.Sum("bonus"), cities),
					} {
						tbl, err := df.Compute(ctx, opt)
						if err != nil {
							t.Fatal(err)
						}
						compareRows(t, name, tableRows(tbl), readGolden(t, filepath.Join(dir, "golden", name+".csv")))
						tbl.Release()
					}
				})
			})
		}
	}
}

// TestPivotTableErrors: a value outside the categories names it; bad plans fail early.
func TestPivotTableErrors(t *testing.T) {
	ctx := checked(t)
	in := dataframe.FromRecords(trips, 2)
	_, err := in.PivotTable("riders", "city", dataframe.Sum("fare"), []string{"lyon", "paris"}).Compute(ctx)
	if err == nil || !strings.Contains(err.Error(), `column "city" has "nice", not among the categories [lyon, paris]`) {
		t.Fatalf("got %v", err)
	}
	for want, df := range map[string]*dataframe.DataFrame{
		`no categories of "city"`:           in.PivotTable("riders", "city", dataframe.Sum("fare"), nil),
		`category "lyon" names two columns`: in.PivotTable("riders", "city", dataframe.Sum("fare"), []string{"lyon", "lyon"}),
		`"nope"`:                            in.PivotTable("riders", "city", dataframe.Sum("nope"), []string{"lyon"}),
	} {
		if err := df.Err(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}

func ExampleDataFrame_PivotTable() {
	ctx := context.Background()
	sales := dataframe.FromRecords([]struct {
		Day   int64   `gask:"day"`
		Store string  `gask:"store"`
		Sold  float64 `gask:"sold"`
	}{{1, "north", 3}, {1, "south", 4}, {2, "north", 5}, {1, "north", 1}}, 2)
	stores, err := sales.Categories(ctx, "store")
	if err != nil {
		fmt.Println(err)
		return
	}
	tbl, err := sales.PivotTable("day", "store", dataframe.Sum("sold"), stores).Compute(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tbl.Release()
	for c := range int(tbl.NumCols()) {
		fmt.Println(tbl.Schema().Field(c).Name, tbl.Column(c).Data().Chunk(0))
	}
	// Output:
	// day [1 2]
	// north [4 5]
	// south [4 (null)]
}
