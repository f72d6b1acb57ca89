package dataframe_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

// TestSortValuesGoldens sorts by one and several columns, in both directions, with
// nulls last and first, against pandas' stable sort
// (testdata/dataframe/make_sort_goldens.py); over several input and output partition
// counts, with city plain and as a category, on every scheduler.
func TestSortValuesGoldens(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe")
	cases := []struct {
		golden string
		by     []string
		opts   []dataframe.SortOption
	}{
		{"sort_score", []string{"score"}, nil},
		{"sort_city_score_desc", []string{"city", "score"}, []dataframe.SortOption{dataframe.Ascending(true, false)}},
		{"sort_grade_desc_nulls_first", []string{"grade", "id"}, []dataframe.SortOption{dataframe.Ascending(false, true), dataframe.NullsFirst()}},
		{"sort_ok_bonus", []string{"ok", "bonus"}, nil},
	}
	for _, tc := range cases {
		want := readGolden(t, filepath.Join(dir, "golden", tc.golden+".csv"))
		for _, bs := range []int64{700, 64 << 20} {
			for _, nout := range []int{1, 3} {
				for _, cats := range []bool{false, true} {
					t.Run(fmt.Sprintf("%s/blocksize=%d/out=%d/categories=%v", tc.golden, bs, nout, cats), func(t *testing.T) {
						opts := []dataframe.CSVOption{dataframe.Blocksize(bs)}
						if cats {
							opts = append(opts, dataframe.Categorical("city"))
						}
						in := dataframe.ReadCSV(filepath.Join(dir, "people-*.csv"), opts...)
						df := in.SortValues(tc.by, append(tc.opts, dataframe.SortPartitions(nout))...)
						if err := df.Err(); err != nil {
							t.Fatal(err)
						}
						if df.NPartitions() != nout || !strings.Contains(df.Explain(), "SortValues") {
							t.Fatalf("%d partitions\n%s", df.NPartitions(), df.Explain())
						}
						eachScheduler(t, func(t *testing.T, opt gask.Option) {
							ctx := checked(t)
							tbl, err := df.Compute(ctx, opt)
							if err != nil {
								t.Fatal(err)
							}
							defer tbl.Release()
							compareRows(t, tc.golden, tableRows(tbl), want)
							if tc.golden == "sort_score" && nout == 3 {
								// Range partitions from the sample: none empty, none with most rows.
								for i, ch := range tbl.Column(0).Data().Chunks() {
									if ch.Len() == 0 || ch.Len() > 160 {
										t.Fatalf("partition %d has %d of 240 rows", i, ch.Len())
									}
								}
							}
						})
					})
				}
			}
		}
	}
}

// TestSortValuesTasks checks the task count: 2P + N + 1 beyond the input's.
func TestSortValuesTasks(t *testing.T) {
	in := dataframe.ReadCSV(filepath.Join("..", "testdata", "dataframe", "people-*.csv"), dataframe.Blocksize(700))
	p := in.NPartitions()
	g0, err := in.Graph()
	if err != nil {
		t.Fatal(err)
	}
	g, err := in.SortValues([]string{"score"}, dataframe.SortPartitions(4)).Graph()
	if err != nil {
		t.Fatal(err)
	}
	if want := g0.Len() + 2*p + 4 + 1; g.Len() != want {
		t.Fatalf("%d tasks for %d partitions sorted into 4, want %d", g.Len(), p, want)
	}
}

func TestSortValuesErrors(t *testing.T) {
	in := dataframe.ReadCSV(filepath.Join("..", "testdata", "dataframe", "people-*.csv"))
	for _, tc := range []struct {
		df   *dataframe.DataFrame
		want string
	}{
		{in.SortValues([]string{"nope"}), `unknown column "nope"`},
		{in.SortValues(nil), "no columns"},
		{in.SortValues([]string{"id", "score"}, dataframe.Ascending(true, false, true)), "3 directions for 2 columns"},
		{in.SortValues([]string{"id"}, dataframe.SortPartitions(0)), "into 0 partitions"},
	} {
		if err := tc.df.Err(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want it to say %q", err, tc.want)
		}
	}
}
