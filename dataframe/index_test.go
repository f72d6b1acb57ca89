package dataframe_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

func people(bs int64) *dataframe.DataFrame {
	return dataframe.ReadCSV(filepath.Join("..", "testdata", "dataframe", "people-*.csv"), dataframe.Blocksize(bs))
}

// partRows is each partition of a computed table (one chunk per partition) as a
// header row and value rows.
func partRows(tbl arrow.Table) [][][]string {
	var out [][][]string
	for c := 0; c < int(tbl.NumCols()); c++ {
		for p, ch := range tbl.Column(c).Data().Chunks() {
			if c == 0 {
				out = append(out, [][]string{nil})
				for range ch.Len() {
					out[p] = append(out[p], nil)
				}
			}
			out[p][0] = append(out[p][0], tbl.Schema().Field(c).Name)
			for i := range ch.Len() {
				v := ""
				if ch.IsValid(i) {
					v = ch.ValueStr(i)
				}
				out[p][i+1] = append(out[p][i+1], v)
			}
		}
	}
	return out
}

// checkIndexed checks what SetIndex promises of each partition: sorted by the index
// (missing values last, in the last partition) and within the divisions.
func checkIndexed(t *testing.T, df *dataframe.DataFrame, tbl arrow.Table) {
	t.Helper()
	divs, ok := df.Divisions()
	if !ok || len(divs) != df.NPartitions()+1 {
		t.Fatalf("divisions %v (known %v) for %d partitions", divs, ok, df.NPartitions())
	}
	num := func(v any) float64 {
		switch x := v.(type) {
		case int64:
			return float64(x)
		case float64:
			return x
		}
		t.Fatalf("division %v is %T", v, v)
		return 0
	}
	for i := 1; i < len(divs); i++ {
		if num(divs[i-1]) > num(divs[i]) {
			t.Fatalf("divisions %v do not ascend", divs)
		}
	}
	ci := tbl.Schema().FieldIndices(df.Index())[0]
	chunks := tbl.Column(ci).Data().Chunks()
	if len(chunks) != df.NPartitions() {
		t.Fatalf("%d chunks for %d partitions", len(chunks), df.NPartitions())
	}
	for p, ch := range chunks {
		prev, missing := 0.0, false
		for i := range ch.Len() {
			if !ch.IsValid(i) || ch.ValueStr(i) == "NaN" {
				if p != len(chunks)-1 {
					t.Fatalf("partition %d of %d has a missing index", p, len(chunks))
				}
				missing = true
				continue
			}
			v, err := strconv.ParseFloat(ch.ValueStr(i), 64)
			if err != nil {
				t.Fatal(err)
			}
			if missing || (i > 0 && v < prev) {
				t.Fatalf("partition %d is not sorted at row %d (%v after %v)", p, i, v, prev)
			}
			lo, hi := num(divs[p]), num(divs[p+1])
			if v < lo || v > hi || (v == hi && p < len(chunks)-1) {
				t.Fatalf("partition %d holds %v, outside its divisions [%v, %v)", p, v, lo, hi)
			}
			prev = v
		}
	}
}

// TestSetIndexQuantiles sets an index whose divisions come from the data: the rows
// are pandas' stable sort by score (golden/sort_score.csv), partitions respect the
// divisions, and the divisions end at the least and greatest scores.
func TestSetIndexQuantiles(t *testing.T) {
	want := readGolden(t, filepath.Join("..", "testdata", "dataframe", "golden", "sort_score.csv"))
	for _, n := range []int{1, 3, 7} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			eachScheduler(t, func(t *testing.T, opt gask.Option) {
				ctx := checked(t)
				df, err := people(700).SetIndex(ctx, "score", dataframe.IndexPartitions(n), dataframe.IndexCompute(opt))
				if err != nil {
					t.Fatal(err)
				}
				if df.Index() != "score" || df.NPartitions() > n {
					t.Fatalf("index %q, %d partitions", df.Index(), df.NPartitions())
				}
				divs, _ := df.Divisions()
				if divs[0] != -49.477 || divs[len(divs)-1] != 149.275 {
					t.Fatalf("divisions %v: want -49.477 .. 149.275", divs)
				}
				tbl, err := df.Compute(ctx, opt)
				if err != nil {
					t.Fatal(err)
				}
				defer tbl.Release()
				compareRows(t, "set_index score", tableRows(tbl), want)
				checkIndexed(t, df, tbl)
				// A filter keeps the index and divisions; replacing the column drops them.
				if f := df.Filter(dataframe.Col("grade").Gt(dataframe.Lit(1))); f.Index() != "score" {
					t.Fatalf("filter lost the index")
				}
				if r := df.Rename(map[string]string{"score": "s"}); r.Index() != "s" {
					t.Fatalf("rename: index %q", r.Index())
				}
				if w := df.WithColumn("score", dataframe.Col("score").Mul(dataframe.Lit(2.0))); w.Index() != "" {
					t.Fatalf("a replaced index column is still the index")
				}
				if _, ok := df.Select("id").Divisions(); ok {
					t.Fatalf("a projection without the index kept divisions")
				}
			})
		})
	}
}

// TestSetIndexGiven sets given divisions and compares each partition with Dask's
// (testdata/dataframe/make_index_goldens.py), missing scores in the last one.
func TestSetIndexGiven(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe", "golden")
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		df, err := people(700).SetIndex(ctx, "score", dataframe.GivenDivisions(-100, 0, 50, 500))
		if err != nil {
			t.Fatal(err)
		}
		if divs, ok := df.Divisions(); !ok || !slices.Equal(divs, []any{-100.0, 0.0, 50.0, 500.0}) {
			t.Fatalf("divisions %v", divs)
		}
		cols := []string{"score", "id", "city", "grade", "bonus", "ok", "note"}
		tbl, err := df.Select(cols...).Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		parts := partRows(tbl)
		if len(parts) != 3 {
			t.Fatalf("%d partitions", len(parts))
		}
		for i, got := range parts {
			compareRowSets(t, fmt.Sprintf("partition %d", i), got, readGolden(t, filepath.Join(dir, fmt.Sprintf("index_given_p%d.csv", i))))
		}
		checkIndexed(t, df.Select(cols...), tbl)

		// A value outside the divisions is an error naming the column and the value.
		narrow, err := people(700).SetIndex(ctx, "score", dataframe.GivenDivisions(0, 100))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := narrow.Compute(ctx, opt); err == nil || !strings.Contains(err.Error(), `column "score" has `) || !strings.Contains(err.Error(), "outside the divisions [0, 100]") {
			t.Fatalf("got %v", err)
		}
	})
}

// TestSetIndexSorted reads the divisions of a column sorted already (Dask's
// sorted=True), moving no rows and dropping the empty third partition as Dask does.
func TestSetIndexSorted(t *testing.T) {
	want := readGolden(t, filepath.Join("..", "testdata", "dataframe", "golden", "index_sorted_divisions.csv"))
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		in := people(64 << 20)
		df, err := in.SetIndex(ctx, "id", dataframe.SortedIndex(), dataframe.IndexCompute(opt))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(df.Explain(), "SortValues") {
			t.Fatalf("sorted set_index sorts:\n%s", df.Explain())
		}
		divs, _ := df.Divisions()
		var got, dask []string
		for _, d := range divs {
			got = append(got, fmt.Sprintf("%.1f", float64(d.(int64))))
		}
		for _, r := range want[1:] {
			dask = append(dask, r[0])
		}
		if !slices.Equal(got, dask) || df.NPartitions() != 2 {
			t.Fatalf("divisions %v, Dask %v (%d partitions)", divs, dask, df.NPartitions())
		}
		tbl, err := df.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		checkIndexed(t, df, tbl)

		// Repartitioned to new divisions covering the old: Dask's row counts.
		rep := df.RepartitionDivisions(-10, 50, 100, 200, 400)
		counts := readGolden(t, filepath.Join("..", "testdata", "dataframe", "golden", "index_repartition.csv"))
		rt, err := rep.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer rt.Release()
		for p, ch := range rt.Column(0).Data().Chunks() {
			if fmt.Sprint(ch.Len()) != counts[p+1][0] {
				t.Fatalf("partition %d has %d rows, Dask %s", p, ch.Len(), counts[p+1][0])
			}
		}
		checkIndexed(t, rep, rt)
		compareRows(t, "repartitioned", tableRows(rt), tableRows(tbl))
	})
}

// TestIndexErrors: every bad input is an error naming what is wrong.
func TestIndexErrors(t *testing.T) {
	ctx := checked(t)
	in := people(700)
	cases := []struct {
		name string
		err  func() error
		want string
	}{
		{"unknown column", func() error { _, err := in.SetIndex(ctx, "nope"); return err }, `unknown column "nope"`},
		{"missing values", func() error { _, err := in.SetIndex(ctx, "score", dataframe.SortedIndex()); return err }, `column "score" has`},
		{"one division", func() error { _, err := in.SetIndex(ctx, "id", dataframe.GivenDivisions(1)); return err }, "1 divisions"},
		{"descending", func() error { _, err := in.SetIndex(ctx, "id", dataframe.GivenDivisions(5, 1)); return err }, "division 1 (1) follows 5"},
		{"wrong type", func() error { _, err := in.SetIndex(ctx, "id", dataframe.GivenDivisions("a", "b")); return err }, "division 0: a (string) is not a int64 value"},
		{"no index", func() error { return in.RepartitionDivisions(0, 1).Err() }, "needs known divisions"},
		{"not covering", func() error {
			df, err := in.SetIndex(ctx, "id", dataframe.GivenDivisions(0, 100, 300))
			if err != nil {
				return err
			}
			return df.RepartitionDivisions(10, 300).Err()
		}, "divisions [10, 300] do not cover the index's [0, 300]"},
		{"aligned without index", func() error {
			return dataframe.Merge(in, in, dataframe.On("id"), dataframe.Strategy(dataframe.Aligned)).Err()
		}, "an aligned join needs both sides indexed"},
		{"size", func() error { _, err := in.RepartitionSize(ctx, 0); return err }, "partitions of 0 bytes"},
	}
	for _, tc := range cases {
		if err := tc.err(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
	// A column sorted within partitions but not across them, and one not even that.
	ks := []struct {
		K int64 `gask:"k"`
	}{{5}, {6}, {1}, {2}}
	if _, err := dataframe.FromRecords(ks, 2).SetIndex(ctx, "k", dataframe.SortedIndex()); err == nil || !strings.Contains(err.Error(), `column "k" is not sorted across partitions 0 and 1`) {
		t.Fatalf("got %v", err)
	}
	if _, err := dataframe.FromRecords(ks, 1).SetIndex(ctx, "k", dataframe.SortedIndex()); err == nil || !strings.Contains(err.Error(), `column "k" is not sorted in partition 0`) {
		t.Fatalf("got %v", err)
	}
}

// TestMergeAligned joins sides indexed by the key: partition with partition, no
// shuffle, against the pandas goldens of the hash join.
func TestMergeAligned(t *testing.T) {
	dir := filepath.Join("..", "testdata", "dataframe", "golden")
	cases := []struct {
		golden string
		opts   []dataframe.MergeOption
	}{
		{"join_inner_cust", nil},
		{"join_left_cust", []dataframe.MergeOption{dataframe.How(dataframe.Left)}},
		{"join_right_cust", []dataframe.MergeOption{dataframe.How(dataframe.Right)}},
		{"join_outer_cust", []dataframe.MergeOption{dataframe.How(dataframe.Outer)}},
		{"join_semi_cust", []dataframe.MergeOption{dataframe.How(dataframe.Semi)}},
		{"join_anti_cust", []dataframe.MergeOption{dataframe.How(dataframe.Anti)}},
		{"join_inner_nulls_equal", []dataframe.MergeOption{dataframe.NullsEqual()}},
	}
	for _, tc := range cases {
		want := readGolden(t, filepath.Join(dir, tc.golden+".csv"))
		t.Run(tc.golden, func(t *testing.T) {
			eachScheduler(t, func(t *testing.T, opt gask.Option) {
				ctx := checked(t)
				orders, customers := joinInputs(false)
				// Different divisions on the two sides: the union aligns them.
				left, err := orders.SetIndex(ctx, "cust", dataframe.IndexPartitions(3), dataframe.IndexCompute(opt))
				if err != nil {
					t.Fatal(err)
				}
				right, err := customers.SetIndex(ctx, "cust", dataframe.GivenDivisions(0, 7, 30, 100))
				if err != nil {
					t.Fatal(err)
				}
				m := dataframe.Merge(left, right, append(slices.Clone(tc.opts), dataframe.On("cust"))...)
				if err := m.Err(); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(m.Explain(), "strategy=aligned") || strings.Contains(m.Explain(), "Shuffle") {
					t.Fatalf("not aligned:\n%s", m.Explain())
				}
				tbl, err := m.Compute(ctx, opt)
				if err != nil {
					t.Fatal(err)
				}
				defer tbl.Release()
				compareRowSets(t, tc.golden, sortedRows(tbl), want)
				if tc.golden == "join_left_cust" {
					if m.Index() != "cust" {
						t.Fatalf("left join index %q", m.Index())
					}
					checkIndexed(t, m, tbl)
				}
			})
		})
	}
}

// TestRepartitionSize cuts large partitions and combines small ones to a byte size,
// keeping every row in order.
func TestRepartitionSize(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		in := people(64 << 20) // 2 partitions of rows and an empty one
		whole, err := in.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer whole.Release()
		for _, size := range []int64{1, 2 << 10, 1 << 30} {
			df, err := in.RepartitionSize(ctx, size, opt)
			if err != nil {
				t.Fatal(err)
			}
			tbl, err := df.Compute(ctx, opt)
			if err != nil {
				t.Fatal(err)
			}
			compareRows(t, fmt.Sprint(size), tableRows(tbl), tableRows(whole))
			n := df.NPartitions()
			tbl.Release()
			switch {
			case size == 1 && n != 240: // one row per partition at the most
				t.Fatalf("size 1: %d partitions", n)
			case size == 1<<30 && n != 1:
				t.Fatalf("size 1 GiB: %d partitions", n)
			case size == 2<<10 && (n < 3 || n > 40):
				t.Fatalf("size 2 KiB: %d partitions", n)
			}
		}
	})
}

func ExampleDataFrame_SetIndex() {
	ctx := context.Background()
	df := dataframe.FromRecords([]struct {
		K int64  `gask:"k"`
		V string `gask:"v"`
	}{{5, "e"}, {1, "a"}, {4, "d"}, {2, "b"}, {3, "c"}, {6, "f"}}, 2)
	ix, err := df.SetIndex(ctx, "k", dataframe.GivenDivisions(1, 4, 6))
	if err != nil {
		fmt.Println(err)
		return
	}
	divs, _ := ix.Divisions()
	fmt.Println("index", ix.Index(), "divisions", divs)
	tbl, err := ix.Compute(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tbl.Release()
	for p, ch := range tbl.Column(1).Data().Chunks() {
		fmt.Println("partition", p, ch)
	}
	// Output:
	// index k divisions [1 4 6]
	// partition 0 ["a" "b" "c"]
	// partition 1 ["d" "e" "f"]
}
